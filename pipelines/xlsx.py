"""Workbooks that are byte for byte the same for the same content, and cells that stay text.

openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry; a re-run
must not look like a new delivery (demo) or a changed list (exports), so both are fixed.
openpyxl also stores any text starting with ``=`` as a formula: ``append_safe`` writes a row of
values from data so that no cell becomes a formula (see ``safe_output``).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from pipelines.atomic import replacing
from pipelines.safe_output import xlsx_text


def append_safe(ws, values) -> None:
    """Append a row to worksheet ``ws``: texts neutralised (``safe_output.xlsx_text``) and stored as text."""
    ws.append([xlsx_text(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"       # never "f" (formula), whatever the text


def save_stable(workbook, path: Path, stamp: datetime) -> None:
    """Save an openpyxl workbook to ``path`` with every timestamp set to ``stamp``, whole or not at all."""
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with replacing(path) as part, zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, data)
