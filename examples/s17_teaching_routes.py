# %% [markdown]
# # S17 Teaching routes: 4 routes of 3 sites from 8 featured sites, 7 case courses
#
# A new area's "1+4" teaching system (教学体系) has four teaching themes
# (教学主题): ocean science and technology, ocean industry, open cooperation
# and ocean ecology. It offers 7 case courses (教学案例) and 8 featured
# teaching sites (特色教学点), and designs one fine teaching route
# (精品教学路线) of 3 sites per theme, taught by lecture, seminar and
# experience (讲授式、研讨式、体验式). Each case course has a topic that a
# site on its theme's route must show on the ground. The site names are the
# report's; which topics each site shows, the distances between them (km)
# and the sites' daily capacities are illustrative.
#
# For each theme the route covers as many of its case topics as possible,
# then is as short as possible (every visiting order is tried); when cohorts
# are booked onto the routes, the routes are chosen together so that no
# site takes more visitors in a day than it can.

# %%
import datetime as dt

import numpy as np

from cadredev.training import Booking, Course, Site, Theme, plan_routes

cases = [
    Course(
        id="case-1",
        title="突破发展海洋经济 打造海洋强国战略支点",
        topic="smart port",
        format="seminar",
    ),
    Course(
        id="case-2",
        title="共享开放发展新机遇 共建海洋命运共同体",
        topic="international cooperation",
        format="seminar",
    ),
    Course(id="case-3", title="大科学装置与海洋科技创新", topic="ocean science", format="seminar"),
    Course(id="case-4", title="海洋生物技术产业化", topic="marine biotech", format="seminar"),
    Course(id="case-5", title="深远海绿色养殖", topic="deep-sea aquaculture", format="seminar"),
    Course(id="case-6", title="现代海洋牧场", topic="marine ranching", format="seminar"),
    Course(id="case-7", title="美丽海湾建设", topic="bay ecology", format="seminar"),
]
sites = [  # (id, name, topics, visitors per day, position in km)
    Site(
        id="port",
        name="山东港口青岛港自动化码头",
        topics={"smart port", "international cooperation"},
        capacity=80,
    ),
    Site(
        id="bgi",
        name="华大基因北方中心",
        topics={"marine biotech", "deep-sea aquaculture"},
        capacity=40,
    ),
    Site(
        id="seaweed",
        name="明月海藻世界",
        topics={"marine biotech", "marine ranching", "bay ecology"},
        capacity=60,
    ),
    Site(
        id="science",
        name="中科院海洋大科学研究中心",
        topics={"ocean science", "international cooperation"},
        capacity=50,
    ),
    Site(
        id="farm",
        name="山东深远海绿色养殖公司",
        topics={"deep-sea aquaculture", "marine ranching"},
        capacity=40,
    ),
    Site(
        id="ranch",
        name="青岛鲁海丰海洋牧场",
        topics={"marine ranching", "bay ecology"},
        capacity=80,
    ),
    Site(
        id="decade",
        name="“海洋十年”国际合作中心",
        topics={"international cooperation", "ocean science"},
        capacity=60,
    ),
    Site(id="lingshan", name="灵山岛省级自然保护区", topics={"bay ecology"}, capacity=50),
]
where = np.array(
    [[0, 0], [12, 8], [18, 3], [9, 15], [30, 10], [26, 18], [5, 12], [22, -12]], dtype=float
)
distance = np.round(np.hypot(*(where[:, None, :] - where[None, :, :]).transpose(2, 0, 1)), 1)
themes = [
    Theme(id="science", name="海洋科技创新", topics={"ocean science", "marine biotech"}),
    Theme(id="industry", name="海洋产业发展", topics={"deep-sea aquaculture", "marine ranching"}),
    Theme(id="open", name="海洋开放合作", topics={"smart port", "international cooperation"}),
    Theme(id="ecology", name="海洋生态保护", topics={"bay ecology"}),
]
assert sorted(t for th in themes for t in th.topics) == sorted(c.topic for c in cases)

plan = plan_routes(sites, themes, distance=distance, sites_per_route=3)
for theme in themes:
    print(theme.name, plan.explain(theme.id))
plan

# %% [markdown]
# Every theme gets a route of 3 of the 8 sites and all 7 case topics are
# covered, with no gap. The 12 stops use all 8 sites; four of them serve two
# themes each.

# %%
assert (len(sites), len(cases), len(plan.routes)) == (8, 7, 4)
assert plan.unrouted == ()
assert all(len(r.sites) == 3 for r in plan.routes)
assert plan.gaps == {}
used = {s for r in plan.routes for s in r.sites}
print(f"{len(used)} of 8 sites used, total travel {plan.total_travel:.1f} km")
assert used == {s.id for s in sites}
assert plan.route("industry").sites == ("bgi", "seaweed", "farm")
assert round(plan.total_travel, 1) == 84.8

# %% [markdown]
# **Cohorts on the routes.** Four classes of the autumn term are booked: the
# industry and ecology classes (35 each) go out on the same Thursday. Both
# routes pass the seaweed world, which takes 60 visitors a day: together
# they would bring 70. The routes are chosen jointly, and the industry route
# goes through the ocean ranch (80 a day) instead, 4.4 km longer.

# %%
thursday = dt.date(2025, 10, 9)
bookings = [
    Booking(id="class-1", theme="science", size=40, day=dt.date(2025, 10, 7)),
    Booking(id="class-2", theme="open", size=50, day=dt.date(2025, 10, 8)),
    Booking(id="class-3", theme="industry", size=35, day=thursday),
    Booking(id="class-4", theme="ecology", size=35, day=thursday),
]
booked = plan_routes(sites, themes, distance=distance, sites_per_route=3, bookings=bookings)
for theme in themes:
    print(booked.explain(theme.id))
assert all(x.people <= x.capacity for x in booked.load)
assert (booked.gaps, booked.unrouted) == ({}, ())
assert booked.route("industry").sites == ("bgi", "ranch", "farm")
assert (booked.people_at("seaweed", thursday), booked.people_at("ranch", thursday)) == (35, 70)
assert round(booked.total_travel - plan.total_travel, 1) == 4.4
print(
    f"travel with the bookings: {booked.total_travel:.1f} km "
    f"(free choice: {plan.total_travel:.1f} km)"
)
booked
