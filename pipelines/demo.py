"""Write the demo inbox: the seeded synthetic history of Hoogeveen in the shapes a municipality delivers.

Resident reports become a semicolon CSV with Dutch headers and dd-mm-jjjj dates (one row per
report); wijkteam signals become an Excel workbook with one row per buurt, month and signal type.
The truth about the injected issues goes to ``reports/demo_truth.csv`` in the working folder, the
sustained rises driven by the buurten's CBS figures (``models.demo.structural_rises``) to
``reports/demo_risk_truth.csv``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from models.calendar import period_label
from models.demo import counts_to_reports, simulate_counts, structural_rises
from pipelines.paths import DEMO_SETTINGS_DIR, Home
from pipelines.reference import Reference
from pipelines.xlsx import save_stable

#: The demo's data end in ISO week 2026-W47 (Sunday 22 November 2026), so it always shows the same story.
DEMO_END = pd.Timestamp("2026-11-22")
DEMO_SEED = 118
#: Share of the structural rises per domain (the demo has no police figures).
RISE_DOMAINS = {"social": 0.6, "physical": 0.4}


@dataclass(frozen=True)
class DemoFiles:
    meldingen: Path
    wijkteam: Path
    truth: Path | None                 # None when no issue was injected (the demo of another municipality)
    risk_truth: Path | None = None


def demo_settings() -> tuple[pd.DataFrame, pd.DataFrame]:
    rates = pd.read_csv(DEMO_SETTINGS_DIR / "demo_signalen.csv")
    events = pd.read_csv(DEMO_SETTINGS_DIR / "demo_events.csv")
    return rates, events


def _buurten(ref: Reference, areas: list[str] | None) -> pd.DataFrame:
    buurten = ref.buurten[["area_code", "population"]].astype({"population": float})
    if areas is not None:
        buurten = buurten[buurten["area_code"].isin(areas)].reset_index(drop=True)
    buurten["population"] = buurten["population"].fillna(0.0)      # CBS leaves small or zero counts empty
    return buurten


def demo_rises(ref: Reference, end: pd.Timestamp = DEMO_END, years: int = 5, seed: int = DEMO_SEED,
               areas: list[str] | None = None, events: pd.DataFrame | None = None):
    """The demo's sustained rises driven by the buurten's CBS figures (2024, bundled), and their truth."""
    from pipelines.risk import bundled_figures

    events = demo_settings()[1] if events is None else events
    buurten = _buurten(ref, areas)
    # every empty cell missing, as when the demo's world was drawn: reading the bundled zeros would move its rises
    figures = bundled_figures(buurten["area_code"].tolist(), zeros=False)
    structure = figures.pivot(index="area_code", columns="indicator", values="value").reindex(buurten["area_code"])
    structure = structure.rename_axis(columns=None).reset_index()
    months = pd.date_range(end.to_period("M").start_time - pd.DateOffset(years=years), end, freq="MS")
    domain = ref.catalogue.set_index("signal")["domain"]
    exclude = set(zip(events["area_code"], events["signal"].map(domain)))
    return structural_rises(structure, months, RISE_DOMAINS, seed, exclude=exclude)


def demo_counts(ref: Reference, end: pd.Timestamp = DEMO_END, years: int = 5, seed: int = DEMO_SEED,
                areas: list[str] | None = None, events: pd.DataFrame | None = None):
    """The demo's weekly and monthly counts and truth of the injected issues (before they are written as files).

    The counts include the structural rises of :func:`demo_rises` (their truth is apart: they are no
    injected issue of a list, but what the risk step should see coming).
    """
    rates, default_events = demo_settings()
    events = default_events if events is None else events
    buurten = _buurten(ref, areas)
    events = events[events["area_code"].isin(buurten["area_code"])]  # the demo's events are Hoogeveen's
    rises, _ = demo_rises(ref, end, years, seed, areas, events)
    # the last complete month before the end of the weekly data
    month_end = (end.to_period("M").start_time - pd.Timedelta(days=1)) if end.day < end.days_in_month else end
    signals = rates.merge(ref.catalogue[["signal", "frequency", "label_nl", "domain"]], on="signal")
    weekly, monthly = signals[signals["frequency"] == "week"], signals[signals["frequency"] == "month"]
    w_counts, w_truth = simulate_counts(buurten, weekly, events, end=end, years=years, seed=seed, rises=rises)
    m_counts, m_truth = simulate_counts(buurten, monthly, events, end=month_end, years=years, seed=seed + 1,
                                        rises=rises)
    return w_counts, m_counts, w_truth, m_truth, month_end


def with_sources(ref: Reference, *counts: pd.DataFrame) -> pd.DataFrame:
    """Weekly and monthly counts (``demo_counts``) in one frame with each signal's source, as the scoring reads them."""
    return pd.concat(counts, ignore_index=True).merge(ref.catalogue[["signal", "source"]], on="signal")


def write_demo_inbox(home: Home, ref: Reference, end: pd.Timestamp = DEMO_END, years: int = 5,
                     seed: int = DEMO_SEED, areas: list[str] | None = None,
                     events: pd.DataFrame | None = None) -> DemoFiles:
    """Generate the demo and write its inbox files; same arguments give byte-identical files."""
    w_counts, m_counts, w_truth, m_truth, month_end = demo_counts(ref, end, years, seed, areas, events)
    home.inbox.mkdir(parents=True, exist_ok=True)
    home.reports.mkdir(parents=True, exist_ok=True)
    week = period_label(pd.Series([end]), "week").iloc[0]

    reports = counts_to_reports(w_counts, ref.categories, seed=seed)
    names = dict(zip(ref.buurten["area_code"], ref.buurten["name"]))
    meldingen = pd.DataFrame(
        {
            "Meldingnummer": reports["melding_id"].map("SIG-{}".format),
            "Datum melding": reports["created"].dt.strftime("%d-%m-%Y"),
            "Hoofdcategorie": reports["hoofdcategorie"],
            "Subcategorie": reports["subcategorie"],
            "Buurtcode": reports["area_code"],
            "Buurtnaam": reports["area_code"].map(names),
            "Status": reports["status"],
        }
    )
    meldingen_path = home.inbox / f"meldingen_export_{week}.csv"
    meldingen.to_csv(meldingen_path, sep=";", index=False, encoding="utf-8", lineterminator="\n")

    labels = dict(zip(ref.catalogue["signal"], ref.catalogue["label_nl"]))
    workbook = pd.DataFrame(
        {
            "Buurtcode": m_counts["area_code"],
            "Buurt": m_counts["area_code"].map(names),
            "Maand": pd.to_datetime(m_counts["period_start"]).dt.strftime("%Y-%m"),
            "Signaal": m_counts["signal"].map(labels),
            "Aantal": m_counts["count"].astype(int),
        }
    ).sort_values(["Maand", "Buurtcode", "Signaal"], kind="stable")
    month = period_label(pd.Series([month_end]), "month").iloc[0]
    wijkteam_path = home.inbox / f"wijkteam_signalen_tm_{month}.xlsx"
    _write_xlsx(workbook, wijkteam_path, sheet="Signalen")

    truth = pd.concat([w_truth, m_truth], ignore_index=True)
    truth["period_label"] = [
        period_label(pd.Series([s]), p).iloc[0] for s, p in zip(truth["period_start"], truth["period"])
    ]
    truth_path = home.reports / "demo_truth.csv"
    truth.to_csv(truth_path, index=False)
    truth_path = truth_path if len(truth) else None        # another municipality's demo injects no issues
    _, rises = demo_rises(ref, end, years, seed, areas, events)
    rises = rises.assign(name=rises["area_code"].map(names), first_month=rises["first_month"].dt.strftime("%Y-%m"))
    risk_truth_path = home.reports / "demo_risk_truth.csv"
    rises.to_csv(risk_truth_path, index=False)
    return DemoFiles(meldingen_path, wijkteam_path, truth_path, risk_truth_path)


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    """Write the workbook byte-identically for the same data: re-running the demo is no new delivery."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    wb.properties.creator = "wijkradar demo"
    save_stable(wb, path, datetime(2026, 11, 23, 6, 0, 0))
