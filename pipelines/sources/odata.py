"""Fetching CBS / Politie OData v3 entity sets: paging, retries, clear errors, raw archive.

Every page is archived with only the fields wijkradar reads and no personal value (:func:`screened`); the
archive makes a run replayable offline, and parsing happens afterwards from the archived pages.
``odata.nextLink`` is followed until absent. The ODataApi endpoint refuses queries of more than 10,000 rows with HTTP 500; wijkradar filters per
municipality so that does not happen, and says so clearly if it does. A service is never trusted
further than a real one needs: each answer has a size limit and a deadline, an entity set a limit
on pages and rows, it must have the OData shape, and neither redirects nor next links may leave
the host that was given. Every refusal comes before anything is archived or loaded.
"""
from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from pipelines.sources.common import IngestError

log = logging.getLogger("wijkradar.ingest")

#: One answer: the largest real one, a page of 10,000 KWB rows with all 118 topics, is about 46 MB.
MAX_ANSWER_BYTES = 128 * 2**20
#: One entity set, all pages: every buurt of the country (18,313 regions) x 4 crime types x 12 months
#: x 15 years is 13.2 million rows of ~120 bytes (1.6 GB); a municipality is a few thousand rows a year.
MAX_ROWS = 20_000_000
MAX_TOTAL_BYTES = 2 * 2**30
#: The whole country in the service's smallest pages (1,000 rows).
MAX_PAGES = 20_000
#: Seconds: silence within one answer, one whole answer, and one URL with all its attempts.
TIMEOUT, DEADLINE, BUDGET = 20.0, 120.0, 180.0
#: Seconds for one entity set, all its pages: the per-page limits alone let a service that answers each of 20,000
#: pages just inside them hold a download for days. A municipality's police set is one to ten pages (the ODataApi
#: refuses more than 10,000 rows) and its KWB set one page of at most 46 MB, seconds on a working service; an hour
#: still takes the whole country's 1.6 GB at 0.5 MB/s: the ODataFeed's 1,320 pages of 10,000 rows at 2.7 s a page,
#: of which wijkradar's own work is 8 ms a 1,000-row page (measured against the local test server, 2026-12).
TOTAL = 3600.0
#: Seconds between progress lines of a download that takes long.
PROGRESS = 10.0


class SourceUnreachable(IngestError):
    """The service did not answer (usable); nothing was loaded."""


class _BrokeOff(Exception):
    """An answer shorter than the Content-Length its headers declared: the connection was cut mid-answer (``read1``
    does not raise ``IncompleteRead`` for it), which the next attempt usually survives."""


def shown_url(url: str) -> str:
    """``url`` as a message shows it: without its query (an OData filter runs to hundreds of characters and buries
    the sentence), which is only counted, and without a user part (``user:password@``: a log keeps what it shows)."""
    parts = urllib.parse.urlsplit(url)
    query = f" (query of {len(parts.query):,} characters)" if parts.query else ""
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}{parts.path}{query}" if parts.scheme else url


def _megabytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n:,} bytes"


def _described(content_type: str | None, size: int) -> str:
    """What an answer was, without its content (an error page may carry names, e-mail addresses, phone numbers);
    the content type only if it is a plain media type, since the server writes that too."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if not re.fullmatch(r"[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}", kind):
        kind = "an unusual content type" if content_type else "no content type"
    return f"{kind}, {_megabytes(size)}"


def _server(url: str) -> str:
    """The scheme, host and port of an address the service sent (never its path, query or user part)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if not re.fullmatch(r"[a-z0-9.-]{1,80}|\[[0-9a-f:.]{2,45}\]", host):
        return f"an address of scheme {parts.scheme[:10]!r}" if re.fullmatch(r"[a-z]{1,10}", parts.scheme) \
            else "an unusual address"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(parts.scheme)


def same_service(url: str, start: str) -> bool:
    """Whether ``url`` lies on the service of ``start``: the same host and port, or the same host moved from http
    to https (a redirect or next link elsewhere could archive another server's answer as this service's)."""
    (s1, h1, p1), (s0, h0, p0) = _origin(url), _origin(start)
    if s1 not in ("http", "https") or h1 != h0:
        return False
    return (s1, p1) == (s0, p0) or (s0, s1) == ("http", "https") and p1 == 443


class _Watch:
    """The sockets of one answer, shut when its deadline passes: a server that trickles a byte at a time never
    trips the per-read timeout, and neither does one that sends its headers slowly."""

    def __init__(self, seconds: float):
        self.sockets: list = []
        self.expired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def _expire(self) -> None:
        self.expired = True
        for sock in list(self.sockets):
            try:
                sock.shutdown(2)
            except OSError:
                pass

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()


class _Watched:
    def __init__(self, *args, watch: _Watch, **kw):
        super().__init__(*args, **kw)
        self._watch = watch

    def connect(self):
        super().connect()
        self._watch.sockets.append(self.sock)
        if self._watch.expired:
            self._watch._expire()


class _HTTP(_Watched, http.client.HTTPConnection):
    pass


class _HTTPS(_Watched, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch):
        super().__init__()
        self.watch = watch

    def http_open(self, req):
        return self.do_open(_HTTP, req, watch=self.watch)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch):
        super().__init__()
        self.watch = watch

    def https_open(self, req):
        return self.do_open(_HTTPS, req, context=self._context, watch=self.watch)


class _SameService(urllib.request.HTTPRedirectHandler):
    def __init__(self, start: str):
        self.start = start

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        newurl = urllib.parse.urljoin(req.full_url, newurl)
        if not same_service(newurl, self.start):
            raise IngestError(f"{shown_url(self.start)}: the service redirects to another server "
                              f"({_server(newurl)}); wijkradar follows redirects only within the "
                              "host it was given, so nothing was loaded; give that server's URL yourself if you "
                              "trust it")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_capped(resp, label: str, limit: int) -> bytes:
    """The body, refused as soon as it exceeds ``limit`` bytes (before it is held whole, let alone archived)."""
    too_large = IngestError(
        f"{label}: the service's answer is larger than {_megabytes(limit)}, far more than a CBS OData page "
        "ever is; nothing was loaded; check the URL (a municipality's figures are a few MB)")
    declared = resp.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    while chunk := resp.read1(1 << 16):
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    if declared.strip().isdigit() and size < int(declared):
        raise _BrokeOff(f"the answer broke off after {_megabytes(size)} of {_megabytes(int(declared))}")
    return b"".join(chunks)


def _retry_after(headers) -> float | None:
    """Seconds a 429 or 503 answer asks the client to wait (``Retry-After``: seconds or an HTTP date), else None."""
    text = (headers.get("Retry-After", "") if headers else "").strip()
    if re.fullmatch(r"\d{1,12}", text):
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text[:60])
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _seconds(n: float) -> str:
    return f"{n:,.0f} s" if n < 120 else f"{n / 60:,.0f} min"


def answer(url: str, attempts: int = 3, backoff: float = 1.0, timeout: float = TIMEOUT, deadline: float = DEADLINE,
           budget: float = BUDGET, max_bytes: int = MAX_ANSWER_BYTES, shown: str | None = None) -> tuple[bytes, str]:
    """GET ``url``: its body and content type. Retries with exponential back-off on network errors, timeouts, an
    answer cut short of its Content-Length, 5xx (except the row limit) and 429, within ``budget`` seconds in all;
    a 429 or 503 with ``Retry-After`` is waited for as asked when that fits in the budget, else given up at once
    (:class:`SourceUnreachable`, which the flows retry minutes later). ``timeout`` is the longest silence,
    ``deadline`` the longest a whole answer may take. ``shown``: how messages name ``url`` (default
    :func:`shown_url`)."""
    label = shown or shown_url(url)
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        raise IngestError(f"{label[:120]}: not an http(s) address; give the service's base URL, such as "
                          "https://dataderden.cbs.nl/ODataApi/OData")
    started, last, tried, busy = time.monotonic(), None, 0, None
    for attempt in range(attempts):
        left = budget - (time.monotonic() - started)
        if attempt and left < min(timeout, deadline):
            break
        tried, allowed, busy, asked = tried + 1, min(deadline, left), None, None
        with _Watch(allowed) as watch:
            opener = urllib.request.build_opener(_HTTPHandler(watch), _HTTPSHandler(watch), _SameService(url))
            request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
            try:
                with opener.open(request, timeout=timeout) as resp:
                    encoding = resp.headers.get("Content-Encoding", "").strip().lower()
                    if encoding not in ("", "identity"):
                        raise IngestError(f"{label}: the service sent a compressed answer "
                                          f"({encoding if re.fullmatch(r'[a-z0-9-]{1,20}', encoding) else 'unusual'}) "
                                          "that wijkradar did not ask for and does not unpack; nothing was loaded; "
                                          "check the URL")
                    body = _read_capped(resp, label, max_bytes)
                    if not watch.expired:
                        return body, resp.headers.get("Content-Type", "")
                    last = f"no complete answer within {allowed:.3g} s"
            except _BrokeOff as exc:
                last = f"no complete answer within {allowed:.3g} s" if watch.expired else str(exc)
            except urllib.error.HTTPError as exc:
                declared = exc.headers.get("Content-Length", "") if exc.headers else ""
                body = exc.read(1 << 16) if exc.fp else b""
                if exc.code == 500 and b"10000" in body.replace(b",", b"").replace(b".", b""):
                    raise IngestError(
                        f"{label}: the service refuses the query because it returns more than 10,000 rows; "
                        "narrow the filter (one municipality, fewer crime types or periods) or use the ODataFeed "
                        "endpoint") from None
                if 300 <= exc.code < 400 and str(exc.msg).startswith(urllib.request.HTTPRedirectHandler.inf_msg):
                    raise IngestError(
                        f"{label}: the service redirects in a loop (HTTP {exc.code} back to an address it sent "
                        f"before, or more than {urllib.request.HTTPRedirectHandler.max_redirections} redirects); "
                        "nothing was loaded; check the base URL, and if it is right, try again later") from None
                size = int(declared) if declared.strip().isdigit() else len(body)
                if exc.code in (429, 503):          # busy or down for maintenance: it says so, and maybe for how long
                    busy, asked = exc.code, _retry_after(exc.headers)
                elif exc.code < 500:
                    raise IngestError(f"{label}: the service answered HTTP {exc.code} "
                                      f"({_described(exc.headers.get('Content-Type') if exc.headers else None, size)})"
                                      "; check the table id and the base URL") from None
                last = f"HTTP {exc.code}"
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                if watch.expired:
                    last = f"no complete answer within {allowed:.3g} s"
                elif isinstance(exc, http.client.HTTPException) and not isinstance(exc, ConnectionError):
                    last = "the answer broke off or was not HTTP"     # its text may quote what the server sent
                else:
                    last = str(getattr(exc, "reason", exc))[:120]
        left = budget - (time.monotonic() - started)
        pause = min(backoff * 2**attempt, left)
        if asked is not None:
            if attempt + 1 < attempts and asked + min(timeout, deadline) > left:
                break                       # waiting as asked leaves no time for the answer: say so now
            pause = max(pause, asked)
        if attempt + 1 < attempts and pause > 0:
            time.sleep(pause)
    spent = f"{tried} attempt{'s' * (tried != 1)} in {time.monotonic() - started:.0f} s"
    if busy:
        what = "busy (HTTP 429: too many requests)" if busy == 429 else "unavailable (HTTP 503)"
        wait = "" if not asked else (f" and asks to wait {_seconds(asked)}"
                                         + (f", longer than wijkradar waits ({budget:g} s in all)"
                                            if asked + min(timeout, deadline) > left else ""))
        raise SourceUnreachable(
            f"{label}: the service is {what}{wait}, after {spent}; nothing was loaded. Try again later"
            f"{f' (not before {_seconds(asked)})' if asked else ''}; a scheduled flow tries again by itself after "
            "1 and 5 minutes.")
    raise SourceUnreachable(
        f"{label}: the service is unreachable after {spent} ({last}); nothing was loaded. wijkradar waits {timeout:g} "
        f"s for a silent service, {deadline:g} s for one answer and {budget:g} s in all; try again later, or load an "
        "archived payload folder instead."
    )


def get(url: str, **kw) -> bytes:
    """The body of ``url`` (see :func:`answer`)."""
    return answer(url, **kw)[0]


def _rows(body: bytes, where: str, what: str, require: tuple[str, ...] = (),
          advice: str = "check the base URL and the table id") -> tuple[dict, list[dict]]:
    """An OData answer as its document and rows, or a refusal naming ``where`` and what is wrong (never its content)."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):                     # not JSON, not UTF-8, nested beyond reason
        raise IngestError(f"{where}: the answer is not JSON text ({what}); {advice}") from None
    problem = None
    if not isinstance(doc, dict):
        problem = f"its top level is {type(doc).__name__}, not an object"
    elif not isinstance(doc.get("value"), list):
        problem = f"its 'value' is {type(doc.get('value')).__name__}, not a list of rows"
    elif not isinstance(doc.get("odata.nextLink", ""), str):
        problem = "its 'odata.nextLink' is not an address"
    else:
        for i, row in enumerate(doc["value"], start=1):
            if not isinstance(row, dict):
                problem = f"row {i:,} is {type(row).__name__}, not an object"
            else:
                missing = [k for k in require if not isinstance(row.get(k), str)]
                problem = missing and f"row {i:,} has no text {missing[0]!r}"
            if problem:
                break
    if problem:
        raise IngestError(f"{where}: the answer is not an OData table ({what}; {problem}); {advice}")
    return doc, doc["value"]


def fetch_pages(url: str, require: tuple[str, ...] = (), max_pages: int | None = None, max_rows: int | None = None,
                max_total_bytes: int | None = None, total: float = TOTAL, progress: float = PROGRESS,
                **kw) -> list[bytes]:
    """All pages of an entity set, following ``odata.nextLink`` within the service and the limits (default
    :data:`MAX_PAGES`, :data:`MAX_ROWS`, :data:`MAX_TOTAL_BYTES`), in at most ``total`` seconds; every row an
    object with text in the ``require`` keys. A download that takes long logs a line of progress at most every
    ``progress`` seconds. ``kw``: the limits of each page's :func:`answer`."""
    max_pages, max_rows = max_pages or MAX_PAGES, max_rows or MAX_ROWS
    max_total_bytes = max_total_bytes or MAX_TOTAL_BYTES
    start, pages, seen, rows, size = url, [], set(), 0, 0
    started = said = time.monotonic()

    def too_slow() -> SourceUnreachable:
        return SourceUnreachable(
            f"{shown_url(start)}: the service sent {len(pages):,} page{'s' * (len(pages) != 1)} ({rows:,} rows) in "
            f"{_seconds(time.monotonic() - started)} and the download was not done, longer than wijkradar waits for "
            f"one table ({_seconds(total)}); nothing was loaded. The service is slow: try again later; a scheduled "
            "flow tries again by itself after 1 and 5 minutes.")

    while url:
        left = total - (time.monotonic() - started)
        if left <= 0:
            raise too_slow()
        if progress and time.monotonic() - said >= progress:
            log.info("%s: fetching page %s; %s rows in %s so far (wijkradar gives up after %s)", shown_url(start),
                     f"{len(pages) + 1:,}", f"{rows:,}", _seconds(time.monotonic() - started), _seconds(total))
            said = time.monotonic()
        if url in seen:
            raise IngestError(f"{shown_url(start)}: the service linked to the same next page twice, so its paging "
                              "is broken; nothing was loaded; try again later")
        if len(pages) >= max_pages:
            raise IngestError(f"{shown_url(start)}: the service keeps linking to a next page ({len(pages):,} pages, "
                              f"{rows:,} rows so far), more than any CBS table has; nothing was loaded; check the URL")
        seen.add(url)
        label = shown_url(start) + (f", page {len(pages) + 1:,}" if pages else "")   # a next link is the server's text
        try:                                  # no page may outlast the whole download's time
            body, content_type = answer(url, shown=label, **{**kw, "budget": min(kw.get("budget", BUDGET), left)})
        except SourceUnreachable:
            if time.monotonic() - started >= total:
                raise too_slow() from None
            raise
        doc, value = _rows(body, label, _described(content_type, len(body)), require)
        rows, size = rows + len(value), size + len(body)
        if rows > max_rows or size > max_total_bytes:
            raise IngestError(f"{shown_url(start)}: the service sent more than {min(rows, max_rows):,} rows "
                              f"({_megabytes(size)}) in {len(pages) + 1:,} pages, more than any CBS table has; "
                              "nothing was loaded; check the URL and the filter")
        pages.append(body)
        url = doc.get("odata.nextLink")
        if url:
            url = urllib.parse.urljoin(start, url)
            if not same_service(url, start):
                raise IngestError(f"{shown_url(start)}: the service's next page lies on another server "
                                  f"({_server(url)}); nothing was loaded; "
                                  "check the URL")
            if not value:
                raise IngestError(f"{shown_url(start)}: the service sent an empty page that links to a next one "
                                  f"(page {len(pages):,}); nothing was loaded; check the URL")
    return pages


#: A property's key (``GeregistreerdeMisdrijven_1``, ``Codering_3``): a word and a number, so a street and a house
#: number to the privacy scan, and none.
PROPERTY_KEY = r"[A-Za-z]+(?:_\d{1,4})?"
#: The fields of a DataProperties row that wijkradar reads (politie and cbs-kwb); its other fields (Description,
#: a free text) are not archived.
PROPERTY_FIELDS = ("ID", "ParentID", "Type", "Key", "Title", "Datatype", "Unit", "Decimals", "Default")


def page_rows(pages: list[bytes]) -> list[dict]:
    """The rows of an entity set's fetched pages (already checked by :func:`fetch_pages`)."""
    return [row for page in pages for row in json.loads(page)["value"]]


def property_keys(pages: list[bytes]) -> set[str]:
    """The keys a table's DataProperties name (its dimensions and topics): the fields of its TypedDataSet rows."""
    return {row["Key"] for row in page_rows(pages)
            if isinstance(row.get("Key"), str) and not row["Key"].startswith("[verwijderd")}


def screened(entity_pages: dict[str, list[bytes]], fields: dict[str, set[str]],
             not_addresses: dict[tuple[str, str], str] | None = None,
             counted: tuple[str, ...] = ()) -> tuple[dict[str, list[bytes]], str]:
    """``entity_pages`` as the archive keeps them, and a sentence on what was taken out ("" when nothing was).

    The archive is meant to be safe to keep and copy, and a service's answer is whatever the configured server sent:
    each row keeps only the ``fields`` of its entity set (what wijkradar reads), and every value kept that reads as
    personal data is replaced by its redaction (``[verwijderd: naam]``), which the load reads back as a removed value
    (``ingest._privacy_guard``). ``not_addresses``: (entity set, field) -> the shape of the table's own codes that
    read as an address and are none (a period ``2024MM01``). The sentence counts the fields left out of the
    ``counted`` entity sets (a table's rows: a field its DataProperties do not name is unexpected; the code lists'
    descriptions are not) and the values removed by kind, never naming one: a field's name is the server's text
    too. Pages stay one file each, in their order."""
    import pandas as pd

    from pipelines import privacy
    from pipelines.sources.common import _cell_text

    kept: dict[str, list[list[dict]]] = {}
    unknown, rows_with_unknown = 0, 0
    for name, pages in entity_pages.items():
        keep = fields[name]
        kept[name] = []
        for page in pages:
            rows = []
            for row in json.loads(page)["value"]:
                if name in counted:
                    extra = sum(k not in keep and k != "ID" for k in row)     # ID: the service's row number
                    unknown, rows_with_unknown = unknown + extra, rows_with_unknown + bool(extra)
                rows.append({k: v for k, v in row.items() if k in keep})
            kept[name].append(rows)
    removed: dict[str, int] = {}
    for name, pages in kept.items():
        rows = [row for page in pages for row in page]
        for field in sorted(fields[name]):
            holders = [row for row in rows if isinstance(row.get(field), (str, int, float))
                       and not isinstance(row.get(field), bool)]
            if not holders:
                continue
            text = pd.Series([v if isinstance(v, str) else _cell_text(v) for v in (r[field] for r in holders)],
                             dtype=object)
            kinds = privacy.scan_values(text)
            shape = (not_addresses or {}).get((name, field))
            if shape:
                kinds = kinds.where(~(privacy.regex_mask(text, shape, full=True) & kinds.eq("adres").to_numpy()), None)
            for row, kind in zip(holders, kinds):
                if kind is not None:
                    row[field] = privacy.redaction(kind)
                    removed[kind] = removed.get(kind, 0) + 1
    said = []
    if unknown:
        said.append(f"{unknown:,} field(s) in {rows_with_unknown:,} row(s) that wijkradar does not read were left out")
    if removed:
        said.append(f"{sum(removed.values()):,} value(s) that read as personal data "
                    f"({', '.join(sorted(removed))}) were removed, and their rows are quarantined")
    pages_out = {name: [json.dumps({"value": rows}, ensure_ascii=False, separators=(",", ":")).encode()
                        for rows in pages] for name, pages in kept.items()}
    return pages_out, "; ".join(said)


def screened_table(entity_pages: dict[str, list[bytes]], properties: str, rows: str, fields: dict[str, set[str]],
                   not_addresses: dict[tuple[str, str], str] | None = None) -> tuple[dict[str, list[bytes]], str]:
    """:func:`screened` for a table whose ``rows`` (its TypedDataSet) keep the keys its ``properties`` (its
    DataProperties) name, once those are screened: a key that reads as personal data names no field kept."""
    first, said = screened({properties: entity_pages[properties]}, {properties: set(PROPERTY_FIELDS)}, not_addresses)
    fields = {**fields, rows: property_keys(first[properties])}
    rest, more = screened({k: v for k, v in entity_pages.items() if k != properties}, fields, not_addresses, (rows,))
    return {**first, **rest}, "; ".join(n for n in (said, more) if n)


def archive_payload(entity_pages: dict[str, list[bytes]], archive_dir: Path) -> Path:
    """Write every page (as :func:`screened` left it) to ``archive_dir/<hash>/`` and return that folder."""
    h = hashlib.sha256()
    for name in sorted(entity_pages):
        for page in entity_pages[name]:
            h.update(name.encode())
            h.update(page)
    folder = archive_dir / h.hexdigest()[:16]
    tmp = folder.with_name(folder.name + ".part")
    if not folder.exists():
        tmp.mkdir(parents=True, exist_ok=True)
        for name, pages in entity_pages.items():
            for i, page in enumerate(pages, start=1):
                (tmp / f"{name}.{i:03d}.json").write_bytes(page)
        tmp.rename(folder)          # complete folders only: a crash leaves a .part folder, never half an archive
    return folder


def read_entity(folder: Path, name: str, require: tuple[str, ...] = ()) -> list[dict]:
    """The rows of an archived entity set (all pages), each an object with text in the ``require`` keys."""
    files = sorted(folder.glob(f"{name}.*.json"))
    if not files:
        raise IngestError(f"{folder}: no archived {name} pages; fetch the payload again")
    rows: list[dict] = []
    for i, f in enumerate(files, start=1):
        rows.extend(_rows(f.read_bytes(), f"{folder}", f"{_megabytes(f.stat().st_size)} in page {i} of {name}", require,
                          "fetch the payload again from the service")[1])
    return rows


def refuse_absent_topics(rows: list[dict], keys, where: str, table: str) -> None:
    """Refuse a table whose rows lack a topic its DataProperties name. A service writes every topic in every row,
    an empty value as null, which the topic's ``Default`` reads (``Zero``: 0); a key that is not there at all is a
    table of another layout (a new version whose value column has another name), and reading it as empty stored
    every count as 0."""
    for key in keys:
        absent = sum(key not in row for row in rows)
        if absent:
            raise IngestError(
                f"{where}: {absent:,} of {len(rows):,} rows of {table} hold no {key!r}, a topic its DataProperties "
                "name, so the table's layout does not match its description (a new version of the table?); nothing "
                "was loaded, and no value was read as 0. Fetch it again; if this stays, see the table's description "
                "on the CBS open data portal")
