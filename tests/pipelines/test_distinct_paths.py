"""The fast paths of large files give the answers of the value-by-value code they replace.

A column of a million rows is read once per distinct value (``by_distinct``, the split-item patterns), plain ASCII
by pyarrow and the rest by Python (``number_text``), and the merge rule only over merged buurten. Each is checked
here against the plain computation on columns of the shapes that differ: missing values, numbers, other scripts,
line breaks, values around the RE2 threshold.
"""
from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest

from pipelines import privacy
from pipelines.sources.common import by_distinct, resolve_area_codes
from pipelines.sources.counts import counts_ambiguous
from pipelines.sources.meldingen import number_text
from pipelines.sources.rows import checked_counts

ODD = ["", " ", "12", " 12 ", "0012", "12.0", "1.000", "1,000", "2,5", "1e20", "−3", "1 234", "x", "٣", "１２",
       "ab\ncd", "a\x0bb", "Straße", "sig-7", "SIG-7", "\t0007\t", "99999999999", "0.00"]


def _column(n: int, seed: int, dtype) -> pd.Series:
    rng = np.random.default_rng(seed)
    values = [ODD[i] for i in rng.integers(0, len(ODD), n)]
    series = pd.Series(values, dtype=dtype)
    series[rng.random(n) < 0.05] = None
    return series


@pytest.mark.parametrize("dtype", ["str", object])
def test_by_distinct_gives_what_the_function_gives_on_every_row(dtype):
    values = _column(3000, 1, dtype)
    for read in (lambda v: v.str.strip().str.upper(), lambda v: v.isna(), lambda v: v.str.len()):
        pd.testing.assert_series_equal(by_distinct(read, values), read(values), check_dtype=False)
    ints = pd.Series([3, 1, 3, 7, 1], index=[10, 11, 12, 13, 14])        # no missing value: the dtype stays int
    assert by_distinct(lambda v: v * 2, ints).tolist() == [6, 2, 6, 14, 2]
    assert by_distinct(lambda v: v * 2, ints).index.tolist() == [10, 11, 12, 13, 14]


def test_counts_and_buurt_codes_read_per_distinct_value_as_row_by_row(ref):
    """Counts are read by the column (a column writing 0.00 reads 1.000 as one): per distinct value as the plain
    computation over every row of the same column."""
    from pipelines.sources.counts import MAX_COUNT, _ambiguous, counts_too_large, parse_counts

    values = _column(2000, 2, "str")
    count, plausible = checked_counts(values, 500)
    too_large = counts_too_large(values)
    plain = parse_counts(values).where(~too_large, float(MAX_COUNT) + 1)
    pd.testing.assert_series_equal(count, plain, check_dtype=False, check_names=False)
    assert plausible.tolist() == (~too_large & ~(plain > 500)).tolist()
    assert counts_ambiguous(values).tolist() == _ambiguous(values).tolist()
    # the column writes 0.00 and 2,5: its dot is both, and 1.000 is quarantined as ambiguous
    assert (count[values == "1.000"] == 1000).all() and counts_ambiguous(values)[values == "1.000"].all()
    codes = pd.Series(["BU01185000", " bu01185001", "1185000", "", None, "BUxx", "BU 0118 5000"] * 50, dtype="str")
    whole = resolve_area_codes(codes, ref)
    for i in range(7):
        alone = resolve_area_codes(codes.iloc[i:i + 1], ref).iloc[0]
        assert (pd.isna(alone) and pd.isna(whole.iloc[i])) or alone == whole.iloc[i]


def _number_text_python(number: pd.Series) -> pd.Series:
    """The report numbers' text as it was computed value by value (Python's str methods), the reference."""
    def one(v):
        if not isinstance(v, str):
            return None if v is None or (isinstance(v, float) and np.isnan(v)) else np.nan
        t = unicodedata.normalize("NFKC", v).strip().upper()
        import re
        if re.fullmatch(r"[0-9]+(?:\.0+)?", t):
            t = re.sub(r"\.0+$", "", t).lstrip("0") or "0"
        return t
    return pd.Series([one(v) for v in number.astype(object)], index=number.index, dtype=object)


@pytest.mark.parametrize("n", [40, 3000])          # below and above the threshold where RE2 reads plain values
def test_report_numbers_text_by_pyarrow_on_plain_values_as_python_reads_them(n):
    values = _column(n, 4, "str")
    got, want = number_text(values), _number_text_python(values)
    for g, w, v in zip(got, want, values):
        assert (g is None and w is None) or (isinstance(g, float) and isinstance(w, float)) or g == w, repr(v)


def test_split_items_on_a_long_column_find_what_python_s_re_finds_row_by_row(monkeypatch):
    # a category beside its subcategory repeats (both look like names); a phone number and a name cut over two
    # cells hide among them, as does an address cut over three columns
    rng = np.random.default_rng(5)
    n = 2500
    frame = pd.DataFrame({
        "hoofd": rng.choice(["Afval", "Groen", "Verlichting"], n),
        "sub": rng.choice(["Zwerfafval", "Grofvuil", "Boom", "Lantaarnpaal"], n),
        "buurt": rng.choice(["BU01185000", "BU01185001"], n).astype(object),
    })
    frame.loc[7, ["hoofd", "sub"]] = ["06-1357", "2468"]
    frame.loc[11, ["hoofd", "sub"]] = ["Gerrit", "Brinkhuis"]
    frame.loc[19, ["hoofd", "sub", "buurt"]] = ["Kerkstraat", "Afval", "14"]
    frame.loc[23, ["hoofd", "sub"]] = ["Émile", "Brinkhuis"]                  # a letter of two bytes: Python's re
    found = pd.DataFrame(privacy.split_items(frame, list(frame.columns)))
    assert sorted(np.flatnonzero(found.notna().any(axis=1).to_numpy())) == [7, 11, 19, 23]
    assert found.loc[7, "hoofd"] == "telefoonnummer" and found.loc[11, "sub"] == "naam"
    assert found.loc[23, "hoofd"] == "naam"
    assert found.loc[19, "buurt"] == "adres" and pd.isna(found.loc[19, "sub"])
    for row in [7, 11, 23, 0, 1, 2]:            # a pair is judged on its own (an address by its column's kind)
        alone = pd.DataFrame(privacy.split_items(frame.iloc[[row]], list(frame.columns)))
        assert alone.iloc[0].tolist() == found.iloc[row].tolist(), row
    monkeypatch.setattr(privacy, "RE2_FROM", 10 ** 9)                  # Python's re reads every value
    pd.testing.assert_frame_equal(pd.DataFrame(privacy.split_items(frame, list(frame.columns))), found)


@pytest.mark.parametrize("dtype", [object, "str"])
def test_formula_neutralising_value_by_value_and_column_at_once_agree(monkeypatch, dtype):
    # a team's list is read value by value (pandas' string methods cost more per call), a large export at once
    from pipelines import safe_output

    rng = np.random.default_rng(6)
    alphabet = list("=+-@\t\r 0123456789.,ab\x0b\x1c\xa0\u2028\u3000\ufeff\n")
    values = ["".join(rng.choice(alphabet, rng.integers(0, 6))) for _ in range(3000)] + ["-", " -1,5 ", "=1+1"]
    column = pd.Series(values + [None], dtype=dtype)
    monkeypatch.setattr(safe_output, "COLUMN_AT_ONCE", 10 ** 9)
    one_by_one = safe_output._neutralise_series(column)
    monkeypatch.setattr(safe_output, "COLUMN_AT_ONCE", 0)
    at_once = safe_output._neutralise_series(column)
    pd.testing.assert_series_equal(one_by_one, at_once)
    assert one_by_one.iloc[-2] == "'=1+1" and one_by_one.iloc[-3] == " -1,5 "
