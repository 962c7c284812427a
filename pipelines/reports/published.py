"""What the open pages published before, and how a later build keeps a change of division from telling more.

Each build is safe on its own (:func:`openpages.disclose`), but a reader who keeps two builds can intersect what
they say about two wijken whose buurten changed in between: Oosterend 10 -> 5 beside Lies 10 -> 10 pins the moved
buurt to 1-4 (red team 5b F2; 4b F6 for a wijk under 50 inhabitants). So every year of a municipality and domain
is published under one division only, the first it was published under: while the division is the same, a build
prints that year afresh (late rows and corrections show, as always); under another division it prints only what
it printed before about the same buurten (frozen), and nothing for a wijk whose buurten changed. The record is
read by buurten under today's codes (the sync's moves and ``buurtcode_wijzigingen.csv``), so a herindeling's new
municipality code is a change of division for the years printed before, not a new area (red team 12b F2). Pure:
frames in, frames out; :mod:`pipelines.reports.build` reads and writes the record
(``<home>/reports/open_gepubliceerd.parquet``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


#: One row per municipality, domain, year and printed area (a wijk, or the municipality: ``kind`` ``gemeente``):
#: its buurten (codes, sorted, space-separated), the sources counted and what the page printed.
RECORD_COLUMNS = ["gemeente_code", "domain", "year", "kind", "wijk_code", "buurten", "sources", "count_shown",
                  "rate_shown", "rate_text"]
KEY = ["gemeente_code", "domain", "year"]


def empty_record() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float" if c == "rate_shown" else "int" if c == "year" else "object")
                         for c in RECORD_COLUMNS})


def division(areas: pd.DataFrame) -> pd.DataFrame:
    """Per wijk and per municipality (``wijk_code`` = its code): ``wijk_code, buurten`` (codes, sorted)."""
    # the buurt rows' codes only: the shown names of trends.buurt_table cost a reader of many builds most of its time
    b = areas.loc[areas["level"] == "buurt", ["area_code", "wijk_code"]].copy()
    b["gemeente_code"] = areas["gemeente_code"] if "gemeente_code" in areas else ""
    joined = lambda codes: " ".join(sorted(map(str, codes)))  # noqa: E731
    wijken = b.groupby("wijk_code")["area_code"].agg(joined)
    gemeenten = b.groupby("gemeente_code")["area_code"].agg(joined)
    return pd.concat([wijken, gemeenten]).rename("buurten").rename_axis("wijk_code").reset_index()


def _area_buurten(rates: pd.DataFrame, areas: pd.DataFrame) -> pd.Series:
    """Per row of ``rates``, the buurten its figure is about (codes, sorted, space-separated): a wijk's own, a
    municipality's those of its wijken in ``rates`` for the same domain and year (a wijk left out of the figures,
    :func:`openpages.uncovered`, is no part of the municipality's)."""
    per_wijk = division(areas).set_index("wijk_code")["buurten"]
    out = rates["wijk_code"].map(per_wijk)
    wijk = rates["kind"] != "gemeente"
    union = {tuple(k): " ".join(sorted(c for b in part for c in str(b).split()))
             for k, part in out[wijk].groupby([rates.loc[wijk, c] for c in KEY])}
    for i in rates.index[~wijk]:
        key = (rates.at[i, "gemeente_code"], rates.at[i, "domain"], rates.at[i, "year"])
        out.at[i] = union.get(key, out.at[i])
    return out


def record_of(rates: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """What a build prints (``rates`` through :func:`openpages.disclose`), as :data:`RECORD_COLUMNS`."""
    r = rates.assign(buurten=_area_buurten(rates, areas))
    r["kind"] = np.where(r["kind"] == "gemeente", "gemeente", "wijk")
    r["sources"] = [" ".join(map(str, s)) if isinstance(s, (tuple, list)) else "" for s in
                    (r["sources"] if "sources" in r else [()] * len(r))]
    r["year"] = r["year"].astype(int)
    return r[RECORD_COLUMNS].sort_values(KEY + ["kind", "wijk_code"]).reset_index(drop=True)


def _signatures(record: pd.DataFrame) -> dict[tuple, frozenset]:
    """Per municipality, domain and year: the set of its wijken's buurten (the division it was printed under)."""
    wijken = record[record["kind"] != "gemeente"]
    return {tuple(k): frozenset(part["buurten"]) for k, part in wijken.groupby(KEY)}


def today_codes(record: pd.DataFrame, moves: pd.DataFrame | None) -> pd.Series:
    """The ``buurten`` of ``record`` under today's codes: each code mapped to its buurt (``moves``: ``old_code,
    new_code``, what the sync moved and the profile's ``buurtcode_wijzigingen.csv``), so a renumbering or a
    herindeling (BU01185000 -> BU19995000) does not make a year printed before look never printed; old codes
    merged into one buurt become that buurt once. A split buurt's old code maps to nothing and stays."""
    if moves is None or moves.empty:
        return record["buurten"]
    step = dict(zip(moves["old_code"].astype(str), moves["new_code"].astype(str)))

    def buurt(code: str) -> str:
        seen = {code}
        while code in step and step[code] not in seen:    # a later division mapped the buurt on again
            code = step[code]
            seen.add(code)
        return code

    return record["buurten"].map(lambda b: " ".join(sorted({buurt(c) for c in str(b).split()})))


def across_builds(rates: pd.DataFrame, areas: pd.DataFrame, published: pd.DataFrame | None,
                  moves: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells to print given what earlier builds printed, and the record to keep for the next build.

    ``rates``: this build's cells (:func:`openpages.disclose`); ``published``: the record of earlier builds
    (:data:`RECORD_COLUMNS`, empty or None at the first), read under today's codes (:func:`today_codes`,
    ``moves``). Per municipality, domain and year, the year's record is that of every municipality printed before
    that shares a buurt with it (after a herindeling: the municipalities it was formed of):

    - never printed: printed as ``rates`` has it, and recorded;
    - printed before under the same division (every wijk the same buurten; codes may differ): printed as ``rates``
      has it, and the record of that year replaced (today's behaviour: late rows and corrections show);
    - printed before under another division: each area (wijk or municipality) whose buurten the record holds with
      the same sources is printed as recorded (frozen), every other ``verborgen`` without a rate (``regrouped``);
      the record stays as it was.

    So every printed figure of a year is about an area of the one division the year was first printed under, and
    what a reader of all builds knows of a year is what builds of that division told: a moved buurt is never an
    area of it, and a wijk that is protected in those builds stays so; a new municipality code does not make a year
    new (red team 12b F2: after a herindeling Wijk 50's 2022 was printed again without Zuid, 2.025 -> 1.625).
    Whether an area is frozen or hidden depends on the divisions and the record only, never on a count. Adds
    ``frozen`` (printed as recorded) and ``regrouped`` (hidden: the area was not printed under the year's division)
    to the rows returned.
    """
    record = empty_record() if published is None else published
    seen = record.assign(buurten=today_codes(record, moves))
    now = record_of(rates, areas)
    before, current = _signatures(seen), _signatures(now)
    # the municipalities printed before whose buurten each of today's shares, per domain and year
    gm_seen, gm_now = seen[seen["kind"] == "gemeente"], now[now["kind"] == "gemeente"]
    printed_gm = {(g, d, int(y)): set(b.split()) for g, d, y, b in
                  zip(gm_seen["gemeente_code"], gm_seen["domain"], gm_seen["year"], gm_seen["buurten"])}
    earlier = {(g, d, int(y)): {k for k, held in printed_gm.items() if k[1:] == (d, int(y)) and held & set(b.split())}
               for g, d, y, b in zip(gm_now["gemeente_code"], gm_now["domain"], gm_now["year"], gm_now["buurten"])}
    signature = lambda keys: frozenset().union(*(before.get(k, frozenset()) for k in keys))  # noqa: E731
    changed = {k for k in current if earlier.get(k) and signature(earlier[k]) != current[k]}
    replaced = {r for k in current if k not in changed for r in earlier.get(k, ())}
    out = rates.copy()
    out["regrouped"], out["frozen"] = False, False
    if changed:
        printed = {(d, int(y), k, b): row for d, y, k, b, row in
                   zip(seen["domain"], seen["year"], seen["kind"], seen["buurten"], record.itertuples(index=False))}
        buurten = _area_buurten(out, areas)
        sources = out["sources"] if "sources" in out else pd.Series([()] * len(out), index=out.index)
        for i in out.index:
            g, d, y = out.at[i, "gemeente_code"], out.at[i, "domain"], int(out.at[i, "year"])
            if (g, d, y) not in changed:
                continue
            kind = "gemeente" if out.at[i, "kind"] == "gemeente" else "wijk"
            old = printed.get((d, y, kind, buurten[i]))
            if old is not None and old.sources == " ".join(map(str, sources[i] or ())):
                out.at[i, "count_shown"], out.at[i, "rate_text"] = old.count_shown, old.rate_text
                out.at[i, "rate_shown"] = float(old.rate_shown) if pd.notna(old.rate_shown) else np.nan
                out.at[i, "hidden"], out.at[i, "frozen"] = pd.isna(old.rate_shown), True
            else:
                out.at[i, "count_shown"], out.at[i, "rate_text"], out.at[i, "rate_shown"] = "verborgen", "-", np.nan
                out.at[i, "hidden"], out.at[i, "regrouped"] = True, True
    cell = [(g, d, int(y)) for g, d, y in zip(record["gemeente_code"], record["domain"], record["year"])]
    keep = [k not in replaced for k in cell]
    # a boolean Series, not a list: an empty list (no complete year yet, a new municipality) selects no columns
    fresh = now[pd.Series([(g, d, int(y)) not in changed for g, d, y in
                           zip(now["gemeente_code"], now["domain"], now["year"])], index=now.index, dtype=bool)]
    kept = record[keep] if len(record) else record
    new_record = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
    return out, new_record.sort_values(KEY + ["kind", "wijk_code"]).reset_index(drop=True)[RECORD_COLUMNS]
