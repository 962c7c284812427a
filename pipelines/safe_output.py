"""Hostile content in what wijkradar writes: spreadsheet formulas and HTML.

Area names, explanations, file names and loaded values come from files that other people
make. Written into a CSV or XLSX, a text like ``=HYPERLINK("http://x","klik")`` becomes a live
formula when a wijkteam opens it (CSV/formula injection); written into HTML, ``<script>`` runs.

* ``neutralise`` / ``neutralise_frame``: OWASP advice for CSV/XLSX cells. A text that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (also after leading whitespace or zero-width
  characters) gets a leading apostrophe, so spreadsheet programs show it as text. Plain numbers written as text
  (``-3``, ``-2.5``, ``-1,5``, ``+31``) and a lone ``-`` (the "no level" placeholder) stay as they
  are: a spreadsheet reads them as a number or as text, never as a formula. Non-text values
  (numbers, dates, missing) are untouched.
* ``escape_html``: every value interpolated in HTML goes through ``html.escape(..., quote=True)``.
* ``xlsx_text``: a neutralised text that openpyxl will also accept (it refuses control
  characters other than tab, newline and carriage return); ``xml_safe`` only drops those.
* ``safe_filename``: a name from data (a wijkteam code) used as a file name stays in its folder.
* ``shortened``: a text from data cut for a message or listing, saying how long it was.
"""
from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

# Whitespace and invisible format characters (zero-width, soft hyphen, direction marks) spelled out
# (literal characters), so that Python's re and pyarrow's RE2 (pandas' str dtype) agree on it: RE2's \s
# is ASCII only, Python's is Unicode.
_WS = ("[\\s\x0b\x1c-\x1f\x85\xa0\xad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069"
       "\u3000\ufeff]")
# A text that a spreadsheet may read as a formula (or as the start of one).
DANGEROUS = f"^{_WS}*[=+\\-@\t\r]"
# ... except a plain number written as text (ASCII digits), or the lone dash placeholder.
HARMLESS = f"^{_WS}*(?:[+-]?(?:[0-9]+(?:[.,][0-9]+)*|[.,][0-9]+)|-){_WS}*$"
_DANGEROUS_RE = re.compile(DANGEROUS)
_HARMLESS_RE = re.compile(HARMLESS)
# Characters an XLSX file cannot hold (same set as openpyxl's ILLEGAL_CHARACTERS_RE).
_XLSX_ILLEGAL_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def is_dangerous(value: Any) -> bool:
    """True for a text that a spreadsheet could take as a formula."""
    return isinstance(value, str) and bool(_DANGEROUS_RE.match(value)) and not _HARMLESS_RE.match(value)


def neutralise(value: Any) -> Any:
    """The value to write into a CSV/XLSX cell: dangerous texts get a leading apostrophe."""
    return "'" + value if is_dangerous(value) else value


#: from this many values a column is read by pandas' string methods at once, below value by value
COLUMN_AT_ONCE = 1000


def _neutralise_series(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if not (pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)):
        return s
    if len(s) < COLUMN_AT_ONCE:                 # a team's list: pandas' string methods cost more per call than this
        mask = pd.Series([is_dangerous(v) for v in s], index=s.index, dtype=bool)
    else:
        try:
            strings = s.str
        except AttributeError:          # an object column without any text
            return s
        mask = strings.match(DANGEROUS, na=False) & ~strings.match(HARMLESS, na=False)
        mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return s
    out = s.copy()
    out[mask] = "'" + s[mask].astype(str)
    return out


def neutralise_frame(df: pd.DataFrame, header: bool = True) -> pd.DataFrame:
    """A copy of ``df`` with every dangerous text cell (and, with ``header``, column name) neutralised."""
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        fixed = _neutralise_series(col)
        if fixed is not col:
            out.isetitem(i, fixed)
    if header:
        out.columns = [neutralise(c) for c in out.columns]
    return out


def xml_safe(value: Any) -> Any:
    """A text without the control characters an XLSX (XML 1.0) cannot hold."""
    return _XLSX_ILLEGAL_RE.sub("", value) if isinstance(value, str) else value


def xlsx_text(value: Any) -> Any:
    """``neutralise`` plus removal of the control characters an XLSX cannot hold."""
    return neutralise(xml_safe(value))


_UNSAFE_FILENAME_RE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def shortened(text: Any, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis and its full length (a crafted cell or header can
    be megabytes long; a listing or message that repeats it whole does not finish or cannot be read)."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def safe_filename(name: Any) -> str:
    """``name`` usable as one file name in a folder (no separators, no ``..``); safe names unchanged."""
    text = _UNSAFE_FILENAME_RE.sub("_", str(name)).strip()
    if text.strip(".") == "":
        text = "_" + text
    return text


def escape_html(value: Any) -> str:
    """Text for HTML content and (double-quoted) attribute values."""
    return html.escape(str(value), quote=True)
