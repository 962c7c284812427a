"""What every file source shares about its rows beyond reading: keys for quarantine states, the plausibility check."""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.validate import Check, gx_expectations


def normalised(values: pd.Series) -> pd.Series:
    """``normalise_header`` of every value, computed once per distinct value (fast on a million rows)."""
    from pipelines.sources.common import normalise_header

    codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    return pd.Series(pd.Index(uniques).map(normalise_header).to_numpy(dtype=object)[codes], index=values.index)


def cell_keys(typed: pd.DataFrame, raw: pd.DataFrame, typed_cols: list[str], raw_cols: list[str]) -> pd.Series:
    """The cell a row describes: ``c:<typed values>`` when every part is valid, else ``r:<hash of the text>``.

    A quarantined row with a valid cell is resolved by a later valid row of that cell; an invalid row
    is superseded when the same text is delivered (and quarantined) again.
    """
    t = typed[typed_cols]
    ok = t.notna().all(axis=1)
    texts = [pa.array(_key_text(t[c]), type=pa.string()) for c in typed_cols]
    joined = pc.binary_join_element_wise(pa.scalar("c"), *texts, "|")        # pyarrow: a million rows at once
    key = pd.Series(joined.to_numpy(zero_copy_only=False), index=typed.index, dtype=object)
    if not ok.all():                              # only the invalid rows need a key from their text
        bad = raw.set_index(typed.index).loc[~ok, raw_cols].astype(str)
        joined = bad[raw_cols[0]].str.strip().str.lower()
        for c in raw_cols[1:]:
            joined = joined + "|" + bad[c].str.strip().str.lower()
        key[~ok] = ("r:" + joined.map(lambda v: hashlib.sha1(v.encode()).hexdigest()[:16])).to_numpy()
    return key


def _key_text(col: pd.Series) -> np.ndarray:
    """Each value of a key's column as its text (a date as ``2026-11-23``), computed once per distinct value; None
    where the value is missing."""
    codes, uniques = pd.factorize(col)
    index = pd.Index(uniques)
    text = index.strftime("%Y-%m-%d") if pd.api.types.is_datetime64_any_dtype(col) else index.astype(str)
    return np.append(np.asarray(text, dtype=object), None)[codes]


def plausible_check(ref, source: str, cell: str) -> Check:
    ceiling = f"{ref.load_settings.max_count(source):,}".replace(",", ".")    # 1.000, as a Dutch reader writes it
    return Check(gx_expectations().ExpectColumnValuesToBeInSet(column="count_plausible", value_set=[True]),
                 f"aantal is implausibly large (above {ceiling} per {cell}; max_count_{source} in "
                 "lijst_instellingen.csv)")


def checked_counts(text: pd.Series, ceiling: int | None) -> tuple[pd.Series, pd.Series]:
    """Counts as numbers (NaN when not a number) and whether each is plausible.

    A number too large to be a count (``1e20``, above 2^31) is kept as a number just above the
    ceiling, so its row is quarantined as implausibly large rather than as "not a number".
    """
    from pipelines.sources.common import by_distinct
    from pipelines.sources.counts import MAX_COUNT, counts_too_large, parse_counts

    too_large = by_distinct(counts_too_large, text)
    count = by_distinct(parse_counts, text).where(~too_large, float(MAX_COUNT) + 1)
    plausible = ~too_large & ~(count > (ceiling if ceiling is not None else MAX_COUNT))
    return count, plausible
