"""Trends for managers: per wijk and domain, observed against expected, this year against earlier years,
the signal mix and the series rising most; the town (stadswijken) and the dorpen kept apart.

Pure: frames in (``core.signal_counts``, ``marts.series_scores``, ``core.areas``, the catalogue),
frames out. A week counts in its ISO year (the year of its Thursday: 52 or 53 whole weeks, as the week
numbers run), a month in its calendar year; comparisons between years use the same part of every year ("year
to date": the months that ended by the same day of the year, the weeks up to the same week number, a 53rd
week's count given per 52 weeks), so a year that is not over yet is never compared with whole years; and every year
of a domain counts the same sources (:func:`compared_sources`, the open pages' rule too).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipelines.reference import DOMAIN_NL
from pipelines.wording import period_text, wijk_with_gemeente

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
    municipalities share it (``Centrum (Assen)``); a wijk is always told apart by its code, never its name.
    A CBS name that is only a number takes its municipality's name (``Wijk 00 Schiermonnikoog``)."""
    w = areas[areas["level"] == "wijk"].drop_duplicates("area_code").set_index("area_code")
    gemeenten = areas[areas["level"] == "gemeente"].drop_duplicates("area_code").set_index("area_code")["name"]
    gm = w["gemeente_code"] if "gemeente_code" in w else pd.Series("", index=w.index)
    full = pd.Series([wijk_with_gemeente(n, gemeenten.get(g, "") if pd.notna(g) else "")
                      for n, g in zip(w["name"].astype(str), gm)], index=w.index)
    names = full.map(wijk_short_name)
    # "Wijk 10 Coevorden" in Coevorden: "Coevorden" would be compared with the whole municipality by its own name
    own = names.str.casefold() == gm.map(gemeenten).astype(str).str.casefold()
    names = names.where(~own, full)
    same = pd.DataFrame({"gm": gm, "name": names}).duplicated(keep=False)
    names = names.where(~same, full)
    same = pd.DataFrame({"gm": gm, "name": names}).duplicated(keep=False)
    names = names.where(~same, names + " (" + w.index.to_series() + ")")
    same = names.duplicated(keep=False)
    return names.where(~same, names + " (" + gm.map(gemeenten).fillna(gm).astype(str) + ")")


def buurt_table(areas: pd.DataFrame) -> pd.DataFrame:
    """One row per buurt: ``area_code, name, wijk_code, wijk, gemeente_code, kind, wijkteam, population, part``.

    ``wijk`` is the wijk's name as shown (:func:`wijk_names`); the kind of a buurt (stadswijk / dorp /
    bedrijventerrein) comes from the reference division; ``part`` the municipality its data was delivered under
    (:func:`with_parts`; its ``gemeente_code`` when ``areas`` does not say).
    """
    b = areas[areas["level"] == "buurt"].copy()
    b["wijk"] = b["wijk_code"].map(wijk_names(areas)).fillna(b["wijk_code"])
    if "gemeente_code" not in b:
        b["gemeente_code"] = ""
    b["population"] = pd.to_numeric(b["population"], errors="coerce").fillna(0).astype(float)
    b["part"] = b["part"].fillna(b["gemeente_code"]) if "part" in b else b["gemeente_code"]
    return b[["area_code", "name", "wijk_code", "wijk", "gemeente_code", "kind", "wijkteam",
              "population", "part"]].reset_index(drop=True)


_BUURT_CODE = re.compile(r"BU\d{8}")


def with_parts(areas: pd.DataFrame, changes: pd.DataFrame | None) -> pd.DataFrame:
    """``areas`` with ``part`` per buurt: the municipality its data was delivered under before a herindeling, read
    from the codes mapped to it (``changes``: ``old_code, new_code``, the profile's ``buurtcode_wijzigingen.csv`` and
    what the sync moved; ``BU01185000`` -> ``BU19995000`` puts BU19995000 in part GM0118). A buurt no code maps to
    (a split's part, new housing) is in the part most mapped buurten of its wijk are in, else its municipality; a
    code no longer in the profile (a split buurt's past) in the municipality its code names. Without any mapping
    from another municipality every buurt's part is its municipality. A source's coverage is judged per part
    (:func:`uncovered_wijken`): after a merger, the part a source never delivered for is no part of its figures."""
    out = areas.copy()
    buurt = out["level"] == "buurt"
    gm = out["gemeente_code"] if "gemeente_code" in out else pd.Series("", index=out.index)
    own = lambda code: f"GM{code[2:6]}" if _BUURT_CODE.fullmatch(str(code)) else None  # noqa: E731
    olds: dict[str, list[str]] = {}
    if changes is not None:
        for old, new in zip(changes["old_code"], changes["new_code"]):
            if own(old):
                olds.setdefault(str(new), []).append(own(old))
    out["part"] = gm.where(buurt, None)
    if not any(p != g for code, g in zip(out["area_code"], gm) for p in olds.get(code, ())):
        return out                                    # no code came from another municipality
    common = lambda parts: min(set(parts), key=lambda p: (-parts.count(p), p))  # noqa: E731
    vervallen = (out["name"].astype(str).str.endswith("(vervallen)") if "name" in out
                 else pd.Series(False, index=out.index))
    part = {c: common(olds[c]) for c in out.loc[buurt, "area_code"] if c in olds}
    per_wijk: dict[str, list[str]] = {}
    for code, wijk in zip(out.loc[buurt, "area_code"], out.loc[buurt, "wijk_code"]):
        if code in part:
            per_wijk.setdefault(wijk, []).append(part[code])
    for i in out.index[buurt]:
        code = out.at[i, "area_code"]
        out.at[i, "part"] = (part[code] if code in part
                             else own(code) or gm[i] if vervallen[i]
                             else common(per_wijk[out.at[i, "wijk_code"]]) if out.at[i, "wijk_code"] in per_wijk
                             else gm[i])
    return out


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
    Columns: ``*by, year, observed, expected, ratio, periods, partial, provisional``; ratio 1.0 = as expected;
    ``partial``: ``observed`` holds a lower bound (a count with an unknown part, ``marts.series_scores.partial``);
    ``provisional``: the domain's year holds a provisional figure of its source (:func:`provisional_years`).
    """
    s = _annotate(scores[scores["expected"].notna()], areas, catalogue)
    s = s.assign(partial=s["partial"].fillna(False).astype(bool) if "partial" in s else False)
    out = s.groupby([*by, "year"], as_index=False).agg(observed=("count", "sum"), expected=("expected", "sum"),
                                                       periods=("period_start", "nunique"),
                                                       partial=("partial", "any"))
    out["ratio"] = np.where(out["expected"] > 0, out["observed"] / out["expected"].where(out["expected"] > 0), np.nan)
    out["provisional"] = provisional_years(out, s, by)
    return out


def provisional_years(out: pd.DataFrame, rows: pd.DataFrame, by: tuple[str, ...]):
    """Per row of ``out`` (``*by, year``): whether ``rows`` (with ``domain, year, provisional``) hold a provisional
    figure of the row's domain and year. The police mark whole months provisional, so per domain and year, as the
    open pages, never per cell: a buurt without a count in such a month (a 0, not stored) counts it too. Per year
    when ``by`` has no domain."""
    unsure = rows[rows["provisional"].eq(True)] if "provisional" in rows else rows.iloc[0:0]
    if "domain" not in by:
        return out["year"].isin(set(unsure["year"]))
    return pd.MultiIndex.from_frame(out[["domain", "year"]]).isin(
        pd.MultiIndex.from_frame(unsure[["domain", "year"]])) if len(out) and len(unsure) else False


def signal_sources(catalogue: pd.DataFrame) -> pd.Series:
    """Signal -> the source that delivers it (the catalogue's ``source``; a signal without one stands for itself)."""
    own = catalogue["signal"].astype(str)
    src = catalogue["source"].where(catalogue["source"].notna(), own) if "source" in catalogue else own
    return pd.Series(src.astype(str).to_numpy(), index=own.to_numpy())


def never_delivered(c: pd.DataFrame) -> dict[tuple[str, str], set]:
    """(source, period type) -> the period starts the source never delivered, by the scoring's rule
    (:func:`pipelines.delivered.undelivered`: a run of periods in which a municipality holds no count of the source at
    all, where its counts there make an empty run that long implausible; a sparse source's quiet periods stay
    zeros), judged per municipality (``c``: counts with ``source``, and ``gemeente_code`` when known) within the
    periods the source delivered there. A period one municipality never got counts as missing for the comparison
    as a whole: every wijk's years then count the same sources."""
    from models.calendar import index_to_start, period_index
    from pipelines.delivered import grids, undelivered
    gm = c["gemeente_code"].fillna("") if "gemeente_code" in c else pd.Series("", index=c.index)
    c = c[["source", "period", "period_start", "count"]].assign(_gm=gm.to_numpy())
    out: dict[tuple[str, str], set] = {}
    for (_, period), sub in c.groupby(["_gm", "period"]):
        sub = sub.assign(period_index=period_index(sub["period_start"], period))
        for source, idx in undelivered(sub, period, grids(sub)).items():
            out.setdefault((source, period), set()).update(index_to_start(idx, period))
    return out


def _year_periods(y: int, kind: str, end: pd.Timestamp | None = None, year: int | None = None) -> pd.Series:
    """The period starts of year ``y`` (weeks of its ISO year, or its months); with ``end``, only those in the
    part of ``y`` compared with ``year`` up to ``end`` (:func:`in_year_to_date`)."""
    if kind == "week":
        starts = pd.Series(pd.date_range(pd.Timestamp.fromisocalendar(y, 1, 1), periods=weeks_in_year(y), freq="7D"))
    else:
        starts = pd.Series(pd.date_range(pd.Timestamp(y, 1, 1), periods=12, freq="MS"))
    if end is not None:
        starts = starts[in_year_to_date(starts, pd.Series(kind, index=starts.index), end, year)]
    return starts


def held_years(c: pd.DataFrame, missing: dict[tuple[str, str], set], end: pd.Timestamp | None = None,
               year: int | None = None) -> pd.DataFrame:
    """Per domain and source of ``c`` (counts with ``domain`` and ``source``) the years it holds: every period of
    the year (with ``end``: of the part of every year up to ``year`` compared, :func:`in_year_to_date`; in
    ``year`` itself as far as the domain's latest period delivered) lies within its first and last period and is
    not one it never delivered (``missing``, :func:`never_delivered`), for every period type it has.

    Columns: ``domain, source, first, last, last_end`` (its first and last period, the end of the last),
    ``from_year`` (the first year it holds from its start), ``last_year`` (the year of its last period), ``held``
    (the set of years) and ``gaps`` ({year: True when it delivered nothing of that year('s part)} for the years
    with periods it never delivered)."""
    c = c.assign(period_start=pd.to_datetime(c["period_start"]))
    cuts: dict = {}
    if end is not None:
        now = c[(c["year"] == year).to_numpy() & in_year_to_date(c["period_start"], c["period"], end, year)]
        cuts = now.groupby(["domain", "period"])["period_start"].max().to_dict()
    rows = []
    for (domain, source), part in c.groupby(["domain", "source"]):
        held, gaps, from_year, ends = None, {}, [], []
        for kind, starts in part.groupby("period")["period_start"]:
            first, last = starts.min(), starts.max()
            delivered, gone = set(starts), missing.get((source, kind), set())
            y0 = int(period_year(pd.Series([first]), pd.Series([kind])).iloc[0])
            y1 = year if end is not None else int(period_year(pd.Series([last]), pd.Series([kind])).iloc[0])
            from_year.append(y0 if first <= year_bounds(y0, kind)[0] else y0 + 1)
            ends.append(period_end(pd.Series([last]), pd.Series([kind])).iloc[0])
            ok = set()
            for y in range(y0, y1 + 1):
                want = _year_periods(y, kind, end, year)
                if end is not None and y == year and len(want):
                    if (domain, kind) not in cuts:
                        continue                  # a period has ended that none of the domain's sources delivered
                    want = want[want <= cuts[(domain, kind)]]
                never = want.isin(gone)
                if never.any():
                    gaps[y] = gaps.get(y, True) and not want.isin(delivered).any()
                if not len(want) or (first <= want.min() and last >= want.max() and not never.any()):
                    ok.add(y)
            held = ok if held is None else held & ok
        rows.append({"domain": domain, "source": source, "first": part["period_start"].min(),
                     "last": part["period_start"].max(), "last_end": max(ends), "from_year": max(from_year),
                     "last_year": int(part["year"].max()),
                     "held": held, "gaps": gaps})
    return pd.DataFrame(rows, columns=["domain", "source", "first", "last", "last_end", "from_year", "last_year",
                                       "held", "gaps"])


def compared_sources(held: pd.DataFrame, last_year: int | None = None) -> pd.DataFrame:
    """The one rule by which every year-over-year figure (open pages, 01-trends) picks a domain's years and sources,
    so that every year shown counts the same sources: a source delivered since October would make its first year
    look like a rise, one no longer delivered (or missing for a year or a few months in between) like a fall.

    ``held`` as :func:`held_years` gives it. The years compared run to ``last_year`` (default: the latest year a
    source holds) and start at the earliest year from which a source holding that last year holds every year up
    to it; only the sources holding every one of those years are counted. Columns: those of ``held`` and
    ``counted``, ``named`` (left out while it has counts in the years compared: to be named beside the figures),
    ``began`` (its counts start after the first year compared began), ``stopped`` (it does not hold the last year
    and has no gap there), ``gaps`` (now a tuple of ``(year, nothing delivered)`` in the years compared it does not
    hold for periods it never delivered), ``years_from, years_to`` (the domain's years compared; NA when none)."""
    out = []
    for domain, part in held.groupby("domain", sort=False):
        hi = last_year if last_year is not None else max((max(h) for h in part["held"] if h), default=None)
        starts = []
        for h in part["held"]:
            if hi is not None and hi in h:
                lo = hi
                while lo - 1 in h:
                    lo -= 1
                starts.append(lo)
        lo = min(starts) if starts else None
        part = part.copy()
        years = range(lo, hi + 1) if lo is not None else range(0)
        part["counted"] = [lo is not None and all(y in h for y in years) for h in part["held"]]
        part["named"] = ~part["counted"] & ((part["last_year"] >= lo) if lo is not None else True)
        part["began"] = (part["from_year"] > (lo if lo is not None else hi)) if hi is not None else False
        part["gaps"] = [tuple((y, g[y]) for y in sorted(g) if y not in h and (lo is None or lo <= y) and
                              (hi is None or y <= hi)) for h, g in zip(part["held"], part["gaps"])]
        part["stopped"] = [hi is not None and hi not in h and hi not in dict(g) and not (b and f > hi)
                           for h, g, b, f in zip(part["held"], part["gaps"], part["began"], part["from_year"])]
        part["years_from"], part["years_to"] = lo, (hi if lo is not None else None)
        out.append(part)
    cols = [*held.columns, "counted", "named", "began", "stopped", "years_from", "years_to"]
    if not out:
        return pd.DataFrame(columns=cols)
    s = pd.concat(out, ignore_index=True)
    s["years_from"], s["years_to"] = s["years_from"].astype("Int64"), s["years_to"].astype("Int64")
    return s[cols]


def whole_year_sources(counts: pd.DataFrame, catalogue: pd.DataFrame,
                       areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per domain and source whether the yearly figures of whole years count it (:func:`compared_sources` over the
    whole years each source holds, :func:`held_years`; periods never delivered judged per municipality of
    ``areas``, its parts after a herindeling, or over all counts as one without it). One row per domain and source
    of the counts."""
    c = counts.merge(catalogue[["signal", "domain"]], on="signal")
    if areas is not None:
        # periods never delivered judged per part (a municipality before a herindeling: with_parts); a code that is
        # no buurt of ``areas`` is on no page and decides no year (the counts of a profile written over with another
        # municipality's made that one's never-delivered years "<5 ... goed nieuws")
        c = c.merge(buurt_table(areas)[["area_code", "part"]].rename(columns={"part": "gemeente_code"}),
                    on="area_code")
    c = c.assign(source=c["signal"].map(signal_sources(catalogue)), period_start=pd.to_datetime(c["period_start"]))
    c["year"] = period_year(c["period_start"], c["period"]).to_numpy()
    return compared_sources(held_years(c, never_delivered(c)) if len(c) else held_years(c, {}))


def uncovered_wijken(c: pd.DataFrame, buurten: pd.DataFrame) -> pd.DataFrame:
    """The wijken whose figures of a domain would count periods a source never delivered for them, to be left out of
    the figures (their page says so) and of their municipality's total: ``gemeente_code, domain, wijk_code, wijk``.

    ``c``: the counts the figures count (``domain``, ``source``, ``area_code``, ``count``; the years and sources
    compared); ``buurten``: :func:`buurt_table`. Per domain and source, a part (:func:`with_parts`, a municipality
    before a herindeling) with no count of it at all in those years while the source's rate in the parts it holds
    counts of, times the part's inhabitants, makes that implausible (:data:`pipelines.delivered.MISSING_EXPECTED`,
    the scoring's rule; a sparse source's quiet part stays zeros) was never delivered; a wijk none of whose buurten
    is in a part every source of the domain delivered is left out. After Hoogeveen and De Wolden merged, De Wolden's
    wijken no longer read "<5 ... goed nieuws" and the municipality's rate is Hoogeveen's counts over Hoogeveen's
    inhabitants, not over both (red team 12b F3). A home without a herindeling has one part per municipality, which
    the rule that a source delivered there already judges."""
    from pipelines.delivered import MISSING_EXPECTED

    cols = ["gemeente_code", "domain", "wijk_code", "wijk"]
    if c.empty or buurten["part"].nunique() < 2:
        return pd.DataFrame(columns=cols)
    people = buurten.groupby("part")["population"].sum()
    part_of = buurten.set_index("area_code")["part"]
    missing: dict[str, set] = {}
    for (domain, _), sub in c.groupby(["domain", "source"]):
        held = sub.groupby(sub["area_code"].map(part_of))["count"].sum()
        held = held[held > 0]
        rate = held.sum() / people.reindex(held.index).sum() if people.reindex(held.index).sum() > 0 else 0.0
        missing.setdefault(domain, set()).update(p for p in people.index.difference(held.index)
                                                 if rate * people[p] >= MISSING_EXPECTED)
    rows = []
    for domain, parts in missing.items():
        covered = buurten[~buurten["part"].isin(parts)].groupby("wijk_code").size()
        left = buurten[~buurten["wijk_code"].isin(covered.index)].drop_duplicates("wijk_code")
        rows += [(g, domain, w, n) for g, w, n in zip(left["gemeente_code"], left["wijk_code"], left["wijk"])]
    return pd.DataFrame(rows, columns=cols).sort_values(cols).reset_index(drop=True)


def year_to_date(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
                 by: tuple[str, ...] = BY_WIJK, year: int | None = None) -> pd.DataFrame:
    """Per group and year the counts of the same part of every year (``year`` up to ``end``, default
    ``end``'s year; see :func:`in_year_to_date`), per 1,000 inhabitants.

    Every year of a domain counts the same sources (:func:`comparable_part`): a source that began after the
    first year compared, has not delivered ``year`` as far as the domain's other sources (stopped, or late), or
    never delivered a period of the compared part of a year in between (a year or a few months missing), is left
    out and named in ``left_out``; years before the first year compared are left out (they would look low). A wijk
    a source never delivered for (:func:`uncovered_wijken`, after a herindeling) counts no inhabitants in a
    domain's totals, as on the open pages. A group with counts in the warehouse gets a row for every year compared,
    0 where it has none (the warehouse stores no zero counts; leaving those years out would raise the earlier years'
    mean).
    Columns: ``*by, year, count, population, rate, left_out``, ``provisional`` (the domain's part of the year
    counts a provisional figure of its source, the police's latest months; per year when ``by`` has no domain) and,
    with a domain in ``by``, ``until``: the last day of ``year`` its domain is compared up to (the end of its last
    period delivered, :func:`delivered_until`).
    """
    year = end.year if year is None else year
    c, notes = _compared(counts, areas, catalogue, end, year)
    part = _delivered_part(c[in_year_to_date(c["period_start"], c["period"], end, year)], year)
    weeks = _weeks_to_date(end, year)          # 53 once a 53-week year is over: per 52 weeks, as the open pages
    if weeks > 52:
        long = (part["period"] == "week") & (part["year"].map(weeks_in_year) > 52)
        part = part.assign(count=part["count"].where(~long, part["count"] * 52 / 53))
    out = _zero_filled(part.groupby([*by, "year"], as_index=False)["count"].sum(), c, by)
    out["provisional"] = provisional_years(out, part, by)
    if "domain" in by:              # the last day compared: before ``end`` where a source stopped or is late
        this = part[part["year"] == year]
        until = period_end(this["period_start"], this["period"]).groupby(this["domain"]).max()
        # an empty mapper is cast to float by pandas and fails on dates: nothing of the year delivered yet
        out["until"] = out["domain"].map(until) if len(until) else pd.Series(pd.NaT, index=out.index)
    keys = [b for b in by if b in AREA_KEYS]
    buurten = buurt_table(areas)
    left = uncovered_wijken(c, buurten)
    if len(left) and "domain" in by:       # the open pages' rule: a wijk never delivered for is no part of a total
        per_domain = pd.concat([buurten[~buurten["wijk_code"].isin(left.loc[left["domain"] == d, "wijk_code"])]
                                .assign(domain=d) for d in out["domain"].unique()], ignore_index=True)
        out = out.merge(per_domain.groupby([*keys, "domain"], as_index=False)["population"].sum(),
                        on=[*keys, "domain"], how="left")
    elif keys:
        out = out.merge(buurten.groupby(keys, as_index=False)["population"].sum(), on=keys, how="left")
    else:
        out["population"] = buurten["population"].sum()
    out["rate"] = out["count"] / out["population"].where(out["population"] > 0) * 1000
    if "domain" in by:
        out["left_out"] = [notes.get(d, "") for d in out["domain"]]
    else:
        out["left_out"] = "; ".join(f"{domain_label(d)}: {n}" for d, n in sorted(notes.items()) if n)
    return out


def _compared(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
              year: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """The annotated counts :func:`year_to_date` compares (up to ``year``, the sources of :func:`comparable_part`)
    and its notes on the sources left out."""
    c = _annotate(counts, areas, catalogue)
    c = c[(c["year"] <= year).to_numpy()].assign(source=lambda f: f["signal"].map(signal_sources(catalogue)))
    # a period type none of whose periods of the year has ended (a month in the first weeks of January) has an
    # empty part in every year: left out, not compared as 0 against 0 over years its source never covered
    c = c[~c["period"].isin(_not_ended(c["period"], end, year))]
    return comparable_part(c, end, year)


def delivered_until(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
                    year: int) -> str:
    """The Dutch sentence on the domains :func:`year_to_date` compares up to an earlier period than ``end`` ('' when
    none): their sources delivered ``year`` only so far (stopped, or a month not in yet), so every year is compared
    up to the last period delivered (:func:`_delivered_part`), not up to the header's day."""
    c, _ = _compared(counts, areas, catalogue, end, year)
    part = c[in_year_to_date(c["period_start"], c["period"], end, year)]
    this = part[part["year"] == year]
    if this.empty:
        return ""
    last = this.assign(period_start=pd.to_datetime(this["period_start"])).groupby(["domain", "period"])["period_start"].max()
    parts = []
    for (domain, kind), until in sorted(last.items()):
        ended = _year_periods(year, kind, end, year)
        if len(ended) and until < ended.max():
            parts.append(f"{domain_label(domain)} tot en met {period_text(until, kind)}")
    if not parts:
        return ""
    return (f"Van {year} zijn nog niet alle cijfers geleverd: {', '.join(parts)}. Elk jaar is daarom tot en met "
            "die periode vergeleken, niet tot de datum hierboven.")


def not_compared(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
                 year: int) -> str:
    """The Dutch sentence for the domains :func:`year_to_date` leaves out because none of their sources holds the
    compared part of every year (:func:`comparable_part`: stopped, late, begun this year, a gap of weeks or months)
    ('' when none), naming the sources and why: its notes are otherwise shown beside the domain's rows only, and a
    domain without rows went from the page without a word."""
    c, notes = _compared(counts, areas, catalogue, end, year)
    gone = [d for d in DOMAINS if notes.get(d) and d not in set(c["domain"])]
    return " ".join(f"{domain_label(d)[:1].upper()}{domain_label(d)[1:]} staat hier niet in: {notes[d]} tellen we "
                    "niet mee, want elk jaar telt dezelfde bronnen." for d in gone)


def _not_ended(period: pd.Series, end: pd.Timestamp, year: int) -> set[str]:
    """The period types of ``period`` without any period of ``year`` ended by ``end`` (:func:`in_year_to_date`)."""
    return {kind for kind in pd.Series(period).unique() if not len(_year_periods(year, kind, end, year))}


def not_yet_compared(counts: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp, year: int) -> str:
    """The Dutch sentence for the domains :func:`year_to_date` leaves out because no period of theirs in ``year``
    has ended by ``end`` ('' when none): in the first weeks of January no month has (red team 12a F4)."""
    c = counts[["signal", "period"]].drop_duplicates().merge(catalogue[["signal", "domain"]], on="signal")
    empty = _not_ended(c["period"], end, year)
    waiting = [d for d in DOMAINS if d in set(c["domain"]) and set(c.loc[c["domain"] == d, "period"]) <= empty]
    if not waiting:
        return ""
    names = " en ".join(domain_label(d) for d in waiting)
    verb = "staat" if len(waiting) == 1 else "staan"
    return f"{names[:1].upper()}{names[1:]} {verb} hier nog niet in: nog geen maand van {year} afgelopen."


def per_52_weeks_sentence(ytd: pd.DataFrame, counts: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
                          year: int) -> str:
    """The Dutch sentence under :func:`year_to_date`'s chart and table once a year of 53 ISO weeks is over ('' before,
    and in a year of 52): its weekly domains' counts stand there per 52 weeks, as a rate on the open pages, and so
    does every earlier year of 53 weeks compared. The table's `aantal 2026` read 1257,8 for De Weide's 1282 meldingen
    of 2026-W01 to 2026-W53 without a word, beside the year plan's and the open page's 1282."""
    if _weeks_to_date(end, year) <= 52 or ytd.empty:
        return ""
    weekly = set(counts.loc[counts["period"] == "week", "signal"])
    domains = [d for d in DOMAINS if d in set(catalogue.loc[catalogue["signal"].isin(weekly), "domain"])
               and d in set(ytd.get("domain", pd.Series(DOMAINS)))]
    long = sorted(int(y) for y in ytd["year"].unique() if weeks_in_year(int(y)) > 52 and int(y) <= year)
    if not domains or not long:
        return ""
    years = f"{', '.join(map(str, long[:-1]))} en {long[-1]}" if len(long) > 1 else str(long[0])
    names = " en ".join(domain_label(d) for d in domains)
    have = "heeft" if len(long) == 1 else "hebben"
    return (f"{years} {have} 53 weken: de aantallen van {names} staan hier omgerekend naar 52 weken "
            f"(aantal × 52 / 53), ook per 1.000 inwoners, zodat {'dat jaar' if len(long) == 1 else 'die jaren'} met "
            f"de jaren van 52 weken te vergelijken {'is' if len(long) == 1 else 'zijn'}. Het werkelijke aantal is "
            "53 / 52 keer zo groot, zoals het jaarplan en de open pagina's het tellen.")


def comparable_part(c: pd.DataFrame, end: pd.Timestamp, year: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """``c`` (annotated counts up to ``year`` with their ``source``) kept to the years compared and the sources
    holding the compared part of every one of them (:func:`compared_sources`, the rule of the open pages too, over
    :func:`held_years` up to ``end``), and per domain the sources left out as text
    (``schulden (pas sinds 10-2025)``, ``schulden (niet geleverd in 2024)``, see :func:`left_out_reason`)."""
    if c.empty:
        return c, {}
    s = compared_sources(held_years(c, never_delivered(c), end, year), year)
    counted = pd.MultiIndex.from_frame(c[["domain", "source"]]).isin(
        pd.MultiIndex.from_frame(s.loc[s["counted"], ["domain", "source"]]))
    first_year = s.drop_duplicates("domain").set_index("domain")["years_from"].astype("float")
    kept = c[counted & (c["year"] >= c["domain"].map(first_year)).to_numpy()]
    notes: dict[str, str] = {}
    for row in s[s["named"]].itertuples(index=False):
        notes[row.domain] = "; ".join(filter(None, [notes.get(row.domain), f"{row.source} ({left_out_reason(row)})"]))
    return kept, notes


def left_out_reason(row) -> str:
    """Why a source is left out (a row of :func:`compared_sources`), short, for the trends table:
    ``pas sinds 10-2025``, ``niet geleverd in 2024``, ``niet heel 2024 geleverd``, ``geleverd t/m 06-2024``."""
    whole = [str(y) for y, nothing in row.gaps if nothing]
    some = [str(y) for y, nothing in row.gaps if not nothing]
    why = ([f"pas sinds {pd.Timestamp(row.first):%m-%Y}"] if row.began else []) + (
        [f"niet geleverd in {', '.join(whole)}"] if whole else []) + (
        [f"niet heel {', '.join(some)} geleverd"] if some else []) + (
        [f"geleverd t/m {pd.Timestamp(row.last):%m-%Y}"] if row.stopped else [])
    return ", ".join(why) or "niet in alle jaren geleverd"


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
    Columns: ``*by, this_year, earlier_mean, earlier_years, change`` (``change`` = relative, 0.25 = +25 %),
    ``left_out`` (the sources not compared, :func:`comparable_part`) and ``provisional`` (this year's count holds a
    provisional figure) when ``ytd`` has them.
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
    if "provisional" in ytd:
        unsure = ytd[(ytd["year"] == year) & ytd["provisional"].eq(True)]
        out["provisional"] = (pd.MultiIndex.from_frame(out[list(by)]).isin(pd.MultiIndex.from_frame(unsure[list(by)]))
                              if len(out) and len(unsure) else False)
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


def _recent_window(end: pd.Timestamp, weeks: int) -> tuple[pd.Timestamp, list[pd.Period]]:
    """The start (exclusive) of the last ``weeks`` weeks up to ``end`` and the months that ended in them."""
    lo = end - pd.Timedelta(weeks=weeks)
    months = [m for m in pd.period_range(lo.to_period("M"), end.to_period("M"), freq="M")
              if m.start_time > lo and m.end_time.normalize() <= end]
    return lo, months


def recent_gaps(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
                weeks: int = 13) -> dict[tuple[str, str], list[pd.Timestamp]]:
    """(source, period type) -> the periods of :func:`rising_series`' recent window (the last ``weeks`` weeks up to
    ``end``; months: those that ended in them) the source never delivered: by the scoring's rule
    (:func:`never_delivered`), or after its last delivered period (stopped, or late). Summed as they are, four weeks
    never delivered made the recent column nine weeks against thirteen of the earlier years, hiding a rise."""
    if counts.empty:
        return {}
    c = counts.assign(period_start=pd.to_datetime(counts["period_start"]),
                      source=counts["signal"].map(signal_sources(catalogue)).fillna(counts["signal"]),
                      gemeente_code=counts["area_code"].map(buurt_table(areas).set_index("area_code")["gemeente_code"]))
    gone = never_delivered(c)
    last = c.groupby(["source", "period"])["period_start"].max()
    lo, months = _recent_window(end, weeks)
    window = {"week": [d for d in pd.date_range(lo + pd.Timedelta(days=1), end, freq="W-MON")
                       if d + pd.Timedelta(days=6) <= end],
              "month": [m.start_time for m in months]}
    out = {}
    for (source, kind), newest in last.items():
        missing = [d for d in window.get(kind, []) if d in gone.get((source, kind), set()) or d > newest]
        if missing:
            out[(source, kind)] = missing
    return out


def recent_gaps_sentence(gaps: dict[tuple[str, str], list[pd.Timestamp]], weeks: int = 13) -> str:
    """The Dutch sentence under the rising series on :func:`recent_gaps` ('' when none)."""
    from pipelines.wording import SOURCE_NOUN, periods_text

    if not gaps:
        return ""
    parts = [f"{SOURCE_NOUN['nl'].get(source, source)} van {periods_text(starts, kind)}"
             for (source, kind), starts in sorted(gaps.items())]
    return (f"Niet geleverd in de laatste {weeks} weken: {', '.join(parts)}. Die weken en maanden tellen in geen "
            "enkel jaar mee, zodat elk jaar dezelfde periodes telt.")


def rising_series(counts: pd.DataFrame, areas: pd.DataFrame, catalogue: pd.DataFrame, end: pd.Timestamp,
                  weeks: int = 13, years_back: int = 3, min_recent: int = 5, top: int | None = 15) -> pd.DataFrame:
    """The buurt x signal series rising most: the last ``weeks`` weeks against the same weeks of earlier years
    (52, 104, ... weeks back).

    A period counts when it lies wholly in the window (monthly signals: the months that ended in it, and in an earlier
    year the same calendar months). An earlier
    year counts for a series only when its signal was delivered from that year's window on (``years``: how many
    did); a series without any such year has nothing to rise from and is left out.
    A period of the recent window its source never delivered (:func:`recent_gaps`) counts in no year: every year
    sums the same weeks and months.
    ``z = (recent - baseline) / sqrt(baseline + 1)`` ranks the rise (a Poisson-like scale, so a rise
    from 1 to 6 does not outrank one from 40 to 80); series with fewer than ``min_recent`` counts are left out.
    Columns: ``area_code, name, wijk, kind, wijkteam, signal, label_nl, domain, recent, baseline, years, ratio, z``,
    ``provisional`` (``recent`` holds a provisional month of the signal's source, the police's latest months).
    """
    c = counts.assign(period_start=pd.to_datetime(counts["period_start"]))
    c = c.assign(period_end=period_end(c["period_start"], c["period"]))
    # an earlier window counts for a signal only when the signal was delivered then: the years before a source
    # began are not years of 0 (a source delivered since June would otherwise top the table, risen from nothing)
    first = c.groupby("signal")["period_start"].min()
    # a monthly signal's earlier windows hold the recent window's calendar months of that year: 52 weeks back drift a
    # day a year, and a window then held other months, or three against two (red team 7c F2)
    _, months = _recent_window(end, weeks)
    gaps = recent_gaps(counts, areas, catalogue, end, weeks)
    source = c["signal"].map(signal_sources(catalogue)).fillna(c["signal"])
    windows, los = [], {}
    for k in range(0, years_back + 1):
        hi = end - pd.Timedelta(weeks=52 * k)          # whole weeks back, so a window holds the same number of weeks
        lo = hi - pd.Timedelta(weeks=weeks)
        if k and lo < first.min():
            continue
        los[k] = lo
        starts = [(m - 12 * k).start_time for m in months]
        part = c[((c["period"] != "month") & (c["period_start"] > lo) & (c["period_end"] <= hi))
                 | ((c["period"] == "month") & c["period_start"].isin(starts))]
        for (src, kind), missing in gaps.items():      # the recent periods never delivered, in this year too
            back = ([d - pd.Timedelta(weeks=52 * k) for d in missing] if kind == "week" else
                    [d - pd.DateOffset(months=12 * k) for d in missing])
            part = part[~((source[part.index] == src) & (part["period"] == kind) & part["period_start"].isin(back))]
        windows.append(part.groupby(["area_code", "signal"])["count"].sum().rename(k))
        if k == 0:      # per signal, never per cell: the police mark whole months, a buurt's 0 (not stored) too
            unsure = set(part.loc[part["provisional"].eq(True), "signal"]) if "provisional" in part else set()
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
    out["provisional"] = out["signal"].isin(unsure)
    cols = ["area_code", "name", "wijk", "kind", "wijkteam", "signal", "label_nl", "domain", "recent", "baseline",
            "years", "ratio", "z", "provisional"]
    return (out.head(top) if top else out)[cols]


def no_rising_sentence(counts: pd.DataFrame, end: pd.Timestamp, weeks: int = 13, min_recent: int = 5) -> str:
    """Why :func:`rising_series` is empty, in Dutch: no earlier year's same weeks to compare with yet (a
    municipality's first year), or no series with ``min_recent`` counts in the recent weeks. Two empty tables said
    nothing."""
    first = pd.to_datetime(counts["period_start"]).min() if len(counts) else None
    if first is None or first > end - pd.Timedelta(weeks=52 + weeks):
        return (f"Nog geen reeksen om te vergelijken: de laatste {weeks} weken worden vergeleken met dezelfde weken van "
                "eerdere jaren, en die cijfers zijn er nog niet.")
    return f"Geen reeks met {min_recent} of meer meldingen of signalen in de laatste {weeks} weken."


def rising_table(rising: pd.DataFrame) -> pd.DataFrame:
    """:func:`rising_series` for reading: ``recent`` with `` (voorlopig)`` where it holds a provisional police month."""
    out = rising[["name", "wijk", "label_nl", "recent", "baseline", "ratio", "z"]]
    if "provisional" in rising and rising["provisional"].any():
        out = out.assign(recent=_marked(out["recent"], rising["provisional"]))
    return out


def domain_label(domain: str) -> str:
    return DOMAIN_NL.get(domain, domain)


def ratio_table(oe: pd.DataFrame, year: int) -> pd.DataFrame:
    """Observed / expected of ``year`` as a table: one row per wijk (town first, then dorpen), a column per domain."""
    part = oe[oe["year"] == year]
    table = part.pivot_table(index=["kind", "wijk", "wijk_code"], columns="domain", values="ratio")
    table = table.reindex(columns=DOMAINS).dropna(axis=1, how="all")
    if "provisional" in part and part["provisional"].any():    # "1,25 (voorlopig)": the year holds a provisional month
        unsure = part.pivot_table(index=["kind", "wijk", "wijk_code"], columns="domain", values="provisional",
                                  aggfunc="any").reindex_like(table).eq(True)
        for d in table.columns[unsure.any().to_numpy()]:
            table[d] = _marked(table[d], unsure[d], digits=2)     # as the notebook shows the ratios
    table.columns = [DOMAIN_NL[d] for d in table.columns]
    table = table.reset_index().sort_values(["kind", "wijk", "wijk_code"], key=lambda s: s.map(_KIND_ORDER).fillna(s)
                                            if s.name == "kind" else s)
    return table.drop(columns="wijk_code").reset_index(drop=True)


_KIND_ORDER = {"stadswijk": "0", "dorp": "1", "bedrijventerrein": "2"}


def _marked(values: pd.Series, unsure: pd.Series, digits: int | None = None) -> list[str]:
    """``values`` as text, as render.table shows numbers (``digits``: 1 for floats, 0 else, unless given), with
    `` (voorlopig)`` after a value where ``unsure``: it holds a provisional figure of the police."""
    digits = (1 if pd.api.types.is_float_dtype(values) else 0) if digits is None else digits
    shown = ["" if pd.isna(v) else f"{v:.{digits}f}".replace(".", ",") for v in values]
    return [f"{v} (voorlopig)" if u else v for v, u in zip(shown, unsure)]


def change_table(change: pd.DataFrame, year: int) -> pd.DataFrame:
    """:func:`this_year_vs_earlier` per wijk for reading: Dutch domain names, the change in whole percents,
    town first, then dorpen; the sources a domain's years leave out under ``niet meegeteld`` (when any)."""
    out = change.assign(domain=change["domain"].map(DOMAIN_NL),
                        change=(change["change"] * 100).round().map(lambda v: "" if pd.isna(v) else f"{v:+.0f} %"))
    if "left_out" in out and not (out["left_out"] != "").any():
        out = out.drop(columns="left_out")
    if "provisional" in out:            # "14 (voorlopig)": this year's count holds a provisional police month
        unsure = out.pop("provisional").eq(True)
        if unsure.any():
            out["this_year"] = _marked(out["this_year"], unsure)
    out = out.sort_values(["kind", "wijk", "wijk_code", "domain"],
                          key=lambda s: s.map(_KIND_ORDER) if s.name == "kind" else s).drop(columns="wijk_code")
    # counts, not the rates per 1,000 inhabitants of the chart above it: the headers say so
    return out.rename(columns={"kind": "soort", "domain": "domein", "this_year": f"aantal {year}",
                               "earlier_mean": "aantal eerdere jaren (gem.)", "earlier_years": "jaren",
                               "change": "verschil", "left_out": "niet meegeteld"}).reset_index(drop=True)
