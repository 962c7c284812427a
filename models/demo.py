"""Seeded generator of realistic neighbourhood signal counts with documented injected issues.

Counts scale with inhabitants, are overdispersed (negative binomial), seasonal where that is
realistic and trend slowly; each buurt gets its own persistent level. Emerging issues (a sudden
rise, a slow drift, a rise spreading over neighbouring buurten) are injected with the truth
returned beside the data. Pure: frames in, frames out; the pipeline writes the files.
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

    Returns
    -------
    counts : ``area_code, signal, period, period_start, count``.
    truth : one row per injected event period: ``event, kind, area_code, signal, period,
        period_start, expected_baseline, expected_with_event, description``.
    """
    rng = np.random.default_rng(seed)
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
