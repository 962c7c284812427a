"""The XLSX writer: the drop-down, the hidden Meta sheet with the flag keys, text cells only, stable bytes."""
from openpyxl import load_workbook

from pipelines import feedback
from pipelines.lists.content import FEEDBACK, HOW_TO_READ, NOTHING_FLAGGED
from pipelines.lists.selection import team_flags, team_list
from pipelines.lists.xlsx_writer import write_xlsx


def _write(tmp_path, flags, labels, run, team="noord", name="book.xlsx"):
    path = tmp_path / name
    write_xlsx(team_list(flags, team, labels), path, "Team <Noord>", run, team,
               feedback.flag_keys(team_flags(flags, team)), labels)
    return path


def test_two_rows_with_the_drop_down_and_the_meta_sheet(tmp_path, flags, labels, run):
    wb = load_workbook(_write(tmp_path, flags, labels, run))
    assert wb.sheetnames == ["Signalen", "Toelichting", feedback.META_SHEET]
    ws = wb["Signalen"]
    assert [c.value for c in ws[4]][:2] == ["Rang", "Status"] and ws["F5"].value == "'=Hoek <b>"
    assert ws["F6"].value == "Brink" and ws["A7"].value is None
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"' + ",".join(FEEDBACK) + '"'
    assert str(lists[0].sqref) == "K5:K6"
    assert ws.column_dimensions["M"].hidden
    meta = wb[feedback.META_SHEET]
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet
    keys = feedback.flag_keys(team_flags(flags, "noord"))
    assert [ws.cell(row=r, column=13).value for r in (5, 6)] == keys
    assert dict(feedback.meta_rows("noord", run.run_id, run.run_period, keys)) == {
        r[0].value: r[1].value for r in meta.iter_rows()}
    assert wb["Toelichting"]["B2"].value == HOW_TO_READ[0]
    assert all(c.data_type != "f" for sheet in wb for row in sheet.iter_rows() for c in row)


def test_an_empty_list_says_so_and_the_bytes_are_stable(tmp_path, flags, labels, run):
    wb = load_workbook(_write(tmp_path, flags, labels, run, team="oost"))
    assert wb["Signalen"]["J5"].value == NOTHING_FLAGGED
    a = _write(tmp_path, flags, labels, run, name="a.xlsx")
    b = _write(tmp_path, flags, labels, run, name="b.xlsx")
    assert a.read_bytes() == b.read_bytes()
