"""Seeded generator of realistic neighbourhood signal counts with documented injected issues.

Counts scale with inhabitants, are overdispersed (negative binomial), seasonal where that is
realistic and trend slowly; each buurt gets its own persistent level. Emerging issues (a sudden
rise, a slow drift, a rise spreading over neighbouring buurten) are injected with the truth
returned beside the data. Pure: frames in, frames out; the pipeline writes the files.

Structural drivers of escalation (:func:`structural_rises`, :data:`STRUCTURAL_DRIVERS`): besides the
injected issues, every buurt can start a *sustained rise* of one domain's signals (fysiek or sociaal)
in any month of the history. The monthly chance of a start follows the buurt's CBS figures: a low
average WOZ value (a stand-in for low income, which CBS leaves empty for most small buurten), small
households (many single-person households), a high population density and few owner-occupied homes
raise it; on average a buurt starts ``starts_per_year`` rises a year. A rise lasts 4 to 9 months, grows
in two months to 1.7 to 2.4 times the usual level and is followed by at least six quiet months. The
rises are drawn with their own random stream and added on top of the usual counts, so every other
count is the same as without them; the truth (one row per rise) is returned.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.calendar import PERIODS_PER_YEAR, index_to_start, period_index, period_start
from models.simulate import negative_binomial


def period_grid(end: pd.Timestamp, years: int, period: str) -> pd.Series:
    """The last ``years`` full years of period starts, ending with the period containing ``end``."""
    last = period_index(period_start([end], period), period)[0]
    n = years * PERIODS_PER_YEAR[period]
    return index_to_start(np.arange(last - n + 1, last + 1), period)


def simulate_counts(
    areas: pd.DataFrame,
    signals: pd.DataFrame,
    events: pd.DataFrame,
    end: pd.Timestamp,
    years: int = 5,
    seed: int = 118,
    rises: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate counts per area x signal x period, with injected events.

    Parameters
    ----------
    areas : columns ``area_code``, ``population``.
    signals : columns ``signal``, ``frequency`` (week/month), ``rate_per_1000``,
        ``season_amplitude``, ``season_peak`` (fraction of the year), ``dispersion``
        (variance/mean, >= 1), ``trend_per_year``.
    events : columns ``event``, ``kind`` (sudden_rise, slow_drift, spreading), ``area_code``,
        ``signal``, ``start`` (periods back from the end, negative), ``periods``,
        ``multiplier``, ``extra_per_period``, ``description``.
    end : a day in the last period to generate.
    rises : optional ``area_code, domain, month_start, multiplier`` (:func:`structural_rises`); then
        ``signals`` needs a ``domain`` column. A week belongs to the month of its Thursday. The extra
        counts of a rise (mean ``baseline * (multiplier - 1)``) come from their own random stream.

    Returns
    -------
    counts : ``area_code, signal, period, period_start, count``.
    truth : one row per injected event period: ``event, kind, area_code, signal, period,
        period_start, expected_baseline, expected_with_event, description``.
    """
    rng = np.random.default_rng(seed)
    rise_rng = np.random.default_rng([seed, 7])       # the rises never shift the draws of the usual counts
    frames, truths = [], []
    for sig in signals.itertuples(index=False):
        starts = period_grid(end, years, sig.frequency)
        T = len(starts)
        frac = (starts.dt.day_of_year.to_numpy() - 1) / 365.25
        years_in = np.arange(T) / PERIODS_PER_YEAR[sig.frequency]
        shape = (1 + sig.season_amplitude * np.cos(2 * np.pi * (frac - sig.season_peak))) * (
            (1 + sig.trend_per_year) ** years_in
        )
        level = rng.lognormal(mean=0.0, sigma=0.25, size=len(areas))  # persistent area character
        mu = (areas["population"].to_numpy()[:, None] / 1000 * sig.rate_per_1000 * level[:, None]) * shape[None, :]
        mu_base = mu.copy()
        for ev in events[events["signal"] == sig.signal].itertuples(index=False):
            row = np.flatnonzero(areas["area_code"].to_numpy() == ev.area_code)
            if row.size == 0:
                raise ValueError(f"event {ev.event}: area {ev.area_code} is not among the areas")
            first = T + int(ev.start)
            idx = np.arange(first, first + int(ev.periods))
            ramp = (np.arange(1, len(idx) + 1) / len(idx)) if ev.kind == "slow_drift" else np.ones(len(idx))
            mu[row[0], idx] = mu_base[row[0], idx] * (1 + (ev.multiplier - 1) * ramp) + ev.extra_per_period * ramp
            truths.append(
                pd.DataFrame(
                    {
                        "event": ev.event,
                        "kind": ev.kind,
                        "area_code": ev.area_code,
                        "signal": sig.signal,
                        "period": sig.frequency,
                        "period_start": starts.iloc[idx].to_numpy(),
                        "expected_baseline": mu_base[row[0], idx].round(2),
                        "expected_with_event": mu[row[0], idx].round(2),
                        "description": ev.description,
                    }
                )
            )
        counts = negative_binomial(rng, mu, sig.dispersion)
        if rises is not None and len(rises):
            factor = _rise_factor(rises[rises["domain"] == sig.domain], areas["area_code"], starts, sig.frequency)
            up = factor > 1
            if up.any():
                counts = counts.copy()
                counts[up] += negative_binomial(rise_rng, mu_base[up] * (factor[up] - 1), sig.dispersion)
        frames.append(
            pd.DataFrame(
                {
                    "area_code": np.repeat(areas["area_code"].to_numpy(), T),
                    "signal": sig.signal,
                    "period": sig.frequency,
                    "period_start": np.tile(starts.to_numpy(), len(areas)),
                    "count": counts.ravel(),
                }
            )
        )
    truth_cols = ["event", "kind", "area_code", "signal", "period", "period_start",
                  "expected_baseline", "expected_with_event", "description"]
    truth = pd.concat(truths, ignore_index=True) if truths else pd.DataFrame(columns=truth_cols)
    return pd.concat(frames, ignore_index=True), truth


#: The demo's structural drivers: CBS indicator, direction (+1: a high value raises the chance), weight
#: (per standard deviation across the buurten, on the log scale where ``log``).
STRUCTURAL_DRIVERS = pd.DataFrame({
    "indicator": ["GemiddeldeWOZWaardeVanWoningen", "GemiddeldeHuishoudensgrootte", "Bevolkingsdichtheid",
                  "Koopwoningen"],
    "direction": [-1, -1, 1, -1],
    "weight": [0.7, 0.6, 0.5, 0.4],
    "log": [True, False, True, False],
})


def structural_hazard(structure: pd.DataFrame, drivers: pd.DataFrame = STRUCTURAL_DRIVERS) -> pd.Series:
    """Relative monthly chance of a rise per area (mean 1): ``exp(sum of weight x direction x z)``.

    ``structure``: ``area_code`` plus the drivers' indicators (missing values count as average).
    """
    frame = structure.set_index("area_code")
    score = pd.Series(0.0, index=frame.index)
    for d in drivers.itertuples(index=False):
        if d.indicator not in frame:
            continue
        x = pd.to_numeric(frame[d.indicator], errors="coerce").astype("float64")
        if d.log:
            x = np.log(x.clip(lower=1e-9))
        sd = x.std()
        z = ((x - x.mean()) / sd).fillna(0.0) if sd > 0 else x * 0.0
        score += d.weight * d.direction * z.clip(-3, 3)
    hazard = np.exp(score)
    return hazard / hazard.mean()


def structural_rises(structure: pd.DataFrame, months: pd.DatetimeIndex, domains: dict[str, float], seed: int,
                     starts_per_year: float = 0.25, drivers: pd.DataFrame = STRUCTURAL_DRIVERS,
                     exclude: set[tuple[str, str]] = frozenset()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sustained rises whose monthly chance of starting follows each area's structure.

    Parameters
    ----------
    structure : ``area_code`` plus the indicators of ``drivers``.
    months : the month starts to simulate (in order).
    domains : domain -> share of the rises in it (e.g. ``{"social": 0.6, "physical": 0.4}``).
    starts_per_year : average starts per area per year; the area's chance is this times its
        :func:`structural_hazard` (at most 0.2 a month).
    exclude : (area_code, domain) pairs that get no rise (the injected issues keep their own story).

    Returns
    -------
    rises : ``area_code, domain, month_start, multiplier`` for every month of a rise.
    truth : one row per rise: ``rise, area_code, domain, first_month, months, peak, hazard``.
    """
    rng = np.random.default_rng([seed, 3])
    hazard = structural_hazard(structure, drivers)
    chance = np.minimum(starts_per_year / 12 * hazard.to_numpy(), 0.2)
    names, shares = list(domains), np.array(list(domains.values()), dtype=float)
    rows, truth = [], []
    for i, area in enumerate(hazard.index):
        t = 0
        while t < len(months):
            if rng.random() >= chance[i]:
                t += 1
                continue
            domain = names[rng.choice(len(names), p=shares / shares.sum())]
            length, peak = int(rng.integers(4, 10)), float(rng.uniform(1.7, 2.4))
            if (area, domain) not in exclude:
                span = months[t:t + length]
                ramp = np.minimum(np.arange(1, len(span) + 1) / 2, 1.0)
                rows.append(pd.DataFrame({"area_code": area, "domain": domain, "month_start": span,
                                          "multiplier": 1 + (peak - 1) * ramp}))
                truth.append((area, domain, months[t], len(span), round(peak, 2), round(float(hazard[area]), 3)))
            t += length + 6                               # at least six quiet months after a rise
    rises = (pd.concat(rows, ignore_index=True) if rows else
             pd.DataFrame(columns=["area_code", "domain", "month_start", "multiplier"]))
    truth = pd.DataFrame(truth, columns=["area_code", "domain", "first_month", "months", "peak", "hazard"])
    truth.insert(0, "rise", [f"S{i + 1}" for i in range(len(truth))])
    return rises, truth


#: a listing stays on the list some weeks after its evidence: a rise is counted this long after its last month
RISE_GRACE = pd.DateOffset(months=1)


def in_structural_rise(cells: pd.DataFrame, truth: pd.DataFrame, when: str = "period_start",
                       grace: pd.DateOffset = RISE_GRACE) -> np.ndarray:
    """Whether each of ``cells`` (``area_code``, ``domain`` and the date column ``when``) falls in a
    structural rise of ``truth`` (:func:`structural_rises`): in the rise's buurt and domain, from its
    first month to ``grace`` after its last.

    A listing there is the rise found, not a chance entry: the rises double a domain's counts for months.
    """
    if cells.empty or truth.empty:
        return np.zeros(len(cells), dtype=bool)
    c = cells[["area_code", "domain"]].assign(_when=pd.to_datetime(cells[when]).to_numpy(),
                                              _row=np.arange(len(cells)))
    t = truth[["area_code", "domain", "first_month", "months"]].assign(first_month=lambda f: pd.to_datetime(f["first_month"]))
    t["_end"] = [m + pd.DateOffset(months=int(n)) + grace for m, n in zip(t["first_month"], t["months"])]
    both = c.merge(t, on=["area_code", "domain"])
    hit = both.loc[(both["first_month"] <= both["_when"]) & (both["_when"] < both["_end"]), "_row"]
    out = np.zeros(len(cells), dtype=bool)
    out[hit.to_numpy()] = True
    return out


def _rise_factor(rises: pd.DataFrame, areas: pd.Series, starts: pd.Series, frequency: str) -> np.ndarray:
    """Areas x periods multiplier (1 outside a rise); a week falls in the month of its Thursday."""
    starts = pd.to_datetime(pd.Series(starts).reset_index(drop=True))
    day = starts + pd.Timedelta(days=3) if frequency == "week" else starts
    month = day.dt.to_period("M").dt.start_time
    factor = np.ones((len(areas), len(starts)))
    if rises.empty:
        return factor
    row = pd.Series(np.arange(len(areas)), index=areas.to_numpy())
    col = pd.Series(np.arange(len(starts)), index=month.to_numpy()).groupby(level=0).agg(list)
    for r in rises.itertuples(index=False):
        if r.area_code in row.index and pd.Timestamp(r.month_start) in col.index:
            factor[row[r.area_code], col[pd.Timestamp(r.month_start)]] = r.multiplier
    return factor


def counts_to_reports(counts: pd.DataFrame, categories: pd.DataFrame, seed: int = 118) -> pd.DataFrame:
    """Explode weekly counts into individual resident reports (one row per report).

    Each report gets a day inside its week, a main/sub category mapped to its signal and a
    status; report numbers are sequential in time. No free text and no address: the demo
    never fabricates personal data.
    """
    rng = np.random.default_rng(seed)
    rep = counts.loc[counts.index.repeat(counts["count"].astype(int))].reset_index(drop=True)
    day = rng.integers(0, 7, size=len(rep))
    rep["created"] = pd.to_datetime(rep["period_start"]) + pd.to_timedelta(day, unit="D")
    cat_by_signal = {s: g[["hoofdcategorie", "subcategorie"]].to_numpy() for s, g in categories.groupby("signal")}
    main = np.empty(len(rep), dtype=object)
    sub = np.empty(len(rep), dtype=object)
    for signal, idx in rep.groupby("signal").indices.items():
        options = cat_by_signal[signal]
        pick = options[rng.integers(0, len(options), size=len(idx))]
        main[idx], sub[idx] = pick[:, 0], pick[:, 1]
    rep["hoofdcategorie"] = main
    rep["subcategorie"] = sub
    rep = rep.sort_values(["created", "area_code", "signal"], kind="stable").reset_index(drop=True)
    rep["melding_id"] = np.arange(1, len(rep) + 1) + 100_000
    rep["status"] = np.where(rng.random(len(rep)) < 0.9, "Afgehandeld", "In behandeling")
    return rep[["melding_id", "created", "hoofdcategorie", "subcategorie", "area_code", "status"]]
