"""Merged buurten in count deliveries: several old codes mapped to one 2024 buurt (``buurtcode_wijzigingen.csv``).

A row under an old code of a merge is a part of its buurt, kept per code as delivered (the cell's part
``'@BU01189901'``, ``'huur@BU01189901'``) and summed with the other parts in ``core.signal_counts``, so a later
delivery of some of the old codes replaces only those. A row under the buurt's current code covers the whole
buurt and replaces all its parts (``catalog.apply_cells``); an old code's row beside it cannot be added.
"""
from __future__ import annotations

import pandas as pd

from pipelines.sources.common import normalise_area_code

#: Between a cell's part (creditor, crime type, or '') and the old code it was delivered under.
AT = "@"


def merged_old_codes(ref) -> set[str]:
    """The old codes of merges: those whose new buurt has two old codes or more. A buurt that was only
    renumbered has one old code, which stands for the whole buurt as its current code does."""
    changes = ref.code_changes
    olds = changes.groupby("new_code")["old_code"].transform("nunique")
    return set(changes.loc[olds >= 2, "old_code"])


def cell_codes(values: pd.Series, area_codes: pd.Series, ref) -> pd.Series:
    """The code a row's cell is kept under: the old code as delivered (normalised, a lost leading zero
    restored) when it is an old code of a merge, else the buurt (``area_codes``, resolved). Two rows of one
    file are the same cell when they have the same cell code."""
    old = merged_old_codes(ref)
    codes = normalise_area_code(values)
    seven = codes.str.fullmatch(r"\d{7}") & ("BU0" + codes).isin(old)
    codes = codes.where(~seven, "BU0" + codes)
    return codes.where(codes.isin(old), area_codes).astype(object).where(lambda c: c.notna(), None)


def parts(base, rows: pd.DataFrame) -> pd.Series:
    """The cell part of each row: ``base`` (a value or a Series), with ``@<old code>`` for a row under an old
    code of a merge (``cell_code`` differs from ``area_code``)."""
    old = rows["cell_code"].ne(rows["area_code"]) & rows["cell_code"].notna()
    base = pd.Series(base, index=rows.index, dtype=object)
    return base.where(~old, base + AT + rows["cell_code"].astype(str))


def split_parts(part: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``part`` as its base (what the part is without the old code) and the old code (None for a whole buurt)."""
    pieces = part.astype(str).str.partition(AT)
    return pieces[0], pieces[2].where(pieces[1].eq(AT), None)


def conflicts(cells: pd.DataFrame, stored_whole: pd.Series) -> pd.Series:
    """Why cells of old codes (by the cells' index) cannot be added: the same file, or the warehouse
    (``stored_whole``: by index, whether the buurt's cell of that signal, base part and period is stored under
    its current code), holds the whole buurt; the old buurt's count would be counted twice.

    ``cells`` as the sources' ``to_cells`` make them (one row per accepted row, by the rows' index).
    """
    base, old = split_parts(cells["part"])
    keys = [cells["area_code"], cells["signal"], base, cells["period"], cells["period_start"]]
    whole_in_file = pd.Series(old.isna().to_numpy(), index=cells.index).groupby(keys).transform("any")
    in_file = old.notna() & whole_in_file
    in_warehouse = old.notna() & ~in_file & stored_whole.reindex(cells.index, fill_value=False)
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
