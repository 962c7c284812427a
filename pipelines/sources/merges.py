"""Merged buurten in count deliveries: several old codes mapped to one 2024 buurt (``buurtcode_wijzigingen.csv``).

A row under an old code of a merge is a part of its buurt, kept per code as delivered (the cell's part
``'@BU01189901'``, ``'huur@BU01189901'``) and summed with the other parts in ``core.signal_counts``, so a later
delivery of some of the old codes replaces only those. A row under the buurt's current code covers the whole
buurt and replaces all its parts (``catalog.apply_cells``); an old code's row beside it cannot be added,
unless the delivery holds every old code of the buurt for that signal and period: together they replace it.
"""
from __future__ import annotations

import pandas as pd

from pipelines.sources.common import by_distinct, complete_lost_zeros, normalise_area_code

#: Between a cell's part (creditor, crime type, or '') and the old code it was delivered under.
AT = "@"


def merges(ref) -> dict[str, frozenset[str]]:
    """The parts of each merged buurt (the ``part_code`` of its old codes): a buurt of two parts or more. A buurt
    that was only renumbered (once or over several divisions) has one part, which stands for the whole buurt as
    its current code does."""
    parts = ref.code_changes.dropna(subset=["part_code"]).groupby("new_code")["part_code"].agg(frozenset)
    return {new: codes for new, codes in parts.items() if len(codes) >= 2}


def part_of(ref) -> dict[str, str]:
    """The part of its merged buurt each old code of a merge is (:func:`merges`): itself, or the code it was
    renumbered to before the merge."""
    merged = ref.code_changes[ref.code_changes["new_code"].isin(merges(ref)) & ref.code_changes["part_code"].notna()]
    return dict(zip(merged["old_code"], merged["part_code"]))


def merged_old_codes(ref) -> set[str]:
    """The old codes of merges (:func:`merges`)."""
    return set(part_of(ref))


def cell_codes(values: pd.Series, area_codes: pd.Series, ref) -> pd.Series:
    """The code a row's cell is kept under: the part of its merged buurt the old code as delivered (normalised, a
    lost leading zero restored) is, when it is an old code of a merge, else the buurt (``area_codes``, resolved).
    Two rows of one file are the same cell when they have the same cell code."""
    part = part_of(ref)
    # the part each value names, once per distinct value (None: no old code of a merge)
    named = by_distinct(lambda v: complete_lost_zeros(normalise_area_code(v), set(part)).map(part).astype(object),
                        values)
    return named.where(named.notna(), area_codes).astype(object).where(lambda c: c.notna(), None)


def parts(base, rows: pd.DataFrame) -> pd.Series:
    """The cell part of each row: ``base`` (a value or a Series), with ``@<old code>`` for a row under an old
    code of a merge (``cell_code`` differs from ``area_code``)."""
    base = pd.Series(base, index=rows.index, dtype=object)
    # a quarantined row can lack its part (an unknown creditor) or its buurt: no old code to add to nothing
    old = (rows["cell_code"].ne(rows["area_code"]) & rows["cell_code"].notna() & base.notna()).to_numpy(dtype=bool)
    out = base.copy()
    if old.any():
        out[old] = [f"{b}{AT}{c}" for b, c in zip(base[old], rows["cell_code"][old])]
    return out


def split_parts(part: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``part`` as its base (what the part is without the old code) and the old code (None for a whole buurt)."""
    text = part.astype(str)
    base, old = text.astype(object), pd.Series(None, index=part.index, dtype=object)
    has = text.str.contains(AT, regex=False).to_numpy(dtype=bool)
    if has.any():                               # a few cells of a file, if any: split only those
        pieces = text[has].str.split(AT, n=1)
        base[has], old[has] = pieces.str[0].astype(object), pieces.str[1].astype(object)
    return base, old


def covers_whole(cells: pd.DataFrame, ref) -> pd.Series:
    """By the cells' index: whether a cell of an old code is one of a set that holds every old code of its
    merged buurt for the same signal, base part and period. Together they are the whole buurt, so they replace
    the buurt's cell under its current code (``catalog.apply_cells``)."""
    out = pd.Series(False, index=cells.index, dtype=bool)
    base, old = split_parts(cells["part"])
    parts = old.notna().to_numpy(dtype=bool)
    if not parts.any():
        return out
    keys = [cells["area_code"][parts], cells["signal"][parts], base[parts], cells["period"][parts],
            cells["period_start"][parts]]
    held = pd.to_numeric(old[parts].groupby(keys).transform("nunique"))   # distinct old codes (a set per cell: 40 s)
    needed = pd.to_numeric(cells["area_code"][parts].map({new: len(codes) for new, codes in merges(ref).items()}))
    out[parts] = held.ge(needed).to_numpy(dtype=bool)
    return out


def conflicts(cells: pd.DataFrame, stored_whole: pd.Series, ref) -> pd.Series:
    """Why cells of old codes (by the cells' index) cannot be added: the same file, or the warehouse
    (``stored_whole``: by index, whether the buurt's cell of that signal, base part and period is stored under
    its current code), holds the whole buurt; the old buurt's count would be counted twice. Cells of every old
    code of the buurt together replace the whole buurt's stored cell (:func:`covers_whole`).

    ``cells`` as the sources' ``to_cells`` make them (one row per accepted row, by the rows' index).
    """
    base, old = split_parts(cells["part"])
    near = cells["area_code"].isin(cells.loc[old.notna(), "area_code"])     # only a merged buurt's own cells meet
    cells, base, old = cells[near], base[near], old[near]
    keys = [cells["area_code"], cells["signal"], base, cells["period"], cells["period_start"]]
    whole_in_file = pd.Series(old.isna().to_numpy(), index=cells.index).groupby(keys).transform("any")
    in_file = old.notna() & whole_in_file
    in_warehouse = (old.notna() & ~in_file & stored_whole.reindex(cells.index, fill_value=False)
                    & ~covers_whole(cells, ref))
    reasons = pd.Series(None, index=cells.index, dtype=object)
    new = cells["area_code"].astype(str)
    reasons[in_file] = ("buurtcode " + old[in_file] + " is an old code of " + new[in_file] + " (merged), and this "
                        "file also holds " + new[in_file] + " itself for the same signal and period, which covers "
                        "the whole buurt; deliver the period under " + new[in_file] + " only")
    reasons[in_warehouse] = (
        "buurtcode " + old[in_warehouse] + " is an old code of " + new[in_warehouse] + " (merged), and wijkradar "
        "holds this signal and period under " + new[in_warehouse] + ", which covers the whole buurt, so the old "
        "buurt would be counted twice; deliver the period under " + new[in_warehouse] + " (the old buurten's "
        "counts added up)")
    return reasons.dropna()


def moves(ref) -> pd.DataFrame:
    """``old_code``, ``new_code``, ``part_code``, ``merged``: every mapping of ``buurtcode_wijzigingen.csv``;
    ``merged`` when the old code is a part of a buurt of two parts or more (its counts are parts of it), else it
    is the whole buurt under another name, renumbered (its counts are the buurt's own)."""
    changes = ref.code_changes[["old_code", "new_code", "part_code"]].reset_index(drop=True)
    # a code that is the whole buurt under another name (no part) moves as a renumbered buurt does
    return changes.assign(merged=(changes["new_code"].isin(merges(ref)) & changes["part_code"].notna()).astype(bool))


def rekeyed_cells(cells: pd.DataFrame, moves: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Stored cells (rows of ``core.source_cells`` or ``core.unknown_cells``, with ``source`` and ``load_seq``) of
    old codes moved to their buurt, and the rows to keep where they meet the buurt's own cells; with how many
    rows were dropped for another.

    ``cells`` holds the cells of the old codes of ``moves`` (:func:`moves`) and of their buurten. An old code of a
    merge becomes a part of its buurt (``'<part>@<old code>'``), a renumbered code the buurt itself. Where two
    cells meet, what the deliveries would have made of them in their order (``load_seq``) stays: the later of the
    same cell; a whole buurt's cell replaces its older parts; parts later than the whole replace it when they hold
    every old code of the buurt, and otherwise would have been counted twice, so the whole stays (as
    :func:`conflicts` quarantines such a part when it is delivered).
    """
    new_code = cells["area_code"].map(dict(zip(moves["old_code"], moves["new_code"])))
    merged = cells["area_code"].map(dict(zip(moves["old_code"], moves["merged"]))).eq(True)
    out = cells.copy()
    part = out["part"].astype(str)
    as_part = new_code.notna() & merged & ~part.str.contains(AT, regex=False)
    part_code = out["area_code"].map(dict(zip(moves["old_code"], moves["part_code"])))
    out.loc[as_part, "part"] = (part[as_part] + AT + part_code[as_part].astype(str)).to_numpy()
    out.loc[new_code.notna(), "area_code"] = new_code[new_code.notna()].to_numpy()
    keys = ["source", "area_code", "signal", "part", "period", "period_start"]
    out = out.sort_values("load_seq", kind="stable").drop_duplicates(keys, keep="last")
    base, old = split_parts(out["part"])
    group = [out["source"], out["area_code"], out["signal"], base, out["period"], out["period_start"]]
    whole_seq = out["load_seq"].where(old.isna()).groupby(group, dropna=False).transform("max")
    newer = old.notna() & (whole_seq.isna() | out["load_seq"].gt(whole_seq))
    held = old.where(newer).groupby(group, dropna=False).transform("nunique")
    needed = out["area_code"].map(moves.groupby("new_code")["part_code"].nunique()).fillna(0)
    complete = held.ge(needed) & needed.gt(0)
    drop = (old.isna() & complete) | (old.notna() & whole_seq.notna() & ~(newer & complete))
    kept = out[~drop.to_numpy()].sort_index()
    return kept.reset_index(drop=True), int(len(cells) - len(kept))
