"""What every file source shares about its rows beyond reading: keys for quarantine states, the plausibility check."""
from __future__ import annotations

import hashlib
import re

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


def foreign_reasons(failures: pd.DataFrame, frame: pd.DataFrame, gemeenten: list[str]) -> pd.DataFrame:
    """``failures`` with the area check's reason of each row under a code that is no buurt of the profile by its
    very shape said as such: a buurt code of another municipality (``BU01094044`` in a profile of GM0118), a wijk
    code or a municipality code. "Not a buurt of the division (and not mapped)" sent the analyst to map another
    municipality's buurten onto the profile's. Names and other text are not echoed (they may be personal)."""
    from pipelines.sources.common import NOT_IN_DIVISION

    if failures.empty or "area_code" not in frame:
        return failures
    codes = failures["row_number"].map(frame.set_index("row_number")["area_code"]).astype(object)
    hit = failures["reason"].str.contains(NOT_IN_DIVISION, regex=False).to_numpy() & codes.notna().to_numpy()
    if not hit.any():
        return failures
    out = failures.copy()
    for i in np.flatnonzero(hit):
        said = foreign_code(str(codes.iloc[i]), gemeenten)
        if said:
            out.iloc[i, out.columns.get_loc("reason")] = out["reason"].iloc[i].replace(
                NOT_IN_DIVISION, f"{AREA_NOT_IN_DIVISION}: buurtcode {said}")
    return out


#: the start every reason of a code outside the division shares (``validate.UNKNOWN_CODE_REASON`` reads it)
AREA_NOT_IN_DIVISION = "area not in division 2024"
#: what a code outside the division is by its shape, as its reason says it after ``buurtcode is``
#: (``validate._refusal_advice`` counts the rows of each kind)
FOREIGN_KINDS = {"municipality": "a buurt of municipality", "wijk": "the code of a wijk",
                 "gemeente": "the code of a municipality"}


def foreign_code(code: str, gemeenten: list[str]) -> str | None:
    """What a normalised code outside the division is by its shape (the reason's words after ``buurtcode``; the row
    shows the code), or None when its shape says nothing (a buurt code of the profile's municipality, text)."""
    if m := re.fullmatch(r"BU(\d{4})[0-9A-Z]{4}", code):
        if f"GM{m[1]}" not in gemeenten:
            return (f"is {FOREIGN_KINDS['municipality']} GM{m[1]}, not of the profile's "
                    f"({', '.join(gemeenten[:3])}{', ...' if len(gemeenten) > 3 else ''})")
        return None
    if re.fullmatch(r"WK\d{4}[0-9A-Z]{2}", code):
        return f"is {FOREIGN_KINDS['wijk']}, not of a buurt"
    if re.fullmatch(r"GM\d{4}", code):
        return f"is {FOREIGN_KINDS['gemeente']}, not of a buurt"
    return None
