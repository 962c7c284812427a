"""The Signalen data-warehouse export: ``signals.csv``, ``locations.csv``, ``categories.csv`` (and
``statuses.csv``) in one folder or zip, joined into one row per report for the ``meldingen`` source.

Only the columns the counts need are ever read (``usecols``): the report's text, the reporter and
the address are not loaded at all. The location becomes the CBS buurt code from ``area_code`` (or
``buurt_code``); a report located by coordinates only keeps an empty buurt code and is quarantined
with that reason, because wijkradar has no exact boundaries to place a point.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from pipelines.sources.common import IngestError

FILES = {
    "signals": ["id", "created_at", "location_id", "category_assignment_id"],
    "locations": ["id", "buurt_code", "area_code"],
    "categories": ["id", "main", "sub"],
}


def is_dwh_export(path: Path) -> bool:
    path = Path(path)
    if path.is_dir():
        return (path / "signals.csv").exists()
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return any(Path(n).name == "signals.csv" for n in z.namelist())
    return False


def _open(path: Path, name: str) -> pd.DataFrame:
    wanted = FILES[name]
    try:
        if path.is_dir():
            raw = (path / f"{name}.csv").read_bytes()
        else:
            with zipfile.ZipFile(path) as z:
                member = next(n for n in z.namelist() if Path(n).name == f"{name}.csv")
                raw = z.read(member)
    except (FileNotFoundError, StopIteration) as exc:
        raise IngestError(f"{path.name}: the Signalen export has no {name}.csv; export signals, locations and "
                          "categories together") from exc
    header = pd.read_csv(io.BytesIO(raw), nrows=0).columns
    missing = [c for c in wanted if c not in header and not (name == "locations" and c in ("buurt_code", "area_code"))]
    if missing or (name == "locations" and not {"buurt_code", "area_code"} & set(header)):
        raise IngestError(f"{path.name}: {name}.csv lacks column(s) {missing or ['buurt_code or area_code']}; "
                          "this is not the Signalen data-warehouse layout")
    return pd.read_csv(io.BytesIO(raw), usecols=[c for c in wanted if c in header], dtype=str, keep_default_na=False)


def read_dwh(path: Path) -> pd.DataFrame:
    """One row per signal with the canonical meldingen columns (all text)."""
    path = Path(path)
    signals, locations, categories = (_open(path, n) for n in ("signals", "locations", "categories"))
    loc = locations.assign(code=locations.get("area_code", "").where(
        locations.get("area_code", pd.Series("", index=locations.index)).str.upper().str.startswith("BU"),
        locations.get("buurt_code", "")))
    out = (signals.merge(loc[["id", "code"]].rename(columns={"id": "location_id"}), on="location_id", how="left")
           .merge(categories.rename(columns={"id": "category_assignment_id"}), on="category_assignment_id", how="left"))
    if len(out) != len(signals):
        raise IngestError(f"{path.name}: locations.csv or categories.csv has duplicate ids; export again")
    return pd.DataFrame({
        "melding_id": out["id"], "created": out["created_at"], "hoofdcategorie": out["main"].fillna(""),
        "subcategorie": out["sub"].fillna(""), "area_code": out["code"].fillna(""),
    })
