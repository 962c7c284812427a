"""Where a wijkradar instance keeps its files: one working folder (``WIJKRADAR_HOME``).

The folder holds ``warehouse.duckdb``, ``inbox/``, ``archive/``, ``exports/`` and ``reports/``.
It defaults to the repository's ``data/``; tests and users run independent instances by
pointing ``WIJKRADAR_HOME`` (or ``wijkradar --home``) elsewhere. A folder's reference data (its
municipality profile, ``wijkradar init``) is ``<home>/reference/``; without one, the repository's
``data/reference/`` (the Hoogeveen demo profile) is used.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO_ROOT / "data" / "reference"
#: The files of a municipality profile, every one read by a run (``pipelines.reference.Reference``).
PROFILE_FILES = ("gebiedsindeling_2024.csv", "wijkteams.csv", "buurt_indeling.csv", "buurt_buren.csv",
                 "buurtcode_wijzigingen.csv", "signalen.csv", "meldingen_categorieen.csv", "politie_soorten.csv",
                 "lijst_instellingen.csv")
DEMO_SETTINGS_DIR = REPO_ROOT / "data" / "demo"


def has_profile(folder: Path) -> bool:
    """Whether ``folder`` holds any file of a municipality profile (:data:`PROFILE_FILES`)."""
    return any((folder / name).exists() for name in PROFILE_FILES)


class HomeError(ValueError):
    """The working folder cannot be used as it is (a file stands where one of its folders belongs)."""


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def docs(self) -> Path:
        """Great Expectations data docs (open ``docs/index.html`` in a browser; works offline)."""
        return self.root / "docs"

    @property
    def reference_dir(self) -> Path:
        """The folder's profile (``wijkradar init``), else the demo profile of the repository. A folder holding any
        file of a profile is the folder's own, complete or not (``Reference.check_complete`` names what is missing):
        a profile that lost its division must never run on the demo's (red team 6b F3: a Coevorden home became
        Hoogeveen, without a word)."""
        own = self.root / "reference"
        return own if has_profile(own) else REFERENCE_DIR

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def shown(self, path: str | os.PathLike) -> str:
        """``path`` as a message shows it: relative to the working folder when it lies inside
        (``exports/2026-W47/centrum-noord.xlsx``), else folder by folder as far as it holds no personal value
        (``privacy.shown_file_name``). The folder is often named after its owner (``/home/jjansen/wijkradar``), and a
        scheduled job keeps what it prints (red team 10a F3); the analyst knows where their working folder is."""
        from pipelines import privacy

        path = Path(path)
        try:
            inside = path.relative_to(self.root)
        except ValueError:
            return privacy.shown_file_name(str(path))
        return str(inside) if inside.parts else "."

    @property
    def shown_root(self) -> str:
        """The working folder itself as a message shows it: its folders as far as they hold no personal value."""
        from pipelines import privacy

        return privacy.shown_file_name(str(self.root))

    def ensure(self, make: bool = True) -> "Home":
        """Make the folders that are missing; a file (or a link to one) in the place of one of them is refused
        in one sentence, since every command reads or writes there. ``make=False``: only refuse, make nothing."""
        for p in (self.root, self.inbox, self.archive, self.exports, self.reports):
            blocker = file_in_the_way(p)
            if blocker is None and p.is_symlink() and not p.exists():
                raise HomeError(f"{self.shown(p)} is a link to nothing, where the working folder needs a folder; "
                                "remove the link (or make its target a folder) and run the command again")
            if blocker is not None:
                what = "" if blocker == p else f", so {self.shown(p)} cannot be made"
                raise HomeError(f"{self.shown(blocker)} is a file, not a folder{what}; the working folder needs a "
                                "folder there: move or rename that file and run the command again")
            if make:
                p.mkdir(parents=True, exist_ok=True)
        return self


#: What a message says of a file where wijkradar needs a folder (``exports/2026-W47``, ``reports/open``): the weekly
#: run's lists and the reports say it alike.
NEEDS_A_FOLDER = "is a file where wijkradar needs a folder; move or rename that file"


def file_in_the_way(path: Path) -> Path | None:
    """The first of ``path``'s folders, or ``path`` itself, that is a file (so no folder can be made there); None
    when there is none."""
    return next((p for p in (*reversed(path.parents), path) if p.exists() and not p.is_dir()), None)


#: The working folder this process's command chose (``--home``), for the flows it runs: a flow is given no home as a
#: parameter, since Prefect stores a flow run's parameters in its database, and a folder is often named after its
#: owner (red team 10a F3). A deployment's run has none either and finds ``$WIJKRADAR_HOME`` of its worker.
_chosen: list[Path] = []


@contextlib.contextmanager
def home_for_flows(root: Path):
    """Flows started inside this block (in this process) without a home work in ``root``."""
    _chosen.append(Path(root))
    try:
        yield
    finally:
        _chosen.pop()


def nobody_chose_a_home(home: str | os.PathLike | None = None) -> bool:
    """Whether :func:`resolve_home` of ``home`` falls back on the repository's ``data/``: no folder given, none chosen
    by the command, no ``$WIJKRADAR_HOME`` (a worker started without it)."""
    return not home and not _chosen and not os.environ.get("WIJKRADAR_HOME")


def resolve_home(home: str | os.PathLike | None = None) -> Home:
    """The working folder: explicit argument, else the one this process's command chose (:func:`home_for_flows`), else
    ``$WIJKRADAR_HOME``, else the repo's ``data/``."""
    chosen = home or (_chosen[-1] if _chosen else None) or os.environ.get("WIJKRADAR_HOME") or (REPO_ROOT / "data")
    return Home(Path(chosen).expanduser().resolve()).ensure()
