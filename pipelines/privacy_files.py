"""File names kept by an allow-list: a file name is free text a person typed, and needs to carry no words.

A name is split into words (on ``_ - . space`` and where letters meet digits or a capital follows a small letter);
a word is kept only if it is a word of a delivery (source prefixes, the words wijkradar writes into its own file
names and the names of its reference files, months, periods), a municipality or wijk name, an area code, a date- or
period-like number, or a long hex id; every run of other words becomes one ``[verwijderd]``. The pages of a
period's report (``index.html``, ``02-flags-review.html``) are kept whole.
"meldingen_jansen_jan.csv" is stored and shown as "meldingen_[verwijderd].csv". Pure module (re, gzip, csv); the
place names are read once, lazily.
"""
from __future__ import annotations

import csv
import functools
import gzip
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from pipelines.codes import AREA_CODE

#: What replaces every run of words that are not on the allow-list.
MARKER = "[verwijderd]"

#: Words a delivered file name may hold: the sources' prefixes, what wijkradar itself writes into file names
#: (``<source>_correctie_<load>.csv``, ``meldingen_export_<week>.csv``, ``wijkteam_signalen_tm_<month>.xlsx``,
#: the members of a Signalen dump and the parts of a workbook its messages name,
#: team slugs, the folders and files of a working folder: ``reports/open_gepubliceerd.parquet``, which an error of
#: the system names), and the words people use for a delivery.
_WORDS = frozenset("""
meldingen melding wijkteam wijkteams schulden schuld politie cbs kwb signalen signaal dwh terugkoppeling correctie
correcties export exports levering leveringen week weken wk maand maanden jaar jaren kwartaal kwartalen totaal
totalen definitief def concept versie v nieuw nieuwe kopie copy of final data dump lijst lijsten update deel part
tm t m van tot en met per vanaf incl excl gemeente wijk wijken buurt buurten team teams manifest demo truth risk
overzicht rapport rapportage bestand bijlage extract selectie periode dag dagen vandaag gisteren actueel oud old
new test sample voorbeeld compleet volledig aanvulling herzien herziene revisie rev fix ok alle all dubbel
signals locations categories fout foutief herstel hersteld goed opnieuw zonder kop koppen header headers als
buurtcode buurtcodes wijkcode code codes kolom kolommen rij rijen leeg lege extra adressen
centrum noord oost zuid west midden binnenstad buitengebied dorp stad kern zuidoost zuidwest noordoost noordwest
januari februari maart april mei juni juli augustus september oktober november december
jan feb mrt mar apr jun jul aug sep sept okt oct nov dec
january february march may june july august october
q w k groot klein big small handmatig automatisch aangepast gecorrigeerd origineel bron systeem
shared strings sharedstrings workbook worksheets worksheet sheet sheets blad styles xl rels content types
ingevuld ingevulde invullen antwoord antwoorden beantwoord beantwoorde terugkoppelingen retour terug reactie reacties
opmerking opmerkingen commentaar teamoverleg overleg besproken bespreking aangevuld bijgewerkt gecontroleerd
gedeeltelijk deels eerste tweede derde laatste wijkradar signalenlijst signaallijst weeklijst jaarplan
full partial delta incremental late later laat nalevering vervolg weekly monthly daily wekelijks maandelijks dagelijks
venster window bladen blad1 blad2 kop
reports open gepubliceerd inbox archive archief warehouse duckdb wal
nacht nachten ochtend middag avond weekend werkdag werkdagen feestdag feestdagen tijd tijden tijdstip tijdstippen
tijdzone zomertijd wintertijd datum data
uur uren maandag dinsdag woensdag donderdag vrijdag zaterdag zondag tz utc cet cest
afval zwerfafval overlast jeugd geluid verkeer intern extern bewerkt gefilterd opgeschoond anoniem geanonimiseerd
uitdraai download backup vorige huidige nieuwste recent
historie historisch historische geschiedenis history historic backfill herlevering inhaal inhaallevering
startlevering beginstand eerdere eerder oudere ouder voorgaande
""".split())

#: Listed words of a few letters that may as well be a person's initials ("meldingen_tz.csv" a time zone,
#: "meldingen_tz_jansen.csv" T.Z. Jansen): kept as a word that may be a name is, only when no word beside it went.
_INITIALS_ALIKE = frozenset("tz utc cet cest".split())

#: The pages of a period's report (``reports/2026-W47/``), named whole: names wijkradar itself writes, which an error
#: of the system names ("02-flags-review.html: permission denied"). Whole names, not words: "map" or "review" beside
#: anything else is judged as any word is.
OWN_PAGES = frozenset({"index.html", "01-trends.html", "02-flags-review.html", "03-map.html"})

#: Extensions kept as the name's last part.
_EXTENSIONS = frozenset("csv tsv txt xlsx xlsm xls ods json zip gz tar tgz 7z rar bz2 xz xml html htm pdf docx doc parquet".split())

#: A word of the allow-list that is also a first name or surname ("jan", "april", "Assen") is kept only when no
#: word beside it was removed: "meldingen_jan_2026.csv" keeps it, "meldingen_jan_jansen.csv" does not.
_MONTH_DAYS = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12]\d|3[01])"
_PERIOD = re.compile(
    r"\d{1,4}"                                                   # a week, month, year, count: 47, 11, 2026
    r"|20\d{2}" + _MONTH_DAYS + r"(?:" + _DAY + r")?"              # 202611, 20261126 (not a birth date of 1961)
    r"|" + _DAY + _MONTH_DAYS + r"20\d{2}"                          # 26112026 (a delivery date, this century)
    r"|(?:w|wk|week|q|k|m|v|p|t)\d{1,2}[a-z]?"                      # w47, q3, v2, week45, W47b (a second part)
    r"|20\d{2}(?:w|wk|q|k|m)\d{1,2}[a-z]?",                         # 2026w47, 2026q3
    re.I)
#: A month or week of this century: 2026-11, 2026_1, 2026-47, 202611.
_PERIOD_OF_YEAR = r"20\d{2}(?:[-_. ](?:0?[1-9]|[1-4]\d|5[0-3])|0[1-9]|1[0-2])"
#: Numbers apart only by separators, read as one: a date or period of this century ("2026-11-26", "26-11-2026",
#: "2026_47"), a range of months or weeks ("2022-01_2025-12", "202201_202512", "2026-40_2026-47") or two small
#: numbers ("1-2");
#: "748.526.055", "06-47-38-19-26", "12-03-1961" are no period.
_NUMBER_RUN = re.compile(r"\d{1,2}[-_. ]\d{1,2}|20\d{2}[-_. ]\d{1,2}(?:[-_. ]\d{1,2})?|\d{1,2}[-_. ]\d{1,2}[-_. ]20\d{2}"
                         r"|20\d{2}[-_. ]20\d{2}|" + _PERIOD_OF_YEAR + r"[-_. ]" + _PERIOD_OF_YEAR)
#: A long hex id (a load id's hash, ``meldingen-3f2a9c1b7e4d``): at least 10 characters, 3 letters a-f, and no run
#: of 7 digits (a personal number).
_HEX_ID = re.compile(r"(?=(?:[0-9]*[a-f]){3})(?!.*\d{7})[0-9a-f]{10,64}", re.I)
#: An area code: GM0118, WK011801, BU01180101, BU0363TA05 (pipelines.codes).
_AREA_CODE = re.compile(AREA_CODE, re.I)
#: Street names are never kept, also not as a wijk's name: with a number they are an address.
_STREETLIKE = re.compile(r"(?:straat|weg|laan|plein|dijk|kade|singel|gracht|steeg|dreef|pad|hof|erf)$")
#: The markers wijkradar writes, kept as they are so that a scrubbed name reads the same scrubbed again.
_KEPT_MARKER = re.compile(r"\[verwijderd(?:: [a-z\-]+)?\]")
#: Words and what is between them: markers, runs of letters or digits, separators.
_PIECE = re.compile(r"\[verwijderd(?:: [a-z\-]+)?\]|[^\W\d_]+|\d+|[_\-.\s]+|.", re.S)

_NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national" / "regios_kwb2024_misdrijven2021_2024.csv.gz"
_DATA = Path(__file__).with_name("privacy_data")
#: wijkradar's own reference files (the demo profile; ``wijkradar init`` writes a profile with the same names): a
#: message that names one ("not mapped in meldingen_categorieen.csv") must keep the name
_REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


@functools.lru_cache(maxsize=1)
def _persons() -> frozenset:
    """Every first name, surname and tussenvoegsel of the lists in ``privacy_data``, folded."""
    persons = set()
    for name in ("voornamen.txt", "achternamen.txt", "tussenvoegsels.txt"):
        persons |= {_fold(w) for line in (_DATA / name).read_text(encoding="utf-8").splitlines() for w in line.split()}
    return frozenset(persons)


@functools.lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset, frozenset, frozenset]:
    """(words kept; the kept words that may also be part of a person's name: a first name, surname or tussenvoegsel;
    the runs of two or more words of municipality and wijk names, "de weide", so such a run is a place)."""
    persons = _persons()
    places: list[list[str]] = [["de", "weide"], ["centrum", "noord"], ["zuid", "oost"], ["dorpen", "zuid"],
                               ["dorpen", "noord"]]
    try:
        with gzip.open(_NATIONAL, "rt", encoding="utf-8", newline="") as fh:
            places += [[_fold(w) for w in re.split(r"[\W\d_]+", row["naam"]) if w] for row in csv.DictReader(fh)
                       if row["regio_type"] in ("gemeente", "wijk")]
    except OSError:                                 # an installation without the national files: the fixed words
        pass
    words = set(_WORDS) | set(_EXTENSIONS) | {"dorpen"}          # "x.csv.manifest.json"
    try:
        words.update(_fold(w) for path in _REFERENCE.iterdir() for w in re.findall(r"[^\W\d_]+", path.name))
    except OSError:                                 # an installation without the reference files
        pass
    runs = set()
    for place in places:
        words.update(w for w in place if len(w) > 1 and not _STREETLIKE.search(w))
        runs.update(" ".join(place[i:j]) for i in range(len(place)) for j in range(i + 2, len(place) + 1))
    return frozenset(words), frozenset(words & persons) | _INITIALS_ALIKE, frozenset(runs)


def _split(name: str) -> list[tuple[str, bool]]:
    """``name`` as (piece, is a word) pairs; a word is a run of letters, digits or a marker, split where a capital
    follows a small letter ("JanJansen", "JBrinkhuis" as "J", "Brinkhuis")."""
    pieces = []
    for m in _PIECE.finditer(name):
        text = m.group()
        if re.fullmatch(r"[^\w\[\]]+|_+", text):       # separators and signs ("(2)", "+", "@") are no words
            pieces.append((text, False))
        elif text.isalpha():
            # a small letter is any letter but A-Z (the second run's class): "Súdwest" is one word, not "S", "údwest"
            pieces += [(p, True) for p in re.findall(r"[A-Z]+(?![^\WA-Z\d_])|[A-Z]?[^\WA-Z\d_]+|[^\W\d_]", text)]
        else:
            pieces.append((text, True))
    return pieces


def _kept(word: str, words: frozenset) -> bool:
    if any(rule.fullmatch(word) for rule in (_KEPT_MARKER, _PERIOD, _AREA_CODE, _HEX_ID)):
        return True
    if len(word) == 1 and word.isalpha():          # "meldingen_a.csv": a part's letter, or an initial (see below)
        return True
    return _fold(word) in words


def allowed_name(name: str, keep: Iterable[str] = ()) -> str:
    """``name`` with every word off the allow-list replaced, a run of them by one :data:`MARKER`; its extension kept
    (``privacy.scrub_file_name`` has removed the characters that are not printable).

    ``keep``: codes a working folder gives its own things, kept as words of the allow-list (its wijkteams' codes,
    ``team-a``, ``jeugd-oost``: no personal data, and what names a returned list)."""
    if name in OWN_PAGES:
        return name
    words, ambiguous, runs = _vocabulary()
    codes = [[_fold(w) for w in re.findall(r"[^\W\d_]+", code)] for code in keep]
    if codes:                                     # a word of a code that may be a name goes with a removed neighbour
        words = words | {w for code in codes for w in code}
        ambiguous = ambiguous | ({w for code in codes for w in code} & _persons())
        runs = runs | {" ".join(code[i:j]) for code in codes for i in range(len(code)) for j in range(i + 2, len(code) + 1)}
    stem, dot, ext = name.rpartition(".")
    if not (dot and stem and ext.lower() in _EXTENSIONS):
        stem, dot, ext = name, "", ""
    # glued pieces such as "2026-W47" or "Kerkstraat14" are single words here as far as the allow-list goes:
    # a chunk between separators is kept whole when it reads as a period, code or hex id
    pieces: list[tuple[str, bool, int]] = []          # (piece, is a word, the chunk it is part of)
    for n, m in enumerate(re.finditer(r"\[verwijderd(?:: [a-z\-]+)?\]|[_\-.\s]+|[^_\-.\s\[]+|\[", stem)):
        chunk = m.group()
        if _KEPT_MARKER.fullmatch(chunk):
            pieces.append((chunk, True, n))
        elif re.fullmatch(r"[_\-.\s]+", chunk):
            pieces.append((chunk, False, n))
        elif _PERIOD.fullmatch(chunk) or _AREA_CODE.fullmatch(chunk) or _HEX_ID.fullmatch(chunk):
            pieces.append((chunk, True, n))
        else:
            pieces += [(p, is_word, n) for p, is_word in _split(chunk)]
    keep = [(not is_word) or _kept(p, words) for p, is_word, _ in pieces]
    at = [i for i, (_, is_word, _) in enumerate(pieces) if is_word]
    # a single letter may be an initial: kept as a word that may be a name is ("meldingen_a.csv", not "..._j_jansen")
    name_like = [_fold(pieces[i][0]) in ambiguous or (len(pieces[i][0]) == 1 and pieces[i][0].isalpha()) for i in at]
    # a run of listed words that may be a name ("anna bos", "de vries") is kept only when it is a place's run of
    # words ("de weide"); such a word, a number of up to 3 digits (a house number: "kerkstraat_14") and a number glued
    # to a word (the "73" of "brinkhuis73") go with a removed word beside them: "meldingen_jan_2026.csv" keeps
    # "jan", "meldingen_jan_jansen.csv" does not
    start = 0
    while start < len(at):
        end = start
        while end + 1 < len(at) and name_like[start] and name_like[end + 1]:
            end += 1
        if end > start and " ".join(_fold(pieces[at[k]][0]) for k in range(start, end + 1)) not in runs:
            for k in range(start, end + 1):
                keep[at[k]] = False
        start = end + 1
    n = 0
    while n < len(at):                             # numbers apart by separators only: judged as one
        end = n
        while end + 1 < len(at) and pieces[at[end]][0].isdigit() and pieces[at[end + 1]][0].isdigit() and \
                at[end + 1] == at[end] + 2 and re.fullmatch(r"[-_. ]", pieces[at[end] + 1][0]):
            end += 1
        if end > n and not _NUMBER_RUN.fullmatch("".join(p for p, _, _ in pieces[at[n]:at[end] + 1])):
            if not _dated_beside_part_numbers(pieces, at, n, end):
                for k in range(n, end + 1):
                    keep[at[k]] = False
        n = end + 1
    changed = True
    while changed:
        changed = False
        for n, i in enumerate(at):
            number = pieces[i][0].isdigit()
            if not keep[i] or not (name_like[n] or number):
                continue
            beside = [at[k] for k in (n - 1, n + 1) if 0 <= k < len(at)]
            if number and len(pieces[i][0]) > 3:       # a year or a week of a year stands on its own, unless glued
                beside = [j for j in beside if pieces[j][2] == pieces[i][2]]
            if any(not keep[j] for j in beside):
                keep[i], changed = False, True
    text = "".join(piece if k else MARKER for (piece, _, _), k in zip(pieces, keep))
    # a run of removed words is one marker: how many words were removed says something too
    text = re.sub(r"\[verwijderd\](?:(?:[^\w\[\]]|_)*\[verwijderd\])+", MARKER, text)
    return text + (dot + ext if dot else "")


def _dated_beside_part_numbers(pieces: list, at: list, n: int, end: int) -> bool:
    """Whether the run of numbers ``at[n..end]`` (no period as a whole) is a number of up to 3 digits glued to a word
    (a part's number: "export2") and a date or period with a year of this century beside it ("export2_2026-W47",
    "deel3_26-11-2026"): the date is then kept, and the glued number is judged as a number glued to its word (it goes
    when its word goes: "jansen2_2026" keeps only the year). A run without such a year ("export1_12_03",
    "12_03_1961export") stays one run and goes, as a birth date's day, month and year would."""
    def part_number(k: int, side: int) -> bool:
        i, j = at[k], at[k] + side
        return (len(pieces[i][0]) <= 3 and 0 <= j < len(pieces) and pieces[j][2] == pieces[i][2]
                and pieces[j][0].isalpha())

    first, last = n, end
    if part_number(first, -1):
        first += 1
    if last >= first and part_number(last, +1):
        last -= 1
    if (first, last) == (n, end) or first > last:
        return False
    numbers = [pieces[at[k]][0] for k in range(first, last + 1)]
    rest = "".join(p for p, _, _ in pieces[at[first]:at[last] + 1])
    return any(re.fullmatch(r"20\d{2}", x) for x in numbers) and (first == last or bool(_NUMBER_RUN.fullmatch(rest)))
