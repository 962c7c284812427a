"""Merged buurten in count deliveries: several old codes mapped to one 2024 buurt (``buurtcode_wijzigingen.csv``)
add up into that buurt's cell. A row repeats a cell only when it repeats the code as delivered; rows of
different old codes of one merged buurt are its parts."""
from __future__ import annotations

import pandas as pd

from pipelines.sources.common import normalise_area_code


def delivered_codes(values: pd.Series) -> pd.Series:
    """The area codes as delivered (normalised, before the code changes): the key of a repeated row."""
    return normalise_area_code(values).replace("", None)


def sum_merged(cells: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``cells`` with the rows of one cell (the old codes of a merged buurt) summed into one, indexed by the
    first of them; cells of one row are unchanged."""
    if not cells.duplicated(keys).any():
        return cells
    first = cells.assign(_i=cells.index).groupby(keys, sort=False, dropna=False)
    out = first.agg(count=("count", "sum"), _i=("_i", "first")).reset_index()
    return out.set_index("_i").rename_axis(cells.index.name)[list(cells.columns)]
