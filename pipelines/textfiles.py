"""The delimiter of a CSV that a person saved: comma, semicolon (Dutch Excel) or tab, or Excel's ``sep=`` line."""
from __future__ import annotations

import re
from pathlib import Path


def delimiter(path: Path, required: tuple[str, ...] = ()) -> tuple[str, bool]:
    """The delimiter, and whether line 1 is Excel's ``sep=`` hint (then the header is line 2).

    Whichever of ``,`` ``;`` and tab splits out the most of the ``required`` columns wins, then the one that
    gives the most columns; comma on a tie.
    """
    with open(path, "rb") as fh:
        first = fh.readline(65536).decode("utf-8-sig", errors="replace").strip().strip('"')
    hint = re.fullmatch(r"sep=(.)", first, re.IGNORECASE)
    if hint:
        return hint.group(1), True

    def fit(sep: str) -> tuple[int, int, bool]:
        cells = [c.strip().strip('"').lower() for c in first.split(sep)]
        return sum(c in required for c in cells), len(cells), sep == ","
    return max((",", ";", "\t"), key=fit), False
