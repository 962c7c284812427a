"""How the files of a municipality profile are read: every CSV through one path (UTF-8 with or without BOM, commas,
the columns it needs, no field more than its header), and the range each setting of ``lijst_instellingen.csv`` may
take. A file that cannot be read so is refused in one sentence naming it, the problem and the fix, with nothing read
or changed (:class:`ReferenceError`, which the CLI prints as that sentence).
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


class ReferenceError(ValueError):
    """A reference file is inconsistent; the message names the file and the fix."""


#: The columns each profile file needs, in the order a header gives them; more columns may follow (notes,
#: descriptions). Headers are matched without case and surrounding spaces.
COLUMNS = {
    "gebiedsindeling_2024.csv": ("niveau", "code", "naam", "wijk_code", "aantal_inwoners_2024"),
    "wijkteams.csv": ("wijkteam", "naam"),
    "buurt_indeling.csv": ("buurt_code", "wijkteam", "soort"),
    "buurt_buren.csv": ("area_code", "neighbour"),
    "buurt_buren_handmatig.csv": ("area_code", "neighbour"),
    "buurtcode_wijzigingen.csv": ("old_code", "new_code"),
    "signalen.csv": ("signal", "domain", "label_nl", "label_en", "unit_nl", "source", "frequency"),
    "meldingen_categorieen.csv": ("hoofdcategorie", "subcategorie", "signal"),
    "politie_soorten.csv": ("soort_misdrijf", "signal"),
    "lijst_instellingen.csv": ("setting", "value"),
}
#: Other names a needed column may have (``wijkteams.csv`` was read with ``name`` as well as ``naam``).
OTHER_NAMES = {"wijkteams.csv": {"name": "naam"}}

SAVE_AS_UTF8 = 'save it as "CSV UTF-8 (comma delimited)" (Excel) or as UTF-8 in any text editor'


def read_table(path: Path) -> pd.DataFrame:
    """The rows of the profile file ``path`` as text (an empty cell ``""``), its needed columns (:data:`COLUMNS`)
    named as there. ``attrs``: ``file``, its name, and ``lines``, the line of the file each row starts on (blank lines
    are skipped)."""
    name = path.name
    text = _text(name, path.read_bytes())
    header, rows, lines = _records(name, text)
    needed = COLUMNS.get(name, ())
    header = _named(name, header, needed)
    width = len(header)
    for record, line in zip(rows, lines):
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            raise ReferenceError(
                f"{name} line {line} has {len(record)} fields where its header has {width}; nothing was read or "
                "changed: a value that holds a comma needs quotes around it (a decimal number is written with a "
                "point: 0.05), or remove the field that is too many")
    frame = pd.DataFrame([(record + [""] * width)[:width] for record in rows], columns=header, dtype=str)
    frame.attrs["lines"] = lines
    frame.attrs["file"] = name
    return frame


def _text(name: str, data: bytes) -> str:
    """``data`` as UTF-8 (a BOM dropped), or the sentence that says how to save the file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReferenceError(f"{name} is saved as UTF-16 (Excel's \"Unicode text\"), which is not read; nothing was "
                             f"read or changed: {SAVE_AS_UTF8}")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReferenceError(f"{name} is an Excel workbook, not a CSV file; nothing was read or changed: open it in "
                             f"Excel and {SAVE_AS_UTF8}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ReferenceError(
            f"{name} is not UTF-8 (line {line} holds a byte that UTF-8 does not have, as a file saved as Windows-1252, "
            f"Excel's plain CSV, has for a letter such as é); nothing was read or changed: {SAVE_AS_UTF8}") from None


def _records(name: str, text: str) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, the other records (blank lines skipped) and the line each record starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, lines, line = [], [], 1
    try:
        for record in reader:
            if record:
                records.append(record)
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ReferenceError(f"{name} cannot be read as a CSV file at line {reader.line_num} ({exc}); nothing was "
                             f"read or changed: {SAVE_AS_UTF8}, each line a row of values separated by commas"
                             ) from None
    if not records:
        needed = ",".join(COLUMNS.get(name, ())) or "its header"
        raise ReferenceError(f"{name} is empty; nothing was read or changed: give it its header ({needed}) and "
                             "its lines, or restore it from a backup")
    return records[0], records[1:], lines[1:]


def _named(name: str, header: list[str], needed: tuple[str, ...]) -> list[str]:
    """The header's names (spaces and a BOM around them dropped, a needed column in its own spelling); a header that
    names a column twice or lacks a needed one is refused, naming what it has."""
    other = OTHER_NAMES.get(name, {})
    spelled = {c.lower(): c for c in needed}
    names = []
    for i, cell in enumerate(header):
        cell = " ".join(cell.replace("\ufeff", "").split())
        cell = other.get(cell.lower(), cell)
        names.append(spelled.get(cell.lower(), cell) or f"Unnamed: {i}")
    twice = sorted({c for c in names if names.count(c) > 1})
    if twice:
        raise ReferenceError(f"{name} has the column {twice[0]} twice in its header; nothing was read or changed: "
                             "remove or rename one of them")
    lacking = [c for c in needed if c not in names]
    if lacking:
        found = ", ".join(short(c) for c in names)
        separator = next((word for sep, word in ((";", "semicolons (as Excel saves a CSV in Dutch settings)"),
                                                 ("\t", "tabs")) if len(header) == 1 and sep in header[0]), None)
        if separator:
            raise ReferenceError(f"{name} is separated by {separator}, not by commas; nothing was read or changed: "
                                 f"save it with commas between the values (the header is {','.join(needed)})")
        raise ReferenceError(f"{name} lacks the column(s) {', '.join(lacking)} (its header has {found}); nothing was "
                             f"read or changed: give it the columns {','.join(needed)} (more may follow)")
    return names


def short(text: str, most: int = 30) -> str:
    """``text`` as a refusal quotes it: at most ``most`` characters."""
    return text if len(text) <= most else text[:most] + "..."


# -- the settings of lijst_instellingen.csv --------------------------------------------------------------------------

#: The highest whole number a count, week or team size setting takes: none of a municipality comes near it.
MOST = 1_000_000


@dataclass(frozen=True)
class Range:
    """The values a setting may take: finite numbers from ``low`` to ``high`` (None: no upper bound; ``"this
    year"``: the current year), ``low`` itself excluded when ``above``; whole numbers only when ``whole``."""

    low: float
    high: float | str | None = None
    above: bool = False
    whole: bool = False

    def top(self) -> float | None:
        if self.high == "this year":
            from pipelines.clock import local_today
            return local_today().year
        return self.high

    def holds(self, value: float) -> bool:
        top = self.top()
        return (value > self.low if self.above else value >= self.low) and (top is None or value <= top)

    def describe(self) -> str:
        top = self.top()
        number = "a whole number" if self.whole else "a number"
        low, high = _number(self.low), None if top is None else _number(top)
        if self.high == "this year":
            high = f"{top} (this year)"
        if self.above:
            return f"{number} above {low}" + (f" and at most {high}" if high is not None else "")
        return f"{number} from {low} to {high}" if high is not None else f"{number} of {low} or more"


def _number(value: float) -> str:
    """``value`` as the file would give it: ``0.05``, ``2000``, ``1,000,000``."""
    return f"{int(value):,}" if float(value).is_integer() and value >= 10_000 else f"{value:g}"


PROBABILITY = Range(0, 1)
#: The range of every setting (``lijst_instellingen.csv``; the fields of ``models.evidence.Budget``,
#: ``delivery.LoadSettings``, ``score.ScoreSettings`` and ``risk.RiskSettings``), from what each means there.
SETTING_RANGES = {
    # false-alarm budget: levels and thresholds are probabilities; fdr 0 alarms by the levels alone
    "fdr": PROBABILITY,
    "alarm_level": PROBABILITY,
    "attention_level": PROBABILITY,
    "month_factor": Range(0, 1, above=True),          # monthly levels: a share of the weekly ones
    "team_buurten": Range(0, MOST, whole=True),       # 0: never scale
    "tau": Range(0, 1, above=True),                   # the truncated product takes its logarithm
    "min_count": Range(0, MOST, whole=True),
    "elevated_p": PROBABILITY,
    "alarm_p": Range(0, 1, above=True),               # a p-value of 0 has no logarithm
    "series_level": PROBABILITY,
    "series_min_counts": Range(0, MOST, whole=True),
    "resolve_after_weeks": Range(1, MOST, whole=True),
    "resolve_after_months": Range(1, MOST, whole=True),
    "feedback_quiet_weeks": Range(0, MOST, whole=True),
    "chance_entries": Range(0),                       # 0: the levels as given
    "level_scale": Range(0, above=True),
    # ingest
    "max_drop_share": PROBABILITY,
    "min_year": Range(1900, "this year", whole=True),
    "max_count_wijkteam": Range(1, MOST, whole=True),
    "max_count_schulden": Range(1, MOST, whole=True),
    "max_count_politie": Range(1, MOST, whole=True),
    # how far back a run scores
    "score_weeks": Range(1, MOST, whole=True),
    "score_months": Range(1, MOST, whole=True),
    # risk and preventief in beeld
    "risk_months": Range(1, MOST, whole=True),
    "risk_ratio": Range(1),                           # an escalation is at least the mean before it
    "risk_min_excess": Range(0),
    "risk_window": Range(1, MOST, whole=True),
    "risk_max_train_periods": Range(1, MOST, whole=True),
    "risk_min_probability": PROBABILITY,
    "risk_top_share": Range(0, 1, above=True),
    "risk_per_team": Range(0, MOST, whole=True),
}


def setting_values(table: pd.DataFrame, defaults: dict[str, float],
                   name_of: str = "lijst_instellingen.csv") -> dict[str, float]:
    """The settings of ``table`` (``lijst_instellingen.csv`` as :func:`read_table` reads it), each a number in its
    range (:data:`SETTING_RANGES`), by name.

    ``defaults``: every known setting's default. A setting unknown, given twice, not a number, not finite, not whole
    where it counts something, or outside its range is refused in one sentence naming it, its value and its range.
    """
    unknown = sorted(set(table["setting"]) - set(defaults))
    if unknown:
        raise ReferenceError(f"{name_of} has unknown setting(s) {', '.join(map(str, unknown[:5]))}; nothing was read "
                             f"or changed: correct the name (known: {', '.join(sorted(defaults))}) or delete the line")
    lines = dict(enumerate(table.attrs["lines"]))
    seen: dict[str, int] = {}
    values: dict[str, float] = {}
    for i, (name, given) in enumerate(zip(table["setting"], table["value"])):
        line = lines[i]
        if name in seen:
            raise ReferenceError(f"{name_of} gives {name} twice (lines {seen[name]} and {line}); nothing was read or "
                                 "changed: keep one of the lines")
        seen[name] = line
        allowed = SETTING_RANGES[name]
        fix = f"give {allowed.describe()}, or remove the line for the default {defaults[name]}"
        try:
            value = float(given)
        except ValueError:
            raise ReferenceError(f"{name_of} line {line}: {name} = {short(given)!r} is not a number; "
                                 f"{fix} (decimals with a point: 0.05)") from None
        if not math.isfinite(value):
            raise ReferenceError(f"{name_of} line {line}: {name} = {short(given)!r} is not a finite number; {fix}")
        if allowed.whole and not value.is_integer():
            raise ReferenceError(f"{name_of} line {line}: {name} = {short(given)!r} is not a whole number; {fix}")
        if not allowed.holds(value):
            raise ReferenceError(f"{name_of} line {line}: {name} = {short(given)!r} is outside its range; {fix}")
        values[name] = value
    return values
