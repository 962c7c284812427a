"""wijkradar detect reads semicolon-separated count files (Dutch Excel) as it reads comma-separated ones."""
import numpy as np
import pandas as pd
import pytest

from pipelines.detect import detect_file


def counts(n_periods=190):
    rng = np.random.default_rng(3)
    rows = [(s, r, t, int(rng.poisson(4))) for s in ("BU01", "007") for r in (1, 2) for t in range(1, n_periods + 1)]
    return pd.DataFrame(rows, columns=["series", "replicate", "period_index", "count"])


@pytest.mark.parametrize("sep, excel_hint", [(";", False), (";", True), ("\t", False)])
def test_other_delimiters_give_the_same_alarms_as_comma(tmp_path, sep, excel_hint):
    frame = counts()
    frame.to_csv(tmp_path / "comma.csv", index=False)
    text = frame.to_csv(index=False, sep=sep)
    (tmp_path / "other.csv").write_text(f"sep={sep}\n{text}" if excel_hint else text, encoding="utf-8")
    for name in ("comma", "other"):
        detect_file(tmp_path / f"{name}.csv", tmp_path / f"{name}_alarms.csv", method="noufaily", eval_start=175)
    comma = (tmp_path / "comma_alarms.csv").read_bytes()
    assert (tmp_path / "other_alarms.csv").read_bytes() == comma
    got = pd.read_csv(tmp_path / "comma_alarms.csv", dtype={"series": str})
    assert set(got["series"]) == {"BU01", "007"} and len(got) == 4 * 16    # ids kept as text, leading zero too


def test_scoring_in_two_worker_processes_writes_the_same_file(tmp_path, monkeypatch):
    import pipelines.detect as detect

    monkeypatch.setattr(detect, "PARALLEL_FROM", 2)          # the 4 series of this file are shared by 2 workers
    counts().to_csv(tmp_path / "counts.csv", index=False)
    detect_file(tmp_path / "counts.csv", tmp_path / "one.csv", eval_start=150, workers=1)
    detect_file(tmp_path / "counts.csv", tmp_path / "two.csv", eval_start=150, workers=2)
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert len(pd.read_csv(tmp_path / "two.csv")) == 4 * 41


def test_series_ids_that_look_like_formulas_are_written_as_text(tmp_path):
    frame = counts()
    frame["series"] = frame["series"].map({"BU01": '=HYPERLINK("http://x","klik")', "007": "-12"})
    frame.to_csv(tmp_path / "counts.csv", index=False)
    detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", method="noufaily", eval_start=175)
    got = pd.read_csv(tmp_path / "alarms.csv", dtype={"series": str})
    # a formula gets a leading apostrophe; a plain number written as text stays as it is
    assert set(got["series"]) == {'\'=HYPERLINK("http://x","klik")', "-12"}
    assert got["alarm"].dtype == bool and len(got) == 4 * 16


@pytest.mark.parametrize("column, value, kind", [("series", "j.jansen@example.nl", "e-mail"),
                                                 ("series", "06-12345678", "telefoonnummer"),
                                                 ("bsn", "7", "bsn")])
def test_ids_that_hold_personal_data_are_refused_and_not_echoed(tmp_path, column, value, kind):
    from pipelines.detect import DetectInputError

    frame = counts()
    if column == "series":
        frame["series"] = frame["series"].replace("007", value)
    else:
        frame.insert(1, column, value)           # an extra id column whose header is personal
    frame.to_csv(tmp_path / "counts.csv", index=False)
    with pytest.raises(DetectInputError, match=f"column {column} looks like personal data \\({kind}") as err:
        detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", method="noufaily", eval_start=175)
    assert value not in str(err.value) or column != "series"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.csv"]


def _variants(frame):
    text = frame.to_csv(index=False)
    dated = frame.assign(replicate=np.where(frame["replicate"] == 1, "2024-01-01", "2024-01-02"))
    return {"crlf": frame.to_csv(index=False, lineterminator="\r\n"), "bom": "\ufeff" + text,
            "quoted": frame.to_csv(index=False, quoting=1),
            "spaces": frame.assign(count=" " + frame["count"].astype(str)).to_csv(index=False),
            "blank lines": text.replace("\n", "\n\n", 5), "dates as ids": dated.to_csv(index=False),
            "decimals": frame.assign(count=frame["count"].astype(float)).to_csv(index=False)}


@pytest.mark.parametrize("variant", sorted(_variants(counts(3))))
def test_the_fast_reader_gives_what_pandas_parser_gives(tmp_path, monkeypatch, variant):
    """Arrow reads the file first; every layout must come out as pandas' own parser reads it."""
    (tmp_path / "in.csv").write_text(_variants(counts())[variant], encoding="utf-8")
    detect_file(tmp_path / "in.csv", tmp_path / "fast.csv", method="noufaily", eval_start=175, workers=1)
    original = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, engine=None, **k: original(*a, **k))
    detect_file(tmp_path / "in.csv", tmp_path / "pandas.csv", method="noufaily", eval_start=175, workers=1)
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


@pytest.mark.parametrize("text, message", [("series,period_index,count\n", "no data rows"),
                                           ("series,period_index,count\nA,1,3,\nA,2,4,\n", "more fields than the header")])
def test_a_file_without_rows_or_with_a_field_too_many_is_refused_with_a_message(tmp_path, text, message):
    from pipelines.detect import DetectInputError

    (tmp_path / "counts.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DetectInputError, match=message):
        detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.csv"]


@pytest.mark.parametrize("head", [b"series,period_index,count", b",", b"sep=,\nseries,period_index,count"])
def test_a_header_without_a_line_break_in_its_first_megabyte_is_refused_without_reading_it(tmp_path, head):
    import tracemalloc

    from pipelines.detect import DetectInputError

    with open(tmp_path / "counts.csv", "wb") as fh:         # 300 MB, most of it a hole: a header line that never ends
        fh.write(head)
        fh.seek(300 * 2**20)
        fh.write(b",x\nA,1,3\n")
    warm = tmp_path / "warm" / "counts.csv"                 # the same refusal once on a small file: the detectors'
    warm.parent.mkdir()                                     # loading (tens of MB) is not counted as reading the file
    warm.write_bytes(head + b"x" * (2**20 + 10))
    with pytest.raises(DetectInputError):
        detect_file(warm, warm.with_name("alarms.csv"))
    tracemalloc.start()
    with pytest.raises(DetectInputError, match="the header line has no line break in its first 1 MB"):
        detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # not read: the peak stays far below the file's 300 MB (memory, not a timing: timings fail on a busy machine)
    assert peak < 50 * 2**20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.csv", "warm"]


def test_a_header_of_too_many_columns_or_a_data_line_too_long_is_refused(tmp_path):
    from pipelines.detect import DetectInputError

    (tmp_path / "wide.csv").write_text("series,period_index,count," + ",".join(f"c{i}" for i in range(1000)) + "\nA,1,3\n")
    with pytest.raises(DetectInputError, match="the header has more than 1,000 columns"):
        detect_file(tmp_path / "wide.csv", tmp_path / "alarms.csv")
    (tmp_path / "long.csv").write_bytes(b"series,period_index,count\nA,1,3\n" + b"," * (3 * 2**20) + b"\n")
    with pytest.raises(DetectInputError, match="a line is longer than 1 MB"):
        detect_file(tmp_path / "long.csv", tmp_path / "alarms.csv")
    assert not (tmp_path / "alarms.csv").exists()


def test_an_id_column_name_that_looks_like_a_formula_is_written_as_text(tmp_path):
    frame = counts()
    frame = frame.rename(columns={"replicate": '=HYPERLINK("http://e")'})
    frame.to_csv(tmp_path / "counts.csv", index=False)
    detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv", method="noufaily", eval_start=175, workers=1)
    header = (tmp_path / "alarms.csv").read_text().splitlines()[0]
    assert header.startswith('"series","\'=HYPERLINK(""http://e"")","period_index"')
    got = pd.read_csv(tmp_path / "alarms.csv")
    assert list(got.columns[:2]) == ["series", '\'=HYPERLINK("http://e")'] and set(got.iloc[:, 1]) == {1, 2}


@pytest.mark.parametrize("period", ["1e30", "99999999999999999999"])
def test_a_period_index_beyond_int64_is_refused_not_wrapped(tmp_path, period):
    from pipelines.detect import DetectInputError

    (tmp_path / "counts.csv").write_text(f"series,period_index,count\na,1,2\na,{period},1\n", encoding="utf-8")
    with pytest.raises(DetectInputError, match="period_index must be a whole number >= 1 \\(below 2\\*\\*63\\); data row\\(s\\) 2"):
        detect_file(tmp_path / "counts.csv", tmp_path / "alarms.csv")
