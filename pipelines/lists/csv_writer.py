"""The CSV of a list: ``;``-separated (a Dutch spreadsheet opens it as columns), every text cell neutralised.

One writer for the team files of ``export`` and for ``wijkradar flags --format csv``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.lists.content import NOTHING_FLAGGED
from pipelines.safe_output import neutralise_frame


def csv_text(table: pd.DataFrame, nothing: str | None = NOTHING_FLAGGED) -> str:
    """``table`` as CSV text; an empty table becomes the one-cell sentence ``nothing`` (unless None)."""
    if table.empty and nothing is not None:
        table = pd.DataFrame({"Toelichting": [nothing]})
    else:
        table = neutralise_frame(table)
    return table.to_csv(sep=";", index=False, lineterminator="\n")


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """The team's CSV file (UTF-8 with a byte-order mark, so Excel reads the accents)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        out.write(csv_text(table))
