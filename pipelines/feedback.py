"""Feedback: the wijkteams' answers on their lists, read back, checked, stored and used.

Each XLSX list carries a drop-down ``Terugkoppeling`` per row, an optional ``Notitie``, a hidden flag key
(``Sleutel``) and a very hidden, protected sheet ``Meta`` (team, run, period, checksum). A returned
workbook is imported once (``wijkradar feedback import FILE`` or ``terugkoppeling_*`` in the inbox)
into ``meta.flag_feedback``; later runs show answered flags as ``in behandeling`` / ``in jaarplan`` /
``bekend`` (:func:`apply_feedback`) and ``geen probleem`` answers feed the precision report (:func:`precision`).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import catalog
from pipelines.catalog import rekey
from pipelines.catalog.answers import feedback_imports
from pipelines.codes import AREA_CODE

#: The five answers of the drop-down (no commas: the XLSX list is a literal, comma-separated formula).
FEEDBACK_VALUES = ("opgepakt", "naar jaarplan", "al bekend", "geen probleem", "meer info nodig")
#: The list status an answer gives a flag in later runs (instead of ``nieuw`` / ``aanhoudend``).
STATUS_FOR = {"opgepakt": "in behandeling", "naar jaarplan": "in jaarplan", "al bekend": "bekend"}
FALSE_ALARM = "geen probleem"
NO_VERDICT = "meer info nodig"        # not a judgement on the flag: left out of the precision report
MIN_ANSWERS = 5                       # fewer answers than this: "nog te weinig antwoorden"
NOTE_MAX = 200
INBOX_PREFIX = "terugkoppeling_"
META_SHEET, KEY_HEADER, VALUE_HEADER, NOTE_HEADER = "Meta", "Sleutel", "Terugkoppeling", "Notitie"
META_FORMAT = "wijkradar-terugkoppeling-1"
PROMPT = "Kies wat het wijkteam met dit signaal doet"
ERROR = "Kies een waarde uit de lijst"
TOO_FEW = "nog te weinig antwoorden"
#: The group per signal of an answered flag that names no elevated signal of its own, by what the list row was
#: (:func:`answer_groups`), so its false alarms show in every precision table under what listed it.
NEIGHBOURS_ONLY = "(buren)"           # listed on a rise pooled over the buurt and its neighbours
DOMAIN_ONLY = "(domein)"              # listed on the domain's signals together, none elevated on its own
FOLLOW_UP = "(nazorg)"                # a row no longer elevated (nazorg, opgelost): answered after the rise
GROUP_NL = {NEIGHBOURS_ONLY: "Alleen bij de buren (geen eigen signaal)",
            DOMAIN_ONLY: "Signalen van het domein samen (geen eigen signaal)",
            FOLLOW_UP: "Alleen na de verhoging beantwoord (nazorg, opgelost)"}
NEIGHBOURS_ONLY_NL = GROUP_NL[NEIGHBOURS_ONLY]
KEY = ["area_code", "domain", "period", "period_start"]
#: An episode as the lists showed it: the team, buurt, domain and period type and its "Sinds"; the unit of the
#: precision report and the year plan (one judgement per episode, :func:`judgements`).
EPISODE = ["wijkteam", "area_code", "domain", "period", "since"]

assert not any("," in v for v in FEEDBACK_VALUES), "the XLSX drop-down splits its list on commas"


class FeedbackRefused(ValueError):
    """A returned workbook that is not stored; the message is one sentence naming the file, problem and fix."""


# ------------------------------------------------------------------------------------------------------------
# Pure parts: keys, checksum, statuses, precision
# ------------------------------------------------------------------------------------------------------------

def flag_key(area_code: str, domain: str, period: str, period_start) -> str:
    """The stable key of a flag on a list: ``BU01185005|physical|week|2026-11-16``."""
    return f"{area_code}|{domain}|{period}|{pd.Timestamp(period_start):%Y-%m-%d}"


def flag_keys(flags: pd.DataFrame) -> list[str]:
    """:func:`flag_key` of every row of ``flags`` (``area_code, domain, period, period_start``), in order."""
    return [flag_key(*row) for row in flags[KEY].itertuples(index=False, name=None)] if len(flags) else []


def checksum(team: str, run_id: str, keys, secret: bytes | None = None) -> str:
    """The Meta sheet's check of ``team|run_id|sorted flag keys``, recomputed on import: HMAC-SHA256 with the
    warehouse's ``secret`` (``meta.warehouse_secret``), so nobody without it can relabel a list as another team's;
    plain SHA-256 without one (lists of runs made before the warehouse had a secret)."""
    message = "|".join([team, run_id, *sorted(keys)]).encode()
    if secret is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def meta_rows(team: str, run_id: str, run_period: str, keys, secret: bytes | None = None) -> list[tuple[str, str]]:
    """The rows of the hidden ``Meta`` sheet of a team's workbook."""
    return [("formaat", META_FORMAT), ("wijkteam", team), ("run", run_id), ("periode", run_period),
            ("controle", checksum(team, run_id, keys, secret))]


def meta_matches(con: duckdb.DuckDBPyConnection, team: str, run_id: str, keys, control: str) -> bool:
    """Whether a returned list's Meta check is the one wijkradar wrote for this team and run: keyed with the
    warehouse's secret, or, for a run that finished before the secret was made, the unkeyed checksum.

    A check that is not hex digits (a team member typed in the cell, an autocorrect made a letter "é") matches
    nothing; compared as bytes, since ``hmac.compare_digest`` refuses a str with other than ASCII characters."""
    if not isinstance(control, str) or not re.fullmatch(r"[0-9a-f]{64}", control.strip().lower()):
        return False
    given = control.strip().lower().encode("ascii")
    key = catalog.warehouse_secret(con)
    if key is not None and hmac.compare_digest(checksum(team, run_id, keys, key[0]).encode("ascii"), given):
        return True
    finished = catalog.run_finished_at(con, run_id)
    legacy = key is None or (finished is not None and finished < key[1])
    return legacy and hmac.compare_digest(checksum(team, run_id, keys).encode("ascii"), given)


def apply_feedback(flags: pd.DataFrame, answers: pd.DataFrame | None, quiet_weeks: int,
                   teams: set[str] | None = None) -> pd.DataFrame:
    """The flags with the team's answer in their status.

    A flag answered ``opgepakt`` / ``naar jaarplan`` / ``al bekend`` reads ``in behandeling`` / ``in jaarplan``
    / ``bekend`` instead of ``nieuw`` or ``aanhoudend`` from the answered period until ``quiet_weeks`` weeks
    after it (same buurt, domain and period type; a new episode in that time is not announced as ``nieuw``).
    ``verergerend`` and ``opgelost`` always show; ``geen probleem`` and ``meer info nodig`` change nothing.
    The latest answered period wins, then the latest answer. An answer counts only on the list of the team that
    gave it: a buurt moved to another team is announced to that team as its own flag would be, not as handled.
    An answer of a team that is no longer in the profile (``teams``: today's team codes; renamed or merged) counts
    for the team that now has the buurt, as the team's own answers follow it under its new code.

    ``flags`` and ``answers`` carry ``wijkteam``; ``answers``: ``wijkteam, area_code, domain, period,
    period_start, value`` (+ ``answered_on``, ``imported_at``).
    """
    if answers is None or answers.empty or flags.empty:
        return flags
    a = answers.assign(period_start=pd.to_datetime(answers["period_start"]))
    order = [c for c in ("period_start", "answered_on", "imported_at") if c in a]
    a = a.sort_values(order)[["wijkteam", "area_code", "domain", "period", "period_start", "value"]]
    f = flags.assign(_i=range(len(flags)), _start=pd.to_datetime(flags["period_start"]))
    if teams is not None:                       # a team renamed or merged since: its answers go with its buurten
        gone = ~a["wijkteam"].isin(teams)
        a.loc[gone, "wijkteam"] = a.loc[gone, ["area_code"]].merge(
            f[["area_code", "wijkteam"]].drop_duplicates("area_code"), on="area_code", how="left")["wijkteam"].to_numpy()
    m = f[["_i", "wijkteam", "area_code", "domain", "period", "_start"]].merge(
        a, on=["wijkteam", "area_code", "domain", "period"])
    window = (m["period_start"] <= m["_start"]) & (m["_start"] < m["period_start"] + pd.Timedelta(weeks=quiet_weeks))
    latest = m[window].drop_duplicates("_i", keep="last").set_index("_i")["value"]
    value = pd.Series(f["_i"].map(latest).to_numpy(), index=flags.index)
    new = value.map(STATUS_FOR)
    change = new.notna() & flags["status"].isin(["nieuw", "aanhoudend"])
    out = flags.copy()
    out.loc[change, "status"] = new[change]
    return out


#: The line over all teams on a team's list: only with this many other teams and their answers behind it.
OTHERS_TEAMS, OTHERS_ANSWERS = 3, 5


def answer_groups(answers: pd.DataFrame) -> pd.Series:
    """Per answer, the group(s) its row counts in per signal, by what the list row was: its elevated signals
    (``signals``, comma separated); for a listed row without them (``level`` alarm or aandacht) what its text
    (``explanation``, as the team read it) says listed it, the neighbours (:data:`NEIGHBOURS_ONLY`) or the domain's
    signals together (:data:`DOMAIN_ONLY`); for a row no longer elevated (no level: nazorg, opgelost)
    :data:`FOLLOW_UP`, whatever listed it before. A frame without ``level`` is of listed rows."""
    from pipelines.explain import CARRIED_WORDS, POOLED_WORDS

    # the words both texts of a listing on the neighbours' sum say ("samen met de buurbuurten boven verwachting")
    neighbours = POOLED_WORDS["nl"]["pooled neighbours"].split(" (")[0]
    assert neighbours in CARRIED_WORDS["nl"], "a carried listing must read as one on the neighbours"
    empty = pd.Series("", index=answers.index)
    own = answers.get("signals", empty).fillna("").astype(str).str.strip()
    listed = answers.get("level", pd.Series("alarm", index=answers.index)).fillna("").astype(str).str.strip() != ""
    text = answers.get("explanation", empty).fillna("").astype(str).str.lower()
    pooled = pd.Series(DOMAIN_ONLY, index=answers.index).where(~text.str.contains(neighbours, regex=False),
                                                               NEIGHBOURS_ONLY)
    return own.where(own != "", pooled.where(listed, FOLLOW_UP))


def judgements(answers: pd.DataFrame) -> pd.DataFrame:
    """One judgement per episode: the latest answer on any of its rows, grouped by what the rows answered were.

    A flag stays on a team's list for weeks (a weekly flag is a new row, with a key of its own, every week; a
    monthly one keeps its key over the weekly lists that show it), so counting answers would count a weekly flag
    once per list its team answered and a monthly one once: the unit is the episode as the lists showed it
    (:data:`EPISODE`: the same "Sinds"), as in the year plan. Its answer is the latest (the row of the latest
    period; ``answers`` hold the answer that counts per row, :func:`read_answers`), so a team that later finds
    the flag was nothing says so with one answer. Its ``group`` is the elevated signals of its rows answered
    while it was listed (:func:`answer_groups`, all of them); without such signals what listed it, and
    :data:`FOLLOW_UP` only when every answered row came after the rise. A row without ``since`` is an episode of
    its own; a frame without the flag's key (one row per episode already) gets its groups only.
    """
    a = answers.assign(group=answer_groups(answers))
    if a.empty or not {*EPISODE[:-1], "period_start"} <= set(a):
        return a
    start = pd.to_datetime(a["period_start"])
    since = pd.to_datetime(a["since"]) if "since" in a else pd.Series(pd.NaT, index=a.index)
    a = a.assign(period_start=start, since=since.fillna(start))       # no episode known: the row is its own
    a = a.sort_values([*EPISODE, "period_start"], kind="stable")
    rank = {NEIGHBOURS_ONLY: 0, DOMAIN_ONLY: 1, FOLLOW_UP: 2}

    def of_episode(groups: pd.Series) -> str:
        own = list(dict.fromkeys(s for g in groups if g not in rank for s in g.split(", ")))
        return ", ".join(own) if own else min(groups, key=rank.get)

    group = a.groupby(EPISODE, sort=False, dropna=False)["group"].agg(of_episode).rename("group").reset_index()
    latest = a.drop_duplicates(EPISODE, keep="last").drop(columns="group")
    return latest.merge(group, on=EPISODE, how="left").reset_index(drop=True)


def precision(answers: pd.DataFrame, min_answers: int = MIN_ANSWERS) -> pd.DataFrame:
    """Share of answered episodes that were not ``geen probleem``, per signal, wijkteam and domain, and in total.

    ``answers``: the answer that counts per answered flag (:func:`read_answers`) with ``wijkteam, domain, signals``
    (the row's elevated signals, comma separated), ``level``, ``explanation`` and ``value``; one judgement per
    episode counts (:func:`judgements`), in the groups per signal of what its rows were (none of its own: the
    neighbours, the domain together, or answered after the rise only). ``meer info nodig`` is no verdict and is
    left out. The managers' review (``reports.review.precision_from_answers``) reads this too.
    Returns ``by`` (signal / wijkteam / domain / total, and per team: ``wijkteam signal`` / ``wijkteam domain``),
    ``group`` (per team: ``team: signal``), ``answered``, ``confirmed`` (not ``geen probleem``),
    ``false_alarms``, ``precision`` (NaN below ``min_answers``), ``remark``, and ``wijkteam`` and ``item`` (the
    team, empty when over all teams, and the signal, domain, team or ``alle`` the row is about).
    """
    cols = ["by", "group", "answered", "confirmed", "false_alarms", "precision", "remark", "wijkteam", "item"]
    a = judgements(answers)
    a = a[a["value"] != NO_VERDICT]
    if a.empty:
        return pd.DataFrame(columns=cols)
    a = a.assign(false_alarm=(a["value"] == FALSE_ALARM).astype(int), total="alle")
    signals = a.assign(signal=a["group"].str.split(", ")).explode("signal")
    parts = []
    for by, frame, column in (("signal", signals, "signal"), ("wijkteam", a, "wijkteam"), ("domain", a, "domain"),
                              ("total", a, "total")):
        g = frame.groupby(column).agg(answered=("false_alarm", "size"), false_alarms=("false_alarm", "sum"))
        parts.append(g.reset_index().rename(columns={column: "item"}).assign(by=by, wijkteam=""))
        if by in ("signal", "domain"):          # a team's list tells its own answers only (toelichting_rows)
            g = frame.groupby(["wijkteam", column]).agg(answered=("false_alarm", "size"),
                                                        false_alarms=("false_alarm", "sum"))
            parts.append(g.reset_index().rename(columns={column: "item"}).assign(by=f"wijkteam {by}"))
    out = pd.concat(parts, ignore_index=True)
    out["group"] = out["item"].where(out["wijkteam"] == "", out["wijkteam"] + ": " + out["item"])
    out["confirmed"] = out["answered"] - out["false_alarms"]
    enough = out["answered"] >= min_answers
    out["precision"] = (out["confirmed"] / out["answered"]).where(enough)
    out["remark"] = pd.Series("", index=out.index).where(enough, TOO_FEW)
    return out[cols].astype({"answered": int, "confirmed": int, "false_alarms": int})


def toelichting_rows(report: pd.DataFrame | None, team: str, domains: dict, labels: dict) -> list[tuple[str, str]]:
    """Rows for the end of the Toelichting sheet: how often the answered flags were right (Dutch).

    The team's own answers only, per domain and signal; the line over all teams only when at least
    ``OTHERS_TEAMS`` other teams with ``OTHERS_ANSWERS`` answers together stand behind it, as a team could
    otherwise subtract its own line and read another team's answers."""
    rows = [("", ""), ("Terugkoppeling", "Aandeel beantwoorde signaleringen dat terecht was (niet 'geen probleem'), "
                                         "per signalering het laatste antwoord; 'meer info nodig' telt niet mee.")]
    if report is None or report.empty:
        return rows + [("", "Nog geen antwoorden ontvangen.")]

    def line(r) -> str:
        if pd.isna(r.precision):
            return f"{r.confirmed} van {r.answered} terecht ({TOO_FEW})"
        return f"{r.confirmed} van {r.answered} terecht ({r.precision:.0%})".replace("%)", " %)")

    teams = report[report["by"] == "wijkteam"]
    others = teams[(teams["item"] != team) & (teams["answered"] > 0)]
    pooled = len(others) >= OTHERS_TEAMS and others["answered"].sum() >= OTHERS_ANSWERS
    pick = [("wijkteam", {team: "Dit wijkteam"}), ("wijkteam domain", domains),
            ("wijkteam signal", {**labels, **GROUP_NL})]
    if pooled:                                    # else the total less the team's own line tells the others'
        pick.insert(1, ("total", {"alle": "Alle wijkteams"}))
    for by, names in pick:
        # another team's figures are not this team's business
        mine = report["item"] == team if by == "wijkteam" else report["wijkteam"] == team
        part = report[(report["by"] == by) & (mine | (by == "total"))].sort_values("item")
        rows += [(names.get(r.item, r.item), line(r)) for r in part.itertuples(index=False)]
    return rows


def is_feedback_file(name: str) -> bool:
    """An inbox file with a wijkteam's answers (``terugkoppeling_*``), not a data source: whatever its extension,
    so a returned list saved as CSV is refused as a returned list (:func:`import_feedback`), not offered to
    the data sources."""
    return name.lower().startswith(INBOX_PREFIX)


def _stored_as_it_lies(con: duckdb.DuckDBPyConnection, path: Path, digest: str) -> bool:
    """Whether the returned workbook ``path`` (content ``digest``) was imported and not saved or copied since: the
    later of its modification and change time, as a copy that keeps the old modification time (cp -p, Explorer,
    unzip) still changes the change time, and is a file sent again."""
    imports, last = feedback_imports(con, digest)
    stat = path.stat()
    return bool(imports) and datetime.fromtimestamp(max(stat.st_mtime, stat.st_ctime)) <= last


def imported_as_it_lies(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Whether a weekly run would skip the returned workbook ``path`` as imported before (``wijkradar inbox clean``
    removes such files: their answers are stored, while their notes may hold what a team should not have typed)."""
    return _stored_as_it_lies(con, path, hashlib.sha256(path.read_bytes()).hexdigest())


def feedback_files(inbox: Path) -> list[Path]:
    """The feedback workbooks in the inbox, oldest first (a later answer replaces an earlier one)."""
    found = [p for p in inbox.iterdir() if p.is_file() and not p.is_symlink() and is_feedback_file(p.name)]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


# ------------------------------------------------------------------------------------------------------------
# Warehouse: read answers, digest for the run key, import a returned workbook
# ------------------------------------------------------------------------------------------------------------

def read_answers(con: duckdb.DuckDBPyConnection, until: datetime | None = None) -> pd.DataFrame:
    """The latest answer per flag (imported by ``until``), with the flag's team and elevated signals."""
    return catalog.answers(con, until)


#: What makes an answer: the list (run, team), the flag, the answer and the note; not the file it came in.
ANSWER = ["run_id", "wijkteam", *KEY, "value", "note"]


def _answer_rows(answers: pd.DataFrame) -> list[str]:
    """One text per answer (:data:`ANSWER`), sorted: equal for the same answers, however the file was saved."""
    if answers.empty:
        return []
    a = answers[ANSWER].assign(period_start=pd.to_datetime(answers["period_start"]).dt.strftime("%Y-%m-%d"),
                               note=answers["note"].fillna(""))
    return sorted("|".join(map(str, row)) for row in a.itertuples(index=False, name=None))


def feedback_digest(con: duckdb.DuckDBPyConnection) -> str | None:
    """A hash of the answers that count (the latest per flag; None without any): part of the run key, so changed
    answers re-flag and the same answers saved again do not."""
    rows = _answer_rows(read_answers(con))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16] if rows else None


@dataclass(frozen=True)
class FeedbackResult:
    file_name: str
    content_hash: str
    run_id: str = ""
    wijkteam: str = ""
    answered: int = 0
    skipped: bool = False              # nothing stored: the answers were imported before, or it holds none
    warnings: tuple[str, ...] = ()
    empty: bool = False                # no row of the sheet Signalen has an answer
    # of an empty result: per other sheet whose answers Signalen does not hold, how it is named and how many
    elsewhere: tuple[tuple[str, int], ...] = ()

    def describe(self) -> str:
        if self.empty and self.elsewhere:          # the team did answer, on a copy of the sheet
            held = ", ".join(f"{shown} holds {typed} answer(s)" for shown, typed in self.elsewhere)
            return (f"{self.file_name}: no answers found on the sheet Signalen, nothing stored; {held} in "
                    "Terugkoppeling, which were not read: answers are read from the sheet Signalen only; ask "
                    f"wijkteam {self.wijkteam} to type them there and send the list back")
        if self.empty:
            return (f"{self.file_name}: no answers found in it (the column Terugkoppeling is empty), nothing stored; "
                    f"ask wijkteam {self.wijkteam} to fill in Terugkoppeling and send the list back")
        if self.skipped:
            return f"{self.file_name}: answers already imported, skipped"
        return (f"{self.file_name}: {self.answered} answer(s) of wijkteam {self.wijkteam} on run {self.run_id} "
                "imported")


def _plain(text: str) -> str:
    """A cell as wijkradar wrote it, without the apostrophe ``safe_output.neutralise`` may have added."""
    from pipelines.safe_output import is_dangerous

    text = str(text).strip()
    return text[1:] if text.startswith("'") and is_dangerous(text[1:]) else text


#: Words a team types in the answer column that may be echoed in a refusal: the answers' own words and the few
#: others an answer is typed as ("misschien", "ja", "gedaan"), and the marker the reader writes for a formula.
_ANSWER_WORDS = frozenset({w for v in FEEDBACK_VALUES for w in v.split()} | {
    "ja", "nee", "misschien", "ok", "oke", "oké", "klaar", "gedaan", "done", "x", "v", "nvt", "n.v.t.", "onbekend",
    "bekend", "later", "volgt", "niet", "wel", "geen", "info", "#formule", "-", "?", "todo", "afgehandeld",
    "opgelost", "probleem", "jaarplan", "signaal", "terecht", "onterecht", "vals", "alarm"})
#: How run ids and flag keys look when wijkradar wrote them: ``2026-W47-1a2b3c4d``, ``BU01185005|physical|week|...``
_RUN_ID = r"\d{4}-(?:W\d{2}|\d{2})(?:-\d{2})?-[0-9a-f]{8}"
_FLAG_KEY = AREA_CODE + r"\|[a-z_]{1,30}\|[a-z]{1,10}\|\d{4}-\d{2}-\d{2}"


def _answer_shown(value: str) -> str | None:
    """A value typed in the answer column, quoted, when it may be shown in a message: short, nothing personal found
    in it, and answer-like: each of its at most three words is one of :data:`_ANSWER_WORDS` or a typo of a word of the
    five answers ("opgepak"); else None. A team's free text ("gebeld brinkhuis") is never echoed, nor a name beside an
    answer ("geen probleem Bakker", "Smit opgepakt"), which the whole text's likeness to an answer let through."""
    from pipelines import privacy

    text = " ".join(value.split())
    if not text or len(text) > 30 or privacy.note_kind(text) is not None:
        return None
    words = text.casefold().split()
    return repr(text) if len(words) <= 3 and all(w in _ANSWER_WORDS or _answer_typo(w) for w in words) else None


def _answer_typo(word: str) -> bool:
    """Whether ``word`` is a typo of a long word of the five answers ("opgepak", "jaarpaln", "opgepkat"): at least five
    letters and one slip from that word (a letter left out, added, changed, or two swapped), and no name of privacy's
    lists. A surname near an answer word is no typo of it: "Bekendam" is two letters from "bekend" ("Berend", one
    from it, is a listed name; the short words "geen" and "meer" take no typos: "Meijer", "Geenen")."""
    from pipelines import privacy

    long_words = {w for v in FEEDBACK_VALUES for w in v.split() if len(w) >= 5}     # not "geen", "meer"
    return len(word) >= 5 and any(_one_slip(word, w) for w in long_words) and not privacy.listed_name(word)


def _one_slip(typed: str, word: str) -> bool:
    """Whether ``typed`` is ``word`` with at most one letter left out, added or changed, or two neighbours swapped."""
    if typed == word:
        return True
    if abs(len(typed) - len(word)) > 1:
        return False
    start = next(i for i, (a, b) in enumerate(zip(typed + "\0", word + "\0")) if a != b)
    rest_t, rest_w = typed[start:], word[start:]
    return (rest_t[1:] == rest_w[1:] or rest_t[1:] == rest_w or rest_t == rest_w[1:]
            or (len(rest_t) >= 2 and rest_t[:2] == rest_w[1::-1] and rest_t[2:] == rest_w[2:]))


#: Dashes outside Unicode's dash category: the soft hyphen (invisible, "Cf") and the minus sign.
_DASHES = frozenset("\u00ad\u2212")


def _answer_key(value: str) -> str:
    """An answer as typed, read as its words: invisible characters (a zero-width space) gone, hyphens and every
    other dash (an en dash Word or Excel's autocorrect makes, a non-breaking or soft hyphen, a minus sign),
    underscores, slashes and punctuation as spaces ('naar-jaarplan', 'naar–jaarplan', 'Opgepakt!', 'al_bekend.'),
    one space between words, no case."""
    import re
    import unicodedata

    def plain(ch: str) -> str:
        if ch in _DASHES or unicodedata.category(ch) == "Pd":
            return " "
        return "" if unicodedata.category(ch) == "Cf" else ch

    text = "".join(plain(ch) for ch in unicodedata.normalize("NFKC", value))
    return " ".join(re.sub(r"[-_/\\.,;:!?'\"()]+", " ", text).split()).casefold()


#: The visible columns of a list row that name its flag: an answer counts only where they agree with ``Sleutel``.
SHOWN_HEADERS = ("Buurtcode", "Domein", "Periode")


def _key_in(key: str, codes: dict[str, str]) -> str:
    """``key`` with its buurt code replaced through ``codes`` (a code not in it stays)."""
    area, rest = key.split("|", 1) if "|" in key else (key, None)
    return key if rest is None or area not in codes else f"{codes[area]}|{rest}"


def _key_cells(key: str) -> dict[str, str]:
    """The visible cells wijkradar writes for the flag ``key`` (:data:`SHOWN_HEADERS`)."""
    from pipelines import wording

    area, domain, period, start = key.split("|")
    return {"Buurtcode": area, "Domein": wording.domain_word(domain), "Periode": wording.period_text(start, period)}


def _shown_differs(key: str, cells: dict[str, str]) -> bool:
    """Whether a row's visible Buurtcode, Domein or Periode names another flag than its hidden ``key`` (rows
    sorted without the hidden column, so the answer sits beside another flag's key); an emptied cell is no
    other flag."""
    expected = _key_cells(key)
    return any(cells.get(h) and " ".join(cells[h].split()).casefold() != expected[h].casefold()
               for h in SHOWN_HEADERS)


def _shown_row(cells: dict[str, str]) -> str:
    """A row's flag as a message names it: ``buurt BU01185101 (fysiek, 2026-W47)``; only a buurt code is shown
    as typed, other text only when it is one of the words wijkradar writes."""
    from pipelines import wording

    code = cells.get("Buurtcode", "")
    code = code if re.fullmatch(AREA_CODE, code.strip().upper()) else "(another buurt)"
    domain = cells.get("Domein", "")
    domain = domain if domain.casefold() in {w.casefold() for w in wording.DOMAIN["nl"].values()} else "?"
    period = cells.get("Periode", "")
    written = period.strip().split(" ")                 # a month as the lists write it, never any word and a year
    month = len(written) == 2 and written[0].casefold() in wording.MONTHS["nl"] and re.fullmatch(r"\d{4}", written[1])
    period = period if month or re.fullmatch(r"\d{4}-W\d{2}|\d{4}", period.strip()) else "?"
    return f"buurt {code.strip()} ({domain}, {period.strip()})"


def _header_row(rows: list) -> tuple[int, list[str]] | None:
    """The index and cells of a sheet's header row holding Sleutel and Terugkoppeling, wherever it is (a team
    may add rows of its own above the table); None when no row holds both."""
    for i, (_, cells) in enumerate(rows):
        header = [c.strip() for c in cells]
        if KEY_HEADER in header and VALUE_HEADER in header:
            return i, header
    return None


def _made_here(con: duckdb.DuckDBPyConnection, team: str, run_id: str, rows: list, control: str) -> bool:
    """Whether a list of a run this warehouse does not hold was made with this warehouse's secret: its Meta check
    matches the flag keys its own rows carry (the hidden column Sleutel). Such a list was sent by this warehouse
    before it was restored from an older backup; a list of another working folder has another secret."""
    key = catalog.warehouse_secret(con)
    head = _header_row(rows)
    if key is None or head is None or not isinstance(control, str):
        return False
    at, header = head
    col = header.index(KEY_HEADER)
    keys = {_plain(cells[col]) for _, cells in rows[at + 1:] if col < len(cells) and cells[col].strip()}
    given = control.strip().lower()
    return bool(keys) and re.fullmatch(r"[0-9a-f]{64}", given) is not None and hmac.compare_digest(
        checksum(team, run_id, keys, key[0]).encode("ascii"), given.encode("ascii"))


def _day_after(period: str) -> str:
    """A day whose run makes the run of ``period`` again: the Monday after a week, the first day after a month."""
    shown = period.strip()
    try:
        if re.fullmatch(r"\d{4}-W\d{2}", shown):
            return f"{pd.Timestamp.fromisocalendar(int(shown[:4]), int(shown[6:]), 1) + pd.Timedelta(days=7):%Y-%m-%d}"
        if re.fullmatch(r"\d{4}-\d{2}", shown):
            return f"{pd.Period(shown, 'M').end_time.normalize() + pd.Timedelta(days=1):%Y-%m-%d}"
    except ValueError:
        pass
    return "<a day just after the list's period>"


def _answers_elsewhere(sheets: dict) -> list[tuple[str, int]]:
    """Answers typed on a sheet other than Signalen (a copied ``Signalen (2)``, a sheet of the team's own) that
    Signalen does not hold for the same flag key: per such sheet, how it may be named and how many. Only Signalen is
    read, so the team is told those answers were not stored. The sheet is named only when its title is a copy's
    (``Signalen (2)``, ``Kopie van Signalen``): a title is free text; any other is ``another sheet``."""
    def answers(rows) -> list[tuple[str, str]]:
        head = _header_row(rows)
        if head is None:
            return []
        at, header = head
        key, value = header.index(KEY_HEADER), header.index(VALUE_HEADER)
        return [(_plain(cells[key]) if key < len(cells) else "", _answer_key(cells[value]))
                for _, cells in rows[at + 1:] if value < len(cells) and cells[value].strip()]

    read = set(answers(sheets["Signalen"]))
    out = []
    for title, rows in sheets.items():
        if title in ("Signalen", META_SHEET):
            continue
        typed = sum(1 for answer in answers(rows) if answer not in read)
        if typed:
            shown = (f"the sheet {title.strip()!r}" if re.fullmatch(_COPY_TITLE, title.strip(), re.IGNORECASE)
                     else "another sheet")
            out.append((shown, typed))
    return out


def _elsewhere_warning(name: str, shown: str, typed: int) -> str:
    """The warning for answers on another sheet beside those read from Signalen (:func:`_answers_elsewhere`)."""
    return (f"{name}: {shown} holds {typed} answer(s) in Terugkoppeling that the sheet Signalen does not, which were "
            "not read: answers are read from the sheet Signalen only; type them there and send the list back")


_COPY_TITLE = r"(?:kopie van |copy of )?signalen(?: ?\(\d{1,3}\)| ?kopie| ?copy| ?\d{1,3})?"


def _typed_shown(value: str, shape: str) -> str | None:
    """``value`` quoted when it has the ``shape`` wijkradar writes (a run id, a flag key), else None."""
    import re

    text = value.strip()
    return repr(text) if re.fullmatch(shape, text) else None


def _shown_name(file_name: str, team_codes) -> str:
    """A returned file's name as messages show it: scrubbed to the allow-list, which keeps this working folder's
    wijkteam codes ("de-weide ingevuld.xlsx" stays as it is; "jan jansen.xlsx" does not)."""
    from pipelines import privacy
    from pipelines.privacy_files import allowed_name

    text = "".join(ch for ch in file_name if ch.isprintable())
    shown = privacy.scrub_file_name(text) if "/" in text or "\\" in text else allowed_name(text, keep=team_codes)
    return shown[:200]


def _not_a_workbook(path: Path) -> str | None:
    """What ``path`` holds when it is not an XLSX workbook (by content, not extension), else None."""
    from pipelines.sources.common import _XLS_MAGIC

    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    if not head:
        return "an empty file"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(_XLS_MAGIC):
        return "an old Excel .xls file or a workbook protected with a password"
    return "text (a CSV or similar)" if b"\x00" not in head or head.startswith((b"\xff\xfe", b"\xfe\xff")) \
        else "not a workbook"


def _problem_of(sentence: str, file_name: str) -> str:
    """The problem of a reader's sentence (``<file>: <problem>; <fix>``) without its file and its fix: the fix is a
    data source's ("save it as .xlsx or CSV and deliver that"), where a returned list has one fix of its own."""
    text = " ".join(sentence.split())
    text = text[len(file_name) + 1:].strip() if text.startswith(file_name + ":") else text
    depth, end = 0, len(text)
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth <= 0:
            end = i
            break
    problem = text[:end].strip().removeprefix("refused, ")
    return re.sub(r"^this is\b", "it is", problem)


def import_feedback(con: duckdb.DuckDBPyConnection, path: Path, today: pd.Timestamp | None = None,
                    again: bool = False) -> FeedbackResult:
    """Check a returned workbook and store its answers in one transaction; refusals store nothing.

    Answers are compared, not files: a file imported before is stored again when its answers are not the ones
    that count now (the team sends its first list again to undo a later change), and skipped when they are. A
    known file is read again only when it was saved after it was last stored, or with ``again`` (a person asks
    for this file now: ``wijkradar feedback import``), so a file left in the inbox does not undo, week after week,
    a later one beside it.

    Raises :class:`FeedbackRefused` (one sentence) when the workbook is not a wijkradar list, its Meta sheet
    is missing or does not match (tampered), the run is unknown, a row's flag key is not a flag of that
    run, a row's buurt belongs to another team, or a value is not one of :data:`FEEDBACK_VALUES`.
    A note holding personal data is dropped with a warning naming the row (never the value); the answer is
    kept. Warnings are returned in the result for the caller to show.
    """
    from pipelines import privacy
    from pipelines.sources.common import IngestError, workbook_sheets
    from pipelines.warehouse import transaction

    path = Path(path)
    codes = catalog.team_codes(con)
    name = _shown_name(path.name, codes)
    about = ""                                   # the wijkteam, once the Meta sheet names one of this warehouse

    def refuse(problem: str, fix: str) -> FeedbackRefused:
        return FeedbackRefused(f"{name}{about}: refused, nothing stored: {problem}; {fix}")

    if not path.exists() and not path.is_symlink():
        raise refuse("there is no such file", "check the folder and the file's name, and give the path of the "
                     "returned workbook")
    if not path.is_file() or path.is_symlink():
        raise refuse("it is not a file", "give the path of the returned workbook itself")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if not again and _stored_as_it_lies(con, path, digest):
        return FeedbackResult(name, digest, skipped=True)      # as it lay when it was stored: nothing new
    imports, _ = feedback_imports(con, digest)
    as_sent = "send back the list as wijkradar exported it, with only Terugkoppeling and Notitie filled in"
    kind = _not_a_workbook(path)
    if kind:
        raise refuse(f"it is {kind}, and answers are read only from the returned .xlsx workbook (a copy saved as "
                     "CSV or another format has no hidden sheet Meta)", "send back the workbook itself, as "
                     "wijkradar exported it, with only Terugkoppeling and Notitie filled in")
    import openpyxl

    if not openpyxl.DEFUSEDXML:                  # the reader's sentence would ask for a CSV, which holds no answers
        raise refuse("workbooks cannot be read safely because defusedxml is not active", "install defusedxml, unset "
                     "OPENPYXL_DEFUSEDXML and import the returned workbook again")
    try:
        sheets = {title: rows for title, _, rows in workbook_sheets(path)}
    except IngestError as exc:                   # the problem as the reader says it, the fix a returned list needs
        raise refuse(privacy.scrub_text(_problem_of(str(exc), path.name)), "send back the workbook itself, as "
                     "wijkradar exported it (.xlsx), with only Terugkoppeling and Notitie filled in") from None
    if META_SHEET not in sheets or "Signalen" not in sheets:
        raise refuse("it is not a wijkradar list (the hidden sheet Meta or the sheet Signalen is missing)", as_sent)
    meta = {cells[0].strip(): _plain(cells[1]) for _, cells in sheets[META_SHEET] if len(cells) >= 2}
    team, run_id = meta.get("wijkteam", ""), meta.get("run", "")
    if team in codes:                            # a code of this warehouse, not free text typed in the sheet
        about = f" (list of wijkteam {team})"
    if meta.get("formaat") != META_FORMAT or not team or not run_id or not meta.get("controle"):
        raise refuse("its hidden sheet Meta is incomplete or changed", as_sent)
    if not catalog.run_exists(con, run_id):
        shown = run_id.strip() if _typed_shown(run_id, _RUN_ID) else "(not a run id wijkradar wrote)"
        if _made_here(con, team, run_id, sheets["Signalen"], meta["controle"]):
            raise refuse(f"run {shown} is not in this warehouse, though this warehouse made the list (its check is "
                         "this warehouse's): the warehouse was restored from a backup made before that run",
                         "put the deliveries loaded since that backup back in the inbox and import the returned "
                         "lists imported since then again (wijkradar feedback import), run "
                         f"`wijkradar run --today {_day_after(meta.get('periode', ''))}` to make the run again (the "
                         "same deliveries and answers make the same run), and import this file again; or let the "
                         "team answer its next list")
        raise refuse(f"run {shown} is unknown in this warehouse", "import it where that list was made")
    flags = catalog.flag_cells(con, run_id, team)
    keys = set(flag_keys(flags))
    moved = {}                                   # a list sent before its buurten were renumbered: old -> new code
    if not meta_matches(con, team, run_id, keys, meta["controle"]):
        since = rekey.moves_made(con, catalog.run_finished_at(con, run_id))   # the moves made after the list
        merged = since[since["merged"] & since["new_code"].isin({k.split("|")[0] for k in keys})]
        if len(merged):
            first = merged.iloc[0]
            raise refuse(f"buurt {first['old_code']} was merged into {first['new_code']} after this list was sent "
                         "(a new division in the profile), so its flags are no longer those the list holds",
                         "enter these answers on the team's next list instead")
        # the flags as the list named them: the renumberings undone one by one, newest first, until the checksum
        # matches (a run's clock says which moves came after it only roughly: runs of an earlier --today, a copy)
        renumbered = rekey.moves_made(con)
        renumbered = renumbered[~renumbered["merged"]]
        as_listed, matched = keys, False
        for old, new in reversed(list(zip(renumbered["old_code"], renumbered["new_code"]))):
            as_listed = {_key_in(k, {new: old}) for k in as_listed}
            moved[old] = new
            if meta_matches(con, team, run_id, as_listed, meta["controle"]):
                matched = True
                break
        if not matched:
            raise refuse("its hidden sheet Meta does not match the list wijkradar made for this team and run "
                         "(changed team, run or checksum)", as_sent)
    teams = catalog.run_area_teams(con, run_id)   # as on the lists that run sent, whatever the division is now

    rows = sheets["Signalen"]
    head = _header_row(rows)
    if head is None:                             # name only the column(s) no header row of the sheet has
        seen_headers = {c.strip() for _, cells in rows for c in cells}
        missing = [h for h in (VALUE_HEADER, KEY_HEADER) if h not in seen_headers]
        what = (f"no column {missing[0]}" if len(missing) == 1 else
                "no columns Terugkoppeling and Sleutel" if missing else
                "the columns Terugkoppeling and Sleutel in different header rows")
        raise refuse(f"the sheet Signalen has {what}", as_sent)
    at, header = head
    twice = [h for h in (KEY_HEADER, VALUE_HEADER, NOTE_HEADER) if header.count(h) > 1]
    if twice:                                    # which of them holds the team's answers cannot be told
        raise refuse(f"the sheet Signalen has the column {twice[0]} more than once", as_sent)
    col = {h: header.index(h) for h in (KEY_HEADER, VALUE_HEADER, NOTE_HEADER, *SHOWN_HEADERS) if h in header}
    allowed = {v.casefold(): v for v in FEEDBACK_VALUES}
    answers, warnings, seen = [], [], {}
    if NOTE_HEADER not in col:                   # the list as sent has it: renamed or deleted, its notes unread
        warnings.append(f"{name}: the sheet Signalen has no column {NOTE_HEADER} (renamed or deleted), so no notes "
                        f"were read; the answers were kept (name the column {NOTE_HEADER} again and import the file "
                        "again to keep its notes)")
    for number, cells in rows[at + 1:]:
        def cell(h: str) -> str:
            return cells[col[h]].strip() if h in col and col[h] < len(cells) else ""

        key, raw, note = _plain(cell(KEY_HEADER)), cell(VALUE_HEADER), cell(NOTE_HEADER)
        if not raw:
            if note:
                warnings.append(f"{name}: row {number} has a note but no answer; the note was not stored")
            continue
        value = allowed.get(_answer_key(raw))
        if value is None:
            shown = _answer_shown(raw)
            raise refuse(f"row {number} holds {shown or 'a value'}, which is not one of the five answers "
                         f"({', '.join(FEEDBACK_VALUES)})", "choose a value from the drop-down")
        if not key:
            raise refuse(f"row {number} has an answer but no flag key (hidden column Sleutel)", as_sent)
        listed = key                             # the flag as the list showed it, and as the warehouse holds it now
        for _ in moved:
            key = _key_in(key, moved)
            if key in keys:
                break
        area = key.split("|")[0]
        if area in teams and team not in teams[area]:
            raise refuse(f"row {number} answers buurt {area}, which was on the list of wijkteam "
                         f"{' and '.join(sorted(teams[area]))} in run {run_id}, not of {team}",
                         "let each team answer only its own list")
        if key not in keys:
            raise refuse(f"row {number} has flag key {_typed_shown(key, _FLAG_KEY) or '(changed)'}, which is not a flag "
                         f"of run {run_id} for {team}",
                         as_sent)
        shown_cells = {h: _plain(cell(h)) for h in SHOWN_HEADERS}
        if _shown_differs(listed, shown_cells):
            raise refuse(f"row {number} shows {_shown_row(shown_cells)} but its hidden key Sleutel is of "
                         f"{_shown_row(_key_cells(listed))}, so the rows were sorted without the hidden column Sleutel",
                         "undo the sort or start again from the list as sent, and sort only with every column selected")
        if key in seen:
            raise refuse(f"rows {seen[key]} and {number} answer the same flag", "keep one of them")
        seen[key] = number
        if note:
            kind = privacy.note_kind(note)
            if kind is not None:
                warnings.append(f"{name}: row {number}: the note holds personal data ({kind}) and was not stored; "
                                "the answer was kept")
                note = ""
            elif len(note) > NOTE_MAX:
                warnings.append(f"{name}: row {number}: the note is longer than {NOTE_MAX} characters and was "
                                "shortened")
                note = note[:NOTE_MAX]
        area_code, domain, period, start = key.split("|")
        answers.append((area_code, domain, period, pd.Timestamp(start).date(), value, note or None, int(number)))

    now = catalog.recorded_now(con)   # to the microsecond: the later of two imports wins
    answered_on = (pd.Timestamp(today) if today is not None else pd.Timestamp(now)).date()
    stored_as = digest if not imports else f"{digest}+{imports}"     # a file sent again: its answers anew
    frame = pd.DataFrame(answers, columns=[*KEY, "value", "note", "row_number"]).assign(
        run_id=run_id, wijkteam=team, answered_on=answered_on, content_hash=stored_as, imported_at=now)
    elsewhere = tuple(_answers_elsewhere(sheets))
    if not answers:                 # an unanswered list: nothing to store; describe() names answers on another sheet
        return FeedbackResult(name, digest, run_id, team, 0, True, tuple(warnings), empty=True, elsewhere=elsewhere)
    warnings[:0] = [_elsewhere_warning(name, shown, typed) for shown, typed in elsewhere]
    if set(_answer_rows(frame)) <= set(_answer_rows(read_answers(con))):
        return FeedbackResult(name, digest, skipped=True)       # the same answers, saved again
    dropped = sum("personal data" in w for w in warnings)
    newer = catalog.newer_answers(con, run_id, [tuple(a[:4]) for a in answers])
    if newer:
        warnings.append(f"{name}: {newer} answer(s) are for a buurt and domain already answered on a newer list "
                        f"than run {run_id}; those newer answers keep counting")
    with transaction(con):
        catalog.record_feedback(con, stored_as, name, run_id, team, now, frame, dropped)
    return FeedbackResult(name, digest, run_id, team, len(frame), False, tuple(warnings))
