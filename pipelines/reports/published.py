"""What the open pages published before, and how a later build keeps a change of division from telling more.

Each build is safe on its own (:func:`openpages.disclose`), but a reader who keeps two builds can intersect what
they say about two wijken whose buurten changed in between: Oosterend 10 -> 5 beside Lies 10 -> 10 pins the moved
buurt to 1-4 (red team 5b F2; 4b F6 for a wijk under 50 inhabitants). So every year of a municipality and domain
is published under one division only, the first it was published under: while the division is the same, a build
prints that year afresh (late rows and corrections show, as always); under another division it prints only what
it printed before about the same buurten (frozen), and nothing for a wijk whose buurten changed. Pure: frames in,
frames out; :mod:`pipelines.reports.build` reads and writes the record (``<home>/reports/open_gepubliceerd.parquet``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.reports.trends import buurt_table

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
    b = buurt_table(areas)
    joined = lambda codes: " ".join(sorted(map(str, codes)))  # noqa: E731
    wijken = b.groupby("wijk_code")["area_code"].agg(joined)
    gemeenten = b.groupby("gemeente_code")["area_code"].agg(joined)
    return pd.concat([wijken, gemeenten]).rename("buurten").rename_axis("wijk_code").reset_index()


def record_of(rates: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """What a build prints (``rates`` through :func:`openpages.disclose`), as :data:`RECORD_COLUMNS`."""
    r = rates.merge(division(areas), on="wijk_code", how="left")
    r["kind"] = np.where(r["kind"] == "gemeente", "gemeente", "wijk")
    r["sources"] = [" ".join(map(str, s)) if isinstance(s, (tuple, list)) else "" for s in
                    (r["sources"] if "sources" in r else [()] * len(r))]
    r["year"] = r["year"].astype(int)
    return r[RECORD_COLUMNS].sort_values(KEY + ["kind", "wijk_code"]).reset_index(drop=True)


def _signatures(record: pd.DataFrame) -> dict[tuple, frozenset]:
    """Per municipality, domain and year: the set of its wijken's buurten (the division it was printed under)."""
    wijken = record[record["kind"] != "gemeente"]
    return {tuple(k): frozenset(part["buurten"]) for k, part in wijken.groupby(KEY)}


def across_builds(rates: pd.DataFrame, areas: pd.DataFrame, published: pd.DataFrame | None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells to print given what earlier builds printed, and the record to keep for the next build.

    ``rates``: this build's cells (:func:`openpages.disclose`); ``published``: the record of earlier builds
    (:data:`RECORD_COLUMNS`, empty or None at the first). Per municipality, domain and year:

    - never printed: printed as ``rates`` has it, and recorded;
    - printed before under the same division (every wijk the same buurten; codes may differ): printed as ``rates``
      has it, and the record of that year replaced (today's behaviour: late rows and corrections show);
    - printed before under another division: each area (wijk or municipality) whose buurten the record holds with
      the same sources is printed as recorded (frozen), every other ``verborgen`` without a rate (``regrouped``);
      the record stays as it was.

    So every printed figure of a year is about an area of the one division the year was first printed under, and
    what a reader of all builds knows of a year is what builds of that division told: a moved buurt is never an
    area of it, and a wijk that is protected in those builds stays so. Whether an area is frozen or hidden depends
    on the divisions and the record only, never on a count. Adds ``frozen`` (printed as recorded) and ``regrouped``
    (hidden: the area was not printed under the year's division) to the rows returned.
    """
    record = empty_record() if published is None else published
    now = record_of(rates, areas)
    before, current = _signatures(record), _signatures(now)
    changed = {k for k in current if k in before and before[k] != current[k]}
    out = rates.copy()
    out["regrouped"], out["frozen"] = False, False
    if changed:
        printed = {(g, d, int(y), k, b): row for g, d, y, k, b, row in
                   zip(record["gemeente_code"], record["domain"], record["year"], record["kind"], record["buurten"],
                       record.itertuples(index=False))}
        buurten = out["wijk_code"].map(division(areas).set_index("wijk_code")["buurten"])
        sources = out["sources"] if "sources" in out else pd.Series([()] * len(out), index=out.index)
        for i in out.index:
            g, d, y = out.at[i, "gemeente_code"], out.at[i, "domain"], int(out.at[i, "year"])
            if (g, d, y) not in changed:
                continue
            kind = "gemeente" if out.at[i, "kind"] == "gemeente" else "wijk"
            old = printed.get((g, d, y, kind, buurten[i]))
            if old is not None and old.sources == " ".join(map(str, sources[i] or ())):
                out.at[i, "count_shown"], out.at[i, "rate_text"] = old.count_shown, old.rate_text
                out.at[i, "rate_shown"] = float(old.rate_shown) if pd.notna(old.rate_shown) else np.nan
                out.at[i, "hidden"], out.at[i, "frozen"] = pd.isna(old.rate_shown), True
            else:
                out.at[i, "count_shown"], out.at[i, "rate_text"], out.at[i, "rate_shown"] = "verborgen", "-", np.nan
                out.at[i, "hidden"], out.at[i, "regrouped"] = True, True
    cell = [(g, d, int(y)) for g, d, y in zip(record["gemeente_code"], record["domain"], record["year"])]
    keep = [k not in current or k in changed for k in cell]
    fresh = now[[(g, d, int(y)) not in changed for g, d, y in zip(now["gemeente_code"], now["domain"], now["year"])]]
    kept = record[keep] if len(record) else record
    new_record = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
    return out, new_record.sort_values(KEY + ["kind", "wijk_code"]).reset_index(drop=True)[RECORD_COLUMNS]
