"""The terminal table: the six columns of the list's language, one line for an empty list."""
from rich.console import Console

from pipelines.lists.selection import team_list
from pipelines.lists.table_writer import rich_table


def test_two_rows_in_a_rich_table(flags, labels):
    table = rich_table(team_list(flags, "noord", labels), "Noord (noord)")
    assert [c.header for c in table.columns] == ["Status", "Niveau", "Domein", "Buurt", "Sinds", "Toelichting"]
    assert table.row_count == 2
    console = Console(width=200, record=True)
    console.print(table)
    assert "BU01180002 Brink" in console.export_text()


def test_english_headers_and_an_empty_list(flags):
    assert rich_table(team_list(flags, "zuid", lang="en"), "Zuid", "en").columns[0].header == "Status"
    assert rich_table(team_list(flags, "oost", lang="en"), "Oost", "en").endswith("nothing flagged")
    assert rich_table(team_list(flags, "oost"), "Oost").endswith("geen opvallende signalen")
