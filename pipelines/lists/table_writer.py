"""The list on the terminal: a rich table of one team (status, level, domain, buurt, since, explanation).

Takes the selected, worded table (``selection.team_list`` in ``lang``); ``wijkradar flags`` prints it.
"""
from __future__ import annotations

import pandas as pd
from rich.markup import escape
from rich.table import Table

from pipelines import wording

NOTHING = {"nl": "geen opvallende signalen", "en": "nothing flagged"}


def rich_table(rows: pd.DataFrame, title: str, lang: str = "nl") -> Table | str:
    """A rich ``Table`` of ``rows``, or for an empty list the one line to print instead. Names and texts are the
    profile's (a team's, a buurt's, a signal's label) and are printed as written, never read as markup ("[/Zuid]"
    stopped the command, "[link=...]" made a link)."""
    title = escape(title)
    if rows.empty:
        return f"\n[bold]{title}[/]: " + NOTHING[lang]
    cols = wording.LIST_COLUMNS[lang]
    # columns: status, level, domain, area (code and name), since, explanation - in the list's language
    shown = [(cols[1], 11), (cols[2], 9), (cols[3], 10), (cols[5], 26), (cols[7], 13), (cols[9], 80)]
    table = Table(title=title, title_justify="left", show_lines=True)
    for col, width in shown:
        table.add_column(col, max_width=width, overflow="fold")
    for r in rows.itertuples(index=False, name=None):
        table.add_row(*(escape(str(v)) for v in (r[1], r[2], r[3], f"{r[4]} {r[5]}", r[7], r[9])))
    return table
