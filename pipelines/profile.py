"""Municipality profiles: the reference data of a working folder, written from the national CBS 2024 files.

``wijkradar init --gemeente GM0363`` (several codes, or ``--provincie PV22``) writes ``<home>/reference/``:
the 2024 division (buurten, wijken, names, inhabitants) from ``data/national/`` (CBS 85984NED via the
compilation described in its SOURCE.md), neighbouring buurten computed from the generalised CBS/PDOK
outlines (within each municipality: the outlines of different municipalities are drawn in different
frames, so neighbours across a municipal border are not computed), default wijkteams (one per wijk,
an editable CSV), and editable copies of the signal catalogue, category and crime-type mappings and
list settings. The repository's ``data/reference/`` is the demo profile: Hoogeveen with its five
hand-made wijkteams.
"""
from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.paths import REFERENCE_DIR, REPO_ROOT, has_profile

NATIONAL_DIR = REPO_ROOT / "data" / "national"
REGIONS = NATIONAL_DIR / "regios_kwb2024_misdrijven2021_2024.csv.gz"
OUTLINES = NATIONAL_DIR / "buurtvlakken-svg-2024"
#: Files copied as they are from the demo profile (signals, mappings, settings).
SHARED_FILES = ("signalen.csv", "meldingen_categorieen.csv", "politie_soorten.csv", "lijst_instellingen.csv")
#: Outlines closer than this (SVG units, about 25-60 m) touch: the buurten are neighbours.
TOUCH = 1.5


class ProfileError(ValueError):
    """A profile cannot be made; the message says why and what to give instead."""


@dataclass(frozen=True)
class ProfileSummary:
    folder: Path
    gemeenten: list[str]
    buurten: int
    wijken: int
    teams: int
    neighbour_pairs: int
    dorp_wijken: int = 0               # wijken whose buurten are of the kind dorp (the others stadswijk)

    def describe(self) -> str:
        return (f"profile written to {self.folder}: {len(self.gemeenten)} gemeente(n), {self.wijken} wijken "
                f"({self.wijken - self.dorp_wijken} stadswijk, {self.dorp_wijken} dorp by CBS urbanity: edit soort in "
                f"buurt_indeling.csv), {self.buurten} buurten, {self.teams} wijkteams (one per wijk; edit "
                f"wijkteams.csv and buurt_indeling.csv to combine them), {self.neighbour_pairs} pairs of neighbouring "
                "buurten")


def national_regions() -> pd.DataFrame:
    return pd.read_csv(REGIONS, dtype=str, keep_default_na=False)


def select_regions(regions: pd.DataFrame, gemeenten: list[str] = (), provincie: str | None = None) -> pd.DataFrame:
    """The rows (gemeenten, wijken, buurten) of the chosen municipalities or province."""
    given = [c.strip() for c in gemeenten if c.strip()]
    codes = [c.upper() if c.upper().startswith("GM") else f"GM{int(c):04d}" if c.isdigit() else c for c in given]
    known = set(regions.loc[regions["regio_type"] == "gemeente", "code"])
    if provincie:
        prov = provincie.strip().upper()
        chosen = sorted(set(regions.loc[regions["provincie_code"] == prov, "gemeente_code"]) & known)
        if not chosen:
            provs = sorted(set(regions["provincie_code"]) - {""})
            raise ProfileError(f"unknown province {provincie!r}; use a CBS code such as {', '.join(provs[:4])}, ...")
        codes = sorted(set(codes) | set(chosen))
    unknown = [text for text, c in zip(given, codes) if c not in known]
    if unknown:
        raise ProfileError("; ".join(unknown_gemeente(text, regions) for text in unknown) + f"; {WHERE_CODES}")
    if not codes:
        raise ProfileError("give --gemeente (one or more GM codes) or --provincie (a PV code)")
    return regions[regions["gemeente_code"].isin(codes) | regions["code"].isin(codes)].reset_index(drop=True)


#: Where a person finds a municipality's code (the end of every refusal of one).
WHERE_CODES = (f"the codes of all municipalities are in wijkradar's data/national/{REGIONS.name} (rows of regio_type "
               "gemeente) and in CBS's yearly StatLine table 'Gebieden in Nederland'")
#: The next step where no code could be suggested.
BY_NAME = "give the municipality's name as --gemeente to be told its code"
#: The next step for a municipality formed after 2024 (a herindeling), which the 2024 division init uses cannot
#: hold: the profile of the municipalities it was formed from, mapped to the new division once CBS publishes it.
AFTER_2024 = ("a municipality formed after 2024 (a herindeling) is not in it yet: give each municipality it was formed "
              "from as --gemeente (one --gemeente per code) and, once CBS publishes the division that holds it, map "
              "their buurt codes to its codes (README, *Herindeling*)")


#: Names in daily use of municipalities whose CBS name differs (folded): said as the name, with the code to give.
ALSO_CALLED = {"den haag": "'s-gravenhage", "the hague": "'s-gravenhage", "den bosch": "'s-hertogenbosch"}


def unknown_gemeente(text: str, regions: pd.DataFrame) -> str:
    """What ``--gemeente text``, no municipality code of the 2024 division, is and what to give instead: the code
    of a municipality of that name (case ignored) or a name close to it (difflib), of a municipality holding a wijk
    of that name (one merged into it before 2024 often is); a code a digit short padded. A code the division does not
    hold is named as such: the national data holds no earlier codes, so a merged municipality's successor is not
    guessed."""
    import difflib

    gm = regions[regions["regio_type"] == "gemeente"].drop_duplicates("code")
    shown = lambda codes: ", ".join(f"{c} ({n})" for c, n in codes)   # noqa: E731
    code = re.sub(r"^GM\s+(?=\d{4}$)", "GM", text.strip().upper())       # "GM 0363", as CBS tables print it
    if code != text.upper() and code in set(gm["code"]):
        return f"--gemeente {text!r}: write the code without a space: give --gemeente {code}"
    # what else a person types here: a list in one argument, a province, a buurt or wijk code
    parts = [p for p in re.split(r"\s*[,;]\s*|\s+(?=(?:GM)?\d{4}\b)", text.strip(), flags=re.I) if p]
    if len(parts) > 1:
        found = [_known(p, gm) for p in parts]
        if all(found):
            return (f"--gemeente {text!r} holds {len(found)} municipalities: give each as a --gemeente of its own: "
                    f"{' '.join(f'--gemeente {c}' for c, _ in found)}")
    if re.fullmatch(r"PV\d{2}", code) and code in set(regions["provincie_code"]):
        return f"--gemeente {text!r} is a province: give --provincie {code} for every municipality of it"
    area = regions[(regions["regio_type"] != "gemeente") & (regions["code"] == code)]
    if not area.empty:
        a = area.iloc[0]
        return (f"--gemeente {text!r} is a {a['regio_type']} ({a['naam']}) of {a['gemeente_code']} "
                f"({a['gemeente_naam']}): give --gemeente {a['gemeente_code']}")
    if re.fullmatch(r"GM\d{4}", code):
        return (f"--gemeente {code} is no municipality of the CBS 2024 division that init uses (a municipality merged "
                f"before 2024 is in it under the code of the municipality it merged into): {BY_NAME}; {AFTER_2024}")
    if re.fullmatch(r"(?:GM)?\d{1,3}", code) and f"GM{int(code.removeprefix('GM')):04d}" in set(gm["code"]):
        padded = f"GM{int(code.removeprefix('GM')):04d}"
        name = gm.set_index("code").loc[padded, "naam"]
        return f"--gemeente {text!r}: a code has four digits: give --gemeente {padded} ({name})"
    names = {n.casefold(): (c, n) for c, n in zip(gm["code"], gm["naam"])}
    key = " ".join(text.split()).casefold()
    key = ALSO_CALLED.get(key, key)
    if key in names:
        c, n = names[key]
        return f"--gemeente {text!r} is a name, not a code: give --gemeente {c} ({n})"
    formed = _joined_names(key, names)
    if formed:
        return (f"--gemeente {text!r} is no municipality's code or name in the CBS 2024 division; if it was formed "
                f"after 2024 from {' and '.join(shown([c]) for c in formed)} (a herindeling), give those: "
                f"{' '.join(f'--gemeente {c}' for c, _ in formed)}, and once CBS publishes the division that holds it, "
                "map their buurt codes to its codes (README, *Herindeling*)")
    close = [v for k, v in names.items() if k.startswith(key + " (")]                      # Bergen (L.), Bergen (NH.)
    close += [names[m] for m in difflib.get_close_matches(key, list(names), n=3, cutoff=0.75) if names[m] not in close]
    if close:
        return f"--gemeente {text!r} is no municipality's code or name; names close to it: {shown(close)}"
    wijken = regions[(regions["regio_type"] == "wijk")
                     & (regions["naam"].str.replace(r"^Wijke? \d+ ", "", regex=True).str.casefold() == key)]
    holding = list(dict.fromkeys(zip(wijken["gemeente_code"], wijken["gemeente_naam"])))
    if holding:
        return (f"--gemeente {text!r} is no municipality's code or name in the CBS 2024 division, but a wijk of that "
                f"name lies in {shown(holding)}: a municipality merged into another often lives on as its wijk")
    return (f"--gemeente {text!r} is no municipality's code or name in the CBS 2024 division: give its code, or its "
            f"name as CBS writes it; {AFTER_2024}")


def _known(text: str, gm: pd.DataFrame) -> tuple[str, str] | None:
    """The (code, name) of a municipality that ``text`` is the code (``GM0363``, ``0363``) or name of (case ignored)."""
    code = text.strip().upper()
    code = f"GM{int(code):04d}" if code.isdigit() else code
    for c, n in zip(gm["code"], gm["naam"]):
        if code == c or " ".join(text.split()).casefold() == n.casefold():
            return c, n
    return None


def _joined_names(key: str, names: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """The municipalities whose names, joined by dashes, make ``key`` (case ignored): ``hoogeveen-de wolden`` ->
    Hoogeveen, De Wolden. A herindeling often names the new municipality after the old ones; empty when ``key`` is not
    two or more names so joined (a name with a dash of its own, ``súdwest-fryslân``, is one)."""
    words = key.split("-")

    def split(start: int) -> list[tuple[str, str]] | None:
        if start == len(words):
            return []
        for end in range(len(words), start, -1):
            name = "-".join(words[start:end]).strip()
            rest = split(end) if name in names else None
            if rest is not None:
                return [names[name], *rest]
        return None

    found = split(0) if len(words) > 1 else None
    return found if found and len(found) > 1 else []


def slug(text: str, empty: str = "wijk") -> str:
    """``text`` in ASCII lower-case letters, digits and single dashes (``empty`` when nothing of it is left)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or empty


def division(rows: pd.DataFrame) -> pd.DataFrame:
    """The ``gebiedsindeling_2024.csv`` of a profile (same columns as the demo profile, plus gemeente_code)."""
    buurt = rows["regio_type"] == "buurt"
    wijk_code = np.where(buurt, "WK" + rows["code"].str.slice(2, 8), np.where(rows["regio_type"] == "wijk",
                                                                              rows["code"], ""))
    wijk_names = dict(zip(rows.loc[rows["regio_type"] == "wijk", "code"], rows.loc[rows["regio_type"] == "wijk", "naam"]))
    return pd.DataFrame({
        "niveau": rows["regio_type"], "code": rows["code"], "naam": rows["naam"], "wijk_code": wijk_code,
        "wijk_naam": [wijk_names.get(w, "") if t == "buurt" else "" for w, t in zip(wijk_code, rows["regio_type"])],
        "aantal_inwoners_2024": rows["kwb2024_inwoners"], "in_85984NED": "ja",
        "gemeente_code": np.where(rows["regio_type"] == "gemeente", rows["code"], rows["gemeente_code"]),
    }).sort_values(["gemeente_code", "niveau", "code"], key=lambda s: s.map({"gemeente": 0, "wijk": 1, "buurt": 2})
                   if s.name == "niveau" else s).reset_index(drop=True)


def default_teams(rows: pd.DataFrame, div: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One wijkteam per wijk (``wijkteams.csv``) and every buurt's team and kind (``buurt_indeling.csv``).

    The kind is a default per wijk (:func:`wijk_kinds`): edit it. A wijk whose CBS name is only its number
    (``Wijk 00``) is named with its municipality: team ``wijk-00-schiermonnikoog``, "Wijkteam Wijk 00
    Schiermonnikoog".
    """
    from pipelines.wording import wijk_with_gemeente

    several = div.loc[div["niveau"] == "gemeente", "code"].nunique() > 1
    gm_names = dict(zip(rows.loc[rows["regio_type"] == "gemeente", "code"], rows.loc[rows["regio_type"] == "gemeente", "naam"]))
    buurten = div[div["niveau"] == "buurt"]
    wijken = buurten[["wijk_code", "wijk_naam", "gemeente_code"]].drop_duplicates("wijk_code")
    ids, names, seen = {}, [], set()
    for w in wijken.itertuples(index=False):
        gemeente = gm_names.get(w.gemeente_code, "")
        named = wijk_with_gemeente(w.wijk_naam, gemeente)
        name, bare = named or w.wijk_code, named != w.wijk_naam
        # in a region the team id names its municipality, once: "assen-oost", not "assen-assen-oost"; a bare CBS
        # name has it already
        own = slug(name).startswith(slug(gemeente) + "-") or slug(name) == slug(gemeente) or bare
        base = slug(f"{gemeente} {name}" if several and not own else name)
        team = base if base not in seen else f"{base}-{w.wijk_code[-2:]}"
        seen.add(team)
        ids[w.wijk_code] = team
        names.append(_once(f"Wijkteam {gemeente + ' ' if several and not bare else ''}{name}", gemeente))
    teams = pd.DataFrame({"wijkteam": [ids[w] for w in wijken["wijk_code"]], "naam": names})
    kinds = wijk_kinds(rows, buurten)
    indeling = pd.DataFrame({"buurt_code": buurten["code"].to_numpy(), "wijkteam": buurten["wijk_code"].map(ids).to_numpy(),
                             "soort": buurten["wijk_code"].map(kinds).to_numpy()})
    return teams, indeling


def wijk_kinds(rows: pd.DataFrame, buurten: pd.DataFrame) -> pd.Series:
    """Per wijk code the default kind of all its buurten, from CBS urbanity (stedelijkheid 1-3: stadswijk, 4-5:
    dorp): the wijk's own, or where CBS gives the wijk none the kind holding most of its buurten' inhabitants (a buurt
    by its own urbanity; unknown, or no inhabitants, reads dorp).

    One kind per wijk, so that a wijk is not split between the town and the dorpen on the reports and open pages
    (by urbanity per buurt 7 of Zwolle's 16 wijken were both). ``buurten``: the division's buurt rows.
    """
    by_code = rows.drop_duplicates("code").set_index("code")
    urban = pd.to_numeric(by_code["kwb2024_stedelijkheid"], errors="coerce")
    b = pd.DataFrame({"wijk": buurten["wijk_code"].to_numpy(),
                      "town": (urban.reindex(buurten["code"]) <= 3).to_numpy(),
                      "people": pd.to_numeric(by_code["kwb2024_inwoners"], errors="coerce").reindex(buurten["code"])
                      .fillna(0).to_numpy()})
    town_people = b["people"].where(b["town"], 0).groupby(b["wijk"]).sum()
    most = town_people > b["people"].groupby(b["wijk"]).sum() - town_people
    own = urban.reindex(most.index)
    town = (own <= 3).where(own.notna(), most)
    return town.map({True: "stadswijk", False: "dorp"})


def _once(team_name: str, gemeente: str) -> str:
    """'Wijkteam Assen Assen-Oost' as 'Wijkteam Assen-Oost': the municipality named once."""
    doubled = f"Wijkteam {gemeente} {gemeente}"
    return "Wijkteam " + team_name[len(f"Wijkteam {gemeente} "):] if gemeente and team_name.startswith(doubled) \
        else team_name


def outline_points(path_d: str, step: float = 0.5) -> np.ndarray:
    """Points every ``step`` units along every ring of an SVG path of M/L/Z commands."""
    out = []
    for ring in re.split(r"[Mm]", path_d):
        xy = np.array(re.findall(r"-?\d+(?:\.\d+)?", ring), dtype=float)
        if len(xy) < 4:
            continue
        pts = xy[: len(xy) // 2 * 2].reshape(-1, 2)
        pts = np.vstack([pts, pts[:1]])
        for a, b in zip(pts[:-1], pts[1:]):
            n = max(int(np.hypot(*(b - a)) / step), 1)
            out.append(a + (b - a) * np.linspace(0, 1, n, endpoint=False)[:, None])
    return np.vstack(out) if out else np.empty((0, 2))


def neighbours_from_outlines(features: list[dict], touch: float = TOUCH) -> pd.DataFrame:
    """Pairs of buurten whose outlines come within ``touch`` units of each other (both directions)."""
    from scipy.spatial import cKDTree

    points, owner = [], []
    for i, f in enumerate(features):
        p = outline_points(f["d"])
        points.append(p)
        owner.append(np.full(len(p), i))
    if not points:
        return pd.DataFrame(columns=["area_code", "neighbour"])
    xy, who = np.vstack(points), np.concatenate(owner)
    pairs = cKDTree(xy).query_pairs(touch, output_type="ndarray")
    a, b = who[pairs[:, 0]], who[pairs[:, 1]]
    keep = a != b
    codes = np.array([f["code"] for f in features])
    found = pd.DataFrame({"area_code": codes[a[keep]], "neighbour": codes[b[keep]]})
    both = pd.concat([found, found.rename(columns={"area_code": "neighbour", "neighbour": "area_code"})])
    return both.drop_duplicates().sort_values(["area_code", "neighbour"]).reset_index(drop=True)


def neighbours(gemeenten: list[str], buurten: set[str]) -> pd.DataFrame:
    frames = []
    for gm in gemeenten:
        path = OUTLINES / f"{gm}.json"
        if not path.exists():
            continue
        features = [f for f in json.loads(path.read_text(encoding="utf-8"))["features"] if f["code"] in buurten]
        frames.append(neighbours_from_outlines(features))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["area_code", "neighbour"])
    return out.assign(source="cbs-pdok-2024-outlines", note="")


def write_profile(home_root: Path, gemeenten: list[str] = (), provincie: str | None = None,
                  force: bool = False) -> ProfileSummary:
    """Write ``<home>/reference/`` for the chosen municipalities; refuse to overwrite unless ``force``."""
    folder = Path(home_root) / "reference"
    if has_profile(folder) and not force:           # a profile that lost a file is still the user's edits
        raise ProfileError(f"{folder} already holds a profile; edit its files, or give --force to write it anew "
                           "(your edits to wijkteams.csv and buurt_indeling.csv are then lost)")
    rows = select_regions(national_regions(), gemeenten, provincie)
    div = division(rows)
    teams, indeling = default_teams(rows, div)
    gms = sorted(div.loc[div["niveau"] == "gemeente", "code"])
    buren = neighbours(gms, set(indeling["buurt_code"]))
    folder.mkdir(parents=True, exist_ok=True)
    div.to_csv(folder / "gebiedsindeling_2024.csv", index=False)
    teams.to_csv(folder / "wijkteams.csv", index=False)
    indeling.to_csv(folder / "buurt_indeling.csv", index=False)
    buren.to_csv(folder / "buurt_buren.csv", index=False)
    pd.DataFrame(columns=["area_code", "neighbour", "note"]).to_csv(folder / "buurt_buren_handmatig.csv", index=False)
    pd.read_csv(REFERENCE_DIR / "buurtcode_wijzigingen.csv", nrows=0).to_csv(folder / "buurtcode_wijzigingen.csv",
                                                                             index=False)
    for name in SHARED_FILES:
        shutil.copy2(REFERENCE_DIR / name, folder / name)
    (folder / "SOURCE.md").write_text(
        "# Profile reference data\n\nWritten by `wijkradar init` from `data/national/` of wijkradar: CBS Kerncijfers wijken "
        "en buurten 2024 (85984NED) and the generalised CBS/PDOK buurt outlines 2024, licence CC BY 4.0 "
        "(Bron: CBS). Neighbours are computed from the outlines within each municipality only. wijkteams.csv, "
        "buurt_indeling.csv (team and kind per buurt), signalen.csv, meldingen_categorieen.csv, "
        "politie_soorten.csv and lijst_instellingen.csv are yours to edit.\n", encoding="utf-8")
    dorp = indeling.loc[indeling["soort"] == "dorp", "buurt_code"]
    return ProfileSummary(folder, gms, int((div["niveau"] == "buurt").sum()), int((div["niveau"] == "wijk").sum()),
                          len(teams), len(buren) // 2, int(div.loc[div["code"].isin(dorp), "wijk_code"].nunique()))
