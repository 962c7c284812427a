"""Personal-data scanner: finds e-mail addresses, phone numbers, BSNs, IBANs, addresses, birth dates, licence
plates and person names in column headers, cell values and free text, so that personal data is never stored. Values
are read as a person reads them (NFKC, invisible characters dropped), so "06\u200b12345678" is a phone number.

Pure module (pandas / numpy / re / python-stdnum / phonenumbers); no database, no flow, no GX. File names are kept
by an allow-list (:mod:`pipelines.privacy_files`).

API (stable; other modules code against it):
    KINDS, header_kind(header), scan_values(series), scan_frame(frame, columns), redaction(kind), scrub_text(text),
    scrub_file_name(name), as_shown(text)
"""
from __future__ import annotations

import contextvars
import functools
import hashlib
import hmac
import html
import re
import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.clock import local_today
from pipelines.codes import AREA_CODE

#: A flag for pandas' string regex methods with the long patterns here: with any flag pandas runs Python's ``re``
#: (the patterns' own dialect; compiled once and cached) instead of parsing the pattern anew on every call to see
#: whether pyarrow's RE2 could run it (pandas 3.1: ~3 ms a call for the prefilter, every scanned column of every
#: load). ``re.UNICODE`` is what a str pattern has anyway. Short patterns (``\d``) keep pyarrow's faster path.
#: Python's ``re`` runs value by value, though: over a column of millions of distinct values (report numbers) that is
#: minutes, so the long patterns go through :func:`regex_mask`.
PYTHON_RE = re.UNICODE
#: values on which RE2 and Python's ``re`` give the same answers: printable ASCII and tabs (no line break, where
#: ``$`` differs; no vertical tab or file separators, which Python's ``\s`` matches and RE2's does not; no letters or
#: digits of other scripts, which Python's ``\w`` and ``\d`` match)
_PLAIN = r"^[\x20-\x7e\t]*$"
#: fewer values than this go to Python's ``re`` whole: RE2 compiles a long pattern anew on every call (2.5 ms for the
#: prefilter, which Python's ``re`` reads about a hundred values in)
RE2_FROM = 500


@functools.lru_cache(maxsize=64)
def _re2(pattern: str, full: bool) -> str | None:
    """``pattern`` as RE2 runs it (``full``: anchored at both ends), or None when RE2 cannot (a lookahead)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    anchored = f"^(?:{pattern})$" if full else pattern
    try:
        pc.match_substring_regex(pa.array(["x"]), anchored)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return anchored


def regex_mask(values: pd.Series, pattern: str, full: bool = False, superset: str | None = None) -> np.ndarray:
    """Per value (text or missing): whether it contains a match of ``pattern`` (``full``: matches it whole), with
    Python ``re``'s answers. pyarrow's RE2 reads the plain values (:data:`_PLAIN`: there the two agree) all at once;
    Python's ``re`` reads the others one by one, and all of them where RE2 cannot run the pattern: then only the
    values that contain a match of ``superset`` (a pattern RE2 runs that every match of ``pattern`` holds), when
    given. Missing: False.

    For the long patterns of the scanner over whole columns: Python's ``re`` alone took minutes over a column of
    millions of report numbers (``benchmarks/national.py``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(values) < RE2_FROM:
        method = values.str.fullmatch if full else values.str.contains
        return method(pattern, flags=PYTHON_RE, na=False).to_numpy(dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    text = values.astype("string[pyarrow]")
    anchored = _re2(pattern, full)
    other = np.ones(len(values), dtype=bool) if superset is None or anchored is not None else regex_mask(text, superset)
    if anchored is not None:
        arr = pa.array(text)
        plain = plain_mask(text)
        hit = pc.fill_null(pc.match_substring_regex(arr, anchored), False).to_numpy(zero_copy_only=False)
        out[plain] = hit[plain]
        other = ~plain & text.notna().to_numpy()
    if other.any():
        rest = text[other]
        method = rest.str.fullmatch if full else rest.str.contains
        out[other] = method(pattern, flags=PYTHON_RE, na=False).to_numpy(dtype=bool)
    return out


def plain_mask(values: pd.Series) -> np.ndarray:
    """Per value of a column of text: whether it is plain (:data:`_PLAIN`: printable ASCII and tabs), where pyarrow's
    string functions and RE2 give Python's answers. Missing: False."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values.astype("string[pyarrow]"))
    return pc.fill_null(pc.match_substring_regex(arr, _PLAIN), False).to_numpy(zero_copy_only=False)


KINDS = ("e-mail", "telefoonnummer", "bsn", "adres", "naam", "iban", "geboortedatum", "kenteken", "klantnummer")


def redaction(kind: str) -> str:
    """The placeholder that replaces a personal item of ``kind`` in text: ``[verwijderd: adres]``."""
    return f"[verwijderd: {kind}]"


# --------------------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------------------

def _normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# words that may make up a person-name header ("naam melder", "voornaam client", "contactpersoon")
_NAME_STRONG = {
    "naam", "namen", "voornaam", "voornamen", "achternaam", "achternamen", "roepnaam", "geslachtsnaam",
    "familienaam", "meisjesnaam", "voorletters", "voorletter", "initialen", "tussenvoegsel", "tussenvoegsels",
    "name", "names", "surname", "firstname", "lastname", "fullname", "forename", "initials",
    "melder", "melders", "client", "clienten", "klant", "bewoner", "huurder", "aanvrager", "contactpersoon",
    "persoon", "persoonsnaam", "klantnaam", "clientnaam", "meldernaam", "bewonernaam", "huurdernaam",
    "aanvragernaam", "naammelder", "naamclient", "naamklant", "naambewoner", "naamhuurder", "naamaanvrager",
    "naamcontactpersoon", "volledigenaam", "reporter", "customer", "resident", "tenant", "applicant",
    "patient", "contact person", "betrokkene", "verzoeker", "indiener",
}
_NAME_WEAK = {"van", "de", "der", "het", "vd", "volledige", "full", "first", "last", "given", "family", "middle",
              "contact", "person", "of", "the", "en", "and", "1", "2", "3", "mr", "dhr", "mevr"}

_HEADER_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("bsn", re.compile(r"\b(?:bsn\w*|burgerservice\s?nummer\w*|burgerservicenr|sofi\s?(?:nummer|nr)?|ssn|"
                       r"citizen service number|social security(?: number)?)\b")),
    ("e-mail", re.compile(r"\b(?:e ?mail|email|mail)(?: ?(?:adres|address|adressen))?\b|\bemailadres\w*\b")),
    ("iban", re.compile(r"\b(?:iban\w*|(?:bank ?)?rekening ?(?:nummer|nr)\w*|bankrekening\w*|reknr|rek nr|"
                        r"bank ?account(?: number)?|account number|banknummer)\b")),
    ("telefoonnummer", re.compile(r"\b(?:tel|telnr|tel nr|telefoon\w*|telefoonnr|phone\w*|telephone|mobiel\w*|"
                                  r"mobile|mob|mob nr|gsm\w*|cell(?:phone)?|fax\w*|06 nummer|06nummer)\b")),
    ("geboortedatum", re.compile(r"\b(?:geboorte ?datum|geboortedag|geb ?dat(?:um)?|gebdat\w*|geb|geboren(?: op)?|"
                                 r"date of birth|birth ?date|dob|birthday|geboortejaar)\b")),
    ("kenteken", re.compile(r"\b(?:kenteken\w*|nummerbord\w*|licen[cs]e ?plates?|number ?plates?)\b")),
    ("adres", re.compile(r"\b(?:\w*adres|\w*adressen|address\w*|straat|straatnaam|street\w*|huisnummer\w*|huisnr|"
                         r"hnr|huis nr|house ?number|house ?no|toevoeging|huisletter|postcode ?huisnummer|"
                         r"postcode ?en ?huisnummer|postcode ?hnr|woonplaats ?adres)\b")),
)


def header_kind(header: str) -> str | None:
    """The kind label of a personal column header ("naam", "telefoonnummer", ...), else None.

    Case-, accent- and punctuation-insensitive: "Cliënt", "Geb.datum", "Tel.nr.", "E-mailadres" are found;
    "buurtnaam", "datum melding", "postcode" (the area alone) are not personal.
    """
    norm = _normalise_header(header)
    if not norm:
        return None
    for kind, rule in _HEADER_RULES:
        if rule.search(norm):
            return kind
    tokens = norm.split()
    if any(t in _NAME_STRONG for t in tokens) and all(t in _NAME_STRONG or t in _NAME_WEAK for t in tokens):
        return "naam"
    compact = norm.replace(" ", "")
    if compact in _NAME_STRONG or re.fullmatch(r"(?:voor|achter|roep|volledige|klant|client|melder|bewoner|huurder|"
                                               r"aanvrager|contactpersoon)?naam(?:melder|client|klant|bewoner|"
                                               r"huurder|aanvrager|contactpersoon)?", compact):
        return "naam"
    if compact in {"firstname", "lastname", "fullname", "contactperson"}:
        return "naam"
    return None


# --------------------------------------------------------------------------------------------------------------
# Normalisation: the detectors read the text as a person reads it
# --------------------------------------------------------------------------------------------------------------

# Invisible characters that are not in category Cf (combining grapheme joiner, Hangul fillers, Mongolian and
# other variation selectors): like a zero-width space, they split a number without showing.
_IGNORABLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
                       + "".join(map(chr, range(0xfe00, 0xfe10))) + "".join(map(chr, range(0xe0100, 0xe01f0))))


# Cyrillic, Greek and Armenian letters that look like Latin ones (Unicode TR39 confusables), where a
# transliteration would read another letter (Cyrillic "В" is "V", but looks like "B")
_LOOKALIKE = dict(zip(
    "АВЕЅІЈКМНОРСТХУаеѕіјорсхуԁԛԝһΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρτυχոօսց",
    "ABESIJKMHOPCTXYaesijopcxydqwhABEZHIKMNOPTYXoivptuxnoug"))


@functools.lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """One NFKC character as the detectors see it: odd spaces a space, odd dashes a hyphen, invisibles and
    combining marks gone, any script's digits ASCII digits, look-alike letters the Latin ones, and other letters
    in ASCII (``anyascii``: "Yılmaz" is "Yilmaz", "josé" is "jose"), so that the detectors and the name lists
    (folded the same way) read one alphabet."""
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if ch in _IGNORABLE or category in ("Cf", "Cc", "Cn", "Mn", "Me"):
        return ""
    if ch == "\u2212" or category == "Pd":
        return "-"
    if ch.isascii():
        return ch
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if ch in _LOOKALIKE:
        return _LOOKALIKE[ch]
    if ch == "\u00b0":                 # the degree sign, in a birth date the sign for born: "°3-4-1978" is "*3-4-1978"
        return "*"
    from anyascii import anyascii

    return anyascii(ch)


# Markup and URL encodings that a person's browser or mail client would show as the character: "&#64;",
# "&commat;", "%40"; and the escapes of Office Open XML, which Excel shows as the character ("jan_x0040_ziggo.nl" is
# jan@ziggo.nl, "_x000D_" a line break). Decoded before anything is sought, so "jan&#64;ziggo.nl" is an e-mail address.
_ENCODED = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?|(?:%[0-9A-Fa-f]{2})+"
                      r"|\\u[0-9A-Fa-f]{4}|(?<=[\w.])=(?:40|2[Ee])(?=\w)|_x[0-9A-Fa-f]{4}_")


def _replaced(text: str, replacements) -> tuple[str, list[int], list[int]]:
    """``text`` with each (start, end, new text) of ``replacements`` (in order, not overlapping) put in place; per
    character of the result its [start, end) in ``text``, so a redaction of the result cuts the right span."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for start, end, new in replacements:
        for i in range(pos, start):
            out.append(text[i])
            starts.append(i)
            ends.append(i + 1)
        for ch in new:
            out.append(ch)
            starts.append(start)
            ends.append(end)
        pos = end
    for i in range(pos, len(text)):
        out.append(text[i])
        starts.append(i)
        ends.append(i + 1)
    return "".join(out), starts, ends


def _decoded_token(token: str) -> str:
    if token[0] == "&":
        return html.unescape(token)
    if token[0] == "_":                      # OOXML: "_x0040_" is "@" (a lone surrogate half stays as written)
        code = int(token[2:6], 16)
        return token if 0xD800 <= code <= 0xDFFF else chr(code)
    if token[0] in "\\=":                    # a JSON or Python escape, or quoted-printable (mail): "=40" is "@"
        return chr(int(token[2:] if token[0] == "\\" else token[1:], 16))
    try:
        return bytes.fromhex(token.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return token


def _decode_once(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` with its character references and %-escapes decoded; per character, its [start, end) in ``text``."""
    return _replaced(text, ((m.start(), m.end(), decoded) for m in _ENCODED.finditer(text)
                            if (decoded := _decoded_token(m.group())) != m.group()))


# HTML markup as a browser shows it: an inline tag or a comment between the parts of an item shows nothing
# ("06<b>23456789</b>" is 0623456789, "Gerrit<!---->Brinkhuis" one word), a block tag or a line break a space
# ("Kerkstraat<br>14"). Only known tag names, so "<jan@ziggo.nl>" stays an address, and not a bare "<a>", which a
# sender writes for "@" ("jan<a>ziggo.nl").
_BLOCK_TAGS = ("br|p|div|li|ul|ol|tr|td|th|table|tbody|thead|h[1-6]|hr|blockquote|pre|section|article|header|footer|"
               "dd|dt|dl|address|center")
_INLINE_TAGS = ("b|i|u|s|em|strong|span|font|small|big|sub|sup|mark|code|tt|abbr|cite|q|del|ins|strike|wbr|kbd|"
                "samp|var|nobr|label|o:p")
_TAG = re.compile(r"<!--.*?-->|</?(?:(?P<block>" + _BLOCK_TAGS + r")|" + _INLINE_TAGS + r"|a(?=\s|/|>)(?!>))"
                  r"(?:\s[^<>]{0,300})?/?>|</a>", re.I | re.S)


def _strip_markup(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` without its HTML tags and comments (a block tag a space); per character its [start, end) in ``text``."""
    return _replaced(text, ((m.start(), m.end(), " " if m.group("block") else "") for m in _TAG.finditer(text)))


# Text in UTF-8 read as Windows-1252 (mojibake): "RenÃ© Jansen" is "René Jansen", "ZoÃ« Bakker" "Zoë Bakker". A lead
# character (the bytes C2-F4) and the continuation characters a UTF-8 sequence of that length needs (bytes 80-BF as
# Windows-1252 shows them); a run is repaired only when it is valid UTF-8, so a word that only looks so stays.
_CP1252_CONTINUATION = ("\u00a0-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152"
                        "\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
                        "\x81\x8d\x8f\x90\x9d")
_MOJIBAKE = re.compile("(?:[\u00c2-\u00df][{c}]|[\u00e0-\u00ef][{c}]{{2}}|[\u00f0-\u00f4][{c}]{{3}})+"
                       .format(c=_CP1252_CONTINUATION))
# Text in code page 850 (a DOS program's export) read as Windows-1252: "René" shows as "Ren‚", "Zoë" as "Zo‰". The
# bytes 80-A5 are letters in code page 850 and mostly signs in Windows-1252; a word holding such a sign after a
# letter is repaired only when the repaired word is a first name or surname of the name lists (a sign after a
# letter is also how typographic quotes and dashes are typed: "Jan’s", "Noord–Zuid").
_CP850_WORD = re.compile("[A-Za-z\u00c0-\u00ff]+[\u0080-\u00a5\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030"
                         "\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161"
                         "\u203a\u0153\u017e\u0178][A-Za-z\u00c0-\u00ff\u0080-\u00a5\u20ac\u201a\u0192\u201e\u2026"
                         "\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013"
                         "\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]*")
#: whether the name lists are being read (they are read through :func:`_normalise`, so a repair that looks a word up
#: in them must not run while they load)
_LOADING_LISTS = contextvars.ContextVar("loading_name_lists", default=False)


def _repaired_cp1252(token: str, codec: str) -> str | None:
    try:
        return token.encode("cp1252").decode(codec)
    except UnicodeError:
        return None


def _mojibake_repairs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, repaired text) of every run of ``text`` that is UTF-8 or code page 850 read as Windows-1252."""
    pieces = []
    for m in _MOJIBAKE.finditer(text):
        fixed = _repaired_cp1252(m.group(), "utf-8")
        if fixed is not None:
            pieces.append((m.start(), m.end(), fixed))
    if not _LOADING_LISTS.get():
        first, surname, after_tv = _lists()[:3]
        for m in _CP850_WORD.finditer(text):
            fixed = _repaired_cp1252(m.group(), "cp850")
            if fixed is None or any(a < m.end() and m.start() < b for a, b, _ in pieces):
                continue
            word = "".join(_fold(c) for c in unicodedata.normalize("NFKC", fixed)).title()
            if len(word) >= 3 and (word in first or word in surname or word in after_tv):
                pieces.append((m.start(), m.end(), fixed))
    return sorted(pieces)


_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4\u0080-\u009f\u201a\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039"
                            "\u0152\u017d\u2018-\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e"
                            "\u0178\u20ac\u0192]")


def _decode(text: str) -> tuple[str, tuple[list[int], list[int]] | None]:
    """``text`` without markup (:data:`_TAG`), its mojibake repaired (:data:`_MOJIBAKE`) and decoded (nested encodings
    too, "&amp;#64;" up to three levels deep), with the source map of :func:`_normalise`, or None for the map when
    nothing was removed or encoded."""
    source = None
    if "<" in text:
        stripped, starts, ends = _strip_markup(text)
        if stripped != text:
            text, source = stripped, (starts, ends)
    if not text.isascii() and _MOJIBAKE_HINT.search(text):
        pieces = _mojibake_repairs(text)
        if pieces:
            repaired, starts, ends = _replaced(text, pieces)
            if source is not None:
                starts, ends = [source[0][a] for a in starts], [source[1][b - 1] for b in ends]
            text, source = repaired, (starts, ends)
    for _ in range(3):
        if "&" not in text and "%" not in text and "\\u" not in text and "=" not in text and "_x" not in text:
            break
        decoded, starts, ends = _decode_once(text)
        if decoded == text:
            break
        if source is not None:
            starts, ends = [source[0][a] for a in starts], [source[1][b - 1] for b in ends]
        text, source = decoded, (starts, ends)
    return text, source


def _normalise(text: str) -> tuple[str, tuple[list[int], list[int]] | None]:
    """``text`` in NFKC, without invisible characters, with plain spaces and hyphens; and, unless the text
    came through unchanged, for every character of it the [start, end) it came from in ``text``.

    Written to defeat "06\u200b12345678", full-width digits, no-break spaces and the like. NFKC runs per base
    character plus its combining marks, so each piece of the result maps back to the characters it came from
    and a span found on the result removes the whole item, invisibles inside it included, from ``text``.
    """
    text, decoded = _decode(text)
    if text.isascii() and text.isprintable():
        return text, decoded
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFKC", text[i:j]):
            for c in _fold(ch):              # "" (dropped), one character, or a transliteration ("EUR")
                out.append(c)
                starts.append(i)
                ends.append(j)
        i = j
    if decoded is not None:
        starts, ends = [decoded[0][a] for a in starts], [decoded[1][b - 1] for b in ends]
    return "".join(out), (starts, ends)


# --------------------------------------------------------------------------------------------------------------
# Value detectors: each finds (start, end, kind) spans in a text
# --------------------------------------------------------------------------------------------------------------

_LOCAL, _LABEL = r"[A-Za-z0-9._%+\-]+", r"[A-Za-z0-9\-]+"
# Top-level domains an address written out may end in: every two-letter (country) one and the common others.
_TLD = r"(?:[a-z]{2}|com|net|org|info|biz|edu|gov|int|mil|email|online|site|xyz|app|dev|frl|amsterdam|nu|mobi)\b"
# "@" as people write it to fool a harvester: "@ " spaced or doubled, "(at)", "[@]", "(a)", " at ", " apenstaartje "
_AT_SIGN = r"\s*@+\s*"
_AT_BRACKET = r"\s*[\[({<]\s*(?:at|a|@|apenstaartje|apestaart(?:je)?)\s*[\])}>]\s*"
_AT_WORD = r"(?:\s+(?:at|apenstaartje|apestaart(?:je)?)\s+|\s*[-_]at[-_]\s*)"
# and "." : "(dot)", "[punt]", " dot ", " punt ", or a dot with spaces around it
_DOT_WORD = r"(?:\s*[\[({<]\s*(?:dot|punt|\.)\s*[\])}>]\s*|\s+(?:dot|punt)\s+)"
_DOT = r"(?:\s*\.\s*|" + _DOT_WORD + r")"
_EMAIL = re.compile(
    _LOCAL + r"@" + _LABEL + r"(?:\." + _LABEL + r")*\.[A-Za-z]{2,}"
    # an address with its domain cut or garbled ("jan@ziggo", "jan@ziggo,nl"): a local part with a letter
    r"|[A-Za-z0-9._%+\-]*[A-Za-z][A-Za-z0-9._%+\-]*@[A-Za-z][A-Za-z0-9\-]+(?:[.,]+[A-Za-z0-9\-]+)*"
    r"|(?i:"
    # an "@" or a bracketed at: any dots ("jan @ ziggo . nl", "jan(at)ziggo(dot)nl")
    + _LOCAL + r"(?:" + _AT_SIGN + r"|" + _AT_BRACKET + r")" + _LABEL + r"(?:" + _DOT + _LABEL + r")*?" + _DOT + _TLD +
    # "at" as a word: the dots written out, or a plain dot without spaces ("jan at ziggo.nl", "jan at ziggo dot
    # nl"), so that "Hij at brood. De ..." is no address
    r"|" + _LOCAL + _AT_WORD + _LABEL + r"(?:(?:\.|" + _DOT_WORD + r")" + _LABEL + r")*?(?:\.|" + _DOT_WORD + r")" +
    _TLD +
    # "bij" only with the dots written out too ("jan bij ziggo punt nl"; "meld het bij hoogeveen.nl" is no address)
    r"|" + _LOCAL + r"\s+bij\s+" + _LABEL + r"(?:" + _DOT_WORD + _LABEL + r")*?" + _DOT_WORD + _TLD + r")"
    # a local part and its "@" without a domain: an address split over two cells ("h.steenbergen@" | "xs4all.nl")
    r"|(?<![\w.%+\-])(?=[\w.%+\-]{2,}@)[A-Za-z0-9._%+\-]*[A-Za-z][A-Za-z0-9._%+\-]*@(?![\w@])"
)
# A person's profile on a social network: the address names the person as an e-mail address does, and usually spells
# the name ("facebook.com/marek.wojcik.77", "linkedin.com/in/tomaszzielinski"); reported as a name
_PROFILE_SITES = (r"facebook\.com|fb\.com|fb\.me|linkedin\.com/(?:in|pub)|instagram\.com|instagr\.am|twitter\.com|"
                  r"x\.com|tiktok\.com|threads\.net|snapchat\.com/add|youtube\.com/(?:user/|c/)?|t\.me|wa\.me")
_PROFILE = re.compile(r"(?i)(?<![\w\-])(?:https?://)?(?:(?:www|m|mobile|[a-z]{2})\.)?(?:" + _PROFILE_SITES +
                      r")/@?(?!(?:groups|events|pages|hashtag|share|sharer|watch|home)\b)[\w.\-%]*[^\W_][\w.\-%]*")
# A handle on a social network names its person too: "@gerritbrinkhuis", "insta: gerrit.brinkhuis61", "tiktok=@jan_b".
# An "@" with a word before it is an e-mail address (:data:`_EMAIL`), one before "(" a spreadsheet's function.
#: the networks whose name, a colon or "=" and a handle a person writes ("insta: jan.b"); one list for the rule, its hint
#: and the prefilter
_NETWORKS = r"insta(?:gram)?|ig|tiktok|snap(?:chat)?|twitter|x|fb|facebook|linkedin|telegram|threads|bluesky|bsky|youtube"
_HANDLE = re.compile(r"(?<![\w.@%+\-])@[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,28}[A-Za-z0-9_])?(?=[^\w@(.\-]|\.?$|\.\s)"
                     r"|(?i:\b(?:" + _NETWORKS + r")\s*[:=]\s*@?)[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,28}[A-Za-z0-9_])")
_PROFILE_HINT = re.compile(r"(?i:facebook|fb\.|linkedin|instagr|twitter|x\.com|tiktok|threads\.net|snapchat|"
                           r"youtube|t\.me|wa\.me)")
_HANDLE_HINT = re.compile(r"@|(?i:" + _NETWORKS + r")\s*[:=]")
_EMAIL_HINT = re.compile(r"@|(?i:[\[({<]\s*(?:at|a)\s*[\])}>]|\sat\s|[-_]at[-_]|\sbij\s|apen?st)")

# Dutch numbers in every Dutch notation; PhoneNumberMatcher (below) adds other countries and notations, but
# passes by a grouped number right after another number ("SIG-123456 0528 123 456", "06 12345678 06 87654321")
_SEP = r"[\s\-./()]{0,3}"
_PHONE = re.compile(
    r"(?<![\d+])(?:"
    r"(?:\+|00)[\s\-.]?31" + _SEP + r"(?:\(0\)" + _SEP + r")?[1-9](?:" + _SEP + r"\d){8}"
    r"|\(?0" + _SEP + r"[1-9](?:" + _SEP + r"\d){8}"
    r")(?![\d])"
)

# nine digits, in groups too; not in an amount ("EUR" is how the scanner reads "€")
_BSN = re.compile(r"(?<![\d.,])(?<!EUR)(?<!EUR )"
                  r"(?:\d{9}|\d{3}[ .\-/_]{1,3}\d{3}[ .\-/_]{1,3}\d{3}|\d{4}([ .])\d{2}\1\d{3}"
                  r"|\d{2}\.\d{3}\.\d{2}\.\d{2})"
                  r"(?!\d|[.,]\d{3})")
_BSN_KEYWORD = re.compile(r"(?i)\b(?:bsn|burgerservicenummer|burgerservicenr|sofi(?:nummer|nr)?)\b[\s:.#\-]*"
                          r"(?:nummer|nr\.?)?[\s:.#\-]*(\d(?:(?:[^\w#]|_){0,3}\d){7,8})(?!\d)")

# an IBAN with any separators, glued to words before or after ("rekNL91...", "...4300EUR"): the checksum decides
_IBAN = re.compile(r"(?<![0-9])[A-Za-z]{2}[\s\-./_]{0,2}\d(?:[\s\-./_]{0,2}[A-Za-z0-9]){12,33}")

_MONTHS = r"(?:jan|feb|mrt|maart|mar|apr|mei|may|jun|jul|aug|sep|sept|okt|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:(?:19|20)?\d{2}|'\d{2})"
_DSEP = r"\s*[-/._,]\s*"
_DATE = (r"(?:\d{1,2}" + _DSEP + r"\d{1,2}" + _DSEP + _YEAR + r"|\d{1,2}[ ]\d{1,2}[ ](?:19|20)?\d{2}"
         r"|(?:19|20)\d{2}" + _DSEP + r"\d{1,2}" + _DSEP + r"\d{1,2}"
         r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2}|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
         r"|\d{1,2}(?:e|ste|de)?\s+" + _MONTHS + r"(?:,?\s+" + _YEAR + r")?)(?!\d)")
_BIRTH_WORD = (r"(?:geboren|gebooren|geb\.?|gb\.?|geboortedatum|geb\.?\s?dat(?:um)?\.?|geb\.?\s?d\.|geb\.?\s?jaar|"
               r"geboortedag|geboortejaar|verjaardag(?:sdatum)?(?!\s+(?:van\s+(?:de\s+)?)?(?i:koning))|"
               r"(?<![\d\-])(?<!\d\s)jarige?(?!\s+(?:jubileum|bestaan))|date of birth|birth\s?date|birthday|b-?day|born|d\.o\.b\.?|dob)")
# the keyword, up to four short words ("op maandag", "te Hoogeveen op", "(dd-mm-jjjj):"), the date; or the date, then
# the keyword ("12-03-1985 (geboortedatum)"); or the genealogical sign for born before the date ("*03.04.1978",
# "° 3-4-1978"; not a degree: "20°")
_BIRTH = re.compile(r"(?i)\b" + _BIRTH_WORD + r"(?:[\s:,()]+[^\s\d]{1,20}?){0,4}?[\s:,()]*" + _DATE
                    + r"|(?<!\d)" + _DATE + r"[\s,(]*" + _BIRTH_WORD + r"(?![a-z])"
                    + r"|(?<![\w*°])[*°]\s?" + _DATE)

# the day spelled out: "geboren op drie maart 1961", "geb. de eenentwintigste mei"
_DAY_WORD = (r"(?:(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en(?:twintig|dertig))?|tien|elf|twaalf|"
             r"(?:der|veer|vijf|zes|zeven|acht|negen)tien|twintig|dertig|eerste|derde)(?:de|ste)?")
_BIRTH_SPELLED = re.compile(r"(?i)\b" + _BIRTH_WORD + r"(?:[\s:,()]+[^\s\d]{1,20}?){0,4}?[\s:,()]*\b" + _DAY_WORD +
                            r"\s+" + _MONTHS + r"(?:,?\s+" + _YEAR + r")?(?!\w)")
# the year in words: "negentienhonderdeenenzestig", "negentien honderd een en zestig", "tweeduizend drie"
_YEAR_WORD = (r"(?:negentien|twintig)\s?honderd(?:\s?[a-z]+){0,3}?(?:tig|tien|een|twee|drie|vier|vijf|zes|zeven|acht|"
              r"negen|elf|twaalf)|tweeduizend(?:\s?[a-z]+){0,2}?(?:tien|een|twee|drie|vier|vijf|zes|zeven|acht|negen|elf|"
              r"twaalf|tig)|tweeduizend")
# the date of birth told in parts or in words after its keyword: "geboren in 1961 op 3 april", "geb. in negentienhonderd
# eenenzestig", "geboortedatum: drie april '61"; up to three short words between the parts
_BIRTH_SPLIT = re.compile(r"(?i)\b" + _BIRTH_WORD + r"(?:[\s:,()]+[^\s\d]{1,20}?){0,3}?[\s:,()]+"
                          r"(?:(?:(?:19|20)\d{2}|'\d{2})(?:[\s,]+[^\s\d]{1,20}?){0,3}?[\s,]+(?:\d{1,2}(?:e|ste|de)?|"
                          + _DAY_WORD + r")\s+" + _MONTHS + r"|\b(?:" + _YEAR_WORD + r"))(?![a-z])")
_BIRTH_HINT = re.compile(r"(?i)geb|gb|born|dob|birth|d\.o\.b|verjaardag|jarig")

_STREET_SUFFIX = (r"(?:straat|straatje|weg|laan|plein|dijk|kade|singel|pad|hof|gracht|steeg|dreef|plantsoen|"
                  r"markt|erf|wal|brink|veld|haven|baan|boulevard|allee|ring|zijde|kamp|stede|dam|"
                  r"horst|hout|akker|gaarde|hage|donk|berg|weide|wold|poort|kanaal|vaart|es|kant|pleintje|"
                  r"weg-oost|weg-west|weg-noord|weg-zuid|promenade|passage|galerij|lei|hoven|hoeve)")
_TV = r"(?:van|de|der|den|het|'t|ter|ten|te|op|aan|in|bij|la|le|du|d')"
_CAPWORD = r"[A-ZÀ-Þ][\w'’\-]*\.?"
_HOUSE_NO = (r"\d{1,5}(?:\s?[-/]\s?\d{1,5}|\s?-?\s?[A-Za-z]{1,2}\b|\s+(?:bis|hs|huis|bg|boven|rd|zw|I{1,3})\b)?")
_UNITS = (r"(?!\s*(?:keer|x\b|dag|dagen|week|weken|maand|maanden|jaar|jaren|uur|min|minuten|meter|m\b|km|kg|"
          r"stuks|personen|mensen|auto|autos|auto's|woningen|huizen|%|procent|graden|fase|e\b|ste\b|de\b|"
          r"meldingen|melding|klachten|signalen|signaal|signals|rijen|regels|rows|containers|bomen|palen|lantaarnpalen|"
          r"fietsen|bakken|kramen|zakken|vuilniszakken|banken|bankjes|borden|bordjes|plekken|"
          r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
          r"jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\b))")    # a date: "Raadsvergadering 12 maart"
# between street and number: a space, a label, a sign, or a sign and a label ("Hoofdstraat nr. 12", "Hoofdstraat, 12a",
# "Hoofdstraat #12", "Hoofdstraat (12)", "Kerkstraat, huisnummer 14", "Kerkstraat huisnummer: 14")
_LABEL_WORD = r"(?i:nr|no|nummer|huisnr|huisnummer|huisno|hnr|hsnr|hs\.?\s?nr)\.?:?\s*"
# A house number in Dutch words, one to 999, with a suffix letter or not: "veertien", "drieëntwintig" (folded
# "drieentwintig"), "honderdtwaalf", "twee a". "een" only where no word follows it (else it is the article: "Kerkstraat
# een drukke straat"); a count after it ("drie keer", "twee containers") is none (:data:`_UNITS`).
_UNIT_WORDS = "een|twee|drie|vier|vijf|zes|zeven|acht|negen"
_TENS_WORDS = "twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig"
_BELOW_100 = (r"(?:(?:" + _UNIT_WORDS + r")en(?:" + _TENS_WORDS + r")|" + _TENS_WORDS +
              r"|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien|" + _UNIT_WORDS + r")")
_HOUSE_WORD = (r"(?<![\w\-])(?i:(?:(?:" + _UNIT_WORDS + r")?honderd(?:en)?" + _BELOW_100 + r"?|" + _BELOW_100 +
               r")(?<!\been)(?<!\bEen)(?<!\bEEN)(?:\s?-?\s?[a-dA-D](?![\w\-]))?|een(?=\s*(?:$|[^\w\s])))(?![\w\-])"
               + _UNITS)
_HOUSE_WORD_HINT = re.compile(r"(?i:" + _UNIT_WORDS + r"|tien|elf|twaalf|twintig|dertig|veertig|vijftig|zestig|"
                              r"zeventig|tachtig|negentig|honderd)")
_NUMBER_LABEL = r"(?:\s*[,#(\-:]\s*(?:" + _LABEL_WORD + r")?|\s+" + _LABEL_WORD + r"|\s+)"
_STREET_WORD_PART = (r"(?<![A-Za-zÀ-ÿ])(?!(?i:voetbal|sport|speel|gras|hockey|korfbal|tennis|trap)veld)"
                     r"[A-Za-zÀ-ÿ][\w'’\-]*?(?:" + "{suffix}" + r"|(?<=\w\w)(?:str|ln|wg|pln)\.?)")
_STREET = re.compile(
    r"(?:(?:" + _CAPWORD + r")\s+(?:" + _TV + r"\s+)*){0,3}"
    r"(?<![A-Za-zÀ-ÿ])(?!(?i:voetbal|sport|speel|gras|hockey|korfbal|tennis|trap)veld)"
    r"[A-Za-zÀ-ÿ][\w'’\-]*?(?:" + _STREET_SUFFIX + r"|(?<=\w\w)(?:str|ln|wg|pln)\.?)"
    + _NUMBER_LABEL + r"(?!(?:19|20)\d\d(?!\d))" + _HOUSE_NO + r"(?!\d)" + _UNITS   # a year is no house number
)
# the same with the number in words: "Kerkstraat veertien", "Alteveerstraat drie", "Hoofdstraat nr. zeventien"
# (only the endings no number word or common word ends in: "zes zeven" is no street "-es" and its number)
_STREET_HOUSE_WORD = re.compile(_STREET_WORD_PART.replace(
    "{suffix}", r"(?<=[A-Za-zÀ-ÿ]{2})(?:straat|straatje|weg|laan|plein|pleintje|dijk|kade|singel|gracht|steeg|dreef|"
                r"plantsoen|markt|brink|boulevard|allee|hof|pad|erf|wal|kamp|veld|haven|dam|baan)") + _NUMBER_LABEL +
    _HOUSE_WORD)
# the number before its street: "op nummer 14 van de Kerkstraat", "huisnr. 3 aan de Dorpsweg", "nr 12 in de kerkstraat";
# in lower case only a street's own ending ("nummer 3 van de snelweg" is a road)
_NUMBER_FIRST = re.compile(
    r"(?<![\w])(?i:huis)?(?i:nummer|nr|no|huisnr|hnr|hsnr)\.?:?\s*(?!(?:19|20)\d\d(?!\d))(?:" + _HOUSE_NO + "|" +
    _HOUSE_WORD + ")" +
    r"\s+(?i:van|aan|in|op|langs|bij)\s+(?:(?i:de|het|'t)\s+)?"
    r"(?:[A-ZÀ-Þ][\w'’\-]*?" + _STREET_SUFFIX +
    r"|[a-z][\w'’\-]*?(?:straat|straatje|laan|plein|singel|gracht|steeg|dreef|kade|plantsoen))(?![\w])")
# a postcode and its house number, apart by a space, a sign or a label ("7901AB/14", "7901AB.14", "7901AB#14", "7901 AB,
# nr. 14"), or the number
# first ("14, 7901 AB")
_POSTCODE = r"[1-9]\d{3}(?:\s?-?\s?[A-Z]{2}|[a-z]{2})(?![A-Za-z])"
_STREET_POSTCODE = re.compile(r"(?:" + _CAPWORD + r"\s+(?:" + _TV + r"\s+)*){0,3}" + _CAPWORD + r"\s+" + _HOUSE_NO +
                              r"\s*,?\s*" + _POSTCODE)
_POSTCODE_LABEL = r"\s*[,\-/:.#]?\s*(?:(?i:nr|no|nummer|huisnr|huisnummer|hnr|hsnr|hs\.?\s?nr)\.?:?\s*)?"
_POSTCODE_HOUSE_WORD = re.compile(r"(?<!\d)" + _POSTCODE + _POSTCODE_LABEL + _HOUSE_WORD)
_POSTCODE_HOUSE = re.compile(r"(?<!\d)" + _POSTCODE + _POSTCODE_LABEL + r"\d{1,5}(?!\d)"
                             r"(?:\s?-?\s?[A-Za-z]{1,2}\b)?"
                             r"|(?<![\d,.])\d{1,5}[A-Za-z]?\s*,\s*" + _POSTCODE)

# A home after the word that says it is one, any sign after the word: "adres: Schutlanden 12", "woont: Wolfsbos 3a",
# "woonadres - het Haagje veertien"; the street then needs no street's ending (a buurt's or any other name)
_KEYWORD_ADDRESS = re.compile(r"(?i:\b(?:adres|woonadres|huisadres|postadres|bezoekadres|woont|woonachtig|wonende|"
                              r"wonend)\b)(?:\s*[:=\-]\s*|\s+)(?:(?i:op|aan|in|te|bij)\s+)?(?:(?i:het|de|'t)\s+)?"
                              r"[A-Za-zÀ-ÿ][\w'’\-]{2,}(?:\s+[A-Za-zÀ-ÿ][\w'’\-]{2,}){0,2}\s*,?\s*"
                              r"(?:(?!(?:19|20)\d\d(?!\d))" + _HOUSE_NO + r"(?!\d)" + _UNITS + "|" + _HOUSE_WORD + ")")
_KEYWORD_ADDRESS_HINT = re.compile(r"(?i:adres|woon|wonend)")
# A person's number at an organisation after its word: "klantnummer 12345678", "clientnr: 123456", "cliëntnummer
# 4471823", "dossier nr. 2026-00123", "relatienummer 88123". It names one person as a BSN does
# (:data:`CLIENT_NUMBER_KIND`).
_CLIENT_NUMBER = re.compile(r"(?i:\b(?:klant|client|relatie|dossier|registratie|lid|lidmaatschap|patient|debiteur|"
                            r"deelnemer|huurder|contract)[\s\-]?(?:nummer|nr|no)(?![a-z])\.?)[\s:.#\-]*"
                            r"(\d(?:[\s.\-/]?\d){3,13})(?!\d)")
_CLIENT_NUMBER_HINT = re.compile(r"(?i:klant|client|relatie|dossier|registratie|lid|patient|debiteur|deelnemer|"
                                 r"huurder|contract)")
CLIENT_NUMBER_KIND = "klantnummer"
# a street glued to its number, as typed in a hurry or a file name: "Kerkstraat14", "kerkstraat14a", "Hoofdstr.12",
# "Kerkstraat14-A"; only the suffixes no other word ends in before a number ("-es", "-hof", "-veld" end codes too)
_STREET_GLUED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z'’\-]*?(?:straat|straatje|weg|laan|plein|dijk|kade|singel|"
                           r"gracht|steeg|dreef|plantsoen|markt|brink|boulevard|allee|(?<=[a-z]{2})(?:str|ln|wg|pln)\.)"
                           r"(?!(?:19|20)\d\d(?!\d))\d{1,4}(?:-?[A-Za-z]{1,2}(?![A-Za-z])|-\d{1,3})?(?![\d])" + _UNITS, re.I)
# a postcode in lower case with a space, before its house number: "7901 ab 14", "7901 ab14"; not a year and a Dutch
# word ("2026 en 14", "1200 in 3")
_COMMON_PAIRS = ("en in op of is de te na om al nu zo ja er ik je we ze as at to an on or by be me he it so do no up us "
                 "my am id ok tv wc pc cm km kg mg ml uu ma di wo do vr za zo vs ca")
_POSTCODE_LOWER_HOUSE = re.compile(r"(?<![\d,.])[1-9]\d{3}[ \-](?!(?:" + "|".join(_COMMON_PAIRS.split()) +
                                   r")\b)[a-z]{2}\s?\d{1,5}(?![\d])(?:[A-Za-z](?![A-Za-z]))?")
# A street without a street's ending, and its house number: after "Het"/"De" ("Het Haagje 40", "De Kolk 3a"), or a
# buurt's name, since a buurt is often named after its street ("Wolfsbos 12", "Schoonvelde-Oost 3"); a count after it
# ("De Weide 3 containers") and a place's own name with a number ("De Hoef 1", a buurt) are no address
_ARTICLE_HOUSE = re.compile(r"(?<![\w'’])(?:Het|De|'t|’t)\s+[A-ZÀ-Þ][a-zß-ÿ][\w'’\-]+\s*,?\s+"
                            r"(?!(?:19|20)\d\d(?!\d))" + _HOUSE_NO + r"(?!\d)" + _UNITS)
_NAME_HOUSE = re.compile(r"(?<![\w'’\-])((?:[A-ZÀ-Þ][\w'’\-]*\s+){0,2}[A-ZÀ-Þ][a-zß-ÿ][\w'’\-]*)\s*,?\s+"
                         r"(?!(?:19|20)\d\d(?!\d))(" + _HOUSE_NO + r")(?!\d)" + _UNITS)
_NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national" / "regios_kwb2024_misdrijven2021_2024.csv.gz"
#: buurt names that are words for a part of any place ("Noord", "Centrum", "Kern"), not a street
_GENERIC_PLACES = frozenset("centrum kern dorp stad city azc noord oost zuid west midden buitengebied wijk buurt "
                            "industrie industriegebied bedrijventerrein haven park markt".split())


@functools.lru_cache(maxsize=None)
def _national(*columns: str) -> tuple[tuple[str, ...], ...]:
    """The given columns of every row of wijkradar's national file ("" for a column the file lacks); () when the file
    is not installed. One reader for the names, numbered places and area codes the scanner looks up."""
    import csv
    import gzip

    try:
        with gzip.open(_NATIONAL, "rt", encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            at = [header.index(c) if c in header else None for c in columns]
            return tuple(tuple(r[i] if i is not None and i < len(r) else "" for i in at) for r in reader)
    except OSError:
        return ()


@functools.lru_cache(maxsize=1)
def _places() -> tuple[dict[str, tuple[str, ...]], frozenset]:
    """(the municipality, wijk and buurt names that hold a number, "de hoef 1", "wijk 34 hoorn 80", by each number in
    them; the buurt names that may be a street's name: letters only, not a generic word), lower case, from
    wijkradar's national file; empty when it is not installed."""
    rows = [(kind, _normalise(naam)[0].lower()) for kind, naam in _national("regio_type", "naam")]
    numbered: dict[str, set] = {}
    for _, name in rows:
        for number in re.findall(r"\d+", name):
            numbered.setdefault(number, set()).add(name)
    streets = {name for kind, name in rows if kind == "buurt" and len(name) > 3 and
               re.fullmatch(r"[a-z][a-z'\- ]*", name) and not set(re.split(r"[\s\-]+", name)) <= _GENERIC_PLACES}
    return {number: tuple(sorted(names)) for number, names in numbered.items()}, frozenset(streets)


def _street_without_suffix(text: str) -> list[tuple[int, int, str]]:
    """Addresses whose street has no street's ending: after an article, or a buurt's name (:data:`_ARTICLE_HOUSE`);
    not inside a place's own name that holds a number."""
    numbered, streets = _places()
    found = [(m.start(), m.end(), "adres") for m in _ARTICLE_HOUSE.finditer(text)]
    for m in _NAME_HOUSE.finditer(text):
        words = m.group(1).split()
        for k in range(len(words)):              # the name's last one, two or three words: "Overlast Wolfsbos 12"
            if " ".join(words[k:]).lower() in streets:
                found.append((m.start(1) + m.group(1).index(words[k]), m.end(), "adres"))
                break
    if found:
        places = _numbered_places(text, numbered)
        found = [f for f in found if not any(a < f[1] and f[0] < b for a, b in places)]
    return found


def _numbered_places(text: str, numbered: dict[str, tuple[str, ...]]) -> list[tuple[int, int]]:
    """Where the names of ``numbered`` that hold a number of ``text`` stand in it as whole words, in any case (a search
    per such name: one pattern of all of them took most of a scan's time)."""
    low = text.lower()
    if len(low) != len(text):
        return []
    spans = []
    for name in {n for number in re.findall(r"\d+", low) for n in numbered.get(number, ())}:
        i = low.find(name)
        while i >= 0:
            j = i + len(name)
            if (i == 0 or not low[i - 1].isalnum()) and (j == len(low) or not low[j].isalnum()):
                spans.append((i, j))
            i = low.find(name, i + 1)
    return spans


# A Dutch licence plate (kenteken: the RDW register names its holder), in the RDW's side codes 1 to 14, with the
# letters the RDW issues (no vowels, no C, M, Q, W, Y): with its dashes anywhere, without them after a keyword
_PLATE_L = "[BDFGHJKLNPRSTVXZ]"
_PLATE_SHAPES = [p.replace("X", _PLATE_L).replace("9", r"\d") for p in (
    "XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9", "9-XXX-99", "XX-999-X",
    "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9")]
# in any case ("kx-381-p" is typed as often as "KX-381-P"); not a weekday and a date ("vr-12-05")
_PLATE = re.compile(r"(?<![A-Za-z0-9\-])(?!(?i:vr)-\d)(?i:" + "|".join(_PLATE_SHAPES) +
                    r")(?![A-Za-z0-9]|-[A-Za-z0-9])")
_PLATE_KEYWORD = re.compile(r"(?i:\b(?:kenteken\w*|kent\.?|nummerbord|licen[cs]e\s?plate|plate)\b)[\s:.#\-]*"
                            r"(?i:(" + "|".join(p.replace("-", "[- ]?") for p in _PLATE_SHAPES) + r"))(?![A-Za-z0-9])")
#: a whole cell that is a licence plate written without its dashes ("GZ871K", "12bgt3"): in text such six characters may
#: be any code, alone in a cell of a column of other values a plate (:func:`scan_values` judges the column)
#: (not a postcode's shape, "7901BG", which side code 99-99-XX shares)
_PLATE_ALONE = re.compile(r"(?i)\s*(?![1-9]\d{3}[a-z]{2}\s*$)(?:" +
                          "|".join(p.replace("-", "") for p in _PLATE_SHAPES) + r")\s*")
# a phone number after its keyword, its 0 left out: "tel 6 47381926", "mobiel: 6-47381926", "tel 528 274619"; also after
# a word for messaging it ("whatsapp 623451005", "app naar 6 23451006", "sms: 623451007"), with "naar", "op" or "via"
_PHONE_WORDS = (r"tel|telefoon\w*|telnr|mob|mobiel\w*|gsm|bel|bellen|terugbellen|gebeld|nummer|nr|bereikbaar"
                r"|whats\s?app\w*|w\.?app|app|appen|appje|ge-?appt|sms\w*|ge-?smst|sms-?en|telegram|signal")
_PHONE_KEYWORD = re.compile(r"(?i)\b(?:" + _PHONE_WORDS + r")\b(?:[\s:.#\-]*(?:naar|op|via|aan)\b)?[\s:.#\-]*"
                            r"([1-9](?:[\s.\-/]{0,2}\d){8})(?!\d)")

#: digits spelled out, Dutch and English ("één" is "een" once folded)
_SPELLED_DIGITS = {"nul": "0", "een": "1", "twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6",
                   "zeven": "7", "acht": "8", "negen": "9", "zero": "0", "oh": "0", "one": "1", "two": "2",
                   "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_DUTCH_UNITS = ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_DUTCH_TENS = {"twintig": 2, "dertig": 3, "veertig": 4, "vijftig": 5, "zestig": 6, "zeventig": 7, "tachtig": 8,
               "negentig": 9}
#: ... and the Dutch numbers 10 to 99, as a phone number is read aloud in pairs ("nul zes twaalf vierendertig
#: zesenvijftig achtenzeventig"; "drieëntwintig" is "drieentwintig" once folded)
_SPELLED_DIGITS.update({w: str(n) for n, w in enumerate(
    ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien"],
    start=10)})
_SPELLED_DIGITS.update({w: f"{t}0" for w, t in _DUTCH_TENS.items()})
_SPELLED_DIGITS.update({f"{u}en{w}": f"{t}{i}" for i, u in enumerate(_DUTCH_UNITS, start=1) for w, t in _DUTCH_TENS.items()})
#: ... written apart ("vier en dertig", "vier-en-dertig": read with one space), and "nul" glued to a digit ("nulzes")
_SPELLED_DIGITS.update({f"{u} en {w}": f"{t}{i}" for i, u in enumerate(_DUTCH_UNITS, start=1)
                        for w, t in _DUTCH_TENS.items()})
_SPELLED_DIGITS.update({f"nul{u}": f"0{i}" for i, u in enumerate(_DUTCH_UNITS, start=1)})


def _spelled_key(word: str) -> str:
    """A number word as :data:`_SPELLED_DIGITS` holds it: lower case, its parts apart by one space."""
    return re.sub(r"[\s\-]+", " ", word.lower())
_PREFILTER_DIGIT_WORD = "|".join(w.replace(" ", r"[ \-]+") for w in sorted(_SPELLED_DIGITS, key=len, reverse=True))
# Cheap vectorised prefilter (RE2 via pyarrow): a value that matches none of these cannot hold a personal item.
# It reads the raw value, so anything outside printable ASCII (which normalisation may change) goes through.
# Keep its classes ASCII and its repeats short: one \S+ here made RE2 over ten times slower.
_PREFILTER = (
    r"[^ -~]"                                                  # may read differently once normalised
    # e-mail, written out; a plain space, not \s: a tab or newline is caught as not printable above, and \s here made
    # the whole prefilter ten times slower
    r"|@|[\[({<] ?[Aa]|[ _.][Aa][Tt][ _.]|[-_][Aa][Tt][-_]|[ _.][Bb]ij[ _.]|[Aa]pen?st"
    r"|\\u|=40|=2[Ee]|_x[0-9A-Fa-f]{4}_"                         # e-mail, escaped; OOXML escapes ("_x0040_")
    # a spreadsheet formula holding a text or a character code ('="jan"&"@"&"ziggo.nl"'; :func:`_formula_reading`)
    r"|^[ \t]*[=+@-][^\"]*\"|(?i:char)\("
    r"|(?i:facebook|fb\.|linkedin|instagr|twitter|x\.com|tiktok|threads\.net|snapchat|youtube|t\.me|wa\.me)"  # profile
    r"|\b(?i:" + _NETWORKS + r") ?[:=]"                           # a handle after its network's name
    r"|&#|&[A-Za-z]{2,}|%[0-9A-Fa-f]{2}|<[A-Za-z!/]"           # markup and URL encodings: removed, decoded first
    # phone numbers, all notations, any country; a "+" right after a digit is a time zone ("12:00:00+01:00"), so
    # neither starts a number nor separates its digits
    r"|(?:^|[^0-9])\+[ (]{0,2}\d|0\)?(?:[^0-9A-Za-z#+]{0,5}\d){9}"
    r"|(?:^|[^0-9])31[^0-9A-Za-z]{0,3}6(?:[^0-9A-Za-z]{0,3}\d){8}"
    r"|\d{9}|\d{3}[ .\-/_]{1,3}\d{3}[ .\-/_]{1,3}\d{3}|\d{4}[ .]\d{2}[ .]\d{3}"  # BSN (also in groups), long numbers
    r"|^\s*[1-9]\d{7}\s*$"                                         # a BSN a spreadsheet dropped the 0 of
    r"|^\s*[A-Za-z0-9]{6}\s*$"                                      # a licence plate without its dashes
    r"|[A-Za-z]{2}[ \-./_]{0,2}\d\d(?:[ \-./_]{0,2}[A-Za-z0-9]){11}"  # IBAN (the shortest has 15 characters)
    r"|[A-Za-z]\.?[ \t\n\xa0_,#(:;]+\d|(?i:straat|laan|weg|plein|kade|dijk|str|ln|wg)[\-.]?\d"  # street + number
    # a house number in words after a street or a label ("kerkstraat veertien", "7901 ab nr. drie"), a number glued to
    # its label ("klantnr123456")
    r"|(?i:straat|laan|weg|plein|dijk|kade|singel|gracht|steeg|dreef|pad|hof|str|ln|nr|no|nummer|[0-9][a-z]{2})"
    r"[ .,:#(\-]{1,4}(?i:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|dertig|veertig|vijftig"
    r"|zestig|zeventig|tachtig|negentig|honderd)|(?i:nummer|nr)[^A-Za-z0-9]{0,4}\d"
    r"|[a-z]{3}-\d{1,4}(?:$|[^0-9])"                            # a buurt's name as a street: "beuningen-hoeve-1"
    r"|\d{4}[ \-_]?[A-Za-z]{2}"                                 # postcode
    # a capitalised word, or capitals (names), apart by any signs ("JAN_DE_VRIES", "J..JANSEN")
    r"|[A-ZÀ-ÖØ-ÞŠŽŞ][a-zß-öø-ÿšžş]|[A-Z]{2}[^A-Za-z0-9]{1,3}[A-Z]|[A-Z][^A-Za-z0-9]{1,3}[A-Z]{2}"
    r"|[Bb][Ss][Nn]|[Ss][Oo][Ff][Ii]|[Bb]urgerserv"                  # BSN keywords
    r"|[Gg][Ee][Bb]|[Bb][Oo][Rr][Nn]|[Dd]\.?[Oo]\.?[Bb]|[Bb]irth|(?i:verjaardag|jarig)"      # birth-date keywords
    r"|[Gg][Bb]|\* ?\d"                                          # and signs ("gb 03-04-1978", "*03.04.1978")
    r"|[A-Za-z0-9]-[A-Za-z0-9]{2,3}-[A-Za-z0-9]|[Kk]enteken|[Pp]late|[Kk]ent"    # a licence plate, in any case
    r"|[A-Za-z]\.[A-Za-z]{2}"                                   # a user name with dots: "j.de.vries"
    r"|\d(?:[ .\-_/]?\d){8}"                                    # nine digits apart by single separators
    r"|\d[.,]?\d*[Ee]\+?\d"                                     # a number in E-notation ("1.47258364E8")
    # a name in lower case: two words at the start, after signs or a list number ("jeroen brinkhuis", "brinkhuis,
    # jeroen", "(jan de vries)", "1. femke brinkhuis", "willem_brinkhuis"); after a word that introduces a person
    # ("klacht van jan jansen", "dhr jansen"): :data:`_NAME_CUES`, added below where those words are listed; with the
    # tussenvoegsel 't between the two ("jan 't hart")
    r"|^[^A-Za-z0-9]{0,3}(?:[0-9]{1,3}[^A-Za-z0-9]{1,3}){0,2}[a-z]{2,}[^A-Za-z0-9]{1,3}(?:t[^A-Za-z0-9]{1,3})?[a-z]{2,}"
    r"|[OolI|]\d|\d[OolI|]"                                       # a letter written for a digit ("O6-l2345678")
    # a digit spelled out beside another or beside a digit ("nul zes 12 34 56 78")
    r"|(?i:" + _PREFILTER_DIGIT_WORD + r")[ ,\-./_]{1,3}(?:\d|(?i:" + _PREFILTER_DIGIT_WORD + r"))"
    r"|\d[ ,\-./_]{1,3}(?i:" + _PREFILTER_DIGIT_WORD + r")"
    # a word spelled letter by letter
    r"|[A-Za-z](?:[ .\-_]|\.[ _])[A-Za-z](?:[ .\-_]|\.[ _])[A-Za-z](?:[ .\-_]|\.[ _])[A-Za-z]"
)


# Dates and times written as such ("06-04-2022 19:03", "2026-03-29T01:30:00+01:00", "19:03") are not
# phone numbers, BSNs or IBANs: they are masked (same length, so positions hold) before those are sought.
# A date in a longer chain of digit groups is no date: "06-12-34-56-78" and "0528.12.34.56" are phone numbers.
_DATETIME = re.compile(
    r"(?<!\d)(?<!\d[-/.:])(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d|[-/.:]\d)"
    r"|(?<!\d)(?<!\d[-/.:])\d{1,2}:\d{2}(?::\d{2})?(?!\d|[-/.:]\d)"
)


#: a CBS area code as written, its letters included: "GM0363 2026-09" is a municipality and a month, not the
#: Amsterdam number 0363-202609 (a message of a region's home named the municipality before its month)
_AREA_CODE_WRITTEN = re.compile(r"(?<![A-Za-z0-9])" + AREA_CODE + r"(?![0-9])")


def _mask_dates_and_codes(text: str) -> str:
    """``text`` with dates, times and CBS area codes as ``#`` (same length), so no number is read across them."""
    text = _DATETIME.sub(lambda m: "#" * len(m.group()), text)
    return _AREA_CODE_WRITTEN.sub(lambda m: "#" * len(m.group()), text) if "GM" in text or "WK" in text or \
        "BU" in text else text


# Numbers of services, not of persons: 0800/0900/0909 (free, premium, shared cost), 14 + area code, 088.
_SERVICE_TYPES = frozenset((3, 4, 5, 9))   # phonenumbers.PhoneNumberType TOLL_FREE, PREMIUM_RATE, SHARED_COST, UAN
# Seven digits or more apart only by punctuation and spaces ("#" is a masked date): where a phone number can be.
_DIGIT_RUN = re.compile(r"(?:\+ ?)?\(?\d(?:[^\w#]{0,4}\d){6,}")
# and one of its groups starts as a number taken below does: +, 0 or 31
_NUMBER_START = re.compile(r"\+|(?<!\d)(?:0|31)")


# Digits apart by at most five characters that are neither letters nor digits (nor "#", a masked date): a number
# written with any separators ("06_12_34_56_78", "06 ---- 1234 ---- 5678", "bsn: 5823 63007"). Its digits decide.
_CHAIN = re.compile(r"(?<![\w+])(?:\+\s?)?\d(?:(?:[^\w#]|_){0,5}\d)*")


def _chain_number(chain: str) -> str | None:
    """The phone number a chain of digits spells, in a form ``phonenumbers.parse`` reads with region NL, or None."""
    digits = re.sub(r"\D", "", chain)
    if chain.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if digits.startswith("310"):                            # +31 (0)6 ...
            digits = "31" + digits[3:]
        return "+" + digits if 8 <= len(digits) <= 15 else None
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        return digits
    if len(digits) == 11 and digits.startswith("316"):            # a Dutch mobile with 31 but without the plus
        return "+" + digits
    return None


def _personal_number(number) -> bool:
    from phonenumbers import is_valid_number, number_type

    return is_valid_number(number) and number_type(number) not in _SERVICE_TYPES


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Phone numbers of persons: Dutch ones as written in the Netherlands (with the leading 0), any country's
    with + or 00, and a Dutch mobile number written with 31 but without the plus ("31612345678")."""
    from phonenumbers import Leniency, NumberParseException, PhoneNumberMatcher, PhoneNumberType, number_type, parse

    found = set()
    for m in _PHONE.finditer(text):
        try:
            if _personal_number(parse(m.group(), "NL")):
                found.add(m.span())
        except NumberParseException:
            pass
    for m in _CHAIN.finditer(text):
        number = _chain_number(m.group())
        if number:
            try:
                if _personal_number(parse(number, "NL")):
                    found.add(m.span())
            except NumberParseException:
                pass
    runs = [m.span() for m in _DIGIT_RUN.finditer(text) if _NUMBER_START.search(m.group())]
    if not runs:
        return list(found)
    # PhoneNumberMatcher sees the digit runs only, the rest blanked (same length, so positions hold): it then
    # skips the short numbers around them, which is most of its time, and no longer passes by a number with a
    # letter glued to it ("tel+32 470 12 34 56")
    seen = [" "] * len(text)
    for start, end in runs:
        seen[start:end] = text[start:end]
    for m in PhoneNumberMatcher("".join(seen), "NL", leniency=Leniency.VALID):
        if not _personal_number(m.number):
            continue
        # without + or 0 in front, libphonenumber reads 31... as a Dutch number; only a mobile one is taken,
        # so that an eleven-digit id starting with 31 stays an id
        if m.raw_string.lstrip("(").startswith(("+", "0")) or \
                (m.number.country_code == 31 and number_type(m.number) == PhoneNumberType.MOBILE):
            found.add((m.start, m.end))
    return list(found)


def _bsn_ok(digits: str) -> bool:
    """Whether the digits of ``digits`` (8 read with a leading 0) pass the BSN 11-test (python-stdnum's checksum,
    asked directly: its ``is_valid`` first cleans the text again, which was most of the time a column of nine-digit
    report numbers took)."""
    from stdnum.nl.bsn import checksum

    digits = re.sub(r"\D", "", digits)
    if len(digits) == 8:
        digits = "0" + digits
    return len(digits) == 9 and digits.isascii() and len(set(digits)) > 1 and checksum(digits) == 0


def _iban_end(chain: str) -> int:
    """The length of the longest start of ``chain`` (letters, digits, separators) that is a valid IBAN, else 0."""
    keep = [i for i, c in enumerate(chain) if c.isalnum()]
    compact = "".join(chain[i] for i in keep)
    for n in range(min(34, len(compact)), 14, -1):
        if compact[2:4].isdigit() and _iban_ok(compact[:n]):
            return keep[n - 1] + 1
    n = _iban_letters_for_digits(compact)
    return keep[n - 1] + 1 if n else 0


def _iban_letters_for_digits(compact: str) -> int:
    """The length of the IBAN that ``compact`` spells with letters written for digits ("NL91ABNA04l7l64300"), else 0.

    Only where the country's layout (python-stdnum's IBAN registry) has a digit is a look-alike letter read as one, at
    most three of them; the checksum then decides, as for any IBAN."""
    if not _CONFUSABLE.search(compact):
        return 0
    from stdnum import numdb

    bban = numdb.get("iban").info(compact[:2].upper())[0][1].get("bban")
    if not bban:
        return 0
    layout = "nn" + "".join(kind * int(count) for count, kind in re.findall(r"(\d+)!([nac])", bban))
    if len(compact) < len(layout) + 2:
        return 0
    body = compact[2:len(layout) + 2]
    digits = "".join(_DIGIT_FOR.get(c, c) if kind == "n" else c for c, kind in zip(body, layout))
    changed = sum(a != b for a, b in zip(body, digits))
    return len(layout) + 2 if 0 < changed <= _MAX_LETTERS and _iban_ok(compact[:2] + digits) else 0


# --------------------------------------------------------------------------------------------------------------
# Hidden digits and letters: a number with letters written for digits ("O6-l2345678"), a number spelled out ("nul zes
# 12 34 56 78"), a name spelled letter by letter ("J a n s e n"). Each is rewritten as it reads ("06-12345678",
# "0 6 12 34 56 78", "Jansen") and judged by the same checks as a number or name written plainly; a span found on
# the rewritten text maps back to the characters it came from.
# --------------------------------------------------------------------------------------------------------------

#: letters that pass for digits (leetspeak, OCR); S, B and Z too would read many case numbers ("Z2024-0012345")
_DIGIT_FOR = {"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}
_CONFUSABLE = re.compile(r"[OolI|]")
_MAX_LETTERS = 3
#: digits and look-alike letters apart by separators, not inside a word: "O6-l2345678", "bsn: 5823630O7"
_MIXED_CHAIN = re.compile(r"(?<![A-Za-z0-9])[0-9OolI|]+(?:(?:[^\w#|]|_){1,5}[0-9OolI|]+)*(?![A-Za-z0-9])")
_MIXED_HINT = re.compile(r"[OolI|]\d|\d[OolI|]")

_SPELLED_WORD = _PREFILTER_DIGIT_WORD
#: digit words and digits apart by spaces, commas, dashes or dots ("één" is "een" once folded)
_SPELLED = re.compile(r"(?i)(?<![A-Za-z0-9])(?:" + _SPELLED_WORD + r"|\d+)(?:[ ,\-./]{1,3}(?:" + _SPELLED_WORD +
                      r"|\d+))+(?![A-Za-z0-9])")
_SPELLED_TOKEN = re.compile(r"(?i)(?:" + _SPELLED_WORD + r")(?![a-z])|\d+")
_SPELLED_HINT = re.compile(r"(?i)(?<![a-z])(?:" + _SPELLED_WORD + r")[ ,\-./]{1,3}(?:\d|(?:" + _SPELLED_WORD +
                           r")(?![a-z]))|\d[ ,\-./]{1,3}(?:" + _SPELLED_WORD + r")(?![a-z])")

#: single letters apart by one separator, the same all along, at least 4: "J a n s e n", "K.o.v.a.l.e.n.k.o",
#: "J. A. N. S. E. N."; and 2 or 3 apart by spaces, to be read only beside such a run ("J a n  J a n s e n")
_SPACED = re.compile(r"(?<![A-Za-z])[A-Za-z](?P<sep>[ .\-]|\. )[A-Za-z](?:(?P=sep)[A-Za-z]){2,}(?![A-Za-z])")
_SPACED_SHORT = re.compile(r"(?<![A-Za-z])(?<!(?<![A-Za-z])[A-Za-z] )[A-Za-z](?: [A-Za-z]){1,2}"
                           r"(?![A-Za-z]| [A-Za-z](?![A-Za-z]))")
_SPACED_HINT = re.compile(r"[A-Za-z](?:[ .\-]|\. )[A-Za-z](?:[ .\-]|\. )[A-Za-z](?:[ .\-]|\. )[A-Za-z]")


def _rewrite(text: str, pieces: list[tuple[int, int, str]]) -> tuple[str, list[int], list[int], list[bool]]:
    """``text`` with each (start, end, replacement) of ``pieces`` (in order, apart) replaced; per character of the
    result its [start, end) in ``text`` and whether it was rewritten."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    rewritten: list[bool] = []
    pos = 0
    for a, b, rep in pieces + [(len(text), len(text), "")]:
        for i in range(pos, a):
            out.append(text[i])
            starts.append(i)
            ends.append(i + 1)
            rewritten.append(False)
        for c in rep:
            out.append(c)
            starts.append(a)
            ends.append(b)
            rewritten.append(True)
        pos = b
    return "".join(out), starts, ends, rewritten


def _spans_through(text: str, pieces: list[tuple[int, int, str]], detect) -> list[tuple[int, int, str]]:
    """The spans ``detect`` finds in ``text`` rewritten by ``pieces`` that hold a rewritten character, in positions
    of ``text``."""
    if not pieces:
        return []
    new, starts, ends, rewritten = _rewrite(text, pieces)
    return [(starts[a], ends[b - 1], kind) for a, b, kind in detect(new) if b > a and any(rewritten[a:b])]


def _numbers(text: str, iban: bool = True) -> list[tuple[int, int, str]]:
    """Phone numbers, BSNs after a keyword and (``iban``) IBANs in ``text``, by the checks of :func:`_detect_once`."""
    numbers = _mask_dates_and_codes(text)
    found = [(start, end, "telefoonnummer") for start, end in _phone_spans(numbers)]
    found += [(m.start(1), m.end(1), "bsn") for m in _BSN_KEYWORD.finditer(text) if _bsn_ok(m.group(1))]
    if iban:
        for m in _IBAN.finditer(numbers):
            end = _iban_end(m.group())
            if end:
                found.append((m.start(), m.start() + end, "iban"))
    return found


def _letters_for_digits(text: str) -> list[tuple[int, int, str]]:
    """Numbers written with look-alike letters for a few digits: "O6-l2345678", "o6 12 34 56 78", "bsn: 5823630O7".

    A chain of digits and the letters O, o (0), l, I, | (1), apart by separators and not inside a word, with at least
    7 real digits and at most three letters, each letter in a group that holds a real digit (so "o" or "I" as a word
    stays a word). It is read with the letters as digits and judged as any number: phone-number validity, the 11-test
    after a BSN keyword. (IBANs: :func:`_iban_letters_for_digits`, by the country's layout.)"""
    if not _MIXED_HINT.search(text):
        return []
    pieces = []
    for m in _MIXED_CHAIN.finditer(text):
        subs = [m.start() + g.start() + i for g in re.finditer(r"[0-9OolI|]+", m.group()) if re.search(r"\d", g.group())
                for i, c in enumerate(g.group()) if not c.isdigit()]
        if 0 < len(subs) <= _MAX_LETTERS and sum(c.isdigit() for c in m.group()) >= 7:
            pieces += [(i, i + 1, _DIGIT_FOR[text[i]]) for i in subs]
    return _spans_through(text, pieces, lambda new: _numbers(new, iban=False))


def _spelled_digits(text: str) -> list[tuple[int, int, str]]:
    """Numbers with digits spelled out in Dutch or English, mixed with digits or not: "nul zes 12 34 56 78",
    "zes-een-twee-...", or read aloud in pairs ("nul zes twaalf vierendertig zesenvijftig achtenzeventig"). A run of at least 8 digits and digit words (at least one word), apart by spaces, commas,
    dashes or dots, is read as its digits and judged as any number (phone-number validity, the 11-test after a BSN
    keyword, the IBAN checksum); nine of them without a leading 0 as a Dutch phone number without its 0. A few number
    words in a sentence ("twee keer per week, drie meldingen") are no run."""
    if not _SPELLED_HINT.search(text):
        return []
    from phonenumbers import NumberParseException, parse

    pieces, found = [], []
    for m in _SPELLED.finditer(text):
        tokens = list(_SPELLED_TOKEN.finditer(m.group()))
        words = [t for t in tokens if not t.group().isdigit()]
        if words and sum(len(_SPELLED_DIGITS[_spelled_key(t.group())]) if t in words else len(t.group())
                         for t in tokens) >= 8:
            pieces += [(m.start() + t.start(), m.start() + t.end(), _SPELLED_DIGITS[_spelled_key(t.group())]) for t in words]
            # nobody spells out an id: nine digits without their 0 are a Dutch number ("zes een twee ... acht"), as a
            # spreadsheet's number or one after a phone keyword is
            digits = "".join(_SPELLED_DIGITS[_spelled_key(t.group())] if t in words else t.group() for t in tokens)
            try:
                if len(digits) == 9 and digits[0] != "0" and not _bsn_ok(digits) and \
                        _personal_number(parse("0" + digits, "NL")):            # a BSN stays one ("bsn: vijf ...")
                    found.append((m.start(), m.end(), "telefoonnummer"))
            except NumberParseException:
                pass
    return _spans_through(text, pieces, _numbers) + found


#: an e-mail address typed character by character, each apart by a space or two: "h e n k @ z i g g o . n l"
_SPACED_EMAIL = re.compile(r"(?<!\S)(?:[A-Za-z0-9._%+\-]+|(?:[A-Za-z0-9._%+\-][ \t]{1,3}){1,64})[ \t]{0,3}@"
                           r"(?:[ \t]{0,3}[A-Za-z0-9.\-]){4,255}(?!\S)")
#: an e-mail address with its domain's dot and ending, once the spaces are gone
_WHOLE_EMAIL = re.compile(_LOCAL + r"@" + _LABEL + r"(?:\." + _LABEL + r")*\.[A-Za-z]{2,}")   # _EMAIL's first form


def _spaced_email(text: str) -> list[tuple[int, int, str]]:
    """E-mail addresses spelled with spaces between their characters, all or some of them ("h e n k @ z i g g o . n l",
    "henk @ z i g g o . n l"; :data:`_SPACED_EMAIL`), read without them."""
    return [(m.start(), m.end(), "e-mail") for m in _SPACED_EMAIL.finditer(text)
            if re.search(r"\s", m.group().strip()) and _WHOLE_EMAIL.fullmatch(re.sub(r"\s", "", m.group()))]


def _spaced_names(text: str) -> list[tuple[int, int, str]]:
    """Names spelled letter by letter: "J a n s e n", "P. J A N S E N", "Naam: K.o.v.a.l.e.n.k.o".

    A run of at least 4 single letters apart by one separator (the same all along: a space, a dot, a dash, a dot and
    a space) is read as the word it spells, in capitals as a capitalised word; a run of 2 or 3 letters apart by spaces
    too, right before or after such a run ("J a n  J a n s e n"). The text so read goes through :func:`_name_spans`,
    so the word is a name as a written one is (after a first name, initials, a title or a label); and a capitalised
    run that spells a listed surname is one on its own, since nobody spells out "Bakker" letter by letter but to hide
    it. "B V", "N.V.T.", "t.a.v." are too short to be read; "A B C D" spells no name."""
    if not _SPACED_HINT.search(text):
        return []
    runs = [(m.start(), m.end(), m.group("sep")) for m in _SPACED.finditer(text)]
    if not runs:
        return []
    short = [(m.start(), m.end(), " ") for m in _SPACED_SHORT.finditer(text)]
    while short:                  # a short run beside a run taken is taken: "v a n  d e r  B e r g"
        near = [r for r in short
                if any(text[a:b] in ("  ", "   ") for o in runs for a, b in ((r[1], o[0]), (o[1], r[0])))]
        if not near:
            break
        runs += near
        short = [r for r in short if r not in near]
    runs.sort()
    surname = _lists()[1]
    pieces, found = [], []
    for start, end, sep in runs:
        letters = text[start:end:1 + len(sep)]
        word = letters.capitalize() if letters.isupper() else letters
        pieces += [(i, min(i + 1 + len(sep), end), c) for i, c in zip(range(start, end, 1 + len(sep)), word)]
        lw = word.lower()
        if len(word) >= 4 and _is_cap(word) and _parts_in(word, surname, every=False) and lw not in _PLACE_WORDS \
                and lw not in _OFFICES and not _AREA_SUFFIX.search(lw):
            found.append((start, end, "naam"))
    return found + _spans_through(text, pieces, _name_spans)


def _iban_ok(raw: str) -> bool:
    from stdnum import iban

    # the checksum and the country's length and layout; not check_country, which also wants the bank code in
    # python-stdnum's own bank list and so passed by a valid Belgian IBAN ("BE68539007547034")
    return iban.is_valid(raw.upper(), check_country=False)


def _detect(text: str) -> list[tuple[int, int, str]]:
    """All personal items in the normalised ``text`` as (start, end, kind), unsorted, possibly overlapping; read
    also with its underscores as spaces, as a file name is ("meldingen_Kerkweg_12.csv", "06_12345678")."""
    found = _detect_once(text)
    if "_" in text:
        found += _detect_once(text.replace("_", " "))
    if "-" in text and " " not in text.strip():    # one token, as an id or a file name: "Gerrit-Brinkhuis"
        listed_only = _UNLISTED.set(False)         # a place's name is hyphenated too: "Egmond-Binnen"
        try:
            found += [span for span in _name_spans(text.replace("-", " ")) if span[2] == "naam"]
        finally:
            _UNLISTED.reset(listed_only)
    if "." in text:                              # a user name with dots: "jan.de.vries", "j.de.vries", unless a rule
        found += [d for d in _dotted_names(text)      # read the name already ("J.Jansen", "sanne.brinkhuis")
                  if not any(a < d[1] and d[0] < b for a, b, _ in found)]
    if any(c.isdigit() for c in text):           # a name glued to digits, as an id is typed: "Brinkhuis1961"
        found += _glued_names(text)
    found += _initials_glued(text)               # "JJansen"
    capitals = _CAPITALS.sub(lambda m: m.group().capitalize(), text)
    if capitals != text:                         # "LOCATIE: LINDENGRACHT 20A" read as "Locatie: Lindengracht 20A"
        found += [span for span in _detect_once(capitals) if span[2] == "adres"]
    if "E" in text or "e" in text:              # "1.47258364E8" is read as the digits it stands for
        found += _spans_through(text, _e_notation(text), _detect)
    number = _SPREADSHEET_NUMBER.fullmatch(text)
    if number:                                   # a whole cell that a spreadsheet stored as a number
        start, end = number.span(1)
        digits = number.group(1)
        if len(digits) == 9 and digits[0] == "6" and digits[1] in "12345":
            found.append((start, end, "telefoonnummer"))
        elif _bsn_ok(digits) and not (len(digits) == 8 and digits in _area_codes()):   # "19480313" of BU19480313
            found.append((start, end, "bsn"))
    plate = _PLATE_ALONE.fullmatch(text)
    if plate:                                    # a whole cell that is a licence plate without its dashes
        found.append((len(text) - len(text.lstrip()), len(text.rstrip()), "kenteken"))
    return found


#: a capitalised word glued to digits, or digits to it, with at most one sign between: "Brinkhuis1961",
#: "19610403-Brinkhuis", "Jansen_12". Capitals only ("GROEN2026") are a system's prefix, never read as a name here.
_GLUED_NAME = re.compile(r"(?<![A-Za-z])([A-Z][a-z]{3,})[-._/]?\d+(?![A-Za-z])|(?<![A-Za-z])\d+[-._/]?([A-Z][a-z]{3,})(?![a-z])")


def _glued_names(text: str) -> list[tuple[int, int, str]]:
    """A first name or surname of the lists glued to digits (:data:`_GLUED_NAME`), as a person types a user name or
    an id of their own: the name with its digits."""
    return [(m.start(), m.end(), "naam") for m in _GLUED_NAME.finditer(text)
            if listed_name(word := m.group(1) or m.group(2)) and word.lower() not in _place_words()]


#: one or two initials glued to a capitalised surname, as a user name is typed: "JJansen", "GJBrinkhuis"
_INITIALS_GLUED = re.compile(r"(?<![A-Za-z])[A-Z]{1,2}([A-Z][a-z]{3,})(?![A-Za-z])")


def _initials_glued(text: str) -> list[tuple[int, int, str]]:
    """Initials glued to a surname of the lists that is no place's word (:data:`_INITIALS_GLUED`)."""
    return [(m.start(), m.end(), "naam") for m in _INITIALS_GLUED.finditer(text) if _a_surname(m.group(1))]


def _a_surname(word: str) -> bool:
    """Whether ``word`` (any case) is a surname of the lists, of four letters or more, and no place's word."""
    return len(word) >= 4 and word.lower() not in _place_words() and _normalise(word)[0].title() in _lists()[2]


def _spells_a_name(handle: str) -> bool:
    """Whether a handle (:data:`_HANDLE`) spells a person's name: a piece of it (between signs and digits) is a first
    name of the lists, or a surname that is no place's word, or two such glued ("gerritbrinkhuis"). An organisation's
    handle ("@gemeente", "@hoogeveen") is none."""
    first, after_tv = _lists()[0], _lists()[2]          # after_tv holds every surname

    def listed(word: str) -> bool:
        return len(word) > 2 and (word.title() in first or (word not in _place_words() and word.title() in after_tv))

    handle = handle.split(":")[-1].split("=")[-1]
    for piece in re.split(r"[^a-z]+", _normalise(handle)[0].lower()):
        if listed(piece) or any(listed(piece[:k]) and listed(piece[k:]) for k in range(3, len(piece) - 2)):
            return True
        if any(_a_surname(piece[k:]) for k in (1, 2)):          # initials and a surname: "@jjansen", "@gjbrinkhuis"
            return True
    return False


@functools.lru_cache(maxsize=1)
def _place_words() -> frozenset:
    """The words of every municipality's, wijk's and buurt's name (lower case, from wijkradar's national file) and
    :data:`_PLACE_WORDS`: a place glued to digits ("Hoogeveen2026", a surname too) is a place."""
    return frozenset(w for (naam,) in _national("naam")
                     for w in re.split(r"[^a-z]+", _normalise(naam)[0].lower()) if w) | frozenset(_PLACE_WORDS)


#: words apart by dots, not inside an address, a path or a longer dotted word: a user name ("jan.de.vries")
_DOTTED = re.compile(r"(?<![\w.@/\\])[A-Za-z]+(?:\.[A-Za-z]+){1,3}(?![\w@/]|\.[A-Za-z0-9])")


def _dotted_names(text: str) -> list[tuple[int, int, str]]:
    """Names written as a user name with dots, as "jan_de_vries" is read with its underscores as spaces: "jan.de.vries"
    read as "Jan de Vries", "j.de.vries" as "J. de Vries"; the surname must be on the lists (first names or initials
    make no unlisted word a surname here), and a website or file ("hoogeveen.nl", "plan.pdf") or an abbreviation
    ("o.a.", "i.v.m.") is none. Reported as an e-mail address without its domain, as :func:`note_kind` reads one."""
    tvs = set(_lists()[3])
    pieces = []
    for m in _DOTTED.finditer(text):
        parts = m.group().split(".")
        if parts[-1].lower() in _NOTE_TLDS or len(parts[-1]) < 3:
            continue
        at = m.start()
        for k, part in enumerate(parts):
            if k == 0 and len(part) <= 2:
                word = ". ".join(part.upper()) + "."            # "j" is "J.", "jh" "J. H."
            elif 0 < k < len(parts) - 1 and part.lower() in tvs:
                word = part.lower()
            else:
                word = part.capitalize()
            pieces.append((at, at + len(part) + (k < len(parts) - 1), word + (" " if k < len(parts) - 1 else "")))
            at += len(part) + 1
    if not pieces:
        return []
    listed_only = _UNLISTED.set(False)
    try:
        return [(a, b, "e-mail") for a, b, _ in
                _spans_through(text, pieces, lambda new: [span for span in _name_spans(new) if span[2] == "naam"])]
    finally:
        _UNLISTED.reset(listed_only)


_CAPITALS = re.compile(r"\b[A-Z]{4,}\b")

#: a number in scientific notation, as a spreadsheet shows a long one: "1.47258364E8", "6,23456789E+08"
E_NOTATION = re.compile(r"(?<![\w.,])(\d{1,3})(?:[.,](\d{1,20}))?[Ee]\+?(\d{1,2})(?![\w.,]?\d)")


def _e_notation(text: str) -> list[tuple[int, int, str]]:
    """The whole numbers written in E-notation in ``text``, each as (start, end, its digits): "1.47258364E8" is
    147258364. A number the notation leaves a fraction of ("1.5E-3", "1.23456E2") is no identifier and stays."""
    pieces = []
    for m in E_NOTATION.finditer(text):
        whole, fraction, power = m.group(1), m.group(2) or "", int(m.group(3))
        if len(fraction) <= power and 6 <= len(whole) + power <= 20:
            pieces.append((m.start(), m.end(), whole + fraction + "0" * (power - len(fraction))))
    return pieces

# A Dutch mobile number or a BSN typed into a spreadsheet cell that stores numbers: the leading 0 is gone
# ("612345678") and a float column adds ".0". Only a whole cell: in text, nine digits starting with 6 are an id.
_SPREADSHEET_NUMBER = re.compile(r"\s*([1-9]\d{7,8})(?:[.,]0+)?\s*")


def _keyword_phone(text: str) -> list[tuple[int, int, str]]:
    """A Dutch number after a phone keyword without its leading 0 ("tel 6 47381926"): read with the 0."""
    from phonenumbers import NumberParseException, parse

    found = []
    for m in _PHONE_KEYWORD.finditer(text):
        try:
            if _personal_number(parse("0" + re.sub(r"\D", "", m.group(1)), "NL")):
                found.append((m.start(1), m.end(1), "telefoonnummer"))
        except NumberParseException:
            pass
    return found


#: nine digits in groups of any size apart by single spaces, dots or dashes: "7 4 8 5 2 6 0 5 5", "748 52 60 55"
_BSN_GROUPED = re.compile(r"(?<![\d.,])(?<!EUR)(?<!EUR )\d{1,4}(?:[ .\-]\d{1,4}){1,8}(?![\d]|[.,]\d)")


def _digit_by_digit_bsn(numbers: str) -> list[tuple[int, int, str]]:
    """A BSN written in groups other than the usual ones (the 11-test decides), ``numbers`` with its dates masked."""
    return [(m.start(), m.end(), "bsn") for m in _BSN_GROUPED.finditer(numbers)
            if sum(c.isdigit() for c in m.group()) == 9 and _bsn_ok(m.group())]


#: cheap tests that a text may hold what the rules of :func:`_rare_numbers` look for
_GLUED_HINT = re.compile(r"(?i:straat|weg|laan|plein|dijk|kade|singel|gracht|steeg|dreef|plantsoen|markt|brink|"
                         r"boulevard|allee|str\.|ln\.|wg\.|pln\.)\d")
_LOWER_POSTCODE_HINT = re.compile(r"\d{4}[ \-][a-z]{2}")
_PHONE_KEYWORD_HINT = re.compile(r"(?i:tel|mob|gsm|bel|nummer|nr|bereik|app|sms|signal)")
_PLATE_KEYWORD_HINT = re.compile(r"(?i:kent|nummerbord|plate)")


def _rare_numbers(text: str, numbers: str) -> list[tuple[int, int, str]]:
    """A street glued to its number, a postcode in lower case before its number, a licence plate, a phone number
    after its keyword without its 0, a BSN in groups of any size; each rule only where a cheap hint allows it."""
    found = []
    if _GLUED_HINT.search(text):
        found += [(m.start(), m.end(), "adres") for m in _STREET_GLUED.finditer(text)]
    if _LOWER_POSTCODE_HINT.search(text):
        found += [(m.start(), m.end(), "adres") for m in _POSTCODE_LOWER_HOUSE.finditer(text)]
    if "-" in text:
        found += [(m.start(), m.end(), "kenteken") for m in _PLATE.finditer(text)]
    if _PLATE_KEYWORD_HINT.search(text):
        found += [(m.start(1), m.end(1), "kenteken") for m in _PLATE_KEYWORD.finditer(text)]
    if _PHONE_KEYWORD_HINT.search(text):
        found += _keyword_phone(text)
    if sum(c.isdigit() for c in numbers) >= 9:
        found += _digit_by_digit_bsn(numbers)
    return found


def _detect_once(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    if _PROFILE_HINT.search(text):
        found += [(m.start(), m.end(), "naam") for m in _PROFILE.finditer(text)]
    if _HANDLE_HINT.search(text):
        found += [(m.start(), m.end(), "naam") for m in _HANDLE.finditer(text) if _spells_a_name(m.group())]
    if _EMAIL_HINT.search(text):
        found += [(m.start(), m.end(), "e-mail") for m in _EMAIL.finditer(text)]
        found += _spaced_email(text)
    if any(c.isdigit() for c in text):
        numbers = _mask_dates_and_codes(text)
        for m in _IBAN.finditer(numbers):
            end = _iban_end(m.group())
            if end:
                found.append((m.start(), m.start() + end, "iban"))
        found += [(start, end, "telefoonnummer") for start, end in _phone_spans(numbers)]
        for m in _BSN.finditer(numbers):
            if _bsn_ok(m.group()):
                found.append((m.start(), m.end(), "bsn"))
        for m in _BSN_KEYWORD.finditer(text):
            if _bsn_ok(m.group(1)):
                found.append((m.start(1), m.end(1), "bsn"))
        found += [(m.start(), m.end(), "geboortedatum") for m in _BIRTH.finditer(text)]
        for rule in (_STREET, _STREET_POSTCODE, _POSTCODE_HOUSE, _NUMBER_FIRST):
            found += [(m.start(), m.end(), "adres") for m in rule.finditer(text)]
        found += _rare_numbers(text, numbers) + _street_without_suffix(text)
        found += _letters_for_digits(text)
        if _CLIENT_NUMBER_HINT.search(text):
            found += [(m.start(1), m.end(1), CLIENT_NUMBER_KIND) for m in _CLIENT_NUMBER.finditer(text)]
    if _KEYWORD_ADDRESS_HINT.search(text):
        found += [(m.start(), m.end(), "adres") for m in _KEYWORD_ADDRESS.finditer(text)]
    if _HOUSE_WORD_HINT.search(text):           # the house number in words: "Kerkstraat veertien", "7901 AB nr. drie"
        for rule in (_STREET_HOUSE_WORD, _POSTCODE_HOUSE_WORD, _NUMBER_FIRST):
            found += [(m.start(), m.end(), "adres") for m in rule.finditer(text)]
    if _BIRTH_HINT.search(text):
        found += [(m.start(), m.end(), "geboortedatum") for m in _BIRTH_SPELLED.finditer(text)]
        found += [(m.start(), m.end(), "geboortedatum") for m in _BIRTH_SPLIT.finditer(text)]
    found += _spelled_digits(text) + _name_spans(text) + _spaced_names(text)
    return found


# Two or three words in Cyrillic script, each capitalised ("Иван Смирнов"), or in Arabic script ("محمد الحربي"),
# which has no capitals: in a Dutch municipality's delivery or a team's note such words are a person's name far more
# often than anything else (categories, codes and area names are Dutch), and the name lists, in Latin script, miss
# most of them once transliterated. Read on the text as written, before folding makes it Latin.
_CYRILLIC_WORD = r"[\u0400-\u042f][\u0430-\u045f]+(?:-[\u0400-\u042f][\u0430-\u045f]+)?"
_ARABIC_LETTER = r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]"
_SCRIPT_NAME = re.compile(r"(?<![\w\-])(?:" + _CYRILLIC_WORD + r"(?:[ \u00a0]+|$)){2,3}"
                          r"|(?<![\w\-])" + _ARABIC_LETTER + r"{2,}[\u064b-\u065f\u0670]*"
                          r"(?:[ \u00a0]+" + _ARABIC_LETTER + r"[\u0620-\u065f\u066e-\u06d3\u06fa-\u06ff]+){1,2}")


def _script_names(text: str) -> list[tuple[int, int, str]]:
    """Names written in Cyrillic or Arabic script (:data:`_SCRIPT_NAME`) in ``text`` as written."""
    if text.isascii():
        return []
    return [(m.start(), len(m.group().rstrip()) + m.start(), "naam") for m in _SCRIPT_NAME.finditer(text)]


# --------------------------------------------------------------------------------------------------------------
# Other readings of a value: what a spreadsheet or a screen shows where the characters say something else. Each is
# scanned beside the text as written (:func:`_spans`, :func:`_first_kind`); a span found on a reading maps back to the
# characters it was read from.
# --------------------------------------------------------------------------------------------------------------

#: the tokens of a spreadsheet formula: a text literal ("" a quote in it), a number, a name (a function, a cell or range,
#: a sheet, TRUE), an operator or a separator
_FORMULA_TOKEN = re.compile(r"""\s*(?:(?P<text>"(?:[^"]|"")*")|(?P<number>\d+(?:[.,]\d+)?(?:[Ee][+-]?\d+)?)"""
                            r"""|(?P<name>(?:'[^']*'!)?[A-Za-z_\\$][\w.$!:\\]*)"""
                            r"""|(?P<op><>|<=|>=|[&(){};,+\-*/^=<>%]))""")
_FORMULA_MAX = 2000


def _formula_text(value) -> str:
    return " " if value is None else value       # a value a formula takes from a cell: shown, but unknown here


def _formula_call(name: str, args: list) -> str | None:
    """The text a spreadsheet function shows for its arguments (texts; None for what is not known here), for the
    functions that assemble or reshape text; None for any other function."""
    name = re.sub(r"^_XL(?:FN|WS)\.", "", name.upper())
    text = [_formula_text(a) for a in args]
    try:
        if name in ("CONCAT", "CONCATENATE"):
            return "".join(text)
        if name == "TEXTJOIN" and len(args) >= 2:
            skip = str(args[1]).strip().upper() not in ("0", "FALSE", "ONWAAR")
            return (args[0] or "").join(t for t in text[2:] if t or not skip)
        if name in ("UPPER", "HOOFDLETTERS") and args:
            return None if args[0] is None else args[0].upper()
        if name in ("LOWER", "KLEINE.LETTERS") and args:
            return None if args[0] is None else args[0].lower()
        if name in ("PROPER", "BEGINLETTERS") and args:
            return None if args[0] is None else args[0].title()
        if name in ("TRIM", "SPATIES.WISSEN", "CLEAN", "WISSEN.CONTROL", "T", "VALUE", "WAARDE") and args:
            return None if args[0] is None else " ".join(args[0].split()) if name in ("TRIM", "SPATIES.WISSEN") \
                else args[0]
        if name in ("CHAR", "TEKEN", "UNICHAR", "UNITEKEN") and args and args[0] is not None:
            code = int(float(args[0].replace(",", ".")))
            if name in ("CHAR", "TEKEN") and 0 < code < 256:
                return bytes([code]).decode("cp1252", errors="replace")
            return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else None
        if name in ("TEXT", "TEKST") and len(args) == 2 and args[0] is not None:
            digits = args[0].split(".")[0].split(",")[0]
            fmt = args[1] or ""
            return digits.zfill(len(fmt)) if fmt and set(fmt) == {"0"} and digits.isdigit() else args[0]
        if name in ("SUBSTITUTE", "SUBSTITUEREN") and len(args) >= 3 and None not in args[:3]:
            return args[0].replace(args[1], args[2]) if args[1] else args[0]
        if name in ("REPT", "HERHALING") and len(args) == 2 and None not in args:
            return args[0] * max(0, min(int(float(args[1].replace(",", "."))), 50))
        if name in ("LEFT", "LINKS", "RIGHT", "RECHTS") and args and args[0] is not None:
            n = int(float(args[1].replace(",", "."))) if len(args) > 1 and args[1] is not None else 1
            return args[0][:max(n, 0)] if name in ("LEFT", "LINKS") else args[0][len(args[0]) - max(n, 0):]
        if name in ("MID", "DEEL") and len(args) == 3 and None not in args:
            start, n = int(float(args[1].replace(",", "."))), int(float(args[2].replace(",", ".")))
            return args[0][max(start - 1, 0):max(start - 1, 0) + max(n, 0)]
        if name == "HYPERLINK":
            return " ".join(text)
    except (ValueError, OverflowError):
        return None
    return None


class _Formula:
    """A recursive-descent reading of a spreadsheet formula's text value (:func:`_formula_value`)."""

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.i = tokens, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.i += 1
        return token

    def compare(self):
        value = self.concat()
        while self.peek()[1] in ("=", "<", ">", "<>", "<=", ">="):
            self.take()
            self.concat()
            value = None
        return value

    def concat(self):
        parts = [self.arithmetic()]
        while self.peek()[1] == "&":
            self.take()
            parts.append(self.arithmetic())
        return parts[0] if len(parts) == 1 else "".join(_formula_text(p) for p in parts)

    def arithmetic(self):
        value = self.unary()
        while self.peek()[1] in ("+", "-", "*", "/", "^"):
            self.take()
            self.unary()
            value = None
        return value

    def unary(self):
        while self.peek()[1] in ("+", "-"):
            self.take()
        value = self.primary()
        while self.peek()[1] == "%":
            self.take()
        return value

    def primary(self):
        kind, token = self.take()
        if kind == "text":
            return token[1:-1].replace('""', '"')
        if kind == "number":
            return token
        if kind == "name":
            if self.peek()[1] == "(":
                self.take()
                args = []
                if self.peek()[1] != ")":
                    args.append(self.compare())
                    while self.peek()[1] in (";", ","):
                        self.take()
                        args.append(None if self.peek()[1] in (";", ",", ")") else self.compare())
                if self.take()[1] != ")":
                    raise ValueError("unclosed call")
                return _formula_call(token, args)
            return token.upper() if token.upper() in ("TRUE", "FALSE", "WAAR", "ONWAAR") else None
        if token == "(":
            value = self.compare()
            if self.take()[1] != ")":
                raise ValueError("unclosed parenthesis")
            return value
        if token == "{":                          # an array constant: not a text shown
            while self.peek()[1] not in ("}", ""):
                self.take()
            if self.take()[1] != "}":
                raise ValueError("unclosed array")
            return None
        raise ValueError("unexpected token")


def _formula_value(text: str) -> str | None:
    """The text a spreadsheet shows for a cell holding a formula (``=``, or ``+``, ``-``, ``@`` as it also starts one)
    that assembles a text from pieces: literals joined by ``&``, CONCAT, CONCATENATE, TEXTJOIN, CHAR, with UPPER,
    LOWER, PROPER, TRIM (and a few others) applied, arguments apart by ``;`` or ``,``: ``="jan"&"@"&"ziggo.nl"`` shows
    jan@ziggo.nl. A value it takes from a cell or an unknown function reads as a space. None when the formula cannot be
    read or shows no text."""
    body = text.strip()
    if not body or body[0] not in "=+-@" or len(body) > _FORMULA_MAX:
        return None
    body = body[1:] if body[0] in "=@" else body
    tokens, pos = [], 0
    while pos < len(body):
        m = _FORMULA_TOKEN.match(body, pos)
        if m is None or m.end() == pos:
            if body[pos:].strip() == "":
                break
            return None
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    try:
        reader = _Formula(tokens)
        value = reader.compare()
        if reader.i != len(tokens):
            return None
    except (ValueError, RecursionError):
        return None
    return value if value and value.strip() and value != text else None


#: direction controls that make what follows show right to left (override, embedding, isolates), with the character
#: that ends their run; and every direction control, which shows nothing
_BIDI_RUNS = {"\u202e": "\u202c", "\u202b": "\u202c", "\u2067": "\u2069", "\u2068": "\u2069"}
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_MIRRORED = dict(zip("()[]{}<>", ")(][}{><"))


def _visual_order(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` in the order a screen shows it: the run after a right-to-left control (up to the character that ends
    it, a line break or the end) reversed, its brackets mirrored, and the controls gone; "\\u202e87654321-60" shows
    06-12345678. Per character of the result its [start, end) in ``text``."""
    out: list[str] = []
    starts: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _BIDI_RUNS:
            j = i + 1
            while j < n and text[j] not in (_BIDI_RUNS[ch], "\n", "\r"):
                j += 1
            for k in range(j - 1, i, -1):
                if not _BIDI.match(text[k]):
                    out.append(_MIRRORED.get(text[k], text[k]))
                    starts.append(k)
            i = j + 1 if j < n and text[j] == _BIDI_RUNS[ch] else j
            continue
        if not _BIDI.match(ch):
            out.append(ch)
            starts.append(i)
        i += 1
    return "".join(out), starts, [s + 1 for s in starts]


def as_shown(text: str) -> str:
    """``text`` as a screen shows it around direction controls (:func:`_visual_order`): for a reader that removes
    invisible characters, so that "\u202e87654321-60" is kept as the 06-12345678 a person sees, not as 87654321-60."""
    return _visual_order(text)[0] if not text.isascii() and _BIDI.search(text) else text


#: a name written surname first over a line break: a (tussenvoegsel and a) capitalised word alone on its line, the
#: next line starting with a capitalised word or initials ("de Vries" / "Jan"), read as "de Vries, Jan"
_LINE_BREAK_NAME = re.compile(r"(?:^|(?<=\n))[ \t]*(?:[a-z']{1,4}[ \t]+){0,3}[A-ZÀ-Þ][\w'’\-]+[ \t]*(\r\n|\n|\r)[ \t]*"
                              r"(?=(?:[A-ZÀ-Þ]\.){1,4}|[A-ZÀ-Þ][a-zß-ÿ])")


def _readings(text: str) -> list[tuple[str, list[int], list[int]]]:
    """The other readings of ``text`` (see above), each with per character its [start, end) in ``text``: a formula's
    value (mapped to the whole cell), the order a screen shows around direction controls, a name written surname first
    over a line break. Each reading is looked for behind a cheap test, as most values need none."""
    out = []
    head = text.lstrip()[:1]
    if head and head in "=+-@" and ('"' in text or "(" in text):
        value = _formula_value(text)
        if value is not None:
            out.append((value, [0] * len(value), [len(text)] * len(value)))
    if not text.isascii() and _BIDI.search(text):
        out.append(_visual_order(text))
    if "\n" in text or "\r" in text:
        pieces = [(m.start(1), m.end(1), ", ") for m in _LINE_BREAK_NAME.finditer(text)]
        if pieces:
            out.append(_replaced(text, pieces))
    return out


def _spans(text: str) -> list[tuple[int, int, str]]:
    """All personal items in ``text`` as (start, end, kind) in positions of ``text`` itself, in the text as written and
    in its other readings (:func:`_readings`)."""
    found = _spans_as_written(text)
    for reading, starts, ends in _readings(text):
        # a reversed run maps its last character to the first: the span is all the characters it was read from
        found += [(min(starts[a:b]), max(ends[a:b]), kind) for a, b, kind in _spans_as_written(reading) if b > a]
    return found


def _spans_as_written(text: str) -> list[tuple[int, int, str]]:
    """All personal items in ``text`` as written, as (start, end, kind) in positions of ``text`` itself."""
    norm, source = _normalise(text)
    found = _detect(norm)
    if source is not None:
        starts, ends = source
        found = [(starts[a], ends[b - 1], kind) for a, b, kind in found if b > a]
    return found + _script_names(text)


_KIND_RANK = {k: i for i, k in enumerate(("e-mail", "iban", "telefoonnummer", "bsn", "geboortedatum", "adres", "kenteken",
                                           "klantnummer", "naam"))}


#: a value longer than this is read in overlapping windows (:func:`_first_kind`): some rules walk back over the words
#: before each candidate, and a cell of a thousand characters of capitalised words took a third of a second, growing with
#: the square of its length (a hostile file of 100,000 such cells: hours, the warehouse locked)
_WINDOW, _WINDOW_OVERLAP = 400, 120


def _first_kind(text: str) -> str | None:
    """The kind of the first personal item in ``text`` as written, else in its first other reading that holds one.
    A long value is read in windows of :data:`_WINDOW` characters that overlap by :data:`_WINDOW_OVERLAP`, in order:
    any personal item is far shorter than the overlap, so each lies whole in a window."""
    if len(text) > _WINDOW + _WINDOW_OVERLAP:
        for start in _window_starts(text):
            kind = _first_kind(text[start:start + _WINDOW])
            if kind is not None:
                return kind
        return None
    kind = _first_kind_as_written(text)
    if kind is None:
        for reading, _, _ in _readings(text):
            kind = _first_kind_as_written(reading)
            if kind is not None:
                break
    return kind


def _window_starts(text: str) -> range:
    """The starts of :func:`_first_kind`'s windows over a long ``text``, every ``_WINDOW - _WINDOW_OVERLAP``
    characters: an item that starts in one step's span and is shorter than the overlap ends inside that window."""
    return range(0, max(len(text) - _WINDOW_OVERLAP, 1), _WINDOW - _WINDOW_OVERLAP)


def _first_kind_as_written(text: str) -> str | None:
    norm, source = _normalise(text)
    spans = _detect(norm)
    if not text.isascii():                 # a name in another script: positions of the text as written, so mapped
        starts = source[0] if source is not None else list(range(len(norm)))
        spans = [(starts[a] if a < len(starts) else len(text), b, k) for a, b, k in spans] + _script_names(text)
    if not spans:
        return None
    return min(spans, key=lambda s: (s[0], _KIND_RANK[s[2]]))[2]


# --------------------------------------------------------------------------------------------------------------
# Person names: Dutch first-name / surname lists (privacy_data/, from Deduce, LGPL-3.0-or-later) + structure
# --------------------------------------------------------------------------------------------------------------

_DATA = Path(__file__).with_name("privacy_data")
#: a word, or initials; a word may start with an apostrophe only as the tussenvoegsels "'t" and "'s" do ("Mw. 't Hart",
#: "in 't Veld"), so they are read as tussenvoegsels and the surname after them as a surname
#: an abbreviated "van der/den/de", "van het" ("v.d.", "V.d", "v/d", "v.h.") is one word too, so it reads as the
#: tussenvoegsel it stands for ("Dhr v.d. Berg") and not as two letters
_WORD = re.compile(r"[vV](?:\.[dDhH]\.?|/[dDhH])(?![A-Za-zÀ-ÿ])"
                   r"|(?:[A-ZÀ-ÖØ-ÞŠŽŞ]\.){1,4}(?![A-Za-zÀ-ÿ])|['’][tsTS](?![A-Za-zÀ-ÿ'’])"
                   r"|[A-Za-zÀ-ÖØ-öø-ÿŠšŽžŞş][A-Za-zÀ-ÖØ-öø-ÿŠšŽžŞş'’\-]*\.?")
_INITIALS = re.compile(r"(?:[A-ZÀ-ÖØ-Þ]\.){1,4}")
# capitalised words that are surnames too, but also compass points / area words in place names ("Sint Jan Oost")
_PLACE_WORDS = {
    "noord", "oost", "zuid", "west", "midden", "centrum", "kern", "dorp", "stad", "buurt", "wijk", "park", "hof",
    "laan", "plein", "veld", "berg", "bos", "beek", "brink", "es", "hoek", "haven", "kamp", "meer", "molen", "heide",
    "groen", "water", "boom", "dijk", "weg", "straat", "kerk", "markt", "burg", "poort", "gracht", "kade", "zijde",
    "oord", "hout", "horst", "donk", "rade", "broek", "hoeve", "hoven", "velden", "bergen", "polder", "eiland",
    "noordoost", "noordwest", "zuidoost", "zuidwest", "binnenstad", "buitengebied", "dorpskern", "kwartier",
}
_AREA_SUFFIX = re.compile(r"(?<=\w{3})(?:straat|laan|weg|plein|park|buurt|wijk|kwartier|dreef|singel|gracht|kade|hof|dijk|"
                          r"pad|steeg|markt|erf|veld|oord|polder|terrein|plantsoen|brug|school|kerk|haven)$", re.I)


_STRONG_TITLES = {"dhr", "mevr", "mevrouw", "meneer", "mijnheer", "mw", "mej", "familie", "fam", "hr"}
#: titles people write that the list of salutations (privacy_data/aanhef.txt) lacks: "Hr. Brinkhuis" (de heer), "wed.
#: Jansen" (weduwe), "dokter Bakker", "meester Mulder", "juf Anna"
_EXTRA_TITLES = {"hr", "wed", "wede", "weduwe", "dokter", "meester", "juf", "juffrouw", "mvr"}
#: words for a person that a surname of the list may follow, as a title may ("buurman Jansen", "client Bakker")
_ROLE_WORDS = {"buurman", "buurvrouw", "client", "clienten", "opa", "oma", "oom", "tante", "bewoner", "bewoonster",
               "huurder", "huurster", "mr", "mrs", "ms", "melder", "melders", "verhuurder", "verhuurster", "huisbaas",
               "hospita", "eigenaar", "eigenares", "eigenaresse", "particulier", "vader", "moeder", "zoon", "dochter",
               "broer", "zus", "zuster", "vriend", "vriendin", "kennis"}
#: offices, not persons: "Mevrouw de Burgemeester"
_OFFICES = {"burgemeester", "wethouder", "wethouders", "directeur", "directrice", "voorzitter", "secretaris",
            "wijkagent", "wijkmanager", "ombudsman", "gemeente", "raad"}


def _word_as_written(word: str) -> str:
    """A word in capitals read as a capitalised one ("JANSEN" as "Jansen"), so the name rules apply to it."""
    bare = word.rstrip(".")
    return word.title() if len(bare) > 1 and bare.isupper() and bare.isalpha() else word


@functools.lru_cache(maxsize=1)
def _lists() -> tuple[frozenset, frozenset, frozenset, tuple, frozenset]:
    def read(name: str) -> list[str]:          # folded as the text is ("Özdemir" is read "Ozdemir")
        loading = _LOADING_LISTS.set(True)
        try:
            return [_normalise(w.strip())[0] for w in (_DATA / name).read_text(encoding="utf-8").splitlines()
                    if w.strip()]
        finally:
            _LOADING_LISTS.reset(loading)

    first = frozenset(read("voornamen.txt"))
    surname = frozenset(read("achternamen.txt"))
    after_tv = frozenset(read("achternamen_na_tussenvoegsel.txt")) | surname
    tv = tuple(sorted({t.lower() for t in read("tussenvoegsels.txt")}, key=lambda t: -len(t.split())))
    titles = frozenset(t.lower().rstrip(".") for t in read("aanhef.txt")) | {
        "dhr", "mevr", "mw", "mevrouw", "meneer", "mijnheer", "de heer", "heer", "familie", "fam"} | _EXTRA_TITLES
    return first, surname, after_tv, tv, titles


def listed_name(word: str) -> bool:
    """Whether ``word`` (in any case) is a first name or a surname of the name lists."""
    first, surname, after_tv = _lists()[:3]
    word = _normalise(str(word).strip())[0].title()
    return word in first or word in surname or word in after_tv


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() if len(word) > 1 else False


def _parts_in(word: str, names: frozenset, every: bool) -> bool:
    parts = [p for p in re.split(r"[-’']", word.rstrip(".")) if p]
    if not parts:
        return False
    hits = [p in names for p in parts]
    return all(hits) if every else any(hits)


def _surname_first(text: str, words: list, first, surname, after_tv, tvs) -> list[tuple[int, int, str]]:
    """Names written surname first, as registers do: "Jansen, J.", "de Vries, Jan", "Bakker-de Jong, M."."""
    spans = []
    for k in range(len(words) - 1):
        start, end, w = words[k]
        if not (_is_cap(w) and text[end: words[k + 1][0]].strip() == ","):
            continue
        nxt = words[k + 1][2]
        if not (_INITIALS.fullmatch(nxt) or (_is_cap(nxt) and _parts_in(nxt, first, every=True))):
            continue
        has_tv = k > 0 and words[k - 1][2].lower() in tvs
        if _parts_in(w, after_tv if has_tv else surname, every=False):     # "Westerhof, J." too
            spans.append((words[k - 1][0] if has_tv else start, words[k + 1][1], "naam"))
    return spans


#: a label that says the words after its colon are a person's name ("Naam melder: Oksana Kovalenko")
_NAME_LABELS = {"naam", "melder", "contactpersoon", "aanvrager", "client", "bewoner", "huurder", "bewoonster"}


def _labelled(text: str, words: list, tvs) -> list[tuple[int, int, str]]:
    """Capitalised words (with tussenvoegsels) after a name label and its colon, whatever the name lists hold."""
    spans = []
    for k in range(len(words) - 1):
        if words[k][2].lower() not in _NAME_LABELS or ":" not in text[words[k][1]: words[k + 1][0]]:
            continue
        j, end = k + 1, None
        while j < len(words) and j <= k + 5 and (_is_cap(words[j][2]) or _INITIALS.fullmatch(words[j][2])
                                                 or words[j][2].lower() in tvs):
            if words[j][2].lower() not in tvs:
                end = words[j][1]
            j += 1
        if end is not None:
            spans.append((words[k + 1][0], end, "naam"))
    return spans


#: a nuisance or complaint and the word that names who causes or makes it, after which a capitalised surname of the
#: lists is a person in any text: "overlast door Brinkhuis", "klacht over Jansen" (not "uitvoering door Heijmans", a
#: firm: after a bare "door" or "van" a cell names firms and places as often)
_NUISANCE_WORDS = {"overlast", "geluidsoverlast", "stankoverlast", "klacht", "klachten", "melding", "meldingen", "hinder",
                   "lawaai", "ruzie", "burenruzie", "bedreiging", "intimidatie", "pesterijen", "vernieling", "hondenpoep",
                   "stank", "geluid", "herrie", "vuurwerk", "burengerucht"}
#: a word a nuisance may stand apart from its cue by: "overlast veroorzaakt door Brinkhuis"
_NUISANCE_VERBS = {"veroorzaakt", "gemaakt", "gepleegd", "gedaan"}
_SURNAME_CUES = {"door", "van", "over"}
#: a house number right after a word, with a label or not: "Brinkhuis 14a", "Jansen huisnr 22", "Jansen, nr. 3"
_AFTER_NAME_HOUSE = re.compile(r"\s*[,(#]?\s*(?:(?i:nr|no|nummer|huisnr|huisnummer)\.?:?\s*)?#?(?!(?:19|20)\d\d(?!\d))"
                               r"\d{1,4}(?:\s?[a-zA-Z](?![A-Za-z]))?(?!\d)" + _UNITS)


def _cued_surnames(text: str, words: list, surname) -> list[tuple[int, int, str]]:
    """A capitalised surname of the lists that is no Dutch word, place or office: after a nuisance and "door", "van"
    or "over" a name ("overlast door Brinkhuis"), before a house number an address ("Brinkhuis 14a", "Jansen huisnr
    22")."""
    spans, ordinary = [], _surname_words()
    for k, (start, end, w) in enumerate(words):
        bare = w.rstrip(".")
        if not (_is_cap(bare) and len(bare) >= 4 and bare in surname) or bare in ordinary or \
                bare.lower() in _place_words() or bare.lower() in _OFFICES:
            continue
        house = _AFTER_NAME_HOUSE.match(text, end)
        if house:
            spans.append((start, house.end(), "adres"))
        elif k > 1 and words[k - 1][2] in _SURNAME_CUES and (
                words[k - 2][2].lower() in _NUISANCE_WORDS or
                (k > 2 and words[k - 2][2].lower() in _NUISANCE_VERBS and words[k - 3][2].lower() in _NUISANCE_WORDS)):
            spans.append((start, end, "naam"))
    return spans


#: the most first names or initials read before a surname ("Jan Pieter Willem Hendrik Jansen"): a run of hundreds of
#: capitalised first names ("Jan Jan Jan ...") was walked back from every one of them, a cost growing with the square of
#: the value's length
_MOST_NAMES = 6


def _name_spans(text: str, mode: str = "strikt") -> list[tuple[int, int, str]]:
    """Person names in ``text``.

    ``strikt`` (used by scan_values): (title | initials | first name(s)) + optional tussenvoegsel + surname, all
    capitalised; a lone surname or lone first name is not a name. ``ruim``: also a lone capitalised surname
    that is not the first word of the text. (Both are measured in benchmarks/names.py.)
    """
    first, surname, after_tv, tvs, titles = _lists()
    words = [(m.start(), m.end(), _word_as_written(m.group())) for m in _WORD.finditer(text)]
    spans: list[tuple[int, int, str]] = _surname_first(text, words, first, surname, after_tv, tvs)
    spans += _labelled(text, words, tvs)
    spans += _lower_case_names(words, first, surname, after_tv, tvs)
    spans += _cued_surnames(text, words, surname)
    i, n = 0, len(words)
    while i < n:
        start, _, w = words[i]
        lw = w.lower().rstrip(".")
        j = i
        kind = None
        if lw in titles and (w[:1].islower() or w.endswith(".") or lw in _STRONG_TITLES):
            kind, j = "title", i + 1
            if j + 1 < n and f"{lw} {words[j][2].lower()}" in titles:
                j += 1
        elif lw in _ROLE_WORDS:
            kind, j = "role", i + 1
        elif _INITIALS.fullmatch(w) or (len(w) == 1 and w.isupper() and i + 1 < n and
                                        (i == 0 or words[i - 1][2].lower() in _BEFORE_A_NAME)):
            kind, j = "initials", i + 1           # "J. Jansen"; "Klacht van J Jansen" without the dot
        elif _is_cap(w) and _parts_in(w, first, every=True):
            kind, j = "first", i + 1
            while j < n and j - i <= _MOST_NAMES and _is_cap(words[j][2]) and \
                    _parts_in(words[j][2], first, every=True) and \
                    j + 1 < n and (_is_cap(words[j + 1][2]) or words[j + 1][2].lower() in tvs):
                j += 1
        if kind is None:
            if mode == "ruim" and i > 0 and _is_cap(w) and _parts_in(w, surname, every=False) and \
                    lw not in _PLACE_WORDS and not _AREA_SUFFIX.search(lw):
                spans.append((start, words[i][1], "naam"))
            i += 1
            continue
        while kind != "first" and j < n and j - i <= _MOST_NAMES and (_INITIALS.fullmatch(words[j][2]) or
                                              (_is_cap(words[j][2]) and _parts_in(words[j][2], first, True) and
                                               j + 1 < n and (_is_cap(words[j + 1][2]) or
                                                              words[j + 1][2].lower() in tvs))):
            j += 1
        # the surname is the word after the first names, or one of them: "Jan Jansen Zwerfafval", where "Jansen" is
        # on the first-name list too, is read as "Jan" + "Jansen" once "Zwerfafval" is no surname
        back = kind == "first" and j < n and not _AREA_SUFFIX.search(words[j][2].lower()) and \
            words[j][2].lower() not in _PLACE_WORDS           # "Jan Pieter Heijestraat" is a street
        k = next((k for k in (_surname_at(words, e, kind, first, surname, after_tv, tvs, lw, text)
                              for e in (range(j, i, -1) if back else (j,))) if k is not None), None)
        # a place-like surname only joined by spaces: "Het Hartger / De Elshof" are two places
        if k is not None and _AREA_SUFFIX.search(words[k][2]) and re.search(r"[^\w\s.'’\-]", text[start:words[k][0]]):
            k = None
        if k is not None:
            spans.append((start, words[k][1], "naam"))
            i = k + 1
            continue
        i += 1
    return spans


#: words after which a single capital or a lower-case name is read as a name: "klacht van J Jansen"
_BEFORE_A_NAME = {"van", "door", "met", "bij", "voor", "aan", "heer", "melder", "naam", "gesproken", "gebeld",
                  "contact", "bezoek", "buurman", "buurvrouw"}
#: first names of the list that are Dutch words too, not read as a name in lower case ("roos bakker" may be roses)
_WORD_NAMES = {"roos", "brand", "lente", "merel", "engel", "job", "lotus", "iris", "mei", "zon", "storm", "hoop",
               "bas", "bos", "ster", "kees", "mark", "mart", "tim", "els", "ben", "bart", "jan", "dirk", "lief", "vos",
               "hanna", "wil", "will", "mir", "daan", "tom", "noor", "sterre", "fleur", "linde", "jade", "rik",
               "rob", "rens", "joost", "koen", "wouter", "sander", "ruben", "sem", "loes", "nel", "anne", "ans", "an",
               "ad", "al", "bo", "pim", "tijn", "juul", "joep", "ties", "thijs", "stijn", "max", "luc", "guus", "teun"}


#: titles of nobility and saints, surnames too, that place names put before a first name: "Prins Alexander", "Graaf
#: Willem", "Sint Jan"
_NOBLE = {"graaf", "gravin", "prins", "prinses", "koning", "koningin", "hertog", "hertogin", "baron", "barones",
          "jonkheer", "keizer", "paus", "sint", "st", "heilige", "pater", "broeder", "zuster", "kardinaal"}


#: place-name endings that surnames end in too ("Westerhof", "Oosterveld", "Hoogendijk", "Nijkerk", "Schalkwijk"): after
#: a title such as "mevrouw" a capitalised word with one of them is read as a surname even when it is not listed
_SURNAME_ENDINGS = re.compile(r"(?<=\w{3})(?:hof|veld|dijk|kerk|wijk|oord|erf)$", re.I)


def _suffixed_name(cand: str, kind: str, title: str, pool) -> bool:
    """Whether ``cand``, a word with a place-name ending (``_AREA_SUFFIX``: "Westerhof", "Hoogendijk", "Verlaan"), is
    a surname here all the same: a listed surname after a strong cue (a title, initials or a first name: "Jan
    Westerhof", "J. Bijleveld", "dhr. Hoogendijk"), or any word with a surname's ending ("-hof", "-veld", ...) after a
    title that only a person carries ("mevrouw Zandhof"). Alone, or after a word for a person that also reads as a
    place ("bewoner Oosterveld"), such a word stays the place it names."""
    if kind not in ("title", "initials", "first"):
        return False
    if _parts_in(cand.title(), pool, every=False):
        return True
    return kind == "title" and title in _STRONG_TITLES and _is_cap(cand) and bool(_SURNAME_ENDINGS.search(cand))


def _surname_at(words: list, j: int, kind: str, first, surname, after_tv, tvs, title: str = "",
                text: str = "") -> int | None:
    """The position of the surname after a title, initials or first names that end before ``j``, else None: an
    optional tussenvoegsel (up to three words), then a listed surname, capitalised; after a title or a word for a
    person also any capitalised word ("dhr. Kowalczyk") and a listed surname in lower case ("klacht van dhr jansen")."""
    n = len(words)
    k, has_tv = j, False
    for size in (3, 2, 1):
        if k + size <= n and " ".join(x[2].lower() for x in words[k:k + size]) in tvs:
            k, has_tv = k + size, True
            break
    if k >= n:
        return None
    cand = words[k][2]
    lc = cand.lower().rstrip(".")
    pool = after_tv if has_tv else surname
    if lc in _OFFICES or (_AREA_SUFFIX.search(lc) and not _suffixed_name(cand, kind, title, pool)):
        return None
    if not _is_cap(cand):
        listed = kind in ("title", "role") and cand.islower() and len(lc) > 2 and _parts_in(cand.title(), pool, False)
        return k if listed and lc not in _PLACE_WORDS else None
    ok = _parts_in(cand, pool, every=False)
    if ok and not has_tv and kind in ("first", "initials") and lc in _PLACE_WORDS:
        ok = False
    if not ok and kind == "title":
        ok = True          # "dhr. Kowalczyk", "mevrouw Oğuz": the title carries it
    cue = kind == "first" or (kind == "initials" and _INITIALS.fullmatch(words[k - 1][2]))    # "J.A.", not "C"
    named_after = k + 1 < n and (words[k + 1][2].lower() in _NAMED_AFTER or _AREA_SUFFIX.search(words[k + 1][2]))
    # written as a name is: apart by a space only, not in capitals ("'T KIP", "Willem III", "St. Marten/Sonsbeek")
    before, cand_as_written = text[words[k - 1][0]:words[k - 1][1]], text[words[k][0]:words[k][1]]
    as_a_name = bool(text) and text[words[k - 1][1]:words[k][0]] in (" ", "  ") and not cand_as_written.isupper() and \
        (kind == "initials" or not before.isupper())
    if not ok and cue and not has_tv and as_a_name and not named_after and _UNLISTED.get() and \
            _unlisted_surname(cand, title, first):
        ok = True          # "Piotr Kowalczyk", "J.A. Kaminski": the first name or the initials carry it
    if ok and k + 1 < n and _is_cap(words[k + 1][2]) and "-" in cand and cand.lower().rsplit("-", 1)[1] in tvs:
        k += 1             # "Kaminski-de Vries": the second surname after its tussenvoegsel
    return k if ok else None


#: whether a first name or initials make any capitalised word after them a surname (:func:`_unlisted_surname`); off
#: where every word was capitalised only to be read (a folder's path in :func:`scrub_file_name`: "/home/jan/exports"
#: is no "Jan Exports")
_UNLISTED = contextvars.ContextVar("unlisted_surnames", default=True)
#: what is named after a person, not the person: "Johan Cruijff Court", "Anne Frank School" (and a street:
#: "Jan Pieterszoon Coenstraat", by :data:`_AREA_SUFFIX`)
_NAMED_AFTER = {"court", "arena", "stadion", "school", "college", "lyceum", "huis", "centrum", "park", "brug", "hal",
                "zaal", "museum", "bibliotheek", "kliniek", "ziekenhuis", "kerk", "toren", "tunnel", "sporthal",
                "sportpark", "stichting", "fonds", "prijs", "plein", "straat", "laan", "weg", "hof", "instituut"}
#: words and endings of place names that a first name starts too ("Esse Hoog", "Maria Hoop", "Diemer Vijfhoek",
#: "Albert Schweitzerplaats", "Frederik Hendrikbuurt-Noord"), measured on the CBS names of every buurt and wijk
_PLACE_LIKE = {"hoog", "laag", "rond", "zoom", "oud", "oude", "nieuw", "nieuwe", "groot", "grote", "klein", "kleine",
               "boven", "beneden", "binnen", "buiten", "eng", "quartier", "hoop", "stein", "gouwe", "koop", "kessel",
               "etablissement", "ambacht", "plassen", "polder", "vaart", "wijde"}
_PLACE_ENDING = re.compile(r"(?<=\w{2})(?:plaats|hoek|terrein|dorp|land|landen|veen|zand|hoeve|heide|meer|plas|gat|"
                           r"buurt|wijk|kwartier|hof|veld|weg|laan|straat|park|haven|dijk|kamp|ziekenhuis)$")
#: initials that are abbreviations, not a person's: "C.V. ketel", "B.V. Bouwbedrijf"
_NOT_INITIALS = {"b.v.", "n.v.", "c.v.", "v.o.f.", "e.o.", "n.b.", "p.s.", "a.u.b.", "o.a.", "i.o.", "v.v.", "s.v.p.",
                 "w.o.", "m.b.t.", "t.a.v.", "i.v.m.", "z.s.m.", "p.m.", "a.s.", "j.l.", "e.d."}


def _unlisted_surname(cand: str, before: str, first) -> bool:
    """Whether ``cand``, a capitalised word that is on no surname list, is a surname after the first name (or the
    initials) ``before``, as a title makes one of any capitalised word: a word of letters that is no first name itself
    ("Jan Pieter Heijestraat"), no place or office word, after a first name that is no ordinary word ("Brand
    Container", :data:`_NOTE_WORDS`) and initials that are no abbreviation ("C.V. Ketel")."""
    lc = cand.lower().rstrip(".")
    parts = lc.split("-")
    return (len(lc) >= 3 and _is_cap(cand) and not cand.endswith(".")
            and re.fullmatch(r"[^\W\d_][^\W\d_'’\-]*(?:[-'’][^\W\d_]+)*", cand) is not None
            and not any(p in _PLACE_WORDS or p in _PLACE_LIKE or _AREA_SUFFIX.search(p) or _PLACE_ENDING.search(p)
                        for p in parts)
            and lc not in _OFFICES and lc not in _NOBLE and lc not in _NAMED_AFTER
            and not _parts_in(cand, first, every=False) and before.title() not in _NOTE_WORDS
            and before.rstrip(".") + "." not in _NOT_INITIALS)


def _lower_case_names(words: list, first, surname, after_tv, tvs) -> list[tuple[int, int, str]]:
    """Names as people type them in a hurry: a listed first name and a listed surname, either in lower case ("jeroen
    brinkhuis", "klacht van jan jansen", "Fatima yilmaz"), at the start of the text or after a word that introduces
    a person ("van", "met", "door", ...); a first name that is also a Dutch word ("roos", "mark") only after such a
    word or when the two words are the whole text; and surname first with a comma ("brinkhuis, jeroen") or capitalised without one ("Brinkhuis Jeroen")."""
    spans = []
    n = len(words)
    for i in range(n - 1):
        w = words[i][2]
        lw = w.lower()
        after = i > 0 and words[i - 1][2].lower() in _BEFORE_A_NAME
        if not (i == 0 or after):
            continue
        if not (w.islower() or words[i + 1][2].islower()) or len(lw) < 3:
            pass
        elif _parts_in(w.title(), first, every=True) and (i == 0 or after):
            k, has_tv = i + 1, False
            for size in (3, 2, 1):
                if k + size < n and " ".join(x[2].lower() for x in words[k:k + size]) in tvs:
                    k, has_tv = k + size, True
                    break
            cand = words[k][2]
            lc = cand.lower()
            word_name = lw in _WORD_NAMES and not after and k != n - 1      # "roos bakker bloemen"; "jan jansen"
            if not word_name and len(lc) > 2 and _parts_in(cand.title(), after_tv if has_tv else surname, False) and \
                    lc not in _PLACE_WORDS and lc not in _OFFICES:                  # "jan westerhof" too
                spans.append((words[i][0], words[k][1], "naam"))
                continue
        k = _lower_case_tv_surname(words, i, surname, after_tv, tvs) if after else None
        if k is not None:                                   # "gesproken met van der meulen"
            spans.append((words[i][0], words[k][1], "naam"))
            continue
        # surname first: "brinkhuis, jeroen" (lower case, a comma) or "Brinkhuis Jeroen" (capitalised, at the start)
        nxt = words[i + 1][2]
        if _parts_in(w.title(), surname, False) and not _parts_in(w.title(), first, True) and len(lw) > 2 and \
                lw not in _NOBLE and \
                lw not in _PLACE_WORDS and not _AREA_SUFFIX.search(lw) and _parts_in(nxt.title(), first, True) and \
                len(nxt) > 2 and nxt.lower() not in _WORD_NAMES and (i == 0 or after) and \
                (i + 2 >= n or not _is_cap(words[i + 2][2])):
            if (w.islower() and nxt.islower()) or (_is_cap(w) and _is_cap(nxt)):
                spans.append((words[i][0], words[i + 1][1], "naam"))
    return spans


#: tussenvoegsels that are also the articles and prepositions of ordinary words: "met de visser", "door de wind",
#: "contact met de buren" are as often no person as "met de vries" is one, so in a cell only a tussenvoegsel that is
#: no word of its own ("van der", "van den", "in 't") makes a lower-case surname after it a name (a note reads the
#: others too: :func:`note_kind`)
_ARTICLE_TVS = {"de", "het", "'t", "den", "der", "te", "ter", "ten", "in", "op", "aan", "bij", "d'", "la", "le", "du",
                "aan de", "bij de", "in den", "in het", "op de", "op den", "op het", "uit de"}


def _lower_case_tv_surname(words: list, i: int, surname, after_tv, tvs) -> int | None:
    """The position of the surname when ``words[i]`` starts a tussenvoegsel that is no ordinary word and a listed
    surname, both in lower case ("gesproken met van der meulen", "klacht van in 't veld"), else None; not after a
    tussenvoegsel of :data:`_ARTICLE_TVS` ("met de vries"), never an office ("van der wijkagent")."""
    n = len(words)
    for size in (3, 2, 1):
        tv = " ".join(x[2].lower() for x in words[i:i + size])
        if i + size < n and tv in tvs and all(x[2].islower() for x in words[i:i + size + 1]):
            break
    else:
        return None
    if tv in _ARTICLE_TVS:
        return None
    k = i + size
    lc = words[k][2].rstrip(".")
    # after such a tussenvoegsel a place-like surname is a surname too ("van den berg", "in 't veld")
    if len(lc) < 3 or lc in _OFFICES or not _parts_in(lc.title(), after_tv | surname, every=False):
        return None
    return k


# --------------------------------------------------------------------------------------------------------------
# Public scanning API
# --------------------------------------------------------------------------------------------------------------

#: words of the first-name list that a note uses as words ("brand in de container", "job aangeboden")
_NOTE_WORDS = frozenset({"Brand", "Lente", "Roos", "Merel", "Engel", "Job", "Lotus", "Iris"})


#: words after which a note names a person: "gesproken met brinkhuis", "gebeld bakker", "bij jansen langs"
_NOTE_BEFORE_A_NAME = {"met", "van", "door", "bij", "aan", "gebeld", "belt", "bellen", "gesproken", "mailen", "mail",
                       "bezocht", "bezoek", "dhr", "mevr", "mevrouw", "meneer", "fam", "familie", "heer", "buurman",
                       "buurvrouw", "bewoner", "bewoonster", "client", "huurder", "melder"}
#: the words after which the name rules read a name in lower case (a title, a word for a person, "van", "met", ...)
#: join the prefilter, apart by any signs ("klacht_van_dhr_jansen", "mevr. jansen", 'naam: "anouk te velde"'), so it
#: passes whatever those rules may find
_NAME_CUES = sorted(_BEFORE_A_NAME | _ROLE_WORDS | _STRONG_TITLES | _NOTE_BEFORE_A_NAME | _EXTRA_TITLES | {"heer"},
                    key=len, reverse=True)
_PREFILTER += r"|(?:^|[^A-Za-z])(?i:" + "|".join(_NAME_CUES) + r")[^A-Za-z0-9]{1,4}[a-z]"

#: a person's home in a note: "bewoner wolfsbos 12", "woont op kerkweg 3", "huisbezoek het haagje 40"
_NOTE_ADDRESS = re.compile(r"(?i)\b(?:bewoner|bewoonster|huurder|woont|woonachtig|adres|huisbezoek|bezoek|bezocht|"
                           r"langs|langsgeweest)\b\s*[:=\-]?(?:\s*(?:op|aan|in|te|bij))?(?:\s+(?:het|de|'t))?"
                           r"\s*[a-z][a-z'\-]{2,}(?:\s+[a-z][a-z'\-]{2,})?\s*(?:(?!(?:19|20)\d\d(?!\d))\d{1,4}\s?[a-z]?\b" + _UNITS +
                           r"|" + _HOUSE_WORD + ")")
#: a buurt's name and a house number in any case, as a note is typed: "wolfsbos 12 opgepakt" (:func:`_places`)
_NOTE_NAME_HOUSE = re.compile(r"(?i)(?<![\w'’\-])((?:[a-z][\w'’\-]*\s+){0,2}[a-z][\w'’\-]*)\s*,?\s+"
                              r"(?!(?:19|20)\d\d(?!\d))" + _HOUSE_NO + r"(?!\d)" + _UNITS)


#: words for a person by their work that a note puts before a name, or between "met" and a name: "wijkagent De Jong",
#: "overleg met wijkagent Van der Veen"
_NOTE_PERSON_WORDS = _ROLE_WORDS | {"wijkagent", "agent", "wijkmanager", "huisarts", "wijkverpleegkundige", "boa",
                                    "bewindvoerder", "consulent", "mentor", "coach", "casemanager", "hulpverlener"}
#: words a note says after "met de", "bij het" that are on the list of surnames after a tussenvoegsel too: "gesproken
#: met de buren" is no person, nor "met de bakker"
_NOTE_NOUNS = {"buren", "buur", "school", "bakker", "boer", "jongen", "jongens", "kind", "kinderen", "mensen", "wind",
               "kok", "kat", "koning", "smit", "visser", "kuiper", "jager", "winter", "zomer", "man", "vrouw", "zoon",
               "dochter", "baas", "heer", "post", "hond", "vos", "wal", "brug", "groep", "rand", "kant", "poel", "put",
               "vaart", "bruin", "wit", "groot", "klein", "lange", "haan"}


def _note_surname(words: list[str], surname, after_tv, tvs, titles) -> bool:
    """Whether ``words``, the words of a note after a word that introduces a person ("met", "gebeld", "wijkagent"),
    start with a surname of the lists: past up to two titles and words for a person ("met hr. mulder", "met wijkagent
    Van der Veen") and a tussenvoegsel in any case ("met de vries", "bij De Vries", "met Ten Cate", "met In 't Veld").
    After an article ("met de", "bij het") or none, the word must be no place ("bij de molen"), after an article in
    lower case no ordinary word of :data:`_NOTE_NOUNS` ("met de buren"); after a tussenvoegsel that is no word of its
    own a place-like surname is a surname ("met van den berg")."""
    j = 0
    while j < min(2, len(words)) and (words[j].lower() in titles or words[j].lower() in _NOTE_PERSON_WORDS):
        j += 1
    tv = ""
    for size in (3, 2, 1):
        if j + size < len(words) and " ".join(w.lower() for w in words[j:j + size]) in tvs:
            tv, j = " ".join(w.lower() for w in words[j:j + size]), j + size
            break
    if j >= len(words):
        return False
    word, lc = words[j], words[j].lower()
    if len(word) < 3 or lc in _OFFICES or lc in _NOTE_PERSON_WORDS:
        return False
    if (not tv or tv in _ARTICLE_TVS) and lc in _PLACE_WORDS:
        return False                          # "bij de molen"
    if tv in _ARTICLE_TVS and lc in _NOTE_NOUNS and not _is_cap(word):
        return False                          # "met de buren"; "bij De Bakker" is a name
    return _parts_in(word.title(), after_tv | surname if tv else surname, every=False)


#: A note is written by a professional about a case, who capitalises a person's name and little else: a capitalised
#: surname of the list anywhere ("Brinkhuis gebeld", "casus Van Dijk loopt") is a name, but for the surnames that are
#: Dutch words too (privacy_data/achternamen_als_woord.txt: "Visser", "Kunst", "Storm", "School") a note's or
#: sentence's first word is a name only before one of these words for what a person does or is done to ("Visser
#: gebeld", "Boer zoekt contact"; not "Storm heeft schade gedaan", "Kunst in de wijk").
_NOTE_PERSON_VERBS = {"gebeld", "teruggebeld", "gesproken", "besproken", "gemaild", "bezocht", "benaderd", "ingelicht",
                      "geinformeerd", "uitgenodigd", "doorverwezen", "aangemeld", "gewaarschuwd", "gesommeerd",
                      "belt", "belde", "mailt", "mailde", "komt", "kwam", "zoekt", "zocht", "klaagt", "klaagde",
                      "meldt", "meldde", "zegt", "zei", "wil", "wilde", "vraagt", "vroeg", "woont", "reageert",
                      "reageerde"}
#: words for a place or an organisation that a note puts before the name of one ("buurthuis De Schakel", "school De
#: Regenboog", "stichting Kunst"): what follows them is that name, no person
_NOTE_INSTITUTIONS = {"buurthuis", "buurtcentrum", "wijkcentrum", "jongerencentrum", "stichting", "vereniging",
                      "speeltuin", "school", "basisschool", "kerk", "moskee", "sporthal", "sportpark", "club",
                      "voetbalclub", "sportclub", "flat", "complex", "pand", "gebouw", "cafe", "restaurant", "winkel",
                      "supermarkt", "bedrijf", "project", "locatie", "corporatie", "woningcorporatie", "zorgcentrum",
                      "woonzorgcentrum", "verpleeghuis", "kinderopvang", "opvang", "bso", "team", "wijkteam",
                      "bibliotheek", "theater", "praktijk", "apotheek", "camping", "boerderij", "kinderboerderij",
                      "straat", "plein", "park", "buurt", "wijk", "woonwijk", "hal", "centrum", "winkelcentrum"}
#: tussenvoegsels that, capitalised inside a sentence, start a surname whatever follows ("casus Van Heemskerck")
_NOTE_NAME_TVS = {"van", "von", "ter", "ten", "v", "vd", "v.d", "v/d"}
#: what a note calls a person's e-mail before the address: "mail van j.bakker", "mailadres jan_b"
_NOTE_MAIL_WORDS = {"mail", "mailtje", "email", "e-mail", "mailadres", "emailadres", "gemaild", "mailde", "mailt"}
#: a dotted or underscored word: an e-mail address without its domain ("j.bakker", "jan_jansen"), an abbreviation
#: ("o.a.", "i.v.m.") or a website ("hoogeveen.nl")
_NOTE_LOCAL_PART = re.compile(r"(?<![\w.@/\\])[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)+(?![\w@/]|\.[A-Za-z0-9])")
_NOTE_TLDS = {"nl", "com", "org", "net", "eu", "be", "de", "info", "nu", "io", "uk", "fr", "gov", "edu", "html", "pdf",
              "xlsx", "docx", "csv"}


@functools.lru_cache(maxsize=1)
def _surname_words() -> frozenset:
    """The surnames of the list that are Dutch words too ("Visser", "Kunst", "Mensen"), as the text is folded."""
    text = (_DATA / "achternamen_als_woord.txt").read_text(encoding="utf-8")
    return frozenset(_normalise(w.strip())[0] for w in text.splitlines() if w.strip())


@functools.lru_cache(maxsize=1)
def _place_names() -> frozenset:
    """Every province's, municipality's, wijk's and buurt's name of wijkradar's national file, lower case ("drenthe",
    "hoogeveen", "de weide"); empty when it is not installed."""
    return frozenset(_normalise(name)[0].lower() for row in _national("naam", "gemeente_naam", "provincie_naam")
                     for name in row if name)


def _in_place_name(words: list[str], i: int, j: int) -> bool:
    """Whether ``words[i:j]`` lie inside a place's name of up to five words ("De Weide", "Hoogeveen")."""
    places = _place_names()
    lower = [w.lower() for w in words]
    return any(" ".join(lower[a:b]) in places for a in range(max(0, j - 5), i + 1)
               for b in range(j, min(len(words), a + 5) + 1))


def _note_email_local_part(text: str) -> bool:
    """Whether a note holds an e-mail address without its domain: an initial and a word ("j.bakker", "jh.de.vries"),
    words of which one is a listed name ("jan_jansen", "bakker.j"), or any dotted word after a word for e-mail ("mail
    van x.y"); not an abbreviation ("o.a.", "i.v.m.") nor a website or file ("hoogeveen.nl", "plan.pdf")."""
    first, surname, after_tv = _lists()[:3]
    for m in _NOTE_LOCAL_PART.finditer(text):
        parts = re.split(r"[._]", m.group())
        if parts[-1].lower() in _NOTE_TLDS:
            continue
        before = [w.lower() for w in re.findall(r"[\w\-]+", text[:m.start()])[-3:]]
        if _NOTE_MAIL_WORDS & set(before):
            return True
        if all(len(p) <= 2 for p in parts):
            continue
        initial = len(parts[0]) <= 2 and parts[0].isalpha() and parts[-1].isalpha() and len(parts[-1]) >= 3 and \
            (parts[-1].islower() or parts[-1].title() in after_tv)
        named = any(len(p) >= 3 and (p.title() in first or p.title() in after_tv) for p in parts)
        if initial or named:
            return True
    return False


def _note_nine_digits(text: str) -> bool:
    """Whether a note holds nine digits: a phone number without its leading 0, as a spreadsheet keeps "0528 123456"
    typed into a cell that stores numbers (528123456); written apart ("528 123456") only when it is a valid one."""
    from phonenumbers import NumberParseException, parse

    for m in _CHAIN.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) != 9 or digits[0] == "0" or m.group().startswith("+"):
            continue
        if digits == m.group():
            return True
        try:
            if _personal_number(parse("0" + digits, "NL")):
                return True
        except NumberParseException:
            pass
    return False


def _note_capitalised_name(text: str, surname, after_tv, tvs, titles) -> bool:
    """Whether a note names a person by a capitalised surname (see :data:`_NOTE_PERSON_VERBS`): a tussenvoegsel and a
    capitalised surname anywhere ("De Vries besproken", "casus Van Dijk loopt", "met de Boer"; after a capitalised
    "Van" or "Ter" inside a sentence any capitalised word), or a capitalised surname of the list ("Brinkhuis gebeld");
    never a place's name ("De Weide", "Hoogeveen") nor the name of an organisation after its kind ("buurthuis De
    Schakel")."""
    found = list(_WORD.finditer(text))
    # a word in capitals as a capitalised one ("BAKKER gebeld"), not an acronym ("BOA", "GGD"); in a note all in
    # capitals every word is read as a sentence's first
    words = [(_word_as_written(m.group()) if len(m.group()) > 3 else m.group()).rstrip(".") for m in found]
    shouting = not any(c.islower() for c in text)
    ordinary = _surname_words()
    n, judged = len(words), 0          # words before ``judged`` were read with the tussenvoegsel before them
    for i, w in enumerate(words):
        if i < judged:
            continue
        starts = i == 0 or shouting or bool(re.search(r"[.!?:;\n\-•*]\s*$", text[:found[i].start()]))
        before = words[i - 1].lower() if i else ""
        tv = next((" ".join(x.lower() for x in words[i:i + size]) for size in (3, 2, 1)
                   if i + size < n and " ".join(x.lower() for x in words[i:i + size]) in tvs), None)
        k = i + len(tv.split()) if tv is not None else i
        if before in _NOTE_INSTITUTIONS or (before and _AREA_SUFFIX.search(before)):
            judged = k + 1                      # "buurthuis De Schakel", "school Regenboog"
            continue
        if tv is not None:
            judged, cand = k + 1, words[k]
            if _is_cap(cand) and len(cand) >= 2 and cand.lower() not in _OFFICES and \
                    not _in_place_name(words, i, k + 1) and not _AREA_SUFFIX.search(cand):
                any_word = _is_cap(w) and not starts and tv.split()[0] in _NOTE_NAME_TVS      # "casus Van Heemskerck"
                listed = _parts_in(cand, after_tv, every=False) and \
                    not (tv in _ARTICLE_TVS and cand.lower() in _PLACE_WORDS)               # not "bij De Hoek"
                if listed and tv.split()[-1] == "het" and cand in ordinary:     # "koffie in Het Anker"
                    listed = False
                if listed and shouting and cand in ordinary:        # "DOOR DE JONGENS", but "DE BOER GEBELD"
                    listed = k + 1 < n and words[k + 1].lower() in _NOTE_PERSON_VERBS
                if any_word or listed:
                    return True
            continue
        if not _is_cap(w) or len(w) < 3 or not _parts_in(w, surname, every=False):
            continue
        lw = w.lower()
        if lw in _OFFICES or lw in _NOTE_PERSON_WORDS or lw in titles or _AREA_SUFFIX.search(w) or \
                _in_place_name(words, i, i + 1):
            continue
        if n == 1 and lw not in _PLACE_WORDS:           # a note that is a surname and nothing else: "Bakker"
            return True
        if lw in _PLACE_WORDS or (starts and all(p in ordinary for p in re.split(r"[-’']", w) if p)):
            if i + 1 < n and words[i + 1].lower() in _NOTE_PERSON_VERBS:     # "Bos gebeld", "Visser gebeld"
                return True                                                 # not "Kunst in de wijk", "bij Hoek"
            continue
        if w in ordinary and any(_is_cap(words[j]) and (not _parts_in(words[j], surname, every=False) or
                                                        _in_place_name(words, j, j + 1))
                                 for j in (i - 1, i + 1) if 0 < j < n):      # the first word is capitalised anyway
            continue                                    # a proper name of words: "Schoon Hoogeveen", "Kunst & Cultuur"
        return True
    return False


#: words for a person after which a note's capitalised word is that person's name, listed or not ("buurman Kowalski
#: klaagt", "huisarts Wójcik", "contactpersoon Kowalski"); after a title any word ("meneer kowalski")
_NOTE_NAMING_WORDS = (_NOTE_PERSON_WORDS | {"contactpersoon", "buurman", "buurvrouw", "bewoner", "bewoonster", "melder",
                                            "huisarts", "client", "huurder", "verhuurder", "eigenaar", "moeder", "vader",
                                            "zoon", "dochter", "partner", "echtgenoot", "echtgenote"})
_NOTE_TITLES = {"meneer", "mevrouw", "mijnheer", "dhr", "mevr", "mw", "hr", "mvr"}
#: verbs after which a capitalised word is a person: "gesproken met Kowalski", "gebeld Wójcik"
_NOTE_NAMING_VERBS = {"gesproken", "gebeld", "teruggebeld", "gemaild", "bezocht", "afgestemd"}
#: words a note puts after a word for a person that are no name: what the person is, does or belongs to
_NOTE_NOT_NAMES = {"gemeente", "politie", "handhaving", "reiniging", "anoniem", "onbekend", "zelf", "ook", "nog", "niet",
                   "wel", "weer", "graag", "heeft", "had", "is", "was", "wordt", "werd", "gaat", "ging", "zal", "kan",
                   "wil", "wilde", "gaf", "geeft", "die", "dat", "deze", "en", "of", "uit", "van", "met", "op", "in",
                   "aan", "bij", "voor", "naar", "om", "over", "het", "de", "een", "er", "hier", "daar", "vandaag",
                   "gisteren", "morgen", "verder", "eerder", "later", "nu", "al", "ivm", "tel", "via", "zegt", "zei",
                   "noord", "oost", "zuid", "west", "corporatie", "woningcorporatie", "verhuurder", "wijkteam", "ggd",
                   "boa", "jeugdwerk", "jongerenwerk", "welzijn", "thuiszorg", "veiligheidshuis", "team", "nederland",
                   "drenthe", "buurt", "wijk", "straat", "woning", "flat", "portiek", "ouders", "buren", "kinderen",
                   "familie", "meldingen", "melding", "klacht", "klachten", "overlast", "afval", "geluid",
                   # organisations a wijkteam calls: housing corporations, utilities, shops, care and welfare
                   "woonconcern", "domesta", "lefier", "actium", "woonservice", "woningstichting", "jumbo", "lidl",
                   "aldi", "action", "kpn", "ziggo", "enexis", "rendo", "essent", "eneco", "vattenfall", "wmd",
                   "veiligheidsregio", "ggz", "humanitas", "icare", "tinten", "zorggroep", "vitaal", "reclassering",
                   "vluchtelingenwerk", "schuldhulp", "stadsbank", "kredietbank", "uwv", "svb", "cak", "cjib",
                   "stedin", "vitens", "attero", "treant", "bethesda", "tangenborgh", "accare", "yorneo", "cosis",
                   "menzis", "fixi", "heijmans", "hovenier", "promens", "leger", "heils", "jop", "elim", "tamboer",
                   "casus", "zat", "overleg"}
_NOTE_NOT_NAME_ENDINGS = re.compile(r"(?:ing|heid|schap|teit|atie|tie|isme|vereniging|stichting|centrum|huis|team|"
                                    r"dienst|werk|zorg|raad|bureau|afdeling|gebouw|school|"
                                    # job titles and organisations: "Wijkcoach", "Schuldhulpverlener", "Huisartsenpost"
                                    r"coach|consulent|adviseur|werker|leider|ambtenaar|bedrijf|post|verlener|regisseur|"
                                    r"ondersteuner|bestrijder|beheerder|verzekeraar|aanbieder|kamer|bestuur|ambulance|"
                                    r"nemer|staat|beheer|desk|secretariaat|belangen|monteur|schouw|agent|toezichthouder|"
                                    r"bank|plicht|care|rail)$")


def _not_a_name(word: str, words: list[str], k: int) -> bool:
    """Whether the note's ``words[k]`` (``word``) is an ordinary word after a word for a person: a word of
    :data:`_NOTE_NOT_NAMES`, an office, an institution, a title, a word for a person, a place (of the national file)
    or a word with the ending of an organisation or an abstract noun ("Buurtvereniging", "Handhaving")."""
    lw = word.lower()
    return (len(word) < 3 or not word.isalpha() or lw in _NOTE_NOT_NAMES or lw in _OFFICES or lw in _NOTE_INSTITUTIONS
            or lw in _NOTE_NAMING_WORDS or lw in _NOTE_TITLES or lw in _PLACE_WORDS or lw in _NOTE_PERSON_VERBS
            or bool(_NOTE_NOT_NAME_ENDINGS.search(lw)) or bool(_AREA_SUFFIX.search(lw)) or _in_place_name(words, k, k + 1))


def _note_unlisted_name(text: str) -> bool:
    """Whether a note names a person by a word on no name list (see :func:`note_kind`): a capitalised word after a
    word for a person or a verb of contact ("buurman Kowalski klaagt", "gesproken met Wójcik"), any word after a title
    ("meneer kowalski"), or in a note all in capitals a word before a verb of contact ("KOWALSKI GEBELD")."""
    found = list(_WORD.finditer(text))
    words = [m.group().rstrip(".") for m in found]
    shouting = not any(c.islower() for c in text)
    for k, before in enumerate(words[:-1]):
        lb = before.lower()
        j = k + 1
        if lb in _NOTE_NAMING_VERBS and words[j].lower() == "met" and j + 1 < len(words):
            j += 1                                          # "gesproken met Kowalski"
        elif lb not in _NOTE_NAMING_WORDS and lb not in _NOTE_TITLES and lb not in _NOTE_NAMING_VERBS:
            continue
        cand = words[j]
        if _not_a_name(cand, words, j):
            continue
        if lb in _NOTE_TITLES and not shouting:
            return True                                     # "meneer kowalski": the title carries any word
        if _is_cap(cand) and not shouting:
            return True
    if shouting:                                            # "KOWALSKI GEBELD": the word before a verb of contact
        for k, word in enumerate(words[:-1]):
            if words[k + 1].lower() in _NOTE_PERSON_VERBS and len(word) > 3 and not _not_a_name(word, words, k):
                return True
    return False


#: in a note, a full date this many years or more before today is a date of birth: a note about a flag dates what
#: happened lately, not in another decade
NOTE_BIRTH_YEARS = 12
_NOTE_FULL_DATE = re.compile(r"(?i)(?<![\d\-/.])(?:\d{1,2}" + _DSEP + r"\d{1,2}" + _DSEP + r"((?:19|20)\d{2}|'?\d{2})"
                             r"|((?:19|20)\d{2})" + _DSEP + r"\d{1,2}" + _DSEP + r"\d{1,2}"
                             r"|\d{1,2}(?:e|ste|de)?\s+" + _MONTHS + r",?\s+((?:19|20)\d{2}|'\d{2}))(?![\d\-/])")
#: a street's word that is a street's whole name in many places ("Markt 3", "Brink 12", "aan de Kade 4")
_STREET_WORDS = r"(?:markt|brink|plein|kade|dijk|singel|dreef|hof|wal|haven|erf|gracht|steeg|laan|esch|es|plaats)"
#: the words of a street's name that leave no doubt ("Kerkstraat", "Molenweg"; not "-pad", "-veld", "-es", which end
#: "fietspad", "grasveld" and every "bankjes")
_STRONG_STREET_SUFFIX = r"(?:straat|straatje|weg|laan|plein|dijk|kade|singel|gracht|steeg|dreef)"
#: words before a house number that make it one: a home or who lives there ("portiek 14 Kerkstraat", "bewoners 12
#: Molenweg"), not a count or another number ("Week 14 Kerkstraat afgesloten", "Container 3 Schutstraat vol")
_HOME_WORDS = (r"(?:portiek|woning|bovenwoning|benedenwoning|huis|pand|flat|appartement|app|bewoner|bewoners|bewoonster|"
               r"gezin|familie|fam|woont|woonachtig|adres|huisnummer|huisnr)")
#: a place in a home's street: between street and number ("Molenweg huis 3", "Kerkstraat boven 12", "Kerkstraat
#: achter nr 12")
_HOME_PLACE = (r"(?:huis|woning|bovenwoning|benedenwoning|pand|portiek|flat|app\.?|appartement|boven|beneden|achter|"
               r"achterom|naast|tegenover|bij)")
#: words that place a street's word alone in a person's home ("woont ... aan de Markt 3"): without one, "Op de Markt 2
#: extra prullenbakken" is a market
_NOTE_HOME_CONTEXT = re.compile(r"(?i)\b(?:woont|wonen|woonachtig|bewoner|bewoners|bewoonster|huurder|gezin|familie|fam|"
                                r"meneer|mevrouw|dhr|mevr|buurman|buurvrouw|melder)\b")
_NUMBER_AS_HOUSE = r"(?!(?:19|20)\d\d(?!\d))\d{1,4}"
#: an address as a note types it: the number before the street, at the note's start or after a word for a home
#: ("portiek 14 Kerkstraat", "14 Grote Kerkstraat", "13a kerkstraat"); a place in the home between street and number
#: ("Molenweg huis 3", "Kerkstraat boven nr 12")
_NOTE_STREET = re.compile(
    r"(?:^\s*|(?i:\b" + _HOME_WORDS + r")\.?:?\s+)" + _NUMBER_AS_HOUSE
    + r"(?:\s?[a-zA-Z](?![A-Za-z])|\s?-\s?(?:I{1,3}|\d{1,3}))?\s+(?:[A-Z][\w'’]*\.?\s+){0,2}"
    r"(?:[A-Z][\w'’\-]*?|(?<=\d[a-zA-Z] )[a-z][\w'’\-]*?)" + _STRONG_STREET_SUFFIX + r"(?![\w\-])"
    r"|(?i:[a-z][\w'’\-]*?[a-z]" + _STRONG_STREET_SUFFIX + r"\s+" + _HOME_PLACE + r"\s*(?:nr\.?|nummer|no\.?)?\s*)"
    + _NUMBER_AS_HOUSE + r"(?!\d)" + _UNITS)
#: a street's word alone after a preposition and an article, in a note about a person's home ("woont boven de Jumbo
#: aan de Markt 3"; :data:`_NOTE_HOME_CONTEXT`)
_NOTE_STREET_WORD = re.compile(r"(?i)\b(?:aan|op|in|bij|naast|tegenover)\s+(?:de|het|'t)\s+" + _STREET_WORDS +
                               r"\s+" + _NUMBER_AS_HOUSE + r"(?:\s?[a-z](?![a-z]))?(?!\d)" + _UNITS)
#: the regions whose phone numbers a note may hold written as at home, with a 0 and no country code: Belgium's and
#: Germany's (Hoogeveen lies near the German border), read where the number is no Dutch one
_NOTE_PHONE_REGIONS = ("BE", "DE")
_NOTE_NATIONAL_NUMBER = re.compile(r"(?<![\d+])\(?0[1-9](?:\)?[\s./\-]{0,3}\d){7,10}(?!\d)")


#: words that date an event, not a person: "leeg sinds 1 januari 2010", "opgeleverd 1 mei 1972", "getekend 15-06-2011"
_NOTE_EVENT_DATE = re.compile(r"(?i)\b(?:sinds|vanaf|per|tot|t/m|opgeleverd|gebouwd|getekend|vastgesteld|opgericht|"
                              r"oprichting|bouwjaar|renovatie|gerenoveerd|overeenkomst|contract|besluit|wijkplan|plan|"
                              r"bezit|gekocht|verkocht|geopend|gesloten|gesloopt|ingegaan|start|gestart)\b[^.;]{0,30}$")


def _note_old_date(text: str, today: date | None = None) -> bool:
    """Whether a note holds a full date (day, month and year) at least :data:`NOTE_BIRTH_YEARS` years ago, not after a
    word that dates an event (:data:`_NOTE_EVENT_DATE`): a date of birth written without its keyword ("12 maart 1961",
    "1961-03-12", "melder is van 03-04-1958")."""
    now = (today or local_today().date()).year
    last = now - NOTE_BIRTH_YEARS

    def year(text: str) -> int:            # a year of two digits ("'61", "12-03-61") is the last one it can be
        digits = int(text.lstrip("'"))
        return digits if digits >= 100 else digits + (2000 if 2000 + digits <= now else 1900)

    return any(year(next(y for y in m.groups() if y)) <= last and not _NOTE_EVENT_DATE.search(text[:m.start()])
               for m in _NOTE_FULL_DATE.finditer(text))


def _note_foreign_phone(text: str) -> bool:
    """Whether a note holds a Belgian or German phone number of a person written as at home ("bel 0470/12.34.56",
    "0151 23456789"), which is no Dutch number."""
    from phonenumbers import NumberParseException, parse

    for m in _NOTE_NATIONAL_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        try:
            if _personal_number(parse(digits, "NL")):
                continue                                   # a Dutch number: the rules for those decide
            if any(_personal_number(parse(digits, region)) for region in _NOTE_PHONE_REGIONS):
                return True
        except NumberParseException:
            continue
    return False


def _note_contact_name(text: str) -> bool:
    """Whether a capitalised word on no list stands right before a verb of contact ("Bakkal gebeld", "daarna Yilmaz
    gesproken"): a name, unless a Dutch word (:func:`_dutch_word`: "Opnieuw gebeld", "Telefonisch gesproken") or an
    organisation's, office's or place's (:func:`_not_a_name`)."""
    words = [m.group().rstrip(".") for m in _WORD.finditer(text)]
    verbs = _NOTE_NAMING_VERBS | _NOTE_PERSON_VERBS | _NOTE_MORE_CONTACT_VERBS
    return any(_is_cap(w) and len(w) >= 4 and words[k + 1].lower() in verbs and not _not_a_name(w, words, k)
               and not _dutch_word(w) for k, w in enumerate(words[:-1]))


def _note_initials_glued(text: str) -> bool:
    """Whether a note holds one or two initials glued to a surname of the lists in lower case, as a user name is
    typed ("jjansen gebeld", "mail naar gjbrinkhuis"), and the word is no Dutch word."""
    for m in re.finditer(r"(?<![\w@.])[a-z]{6,}(?![\w@])", text):
        word = m.group()
        if any(len(word) - k >= 5 and _a_surname(word[k:]) and word[k:].title() not in _surname_words()
               for k in (1, 2)) and not _dutch_word(word):
            return True
    return False


#: more verbs a note puts right after whom it called, mailed or visited: "Bakkal geappt", "Nowak langs geweest"
_NOTE_MORE_CONTACT_VERBS = {"geappt", "gewhatsappt", "gesmst", "belt", "belde", "mailt", "mailde", "heeft", "langs",
                            "ingelicht", "benaderd", "bereikt", "afgesproken"}


#: a word this frequent in pyspellchecker's Dutch word list is an ordinary word; surnames on no name list that a note
#: names (Bakkal, Kowalski, Yilmaz) are at its floor of 50 or absent
DUTCH_WORD_FREQUENCY = 200


@functools.lru_cache(maxsize=1)
def _dutch_frequencies():
    """pyspellchecker's Dutch word frequencies (from subtitles; about 340,000 words): loaded once, and only where a
    note's capitalised word before a verb of contact is to be judged (1.5 s, 70 MB)."""
    from spellchecker import SpellChecker

    return SpellChecker(language="nl", distance=1).word_frequency


def _dutch_word(word: str) -> bool:
    """Whether ``word`` is an ordinary Dutch word (:data:`DUTCH_WORD_FREQUENCY`), not a name."""
    return _dutch_frequencies()[word.lower()] >= DUTCH_WORD_FREQUENCY


#: In a note, a plate the writer calls one ("kenteken 12-ABC-3", "nummerbord: HH-AB-123"): whatever its letters (a
#: foreign plate, a typo, letters the RDW does not issue), a code of 4 to 8 letters and digits, both, after the word
_NOTE_PLATE = re.compile(r"(?i:\b(?:kenteken\w*|nummerbord\w*|kent\.|licen[cs]e\s?plates?|number\s?plates?)\b)"
                         r"[\s:.#\-]*([A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,4}){0,3})(?![A-Za-z0-9\-])")


def _note_plate(text: str) -> bool:
    for m in _NOTE_PLATE.finditer(text):
        code = m.group(1).replace("-", "")
        if 4 <= len(code) <= 8 and any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return True
    return False


def note_kind(note: str) -> str | None:
    """The kind of the first personal item in a short free-text note a person typed, else None.

    Stricter than :func:`scan_values`, which must leave millions of cells of codes and categories clean: a note
    about a flag names the resident it is about as people type, so a first name of the name list on its own and
    in any case ("gesproken met jan", "Fatima belt terug") counts too, and so do a capitalised surname ("Smit
    gebeld", "casus Van Dijk loopt"), an e-mail address without its domain ("mail van j.bakker") and nine digits, a
    phone number a spreadsheet kept without its 0 (528123456). A note dropped for a word that only looks like a name
    costs little: the answer is kept and the team is told.

    A surname on no list is read after a word for a person or a verb of contact ("buurman Kowalski klaagt", "gesproken
    met Wójcik"), after a title in any case ("meneer kowalski"), and in a note all in capitals before a verb of contact
    ("KOWALSKI GEBELD"), unless it is an organisation's, an office's, a place's or a common word
    (:func:`_not_a_name`). The trade-off, measured on the ordinary notes of tests/pipelines/test_feedback_notes.py: a
    capitalised ordinary word after such a word drops the note ("melder Zwerfafval", "huurder Woonconcern
    ingelicht"); a lower-case word after "gesproken met" is not read, since "gesproken met handhaving" is as common as
    "gesproken met kowalski" and no list tells them apart.
    """
    kind = scan_values(pd.Series([note]), counts=False).iloc[0]
    if kind is not None:
        return kind
    text = _normalise(note)[0]
    if _note_plate(text):
        return "kenteken"
    if _NOTE_ADDRESS.search(text):
        return "adres"
    streets = _places()[1]
    for m in _NOTE_NAME_HOUSE.finditer(text):
        words = m.group(1).lower().split()
        if any(" ".join(words[k:]) in streets for k in range(len(words))):
            return "adres"
    first, surname, after_tv, tvs, titles = _lists()
    words = [m.group().rstrip(".") for m in _WORD.finditer(text)]
    for k, before in enumerate(words):          # "gesproken met brinkhuis", "gebeld bakker-de vries"
        if before.lower() in _NOTE_BEFORE_A_NAME | _NOTE_PERSON_WORDS and _note_surname(words[k + 1:], surname,
                                                                                         after_tv, tvs, titles):
            return "naam"
    for m in _WORD.finditer(_normalise(note)[0]):
        word = m.group().rstrip(".").title()            # "jan-willem" read as "Jan-Willem"
        if len(word) >= 3 and word not in _NOTE_WORDS and _parts_in(word, first, every=False):
            return "naam"
    if _note_capitalised_name(text, surname, after_tv, tvs, titles):     # "De Vries besproken", "Smit gebeld"
        return "naam"
    if _note_unlisted_name(text):                       # "buurman Kowalski klaagt", "meneer kowalski"
        return "naam"
    if _note_email_local_part(text):                    # "mail van j.bakker ontvangen"
        return "e-mail"
    if _note_nine_digits(text):                         # 0528 123456 kept by a spreadsheet as 528123456
        return "telefoonnummer"
    if _note_foreign_phone(text):                       # "bel 0470/12.34.56"
        return "telefoonnummer"
    if _NOTE_STREET.search(text) or (_NOTE_STREET_WORD.search(text) and _NOTE_HOME_CONTEXT.search(text)):
        return "adres"                                  # "portiek 14 Kerkstraat", "woont ... aan de Markt 3"
    if _note_old_date(text):                            # "12 maart 1961"
        return "geboortedatum"
    if _note_contact_name(text) or _note_initials_glued(text):     # "Bakkal gebeld", "jjansen gebeld"
        return "naam"
    return None


#: a whole value that is a date or timestamp as systems write them ("2026-11-20T12:00:00+01:00", "2026-11-20 08:15:00.123"):
#: digits in fixed places only, no personal item fits (a date of birth needs its keyword), and a million distinct ones (a
#: Signalen dump's ``created_at``) took a minute through the Python rules
_TYPED_TIMESTAMP = (r"(?:[12][0-9]{3}[-/][01][0-9][-/][0-3][0-9]|[0-3][0-9][-/.][01][0-9][-/.][12][0-9]{3})"
                    r"(?:[T ][0-2][0-9]:[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]{1,9})?)?)?(?:Z|[+-][01][0-9]:?[0-5][0-9])?")


#: a whole value of digits only, as an id is: no 0 in front (a phone number), not 31 (one with its country code), not
#: nine digits from a 6 (a mobile number a spreadsheet kept without its 0): those go through every rule
_PLAIN_ID = r"\s*(?:[1-24-9]|3[02-9])[0-9]*\s*"


def _number_kind(digits: str) -> str | None:
    """What every rule finds in a whole number of :data:`_PLAIN_ID`: eight or nine digits that pass the 11-test are a
    BSN (eight: one a spreadsheet kept without its 0, unless a CBS area code's digits), nine from a 6 go through the rules (a mobile number without
    its 0), nothing else is personal. The same answers as :func:`_first_kind`, measured on 32,000 random numbers of 1 to
    16 digits; a million distinct ids (a national export's report numbers) took minutes through the rules."""
    if len(digits) == 9 and digits[0] == "6":
        return _first_kind(digits)
    if len(digits) == 8 and digits in _area_codes():       # "19480313" of BU19480313
        return None
    return "bsn" if len(digits) in (8, 9) and _bsn_ok(digits) else None


#: a whole value that is a case or report number as municipal systems make them: an optional prefix of capitals, a year
#: and a sequence number ("2021-000123", "Z2021-000123", "MOR-2021-0001234"). Ten to twelve digits with one separator
#: and no letters after the prefix hold no phone number (Dutch ones start with 0 or 31, and none of the digits' runs
#: from a 0 is long enough), no BSN (nine digits; a sequence of five is left to the rules), no IBAN (too short), no date
#: (one separator) and no name; a million distinct ones (a national export) took minutes through the Python rules.
_CASE_NUMBER = (r"(?:(?:[A-Z]{1,4}|(?i:zaak|melding|meld|mld|signaal|case|ticket))[-_/. ]?)?"
                r"(?:19|20)[0-9]{2}[-_/.](?:[0-9]{1,4}|[0-9]{6,8})")
#: ... unless its prefix is a word that makes the number after it personal (a phone, BSN, birth or plate keyword)
_KEYWORD_PREFIX = r"(?i:tel|mob|gsm|bel|app|sms|nr|no|bsn|sofi|geb|gb|dob|kent|lid)[^A-Za-z]"


def scan_values(values: pd.Series, counts: bool | None = None) -> pd.Series:
    """Per element, the kind label of the first personal item in the value (by position), else None.

    Vectorised: a cheap regex prefilter runs over the column's distinct values (:func:`regex_mask`); only those
    that pass it get the exact checks (11-test, IBAN checksum, phone-number validity, name lists).

    A whole cell of eight digits is judged by its column (``counts``; None: judged from the values): in a column
    of text or codes (a category, a buurt code) one that passes the 11-test with a leading 0 is a BSN a spreadsheet
    stored as a number; in a column of numbers (counts, amounts) it is a number.
    """
    out = np.full(len(values), None, dtype=object)
    if len(values) == 0:
        return pd.Series(out, index=values.index, dtype=object)
    v = values
    if not isinstance(v.dtype, pd.StringDtype):
        v = v.where(v.notna()).astype("str") if v.dtype == object else v.astype("str")
    # each distinct value once: a column of dates, categories or buurt codes repeats a few hundred values
    codes, uniques = pd.factorize(v)
    distinct = pd.Series(uniques, dtype=v.dtype if isinstance(v.dtype, pd.StringDtype) else object)
    passes = regex_mask(distinct, _PREFILTER)
    if passes.any():                  # a typed timestamp passes the prefilter (as a plate's shape) but holds nothing
        typed = np.zeros(len(passes), dtype=bool)
        typed[passes] = regex_mask(distinct[passes], _TYPED_TIMESTAMP, full=True)
        passes = passes & ~typed
    if passes.any():                  # nor does a case number (:data:`_CASE_NUMBER`)
        case = np.zeros(len(passes), dtype=bool)
        case[passes] = regex_mask(distinct[passes], _CASE_NUMBER, full=True)
        if case.any():
            case[case] = ~regex_mask(distinct[case], "^" + _KEYWORD_PREFIX)
        passes = passes & ~case
    if passes.any():
        kinds = np.full(len(uniques) + 1, None, dtype=object)          # the last stands for a missing value (-1)
        # a whole number (an id) is judged by its digits alone (:func:`_number_kind`); the rest by every rule
        number = np.zeros(len(passes), dtype=bool)
        number[passes] = regex_mask(distinct[passes], _PLAIN_ID, full=True)
        kinds[:-1][number] = [_number_kind(t.strip()) for t in distinct[number]]
        rest = passes & ~number
        kinds[:-1][rest] = [_first_kind(t) for t in distinct[rest]]
        out[:] = kinds[codes]
    eight = np.append(distinct.str.fullmatch(_EIGHT_DIGITS.pattern, na=False).to_numpy(dtype=bool), False)[codes]
    if eight.any() and (counts if counts is not None else _numbers_column(values)):
        out[eight] = None                  # a count among counts
    plates = out == "kenteken"                  # the plate shape read only where a plate was found (Python's re, slow)
    if plates.any():
        plates[plates] = v[plates].str.fullmatch(_PLATE_ALONE.pattern, na=False, flags=PYTHON_RE).to_numpy(dtype=bool)
    if plates.any():
        out[plates & _common_shape(v)] = None      # a code shaped as most of its column's values: "ZT1234" among ids
    return pd.Series(out, index=values.index, dtype=object)


def _common_shape(values: pd.Series) -> np.ndarray:
    """Per value, whether more than half of the filled values of ``values``, and at least :data:`_A_COLUMN`, have its
    shape (digits as 9, letters as X): a column of codes or report numbers ("ZT1234", "ZT1235"), not one plate among
    other values, nor a cell alone."""
    text = values.fillna("").astype(str).str.strip()
    shape = text.str.replace(r"\d", "9", regex=True).str.replace(r"[A-Za-z]", "X", regex=True)
    filled = text.ne("")
    counts = shape[filled].value_counts()
    same = shape.map(counts).fillna(0).to_numpy(dtype=float)
    return (same / max(int(filled.sum()), 1) > 0.5) & (same >= _A_COLUMN) & filled.to_numpy(dtype=bool)


#: a whole cell of eight digits: a BSN with a leading 0 typed into a spreadsheet cell that stores numbers loses its 0
#: ("097329150" is shown and stored as 97329150; a number format 000000000 shows it again)
_EIGHT_DIGITS = re.compile(r"\s*[1-9]\d{7}\s*")
_PLAIN_NUMBER = re.compile(r"\s*[-+]?\d+(?:[.,]\d+)?\s*")
#: the fewest values of one kind that make a column of that kind (:func:`_numbers_column`, :func:`_common_shape`)
_A_COLUMN = 3


def _numbers_column(values: pd.Series) -> bool:
    """Whether more than half of the filled values of ``values``, and at least :data:`_A_COLUMN` of them, are plain
    numbers: a column of counts, amounts or numeric ids, in which eight digits are a number like the others, not a BSN
    a spreadsheet lost the 0 of. (One or two values are no column to judge by: a file of one report.)"""
    text = values.dropna().astype(str)
    text = text[text.str.strip().ne("")]
    numbers = text.str.fullmatch(_PLAIN_NUMBER.pattern)
    return int(numbers.sum()) >= _A_COLUMN and numbers.mean() > 0.5


@functools.lru_cache(maxsize=1)
def _area_codes() -> frozenset:
    """The digits of every CBS area code of wijkradar's national file ("16800101" of BU16800101): eight digits that are
    an area code typed without its letters are no BSN. Empty when the file is not installed."""
    return frozenset(code[2:] for (code,) in _national("code") if code[2:].isdigit())


#: a report number whose only digits beside an optional year are nine in a row: "202612345", "SIG-719977344",
#: "M-2026-582363007". About 1 in 11 such numbers passes the BSN 11-test, and 1 in 9 reads as a mobile number
#: without its 0: in a column of report numbers they are report numbers.
_ID_WITH_NINE_DIGITS = re.compile(r"[A-Za-z]{0,8}[-._/]?(?:(?:19|20)\d{2}[-._/]?)?\d{9}")


#: at most this share of a column's report numbers may read as personal numbers (random nine-digit numbers: about
#: one in five, by the 11-test or a leading 6); more, and the column holds personal numbers, not report numbers
REPORT_NUMBERS_PERSONAL_AT_MOST = 0.35


def report_numbers(values: pd.Series, kinds: pd.Series) -> pd.Series:
    """Per value of a column of report numbers: whether it is a report number although the scanner found ``kinds``
    in it (a BSN or a phone number, only as nine digits in a row: ``_ID_WITH_NINE_DIGITS``; a licence plate, when
    it has the column's own shape).

    It must have the shape (digits as 9, letters upper-cased) that at least half the column's numbers have, so a
    BSN typed among ``SIG-1234`` numbers stays personal, as does a number written as a phone number
    ("06-12345678"); and the column must not be a column of personal numbers: at most
    ``REPORT_NUMBERS_PERSONAL_AT_MOST`` of the numbers of that shape may read as one.
    """
    text = values.astype(str).str.strip()
    none = pd.Series(False, index=values.index)
    filled = text[text.ne("") & values.notna()]
    if filled.empty:
        return none
    shape = text.str.replace(r"\d", "9", regex=True).str.upper()
    counts = shape[filled.index].value_counts()
    dominant, n = counts.index[0], int(counts.iloc[0])
    if n < 0.5 * len(filled):
        return none
    found = (shape == dominant) & kinds.isin(["bsn", "telefoonnummer"]).to_numpy() & \
        text.str.fullmatch(_ID_WITH_NINE_DIGITS.pattern).fillna(False).astype(bool)
    # a system that numbers its reports like a licence plate (ZT1234): every number of that shape reads as one, so
    # the share rule does not apply; one of the column's own shape (with the history's numbers) is a report number
    plates = (shape == dominant) & kinds.eq("kenteken").to_numpy() & (n >= 3)
    return plates | (none if found.sum() > REPORT_NUMBERS_PERSONAL_AT_MOST * n else found)


#: The shape of a report number as wijkradar keeps it when it reads as a personal number (:func:`pseudonym`), in
#: any case (the ledger reads numbers upper-cased). Its hex digits read as a postcode and house number (or a BSN, a
#: phone number) one time in fifteen, but the shape alone proves nothing (``p-0612345678abcdefabcd`` holds a phone
#: number): only a pseudonym the warehouse holds is let through, by the load (``ingest._privacy_guard``).
PSEUDONYM = re.compile(r"[pP]-[0-9a-fA-F]{20}")


def pseudonym_shaped(values: pd.Series) -> pd.Series:
    """Per value, whether it has the shape of a pseudonym (:data:`PSEUDONYM`); empty cells are not."""
    return values.astype(str).str.fullmatch(PSEUDONYM.pattern).fillna(False).astype(bool)


def pseudonym(value: str, secret: bytes) -> str:
    """A report number kept as ``p-`` and 20 hex digits of its HMAC-SHA256 with the warehouse's secret
    (upper-cased first, as the ledger reads numbers): the same number always gives the same pseudonym, so
    deliveries and corrections still find the report, and nobody without the secret can tell the number."""
    return "p-" + hmac.new(secret, str(value).strip().upper().encode(), hashlib.sha256).hexdigest()[:20]


def split_items(frame: pd.DataFrame, columns: list[str]) -> dict[str, pd.Series]:
    """Per column of ``columns`` (in the frame's order), the kind of a personal item its value forms together with
    a neighbouring column's value in the same row, else None: a phone number or a BSN cut in two ("06-1357" | "2468"),
    a first name and its surname ("Gerrit" | "Brinkhuis", "Anna" | "de Vries", "J." | "Jansen"), a surname and its first
    name or initials ("de Vries" | "Jan", "Jansen" | "J.", as an unquoted "de Vries, Jan" spills over two cells of a
    comma file). Each half alone reads as nothing, so :func:`scan_values` passes it by. (An e-mail address cut after its
    "@" is found in its first half alone.) Each pair of neighbouring columns is read both ways round: the frame holds
    the columns in the source's order, not the file's.

    An address is cut in two as well: a postcode and, in a neighbouring column, its house number ("7901 AB" | "14"); a
    street and, in any other column of the row, a house number ("Kerkstraat" | "BU01185002" | "14", "Kerkstraat" |
    "veertien"). The street must be one by its ending (:data:`_SPLIT_STREET`), in a column that is no column of places
    (most of its values names of the national file: "Bentinckplein" | "14" is a buurt beside its count); a category
    beside a count ("Afval" | "14") stays.

    Only halves of the item's own shape are joined: digits and separators, not a date, nine to twelve digits
    together; a listed first name (or initials) and a listed surname, with or without a tussenvoegsel ("Jan" |
    "Zwerfafval" is a category). Both cells get the kind."""
    cols = [c for c in frame.columns if c in set(columns)]
    out = {c: np.full(len(frame), None, dtype=object) for c in cols}
    text = {c: _Distinct(frame[c]) for c in cols}
    _split_addresses(text, cols, out)
    digits = {c: text[c].mask(_SPLIT_LEFT_DIGITS.pattern) for c in cols}
    names = {c: text[c].mask(_SPLIT_NAME.pattern) for c in cols}
    for left_col, right_col in zip(cols, cols[1:]):
        left, right = text[left_col], text[right_col]
        rows = np.flatnonzero(digits[left_col] & digits[right_col] | names[left_col] & names[right_col])
        if not len(rows):
            continue
        # each pair of distinct values once: a category beside its subcategory repeats a few hundred pairs
        keys, at, of_row = np.unique(left.codes[rows].astype(np.int64) * len(right.uniques) + right.codes[rows],
                                     return_index=True, return_inverse=True)
        kinds = np.array([_split_pair(a, b) or _split_pair(b, a)
                          for a, b in zip(left.text.iloc[rows[at]], right.text.iloc[rows[at]])], dtype=object)
        found = kinds[of_row.ravel()]
        hit = found != None  # noqa: E711  (an object array: elementwise)
        out[left_col][rows[hit]] = found[hit]
        out[right_col][rows[hit]] = found[hit]
    return {c: pd.Series(out[c], index=frame.index, dtype=object) for c in cols}


class _Distinct:
    """A column's text as :func:`split_items` reads it (stripped, missing as empty) and its distinct values: a pattern
    is read once per distinct value (a column of categories or buurt codes repeats a few hundred)."""

    def __init__(self, values: pd.Series):
        self.text = values.astype("string").str.strip().fillna("")
        self.codes, uniques = pd.factorize(self.text)
        self.uniques = pd.Series(uniques, dtype=self.text.dtype)

    def mask(self, pattern: str, superset: str | None = None) -> np.ndarray:
        """Per value: whether it matches ``pattern`` whole (see :func:`regex_mask`)."""
        return regex_mask(self.uniques, pattern, full=True, superset=superset)[self.codes]


_SPLIT_LEFT_DIGITS = re.compile(r"[+(]?\d[\d \-./()]*")
_SPLIT_RIGHT_DIGITS = re.compile(r"\d[\d \-./()]*")
_SPLIT_WORD = re.compile(r"[^\W\d_][^\W\d_'’\-]+")
#: a whole cell that may be half a name: a word with up to three tussenvoegsels before it, or initials
_SPLIT_NAME = re.compile(r"(?:[a-z']{1,4} ){0,3}[^\W\d_][^\W\d_'’\-]+|(?:[A-Z]\.){1,4}")
_SPLIT_FIRST_SURNAME = re.compile(r"(?:[a-z']{1,4} ){0,3}[A-Z]\w+")
_SPLIT_SURNAME_FIRST = re.compile(r"(?:[a-z']{1,4} ){0,3}[A-Z][^\W\d_][^\W\d_'’\-]+")


def _split_pair(a: str, b: str) -> str | None:
    """The kind of the personal item the cell ``a`` and the cell ``b`` after it form (see :func:`split_items`)."""
    first, surname, after_tv = _lists()[:3]
    if a[0].isdigit() or a[0] in "+(":
        if not _SPLIT_RIGHT_DIGITS.fullmatch(b):
            return None
        joined = a + b
        if _DATETIME.fullmatch(a) or _DATETIME.fullmatch(b) or not 9 <= sum(c.isdigit() for c in joined) <= 12:
            return None
        kind = _first_kind(joined)
        return kind if kind in ("telefoonnummer", "bsn") else None
    if b[:1].isdigit():
        return None
    if _SPLIT_FIRST_SURNAME.fullmatch(b):                  # "Gerrit" | "Brinkhuis", "J." | "Jansen"
        word, last = _normalise(a)[0], _normalise(b)[0].split()[-1]
        initials = bool(_INITIALS.fullmatch(word))
        if (initials or (_SPLIT_WORD.fullmatch(a) and word.title() in first and word.title() not in _NOTE_WORDS)) \
                and _parts_in(last, after_tv, every=False):
            cue = word if initials else word.title()
            joined = cue + " " + b
            if any(s == 0 and e > len(cue) for s, e, _ in _name_spans(_normalise(joined)[0])):
                return "naam"
    if _SPLIT_SURNAME_FIRST.fullmatch(a):                  # "de Vries" | "Jan", "Jansen" | "J."
        words = _normalise(a)[0].split()
        last, nxt = words[-1], _normalise(b)[0]
        lw = last.lower()
        named = bool(_INITIALS.fullmatch(nxt)) or (_SPLIT_WORD.fullmatch(b) is not None and _is_cap(nxt) and
                                                   nxt in first and nxt not in _NOTE_WORDS and
                                                   nxt.lower() not in _WORD_NAMES)
        if named and lw not in _PLACE_WORDS and lw not in _OFFICES and not _AREA_SUFFIX.search(lw) and \
                _parts_in(last, after_tv if len(words) > 1 else surname, every=False):
            joined = _normalise(a)[0] + ", " + nxt
            if any(s == 0 and e == len(joined) for s, e, _ in _name_spans(joined)):
                return "naam"
    return None


#: a whole cell that is a street by its ending, with up to three words before it ("Kerkstraat", "Jan van Goyenlaan");
#: only the endings no category ends in ("Fietspad", "Weekmarkt", "Kerkhof" are no street here), not a road
_STREET_ENDINGS = "straat|straatje|weg|laan|plein|dijk|kade|singel|gracht|steeg|dreef|plantsoen|boulevard|allee"
_SPLIT_STREET = re.compile(r"\s*(?:[A-ZÀ-Þ][\w'’\-]*\.?\s+(?:" + _TV + r"\s+)*){0,3}(?!(?i:snel|rij|fiets|zand|auto|"
                           r"water|spoor|ring|hoofd|vaar|tol|voet)weg\s*$)[A-Za-zÀ-ÿ][\w'’\-]+?(?:" + _STREET_ENDINGS
                           + r"|(?<=\w\w)(?:str|ln)\.)\s*")
#: what every street of :data:`_SPLIT_STREET` holds, for RE2 (which runs no lookahead): its ending at the end
_SPLIT_STREET_ENDING = r"(?:" + _STREET_ENDINGS + r"|str\.|ln\.)\s*$"
_SPLIT_POSTCODE = re.compile(r"\s*[1-9]\d{3}\s?-?\s?[A-Za-z]{2}\s*")
#: a whole cell that is a house number: digits (no year) with a suffix letter or an addition, or Dutch words
_SPLIT_HOUSE = re.compile(r"\s*(?!(?:19|20)\d\d\s*$)\d{1,5}(?:\s?-?\s?[A-Za-z]{1,2}|\s?[-/]\s?\d{1,4})?\s*")


def _split_house(value: str) -> bool:
    return bool(_SPLIT_HOUSE.fullmatch(value)) or bool(re.fullmatch(r"\s*" + _HOUSE_WORD + r"\s*", _normalise(value)[0]))


def _split_addresses(text: dict[str, _Distinct], cols: list[str], out: dict[str, np.ndarray]) -> None:
    """Marks in ``out`` an address cut over the cells of a row (see :func:`split_items`): a postcode and a neighbouring
    column's house number, a street and a house number in another column."""
    if len(cols) < 2:
        return
    places = _place_names()
    for i, left_col in enumerate(cols):
        left = text[left_col]
        postcode = left.mask(_SPLIT_POSTCODE.pattern)
        street = left.mask(_SPLIT_STREET.pattern, superset=_SPLIT_STREET_ENDING)
        if street.any():
            filled = left.uniques.ne("").to_numpy(dtype=bool)
            place = np.array([_normalise(v)[0].lower() in places for v in left.uniques[filled]], dtype=bool)
            times = np.bincount(left.codes, minlength=len(left.uniques))[filled]
            if times.sum() and (times * place).sum() > 0.5 * times.sum():
                street[:] = False                   # a column of buurt names, some named after a street, and counts
        for row in np.flatnonzero(postcode | street):
            # the nearest column first: the next one, the one before, then further out
            others = sorted((c for c in cols if c != left_col), key=lambda c: (abs(cols.index(c) - i), cols.index(c) < i))
            if postcode[row]:
                others = [c for c in others if abs(cols.index(c) - i) == 1]
            right_col = next((c for c in others if _split_house(text[c].text.iloc[row])), None)
            if right_col is not None:
                out[left_col][row] = "adres"
                out[right_col][row] = "adres"


def scan_frame(frame: pd.DataFrame, columns: list[str] | None = None) -> dict[str, pd.Series]:
    """Column -> ``scan_values(frame[column])``, for the given columns (default: all)."""
    return {col: scan_values(frame[col]) for col in (frame.columns if columns is None else columns)}


def scrub_text(text: str) -> str:
    """``text`` with every personal item replaced by ``redaction(kind)`` (for messages, headers, cell values); a
    file, folder or member name in it (:data:`_FILE_NAMES`) is replaced by :func:`scrub_file_name`, so a message that
    prints a raw ``path.name`` is cleaned here."""
    text = str(text)
    for rule in _FILE_NAMES:
        text = rule.sub(lambda m: m.group(1) + _scrub_named(m.group(2)), text)
    spans = _spans(text)
    # a quoted value (a header, a sheet name in a list) is read as a value on its own too: "['Datum', 'brinkhuis
    # jeroen']" holds a name that starts its value
    for m in _QUOTED.finditer(text):
        group = 1 if m.group(1) is not None else 2
        spans += [(m.start(group) + a, m.start(group) + b, kind) for a, b, kind in _spans(m.group(group))]
    return _redact(text, spans)


_QUOTED = re.compile(r"'([^'\n]{1,200})'|\"([^\"\n]{1,200})\"")


def _scrub_named(name: str) -> str:
    """:func:`scrub_file_name`, its first removed part named by the kind of personal item found in it, if any."""
    from pipelines.privacy_files import MARKER

    if "://" in name:            # a URL wijkradar fetched from (open data), not a name anyone typed
        return name
    clean = scrub_file_name(name)
    found = _spans(name)
    if found and MARKER in clean:
        kind = min(found, key=lambda s: (s[0], _KIND_RANK[s[2]]))[2]
        clean = clean.replace(MARKER, redaction(kind), 1)
    return clean


#: A file or folder name in a message: the opening up to ``: `` when it ends in an extension ("meldingen jan
#: jansen.csv: the file is empty") or starts as an inbox file does ("meldingen_jansen_jan: refused, the folder ..."),
#: a quoted name with an extension or a folder ("the member 'map/jansen' ..."), or a word with an extension.
_EXT = r"\.(?i:csv|tsv|txt|xlsx|xlsm|xls|ods|json|zip|gz|tar|tgz|7z|rar|bz2|xz|xml|html?|pdf|docx?|parquet)"
_FILE_NAMES = (
    re.compile(r"(^|(?<=['\"]))([^'\"\n]{1,240}?" + _EXT + r")(?=: |['\"])"),
    re.compile(r"(^)((?i:meldingen|wijkteam|schulden|politie|cbs|terugkoppeling)[^\s:'\"]{0,200})(?=: )"),
    re.compile(r"((?<=['\"]))([^\s'\"]{0,200}/[^\s'\"]{1,200})(?=['\"])"),
    re.compile(r"(^|(?<=[\s(\[{,;:]))(?!verwijderd)([^\s'\"(),;]*[^\W\d_][^\s'\"(),;]*" + _EXT + r")(?![\w.])"),
)


def scrub_file_name(name: str) -> str:
    """A file (or archive member) name fit to store and show: kept by an allow-list (:mod:`pipelines.privacy_files`:
    delivery words, months, periods, place names, codes, ids), every other word removed ("meldingen_[verwijderd].csv"),
    since a person names a file as they type and a block-list of personal items passes by most names typed.

    An absolute path keeps its folders as a person chose them for wijkradar's working folders, as far as they hold no
    personal item (read as :func:`scrub_text` reads, and with the words capitalised) and none is a person's login
    (:func:`personal_folder`: ``/home/jjansen``); its last part, when it has a
    file's extension, is a name as above. Characters that are not printable (a byte that is no UTF-8 as a lone
    surrogate, a right-to-left override) are removed first: no part of a name anyone means, and they break a log line."""
    from pipelines.privacy_files import allowed_name

    name = "".join(ch for ch in str(name) if ch.isprintable())
    folder, sep, base = name.replace("\\", "/").rpartition("/")
    if not sep:
        return allowed_name(name)
    if not (folder.startswith("/") or re.match(r"[A-Za-z]:", folder) or folder == ""):
        return "/".join(allowed_name(part) for part in folder.split("/")) + "/" + allowed_name(base)
    if not re.search(_EXT + r"$", base):       # a folder's own path ("where a held file lies"): all its folders
        folder, base = name.replace("\\", "/"), ""
    words = re.sub(r"[A-Za-z]+", lambda m: m.group().capitalize(), re.sub(r"[_\-.]", " ", folder))  # same length
    listed_only = _UNLISTED.set(False)
    try:
        capitalised = [span for span in _spans(words) if span[2] == "naam"]
    finally:
        _UNLISTED.reset(listed_only)
    folder = _redact(folder, _spans(folder) + capitalised)
    folder = "/".join(redaction("naam") if personal_folder(part) else part for part in folder.split("/"))
    return folder + ("/" + allowed_name(base) if base else "")


#: tussenvoegsels as a login glues them to the surname, longest first
_GLUED_TUSSEN = ("vanden", "vander", "vande", "van", "den", "der", "ter", "ten", "de", "te")


def personal_folder(part: str) -> bool:
    """Whether one folder of a path is a person's login, as systems make them from a name: a listed first name
    (``/home/jan``), a surname of the lists that is no Dutch word nor a place's (``/home/kloosterboer``; not
    ``/home/visser``, nor the ``root`` of ``pytest-of-root``), or one or two initials glued to a surname
    (``/home/jjansen``); a word of wijkradar's file names or labels (``sociaal_domein``, ``exports``) is none, and so
    is a folder of more than three words (English words are on no list of Dutch words: "with" is a surname). The
    scrubber reads a path as one text, where such a word is no name (red team 10a F6)."""
    from pipelines.privacy_files import _vocabulary

    first, after_tv = _lists()[0], _lists()[2]
    ordinary, words, places = _label_vocabulary(), _vocabulary()[0], _place_words()
    found = [w for w in re.split(r"[^a-z]+", _normalise(str(part))[0].lower()) if w]
    if len(found) > 3:          # a login is one to three words; more is a description ("test_a_held_file_with_a_...")
        return False
    surname = lambda w: len(w) >= 4 and w.title() in after_tv      # noqa: E731
    initials = lambda w: len(w) == 1 or (len(w) == 2 and not re.search("[aeiouy]", w))     # noqa: E731
    joined = ["".join(found)] if len(found) > 1 and len(found[0]) == 1 else []       # ``j.de.vries`` as one too
    for i, word in enumerate([*found, *joined]):
        # initials before a surname of the lists, even one that is a Dutch word or a place (``j.bakker``), and a
        # surname after a tussenvoegsel glued to initials (``jdevries``, ``jvandenberg``; not ``denhaag``): the most
        # common Dutch surnames carry one (red team 11a F3); "of" in ``pytest-of-root`` is no initial
        after = found[i + 1] if i + 1 < len(found) else ""
        if initials(word) and (surname(after) or any(after.startswith(tv) and surname(after[len(tv):])
                                                     for tv in _GLUED_TUSSEN)):
            return True
        if any(initials(word[:k]) and word[k:].startswith(tv) and surname(word[k + len(tv):])
               for k in (1, 2) for tv in _GLUED_TUSSEN):
            return True
    for word in found:
        if len(word) < 3 or word in ordinary or word in words or word in places:
            continue
        name = word.title()
        if name in first or (len(word) >= 4 and name in after_tv and name not in _surname_words()):
            return True
        if any(len(word) - k >= 4 and word[k:] not in places and word[k:].title() in after_tv for k in (1, 2)):
            return True
    return False


def shown_file_name(name: str) -> str:
    """A file name as wijkradar prints and logs it: personal items scrubbed (:func:`scrub_file_name`), bytes that
    are not UTF-8 (a name from an old zip tool or a Windows share, decoded by Python with lone surrogates, which a log
    handler cannot write) read as Windows-1252, and control and direction characters (U+202E turns the rest of a
    line around on screen) shown as ``?``."""
    raw = str(name).encode("utf-8", "surrogateescape")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = "".join("?" if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch for ch in text)
    return scrub_file_name(text)


#: Words a sheet name or a column header may show beside those of a file name (privacy_files' allow-list): what
#: deliveries call their sheets and columns. The sources' own header aliases are added when the label is shown.
_LABEL_WORDS = frozenset("""
datum categorie hoofdcategorie subcategorie aantal aantallen status omschrijving toelichting type soort signaaltype
nummer meldingnummer id locatie domein thema bron schuldeiser schuldeisers aangemaakt gemaakt afgehandeld gesloten
open blad tabel table sheet som count area period signal category created main sub value waarde eenheid bedrag
huishoudens personen melddatum tijd adres naam telefoon email mail bsn iban geboortedatum kenteken opmerking
kolom veld gebied buurtnaam wijknaam regio gemeentecode wijkcode vaste lasten partner sinds gewijzigd afdeling
gegevens draaitabel pivot blad1 blad2 blad3 sheet1 sheet2 sheet3 hidden verborgen info legenda unnamed voorblad
titelblad tabblad uitleg instructie instructies samenvatting resultaten resultaat grafiek grafieken brondata ruw ruwe
invoer uitvoer berekening berekeningen kaart notities readme lees mij
""".split()) | frozenset(w for words in _NAME_STRONG for w in words.split()) | frozenset("""
tel telnr nr telefoonnr telefoonnummer telefoonnummers mobiel mobielnummer mobile mob gsm fax phone telephone
geb gebdat geboorte geboortedag geboortejaar geboren dob birth birthday emailadres mailadres address adressen
woonadres huisnummer huisnr hnr huisletter toevoeging postcode straat straatnaam woonplaats rekening rekeningnummer
reknr bankrekening banknummer kenteken nummerbord burgerservicenummer sofi ssn
""".split())


@functools.lru_cache(maxsize=1)
def _label_vocabulary() -> tuple[str, ...]:
    """:data:`_LABEL_WORDS` (with the words of personal headers, shown when a column is dropped for one: "Tel.
    [verwijderd]" for "Tel. Jansen", a contact per column) and every word
    of the sources' header aliases (``ALIASES``), read once."""
    import importlib

    words = set(_LABEL_WORDS)
    for name in ("meldingen", "schulden", "wijkteam", "politie", "signalen_dwh"):
        try:
            aliases = getattr(importlib.import_module(f"pipelines.sources.{name}"), "ALIASES", {})
        except ImportError:
            continue
        words.update(w for key, names in aliases.items() for text in (key, *names) for w in re.findall(r"[a-z]+", text))
    return tuple(sorted(words))


def shown_label(label) -> str:
    """A sheet name or a column header as a message shows it: scrubbed (:func:`scrub_text`), then kept by the
    allow-list of file names and of sheet and column words (:data:`_LABEL_WORDS`, the sources' header aliases), every
    other word replaced by ``[verwijderd]``. A label is typed as freely as a file name, and a person's name in it
    ("Agnieszka Nowicka" as a sheet, "Wiktor Kaminski" as a header) need not be on any name list."""
    from pipelines.privacy_files import allowed_name

    return allowed_name(scrub_text(str(label)), keep=_label_vocabulary())


def shown_labels(labels) -> str:
    """A list of sheet names or column headers as a message shows it: ``['Buurtcode', '[verwijderd]']``."""
    return str([shown_label(label) for label in labels])


#: quotes around a value: no part of a personal item, so a redaction leaves them ("['Datum', '[verwijderd: naam]']")
_QUOTES = "'\"‘’“”`"


def _redact(text: str, spans: list[tuple[int, int, str]]) -> str:
    spans = [(a, b, kind) for a, b, kind in ((*_trim_quotes(text, start, end), kind) for start, end, kind in spans)
             if b > a]
    spans = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]), _KIND_RANK[s[2]]))
    out, pos = [], 0
    for start, end, kind in spans:
        if start < pos:          # overlaps an item already replaced: extend it if it reaches further
            if end > pos:
                pos = end
            continue
        out.append(text[pos:start])
        out.append(redaction(kind))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _trim_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the quotes it begins or ends with (a name rule reads "Jansen'" as a word)."""
    while end > start and text[end - 1] in _QUOTES:
        end -= 1
    while start < end and text[start] in _QUOTES:
        start += 1
    return start, end


def personal_ids(frame: pd.DataFrame, columns: list[str]) -> tuple[str, str, np.ndarray] | None:
    """The first of ``columns`` whose header or values hold personal data: (column, kind, rows), with
    ``rows`` the positions of the values found (empty when the header itself is personal); else None.

    For the identifiers a command writes back out (series ids, area codes): such a file is refused
    rather than echoed, since an id cannot be redacted without losing what it identifies.
    """
    for col in columns:
        kind = header_kind(str(col))
        if kind:
            return str(col), kind, np.zeros(0, dtype=np.int64)
        kinds = scan_values(frame[col].astype("string"))
        rows = np.flatnonzero(kinds.notna().to_numpy())
        if len(rows):
            return str(col), str(kinds.iloc[rows[0]]), rows
    return None
