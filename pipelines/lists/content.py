"""What every list carries besides its rows: the run it belongs to and the fixed Dutch texts.

``RunInfo`` is everything a writer needs to know about the run (id, period, time stamp, settings, the
files loaded, the feedback precision); ``RiskInfo`` the run's risk per buurt and domain and the settings it
used; ``NOTHING_FLAGGED`` and ``HOW_TO_READ`` are shown to every wijkteam.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

import pandas as pd

from pipelines import feedback, wording

COLUMNS_NL = wording.LIST_COLUMNS["nl"]
FEEDBACK = list(feedback.FEEDBACK_VALUES)   # the drop-down of Terugkoppeling; read back by pipelines/feedback.py
NOTHING_FLAGGED = "Geen opvallende signalen in deze periode voor de buurten van dit wijkteam."
HOW_TO_READ = [
    "Elke regel is een buurt met een opvallende ontwikkeling in één domein (fysiek, sociaal of veiligheid).",
    "Niveau 'alarm': duidelijk hoger dan wat op grond van de eigen geschiedenis van de buurt te verwachten is, "
    "ook na correctie voor het grote aantal reeksen dat we volgen. 'aandacht': minder sterk, maar al meerdere perioden.",
    "'nazorg': deze periode niet (meer) verhoogd; de buurt blijft op de lijst tot de ontwikkeling een paar "
    "perioden voorbij is.",
    "Status: 'nieuw' = deze periode voor het eerst; 'aanhoudend' = loopt al; 'verergerend' = sterker dan eerder "
    "in deze episode; 'opgelost' = weer op het verwachte niveau; 'in behandeling', 'in jaarplan' of 'bekend' = "
    "uw team heeft dit signaal opgepakt, in het jaarplan opgenomen of al bekend gemeld.",
    "Verwacht en bovengrens komen uit de eigen geschiedenis van elke buurt (seizoen en trend meegenomen). "
    "De bovengrens staat met één decimaal, naar beneden afgerond: een aantal boven dat getal is boven de grens.",
    "Weken staan als 2026-W47 (ISO-weeknummer), maanden als 'oktober 2026'.",
    "Kies in de kolom Terugkoppeling wat het wijkteam met het signaal doet (opgepakt, naar jaarplan, al bekend, "
    "geen probleem of meer info nodig), eventueel met een korte Notitie zonder namen of adressen, en lever het "
    "bestand terug als terugkoppeling_<team>.xlsx. Zo wordt de lijst beter.",
]


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    run_period: str
    stamp: datetime
    settings: dict
    loads: pd.DataFrame          # file_name, source, loaded_at, periods_from, periods_to (and their kinds)
    precision: pd.DataFrame | None = None   # feedback.precision() of the answers imported by this run
    list_key: bytes | None = field(default=None, repr=False)   # signs the Meta sheet (meta.warehouse_secret)
    #: Dutch sentences on the run's own periods that could not be judged (``export.unjudged_notes``): every list
    #: shows them above its rows, in place of :data:`NOTHING_FLAGGED` when it has none
    unjudged: tuple[str, ...] = ()
    #: per team its own :attr:`unjudged` (in a region each municipality's periods are judged apart)
    unjudged_teams: dict[str, tuple[str, ...]] | None = field(default=None, repr=False)
    #: Dutch sentences on the team's buurten whose counts of the list's periods are lower bounds
    #: (``export.partial_notes``: a buurt left out of a delivery), shown above the rows after :attr:`unjudged`
    partly: tuple[str, ...] = ()
    partly_teams: dict[str, tuple[str, ...]] | None = field(default=None, repr=False)
    #: Dutch sentences on signals risen in most buurten of the team's municipality at once (``export.shared_notes``,
    #: ``models.shared``): said once, above the rows, as its buurten are listed only where they rise beyond it
    shared: tuple[str, ...] = ()
    shared_teams: dict[str, tuple[str, ...]] | None = field(default=None, repr=False)
    #: Dutch sentences on buurten of the team the profile split (``export.split_notes``): judged no more as one, a
    #: running flag ended, and when the parts are judged; shown above the rows after :attr:`partly`
    split: tuple[str, ...] = ()
    split_teams: dict[str, tuple[str, ...]] | None = field(default=None, repr=False)

    def for_team(self, team: str) -> "RunInfo":
        """The run as ``team``'s list shows it: with its own municipality's sentences on periods not judged and its
        own buurten's counts not all delivered."""
        if self.unjudged_teams is not None:
            self = replace(self, unjudged=self.unjudged_teams.get(team, ()), unjudged_teams=None)
        if self.partly_teams is not None:
            self = replace(self, partly=self.partly_teams.get(team, ()), partly_teams=None)
        if self.shared_teams is not None:
            self = replace(self, shared=self.shared_teams.get(team, ()), shared_teams=None)
        if self.split_teams is not None:
            self = replace(self, split=self.split_teams.get(team, ()), split_teams=None)
        return self

    @property
    def notes(self) -> tuple[str, ...]:
        """The sentences a list shows above its rows: periods not judged, signals risen in the whole municipality,
        counts not all delivered, buurten split."""
        return self.unjudged + self.shared + self.partly + self.split

    @property
    def nothing(self) -> str:
        """The sentence of a list without rows: nothing flagged, or that the run's period was not judged (and which
        buurten's counts were not all delivered)."""
        return " ".join(self.unjudged or (NOTHING_FLAGGED,)) + "".join(
            f" {s}" for s in self.shared + self.partly + self.split)


#: Shown with the risk (workbook Toelichting and page): what the risk column and the section mean.
RISK_EXPLAINED = ("Risico: de kans dat de signalen van de buurt in dat domein de komende maanden sterk stijgen "
                  "(escalatie), met de factoren die die kans het meest verhogen. 'Preventief in beeld' noemt hooguit "
                  "drie buurten zonder signaal in dat domein, maar met een hoge kans.")


@dataclass(frozen=True)
class RiskInfo:
    """The run's risk (``marts.area_risk`` rows with name and team) and what ``meta.risk_runs`` recorded."""

    rows: pd.DataFrame
    settings: dict
    features: str = ""
    models: dict | None = None

    def setting(self, name: str, default: float) -> float:
        return float(self.settings.get(name, default))

    # made once per run (every team's list reads them; national runs have thousands of teams and 70,000 rows)
    @cached_property
    def cells(self) -> pd.DataFrame | None:
        """``probability`` and ``drivers`` by area and domain; None without rows."""
        return self.rows.set_index(["area_code", "domain"])[["probability", "drivers"]] if len(self.rows) else None

    @cached_property
    def group_sizes(self) -> pd.Series:
        """Per row: how many rows its municipality has in its domain."""
        return self.rows.groupby(["gemeente_code", "domain"])["area_code"].transform("size")

    @cached_property
    def by_team(self) -> dict:
        """Each team's rows."""
        return dict(tuple(self.rows.groupby("wijkteam", sort=False)))
