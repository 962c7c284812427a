"""Run one ingest in a child process (for inputs that could exhaust memory or hang, e.g. a zip bomb).

``python -m tests.adversarial._isolated <home> <file> <source> <today>`` prints one JSON line:
``outcome`` (loaded / refused / crashed), ``type``, ``message``, the LoadResult fields and whether
the warehouse digest stayed the same. Logs go to stderr at DEBUG. Memory is capped at 4 GiB.
"""
from __future__ import annotations

import json
import logging
import resource
import sys
from pathlib import Path


def main(home_root: str, file: str, source: str, today: str) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    except (ValueError, OSError):
        pass
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    import pandas as pd

    from pipelines import reference
    from pipelines.ingest import ingest_file
    from pipelines.paths import resolve_home
    from pipelines.sources.common import IngestError
    from pipelines.validate import ValidationRefused
    from pipelines.warehouse import connect, table_digest

    home = resolve_home(home_root)
    ref = reference.Reference()
    out: dict = {}
    with connect(home.warehouse) as con:
        reference.sync(con, ref)
        before = table_digest(con)
        try:
            r = ingest_file(con, Path(file), source, ref, home.archive, today=pd.Timestamp(today))
            out.update(outcome="loaded", skipped=r.skipped, rows_read=r.rows_read, rows_accepted=r.rows_accepted,
                       rows_quarantined=r.rows_quarantined)
        except (IngestError, ValidationRefused) as exc:
            out.update(outcome="refused", type=type(exc).__name__, message=str(exc))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent test
            out.update(outcome="crashed", type=type(exc).__name__, message=str(exc)[:2000])
        out["unchanged"] = table_digest(con) == before
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
