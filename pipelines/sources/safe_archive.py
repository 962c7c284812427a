"""Archives and folders from outside, opened without trusting them.

A delivery can be a zip (the Signalen data-warehouse dump; every XLSX is a zip too) or a folder.
``check_zip`` refuses, before anything is inflated, a zip with too many members, members that
would inflate to absurd sizes (a zip bomb), paths that climb out of the archive (``..``, ``/etc``,
``C:\\``), symbolic links and a member name that occurs twice (readers differ in which copy they take).
``read_member`` inflates one member and stops as soon as more bytes come out than the archive declared.
``safe_files`` lists a folder's files without following symbolic links, and refuses a folder that holds one.
"""
from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from pipelines import privacy
from pipelines.sources.common import IngestError

MB = 1024 * 1024
MAX_MEMBERS = 1000
MAX_TOTAL = 500 * MB
MAX_MEMBER = 200 * MB
MAX_RATIO = 200
#: Members smaller than this are not held to ``max_ratio`` (small, repetitive files compress very well).
RATIO_FLOOR = 1 * MB

_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(name: str) -> str | None:
    """Why a member name is unsafe, or None."""
    slashed = name.replace("\\", "/")
    if slashed.startswith("/") or _DRIVE.match(slashed):
        return "has an absolute path"
    if ".." in PurePosixPath(slashed).parts:
        return "climbs out of the archive ('..' in its path)"
    if "\x00" in name:
        return "has a NUL character in its name"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def passed_over(name: str) -> bool:
    """Whether an archive or folder member ``name`` is no file of a delivery: a macOS resource fork (``__MACOSX/``,
    ``._signals.csv``), a hidden or a lock file (``~$``)."""
    parts = name.replace("\\", "/").lower().split("/")
    return "__macosx" in parts or parts[-1].startswith((".", "~$"))


def _member(info: zipfile.ZipInfo) -> str:
    """A member's name for a message: scrubbed (a supplier names files after people) and cut short."""
    return repr(privacy.scrub_file_name(info.filename[:200]))


#: compression methods Python's zipfile inflates; Deflate64 (9, Windows Explorer for large files) and others it cannot
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def _unreadable(label: str, info: zipfile.ZipInfo) -> IngestError | None:
    """Why a member cannot be inflated at all (a password, an unknown compression method), as one sentence; or None."""
    if info.flag_bits & 0x1:
        return IngestError(f"{label}: the member {_member(info)} is protected with a password, which wijkradar cannot "
                           "open; deliver the archive without a password (through the secure channel you use for "
                           "deliveries)")
    if info.compress_type not in READABLE_METHODS:
        method = f"{info.compress_type}{', Deflate64' if info.compress_type == 9 else ''}"
        return IngestError(f"{label}: the member {_member(info)} is compressed with a method wijkradar cannot read "
                           f"(zip method {method}); create the zip again with ordinary compression (Deflate, the "
                           "default of most zip programs) and deliver the new file")
    return None


def check_zip(path: Path, *, max_members: int = MAX_MEMBERS, max_total: int = MAX_TOTAL,
              max_member: int = MAX_MEMBER, max_ratio: float = MAX_RATIO) -> None:
    """Refuse an unsafe zip (IngestError) from its directory alone: nothing is inflated here."""
    path = Path(path)
    what = "workbook" if path.suffix.lower() in (".xlsx", ".xlsm") else "zip archive"
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(f"{path.name}: the {what} is damaged or incomplete and cannot be opened; "
                          "create it again and deliver the new file") from exc
    if len(infos) > max_members:
        raise IngestError(f"{path.name}: refused, the {what} holds {len(infos)} files (at most {max_members} "
                          "allowed); deliver only the export files")
    total, seen = 0, set()
    for info in infos:
        name = info.filename.replace("\\", "/").lower()
        if name in seen:   # which copy a reader takes differs (Python's the last, Excel calls the file damaged)
            raise IngestError(f"{path.name}: refused, the {what} holds the member {_member(info)} twice (names "
                              "compared regardless of case), so which copy is meant cannot be told; create the "
                              f"{what} again and deliver the new file")
        seen.add(name)
        reason = _unsafe_name(info.filename)
        if reason is None and _is_symlink(info):
            reason = "is a symbolic link"
        if reason:
            raise IngestError(f"{path.name}: refused, the member {_member(info)} {reason}; "
                              "deliver a plain archive of the export files only")
        size = max(info.file_size, 0)
        if size > max_member:
            raise IngestError(f"{path.name}: refused, the member {_member(info)} would inflate to "
                              f"{size / MB:,.0f} MB (at most {max_member / MB:,.0f} MB allowed); "
                              "split the export into smaller files")
        if size > RATIO_FLOOR and size > max_ratio * max(info.compress_size, 1):
            raise IngestError(f"{path.name}: refused, the member {_member(info)} would inflate "
                              f"{size / max(info.compress_size, 1):,.0f} times (at most {max_ratio:g} allowed), "
                              "which is what a zip bomb does; export the data again")
        unreadable = _unreadable(path.name, info)
        if unreadable is not None:
            raise unreadable
        total += size
        if total > max_total:
            raise IngestError(f"{path.name}: refused, the {what} would inflate to more than "
                              f"{max_total / MB:,.0f} MB; split the export into smaller files")


def read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, *, path: Path | None = None,
                chunk: int = 1 * MB) -> bytes:
    """Inflate one member, refusing it as soon as it yields more bytes than the archive declared."""
    label = Path(path).name if path is not None else (z.filename and Path(z.filename).name) or "archive"
    declared = info.file_size
    parts, got = [], 0
    unreadable = _unreadable(label, info)
    if unreadable is not None:
        raise unreadable
    try:
        with z.open(info) as fh:
            while True:
                block = fh.read(chunk)
                if not block:
                    break
                got += len(block)
                if got > declared:
                    raise IngestError(f"{label}: refused, the member {_member(info)} inflates to more than its "
                                      "declared size (a damaged or forged archive); export the data again")
                parts.append(block)
    except IngestError:
        raise
    except Exception as exc:   # zlib.error, lzma.LZMAError, BadZipFile (CRC), RuntimeError, NotImplementedError, ...
        raise IngestError(f"{label}: the member {_member(info)} is damaged and cannot be read; "
                          "create the archive again and deliver the new file") from exc
    return b"".join(parts)


def safe_files(folder: Path) -> list[Path]:
    """Every regular file under ``folder`` (sorted); a symbolic link anywhere is refused, never followed."""
    folder = Path(folder)
    label = privacy.shown_file_name(folder.name)      # a supplier names files and folders after people
    if folder.is_symlink():
        raise IngestError(f"{label}: refused, the folder is a symbolic link; deliver the folder itself, "
                          "not a link to it")
    files: list[Path] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs) + sorted(names):
            p = Path(root) / name
            def shown(p=p) -> str:
                return repr(privacy.shown_file_name(p.relative_to(folder).as_posix()[:200]))

            try:
                mode = os.lstat(p).st_mode
            except OSError as exc:
                raise IngestError(f"{label}: {shown()} cannot be read; deliver the folder again") from exc
            if stat.S_ISLNK(mode):
                raise IngestError(f"{label}: refused, {shown()} is a symbolic link and links are not followed; "
                                  "copy the real file into the folder and load it again")
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                raise IngestError(f"{label}: refused, {shown()} is not a regular file; "
                                  "deliver only the export files")
            files.append(p)
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())
