"""Area evidence: from per-series results to one score and level per area, domain and period.

For every area, domain (physical, social, safety) and period three looks at the area's series in
that domain are taken: all p-values combined (Fisher's method: several modest rises are stronger
evidence than one), the single strongest (Tippett), and per signal the area's p-value combined
with its neighbours' (a rise spreading over adjacent buurten; counted only where the area itself
is elevated). The best look, Bonferroni corrected for the three, is the domain p-value;
Benjamini-Hochberg across all areas and domains of a period controls the false discovery rate, so a
municipality's lists stay short however many series it has.
Levels: ``alarm`` (q <= ``fdr``) and ``aandacht`` (q <= ``attention_fdr`` and elevated in
``persistence`` = (2, 3): 2 of the last 3 periods). :func:`lifecycle` turns levels over time into
episodes with status ``nieuw``, ``aanhoudend``, ``verergerend`` and ``opgelost``.

References: Benjamini & Hochberg (1995) JRSS B 57:289-300; Fisher (1932) Statistical Methods for
Research Workers, 4th ed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

CELL = ["area_code", "domain", "period", "period_start"]


@dataclass(frozen=True)
class Budget:
    """The false-alarm budget of a municipality; recorded with every list."""

    fdr: float = 0.05                    # Benjamini-Hochberg level for ``alarm``
    attention_fdr: float = 0.20          # level for ``aandacht`` (with persistence)
    min_count: int = 3                   # a series with fewer counts this period gives no evidence
    persistence: tuple[int, int] = (2, 3)
    elevated_p: float = 0.05             # "elevated": a series of the domain has p * (number of series) <= this
    alarm_p: float = 0.005               # a series alarm (e.g. the CUSUM's slow rise) counts as at least this strong
    resolve_after_weeks: int = 3         # periods off the list before an episode is ``opgelost``
    resolve_after_months: int = 2
    feedback_quiet_weeks: int = 8        # weeks an answered flag (opgepakt, naar jaarplan, al bekend) is not ``nieuw`` again

    def as_dict(self) -> dict:
        return asdict(self)


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), same order as ``p``."""
    p = np.asarray(p, dtype=float)
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def fisher(log_p_sum: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Fisher's combined p-value from the sum of log p-values of k tests."""
    return stats.chi2.sf(-2.0 * np.asarray(log_p_sum), 2 * np.asarray(k))


def series_pvalues(scores: pd.DataFrame, domains: pd.DataFrame, budget: Budget) -> pd.DataFrame:
    s = scores.merge(domains[["signal", "domain"]], on="signal")
    p = s["pvalue"].astype(float).fillna(1.0).clip(1e-300, 1.0)
    if "alarm" in s:
        p = p.where(~s["alarm"].astype(bool), np.minimum(p, budget.alarm_p))
    s["p"] = p.where(s["count"] >= budget.min_count, 1.0)
    s["log_p"] = np.log(s["p"])
    s["is_elevated"] = (s["p"] <= budget.elevated_p).astype("int64")
    return s


def area_evidence(scores: pd.DataFrame, domains: pd.DataFrame, neighbours: pd.DataFrame,
                  budget: Budget = Budget()) -> pd.DataFrame:
    """Domain evidence per area and period.

    Parameters
    ----------
    scores : per-series detector output with ``area_code, signal, period, period_start, count, pvalue``.
    domains : ``signal, domain``.
    neighbours : ``area_code, neighbour`` (both directions).

    Returns
    -------
    One row per area, domain, period type and period: ``p_own``, ``p_cluster``, ``p_domain``,
    ``q``, ``score`` (-log10 p_domain), ``elevated``, ``level`` (alarm / aandacht / ""),
    ``n_elevated`` (series of the domain with p <= elevated_p).
    """
    s = series_pvalues(scores, domains, budget)
    own = s.groupby(CELL, sort=False).agg(log_p=("log_p", "sum"), k=("log_p", "size"), p_min=("p", "min"),
                                         n_elevated=("is_elevated", "sum"),
                                         max_count=("count", "max")).reset_index()
    own["p_own"] = fisher(own["log_p"], own["k"])
    own["p_single"] = np.minimum(1.0, own["p_min"] * own["k"])      # one strong signal (Tippett / Bonferroni)

    key = ["signal", "period", "period_start"]
    nb = neighbours.merge(s[["area_code", *key, "log_p"]].rename(columns={"area_code": "neighbour", "log_p": "nb_log_p"}),
                          on="neighbour")
    nb_sum = nb.groupby(["area_code", *key], sort=False).agg(nb_log_p=("nb_log_p", "sum"),
                                                            nb_k=("nb_log_p", "size")).reset_index()
    c = s.merge(nb_sum, on=["area_code", *key], how="left")
    c["nb_log_p"] = c["nb_log_p"].fillna(0.0)
    c["nb_k"] = c["nb_k"].fillna(0)
    p_c = fisher(c["log_p"] + c["nb_log_p"], 1 + c["nb_k"])
    c["p_cluster_signal"] = np.where(c["p"] <= budget.elevated_p, p_c, 1.0)
    clus = c.groupby(CELL, sort=False).agg(p_min=("p_cluster_signal", "min"), m=("p_cluster_signal", "size")).reset_index()
    clus["p_cluster"] = np.minimum(1.0, clus["p_min"] * clus["m"])

    ev = own.merge(clus[[*CELL, "p_cluster"]], on=CELL)
    ev["p_domain"] = np.minimum(1.0, 3.0 * np.minimum(np.minimum(ev["p_own"], ev["p_single"]), ev["p_cluster"]))
    ev["q"] = ev.groupby(["period", "period_start"], sort=False)["p_domain"].transform(lambda p: bh_qvalues(p.to_numpy()))
    ev["score"] = -np.log10(ev["p_domain"].clip(1e-300, 1.0))
    # elevated: a series of the domain is above its expected range (Bonferroni over the domain's series)
    ev["elevated"] = (ev["p_single"] <= budget.elevated_p) & (ev["max_count"] >= budget.min_count)

    ev = ev.sort_values(["area_code", "domain", "period", "period_start"]).reset_index(drop=True)
    need, window = budget.persistence
    groups = [ev["area_code"], ev["domain"], ev["period"]]
    running = ev["elevated"].astype("int64").groupby(groups, sort=False).cumsum()   # a rolling sum, vectorised
    recent = running - running.groupby(groups, sort=False).shift(window, fill_value=0)
    alarm = (ev["q"] <= budget.fdr) & (ev["max_count"] >= budget.min_count)
    attention = ~alarm & (ev["q"] <= budget.attention_fdr) & ev["elevated"] & (recent >= need)
    ev["level"] = np.select([alarm, attention], ["alarm", "aandacht"], default="")
    return ev[[*CELL, "p_own", "p_single", "p_cluster", "p_domain", "q", "score", "elevated", "level",
               "n_elevated", "max_count"]]


def lifecycle(evidence: pd.DataFrame, budget: Budget = Budget()) -> pd.DataFrame:
    """Episodes over time per area, domain and period type.

    An episode starts at a period with a level (``alarm`` or ``aandacht``) and stays open while
    the area-domain was listed within the last ``resolve_after`` periods (3 weeks, 2 months);
    the first period after that it is ``opgelost`` (shown once). Status per period: ``nieuw`` (first period),
    ``verergerend`` (an alarm above the episode's earlier peak), ``aanhoudend`` (otherwise inside
    the episode), ``opgelost``. Adds ``status``, ``since``, ``last_seen`` and ``peak`` columns.
    """
    ev = evidence.sort_values(["area_code", "domain", "period", "period_start"]).reset_index(drop=True)
    keys = [ev["area_code"], ev["domain"], ev["period"]]
    pos = ev.groupby(keys, sort=False).cumcount()
    listed = ev["level"] != ""
    resolve_after = np.where(ev["period"] == "month", budget.resolve_after_months, budget.resolve_after_weeks)
    gap = pos - pos.where(listed).groupby(keys, sort=False).ffill()
    candidate = gap.notna() & (gap < resolve_after)
    seg_start = candidate & ~candidate.groupby(keys, sort=False).shift(fill_value=False)
    segment = seg_start.cumsum().where(candidate)
    first_listed = pos.where(listed).groupby(segment).transform("min")
    open_ = candidate & (pos >= first_listed)
    # the period right after an episode's segment ends (gap reaches resolve_after) resolves it
    last_segment = segment.groupby(keys, sort=False).ffill()
    had_episode = first_listed.groupby(keys, sort=False).ffill().notna() & last_segment.notna()
    resolved = (gap == resolve_after) & had_episode & (
        first_listed.groupby(last_segment).transform("max").reindex(ev.index).notna())
    start = open_ & ~open_.groupby(keys, sort=False).shift(fill_value=False)
    episode = start.cumsum().where(open_)
    episode = episode.groupby(keys, sort=False).ffill().where(open_ | resolved)
    ev["since"] = ev["period_start"].where(start).groupby(episode).transform("first")
    score_in = ev["score"].where(listed & open_)
    prev_peak = score_in.groupby(episode).shift().groupby(episode).cummax()
    ev["peak"] = score_in.groupby(episode).cummax().groupby(episode).ffill()
    ev["last_seen"] = ev["period_start"].where(listed & open_).groupby(episode).ffill()
    worse = listed & (ev["level"] == "alarm") & (ev["score"] > prev_peak.fillna(np.inf))
    ev["status"] = np.select([start, open_ & worse, open_, resolved],
                             ["nieuw", "verergerend", "aanhoudend", "opgelost"], default="")
    return ev
