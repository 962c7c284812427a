"""Workbooks that are byte for byte the same for the same content.

openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry; a re-run
must not look like a new delivery (demo) or a changed list (exports), so both are fixed.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path


def save_stable(workbook, path: Path, stamp: datetime) -> None:
    """Save an openpyxl workbook to ``path`` with every timestamp set to ``stamp``."""
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, data)
