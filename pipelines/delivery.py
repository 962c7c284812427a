"""Delivery semantics: how a load changes the counts, so that no delivery loses or double-counts data.

- **Record sources** (resident reports) keep a ledger of report keys. A report seen again replaces its
  earlier version and is never counted twice; counts are derived from the ledger. Nothing is retracted
  unless a delivery is declared a full export of a window; then the reports dated inside it, of the
  municipalities whose buurten occur in the file, whose key is in no row of it (valid or quarantined), are.
- **Aggregate sources** keep cells at their own grain (buurt, signal, part such as the creditor, period).
  A delivery replaces exactly the cells it holds, never a range between them. A cell it holds without a
  usable count (suppressed ``<5``, not a number, repeated) is kept as unknown: unless an earlier delivery
  holds its count, a signal summed over parts gets no count for that buurt and period until a delivery or
  correction brings it (the sum of the other parts would be an undercount).
- **Safety valve**: a load that lowers a source's total for any period by more than a set share, or
  removes a period, is held (nothing applied) until an analyst accepts it; totals are compared per
  municipality, so in a region's home one municipality's loss is not hidden by the others.
- **Old files found late**: a delivery whose file is older than the delivery holding cells or reports it
  would change is held likewise (the last load wins, so an old export must not win unnoticed).
- **Quarantine state**: a quarantined row is open until a later load brings a valid row with the same
  key (resolved) or quarantines the same key again (superseded), or an analyst dismisses it.

The writes themselves are named in ``pipelines.catalog.counts`` (ledger, cells, counts) and
``pipelines.catalog.loads`` (held loads); they run inside the caller's transaction; nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb
import pandas as pd

from pipelines import catalog
from pipelines.catalog.counts import CELL_KEYS
QUARANTINE_REF = r"[a-z][a-z-]*-[0-9a-f]{12}:\d+"


class LoadHeld(RuntimeError):
    """The safety valve stopped a load; nothing of it was applied. ``file_names``: the names of other loads the
    message names, as ``meta.loads`` keeps them (already shown by the file-name rule, ``privacy.shown_file_name``)."""

    def __init__(self, message: str, file_names: tuple[str, ...] = ()):
        super().__init__(message)
        self.file_names = tuple(file_names)


@dataclass(frozen=True)
class LoadSettings:
    """Ingest settings; defaults here, overridden per municipality in ``lijst_instellingen.csv``."""

    max_drop_share: float = 0.20      # hold a load that lowers a source's total for a period by more than this
    min_year: int = 2000              # a date or period before 1 January of this year is a typing error (1900)
    max_count_wijkteam: int = 1_000   # plausibility ceiling per buurt, signal and period
    max_count_schulden: int = 1_000   # per buurt, creditor type and month
    max_count_politie: int = 5_000    # per buurt, crime type and month

    def first_day(self) -> pd.Timestamp:
        """The earliest date a delivered row may carry."""
        return pd.Timestamp(self.min_year, 1, 1)

    def max_count(self, source: str) -> int | None:
        return getattr(self, f"max_count_{source}", None)

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


# -- safety valve --------------------------------------------------------------------------------

def drops(before: pd.DataFrame, after: pd.DataFrame, max_share: float) -> list[str]:
    """Periods whose total falls by more than ``max_share`` (or vanishes), described for a person: ``(removed)``
    when no count of the period is left, ``(all zero)`` when its counts are there and all 0, ``(partly unknown)``
    when the load leaves a buurt's total of the period unknown by a suppressed or quarantined part, which is no
    removal.

    The totals are the ones the lists and scores read (``catalog.source_totals``): a total with an unknown part
    counts as the sum of its known parts, a lower bound, marked by a true ``partial`` column (none: no bound). A lower
    bound is shown as ``at least``: a load that sets the known parts of such a total to 0 lowers what is read as
    much as any other.

    With a ``gemeente_code`` column the totals are compared per municipality, so in a region's home one
    municipality losing its reports is not hidden by the others' totals (its code then leads the label).
    """
    on = [c for c in ("gemeente_code", "period", "period_start") if c in before.columns]
    before, after = (f.assign(partial=f["partial"].fillna(False).astype(bool) if "partial" in f else False)
                     for f in (before, after))
    merged = before.merge(after, on=on, how="left", suffixes=("_before", "_after"))
    merged["removed"] = merged["total_after"].isna()      # no count left, not counts of zero
    merged["partial_after"] = merged["partial_after"].fillna(False).astype(bool)
    merged["total_after"] = merged["total_after"].fillna(0)
    bad = merged[(merged["total_before"] > 0) & (merged["total_after"] < merged["total_before"] * (1 - max_share))]
    several = "gemeente_code" in on and before["gemeente_code"].nunique() > 1
    out = []
    for r in bad.sort_values(on[::-1]).to_dict("records"):
        label = pd.Timestamp(r["period_start"]).strftime("%G-W%V" if r["period"] == "week" else "%Y-%m")
        where = f"{r['gemeente_code'] or 'buurten outside the profile'} " if several else ""
        was, now = (("at least " if bound else "") + str(int(total)) for bound, total in
                    ((r["partial_before"], r["total_before"]), (r["partial_after"], r["total_after"])))
        gone = (" (partly unknown: a part of it is suppressed or quarantined)"
                if r["partial_after"] and not r["partial_before"] else
                " (a part of it is suppressed or quarantined)" if r["partial_after"] else
                " (removed)" if r["removed"] else " (all zero)" if r["total_after"] == 0 else "")
        out.append(f"{where}{label} {was} -> {now}{gone}")
    return out


# -- cells without a usable count ------------------------------------------------------------------

def unknown_cells(module, rows: pd.DataFrame, today: pd.Timestamp, first_day: pd.Timestamp,
                  buurten=None) -> pd.DataFrame:
    """The cells (``area_code, signal, part, period, period_start``) that quarantined ``rows`` of an aggregate
    source (typed, as ``module.typed`` made them) hold without a count that can be used: suppressed (``<5``),
    not a number, negative, implausible, or the cell repeated in the file.

    Only rows whose cell is known count: a buurt of the division, a known part (creditor, crime type), a
    period that can be read, of the type the signal is counted in (:data:`PERIOD_TYPE_CHECKS`: a week for a monthly
    signal is quarantined, it is no weekly cell), lying between ``first_day`` and ``today``. A row wrong in those
    says nothing of a cell wijkradar holds.
    """
    if rows.empty:
        return pd.DataFrame(columns=CELL_KEYS)
    cells = module.to_cells(rows.assign(count=0))                 # the count is what is unknown
    return cells.loc[_known_cells(cells, rows, today, first_day, buurten), CELL_KEYS]


def _known_cells(cells: pd.DataFrame, rows: pd.DataFrame, today: pd.Timestamp, first_day: pd.Timestamp,
                 buurten=None) -> pd.Series:
    """Per cell of ``rows`` (``module.to_cells``): a buurt of the division, a known part, a period that can be read,
    of the type its signal is counted in, between ``first_day`` and ``today`` (:func:`unknown_cells`)."""
    start = pd.to_datetime(cells["period_start"])
    known = cells[CELL_KEYS].notna().all(axis=1) & start.between(first_day, today)
    if buurten is not None:                  # "BU9", no buurt: its quarantined row is no cell of the division
        known &= cells["area_code"].isin(set(buurten))
    for column in PERIOD_TYPE_CHECKS:
        if column in rows:
            known &= rows[column].eq(True).reindex(cells.index, fill_value=False)
    return known


def undated_cells(module, rows: pd.DataFrame, quarantined, today: pd.Timestamp, first_day: pd.Timestamp,
                  buurten=None) -> pd.DataFrame:
    """The cells that quarantined rows whose period cannot be read ("2026-13", a date for a month) or is impossible
    (a week for a monthly signal, a year out of range: "2062-11") may hold.

    Such a row's buurt, signal and part can be read, so its count belongs to one of the periods of its signal that
    the file delivers (the rest of ``rows``, the file's typed rows; ``quarantined``: a mask of them), in a cell the
    file holds no row of: each of those cells is unknown (:func:`unknown_cells`), so the buurt's total of each such
    period is a lower bound ("minstens"), not a total without the row's count. A row whose buurt or part cannot be
    read says nothing of a cell wijkradar holds.
    """
    quarantined = pd.Series(quarantined, index=rows.index)
    if not quarantined.any():
        return pd.DataFrame(columns=CELL_KEYS)
    bad = rows[quarantined]
    cells = module.to_cells(bad.assign(count=0))
    # its period unreadable, or read but impossible: a week for a monthly signal, a year before the first day or after
    # today ("2062-11" for "2026-11"); its buurt, signal and part known
    undated = ~_known_cells(cells, bad, today, first_day) & cells[["area_code", "signal", "part"]].notna().all(axis=1)
    if buurten is not None:
        undated &= cells["area_code"].isin(set(buurten))
    if not undated.any():                   # the usual case: the whole file is not made into cells again
        return pd.DataFrame(columns=CELL_KEYS)
    held = module.to_cells(rows.assign(count=0))
    held = held.loc[_known_cells(held, rows, today, first_day), CELL_KEYS].drop_duplicates()
    periods = held[["signal", "period", "period_start"]].drop_duplicates()
    maybe = cells.loc[undated, ["area_code", "signal", "part"]].drop_duplicates().merge(periods, on="signal")
    maybe = maybe.merge(held, on=CELL_KEYS, how="left", indicator=True)
    return maybe.loc[maybe["_merge"] == "left_only", CELL_KEYS].reset_index(drop=True)


#: The typed columns in which the aggregate sources say a row's period is of the type its signal is counted in
#: (schulden and politie: a month; wijkteam: the signal's frequency in the catalogue; politie: no year or quarter).
PERIOD_TYPE_CHECKS = ("period_is_month", "period_matches", "period_not_year", "period_not_quarter")


# -- quarantine states ---------------------------------------------------------------------------

def update_quarantine_states(con: duckdb.DuckDBPyConnection, source: str, load_id: str,
                             accepted_keys: pd.Series, quarantined_keys: pd.Series,
                             accepted_refs: pd.Series, quarantined_refs: pd.Series) -> None:
    """Earlier open rows: resolved by a valid row with their key (or a correction naming them), superseded
    by a new quarantined row with their key."""
    for keys, column, state in ((accepted_keys, "record_key", "resolved"), (quarantined_keys, "record_key", "superseded"),
                                (accepted_refs, "ref", "resolved"), (quarantined_refs, "ref", "superseded")):
        catalog.update_states(con, source, load_id, keys, column, state)


# -- corrections of rows that are no longer open -----------------------------------------------------

#: Why a correction row is not applied, by what became of the quarantined row it corrects.
NOT_APPLIED = {
    "resolved": "the quarantined row this corrects was resolved by a later delivery (load {by}); nothing applied",
    "dismissed": "the quarantined row this corrects was dismissed by an analyst; nothing applied",
    "superseded": ("the quarantined row this corrects was superseded by load {by}, which quarantined it again; "
                   "correct that row instead; nothing applied"),
    "delivered again": ("the quarantined row this corrects was corrected before (load {by}) and then delivered "
                        "again (load {writer}); nothing applied"),
}


def corrections_not_applied(refs: pd.Series, states: pd.DataFrame, writers: pd.DataFrame) -> pd.DataFrame:
    """The rows of a correction that are not applied, by index, with ``reason``, ``state`` and ``state_by``.

    ``refs``: each row's ``Quarantaineregel`` (None when it has none); ``states``: the rows they name
    (``catalog.ref_states``); ``writers``: the load that holds, now, the cell or report each valid row
    would write (``catalog.cell_writers`` / ``record_writers``).

    A correction fixes an open row. Applied after that row was resolved by a later delivery, it would put
    an older value over a newer one (in the inbox corrections load after deliveries, so file times cannot
    prevent it); after it was superseded, the newer quarantined row is the one to fix; after it was
    dismissed, it would undo the analyst. A row resolved by an earlier correction is corrected again (the
    same fix changes nothing, a changed fix replaces it) unless a delivery has brought its cell or report
    since. A row not applied keeps the state of the row it corrects: nothing in it is left to fix.
    """
    rows = pd.DataFrame({"ref": refs}).join(states.set_index("ref"), on="ref").join(writers.add_prefix("writer_"))
    state = rows["state"]
    by_correction = state.eq("resolved") & rows["by_mode"].eq("correction")
    delivered_again = (by_correction & rows["writer_mode"].notna() & rows["writer_mode"].ne("correction")
                       & (rows["writer_load_seq"] > rows["by_seq"]))
    stale = state.isin(["dismissed", "superseded"]) | (state.eq("resolved") & ~by_correction) | delivered_again
    out, again = rows[stale], delivered_again[stale]
    kind = out["state"].where(~again, "delivered again")
    return pd.DataFrame({
        "reason": [NOT_APPLIED[k].format(by=by, writer=writer)
                   for k, by, writer in zip(kind, out["state_by"], out["writer_load_id"])],
        "state": out["state"],
        "state_by": out["state_by"].where(~again, out["writer_load_id"]),
    }, index=out.index)
