"""Reading helpers shared by every file source: tables from CSV/XLSX, header aliases, privacy guard."""
from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
import re
import unicodedata
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines import privacy
from pipelines.codes import BUURT_TAIL
from pipelines.validate import ValidationRefused


class IngestError(ValueError):
    """A file cannot be loaded; the message names the file, the problem and the fix."""


class PrivacyError(IngestError):
    """A column wijkradar uses holds personal data in most rows; the file is refused whole."""


def normalise_header(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a column header."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


#: a cell written with Excel's text trick ``="0001001"`` (keeps leading zeros): the literal between the quotes is meant
_TEXT_FORMULA = re.compile(r'\s*="((?:[^"]|"")*)"\s*')


def plain_text(text: str) -> str:
    """A cell as a person reads it in a spreadsheet: in the order a screen shows it around direction overrides and
    embeddings, invisible format characters (Unicode category Cf: zero-width
    space and joiners, direction marks, soft hyphen, BOM) removed, digits of other scripts (full-width, Arabic-Indic)
    as ASCII digits, and a cell that is exactly ``="literal"`` (Excel's text trick) as the literal."""
    if not text.isascii():
        from pipelines.privacy import as_shown

        text = as_shown(text)           # "\u202e87654321-60" is the 06-12345678 a person sees, not 87654321-60
        text = "".join("" if (cat := unicodedata.category(ch)) == "Cf" else str(unicodedata.digit(ch)) if cat == "Nd"
                       else ch for ch in text)
    if "=" in text:
        literal = _TEXT_FORMULA.fullmatch(text)
        if literal:
            text = literal.group(1).replace('""', '"')
    return text


def plain_cells(values: pd.Series) -> pd.Series:
    """:func:`plain_text` of every cell; computed only for cells that are not plain ASCII or hold ``=``, once per
    distinct value, so a million plain cells cost one vectorised pass."""
    if not (pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)):
        return values
    try:
        ascii_ = values.str.isascii().fillna(True).to_numpy(dtype=bool)
        odd = ~ascii_ | values.str.contains("=", regex=False).fillna(False).to_numpy(dtype=bool)
    except AttributeError:                         # an object column holding no text at all
        return values
    if not odd.any():
        return values
    out = values.astype(object).copy()
    subset = out[odd]
    lookup = {v: plain_text(v) for v in subset.unique() if isinstance(v, str)}
    out[odd] = subset.map(lambda v: lookup.get(v, v) if isinstance(v, str) else v).to_numpy(dtype=object)
    return out


# ---------------------------------------------------------------------------------------------
# Reading tables: the file's content decides how it is read, never its name.
# ---------------------------------------------------------------------------------------------

#: The header is looked for among this many non-empty rows at the top of a sheet or text file.
HEADER_SCAN_ROWS = 30
#: Text of at least this many characters is parsed by pandas' C reader (same result, ~5x faster).
FAST_TEXT_CHARS = 1 << 20
#: A text table larger than this is refused before it is read into memory.
MAX_TEXT_BYTES = 500 * 1024 * 1024
#: A line at the top of a text file, up to and including its header row, longer than this is refused before it is
#: split (a header of a few dozen names is a few hundred characters; one line of 50 MB took 1.6 GB and 27 s to
#: split and check). Data rows may be longer: an over-long cell is quarantined (``ingest.MAX_CELL_CHARS``).
MAX_HEADER_CHARS = 1024 * 1024
#: a delivered table has a few to a few dozen columns; a cell past this column is a stray mark or a crafted sheet
MAX_SHEET_COLUMNS = 1_000
#: cells of a sheet once merged ranges are filled and every row is as wide as its last cell: an xlsx holds
#: at most 1,048,576 rows, and ten columns of them are about 10 million
MAX_SHEET_CELLS = 20_000_000
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_FIX = "export the data again as CSV (semicolon- or comma-separated) or XLSX"


@dataclass
class Sheet:
    """One sheet (or the one table of a text file): every cell as text ("" when empty), header applied.

    ``frame`` starts with ``row_number`` (int64): the Excel row number, or the line of the text file
    where the record starts (line 1 is the first line of the file).
    """
    name: str
    hidden: bool
    frame: pd.DataFrame


@dataclass
class Workbook:
    """The sheet holding the data and every other sheet, hidden ones included (read for a privacy scan only)."""
    data: Sheet
    others: list[Sheet] = field(default_factory=list)


def read_table(path: Path, aliases: dict[str, tuple[str, ...]] | None = None, *,
               optional: tuple[str, ...] = ()) -> Workbook:
    """The table of a CSV/text or XLSX file wherever it sits: sheet, header row and encoding are found.

    The kind of file is told from its bytes (an XLSX named ``.csv`` is read as XLSX). With ``aliases``
    the header row is the row (among the first ``HEADER_SCAN_ROWS`` non-empty ones) whose cells match
    most canonical columns, and the data sheet is the first visible sheet holding every required
    column (not in ``optional``), else such a hidden sheet. Merged cells carry their value into every
    cell they cover; a cell of :data:`NUMBER_FIELDS` merged over several rows is told in the column
    :data:`MERGED_ROWS` so its rows can be quarantined. Rows that are entirely empty are dropped. Every
    failure is an IngestError of one sentence naming the file, the problem and the fix.
    """
    path = Path(path)
    collecting = gc.isenabled()
    gc.disable()   # millions of small lists: the cyclic collector would otherwise dominate the reading time
    try:
        kind = _content_kind(path)
        if kind == "xlsx":
            sheets = _xlsx_sheets(path)
        else:
            text, sep, hint = _text_and_delimiter(path, aliases)
            refuse_stray_quote(path.name, text, sep)
            if len(text) >= FAST_TEXT_CHARS and not hint:
                fast = _fast_text_sheet(path, text, sep, aliases, optional)
                if fast is not None:
                    return Workbook(data=fast, others=[])
            sheets = [(path.name, False, _text_records(path, aliases, text, sep, hint))]
        return _choose(path, sheets, aliases, optional)
    except IngestError:
        raise
    except Exception as exc:  # a damaged file gets one sentence, not a traceback
        raise _as_ingest_error(path, exc) from exc
    finally:
        if collecting:
            gc.enable()


def workbook_sheets(path: Path) -> list[tuple[str, bool, list[tuple[int, list[str]]]]]:
    """Every sheet of an XLSX file as (title, hidden, [(row number, text cells)]), with the guards of
    :func:`read_table` (bombs, XML entities, size); every failure an IngestError of one sentence."""
    path = Path(path)
    try:
        return _xlsx_sheets(path)
    except IngestError:
        raise
    except Exception as exc:
        raise _as_ingest_error(path, exc) from exc


def _as_ingest_error(path: Path, exc: Exception) -> IngestError:
    """Any other failure while reading ``path`` as one sentence naming the file, the problem and the fix."""
    if isinstance(exc, MemoryError):
        return IngestError(f"{path.name}: the file is too large to read in memory; split it into smaller "
                           "files (for example one per month) and load them one by one")
    if _xml_attack(exc):
        return IngestError(f"{path.name}: refused, the workbook's XML declares entities or a document type "
                           "(a known way to read files off this machine or to exhaust its memory); open it in a "
                           "spreadsheet program, save it again as XLSX or CSV and deliver that")
    return IngestError(f"{path.name}: the file cannot be read ({type(exc).__name__}); open it in a "
                       "spreadsheet program, save it again as CSV or XLSX and retry")


def _content_kind(path: Path) -> str:
    """``xlsx`` or ``text``; every other kind of content is refused with its own sentence."""
    if path.is_dir():
        raise IngestError(f"{path.name}: this is a folder, not a table; load the CSV or XLSX file inside it")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path.name}: the file is empty (0 bytes); export the data again as CSV or XLSX "
                          "and deliver that file")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF"):
        raise IngestError(f"{path.name}: this is a PDF document, not a table; export the data as CSV or XLSX")
    if head.startswith(_XLS_MAGIC):
        with path.open("rb") as fh:
            if _ENCRYPTED_OOXML in fh.read(1 << 20):
                raise IngestError(f"{path.name}: this workbook is protected with a password; save a copy "
                                  "without password protection as .xlsx or CSV and deliver that")
        raise IngestError(f"{path.name}: this is an old Excel 97-2003 .xls file; save it as .xlsx or CSV "
                          "and deliver that")
    archive = _archive_kind(head)
    if archive:
        raise IngestError(f"{path.name}: this is {archive}, not a CSV or XLSX table; unpack it and deliver the CSV or "
                          "XLSX file inside, or a Signalen export as a .zip")
    markup = _markup_kind(head)
    if markup:
        raise IngestError(f"{path.name}: this is {markup[0]}, not a CSV or XLSX table; {markup[1]}")
    if size > MAX_TEXT_BYTES:
        raise IngestError(f"{path.name}: refused, the file is {size / 1024 ** 2:,.0f} MB (at most "
                          f"{MAX_TEXT_BYTES / 1024 ** 2:,.0f} MB); split it into smaller files and load them one by one")
    return "text"


#: how archives wijkradar does not open begin (a zip is read: an XLSX or a Signalen export); they were refused as "a
#: binary file" and told to export the data again, where unpacking them is what helps
_ARCHIVE_MAGIC = ((b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (.7z)"), (b"Rar!\x1a\x07", "a RAR archive (.rar)"),
                  (b"\xfd7zXZ\x00", "an xz-compressed file (.xz)"))
#: bzip2: "BZh", the block size 1-9, then the block magic (the digits of pi in BCD): never a text's first bytes
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")


def _archive_kind(head: bytes) -> str | None:
    """What a file beginning with ``head`` is when it is an archive or compressed file wijkradar does not open: gzip
    (a tar inside told by the first 512 bytes unpacked, never more), tar, 7-Zip, RAR, xz, bzip2."""
    if head.startswith(b"\x1f\x8b"):
        try:
            inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 512)
        except zlib.error:
            inner = b""
        if _tar_header(inner):
            return "a tar archive compressed with gzip (.tar.gz)"
        return "a gzip-compressed file (.gz)"
    if _tar_header(head):
        return "a tar archive (.tar)"
    if _BZIP2.match(head):
        return "a bzip2-compressed file (.bz2)"
    return next((what for magic, what in _ARCHIVE_MAGIC if head.startswith(magic)), None)


def _tar_header(head: bytes) -> bool:
    """Whether ``head`` starts with a tar header: POSIX's magic ``ustar`` NUL at byte 257, or GNU's ``ustar`` two
    spaces NUL (never text that happens to hold "ustar" there)."""
    return head[257:263] == b"ustar\x00" or head[257:265] == b"ustar  \x00"


#: how files that are no delimited text begin (after a byte order mark and white space, lower-case): a web page or an
#: "export to Excel" that writes HTML, an Excel 2003 XML spreadsheet, other XML, JSON. Read as text, their first line
#: became the header and the file was refused as lacking every column, telling the sender to rename one
_RESAVE = "open it in a spreadsheet program, save it as .xlsx or CSV and deliver that"
_MARKUP = (
    (re.compile(r"<\?xml\b[^>]*>\s*(?:<\?mso-application[^>]*excel\.sheet|[\s\S]{0,2000}?"
                r"<(?:\w+:)?workbook\b[^>]*urn:schemas-microsoft-com:office:spreadsheet)"),
     "an Excel 2003 XML spreadsheet", _RESAVE),
    (re.compile(r"(?:<\?xml\b[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b"),
     "a web page (HTML, as some programs write for Excel)", _RESAVE),
    (re.compile(r"<\?xml\b|<(?:\w+:)?workbook\b"), "an XML file", "export the data as CSV or XLSX"),
    (re.compile(r"\{\s*(?:\"|\}\s*\Z)|\[\s*(?:[{\[]|\]\s*\Z)"), "a JSON file", "export the data as CSV or XLSX"),
)


def _markup_kind(head: bytes) -> tuple[str, str] | None:
    """What a file beginning with ``head`` is when it is HTML, XML or JSON, and the fix (see :data:`_MARKUP`)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    elif head[:200].count(0) > 50:
        text = head.decode("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be", "ignore")
    else:
        text = head.decode("utf-8", "ignore")
    text = text.lstrip("\ufeff \t\r\n").lower()
    return next(((what, fix) for pattern, what, fix in _MARKUP if pattern.match(text)), None)


def _binary_error(label: str) -> IngestError:
    return IngestError(f"{label}: this is a binary file, not CSV text; {_FIX}")


_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")


def _text_with_nuls(sample: bytes | str) -> bool:
    """Whether a sample holding NUL characters is text all the same: a few NULs (a database export's padding) in
    lines of text, not bytes of which about one in ten is a control character, as in binary content."""
    data = sample.encode("utf-8", "surrogatepass") if isinstance(sample, str) else sample
    nuls = data.count(0)
    return nuls <= max(8, len(data) // 100) and len(_CONTROL.findall(data)) <= len(data) // 200


def refuse_nul(label: str, text: str) -> None:
    """IngestError for a text holding a NUL character: naming its first line when the text is text otherwise (no
    reader may split rows at a character it cannot show), else as a binary file."""
    at = text.index("\x00")
    if not _text_with_nuls(text[max(0, at - 32768): at + 32768]):
        raise _binary_error(label)
    before = text[:at]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    raise IngestError(f"{label}: line {line} holds a NUL character (an invisible zero byte, as some database "
                      f"exports pad cells with; {text.count(chr(0)):,} in the file); remove the NUL characters (a "
                      "text editor's search and replace, or export the data again) and load the file again")


def decode_text(label: str, raw: bytes) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 (Excel "Unicode-tekst") or Windows-1252; a UTF-8 text with some
    lines in Windows-1252 is read line by line (:func:`_decode_mixed`); UTF-32 is refused by its name. A UTF-8 byte
    order mark before a UTF-16 one (a tool that adds one to any text) is dropped: read as it stood, the header was
    garbage and the file refused as lacking its first column."""
    if raw.startswith((b"\xef\xbb\xbf\xff\xfe", b"\xef\xbb\xbf\xfe\xff")):
        raw = raw[3:]
    if _utf32(raw[:8192]):
        raise IngestError(f"{label}: the text is saved as UTF-32, an encoding wijkradar does not read; save it as "
                          "UTF-8 (in Excel: CSV UTF-8) and deliver that")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _binary_error(label) from exc
    head = raw[:8192]
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        for zeros, text, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
            if zeros.count(0) > 0.9 * len(zeros) and text.count(0) < 0.1 * len(text):
                try:
                    return raw[: len(raw) // 2 * 2].decode(codec)   # UTF-16 without a BOM
                except UnicodeDecodeError:
                    break
        if not _text_with_nuls(head):
            raise _binary_error(label)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(raw):
        return _decode_mixed(label, raw)
    if _dos_text(raw):
        import logging

        logging.getLogger("wijkradar.ingest").warning(
            "%s: the text is not UTF-8 and its accented letters stand where code page 850 (a DOS program) has them, "
            "not where Windows-1252 has them (\"é\" would read as \"‚\"), so it was read as code page 850; check the "
            "accented letters, and ask the supplier to save the file as UTF-8", privacy.scrub_file_name(label))
        return raw.decode("cp850")
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:          # one of the five bytes Windows-1252 leaves undefined
        return raw.decode("utf-8", _CP1252_BYTES)


def _utf32(head: bytes) -> bool:
    """Whether text starts as UTF-32 (four bytes a character): its byte order mark, or three of every four bytes zero."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return True
    head = head[: len(head) // 4 * 4]
    if len(head) < 16:
        return False
    lanes = [head[i::4].count(0) / (len(head) // 4) for i in range(4)]
    return (min(lanes[1:]) > 0.9 and lanes[0] < 0.1) or (min(lanes[:3]) > 0.9 and lanes[3] < 0.1)


#: two to four bytes that are one UTF-8 character: a file holding such a sequence was written as UTF-8 (in Windows-1252
#: they read as "Ã«" and the like, which no one types)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _cp1252_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: each byte that is no part of a UTF-8 character read as Windows-1252 (the five bytes
    Windows-1252 leaves undefined as Latin-1, i.e. as the control character of that number)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in bad), exc.end


#: ``bytes.decode("utf-8", _CP1252_BYTES)``: UTF-8 where the bytes are UTF-8, Windows-1252 for the bytes between
_CP1252_BYTES = "wijkradar-utf8-else-cp1252"
codecs.register_error(_CP1252_BYTES, _cp1252_bytes)


def _decode_mixed(label: str, raw: bytes) -> str:
    """A UTF-8 text holding some Windows-1252 bytes (a line typed in another program, files pasted together, a word
    pasted into a UTF-8 line): every run of bytes in its own encoding, so neither the UTF-8 characters ("Financiële",
    "René" beside a Windows-1252 "Café" on one line) nor the others are mangled; a warning names the first line that
    is not UTF-8. (Decoding a whole file, or a whole line, as Windows-1252 turned every "ë" into "Ã«".)"""
    import logging

    raw = raw.removeprefix(b"\xef\xbb\xbf")
    text = raw.decode("utf-8", _CP1252_BYTES)
    # every line end (CRLF, LF, and the lone CR of Excel for Mac's "CSV (Macintosh)") counts, as the reader counts lines
    other = [i + 1 for i, line in enumerate(re.split(rb"\r\n|\r|\n", raw)) if not line.isascii() and not _utf8(line)]
    logging.getLogger("wijkradar.ingest").warning(
        "%s: %d line(s) are not UTF-8 like the rest of the file (the first is line %d); the bytes of those lines that "
        "are not UTF-8 were read as Windows-1252: check those lines, and ask the supplier to save the file in one "
        "encoding (UTF-8)", privacy.scrub_file_name(label), len(other), other[0])
    return text


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: a byte that is an accented letter in code page 850 (DOS) and punctuation, or nothing, in Windows-1252, written
#: right after a letter: "Ren\x82" is "René" in code page 850 and "Ren‚" in Windows-1252; only 0x81, 0x90 (undefined in
#: Windows-1252) and the letters a word ends on stand before a space ("Ren\x82 ", "Zo\x89 "), not "…" or "„"
_CP850_LETTER = re.compile(rb"[A-Za-z](?:[\x81-\x85\x87-\x8c\x90\x94](?=[A-Za-z])|[\x81\x82\x89\x8a\x8b\x90](?![A-Za-z]))")
#: an accented letter of Windows-1252 (0xC0-0xFF) beside a letter: a box-drawing sign in code page 850, never in a word
_CP1252_LETTER = re.compile(rb"[A-Za-z][\xc0-\xff]|[\xc0-\xff][A-Za-z]")


def _dos_text(raw: bytes) -> bool:
    """Whether a text that is not UTF-8 was written in code page 850 (a DOS program, ``type`` or ``copy`` in a Windows
    console) rather than Windows-1252: its accented letters stand where code page 850 has them, and no accented
    letter stands where Windows-1252 has them."""
    return _CP850_LETTER.search(raw) is not None and _CP1252_LETTER.search(raw) is None


#: a DOS end-of-file mark (Ctrl-Z) after the last line, as old export tools and ``copy /b`` write it: no row of the table
_DOS_END = re.compile(r"\x1a+\s*\Z")


def _text_and_delimiter(path: Path, aliases) -> tuple[str, str, bool]:
    """The decoded text, its delimiter and whether line 1 is Excel's ``sep=`` hint."""
    text = decode_text(path.name, path.read_bytes())
    if "\x1a" in text:                            # the regex alone reads 60 MB in half a second
        text = _DOS_END.sub("", text)
    if "\x00" in text:
        refuse_nul(path.name, text)
    refuse_long_header(path.name, text, aliases)
    first_line = text.split("\n", 1)[0].strip().strip('"')
    hint = re.fullmatch(r"sep=(.)", first_line, re.IGNORECASE)   # Excel's delimiter hint line
    if hint:
        _refuse_wrong_hint(path, text, hint.group(1), aliases)
        return text, hint.group(1), True
    sample = text[:65536]
    scores = {d: _delimiter_score(sample, d, aliases) for d in (";", "\t", ",")}
    best = max(scores, key=scores.get)
    if aliases and "|" in sample and _delimiter_score(sample, "|", aliases)[0] > scores[best][0]:
        return text, "|", False     # an export option of some programs: read only when it names more columns
    return text, best, False


def _refuse_wrong_hint(path: Path, text: str, hinted: str, aliases) -> None:
    """IngestError when line 1's ``sep=`` hint names a delimiter that does not split the header while one wijkradar
    reads does (a file saved again with another list separator): read with the hint, every row would be one column."""
    sample = text[_line_end(text, 0) + 1:][:65536]
    if not sample.strip():
        return
    given = _delimiter_score(sample, hinted, aliases)
    others = {d: _delimiter_score(sample, d, aliases) for d in (";", "\t", ",") if d != hinted}
    best = max(others, key=others.get, default=None)
    if best is None:
        return
    better = (others[best][0] > given[0] if aliases and others[best][0] else
              given[2] <= 1 and others[best][2] > 1)
    if better:
        def shown(d: str) -> str:
            return "a tab" if d == "\t" else repr(d)
        raise IngestError(f"{path.name}: line 1 says sep={'<tab>' if hinted == chr(9) else hinted} but the columns are "
                          f"separated by {shown(best)}; delete line 1 (or correct it to "
                          f"sep={'<tab>' if best == chr(9) else best}) and load the file again")


def _line_end(text: str, start: int, stop: int | None = None) -> int:
    """Where the line starting at ``start`` ends (its CR or LF), looking no further than ``stop``."""
    stop = len(text) if stop is None else min(stop, len(text))
    ends = [p for p in (text.find("\n", start, stop), text.find("\r", start, stop)) if p >= 0]
    return min(ends, default=stop)


def refuse_long_header(label: str, text: str, aliases=None) -> None:
    """IngestError when a line at the top of ``text``, before or at its header row, is longer than
    ``MAX_HEADER_CHARS``: the first line (with ``aliases``: every line up to the first of ``HEADER_SCAN_ROWS``
    non-empty ones naming a column of ``aliases``), so that no reader or privacy check splits a crafted line of
    megabytes."""
    start, line, seen = 0, 1, 0
    while start < len(text) and seen < HEADER_SCAN_ROWS:
        end = _line_end(text, start, start + MAX_HEADER_CHARS + 1)
        if end - start > MAX_HEADER_CHARS:
            length = _line_end(text, end) - start
            raise IngestError(f"{label}: line {line} holds {length:,} characters without a line break, more than a "
                              f"header row or a line above it may hold ({MAX_HEADER_CHARS:,}); this is no table "
                              f"wijkradar can read: {_FIX}")
        cells = re.split(r"[;,\t|]", text[start:end])
        if not _blank(cells):
            seen += 1
            if not aliases or _header_hits([cells], aliases)[1]:
                return
        start = end + (2 if text.startswith("\r\n", end) else 1)
        line += 1


def stray_quote_line(text: str | bytes, sep: str) -> int | None:
    """The line of a double quote that opens a cell swallowing later rows, or None.

    A quote at the start of a cell makes every reader (Python's, pandas', a spreadsheet's) take the
    following line breaks and delimiters as text until the next quote: one stray quote silently joins
    the rest of the file, or every line up to the next stray quote, into one cell. A legitimate quoted
    cell may hold line breaks too (an address, a remark), so a quoted cell counts as swallowing rows when
    one of its later lines holds as many delimiters as the file's rows do, or when its quote is never
    closed before the end of the file and text follows its first line.
    """
    binary = isinstance(text, bytes)
    enc = (lambda s: s.encode()) if binary else (lambda s: s)
    quote, lf, cr = enc('"'), enc("\n"), enc("\r")
    if quote not in text:
        return None
    sample = text[:65536].splitlines()[:200]
    counts = [line.count(enc(sep)) for line in sample if line.strip()]
    row_seps = max(set(counts), key=counts.count) if counts else 0
    cell = re.compile(enc(r'(?:(?<=[' + re.escape(sep) + r'\r\n])|\A)"([^"]*(?:""[^"]*)*)("|\Z)'))
    for m in cell.finditer(text):
        if text.find(lf, m.start(), m.end()) < 0 and text.find(cr, m.start(), m.end()) < 0:
            continue
        later = m.group(1).splitlines()[1:]
        unclosed = not m.group(2) and any(line.strip() for line in later)
        if unclosed or (row_seps and any(line.count(enc(sep)) >= row_seps for line in later)):
            before = text[:m.start()]
            return before.count(lf) + before.count(cr) - before.count(cr + lf) + 1
    return None


def refuse_stray_quote(label: str, text: str | bytes, sep: str) -> None:
    """IngestError naming the line of a quote that swallows later rows (see :func:`stray_quote_line`)."""
    line = stray_quote_line(text, sep)
    if line is not None:
        raise IngestError(f'{label}: the double quote (") that opens a cell on line {line} is never closed where '
                          "the cell should end, so the lines after it would be read as text into that cell and "
                          "their rows lost; close or remove the quote and load the file again")


def _fast_text_sheet(path: Path, text: str, sep: str, aliases, optional: tuple[str, ...] = ()) -> Sheet | None:
    """A large delimited text read by pandas' C parser, with the line each record starts on.

    The header row is found on the first lines exactly as the exact reader does; the rest is parsed
    in one go, and line numbers follow from the line breaks inside quoted cells. Returns None (use
    the exact reader) for anything unusual: a header over several lines, rows wider than the header,
    bare carriage returns.
    """
    if "\r" in text.replace("\r\n", ""):
        return None
    sample = text[:65536]
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep, quotechar='"', strict=False)
    head, previous = [], 0
    try:
        for cells in reader:
            head.append((previous + 1, reader.line_num - previous, cells))
            previous = reader.line_num
            if len(head) > 4 * HEADER_SCAN_ROWS:
                break
    except csv.Error:
        return None
    rows = [(n, lines, cells) for n, lines, cells in head if not _blank(cells)]
    if not rows:
        return None
    at, _ = _header_hits([cells for _, _, cells in rows[:HEADER_SCAN_ROWS]], aliases)
    line, lines, header = rows[at or 0]
    refuse_rows_above_header(path.name, "line", [(n, cells) for n, _, cells in rows[:at or 0]], line, aliases,
                             optional)
    if lines != 1:
        return None
    offset = 0
    for _ in range(line):                       # the text after the header line
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    width = len(header)
    body = text[offset:]
    if width > MAX_SHEET_COLUMNS or width * (body.count("\n") + 1) > max(MAX_SHEET_CELLS, 2 * len(body)):
        # a header padded with empty cells far to the right (a spreadsheet's formatted columns): every line, empty
        # ones too, would become a row that wide (6.9 MB of text took over 23 GB); the exact reader trims them
        return None
    parsed = _arrow_unquoted(body, sep, width) if '"' not in body else None
    if parsed is not None:
        data, numbers = parsed
        numbers = numbers + line
    else:
        if not _quoted_rows_fit(body, sep, width):
            return None                         # pandas would pad a short record silently: the exact reader judges it
        try:
            with warnings.catch_warnings():     # a row wider than the header: pandas would cut it, with a warning
                warnings.simplefilter("error", pd.errors.ParserWarning)
                data = pd.read_csv(io.StringIO(body), sep=sep, header=None, names=range(width), dtype=str,
                                   keep_default_na=False, na_filter=False, skip_blank_lines=False, quotechar='"',
                                   engine="c", index_col=False)
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
            return None
        breaks = np.zeros(len(data), dtype=np.int64)
        if '"' in body:
            for col in data.columns:
                breaks += data[col].str.count("\n").to_numpy(dtype=np.int64)
        numbers = line + 1 + np.arange(len(data), dtype=np.int64) + np.concatenate([[0], np.cumsum(breaks)[:-1]])
    names = _column_names([str(c).strip() for c in header], width)
    data.columns = names
    filled = np.zeros(len(data), dtype=bool)
    for col in names:
        filled |= data[col].str.strip().ne("").to_numpy()
    data = data[filled]
    keep = [c for c in names if not c.startswith("Unnamed: ") or data[c].str.strip().ne("").any()]
    frame = data[keep].reset_index(drop=True)
    frame.insert(0, "row_number", pd.array(numbers[filled], dtype="int64"))
    header_of = {names[i]: str(header[i]).strip() for i in range(min(width, len(header)))}
    frame = _without_repeated_headers(frame, header_of, aliases, path.name, "line", line)
    return Sheet(path.name, False, frame)


def _quoted_rows_fit(body: str, sep: str, width: int) -> bool:
    """Whether every record of a quoted text has the header's ``width`` cells (Arrow's parser, which refuses a record of
    another width where pandas' pads it)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    try:
        pacsv.read_csv(io.BytesIO(body.encode("utf-8")), read_options=pacsv.ReadOptions(column_names=names),
                       parse_options=pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                                        newlines_in_values=True, ignore_empty_lines=True),
                       convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}))
    except (pa.ArrowInvalid, ValueError):
        return False
    return True


def _arrow_unquoted(body: str, sep: str, width: int) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Text without quotes, every line a record: Arrow's parser (multi-threaded) and each record's line
    within ``body`` (1-based). None when a line has another number of cells than the header."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if "\r" in body:
        body = body.replace("\r\n", "\n")
    encoded = body.encode("utf-8")
    # each line's length in bytes (empty or not is all that counts), from where its line breaks are: numpy, not a
    # million Python strings
    breaks = np.flatnonzero(np.frombuffer(encoded, dtype=np.uint8) == ord("\n"))
    lengths = np.diff(np.concatenate([[-1], breaks, [len(encoded)]])) - 1
    if len(lengths) and lengths[-1] == 0:
        lengths = lengths[:-1]
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(encoded),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, ValueError):
        return None
    numbers = np.flatnonzero(lengths > 0) + 1
    if table.num_rows != len(numbers):
        return None
    data = table.to_pandas()
    data.columns = range(width)
    return data, numbers


def _text_records(path: Path, aliases, text: str | None = None, sep: str | None = None,
                  hint: bool = False) -> list[tuple[int, list[str]]]:
    """Records of a delimited text file with the line each one starts on; empty cells at the end of a record and
    empty records are left out, as a sheet's are, so that a file padded with empty columns (``;`` to column XFD) and
    empty lines takes no more memory than its cells; a cell beyond ``MAX_SHEET_COLUMNS`` is refused."""
    if text is None:
        text, sep, hint = _text_and_delimiter(path, aliases)
    if '"' not in text:   # no quoting: every line is one record (fast path for large exports)
        lines = re.split(r"\r\n|\r|\n", text)
        if lines and lines[-1] == "":
            lines.pop()
        padding = sep + " \t"
        records, written = _Lines(), {}
        for n, line in enumerate(lines, start=1):
            width = line.count(sep) + 1
            if line.endswith((sep, " ", "\t")):     # cut before the first of the empty cells that end the line
                cut = line.find(sep, len(line.rstrip(padding)))
                line = line if cut < 0 else line[:cut]
            if line.strip() or (hint and n == 1):
                records.append((n, _within_columns(path, n, line.split(sep))))
                written[n] = width
        records = _Lines(records[1:]) if hint else records
        records.written, records.sep = written, sep
        return records
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=False)
    records, written, previous = _Lines(), {}, 0
    try:
        for cells in reader:
            width = len(cells)
            while cells and not cells[-1].strip():
                cells.pop()
            if cells or (hint and previous == 0):
                records.append((previous + 1, _within_columns(path, previous + 1, cells)))
                written[previous + 1] = width
            previous = reader.line_num
    except csv.Error as exc:
        raise IngestError(f"{path.name}: the text cannot be split into columns near line {previous + 1} "
                          '(probably a quote " that is never closed); remove the stray quote or export the data '
                          "again and retry") from exc
    if hint:
        records = _Lines(records[1:])
    records.written, records.sep = written, sep
    return records


class _Lines(list):
    """A text file's records (line, cells) with, per record's line, the cells it had as written (``written``: empty
    cells at its end included, which the records leave out) and the file's delimiter (``sep``)."""
    written: dict[int, int] = {}
    sep: str = ";"


def _within_columns(path: Path, line: int, cells: list[str]) -> list[str]:
    """``cells`` (trailing empty cells removed), or IngestError when one lies beyond ``MAX_SHEET_COLUMNS``."""
    if len(cells) > MAX_SHEET_COLUMNS:
        raise IngestError(f"{path.name}: line {line} has a cell beyond column {MAX_SHEET_COLUMNS:,} (in column "
                          f"{len(cells):,}); a delivery's table is narrower: remove the cells far to the right (in a "
                          "spreadsheet: delete the columns right of the table), save and deliver again")
    return cells


def _delimiter_score(sample: str, sep: str, aliases) -> tuple[int, int, int]:
    """How well ``sep`` splits the start of a file: header columns recognised, then consistent widths."""
    try:
        rows = [r for _, r in zip(range(60), csv.reader(io.StringIO(sample, newline=""), delimiter=sep))]
    except csv.Error:
        return (-1, 0, 0)
    rows = [r for r in rows if any(c.strip() for c in r)]
    hits = len(_header_hits(rows[:HEADER_SCAN_ROWS], aliases)[1]) if aliases else 0
    widths = [len(r) for r in rows if len(r) > 1]
    if not widths:
        return (hits, 0, 0)
    modal = max(set(widths), key=widths.count)
    return (hits, widths.count(modal), modal)


def _header_hits(rows: list[list[str]], aliases) -> tuple[int | None, set[str]]:
    """Index of the row whose cells match most canonical columns (first wins on a tie), and those columns."""
    if not aliases:
        return None, set()
    names = {canon: {normalise_header(n) for n in (canon, *alts)} for canon, alts in aliases.items()}
    best, best_hits = None, set()
    for i, cells in enumerate(rows):
        norms = {normalise_header(c) for c in cells if str(c).strip()}
        hits = {canon for canon, ns in names.items() if ns & norms}
        if len(hits) > len(best_hits):
            best, best_hits = i, hits
    return best, best_hits


def _xlsx_sheets(path: Path) -> list[tuple[str, bool, list[tuple[int, list[str]]]]]:
    """Every worksheet as (name, hidden, [(Excel row number, cells)]), merged cells filled."""
    import zipfile

    import openpyxl

    from pipelines.sources.safe_archive import check_zip

    check_zip(path)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        mimetype = z.read("mimetype")[:100] if "mimetype" in names and z.getinfo("mimetype").file_size < 200 else b""
        book = next((i for i in z.infolist() if i.filename.lower().endswith("workbook.xml")), None)
        strict = book is not None and _STRICT_OOXML in _head_of_member(z, book)
    if strict:
        raise IngestError(f"{path.name}: the workbook is saved as Strict Open XML, which wijkradar cannot read; "
                          "save it as an ordinary Excel workbook (.xlsx) and deliver that")
    if "xl/workbook.xml" not in names and not any(n.endswith("/workbook.xml") for n in names):
        if b"opendocument.spreadsheet" in mimetype:
            raise IngestError(f"{path.name}: this is an OpenDocument spreadsheet (.ods), not XLSX; save it as "
                              ".xlsx or CSV and deliver that")
        if any(n.lower().endswith("/workbook.bin") for n in names):
            raise IngestError(f"{path.name}: this is an Excel binary workbook (.xlsb), which wijkradar does not read; "
                              "save it as .xlsx or CSV and deliver that")
        if "word/document.xml" in names:
            raise IngestError(f"{path.name}: this is a Word document, not a table; export the data as CSV or XLSX")
        raise _zip_not_a_table(path)
    _refuse_string_bomb(path)
    _refuse_bloated_parts(path)
    if not openpyxl.DEFUSEDXML:
        raise IngestError(f"{path.name}: workbooks cannot be read safely because defusedxml is not active "
                          "(install defusedxml and unset OPENPYXL_DEFUSEDXML); until then deliver CSV")
    # read-only (streaming) mode: 5-10x faster on large workbooks; merged ranges are read from the sheet XML
    # a file object: openpyxl does not look at the name's extension
    with path.open("rb") as fh, _reader_warnings(path):
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            with zipfile.ZipFile(path) as z:
                return [(ws.title, ws.sheet_state != "visible",
                         _sheet_records(ws, *_sheet_xml(z, ws), where=f"{path.name}, sheet {i}",
                                        epoch1904=wb.epoch.year == 1904))
                        for i, ws in enumerate(wb.worksheets, start=1)]
        finally:
            wb.close()


#: openpyxl's warning about a date-formatted cell whose number is no date: its text quotes the number ("serial value
#: 111222333", a BSN typed into a date column); only the cell's position is kept
_DATE_CELL_WARNING = re.compile(r"Cell ([A-Z]{1,3}[0-9]{1,7}) is marked as a date but the serial value")


@contextlib.contextmanager
def _reader_warnings(path: Path):
    """Read a delivered workbook with the reader's warnings caught, never printed: openpyxl's quote what the file
    holds ("the serial value 111222333 is outside the limits for dates", "Unknown type for <a custom property named
    after a person>") and go to stderr past every scrubber, which a scheduled job keeps (red team 10a F5). A cell
    marked as a date that holds another number becomes wijkradar's own warning naming its cells (its row is
    quarantined, the value read as no date); every other warning is only counted, at debug level."""
    import logging

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    cells = [m.group(1) for w in caught if (m := _DATE_CELL_WARNING.match(str(w.message)))]
    log, name = logging.getLogger("wijkradar.ingest"), privacy.scrub_file_name(path.name)
    if cells:
        more = f" and {len(cells) - 5:,} more" if len(cells) > 5 else ""
        log.warning("%s: cell(s) %s are formatted as a date but hold a number that is no date (read as not a date); "
                    "ask the supplier to enter dates there", name, ", ".join(cells[:5]) + more)
    if len(caught) > len(cells):
        log.debug("%s: %d other warning(s) of the workbook reader, not shown (they may quote the file's content)",
                  name, len(caught) - len(cells))


def _zip_not_a_table(path: Path) -> IngestError:
    """The refusal of a zip that is no workbook and no Signalen export (it has no ``signals.csv``, else the source
    reads it as one). Named ``.zip`` it is told what it holds (a table to unpack, an archive inside the archive, other
    files; a member named scrubbed: a supplier names files after people); named otherwise, to rename it when it is an
    export."""
    if path.suffix.lower() != ".zip":
        return IngestError(f"{path.name}: this is a zip archive, not an XLSX workbook; if it is a Signalen export "
                           "(several CSV files), rename it to .zip and deliver that, else unpack it and deliver the "
                           "CSV or XLSX file inside")
    import zipfile

    from pipelines.sources.safe_archive import _member, passed_over

    with zipfile.ZipFile(path) as z:
        files = [i for i in z.infolist() if not i.is_dir() and not passed_over(i.filename)]
    ends = [i.filename.lower().rsplit(".", 1)[-1] if "." in i.filename else "" for i in files]
    if not files:
        held = "no files"
    elif len(files) > 1:
        held = f"{len(files)} files (the first {_member(files[0])})"
    elif ends[0] in ("csv", "tsv", "txt"):
        held = f"a CSV file {_member(files[0])}"
    elif ends[0] in ("xlsx", "xlsm"):
        held = f"an XLSX workbook {_member(files[0])}"
    elif ends[0] in ("zip", "7z", "rar", "gz", "tgz", "tar"):
        held = f"an archive {_member(files[0])} (an archive inside the archive)"
    else:
        held = f"the file {_member(files[0])}"
    return IngestError(f"{path.name}: this zip holds no Signalen export (no signals.csv) and no table wijkradar "
                       f"reads as it is; it holds {held}: unpack it and deliver the CSV or XLSX file itself")


#: the namespace of an Excel "Strict Open XML Spreadsheet" (ISO 29500 strict): openpyxl finds no cells in it
_STRICT_OOXML = b"purl.oclc.org/ooxml/spreadsheetml/main"


def _head_of_member(z, info, size: int = 64 * 1024) -> bytes:
    """The first ``size`` bytes of a member (its root element and namespaces), never the whole of it."""
    from pipelines.sources.safe_archive import read_member

    if info.file_size <= size:
        return read_member(z, info)
    with z.open(info) as fh:
        return fh.read(size)


#: a shared-strings part smaller than this (uncompressed) is read without counting its texts
SST_CHECK_BYTES = 8 * 1024 * 1024
#: texts a shared-strings part may hold beyond the text cells of the sheets (a saved workbook holds about as many
#: distinct texts as text cells at most; some programs keep a few unused ones)
SST_SPARE = 100_000


#: the largest a workbook's own parts (its formats, styles.xml; its sheets' list and defined names, workbook.xml) may be
#: uncompressed: Excel keeps at most about 64,000 cell formats (a few MB); 1.85 million formats in a 4.3 MB file took
#: 2 GB and 38 s before the first row, since every reader builds them all
WORKBOOK_PART_BYTES = 32 * 1024 * 1024


def _refuse_bloated_parts(path: Path) -> None:
    """Refuse a workbook whose styles or workbook part is larger than :data:`WORKBOOK_PART_BYTES` uncompressed."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        big = [i for i in z.infolist() if i.filename.lower() in ("xl/styles.xml", "xl/workbook.xml")
               and i.file_size > WORKBOOK_PART_BYTES]
    if big:
        raise IngestError(f"{path.name}: refused, the workbook's {big[0].filename.split('/')[-1]} is "
                          f"{big[0].file_size / 2**20:,.0f} MB uncompressed (formats or names far beyond what a "
                          "spreadsheet program writes: a damaged or crafted workbook that would take gigabytes to "
                          "read); open it in a spreadsheet program, save it again as XLSX or CSV and deliver that")


def _count_in_member(z, name: str, pattern: re.Pattern) -> int:
    """Matches of ``pattern`` (short, at most 64 bytes) in a zip member, streamed in 1 MB blocks."""
    n, tail = 0, b""
    with z.open(name) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            text = tail + block
            n += sum(1 for m in pattern.finditer(text) if m.end() > len(tail))
            tail = text[-64:]
    return n


def _refuse_string_bomb(path: Path) -> None:
    """Refuse a workbook whose shared-strings part holds far more texts than its sheets have text cells.

    Every reader loads that part whole before the first row: 9 million unused texts in a 23 MB file took 1.6 GB
    and 74 s. Only a large part is counted, streamed, so the check costs little memory and a second at most.
    """
    import zipfile

    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        names = {i.filename for i in infos}
        rels = next((i for i in infos if i.filename.lower() == "xl/_rels/workbook.xml.rels"), None)
        targets = set()
        if rels is not None and rels.file_size < 1 << 20:
            for rel in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", z.read(rels)):
                if re.search(rb'Type="[^"]*/sharedStrings"', rel):
                    target = re.search(rb'Target="([^"]+)"', rel)
                    if target:
                        t = target.group(1).decode("utf-8", "replace")
                        targets.add(t.lstrip("/") if t.startswith("/") else "xl/" + t)
        parts = [i for i in infos if (i.filename in targets or i.filename.lower().endswith("sharedstrings.xml"))
                 and i.file_size > SST_CHECK_BYTES]
        if not parts:
            return
        texts = sum(_count_in_member(z, i.filename, re.compile(rb"<(?:\w+:)?si[\s>/]")) for i in parts)
        sheets = [n for n in names if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")]
        cells = sum(_count_in_member(z, n, re.compile(rb'\st="s"')) for n in sheets)
    if texts > 2 * cells + SST_SPARE:
        raise IngestError(f"{path.name}: refused, the workbook's list of texts (sharedStrings.xml) holds {texts:,} "
                          f"texts while its sheets have {cells:,} text cells (a damaged or crafted workbook that would "
                          "take gigabytes to read); open it in a spreadsheet program, save it again as XLSX or CSV and "
                          "deliver that")


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


#: what a cell holding a formula without a computed value reads as (a workbook written by a program, not saved in
#: a spreadsheet): not empty, so the row is quarantined or the answer refused saying so, never silently blank
UNCOMPUTED = "#FORMULE"
#: the start tag of a row or a cell; ``r`` (the position, "5" or "D5") is optional in the OOXML standard and streaming
#: writers leave it out: a row without it is the row after the previous one, a cell without it the next column
_TAG = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>')
_REF = re.compile(rb'\sr="([A-Z]*)(\d+)"')
_ROW = re.compile(rb'<(?:\w+:)?row(?=[\s/>])([^>]*?)/?>')
_CELL_END = re.compile(rb'</(?:\w+:)?c>')
_UNPLACED = re.compile(rb'<(?:\w+:)?(?:row|c)(?=[\s/>])(?![^>]*\sr=")')


def _uncomputed(tag: bytes, inner: bytes) -> bool:
    """Whether a cell (its start tag and content) holds a formula without a computed value."""
    if not re.search(rb"<(?:\w+:)?f[\s>/]", inner) or re.search(rb"<(?:\w+:)?v>[^<]", inner):
        return False
    # a text result that is empty (=ALS(A2="";"";..) dragged down) is computed
    return not (re.search(rb'\st="str"', tag) and re.search(rb"<(?:\w+:)?v\s*/?>", inner))


def _sheet_xml(z, ws) -> tuple[list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    """What openpyxl's read-only mode does not give, from one streamed pass over the sheet's XML: every merged
    range (min_row, min_col, max_row, max_col), and every cell (row, column) holding a formula but no value.

    Cells are placed as openpyxl places them, also when a row or cell has no ``r`` attribute (a formula row of a
    streaming writer read as empty was dropped as an empty row). A block holding no formula and no tag without
    ``r`` is not walked cell by cell: its last row starts the next block's text.
    """
    from openpyxl.utils import column_index_from_string as col

    member = getattr(ws, "_worksheet_path", None)
    if not member or member.lstrip("/") not in z.namelist():
        return [], set()
    merged, formulas, tail = set(), set(), b""
    row = column = 0                            # where the last row and cell read were, as openpyxl counts

    def place(kind: bytes, attributes: bytes) -> tuple[int, int]:
        nonlocal row, column
        ref = _REF.search(attributes)
        if kind == b"row":
            row, column = (int(ref.group(2)) if ref and not ref.group(1) else row + 1), 0
            return row, 0
        if ref and ref.group(1):
            column = col(ref.group(1).decode())
            return int(ref.group(2)), column
        column += 1
        return row, column

    with z.open(member.lstrip("/")) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):     # mergeCells sits after the data: stream
            text = tail + block
            for m in _MERGE.finditer(text):
                c1, r1 = m.group(1).decode(), int(m.group(2))
                c2, r2 = (m.group(3) or m.group(1)).decode(), int(m.group(4) or m.group(2))
                merged.add((r1, col(c1), r2, col(c2)))
            if b"<f" in text or b":f" in text or _UNPLACED.search(text):
                done = 0                        # text before this is placed; a cell cut off by the block waits
                for m in _TAG.finditer(text):
                    inner, done = b"", m.end()
                    if m.group(1) == b"c" and not m.group(3):
                        end = _CELL_END.search(text, m.end())
                        if end is None:
                            done = m.start()
                            break
                        inner, done = text[m.end():end.start()], end.end()
                    at = place(m.group(1), m.group(2))
                    if inner and _uncomputed(m.group(0), inner):
                        formulas.add(at)
            else:   # every tag has its r: the last row waits for the next block, the one before it gives the position
                rows = list(_ROW.finditer(text)) if b"row" in text else []
                if len(rows) > 1:
                    place(b"row", rows[-2].group(1))
                done = rows[-1].start() if rows else 0
            # what is not placed waits for the next block; else a few KB for a mergeCell cut by the block's end
            tail = text[done:] if _TAG.search(text, done) else text[max(done, len(text) - 4096):]
    return sorted(merged), formulas


#: Canonical columns (of every source's ``ALIASES``) that hold dates or periods: a day number there in a workbook of
#: the 1904 date system counts from 1904-01-01, not from 1899-12-30 (Excel for Mac; 1,462 days apart)
DATE_FIELDS = ("created", "period")
#: days between the 1904 and the 1900 date system's day 0
EPOCH_1904_SHIFT = 1462


class _Serial1904(str):
    """A number cell of a 1904-system workbook that could be a day number; made a 1900-system day number by
    :func:`_sheet` when its column holds dates (other columns keep the number as it is)."""


class _Records(list):
    """A sheet's records; ``epoch1904`` when the workbook uses the 1904 date system, ``merged`` the ranges merged over
    two rows or more (min_row, min_col, max_row, max_col), whose value was copied into every row, ``copies`` the
    (row, column) cells a merged range filled with its first cell's value."""
    epoch1904 = False
    merged: list[tuple[int, int, int, int]] = []
    copies: frozenset = frozenset()


#: Canonical columns (of every source's ``ALIASES``) that hold a number of each row: one such cell merged over several
#: rows is a total of those rows together, never each row's own (12 over three rows was stored as 12 + 12 + 12)
NUMBER_FIELDS = ("count",)
#: The column of a sheet's frame (beside ``row_number``) telling, for a row whose number cell is one merged over
#: several rows, which rows it spans (``"2-4"``); absent when no such cell
MERGED_ROWS = "merged_rows"


#: the last row and column of an Excel sheet (1,048,576 and XFD): a sheet's XML placing a cell beyond them is damaged
#: or crafted, and a row numbered in the billions would cost the reader time for every row it skips
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
_DAMAGED = ("(a damaged or crafted workbook); open it in a spreadsheet program, save it again as XLSX or CSV and "
            "deliver that")


def _listed_rows(ws, where: str):
    """The sheet's rows as its XML lists them: (row number, width, cells), each cell openpyxl's dict of its
    ``column`` and ``value`` where its ``r`` says, width the last column a cell is listed in (0 for an empty row).

    openpyxl's streaming ``iter_rows`` loses rows of a sheet whose XML lists them out of order (a row numbered below
    one already read is skipped), cuts a row at its last-listed cell (cells listed out of column order) and hands
    over every missing row one by one (``<row r="2000000000">`` took a quarter of an hour). Its parser (pinned
    openpyxl) gives each row with its number instead; the caller sorts. A row or cell beyond Excel's grid, a row
    number listed twice, a cell listed twice or a cell whose reference names another row is refused, never guessed.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    book = ws.parent
    seen: set[int] = set()
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=book.data_only, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for r, listed in parser.parse():
            if not 1 <= r <= EXCEL_ROWS:
                raise IngestError(f"{where}: refused, its XML numbers a row {r:,}, beyond Excel's rows 1 to "
                                  f"{EXCEL_ROWS:,} {_DAMAGED}")
            if r in seen:
                raise IngestError(f"{where}: refused, its XML lists row {r:,} twice {_DAMAGED}")
            seen.add(r)
            columns = [cell["column"] for cell in listed]
            width = max(columns, default=0)
            if listed and (width > EXCEL_COLUMNS or min(columns) < 1 or len(set(columns)) < len(columns)
                           or {cell["row"] for cell in listed} != {r}):
                _refuse_damaged_row(where, r, listed)
            yield r, width, listed


def _refuse_damaged_row(where: str, r: int, listed: list[dict]) -> None:
    """Refuse row ``r`` if a cell of it (openpyxl's dicts) lies outside Excel's columns, names another row or
    repeats a cell before it."""
    from openpyxl.utils import get_column_letter

    seen = set()
    for cell in listed:
        c = cell["column"]
        if not 1 <= c <= EXCEL_COLUMNS:
            problem = f"has a cell in column {c:,}, outside Excel's columns A to XFD ({EXCEL_COLUMNS:,})"
        elif cell["row"] != r:
            problem = f"holds a cell marked {get_column_letter(c)}{cell['row']}, a place in another row"
        elif c in seen:
            problem = f"lists cell {get_column_letter(c)}{r} twice"
        else:
            seen.add(c)
            continue
        raise IngestError(f"{where}: refused, row {r:,} {problem} {_DAMAGED}")


def _sheet_records(ws, merged: list[tuple[int, int, int, int]], formulas: set[tuple[int, int]],
                   where: str, epoch1904: bool = False) -> list[tuple[int, list[str]]]:
    """The sheet's rows as text cells, merged ranges filled with their value; refused when it would not fit.

    Rows and cells are placed where the sheet's XML numbers them, in whatever order it lists them, as Excel does
    (:func:`_listed_rows`). A crafted or damaged sheet can be small on disk and vast in cells: one cell in the last
    column makes every row 16,384 cells wide, a range merged down to row 1,048,576 fills a million rows (a 325 KB
    file took 8 GB). Hence the limits :data:`MAX_SHEET_COLUMNS` and :data:`MAX_SHEET_CELLS`, checked before any
    row is widened or filled; a row or merged range beyond Excel's grid is refused before anything is read.
    """
    for r1, c1, r2, c2 in merged:
        if max(r1, r2) > EXCEL_ROWS or max(c1, c2) > EXCEL_COLUMNS:
            raise IngestError(f"{where}: refused, a merged range from row {r1:,} reaches beyond Excel's last row "
                              f"{EXCEL_ROWS:,} or column XFD {_DAMAGED}")
    cells: dict[int, dict[int, str]] = {}
    read = 0                                    # cells of every row up to its last cell, empty ones included
    for r, width, listed in _listed_rows(ws, where):
        if width > MAX_SHEET_COLUMNS and any(cell["value"] is not None for cell in listed
                                             if cell["column"] > MAX_SHEET_COLUMNS):
            raise IngestError(f"{where}: row {r} has a cell beyond column {MAX_SHEET_COLUMNS:,} (in column "
                              f"{width:,}); a delivery's table is narrower: delete the cells far to the right "
                              "(or copy the table to a new sheet), save and deliver again")
        read += width
        if read > MAX_SHEET_CELLS:
            raise _too_many_cells(where, read)
        for cell in listed:
            c, value = cell["column"], cell["value"]
            if value is None:
                if (r, c) in formulas:
                    cells.setdefault(r, {})[c] = UNCOMPUTED
                continue
            text = _cell_text(value)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if epoch1904 and number and 20_000 <= value <= 80_000:
                text = _Serial1904(text)
            if text.strip():
                cells.setdefault(r, {})[c] = text
    if not cells:
        return []
    max_row = max(cells)
    max_col = max(max(row) for row in cells.values())
    spans = [(r1, c1, min(r2, max_row), min(c2, max_col)) for r1, c1, r2, c2 in merged
             if cells.get(r1, {}).get(c1, "")]
    filled = sum(max(0, r2 - r1 + 1) * max(0, c2 - c1 + 1) for r1, c1, r2, c2 in spans)
    padded = sum(max(row) for row in cells.values())
    if filled + padded > MAX_SHEET_CELLS:
        raise _too_many_cells(where, filled + padded)
    for min_row, min_col, max_r, max_c in spans:
        value = cells[min_row][min_col]
        for r in range(min_row, max_r + 1):
            row = cells.setdefault(r, {})
            for c in range(min_col, max_c + 1):
                row[c] = value
    records = _Records((r, [cells[r].get(c, "") for c in range(1, max(cells[r]) + 1)]) for r in sorted(cells))
    records.epoch1904 = epoch1904
    records.merged = [span for span in spans if span[2] > span[0]]
    # the cells a range filled (not its first): a title row's filled cells count each range once; only the rows a
    # title can be in are kept (a Buurtcode merged over a thousand rows needs none of them)
    records.copies = frozenset((r, c) for r1, c1, r2, c2 in spans for r in range(r1, min(r2, r1 + HEADER_SCAN_ROWS) + 1)
                               for c in range(c1, c2 + 1) if (r, c) != (r1, c1))
    return records


def _xml_attack(exc: BaseException) -> bool:
    """Whether defusedxml stopped the read (entity expansion, external entities, a DTD) anywhere in the chain."""
    from defusedxml.common import DefusedXmlException

    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DefusedXmlException):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _too_many_cells(where: str, n: int) -> IngestError:
    return IngestError(f"{where}: refused, its rows and merged cells span more than {MAX_SHEET_CELLS:,} cells "
                       f"({n:,} so far); unmerge the cells, delete the empty rows and columns around the table (or "
                       "copy the table to a new sheet), save and deliver again")


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, str):
        return ooxml_text(value)
    text = str(value)
    if isinstance(value, float) and re.fullmatch(r"-?\d{1,3}\.\d{3}", text):
        text += "0"     # a number cell 1.234 is a decimal: "1.2340" is the same number and cannot be read as thousands
    return text


def ooxml_text(text: str) -> str:
    """A workbook's text as Excel shows it: OOXML's escapes ``_xHHHH_`` decoded (``jan_x0040_ziggo.nl`` shows as
    ``jan@ziggo.nl``, ``_x000A_`` as a line break, ``_x005F_`` as a literal underscore), which openpyxl returns as
    written; ``_x0000_`` shows as nothing. Escaped surrogate halves are joined into their character; a lone half
    becomes U+FFFD."""
    if "_x" not in text:
        return text
    from openpyxl.utils.escape import unescape

    text = unescape(text).replace("\x00", "")      # _x0000_ shows as nothing
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


#: A title above the header row is a few cells of text ("Rapportage meldingen", "Periode:;oktober 2026"); a row above
#: it with more filled cells than this is data or a header of its own, and is never passed over as a title
TITLE_MAX_CELLS = 2


def refuse_rows_above_header(where: str, unit: str, above: list[tuple[int, list[str]]], header_at: int, aliases,
                             optional: tuple[str, ...] = (), copies: frozenset = frozenset()) -> None:
    """IngestError naming the first row above the header row (``header_at``) that is no title: a header row of its
    own (every required column: two exports pasted one below the other) or a row of more than
    :data:`TITLE_MAX_CELLS` filled cells. Rows above the header are not read, so such rows would vanish unseen.
    ``copies``: the (row, column) cells a merged range filled with its first cell's value; a title merged across
    the table, or a group row ("Locatie" over two columns), is one filled cell per range."""
    required = {c for c in (aliases or {}) if c not in optional}
    for n, cells in above:
        _, hits = _header_hits([cells], aliases)
        if required and required <= hits:
            raise IngestError(f"{where}: {unit} {n} is a header row too, above the header row read ({unit} "
                              f"{header_at}), so the file holds two tables and the rows under the first would be "
                              "lost; put all rows under one header row (or deliver each table as its own file) and "
                              "load again")
        filled = sum(1 for col, c in enumerate(cells, start=1) if str(c).strip() and (n, col) not in copies)
        if filled > TITLE_MAX_CELLS:
            raise IngestError(f"{where}: {unit} {n} lies above the header row ({unit} {header_at}) and holds {filled} "
                              "filled cells, so it is data rather than a title and would not be read; move it below "
                              "the header row or delete it, then load again")


def _sheet(name: str, hidden: bool, records: list[tuple[int, list[str]]], aliases,
           where: str | None = None) -> tuple[Sheet, set[str]]:
    """A Sheet with its header row found, and the canonical columns that header holds.

    Only the columns with a header or a filled cell are built: one stray cell far to the right no longer widens every
    row to it. A table whose columns, padded to its rows, would hold more than ``MAX_SHEET_CELLS`` cells and more than
    twice the cells it has is refused (``where`` names it).
    """
    rows = [(n, cells) for n, cells in records if not _blank(cells)]
    at, hits = _header_hits([cells for _, cells in rows[:HEADER_SCAN_ROWS]], aliases)
    at = at or 0
    header = [str(c).strip() for c in rows[at][1]] if rows else []
    data = rows[at + 1:]
    shapes: dict[int, str] = {}
    if isinstance(records, _Lines) and data:
        data, shapes = _record_shapes(data, rows[at][0], records, where or name)
    if getattr(records, "epoch1904", False):
        data = _as_1900_days(data, header, aliases)
    width = max([len(header), *(len(cells) for _, cells in data)])
    names = _column_names(header, width)
    used, unnamed = {i for i, h in enumerate(header) if h}, [i for i, h in enumerate(header) if not h]
    for _, cells in data:
        if unnamed or len(cells) > len(header):
            used.update(i for i in (*unnamed, *range(len(header), len(cells)))
                        if i < len(cells) and i not in used and str(cells[i]).strip())
    used = sorted(used)
    present = sum(len(cells) for _, cells in data)
    if len(used) * len(data) > max(MAX_SHEET_CELLS, 2 * present):
        raise _too_many_cells(where or name, len(used) * len(data))
    columns = {names[i]: pd.Series([cells[i] if i < len(cells) else "" for _, cells in data], dtype=str)
               for i in used}
    frame = pd.DataFrame(columns, columns=[names[i] for i in used])
    frame.insert(0, "row_number", pd.array([n for n, _ in data], dtype="int64"))
    frame = _without_repeated_headers(frame, {names[i]: header[i] for i in used if i < len(header)}, aliases,
                                      where or name, "row" if isinstance(records, _Records) else "line",
                                      rows[at][0] if rows else 0, refuse=False)
    spans = _merged_numbers(getattr(records, "merged", []), header, aliases, frame["row_number"].tolist())
    if spans is not None:
        frame[MERGED_ROWS] = spans
    frame = frame.reset_index(drop=True)
    if shapes:
        kept = set(frame["row_number"])                # a repeated header row is no record
        frame.attrs[ROW_SHAPE] = {n: why for n, why in shapes.items() if n in kept}
    return Sheet(name, hidden, frame), hits


#: ``frame.attrs`` key of a text file's frame, and the column :func:`with_row_shape` adds to a source's rows: for each
#: record (by ``row_number``) whose cells do not fit the header's columns, why, so the record can be quarantined rather
#: than read shifted: a record cut over lines by a line break inside a cell without quotes, or a row with more cells
#: than the table's columns (a delimiter inside a cell without quotes). Only when the file holds such a record.
ROW_SHAPE = "row_shape"


def _record_shapes(data: list[tuple[int, list[str]]], header_line: int, lines: "_Lines",
                   where: str) -> tuple[list[tuple[int, list[str]]], dict[int, str]]:
    """The data records with their cells as read, and per misshapen record's line the reason (see :data:`ROW_SHAPE`).

    The table's width is the header's cells as written, or the width most records have when that is more (a column
    without a header). A record with fewer cells is read as it always was (a spreadsheet leaves out the delimiters of
    empty cells at the end of a row), unless it and the records after it, each short too, hold together the table's
    cells plus one per line break, and are not all of one width: one record cut over those lines. A record with
    non-empty cells beyond the width has
    cells shifted by a delimiter inside a cell. The value a cut or a delimiter split is scanned whole
    (``privacy.scan_values``): when it holds personal data, every part of it holds the whole value, so the privacy
    guard finds and removes each part (a name cut into "Gerrit" and "Brinkhuis" is no name in either half). A
    complete row (:func:`_complete_row`) and then a line of one cell, a note under the table, are two rows: only the
    line gets a value found whole, the row keeps its cells."""
    import logging
    from collections import Counter

    written = lines.written
    widths = [written.get(n, len(cells)) for n, cells in data]
    modal = max(Counter(widths).items(), key=lambda item: (item[1], item[0]))[0]
    width = max(written.get(header_line, 0), modal)
    out, reasons, i, last_cells = list(data), {}, 0, None
    while i < len(data):
        n, cells = data[i]
        if widths[i] == width and i + 1 < len(data) and widths[i + 1] == 1 and len(cells) == width:
            # a full row and then a line of one cell: perhaps the row's last cell cut by a line break ("Gerrit" /
            # "Brinkhuis"), perhaps a stray line; both read as they are, only the value they would cut is scanned.
            # A complete row before a line that cannot continue its last value ("...;BU01185007;10" and "Opgesteld
            # door ...", a note under the table) is no cut: the line alone carries what the scan finds
            if last_cells is None:
                last_cells = Counter(c[-1].strip() for _, c in data if len(c) == width)
            whole = _complete_row(cells, data[i + 1][1][0], last_cells)
            out[i:i + 2] = _cut_record(data[i:i + 2], widths[i:i + 2], keep_first=whole)
            i += 1
            continue
        if widths[i] < width:
            j, total = i, widths[i]
            while total < width + (j - i) and j + 1 < len(data) and widths[j + 1] < width:
                j += 1
                total += widths[j]
            if j > i and total == width + (j - i) and len(set(widths[i:j + 1])) == 1:
                # short lines all of one width (5 + 5 cells under 9 columns) are as likely rows whose empty last
                # cells were left out as one record cut in two: read as rows, only a value they would cut is scanned
                out[i:j + 1] = _cut_record(data[i:j + 1], widths[i:j + 1])
                i = j + 1
                continue
            if j > i and total == width + (j - i):
                first, last = data[i][0], data[j][0]
                # worded without "lines <number>": the scanner reads a word and a number as a street and house number
                shown = f"line {first} and line {last}" if j == i + 1 else f"line {first} to line {last}"
                reason = (f"{shown} hold one record cut in {j - i + 1} parts ({' + '.join(map(str, widths[i:j + 1]))} "
                          f"cells where the table has {width} columns; a line break inside a cell without quotes), so "
                          "neither line can be read as a row; join the lines (or put the cell in double quotes) and "
                          "deliver the file again")
                for k in range(i, j + 1):
                    reasons[data[k][0]] = reason
                out[i:j + 1] = _cut_record(data[i:j + 1], widths[i:j + 1])
                i = j + 1
                continue
        elif len(cells) > width:
            reasons[n] = (f"line {n} has {len(cells)} cells where the table has {width} columns, so its cells after a "
                          "delimiter inside a cell would be read shifted into the wrong columns; put that cell in "
                          "double quotes (or remove the delimiter) and deliver the file again")
            out[i] = (n, _split_cells(cells, len(cells) - width, lines.sep))
        i += 1
    if reasons:
        logging.getLogger("wijkradar.ingest").warning(
            "%s: %d record(s) do not fit the table's %d columns (the first on line %d: %s); they are quarantined "
            "with what to fix: see them with `wijkradar quarantine`",
            privacy.scrub_file_name(where), len(reasons), width, min(reasons), "cut over lines by a line break"
            if "cut over" in reasons[min(reasons)] else "more cells than columns")
    return out, reasons


def _whole_values_found(parts: list[tuple[str, list[tuple[int, int]]]],
                        rows: list[list[str]]) -> list[list[str]]:
    """``rows`` with every cell of each ``(value, [(row, cell)])`` that holds personal data set to the whole value."""
    if not parts:
        return rows
    kinds = privacy.scan_values(pd.Series([value for value, _ in parts], dtype=object))
    for (value, places), kind in zip(parts, kinds):
        if kind is None or pd.isna(kind):
            continue
        for r, c in places:
            rows[r] = rows[r] + [""] * (c + 1 - len(rows[r]))
            rows[r][c] = value
    return rows


#: A cell a line break does not leave unfinished: a number (``12``, ``1.234``, ``2,5``), a date or period with its time
#: (``2026-10``, ``03-11-2026 10:00``), an ISO week, a code (``BU01185007``, ``SIG-700``)
_WHOLE_VALUE = re.compile(r"[+-]?\d+(?:[.,' ]\d+)*"
                          r"|\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?"
                          r"|\d{4}-?W\d{1,2}|[A-Za-z]{1,8}[-_/]?\d+")
#: How a line continuing a number, date or code begins (its next digits, a sign or a separator)
_CONTINUES_VALUE = re.compile(r"\s*[\d+\-.,/:]")


def _complete_row(cells: list[str], next_line: str, last_cells: dict[str, int]) -> bool:
    """Whether a row of the table's width is complete, so the one-cell line after it (``next_line``) is a line of its
    own and no rest of the row's last cell: every cell filled, the last one a whole value (:data:`_WHOLE_VALUE`, or a
    value its column holds on another row too), and the line does not begin as a continuation of it."""
    last = cells[-1].strip()
    return (all(c.strip() for c in cells) and not _CONTINUES_VALUE.match(next_line)
            and (_WHOLE_VALUE.fullmatch(last) is not None or last_cells.get(last, 0) > 1))


def _cut_record(run: list[tuple[int, list[str]]], widths: list[int],
                keep_first: bool = False) -> list[tuple[int, list[str]]]:
    """The records of one record cut over lines, each value cut by a line break scanned whole (see
    :func:`_record_shapes`). ``keep_first``: the first record is complete; a value found whole goes into the lines
    after it only (they are removed as personal data, the row keeps its own cells)."""
    merged: list[tuple[str, list[tuple[int, int]]]] = []
    for r, ((_, cells), w) in enumerate(zip(run, widths)):
        padded = cells + [""] * (w - len(cells))
        for c, value in enumerate(padded):
            if merged and c == 0:
                merged[-1] = (merged[-1][0] + "\n" + value, [*merged[-1][1], (r, 0)])
            else:
                merged.append((value, [(r, c)]))
    cut = [(value, [(r, c) for r, c in places if r > 0] if keep_first else places)
           for value, places in merged if len(places) > 1 and value.strip()]
    rows = _whole_values_found(cut, [list(cells) for _, cells in run])
    return [(n, cells) for (n, _), cells in zip(run, rows)]


def _split_cells(cells: list[str], extra: int, sep: str) -> list[str]:
    """A record's cells, each run of ``extra + 1`` neighbouring cells (one cell a delimiter may have split) scanned
    whole (see :func:`_record_shapes`)."""
    # joined as written, and with a comma: "de Vries; Jan" in a semicolon file is the "de Vries, Jan" a person means
    joins = dict.fromkeys([sep, ", "])
    windows = [(joiner.join(part.strip() if joiner == ", " else part for part in cells[a:a + extra + 1]),
                [(0, c) for c in range(a, a + extra + 1)])
               for a in range(len(cells) - extra) for joiner in joins
               if sum(1 for c in cells[a:a + extra + 1] if c.strip()) > 1]
    return _whole_values_found(windows, [list(cells)])[0]


#: ``frame.attrs`` key of a sheet's frame: the rows (Excel row or text line) that repeated the header row, skipped
REPEATED_HEADER_ROWS = "repeated_header_rows"


#: ``frame.attrs`` key of a sheet's frame: the refusal for a header row repeated in another column order (raised
#: by :func:`_choose` when the sheet is the one read; another sheet is only scanned for personal data)
MISORDERED_HEADER = "misordered_header"


def _without_repeated_headers(frame: pd.DataFrame, headers: dict[str, str], aliases, where: str, unit: str,
                              header_at: int, refuse: bool = True) -> pd.DataFrame:
    """``frame`` without the rows that are the header row again (two exports joined: ``cat a.csv b.csv``, or a
    pasted block with its header): each cell naming the same column as the header row's cell above it. Those rows are
    no data; they are named in a warning and in ``frame.attrs[REPEATED_HEADER_ROWS]``. A row naming every column of
    the header in another order is refused naming it: the rows below it would be read into the wrong columns (with
    ``refuse`` False its message is kept in ``frame.attrs[MISORDERED_HEADER]`` instead).

    Cells of a data row (codes, dates, numbers) are not column names, so only the few cells that are one are read
    further; a million rows cost one vectorised pass over one column.
    """
    if not aliases or frame.empty:
        return frame
    canon_of = {normalise_header(n): canon for canon, names in aliases.items() for n in (canon, *names)}
    placed = {col: canon_of.get(normalise_header(h)) for col, h in headers.items() if col in frame.columns}
    placed = {col: canon for col, canon in placed.items() if canon}
    if len(set(placed.values())) < 2:
        return frame
    probe = frame[next(iter(placed))].astype(str)
    short = probe.str.len().le(max(len(n) for n in canon_of) + 16).fillna(False)
    if not any(ch.isdigit() for n in canon_of for ch in n):
        short &= ~probe.str.contains(r"\d", regex=True).fillna(False)
    if not short.any():
        return frame
    names = {v for v in probe[short].unique() if normalise_header(v) in canon_of}
    candidates = np.flatnonzero((short & probe.isin(names)).to_numpy(dtype=bool))
    wanted, repeated = set(placed.values()), []
    for i in candidates:
        named = {col: canon_of.get(normalise_header(frame[col].iat[i])) for col in frame.columns if col != "row_number"}
        if not wanted <= set(named.values()):
            continue
        line = int(frame["row_number"].iat[i])
        if any(named.get(col) != canon for col, canon in placed.items()):
            error = (f"{where}: {unit} {line} is a header row again, naming the columns in another order "
                                f"than the header row ({unit} {header_at}), so the rows below it would be read into "
                                f"the wrong columns; put all rows under one header row (delete {unit} {line} and move "
                                "the columns below it into the order of the first header) and load the file again")
            if refuse:
                raise IngestError(error)
            frame.attrs[MISORDERED_HEADER] = error
            return frame
        repeated.append(i)
    if not repeated:
        return frame
    import logging

    lines = [int(n) for n in frame["row_number"].to_numpy()[repeated]]
    shown = ", ".join(str(n) for n in lines[:5]) + (f" and {len(lines) - 5:,} more" if len(lines) > 5 else "")
    logging.getLogger("wijkradar.ingest").warning(
        "%s: %s %s repeat(s) the header row (files joined into one?) and were skipped as no data; the rows below "
        "them were read", privacy.scrub_file_name(where), unit, shown)
    out = frame.drop(index=frame.index[repeated]).reset_index(drop=True)
    out.attrs[REPEATED_HEADER_ROWS] = lines
    return out


def _merged_numbers(merged, header: list[str], aliases, numbers: list[int]) -> list[str] | None:
    """Per data row, the rows (``"2-4"``) of a merged range covering its cell in a column of :data:`NUMBER_FIELDS`, else
    ""; None when there is no such range. Label columns (a Buurtcode merged over its rows) are filled and not told."""
    names = {normalise_header(n) for canon in NUMBER_FIELDS if canon in (aliases or {})
             for n in (canon, *aliases[canon])}
    columns = {i + 1 for i, h in enumerate(header) if normalise_header(h) in names}
    spans = [(r1, r2) for r1, c1, r2, c2 in merged if any(c1 <= c <= c2 for c in columns)]
    if not spans:
        return None
    return [next((f"{r1}-{r2}" for r1, r2 in spans if r1 <= n <= r2), "") for n in numbers]


def _as_1900_days(data: list[tuple[int, list[str]]], header: list[str], aliases) -> list[tuple[int, list[str]]]:
    """Rows of a 1904-system workbook with the day numbers of its date columns (:data:`DATE_FIELDS`) made 1900-system
    day numbers, as every date parser reads them; every other cell as plain text."""
    names = {normalise_header(n) for canon in DATE_FIELDS if canon in (aliases or {}) for n in (canon, *aliases[canon])}
    dates = {i for i, h in enumerate(header) if normalise_header(h) in names}

    def plain(i: int, cell: str) -> str:
        if type(cell) is not _Serial1904:
            return cell
        return _cell_text(float(cell) + EPOCH_1904_SHIFT) if i in dates else str.__str__(cell)
    return [(n, [plain(i, c) for i, c in enumerate(cells)]) for n, cells in data]


def _column_names(header: list[str], width: int) -> list[str]:
    """Unique column names: the header's, ``Unnamed: i`` where it is empty, ``.1`` on repeats."""
    names, seen = [], {"row_number", MERGED_ROWS}
    for i in range(width):
        base = header[i] if i < len(header) and header[i] else f"Unnamed: {i}"
        column, k = base, 0
        while column in seen:
            k += 1
            column = f"{base}.{k}"
        seen.add(column)
        names.append(column)
    return names


def _display(canon: str, alts: tuple[str, ...]) -> str:
    name = alts[0] if alts else canon
    return name[:1].upper() + name[1:]


def _choose(path: Path, sheets, aliases, optional) -> Workbook:
    built = [_sheet(name, hidden, records, aliases,
                    path.name if len(sheets) == 1 and not isinstance(records, _Records) else
                    f"{path.name}, sheet {privacy.shown_label(name)!r}") for name, hidden, records in sheets]
    if not any(len(s.frame.columns) > 1 or len(s.frame) for s, _ in built):
        where = "on any sheet" if len(built) > 1 else "in the file"
        raise IngestError(f"{path.name}: there is no table {where} (only empty lines or cells); {_FIX}")
    required = [c for c in (aliases or {}) if c not in optional]
    if not aliases or len(built) == 1:
        pick = next((i for i, (s, _) in enumerate(built) if not s.hidden), 0)
    else:
        full = [i for i, (s, hits) in enumerate(built) if set(required) <= hits]
        with_rows = [i for i in full if len(built[i][0].frame) and not built[i][0].hidden]
        if len(with_rows) > 1:    # one table per month on its own sheet: reading one would lose the others silently
            # (a hidden sheet is a supplier's working copy, read only for the privacy scan)
            listed = ", ".join(repr(privacy.shown_label(built[i][0].name)) for i in with_rows)
            raise IngestError(f"{path.name}: {len(with_rows)} sheets ({listed}) hold a table with the required "
                              "columns and wijkradar reads one table per file; put all rows on one sheet (or deliver "
                              "one file per sheet) and load again")
        near = [i for i, (s, hits) in enumerate(built) if not s.hidden and len(s.frame) and hits
                and len(set(required) - hits) == 1]
        if with_rows and near and len(required) > 1:
            # a month's sheet naming one column otherwise, or a summary (totals per buurt without a month): which
            # it is nobody can tell from the headers, so the file loads (refusing it blocked every workbook with a
            # summary sheet) and the rows that are not read are named, never passed over in silence
            import logging

            read = built[with_rows[0]][0].name
            for i in near:
                s, hits = built[i]
                lacking = next(c for c in required if c not in hits)
                logging.getLogger("wijkradar.ingest").warning(
                    "%s: sheet %r holds %s row(s) under a header without the column %s and was not read (only sheet "
                    "%r, with every required column, is); if they are counts too, name that column as on %r and put "
                    "all rows on one sheet (or deliver one file per sheet)", privacy.scrub_file_name(path.name),
                    privacy.shown_label(s.name), f"{len(s.frame):,}", _display(lacking, aliases[lacking]),
                    privacy.shown_label(read), privacy.shown_label(read))
        pick = next((i for i in full if not built[i][0].hidden), full[0] if full else None)
        if pick is None:
            listed = ", ".join(repr(privacy.shown_label(s.name)) for s, _ in built)
            wanted = ", ".join(_display(c, aliases[c]) for c in required)
            raise IngestError(f"{path.name}: none of the sheets ({listed}) has the columns {wanted}; put the table "
                              "with these column headers on one sheet and load the file again")
    if MISORDERED_HEADER in built[pick][0].frame.attrs:
        raise IngestError(built[pick][0].frame.attrs[MISORDERED_HEADER])
    if aliases:
        rows = [(n, cells) for n, cells in sheets[pick][2] if not _blank(cells)]
        at, _ = _header_hits([cells for _, cells in rows[:HEADER_SCAN_ROWS]], aliases)
        if at:
            where = path.name if len(sheets) == 1 and not isinstance(sheets[pick][2], _Records) else (
                f"{path.name}, sheet {privacy.shown_label(sheets[pick][0])!r}")
            unit = "row" if isinstance(sheets[pick][2], _Records) else "line"
            refuse_rows_above_header(where, unit, rows[:at], rows[at][0], aliases, optional,
                                     getattr(sheets[pick][2], "copies", frozenset()))
    return Workbook(data=built[pick][0], others=[s for i, (s, _) in enumerate(built) if i != pick])


def other_sheets_checked(book: "Workbook", path: Path) -> "Workbook":
    """Scan every sheet that is not read (hidden ones too): none is stored, but the analyst is told
    which holds personal data (the sheet and the kind, never a value) so the supplier can remove it."""
    import logging

    for sheet in book.others:
        if sheet.frame.empty:
            continue
        columns = [c for c in sheet.frame.columns if c != "row_number"]
        found = privacy.scan_frame(sheet.frame, columns)
        kinds = sorted({k for col in found.values() for k in col.dropna().unique()}
                       | {k for c in columns if (k := privacy.header_kind(str(c)))})
        if kinds:
            logging.getLogger("wijkradar.ingest").warning(
                "%s: sheet %r%s holds personal data (%s); it was not read into wijkradar, ask the supplier "
                "to remove it", privacy.scrub_file_name(path.name), privacy.shown_label(sheet.name),
                " (hidden)" if sheet.hidden else "", ", ".join(kinds))
    return book


def refuse_no_rows(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``frame``, or :class:`NoDataRows` naming the file when it holds a header but no data rows."""
    if frame.empty:
        raise NoDataRows(f"{Path(path).name}: the file holds no data rows below its header; check that you "
                         "exported the right sheet or period", frame)
    return frame


class NoDataRows(ValidationRefused):
    """A file with a header and no data rows: refused, unless the delivery says which period it covers (a weekly
    export of reports named after its week, or a declared window: ``ingest`` then reads it as that period without
    reports). ``frame``: the empty rows as read, with their columns."""

    def __init__(self, message: str, frame: pd.DataFrame | None = None):     # re-raised with its message only
        super().__init__(message)
        self.frame = pd.DataFrame() if frame is None else frame


def refuse_personal_columns(frame: pd.DataFrame, path: Path, allowed_drop: set[str] = frozenset()) -> pd.DataFrame:
    """Drop every column whose header names personal data, before anything else sees it.

    wijkradar reads only the columns a source uses (``map_columns``); the rest, personal or not, is
    dropped when read and never stored. Columns whose header names personal data are dropped here
    already, and a warning (with the header, never a value) tells the analyst to ask the supplier to
    leave them out. The values of the columns that are used pass the privacy guard in ingest.
    """
    personal = [c for c in frame.columns
                if normalise_header(c) in allowed_drop or privacy.header_kind(str(c)) is not None]
    if personal:
        import logging

        # by the allow-list of labels, not the scrubber: a header that names personal data often names its person
        # too ("Tel. Jansen", a contact per column), and a lone surname is no item the scrubber finds (red team 10a F4)
        shown = [privacy.shown_label(c) for c in personal if normalise_header(c) not in allowed_drop]
        if shown:
            logging.getLogger("wijkradar.ingest").warning(
                "%s: column(s) %s hold personal data and were dropped unread; ask the supplier to leave them out",
                privacy.scrub_file_name(path.name), shown)
    return frame.drop(columns=personal)


def _shown_columns(columns: list, each: int = 60, most: int = 30) -> str:
    """The found columns for a message: each name cut to ``each`` characters, at most ``most`` of them, shown by the
    allow-list of labels (``privacy.shown_label``: a header row can be data, and a crafted one megabytes long)."""
    from pipelines.safe_output import shortened

    names = [shortened(c, each) for c in columns[:most]]
    more = f" and {len(columns) - most:,} more" if len(columns) > most else ""
    return privacy.shown_labels(names) + more


def map_columns(frame: pd.DataFrame, aliases: dict[str, tuple[str, ...]], path: Path,
                optional: tuple[str, ...] = (), fallback: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Rename columns to canonical names through their alias lists; refuse when a required one is missing.

    ``row_number`` (from ``read_table``) is kept as the first column. When two or more columns name one
    field (``Aantal;Aantal``, ``Buurtcode;CBS buurtcode``), the one first in the alias list is used if
    they agree in every row; if they differ the file is refused (see :func:`_one_of`). ``fallback``: more names
    per canonical column, read only when none of its aliases is in the file (a file with both ``Meldingnummer``
    and ``Zaaknummer`` reads the first and leaves the other).
    """
    columns = [c for c in frame.columns if c not in ("row_number", MERGED_ROWS)]
    by_norm: dict[str, list] = {}
    for c in columns:
        by_norm.setdefault(normalise_header(_header_of(c, columns)), []).append(c)
    rename, missing = {}, []
    for canonical, names in aliases.items():
        hits = [c for n in dict.fromkeys(normalise_header(n) for n in (canonical, *names)) for c in by_norm.get(n, [])]
        if not hits and fallback and canonical in fallback:
            hits = [c for n in dict.fromkeys(normalise_header(n) for n in fallback[canonical])
                    for c in by_norm.get(n, [])]
        if not hits:
            if canonical not in optional:
                missing.append(f"{canonical} (one of: {', '.join(names)})")
        else:
            rename[_one_of(frame, hits, columns, path)] = canonical
    if missing:
        other = _other_delimiter(columns, aliases)
        if other:
            raise IngestError(_header_in_one_cell(path, frame, columns, other, aliases))
        found = _shown_columns(columns)
        raise IngestError(
            f"{path.name}: required column(s) missing: {'; '.join(missing)}. "
            f"Found columns: {found}. Rename the column or add it, then load the file again."
        )
    keep = (["row_number"] if "row_number" in frame.columns else []) + list(rename)
    out = frame[keep].rename(columns=rename)
    for col in rename.values():     # the cells read are keys and counts: as a person reads them (plain_text)
        out[col] = plain_cells(out[col])
    for col in optional:
        if col not in out.columns:
            out[col] = ""
    return out


def _other_delimiter(columns: list, aliases) -> str | None:
    """The character that separates the column names of a header read as one column (``Buurtcode#Maand#Aantal``, or
    ``"Buurtcode<tab>Maand<tab>Aantal"`` quoted whole): one that splits it into two or more names of ``aliases``; None
    when there is none."""
    named = [c for c in columns if not str(c).startswith("Unnamed: ")]
    if len(named) != 1:
        return None
    header = str(named[0])
    marks = (c for c in header if not c.isalnum() and (c == "\t" or not c.isspace()) and c not in "._-")
    for ch in dict.fromkeys(marks):
        if len(_header_hits([header.split(ch)], aliases)[1]) >= 2:
            return ch
    return None


#: The delimiters :func:`read_table` splits a text file's lines by (``|`` when it names more columns)
READ_DELIMITERS = (";", ",", "\t", "|")


def _header_in_one_cell(path: Path, frame: pd.DataFrame, columns: list, other: str, aliases) -> str:
    """The refusal of a file whose header was read as one cell holding the column names with ``other`` between them
    (:func:`_other_delimiter`): a delimiter wijkradar does not read (``#``), or one it does inside one cell: a text
    line in double quotes as a whole (Excel's export of one column holding whole lines), or a workbook row pasted into
    one column."""
    shown = "a tab" if other == "\t" else repr(other)
    if other not in READ_DELIMITERS:
        return (f"{path.name}: the columns are separated by {shown}, which wijkradar does not read as a delimiter; "
                "export the file again with ; , or tab between the columns (or as XLSX) and load it again")
    if _content_kind(path) == "xlsx":
        return (f"{path.name}: each row's values are in one cell with {shown} between them (whole lines pasted into "
                "one column), so wijkradar cannot read its columns; split that column into columns (Data > Text to "
                "Columns), or deliver the CSV file itself, and load it again")
    header = str(next(c for c in columns if not str(c).startswith("Unnamed: ")))

    def quoted_whole(line: str) -> bool:
        t = line.strip().lstrip("\ufeff").strip()
        return len(t) > 1 and t[0] == t[-1] == '"' and t[1:-1].replace('""', '"').strip() == header

    if not any(map(quoted_whole, _text_and_delimiter(path, aliases)[0].splitlines()[:4 * HEADER_SCAN_ROWS])):
        return (f"{path.name}: the header line has {shown} between the column names but the rows another delimiter; "
                "export the file again with one delimiter between all columns (or as XLSX) and load it again")
    rows_too = all(not frame[c].astype(str).str.strip().ne("").any() for c in columns if str(c) != header)
    if rows_too:
        return (f"{path.name}: each line is one cell in double quotes (the whole line, {shown} and all, quoted as one "
                "value), so wijkradar cannot split it into columns; remove the double quotes around each line, or "
                "export the file again as plain CSV (or as XLSX), and load it again")
    return (f"{path.name}: the header line is one cell in double quotes (the whole line, {shown} and all, quoted as "
            "one value), so its column names cannot be read; remove the double quotes around the header line, or "
            "export the file again as plain CSV (or as XLSX), and load it again")


def _header_of(column: str, columns: list) -> str:
    """The header a column has in the file: ``Aantal.1`` is the second ``Aantal`` (see ``_column_names``)."""
    m = re.fullmatch(r"(.+)\.\d+", str(column))
    return m.group(1) if m and m.group(1) in columns else column


def _one_of(frame: pd.DataFrame, hits: list, columns: list, path: Path):
    """The first of the columns ``hits`` that name one field, when they agree (after trimming) in every row;
    else the file is refused naming the headers, never a value (a header is shown by the allow-list of labels: it can
    be data)."""
    if len(hits) == 1:
        return hits[0]
    first = frame[hits[0]].astype(str).str.strip()
    differs = np.zeros(len(frame), dtype=bool)
    for other in hits[1:]:
        differs |= frame[other].astype(str).str.strip().ne(first).to_numpy()
    if not differs.any():
        return hits[0]
    from pipelines.safe_output import shortened

    shown = [privacy.shown_label(shortened(_header_of(c, columns), 60)) for c in hits]
    if len(set(shown)) == 1:
        what, keep = f"the column {shown[0]} occurs {len(hits)} times and its copies", f"one column {shown[0]}"
    else:
        names = ", ".join(dict.fromkeys(shown))
        what, keep = f"the columns {names} name the same field and", f"one of the columns {names}"
    at = f" (the first is row {frame['row_number'].to_numpy()[differs][0]})" if "row_number" in frame else ""
    raise IngestError(f"{path.name}: {what} differ in {int(differs.sum()):,} row(s){at}; wijkradar cannot tell which "
                      f"is meant: keep {keep} (delete the others) and load the file again")


#: The column of a correction file (``pipelines.quarantine.export_rows``) that ties a row to its quarantined original.
QUARANTINE_REF_HEADERS = ("quarantaineregel", "quarantine ref", "quarantine_ref")


def with_merged_rows(mapped: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``mapped`` plus ``merged_rows`` (see :data:`MERGED_ROWS`) when the sheet (``frame``, as read) has a number cell
    merged over several rows, so the source can quarantine those rows."""
    if MERGED_ROWS not in frame.columns:
        return mapped
    return mapped.assign(**{MERGED_ROWS: frame.loc[mapped.index, MERGED_ROWS].to_numpy()})


def with_row_shape(mapped: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``mapped`` plus ``row_shape`` (see :data:`ROW_SHAPE`) when the file (``frame``, as read) has a record whose cells
    do not fit the table's columns, so the source can quarantine it with that reason."""
    shapes = frame.attrs.get(ROW_SHAPE)
    if not shapes:
        return mapped
    return mapped.assign(**{ROW_SHAPE: frame.loc[mapped.index, "row_number"].map(lambda n: shapes.get(n, ""))
                            .to_numpy(dtype=object)})


def row_shape_failures(raw: pd.DataFrame) -> pd.DataFrame:
    """One quarantine failure (``row_number``, ``expectation`` ``row_shape``, ``reason``) per row of ``raw`` (a source's
    rows as read) that does not fit the table's columns (see :data:`ROW_SHAPE`: its column, else ``raw.attrs``, which
    a source's ``read`` keeps); empty when the file has none."""
    if ROW_SHAPE in raw.columns:
        reasons = raw[ROW_SHAPE].fillna("").astype(str)
    else:
        shapes = raw.attrs.get(ROW_SHAPE) or {}
        reasons = raw["row_number"].map(lambda n: shapes.get(n, "")) if shapes else pd.Series("", index=raw.index)
    bad = reasons.ne("").to_numpy(dtype=bool)
    return pd.DataFrame({"row_number": raw.loc[bad, "row_number"].astype("int64").to_numpy(),
                         "expectation": pd.Series(["row_shape"] * int(bad.sum()), dtype=object),
                         "reason": pd.Series(reasons[bad].to_numpy(), dtype=object)})


def with_quarantine_ref(mapped: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``mapped`` plus ``quarantine_ref`` when the file (``frame``, as read) has a Quarantaineregel column."""
    wanted = {normalise_header(h) for h in QUARANTINE_REF_HEADERS}
    column = next((c for c in frame.columns if c != "row_number" and normalise_header(c) in wanted), None)
    if column is None or "quarantine_ref" in mapped.columns:
        return mapped
    return mapped.assign(quarantine_ref=frame.loc[mapped.index, column].to_numpy())


# ---------------------------------------------------------------------------------------------
# Dates as people write them. Work is done once per distinct text, so a million rows with a few
# thousand distinct dates parse in a fraction of a second. Anything ambiguous becomes NaT.
# ---------------------------------------------------------------------------------------------

MONTH_NAMES = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "maa": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {"maandag": 0, "ma": 0, "dinsdag": 1, "di": 1, "woensdag": 2, "wo": 2, "donderdag": 3, "do": 3,
            "vrijdag": 4, "vr": 4, "zaterdag": 5, "za": 5, "zondag": 6, "zo": 6}
from pipelines.clock import LOCAL_TZ  # noqa: E402 - report times are Amsterdam time
#: Dates outside these years are typing errors, never guessed into something else.
YEAR_RANGE = (1900, 2199)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")

_TIME = r"(?:(?:\s*[T ]\s*|\s+om\s+)(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?(?:\s*uur)?)?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?", re.I)
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME, re.I)
_DMY2 = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2})" + _TIME, re.I)
_DIGITS8 = re.compile(r"(\d{2})(\d{2})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{5})(?:[.,](\d+))?")
_TEXTUAL = re.compile(r"(?:(" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+)?"
                      r"(\d{1,2})\.?[\s-]+([a-z]+)\.?,?[\s-]+(\d{4})" + _TIME, re.I)


def _num(frame: pd.DataFrame, col, default: int | None = None) -> pd.Series:
    s = pd.to_numeric(frame[col], errors="coerce")
    return s.fillna(default) if default is not None else s


def _assemble(year, month, day, hour=0, minute=0, second=0) -> pd.Series:
    """Vectorised date from parts; invalid combinations (31 February, hour 25) -> NaT."""
    parts = pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour, "minute": minute,
                          "second": second})
    if parts.empty:
        return pd.Series([], dtype="datetime64[us]", index=parts.index)
    ok = parts.notna().all(axis=1) & parts["year"].between(*YEAR_RANGE)
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[us]")
    if ok.any():
        got = pd.to_datetime(parts[ok].astype("int64"), errors="coerce")
        out[ok] = got.astype("datetime64[us]")
    return out


def _time_parts(m: pd.DataFrame, first: int) -> tuple[pd.Series, pd.Series, pd.Series]:
    return _num(m, first, 0), _num(m, first + 1, 0), _num(m, first + 2, 0)


def _in_2000s(d: pd.Series) -> pd.Series:
    return d.between(pd.Timestamp("2000-01-01"), pd.Timestamp("2100-12-31 23:59:59"))


def _date_texts(texts: pd.Series) -> pd.Series:
    """Texts as the parser reads them: trimmed, lower case, a no-break space as a space."""
    return texts.astype(str).str.replace("\u00a0", " ", regex=False).str.strip().str.lower()


def _parse_unique_dates(texts: pd.Series) -> pd.Series:
    """The parser proper, on distinct texts (index 0..n-1); ``d-m-jjjj`` is read day-first."""
    t = _date_texts(texts)
    out = pd.Series(pd.NaT, index=t.index, dtype="datetime64[us]")

    def todo(pattern: str) -> pd.DataFrame:
        rest = t[out.isna()]
        return rest.str.extract("^" + pattern + "$", flags=re.I).dropna(subset=[0])

    # fast path for machine-written ISO timestamps (millions of distinct values in a Signalen dump)
    iso = t.str.match(r"\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:z|[+-]\d{2}(?::?\d{2})?)?$")
    if iso.any():
        zoned = iso & t.str.contains(r"(?:z|[+-]\d{2}(?::?\d{2})?)$", regex=True) & t.str.len().gt(10)
        naive = iso & ~zoned
        if naive.any():
            out[naive] = pd.to_datetime(t[naive].str.replace("t", " ", regex=False), format="ISO8601",
                                        errors="coerce").astype("datetime64[us]")
        if zoned.any():   # mixed offsets (winter/summer time): each to UTC by its own offset, then local
            z = t[zoned]
            bare = z.str.replace(r"(?:z|[+-]\d{2}(?::?\d{2})?)$", "", regex=True).str.replace("t", " ", regex=False)
            offset = pd.Series(z.to_numpy(dtype=object), index=z.index).str.extract(
                r"(z|[+-]\d{2}(?::?\d{2})?)$", expand=False) if len(z) < 1000 else None
            if offset is None:   # few distinct offsets: slice them by length instead of a regex per value
                offset = pd.Series("", index=z.index, dtype=object)
                for width, part in z.groupby(z.str.len() - bare.str.len()):
                    offset[part.index] = part.str.slice(-width).to_numpy(dtype=object)

            def _minutes(o: str) -> float:
                o = str(o).replace(":", "")
                return 0.0 if o in ("z", "") else (1 if o[0] == "+" else -1) * (int(o[1:3]) * 60 + int(o[3:5] or 0))
            minutes = offset.map({o: _minutes(o) for o in offset.unique()}).astype(float)
            utc = pd.to_datetime(bare, format="ISO8601", errors="coerce") - pd.to_timedelta(minutes, unit="m")
            out[zoned] = (utc.dt.tz_localize("UTC").dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
                          .astype("datetime64[us]"))
        out[~out.dt.year.between(*YEAR_RANGE)] = pd.NaT

    # fast path for dd-mm-jjjj (optionally with a time), the usual Dutch export
    dmy = out.isna() & t.str.match(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
    if dmy.any():
        d = t[dmy].str.replace(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", r"\3-\2-\1", regex=True)
        out[dmy] = pd.to_datetime(d, format="ISO8601", errors="coerce").astype("datetime64[us]")

    m = todo(_ISO.pattern)
    if len(m):
        h, mi, s = _time_parts(m, 3)
        local = _assemble(_num(m, 0), _num(m, 1), _num(m, 2), h, mi, s)
        zone = m[6].fillna("")
        aware = zone.ne("") & local.notna()
        if aware.any():
            z = zone[aware].str.replace(":", "", regex=False)
            minutes = pd.Series(0.0, index=z.index)
            has = z.ne("z")
            sign = z[has].str[0].map({"+": 1, "-": -1}).astype(float)
            minutes[has] = sign * (pd.to_numeric(z[has].str[1:3]) * 60 + pd.to_numeric(z[has].str[3:5].replace("", "0")))
            utc = local[aware] - pd.to_timedelta(minutes, unit="m")
            local[aware] = (utc.dt.tz_localize("UTC").dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
                            .astype("datetime64[us]"))
        out.loc[m.index] = local

    m = todo(_DMY.pattern)
    if len(m):
        out.loc[m.index] = _assemble(_num(m, 2), _num(m, 1), _num(m, 0), *_time_parts(m, 3))

    m = todo(_DMY2.pattern)
    if len(m):    # dd-mm-yy only when the yy-mm-dd reading is no date at all
        time = _time_parts(m, 3)
        dmy = _assemble(2000 + _num(m, 2), _num(m, 1), _num(m, 0), *time)
        ymd = _assemble(2000 + _num(m, 0), _num(m, 1), _num(m, 2), *time)
        out.loc[m.index] = dmy.where(ymd.isna())

    m = todo(_DIGITS8.pattern)
    if len(m):    # ddmmyyyy or yyyymmdd: only when exactly one reading is a date in 2000-2100
        n = m.apply(pd.to_numeric)
        dmy = _assemble(n[2] * 100 + n[3], n[1], n[0])
        ymd = _assemble(n[0] * 100 + n[1], n[2], n[3])
        dmy, ymd = dmy.where(_in_2000s(dmy)), ymd.where(_in_2000s(ymd))
        out.loc[m.index] = dmy.where(ymd.isna(), ymd.where(dmy.isna()))

    m = todo(_SERIAL.pattern)
    if len(m):    # Excel serial day number, optionally with the time as a fraction
        days = pd.to_numeric(m[0] + "." + m[1].fillna("0"))
        days = days.where(days.between(20_000, 80_000))
        seconds = (days * 86400).round()
        out.loc[m.index] = (EXCEL_EPOCH + pd.to_timedelta(seconds, unit="s")).astype("datetime64[us]")

    rest = t[out.isna()]
    m = rest.str.extract("^" + _TEXTUAL.pattern + "$", flags=re.I).dropna(subset=[1])
    if len(m):    # 6 december 2021, 6 dec. 2021, ma 6 dec 2021, maandag 6 december 2021 (weekday must agree)
        month = m[2].map(MONTH_NAMES)
        got = _assemble(_num(m, 3), month, _num(m, 1), *_time_parts(m, 4))
        weekday = m[0].map(WEEKDAYS)
        agrees = weekday.isna() | (got.dt.day_of_week == weekday)
        out.loc[m.index] = got.where(agrees)
    # a clock time past its range (24:00, 25:10, 23:60, 23:59:60) is rolled into the next day by every parser
    # above: a report written on one day would be counted in another (a Sunday's in the next week); not a date
    out[t.str.contains(_TIME_OUT_OF_RANGE, regex=True)] = pd.NaT
    return out


#: an hour of 24 or more, or minutes or seconds of 60 or more, in a date's time ("22-11-2026 23:59:60"); an offset
#: ("+01:00", "+05:45") never has one
_TIME_OUT_OF_RANGE = r"(?:^|[^\d:])(?:2[4-9]|[3-9]\d):\d{2}|\d:[6-9]\d"


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as written in Dutch deliveries -> naive local datetimes; unparseable or ambiguous -> NaT.

    ISO (``2026-11-02``, with time, with any UTC offset: converted to Europe/Amsterdam local time),
    ``dd-mm-jjjj`` with ``-``, ``/`` or ``.`` and an optional time (the order of day and month decided for
    ``values`` together, as one column: see :func:`read_dates`), Excel serial day numbers, Dutch
    textual dates (``6 dec. 2021``, ``maandag 6 december 2021``), ``ddmmjjjj``/``jjjjmmdd`` when only
    one reading is a date in 2000-2100, and ``dd-mm-jj`` only when ``jj-mm-dd`` is no date.
    """
    return read_dates(values)[0]


def read_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The dates of one column (:func:`parse_dates`) and, per value, whether it is NaT because the column leaves
    the order of its day and month open.

    A ``d-m-jjjj`` value whose first number is over 12 proves the column day-first (``13-11-2026``), one whose
    second number is over 12 proves it month-first (``11/13/2026``, an export in an English (US) locale); a value
    read either way (``11/05/2026``) proves nothing. Proven month-first by :data:`MONTH_FIRST_PROOFS` distinct
    dates or more and nothing proving day-first: every ``d-m-jjjj`` value of the column is read month-first. Both
    proven (a column of two orders), or month-first by fewer dates (a typo in a Dutch column?): each proven value is
    read as it proves, and a value whose two readings are two dates is never guessed: NaT, and marked. Nothing
    proven: day-first, the Dutch order.
    """
    s = pd.Series(values)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    texts = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    month_first, ambiguous = _day_month_order(texts)
    if month_first.any():               # read month-first as the day-first parser does: the two numbers swapped
        texts = texts.where(~month_first, _date_texts(texts).str.replace(_DAY_MONTH, r"\3\2\1\4", regex=True))
    parsed = _parse_unique_dates(texts).where(~ambiguous)
    lookup = np.append(parsed.to_numpy(dtype="datetime64[us]"), np.datetime64("NaT", "us"))
    marked = np.append(ambiguous.to_numpy(dtype=bool), False)
    return (pd.Series(lookup[codes], index=s.index, dtype="datetime64[us]"),
            pd.Series(marked[codes], index=s.index, dtype=bool))


#: The distinct dates that must prove a column month-first before its dates that read both ways are read so: one
#: typo (``11-13-2026`` in a Dutch week of 1 to 8 November) would otherwise move every other date of the column to
#: another month; a US export of a week that reaches the 13th holds three (the 13th, 14th and 15th) or more.
MONTH_FIRST_PROOFS = 3
#: the day and month of a ``d-m-jjjj`` value (and the separator between them), as :func:`read_dates` swaps them
_DAY_MONTH = r"^(\d{1,2})([-/.])(\d{1,2})([-/.]\d{4})"


def _day_month_order(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per distinct text of one column: whether to read it month-first, and whether its order is ambiguous (see
    :func:`read_dates`)."""
    t = _date_texts(texts)
    month_first, ambiguous = pd.Series(False, index=t.index), pd.Series(False, index=t.index)
    shaped = t.str.match(_DAY_MONTH)
    if not shaped.any():
        return month_first, ambiguous
    m = t[shaped].str.extract("^" + _DMY.pattern + "$", flags=re.I).dropna(subset=[0])
    first, second, year = _num(m, 0), _num(m, 1), _num(m, 2)
    as_day_month = _assemble(year, second, first).notna()
    as_month_day = _assemble(year, first, second).notna()
    proves_day_first, proves_month_first = as_day_month & ~as_month_day, as_month_day & ~as_day_month
    if not proves_month_first.any():
        return month_first, ambiguous
    if not proves_day_first.any() and proves_month_first.sum() >= MONTH_FIRST_PROOFS:
        month_first[m.index] = True
        return month_first, ambiguous
    month_first[m.index] = proves_month_first.to_numpy()
    ambiguous[m.index] = (as_day_month & as_month_day & first.ne(second)).to_numpy()
    return month_first, ambiguous


def by_distinct(read, values: pd.Series) -> pd.Series:
    """``read(values)`` (a Series, value by value) computed once per distinct value, missing as one, with the values'
    dtype: a column of a million rows of buurt codes, periods or counts holds a few thousand distinct texts."""
    values = pd.Series(values)
    codes, uniques = pd.factorize(values)
    distinct = pd.Series(uniques, dtype=values.dtype)
    missing = codes < 0
    if missing.any():                              # the first missing value as it is, standing for all
        distinct = pd.concat([distinct, values[missing].iloc[:1]], ignore_index=True)
        codes = np.where(missing, len(distinct) - 1, codes)
    out = read(distinct)
    return pd.Series(out.to_numpy()[codes], index=values.index, dtype=out.dtype)


def normalise_area_code(values: pd.Series) -> pd.Series:
    """Trim, upper-case and complete area codes: ``bu01185000 ``, ``01185000`` -> ``BU01185000``, ``0363ta05`` ->
    ``BU0363TA05``; white space anywhere and invisible characters (a zero-width space or direction mark a copy from a
    web page leaves, :func:`plain_text`) do not count."""
    v = plain_cells(values.astype(str)).astype(str).str.strip().str.upper()
    v = v.str.replace("[ \t\u00a0\u2007\u2009\u202f]+", "", regex=True)
    return v.where(~v.str.fullmatch(BUURT_TAIL), "BU" + v)


def complete_lost_zeros(codes: pd.Series, known) -> pd.Series:
    """Normalised codes with ``BU`` and the leading zeros a spreadsheet's number cell dropped (``1185600`` for
    01185600, ``960000`` for 00960000), where that makes a code of ``known``; any other code stays as it is.

    Only a known code is completed: a short number is not taken for a buurt it does not name.
    """
    short = codes.str.fullmatch(r"\d[0-9A-Z]{0,6}", na=False)
    if not short.any():
        return codes
    completed = "BU" + codes[short].str.zfill(8)
    return codes.where(~short, completed.where(completed.isin(known), codes[short]))


def resolve_area_codes(values: pd.Series, ref) -> pd.Series:
    """Normalised codes, with codes of earlier CBS divisions mapped through ``buurtcode_wijzigingen.csv``; a code
    whose leading zeros a number cell dropped gets them back when that makes a buurt (or old code) of the reference.

    Empty codes become None; unknown codes stay as they are, so validation quarantines them.
    """
    changes = dict(zip(ref.code_changes["old_code"], ref.code_changes["new_code"]))
    known = set(ref.buurten["area_code"]) | set(changes)
    return by_distinct(lambda v: complete_lost_zeros(normalise_area_code(v), known).replace(changes).replace("", None),
                       values)


#: The area check's reason of a code that is no buurt of the profile and not mapped (:func:`area_checks`).
NOT_IN_DIVISION = ("area not in division 2024: buurtcode is not a buurt of the 2024 division "
                   "(and not mapped in buurtcode_wijzigingen.csv)")


def area_checks(ref) -> list:
    from pipelines.validate import Check, gx_expectations

    gxe = gx_expectations()
    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column="area_code"),
              "buurtcode is empty (a location given only as coordinates is not placed in a buurt)"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="area_code", value_set=sorted(ref.buurten["area_code"])),
              NOT_IN_DIVISION),
    ]


#: What to do about a row under a split buurt's old code, by what the source delivers: a report is placed by its
#: address, which only the supplier holds (the same report delivered again resolves its row); a count of the whole
#: old buurt cannot be divided over its parts, so the period is delivered under the new codes and the row dismissed.
SPLIT_NEXT_STEP = {
    "records": "ask the supplier to deliver these reports again under the new codes (its address decides the part; "
               "a report delivered again resolves its row), or to fill in the new code of each report in the file "
               "of wijkradar quarantine export",
    "counts": "ask the supplier to deliver the period again under the new codes, then dismiss this row (wijkradar "
              "quarantine dismiss LOAD --row N): a count of the whole old buurt cannot be divided over its parts",
}


def split_reason(old: str, parts: list[str] | None, kind: str) -> str:
    """The quarantine reason of a row under ``old``, a buurt the profile split into ``parts``
    (``catalog.split_buurten``): it was a buurt of the division, and ``buurtcode_wijzigingen.csv`` cannot map a
    split, so the generic "not a buurt of the 2024 division ... not mapped" sent the analyst to a mapping the
    profile refuses (red team 12b, F4). ``parts`` None: the change removed other buurten of its wijk too and none
    was declared, so which buurten replace it is not known and none is named (red team 13a F1: each old code read
    the parts of both); the analyst declares them."""
    if parts is None:
        return (f"buurtcode {old} is split in the profile's new division and is no buurt of its own any more (other "
                "buurten of its wijk were split in the same change, so its parts are not known): declare its parts "
                f"in buurtcode_wijzigingen.csv (a line per part, kind {SPLIT_KIND}; this moves nothing), then "
                f"{SPLIT_NEXT_STEP[kind]}")
    return (f"buurtcode {old} is in the profile split into {', '.join(parts)} and is no buurt of its own any more "
            f"(a split cannot be mapped in buurtcode_wijzigingen.csv): {SPLIT_NEXT_STEP[kind]}")


#: The kind of a line of ``buurtcode_wijzigingen.csv`` that declares a part of a split (``reference.SPLIT_KINDS``).
SPLIT_KIND = "splitsing"
#: How a reason of :func:`split_reason` begins: the refusal of a file most of whose rows carry it says so
#: (``validate._refusal_advice``; red team 13a F2), with the old code.
SPLIT_REASON_START = re.compile(r"buurtcode (\w+) is (?:in the profile split into|split in the profile's new division)")


def split_reasons(failures: pd.DataFrame, frame: pd.DataFrame, splits: dict[str, list[str] | None],
                  kind: str) -> pd.DataFrame:
    """``failures`` (``run_suite``'s) with the area check's reason of each row under an old code of ``splits``
    (old code -> its parts, None where they are not known) replaced by :func:`split_reason`; the other reasons of
    the row stay."""
    if not splits or failures.empty or "area_code" not in frame:
        return failures
    codes = frame.set_index("row_number")["area_code"]
    old = failures["row_number"].map(codes)
    hit = old.isin(list(splits)) & failures["reason"].str.contains(NOT_IN_DIVISION, regex=False)
    if not hit.any():
        return failures
    out = failures.copy()
    out.loc[hit, "reason"] = [reason.replace(NOT_IN_DIVISION, split_reason(code, splits[code], kind))
                              for reason, code in zip(out.loc[hit, "reason"], old[hit])]
    return out
