# %% [markdown]
# # S14 Person-post fit: candidates ranked for a post by competency fit
#
# 人岗匹配度: a post lists the competency levels it requires; each candidate's
# fit is the mean over the requirements of how much of the required level
# they reach (capped at 1). Candidates the post's eligibility excludes are
# listed with the reason. The post here is the zone's first stationed
# investment office (驻外招商岗位), open to the investment line only.

# %%
from cadredev.datasets import sample_zone
from cadredev.plot import post_fit_chart
from cadredev.scoring import post_fit

zone = sample_zone()
post = next(p for p in zone.posts if p.id == "station-1")
result = post_fit(post, zone.cadres, as_of=zone.as_of)
result

# %% [markdown]
# The candidates in order of fit, with what each one lacks per requirement.

# %%
names = {c.id: c.name for c in zone.cadres}
ax = post_fit_chart(result, names=names, labels="zh")

# %% [markdown]
# The fifteen best candidates: green bars meet every requirement (fit 1),
# orange ones fall short, with the competencies they lack written beside.
#
# ## Checks

# %%
by_id = {c.id: c for c in zone.cadres}
assert all(by_id[r.cadre_id].line.value == "investment" for r in result.ranking)
assert len(result.ranking) + len(result.excluded) == len(zone.cadres)
assert all("line" in reason for _, reason in result.excluded)
fits = [r.fit for r in result.ranking]
assert fits == sorted(fits, reverse=True)
assert result.ranking[0].meets_all
meets = sum(r.meets_all for r in result.ranking)
assert (meets, len(result.ranking)) == (27, 74)
