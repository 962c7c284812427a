"""Trends for managers: per wijk and domain, observed against expected, this year against earlier years,
the signal mix and the series rising most; the town (stadswijken) and the dorpen kept apart.

Pure: frames in (``core.signal_counts``, ``marts.series_scores``, ``core.areas``, the catalogue),
frames out. A week counts in its ISO year (the year of its Thursday: 52 or 53 whole weeks, as the week
numbers run), a month in its calendar year; comparisons between years use the same part of every year ("year
to date": the months that ended by the same day of the year, the weeks up to the same week number, a 53rd
week's count given per 52 weeks), so a year that is not over yet is never compared with whole years.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipelines.reference import DOMAIN_NL

DOMAINS = ["physical", "social", "safety"]
AREA_KEYS = ("area_code", "wijk_code", "wijk", "gemeente_code", "kind", "wijkteam")
BY_WIJK = ("wijk_code", "wijk", "kind", "domain")
KIND_NL = {"stadswijk": "stad", "dorp": "dorpen", "bedrijventerrein": "bedrijventerrein"}
_WIJK_PREFIX = re.compile(r"^Wijke?\s+\d+\s+", re.IGNORECASE)


def wijk_short_name(name: str) -> str:
    """``Wijk 51 De Weide`` -> ``De Weide`` (CBS names carry the wijk number; residents do not use it)."""
    return _WIJK_PREFIX.sub("", str(name)).strip() or str(name)


def wijk_names(areas: pd.DataFrame) -> pd.Series:
    """Per wijk code the name shown: the short name, unless it is the municipality's name or another wijk shares
    it. Then the full CBS name
    within one municipality (``Wijk 01 Centrum``), and the municipality added when wijken of several
    municipalities share it (``Wijk 00 (Ameland)``); a wijk is always told apart by its code, never its name."""
    w = areas[areas["level"] == "wijk"].drop_duplicates("area_code").set_index("area_code")
    gemeenten = areas[areas["level"] == "gemeente"].drop_duplicates("area_code").set_index("area_code")["name"]
    gm = w["gemeente_code"] if "gemeente_code" in w else pd.Series("", index=w.index)
    names = w["name"].map(wijk_short_name)
    # "Wijk 10 Coevorden" in Coevorden: "Coevorden" would be compared with the whole municipality by its own name
    own = names.str.casefold() == gm.map(gemeenten).astype(str).str.casefold()
    names = names.where(~own, w["name"].astype(str))
    same = pd.DataFrame({"gm": gm, "name": names}).duplicated(keep=False)
    names = names.where(~same, w["name"].astype(str))
    same = pd.DataFrame({"gm": gm, "name": names}).duplicated(keep=False)
    names = names.where(~same, names + " (" + w.index.to_series() + ")")
    same = names.duplicated(keep=False)
    return names.where(~same, names + " (" + gm.map(gemeenten).fillna(gm).astype(str) + ")")


def buurt_table(areas: pd.DataFrame) -> pd.DataFrame:
    """One row per buurt: ``area_code, name, wijk_code, wijk, gemeente_code, kind, wijkteam, population``.

    ``wijk`` is the wijk's name as shown (:func:`wijk_names`); the kind of a buurt (stadswijk / dorp /
    bedrijventerrein) comes from the reference division.
    """
    b = areas[areas["level"] == "buurt"].copy()
    b["wijk"] = b["wijk_code"].map(wijk_names(areas)).fillna(b["wijk_code"])
    if "gemeente_code" not in b:
        b["gemeente_code"] = ""
    b["population"] = pd.to_numeric(b["population"], errors="coerce").fillna(0).astype(float)
    return b[["area_code", "name", "wijk_code", "wijk", "gemeente_code", "kind", "wijkteam",
              "population"]].reset_index(drop=True)


def wijk_table(areas: pd.DataFrame) -> pd.DataFrame:
    """One row per wijk: code, name as shown, municipality code, population and its kind (the kind holding
    most inhabitants)."""
    b = buurt_table(areas)
    pop = b.groupby(["wijk_code", "kind"], as_index=False)["population"].sum()
    kind = pop.sort_values(["wijk_code", "population"], ascending=[True, False]).drop_duplicates("wijk_code")
    total = b.groupby(["wijk_code", "wijk", "gemeente_code"], as_index=False)["population"].sum()
    return total.merge(kind[["wijk_code", "kind"]], on="wijk_code").sort_values("wijk_code").reset_index(drop=True)


def _annotate(frame: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    out = frame.merge(buurt_table(areas).drop(columns=["name"]), on="area_code")
    out = out.merge(catalogue[["signal", "domain", "label_nl"]], on="signal")
    out["year"] = period_year(out["period_start"], out["period"]).to_numpy()
    return out


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO weeks of ``year`` (28 December is always in its last week)."""
    return int(pd.Timestamp(year, 12, 28).isocalendar()[1])


def year_bounds(year: int, period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of ``year`` for periods of type ``period``: for weeks the Monday of ISO week 1 to the
    Sunday of its last week (29 December 2025 begins 2026-W01), for months 1 January to 31 December."""
    if period == "week":
        return pd.Timestamp.fromisocalendar(year, 1, 1), pd.Timestamp.fromisocalendar(year, weeks_in_year(year), 7)
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def period_year(starts: pd.Series, period: pd.Series) -> pd.Series:
    """The year a period counts in: a week in its ISO year (the year of its Thursday, so a year is 52 or 53 whole
    weeks), a month in its calendar year."""
    s = pd.to_datetime(pd.Series(starts)).reset_index(drop=True)
    iso = s.dt.isocalendar().year.astype(int)
    return iso.where(pd.Series(period).reset_index(drop=True) == "week", s.dt.year).astype(int)


def period_end(starts: pd.Series, period: pd.Series) -> pd.Series:
    """Last day of each week (start + 6 days) or month."""
    s = pd.to_datetime(starts)
    return s.where(period != "week", s + pd.Timedelta(days=6)).where(
        period != "month", s + pd.offsets.MonthEnd(0))


def report_year(run_start: pd.Timestamp, period: str = "week") -> int:
    """The year a run's report looks at, as for every period here: a week's ISO year (2026-W53, 28 December
    2026 to 3 January 2027, is a week of 2026; 2025-W01 begins on 30 December 2024), a month's calendar year."""
    return int(period_year(pd.Series([pd.Timestamp(run_start)]), pd.Series([period])).iloc[0])


def _week_of_year(starts: pd.Series) -> pd.Series:
    """The ISO week number (1 to 53) of each week."""
    return pd.to_datetime(pd.Series(starts)).dt.isocalendar().week.astype(int)


def _weeks_to_date(end: pd.Timestamp, year: int) -> int:
    """How many weeks of ``year`` have ended by ``end`` (0 when none, all of them once the year is over)."""
    last_monday = end - pd.Timedelta(days=6 + (end - pd.Timedelta(days=6)).day_of_week)
    last_year = report_year(last_monday)
    if last_year < year:
        return 0
    return int(_week_of_year(pd.Series([last_monday])).iloc[0]) if last_year == year else weeks_in_year(year)


def in_year_to_date(starts: pd.Series, period: pd.Series, end: pd.Timestamp, year: int | None = None) -> pd.Series:
    """True where a period is in the same part of its own year as ``year`` up to ``end`` (default year: ``end``'s).

    Months: ended by ``end``'s day, the same distance from their year as ``end`` from ``year`` (the last
    days of a week 53 lie in the next year); a month's last day stands for that month's end in every year, so
    on 28 or 29 February every February counts, leap year or not. Weeks: at most as many weeks into their year as the last week
    of ``year`` ending by ``end`` (a date would give an earlier year one week less whenever its
    Mondays fall a day or two later, and none at all in a first week of January).
    """
    year = end.year if year is None else year
    starts, period = pd.to_datetime(pd.Series(starts)).reset_index(drop=True), pd.Series(period).reset_index(drop=True)
    first = pd.to_datetime({"year": starts.dt.year + (end.year - year), "month": end.month, "day": 1})
    if end.is_month_end:        # 28 or 29 February: every February, leap year or not
        cutoff = first + pd.offsets.MonthEnd(0)
    else:
        cutoff = first + pd.Timedelta(days=end.day - 1)
    in_part = period_end(starts, period) <= cutoff
    weeks = _weeks_to_date(end, year)
    weekly = period == "week"
    in_part[weekly] = _week_of_year(starts[weekly]) <= weeks
    return in_part.to_numpy()


def observed_vs_expected(scores: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame,
                         by: tuple[str, ...] = BY_WIJK) -> pd.DataFrame:
    """Per group and year: the counts observed against the detectors' expected counts.

    Only scored periods count (the detectors need about three years of history first).
    Columns: ``*by, year, observed, expected, ratio, periods, partial``; ratio 1.0 = as expected; ``partial``:
    ``observed`` holds a lower bound (a count with an unknown part, ``marts.series_scores.partial``).
    """
    s = _annotate(scores[scores["expected"].notna()], areas, catalogue)
    s = s.assign(partial=s["partial"].fillna(False).astype(bool) if "partial" in s else False)
    out = s.groupby([*by, "year"], as_index=False).agg(observed=("count", "sum"), expected=("expected", "sum"),
                                                       periods=("period_start", "nunique"),
                                                       partial=("partial", "any"))
    out["ratio"] = np.where(out["expected"] > 0, out["observed"] / out["expected"].where(out["expected"] > 0), np.nan)
    return out


def signal_sources(catalogue: pd.DataFrame) -> pd.Series:
    """Signal -> the source that delivers it (the catalogue's ``source``; a signal without one stands for itself)."""
    own = catalogue["signal"].astype(str)
    src = catalogue["source"].where(catalogue["source"].notna(), own) if "source" in catalogue else own
    return pd.Series(src.astype(str).to_numpy(), index=own.to_numpy())


def source_spans(counts: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Per domain, source and period type what the counts hold: ``domain, source, period, first`` (start of
    its first period), ``last_end`` (end of its last period), ``from_year`` (the first year held from its
    start) and ``to_year`` (the last year held to its end; a week counts in its ISO year)."""
    c = counts[["signal", "period", "period_start"]].merge(catalogue[["signal", "domain"]], on="signal")
    c = c.assign(source=c["signal"].map(signal_sources(catalogue)), period_start=pd.to_datetime(c["period_start"]))
    if c.empty:
        return pd.DataFrame(columns=["domain", "source", "period", "first", "last_end", "from_year", "to_year"])
    g = c.groupby(["domain", "source", "period"], as_index=False).agg(first=("period_start", "min"),
                                                                      last=("period_start", "max"))
    g["last_end"] = period_end(g["last"], g["period"])
    g["from_year"] = _from_year(g["first"], g["period"])
    y1 = period_year(g["last"], g["period"]).to_numpy()
    g["to_year"] = [y if e >= year_bounds(y, k)[1] else y - 1 for e, y, k in zip(g["last_end"], y1, g["period"])]
    return g.drop(columns="last")


def _from_year(first: pd.Series, period: pd.Series) -> list[int]:
    """The first year a source whose first period began on ``first`` holds from its start."""
    y0 = period_year(first, period).to_numpy()
    return [y if f <= year_bounds(y, k)[0] else y + 1 for f, y, k in zip(pd.to_datetime(first), y0, period)]


def whole_year_sources(counts: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Per domain and source whether the yearly figures count it, so that every year shown counts the same
    sources (a source delivered since October would otherwise make its first year look like a rise, one no
    longer delivered its last like a fall).

    The years of a domain run to the latest year a source holds whole; they start at the first whole year of
    the sources that reach that year, and only the sources holding every one of those years whole are
    counted. Columns: ``domain, source, first, last_end, from_year, to_year`` (its own whole years),
    ``counted``, ``began`` (it starts after the first year compared), ``stopped`` (it ends before the last),
    ``years_from, years_to`` (the domain's years compared; NA when no source holds a whole year), one row per
    source of the counts.
    """
    spans = source_spans(counts, catalogue)
    s = spans.groupby(["domain", "source"], as_index=False).agg(
        first=("first", "min"), last_end=("last_end", "max"), from_year=("from_year", "max"),
        to_year=("to_year", "min"))
    whole = s["from_year"] <= s["to_year"]
    last = s[whole].groupby("domain")["to_year"].max()
    start = s[whole & (s["to_year"] == s["domain"].map(last))].groupby("domain")["from_year"].min()
    lo, hi = s["domain"].map(start), s["domain"].map(last)
    s["counted"] = (whole & (s["from_year"] <= lo) & (s["to_year"] >= hi)).to_numpy()
    s["began"], s["stopped"] = (s["from_year"] > lo).to_numpy(), (s["to_year"] < hi).to_numpy()
    s["years_from"], s["years_to"] = lo.astype("Int64"), hi.astype("Int64")
    return s


def year_to_date(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
                 by: tuple[str, ...] = BY_WIJK, year: int | None = None) -> pd.DataFrame:
    """Per group and year the counts of the same part of every year (``year`` up to ``end``, default
    ``end``'s year; see :func:`in_year_to_date`), per 1,000 inhabitants.

    Every year of a domain counts the same sources (:func:`comparable_part`): a source that began after the
    first year compared, or has not delivered ``year`` as far as the domain's other sources (stopped, or late),
    is left out and named in ``left_out``; years whose first data start after 1 January are left out (they would
    look low). A group with counts
    in the warehouse gets a row for every year the warehouse holds data of its domain, 0 where it has none
    (the warehouse stores no zero counts; leaving those years out would raise the earlier years' mean).
    Columns: ``*by, year, count, population, rate, left_out``.
    """
    c = _annotate(counts, areas, catalogue)
    year = end.year if year is None else year
    c = c[(c["year"] <= year).to_numpy()].assign(source=lambda f: f["signal"].map(signal_sources(catalogue)))
    c, notes = comparable_part(c, end, year)
    part = _delivered_part(c[in_year_to_date(c["period_start"], c["period"], end, year)], year)
    weeks = _weeks_to_date(end, year)          # 53 once a 53-week year is over: per 52 weeks, as the open pages
    if weeks > 52:
        long = (part["period"] == "week") & (part["year"].map(weeks_in_year) > 52)
        part = part.assign(count=part["count"].where(~long, part["count"] * 52 / 53))
    out = _zero_filled(part.groupby([*by, "year"], as_index=False)["count"].sum(), c, by)
    keys = [b for b in by if b in AREA_KEYS]
    buurten = buurt_table(areas)
    if keys:
        out = out.merge(buurten.groupby(keys, as_index=False)["population"].sum(), on=keys, how="left")
    else:
        out["population"] = buurten["population"].sum()
    out["rate"] = out["count"] / out["population"].where(out["population"] > 0) * 1000
    if "domain" in by:
        out["left_out"] = [notes.get(d, "") for d in out["domain"]]
    else:
        out["left_out"] = "; ".join(f"{domain_label(d)}: {n}" for d, n in sorted(notes.items()) if n)
    return out


def comparable_part(c: pd.DataFrame, end: pd.Timestamp, year: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """``c`` (annotated counts up to ``year`` with their ``source``) kept to the sources that every year
    compared holds, and per domain the sources left out as text (``schulden (pas sinds 10-2025)``).

    Judged per source, as :func:`rising_series` judges each signal by its first period: a source is compared
    when it has delivered ``year``'s part as far as the domain's latest period in it (:func:`_delivered_part`),
    or no period of its type has ended in ``year`` yet; one that stopped or lags would read as a fall. The years
    compared start at the first whole year of the compared source that began first, and only the sources
    holding that year from its start count; one that began later would read as a rise."""
    if c.empty:
        return c, {}
    starts = pd.to_datetime(c["period_start"])
    pos = np.where(c["period"] == "week", _week_of_year(starts).to_numpy(), starts.dt.month.to_numpy())
    now = ((c["year"] == year).to_numpy() & in_year_to_date(c["period_start"], c["period"], end, year))
    c = c.assign(_pos=np.where(now, pos, 0))
    spans = c.groupby(["domain", "source", "period"], as_index=False).agg(
        first=("period_start", "min"), last=("period_start", "max"), reached=("_pos", "max"))
    spans["from_year"] = _from_year(spans["first"], spans["period"])
    cut = spans.groupby(["domain", "period"])["reached"].transform("max")
    not_yet = np.array([period_end(pd.Series([year_bounds(year, k)[0]]), pd.Series([k])).iloc[0] > end
                        for k in spans["period"]], dtype=bool)
    spans["delivers"] = ((spans["reached"] > 0) & (spans["reached"] == cut)).to_numpy() | not_yet
    s = spans.groupby(["domain", "source"], as_index=False).agg(
        first=("first", "min"), last=("last", "max"), from_year=("from_year", "max"), delivers=("delivers", "all"))
    eligible = s["delivers"] & (s["from_year"] <= year)
    first_year = s[eligible].groupby("domain")["from_year"].min()
    s["counted"] = (eligible & (s["from_year"] <= s["domain"].map(first_year))).to_numpy()
    counted = pd.MultiIndex.from_frame(c[["domain", "source"]]).isin(
        pd.MultiIndex.from_frame(s.loc[s["counted"], ["domain", "source"]]))
    kept = c[counted & (c["year"] >= c["domain"].map(first_year)).to_numpy()].drop(columns="_pos")
    notes: dict[str, str] = {}
    for row in s[~s["counted"]].itertuples(index=False):
        held = c.loc[(c["domain"] == row.domain) & (c["source"] == row.source), "year"]
        if row.domain in first_year and not (held >= first_year[row.domain]).any():
            continue                                  # ended before the years compared: nothing is left out
        why = (f"pas sinds {pd.Timestamp(row.first):%m-%Y}" if row.delivers
               else f"geleverd t/m {pd.Timestamp(row.last):%m-%Y}")
        notes[row.domain] = "; ".join(filter(None, [notes.get(row.domain), f"{row.source} ({why})"]))
    return kept, notes


def _delivered_part(part: pd.DataFrame, year: int) -> pd.DataFrame:
    """``part`` (counts of the same part of every year) cut, per domain and period type, after the last period
    ``year`` holds: a month that has ended but is not delivered yet (a wijkteam's month arrives weeks later)
    would read as 0 in ``year`` only. A domain without any count in ``year`` keeps its part."""
    starts = pd.to_datetime(part["period_start"])
    pos = pd.Series(np.where(part["period"] == "week", _week_of_year(starts).to_numpy(), starts.dt.month.to_numpy()),
                    index=part.index)
    this = part["year"] == year
    last = pos[this].groupby([part.loc[this, "domain"], part.loc[this, "period"]]).max()
    if last.empty:
        return part
    cut = pd.Series(pd.MultiIndex.from_frame(part[["domain", "period"]]).map(last.to_dict()), index=part.index)
    return part[cut.isna() | (pos <= cut)]


def _zero_filled(counts: pd.DataFrame, held: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """``counts`` (``*by, year, count``) with a 0 row for every group of ``held`` in every year ``held`` has
    data of the group's domain (of any domain when ``by`` has none)."""
    per = ["domain"] if "domain" in by else []
    groups, years = held[list(by)].drop_duplicates(), held[[*per, "year"]].drop_duplicates()
    grid = groups.merge(years, on=per) if per else groups.merge(years, how="cross")
    out = grid.merge(counts, on=[*by, "year"], how="left")
    out["count"] = out["count"].fillna(0).astype(counts["count"].dtype if len(counts) else "int64")
    return out.sort_values([*by, "year"]).reset_index(drop=True)


def this_year_vs_earlier(ytd: pd.DataFrame, year: int, by: tuple[str, ...] = BY_WIJK) -> pd.DataFrame:
    """This year's year-to-date count against the mean of the same part of the earlier years.

    A year in ``ytd`` for a group's domain without a row for the group counts as 0 for it.
    Columns: ``*by, this_year, earlier_mean, earlier_years, change`` (``change`` = relative, 0.25 = +25 %), and
    ``left_out`` (the sources not compared, :func:`comparable_part`) when ``ytd`` has it.
    """
    full = _zero_filled(ytd[[*by, "year", "count"]], ytd, by)
    now = full[full["year"] == year].set_index(list(by))["count"].rename("this_year")
    before = full[full["year"] < year].groupby(list(by)).agg(earlier_mean=("count", "mean"),
                                                             earlier_years=("year", "nunique"))
    out = pd.concat([now, before], axis=1).reset_index()
    out["this_year"] = out["this_year"].fillna(0)
    out["change"] = out["this_year"] / out["earlier_mean"].where(out["earlier_mean"] > 0) - 1
    if "left_out" in ytd:                      # the sources a domain's years leave out, named beside its change
        notes = ytd[ytd["left_out"].fillna("") != ""].drop_duplicates(list(by)).set_index(list(by))["left_out"]
        out["left_out"] = notes.reindex(pd.MultiIndex.from_frame(out[list(by)]) if len(by) > 1
                                        else out[by[0]]).fillna("").to_numpy()
    return out


def signal_mix(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, year: int,
               end: pd.Timestamp | None = None, by: str = "wijk") -> pd.DataFrame:
    """Share of every signal in a group's counts of ``year`` (year to date when ``end`` is given).

    Columns: ``by, kind, signal, label_nl, domain, count, share`` (shares add up to 1 per group).
    """
    c = _annotate(counts, areas, catalogue)
    c = c[c["year"] == year]
    if end is not None:
        c = c[in_year_to_date(c["period_start"], c["period"], end, year)]
    out = c.groupby([by, "kind", "signal", "label_nl", "domain"], as_index=False)["count"].sum()
    out["share"] = out["count"] / out.groupby(by)["count"].transform("sum").where(lambda s: s > 0)
    return out.sort_values([by, "share"], ascending=[True, False]).reset_index(drop=True)


def rising_series(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
                  weeks: int = 13, years_back: int = 3, min_recent: int = 5, top: int | None = 15) -> pd.DataFrame:
    """The buurt x signal series rising most: the last ``weeks`` weeks against the same weeks of earlier years
    (52, 104, ... weeks back).

    A period counts when it lies wholly in the window (monthly signals: the months that ended in it). An earlier
    year counts for a series only when its signal was delivered from that year's window on (``years``: how many
    did); a series without any such year has nothing to rise from and is left out.
    ``z = (recent - baseline) / sqrt(baseline + 1)`` ranks the rise (a Poisson-like scale, so a rise
    from 1 to 6 does not outrank one from 40 to 80); series with fewer than ``min_recent`` counts are left out.
    Columns: ``area_code, name, wijk, kind, wijkteam, signal, label_nl, domain, recent, baseline, years, ratio, z``.
    """
    c = counts.assign(period_start=pd.to_datetime(counts["period_start"]))
    c = c.assign(period_end=period_end(c["period_start"], c["period"]))
    # an earlier window counts for a signal only when the signal was delivered then: the years before a source
    # began are not years of 0 (a source delivered since June would otherwise top the table, risen from nothing)
    first = c.groupby("signal")["period_start"].min()
    windows, los = [], {}
    for k in range(0, years_back + 1):
        hi = end - pd.Timedelta(weeks=52 * k)          # whole weeks back, so a window holds the same number of weeks
        lo = hi - pd.Timedelta(weeks=weeks)
        if k and lo < first.min():
            continue
        los[k] = lo
        part = c[(c["period_start"] > lo) & (c["period_end"] <= hi)]
        windows.append(part.groupby(["area_code", "signal"])["count"].sum().rename(k))
    if not windows:
        return pd.DataFrame()
    w = pd.concat(windows, axis=1).fillna(0)
    earlier = [k for k in w.columns if k != 0]
    began = first.reindex(w.index.get_level_values("signal")).to_numpy()
    for k in earlier:
        w[k] = w[k].where(began <= los[k])            # NaN: the signal was not delivered yet
    years = w[earlier].notna().sum(axis=1) if earlier else 0
    out = pd.DataFrame({"recent": w.get(0, 0), "baseline": w[earlier].mean(axis=1) if earlier else np.nan,
                        "years": years}).reset_index()
    out = out[(out["recent"] >= min_recent) & (out["years"] > 0)]
    out["ratio"] = out["recent"] / out["baseline"].where(out["baseline"] > 0)
    out["z"] = (out["recent"] - out["baseline"]) / np.sqrt(out["baseline"] + 1)
    out = out.merge(buurt_table(areas), on="area_code").merge(catalogue[["signal", "label_nl", "domain"]], on="signal")
    out = out.sort_values(["z", "area_code", "signal"], ascending=[False, True, True]).reset_index(drop=True)
    cols = ["area_code", "name", "wijk", "kind", "wijkteam", "signal", "label_nl", "domain", "recent", "baseline",
            "years", "ratio", "z"]
    return (out.head(top) if top else out)[cols]


def domain_label(domain: str) -> str:
    return DOMAIN_NL.get(domain, domain)


def ratio_table(oe: pd.DataFrame, year: int) -> pd.DataFrame:
    """Observed / expected of ``year`` as a table: one row per wijk (town first, then dorpen), a column per domain."""
    part = oe[oe["year"] == year]
    table = part.pivot_table(index=["kind", "wijk", "wijk_code"], columns="domain", values="ratio")
    table = table.reindex(columns=DOMAINS).dropna(axis=1, how="all")
    table.columns = [DOMAIN_NL[d] for d in table.columns]
    table = table.reset_index().sort_values(["kind", "wijk", "wijk_code"], key=lambda s: s.map(_KIND_ORDER).fillna(s)
                                            if s.name == "kind" else s)
    return table.drop(columns="wijk_code").reset_index(drop=True)


_KIND_ORDER = {"stadswijk": "0", "dorp": "1", "bedrijventerrein": "2"}


def change_table(change: pd.DataFrame, year: int) -> pd.DataFrame:
    """:func:`this_year_vs_earlier` per wijk for reading: Dutch domain names, the change in whole percents,
    town first, then dorpen; the sources a domain's years leave out under ``niet meegeteld`` (when any)."""
    out = change.assign(domain=change["domain"].map(DOMAIN_NL),
                        change=(change["change"] * 100).round().map(lambda v: "" if pd.isna(v) else f"{v:+.0f} %"))
    if "left_out" in out and not (out["left_out"] != "").any():
        out = out.drop(columns="left_out")
    out = out.sort_values(["kind", "wijk", "wijk_code", "domain"],
                          key=lambda s: s.map(_KIND_ORDER) if s.name == "kind" else s).drop(columns="wijk_code")
    return out.rename(columns={"kind": "soort", "domain": "domein", "this_year": str(year),
                               "earlier_mean": "eerdere jaren (gem.)", "earlier_years": "jaren",
                               "change": "verschil", "left_out": "niet meegeteld"}).reset_index(drop=True)
