"""The one CSV writer of wijkradar: every CSV it writes (team lists, correction files, risk scores) goes here.

Two defences a spreadsheet needs, always together: every text cell that it would run as a formula is
neutralised (``safe_output.neutralise_frame``), and every field holding a line break (CR or LF), the
delimiter or a quote is quoted. Python's csv module quotes only the characters of its line terminator,
so records end in CRLF (RFC 4180, as Excel writes them): a lone CR inside a value is quoted too and can
never end a record and start a new one with ``=...``.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from pipelines.atomic import replacing
from pipelines.safe_output import neutralise_frame

LINE_END = "\r\n"


def csv_text(table: pd.DataFrame, sep: str = ";") -> str:
    """``table`` as CSV text, neutralised and quoted wherever a field needs it."""
    return neutralise_frame(table).to_csv(sep=sep, index=False, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)


def write_csv(table: pd.DataFrame, path: Path, sep: str = ";", bom: bool = True) -> None:
    """``table`` as a CSV file (see ``write_text``)."""
    write_text(csv_text(table, sep), path, bom)


def write_text(text: str, path: Path, bom: bool = True) -> None:
    """CSV text made by ``csv_text`` into a file, all or nothing (a crash never leaves half a file);
    ``bom``: UTF-8 with a byte-order mark, so Excel reads the accents."""
    with replacing(Path(path)) as part, open(part, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        out.write(text)
