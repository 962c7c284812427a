"""A real local HTTP server that answers like the CBS/Politie OData v3 service (for tests only).

Payloads have the real shapes: ``{"odata.metadata": ..., "value": [...], "odata.nextLink": ...}``,
keys padded with spaces (``"1.1.1 "``, ``"GM0118    "``), nulls for empty cells, paging through
``$skip``, and HTTP 500 "more than 10000 records" for a TypedDataSet query without a filter on the buurten or whose
filter leaves more than 10,000 rows, as the ODataApi refuses them: the filter's clauses that wijkradar writes
(``startswith(WijkenEnBuurten,...)``, ``SoortMisdrijf eq ...``, ``substring(Perioden,4,2) eq 'MM'``, ``Perioden ge|le
...``) are applied.
"""
from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

TABLE = "47022NED"
PAGE = 1000
LIMIT = 10_000          # the ODataApi refuses a query of more rows
DATA_PROPERTIES = [
    {"odata.type": "Cbs.OData.Dimension", "ID": 0, "Position": 0, "ParentID": None, "Type": "Dimension",
     "Key": "SoortMisdrijf", "Title": "Soort misdrijf", "Description": ""},
    {"odata.type": "Cbs.OData.GeoDetail", "ID": 1, "Position": 1, "ParentID": None, "Type": "GeoDetail",
     "Key": "WijkenEnBuurten", "Title": "Wijken en buurten", "Description": "Wijken en buurten (indeling 2024)",
     "MapYear": 2019},
    {"odata.type": "Cbs.OData.TimeDimension", "ID": 2, "Position": 2, "ParentID": None, "Type": "TimeDimension",
     "Key": "Perioden", "Title": "Perioden", "Description": ""},
    {"odata.type": "Cbs.OData.Topic", "ID": 3, "Position": 3, "ParentID": None, "Type": "Topic",
     "Key": "GeregistreerdeMisdrijven_1", "Title": "Geregistreerde misdrijven", "Description": "...",
     "Datatype": "Long", "Unit": "aantal", "Decimals": 0, "Default": "Zero", "PresentationType": "Absolute"},
]


def matching(rows: list[dict], flt: str) -> list[dict]:
    """The rows ``flt`` selects (the clauses wijkradar's queries use, and-ed; others are ignored)."""
    prefix = re.search(r"startswith\(WijkenEnBuurten,'([^']*)'\)", flt)
    types = re.findall(r"SoortMisdrijf eq '([^']*)'", flt)
    monthly = "substring(Perioden,4,2) eq 'MM'" in flt
    low = re.search(r"Perioden ge '([^']*)'", flt)
    high = re.search(r"Perioden le '([^']*)'", flt)
    return [r for r in rows
            if (prefix is None or str(r.get("WijkenEnBuurten", "")).startswith(prefix.group(1)))
            and (not types or r.get("SoortMisdrijf") in types)
            and (not monthly or str(r.get("Perioden", ""))[4:6] == "MM")
            and (low is None or str(r.get("Perioden", "")) >= low.group(1))
            and (high is None or str(r.get("Perioden", "")) <= high.group(1))]


def months(first_year=2024, last=(2026, 10)):
    out = []
    for y in range(first_year, last[0] + 1):
        for m in range(1, 13):
            if (y, m) <= last:
                out.append(f"{y}MM{m:02d}")
    return out


def make_rows(buurten, types=("1.1.1", "1.4.3", "1.4.4", "1.4.5"), seed=5, extra_rows=(), first_year=2024):
    rng = np.random.default_rng(seed)
    rows = []
    for code in buurten:
        for t in types:
            for p in months(first_year):
                v = int(rng.poisson(0.6))
                rows.append({"ID": len(rows), "SoortMisdrijf": f"{t:<6}", "WijkenEnBuurten": f"{code:<10}",
                             "Perioden": p, "GeregistreerdeMisdrijven_1": None if v == 0 and rng.random() < 0.5 else v})
    rows.extend(extra_rows)
    return rows


def politie_entities(rows, provisional=("2026MM09", "2026MM10"), first_year=2024) -> dict[str, list]:
    perioden = [{"Key": p, "Title": p, "Description": "", "Status": "Voorlopig" if p in provisional else "Definitief"}
                for p in months(first_year)]
    return {f"{TABLE}/TypedDataSet": rows, f"{TABLE}/Perioden": perioden, f"{TABLE}/DataProperties": DATA_PROPERTIES}


class Service:
    """Serves ``entities`` ({"<table>/<entity set>": rows}); TypedDataSet is paged and needs a filter."""

    def __init__(self, entities: dict[str, list] | list, fail_first: int = 0, filtering: bool = True,
                 delay: float = 0.0):
        self.entities = politie_entities(entities) if isinstance(entities, list) else entities
        self.fail_first = fail_first
        self.filtering = filtering          # False: a service that sends every row of a query on the buurten
        self.delay = delay                  # seconds before each TypedDataSet answer (a slow service)
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/ODataApi/OData"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, code, doc):
                body = json.dumps(doc).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                service.requests.append(self.path)
                if service.fail_first > 0:
                    service.fail_first -= 1
                    return self._send(503, {"odata.error": {"message": {"value": "Service Unavailable"}}})
                url = urllib.parse.urlsplit(self.path)
                q = urllib.parse.parse_qs(url.query)
                table, entity = url.path.rstrip("/").split("/")[-2:]
                rows = service.entities.get(f"{table}/{entity}")
                if rows is None:
                    return self._send(404, {"odata.error": {"message": {"value": f"unknown {table}/{entity}"}}})
                meta = f"{service.base}/{table}/$metadata#Cbs.OData.WebAPI.{entity}"
                if entity != "TypedDataSet":
                    return self._send(200, {"odata.metadata": meta, "value": rows})
                flt = q.get("$filter", [""])[0]
                time.sleep(service.delay)
                if "WijkenEnBuurten" in flt and service.filtering:
                    rows = matching(rows, flt)
                if "WijkenEnBuurten" not in flt or len(rows) > LIMIT:
                    return self._send(500, {"odata.error": {"code": "", "message": {
                        "lang": "nl-NL",
                        "value": "De query levert meer dan 10000 records op (query returns more than 10000 records)"}}})
                skip = int(q.get("$skip", ["0"])[0])
                doc = {"odata.metadata": meta, "value": rows[skip: skip + PAGE]}
                if skip + PAGE < len(rows):
                    nxt = dict(q)
                    nxt["$skip"] = [str(skip + PAGE)]
                    doc["odata.nextLink"] = f"{service.base}/{table}/TypedDataSet?" + urllib.parse.urlencode(nxt, doseq=True)
                return self._send(200, doc)

        return Handler
