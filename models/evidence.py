"""Area evidence: from per-series results to one score and level per area, domain and period.

For every area, domain (physical, social, safety) and period the area's series in that domain are
looked at in three ways: the single strongest (Tippett); and two pooled counts (``models.pooled``),
each a linear-time subset scan over the windows of 1..4 periods ending now, tested against the sum of
the baselines and calibrated on quiet simulated municipalities: the counts of the area's strongest two
or more series of the domain summed, and per signal the counts of the area and its strongest
neighbours summed. A rise spread thinly over several series (two signals, or adjacent buurten) adds
up in the sums, where p-values of a few standard deviations each pool weakly, and the quiet rest of
the group does not dilute it. The neighbours' sum counts for a buurt whose own window is evidence itself
(its tail at most 0.25: not only where the buurt is already elevated on its own, which left out the spread
rises it is for, nor a count above a sparse expectation, which listed the quiet neighbours of one buurt's
rise), without neighbours that are strong signals on their own. The best look, Bonferroni corrected for the looks taken, is the domain p-value
``p_domain``: under the null it is at most uniform, whatever the dependence.

Scores without baselines (a detector that gives no ``expected`` and ``phi``) cannot be summed; their
domain is pooled instead by the truncated product of its series p-values (``p_own``; Zaykin et al.
2002: the product of the p-values at or below ``tau``, so two rising signals are not drowned by three
quiet ones, as in Fisher's method), and the looks are the single strongest and that product. Where
the pooled counts exist, the truncated product is still reported but is no look: the subset scan of
the domain covers what it was for, and without its Bonferroni share every kind of event of
``benchmarks/list_quality.py`` is listed more often within 2 weeks (400 replicates: 2 to 12 % more,
the two-signals rise 0.372 -> 0.392).

Levels are set by a chance budget, not by a false discovery rate: the issue's target is the
expected number of chance entries per team per week, which is a per-family error rate (PFER;
Gordon et al. 2007). Listing a buurt-domain when ``p_domain <= level`` adds at most ``level``
expected chance listings per buurt-domain and period, by linearity of expectation and without an
independence assumption; a team of ``n`` buurten and ``d`` domains thus expects at most
``n * d * level`` chance listings a period. Benjamini-Hochberg over a whole municipality
(the earlier design) asks a p-value of about ``fdr / (areas x domains)`` of the first finding, which
honest, calibrated series p-values reach only for very large rises.

* ``alarm``: ``p_domain <= alarm_level`` (0.005: a team of 10 buurten, one weekly domain, expects
  0.05 chance alarms a week) or Benjamini-Hochberg ``q <= fdr`` over the municipality's areas and
  domains of the period (many findings at once).
* ``aandacht``: ``p_domain <= attention_level`` (0.025: a team of 10 buurten expects 0.25 chance
  listings a week, each staying 3 to 4 weeks on the list), or a series of the domain alarms by its own
  detector (the detector's honest p-value at or below its ``alpha``, with enough counts): the list
  then never misses what a single series finds. A weekly series whose calibrated p-value is at or below
  ``series_level`` (``auto``'s alpha) with ``series_min_counts`` (4) counts in its last 4 weeks lists
  too, where ``auto`` asks 5 of an alarm: most buurt-signals are sparse (the sudden rises of the
  benchmark fell in series expecting a median 0.21 a week), and 1, 1, 2 where one count in five weeks
  is usual is worth a look. This path adds the detectors' own false-alarm rate (at most ``alpha`` per
  series and period, measured below 1 % in ``benchmarks/detection_quality.py``); weekly series only,
  since monthly listings stay longer on the weekly lists. Together with an attention level then
  lowered from 0.025 to 0.02 (which paid for it; raised again below), the 4-count path finds a
  sudden rise of 2 sd in one series within 2 weeks more often at the same number of chance entries (``benchmarks/list_quality.py``,
  400 simulated municipalities: 0.268 -> 0.305, 0.80 -> 0.81 chance entries per team per week).
* Monthly periods use ``month_factor`` (0.25) times both levels, for the same reason: a team has
  three monthly domains against one weekly one, and each monthly listing is seen longer (a month
  shown, and ``resolve_after_months`` 1 more when the next month is quiet, where a weekly listing
  stays ``resolve_after_weeks`` 3 weeks: both about a month after their last evidence).
* The levels are per buurt-domain, so a team's chance entries grow with its buurten, while the target is
  per team. A team of more than ``team_buurten`` (10) buurten shares the levels of a team of that size over
  its buurten (:func:`team_scale`; a series alarm by its own detector still lists). On 400 simulated demo
  municipalities the team of 14 buurten went from 1.12 chance entries a week to 0.90 (together with a
  monthly listing resolved after one quiet month instead of two; ``benchmarks/list_quality.py``), and the
  monthly chance entries this saved paid for ``attention_level`` 0.025 instead of 0.02: every kind of event of
  2 sd is listed within 2 weeks as often or more (the sudden rise 0.305 -> 0.307, the rise over two neighbours
  0.393 -> 0.403), at 0.72 chance entries per team per week (0.81 before), at most 0.95 in any team.

* **The levels are set on each team's own past** (:func:`calibrated_budget`). The p-values are honest under their
  models, but a municipality's data are not the models: sparse counts make them conservative (the demo's lists held
  about half the entries their levels allow), reports clustered in time (variance 3 to 8 times the mean) or a steep
  trend that the baselines trail make them liberal (two to four times); and teams differ in buurten and in how busy
  they are. So every run scales ``alarm_level``, ``attention_level`` and ``series_level`` per team by a factor
  between 0.03 and 4: the one at which the team's own lists of its scored past (the run's ``score_weeks`` before the
  last 4, at least a year) held ``chance_entries`` (0.9) entries a week. A team of a few buurten has few entries to
  go by, so its past is drawn to the municipality's the more the fewer cells it has: to the entries the municipality's
  lists held per cell (weighted by its levels), times the team's cells, not to the municipality's factor, which is
  the factor of a team of average size (the factor that holds a team's budget falls with its buurten: on Zwolle's
  profile, 16 teams of 2 to 9 buurten, the teams of 2 and 3 listed little even at 4 times the levels, and teams of 7
  to 9 drawn to that factor listed 1.05 to 1.21 chance entries a week, red team 7b F4). And no team's factor is drawn
  above its own: the budget is an upper bound per team, and teams differ in more than their size (how busy their
  buurten are), which the municipality's rate per cell does not see. A detector's own alarm then lists
  only at the scaled ``series_level`` when the factor is below 1. Real rises in that past count as entries, so where
  they were many the levels come out lower: the aim is an upper bound of the chance entries. Results:
  ``benchmarks/list_chance.py`` (quiet municipalities of nine kinds) and ``benchmarks/list_quality.py``.

:func:`lifecycle` turns levels over time into episodes with status ``nieuw``, ``aanhoudend``,
``verergerend`` and ``opgelost``; a listing stays on the list ``resolve_after`` periods, so the
chance entries a team sees per week are the chance listings times their time on the list
(measured in ``benchmarks/list_quality.py`` and ``benchmarks/flag_quality.py``).

References: Zaykin, Zhivotovsky, Westfall & Weir (2002) Genet Epidemiol 22:170-185 (truncated
product); Kulldorff (2001) JRSS A 164:61-72 (scan statistics); Gordon, Glazko, Qiu & Yakovlev (2007)
Ann Appl Stat 1:179-190 (controlling the expected number of false discoveries); Benjamini & Hochberg
(1995) JRSS B 57:289-300.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from scipy import special

from models.pooled import pooled_pvalues
from models.shared import shared_shifts

CELL = ["area_code", "domain", "period", "period_start"]
#: the looks at an area's domain (column -> name in ``look``), Bonferroni corrected for their number: with the
#: baselines' counts (pooled counts), and without them (the truncated product of the series' p-values)
LOOKS = {"p_single": "single", "p_pool_domain": "pooled signals", "p_pool_nb": "pooled neighbours"}
LOOKS_WITHOUT_BASELINES = {"p_single": "single", "p_own": "signals"}


@dataclass(frozen=True)
class Budget:
    """The false-alarm budget of a municipality; recorded with every list."""

    fdr: float = 0.05                    # Benjamini-Hochberg level (whole municipality) that also gives ``alarm``
    alarm_level: float = 0.005           # ``alarm`` when p_domain <= this: expected chance alarms per buurt-domain and period
    attention_level: float = 0.025       # ``aandacht`` when p_domain <= this (or a series alarms): likewise
    month_factor: float = 0.25           # monthly levels are this times the weekly ones (monthly listings stay longer)
    team_buurten: int = 10               # a team of more buurten: levels times team_buurten / its buurten (0: never)
    tau: float = 0.05                    # truncation of the truncated product (p-values above it do not pool)
    min_count: int = 3                   # a series with fewer counts this period (a pooled group: in its window) gives no evidence
    elevated_p: float = 0.05             # "elevated": a series of the domain has p * (number of series) <= this
    alarm_p: float = 0.005               # a series alarm (e.g. the CUSUM's slow rise) counts as at least this strong
    series_level: float = 0.0075         # a weekly series with a calibrated p at or below this (``auto``'s alpha) ...
    series_min_counts: int = 4           # ... and at least this many counts in its last 4 periods also lists its buurt
    resolve_after_weeks: int = 3         # periods off the list before an episode is ``opgelost``
    resolve_after_months: int = 1
    feedback_quiet_weeks: int = 8        # weeks an answered flag (opgepakt, naar jaarplan, al bekend) is not ``nieuw`` again
    chance_entries: float = 0.9          # the levels are scaled so that the lists of the scored past held this many entries per team and week (0: as given)
    level_scale: float = 1.0             # the factor on alarm_level, attention_level and series_level (a run's calibration sets it)
    team_scales: tuple = ()              # (wijkteam, factor) pairs: a team's own factor instead of level_scale (likewise)

    def as_dict(self) -> dict:
        """The settings; ``level_scale`` and ``team_scales`` only when they are set (a run's calibration sets them, and
        records them apart)."""
        out = asdict(self)
        if out["level_scale"] == 1.0:
            del out["level_scale"]
        if not out["team_scales"]:
            del out["team_scales"]
        return out

    def scales(self, areas: pd.Series, teams: pd.Series | None) -> np.ndarray:
        """Per row of ``areas``: the factor on its levels, its team's in ``team_scales``, else ``level_scale``."""
        if not self.team_scales or teams is None:
            return np.full(len(areas), float(self.level_scale))
        own = pd.Series(dict(self.team_scales), dtype=float)
        return by_area(areas, lambda a: a.map(teams).map(own).fillna(self.level_scale).to_numpy(dtype=float),
                       float(self.level_scale))


def by_area(areas: pd.Series, of_areas, missing) -> np.ndarray:
    """``of_areas`` (distinct areas as an Index -> an array) per row of ``areas``, ``missing`` where the area is: read
    once per buurt, not per row (a municipality's evidence holds its few dozen buurten in a million rows)."""
    codes, uniques = pd.factorize(np.asarray(areas, dtype=object))
    return np.append(np.asarray(of_areas(pd.Index(uniques))), missing)[codes]


def group_ids(keys: list) -> np.ndarray:
    """One id per distinct combination of ``keys`` (aligned arrays), numbered by first appearance as
    ``pd.MultiIndex.from_arrays(keys).factorize()`` numbers them, from each key's own codes (a MultiIndex of a million
    rows factorizes a million tuples)."""
    gid = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(np.asarray(key))
        gid = pd.factorize(gid * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
    return gid


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


def bh_qvalues_by(p: pd.Series, groups: list) -> pd.Series:
    """Benjamini-Hochberg q-values within each group (vectorised: one sort, grouped cumulative minima)."""
    frame = pd.DataFrame({"p": p.to_numpy(dtype=float)}, index=p.index)
    keys = [pd.Series(np.asarray(g), index=p.index) for g in groups]
    gid = group_ids(keys)
    frame["g"] = gid
    frame = frame.sort_values(["g", "p"], kind="mergesort")
    rank = frame.groupby("g", sort=False).cumcount() + 1
    n = frame.groupby("g", sort=False)["p"].transform("size")
    ranked = frame["p"] * n / rank
    q = ranked.iloc[::-1].groupby(frame["g"].iloc[::-1], sort=False).cummin().iloc[::-1]
    return q.clip(upper=1.0).reindex(p.index)


def truncated_product(log_w: np.ndarray, k: np.ndarray, tau: float) -> np.ndarray:
    """Zaykin's truncated product p-value: ``log_w`` the sum of log p over the p-values <= ``tau`` of ``k`` tests.

    P(W <= w) = sum_j C(k, j) (1 - tau)^(k - j) H_j with H_j = w sum_{s<j} (j ln tau - ln w)^s / s!
    when w <= tau^j, else tau^j (Zaykin et al. 2002, eq. 1). ``log_w = 0`` (no p-value at or below
    ``tau``) gives 1.
    """
    log_w = np.asarray(log_w, dtype=float)
    k = np.asarray(k, dtype=int)
    out = np.zeros(log_w.shape)
    lt = np.log(tau)
    for j in range(1, int(k.max(initial=0)) + 1):
        x = np.maximum(j * lt - log_w, 1e-300)
        terms = sum(np.exp(s * np.log(x) - special.gammaln(s + 1)) for s in range(j))
        h = np.where(log_w <= j * lt, np.exp(log_w) * terms, tau ** j)
        out += np.where(k >= j, special.comb(k, j) * (1 - tau) ** np.maximum(k - j, 0) * h, 0.0)
    return np.where(log_w < 0, np.clip(out, 0.0, 1.0), 1.0)


def series_pvalues(scores: pd.DataFrame, domains: pd.DataFrame, budget: Budget,
                   teams: pd.Series | None = None) -> pd.DataFrame:
    """Per series and period: the evidence p-value ``p`` (1 below ``min_count``), its log where it
    pools (``log_t``: at or below ``tau``, else 0), and whether the series alarms for the list
    (``series_alarm``): by its own detector, or, weekly, with a calibrated p-value (a baseline with a dispersion)
    at or below ``series_level`` and at least ``series_min_counts`` counts in its last
    4 periods, where the detector asks more counts of an alarm of its own. Levels are times the factor of the area's
    team (:meth:`Budget.scales`; ``teams``: the wijkteam of each area)."""
    return series_alarms(series_frame(scores, domains), budget, teams)


def series_frame(scores: pd.DataFrame, domains: pd.DataFrame) -> pd.DataFrame:
    """The scores with their domain, ``p0`` (the p-value, 1 where none), ``own_alarm`` (the detector's own decision)
    and ``calibrated_counts`` (the counts of the last 4 periods where the p-value is calibrated: a weekly baseline with
    a dispersion; -1 elsewhere): what :func:`series_alarms` needs at any levels."""
    s = scores.merge(domains[["signal", "domain"]], on="signal")
    s["p0"] = s["pvalue"].astype(float).fillna(1.0).clip(1e-300, 1.0)
    s["own_alarm"] = s["alarm"].fillna(False).astype(bool) if "alarm" in s else False
    calibrated = (np.isfinite(s["phi"].astype(float)) & (s["period"] == "week")) if "phi" in s else False
    s["calibrated_counts"] = np.where(calibrated, recent_counts(s), -1.0)
    return s


def series_alarms(s: pd.DataFrame, budget: Budget, teams: pd.Series | None = None) -> pd.DataFrame:
    """:func:`series_pvalues` at ``budget``'s levels from a :func:`series_frame`. A detector's own alarm lists as
    it is, unless the factor on the levels is below 1: then only with a p-value at most the scaled ``series_level``."""
    p = s["p0"]
    factor = budget.scales(s["area_code"], teams)
    level = budget.series_level * factor
    own = s["own_alarm"] & ((p <= level) | (factor >= 1.0))
    alarm = own | ((p <= level) & (s["calibrated_counts"] >= budget.series_min_counts))
    p = p.where(~alarm, np.minimum(p, budget.alarm_p))
    enough = s["count"] >= budget.min_count
    s = s.assign(p=p.where(enough, 1.0))
    s["log_t"] = np.where(s["p"] <= budget.tau, np.log(s["p"]), 0.0)
    s["is_elevated"] = (s["p"] <= budget.elevated_p).astype("int64")
    s["series_alarm"] = alarm.astype("int64")
    return s


def recent_counts(s: pd.DataFrame, periods: int = 4) -> np.ndarray:
    """Each row's count summed with the counts of the ``periods - 1`` periods before it in its series (``area_code``,
    ``signal``, ``period``; the rows of a series are its consecutive periods, as the detectors write them)."""
    sid = s.groupby(["area_code", "signal", "period"], sort=False).ngroup().to_numpy()
    order = np.lexsort((pd.to_datetime(s["period_start"]).to_numpy(), sid))
    g = sid[order]
    before = np.r_[0.0, np.cumsum(s["count"].to_numpy(dtype=float)[order].clip(0.0))]   # before[k]: the first k rows
    i = np.arange(len(g))
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    lo = np.maximum(i - periods + 1, first[np.searchsorted(first, i, side="right") - 1])
    out = np.empty(len(g))
    out[order] = before[i + 1] - before[lo]
    return out


def area_evidence(scores: pd.DataFrame, domains: pd.DataFrame, neighbours: pd.DataFrame,
                  budget: Budget = Budget(), teams: pd.Series | None = None) -> pd.DataFrame:
    """Domain evidence and list level per area and period.

    Parameters
    ----------
    scores : per-series detector output with ``area_code, signal, period, period_start, count, pvalue``
        (and ``alarm``, the detector's own decision, where it has one; ``expected`` and ``phi``, the
        baseline and its dispersion, for the pooled counts).
    domains : ``signal, domain``.
    neighbours : ``area_code, neighbour`` (both directions).
    budget : the levels (:class:`Budget`).
    teams : the wijkteam of each area (indexed by ``area_code``); a team of more than ``budget.team_buurten``
        buurten has its ``alarm`` and ``aandacht`` levels scaled by ``team_buurten / buurten`` (:func:`team_scale`).

    Returns
    -------
    One row per area, domain, period type and period: ``p_own`` (truncated product over the domain's
    series), ``p_single`` (Tippett), ``p_pool_domain`` and ``p_pool_nb`` (pooled counts of the domain's
    strongest series, and per signal of the area with its strongest neighbours: ``models.pooled``; 1 without ``expected``
    and ``phi`` in ``scores``), ``nb_signal`` (the signal whose neighbour sum gives ``p_pool_nb``; None without one: the
    explanation of a ``pooled neighbours`` listing names it), ``p_domain`` (best look x the number of looks: the pooled counts and the single
    series, or without baselines the truncated product and the single series), ``look`` (which), ``q`` (Benjamini-Hochberg over
    the municipality's areas and domains of the period), ``score`` (-log10 p_domain), ``elevated``,
    ``level`` (alarm / aandacht / ""), ``n_elevated`` (series with p <= elevated_p), ``n_alarm``
    (series alarming by their detector), ``max_count``, ``level_scale`` (the factor the row's levels were set to:
    its team's, :func:`calibrated_budget`).
    """
    return evidence_and_budget(scores, domains, neighbours, budget, teams)[0]


def evidence_and_budget(scores: pd.DataFrame, domains: pd.DataFrame, neighbours: pd.DataFrame,
                        budget: Budget = Budget(), teams: pd.Series | None = None) -> tuple[pd.DataFrame, Budget]:
    """:func:`area_evidence`, and the budget it was made at: ``budget`` with the factors on its levels that
    :func:`calibrated_budget` set (the explanations of a list read the same levels)."""
    return evidence_budget_series(scores, domains, neighbours, budget, teams)[:2]


def evidence_budget_series(scores: pd.DataFrame, domains: pd.DataFrame, neighbours: pd.DataFrame,
                           budget: Budget = Budget(), teams: pd.Series | None = None
                           ) -> tuple[pd.DataFrame, Budget, pd.DataFrame, pd.DataFrame]:
    """:func:`evidence_and_budget`, the series p-values it pooled (:func:`series_pvalues` at the budget it
    returns): a list's explanations read them (``pipelines.explain.runs_of``) without making them again; and the
    municipality's shared shifts (``models.shared``: a signal risen in most of its buurten at once), against which
    its buurten were judged (the lists say them once)."""
    frame = series_frame(scores, domains)
    shifts = None
    if {"expected", "phi"} <= set(frame.columns):
        shifts, frame = shared_shifts(frame, budget.series_level)
    pooled = (pooled_pvalues(frame, neighbours, min_count=budget.min_count)
              if {"expected", "phi"} <= set(frame.columns) else None)
    budget = calibrated_budget(frame, pooled, budget, teams)
    series = series_alarms(frame, budget, teams)
    ev = domain_evidence(frame, pooled, budget, teams, series)
    return ev.assign(level_scale=budget.scales(ev["area_code"], teams)), budget, series, shifts


def domain_evidence(frame: pd.DataFrame, pooled: pd.DataFrame | None, budget: Budget,
                    teams: pd.Series | None = None, series: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`area_evidence` at ``budget``'s levels (its factors as they are, not set anew), from the
    :func:`series_frame` and the pooled p-values (None: scores without baselines); ``series``: the frame's
    :func:`series_alarms` at those levels, where made already."""
    s = series_alarms(frame, budget, teams) if series is None else series
    own = s.groupby(CELL, sort=False).agg(log_t=("log_t", "sum"), k=("log_t", "size"), p_min=("p", "min"),
                                         n_elevated=("is_elevated", "sum"), n_alarm=("series_alarm", "sum"),
                                         max_count=("count", "max")).reset_index()
    own["p_own"] = truncated_product(own["log_t"], own["k"], budget.tau)
    own["p_single"] = np.minimum(1.0, own["p_min"] * own["k"])      # one strong signal (Tippett / Bonferroni)

    ev = own.drop(columns=["log_t", "k", "p_min"])
    if pooled is not None:
        ev = ev.merge(pooled, on=CELL, how="left")
        taken = LOOKS
    else:                                   # scores without the baselines' dispersion: no pooled counts
        ev = ev.assign(p_pool_domain=1.0, p_pool_nb=1.0, nb_signal=None)
        taken = LOOKS_WITHOUT_BASELINES
    ev[["p_pool_domain", "p_pool_nb"]] = ev[["p_pool_domain", "p_pool_nb"]].fillna(1.0)
    looks = ev[list(taken)].to_numpy()
    best = looks.argmin(axis=1)
    ev["look"] = np.asarray(list(taken.values()), dtype=object)[best]
    ev["p_domain"] = np.minimum(1.0, len(taken) * looks[np.arange(len(ev)), best])
    ev["q"] = bh_qvalues_by(ev["p_domain"], [ev["period"], ev["period_start"]])
    ev["score"] = -np.log10(ev["p_domain"].clip(1e-300, 1.0))
    # elevated: a series of the domain is above its expected range (Bonferroni over the domain's series)
    ev["elevated"] = (ev["p_single"] <= budget.elevated_p) & (ev["max_count"] >= budget.min_count)

    ev = ev.sort_values(["area_code", "domain", "period", "period_start"]).reset_index(drop=True)
    # every look asks its own minimum count (a series' count this period, a pooled group's window sum)
    scale = (np.where(ev["period"] == "month", budget.month_factor, 1.0) * team_scale(ev["area_code"], teams, budget)
             * budget.scales(ev["area_code"], teams))
    alarm = (ev["p_domain"] <= budget.alarm_level * scale) | (ev["q"] <= budget.fdr)
    # a monthly listing stays at least a month on the lists: monthly series alarms list only through the pooled levels
    series_path = (ev["n_alarm"] > 0) & (ev["period"] != "month")
    attention = ~alarm & ((ev["p_domain"] <= budget.attention_level * scale) | series_path)
    ev["level"] = np.select([alarm, attention], ["alarm", "aandacht"], default="")
    return ev[[*CELL, "p_own", "p_single", "p_pool_domain", "p_pool_nb", "nb_signal", "p_domain", "look", "q",
               "score", "elevated", "level", "n_elevated", "n_alarm", "max_count"]]


#: the factor on the levels is looked for between these (3 % of the given levels to four times them: reports clustered
#: at variance 8 times the mean took a tenth, and a busy team less)
LEVEL_SCALES = (0.03, 4.0)
#: the calibration reads the scored periods before the last few (their windows: an event going on now does not set
#: its own levels), and needs at least a year of weeks
CALIBRATION_SKIP = {"week": 4, "month": 1}
CALIBRATION_MIN_WEEKS = 52
#: a team's own past is drawn to the municipality's entries per cell with the weight of this many cells of its past: a
#: team of 10 buurten (1,000 weekly and 700 monthly cells in two years) goes three quarters of the way to its own, one
#: of 4 a half
CALIBRATION_PRIOR_CELLS = 500
#: the municipality's entries are read at this many factors between the bounds (7 % apart)
CALIBRATION_GRID = 65


def listed_entries(frame: pd.DataFrame, pooled: pd.DataFrame | None, budget: Budget, teams: pd.Series):
    """The entries per week each team's lists of ``frame``'s periods held, as a function of the factors on the levels:
    the weekly items open in each week (nieuw, aanhoudend, verergerend: listed within the last ``resolve_after``
    periods, as :func:`lifecycle` keeps them), and the monthly items open in each month (a weekly list shows the latest
    complete month's).

    Returns ``(names, cells, exposure, entries)``: the teams (sorted), the cells each holds in ``frame``, their
    levels as given summed per period (the chance listings a period the models allow the team: what its cells weigh
    when the municipality's entries are shared out by cell), and a function of an array of factors (one per team, in
    that order) giving an array of entries per week (one per team).

    The evidence is made once, at the levels as given; each factor then only moves its team's levels (and the series
    level of the series path), in numpy. A series alarm also lowers its domain's p-value (``alarm_p``), which only
    decides between ``alarm`` and ``aandacht`` where the series path lists anyway; so the entries are those of
    :func:`domain_evidence` and :func:`lifecycle` at those factors, but for a monthly series alarm of the detector's
    own whose domain a factor below 1 no longer lists through it.
    """
    given = replace(budget, level_scale=1.0, team_scales=())
    ev = domain_evidence(frame, pooled, given, teams)
    weekly_rows = frame[frame["period"] == "week"]
    alarms = pd.DataFrame({"path": weekly_rows["p0"].where(weekly_rows["calibrated_counts"] >= budget.series_min_counts,
                                                             np.inf),
                           "own": weekly_rows["p0"].where(weekly_rows["own_alarm"], np.inf),
                           "any_own": weekly_rows["own_alarm"].astype(bool)})
    alarms = alarms.groupby([weekly_rows[c] for c in CELL], sort=False).agg(
        path=("path", "min"), own=("own", "min"), any_own=("any_own", "max")).reset_index()
    ev = ev.merge(alarms, on=CELL, how="left")          # keeps ``ev``'s order: area, domain, period, period start
    weekly = (ev["period"] == "week").to_numpy()
    path, own = ev["path"].fillna(np.inf).to_numpy(), ev["own"].fillna(np.inf).to_numpy()
    any_own = ev["any_own"].fillna(False).to_numpy(dtype=bool) & weekly
    level = (np.where(weekly, 1.0, budget.month_factor) * team_scale(ev["area_code"], teams, budget)
             * max(budget.alarm_level, budget.attention_level))
    p_domain, by_fdr = ev["p_domain"].to_numpy(), (ev["q"] <= budget.fdr).to_numpy()
    # each row's place in its series' calendar: a series' rows are consecutive, their places ascending
    group = group_ids([ev["area_code"], ev["domain"], ev["period"]])
    key = group * 10_000_000 + calendar_positions(ev).to_numpy(dtype=np.int64)
    window = np.where(weekly, budget.resolve_after_weeks, budget.resolve_after_months)
    names = np.sort(teams.dropna().unique())
    team = by_area(ev["area_code"], lambda a: pd.Categorical(a.map(teams), categories=names).codes, -1)  # -1: no team
    team = team.astype(np.int64)
    kind_id, kinds = pd.factorize(ev["period"])
    periods = np.array([max(ev.loc[kind_id == k, "period_start"].nunique(), 1) for k in range(len(kinds))], dtype=float)
    weight = 1.0 / periods[kind_id]
    on_a_team = team >= 0
    cells = np.bincount(team[on_a_team], minlength=len(names))
    exposure = np.bincount(team[on_a_team], weights=(level * weight)[on_a_team], minlength=len(names))

    def entries(factors: np.ndarray) -> np.ndarray:
        f = np.asarray(factors, dtype=float)[team.clip(0)]
        series = weekly & ((path <= budget.series_level * f) | (own <= budget.series_level * f) | (any_own & (f >= 1.0)))
        listed = (p_domain <= level * f) | by_fdr | series
        last = np.maximum.accumulate(np.where(listed, key, -1))
        open_ = (last >= group * 10_000_000) & (key - last < window)
        return np.bincount(team[on_a_team], weights=(open_ * weight)[on_a_team], minlength=len(names))
    return names, cells, exposure, entries


def _bisect(entries, aim: float, n: int) -> np.ndarray:
    """Per team the largest factor in :data:`LEVEL_SCALES` whose entries stay at or below ``aim`` (``entries``: an
    array of ``n`` factors -> an array of ``n`` entries, each rising with its own factor), to a few tenths of a per
    cent: the bounds where even they hold (or pass) the aim."""
    aim = aim + 1e-9                        # entries summed in another order may differ in the last bits
    lo, hi = np.full(n, np.log(LEVEL_SCALES[0])), np.full(n, np.log(LEVEL_SCALES[1]))
    top, bottom = entries(np.exp(hi)) <= aim, entries(np.exp(lo)) > aim
    for _ in range(12):
        mid = (lo + hi) / 2
        ok = entries(np.exp(mid)) <= aim
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    return np.where(top, np.log(LEVEL_SCALES[1]), np.where(bottom, np.log(LEVEL_SCALES[0]), lo))


def calibrated_budget(frame: pd.DataFrame, pooled: pd.DataFrame | None, budget: Budget,
                      teams: pd.Series | None) -> Budget:
    """``budget`` with the factors on its levels at which the scored past's lists held ``chance_entries`` entries per
    team and week (:func:`listed_entries`), between :data:`LEVEL_SCALES`: ``level_scale`` the municipality's (one
    factor for all its teams, their mean holding the aim), ``team_scales`` each team's own (its own lists holding the
    aim), its past drawn to the municipality's the more the fewer cells the team has (:data:`CALIBRATION_PRIOR_CELLS`:
    a team of a few buurten has few entries to go by), never above its own. ``budget`` as it is without teams, with
    ``chance_entries`` 0 or with less than :data:`CALIBRATION_MIN_WEEKS` weeks scored.

    The draw is of the entries, not of the factors: a team's expected entries at a factor are ``w`` times its own
    past's plus ``1 - w`` times its share (by :func:`listed_entries`' exposure) of the municipality's at that factor,
    ``w = cells / (cells + CALIBRATION_PRIOR_CELLS)`` (a credibility estimate of the team's rate, as Bühlmann's): what
    is alike across a municipality's teams is how far its p-values are off per cell, not the factor that holds a
    team's budget, which falls as its buurten grow. The municipality's factor, its teams' mean holding the aim, is
    kept for areas without a team.

    The p-values are honest under their models, but the models are not the data: sparse counts make them
    conservative (the demo's lists held half the entries their levels allow), clustered reports or a steep trend
    make them liberal (two to three times); and teams differ in buurten and in how busy their buurten are. Scaling
    the levels per team, set on its own past, holds the budget the issue asks (chance entries per team per week)
    where the models are off, both ways. Real rises in the past count as entries, so the levels come out lower where
    they were many (conservative).
    """
    if teams is None or budget.chance_entries <= 0 or teams.dropna().empty:
        return budget
    weeks = np.sort(frame.loc[frame["period"] == "week", "period_start"].unique())
    if len(weeks) < CALIBRATION_MIN_WEEKS + CALIBRATION_SKIP["week"]:
        return budget
    keep = np.zeros(len(frame), dtype=bool)
    for period, skip in CALIBRATION_SKIP.items():
        starts = np.sort(frame.loc[frame["period"] == period, "period_start"].unique())
        if len(starts) > skip:
            keep |= (frame["period"] == period).to_numpy() & (frame["period_start"] < starts[-skip]).to_numpy()
    part = frame[keep]
    cells = pooled[pooled["period_start"].isin(part["period_start"].unique())] if pooled is not None else None
    names, n_cells, exposure, entries = listed_entries(part, cells, budget, teams)
    common = _bisect(lambda f: np.full(len(names), entries(np.full(len(names), f[0])).mean()),
                     budget.chance_entries, len(names))[0]
    own = _bisect(entries, budget.chance_entries, len(names))
    w = n_cells / (n_cells + CALIBRATION_PRIOR_CELLS)
    # the municipality's entries with all its teams at one factor, on a grid between the bounds (between
    # its points, linear in the log of the factor: the entries are steps in it, and each team asks at factors of its own)
    grid = np.linspace(np.log(LEVEL_SCALES[0]), np.log(LEVEL_SCALES[1]), CALIBRATION_GRID)
    municipality = np.array([entries(np.full(len(names), np.exp(g))).sum() for g in grid])
    share = exposure / exposure.sum() if exposure.sum() > 0 else np.full(len(names), 1.0 / len(names))
    drawn = lambda f: w * entries(f) + (1 - w) * share * np.interp(np.log(f), grid, municipality)  # noqa: E731
    mine = np.exp(np.minimum(_bisect(drawn, budget.chance_entries, len(names)), own))
    return replace(budget, level_scale=three_decimals_down(np.exp(common)),
                   team_scales=tuple((str(t), three_decimals_down(x)) for t, x in zip(names, mine)))


def three_decimals_down(x: float) -> float:
    """A level factor as runs keep and show it: three decimals, never above what was found, but a factor that is a
    number of three decimals (the bound 0.03, found as exp(log 0.03) = 0.0299999...) stays that number."""
    return float(np.floor(x * 1000 * (1 + 1e-12)) / 1000)


def team_scale(areas: pd.Series, teams: pd.Series | None, budget: Budget) -> np.ndarray:
    """Per row of ``areas``: the factor on its levels, ``min(1, team_buurten / buurten of its team)``; 1 for an
    area without a team, without ``teams`` or with ``team_buurten`` 0.

    The levels are chance listings per buurt-domain, so a team's chance entries grow with its buurten; the target
    is per team (at most one a week). A team larger than ``team_buurten`` shares the budget of a team of that size
    over its buurten. A weekly series alarm by its own detector still lists its buurt (the list never misses what
    a single series finds).
    """
    if teams is None or budget.team_buurten <= 0:
        return np.ones(len(areas))
    factor = _team_factors(teams, budget.team_buurten)
    return by_area(areas, lambda a: a.map(factor).fillna(1.0).to_numpy(dtype=float), 1.0).astype(float)


_TEAM_FACTORS: list = [(None, None, None)]


def _team_factors(teams: pd.Series, team_buurten: int) -> pd.Series:
    """Per area of ``teams``, ``min(1, team_buurten / buurten of its team)``; made once for the teams of a run (a
    country's flagging asks for it twice per municipality, and it counted every team's buurten each time). One
    entry, read and replaced whole, so threads flagging at once never mix two runs' teams."""
    held_teams, held_buurten, held = _TEAM_FACTORS[0]
    if held_teams is teams and held_buurten == team_buurten:
        return held
    known = teams.dropna()
    factor = np.minimum(1.0, team_buurten / known.map(known.value_counts()))
    _TEAM_FACTORS[0] = (teams, team_buurten, factor)
    return factor


def calendar_positions(ev: pd.DataFrame) -> pd.Series:
    """Each row's place in the calendar of its period type: weeks since 2000-01-03, months since the year 0."""
    starts = pd.to_datetime(ev["period_start"])
    return pd.Series(np.where(ev["period"] == "month", starts.dt.year * 12 + starts.dt.month - 1,
                              (starts - pd.Timestamp("2000-01-03")).dt.days // 7), index=ev.index)


def lifecycle(evidence: pd.DataFrame, budget: Budget = Budget(), unknown: pd.Series | None = None) -> pd.DataFrame:
    """Episodes over time per area, domain and period type.

    ``unknown`` (by ``evidence``'s index): periods whose counts are partly unknown (a lower bound, "minstens": a
    buurt left out of a delivery, a suppressed part). Such a period without a level says nothing of whether a rise
    is over, so it counts as a period not scored: it never resolves an episode (its status is empty).

    An episode starts at a period with a level (``alarm`` or ``aandacht``) and stays open while
    the area-domain was listed within the last ``resolve_after`` periods (3 weeks, 1 month; periods not scored
    count, so one missing week keeps an episode open and a gap of months ends it);
    the first period scored after that it is ``opgelost`` (shown once; after a gap of more than twice that
    window the episode just ends: whether it resolved is not known). Status per period: ``nieuw`` (first period),
    ``verergerend`` (an alarm above the episode's earlier peak), ``aanhoudend`` (otherwise inside
    the episode), ``opgelost``. Adds ``status``, ``since``, ``last_seen`` and ``peak`` columns.
    """
    if unknown is not None and (unknown & (evidence["level"] == "")).any():
        quiet_unknown = unknown.reindex(evidence.index, fill_value=False) & (evidence["level"] == "")
        known = lifecycle(evidence[~quiet_unknown], budget)
        rest = evidence[quiet_unknown].assign(status="", since=pd.NaT, last_seen=pd.NaT, peak=np.nan)
        return (pd.concat([known, rest.astype({c: known[c].dtype for c in ("since", "last_seen", "peak")})])
                .sort_values(["area_code", "domain", "period", "period_start"]).reset_index(drop=True))
    ev = evidence.sort_values(["area_code", "domain", "period", "period_start"]).reset_index(drop=True)
    keys = [ev["area_code"], ev["domain"], ev["period"]]
    # positions in the calendar, not in the rows: periods a source never delivered (not scored) count as quiet, so
    # an episode open before a long gap ends there instead of running on into the next scored period, years later
    pos = calendar_positions(ev)
    listed = ev["level"] != ""
    resolve_after = np.where(ev["period"] == "month", budget.resolve_after_months, budget.resolve_after_weeks)
    gap = pos - pos.where(listed).groupby(keys, sort=False).ffill()
    candidate = gap.notna() & (gap < resolve_after)
    # a listing after more than resolve_after periods off the list (periods not scored among them) starts anew; one
    # in the period that would have resolved the episode continues it (red team 7b: listed, two weeks of nazorg, listed
    # again read "nieuw" without the episode ever being "opgelost")
    before = pos.where(listed).groupby(keys, sort=False).ffill().groupby(keys, sort=False).shift()
    after_gap = (pos - before) > resolve_after
    seg_start = candidate & (~candidate.groupby(keys, sort=False).shift(fill_value=False) | after_gap)
    segment = seg_start.cumsum().where(candidate)
    first_listed = pos.where(listed).groupby(segment).transform("min")
    open_ = candidate & (pos >= first_listed)
    # the period right after an episode's segment ends (gap reaches resolve_after) resolves it
    last_segment = segment.groupby(keys, sort=False).ffill()
    had_episode = first_listed.groupby(keys, sort=False).ffill().notna() & last_segment.notna()
    # the first period scored once the episode's window is over, also when the period that ended it was never
    # delivered (gap past resolve_after); not after a long gap (more than twice the window: nothing is known then)
    first_after = (gap >= resolve_after) & ~(gap >= resolve_after).groupby(keys, sort=False).shift(fill_value=False)
    resolved = first_after & (gap <= 2 * resolve_after) & had_episode & (
        first_listed.groupby(last_segment).transform("max").reindex(ev.index).notna())
    start = open_ & (~open_.groupby(keys, sort=False).shift(fill_value=False) | after_gap)
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
