"""The versioned reference data (areas, wijkteams, signal catalogue, category mapping).

Read from ``data/reference/`` and mirrored into ``core`` whenever the files change; the
version (a hash of the files) is recorded in ``meta.reference`` and with every run.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.paths import PROFILE_FILES, REFERENCE_DIR
from pipelines.reference_files import ReferenceError, read_table, setting_values, short
from pipelines.warehouse import transaction

log = logging.getLogger("wijkradar.reference")

DOMAIN_NL = {"physical": "fysiek", "social": "sociaal", "safety": "veiligheid"}
#: The frequencies of a signal, and the columns of the catalogue (``core.signal_catalogue``; others are notes).
FREQUENCIES = ("week", "month", "year")
CATALOGUE_COLUMNS = ("signal", "domain", "label_nl", "label_en", "unit_nl", "source", "frequency", "description_nl",
                     "description_en")


#: The longest team code: it names the team's list files (a file name holds at most 255 bytes).
MAX_TEAM_CODE = 100
#: Pairs of neighbouring buurten added by hand (across a municipal border, a buurt without an outline); optional.
MANUAL_NEIGHBOURS = "buurt_buren_handmatig.csv"
#: The kinds of buurt (``soort`` of ``buurt_indeling.csv``); the open pages list the wijken under these headings
#: (``reports.openpages.KIND_B1``), and a wijk of another kind would be on none.
KINDS = ("stadswijk", "dorp", "bedrijventerrein")
#: The optional ``kind`` column of ``buurtcode_wijzigingen.csv``: empty maps the old code (a renumbering, or a merge
#: when several old codes lead to one buurt); ``splitsing`` declares one part of a split buurt and moves nothing (its
#: counts cannot be divided), so a profile change that splits several buurten of one wijk at once names each one's
#: parts (red team 13a F1); ``hernummering`` says a one-line mapping of a code the warehouse recorded as split is
#: really the same buurt under a new code, so its past may move (red team 13a F2).
SPLIT_KINDS = frozenset({"splitsing", "split"})
RENUMBER_KINDS = frozenset({"hernummering", "renumbering"})


def team_file_clashes(codes) -> list[tuple[str, ...]]:
    """Groups of team codes whose list files would be one file: the same name once made safe
    (``safe_output.safe_filename``), compared as Windows and macOS shares compare names (without case, Unicode
    composed, trailing dots and spaces dropped). A code given twice is a clash too."""
    import unicodedata

    from pipelines.safe_output import safe_filename

    groups: dict[str, list[str]] = {}
    for code in codes:
        key = unicodedata.normalize("NFC", safe_filename(code)).rstrip(" .").casefold()
        groups.setdefault(key, []).append(code)
    return [tuple(g) for g in groups.values() if len(g) > 1]


@dataclass(frozen=True)
class Reference:
    folder: Path = REFERENCE_DIR

    def _read(self, name: str) -> pd.DataFrame:
        """A file of the profile as :func:`reference_files.read_table` reads every one (UTF-8, commas, its columns)."""
        path = self.folder / name
        if not path.exists():
            self.check_complete()
        return read_table(path)

    def check(self) -> "Reference":
        """Read and validate every table of the profile (a :class:`ReferenceError` naming the file and the fix), as a
        run's first step: a profile error found half-way would be blamed on a delivery (red team 6b F4)."""
        self.check_complete()
        for table in ("areas", "wijkteams", "catalogue", "code_changes", "declared_splits", "politie_types", "neighbours", "categories",
                      "budget", "load_settings", "score_settings", "risk_settings"):
            getattr(self, table)
        alone = self.without_neighbours()
        if alone:
            more = f" and {len(alone) - 8} more" if len(alone) > 8 else ""
            log.warning("%d buurt(en) of the profile have no neighbour in buurt_buren.csv or %s (%s%s): a rise shared "
                        "with neighbouring buurten is not looked for there; add their pairs to %s", len(alone),
                        MANUAL_NEIGHBOURS, ", ".join(alone[:8]), more, MANUAL_NEIGHBOURS)
        return self

    def check_complete(self) -> None:
        """Refuse, in one sentence, a profile that lacks one of its files (:data:`paths.PROFILE_FILES`), before
        anything is read or changed (red team 6b F4: a missing categories file was blamed on the delivery and the
        run went on)."""
        missing = [name for name in PROFILE_FILES if not (self.folder / name).is_file()]
        if not missing:
            return
        where = ("the repository's demo profile: restore them with `git checkout data/reference`"
                 if self.folder.resolve() == REFERENCE_DIR.resolve() else
                 "restore them from a backup of the working folder, or write the profile again with `wijkradar init "
                 "--gemeente <code> --force` (which replaces your edits of teams and settings)")
        raise ReferenceError(f"the profile in {self.folder} lacks {', '.join(missing)}; nothing was read or changed: "
                             f"{where}")

    @cached_property
    def version(self) -> str:
        h = hashlib.sha256()
        for p in sorted(self.folder.glob("*.csv")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
        return h.hexdigest()[:16]

    @cached_property
    def areas(self) -> pd.DataFrame:
        """Gemeente, wijken and buurten with kind, wijkteam and population (one row per area)."""
        div = self._read("gebiedsindeling_2024.csv")
        teams = self._read("buurt_indeling.csv")
        known_teams = set(self.wijkteams["wijkteam"])
        _refuse_repeated(div, ["code"], "area", "every area (gemeente, wijk, buurt) has one line")
        dup = teams[teams["buurt_code"].duplicated()]["buurt_code"].tolist()
        if dup:
            raise ReferenceError(f"buurt_indeling.csv lists {', '.join(map(str, dup[:5]))} more than once; nothing was "
                                 "read or changed: every buurt belongs to exactly one wijkteam, so keep one line per "
                                 "buurt (the one with its wijkteam) and delete the others")
        if not div["niveau"].eq("gemeente").any():
            raise ReferenceError("gebiedsindeling_2024.csv has no line of niveau gemeente; nothing was read or "
                                 "changed: give the municipality a line (niveau gemeente, its code GM and four digits, "
                                 "its name), or write the profile again with `wijkradar init`")
        bad_team = sorted(set(teams["wijkteam"]) - known_teams)
        if bad_team:
            raise ReferenceError(f"buurt_indeling.csv names unknown wijkteam(s) {bad_team}; add them to wijkteams.csv")
        buurten = set(div.loc[div["niveau"] == "buurt", "code"])
        missing = sorted(buurten - set(teams["buurt_code"]))
        extra = sorted(set(teams["buurt_code"]) - buurten)
        if missing or extra:
            raise ReferenceError(
                f"buurt_indeling.csv does not match the 2024 division: missing {missing}, unknown {extra}; "
                "give every buurt of gebiedsindeling_2024.csv exactly one row"
            )
        empty = sorted(known_teams - set(teams["wijkteam"]))
        if empty:
            raise ReferenceError(f"wijkteams.csv has team(s) {empty} without buurten; give them buurten in "
                                 "buurt_indeling.csv or remove them from wijkteams.csv")
        out = div.merge(teams, how="left", left_on="code", right_on="buurt_code")
        if "gemeente_code" in div.columns and div["gemeente_code"].ne("").all():
            gm = out["gemeente_code"]
        else:                                     # a profile of one municipality without the column
            gm = div.loc[div["niveau"] == "gemeente", "code"].iloc[0]
        pop = _population(div).set_axis(out.index)             # the merge keeps the division's lines, in order
        kind = out["code"].map(_kinds(teams))
        return pd.DataFrame(
            {
                "area_code": out["code"],
                "name": out["naam"],
                "level": out["niveau"],
                "wijk_code": out["wijk_code"].replace("", None),
                "gemeente_code": gm,
                "kind": kind.where(kind.notna(), None),
                "wijkteam": out["wijkteam"].where(out["wijkteam"].notna(), None),
                "population": pop,
            }
        )

    @classmethod
    def for_home(cls, home) -> "Reference":
        """The profile of a working folder: ``<home>/reference/`` when it holds one, else the demo profile; a
        profile that lacks a file is refused (:meth:`check_complete`)."""
        ref = cls(home.reference_dir)
        ref.check_complete()
        return ref

    @property
    def gemeenten(self) -> list[str]:
        """The municipality codes of the profile."""
        return sorted(self.areas.loc[self.areas["level"] == "gemeente", "area_code"])

    def gemeente(self, given: str) -> str:
        """``given`` as one of the profile's municipality codes (upper case, trimmed), or a one-sentence
        :class:`ReferenceError` (a code of another shape, or of a municipality outside the profile: ``GM`` alone
        once asked the police for every buurt in the country)."""
        code = str(given).strip().upper()
        if re.fullmatch(r"GM\d{4}", code) and code in self.gemeenten:
            return code
        shape = "is not in the profile" if re.fullmatch(r"GM\d{4}", code) else \
            "is not a municipality code (GM and four digits)"
        raise ReferenceError(f"--gemeente {str(given)[:20]!r} {shape}; give one of the profile's municipalities: "
                             f"{', '.join(self.gemeenten[:8])}{', ...' if len(self.gemeenten) > 8 else ''}")

    @property
    def buurten(self) -> pd.DataFrame:
        return self.areas[self.areas["level"] == "buurt"].reset_index(drop=True)

    @cached_property
    def teams(self) -> pd.Series:
        """The wijkteam of each buurt, indexed by ``area_code`` (list levels are per team: ``models.evidence``)."""
        return self.buurten.set_index("area_code")["wijkteam"]

    @cached_property
    def area_names(self) -> dict[str, str]:
        """Each area's name by its code (every municipality's run explains its lists with it)."""
        return dict(zip(self.areas["area_code"], self.areas["name"]))

    @cached_property
    def area_teams(self) -> dict[str, str]:
        """Each area's wijkteam by its code."""
        return dict(zip(self.areas["area_code"], self.areas["wijkteam"]))

    @cached_property
    def wijkteams(self) -> pd.DataFrame:
        """The teams of ``wijkteams.csv``; a code names each team's list files, so it is refused when it is too
        long for a file name or gives the same file name as another code (:func:`team_file_clashes`)."""
        teams = self._read("wijkteams.csv").rename(columns={"naam": "name"})
        long = [c for c in teams["wijkteam"] if len(c) > MAX_TEAM_CODE or len(c.encode("utf-8")) > 2 * MAX_TEAM_CODE]
        if long:
            raise ReferenceError(
                f"wijkteams.csv has a team code too long for the file names of its lists ({long[0][:40]!r}..., "
                f"{len(long[0])} characters); shorten it to at most {MAX_TEAM_CODE} characters ({2 * MAX_TEAM_CODE} "
                "bytes in UTF-8) there and in buurt_indeling.csv")
        clash = team_file_clashes(teams["wijkteam"])
        if clash:
            raise ReferenceError(
                f"wijkteams.csv has team codes that give the same file name for their lists "
                f"({' and '.join(repr(c) for c in clash[0])}; file names are compared without case, as on Windows "
                "and macOS shares); rename one of them there and in buurt_indeling.csv")
        _refuse_personal_team_names(teams, self._read("gebiedsindeling_2024.csv"))
        return teams

    @cached_property
    def catalogue(self) -> pd.DataFrame:
        cat = self._read("signalen.csv")
        bad = sorted(set(cat["domain"]) - set(DOMAIN_NL))
        if bad:
            raise ReferenceError(f"signalen.csv has unknown domain(s) {bad}; use physical, social or safety")
        odd = sorted(set(cat["frequency"]) - set(FREQUENCIES))
        if odd:
            raise ReferenceError(f"signalen.csv has unknown frequency(ies) {odd}; nothing was read or changed: use "
                                 f"{', '.join(FREQUENCIES)}")
        from pipelines.sources import SOURCES

        delivering = sorted(name for name, module in SOURCES.items() if hasattr(module, "KIND"))   # not the KWB
        unknown = sorted(set(cat["source"].fillna("")) - set(delivering)) if "source" in cat else []
        if unknown:
            raise ReferenceError(f"signalen.csv has unknown source(s) {unknown}; nothing was read or changed: use "
                                 f"{', '.join(delivering)} (the delivery a signal's counts come from)")
        _refuse_repeated(cat, ["signal"], "signal", "a signal has one line (its domain, labels and source)")
        return cat[[c for c in CATALOGUE_COLUMNS if c in cat.columns]]

    @cached_property
    def code_changes(self) -> pd.DataFrame:
        """Codes of earlier CBS divisions and the 2024 buurt they map to (only where CBS gives a mapping):
        ``old_code``, ``new_code`` (the buurt) and ``part_code`` (the part of the buurt the old code was).

        Codes are normalised as delivered codes are (``01180503``, ``bu01180503`` -> ``BU01180503``). Several
        old codes may map to one buurt (a merge: their counts add up); one old code to two buurten (a split)
        cannot be mapped, and an old code that is a buurt of the current division would move that buurt's
        counts away: both are refused. A line may map to an old code of another line (a division after the
        next: ``A -> B`` and ``B -> C``); the chain ends at its buurt. Codes joined by a renumbering are one part
        (``A`` renumbered to ``B``, ``B`` merged with ``D`` into ``C``: the parts of ``C`` are ``B`` and ``D``, and a
        row under ``A`` is part ``B``). An old code that merged several codes and was then merged again with
        others would be a part holding parts, which cannot be counted without doubling: refused.
        """
        changes = self._code_lines
        changes = changes[~changes["kind"].isin(SPLIT_KINDS)].drop(columns=["kind"])
        known = set(self.buurten["area_code"])
        bad = sorted(set(changes["new_code"]) - known - set(changes["old_code"]))
        if bad:
            raise ReferenceError(f"buurtcode_wijzigingen.csv maps to {', '.join(bad)}, which "
                                 f"{'is no buurt' if len(bad) == 1 else 'are no buurten'} of the 2024 division; correct "
                                 "the code, add the buurt to the profile's division (gebiedsindeling and "
                                 "buurt_indeling.csv), or map it on to its buurt in a line of its own")
        changes = changes.drop_duplicates(["old_code", "new_code"])
        split = changes[changes["old_code"].duplicated(keep=False)]
        if len(split):
            code = split["old_code"].iloc[0]
            targets = ", ".join(split.loc[split["old_code"] == code, "new_code"])
            raise ReferenceError(f"buurtcode_wijzigingen.csv maps old code {code} to more than one buurt ({targets}): "
                                 "a split buurt cannot be mapped, as its counts cannot be divided; to declare its "
                                 "parts give each of those lines the kind splitsing (this moves nothing: its past "
                                 "stays under the old code and its rows are quarantined as split), or keep one "
                                 "line if it is one buurt renumbered")
        current = sorted(set(changes["old_code"]) & known)
        if current:
            raise ReferenceError(f"buurtcode_wijzigingen.csv gives {', '.join(current)} as old code(s), but they are "
                                 "buurten of the current division; remove those lines (a current code is never mapped)")
        return _chains_resolved(changes.reset_index(drop=True))

    @cached_property
    def declared_splits(self) -> pd.DataFrame:
        """``old_code``, ``part``: the parts of split buurten that ``buurtcode_wijzigingen.csv`` declares (kind
        ``splitsing``, a line per part). Nothing moves: a split buurt's counts cannot be divided, so its past stays
        under its old code; the declaration says which buurten replace it where the warehouse cannot tell (several
        buurten of one wijk removed by one profile change, red team 13a F1). A part must be a buurt of the division,
        the old code none, and an old code is either split or mapped."""
        lines = self._code_lines
        splits = lines[lines["kind"].isin(SPLIT_KINDS)].rename(columns={"new_code": "part"})
        splits = splits[["old_code", "part"]].drop_duplicates().reset_index(drop=True)
        known = set(self.buurten["area_code"])
        bad = sorted(set(splits["part"]) - known)
        if bad:
            raise ReferenceError(f"buurtcode_wijzigingen.csv declares {', '.join(bad)} as part(s) of a split (kind "
                                 "splitsing), but they are no buurten of the 2024 division; a part is a buurt of the "
                                 "profile's division: correct the code or add the buurt to the division")
        current = sorted(set(splits["old_code"]) & known)
        if current:
            raise ReferenceError(f"buurtcode_wijzigingen.csv declares {', '.join(current)} split (kind splitsing), "
                                 "but they are buurten of the current division; remove those lines (a buurt that is "
                                 "still in the division is not split)")
        both = sorted(set(splits["old_code"]) & set(self.code_changes["old_code"]))
        if both:
            raise ReferenceError(f"buurtcode_wijzigingen.csv both maps and splits {', '.join(both)} (lines with and "
                                 "without kind splitsing); a split moves nothing and a mapping moves the whole past: "
                                 "give all its lines the kind splitsing, or keep one line without it")
        return splits

    @cached_property
    def confirmed_renumberings(self) -> frozenset[str]:
        """The old codes ``buurtcode_wijzigingen.csv`` maps with kind ``hernummering``: the analyst says the code is
        one buurt renumbered even where the warehouse recorded a split (``rekey_stored`` refuses the move otherwise)."""
        lines = self._code_lines
        return frozenset(lines.loc[lines["kind"].isin(RENUMBER_KINDS), "old_code"])

    @cached_property
    def _code_lines(self) -> pd.DataFrame:
        """The lines of ``buurtcode_wijzigingen.csv``: ``old_code``, ``new_code`` read as delivered codes are (a
        number that lost its leading zeros completed), ``kind`` (lower case, empty for a mapping)."""
        from pipelines.sources.common import complete_lost_zeros, normalise_area_code

        changes = self._read("buurtcode_wijzigingen.csv")
        # headers are read as the kind values are (case, surrounding spaces, a BOM): a column headed "Kind" or " kind"
        # was ignored, and two correct splitsing lines were refused as a split mapping (red team 13b F3)
        changes.columns = [" ".join(str(c).replace("\ufeff", "").split()).lower() for c in changes.columns]
        empty = changes[changes["old_code"].fillna("").astype(str).str.strip().eq("")
                        | changes["new_code"].fillna("").astype(str).str.strip().eq("")]
        if len(empty):
            raise ReferenceError(f"buurtcode_wijzigingen.csv line {int(empty.index[0]) + 2} lacks its old or new code; "
                                 "give both codes (BU and eight characters) or remove the line")
        known = set(self.buurten["area_code"])
        # read as delivered codes are: a number cell that lost its leading zeros (1180500 for 01180500) is completed
        old = normalise_area_code(changes["old_code"].astype(str))
        old = old.where(~old.str.fullmatch(r"\d{5,7}"), "BU" + old.str.zfill(8))
        kind = (changes["kind"].fillna("").astype(str).str.strip().str.lower() if "kind" in changes
                else pd.Series("", index=changes.index))
        odd = kind[~kind.isin(SPLIT_KINDS | RENUMBER_KINDS | {""})]
        if len(odd):
            raise ReferenceError(f"buurtcode_wijzigingen.csv line {int(odd.index[0]) + 2} has kind {odd.iloc[0]!r}; "
                                 "leave it empty (a renumbering or merge), or give splitsing (a part of a split "
                                 "buurt: moves nothing) or hernummering (the same buurt under a new code)")
        # a line into an old code of another line continues there (a chain over several divisions)
        return pd.DataFrame({"old_code": old, "new_code": complete_lost_zeros(normalise_area_code(
            changes["new_code"].astype(str)), known | set(old)), "kind": kind}, index=changes.index)

    @cached_property
    def politie_types(self) -> pd.DataFrame:
        """Police crime types (47022NED ``SoortMisdrijf``, unpadded) per catalogue signal."""
        types = self._read("politie_soorten.csv")
        unknown = sorted(set(types["signal"]) - set(self.catalogue["signal"]))
        if unknown:
            raise ReferenceError(f"politie_soorten.csv maps to unknown signal(s) {unknown}; add them to signalen.csv")
        _refuse_repeated(types, ["soort_misdrijf"], "crime type", "a crime type counts for one signal",
                         shown=types["soort_misdrijf"].str.strip())
        return types

    @cached_property
    def neighbours(self) -> pd.DataFrame:
        """Pairs of neighbouring buurten (both directions): ``buurt_buren.csv`` and the pairs added by hand in
        ``buurt_buren_handmatig.csv`` (where the profile has one), in both files one line a pair, read both ways.

        A code that ``buurtcode_wijzigingen.csv`` maps to a buurt (renumbered, merged) is read as that buurt: its
        neighbours carry over. Any other code that is no buurt of the division is refused with the file and the fix:
        after a new division the old file named the codes of a split buurt, which no buurt had as neighbour any
        more, and its parts had none, so a rise shared with neighbouring buurten went unseen there without a word
        (red team 12b F5)."""
        files = {"buurt_buren.csv": self._read("buurt_buren.csv")}
        if (self.folder / MANUAL_NEIGHBOURS).is_file():
            files[MANUAL_NEIGHBOURS] = self._read(MANUAL_NEIGHBOURS)
        known = set(self.buurten["area_code"])
        moved = dict(zip(self.code_changes["old_code"], self.code_changes["new_code"]))
        for name, pairs in files.items():
            codes = pd.concat([pairs["area_code"], pairs["neighbour"]])
            unknown = sorted(set(codes) - known - set(moved))
            if unknown:
                shown = ", ".join(unknown[:8]) + (f" and {len(unknown) - 8} more" if len(unknown) > 8 else "")
                n = int((pairs["area_code"].isin(unknown) | pairs["neighbour"].isin(unknown)).sum())
                what = "is no buurt" if len(unknown) == 1 else "are no buurten"
                raise ReferenceError(
                    f"{name} names {shown} in {n} pair(s), which {what}"
                    " of the profile's division (gebiedsindeling_2024.csv) and not mapped in buurtcode_wijzigingen.csv;"
                    " nothing was read or changed: after a new division remove the pairs of a buurt that is gone and "
                    f"give the buurten that replace it (a split's parts) their neighbours in {name}, or map a "
                    "renumbered or merged code to its buurt in buurtcode_wijzigingen.csv (its pairs then carry "
                    "over); `init` computes neighbours from the 2024 outlines only")
        # both files are read both ways: the models look at a buurt's neighbours from either side
        # (``models.evidence``, ``models.pooled``), and a pair written one way only was seen from one buurt alone
        given = [frame[["area_code", "neighbour"]] for frame in files.values()]
        pairs = pd.concat([*given, *(frame[["neighbour", "area_code"]].set_axis(["area_code", "neighbour"], axis=1)
                                     for frame in given)],
                          ignore_index=True).replace({"area_code": moved, "neighbour": moved})
        pairs = pairs[pairs["area_code"] != pairs["neighbour"]]    # two buurten merged into one: no pair of its own
        return pairs.drop_duplicates().reset_index(drop=True)

    def without_neighbours(self) -> list[str]:
        """The buurten no pair of :attr:`neighbours` names (a split's parts after a new division, a buurt ``init``
        found no outline touching): a rise shared with neighbouring buurten is not looked for there."""
        return sorted(set(self.buurten["area_code"]) - set(self.neighbours["area_code"]))

    @cached_property
    def budget(self):
        """The municipality's false-alarm budget: ``lijst_instellingen.csv`` over the defaults in code."""
        from models.evidence import Budget

        budget = self._settings(Budget)
        if budget.attention_level < budget.alarm_level:
            raise ReferenceError(f"lijst_instellingen.csv gives attention_level {budget.attention_level:g} below "
                                 f"alarm_level {budget.alarm_level:g}: every aandacht would be an alarm; nothing was "
                                 "read or changed: give attention_level at least alarm_level (the defaults: 0.025 and "
                                 "0.005)")
        return budget

    @cached_property
    def load_settings(self):
        """Ingest settings (safety valve, plausibility ceilings): ``lijst_instellingen.csv`` over the defaults."""
        from pipelines.delivery import LoadSettings

        return self._settings(LoadSettings)

    @cached_property
    def score_settings(self):
        """How many weeks and months a run scores: ``lijst_instellingen.csv`` over the defaults."""
        from pipelines.score import ScoreSettings

        return self._settings(ScoreSettings)

    @cached_property
    def risk_settings(self):
        """The risk step's settings (escalation, preventief in beeld): ``lijst_instellingen.csv`` over the defaults."""
        from pipelines.risk import RiskSettings

        return self._settings(RiskSettings)

    def _settings(self, cls):
        """``cls`` (a dataclass of numbers) with the values ``lijst_instellingen.csv`` gives for its fields."""
        from dataclasses import fields

        return cls(**{f.name: type(getattr(cls(), f.name))(self._setting_values[f.name]) for f in fields(cls)
                      if f.name in self._setting_values})

    @cached_property
    def _setting_values(self) -> dict[str, float]:
        """The settings ``lijst_instellingen.csv`` gives, by name: each known (a number field of one of the four
        kinds), given once and a number in its range (:data:`reference_files.SETTING_RANGES`), or refused in one
        sentence naming it, its value and its range."""
        from dataclasses import fields

        from models.evidence import Budget
        from pipelines.delivery import LoadSettings
        from pipelines.risk import RiskSettings
        from pipelines.score import ScoreSettings

        defaults = {f.name: getattr(kind(), f.name) for kind in (Budget, LoadSettings, ScoreSettings, RiskSettings)
                    for f in fields(kind) if isinstance(getattr(kind(), f.name), (int, float))}
        return setting_values(self._read("lijst_instellingen.csv"), defaults)

    @cached_property
    def categories(self) -> pd.DataFrame:
        """The signal of each (hoofdcategorie, subcategorie) of a report; a category is given once, compared as a
        delivery's categories are matched (without case, accents and punctuation: ``sources.meldingen``)."""
        from pipelines.sources.common import normalise_header

        cats = self._read("meldingen_categorieen.csv")
        unknown = sorted(set(cats["signal"]) - set(self.catalogue["signal"]))
        if unknown:
            raise ReferenceError(f"meldingen_categorieen.csv maps to unknown signal(s) {unknown}; add them to signalen.csv")
        matched = cats["hoofdcategorie"].map(normalise_header) + "|" + cats["subcategorie"].map(normalise_header)
        _refuse_repeated(cats, ["hoofdcategorie", "subcategorie"], "category", "a report's category counts for one "
                         "signal (categories are compared without case, accents and punctuation)", shown=matched)
        return cats


def _lines(table: pd.DataFrame, rows) -> list[int]:
    """The file lines of ``rows`` (index labels of ``table`` as :func:`reference_files.read_table` read it)."""
    lines = table.attrs.get("lines")
    return [lines[i] if lines is not None and i < len(lines) else i + 2 for i in rows]


def _refuse_personal_team_names(teams: pd.DataFrame, division: pd.DataFrame) -> None:
    """Refuse a team whose name or code holds personal data (a coordinator's name, a contact's phone number or
    e-mail address: printed on every list, year plan and file name), read by the privacy scanner once the names of the
    division's wijken and municipality are taken out (``Wijkteam Kern Sas van Gent`` is a place, not a person). The
    refusal names the line and the kind, never the value."""
    from pipelines.privacy import scan_values

    named = division.loc[division["niveau"].isin(["wijk", "gemeente"]), "naam"].dropna().astype(str)
    # a wijk as CBS names it ("Wijk 51 De Weide") and as its team is named ("Wijkteam De Weide")
    places = sorted({n for n in pd.concat([named, named.str.replace(r"^Wijke? \d+ ", "", regex=True)]) if n.strip()},
                    key=len, reverse=True)
    place = re.compile("|".join(re.escape(p) for p in places), re.IGNORECASE) if places else None
    for column in ("name", "wijkteam"):
        texts = teams[column].fillna("").astype(str)
        if column == "wijkteam":
            texts = texts.str.replace("-", " ").str.replace("_", " ")
        if place is not None:
            texts = texts.map(lambda t: place.sub(" ", t))
        kinds = scan_values(texts)
        if kinds.notna().any():
            row = int(kinds.notna().to_numpy().nonzero()[0][0])
            what = "name" if column == "name" else "code"
            raise ReferenceError(f"wijkteams.csv line {_lines(teams, [teams.index[row]])[0]}: the team's {what} holds "
                                 f"personal data ({kinds.iloc[row]}); nothing was read or changed: name the team by "
                                 "its area (Wijkteam and the wijk), not by a person or a contact, there and, for a "
                                 "code, in buurt_indeling.csv")


def _refuse_repeated(table: pd.DataFrame, key: list[str], what: str, rule: str, shown: pd.Series | None = None
                     ) -> None:
    """Refuse the first ``key`` (columns) that ``table``, a profile file as read, gives on more than one line, naming
    the file, the key and its lines; ``shown``: the keys compared instead of the columns' text (a normalised form), and
    ``rule`` why a key has one line."""
    keys = shown if shown is not None else table[key].agg(" / ".join, axis=1)
    repeated = keys[keys.duplicated(keep=False)]
    if repeated.empty:
        return
    first = repeated.iloc[0]
    rows = list(repeated.index[repeated == first])
    lines = ", ".join(str(n) for n in _lines(table, rows))
    name = table.attrs.get("file", "the file")
    values = " / ".join(table.loc[rows[0], key])
    raise ReferenceError(f"{name} gives the {what} {values} on more than one line ({lines}); nothing was read or "
                         f"changed: {rule}, so keep one of those lines")


def _kinds(teams: pd.DataFrame) -> pd.Series:
    """The kind of each buurt (``soort`` of ``buurt_indeling.csv``, indexed by ``buurt_code``), one of :data:`KINDS`
    in any case and spacing, or a one-sentence refusal: another kind would leave its wijk off the open pages' index,
    which lists the wijken under these kinds."""
    kind = teams["soort"].map(lambda k: " ".join(str(k).split()).lower())
    bad = kind[~kind.isin(KINDS)]
    if len(bad):
        i = bad.index[0]
        given = teams.at[i, "soort"]
        said = f"the soort {short(given)!r}" if given.strip() else "no soort"
        more = f" (and {len(bad) - 1} more line(s))" if len(bad) > 1 else ""
        raise ReferenceError(f"buurt_indeling.csv gives {teams.at[i, 'buurt_code']} (line {_lines(teams, [i])[0]}) "
                             f"{said}{more}; nothing was read or changed: give each buurt one of {', '.join(KINDS)}")
    return pd.Series(kind.to_numpy(), index=teams["buurt_code"].to_numpy())


#: The largest number of inhabitants an area of the profile may have (more than the whole country).
MAX_POPULATION = 100_000_000


def _population(div: pd.DataFrame) -> pd.Series:
    """``aantal_inwoners_2024`` of each line of the division as a whole number (``Int64``; an empty cell: not known,
    as CBS leaves it for a buurt too small to publish), or a one-sentence refusal naming the area: text such as
    ``ca. 900`` is no number to read as unknown, nor ``-885`` one of inhabitants."""
    text = div["aantal_inwoners_2024"].str.strip()
    number = pd.to_numeric(text.where(text.ne("")), errors="coerce")
    whole = number.notna() & (number % 1 == 0)
    ok = text.eq("") | (whole & number.between(0, MAX_POPULATION))
    if not ok.all():
        i = ok.index[~ok][0]
        problem = ("is not a number" if pd.isna(number[i]) else "is not a whole number" if not whole[i]
                   else "is below 0" if number[i] < 0 else f"is more than {MAX_POPULATION:,}")
        raise ReferenceError(
            f"gebiedsindeling_2024.csv gives {div.at[i, 'code']} (line {_lines(div, [i])[0]}) "
            f"{short(div.at[i, 'aantal_inwoners_2024'])!r} as aantal_inwoners_2024, which {problem}; nothing was "
            "read or changed: give the number of inhabitants as a whole number of 0 or more (1450, without a "
            "thousands separator), or leave the cell empty when it is not known")
    return number.astype("Int64")


def _chains_resolved(changes: pd.DataFrame) -> pd.DataFrame:
    """``changes`` (``old_code``, ``new_code``: one line per old code, each ``new_code`` a buurt or an old code of
    another line) with every chain followed to its buurt, and each old code's ``part_code`` (see
    :attr:`Reference.code_changes`): None for a code that is the whole buurt under another name (renumbered, also a
    merged buurt renumbered after its merge)."""
    step = dict(zip(changes["old_code"], changes["new_code"]))
    into: dict[str, list[str]] = {}
    for old, new in step.items():
        into.setdefault(new, []).append(old)

    def buurt(code: str) -> str:
        seen = [code]
        while seen[-1] in step:
            seen.append(step[seen[-1]])
            if seen[-1] in seen[:-1]:
                loop = " -> ".join(seen[seen.index(seen[-1]):])
                raise ReferenceError(f"buurtcode_wijzigingen.csv maps codes in a circle ({loop}), so they reach no "
                                     "buurt; map each old code to a buurt of the current division")
        return seen[-1]

    # the whole buurt under earlier names: down from the buurt while one code alone became it
    whole: set[str] = set()
    for code in {buurt(c) for c in step}:
        while len(into.get(code, ())) == 1:
            code = into[code][0]
            whole.add(code)

    def root(code: str) -> str | None:
        """The part ``code`` is: up the chain while the code it maps to is a renumbering of it alone."""
        if code in whole:
            return None
        while code in step and step[code] in step and len(into[step[code]]) == 1:
            code = step[code]
        return code

    out = changes.assign(new_code=changes["old_code"].map(buurt))
    out["part_code"] = pd.Series([root(c) for c in out["old_code"]], index=out.index, dtype=object)
    # a part is a single code joined by renumberings; a code that merged several and became one part of a later
    # merge would hold parts itself (a delivery under it covers several parts at once)
    for code, olds in into.items():
        if code in step and code not in whole and len(olds) >= 2:
            raise ReferenceError(
                f"buurtcode_wijzigingen.csv merges {', '.join(sorted(olds))} into {code} and then maps {code} into "
                f"{buurt(code)} with other codes: a merged buurt merged again cannot be counted without doubling a "
                f"delivery under {code} or its old codes; remove the lines of {', '.join(sorted(olds))} (their rows "
                f"are then quarantined as unknown codes) or the line of {code}")
    return out


def sync(con: duckdb.DuckDBPyConnection, ref: Reference) -> bool:
    """Mirror the reference files into ``core`` when they changed; returns whether anything was written.

    Data the warehouse holds under a code that ``buurtcode_wijzigingen.csv`` now maps to a buurt (renumbered or
    merged in a new division) moves to that buurt in the same transaction (:func:`rekey_stored`); stored counts of
    a code that is no buurt of the profile and not mapped are warned about: they are never scored.
    """
    from pipelines import catalog

    ref.code_changes                          # validated when the profile loads, not at the first old code
    if catalog.reference_version(con) == ref.version:
        return False
    with transaction(con):
        removed = record_removed_buurten(con, ref)
        record_added_buurten(con, ref)
        catalog.replace_reference(con, ref.version, ref.wijkteams, ref.areas, ref.catalogue)
        rekey_stored(con, ref, removed_now=frozenset(removed))
    warn_unplaced(con)
    warn_undeclared_parts(con, ref)
    return True


def record_added_buurten(con: duckdb.DuckDBPyConnection, ref: Reference) -> list[str]:
    """Record the buurten ``ref`` adds to a warehouse that already holds counts (before the reference is replaced,
    inside the caller's transaction): a buurt of a later division with no past of its own (a split's parts, new
    housing), whose series begin at its own first count (``meta.added_buurten``, ``score.build_panel``). A buurt
    a mapping of ``buurtcode_wijzigingen.csv`` leads to (renumbered, merged) has its old codes' past: not recorded.
    The first profile of a warehouse adds nothing: its buurten are those its counts are delivered for."""
    from pipelines import catalog

    before = catalog.profile_buurten(con)
    if not before or not catalog.holds_counts(con):
        return []
    mapped = set(ref.code_changes["new_code"]) if len(ref.code_changes) else set()
    added = sorted(set(ref.buurten["area_code"]) - before - mapped)
    if added:
        catalog.record_added_buurten(con, added)
        log.info("the profile adds %d buurt(en) without a past of their own (%s%s): their series begin at their "
                 "own first counts", len(added), ", ".join(added[:8]), " ..." if len(added) > 8 else "")
    return added


def record_removed_buurten(con: duckdb.DuckDBPyConnection, ref: Reference) -> list[str]:
    """Record the buurten of the warehouse's profile that ``ref`` no longer has, with the wijk they were in (before the
    reference is replaced, inside the caller's transaction; ``meta.removed_buurten``). A split buurt's old code keeps
    its past (it cannot be mapped to its parts): the reports count it in this wijk, and its counts of a signal and
    period that the buurten added in its wijk from then on hold are left out there (``catalog.reports``)."""
    from pipelines import catalog

    removed = sorted(catalog.profile_buurten(con) - set(ref.buurten["area_code"]))
    if removed:
        catalog.record_removed_buurten(con, removed)
    return removed


def rekey_stored(con: duckdb.DuckDBPyConnection, ref: Reference, removed_now: frozenset[str] = frozenset()
                 ) -> dict[str, int]:
    """Move what the warehouse holds under old codes of ``buurtcode_wijzigingen.csv`` to their buurt (inside the
    caller's transaction): a renumbered buurt's counts, ledger, flags and answers become the buurt's own; the
    counts of a merge's old codes become parts of the merged buurt (``sources.merges``), its flags and answers
    the buurt's. ``removed_now``: the buurten this sync's profile change removed (mapped with the division that
    removed them, never recorded as split). Returns the rows moved per table; a second call finds nothing to move."""
    from pipelines.catalog import rekey
    from pipelines.catalog.counts import rebuild_counts
    from pipelines.sources import merges

    moves = merges.moves(ref)
    _refuse_contradicted_moves(rekey.moves_made(con), moves)
    stored = rekey.stored_codes(con, sorted(moves["old_code"]))
    if not stored:
        return {}
    _refuse_recorded_splits(con, ref, moves, sorted(set(stored) - removed_now))
    moves = moves[moves["old_code"].isin(stored) | moves["new_code"].isin(moves.loc[moves["old_code"].isin(stored),
                                                                                      "new_code"])]
    codes = sorted(set(moves["old_code"]) | set(moves["new_code"]))
    counted = rekey.stored_codes(con, sorted(set(moves["old_code"])), counts_only=True)
    holding = sorted(set(moves.loc[moves["old_code"].isin(counted), "new_code"]) &
                     set(rekey.stored_codes(con, sorted(set(moves["new_code"])), counts_only=True)))
    if holding:       # the buurt's own counts and the old code's would replace each other (or count twice)
        olds = sorted(set(moves.loc[moves["old_code"].isin(counted) & moves["new_code"].isin(holding), "old_code"]))
        raise ReferenceError(
            f"buurtcode_wijzigingen.csv maps {', '.join(olds)} to {', '.join(holding)}, which already "
            f"{'holds' if len(holding) == 1 else 'hold'} counts of its own in the warehouse: adding a buurt's history "
            "to a buurt that keeps its code (or extending a mapping made earlier) cannot be done without losing or "
            "doubling counts; remove those lines from buurtcode_wijzigingen.csv (the old code's counts then stay "
            "under it, unscored, with a warning) or map the old codes to a new code of their own; nothing was changed")
    sources = rekey.sources_of(con, stored)
    moved: dict[str, int] = {}
    for table in rekey.CELL_TABLES:
        cells = rekey.cells_of(con, table, codes)
        kept, dropped = merges.rekeyed_cells(cells, moves)
        rekey.replace_cells(con, table, codes, kept)
        moved[table] = int(cells["area_code"].isin(stored).sum())
        if dropped:
            log.warning("%d stored cells of %s were left out as their old codes moved to their buurt: a later delivery "
                        "of the same buurt, signal and period replaced them, or they would count twice beside the "
                        "whole buurt's cell", dropped, table)
    moved.update(rekey.move_rows(con, moves))
    rekey.record_moves(con, moves[moves["old_code"].isin(stored)])
    for source in sources:
        rebuild_counts(con, source)
    log.info("buurtcode_wijzigingen.csv maps %s, which the warehouse held, to %s: rows moved: %s",
             ", ".join(stored), ", ".join(sorted(set(moves.loc[moves["old_code"].isin(stored), "new_code"]))),
             ", ".join(f"{t} {n}" for t, n in moved.items() if n))
    return {t: n for t, n in moved.items() if n}


def _refuse_recorded_splits(con: duckdb.DuckDBPyConnection, ref: Reference, moves: pd.DataFrame,
                            stored: list[str]) -> None:
    """Refuse a mapping of an old code the warehouse recorded as split (``catalog.recorded_split_parts``: the profile
    change that removed it added two or more buurten to its wijk) unless its line says ``hernummering``: after the
    refusal of a delivery under it, one line ``BU01185005,BU01185093`` moved the whole of Zuid's past (1,091 cells) and
    its running alarm onto one half, whose counts were then scored against the whole buurt's baseline (red team 13a
    F2). Refused rather than warned about: the move is one transaction that a later sync cannot undo (the data moved
    cannot be told apart from the part's own), and the analyst who means a renumbering says so with one word."""
    from pipelines import catalog

    # a code this sync removes is mapped with the division that removed it: the mapping, not a split, is recorded
    split = catalog.recorded_split_parts(con, sorted(set(stored) - ref.confirmed_renumberings))
    if split.empty:
        return
    old = split["old_code"].iloc[0]
    parts = split.loc[split["old_code"] == old, "part"]
    into = moves.loc[moves["old_code"] == old, "new_code"].iloc[0]
    cells = int(split.loc[split["old_code"] == old, "cells"].iloc[0])
    raise ReferenceError(
        f"buurtcode_wijzigingen.csv maps {old} to {into}, but the warehouse recorded {old} as split: the profile change "
        f"that removed it added {', '.join(parts)} to its wijk. The mapping would move its whole past ({cells:,} cells "
        f"of counts, its flags and answers) onto {into} alone, whose counts would be judged against the whole buurt's; "
        f"remove the line (its past stays under {old}; its rows are quarantined as split), or declare its parts (a line "
        "per part, kind splitsing: moves nothing), or, if it is one buurt under a new code, give the line the kind "
        "hernummering; nothing was changed")


def _refuse_contradicted_moves(made: pd.DataFrame, moves: pd.DataFrame) -> None:
    """Refuse a mapping that contradicts what an earlier sync moved (``made``; ``moves``: the mapping now, as
    :func:`pipelines.sources.merges.moves`): the data moved then is part of its buurt and cannot be told apart.

    - a code renumbered then (its history became the new code's own) that is now a part of a merge beside that
      code: a late row under it would be counted beside its own history (write the line as a chain);
    - a code moved then that now maps to another buurt than the one its data went to."""
    if made.empty:
        return
    now = moves.set_index("old_code")
    buurt = now["new_code"].to_dict()
    for m in made.itertuples():
        if m.old_code not in buurt:
            continue                        # a line removed: its rows are quarantined again, nothing moved back
        went_to = buurt.get(m.new_code, m.new_code)      # the buurt its data is in now (moved on by a later line)
        if buurt[m.old_code] != went_to:
            raise ReferenceError(
                f"buurtcode_wijzigingen.csv maps {m.old_code} to {buurt[m.old_code]}, but an earlier version mapped "
                f"it to {m.new_code} and its stored counts were moved there, where they cannot be told apart from "
                f"{m.new_code}'s own; restore the line {m.old_code},{m.new_code} (a line of its own for a later "
                "division may map it on); nothing was changed")
        if not m.merged and m.new_code in buurt and now.at[m.old_code, "part_code"] != now.at[m.new_code, "part_code"]:
            raise ReferenceError(
                f"buurtcode_wijzigingen.csv maps {m.old_code} and {m.new_code} as separate parts of "
                f"{buurt[m.old_code]}, but {m.old_code} was renumbered to {m.new_code} and its history is stored "
                f"under it: a late row under {m.old_code} would count twice; write its line as "
                f"{m.old_code},{m.new_code} (a chain) instead; nothing was changed")


def warn_undeclared_parts(con: duckdb.DuckDBPyConnection, ref: Reference) -> list[str]:
    """Warn, in one line, about the buurten a profile change added to a wijk in which it split a buurt the profile
    declares (kind ``splitsing``) and another it does not: no declaration names them, and they are not given to the
    undeclared buurt (``catalog.split_buurten``), so a part the declaration forgot is named nowhere (red team 13b F2:
    Zuid declared with one of its two parts). Returns those buurten."""
    from pipelines import catalog

    declared = ref.declared_splits
    if declared.empty:
        return []
    splits = catalog.split_buurten(con, list(ref.code_changes["old_code"]), declared)
    open_ = splits[~splits["old_code"].isin(declared["old_code"]) & ~splits["paired"].astype(bool)]
    said = splits[splits["old_code"].isin(declared["old_code"])][["removed_at", "wijk_code"]].drop_duplicates()
    open_ = open_.merge(said, on=["removed_at", "wijk_code"])
    if open_.empty:
        return []
    parts = sorted(set(open_["part"]))
    here = splits[splits["old_code"].isin(declared["old_code"])].merge(
        open_[["removed_at", "wijk_code"]].drop_duplicates(), on=["removed_at", "wijk_code"])
    log.warning("buurtcode_wijzigingen.csv declares a split of %s but not of %s, removed in the same profile change; "
                "the buurten it added there that no declaration names (%s) are given to no old buurt: declare each "
                "split's parts in full (a line per part, kind splitsing)", ", ".join(sorted(set(here["old_code"]))),
                ", ".join(sorted(set(open_["old_code"]))), ", ".join(parts))
    return parts


def warn_unplaced(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Warn about stored counts under a code that is no area of the profile and not mapped: they are never scored
    and on no list. Returns them (``catalog.rekey.unplaced_counts``)."""
    from pipelines.catalog import rekey

    unplaced = rekey.unplaced_counts(con)
    if len(unplaced):
        codes = sorted(set(unplaced["area_code"]))
        shown = ", ".join(codes[:8]) + (f" and {len(codes) - 8} more" if len(codes) > 8 else "")
        log.warning("the warehouse holds counts of %s (%d series), which are no buurt of the profile and not mapped "
                    "in buurtcode_wijzigingen.csv, so they are never scored; map each old code to its buurt there "
                    "(a renumbered or merged buurt), or add the buurt to the profile; a split buurt cannot be mapped: "
                    "its past stays under its old code, on no list (the reports count it in the wijk it was in, or "
                    "in the wijk its other buurten were moved to when a herindeling renumbered that wijk)", shown,
                    int(unplaced["series"].sum()))
    return unplaced
