"""A source risen in every buurt at once is said once on every list and in the log, not listed in each buurt
(red team 7b F2: a new reporting app doubled the meldingen, 41 of 48 buurten were listed for eight months)."""
import logging

import pandas as pd

from pipelines.warehouse import connect
from tests.conftest import demo_signal_counts, fill_counts


def test_a_signal_doubled_in_every_buurt_is_said_once_on_the_lists_and_its_buurten_are_not_listed_for_it(
        ref, tmp_path, caplog):
    from pipelines.export import export_run
    from pipelines.paths import resolve_home
    from pipelines.runs import read_flags, score_and_flag
    from pipelines.catalog.runs import run_loads_and_settings

    home = resolve_home(tmp_path / "home")
    counts = demo_signal_counts(ref)
    starts = pd.to_datetime(counts["period_start"])
    last = starts[counts["period"] == "week"].max()
    step = (counts["signal"] == "zwerfafval") & (counts["period"] == "week") & (starts > last - pd.Timedelta(weeks=12))
    counts.loc[step, "count"] *= 2              # a new reporting app, 12 weeks before the run's week
    counts = counts[counts["count"] > 0]
    with connect(home.warehouse) as con, caplog.at_level(logging.WARNING, logger="wijkradar.runs"):
        fill_counts(con, ref, counts)
        run = score_and_flag(con, ref, today=last + pd.Timedelta(days=7))
        settings, _ = run_loads_and_settings(con, run.run_id)
        flags = read_flags(con, run.run_id)
        paths = export_run(con, home, run)
    (shift,) = settings["shared_shifts"]["GM0118"]
    assert shift["signal"] == "zwerfafval" and 1.6 < shift["factor"] < 2.6
    assert pd.Timestamp(shift["since"]) <= last - pd.Timedelta(weeks=8)
    said = [r.getMessage() for r in caplog.records if "shared shift" in r.getMessage()]
    assert len(said) == 1
    assert said[0].startswith("GM0118: shared shift, risen in most buurten at once: Litter (zwerfafval, x")
    # the physical rows of the run's week: the demo's own lists hold 11 (its events, opgelost included); with the
    # doubling judged in each buurt they held 20
    assert (flags["domain"] == "physical").sum() <= 15
    for files in paths.values():
        table = pd.read_csv(next(p for p in files if p.suffix == ".csv"), sep=";", dtype=str,
                            encoding="utf-8-sig").fillna("")
        assert table["Toelichting"].iloc[0].startswith(
            "In de meeste buurten van de gemeente tegelijk hoger: zwerfafval (")
        html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
        assert "In de meeste buurten van de gemeente tegelijk hoger" in html
    # explain shows the series' own figures: it says the buurt was judged against the shift, and calls no alarm of
    # the series one the lists took (it read "alarm ja", p 5e-08, for buurten on no list: red team 10c F4)
    from typer.testing import CliRunner

    from pipelines.cli import app
    with connect(home.warehouse) as con:
        alarmed = con.execute("SELECT area_code FROM marts.series_scores WHERE signal = 'zwerfafval' AND alarm "
                              "AND period_start = ? ORDER BY pvalue LIMIT 1", [last.to_pydatetime()]).fetchall()
    assert alarmed
    res = CliRunner().invoke(app, ["--home", str(home.root), "explain", alarmed[0][0]], env={"COLUMNS": "300"})
    assert res.exit_code == 0, res.output
    rows = [line for line in res.output.splitlines() if line.lstrip("│ ").startswith("Zwerfafval")]
    assert rows and all("│ gemeentebreed │" in line and "│ ja │" not in line for line in rows), res.output
    factor = f"{shift['factor']:.1f}".replace(".", ",")
    assert f"│ gemeentebreed {factor}" in res.output and "verschoven" in res.output
