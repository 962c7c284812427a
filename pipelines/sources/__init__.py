"""One module per source, each the same shape: read -> normalise -> validate -> records or cells.

A source module exposes ``NAME``, ``EXTENSIONS`` (inbox file types; empty for network sources),
``RAW_COLUMNS`` (the only columns read; everything else is dropped unread), ``read(path)`` (raw text
rows with the ``row_number`` a person sees), ``typed(raw, ref)``, ``checks(ref, today)`` (its Great
Expectations suite), ``row_keys(raw, typed)`` (each row's record or cell key, for quarantine states)
and either ``KIND = "records"`` with ``to_records(accepted, keys)`` (a ledger of reports),
``KIND = "cells"`` with ``to_cells(accepted)`` (counts per cell), or ``write_core(con, accepted,
load_id)`` for other core tables; plus ``HEADERS_NL`` (headers of the quarantine export). Network
sources also have ``fetch(...)`` and ``base_url()``. How records and cells change the counts is in
``pipelines/delivery.py``.
"""
from pipelines.sources import cbs_kwb, meldingen, politie, schulden, wijkteam

SOURCES = {m.NAME: m for m in (meldingen, wijkteam, schulden, politie, cbs_kwb)}
#: Sources fetched over the network rather than dropped in the inbox.
NETWORK_SOURCES = {"politie", "cbs-kwb"}


#: Other spreadsheet types, read as a source's XLSX files are: their content decides (an ``.xlsm`` is a workbook and
#: loads; an old ``.xls``, an ``.ods`` or an ``.xlsb`` gets the sentence to save it as ``.xlsx``), where a name
#: alone would only ask for a rename that cannot help.
SPREADSHEETS = {"xls", "xlsm", "xltx", "xltm", "ods", "xlsb"}
#: Compressed files and archives no source opens (a zip is: an XLSX, a Signalen export), read as the source's files
#: are: their content gets the sentence to unpack them (``sources.common``), where their name was told "matches no
#: source; name it meldingen_*.csv" of a file already named so (``meldingen_week48.csv.gz``).
ARCHIVES = {"gz", "tgz", "tar", "7z", "rar", "bz2", "xz"}


def source_for_file(name: str):
    """The source a file in the inbox belongs to, by its name prefix (``meldingen_2026-W47.csv``) and its type
    (one of the source's ``EXTENSIONS``, another spreadsheet type when it reads XLSX, or an archive type)."""
    lower = name.lower()
    extension = lower.rsplit(".", 1)[-1]
    for key, module in SOURCES.items():
        known = module.EXTENSIONS | (SPREADSHEETS if "xlsx" in module.EXTENSIONS else set()) | ARCHIVES
        if module.EXTENSIONS and lower.startswith(key) and extension in known:
            return module
    return None


def reads_folders(module) -> bool:
    """Whether a source reads an unpacked folder (of a zip it reads: the Signalen dump)."""
    return "zip" in module.EXTENSIONS
