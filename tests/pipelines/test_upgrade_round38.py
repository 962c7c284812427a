"""A working folder made by an older wijkradar, used by today's (round 38): what today's code finds again of it."""
from pipelines import runs
from pipelines.warehouse import connect


def test_a_run_made_by_the_logic_before_round_38_is_not_found_again(tmp_path, ref, monkeypatch):
    """The lists' own recent month per domain (f0d13c0), a level factor kept at its bound (d604934) and the risk's
    rules for a stopped or gappy source (9d096ae, 0e694ca, ee2eae7) change the lists and Preventief in beeld of the
    same inputs, without a bump: a home whose week was run by the code of 2026-12-01 (LOGIC_VERSION 20) was told
    'no new input for its period since run ...; lists unchanged' and kept the lists without those fixes."""
    with connect(tmp_path / "warehouse.duckdb") as con:
        today = runs.run_key(con, ref, "2026-W49")[0]
        monkeypatch.setattr(runs, "LOGIC_VERSION", "20")     # the key yesterday's code gave the same inputs
        yesterday = runs.run_key(con, ref, "2026-W49")[0]
    assert yesterday != today
