"""Names of the profile (a team's, a buurt's, a signal's label) are printed as written on the terminal: square
brackets were read as rich markup, so "[oud: ...]" vanished, "[link=...]" made a link and "[/Zuid]" stopped
`wijkradar flags` and `run` after the run (red team round 3b, F2)."""
import pandas as pd
from rich.console import Console

from pipelines.lists.table_writer import rich_table
from pipelines import wording


def printed(renderable) -> str:
    console = Console(record=True, width=250, force_terminal=True)
    console.print(renderable)
    return console.export_text()


def test_a_list_prints_names_and_texts_with_brackets_as_written():
    cols = wording.LIST_COLUMNS["nl"]
    row = {c: "" for c in cols}
    row.update({cols[1]: "nieuw", cols[2]: "alarm", cols[3]: "fysiek", cols[4]: "BU01185000",
                cols[5]: "Schoonvelde [link=https://evil.example]klik[/link]", cols[7]: "week 47",
                cols[9]: "Zwerfafval [/Zuid] boven verwachting"})
    out = printed(rich_table(pd.DataFrame([row], columns=cols), "Wijkteam Zuid-Oost [/Zuid] [oud: 51] (zuid-oost)"))
    text = " ".join(out.split())
    assert "Wijkteam Zuid-Oost [/Zuid] [oud: 51] (zuid-oost)" in text
    assert "Zwerfafval [/Zuid] boven verwachting" in text
    assert "[link=https://evil.example" in text and "\x1b]8;" not in out          # shown, never a terminal link


def test_an_empty_list_prints_its_title_as_written():
    assert "[/]" in printed(rich_table(pd.DataFrame(), "Wijkteam [/] (x)"))
