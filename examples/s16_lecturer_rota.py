# %% [markdown]
# # S16 Lecturer rota: 33 lecturer turns over 12 monthly plans
#
# 干部上讲台: the zone draws up 12 monthly learning plans (月学习计划) whose
# courses follow the chains of its work (产业、经济、规划建设), and asks
# business-line cadres to teach them: one report counts 7 sharing sessions
# and 33 lecturer turns (担任"讲师"干部33人次). Here each month has one
# sharing session with 3 speakers (2 in the last quarter): 33 turns in all.
# A cadre is qualified when the session's topic is one of their
# industries or competencies at 0.8 or above (业务骨干), gives at most 2 turns a year, and
# never lectures in a month they are away on cross shadowing (the S4 plan).
# The rota is exact: as many turns as possible, then the fewest turns for
# the busiest lecturer, then cadres where the plan asks for them, then as
# many different cadres as possible. The head of 招商一局 opens the year
# (a pin: 领导干部讲主责主业).

# %%
from collections import Counter

from cadredev.calendar import Calendar
from cadredev.datasets import cross_shadowing_problem, sample_zone
from cadredev.rotation import schedule
from cadredev.training import Course, LearningPlan, Lecturer, Session, lecturer_rota

zone = sample_zone()
topics = [  # (course title, topic, lecturer turns)
    ("招商引资实战分享", "investment", 3),
    ("项目推进经验", "construction", 3),
    ("低效用地有机更新及规划建设", "construction", 3),
    ("土地资源管理利用", "construction", 3),
    ("项目建设管理", "construction", 3),
    ("统计入库业务", "service", 3),
    ("工业楼宇政策", "service", 3),
    ("以商招商与产业链招商", "investment", 3),
    ("企业服务一本通", "service", 3),
    ("数字经济产业链", "digital_economy", 2),
    ("生物医药产业链", "biomedicine", 2),
    ("半导体装备产业链", "semiconductor_equipment", 2),
]
sessions = []
plans = []
for month, (title, topic, turns) in enumerate(topics, start=1):
    period = f"2025-{month:02d}"
    course = Course(id=f"k{month:02d}", title=title, topic=topic, format="seminar", hours=2)
    sessions.append(
        Session(id=f"s{month:02d}", course=course, period=period, capacity=250, slots=turns)
    )
    plans.append(
        LearningPlan(
            id=f"plan-{month:02d}", period=period, required={course.id}, cadre_lecturers=True
        )
    )

lecturers = [Lecturer.from_cadre(c, max_turns=2) for c in zone.cadres]
shadowing = schedule(cross_shadowing_problem(zone), seed=0)
rota = lecturer_rota(
    sessions,
    lecturers,
    busy=shadowing,
    calendar=Calendar("2025-01"),
    plans=plans,
    pinned=[("s01", "c001")],
    min_level=0.8,
)
print(rota)
rota

# %% [markdown]
# All 33 turns are filled by cadres; 28 different cadres lecture and nobody
# more than twice, the least any rota can do given who is qualified for
# what. Each session can say who gives it.

# %%
print(rota.explain("s01"))
print(rota.explain("s12"))
assert len(plans) == 12
assert rota.slots == rota.filled == 33
assert rota.turns_by_kind() == {"cadre": 33}
assert rota.unfilled == ()
assert rota.max_turns == 2
assert rota.lecturers_used == 28
assert "c001" in rota.lecturers_of("s01")
away = {
    (a.cadre_id, f"2025-{p + 1:02d}")
    for a in shadowing.assignments
    for p in range(a.start, a.start + a.length)
}
assert not any((t.lecturer_id, t.period) in away for t in rota.turns)
by_id = {c.id: c for c in zone.cadres}
assert all(
    t.topic in by_id[t.lecturer_id].industries or by_id[t.lecturer_id].competencies[t.topic] >= 0.8
    for t in rota.turns
)
print("turns per lecturer:", dict(sorted(Counter(rota.load.values()).items())))

# %% [markdown]
# **Menu choice (菜单式点选) and exams (以考促学).** In March every cadre
# attends the sharing session and picks one elective from a menu of four
# courses of 60 seats, ranking the four; seats go by ranked choice (the cadre-optimal stable
# assignment, through the matching engine). A quiz closes the month. The
# month's attendance, quiz results and lecturer turns become scoring records.

# %%
import numpy as np

from cadredev.training import Attendance, QuizResult, enrol, training_records

rng = np.random.default_rng(16)
menu = [
    Course(id="e1", title="离岸贸易", topic="investment", format="lecture"),
    Course(id="e2", title="新质生产力专题", topic="digital_economy", format="lecture"),
    Course(id="e3", title="园区服务流程再造", topic="service", format="seminar"),
    Course(id="e4", title="统计入库线上课", topic="service", format="online", hours=1),
]
march = LearningPlan(
    id="plan-03", period="2025-03", required={"k03"}, electives={k.id for k in menu}
)
seats = [sessions[2]] + [
    Session(id=f"m-{k.id}", course=k, period="2025-03", capacity=60) for k in menu
]
choices = {c.id: [menu[i].id for i in rng.permutation(4)] for c in zone.cadres}
enrolment = enrol(march, zone.cadres, choices, sessions=seats)
print(enrolment)
print(enrolment.explain(enrolment.shortfalls[0].cadre_id))

# %%
assert len(enrolment.seats) == 246 + 240  # the session for all, and every elective seat
assert len(enrolment.shortfalls) == 6
assert all(g.course_id is None for g in enrolment.shortfalls)
assert sum(enrolment.choice_counts().values()) == 240
attendance = [
    Attendance(cadre_id=s.cadre_id, session_id=s.session_id, attended=bool(rng.random() > 0.05))
    for s in enrolment.seats
]
quiz = [
    QuizResult(
        cadre_id=c.id, quiz="q03", period="2025-03", score=float(min(100, rng.normal(80, 10)))
    )
    for c in zone.cadres
]
records = training_records(seats, attendance, quizzes=quiz, rota=rota)
hours = sum(records.value(c.id, "2025-03", "training_hours") for c in zone.cadres)
passed = sum(q.passed for q in quiz)
print(f"March: {hours:.0f} training hours, {passed} of 246 passed the quiz")
assert records.indicators == (
    "attendance_rate.den",
    "attendance_rate.num",
    "lecturer_turns",
    "quiz_pass_rate.den",
    "quiz_pass_rate.num",
    "training_hours",
)
speakers = rota.lecturers_of("s03")
assert [records.value(c, "2025-03", "lecturer_turns") for c in speakers] == [1.0, 1.0, 1.0]
assert passed == 238
assert enrolment.choice_counts() == {1: 231, 2: 5, 3: 3, 4: 1}
enrolment
