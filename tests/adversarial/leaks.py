"""Find planted personal values anywhere wijkradar (or Prefect, or GX) may have stored or said them.

``find_leaks(secrets, roots, texts)`` returns one line per place a secret occurs: files under the
roots (text read as text in several encodings; DuckDB files dumped table by table, every schema,
read-only; Parquet via pandas; SQLite (Prefect's database) dumped table by table; XLSX/ZIP members
unpacked and scanned, nested archives too; gzip unpacked; everything else scanned as bytes) and the
given texts (exception messages, captured logs). Matching is case-insensitive; a secret that is a
phone number or BSN (only digits and separators, >= 9 digits) is also looked for as digits only and,
for Dutch phone numbers, in national form (``+31 6 12345678`` -> ``0612345678``). Every secret of
8+ characters is also looked for without white space (``Kerkweg 14 bis`` stored as ``KERKWEG14BIS``).
Symbolic links under the roots are not followed (a symlink is reported by the tests separately).
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import html
import io
import os
import re
import sqlite3
import warnings
import zipfile
from pathlib import Path
from typing import Iterable

import ahocorasick

MAX_MEMBER = 64 << 20          # never inflate more than this from one archive member (zip bombs)
MAX_FILE = 512 << 20


def needles(secret: str) -> set[str]:
    """The lower-case forms of a secret that count as a leak."""
    s = str(secret).strip()
    out = {s.lower()} if s else set()
    squeezed = re.sub(r"\s+", "", s.lower())
    if len(squeezed) >= 8:
        out.add(squeezed)            # e.g. an address upper-cased and de-spaced as a buurt code
    if re.fullmatch(r"[\d\s().+\-]+", s):
        digits = re.sub(r"\D", "", s)
        if len(digits) >= 9:
            out.add(digits)
            if digits.startswith("0031"):
                out.add("0" + digits[4:])
            elif digits.startswith("31") and len(digits) == 11:
                out.add("0" + digits[2:])
    return out


class Forms:
    """Every form of every secret in one Aho-Corasick automaton: a text is scanned once for all of them
    (a form per secret and search made the weekly flow's leak scan take minutes)."""

    def __init__(self, secrets: Iterable[str]):
        self.secrets = {str(s): needles(s) for s in secrets if str(s).strip()}
        self.automaton = ahocorasick.Automaton()
        owners: dict[str, list[str]] = {}
        for secret, variants in self.secrets.items():
            for v in variants:
                owners.setdefault(v, []).append(secret)
        for v, who in owners.items():
            self.automaton.add_word(v, (v, who))
        if owners:
            self.automaton.make_automaton()

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def hits(self, low: str) -> dict[str, str]:
        """Secret -> the first of its forms found in ``low`` (a lower-cased text)."""
        out: dict[str, str] = {}
        for _, (form, who) in self.automaton.iter(low):
            for secret in who:
                out.setdefault(secret, form)
        return out


def _decodings(data: bytes) -> list[str]:
    texts = []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 3 and data[1:4:2] == b"\x00\x00"):
        for enc in ("utf-16", "utf-16-le"):
            try:
                texts.append(data.decode(enc))
                break
            except UnicodeDecodeError:
                continue
    texts.append(data.decode("utf-8", errors="replace"))
    if not data.isascii():                  # ASCII reads the same in both
        texts.append(data.decode("cp1252", errors="replace"))
    unescaped = [html.unescape(t) for t in texts if "&" in t]       # nothing to unescape without an "&"
    unescaped += [t.replace("\\/", "/") for t in texts if "\\u" in t or "\\/" in t]
    for t in list(texts):
        if "\\u" in t:
            try:
                with warnings.catch_warnings():       # JSON escapes; other backslashes are not ours to judge
                    warnings.simplefilter("ignore", DeprecationWarning)
                    unescaped.append(t.encode("latin-1", errors="ignore").decode("unicode_escape", errors="ignore"))
            except Exception:  # noqa: BLE001 - best effort
                pass
    return list(dict.fromkeys(texts + unescaped))          # each distinct text once


def _dump_duckdb(path: Path) -> str:
    import duckdb

    parts = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_catalog, table_schema, table_name FROM information_schema.tables ORDER BY 1, 2, 3"
        ).fetchall()
        for catalog, schema, name in tables:
            rows = con.execute(f'SELECT * FROM "{catalog}"."{schema}"."{name}"').fetchall()
            parts.append(f"## {schema}.{name}\n" + "\n".join(" | ".join(map(str, r)) for r in rows))
    finally:
        con.close()
    return "\n".join(parts)


def _dump_sqlite(path: Path) -> str:
    parts = []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in names:
            try:
                rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            except sqlite3.Error as exc:
                parts.append(f"## {name}: unreadable ({exc})")
                continue
            parts.append(f"## {name}\n" + "\n".join(" | ".join(
                (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)) for v in r) for r in rows))
    finally:
        con.close()
    return "\n".join(parts)


def _dump_parquet(path: Path) -> str:
    import pandas as pd

    return pd.read_parquet(path).to_csv(index=False)


def _is_sqlite(head: bytes) -> bool:
    return head.startswith(b"SQLite format 3\x00")


def _scan_bytes(where: str, data: bytes, found: list[str], forms: Forms, depth: int = 0) -> None:
    if data[:4] == b"PK\x03\x04" and depth < 3:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for info in z.infolist():
                    if info.is_dir():
                        continue
                    with z.open(info) as fh:
                        member = fh.read(MAX_MEMBER)
                    _scan_bytes(f"{where}!{info.filename}", member, found, forms, depth + 1)
                    _scan_text(f"{where}!(member name)", info.filename, found, forms)
            return
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError):
            pass      # also scanned as bytes below
    if data[:2] == b"\x1f\x8b" and depth < 3:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as g:
                _scan_bytes(f"{where}!gunzip", g.read(MAX_MEMBER), found, forms, depth + 1)
        except OSError:
            pass
    for text in _decodings(data):
        if _scan_text(where, text, found, forms):
            break


def _scan_text(where: str, text: str, found: list[str], forms: Forms) -> bool:
    hits = forms.hits(text.lower())
    for secret, v in hits.items():
        line = f"{where}: contains {secret!r}" + ("" if v == secret.lower() else f" (as {v!r})")
        if line not in found:
            found.append(line)
    return bool(hits)


def _scan_file(path: Path, found: list[str], forms: Forms) -> None:
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        found.append(f"{path}: unreadable ({exc})")
        return
    where = str(path)
    if suffix == ".duckdb" or path.name.endswith(".duckdb"):
        try:
            _scan_text(f"{where} (tables)", _dump_duckdb(path), found, forms)
        except Exception as exc:  # noqa: BLE001 - a locked or damaged file must not hide a leak
            found.append(f"{where}: could not be dumped ({type(exc).__name__}: {exc})")
    elif suffix in (".db", ".sqlite", ".sqlite3") or _is_sqlite(head):
        try:
            _scan_text(f"{where} (tables)", _dump_sqlite(path), found, forms)
        except sqlite3.Error as exc:
            found.append(f"{where}: could not be dumped ({exc})")
    elif suffix == ".parquet":
        try:
            _scan_text(f"{where} (rows)", _dump_parquet(path), found, forms)
        except Exception as exc:  # noqa: BLE001
            found.append(f"{where}: could not be read ({type(exc).__name__}: {exc})")
    # every file is also scanned as bytes (DuckDB and SQLite pages, WAL files, free blocks)
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE)
    if size > MAX_FILE:
        found.append(f"{where}: larger than {MAX_FILE} bytes, only the start was scanned")
    _scan_bytes(where, data, found, forms)


@functools.lru_cache(maxsize=1)
def _shipped_assets() -> frozenset[str]:
    """SHA-256 of every file the data docs copy in unchanged (wijkradar's vendored assets, GX's static files): code
    shipped with the product, never written from a delivery, so a copy of one need not be scanned (6.5 MB a home)."""
    import great_expectations

    folders = [Path(__file__).resolve().parents[2] / "pipelines" / "docs_assets",
               Path(great_expectations.__file__).parent / "render" / "view" / "static"]
    return frozenset(hashlib.sha256(p.read_bytes()).hexdigest() for f in folders for p in f.rglob("*") if p.is_file())


def _shipped(path: Path, size: int) -> bool:
    return size > 4096 and path.parent.name != "validations" and \
        hashlib.sha256(path.read_bytes()).hexdigest() in _shipped_assets()


def files_under(roots: Iterable[Path]) -> list[Path]:
    out = []
    for root in roots:
        root = Path(root)
        if root.is_symlink():
            continue
        if root.is_file():
            out.append(root)
            continue
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            for name in filenames:
                p = Path(dirpath) / name
                if not p.is_symlink():
                    out.append(p)
    return out


def find_leaks(secrets: Iterable[str], roots: list[Path], texts: Iterable[str] = ()) -> list[str]:
    """Where any secret appears under ``roots`` or in ``texts``; ``[]`` when nowhere."""
    forms = Forms(secrets)
    if not forms:
        return []
    found: list[str] = []
    for path in files_under(roots):
        try:
            if _shipped(path, path.stat().st_size):
                continue
        except OSError:
            pass                            # unreadable: _scan_file reports it
        _scan_file(path, found, forms)
    for i, text in enumerate(texts):
        _scan_text(f"captured text #{i}", str(text), found, forms)
    return found
