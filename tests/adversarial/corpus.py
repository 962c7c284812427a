"""A seeded adversarial corpus of municipal deliveries, each file with the outcome the spec asks for.

``write_corpus(folder, seed)`` writes every file (deterministically: same seed, same bytes) and
returns one :class:`Case` per file; ``plan(seed)`` returns the same cases without writing (used to
parametrise tests at collection time). Files use the REAL layouts (meldingen export, wijkteam and
schulden count tables, the Signalen data-warehouse zip/folder), real Hoogeveen buurt codes
(``data/reference/gebiedsindeling_2024.csv``), mapped categories and dates before 2026-11-26.
Personal values are drawn from a seeded generator (names, e-mails, phone numbers in several
notations, BSNs that pass the 11-test in several notations, street + house number, birth dates).

Classes of problem (``Case.klass``), with the expected outcome (the target behaviour):

privacy-unused-columns     personal columns the source does not use (Naam melder, E-mail, Telefoonnr.,
                           Cliënt, Woonadres, Geb.datum, BSN, free-text Omschrijving/Toelichting with
                           names/phones/BSNs in sentences; Signalen text/reporter/address) -> dropped on
                           read, the file loads, none of their values stored anywhere.
privacy-used-column-rows   a personal value in a USED column in a few rows -> those rows quarantined
                           ("personal data"), the value stored only redacted; the rest loads.
privacy-used-column-most   a used column with personal values in most rows -> refused, message says
                           "personal data" and names the column, never contains a value.
privacy-evasion            the same values written to slip past a character-level scanner: a zero-width
                           space inside a mobile number, full-width digits, a Belgian IBAN, +31 without the
                           plus, jan(at)ziggo.nl -> those rows quarantined, no form of the value stored.
privacy-obfuscated-digits  numbers a hostile sender hid: letters for digits ("O6-l2345678", "bsn: 5823630O7",
                           "NL91 ABNA O417 ..."), digits spelled out ("nul zes vier een ...", a BSN in words) ->
                           those rows quarantined, neither the written nor the digit form stored.
delivery-ids-like-personal-numbers  report numbers of nine digits (year and sequence) that pass the BSN 11-test
                           -> counted (kept as pseudonyms, never as written); one written as a phone number ->
                           quarantined.
privacy-spaced-names       names spelled letter by letter ("J a n s e n", "P. J A N S E N", "dhr. V.r.i.e.s",
                           "Jan B-a-k-k-e-r") -> those rows quarantined, the name stored in no form.
privacy-new-notations      a street glued to its number ("Kerkstraat14"), a lower-case postcode + number, a lower-case
                           name after 'van', a name surname first ("Jansen, Anna"), a BSN one digit at a time, a licence
                           plate -> those rows quarantined, no form of the value stored.
privacy-file-name          a person's name in the file name (meldingen_melding_van_anna_jansen.csv, meldingen_anna_jansen.csv,
                           one of 250 bytes that leaves no room for a manifest name) -> loads; the name is
                           kept nowhere (file names pass an allow-list of delivery words).
privacy-headerless         no header row, the first row holds an e-mail -> refused (missing columns),
                           the message does not echo the e-mail.
privacy-other-sheet        personal data on a hidden sheet / another sheet of the workbook -> the data
                           sheet loads, the other sheet's values are never stored.
layout-title-rows          title rows above the header (xlsx and csv) -> loads.
layout-second-sheet        the data on the second sheet -> loads.
layout-no-sheet            no sheet has the required columns -> refused, message mentions "sheet".
layout-merged-cells        Buurtcode merged over 3 rows -> filled down, loads, nothing quarantined.
layout-utf16               Excel "Unicode-tekst" (UTF-16 LE, BOM, tabs, CRLF) -> loads.
layout-cp1252              Windows-1252 text with accents -> loads.
dates-month-names          "6 december 2021", "ma 6 dec. 2021" -> loads.
dates-8-digits             "06122021" (ddmmjjjj) -> loads.
dates-utc-offsets          Signalen zip with mixed UTC offsets across the clock change -> loads.
dates-ambiguous            "01-02-03" -> that row quarantined ("date"); a date is never guessed.
dates-year-boundary        reports on 31-12-2020 and 03-01-2021 (both 2020-W53), 29-12-2025 (2026-W01), a leap
                           day, and months December -> January; rows after TODAY (2026-W53, 2027-01) ->
                           quarantined ("future"), the rest loads in the right ISO week (a test checks).
counts-not-a-count         inf, NaN, 1e20, 3000000000, veel, -1, 2,5 -> those rows quarantined.
counts-implausible         250000 for one buurt-month -> quarantined ("implausibl").
file-pdf                   a PDF renamed .csv -> refused "pdf".
file-empty                 a 0-byte .xlsx -> refused "empty".
file-wrong-extension       CSV named .xlsx, XLSX named .csv -> read by content, loads.
file-binary                random bytes -> refused "binary".
file-xls                   old .xls (OLE2) bytes named .xls / .xlsx -> refused "xls".
archive-bomb               a Signalen zip inflating to 768 MiB of zeros (~0.8 MB on disk) -> refused
                           "inflate", fast.
archive-traversal          members ``../../evil_*.csv`` / ``/tmp/wijkradar_evil_*.csv`` -> refused,
                           nothing written outside the home.
archive-symlink            a symlink member in a Signalen zip -> refused.
dump-folder-symlink        a Signalen dump FOLDER whose signals.csv is a symlink to /etc/passwd ->
                           refused "symbolic link", nothing of /etc/passwd stored.
hostile-formula            =HYPERLINK(..), +cmd|.., @SUM(1) in Buurtcode (csv), real formulas in an
                           xlsx Buurtcode -> those rows quarantined, the rest loads.
hostile-markup             <svg/onload=..>, <script>..</script> in Subcategorie / Buurtcode -> quarantined,
                           and never live markup in the GX data docs (the tests check the HTML).
sheet-cell-bomb            an xlsx of a few hundred KB whose rows reach column XFD, or with a range merged
                           to row 1,048,576 -> refused in one sentence ("beyond column", "merged cells"),
                           fast and in little memory (it took 8 to 18 GB).
xml-entities               an xlsx whose sheet XML declares an external entity (file:///etc/passwd) or an
                           entity-expansion bomb ("billion laughs") -> refused "entities", nothing of the
                           entity read or stored (defusedxml).
csv-stray-quote            a stray double quote opens a cell that swallows the next lines (their rows would be lost)
                           -> refused, naming the line of the quote.
csv-multiline-cells        quoted cells holding line breaks, delimiters and quotes (a remark column) -> loads.
layout-two-tables          two exports pasted one below the other, the second header naming the optional Meldingnummer
                           too (it won; the first export's rows vanished) -> refused naming the first header's line.
layout-sheet-lacks-one-column  a sheet per month, one naming a required column otherwise (Soort for Signaal; its rows
                           were passed over without a word) -> refused naming that sheet and the column.
layout-merged-count        Aantal merged over three rows (a group total, was copied into each row) -> those rows
                           quarantined; a merged Buurtcode keeps being filled (layout-merged-cells).
archive-repeated-member    a workbook holding xl/worksheets/sheet1.xml twice (in another case; it loaded silently from
                           the last copy) -> refused naming the member.
layout-mixed-encoding      a UTF-8 file with one Windows-1252 line (the whole file was read as Windows-1252, every
                           "Financiële zorgen" mangled and quarantined) -> each line read in its own encoding, loads.
file-strict-ooxml          a workbook saved as Strict Open XML (was refused as holding no table) -> refused saying to
                           save it as an ordinary Excel workbook.
signalen-cp1252            a Signalen dump whose categories.csv is Windows-1252 (was refused as damaged, "rows that do
                           not split into its columns") -> loads.
text-nul-character         one NUL character in a CSV of 300 reports (was refused as "a binary file", no line named)
                           -> refused naming the line and saying to remove the NUL characters.
archive-unreadable         a Signalen zip protected with a password, compressed with Deflate64, or with a damaged
                           deflate stream (members in a folder named after a person) -> refused in one sentence
                           that names no person, never a traceback (it failed the weekly run).
archive-two-exports        a zip with two Signalen exports (okt/ and nov/) -> refused naming how many (only the first
                           was read, silently).
layout-sheet-per-month     the data on two visible sheets, one per month, each with the required columns -> refused
                           naming the sheets (only the first was read, silently).
xlsx-formula-empty-result  a formula dragged below the data whose computed value is "" (``t="str"``, empty ``<v>``)
                           -> empty cells, their rows ignored (they read as #FORMULE and were quarantined).
counts-decimal-or-ambiguous  number cells 0.125 and 1.234 and the text "0.125" (decimals, were read as 125 and 1234)
                           -> quarantined as not whole; "1,000" (English thousands or Dutch decimals) -> quarantined
                           as ambiguous.
xlsx-1904-dates            day numbers in a workbook of the 1904 date system -> read from 1904-01-01 (they moved four
                           years back, here to before 2000 and were quarantined).
xlsx-shared-strings-bomb   a workbook of 12 reports whose shared-strings part holds 500,000 unused texts (9 million
                           took 1.6 GB and 74 s) -> refused before the part is read.
file-xlsb                  an Excel binary workbook (.xlsb) -> refused naming it (was told to unpack a zip archive).
xlsx-numeric-buurtcode     buurt codes stored as numbers (1185000: the leading zero lost) -> completed to the buurt
                           (they were quarantined as not in the division).
counts-spaced-digits       count cells "1 2", "2 5", "1'5", "1 0 0" (were read as the joined number) -> quarantined
                           as not a number; "1 000" (a real thousands group) -> 1000.
archive-upper-case-names   a Signalen zip whose members are SIGNALS.CSV etc. in a folder -> loads (was told to unpack).
signalen-buurt-code-only   a Signalen dump whose locations.csv has buurt_code and no area_code -> loads (traceback).
text-long-header-line      a header line of 2 MB (a 50 MB one took 1.6 GB) -> refused naming the file and the line.
privacy-round2-names       surnames with a place-like ending (Westerhof, Hoogendijk) after a title, initials, a first
                           name or "familie" -> those rows quarantined, no form of the name stored.
privacy-round2-forms       "Kerkstraat, huisnummer 14", "nummer 14 van de Molenstraat", "Het Haagje 40", a buurt name +
                           number, "7901AB/14", birth dates after "*", "°", "gb", an e-mail split over two cells ->
                           those rows quarantined, no form of the value stored.
privacy-round3-prefilter   lower-case names after a quote, bracket, dash or list number, joined by "_" or ".", after
                           "de heer" / "mevr.", "JAN_DE_VRIES", an e-mail and a postcode written with "_", a name as a
                           Meldingnummer (the cheap prefilter passed them by) -> those rows quarantined, nothing stored.
privacy-round3-notations   a BSN and a mobile number in E-notation, HTML tags between an item's parts, surnames on no
                           list, names in Cyrillic and Arabic script, "Hr." / "wed.", a profile address, a spelled-out
                           birth date, a number and a name split over two cells -> those rows quarantined.
privacy-round3-labels      a person's name as a sheet's name, a column header, a hidden sheet's name -> never printed,
                           logged or stored (shown through the allow-list of labels).
privacy-round4-particles   surnames after the tussenvoegsel 't ("Mw. 't Hart", "Hr. in 't Veld", "MW. 'T HART") and a
                           lower-case surname after "van der" / "van den" -> those rows quarantined, nothing stored.
privacy-round4-numbers     a BSN with a leading 0 typed into a number cell (eight digits left) in Subcategorie and
                           Buurtcode -> those rows quarantined, no form of the number stored.
privacy-round4-plates      a licence plate without its dashes alone in a cell ("GZ871K", "12bgt3"), a mobile number
                           spelled out without its 0 ("zes een twee ...") -> those rows quarantined, nothing stored.
privacy-round8-forms       a house number in words ("Kerkstraat veertien") or after "hnr", "adres:" before a street, a
                           client number after its word, a date of birth told in parts, a street and its house number
                           in two cells of a row -> those rows quarantined, both halves redacted, nothing stored.
privacy-formula-pieces     a personal value built by a formula from pieces (="m.kowalski"&"@"&"ziggo.nl",
                           TEXTJOIN, ="NL91"&"ABNA...", =PROPER("gerrit brinkhuis")) -> those rows quarantined, no piece
                           stored (only =CONCAT and =HYPERLINK were read as a spreadsheet shows them).
privacy-ooxml-escapes      xlsx text with Excel's escapes (p.dekker_x0040_ziggo.nl shows as p.dekker@ziggo.nl,
                           111_x0020_222_x0020_333 as a BSN) in Meldingnummer and Subcategorie -> those rows quarantined,
                           nothing stored (the escaped e-mail was accepted and counted as a report number).
privacy-mojibake           a name written as mojibake (RenÃ© Jansen, ZoÃ« Bakker: UTF-8 read as Windows-1252 upstream), and
                           a UTF-8 line holding one Windows-1252 byte beside a name (the reader turned the whole line
                           into mojibake) -> those rows quarantined, nothing stored.
layout-record-cut          a record cut over two lines by a line break in a cell without quotes (a name "Gerrit" /
                           "Brinkhuis;..."), and a comma file whose unquoted "de Vries, Jan" gives a row one cell more
                           (both read silently, shifted; each half of the name no name) -> those rows quarantined naming
                           their lines, nothing stored; short rows all of one width stay rows.
privacy-bidi-override      values behind a right-to-left override (shown as 06-41928375, Jan de Vries, Kerkstraat 12;
                           the reader removed the override and kept the reversed text) -> those rows quarantined,
                           nothing stored.
xlsx-rows-out-of-order     a sheet whose XML lists its rows last to first, and cells out of column order -> every row
                           read where its number puts it (openpyxl's streaming reader lost the rows listed late).
xlsx-hidden-rows           a sheet with three rows hidden (hidden, or filtered away in Excel) -> read and counted as every
                           other row, as the README says: a row in the file is delivered (red team 9a).
xlsx-row-beyond-grid       a 5 KB sheet with a row numbered 2,000,000,000 -> refused at once, naming the row (the
                           reader walked every missing row: a quarter of an hour).
xlsx-formula-without-position  a row of formulas without computed values, in cells written without their optional
                           ``r`` position (streaming writers) -> read as #FORMULE and quarantined (the row was dropped as
                           empty: its report lost).
file-markup                an HTML table ("export to Excel"), an Excel 2003 XML spreadsheet named .csv/.xlsx (refused as
                           missing every column, "Rename the column") -> refused saying what the file is and to save it
                           as XLSX or CSV.
archive-extra-member       a Signalen zip holding a second export zipped inside it, or a meldingen CSV beside the export's
                           files (their reports were passed over without a word) -> refused naming the member.
text-padded-cells          a CSV of 70 rows each followed by 16,380 empty cells, then 5,000 empty lines and lines ';;;;'
                           (every line became a row 16,384 cells wide: 6.9 MB of text aborted the run past 5 GB) -> loads
                           in a child capped at 4 GiB; a cell beyond column 1,000 of a text -> refused naming its line.
privacy-pseudonym-shaped   a phone number or a BSN written inside a value shaped as wijkradar's own pseudonym
                           ("p-0612345678abcdefabcd") in Meldingnummer and Subcategorie -> those rows quarantined, nothing
                           stored (only a pseudonym the warehouse holds is its own).
text-invisible-characters  zero-width spaces, direction marks, a soft hyphen, a BOM and a word joiner inside buurt codes,
                           a month and a signal (a copy from a web page; the codes were "not in the division" and a
                           suppressed part recorded under the garbage code) -> read as the plain values, loads.
text-excel-text-trick      cells written as ="01185000" and ="3" (Excel's text trick; blamed the values) -> read as the
                           text between the quotes, loads.
text-foreign-digits        counts in full-width and Arabic-Indic digits (were "not a number" while a month in them was
                           read) -> read as digits, loads.
layout-repeated-header     two exports joined (the header line again mid-file; it was a quarantined "row" with four
                           wrong reasons) -> skipped with a warning naming its line, loads; a second header in another
                           column order (everything below it quarantined) -> refused naming its line.
text-dos-end-of-file       a Ctrl-Z (0x1A) after the last line (was a quarantined row) -> ignored, loads.
text-other-delimiter       columns separated by '|' -> read; by '#' -> refused naming the separator (was told to rename
                           a column).
text-utf32                 a UTF-32 text (was called a binary file) -> refused naming UTF-32, saying to save as UTF-8.
signalen-record-width      a Signalen export whose free text holds a comma without quotes (before location_id; the
                           record was loaded into another buurt and signal, or in the first record every record shifted
                           and the text stored in quarantine), whose lines all end with a comma, or whose location has
                           a comma in its address -> the report quarantined naming its line, no text stored; an empty
                           field at the end of every line read as one; a location of the wrong width refuses the export.
archive-nested             a .zip holding one CSV (named after a person), a zip in a zip in a zip (told it is no XLSX
                           and to rename it to .zip) -> refused saying it holds no Signalen export and what it holds.
text-delimiter-hint-wrong  a sep=, hint line above ';' columns (told ';' is no delimiter wijkradar reads) -> refused
                           naming line 1 and the delimiter the columns have.
signalen-record-cut        a Signalen export whose free text holds a line break without quotes, the rest of the record
                           of the header's width by chance (a name, a phone number where the id belongs: was stored as
                           the report's id), or cut twice -> every part quarantined naming its line, no text stored.
privacy-messaging-phone    a mobile number without its 0 after a word for messaging it ("whatsapp 623451005", "app naar
                           ...", "sms: ...") in a category -> those rows quarantined, nothing stored.
privacy-glued-names        a surname of the lists glued to digits as a report number ("Brinkhuis1961",
                           "19610403-Brinkhuis"), a social-media handle in a category ("@gerritbrinkhuis", "insta:
                           gerrit.brinkhuis61") -> those rows quarantined, no form of the value stored.
privacy-role-word          a surname after a word for a person's role ("Verhuurder Brinkhuis") or after a title and an
                           abbreviated tussenvoegsel ("Dhr v.d. Berg", "mevr. v/d Berg") as a creditor -> quarantined,
                           nothing stored.
dates-time-out-of-range    a clock time past its range ("23:59:60", "24:00", "23:60") -> not a date, quarantined
                           (parsers rolled it into the next day, a Sunday's report into the next week).
fetched-personal-values    a police payload folder (copied from elsewhere) with a name, a phone number, an e-mail
                           address and a BSN as buurt code, crime type, period and count -> those rows quarantined,
                           the value stored in no form (fetched sources were never scanned).
fetched-unknown-fields     the same served by a local OData service whose answer has fields wijkradar does not read
                           (a note with a name and a phone number, a JSON key holding a name and a BSN) and an address
                           as a buurt code -> fetched, loaded with that row quarantined; the archived payload keeps
                           none of them, and the warning counts them without naming one.
privacy-library-warnings   a BSN and a mobile number without its 0 typed into date-formatted cells, a custom document
                           property of a type openpyxl does not know named after a person: openpyxl's warnings quote
                           them ("serial value 111222333", "Unknown type for ...") -> those rows quarantined, no warning
                           of the library shown, only wijkradar's sentence naming the cells.
privacy-person-named-folder a file delivered from a person's login folder (``home/g.brinkhuis/Downloads/``) -> loads;
                           the folder is kept nowhere, also not as where a held load lies (``ingest.held_place``).
delivery-duplicate         the same bytes delivered twice (other name) -> the second load is skipped.
delivery-week-without-reports  a meldingen export with its header only, named after a week that has ended
                           (meldingen_export_2026-W47.csv) -> loaded as that week without reports (0 rows); without a
                           week in its name, or named after a week not over on TODAY -> refused.
file-ods                   a LibreOffice spreadsheet (.ods; one named .xlsx) -> refused naming the OpenDocument
                           spreadsheet and saying to save it as .xlsx or CSV; no cell of it in the message.
file-compressed            a gzip-compressed CSV (.csv.gz, one renamed .csv), a bzip2 and an xz one (were "a binary
                           file", told to export it again) -> refused naming the compression and saying to unpack it.
archive-other-format       a tar, a tar.gz, a 7-Zip (also named .zip) and a RAR archive (were "a binary file") ->
                           refused naming the kind of archive, saying to unpack it or send a zip.
file-encrypted-workbook    a workbook protected with a password (OLE with EncryptedPackage, named .xlsx / .csv; an old
                           .xls has the same magic) -> refused saying it is protected and to save it without a password.
file-xlsm                  a macro-enabled workbook (.xlsm: another content type, a vbaProject.bin naming a person) ->
                           loads like an xlsx; the macro never runs and nothing of vbaProject.bin is stored.
text-double-bom            a UTF-8 byte order mark before a UTF-16 one (the header was garbage and the file refused as
                           lacking Buurtcode), a UTF-8 byte order mark twice -> loads.
text-c1-or-surrogates      C1 control characters in valid UTF-8 (NEL in a buurt code, U+0096 after a count), surrogates
                           encoded one by one (CESU-8) after counts -> loads; the counts quarantined as not a number.
dates-month-first          an export in an English (US) locale, every date month/day/year (read day-first value by value:
                           3 April counted on 4 March, 13 November "not a date") -> the column read month-first, loads.
layout-footer-line         a line of one cell under a CSV table naming who made it (read as the rest of the last row's
                           count cut by a line break, so that row was quarantined as personal data too) -> the line a
                           quarantined row of its own, the row above it loads.
layout-quoted-lines        a CSV whose every line is one cell in double quotes (told ';' is no delimiter wijkradar reads)
                           -> refused saying each line is one quoted cell and the quotes must go; never unwrapped.
counts-three-decimals      counts exported "as displayed" with three decimals (2.000, 0.000: read as thousands, 2.000
                           quarantined as implausible) -> the column's dot read as a decimal point, loads.
dates-cbs-period-code      months in CBS's notation (2026MM09: refused as a postcode and house number, "personal data
                           (adres)") -> read as months, loads.
delivery-other-municipality
                           a file of another municipality's buurten (told to map each code onto the profile's buurten,
                           or to load "the other rows" of which there were none) -> refused as not of this profile.
numbers-thousands-dots     report numbers written with thousands dots (1.001) and once without (1001: two reports, so
                           a re-delivery without the dots counted each twice) -> one number: the pair quarantined as
                           a number that occurs twice, the rest loads.
baseline                   clean files of every layout -> load with nothing quarantined.

``Case.message`` may hold several keywords separated by ``|``; all must occur (case-insensitive).
"""
from __future__ import annotations

import bz2
import csv
import io
import lzma
import os
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable


SEED = 7
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
LAST_DAY = date(2026, 11, 25)          # every date lies before 2026-11-26 (TODAY of the tests)
#: report dates around the turn of a year, and the ISO week each starts (the last two lie after TODAY)
YEAR_EDGES = {"31-12-2020": "2020-12-28", "03-01-2021": "2020-12-28", "04-01-2021": "2021-01-04",
              "28-12-2025": "2025-12-22", "29-12-2025": "2025-12-29", "01-01-2026": "2025-12-29",
              "29-02-2024": "2024-02-26", "31-12-2026": None, "02-01-2027": None}
YEAR_EDGE_MONTHS = ["2020-12", "2021-01", "2025-12", "2026-01", "2024-02", "2026-12", "2027-01"]
FIRST_DAY = date(2021, 12, 1)
STAMP = datetime(2026, 11, 20, 8, 0, 0)
MELDINGEN_HEADER = ["Meldingnummer", "Datum melding", "Hoofdcategorie", "Subcategorie", "Buurtcode"]
WIJKTEAM_HEADER = ["Buurtcode", "Maand", "Signaal", "Aantal"]
SCHULDEN_HEADER = ["Buurtcode", "Maand", "Schuldeiser", "Aantal"]
BOMB_MIB = 768


@dataclass
class Case:
    file: str                 # name in folder (file, zip or dump folder)
    source: str               # meldingen | wijkteam | schulden
    expect: str               # "loaded" | "refused"
    message: str = ""         # refused: lower-case keyword(s) ("|"-separated) the one-sentence message must contain
    rows_read: int | None = None        # loaded: exact data rows
    quarantined: int | None = None      # loaded: exact quarantined rows
    reason: str = ""          # loaded: keyword every quarantined row's reason contains (if quarantined > 0)
    secrets: tuple[str, ...] = ()       # personal values planted in the file: must never appear anywhere afterwards
    klass: str = ""           # the class of problem (for the report)
    again: str = ""           # delivery-duplicate: a second file with the same bytes; its load must be skipped
    escapes: tuple[str, ...] = ()       # archive-traversal: member names that must never be written anywhere
    partial: tuple[str, ...] = ()       # loaded: "buurt|yyyy-mm" totals that must read as lower bounds, and no other
    served: bool = False      # a payload folder of a fetched source served by a local OData server and fetched from it

    @property
    def keywords(self) -> list[str]:
        return [k for k in self.message.split("|") if k]


# ----------------------------------------------------------------------------- reference data

def _reference():
    with open(REFERENCE_DIR / "gebiedsindeling_2024.csv", encoding="utf-8") as f:
        buurten = [r["code"] for r in csv.DictReader(f) if r["niveau"] == "buurt"]
    with open(REFERENCE_DIR / "meldingen_categorieen.csv", encoding="utf-8") as f:
        cats = [(r["hoofdcategorie"], r["subcategorie"]) for r in csv.DictReader(f)]
    with open(REFERENCE_DIR / "signalen.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    wijkteam = [(r["signal"], r["label_nl"]) for r in rows if r["source"] == "wijkteam"]
    return buurten, cats, wijkteam


BUURTEN, CATEGORIES, WIJKTEAM_SIGNALS = _reference()
CREDITORS = ["huur", "energie", "water", "zorgverzekering"]
MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december"]
MONTHS_ABBR = ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]
DAYS_ABBR = ["ma", "di", "wo", "do", "vr", "za", "zo"]


# ----------------------------------------------------------------------------- personal values

FIRST = ["Jan", "Anna", "Henk", "Fatima", "Gerrit", "Sanne", "Mohamed", "Ingrid", "Pieter", "Lotte",
         "Hendrikus", "Yvonne", "Bram", "Esra", "Wilma", "Jeroen", "Marieke", "Klaas", "Noor", "Roelof"]
TUSSEN = ["", "", "", "de", "van", "van der", "ter"]
LAST = ["Vries", "Jansen", "Bosma", "Mulder", "Hoekstra", "Smit", "Bakker", "Meijer", "Kuipers", "Veenstra",
        "Dijkstra", "Brinkman", "Zwiers", "Lubbers", "Oosting", "Kamphuis", "Yilmaz", "Haveman", "Schonewille",
        "Bouwknegt"]
DOMAINS = ["ziggo.nl", "hotmail.com", "gmail.com", "kpnmail.nl", "home.nl", "planet.nl"]
STREETS = ["Kerkweg", "Dorpsstraat", "Hoofdstraat", "Schutstraat", "Grote Kerkstraat", "Stationsweg",
           "Alteveerstraat", "Molenstraat", "Van Echtenstraat", "Julianastraat", "Pesserstraat", "Boerhaavelaan"]


class People:
    """Seeded personal values; every value drawn is unique within one corpus."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[str] = set()

    def _unique(self, make: Callable[[], str]) -> str:
        for _ in range(1000):
            v = make()
            if v.lower() not in self.seen:
                self.seen.add(v.lower())
                return v
        raise RuntimeError("ran out of unique personal values")

    def name(self) -> str:
        r = self.rng
        return self._unique(lambda: " ".join(p for p in (r.choice(FIRST), r.choice(TUSSEN), r.choice(LAST)) if p))

    def email(self, name: str | None = None) -> str:
        r = self.rng
        name = name or self.name()
        parts = name.lower().split()
        return self._unique(lambda: f"{parts[0][0]}.{''.join(parts[1:])}{r.randint(10, 99)}@{r.choice(DOMAINS)}")

    def phone(self, notation: str) -> str:
        r = self.rng

        def make():
            d8 = str(r.randint(1, 5)) + "".join(str(r.randint(0, 9)) for _ in range(7))   # 06-1 .. 06-5: in use
            d6 = str(r.randint(1, 9)) + "".join(str(r.randint(0, 9)) for _ in range(5))
            return {"intl": f"+31 6 {d8}", "dash": f"06-{d8}", "0031": f"00316{d8}", "plain": f"06{d8}",
                    "landline": f"(0528) {d6[:3]} {d6[3:]}"}[notation]
        return self._unique(make)

    def bsn(self, notation: str = "plain") -> str:
        r = self.rng

        def make():
            while True:
                d = [r.randint(1, 9)] + [r.randint(0, 9) for _ in range(7)]
                last = sum(x * w for x, w in zip(d, range(9, 1, -1))) % 11
                if last <= 9:
                    s = "".join(map(str, d + [last]))
                    return {"plain": s, "groups": f"{s[:3]} {s[3:6]} {s[6:]}", "dots": f"{s[:4]}.{s[4:6]}.{s[6:]}"}[notation]
        return self._unique(make)

    def address(self, style: str | None = None) -> str:
        r = self.rng

        def make():
            n = r.randint(1, 180)
            s = style or r.choice(["bis", "range", "letter", "plain"])
            street = r.choice(STREETS)
            return {"bis": f"{street} {n} bis", "range": f"{street} {n}-{n + 2}", "letter": f"{street} {n}{r.choice('abc')}",
                    "plain": f"{street} {n}"}[s]
        return self._unique(make)

    def birth_date(self) -> str:
        r = self.rng
        return self._unique(lambda: f"{r.randint(1, 28):02d}-{r.randint(1, 12):02d}-{r.randint(1935, 2005)}")


def is_bsn(digits: str) -> bool:
    d = [int(c) for c in digits if c.isdigit()]
    return len(d) == 9 and (sum(x * w for x, w in zip(d[:8], range(9, 1, -1))) - d[8]) % 11 == 0


# ----------------------------------------------------------------------------- serialisers (pure)

def _delimited(header: list[str] | None, rows: list[list], sep: str = ";", title: list[str] = (),
               newline: str = "\n") -> str:
    out = io.StringIO()
    for line in title:
        out.write(line + newline)
    w = csv.writer(out, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    if header:
        w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def _xlsx(sheets: list[dict]) -> bytes:
    """sheets: dicts with title, rows (lists, header included), optional state and merges ("A2:A4").

    Saved byte-stable (fixed timestamps in docProps/core.xml and in every zip entry), without
    depending on project code. Text starting with "=" becomes a real formula (openpyxl's default).
    """
    import re

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec["title"])
        for row in spec["rows"]:
            ws.append(list(row))
        for rng in spec.get("merges", ()):
            ws.merge_cells(rng)
        for column in spec.get("date_columns", ()):         # formatted as dates, whatever the cells hold
            for r in range(2, ws.max_row + 1):
                ws.cell(r, column).number_format = "dd-mm-yyyy"
        ws.sheet_state = spec.get("state", "visible")
    visible = [i for i, s in enumerate(sheets) if s.get("state", "visible") == "visible"]
    wb.active = visible[0]
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    buf = io.BytesIO()
    wb.save(buf)
    iso = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    prop = next((s["custom_property"] for s in sheets if s.get("custom_property")), None)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        members = [(info.filename, src.read(info.filename)) for info in src.infolist()]
        if prop:            # a custom document property of a type openpyxl does not know (vt:blob), named ``prop``
            members.append(("docProps/custom.xml", custom_properties_xml(prop)))
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso, data)
            if prop and name in CUSTOM_PROPERTIES_NAMED:
                data = CUSTOM_PROPERTIES_NAMED[name](data)
            fixed = zipfile.ZipInfo(name, date_time=STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(fixed, data)
    return out.getvalue()


def custom_properties_xml(name: str) -> bytes:
    """``docProps/custom.xml`` with one custom document property named ``name`` of a type openpyxl does not know
    (``vt:blob``): openpyxl warns "Unknown type for <name>"."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.'
            'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/'
            'officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
            f'name="{name}"><vt:blob>AAAA</vt:blob></property></Properties>').encode()


#: the package parts that name ``docProps/custom.xml`` (its content type and its relationship), as changes of them
CUSTOM_PROPERTIES_NAMED: dict[str, Callable[[bytes], bytes]] = {
    "[Content_Types].xml": lambda xml: xml.replace(
        b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.custom-properties+xml"/></Types>'),
    "_rels/.rels": lambda xml: xml.replace(
        b"</Relationships>", b'<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>'),
}


def with_custom_property(data: bytes, name: str) -> bytes:
    """The workbook ``data`` with a custom document property named ``name`` (:func:`custom_properties_xml`)."""
    for member, change in CUSTOM_PROPERTIES_NAMED.items():
        data = _rewritten(data, member, change)
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("docProps/custom.xml", date_time=STAMP.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, custom_properties_xml(name))
    return out.getvalue()


def _sheet_xlsx(rows: list[list], extra: list[tuple[int, int, str]], merges: tuple[str, ...] = ()) -> bytes:
    """A one-sheet workbook written as XML directly (openpyxl would expand what it is given): ``rows`` from
    A1 down, then single cells (row, column, text) anywhere, then merged ranges."""
    from xml.sax.saxutils import escape

    def ref(r: int, c: int) -> str:
        name = ""
        while c:
            c, rest = divmod(c - 1, 26)
            name = chr(65 + rest) + name
        return f"{name}{r}"

    def cell(r: int, c: int, v) -> str:
        return f'<c r="{ref(r, c)}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    by_row: dict[int, list[str]] = {}
    for r, row in enumerate(rows, start=1):
        by_row[r] = [cell(r, c, v) for c, v in enumerate(row, start=1)]
    for r, c, v in extra:
        by_row.setdefault(r, []).append(cell(r, c, v))
    body = "".join(f'<row r="{r}">{"".join(by_row[r])}</row>' for r in sorted(by_row))
    merged = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
              + "</mergeCells>") if merges else ""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    members = [
        ("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
         'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
         'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
         'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
         'spreadsheetml.worksheet+xml"/></Types>'),
        ("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
         f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
         '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
         f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
         f"{body}</sheetData>{merged}</worksheet>"),
    ]
    return _zip([(name, text.encode()) for name, text in members])


def _entity_xlsx(rows: list[list], doctype: str, marker: str) -> bytes:
    """:func:`_sheet_xlsx` with a document type declared in the sheet's XML and the cell text ``marker``
    replaced by a reference to its entity ``e`` (an XML external entity or an entity expansion bomb)."""
    src = zipfile.ZipFile(io.BytesIO(_sheet_xlsx(rows, [])))
    members = []
    for name in src.namelist():
        data = src.read(name)
        if name == "xl/worksheets/sheet1.xml":
            head = b'<?xml version="1.0" encoding="UTF-8"?>'
            data = data.replace(head, head + doctype.encode(), 1).replace(marker.encode(), b"&e;", 1)
        members.append((name, data))
    return _zip(members)


def _zip(members: list[tuple]) -> bytes:
    """A deterministic zip; members are (name, bytes) or (name, bytes, external_attr)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for m in members:
            info = zipfile.ZipInfo(m[0], date_time=STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            if len(m) > 2:
                info.create_system = 3
                info.external_attr = m[2]
            z.writestr(info, m[1])
    return buf.getvalue()


def _patched_zip(data: bytes, *, flag_bits: int = 0, method: int | None = None) -> bytes:
    """``data`` with flag bits set (1: encrypted) and/or another compression method in every local and central header."""
    b = bytearray(data)
    for sig, flag_off, meth_off in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        i = b.find(sig)
        while i != -1:
            f, = struct.unpack_from("<H", b, i + flag_off)
            struct.pack_into("<H", b, i + flag_off, f | flag_bits)
            if method is not None:
                struct.pack_into("<H", b, i + meth_off, method)
            i = b.find(sig, i + 4)
    return bytes(b)


def _rewritten(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The zip ``data`` with ``member`` passed through ``change`` (byte-stable, like ``_xlsx``)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            fixed = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(fixed, change(body) if info.filename == member else body)
    return out.getvalue()


def _string_bomb_xlsx(book: bytes, n: int) -> bytes:
    """The workbook ``book`` with a shared-strings part of ``n`` texts no cell uses (every reader loads it whole)."""
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
           b'main">' + b"".join(b"<si><t>%d</t></si>" % k for k in range(n)) + b"</sst>")
    return _with_part(book, lambda xml: xml.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/>', "xl/sharedStrings.xml", sst)


def _with_part(book: bytes, content_types: Callable[[bytes], bytes], relationship: bytes, member: str,
               data: bytes) -> bytes:
    """The workbook ``book`` with one more part: ``content_types`` applied to its ``[Content_Types].xml``,
    ``relationship`` added to the workbook's relationships and the member ``member`` holding ``data``."""
    book = _rewritten(book, "[Content_Types].xml", content_types)
    book = _rewritten(book, "xl/_rels/workbook.xml.rels",
                      lambda xml: xml.replace(b"</Relationships>", relationship + b"</Relationships>"))
    out = io.BytesIO(book)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo(member, date_time=STAMP.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
    return out.getvalue()


def _ods(rows: list[list]) -> bytes:
    """A minimal OpenDocument spreadsheet (LibreOffice's .ods): a zip of ``mimetype`` (first, stored), ``content.xml``
    with one table of string cells, and its manifest."""
    from xml.sax.saxutils import escape

    cells = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(c))}</text:p></table:table-cell>'
        for c in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="Blad1">{cells}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>').encode()
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                b'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                b'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, method in (("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
                                   ("content.xml", content, zipfile.ZIP_DEFLATED),
                                   ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)):
            info = zipfile.ZipInfo(name, date_time=STAMP.timetuple()[:6])
            info.compress_type = method
            z.writestr(info, data)
    return buf.getvalue()


def _gzip(data: bytes) -> bytes:
    """``data`` gzip-compressed, byte-stable (no time stamp, no file name in the header)."""
    import gzip

    return gzip.compress(data, compresslevel=9, mtime=0)


def _tar(members: list[tuple[str, bytes]]) -> bytes:
    """A deterministic (ustar) tar archive of (name, bytes) members."""
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(STAMP.timestamp()), 0o644
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _xlsm(book: bytes, vba: bytes) -> bytes:
    """The workbook ``book`` as Excel saves a macro-enabled one (.xlsm): the macro-enabled content type and a
    ``xl/vbaProject.bin`` holding ``vba``, related from the workbook."""
    return _with_part(book, lambda xml: xml.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'),
        b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        b'Target="vbaProject.bin"/>', "xl/vbaProject.bin", vba)


def _strict(xml: bytes) -> bytes:
    """A part of a workbook in the namespace of Excel's "Strict Open XML Spreadsheet" (ISO 29500 strict)."""
    return xml.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                       b"http://purl.oclc.org/ooxml/spreadsheetml/main")


def _damaged_zip(data: bytes, member: str) -> bytes:
    """``data`` with 40 bytes of ``member``'s compressed stream flipped (the directory intact)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode())
    b = bytearray(data)
    for k in range(start + 20, start + 60):
        b[k] ^= 0xFF
    return bytes(b)


def _bomb_zip(header: bytes, mib: int, others: list[tuple[str, bytes]]) -> bytes:
    """A zip whose signals.csv inflates to ``header`` + ``mib`` MiB of zeros, written without inflating.

    Deflate segments that end in a full flush are byte-aligned and self-contained, so one compressed
    MiB of zeros is repeated ``mib`` times (~1 kB each); the CRC is computed over the zeros once.
    """
    def raw_deflate(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()

    zeros = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = zlib.crc32(header)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    bomb = ("signals.csv", head + block * mib + tail, crc & 0xFFFFFFFF, len(header) + mib * (1 << 20))
    members = [bomb] + [(n, raw_deflate(d), zlib.crc32(d) & 0xFFFFFFFF, len(d)) for n, d in others]
    dt = STAMP
    dos_time = (dt.hour << 11) | (dt.minute << 5) | (dt.second // 2)
    dos_date = ((dt.year - 1980) << 9) | (dt.month << 5) | dt.day
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in members:
        offset = out.tell()
        n = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, dos_time, dos_date, crc, len(data), size, len(n), 0))
        out.write(n)
        out.write(data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, dos_time, dos_date, crc, len(data),
                                  size, len(n), 0, 0, 0, 0, 0o100644 << 16, offset))
        central.write(n)
    cd = central.getvalue()
    start = out.tell()
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd), start, 0))
    return out.getvalue()


# ----------------------------------------------------------------------------- the plan

@dataclass
class Planned:
    case: Case
    write: Callable[[Path], None]      # writes the case's file(s) into the folder


class Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.people = People(random.Random(seed * 7919 + 1))
        self.items: list[Planned] = []
        self.next_id = 40000 + self.rng.randint(0, 9999)
        self.token = f"{self.rng.getrandbits(40):010x}"

    # --- plain data --------------------------------------------------------------------------
    def day(self, first: date = FIRST_DAY, last: date = LAST_DAY) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def reports(self, n: int, time: bool = False) -> list[list[str]]:
        rows = []
        for _ in range(n):
            self.next_id += self.rng.randint(1, 40)
            d = self.day()
            stamp = d.strftime("%d-%m-%Y") + (f" {self.rng.randint(7, 22):02d}:{self.rng.randint(0, 59):02d}" if time else "")
            hoofd, sub = self.rng.choice(CATEGORIES)
            rows.append([f"SIG-{self.next_id}", stamp, hoofd, sub, self.rng.choice(BUURTEN)])
        return rows

    def cells(self, n: int, parts: list[str]) -> list[list]:
        """n unique (buurt, month, part) rows with small counts."""
        keys = set()
        rows = []
        while len(rows) < n:
            d = self.day(date(2022, 1, 1), date(2026, 10, 1))
            month = f"{d.year}-{d.month:02d}"
            key = (self.rng.choice(BUURTEN), month, self.rng.choice(parts))
            if key in keys:
                continue
            keys.add(key)
            rows.append([key[0], key[1], key[2], self.rng.randint(0, 25)])
        return rows

    def unique_wijkteam_cells(self, n: int) -> list[list]:
        rows = self.cells(n, [code for code, _ in WIJKTEAM_SIGNALS])
        return rows

    def schulden_cells(self, n: int) -> list[list]:
        return self.cells(n, CREDITORS)

    # --- registering ---------------------------------------------------------------------------
    def add(self, case: Case, data: bytes | Callable[[Path], None]):
        if callable(data):
            writer = data
        else:
            def writer(folder: Path, name=case.file, payload=data):
                (folder / name).parent.mkdir(parents=True, exist_ok=True)     # a file delivered from a sub-folder
                (folder / name).write_bytes(payload)
        self.items.append(Planned(case, writer))

    def text(self, case: Case, header, rows, sep=";", encoding="utf-8", title=(), newline="\n", bom=False):
        payload = _delimited(header, rows, sep, title, newline).encode(encoding)
        if bom:
            payload = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe"}[encoding] + payload
        self.add(case, payload)

    def xlsx(self, case: Case, sheets: list[dict]):
        # built lazily (openpyxl) but from data drawn now, so the plan stays deterministic
        def writer(folder: Path, name=case.file):
            (folder / name).write_bytes(_xlsx(sheets))
        self.add(case, writer)


def _dwh_members(b: Builder, rows: list[dict], extra_columns: bool = False) -> list[tuple[str, bytes]]:
    """signals/locations/categories CSVs of the Signalen data warehouse for the given reports."""
    cat_ids = {c: i + 1 for i, c in enumerate(CATEGORIES)}
    sig_head = ["id", "created_at", "location_id", "category_assignment_id"]
    loc_head = ["id", "buurt_code", "area_code", "lat", "lng"]
    if extra_columns:
        sig_head += ["text", "text_extra", "reporter_email", "reporter_phone"]
        loc_head += ["address_text"]
    sig_rows, loc_rows = [], []
    for i, r in enumerate(rows, start=1):
        s = [r["id"], r["created_at"], 500 + i, cat_ids[r["cat"]]]
        loc = [500 + i, r["buurt"], "", f"52.{b.rng.randint(700000, 740000)}", f"6.{b.rng.randint(440000, 520000)}"]
        if extra_columns:
            s += [r["text"], r.get("text_extra", ""), r["email"], r["phone"]]
            loc += [r["address"]]
        sig_rows.append(s)
        loc_rows.append(loc)
    cat_rows = [[i, h, s] for (h, s), i in cat_ids.items()]
    return [("signals.csv", _delimited(sig_head, sig_rows, ",").encode()),
            ("locations.csv", _delimited(loc_head, loc_rows, ",").encode()),
            ("categories.csv", _delimited(["id", "main", "sub"], cat_rows, ",").encode())]


def _dwh_rows(b: Builder, n: int, stamps: list[str] | None = None) -> list[dict]:
    rows = []
    for i in range(n):
        b.next_id += b.rng.randint(1, 30)
        d = b.day()
        created = stamps[i] if stamps else f"{d.isoformat()}T{b.rng.randint(7, 22):02d}:{b.rng.randint(0, 59):02d}:00+01:00"
        rows.append({"id": str(b.next_id), "created_at": created, "cat": b.rng.choice(CATEGORIES),
                     "buurt": b.rng.choice(BUURTEN)})
    return rows


def plan(seed: int = SEED) -> list[Planned]:
    b = Builder(seed)
    P = b.people
    M, W, S = MELDINGEN_HEADER, WIJKTEAM_HEADER, SCHULDEN_HEADER

    # ------------------------------------------------------------------ baseline
    rows = b.reports(20, time=True)
    b.text(Case("meldingen_baseline.csv", "meldingen", "loaded", rows_read=20, quarantined=0, klass="baseline"), M, rows)
    rows = b.unique_wijkteam_cells(14)
    b.xlsx(Case("wijkteam_baseline.xlsx", "wijkteam", "loaded", rows_read=14, quarantined=0, klass="baseline"),
           [{"title": "Signalen", "rows": [W, *rows]}])
    rows = b.schulden_cells(16)
    b.text(Case("schulden_baseline.csv", "schulden", "loaded", rows_read=16, quarantined=0, klass="baseline"), S, rows)
    dwh = _dwh_rows(b, 15)
    b.add(Case("meldingen_signalen_baseline.zip", "meldingen", "loaded", rows_read=15, quarantined=0, klass="baseline"),
          _zip(_dwh_members(b, dwh)))

    # ------------------------------------------------------------------ privacy: unused columns dropped
    # P1 meldingen csv: Status, Omschrijving (sentences with names/phones/BSNs), Naam melder, E-mail melder, Telefoonnr.
    secrets = []
    rows = []
    notations = ["intl", "dash", "0031", "landline", "plain"]
    for i, r in enumerate(b.reports(15)):
        name = P.name()
        mail = P.email(name)
        phone = P.phone(notations[i % len(notations)])
        secrets += [name, mail, phone]
        if i % 3 == 0:
            bsn = P.bsn(["plain", "groups", "dots"][i % 3 if i % 2 else (i // 3) % 3])
            other = P.name()
            text = f"Bewoner {other} met BSN {bsn} belde: vuilniszakken naast de container, terugbellen op {phone}."
            secrets += [bsn, other]
        elif i % 3 == 1:
            addr = P.address()
            text = f"Al drie weken ligt er grofvuil voor {addr}; melder {name} wil een terugkoppeling."
            secrets += [addr]
        else:
            text = "Lantaarnpaal brandt niet meer sinds vorige week."
        rows.append([*r, b.rng.choice(["Gemeld", "In behandeling", "Afgehandeld"]), text, name, mail, phone])
    b.text(Case("meldingen_privacy_melderkolommen.csv", "meldingen", "loaded", rows_read=15, quarantined=0,
                secrets=tuple(secrets), klass="privacy-unused-columns"),
           [*M, "Status", "Omschrijving", "Naam melder", "E-mail melder", "Telefoonnr."], rows)

    # P2 wijkteam xlsx: Cliënt, Woonadres, Geb.datum
    secrets, rows = [], []
    for r in b.unique_wijkteam_cells(12):
        name, addr, born = P.name(), P.address(), P.birth_date()
        secrets += [name, addr, born]
        rows.append([*r, name, addr, born])
    b.xlsx(Case("wijkteam_privacy_clienten.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=0,
                secrets=tuple(secrets), klass="privacy-unused-columns"),
           [{"title": "Signalen", "rows": [[*W, "Cliënt", "Woonadres", "Geb.datum"], *rows]}])

    # P3 schulden csv: Naam, BSN, Telefoon
    secrets, rows = [], []
    for i, r in enumerate(b.schulden_cells(14)):
        name, bsn, phone = P.name(), P.bsn(["plain", "groups", "dots"][i % 3]), P.phone(["intl", "dash", "0031"][i % 3])
        secrets += [name, bsn, phone]
        rows.append([*r, name, bsn, phone])
    b.text(Case("schulden_privacy_bsn_kolom.csv", "schulden", "loaded", rows_read=14, quarantined=0,
                secrets=tuple(secrets), klass="privacy-unused-columns"), [*S, "Naam", "BSN", "Telefoon"], rows, sep=",")

    # P4 meldingen xlsx: Naam melder, E-mail, Telefoonnr., Woonadres, Omschrijving
    secrets, rows = [], []
    for i, r in enumerate(b.reports(14)):
        name = P.name()
        mail, phone, addr = P.email(name), P.phone(notations[(i + 2) % len(notations)]), P.address()
        bsn = P.bsn("groups")
        text = f"Mevrouw {name} (BSN {bsn}) meldt graffiti op de muur naast haar woning."
        secrets += [name, mail, phone, addr, bsn]
        rows.append([*r, name, mail, phone, addr, text])
    b.xlsx(Case("meldingen_privacy_export.xlsx", "meldingen", "loaded", rows_read=14, quarantined=0,
                secrets=tuple(secrets), klass="privacy-unused-columns"),
           [{"title": "Export", "rows": [[*M, "Naam melder", "E-mail", "Telefoonnr.", "Woonadres", "Omschrijving"], *rows]}])

    # P5 wijkteam csv: Toelichting free text with phones in every notation and BSNs in groups/dots/sentences
    secrets, rows = [], []
    for i, r in enumerate(b.unique_wijkteam_cells(12)):
        phone = P.phone(notations[i % len(notations)])
        bsn = P.bsn(["plain", "groups", "dots"][i % 3])
        name = P.name()
        secrets += [phone, bsn, name]
        rows.append([*r, f"Gesprek met {name}, bereikbaar via {phone}; dossier BSN {bsn} doorgezet naar schuldhulp."])
    b.text(Case("wijkteam_privacy_toelichting.csv", "wijkteam", "loaded", rows_read=12, quarantined=0,
                secrets=tuple(secrets), klass="privacy-unused-columns"), [*W, "Toelichting"], rows)

    # P6 Signalen DWH zip with the reporter, the text and the address
    secrets = []
    dwh = _dwh_rows(b, 14)
    for i, r in enumerate(dwh):
        name = P.name()
        r.update(email=P.email(name), phone=P.phone(notations[i % len(notations)]), address=P.address())
        bsn = P.bsn("plain")
        r["text"] = f"Melder {name} (BSN {bsn}) ziet zwerfafval bij {r['address']}"
        r["text_extra"] = f"Terugbellen: {r['phone']}"
        secrets += [name, r["email"], r["phone"], r["address"], bsn]
    b.add(Case("meldingen_signalen_privacy.zip", "meldingen", "loaded", rows_read=14, quarantined=0,
               secrets=tuple(secrets), klass="privacy-unused-columns"), _zip(_dwh_members(b, dwh, True)))

    # ------------------------------------------------------------------ privacy: a used column, a few rows
    rows = b.reports(16)
    a1, a2 = P.address("bis"), P.address("range")
    rows[2][4], rows[9][4] = a1, a2
    b.text(Case("meldingen_adres_in_buurtcode.csv", "meldingen", "loaded", rows_read=16, quarantined=2,
                reason="personal data", secrets=(a1, a2), klass="privacy-used-column-rows"), M, rows)

    rows = b.reports(16)
    mail, phone = P.email(), P.phone("dash")
    rows[4][3], rows[11][3] = mail, phone
    b.text(Case("meldingen_contact_in_subcategorie.csv", "meldingen", "loaded", rows_read=16, quarantined=2,
                reason="personal data", secrets=(mail, phone), klass="privacy-used-column-rows"), M, rows)

    rows = b.reports(16)
    s1, s2 = P.bsn("plain"), P.bsn("groups")
    rows[1][0], rows[12][0] = s1, s2
    b.text(Case("meldingen_bsn_in_meldingnummer.csv", "meldingen", "loaded", rows_read=16, quarantined=2,
                reason="personal data", secrets=(s1, s2), klass="privacy-used-column-rows"), M, rows)

    rows = b.reports(16)
    name = P.name()
    rows[6][4] = name
    b.text(Case("meldingen_naam_in_buurtcode.csv", "meldingen", "loaded", rows_read=16, quarantined=1,
                reason="personal data", secrets=(name,), klass="privacy-used-column-rows"), M, rows)

    # the same values written to slip past a scanner that reads characters, not what a person reads
    rows = b.reports(16)
    def allotted() -> str:                       # 06-1 .. 06-5: the mobile ranges in use (others reach no one)
        return str(b.rng.randint(1, 5)) + "".join(str(b.rng.randrange(10)) for _ in range(7))
    mobile, other, intl = "06" + allotted(), "06" + allotted(), "316" + allotted()   # intl: +31 6 without the plus
    wide = "".join(chr(0xFF10 + int(d)) for d in other)                 # full-width digits
    user = P.email().split("@")[0]
    evasions = [f"Zwerfafval bel {mobile[:2]}\u200b{mobile[2:]}", f"Zwerfafval bel {wide}",
                "Zwerfafval rek BE68539007547034", f"Zwerfafval bel {intl}", f"Zwerfafval {user}(at)ziggo.nl"]
    for r, v in zip(rows[1::3], evasions):
        r[3] = v
    b.text(Case("meldingen_verhulde_gegevens.csv", "meldingen", "loaded", rows_read=16, quarantined=5,
                reason="personal data", secrets=(mobile, other, wide, intl, "BE68539007547034", f"{user}(at)ziggo",
                                                 mobile[:2] + "\u200b" + mobile[2:]),
                klass="privacy-evasion"), M, rows)

    # more of the same class, each in a way a sender's tool or habit writes it: pair notation, other scripts' digits,
    # markup and mail encodings, a label between street and number, surname first, capitals
    rows = b.reports(18)
    pairs = "06" + str(b.rng.randint(1, 5)) + "".join(str(b.rng.randrange(10)) for _ in range(7))  # a range in use
    pairs = "-".join([pairs[:2]] + [pairs[i:i + 2] for i in range(2, 10, 2)])            # 06-12-34-56-78
    arabic = "".join(chr(0x0660 + int(d)) for d in P.bsn("plain"))                     # Arabic-Indic digits
    user = P.email().split("@")[0]
    street = P.address("plain").rsplit(" ", 1)
    surname_first = P.name().split()
    evasions = [f"Zwerfafval bel {pairs}", f"Zwerfafval bsn {arabic}", f"Zwerfafval {user}&#64;ziggo.nl",
                f"Zwerfafval {user}=40ziggo.nl", f"Zwerfafval {street[0]} nr. {street[1]}",
                f"Zwerfafval {surname_first[-1].upper()}, {surname_first[0].upper()}"]
    for r, v in zip(rows[1::3], evasions):
        r[3] = v
    b.text(Case("meldingen_verhulde_gegevens_2.csv", "meldingen", "loaded", rows_read=18, quarantined=6,
                reason="personal data", secrets=(pairs, arabic, f"{user}&#64;", f"{user}=40",
                                                 f"{street[0]} nr. {street[1]}",
                                                 f"{surname_first[-1].upper()}, {surname_first[0].upper()}"),
                klass="privacy-evasion"), M, rows)

    rows = b.unique_wijkteam_cells(14)
    mail, addr = P.email(), P.address("letter")
    rows[3][2], rows[8][0] = mail, addr
    b.text(Case("wijkteam_persoon_in_cellen.csv", "wijkteam", "loaded", rows_read=14, quarantined=2,
                reason="personal data", secrets=(mail, addr), klass="privacy-used-column-rows"), W, rows)

    rows = b.schulden_cells(14)
    phone, bsn = P.phone("intl"), P.bsn("groups")
    rows[5][2], rows[10][0] = phone, bsn
    b.text(Case("schulden_persoon_in_cellen.csv", "schulden", "loaded", rows_read=14, quarantined=2,
                reason="personal data", secrets=(phone, bsn), klass="privacy-used-column-rows"), S, rows)

    # ------------------------------------------------------------------ privacy: a used column, most rows
    rows = b.reports(14)
    addrs = [P.address() for _ in range(11)]
    for r, a in zip(rows, addrs):
        r[4] = a
    b.text(Case("meldingen_adressen_als_buurtcode.csv", "meldingen", "refused", message="personal data|buurtcode",
                secrets=tuple(addrs), klass="privacy-used-column-most"), M, rows)

    rows = b.unique_wijkteam_cells(12)
    mails = [P.email() for _ in range(10)]
    for r, m in zip(rows, mails):
        r[2] = m
    b.text(Case("wijkteam_emails_als_signaal.csv", "wijkteam", "refused", message="personal data|signaal",
                secrets=tuple(mails), klass="privacy-used-column-most"), W, rows)

    rows = b.schulden_cells(12)
    phones = [P.phone(notations[i % len(notations)]) for i in range(10)]
    for r, p in zip(rows, phones):
        r[0] = p
    b.xlsx(Case("schulden_telefoon_als_buurtcode.xlsx", "schulden", "refused", message="personal data|buurtcode",
                secrets=tuple(phones), klass="privacy-used-column-most"), [{"title": "Blad1", "rows": [S, *rows]}])

    # ------------------------------------------------------------------ privacy: header-less, e-mail in the first row
    rows = b.reports(12)
    mails = [P.email() for _ in rows]
    rows = [[*r, m] for r, m in zip(rows, mails)]
    b.text(Case("meldingen_zonder_kop.csv", "meldingen", "refused", message="missing",
                secrets=tuple(mails), klass="privacy-headerless"), None, rows)

    rows = b.unique_wijkteam_cells(10)
    mails = [P.email() for _ in rows]
    rows = [[m, *r] for r, m in zip(rows, mails)]
    b.xlsx(Case("wijkteam_zonder_kop.xlsx", "wijkteam", "refused", message="missing",
                secrets=tuple(mails), klass="privacy-headerless"), [{"title": "Blad1", "rows": rows}])

    # ------------------------------------------------------------------ privacy: other / hidden sheets
    contacts, secrets = [["Naam", "E-mail", "Telefoon", "BSN"]], []
    for i in range(8):
        name = P.name()
        row = [name, P.email(name), P.phone(notations[i % len(notations)]), P.bsn(["plain", "dots"][i % 2])]
        contacts.append(row)
        secrets += row
    rows = b.unique_wijkteam_cells(12)
    b.xlsx(Case("wijkteam_verborgen_blad.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=0,
                secrets=tuple(secrets), klass="privacy-other-sheet"),
           [{"title": "Signalen", "rows": [W, *rows]}, {"title": "Contacten", "rows": contacts, "state": "hidden"}])

    clients, secrets = [["Cliënt", "Woonadres", "Geb.datum", "BSN"]], []
    for i in range(8):
        row = [P.name(), P.address(), P.birth_date(), P.bsn("groups")]
        clients.append(row)
        secrets += row
    rows = b.schulden_cells(12)
    b.xlsx(Case("schulden_clientenblad.xlsx", "schulden", "loaded", rows_read=12, quarantined=0,
                secrets=tuple(secrets), klass="privacy-other-sheet"),
           [{"title": "Vroegsignalen", "rows": [S, *rows]}, {"title": "Cliënten", "rows": clients}])

    melders, secrets = [["Meldingnummer", "Naam melder", "E-mail", "Telefoonnr."]], []
    rows = b.reports(12)
    for i, r in enumerate(rows):
        name = P.name()
        row = [r[0], name, P.email(name), P.phone(notations[(i + 1) % len(notations)])]
        melders.append(row)
        secrets += row[1:]
    b.xlsx(Case("meldingen_verborgen_melders.xlsx", "meldingen", "loaded", rows_read=12, quarantined=0,
                secrets=tuple(secrets), klass="privacy-other-sheet"),
           [{"title": "Melders", "rows": melders, "state": "hidden"}, {"title": "Meldingen", "rows": [M, *rows]}])

    # ------------------------------------------------------------------ layout
    rows = b.unique_wijkteam_cells(12)
    b.xlsx(Case("wijkteam_titelregels.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=0, klass="layout-title-rows"),
           [{"title": "Rapport", "rows": [["Signalen wijkteams gemeente Hoogeveen"], ["Periode: 2022 t/m oktober 2026"],
                                         [], W, *rows]}])
    rows = b.schulden_cells(12)
    b.text(Case("schulden_titelregels.csv", "schulden", "loaded", rows_read=12, quarantined=0, klass="layout-title-rows"),
           S, rows, title=["Vroegsignalering schulden Hoogeveen", "Aangemaakt op 20-11-2026", ""])

    rows = b.unique_wijkteam_cells(12)
    b.xlsx(Case("wijkteam_tweede_blad.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=0, klass="layout-second-sheet"),
           [{"title": "Toelichting", "rows": [["Dit bestand bevat de signalen per buurt en maand."], ["Zie tabblad Data."]]},
            {"title": "Data", "rows": [W, *rows]}])

    b.xlsx(Case("wijkteam_geen_datablad.xlsx", "wijkteam", "refused", message="sheet", klass="layout-no-sheet"),
           [{"title": "Toelichting", "rows": [["Deze maand geen export beschikbaar."]]},
            {"title": "Overzicht", "rows": [["Wijk", "Totaal"], ["Centrum", 12], ["Noord", 7]]}])

    merged = []
    groups = b.rng.sample(BUURTEN, 4)
    for g, buurt in enumerate(groups):
        d = b.day(date(2023, 1, 1), date(2026, 9, 1))
        for k, (code, _) in enumerate(WIJKTEAM_SIGNALS[:3]):
            merged.append([buurt if k == 0 else None, f"{d.year}-{d.month:02d}", code, b.rng.randint(0, 20)])
    b.xlsx(Case("wijkteam_samengevoegde_cellen.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=0,
                klass="layout-merged-cells"),
           [{"title": "Signalen", "rows": [W, *merged], "merges": [f"A{2 + 3 * g}:A{4 + 3 * g}" for g in range(4)]}])

    rows = b.reports(14, time=True)
    b.text(Case("meldingen_unicode_tekst.txt", "meldingen", "loaded", rows_read=14, quarantined=0, klass="layout-utf16"),
           [*M, "Status"], [[*r, "Afgehandeld – geïnformeerd"] for r in rows], sep="\t", encoding="utf-16-le",
           newline="\r\n", bom=True)

    rows = b.reports(14)
    b.text(Case("meldingen_windows1252.csv", "meldingen", "loaded", rows_read=14, quarantined=0, klass="layout-cp1252"),
           [*M, "Status", "Behandelaar"],
           [[*r, b.rng.choice(["Afgehandeld – bewoner geïnformeerd", "In behandeling (één week)", "Gemeld"]),
             b.rng.choice(["Team Openbare Ruimte – Hollandscheveld", "Beheer & Onderhoud – Noordoost", "Café-overleg"])]
            for r in rows], encoding="cp1252")

    # ------------------------------------------------------------------ dates
    def dated(n: int, fmt: Callable[[date], str]) -> list[list[str]]:
        rows = b.reports(n)
        for r in rows:
            r[1] = fmt(b.day())
        return rows

    b.text(Case("meldingen_maandnamen.csv", "meldingen", "loaded", rows_read=12, quarantined=0, klass="dates-month-names"),
           M, dated(12, lambda d: f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}") [:-1] + [["SIG-1", "6 december 2021",
                                                                                          *CATEGORIES[0], BUURTEN[0]]])
    b.text(Case("meldingen_dagnamen.csv", "meldingen", "loaded", rows_read=12, quarantined=0, klass="dates-month-names"),
           M, dated(11, lambda d: f"{DAYS_ABBR[d.weekday()]} {d.day} {MONTHS_ABBR[d.month - 1]} {d.year}")
           + [["SIG-2", "ma 6 dec. 2021", *CATEGORIES[1], BUURTEN[1]]])
    b.text(Case("meldingen_acht_cijfers.csv", "meldingen", "loaded", rows_read=12, quarantined=0, klass="dates-8-digits"),
           M, dated(11, lambda d: d.strftime("%d%m%Y")) + [["SIG-3", "06122021", *CATEGORIES[2], BUURTEN[2]]])
    stamps = ["2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-29T01:59:59+01:00",
              "2026-03-29T03:00:00+02:00", "2025-10-26T02:30:00+02:00", "2025-10-26T02:30:00+01:00",
              "2024-07-01T12:00:00+02:00", "2023-01-15T08:00:00+01:00", "2026-11-20T09:15:00Z",
              "2026-05-04T10:11:12.123456+02:00", "2022-12-31T23:30:00+01:00", "2026-03-28T23:59:00+01:00"]
    b.add(Case("meldingen_signalen_zomertijd.zip", "meldingen", "loaded", rows_read=12, quarantined=0,
               klass="dates-utc-offsets"), _zip(_dwh_members(b, _dwh_rows(b, 12, stamps))))
    rows = b.reports(12)
    rows[5][1] = "01-02-03"
    b.text(Case("meldingen_tweecijferig_jaar.csv", "meldingen", "loaded", rows_read=12, quarantined=1, reason="date",
                klass="dates-ambiguous"), M, rows)
    # ISO weeks 53 (2020-W53 runs into January 2021), a week 1 that starts in December, a leap day, and the turn
    # of the year after TODAY (2026-W53, January 2027): the future rows are quarantined, the rest loads
    rows = b.reports(len(YEAR_EDGES))
    for r, d in zip(rows, YEAR_EDGES):
        r[1] = d
    b.text(Case("meldingen_jaarwisseling.csv", "meldingen", "loaded", rows_read=len(YEAR_EDGES), quarantined=2,
                reason="future", klass="dates-year-boundary"), M, rows)
    rows = b.unique_wijkteam_cells(len(YEAR_EDGE_MONTHS))
    for r, month in zip(rows, YEAR_EDGE_MONTHS):
        r[1] = month
    b.text(Case("wijkteam_jaarwisseling.csv", "wijkteam", "loaded", rows_read=len(YEAR_EDGE_MONTHS), quarantined=2,
                reason="future", klass="dates-year-boundary"), W, rows)

    # ------------------------------------------------------------------ counts
    rows = b.unique_wijkteam_cells(14)
    for r, v in zip(rows[1::3], ["inf", "NaN", "1e20", "veel", "-1"]):
        r[3] = v
    b.text(Case("wijkteam_rare_aantallen.csv", "wijkteam", "loaded", rows_read=14, quarantined=5,
                klass="counts-not-a-count"), W, rows)
    rows = b.schulden_cells(12)
    for r, v in zip(rows[::3], ["3000000000", "2,5", "inf", "-1"]):
        r[3] = v
    b.text(Case("schulden_rare_aantallen.csv", "schulden", "loaded", rows_read=12, quarantined=4,
                klass="counts-not-a-count"), S, rows)
    rows = b.unique_wijkteam_cells(12)
    rows[4][3] = 250000
    b.xlsx(Case("wijkteam_onwaarschijnlijk.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=1, reason="implausibl",
                klass="counts-implausible"), [{"title": "Signalen", "rows": [W, *rows]}])
    rows = b.schulden_cells(12)
    rows[7][3] = "250000"
    b.text(Case("schulden_onwaarschijnlijk.csv", "schulden", "loaded", rows_read=12, quarantined=1, reason="implausibl",
                klass="counts-implausible"), S, rows)

    # ------------------------------------------------------------------ files
    pdf = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
           b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n3 0 obj\n<< /Length 44 >>\nstream\n"
           + bytes(b.rng.randrange(256) for _ in range(200)) + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    b.add(Case("wijkteam_rapport.csv", "wijkteam", "refused", message="pdf", klass="file-pdf"), pdf)
    b.add(Case("schulden_leeg.xlsx", "schulden", "refused", message="empty", klass="file-empty"), b"")
    rows = b.unique_wijkteam_cells(12)
    b.text(Case("wijkteam_csv_met_xlsx_naam.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=0,
                klass="file-wrong-extension"), W, rows)
    rows = b.schulden_cells(12)
    b.xlsx(Case("schulden_xlsx_met_csv_naam.csv", "schulden", "loaded", rows_read=12, quarantined=0,
                klass="file-wrong-extension"), [{"title": "Blad1", "rows": [S, *rows]}])
    b.add(Case("meldingen_willekeurig.csv", "meldingen", "refused", message="binary", klass="file-binary"),
          bytes(b.rng.randrange(256) for _ in range(4096)))
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(b.rng.randrange(256) for _ in range(4088))
    b.add(Case("wijkteam_oud_formaat.xls", "wijkteam", "refused", message="xls", klass="file-xls"), ole)
    b.add(Case("schulden_oud_formaat.xlsx", "schulden", "refused", message="xls", klass="file-xls"), ole[:3000])

    # ------------------------------------------------------------------ archives
    members = _dwh_members(b, _dwh_rows(b, 5))
    header = members[0][1].split(b"\n", 1)[0] + b"\n"

    def write_bomb(folder: Path, name="meldingen_signalen_bom.zip", others=members[1:], header=header):
        (folder / name).write_bytes(_bomb_zip(header, BOMB_MIB, list(others)))
    b.add(Case("meldingen_signalen_bom.zip", "meldingen", "refused", message="inflate", klass="archive-bomb"), write_bomb)

    evil_name = P.name()
    evil = f"naam;adres\n{evil_name};Hoofdstraat 1\n".encode()
    rel = f"../../evil_{b.token}.csv"
    b.add(Case("meldingen_signalen_pad_omhoog.zip", "meldingen", "refused", secrets=(evil_name,), escapes=(rel,),
               klass="archive-traversal"), _zip(_dwh_members(b, _dwh_rows(b, 8)) + [(rel, evil)]))
    evil_name = P.name()
    evil = f"naam;adres\n{evil_name};Hoofdstraat 2\n".encode()
    absolute = f"/tmp/wijkradar_evil_{b.token}.csv"
    b.add(Case("meldingen_signalen_absoluut_pad.zip", "meldingen", "refused", secrets=(evil_name,), escapes=(absolute,),
               klass="archive-traversal"), _zip(_dwh_members(b, _dwh_rows(b, 8)) + [(absolute, evil)]))
    b.add(Case("meldingen_signalen_symlink.zip", "meldingen", "refused", secrets=tuple(_passwd_lines()),
               klass="archive-symlink"),
          _zip(_dwh_members(b, _dwh_rows(b, 8)) + [("statuses.csv", b"/etc/passwd", 0o120777 << 16)]))

    dump = _dwh_members(b, _dwh_rows(b, 8))

    def write_dump(folder: Path, name="meldingen_signalen_dump_symlink", dump=dump):
        d = folder / name
        d.mkdir()
        for member, data in dump:
            if member != "signals.csv":
                (d / member).write_bytes(data)
        os.symlink("/etc/passwd", d / "signals.csv")
    b.add(Case("meldingen_signalen_dump_symlink", "meldingen", "refused", message="symbolic link",
               secrets=tuple(_passwd_lines()), klass="dump-folder-symlink"), write_dump)

    # ------------------------------------------------------------------ hostile content
    rows = b.reports(14)
    for r, v in zip(rows[2::4], ['=HYPERLINK("http://evil","x")', "+cmd|'/c calc'!A0", "@SUM(1)"]):
        r[4] = v
    b.text(Case("meldingen_formules.csv", "meldingen", "loaded", rows_read=14, quarantined=3, reason="buurtcode",
                klass="hostile-formula"), M, rows)
    rows = b.unique_wijkteam_cells(12)
    rows[2][0] = '=HYPERLINK("http://evil","klik")'
    rows[7][0] = "=1+1"
    b.xlsx(Case("wijkteam_formules.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=2, reason="buurtcode",
                klass="hostile-formula"), [{"title": "Signalen", "rows": [W, *rows]}])
    rows = b.reports(14)
    for r, v in zip(rows[3::5], ["<svg/onload=alert(1)>", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']):
        r[3] = v
    b.text(Case("meldingen_html.csv", "meldingen", "loaded", rows_read=14, quarantined=3, reason="categor",
                klass="hostile-markup"), M, rows)

    rows = b.reports(14)
    for r, v in zip(rows[4::6], ["<script>alert(1)</script>", "<svg/onload=alert(1)>"]):
        r[4] = v
    b.text(Case("meldingen_html_buurtcode.csv", "meldingen", "loaded", rows_read=14, quarantined=2, reason="buurtcode",
                klass="hostile-markup"), M, rows)

    # ------------------------------------------------------------------ sheets small on disk, vast in cells
    rows = [M, *b.reports(12)]
    far = [(r, 16_384, "x") for r in range(14, 20_014)]              # 20,000 rows reaching column XFD
    b.add(Case("meldingen_cellen_ver_rechts.xlsx", "meldingen", "refused", message="beyond column",
               klass="sheet-cell-bomb"), _sheet_xlsx(rows, far))
    bomb = [(1_048_576, 16_384, "x")]                                # the last cell, and everything merged to it
    b.add(Case("meldingen_samengevoegd_tot_het_einde.xlsx", "meldingen", "refused", message="beyond column",
               klass="sheet-cell-bomb"), _sheet_xlsx(rows, bomb, merges=["A2:XFD1048576"]))
    tall = [(1_048_576, 1, "x"), (2, 6, "x"), (3, 52, "x")]          # 47 columns merged down a million rows
    b.add(Case("meldingen_samengevoegd_omlaag.xlsx", "meldingen", "refused", message="merged cells",
               klass="sheet-cell-bomb"), _sheet_xlsx(rows, tall, merges=["F2:AZ1048576"]))

    # a workbook's own part far beyond what a spreadsheet program writes: 800,000 defined names (workbook.xml of 36
    # MB; 1.85 million cell formats in styles.xml took 2 GB and 38 s before the first row: red team round 4a)
    names = "".join(f'<definedName name="n{i}">Blad1!$A${i % 1000 + 1}</definedName>' for i in range(800_000))
    bloated = zipfile.ZipFile(io.BytesIO(_sheet_xlsx([M, *b.reports(3)], [])))
    parts = [(n, bloated.read(n).replace(b"</sheets>", b"</sheets><definedNames>" + names.encode() + b"</definedNames>")
              if n == "xl/workbook.xml" else bloated.read(n)) for n in bloated.namelist()]
    b.add(Case("meldingen_namen_bom.xlsx", "meldingen", "refused", message="workbook.xml|uncompressed",
               klass="sheet-part-bomb"), _zip(parts))

    # ------------------------------------------------------------------ XML entities in a workbook
    rows = [M, *b.reports(12)]
    marker = rows[3][3]
    b.add(Case("meldingen_externe_entiteit.xlsx", "meldingen", "refused", message="entities", klass="xml-entities",
               secrets=tuple(_passwd_lines()[:3])),
          _entity_xlsx(rows, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', marker))
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    b.add(Case("meldingen_miljard_lachjes.xlsx", "meldingen", "refused", message="entities", klass="xml-entities"),
          _entity_xlsx(rows, f'<!DOCTYPE x [<!ENTITY l0 "ha">{laughs}<!ENTITY e "&l9;">]>', marker))

    # ------------------------------------------------------------------ deliveries
    rows = b.reports(18)
    payload = _delimited(M, rows).encode()
    dup = Case("meldingen_week47.csv", "meldingen", "loaded", rows_read=18, quarantined=0, klass="delivery-duplicate",
               again="meldingen_week47_nogmaals.csv")

    def write_dup(folder: Path, payload=payload, dup=dup):
        (folder / dup.file).write_bytes(payload)
        (folder / dup.again).write_bytes(payload)
    b.add(dup, write_dup)

    # ------------------------------------------------------------------ added after the corpus above was fixed
    # (at the end, so the values drawn for the cases above stay the same)
    rows = b.reports(14)
    first, last = b.rng.choice(FIRST), b.rng.choice(LAST)
    typed = f"{first.lower()}_{last.lower()}"                       # a name as a person types it in a file name
    b.text(Case(f"meldingen_melding_van_{typed}.csv", "meldingen", "loaded", rows_read=14, quarantined=0,
                secrets=(typed,), klass="privacy-file-name"), M, rows)

    rows = b.reports(14)
    rows[9][0] = rows[4][0][:3].lower() + rows[4][0][3:]          # one number in two cases: SIG-4711, sig-4711
    b.text(Case("meldingen_nummers_hoofdletters.csv", "meldingen", "loaded", rows_read=14, quarantined=2,
                reason="more than once", klass="delivery-number-case"), M, rows)

    rows = b.reports(14)
    rows[2][1], rows[7][1] = "01-01-1900", "31-12-1999"
    b.text(Case("meldingen_1900.csv", "meldingen", "loaded", rows_read=14, quarantined=2, reason="before 2000",
                klass="dates-far-past"), M, rows)
    rows = b.unique_wijkteam_cells(12)
    rows[5][1] = "1900-01"
    b.text(Case("wijkteam_1900.csv", "wijkteam", "loaded", rows_read=12, quarantined=1, reason="before 2000",
                klass="dates-far-past"), W, rows)

    rows = b.unique_wijkteam_cells(12)
    rows = [[*r, r[3] + (5 if i == 3 else 0)] for i, r in enumerate(rows)]   # a second Aantal, differing once
    b.text(Case("wijkteam_aantal_twee_keer.csv", "wijkteam", "refused", message="aantal|differ",
                klass="layout-duplicate-columns"), [*W, "Aantal"], rows)

    # numbers hidden by a hostile sender: letters written for digits (O for 0, l for 1), digits spelled out
    rows = b.reports(16)
    digits = [str(b.rng.randint(1, 5)) + "".join(str(b.rng.randrange(10)) for _ in range(7)) for _ in range(2)]
    leet = "O6-" + digits[0].replace("1", "l", 1)                       # O6-l2345678 (a 0 as O, a 1 as l)
    words = ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")
    spelled = "nul zes " + " ".join(words[int(d)] for d in digits[1][:4]) + " " + digits[1][4:]  # nul zes vier ... 5678
    bsn = next(v for v in iter(lambda: P.bsn("plain"), None) if "0" in v[1:])
    bsn_leet = bsn[0] + bsn[1:].replace("0", "O")                        # 5823630O7
    bsn_words = " ".join(words[int(d)] for d in P.bsn("plain"))
    evasions = [f"Zwerfafval bel {leet}", f"Zwerfafval bel {spelled}", f"Zwerfafval bsn: {bsn_leet}",
                f"Zwerfafval bsn {bsn_words}", "Zwerfafval rek NL91 ABNA O417 1643 00"]
    for r, v in zip(rows[1::3], evasions):
        r[3] = v
    b.text(Case("meldingen_verhulde_cijfers.csv", "meldingen", "loaded", rows_read=16, quarantined=5,
                reason="personal data", secrets=(leet, "06" + digits[0], spelled, "06" + digits[1], bsn_leet, bsn,
                                                 bsn_words, "NL91 ABNA O417 1643 00", "NL91ABNA0417164300"),
                klass="privacy-obfuscated-digits"), M, rows)

    # names spelled letter by letter: spaced, in capitals after an initial, dotted after a title, dashed after a
    # first name
    rows = b.reports(16)
    people = [(b.rng.choice(FIRST), b.rng.choice(LAST)) for _ in range(4)]
    spaced = [" ".join(people[0][1]), f"{people[1][0][0]}. " + " ".join(people[1][1].upper()),
              "dhr. " + ".".join(people[2][1]), f"{people[3][0]} " + "-".join(people[3][1])]
    for r, v in zip(rows[2::4], spaced):
        r[3] = f"Zwerfafval gemeld door {v}"
    b.text(Case("meldingen_gespatieerde_namen.csv", "meldingen", "loaded", rows_read=16, quarantined=4,
                reason="personal data", secrets=tuple(spaced) + tuple(f"{f} {last}" for f, last in people[1:]),
                klass="privacy-spaced-names"), M, rows)

    # the notations a red team found the scanner missing: a street glued to its number, a postcode in lower case,
    # a name in lower case after 'van', a name written surname first, a BSN one digit at a time, a licence plate
    rows = b.reports(18)
    first, last = b.rng.choice(FIRST), b.rng.choice(LAST)
    first2, last2 = b.rng.choice(FIRST), b.rng.choice([x for x in LAST if x != last])
    glued = b.rng.choice(["Kerkstraat", "Molenstraat", "Julianastraat"]) + str(b.rng.randint(2, 99))
    postcode = f"79{b.rng.randint(10, 99)} {b.rng.choice(['ab', 'kl', 'tx'])} {b.rng.randint(2, 99)}"
    bsn_spaced = " ".join(P.bsn("plain"))
    plate = f"{b.rng.choice('GHJKNPRSTXZ')}{b.rng.choice('GHJKNPRSTXZ')}-{b.rng.randint(100, 999)}-" \
            f"{b.rng.choice('GHJKNPRSTXZ')}"
    notations = [f"Zwerfafval bij {glued}", f"Zwerfafval {postcode}", f"klacht van {first.lower()} {last.lower()}",
                 f"Zwerfafval {last2}, {first2}", f"Zwerfafval bsn {bsn_spaced}", f"Zwerfafval auto {plate}"]
    for r, v in zip(rows[1::3], notations):
        r[3] = v
    b.text(Case("meldingen_nieuwe_notaties.csv", "meldingen", "loaded", rows_read=18, quarantined=6,
                reason="personal data", secrets=(glued, postcode, f"{first.lower()} {last.lower()}",
                                                 f"{last2}, {first2}", bsn_spaced, bsn_spaced.replace(" ", ""), plate),
                klass="privacy-new-notations"), M, rows)

    # a person's name in the FILE name (lower case, between underscores): the file loads, its name is never kept
    who = f"{b.rng.choice(FIRST).lower()}_{b.rng.choice(LAST).lower()}"
    b.text(Case(f"meldingen_{who}.csv", "meldingen", "loaded", rows_read=10, quarantined=0, secrets=(who,),
                klass="privacy-file-name"), M, b.reports(10))
    # the same in a name of 250 bytes: no room beside it for '<name>.manifest.json' (the file system refuses so long
    # a name), which crashed the load with a traceback quoting the name
    who = f"{b.rng.choice(FIRST)}_{b.rng.choice(LAST)}"
    long_name = f"meldingen_melder_{who}_" + "week47_" * 40
    long_name = long_name[:246] + ".csv"
    b.text(Case(long_name, "meldingen", "loaded", rows_read=10, quarantined=0, secrets=(who, who.lower()),
                klass="privacy-file-name"), M, b.reports(10))

    # report numbers a system gives as year and sequence: nine digits in a row, of which about one in eleven passes
    # the BSN 11-test; one written as a phone number
    from pipelines.privacy import _bsn_ok

    rows = b.reports(16)
    start = b.rng.randint(10_000, 80_000)
    numbers = [f"2026{start + i:05d}" for i in range(200)]
    passing = [n for n in numbers if _bsn_ok(n)][:4]
    plain = [n for n in numbers if not _bsn_ok(n) and not n.startswith("6")][:11]
    phone = "06-" + str(b.rng.randint(1, 5)) + "".join(str(b.rng.randrange(10)) for _ in range(7))
    for r, v in zip(rows, passing + plain + [phone]):
        r[0] = v
    b.text(Case("meldingen_jaarnummers.csv", "meldingen", "loaded", rows_read=16, quarantined=1,
                reason="personal data", secrets=(*passing, phone),
                klass="delivery-ids-like-personal-numbers"), M, rows)

    # ------------------------------------------------------------------ reading: quotes, archives, workbooks
    lines = _delimited(M, b.reports(16)).splitlines()
    lines[6] = lines[6].replace(";", ';"', 1)            # a stray quote on line 7, closed on line 12
    lines[11] += '"'
    b.add(Case("meldingen_los_aanhalingsteken.csv", "meldingen", "refused", message="line 7|quote",
               klass="csv-stray-quote"), ("\n".join(lines) + "\n").encode())
    rows = [[*r, "gezien; twee keer\nopnieuw \"gemeld\"" if i % 5 == 0 else ""] for i, r in enumerate(b.reports(16))]
    b.text(Case("meldingen_cel_over_regels.csv", "meldingen", "loaded", rows_read=16, quarantined=0,
                klass="csv-multiline-cells"), M + ["Toelichting"], rows)
    person = P.name()
    members = [(f"export {person}/{n}", data) for n, data in _dwh_members(b, _dwh_rows(b, 300))]
    b.add(Case("meldingen_signalen_wachtwoord.zip", "meldingen", "refused", message="password", secrets=(person,),
               klass="archive-unreadable"), _patched_zip(_zip(members), flag_bits=1))
    b.add(Case("meldingen_signalen_deflate64.zip", "meldingen", "refused", message="deflate64", secrets=(person,),
               klass="archive-unreadable"), _patched_zip(_zip(members), method=9))
    b.add(Case("meldingen_signalen_beschadigd.zip", "meldingen", "refused", message="damaged", secrets=(person,),
               klass="archive-unreadable"), _damaged_zip(_zip(members), members[0][0]))
    months = [(f"{month}/{n}", data) for month in ("okt", "nov") for n, data in _dwh_members(b, _dwh_rows(b, 12))]
    b.add(Case("meldingen_signalen_twee_maanden.zip", "meldingen", "refused", message="2 files|signals.csv|one export",
               klass="archive-two-exports"), _zip(months))
    b.xlsx(Case("wijkteam_blad_per_maand.xlsx", "wijkteam", "refused", message="2 sheets|september|oktober|one sheet",
                klass="layout-sheet-per-month"),
           [{"title": "september", "rows": [W, *b.unique_wijkteam_cells(6)]},
            {"title": "oktober", "rows": [W, *b.unique_wijkteam_cells(6)]}])
    dragged = b"".join(b'<row r="%d"><c r="E%d" t="str"><f>IF(A%d="","",A%d)</f><v></v></c></row>' % (k, k, k, k)
                       for k in range(14, 40))          # a formula dragged below the data, computed to ""
    book = _xlsx([{"title": "Meldingen", "rows": [M, *b.reports(12)]}])
    b.add(Case("meldingen_formule_lege_tekst.xlsx", "meldingen", "loaded", rows_read=12, quarantined=0,
               klass="xlsx-formula-empty-result"),
          _rewritten(book, "xl/worksheets/sheet1.xml",
                     lambda xml: xml.replace(b"</sheetData>", dragged + b"</sheetData>")))
    rows = b.reports(12)
    for r in rows:        # day numbers of the 1904 date system (Excel for Mac): 2003 dates, read as 1900-system 1999
        r[1] = (date(2003, b.rng.randint(1, 12), b.rng.randint(1, 28)) - date(1904, 1, 1)).days
    book = _xlsx([{"title": "Meldingen", "rows": [M, *rows]}])
    b.add(Case("meldingen_1904_datumsysteem.xlsx", "meldingen", "loaded", rows_read=12, quarantined=0,
               klass="xlsx-1904-dates"),
          _rewritten(book, "xl/workbook.xml",
                     lambda xml: xml.replace(b"<workbookPr />", b'<workbookPr date1904="1" />')))
    rows = b.unique_wijkteam_cells(12)
    for r in rows[::2]:
        r[0] = int(r[0][2:])           # a number cell: Excel drops the leading zero (01185000 -> 1185000)
    b.xlsx(Case("wijkteam_buurtcode_als_getal.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=0,
                klass="xlsx-numeric-buurtcode"), [{"title": "Blad1", "rows": [W, *rows]}])
    b.add(Case("wijkteam_binair.xlsb", "wijkteam", "refused", message="binary workbook|xlsb", klass="file-xlsb"),
          _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\x83\x01\x00"),
                ("xl/worksheets/sheet1.bin", b"\x81\x01\x00")]))
    book = _xlsx([{"title": "Blad1", "rows": [M, *b.reports(12)]}])
    b.add(Case("meldingen_tekstenbom.xlsx", "meldingen", "refused", message="texts|sharedstrings",
               klass="xlsx-shared-strings-bomb"), _string_bomb_xlsx(book, 500_000))
    rows = b.unique_wijkteam_cells(12)
    for r, v in zip(rows[1::3], [0.125, 1.234, "0.125", "1,000"]):      # number cells, and text
        r[3] = v
    b.xlsx(Case("wijkteam_decimalen.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=4, reason="aantal",
                klass="counts-decimal-or-ambiguous"), [{"title": "Blad1", "rows": [W, *rows]}])

    # --- reading round 2: spaced digits, upper-case dump names, buurt_code-only locations, long header lines ---
    rows = b.unique_wijkteam_cells(12)
    for r, v in zip(rows[::3], ["1 2", "2 5", "1'5", "1 0 0"]):      # two numbers or a typo: never the joined number
        r[3] = v
    rows[1][3] = "1 000"                                             # a real thousands group: 1000
    b.text(Case("wijkteam_spaties_in_aantal.csv", "wijkteam", "loaded", rows_read=12, quarantined=4,
                reason="not a number", klass="counts-spaced-digits"), W, rows)
    b.add(Case("meldingen_dump_hoofdletters.zip", "meldingen", "loaded", rows_read=10, quarantined=0,
               klass="archive-upper-case-names"),
          _zip([(f"EXPORT/{n.upper()}", data) for n, data in _dwh_members(b, _dwh_rows(b, 10))]))
    members = _dwh_members(b, _dwh_rows(b, 10))
    loc_rows = [line.split(",")[:2] for line in members[1][1].decode().splitlines()[1:]]
    members[1] = ("locations.csv", _delimited(["id", "buurt_code"], loc_rows, ",").encode())
    b.add(Case("meldingen_dump_alleen_buurt_code.zip", "meldingen", "loaded", rows_read=10, quarantined=0,
               klass="signalen-buurt-code-only"), _zip(members))
    b.add(Case("meldingen_lange_kopregel.csv", "meldingen", "refused", message="line 1 holds|without a line break",
               klass="text-long-header-line"), (";".join(M) + ";" + "x" * (1 << 21) + "\n").encode())

    # --- reading round 3: nothing above the header, on another sheet or under a merged count vanishes unseen ---
    first = _delimited(M[1:], [r[1:] for r in b.reports(10)]).splitlines()
    second = _delimited(M, b.reports(10)).splitlines()
    b.add(Case("meldingen_twee_exports_onder_elkaar.csv", "meldingen", "refused",
               message="line 1 is a header row too|(line 13)|two tables", klass="layout-two-tables"),
          ("\n".join(first + [""] + second) + "\n").encode())

    b.xlsx(Case("wijkteam_maandbladen_andere_kop.xlsx", "wijkteam", "loaded", rows_read=6, quarantined=0,
                klass="layout-sheet-lacks-one-column"),     # September read; October named in a warning
           [{"title": "september", "rows": [W, *b.unique_wijkteam_cells(6)]},
            {"title": "oktober", "rows": [["Buurtcode", "Maand", "Soort", "Aantal"], *b.unique_wijkteam_cells(6)]}])

    rows = b.unique_wijkteam_cells(12)
    rows[1][3] = rows[2][3] = None                        # a group total merged over D2:D4
    b.xlsx(Case("wijkteam_samengevoegd_aantal.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=3,
                reason="merged over several rows", klass="layout-merged-count"),
           [{"title": "Blad1", "rows": [W, *rows], "merges": ("D2:D4",)}])

    rows = b.unique_wijkteam_cells(8)
    other = [[*r[:3], 999] for r in rows]

    def repeated_member(folder: Path, name="wijkteam_blad_twee_keer.xlsx", rows=rows, other=other):
        book = zipfile.ZipFile(io.BytesIO(_xlsx([{"title": "Blad1", "rows": [W, *rows]}])))
        second = zipfile.ZipFile(io.BytesIO(_xlsx([{"title": "Blad1", "rows": [W, *other]}])))
        members = [(n, book.read(n)) for n in book.namelist()]
        (folder / name).write_bytes(_zip([*members, ("XL/worksheets/sheet1.xml",
                                                      second.read("xl/worksheets/sheet1.xml"))]))
    b.add(Case("wijkteam_blad_twee_keer.xlsx", "wijkteam", "refused", message="sheet1.xml|twice",
               klass="archive-repeated-member"), repeated_member)

    rows = b.unique_wijkteam_cells(11)
    for r in rows:
        r[2] = "Financiële zorgen"         # the Dutch label: its "ë" is mangled when the file is read as Windows-1252
    payload = _delimited(W + ["Opmerking"], [[*r, ""] for r in rows]).encode("utf-8")
    payload += f"{b.rng.choice(BUURTEN)};2026-09;Eenzaamheid;3;overleg café\n".encode("cp1252")
    b.add(Case("wijkteam_gemengde_codering.csv", "wijkteam", "loaded", rows_read=12, quarantined=0,
               klass="layout-mixed-encoding"), payload)

    book = _xlsx([{"title": "Blad1", "rows": [W, *b.unique_wijkteam_cells(6)]}])
    b.add(Case("wijkteam_strict_open_xml.xlsx", "wijkteam", "refused",
               message="strict open xml|ordinary excel workbook", klass="file-strict-ooxml"),
          _rewritten(_rewritten(book, "xl/workbook.xml", _strict), "xl/worksheets/sheet1.xml", _strict))

    members = _dwh_members(b, _dwh_rows(b, 10))        # a category no report uses, written in Windows-1252
    members[2] = ("categories.csv", (members[2][1].decode() + "999,Overlast,Café\n").encode("cp1252"))
    b.add(Case("meldingen_dump_windows_1252.zip", "meldingen", "loaded", rows_read=10, quarantined=0,
               klass="signalen-cp1252"), _zip(members))

    lines = _delimited(M, b.reports(300)).splitlines()
    lines[250] = lines[250].replace(";", ";\x00", 1)      # a database export's padding byte, one in the file
    b.add(Case("meldingen_nul_teken.csv", "meldingen", "refused", message="line 251|nul character|remove the nul",
               klass="text-nul-character"), ("\n".join(lines) + "\n").encode())

    # ------------------------------------------------------------------ privacy, second red-team round
    # surnames with a place-like ending after a title, initials, a first name or "familie"
    rows = b.reports(16)
    surnames = b.rng.sample(["Westerhof", "Hoogendijk", "Oosterveld", "Nijhof", "Bijleveld", "Eleveld", "Schalkwijk",
                             "Heemskerk"], 6)
    first = b.rng.choice(FIRST)
    named = [f"Overlast door familie {surnames[0]}", f"Klacht van dhr. {surnames[1]}", f"{first} {surnames[2]}",
             f"melding van mevrouw {surnames[3]}", f"{first[0]}. {surnames[4]}", f"Opgesteld door {first[0]}. {surnames[5]}"]
    for r, v in zip(rows[1::2], named):
        r[3] = v
    b.text(Case("meldingen_plaatsachtige_achternamen.csv", "meldingen", "loaded", rows_read=16, quarantined=6,
                reason="personal data", secrets=tuple(surnames), klass="privacy-round2-names"), M, rows)
    # addresses without a street's ending or with the number first, postcode/number, birth-date signs, and an e-mail
    # address split over two cells
    rows = b.reports(18)
    n = [b.rng.randint(2, 99) for _ in range(5)]
    born = f"{b.rng.randint(10, 28):02d}.{b.rng.randint(1, 12):02d}.19{b.rng.randint(40, 99)}"
    forms = [f"Kerkstraat, huisnummer {n[0]}", f"Overlast op nummer {n[1]} van de Molenstraat", f"Het Haagje {n[2]}",
             f"Wolfsbos {n[3]}", f"79{b.rng.randint(10, 99)}AB/{n[4]}", f"melder *{born}",
             f"melder °{born.replace('.', '-')}", f"gb {born.replace('.', '-')}"]
    for r, v in zip(rows[::2], forms):
        r[3] = v
    local = f"{b.rng.choice(FIRST)[0].lower()}.{b.rng.choice(LAST).lower()}@"
    rows[17][2], rows[17][3] = local, "xs4all.nl"
    b.text(Case("meldingen_adressen_zonder_straat.csv", "meldingen", "loaded", rows_read=18, quarantined=9,
                reason="personal data", secrets=(*forms, born, local), klass="privacy-round2-forms"), M, rows)

    # ------------------------------------------------------------------ privacy, third red-team round
    # what the full check finds but the cheap prefilter passed by: lower-case names after a sign, a list number, "de
    # heer", "mevr.", joined by "_" or "."; capitals joined by "_"; an e-mail address and a postcode written with "_";
    # names as a Meldingnummer (a report number holds a digit)
    rows = b.reports(24)
    sur = b.rng.choice(["brinkhuis", "hoekstra", "veenstra", "kuipers"])
    first = b.rng.choice(["hendrik", "marieke", "willem", "sanne", "femke"])
    postcode = f"{b.rng.randint(2, 99)},_79{b.rng.randint(10, 99)}_AB"
    typed = [f"'{first} {sur}", f"({first} {sur})", f"-{first} {sur}", f"1. {first} {sur}", f"{first}_{sur}",
             f"de heer {sur}", f"mevr. {sur}", f"{first.upper()}_DE_{sur.upper()}", f"{first}.{sur}_bij_ziggo_punt_nl",
             postcode]
    for r, v in zip(rows[1::2], typed[:9]):
        r[3] = v
    rows[0][3] = postcode
    rows[18][0] = f"{first}_de_{sur}"
    b.text(Case("meldingen_ronde3_voorfilter.csv", "meldingen", "loaded", rows_read=24, quarantined=11,
                reason="personal data", secrets=(sur, postcode), klass="privacy-round3-prefilter"), M, rows)
    # a person's name as a sheet's name, a column header, a hidden sheet's name: never printed or logged
    polish = b.rng.sample(["Nowicka", "Kaminski", "Dabrowski", "Wojcik", "Kowalska", "Zielinski"], 3)
    rows = b.unique_wijkteam_cells(12)
    b.xlsx(Case("wijkteam_sheets_dubbel.xlsx", "wijkteam", "refused", message="hold a table",
                secrets=(f"Agnieszka {polish[0]}", polish[0]), klass="privacy-round3-labels"),
           [{"title": f"Agnieszka {polish[0]}", "rows": [W, *rows[:6]]}, {"title": "Blad2", "rows": [W, *rows[6:]]}])
    header = ["Buurtcode", "Maand", "Signaal", f"Wiktor {polish[1]}", "Aantallen"]
    b.text(Case("wijkteam_kop_fout.csv", "wijkteam", "refused", message="required column|found columns",
                secrets=(f"Wiktor {polish[1]}", polish[1]), klass="privacy-round3-labels"),
           header, [r[:3] + ["x", r[3]] for r in b.unique_wijkteam_cells(6)])
    hidden, kept = f"Krzysztof {polish[2]}", P.bsn("plain")
    b.xlsx(Case("wijkteam_ronde3_verborgen_naam.xlsx", "wijkteam", "loaded", rows_read=12, quarantined=0,
                secrets=(hidden, polish[2], kept), klass="privacy-round3-labels"),
           [{"title": "Signalen", "rows": [W, *b.unique_wijkteam_cells(12)]},
            {"title": hidden, "rows": [["Naam", "BSN"], [hidden, kept]], "state": "hidden"}])
    # numbers in E-notation, markup between an item's parts, names whose surname is on no list or in another script,
    # titles "Hr." and "wed.", a profile address, a spelled-out birth date, a number and a name split over two cells
    rows = b.reports(36)
    sur = b.rng.choice(["Brinkhuis", "Hoekstra", "Veenstra", "Kuipers"])
    first = b.rng.choice(["Hendrik", "Marieke", "Willem", "Sanne", "Femke"])
    bsn = P.bsn("plain")
    mobile = "6" + str(b.rng.randint(1, 5)) + "".join(str(b.rng.randint(0, 9)) for _ in range(7))
    tagged = P.bsn("plain")
    unlisted = b.rng.sample(["Kowalczyk", "Lewandowska", "Wisniewski", "Mazurkiewicz", "Zielinska", "Nowicka"], 4)
    year = b.rng.randint(1940, 1999)
    forms = [f"{bsn[0]}.{bsn[1:]}E8", f"0{mobile[0]},{mobile[1:]}E8", f"06<b>{mobile[1:]}</b>",
             f"{tagged[:3]}<b>{tagged[3:6]}</b>{tagged[6:]}", "Kerkstraat<br>" + str(b.rng.randint(2, 99)),
             f"Overlast door Piotr {unlisted[0]}", f"Anna {unlisted[1]}", f"J.A. {unlisted[2]}-de Vries",
             "Иван Смирнов", "محمد الحربي", f"Totaal gecontroleerd door Bartosz {unlisted[3]}", f"Hr. {sur}",
             f"wed. {sur}", f"zie facebook.com/{first.lower()}.{sur.lower()}.77", f"geboren op drie maart {year}"]
    for r, v in zip(rows[::2], forms):
        r[3] = v
    rows[31][2], rows[31][3] = "06-1357", "2468"
    rows[33][2], rows[33][3] = first, sur
    b.text(Case("meldingen_ronde3_notaties.csv", "meldingen", "loaded", rows_read=36, quarantined=17,
                reason="personal data", secrets=(*forms[:4], bsn, "0" + mobile, tagged, *unlisted, "Смирнов", "الحربي",
                                                 sur, f"drie maart {year}", "06-1357"),
                klass="privacy-round3-notations"), M, rows)

    # ------------------------------------------------------------------ privacy, fourth red-team round
    # surnames after the tussenvoegsel 't ("Mw. 't Hart", "Hr. in 't Veld", in capitals too), a lower-case surname after
    # "van der" / "van den" (the name rules read "'t" as no word, so the surname after it as no surname)
    rows = b.reports(20)
    sur = b.rng.choice(["meulen", "linden", "berg", "velde"])
    particles = ["Mw. 't Hart", "dhr. 't Hoen", "J. 't Hart", "Hr. in 't Veld", "MW. 'T HART", "dhr. op 't Land",
                 f"gesproken met van der {sur}", f"klacht van van den {sur}"]
    for r, v in zip(rows[1::2], particles):
        r[3] = v
    rows[18][4] = "J. 't Hart"
    b.text(Case("meldingen_ronde4_tussenvoegsels.csv", "meldingen", "loaded", rows_read=20, quarantined=9,
                reason="personal data", secrets=("'t Hart", "'t Hoen", "in 't Veld", "op 't Land", f"van der {sur}",
                                                 f"van den {sur}"), klass="privacy-round4-particles"), M, rows)
    # a BSN with a leading 0 typed into a number cell: the spreadsheet keeps eight digits (097329150 -> 97329150), in
    # a category and a buurt code; eight-digit numbers in a column of numbers are numbers (test_privacy)
    rows = b.reports(16)
    lost = []
    while len(lost) < 2:
        digits = "0" + "".join(str(b.rng.randrange(10)) for _ in range(8))
        if is_bsn(digits) and digits[1] != "0" and digits not in lost:
            lost.append(digits)
    rows[3][3], rows[9][4] = int(lost[0]), int(lost[1])
    b.xlsx(Case("meldingen_ronde4_bsn_zonder_nul.xlsx", "meldingen", "loaded", rows_read=16, quarantined=2,
                reason="personal data", secrets=(*lost, *(d[1:] for d in lost)), klass="privacy-round4-numbers"),
           [{"title": "Meldingen", "rows": [M, *rows]}])
    # a licence plate without its dashes alone in a cell, a mobile number spelled out without its 0
    rows = b.reports(12)
    plates = [f"{b.rng.choice('GHJKNPRSTXZ')}{b.rng.choice('GHJKNPRSTXZ')}{b.rng.randint(100, 999)}"
              f"{b.rng.choice('GHJKNPRSTXZ')}", f"{b.rng.randint(10, 99)}{b.rng.choice('GHJKNPRSTXZ')}"
              f"{b.rng.choice('GHJKNPRSTXZ')}{b.rng.choice('GHJKNPRSTXZ')}{b.rng.randint(1, 9)}"]
    mobile = "6" + str(b.rng.randint(1, 5)) + "".join(str(b.rng.randrange(10)) for _ in range(7))
    words = "nul een twee drie vier vijf zes zeven acht negen".split()
    spelled = " ".join(words[int(d)] for d in mobile)
    rows[2][3], rows[6][3], rows[9][3] = plates[0], plates[1].lower(), spelled
    b.text(Case("meldingen_ronde4_kentekens.csv", "meldingen", "loaded", rows_read=12, quarantined=3,
                reason="personal data", secrets=(*plates, spelled, mobile), klass="privacy-round4-plates"), M, rows)

    # ------------------------------------------------------------------ reading, fifth red-team round
    import re

    formulas = b"".join(b"<c><f>%s</f></c>" % f for f in (b'"BU01185104"', b'"2026-09"', b'"eenzaamheid"', b"2+1"))
    book = _xlsx([{"title": "Blad1", "rows": [W, *b.unique_wijkteam_cells(8)]}])
    b.add(Case("wijkteam_formules_zonder_positie.xlsx", "wijkteam", "loaded", rows_read=9, quarantined=1,
               reason="aantal", klass="xlsx-formula-without-position"),
          _rewritten(book, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
              rb'(<(?:c|row)\b[^>]*?) r="[A-Z]*\d+"', rb"\1",
              xml.replace(b"</sheetData>", b'<row r="10">' + formulas + b"</row></sheetData>"))))
    # ------------------------------------------------------------------ reading, seventh red-team round
    book = _xlsx([{"title": "Blad1", "rows": [W, *b.unique_wijkteam_cells(8)]}])

    def last_to_first(xml: bytes) -> bytes:
        rows = re.findall(rb"<row\b.*?</row>", xml, flags=re.S)
        cells = [re.findall(rb"<c\b.*?</c>|<c\b[^>]*/>", r, flags=re.S) for r in rows]
        shuffled = [re.sub(rb"(<row\b[^>]*>).*(</row>)", lambda m, cs=cs: m.group(1) + b"".join(cs[::-1]) + m.group(2),
                           r, flags=re.S) for r, cs in zip(rows, cells)]
        return re.sub(rb"<sheetData>.*</sheetData>", lambda m: b"<sheetData>" + b"".join(shuffled[::-1]) +
                      b"</sheetData>", xml, flags=re.S)

    b.add(Case("wijkteam_rijen_door_elkaar.xlsx", "wijkteam", "loaded", rows_read=8, quarantined=0,
               klass="xlsx-rows-out-of-order"), _rewritten(book, "xl/worksheets/sheet1.xml", last_to_first))
    # a team hid (or filtered away) rows it still delivers: a hidden row is in the file, so it is a row delivered
    b.add(Case("wijkteam_rijen_verborgen.xlsx", "wijkteam", "loaded", rows_read=8, quarantined=0,
               klass="xlsx-hidden-rows"), _rewritten(book, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
                   rb'<row r="([3-5])"', rb'<row r="\1" hidden="1"', xml)))
    b.add(Case("wijkteam_rij_buiten_het_blad.xlsx", "wijkteam", "refused", message="beyond excel's rows",
               klass="xlsx-row-beyond-grid"),
          _rewritten(book, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
              b"</sheetData>", b'<row r="2000000000"><c r="A2000000000" t="inlineStr"><is><t>x</t></is></c></row>'
                               b"</sheetData>")))
    rows = b.reports(10)
    page = "<html><body><table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
                                           for r in [M, *rows]) + "</table></body></html>"
    b.add(Case("meldingen_webpagina.csv", "meldingen", "refused", message="web page (html|save it as .xlsx or csv",
               klass="file-markup"), page.encode())
    b.add(Case("wijkteam_excel_2003_xml.xlsx", "wijkteam", "refused", message="excel 2003 xml spreadsheet",
               klass="file-markup"),
          ('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:'
           'office:spreadsheet"><Worksheet><Table>' + "".join(
               "<Row>" + "".join(f"<Cell><Data>{c}</Data></Cell>" for c in r) + "</Row>"
               for r in [W, *b.unique_wijkteam_cells(6)]) + "</Table></Worksheet></Workbook>").encode())
    okt, nov = _dwh_members(b, _dwh_rows(b, 10)), _dwh_members(b, _dwh_rows(b, 7))
    b.add(Case("meldingen_signalen_met_geneste_zip.zip", "meldingen", "refused",
               message="the archive 'november.zip'|beside the signalen export|would not be read",
               klass="archive-extra-member"),
          _zip([*[(f"oktober/{n}", data) for n, data in okt], ("november.zip", _zip(nov))]))
    b.add(Case("meldingen_signalen_met_nalevering.zip", "meldingen", "refused",
               message="'meldingen_nalevering.csv' beside the signalen export|would not be read",
               klass="archive-extra-member"),
          _zip([*_dwh_members(b, _dwh_rows(b, 5)), ("meldingen_nalevering.csv", _delimited(M, b.reports(6)).encode())]))
    # a text padded as a spreadsheet writes it when columns and rows beside the table were once formatted
    rows = b.unique_wijkteam_cells(70)
    padded = "".join(";".join(map(str, r)) + ";" * 16_380 + "\n" for r in [W, *rows]) + "\n" * 5_000 + ";;;;\n" * 200
    b.add(Case("wijkteam_lege_kolommen_en_regels.csv", "wijkteam", "loaded", rows_read=70, quarantined=0,
               klass="text-padded-cells"), padded.encode())
    lines = _delimited(W, b.unique_wijkteam_cells(12)).splitlines()
    lines[4] += ";" * 1_200 + "x"
    b.add(Case("wijkteam_cel_ver_rechts.csv", "wijkteam", "refused", message="line 5|beyond column 1,000",
               klass="text-padded-cells"), ("\n".join(lines) + "\n").encode())
    # ------------------------------------------------------------------ privacy, sixth red-team round
    rows = b.reports(10)
    rows[1][0], rows[4][3] = "p-0612345678abcdefabcd", "p-123456782abcdefabcde"
    b.text(Case("meldingen_pseudoniemvorm.csv", "meldingen", "loaded", rows_read=10, quarantined=2,
                reason="personal data", secrets=("0612345678", "123456782"), klass="privacy-pseudonym-shaped"), M, rows)
    # ------------------------------------------------------------------ text cells and layouts, eighth round
    def lines(rows: list[list]) -> list[str]:
        return [";".join(str(c) for c in r) for r in rows]

    rows = b.unique_wijkteam_cells(12)
    for r, mark in zip(rows[::3], ("\u200b", "\u200f", "\u00ad", "\ufeff")):
        r[0] = r[0][:6] + mark + r[0][6:]
    rows[1][1] = "\u200e" + str(rows[1][1])
    rows[2][2] = str(rows[2][2]) + "\u2060"
    b.add(Case("wijkteam_onzichtbare_tekens.csv", "wijkteam", "loaded", rows_read=12, quarantined=0,
               klass="text-invisible-characters"), ("\n".join(lines([W, *rows])) + "\n").encode())
    rows = [list(r) for r in b.unique_wijkteam_cells(10)]
    for r in rows[::2]:
        r[0], r[3] = f'="{str(r[0])[2:]}"', f'="{r[3]}"'
    b.add(Case("wijkteam_excel_teksttruc.csv", "wijkteam", "loaded", rows_read=10, quarantined=0,
               klass="text-excel-text-trick"), ("\n".join(lines([W, *rows])) + "\n").encode())
    digits = {ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}
    arabic = {ord(d): chr(0x0660 + int(d)) for d in "0123456789"}
    rows = b.unique_wijkteam_cells(10)
    for i, r in enumerate(rows[:4]):
        r[3] = str(r[3]).translate(digits if i % 2 else arabic)
    b.add(Case("wijkteam_vreemde_cijfers.csv", "wijkteam", "loaded", rows_read=10, quarantined=0,
               klass="text-foreign-digits"), ("\n".join(lines([W, *rows])) + "\n").encode())
    rows = b.unique_wijkteam_cells(16)
    first, second = rows[:8], rows[8:]
    b.add(Case("wijkteam_twee_exports_achter_elkaar.csv", "wijkteam", "loaded", rows_read=16, quarantined=0,
               klass="layout-repeated-header"), ("\n".join(lines([W, *first, W, *second])) + "\n").encode())
    b.add(Case("wijkteam_kopregel_andere_volgorde.csv", "wijkteam", "refused",
               message="line 10 is a header row again|another order", klass="layout-repeated-header"),
          ("\n".join(lines([W, *first, [W[1], W[0], W[2], W[3]], *[[r[1], r[0], r[2], r[3]] for r in second]]))
           + "\n").encode())
    b.add(Case("wijkteam_dos_einde.csv", "wijkteam", "loaded", rows_read=9, quarantined=0, klass="text-dos-end-of-file"),
          ("\r\n".join(lines([W, *b.unique_wijkteam_cells(9)])) + "\r\n").encode() + b"\x1a")
    b.add(Case("wijkteam_pijpteken.csv", "wijkteam", "loaded", rows_read=9, quarantined=0, klass="text-other-delimiter"),
          ("\n".join("|".join(str(c) for c in r) for r in [W, *b.unique_wijkteam_cells(9)]) + "\n").encode())
    b.add(Case("wijkteam_hekje.csv", "wijkteam", "refused", message="separated by '#'|; , or tab",
               klass="text-other-delimiter"),
          ("\n".join("#".join(str(c) for c in r) for r in [W, *b.unique_wijkteam_cells(9)]) + "\n").encode())
    b.add(Case("wijkteam_utf32.csv", "wijkteam", "refused", message="utf-32|save it as utf-8",
               klass="text-utf32"), ("\n".join(lines([W, *b.unique_wijkteam_cells(9)])) + "\n").encode("utf-32"))
    # ------------------------------------------------------------------ privacy, eighth red-team round
    # a house number in words or after "hnr", a sign after an address keyword, a client number after its word, a date
    # of birth told in parts, a street and its house number in two cells of a row (fixed values; the case comes last,
    # so the cases before it draw from the generator as they did)
    rows = b.reports(12)
    forms = ["Kerkstraat veertien", "7901AB hnr 14", "adres: Schutlanden 12", "klantnummer 48213977",
             "geboren in 1961 op 3 april"]
    for r, v in zip(rows[1::2], forms):
        r[3] = v
    rows[11][3], rows[11][4] = "Alteveerstraat", "23"
    b.text(Case("meldingen_round8_vormen.csv", "meldingen", "loaded", rows_read=12, quarantined=6,
                reason="personal data", secrets=("Kerkstraat veertien", "hnr 14", "Schutlanden 12", "48213977",
                                                 "1961 op 3 april", "Alteveerstraat"), klass="privacy-round8-forms"),
           M, rows)
    # ------------------------------------------------------------------ a full-export window where it means nothing
    # a manifest beside a count source's file (a load replaces exactly the cells it holds: the window would take
    # nothing back) and beside a correction (it holds only the fixed rows: the window would retract the others)
    window = b'{"volledig_van": "2026-09-01", "volledig_tot": "2026-10-31"}'

    def with_manifest(name: str, payload: bytes):
        def write(folder: Path) -> None:
            (folder / name).write_bytes(payload)
            (folder / f"{name}.manifest.json").write_bytes(window)
        return write

    b.add(Case("schulden_met_venster.csv", "schulden", "refused", message="delivers counts|deliver 0",
               klass="delivery-window-on-counts"),
          with_manifest("schulden_met_venster.csv", _delimited(S, b.schulden_cells(8), ";", (), "\n").encode()))
    b.add(Case("meldingen_correctie_met_venster.csv", "meldingen", "refused", message="correction|retract",
               klass="delivery-window-on-correction"),
          with_manifest("meldingen_correctie_met_venster.csv", _delimited(M, b.reports(6), ";", (), "\n").encode()))
    # ------------------------------------------------------------------ privacy, ninth red-team round
    # values as a spreadsheet or a mis-decoding shows them (fixed values; at the end, so earlier cases draw as before)
    rows = b.reports(10)
    formulas = ['="m.kowalski"&"@"&"ziggo.nl"', '="06"&"-"&"41234567"', '=TEXTJOIN("";1;"06";"3141";"5926")',
                '="NL91"&"ABNA0417164300"', '=PROPER("gerrit brinkhuis")']
    for r, v in zip(rows[1::2], formulas):
        r[3] = v
    b.text(Case("meldingen_round9_formules.csv", "meldingen", "loaded", rows_read=10, quarantined=5,
                reason="personal data", secrets=("m.kowalski", "41234567", '"3141";"5926"', "ABNA0417164300",
                                                 "gerrit brinkhuis"), klass="privacy-formula-pieces"), M, rows)
    rows = b.reports(8)
    rows[1][0] = "p.dekker_x0040_ziggo.nl"
    rows[3][3] = "06_x002D_51234567"
    rows[5][3] = "bsn 111_x0020_222_x0020_333"
    rows[7][3] = "melder Gerrit_x0020_Brinkhuis"
    b.xlsx(Case("meldingen_round9_escapes.xlsx", "meldingen", "loaded", rows_read=8, quarantined=4,
                reason="personal data", secrets=("p.dekker", "51234567", "111_x0020_222", "111 222 333", "Brinkhuis"),
                klass="privacy-ooxml-escapes"), [{"title": "Export", "rows": [M, *rows]}])
    rows = b.reports(8)
    rows[2][3] = "RenÃ© Jansen belde"
    rows[4][3] = "ZoÃ« Bakker"
    lines = [";".join(M)] + [";".join(r) for r in rows]
    payload = ("\n".join(lines[:7]) + "\n").encode() + \
        f"{rows[6][0]};{rows[6][1]};{rows[6][2]};Caf\xe9 bij Ren\xc3\xa9 Visser;{rows[6][4]}\n".encode("latin-1") + \
        ("\n".join(lines[8:]) + "\n").encode()
    b.add(Case("meldingen_round9_mojibake.csv", "meldingen", "loaded", rows_read=8, quarantined=3, reason="personal data",
               secrets=("RenÃ© Jansen", "ZoÃ« Bakker", "Visser"), klass="privacy-mojibake"), payload)
    rows = b.reports(10)
    lines = [";".join(M)] + [";".join(r) for r in rows]
    cut = [f"{rows[3][0]};{rows[3][1]};{rows[3][2]};Gerrit", f"Brinkhuis;{rows[3][4]}",
           f"{rows[7][0]};{rows[7][1]};{rows[7][2]};Kerkstraat", f"14;{rows[7][4]}"]
    text = "\n".join(lines[:4] + cut[:2] + lines[5:8] + cut[2:] + lines[9:]) + "\n"
    b.add(Case("meldingen_round9_afgebroken_regels.csv", "meldingen", "loaded", rows_read=12, quarantined=4,
               reason="cut in 2 parts", secrets=("Brinkhuis", "Kerkstraat\n14", "Kerkstraat 14"),
               klass="layout-record-cut"), text.encode())
    rows = b.reports(8)
    text = "\n".join([",".join(M), *(",".join(r) for r in rows[:5]),
                      f"{rows[5][0]},{rows[5][1]},{rows[5][2]},de Vries, Jan,{rows[5][4]}",
                      *(",".join(r) for r in rows[6:])]) + "\n"
    b.add(Case("meldingen_round9_teveel_cellen.csv", "meldingen", "loaded", rows_read=8, quarantined=1,
               reason="cells where the table has", secrets=("de Vries",), klass="layout-record-cut"), text.encode())
    rows = b.reports(8)
    rows[1][3] = "\u202e57382914-60"
    rows[3][3] = "\u202eseirV ed naJ"
    rows[5][3] = "\u202e21 taartskreK"
    b.text(Case("meldingen_round9_richting.csv", "meldingen", "loaded", rows_read=8, quarantined=3,
                reason="personal data", secrets=("57382914", "41928375", "seirV", "taartskreK", "Kerkstraat 12"),
                klass="privacy-bidi-override"), M, rows)
    # ------------------------------------------------------------------ reading, eleventh red-team round
    # a Signalen export whose free text (before location_id) holds a comma without quotes: the record's fields shifted
    # into another buurt and signal without a word, or (in the first record) every record shifted and the text stored
    dwh = _dwh_rows(b, 12)
    cat_ids = {c: i + 1 for i, c in enumerate(CATEGORIES)}
    texts = ["ok"] * 12
    texts[0] = f"melder {P.name()}, belt terug"
    texts[7] = "zie foto,1"
    sig = "id,created_at,text,location_id,category_assignment_id\n" + "".join(
        f"{r['id']},{r['created_at']},{t},{500 + i},{cat_ids[r['cat']]}\n" for i, (r, t) in enumerate(zip(dwh, texts), 1))
    members = dict(_dwh_members(b, dwh))
    b.add(Case("meldingen_signalen_komma_in_tekst.zip", "meldingen", "loaded", rows_read=12, quarantined=2,
               reason="fields where its header has", secrets=(texts[0][7:-12],), klass="signalen-record-width"),
          _zip([("signals.csv", sig.encode()), ("locations.csv", members["locations.csv"]),
                ("categories.csv", members["categories.csv"])]))
    members = _dwh_members(b, _dwh_rows(b, 10))
    b.add(Case("meldingen_signalen_komma_aan_regeleinde.zip", "meldingen", "loaded", rows_read=10, quarantined=0,
               klass="signalen-record-width"),
          _zip([(n, data.replace(b"\n", b",\n")) if n == "signals.csv" else (n, data) for n, data in members]))
    members = dict(_dwh_members(b, _dwh_rows(b, 6)))
    street = P.address()
    loc = members["locations.csv"].decode().splitlines()
    loc = [loc[0] + ",address_text"] + [f"{line},{street}, achterom" if i == 3 else f"{line},x"
                                        for i, line in enumerate(loc[1:], start=2)]
    b.add(Case("meldingen_signalen_adres_met_komma.zip", "meldingen", "refused",
               message="locations.csv line 3 has 7 fields|header has 6 columns", secrets=(street,),
               klass="signalen-record-width"),
          _zip([("signals.csv", members["signals.csv"]), ("locations.csv", ("\n".join(loc) + "\n").encode()),
                ("categories.csv", members["categories.csv"])]))
    # a .zip holding one plain CSV, or a zip of a zip of a zip: was told it is no XLSX workbook, to rename it to .zip
    person = P.name()
    table = _delimited(M, b.reports(4)).encode()
    b.add(Case("meldingen_csv_in_zip.zip", "meldingen", "refused", message="no signalen export|a csv file|unpack it",
               secrets=(person.split()[-1],), klass="archive-nested"),
          _zip([(f"meldingen {person}.csv", table)]))
    b.add(Case("meldingen_zip_in_zip_in_zip.zip", "meldingen", "refused",
               message="no signalen export|an archive|archive inside the archive|unpack it", klass="archive-nested"),
          _zip([("oktober.zip", _zip([("binnen.zip", _zip([("meldingen.csv", table)]))]))]))
    # Excel's sep= hint line naming another delimiter than the columns have: was told ';' is no delimiter it reads
    b.add(Case("wijkteam_sep_hint_fout.csv", "wijkteam", "refused",
               message="line 1 says sep=,|separated by ';'|delete line 1", klass="text-delimiter-hint-wrong"),
          ("sep=,\n" + _delimited(W, b.unique_wijkteam_cells(6))).encode())
    # a Signalen free text cut by a line break without quotes, its rest of the header's width by chance (a comma later in
    # the text): the name or phone number at its start was stored as the report's id (raw, quarantine, archive)
    dwh = _dwh_rows(b, 20)
    person, street, phone, other = P.name(), P.address(), P.phone("plain"), P.address()
    texts = ["ok"] * 20
    texts[2] = f"melder mw\n{person.split()[-1]}, {street}"
    texts[9] = f"belt terug op\n{phone}, na 17 uur"
    texts[15] = f"woont\nsinds kort op\n{other}, achter"
    sig = "id,text,created_at,location_id,category_assignment_id\n" + "".join(
        f"{r['id']},{t},{r['created_at']},{500 + i},{cat_ids[r['cat']]}\n" for i, (r, t) in enumerate(zip(dwh, texts), 1))
    members = dict(_dwh_members(b, dwh))
    b.add(Case("meldingen_signalen_regel_afgebroken.zip", "meldingen", "loaded", rows_read=24, quarantined=7,
               reason="without quotes", secrets=(person.split()[-1], street, phone, other), klass="signalen-record-cut"),
          _zip([("signals.csv", sig.encode()), ("locations.csv", members["locations.csv"]),
                ("categories.csv", members["categories.csv"])]))

    # ------------------------------------------------------------------ privacy and dates, twenty-fourth red team
    # a mobile number without its 0 after a word for messaging it: stored as written (after "bel" it was redacted)
    rows = b.reports(12)
    mobiles = ["6" + str(b.rng.randint(1, 5)) + "".join(str(b.rng.randrange(10)) for _ in range(7)) for _ in range(3)]
    rows[1][3], rows[5][3], rows[8][3] = f"whatsapp {mobiles[0]}", f"app naar {mobiles[1]}", f"sms: {mobiles[2]}"
    b.text(Case("meldingen_ronde24_berichten.csv", "meldingen", "loaded", rows_read=12, quarantined=3,
                reason="personal data", secrets=tuple(mobiles), klass="privacy-messaging-phone"), M, rows)
    # a surname of the lists glued to digits as a report number ("Brinkhuis1961", "19610403-Brinkhuis": accepted as
    # report numbers and kept as ledger keys), a handle in a category ("@gerritbrinkhuis", "insta: gerrit.brinkhuis61")
    rows = b.reports(14)
    sur = b.rng.choice(["Brinkhuis", "Dijkstra", "Kuipers", "Mulder"])
    first = b.rng.choice(["gerrit", "sanne", "henk", "fenna"])
    year = b.rng.randint(1940, 1999)
    glued = [f"{sur}{year}", f"{year}0403-{sur}", f"@{first}{sur.lower()}", f"insta: {first}.{sur.lower()}{year % 100}"]
    rows[2][0], rows[6][0], rows[9][3], rows[12][3] = glued
    b.text(Case("meldingen_ronde24_namen_aan_cijfers.csv", "meldingen", "loaded", rows_read=14, quarantined=4,
                reason="personal data", secrets=(*glued[:2], glued[2][1:], glued[3].split()[-1]),
                klass="privacy-glued-names"), M, rows)
    # a landlord's surname after "Verhuurder" and a mobile number after "whatsapp" as a creditor
    rows = b.schulden_cells(10)
    rows[3][2], rows[7][2] = f"Verhuurder {sur}", f"particulier whatsapp {mobiles[0]}"
    rows[5][2], rows[9][2] = f"Dhr v.d. {sur}", f"mevr. v/d {sur}"      # "van der" abbreviated: read as two letters
    b.text(Case("schulden_ronde24_verhuurder.csv", "schulden", "loaded", rows_read=10, quarantined=4,
                reason="personal data", secrets=(f"Verhuurder {sur}", mobiles[0], f"v.d. {sur}", f"v/d {sur}"),
                klass="privacy-role-word"),
           SCHULDEN_HEADER, rows)
    # a clock time past its range (23:59:60, 24:00, 23:60): every parser rolled it into the next day, a Sunday's report
    # into the next week
    rows = b.reports(12, time=True)
    rows[2][1], rows[5][1], rows[9][1] = "22-11-2026 23:59:60", "22-11-2026 24:00", "2026-11-22 23:60"
    b.text(Case("meldingen_ronde24_tijd_buiten_bereik.csv", "meldingen", "loaded", rows_read=12, quarantined=3,
                reason="not a date", klass="dates-time-out-of-range"), M, rows)
    # red team round 3b: a mobile number read aloud in pairs, a birthday after "verjaardag", an e-mail spaced character
    # by character, a listed surname before a house number and after "door", initials glued to a surname
    rows = b.reports(14)
    pairs = {1: "een", 2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht", 9: "negen"}
    tens = {2: "twintig", 3: "dertig", 4: "veertig", 5: "vijftig", 6: "zestig", 7: "zeventig", 8: "tachtig", 9: "negentig"}
    digits = [b.rng.choice([21, 23, 24, 34, 42, 45, 51, 53])] + [b.rng.randint(21, 99) for _ in range(3)]   # 06-2x..5x
    digits = [d if d % 10 else d + 1 for d in digits]
    sur = b.rng.choice(["Brinkhuis", "Dijkstra", "Westerhof"])          # listed and no Dutch word (not Mulder)
    spoken = "nul zes " + " ".join(f"{pairs[d % 10]}en{tens[d // 10]}" for d in digits)
    year = b.rng.randint(1940, 1990)
    house = f"{sur} {b.rng.randint(2, 200)}a"
    planted = [spoken, f"verjaardag {b.rng.randint(1, 28)} mei {year}", "h e n k @ z i g g o . n l", house,
               f"overlast door {sur}", f"melding J{sur}"]
    for i, value in zip((1, 3, 5, 8, 10, 12), planted):
        rows[i][3] = value
    b.text(Case("meldingen_ronde25_uitgesproken.csv", "meldingen", "loaded", rows_read=14, quarantined=6,
                reason="personal data", secrets=(spoken, f"mei {year}", "h e n k", house, f"door {sur}", f"J{sur}"),
                klass="privacy-spoken-notations"), M, rows)
    # a count row whose month cannot be read (a thirteenth month, a date where a month belongs, a letter O for a 0):
    # quarantined, and the totals it may belong to are lower bounds (tests/pipelines/test_undated_rows.py)
    rows = b.schulden_cells(10)
    rows[1][1], rows[4][1], rows[8][1] = "2026-13", rows[4][1] + "-15", rows[8][1].replace("0", "O", 1)
    b.text(Case("schulden_ronde25_maand_onleesbaar.csv", "schulden", "loaded", rows_read=10, quarantined=3,
                reason="not a period", klass="counts-undated-row"), SCHULDEN_HEADER, rows)
    # round 26: a month without one buurt (and one signal of another) that the month before held for every buurt,
    # zero rows included: those counts were not delivered, so their totals read as lower bounds, never an exact 0
    # (tests/pipelines/test_left_out_rows.py)
    signal, other = WIJKTEAM_SIGNALS[0][0], WIJKTEAM_SIGNALS[1][0]
    months = ("2026-09", "2026-10")
    rows = [[code, month, name, str(b.rng.randint(0, 3))] for month in months for code in BUURTEN
            for name in (signal, other)]
    left_out, also = BUURTEN[b.rng.randint(1, len(BUURTEN) - 1)], BUURTEN[0]
    rows = [r for r in rows if not (r[1] == "2026-10" and (r[0] == left_out or (r[0] == also and r[2] != signal)))]
    b.text(Case("wijkteam_ronde26_buurt_ontbreekt.csv", "wijkteam", "loaded", rows_read=len(rows), quarantined=0,
                klass="counts-left-out-of-a-period", partial=(f"{left_out}|2026-10", f"{also}|2026-10")),
           WIJKTEAM_HEADER, rows)
    # round 27: one file of three months, a buurt left out from its second month on and one signal left out of the
    # third month entirely: each of those months is judged as if it came alone (red team 6a F6, F1)
    months = ("2026-09", "2026-10", "2026-11")
    rows = [[code, month, name, str(b.rng.randint(0, 3))] for month in months for code in BUURTEN
            for name in (signal, other)]
    gone = BUURTEN[b.rng.randint(1, len(BUURTEN) - 1)]
    rows = [r for r in rows if not ((r[1] != "2026-09" and r[0] == gone) or (r[1] == "2026-11" and r[2] == other))]
    b.text(Case("wijkteam_ronde27_later_maanden_ontbreken.csv", "wijkteam", "loaded", rows_read=len(rows),
                quarantined=0, klass="counts-left-out-of-later-periods",
                partial=(f"{gone}|2026-10", *(f"{code}|2026-11" for code in BUURTEN))),
           WIJKTEAM_HEADER, rows)
    # red team 10a: fetched sources carrying personal values. A police payload folder (copied from elsewhere) with a
    # name, a phone number, an e-mail address and a BSN where a buurt code, crime type, period and count belong: each
    # row quarantined, the value removed (fetched sources were never scanned)
    rows = _politie_rows(b, 72)
    planted = {0: ("WijkenEnBuurten", P.name()), 9: ("SoortMisdrijf", P.phone("dash")), 21: ("Perioden", P.name()),
               33: ("GeregistreerdeMisdrijven_1", int(P.bsn())), 50: ("WijkenEnBuurten", P.email())}
    for i, (key, value) in planted.items():
        rows[i][key] = value
    b.add(Case("politie_persoonsgegevens", "politie", "loaded", rows_read=72, quarantined=5, reason="personal data",
               secrets=tuple(str(v) for _, v in planted.values()), klass="fetched-personal-values"),
          _politie_payload("politie_persoonsgegevens", rows))
    # the same served by a (mirror) service whose answer has fields wijkradar does not read: a note with a name and a
    # phone number, a JSON key holding a name and a BSN, and an address as a buurt code; the archive keeps none of them
    rows = _politie_rows(b, 72)
    name, phone, other, bsn = P.name(), P.phone("plain"), P.name(), P.bsn()
    for row in rows[5:8]:
        row["Opmerking"] = f"aangifte door {name}, tel {phone}"
        row[f"Melder {other} {bsn}"] = 1
    address = P.address("plain")
    rows[40]["WijkenEnBuurten"] = address
    b.add(Case("politie_onbekende_velden", "politie", "loaded", rows_read=72, quarantined=1, reason="personal data",
               secrets=(name, phone, other, bsn, address), klass="fetched-unknown-fields", served=True),
          _politie_payload("politie_onbekende_velden", rows))
    # red team 10c F3: a small municipality's weekly export of a week in which nobody reported anything, the header
    # only: named after a week that had ended it delivers that week without reports (the run's week moves to it);
    # without a week in its name, or named after a week not over yet, it is refused (the wrong sheet or period)
    b.text(Case("meldingen_export_2026-W47.csv", "meldingen", "loaded", rows_read=0, quarantined=0,
                klass="delivery-week-without-reports"), M, [])
    b.text(Case("meldingen_export_leeg.csv", "meldingen", "refused", message="no data rows|name gives the week",
                klass="delivery-week-without-reports"), M, [])
    b.text(Case("meldingen_export_2026-W48.csv", "meldingen", "refused", message="2026-w48|has not ended",
                klass="delivery-week-without-reports"), M, [])
    # red team 10a F5: openpyxl's warnings quote a number typed into a date cell and a document property's name
    rows = b.reports(12)
    first, last = FIRST[b.rng.randrange(len(FIRST))], LAST[b.rng.randrange(len(LAST))]
    bsn, mobile, person = "111222333", 687654321, f"Casushouder {first} {last} 06-11122233"
    rows[3][1], rows[7][1] = int(bsn), mobile
    b.xlsx(Case("meldingen_ronde10a_datumcellen.xlsx", "meldingen", "loaded", rows_read=12, quarantined=2,
                reason="not a date", secrets=(bsn, str(mobile), f"{first} {last}", "06-11122233"),
                klass="privacy-library-warnings"),
           [{"title": "Export", "rows": [MELDINGEN_HEADER, *rows], "date_columns": (2,), "custom_property": person}])
    # red team 10a F6: a file delivered from a person's login folder (a dotted user name, initials and a surname)
    login = f"{FIRST[b.rng.randrange(len(FIRST))][0]}.{LAST[b.rng.randrange(len(LAST))]}".lower()
    rows = b.unique_wijkteam_cells(8)
    b.text(Case(f"home/{login}/Downloads/wijkteam_ronde10a_downloads.csv", "wijkteam", "loaded", rows_read=8,
                quarantined=0, secrets=(login,), klass="privacy-person-named-folder"),
           WIJKTEAM_HEADER, rows)
    # round 14: delivery file kinds the corpus had not met. A LibreOffice spreadsheet (.ods; also named .xlsx)
    person = P.name()
    rows = [[*r, f"gebeld door {person}"] for r in b.unique_wijkteam_cells(6)]
    b.add(Case("wijkteam_libreoffice.ods", "wijkteam", "refused",
               message="opendocument spreadsheet|save it as .xlsx or csv",
               secrets=(person,), klass="file-ods"), _ods([[*W, "Toelichting"], *rows]))
    b.add(Case("meldingen_libreoffice_ods.xlsx", "meldingen", "refused",
               message="opendocument spreadsheet|save it as .xlsx or csv", klass="file-ods"),
          _ods([M, *b.reports(5)]))
    # a gzip-compressed CSV (.csv.gz, and one renamed .csv): was "a binary file" told to export it again as CSV
    b.add(Case("meldingen_export.csv.gz", "meldingen", "refused", message="gzip|unpack it", klass="file-compressed"),
          _gzip(_delimited(M, b.reports(8)).encode()))
    b.add(Case("wijkteam_gzip_als_csv.csv", "wijkteam", "refused", message="gzip|unpack it", klass="file-compressed"),
          _gzip(_delimited(W, b.unique_wijkteam_cells(6)).encode()))
    # archives wijkradar does not open (tar, tar.gz, 7-Zip, RAR; a 7-Zip archive named .zip): were "a binary file"
    table = _delimited(M, b.reports(6)).encode()
    b.add(Case("meldingen_archief.tar", "meldingen", "refused", message="tar archive|unpack it|.zip",
               klass="archive-other-format"), _tar([("meldingen_okt.csv", table)]))
    b.add(Case("wijkteam_archief.tar.gz", "wijkteam", "refused", message="tar archive|gzip|unpack it",
               klass="archive-other-format"),
          _gzip(_tar([("wijkteam_okt.csv", _delimited(W, b.unique_wijkteam_cells(5)).encode())])))
    b.add(Case("meldingen_archief.7z", "meldingen", "refused", message="7-zip archive|unpack it|.zip",
               klass="archive-other-format"),
          b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(b.rng.randrange(256) for _ in range(600)))
    b.add(Case("meldingen_signalen_7z.zip", "meldingen", "refused", message="7-zip archive|unpack it",
               klass="archive-other-format"),
          b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(b.rng.randrange(256) for _ in range(600)))
    b.add(Case("meldingen_archief.rar", "meldingen", "refused", message="rar archive|unpack it|.zip",
               klass="archive-other-format"), b"Rar!\x1a\x07\x01\x00" + bytes(b.rng.randrange(256) for _ in range(600)))
    # bzip2 and xz (real compressed CSVs): were "a binary file" as gzip was
    b.add(Case("schulden_export.csv.bz2", "schulden", "refused", message="bzip2|unpack it", klass="file-compressed"),
          bz2.compress(_delimited(S, b.schulden_cells(5)).encode()))
    b.add(Case("meldingen_export.csv.xz", "meldingen", "refused", message="xz-compressed|unpack it",
               klass="file-compressed"), lzma.compress(_delimited(M, b.reports(6)).encode()))
    # a workbook protected with a password (Excel: an OLE compound file holding EncryptedPackage and EncryptionInfo,
    # the magic of an old .xls): told apart from the .xls by the stream names
    ole = bytearray(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(b.rng.randrange(256) for _ in range(4088)))
    ole[1024:1024 + 32] = "EncryptedPackage".encode("utf-16-le")
    ole[1152:1152 + 28] = "EncryptionInfo".encode("utf-16-le")
    b.add(Case("wijkteam_wachtwoord.xlsx", "wijkteam", "refused", message="protected with a password|without password",
               klass="file-encrypted-workbook"), bytes(ole))
    b.add(Case("schulden_wachtwoord.csv", "schulden", "refused", message="protected with a password|without password",
               klass="file-encrypted-workbook"), bytes(ole))
    # a macro-enabled workbook (.xlsm): its data loads, the macro is never run and nothing of vbaProject.bin is stored
    person, mobile = P.name(), P.phone("plain")
    vba = (bytes.fromhex("D0CF11E0A1B11AE1") + f'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\n  MsgBox '
           f'"{person} {mobile}"\r\n  Shell "cmd /c calc"\r\nEnd Sub\r\n'.encode() + bytes(256))
    book = _xlsx([{"title": "Blad1", "rows": [W, *b.unique_wijkteam_cells(7)]}])
    b.add(Case("wijkteam_macro.xlsm", "wijkteam", "loaded", rows_read=7, quarantined=0, secrets=(person, mobile),
               klass="file-xlsm"), _xlsm(book, vba))
    # two byte order marks: UTF-8's before UTF-16's (a tool that adds one to any text; the header read as garbage and
    # the file refused as lacking Buurtcode), and UTF-8's twice
    text = _delimited(W, b.unique_wijkteam_cells(7))
    b.add(Case("wijkteam_bom_utf8_utf16.csv", "wijkteam", "loaded", rows_read=7, quarantined=0,
               klass="text-double-bom"),
          b"\xef\xbb\xbf\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    b.add(Case("wijkteam_bom_twee_keer.csv", "wijkteam", "loaded", rows_read=7, quarantined=0, klass="text-double-bom"),
          b"\xef\xbb\xbf\xef\xbb\xbf" + _delimited(W, b.unique_wijkteam_cells(7)).encode())
    # C1 control characters (valid UTF-8: NEL in a buurt code, U+0096 after a count) and surrogates encoded one by
    # one (CESU-8: a pair and a lone one, after counts; no UTF-8 decoder takes them) -> read or quarantined, no crash
    lines = [";".join(W)] + [";".join(map(str, r)) for r in b.unique_wijkteam_cells(8)]
    lines[2] = lines[2].replace(";", "\u0085;", 1)
    lines[4] += "\u0096"
    b.add(Case("wijkteam_c1_tekens.csv", "wijkteam", "loaded", rows_read=8, quarantined=1, reason="not a number",
               klass="text-c1-or-surrogates"), ("\n".join(lines) + "\n").encode())
    lines = [(";".join(W)).encode()] + [(";".join(map(str, r))).encode() for r in b.unique_wijkteam_cells(8)]
    lines[3] += "\ud83d\ude00".encode("utf-8", "surrogatepass")    # U+1F600 as two surrogates of three bytes each
    lines[6] += "\ud800".encode("utf-8", "surrogatepass")           # a lone surrogate
    b.add(Case("wijkteam_cesu8.csv", "wijkteam", "loaded", rows_read=8, quarantined=2, reason="not a number",
               klass="text-c1-or-surrogates"), b"\n".join(lines) + b"\n")
    # round 36: an export in an English (US) locale, every date month/day/year (read day-first value by value, a
    # report of 3 April was counted on 4 March and one of 13 November was "not a date") -> read month-first
    rows = b.reports(16, time=True)
    for r in rows:
        r[1] = datetime.strptime(r[1], "%d-%m-%Y %H:%M").strftime("%m/%d/%Y %H:%M")
    rows[0][1], rows[1][1] = "11/13/2025 09:30", "04/03/2025 14:05"
    b.text(Case("meldingen_us_datums.csv", "meldingen", "loaded", rows_read=16, quarantined=0,
                klass="dates-month-first"), M, rows)
    # round 36: a line of one cell under the table, a note naming who made it (read as the rest of the last row's
    # count cut by a line break: that row was quarantined as personal data too) -> the note alone quarantined
    person = P.name()
    b.add(Case("wijkteam_voetregel.csv", "wijkteam", "loaded", rows_read=9, quarantined=1, reason="personal data",
               secrets=(person,), klass="layout-footer-line"),
          (_delimited(W, b.unique_wijkteam_cells(8)) + f"\nOpgesteld door {person}\n").encode())
    # round 36: every line one cell in double quotes (a sheet of whole lines in one column exported as CSV; was told
    # ';' is no delimiter wijkradar reads) -> refused saying each line is one quoted cell, never unwrapped silently
    lines = [";".join(map(str, r)) for r in [W, *b.unique_wijkteam_cells(8)]]
    b.add(Case("wijkteam_regels_tussen_aanhalingstekens.csv", "wijkteam", "refused",
               message="each line is one cell in double quotes|remove the double quotes around each line",
               klass="layout-quoted-lines"), "".join(f'"{line}"\n' for line in lines).encode())
    # round 36: counts with three decimals, 2.000 as 2 (was read as 2000 and quarantined as implausible), the column
    # proving its dot a decimal point by a 0.000 and no thousands group
    rows = [[*r[:3], f"{r[3]}.000"] for r in b.unique_wijkteam_cells(8)]
    rows[0][3], rows[1][3] = "0.000", "2.000"
    b.text(Case("wijkteam_drie_decimalen.csv", "wijkteam", "loaded", rows_read=8, quarantined=0,
                klass="counts-three-decimals"), W, rows)
    # round 36: months in CBS's notation, 2026MM09 (a postcode 2026 MM and house number 09 by its shape: the file was
    # refused as personal data)
    rows = [[r[0], r[1].replace("-", "MM"), *r[2:]] for r in b.schulden_cells(10)]
    b.text(Case("schulden_cbs_perioden.csv", "schulden", "loaded", rows_read=10, quarantined=0,
                klass="dates-cbs-period-code"), S, rows)
    # round 36: a file of another municipality's buurten (Coevorden, GM0109): told to map its codes onto the profile's
    rows = [[f"BU0109{4000 + i:04d}", *r[1:]] for i, r in enumerate(b.unique_wijkteam_cells(6))]
    b.text(Case("wijkteam_andere_gemeente.csv", "wijkteam", "refused",
                message="another municipality (gm0109)|its own working folder", klass="delivery-other-municipality"),
           W, rows)
    # round 37: report numbers a spreadsheet wrote with thousands dots (1.001), one of them twice, once without the
    # dot (read as two reports, so a re-delivery without the dots counted each twice) -> the two rows of one number
    # quarantined as a number that occurs twice, the rest loads
    rows = b.reports(12)
    for i, r in enumerate(rows):
        r[0] = f"{1 + i // 4}.{100 + 37 * i:03d}"
    rows[7][0] = rows[2][0].replace(".", "")
    b.text(Case("meldingen_nummers_met_punten.csv", "meldingen", "loaded", rows_read=12, quarantined=2,
                reason="occurs more than once", klass="numbers-thousands-dots"), M, rows)
    # round 39: a year typed wrong (2019 for 2025) in two rows: valid dates, accepted and kept; they begin no series
    # (``delivered.stray_starts``; the scoring's side is tests/pipelines/test_stray_counts_round39.py)
    rows = b.reports(14)
    rows[2][1], rows[9][1] = "04-03-2019", "05-03-2019"
    b.text(Case("meldingen_jaartal_verkeerd.csv", "meldingen", "loaded", rows_read=14, quarantined=0,
                klass="dates-stray-year"), M, rows)
    return b.items


#: The crime types of ``politie_soorten.csv`` as the service pads them, and months before TODAY.
POLITIE_TYPES = ("1.1.1 ", "1.4.3 ", "1.4.4 ")
POLITIE_MONTHS = tuple(f"{y}MM{m:02d}" for y in (2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10))


def _politie_rows(b: Builder, n: int) -> list[dict]:
    """``n`` rows of a 47022NED answer (distinct buurt, crime type and month; small counts)."""
    cells = [(code, t, p) for code in BUURTEN for t in POLITIE_TYPES for p in POLITIE_MONTHS]
    return [{"ID": i, "SoortMisdrijf": t, "WijkenEnBuurten": f"{code:<10}", "Perioden": p,
             "GeregistreerdeMisdrijven_1": b.rng.randint(0, 4)} for i, (code, t, p) in enumerate(b.rng.sample(cells, n))]


def _politie_payload(folder_name: str, rows: list[dict]) -> Callable[[Path], None]:
    """A payload folder of 47022NED as wijkradar archives one: its rows, periods and DataProperties, a page each."""
    props = [{"Type": "Dimension", "Key": "SoortMisdrijf"}, {"Type": "GeoDetail", "Key": "WijkenEnBuurten"},
             {"Type": "TimeDimension", "Key": "Perioden"},
             {"Type": "Topic", "Key": "GeregistreerdeMisdrijven_1", "Datatype": "Long", "Decimals": 0, "Default": "Zero"}]
    periods = [{"Key": p, "Title": p, "Status": "Definitief"} for p in POLITIE_MONTHS]

    def writer(folder: Path, rows=rows) -> None:
        import json

        payload = folder / folder_name
        payload.mkdir()
        for name, value in (("TypedDataSet", rows), ("Perioden", periods), ("DataProperties", props)):
            (payload / f"{name}.001.json").write_text(json.dumps({"odata.metadata": "x", "value": value}))
    return writer


def _passwd_lines() -> list[str]:
    """Lines of /etc/passwd that must never be copied into wijkradar (the symlink targets)."""
    try:
        lines = Path("/etc/passwd").read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [ln for ln in lines if len(ln) >= 20][:5]


def cases(seed: int = SEED) -> list[Case]:
    return [p.case for p in plan(seed)]


def write_corpus(folder: Path, seed: int = SEED) -> list[Case]:
    """Write every file of the corpus into ``folder`` and return its cases."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    items = plan(seed)
    for p in items:
        p.write(folder)
    return [p.case for p in items]
