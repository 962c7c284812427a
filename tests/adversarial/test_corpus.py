"""The adversarial corpus (``tests/adversarial/corpus.py``): every file, its asserted outcome, and no leaks.

Per case, on a fresh home: refused files end with one sentence (IngestError / ValidationRefused)
holding the case's keywords and leave the warehouse exactly as it was; loaded files reconcile
(read = accepted + quarantined) with the exact counts and quarantine reasons. Always: no planted
personal value appears anywhere under the home (warehouse tables, archive, GX data docs and
stores) nor in the message or the logs, and nothing is written outside the home. All problems of
a case are reported together. The zip bomb runs in a child process with a timeout and memory cap.
A last test runs the real weekly Prefect flow over the privacy cases and scans Prefect's home and
database too.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import reference
from pipelines.catalog.counts import COUNTS_AND_BOUNDS
from pipelines.ingest import ingest_file
from pipelines.paths import REPO_ROOT
from pipelines.sources.common import IngestError
from pipelines.validate import ValidationRefused
from pipelines.warehouse import connect, table_digest
from tests.adversarial.corpus import SEED, Case, cases, write_corpus
from tests.adversarial.leaks import find_leaks
from tests.conftest import TODAY

CASES = cases(SEED)
#: classes whose validation results are also rendered as GX data docs (part of the leak scan).
#: Docs for every case would cost a GX file context per case; privacy and hostile classes matter.
DOCS_CLASSES = ("privacy", "hostile", "baseline")
#: hostile cell values that must never appear unescaped in an HTML page (compared lower-case)
LIVE_MARKUP = ("<script>alert(1)</script>", "<svg/onload=alert(1)>", "<img src=x onerror=alert(1)>")


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("adversarial-corpus")
    write_corpus(folder, SEED)
    return folder


def test_corpus_is_large_and_covers_every_class():
    assert len(CASES) >= 45
    assert len({c.file for c in CASES}) == len(CASES)
    klasses = {c.klass for c in CASES}
    assert len(klasses) >= 15
    for required in ("privacy-unused-columns", "privacy-used-column-rows", "privacy-used-column-most",
                     "privacy-headerless", "privacy-other-sheet", "layout-title-rows", "layout-second-sheet",
                     "layout-no-sheet", "layout-merged-cells", "layout-utf16", "layout-cp1252",
                     "dates-month-names", "dates-8-digits", "dates-utc-offsets", "dates-ambiguous",
                     "counts-not-a-count", "counts-implausible", "file-pdf", "file-empty", "file-wrong-extension",
                     "file-binary", "file-xls", "archive-bomb", "archive-traversal", "archive-symlink",
                     "dump-folder-symlink", "hostile-formula", "hostile-markup", "delivery-duplicate",
                     "sheet-cell-bomb", "xml-entities", "dates-year-boundary", "privacy-evasion",
                     "privacy-file-name", "delivery-number-case", "dates-far-past", "dates-stray-year", "layout-duplicate-columns",
                     "privacy-obfuscated-digits", "privacy-spaced-names", "delivery-ids-like-personal-numbers",
                     "layout-two-tables", "layout-sheet-lacks-one-column",
                     "layout-merged-count", "archive-repeated-member",
                     "layout-mixed-encoding", "file-strict-ooxml",
                     "signalen-cp1252", "text-nul-character", "counts-left-out-of-a-period",
                     "counts-left-out-of-later-periods", "fetched-personal-values", "fetched-unknown-fields",
                     "privacy-library-warnings", "privacy-person-named-folder", "delivery-week-without-reports",
                     "file-ods", "file-compressed", "archive-other-format", "file-encrypted-workbook", "file-xlsm",
                     "text-double-bom", "text-c1-or-surrogates", "dates-month-first",
                     "layout-footer-line", "layout-quoted-lines", "counts-three-decimals", "dates-cbs-period-code",
                     "delivery-other-municipality"):
        assert required in klasses, required
    assert sum(c.klass.startswith("privacy") for c in CASES) >= 15
    assert all(c.secrets for c in CASES if c.klass.startswith("privacy"))
    for c in CASES:
        assert c.expect in ("loaded", "refused") and c.source in ("meldingen", "wijkteam", "schulden", "politie")
        if c.expect == "loaded":
            assert c.rows_read is not None and c.quarantined is not None
            assert c.quarantined * 2 <= c.rows_read, "a loaded case must stay under the 50% refusal share"


def test_corpus_is_deterministic(tmp_path):
    import hashlib

    a = write_corpus(tmp_path / "a", SEED)
    write_corpus(tmp_path / "b", SEED)
    assert a == cases(SEED)

    def digest(p: Path) -> str:
        if p.is_symlink():
            return "link:" + os.readlink(p)
        if p.is_dir():
            return "|".join(f"{q.name}:{digest(q)}" for q in sorted(p.iterdir()))
        return hashlib.sha256(p.read_bytes()).hexdigest()
    assert [digest(tmp_path / "a" / c.file) for c in a] == [digest(tmp_path / "b" / c.file) for c in a]


# ----------------------------------------------------------------------------- helpers

def _listing(folder: Path) -> set[tuple[str, int]]:
    out = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for n in filenames + dirnames:
            p = Path(dirpath) / n
            out.add((str(p.relative_to(folder)), p.lstat().st_size if not p.is_dir() or p.is_symlink() else 0))
    return out


def _escape_targets(case: Case, corpus: Path, home, tmp_path: Path) -> list[Path]:
    targets = []
    for member in case.escapes:
        if member.startswith("/"):
            targets.append(Path(member))
        for base in (corpus, home.root, home.archive, home.archive / case.source, home.root / "tmp", Path.cwd(),
                     REPO_ROOT, tmp_path, home.docs):
            targets.append(Path(os.path.normpath(base / member.lstrip("/"))))
            targets.append(Path(os.path.normpath(base / member)))
    return sorted(set(targets))


def _state(paths: list[Path]) -> dict[Path, float | None]:
    return {p: (p.lstat().st_mtime if os.path.lexists(p) else None) for p in paths}


def _symlinks_under(root: Path) -> list[str]:
    return [str(Path(d) / n) for d, dirs, files in os.walk(root, followlinks=False) for n in dirs + files
            if (Path(d) / n).is_symlink()]


def _says(message: str, keyword: str) -> bool:
    """The keyword occurs in the message (file name removed); "xls" must not be just "xlsx"."""
    if keyword == "xls":
        return re.search(r"xls(?!x)", message) is not None
    return keyword in message


def _fetched(case: Case, folder: Path, home, ref) -> Path:
    """The payload ``folder`` served by a real local OData service and fetched from it as ``wijkradar ingest
    --source <source> <url>`` does; returns the archived payload folder."""
    from pipelines.sources import SOURCES
    from tests.pipelines.odata_server import TABLE, Service

    entities = {f"{TABLE}/{page.name.split('.')[0]}": json.loads(page.read_text())["value"]
                for page in sorted(folder.glob("*.json"))}
    with Service(entities, filtering=False) as svc:     # a mirror that sends rows no filter asked for
        return SOURCES[case.source].fetch(svc.base, "GM0118", ref, home.archive, backoff=0.01)


def _one_line(message: str) -> bool:
    return "\n" not in message.strip()


#: inputs that could exhaust memory or hang if their guard failed: ingested in a child process capped at 4 GiB
ISOLATED = ("archive-bomb", "sheet-cell-bomb", "text-padded-cells")


def _run_isolated(case: Case, path: Path, home) -> tuple[str, str, dict]:
    """The ingest in a child process (zip bomb, cell bomb): returns (message, captured output, outcome dict)."""
    cmd = [sys.executable, "-m", "tests.adversarial._isolated", str(home.root), str(path), case.source,
           str(TODAY.date())]
    try:
        done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=180,
                              env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return "", out, {"outcome": "timeout"}
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    outcome = json.loads(lines[-1]) if lines else {"outcome": "crashed", "message": done.stderr[-2000:],
                                                   "type": f"exit {done.returncode}"}
    return outcome.get("message", ""), done.stdout + done.stderr, outcome


# ----------------------------------------------------------------------------- the corpus, case by case

@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_adversarial_case(case: Case, corpus_dir: Path, home, ref, caplog, tmp_path, recwarn):
    caplog.set_level(logging.DEBUG)
    path = corpus_dir / case.file
    docs = home.docs if case.klass.startswith(DOCS_CLASSES) else None
    corpus_before = _listing(corpus_dir)
    tmp_before = {p.name for p in tmp_path.iterdir()}
    escapes = _escape_targets(case, corpus_dir, home, tmp_path)
    escapes_before = _state(escapes)
    problems: list[str] = []
    message, extra_text = "", ""

    if case.klass in ISOLATED:
        message, extra_text, out = _run_isolated(case, path, home)
        if out["outcome"] == "timeout":
            problems.append("the ingest did not finish within 180 s (the archive was inflated?)")
        elif case.expect == "loaded":
            got = (out["outcome"], out.get("rows_read"), out.get("rows_quarantined"))
            if got != ("loaded", case.rows_read, case.quarantined):
                problems.append(f"expected loaded, {case.rows_read} read, {case.quarantined} quarantined; got {got} "
                                f"{out.get('type', '')} {message[:300]!r}")
        elif out["outcome"] != "refused":
            problems.append(f"expected a refusal, got {out['outcome']}: {out.get('type', '')} {message[:300]!r}")
        elif missing := [k for k in case.keywords if not _says(message.lower(), k)]:
            problems.append(f"the message lacks {missing}: {message!r}")
        if out["outcome"] != "timeout" and case.expect == "refused" and not out.get("unchanged", False):
            problems.append("the warehouse changed although the file was refused")
    else:
        with connect(home.warehouse) as con:
            reference.sync(con, ref)
            before = table_digest(con)
            result, error = None, None
            try:
                if case.served:
                    path = _fetched(case, path, home, ref)
                result = ingest_file(con, path, case.source, ref, home.archive, today=TODAY, docs_root=docs)
            except (IngestError, ValidationRefused) as exc:
                error = exc
                message = str(exc)
            except Exception as exc:  # noqa: BLE001 - any other exception is a finding
                error = exc
                message = str(exc)
                problems.append(f"crashed with {type(exc).__name__} (not IngestError/ValidationRefused): "
                                f"{message[:300]!r}")
            if case.expect == "refused":
                if result is not None:
                    problems.append(f"expected a refusal, but it loaded: {result.describe()}")
                elif isinstance(error, (IngestError, ValidationRefused)):
                    if not _one_line(message):
                        problems.append(f"the message is not one line: {message!r}")
                    said = message.lower().replace(case.file.lower(), "").replace(Path(case.file).stem.lower(), "")
                    missing = [k for k in case.keywords if not _says(said, k)]
                    if missing:
                        problems.append(f"the message lacks {missing}: {message!r}")
                if table_digest(con) != before:
                    problems.append("the warehouse changed although the file was refused")
            elif result is None:
                if isinstance(error, (IngestError, ValidationRefused)):
                    problems.append(f"expected to load, but it was refused: {message!r}")
            else:
                q = con.execute("SELECT row_number, reason FROM quarantine.rows WHERE load_id = ? ORDER BY 1",
                                [result.load_id]).fetchall()
                load = con.execute("SELECT rows_read, rows_accepted, rows_quarantined FROM meta.loads "
                                   "WHERE load_id = ?", [result.load_id]).fetchone()
                if result.skipped:
                    problems.append("the first load was skipped")
                if result.rows_read != case.rows_read:
                    problems.append(f"rows_read {result.rows_read}, expected {case.rows_read}")
                if result.rows_quarantined != case.quarantined:
                    problems.append(f"rows_quarantined {result.rows_quarantined}, expected {case.quarantined}; "
                                    f"reasons: {sorted({r for _, r in q})}")
                if result.rows_read != result.rows_accepted + result.rows_quarantined:
                    problems.append(f"does not reconcile: {result.describe()}")
                if load != (result.rows_read, result.rows_accepted, result.rows_quarantined):
                    problems.append(f"meta.loads {load} differs from the LoadResult {result}")
                if len(q) != result.rows_quarantined:
                    problems.append(f"{len(q)} quarantine rows, LoadResult says {result.rows_quarantined}")
                wrong = [(n, r) for n, r in q if case.reason.lower() not in r.lower()]
                if wrong:
                    problems.append(f"quarantine reasons without {case.reason!r}: {wrong[:5]}")
                if case.partial:
                    partial = {f"{a}|{m}" for a, m in con.execute(
                        "SELECT DISTINCT area_code, strftime(period_start, '%Y-%m') FROM "
                        f"({COUNTS_AND_BOUNDS}) WHERE partial AND source = ?", [case.source]).fetchall()}
                    if partial != set(case.partial):
                        problems.append(f"lower bounds {sorted(partial)}, expected {sorted(case.partial)}")
                if case.again:
                    again = ingest_file(con, corpus_dir / case.again, case.source, ref, home.archive, today=TODAY,
                                        docs_root=docs)
                    if not again.skipped:
                        problems.append(f"the same bytes under another name were loaded again: {again.describe()}")

    # nothing written outside the home
    if _listing(corpus_dir) != corpus_before:
        problems.append(f"the corpus folder changed: {sorted(_listing(corpus_dir) ^ corpus_before)[:5]}")
    new_in_tmp = {p.name for p in tmp_path.iterdir()} - tmp_before
    if new_in_tmp:
        problems.append(f"files appeared next to the home: {sorted(new_in_tmp)}")
    for p, mtime in _state(escapes).items():
        if mtime is not None and mtime != escapes_before[p]:
            problems.append(f"an archive member was written outside the home: {p}")
        elif mtime is not None:
            problems.append(f"{p} exists (left by an earlier run?); remove it and rerun")
    links = _symlinks_under(home.root)
    if links:
        problems.append(f"symbolic links stored under the home: {links[:5]}")

    if case.klass.startswith("hostile") and home.docs.exists():
        live = [f"{h.relative_to(home.root)}: {m}" for h in home.docs.rglob("*.html")
                for m in LIVE_MARKUP if m in h.read_text(encoding="utf-8", errors="replace").lower()]
        if live:
            problems.append(f"hostile cells rendered as live markup in the data docs: {live[:5]}")

    # a library's warnings (openpyxl's quote cells) go to stderr, which a scheduled job keeps; and where a held load of
    # the file would be kept (its folder may be a person's login)
    from pipelines.ingest import held_place

    said = [str(w.message) for w in recwarn] + [held_place(path)]
    leaks = find_leaks(case.secrets, [home.root], texts=[message, caplog.text, extra_text, *said])
    if leaks:
        problems.append(f"{len(leaks)} leak(s) of planted personal values: " + "; ".join(leaks[:8]))
    assert not problems, f"[{case.klass}] {case.file}:\n  - " + "\n  - ".join(problems)


# ----------------------------------------------------------------------------- the real weekly flow

FLOW_FILES = ["meldingen_privacy_melderkolommen.csv", "wijkteam_privacy_clienten.xlsx", "schulden_privacy_bsn_kolom.csv",
              "meldingen_adres_in_buurtcode.csv", "meldingen_adressen_als_buurtcode.csv", "meldingen_zonder_kop.csv",
              "wijkteam_verborgen_blad.xlsx", "meldingen_signalen_privacy.zip", "meldingen_baseline.csv",
              "wijkteam_baseline.xlsx", "schulden_baseline.csv", "meldingen_verhulde_gegevens_2.csv",
              # the first file of each of these classes (each file is checked in a home of its own above; here
              # Prefect's database and logs are the question, which one file a class answers)
              *{c.klass: c.file for c in reversed(CASES) if c.klass in (
                  "privacy-file-name", "privacy-obfuscated-digits", "privacy-spaced-names",
                  "delivery-ids-like-personal-numbers", "privacy-new-notations", "privacy-round2-names",
                  "privacy-round2-forms", "privacy-round3-prefilter", "privacy-round3-notations", "privacy-round3-labels",
                  "privacy-round4-particles", "privacy-round4-numbers", "privacy-round4-plates",
                  "privacy-pseudonym-shaped", "privacy-round8-forms")}.values()]


def _prefect_database_folder() -> list[Path]:
    import prefect.settings as ps

    url = str(ps.PREFECT_SERVER_DATABASE_CONNECTION_URL.value() or "")
    if url.startswith("sqlite") and ":///" in url:
        return [Path(url.split(":///", 1)[1]).parent]
    return []


@pytest.mark.flow
def test_weekly_flow_over_privacy_cases_leaks_nothing(corpus_dir, home, prefect_harness, caplog, capfd):
    from pipelines.flows import weekly, weekly_result

    caplog.set_level(logging.DEBUG)
    by_name = {c.file: c for c in CASES}
    secrets = sorted({s for f in FLOW_FILES for s in by_name[f].secrets})
    assert len(secrets) > 50
    for name in FLOW_FILES:
        shutil.copy2(corpus_dir / name, home.inbox / name)
    error = ""
    try:
        state = weekly(home=str(home.root), today="2026-11-26", return_state=True)
        result = weekly_result(state)           # Failed: it refused files, said in its message (checked below)
        outcome = json.dumps({"refused": result.refused, "loads": [ld.describe() for ld in result.loads]})
    except Exception as exc:  # noqa: BLE001 - a crash is reported, after the leak scan
        result, outcome, error = None, "", f"{type(exc).__name__}: {exc}"
    try:
        from prefect.logging.handlers import APILogHandler

        APILogHandler.flush()
    except Exception:  # noqa: BLE001 - best effort: the logs may already be written
        pass
    out, err = capfd.readouterr()
    roots = [p for p in home.root.iterdir() if p.name != "inbox"]           # the inbox holds the inputs themselves
    roots += [Path(os.environ["PREFECT_HOME"]), *_prefect_database_folder()]
    leaks = find_leaks(secrets, roots, texts=[outcome, error, caplog.text, out, err])
    assert not leaks, f"{len(leaks)} leak(s):\n" + "\n".join(leaks[:20])
    assert not error, f"the weekly flow crashed: {error}"
    expected_refused = {c.file for c in (by_name[f] for f in FLOW_FILES) if c.expect == "refused"}
    assert set(result.refused) == expected_refused, result.refused
    assert state.is_failed() and f"{len(expected_refused)} file(s) of the inbox refused: " in state.message


def test_find_leaks_finds_planted_values_in_every_kind_of_store(tmp_path):
    """The scanner itself must not be vacuous: one secret planted per kind of store is found."""
    import sqlite3
    import zipfile

    import duckdb

    secrets = ["Jan de Vries", "j.devries12@ziggo.nl", "+31 6 12345678", "123 456 782", "Kerkweg 14 bis",
               "Anna Smit", "Henk Bosma", "Sanne Mulder"]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.t (v VARCHAR); INSERT INTO raw.t VALUES ('x Jan de Vries y')")
    con.close()
    lite = sqlite3.connect(tmp_path / "prefect.db")
    lite.execute("CREATE TABLE log (message TEXT)")
    lite.execute("INSERT INTO log VALUES ('mail j.devries12@ziggo.nl')")
    lite.commit()
    lite.close()
    (tmp_path / "n.csv").write_text("tel 0612345678\n")                       # national form of +31 6 12345678
    (tmp_path / "b.txt").write_bytes("bsn 123456782".encode("utf-16"))        # digits only, UTF-16
    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as z:
        z.writestr("xl/sharedStrings.xml", "<t>KERKWEG14BIS</t>")              # de-spaced, upper-cased
    (tmp_path / "d.html").write_text("<td>Anna&#32;Smit</td>")
    import pandas as pd
    pd.DataFrame({"v": ["Henk Bosma"]}).to_parquet(tmp_path / "p.parquet")
    found = find_leaks(secrets, [tmp_path], texts=["log: Sanne Mulder"])
    for s in secrets:
        assert any(repr(s) in line for line in found), (s, found)
    assert find_leaks(["Piet Zonder"], [tmp_path]) == []
