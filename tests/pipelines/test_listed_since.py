"""A flag's "Sinds" is the start of its episode as the lists showed it and does not move while the episode runs.

Each run sets the levels of every past period anew, so the lifecycle of a later run could start the same episode a
week later: Wolfsbos fysiek read "Sinds 2027-W48" on the 2027-W51 list and "Sinds 2027-W49" on the W52 one, the runs
of W49 and W50 skipped (red team 12a), and the answers on the two rows counted as two episodes.
"""
import pandas as pd
import pytest

from models.evidence import lifecycle
from pipelines.flag import flag_run, keep_listed_since

W = {n: pd.Timestamp("2027-11-22") + pd.Timedelta(weeks=n - 48) for n in range(44, 54)}   # W[48]: 2027-W48's Monday


def _evidence(levels: dict[int, str]) -> pd.DataFrame:
    rows = [{"area_code": "BU01185004", "domain": "fysiek", "period": "week", "period_start": W[n],
             "level": levels.get(n, ""), "score": 3.0 if levels.get(n) else 0.5} for n in range(44, 53)]
    return pd.DataFrame(rows)


def _row(ev: pd.DataFrame, week: int) -> pd.Series:
    return ev[ev["period_start"] == W[week]].iloc[0]


def test_the_lifecycle_of_a_later_runs_levels_starts_the_episode_later():
    """The cause: the W51 run had W48 and W49 listed, the W52 run's levels (set on a longer past) W49 only."""
    w51 = _row(lifecycle(_evidence({48: "aandacht", 49: "aandacht"})), 51)
    w52 = _row(lifecycle(_evidence({49: "aandacht"})), 52)
    assert (w51["status"], w51["since"]) == ("aanhoudend", W[48])
    assert (w52["status"], w52["since"]) == ("opgelost", W[49])


def _now(status: str, since: int, week: int = 52) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": "BU01185004", "domain": "fysiek", "period": "week", "period_start": W[week],
                          "level": "", "status": status, "since": W[since]}])


def _listed(status: str, since: int, week: int = 51) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": "BU01185004", "domain": "fysiek", "period": "week", "period_start": W[week],
                          "since": W[since], "status": status}])


def test_an_episode_the_lists_showed_keeps_the_sinds_they_showed():
    assert keep_listed_since(_now("opgelost", 49), _listed("aanhoudend", 48))["since"].item() == W[48]
    # also when this run's levels start it earlier than the lists did: the lists are the reference
    assert keep_listed_since(_now("aanhoudend", 47), _listed("aanhoudend", 48))["since"].item() == W[48]


def test_a_new_episode_or_one_the_lists_closed_keeps_its_own_sinds():
    # this run's episode starts after the listed row: another episode
    assert keep_listed_since(_now("nieuw", 52), _listed("aanhoudend", 48))["since"].item() == W[52]
    assert keep_listed_since(_now("aanhoudend", 52, week=53), _listed("aanhoudend", 48))["since"].item() == W[52]
    # the listed row closed its episode: what follows is not it
    assert keep_listed_since(_now("aanhoudend", 49), _listed("opgelost", 48))["since"].item() == W[49]
    # another domain's listing is not this flag's
    other = _listed("aanhoudend", 48).assign(domain="sociaal")
    assert keep_listed_since(_now("opgelost", 49), other)["since"].item() == W[49]


@pytest.fixture(scope="module")
def demo_scores(ref):
    from pipelines.demo import demo_counts
    from pipelines.score import score_counts

    w, m, *_ = demo_counts(ref)
    counts = pd.concat([w, m], ignore_index=True).merge(ref.catalogue[["signal", "source"]], on="signal")
    return score_counts(counts, ref.buurten["area_code"].tolist()).scores


def test_the_run_writes_the_listed_sinds_on_the_flag_and_in_its_text(demo_scores, ref):
    _, flags = flag_run(demo_scores, ref)
    going = flags[(flags["period"] == "week") & (flags["since"] < flags["period_start"])
                  & flags["status"].isin(["aanhoudend", "verergerend"])]
    assert len(going), flags
    f = going.iloc[0]
    sent = pd.Timestamp(f["since"]) - pd.Timedelta(weeks=1)     # the lists showed it a week earlier
    listed = pd.DataFrame([{"area_code": f["area_code"], "domain": f["domain"], "period": "week",
                            "period_start": pd.Timestamp(f["period_start"]) - pd.Timedelta(weeks=1),
                            "since": sent, "status": "aanhoudend"}])
    _, again = flag_run(demo_scores, ref, listed_episodes=listed)
    row = again[(again["area_code"] == f["area_code"]) & (again["domain"] == f["domain"])
                & (again["period"] == "week")].iloc[0]
    label = f"{sent.isocalendar().year}-W{sent.isocalendar().week:02d}"
    assert pd.Timestamp(row["since"]) == sent
    assert row["explanation"].endswith(f"Sinds {label}."), row["explanation"]
    # every other flag is as it was
    rest = lambda fr: fr[~((fr["area_code"] == f["area_code"]) & (fr["domain"] == f["domain"]))]   # noqa: E731
    pd.testing.assert_frame_equal(rest(flags).reset_index(drop=True), rest(again).reset_index(drop=True))
