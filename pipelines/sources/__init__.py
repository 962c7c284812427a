"""One module per source, each the same shape: read -> normalise -> validate -> counts.

A source module exposes ``NAME``, ``EXTENSIONS`` (inbox file types; empty for network sources),
``RAW_COLUMNS``, ``read(path)`` (raw text rows with a ``row_number``), ``typed(raw, ref)``,
``checks(ref, today)`` (its Great Expectations suite), ``to_counts(accepted)`` or
``write_core(con, accepted, load_id)``, ``ADDITIVE`` (how corrections apply) and ``HEADERS_NL``
(headers of the quarantine export). Network sources also have ``fetch(...)`` and ``base_url()``.
"""
from pipelines.sources import cbs_kwb, meldingen, politie, schulden, wijkteam

SOURCES = {m.NAME: m for m in (meldingen, wijkteam, schulden, politie, cbs_kwb)}
#: Sources fetched over the network rather than dropped in the inbox.
NETWORK_SOURCES = {"politie", "cbs-kwb"}


def source_for_file(name: str):
    """The source a file in the inbox belongs to, by its name prefix (``meldingen_2026-W47.csv``)."""
    lower = name.lower()
    for key, module in SOURCES.items():
        if module.EXTENSIONS and lower.startswith(key) and lower.rsplit(".", 1)[-1] in module.EXTENSIONS:
            return module
    return None
