"""OData connectors against a real local server that answers like a broken or hostile service.

Each refusal is one sentence naming the service, never the answer's content; nothing is archived or
loaded; and every wait is bounded (endless next links, trickled bytes, silence, huge answers).
"""
import email.utils
import gzip
import json
import logging
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from pipelines import reference
from pipelines.cli import app
from pipelines.sources import odata, politie
from pipelines.sources.common import IngestError
from pipelines.sources.odata import SourceUnreachable, fetch_pages
from pipelines.warehouse import connect, table_digest
from tests.pipelines.odata_server import Service, make_rows, politie_entities

PERSONAL = "Contact jan.jansen@cbs.nl 06-12345678"
FAST = {"backoff": 0.01, "timeout": 0.5, "deadline": 1.0, "budget": 2.0}


class Hostile:
    """Serves ``/<mode>/ODataApi/OData/<table>/<entity>``: the real politie payload in mode ``ok``, else one way
    of misbehaving per mode."""

    def __init__(self):
        self.entities = politie_entities(make_rows(["BU01185000", "BU01185001"]))
        self.requests: list[str] = []
        self.encodings: list[str | None] = []
        self.counts: dict[str, int] = {}                # requests per mode and entity set
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def base(self, mode: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server.server_address[1]}/{mode}/ODataApi/OData"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, code, body, ctype="application/json", headers=(), length=True):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                for k, v in headers:
                    self.send_header(k, v)
                if length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                hostile.requests.append(self.path)
                hostile.encodings.append(self.headers.get("Accept-Encoding"))
                url = urllib.parse.urlsplit(self.path)
                mode = url.path.strip("/").split("/")[0]
                table, entity = url.path.rstrip("/").split("/")[-2:]
                rows = hostile.entities.get(f"{table}/{entity}", [])
                skip = int(urllib.parse.parse_qs(url.query).get("$skip", ["0"])[0])
                here = hostile.base(mode)
                ok = json.dumps({"value": rows}).encode()
                n = hostile.counts[f"{mode}/{entity}"] = hostile.counts.get(f"{mode}/{entity}", 0) + 1
                typed = entity == "TypedDataSet"
                if mode == "r429-once" and n == 1:     # rate limited once: wait a second, then it answers
                    return self.send(429, b'{"error": "rate"}', headers=[("Retry-After", "1")])
                if mode == "r429":                     # always busy, no Retry-After
                    return self.send(429, b'{"error": "rate"}')
                if mode == "r429-hour":                # asks for longer than any download waits
                    return self.send(429, b'{"error": "rate"}', headers=[("Retry-After", "3600")])
                if mode == "r503-date":                # maintenance until a date an hour ahead
                    until = email.utils.formatdate(time.time() + 3600, usegmt=True)
                    return self.send(503, b"<html>Onderhoud</html>", "text/html", headers=[("Retry-After", until)])
                if mode == "r503-junk":                # a Retry-After that is no wait: backed off as any 503
                    return self.send(503, b"busy", headers=[("Retry-After", PERSONAL)])
                if mode in ("short-once", "short") and typed and (n == 1 or mode == "short"):
                    self.send_response(200)            # half the answer its Content-Length declares, then hung up
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(ok)))
                    self.end_headers()
                    self.wfile.write(ok[: len(ok) // 2])
                    return None
                if mode == "redirloop":
                    return self.send(302, b"", headers=[("Location", self.path)])
                if mode in ("r429-once", "short-once", "short"):   # answered whole (again)
                    return self.send(200, ok)
                if mode == "slowpages-typed" and typed:  # pages of 10 rows, each after 0.1 s
                    time.sleep(0.1)
                    doc = {"value": rows[skip: skip + 10]}
                    if skip + 10 < len(rows):
                        doc["odata.nextLink"] = f"{here}/{table}/TypedDataSet?$skip={skip + 10}"
                    return self.send(200, json.dumps(doc).encode())
                if mode == "ok" or (mode.endswith("-typed") and entity != "TypedDataSet"):
                    return self.send(200, ok)
                if mode == "pageloop-typed":          # a new next link every time
                    doc = {"value": rows[:10], "odata.nextLink": f"{here}/{table}/TypedDataSet?$skip={skip + 1}"}
                    return self.send(200, json.dumps(doc).encode())
                if mode == "emptyloop-typed":
                    doc = {"value": [], "odata.nextLink": f"{here}/{table}/TypedDataSet?$skip={skip + 1}"}
                    return self.send(200, json.dumps(doc).encode())
                if mode == "repeat-typed":             # the same next page again and again
                    doc = {"value": rows[:10], "odata.nextLink": f"{here}/{table}/TypedDataSet?$skip=1"}
                    return self.send(200, json.dumps(doc).encode())
                if mode == "elsewhere-typed":          # next page on another host (and a local file)
                    doc = {"value": rows[:10], "odata.nextLink": "file:///etc/passwd"}
                    return self.send(200, json.dumps(doc).encode())
                if mode == "list":
                    return self.send(200, b"[1, 2, 3]")
                if mode == "valuenotlist":
                    return self.send(200, b'{"value": "oops"}')
                if mode == "rowsnotdict":
                    return self.send(200, b'{"value": [1, "x", null]}')
                if mode == "notype":                  # DataProperties rows without "Type"
                    if entity == "DataProperties":
                        return self.send(200, json.dumps({"value": [{"Key": "GeregistreerdeMisdrijven_1"}]}).encode())
                    return self.send(200, ok)
                if mode == "nested":
                    return self.send(200, b"[" * 100_000 + b"]" * 100_000)
                if mode == "errbody":
                    return self.send(404, f"<html>{PERSONAL * 20}</html>".encode(), "text/html")
                if mode == "htmlpage":
                    return self.send(200, f"<html>{PERSONAL}</html>".encode(), "text/html")
                if mode == "ctype":                    # the content type is the server's text too
                    return self.send(200, b"<p>", "jan.jansen@cbs.nl/0612345678; x")
                if mode == "page2bad-typed":           # a next link with a personal path, then an error page
                    if skip:
                        return self.send(200, f"<html>{PERSONAL}</html>".encode(), "text/html")
                    doc = {"value": rows[:10], "odata.nextLink": f"{here}/jan.jansen@cbs.nl/TypedDataSet?$skip=1"}
                    return self.send(200, json.dumps(doc).encode())
                if mode == "redirect-user":
                    target = hostile.base("ok", host="jan.jansen:0612345678@localhost")
                    return self.send(302, b"", headers=[("Location", f"{target}/{table}/{entity}")])
                if mode == "gzip":
                    return self.send(200, gzip.compress(ok), headers=[("Content-Encoding", "gzip")])
                if mode == "latin1":
                    return self.send(200, '{"value": [{"Key": "caf\u00e9 0612345678"}]}'.encode("latin-1"))
                if mode in ("big", "bigchunked"):      # 5,000 bytes of valid JSON
                    body = json.dumps({"value": [{"Key": "x" * 4900}]}).encode()
                    return self.send(200, body, length=mode == "big")
                if mode == "redirect":
                    target = hostile.base("ok", host="localhost")
                    return self.send(302, b"", headers=[("Location", f"{target}/{table}/{entity}?{url.query}")])
                if mode == "redirect-here":
                    return self.send(302, b"", headers=[("Location", f"{hostile.base('ok')}/{table}/{entity}")])
                if mode == "silent":
                    time.sleep(10)
                    return None
                if mode == "trickle":                  # headers, then a byte every 0.2 s: no read ever times out
                    self.send_response(200)
                    self.end_headers()
                    try:
                        for _ in range(200):
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:                    # the client hung up, as it should
                        pass
                    return None
                return self.send(500, b"unknown mode")

        return Handler


@pytest.fixture(scope="module")
def hostile():
    server = Hostile()
    yield server
    server.close()


def typed_url(base: str) -> str:
    return f"{base}/47022NED/TypedDataSet?$format=json"


# --- 1. endless paging ------------------------------------------------------------------------------------------

def test_endless_next_links_stop_at_the_page_limit(hostile):
    with pytest.raises(IngestError, match=r"keeps linking to a next page \(50 pages, 500 rows so far\).*nothing was "
                                          r"loaded") as err:
        fetch_pages(typed_url(hostile.base("pageloop-typed")), max_pages=50, **FAST)
    assert str(err.value).startswith(f"http://127.0.0.1:{hostile.server.server_address[1]}/pageloop-typed/")
    with pytest.raises(IngestError, match="sent more than 95 rows"):
        fetch_pages(typed_url(hostile.base("pageloop-typed")), max_rows=95, **FAST)
    with pytest.raises(IngestError, match="more than 0 rows|sent more than"):
        fetch_pages(typed_url(hostile.base("pageloop-typed")), max_total_bytes=10_000, **FAST)


def test_empty_pages_that_link_on_and_next_links_elsewhere_are_refused(hostile):
    with pytest.raises(IngestError, match="an empty page that links to a next one"):
        fetch_pages(typed_url(hostile.base("emptyloop-typed")))
    with pytest.raises(IngestError, match="next page lies on another server"):
        fetch_pages(typed_url(hostile.base("elsewhere-typed")))
    with pytest.raises(IngestError, match="same next page twice, so its paging is broken; nothing was loaded"):
        fetch_pages(typed_url(hostile.base("repeat-typed")))


def test_the_limits_leave_room_for_the_whole_country():
    country = 18_313 * 4 * 12 * 15                     # regions x crime types x months x years of 47022NED
    assert odata.MAX_ROWS >= country and odata.MAX_PAGES * 1_000 >= country
    assert odata.MAX_TOTAL_BYTES >= country * 120
    assert odata.MAX_ANSWER_BYTES >= 10_000 * 4_700          # a 10,000-row page of the widest KWB rows
    assert odata.TOTAL * 0.5 * 2**20 >= country * 120          # the country's 1.6 GB at 0.5 MB/s in one table's time


def test_endless_paging_through_the_cli_loads_and_archives_nothing(home, hostile, monkeypatch):
    monkeypatch.setattr("pipelines.sources.odata.MAX_PAGES", 30)
    res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "politie",
                                   hostile.base("pageloop-typed")])
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and "keeps linking to a next page (30 pages" in said and "Traceback" not in said
    assert not any((home.archive / "politie").glob("*"))


# --- 2. deadlines ----------------------------------------------------------------------------------------------

def test_a_trickling_server_is_cut_off_at_the_deadline(hostile):
    started = time.monotonic()
    waits = r".*waits 0.5 s for a silent service, 1 s for one answer and 2 s in all"
    with pytest.raises(SourceUnreachable, match=r"unreachable after \d attempts? in \d+ s \(no complete answer within "
                                                + waits):
        fetch_pages(typed_url(hostile.base("trickle")), **FAST)
    assert time.monotonic() - started < 15                # the budget (2 s) and a busy machine's margin, not 200 x 0.2 s


def test_a_silent_server_costs_at_most_the_budget(hostile):
    started = time.monotonic()
    with pytest.raises(SourceUnreachable, match=r"unreachable after 3 attempts .*timed out"):
        fetch_pages(typed_url(hostile.base("silent")), **FAST)
    assert time.monotonic() - started < 8                 # the budget (2 s) and a margin, not the server's 10 s


# --- 2b. transient answers: busy, broken off, too slow in all (red team 10b F1, F5) ----------------------------

def test_a_rate_limit_is_waited_for_as_the_service_asks_and_then_loaded(hostile):
    started = time.monotonic()
    assert len(fetch_pages(typed_url(hostile.base("r429-once")), **{**FAST, "budget": 5.0})) == 1
    assert time.monotonic() - started >= 0.95              # Retry-After: 1, not the back-off of 0.01 s
    assert hostile.counts["r429-once/TypedDataSet"] == 2


@pytest.mark.parametrize("mode, said, asked", [
    ("r429", r"busy \(HTTP 429: too many requests\), after 3 attempts in \d+ s; nothing was loaded\. Try again "
             r"later; a scheduled flow tries again by itself after 1 and 5 minutes", 3),
    ("r429-hour", r"busy \(HTTP 429: too many requests\) and asks to wait 60 min, longer than wijkradar waits "
                  r"\(2 s in all\), after 1 attempt in \d+ s; nothing was loaded\. Try again later \(not before 60 "
                  r"min\)", 1),
    ("r503-date", r"unavailable \(HTTP 503\) and asks to wait (60|59) min, longer than wijkradar waits", 1),
    ("r503-junk", r"unavailable \(HTTP 503\), after 3 attempts", 3),
])
def test_a_busy_service_is_unreachable_for_now_and_says_to_try_later(hostile, mode, said, asked):
    """A 429 or 503 is the service asking to come back later, never a wrong table id: it is retried (the flows'
    download tasks retry :class:`SourceUnreachable` minutes later), and a wait longer than the budget is not sat
    out but said at once."""
    started = time.monotonic()
    with pytest.raises(SourceUnreachable, match=said) as err:
        fetch_pages(typed_url(hostile.base(mode)), **FAST)
    assert time.monotonic() - started < 20                # said at once, not the 60 minutes sat out
    assert hostile.counts[f"{mode}/TypedDataSet"] == asked
    assert "check the table id" not in str(err.value) and "jan" not in str(err.value)


def test_the_cli_says_a_busy_service_asks_to_wait(home, hostile):
    res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "politie",
                                   hostile.base("r429-hour")])
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and "the service is busy (HTTP 429: too many requests) and asks to wait 60 min" in said
    assert "check the table id" not in said and "Traceback" not in said
    assert not any((home.archive / "politie").glob("*"))


def test_an_answer_cut_short_of_its_length_is_retried_not_read_as_broken_json(hostile):
    assert len(fetch_pages(typed_url(hostile.base("short-once")), **FAST)) == 1
    assert hostile.counts["short-once/TypedDataSet"] == 2
    with pytest.raises(SourceUnreachable, match=r"unreachable after 3 attempts in \d+ s \(the answer broke off after "
                                                r"[\d,]+ bytes of [\d,]+ bytes\); nothing was loaded"):
        fetch_pages(typed_url(hostile.base("short")), **FAST)


def test_a_redirect_loop_is_named_as_one(hostile):
    with pytest.raises(IngestError, match=r"redirects in a loop \(HTTP 302 back to an address it sent before, or "
                                          r"more than 10 redirects\); nothing was loaded; check the base URL") as err:
        fetch_pages(typed_url(hostile.base("redirloop")), **FAST)
    assert not isinstance(err.value, SourceUnreachable)


def test_a_slow_download_is_bounded_in_all_and_shows_progress(hostile, caplog):
    """Each page inside its own limits, the whole set still has a deadline, and a line of progress at most every
    ``progress`` seconds in the log the CLI and the flows show."""
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="wijkradar.ingest"):
        with pytest.raises(SourceUnreachable, match=r"the service sent \d+ pages? \(\d+ rows\) in \d s and the "
                                                    r"download was not done, longer than wijkradar waits for one table "
                                                    r"\(1 s\); nothing was loaded\. The service is slow: try again "
                                                    r"later"):
            fetch_pages(typed_url(hostile.base("slowpages-typed")), total=1.0, progress=0.3, **FAST)
    assert time.monotonic() - started < 8                 # the hour (here 1 s): all 28+ pages would not raise at all
    said = [r for r in caplog.records if "fetching page" in r.getMessage()]
    lines = [r.getMessage() for r in said]
    assert 1 <= len(lines) <= 4, lines
    assert all(b.created - a.created >= 0.29 for a, b in zip(said, said[1:]))
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/slowpages-typed/ODataApi/OData/47022NED/TypedDataSet \(query of "
                        r"12 characters\): fetching page \d+; \d+0 rows in 0 s so far \(wijkradar gives up after 1 s\)",
                        lines[0])


def test_a_page_never_outlasts_the_whole_download(hostile):
    started = time.monotonic()
    with pytest.raises(SourceUnreachable, match=r"sent 0 pages \(0 rows\) in \d s .*longer than wijkradar waits for "
                                                r"one table \(1 s\)"):
        fetch_pages(typed_url(hostile.base("silent")), total=0.6, **{**FAST, "timeout": 5.0, "deadline": 5.0})
    assert time.monotonic() - started < 4.5               # the whole download's 0.6 s, not the page's 5 s


# --- 3. wrong shapes ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, problem", [
    ("list", "its top level is list, not an object"),
    ("valuenotlist", "its 'value' is str, not a list of rows"),
    ("rowsnotdict", "row 1 is int, not an object"),
    ("notype", "row 1 has no text 'Type'"),
    ("nested", "not JSON text"),
])
def test_an_answer_of_the_wrong_shape_is_one_sentence_and_loads_nothing(home, hostile, mode, problem):
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        before = table_digest(con)
    res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "politie", hostile.base(mode)])
    said = " ".join(res.output.split())
    assert res.exit_code == 2, said
    assert problem in said and "Traceback" not in said and "check the base URL" in said
    with connect(home.warehouse) as con:
        assert table_digest(con) == before
    assert not any((home.archive / "politie").glob("*"))


def test_an_archived_payload_of_the_wrong_shape_is_refused_when_read(home, tmp_path):
    folder = tmp_path / "payload"
    folder.mkdir()
    entities = politie_entities(make_rows(["BU01185000"]))
    for name in ("TypedDataSet", "Perioden"):
        (folder / f"{name}.001.json").write_text(json.dumps({"value": entities[f"47022NED/{name}"]}))
    (folder / "DataProperties.001.json").write_text(json.dumps({"value": [{"Key": "GeregistreerdeMisdrijven_1"}]}))
    with connect(home.warehouse) as con:
        reference.sync(con, reference.Reference())
        before = table_digest(con)
    res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "politie", str(folder)])
    said = " ".join(res.output.split())
    assert res.exit_code == 2
    assert "(50 bytes in page 1 of DataProperties; row 1 has no text 'Type'); fetch the payload again" in said
    with connect(home.warehouse) as con:
        assert table_digest(con) == before
    for body in ("[1, 2]", '{"value": "oops"}', "\x8b\x08 not json"):
        (folder / "DataProperties.001.json").write_bytes(body.encode("latin-1"))
        with pytest.raises(IngestError, match="page 1 of DataProperties"):
            politie.read(folder)


# --- 4. size -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["big", "bigchunked"])
def test_an_answer_above_the_size_limit_is_refused_before_it_is_held_or_archived(home, hostile, mode):
    url = typed_url(hostile.base(mode))
    with pytest.raises(IngestError, match="answer is larger than 4,096 bytes.*nothing was loaded"):
        fetch_pages(url, max_bytes=4096, **FAST)
    assert len(fetch_pages(url, max_bytes=8192, **FAST)) == 1


# --- 5. error pages with personal data ----------------------------------------------------------------------------

@pytest.mark.parametrize("mode, said", [("errbody", rf"HTTP 404 \(text/html, {len(PERSONAL) * 20 + 13} bytes\)"),
                                        ("htmlpage", rf"not JSON text \(text/html, {len(PERSONAL) + 13} bytes\)"),
                                        ("latin1", r"not JSON text \(application/json, \d+ bytes\)"),
                                        ("ctype", r"not JSON text \(an unusual content type, 3 bytes\)"),
                                        ("page2bad-typed", r"TypedDataSet \(query of 12 characters\), page 2: the "
                                                           r"answer is not JSON text \(text/html, \d+ bytes\)")])
def test_an_error_page_is_described_never_echoed(hostile, mode, said):
    with pytest.raises(IngestError) as err:
        fetch_pages(typed_url(hostile.base(mode)))
    message = str(err.value)
    assert re.search(said, message)
    assert "jan" not in message and "@" not in message and "612345678" not in message and "html>" not in message


# --- 6. compressed answers ------------------------------------------------------------------------------------------

def test_a_compressed_answer_is_refused_not_inflated(hostile):
    with pytest.raises(IngestError, match=r"compressed answer \(gzip\) that wijkradar did not ask for"):
        fetch_pages(typed_url(hostile.base("gzip")))
    assert set(hostile.encodings) == {"identity"}         # and it never asked for one
    assert len(fetch_pages(typed_url(hostile.base("ok")))) == 1


# --- redirects ---------------------------------------------------------------------------------------------------

def test_a_redirect_to_another_server_is_refused_and_one_within_the_host_followed(hostile):
    for mode in ("redirect", "redirect-user"):
        with pytest.raises(IngestError, match=r"redirects to another server \(http://localhost:\d+\);") as err:
            fetch_pages(typed_url(hostile.base(mode)))
        assert "jan" not in str(err.value) and "612345678" not in str(err.value)
    assert len(fetch_pages(typed_url(hostile.base("redirect-here")))) == 1


def test_the_real_service_shape_still_loads(home):
    with Service(make_rows(["BU01185000"])) as svc:
        folder = politie.fetch(svc.base, "GM0118", reference.Reference(), home.archive, **FAST)
    assert len(politie.read(folder)) == 4 * 34


# --- cbs-kwb archived payloads of the wrong shape ------------------------------------------------------------------

def kwb_folder(tmp_path, change):
    from tests.pipelines.test_cbs_kwb import kwb_entities

    entities, _ = kwb_entities()
    change(entities)
    folder = tmp_path / "kwb"
    folder.mkdir(exist_ok=True)
    for name, rows in entities.items():
        (folder / f"{name.replace('/', '.')}.001.json").write_text(json.dumps({"value": rows}))
    return folder


def drop(entity, key, only=lambda r: True):
    def change(entities):
        for row in entities[f"85984NED/{entity}"]:
            if only(row):
                row.pop(key, None)
    return change


@pytest.mark.parametrize("change, said", [
    (drop("DataProperties", "Key", lambda r: r["Type"] == "Topic"), "a topic in 85984NED.DataProperties has no Key"),
    (drop("DataProperties", "Type"), "row 1 has no text 'Type'"),
    (drop("TypedDataSet", "WijkenEnBuurten"), "row 1 has no text 'WijkenEnBuurten'"),
    (lambda e: e.update({"85984NED/TableInfos": [1]}), "row 1 is int, not an object"),
], ids=["topic-without-key", "no-type", "row-without-area", "tableinfos-not-objects"])
def test_an_archived_kwb_payload_of_the_wrong_shape_is_one_sentence(tmp_path, change, said):
    from pipelines.sources import cbs_kwb

    with pytest.raises(IngestError, match="fetch (it|the payload) again") as err:
        cbs_kwb.read(kwb_folder(tmp_path, change))
    assert said in str(err.value)


def test_a_kwb_payload_without_optional_fields_or_rows_still_reads(tmp_path):
    from pipelines.sources import cbs_kwb

    no_units = drop("DataProperties", "Unit")
    assert len(cbs_kwb.read(kwb_folder(tmp_path, no_units))) > 0
    no_rows = lambda e: e.update({"85984NED/TypedDataSet": []})          # noqa: E731
    assert len(cbs_kwb.read(kwb_folder(tmp_path, no_rows))) == 0


def test_the_download_task_retries_only_a_service_it_could_not_reach():
    """Prefect's retry condition of the downloads: an answer refused for its content would be refused again after
    minutes of back-off (60 s, then 300 s), so only an unreachable service is tried again."""
    from prefect.states import Failed

    from pipelines.flows import only_if_unreachable

    assert only_if_unreachable(None, None, Failed(data=SourceUnreachable("no answer")))
    assert not only_if_unreachable(None, None, Failed(data=IngestError("the answer is not an OData table")))


@pytest.mark.flow
def test_monthly_police_fails_at_once_on_an_answer_of_the_wrong_shape(home, hostile, prefect_harness, monkeypatch,
                                                                      caplog):
    """And as a Failed run of its sentence, without a traceback: the flow raised the refusal, which ended a scheduled
    run in three tracebacks (the task's, the flow's and the engine's), in the worker's output and Prefect's log."""
    import logging

    from prefect.client.schemas.objects import StateType

    from pipelines.flows import monthly_police

    for name in ("prefect.flow_runs", "prefect.task_runs"):           # not propagated to caplog's handler
        monkeypatch.setattr(logging.getLogger(name), "handlers", [*logging.getLogger(name).handlers, caplog.handler])
    asked = len([r for r in hostile.requests if "/list/" in r])
    state = monthly_police(home=str(home.root), base_url=hostile.base("list"), gemeente="GM0118", return_state=True)
    assert state.type == StateType.FAILED and "not an OData table" in state.message and "Error" not in state.message
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert len([r for r in hostile.requests if "/list/" in r]) == asked + 1     # asked once: no retry
    assert not any((home.archive / "politie").glob("*"))


def test_a_service_address_with_a_user_and_password_is_never_printed_with_them(home):
    # red team 10a (noted): `ingest --source politie http://user:password@host/...` printed the address whole, and a
    # scheduled job's log keeps what it prints
    with Service(make_rows(["BU01185000"])) as svc:
        parts = urllib.parse.urlsplit(svc.base)
        url = f"{parts.scheme}://analist:Geheim-wachtwoord-7@{parts.netloc}{parts.path}"
        res = CliRunner().invoke(app, ["--home", str(home.root), "ingest", "--source", "politie", url])
    assert "Geheim-wachtwoord-7" not in res.output and "analist" not in res.output, res.output
    assert f"from {parts.scheme}://{parts.netloc}{parts.path}" in " ".join(res.output.split())
