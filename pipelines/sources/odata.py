"""Fetching CBS / Politie OData v3 entity sets: paging, retries, clear errors, raw archive.

Every page is kept byte for byte (the archive makes a run replayable offline); parsing happens
afterwards from the archived pages. ``odata.nextLink`` is followed until absent. The ODataApi
endpoint refuses queries of more than 10,000 rows with HTTP 500; wijkradar filters per
municipality so that does not happen, and says so clearly if it does.
"""
from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from pipelines.sources.common import IngestError


class SourceUnreachable(IngestError):
    """The service did not answer (usable); nothing was loaded."""


def shown_url(url: str) -> str:
    """``url`` as a message shows it: without its query (an OData filter runs to hundreds of characters and buries
    the sentence), which is only counted."""
    parts = urllib.parse.urlsplit(url)
    query = f" (query of {len(parts.query):,} characters)" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}{parts.path}{query}" if parts.scheme else url


def get(url: str, attempts: int = 3, backoff: float = 1.0, timeout: float = 60.0) -> bytes:
    """GET with retries and exponential back-off on network errors and 5xx (except the row limit)."""
    last = None
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            if exc.code == 500 and "10000" in body.replace(",", "").replace(".", ""):
                raise IngestError(
                    f"{shown_url(url)}: the service refuses the query because it returns more than 10,000 rows; "
                    "narrow the filter (one municipality, fewer crime types or periods) or use the ODataFeed endpoint"
                ) from exc
            if exc.code < 500:
                raise IngestError(f"{shown_url(url)}: the service answered HTTP {exc.code} ({body[:200]}); check the "
                                  "table id and the base URL") from exc
            last = f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            last = str(getattr(exc, "reason", exc))
        if attempt + 1 < attempts:
            time.sleep(backoff * 2**attempt)
    raise SourceUnreachable(
        f"{shown_url(url)}: the service is unreachable after {attempts} attempts ({last}); nothing was loaded. "
        "Try again later, or load an archived payload folder instead."
    )


def fetch_pages(url: str, **kw) -> list[bytes]:
    """All pages of an entity set, following ``odata.nextLink``."""
    pages, seen = [], set()
    while url:
        if url in seen:
            raise IngestError(f"{shown_url(url)}: the service returned the same next page twice; stopping")
        seen.add(url)
        body = get(url, **kw)
        try:
            doc = json.loads(body)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{shown_url(url)}: the answer is not JSON ({body[:80]!r}); check the base URL") from exc
        pages.append(body)
        url = doc.get("odata.nextLink")
    return pages


def archive_payload(entity_pages: dict[str, list[bytes]], archive_dir: Path) -> Path:
    """Write every page unchanged to ``archive_dir/<hash>/`` and return that folder."""
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


def read_entity(folder: Path, name: str) -> list[dict]:
    """The rows of an archived entity set (all pages)."""
    files = sorted(folder.glob(f"{name}.*.json"))
    if not files:
        raise IngestError(f"{folder}: no archived {name} pages; fetch the payload again")
    rows: list[dict] = []
    for f in files:
        rows.extend(json.loads(f.read_bytes()).get("value", []))
    return rows
