"""Reading defects found in round 36: dates of an English (US) export read day-first value by value (1-11 November
spread over January-November, the rest "not a date"), a one-cell footer line that blanked the data row above it as
"personal data", and a CSV whose every line is one quoted cell refused with a sentence that contradicted itself."""
import pandas as pd
import pytest

from pipelines.sources import wijkteam
from pipelines.sources.common import IngestError, parse_dates
from pipelines.sources.counts import parse_periods
from pipelines.warehouse import connect
from tests.conftest import load_file
from tests.pipelines.test_reading import one_sentence

M_HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
W_HEADER = ["Buurtcode", "Maand", "Signaal", "Aantal"]
BUURTEN = [f"BU0118{n:04d}" for n in (5000, 5001, 5002, 5003, 5004, 5005, 5006, 5007)]


def _csv(path, header, rows, tail=""):
    path.write_text("\n".join(";".join(map(str, r)) for r in [header, *rows]) + "\n" + tail, encoding="utf-8")
    return path


def _quarantined(home):
    with connect(home.warehouse) as con:
        return con.execute("SELECT row_number, reason FROM quarantine.rows ORDER BY row_number").fetchall()


# --- A: the order of day and month, per column -----------------------------------------------------

def test_a_us_export_is_read_month_first_as_its_dates_prove(home, tmp_path):
    rows = [[f"SIG-{700 + d}", f"11/{d:02d}/2026 10:00", "Afval", "Zwerfafval", BUURTEN[d % 8]] for d in range(1, 21)]
    result = load_file(home, _csv(tmp_path / "meldingen_export.csv", M_HEADER, rows))
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (20, 20, 0)
    with connect(home.warehouse) as con:
        days = [d for (d,) in con.execute("SELECT strftime(report_date, '%Y-%m-%d') FROM core.report_ledger "
                                          "ORDER BY 1").fetchall()]
    assert days == [f"2026-11-{d:02d}" for d in range(1, 21)]


def test_the_order_is_the_columns_and_nothing_proven_stays_day_first():
    from pipelines.sources.common import read_dates

    us = pd.Series(["11/05/2026", "11/13/2026 10:00", "12.01.2026", "11/14/2026", "11/15/2026", None])
    dates, ambiguous = read_dates(us)
    assert dates.dt.strftime("%Y-%m-%d").tolist()[:5] == ["2026-11-05", "2026-11-13", "2026-12-01", "2026-11-14",
                                                         "2026-11-15"]
    assert pd.isna(dates.iloc[5]) and not ambiguous.any()
    dutch = pd.Series(["05-11-2026", "13-11-2026", "2026-11-02"])
    assert parse_dates(dutch).dt.strftime("%Y-%m-%d").tolist() == ["2026-11-05", "2026-11-13", "2026-11-02"]
    unproven = pd.Series(["05-11-2026", "01/02/2026 9:05"])               # nothing proves: the Dutch order
    assert parse_dates(unproven).dt.strftime("%Y-%m-%d").tolist() == ["2026-11-05", "2026-02-01"]
    # a value no reading makes a date proves nothing (31 February, a 13th month either way)
    assert parse_dates(pd.Series(["31/02/2026", "11/05/2026"])).dt.strftime("%Y-%m-%d").tolist()[1] == "2026-05-11"


def test_a_column_of_both_orders_quarantines_only_the_dates_it_leaves_open(home, tmp_path):
    rows = ([[f"SIG-{800 + d}", f"{d}-11-2026", "Afval", "Zwerfafval", BUURTEN[d % 8]] for d in range(13, 21)]
            + [["SIG-900", "11/14/2026", "Afval", "Zwerfafval", BUURTEN[0]],      # proven month-first
               ["SIG-901", "03/11/2026", "Afval", "Zwerfafval", BUURTEN[1]],      # 3 November or 11 March
               ["SIG-902", "05/05/2026", "Afval", "Zwerfafval", BUURTEN[2]]])     # the same date either way
    result = load_file(home, _csv(tmp_path / "meldingen_export.csv", M_HEADER, rows))
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (11, 10, 1)
    (row, reason), = _quarantined(home)
    assert row == 11
    assert reason.startswith("the order of day and month in datum melding is ambiguous in this column")
    assert "yyyy-mm-dd" in reason and "not a date" not in reason
    with connect(home.warehouse) as con:
        days = dict(con.execute("SELECT report_key, strftime(report_date, '%Y-%m-%d') FROM core.report_ledger")
                    .fetchall())
    assert days["id:SIG-900"] == "2026-11-14" and days["id:SIG-902"] == "2026-05-05"
    assert days["id:SIG-813"] == "2026-11-13"


def test_one_typo_does_not_turn_a_dutch_column_month_first():
    """Three distinct dates must prove month-first (``common.MONTH_FIRST_PROOFS``): a Dutch week of 1 to 8 November
    with one typo (11-13-2026) read every other date as 11 January to 11 August. Now the dates that read both ways
    are quarantined as ambiguous, and the file is refused for most rows, saying so."""
    from pipelines.sources.common import read_dates

    column = pd.Series([f"{d:02d}-11-2026" for d in range(1, 9)] + ["11-13-2026"])
    dates, ambiguous = read_dates(column)
    assert ambiguous.tolist() == [True] * 8 + [False]
    assert dates.isna().tolist() == [True] * 8 + [False]
    assert not (dates.dt.month < 11).any()


def test_a_one_typo_file_is_refused_for_its_ambiguous_dates_not_moved_to_other_months(home, tmp_path):
    from pipelines.validate import ValidationRefused

    rows = [[f"SIG-{700 + d}", f"{d:02d}-11-2026", "Afval", "Zwerfafval", BUURTEN[d % 8]] for d in range(1, 9)]
    rows.append(["SIG-799", "11-13-2026", "Afval", "Zwerfafval", BUURTEN[0]])
    with pytest.raises(ValidationRefused, match="the order of day and month in datum melding is ambiguous"):
        load_file(home, _csv(tmp_path / "meldingen_export.csv", M_HEADER, rows))
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM core.report_ledger").fetchone() == (0,)


def test_a_month_column_holding_us_dates_on_the_first_is_read_by_the_columns_order():
    kind, start = parse_periods(pd.Series(["10/01/2026", "09/01/2026", "10/13/2026", "10/14/2026", "10/15/2026"]))
    assert start.dt.strftime("%Y-%m").tolist()[:2] == ["2026-10", "2026-09"] and start.iloc[2:].isna().all()
    kind, start = parse_periods(pd.Series(["01-10-2026", "01-09-2026"]))           # Dutch: as before
    assert start.dt.strftime("%Y-%m").tolist() == ["2026-10", "2026-09"]


# --- B: a one-cell line under a CSV table --------------------------------------------------------

WIJKTEAM_ROWS = [[b, "2026-10", "eenzaamheid", 3 + i] for i, b in enumerate(BUURTEN)]


@pytest.mark.parametrize("tail, secret", [("\nOpgesteld door Gerrit Brinkhuis\n", "Gerrit Brinkhuis"),
                                          ("Opgesteld door Gerrit Brinkhuis\n", "Gerrit Brinkhuis"),
                                          ("\nvragen: 06-41928375\n", "06-41928375")])
def test_a_footer_line_is_its_own_row_and_the_data_row_above_it_is_untouched(home, tmp_path, tail, secret):
    from tests.adversarial.leaks import find_leaks

    path = _csv(tmp_path / "wijkteam_2026-10.csv", W_HEADER, WIJKTEAM_ROWS, tail)
    result = load_file(home, path, "wijkteam")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (9, 8, 1)
    (row, reason), = _quarantined(home)
    assert row == len(WIJKTEAM_ROWS) + 1 + tail.count("\n") and reason.startswith("holds personal data")
    assert "in Buurtcode" in reason and "Aantal" not in reason
    with connect(home.warehouse) as con:
        last = con.execute("SELECT count FROM core.signal_counts WHERE area_code = ?", [BUURTEN[-1]]).fetchone()
    assert last == (10,)
    assert not find_leaks((secret,), [home.root], texts=[result.describe()])


def test_a_cut_value_after_a_complete_row_is_still_found_whole_in_the_line_after_it(tmp_path):
    """The footer line gets what the scan finds in the row's last value and the line together; the complete row keeps
    its cells. A line that may continue the last value (a digit: "...;06" and "41928375") is read as a cut, as before,
    and so is a last value of text the column holds nowhere else ("...;Gerrit" and "Brinkhuis")."""
    from pipelines.sources.common import read_table

    rows = [*WIJKTEAM_ROWS[:-1], [BUURTEN[-1], "2026-10", "eenzaamheid", "06"]]
    frame = read_table(_csv(tmp_path / "a.csv", W_HEADER, rows, "41928375\n"), wijkteam.ALIASES).data.frame
    assert frame["Aantal"].iloc[-2] == frame["Buurtcode"].iloc[-1] == "06\n41928375"
    frame = read_table(_csv(tmp_path / "b.csv", W_HEADER, WIJKTEAM_ROWS, "Gerrit Brinkhuis\n"),
                       wijkteam.ALIASES).data.frame
    assert frame["Aantal"].iloc[-2] == "10" and "Brinkhuis" in frame["Buurtcode"].iloc[-1]
    # a value of text the column holds on other rows too is whole
    signals = [[b, "2026-10", "eenzaamheid", 3] for b in BUURTEN]
    frame = read_table(_csv(tmp_path / "c.csv", ["Buurtcode", "Maand", "Aantal", "Signaal"],
                            [[b, m, n, s] for b, m, s, n in signals], "Opgesteld door Gerrit Brinkhuis\n"),
                       wijkteam.ALIASES).data.frame
    assert frame["Signaal"].iloc[-2] == "eenzaamheid" and "Brinkhuis" in frame["Buurtcode"].iloc[-1]


# --- C: every line one quoted cell -----------------------------------------------------------------

def _quoted_lines(path, sep=";", header_only=False):
    lines = [sep.join(map(str, r)) for r in [W_HEADER, *WIJKTEAM_ROWS]]
    path.write_text("\n".join(f'"{line}"' if i == 0 or not header_only else line for i, line in enumerate(lines))
                    + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_a_csv_whose_every_line_is_one_quoted_cell_is_refused_saying_so(home, tmp_path, sep):
    path = _quoted_lines(tmp_path / "wijkteam_2026-10.csv", sep)
    with pytest.raises(IngestError) as err:
        load_file(home, path, "wijkteam")
    text = one_sentence(err, "wijkteam_2026-10.csv: each line is one cell in double quotes",
                        "remove the double quotes around each line", "plain CSV")
    assert "does not read as a delimiter" not in text and "BU0118" not in text
    with connect(home.warehouse) as con:
        assert con.execute("SELECT count(*) FROM meta.loads").fetchone() == (0,)


def test_a_quoted_header_line_and_a_row_pasted_into_one_column_are_told_what_they_are(tmp_path):
    import openpyxl

    with pytest.raises(IngestError) as err:
        wijkteam.read(_quoted_lines(tmp_path / "wijkteam_2026-10.csv", header_only=True))
    one_sentence(err, "the header line is one cell in double quotes", "remove the double quotes around the header line")
    wb = openpyxl.Workbook()
    for r in [W_HEADER, *WIJKTEAM_ROWS]:
        wb.active.append([";".join(map(str, r))])
    wb.save(tmp_path / "wijkteam_2026-10.xlsx")
    with pytest.raises(IngestError) as err:
        wijkteam.read(tmp_path / "wijkteam_2026-10.xlsx")
    text = one_sentence(err, "each row's values are in one cell with ';' between them", "Text to Columns")
    assert "does not read as a delimiter" not in text
