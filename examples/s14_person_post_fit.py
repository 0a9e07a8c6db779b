# %% [markdown]
# # S14 Person-post fit: candidates ranked for a post by competency fit
#
# 人岗匹配度: a post lists the competency levels it requires; each candidate's
# fit is the mean over the requirements of how much of the required level
# they reach (capped at 1). Candidates the post's eligibility excludes are
# listed with the reason.

# %%
from cadredev.datasets import sample_zone
from cadredev.scoring import post_fit

zone = sample_zone()
post = next(p for p in zone.posts if p.id == "station-1")
print(post.name, dict(post.requirements), "lines:", post.eligibility.lines)

result = post_fit(post, zone.cadres, as_of=zone.as_of)
for row in result.ranking[:5]:
    print(row.position, row.cadre_id, f"{row.fit:.3f}", dict(row.gaps))

# %%
by_id = {c.id: c for c in zone.cadres}
assert all(by_id[r.cadre_id].line.value == "investment" for r in result.ranking)
assert len(result.ranking) + len(result.excluded) == len(zone.cadres)
assert all("line" in reason for _, reason in result.excluded)
fits = [r.fit for r in result.ranking]
assert fits == sorted(fits, reverse=True)
assert result.ranking[0].meets_all
meets = sum(r.meets_all for r in result.ranking)
print(f"{meets} of {len(result.ranking)} eligible candidates meet every requirement")
assert (meets, len(result.ranking)) == (27, 74)
