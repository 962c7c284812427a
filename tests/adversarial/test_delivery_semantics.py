"""Delivery semantics of resident reports (meldingen): a ledger keyed by Meldingnummer.

Target: a report seen again replaces its earlier version and is never counted twice; counts are
derived from the ledger; an ordinary delivery retracts nothing. A correction file is named
``meldingen_correctie_*.csv`` (same columns). So, whatever the order, overlap and repetition of
deliveries, the counts equal those of loading the union of all reports once.

Property (hypothesis): a pool of <= 30 reports split into 2-4 overlapping deliveries, loaded in a
random order with repetitions (identical bytes, or with one extra blank line so the content hash
differs) == the union loaded once. Scenario 1 (the issue): a late report and one of this week
after a big export add exactly 2 and lower no count. Scenario 2: quarantined rows corrected by a
correction file loaded twice (second time with a blank line) rise the counts once; loading the
correction before the export ends in the same counts.
"""
from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from pipelines import reference
from pipelines.ingest import ingest_file
from pipelines.paths import resolve_home
from pipelines.warehouse import connect
from tests.adversarial.corpus import BUURTEN, CATEGORIES, MELDINGEN_HEADER, _delimited
from tests.conftest import TODAY

FIRST, LAST = date(2021, 12, 1), date(2026, 11, 25)
# hypothesis keeps caches in ./.hypothesis (the repo); keep them in a temporary folder instead
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="wijkradar-hypothesis-"))


def _reports(rng: random.Random, n: int, first: date = FIRST, last: date = LAST, start_id: int = 10000) -> list[list[str]]:
    rows = []
    for i in range(n):
        d = first + timedelta(days=rng.randint(0, (last - first).days))
        hoofd, sub = rng.choice(CATEGORIES)
        rows.append([f"SIG-{start_id + i}", d.strftime("%d-%m-%Y"), hoofd, sub, rng.choice(BUURTEN)])
    return rows


def _write(path: Path, rows: list[list[str]], blank_line: bool = False) -> Path:
    text = _delimited(MELDINGEN_HEADER, rows)
    path.write_text(text + ("\n" if blank_line else ""), encoding="utf-8")
    return path


def _counts(con) -> dict[tuple, int]:
    rows = con.execute("SELECT area_code, signal, period_start, count FROM core.signal_counts "
                       "WHERE source = 'meldingen'").fetchall()
    return {(a, s, str(p)): int(c) for a, s, p, c in rows}


class Warehouse:
    """A fresh home and warehouse in a temporary folder (one per hypothesis example)."""

    def __init__(self, ref):
        self.tmp = tempfile.TemporaryDirectory(prefix="wijkradar-ledger-")
        self.root = Path(self.tmp.name)
        self.home = resolve_home(self.root / "home")
        self.files = self.root / "files"
        self.files.mkdir()
        self.ref = ref
        self.cm = connect(self.home.warehouse)
        self.con = self.cm.__enter__()
        reference.sync(self.con, ref)

    def load(self, path: Path):
        return ingest_file(self.con, path, "meldingen", self.ref, self.home.archive, today=TODAY)

    def counts(self) -> dict[tuple, int]:
        return _counts(self.con)

    def close(self):
        self.cm.__exit__(None, None, None)
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ----------------------------------------------------------------------------- property

@st.composite
def deliveries(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    n = draw(st.integers(4, 30))
    if draw(st.booleans()):                  # a narrow window: deliveries share periods
        last = LAST - timedelta(days=draw(st.integers(0, 300)))
        first = last - timedelta(days=draw(st.integers(7, 60)))
    else:
        first, last = FIRST, LAST
    pool = _reports(rng, n, first, last)
    k = draw(st.integers(2, 4))
    subsets = [draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True)) for _ in range(k)]
    order = [(i, False) for i in draw(st.permutations(range(k)))]
    extra = draw(st.lists(st.tuples(st.integers(0, k - 1), st.booleans()), max_size=4))
    for item in extra:
        order.insert(draw(st.integers(0, len(order))), item)
    return pool, subsets, order


#: no shrinking: each example costs seconds (two warehouses, up to 8 loads); a failing plan is small anyway
@settings(max_examples=6, deadline=None, database=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plan=deliveries())
def test_any_order_overlap_and_repetition_of_deliveries_counts_the_union_once(ref, plan):
    pool, subsets, order = plan
    with Warehouse(ref) as wh:
        log = []
        for i, blank in order:
            rows = [pool[j] for j in subsets[i]]
            path = _write(wh.files / f"meldingen_levering_{i}{'_b' if blank else ''}.csv", rows, blank)
            r = wh.load(path)
            log.append(r.describe())
        got = wh.counts()
    union = sorted({j for s in subsets for j in s})
    with Warehouse(ref) as fresh:
        fresh.load(_write(fresh.files / "meldingen_unie.csv", [pool[j] for j in union]))
        want = fresh.counts()
    assert got == want, (
        f"after {len(order)} loads (order {order}) the counts differ from the union loaded once: "
        f"total {sum(got.values())} vs {sum(want.values())}; differing cells "
        f"{sorted((k, got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k))[:6]}; "
        f"loads: {log}"
    )


# ----------------------------------------------------------------------------- scenario 1: the issue

def test_a_late_report_and_one_of_this_week_add_exactly_two_and_lower_nothing(ref):
    rng = random.Random(2026)
    export = _reports(rng, 600)
    with Warehouse(ref) as wh:
        first = wh.load(_write(wh.files / "meldingen_export_2021-12_2026-11.csv", export))
        assert first.rows_read == 600 and first.rows_quarantined == 0
        before = wh.counts()
        this_week = (TODAY - pd.Timedelta(days=TODAY.weekday()) + pd.Timedelta(days=1)).strftime("%d-%m-%Y")
        late = [["SIG-90001", "06-12-2021", "Afval", "Zwerfafval", "BU01185000"],
                ["SIG-90002", this_week, "Afval", "Grofvuil", "BU01185001"]]
        second = wh.load(_write(wh.files / "meldingen_2026-W48.csv", late))
        assert second.rows_accepted == 2
        after = wh.counts()
    assert sum(after.values()) == sum(before.values()) + 2, (
        f"total went from {sum(before.values())} to {sum(after.values())}; expected +2")
    lowered = {k: (v, after.get(k, 0)) for k, v in before.items() if after.get(k, 0) < v}
    assert not lowered, f"{len(lowered)} counts went down, e.g. {sorted(lowered.items())[:5]}"
    assert after[("BU01185000", "zwerfafval", "2021-12-06")] == before.get(("BU01185000", "zwerfafval", "2021-12-06"), 0) + 1


# ----------------------------------------------------------------------------- scenario 2: corrections

BAD = {2: "BU01189999", 7: "GM0118", 13: "BU0118XXXX"}       # row index -> an invalid Buurtcode


def _export_and_correction():
    rng = random.Random(48)
    rows = _reports(rng, 20, date(2026, 9, 1), date(2026, 11, 20), start_id=70000)
    fixed = [list(rows[i]) for i in BAD]
    broken = [list(r) for r in rows]
    for i, code in BAD.items():
        broken[i][4] = code
    return broken, fixed


def test_a_correction_loaded_twice_counts_once_and_order_does_not_matter(ref):
    broken, fixed = _export_and_correction()
    with Warehouse(ref) as wh:
        loaded = wh.load(_write(wh.files / "meldingen_export_2026-11.csv", broken))
        assert loaded.rows_quarantined == len(BAD)
        after_export = wh.counts()
        wh.load(_write(wh.files / "meldingen_correctie_2026-11.csv", fixed))
        after_correction = wh.counts()
        again = wh.load(_write(wh.files / "meldingen_correctie_2026-11_opnieuw.csv", fixed, blank_line=True))
        assert not again.skipped, "the correction with a blank line added has other bytes; it must be loaded, not skipped"
        after_again = wh.counts()
    assert sum(after_correction.values()) == sum(after_export.values()) + len(BAD)
    assert after_again == after_correction, (
        f"loading the correction a second time changed the counts: total {sum(after_correction.values())} -> "
        f"{sum(after_again.values())}")
    with Warehouse(ref) as rev:
        rev.load(_write(rev.files / "meldingen_correctie_2026-11.csv", fixed))
        rev.load(_write(rev.files / "meldingen_export_2026-11.csv", broken))
        reversed_counts = rev.counts()
    assert reversed_counts == after_again, (
        f"correction before export ends in total {sum(reversed_counts.values())}, after export in "
        f"{sum(after_again.values())}")
