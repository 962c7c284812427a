"""Neighbouring buurten from boundary geometry: two buurten are neighbours when they share an edge.

The CBS 2014 boundaries of Hoogeveen (``data/reference/hoogeveen_buurten_2014.geojson``, derived
from TopoJSON, so shared borders have identical vertices) give 46 of the 48 buurten of 2024;
buurten missing there are added by hand in ``buurt_buren_handmatig.csv``. Regenerate with
``python -m pipelines.adjacency``.
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd

from pipelines.paths import REFERENCE_DIR


def edges_of(geometry: dict) -> set[frozenset]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return {frozenset([tuple(a), tuple(b)]) for poly in polygons for ring in poly for a, b in zip(ring, ring[1:])
            if tuple(a) != tuple(b)}


def neighbours_from_geojson(path: Path) -> pd.DataFrame:
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    edges = {f["properties"]["statcode"]: edges_of(f["geometry"]) for f in features}
    pairs = [(a, b) for a, b in itertools.combinations(sorted(edges), 2) if edges[a] & edges[b]]
    both = pairs + [(b, a) for a, b in pairs]
    return pd.DataFrame(both, columns=["area_code", "neighbour"]).assign(source="cbs-2014-geometry")


def build(folder: Path = REFERENCE_DIR) -> pd.DataFrame:
    geo = neighbours_from_geojson(folder / "hoogeveen_buurten_2014.geojson")
    manual = pd.read_csv(folder / "buurt_buren_handmatig.csv", dtype=str)
    manual = pd.concat([manual, manual.rename(columns={"area_code": "neighbour", "neighbour": "area_code"})])
    out = pd.concat([geo, manual.assign(source="handmatig")], ignore_index=True)
    return out.drop_duplicates(["area_code", "neighbour"]).sort_values(["area_code", "neighbour"]).reset_index(drop=True)


if __name__ == "__main__":
    table = build()
    table.to_csv(REFERENCE_DIR / "buurt_buren.csv", index=False)
    print(f"wrote {len(table)} neighbour rows for {table['area_code'].nunique()} buurten")
