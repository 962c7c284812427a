"""CBS Kerncijfers wijken en buurten (KWB), one table per year, over OData v3 into ``core.area_stats``.

Per year: TableInfos, DataProperties, the region code list and the TypedDataSet rows of one
municipality (its GM, WK and BU codes); every region must be in the table's own code list. A renumbered buurt's
code of another division is mapped to its buurt (``buurtcode_wijzigingen.csv``); an old code of a merge is a part
of its buurt, whose shares and averages cannot be added up: quarantined. Keys are padded and stripped here; topics
are matched by their stem (``AantalInwoners_5`` -> ``AantalInwoners``) because the numeric suffix changes between
years; topics whose stems collide (``Nederland_17``, ``Nederland_20``) are told apart by their parent group's title
(:func:`indicator_names`);
an empty cell becomes 0 only where the topic's ``Default`` is ``Zero`` and stays missing (with
the reason Missing / Impossible) otherwise, so rounded-away and suppressed values are never
zeros; a cell holding one of CBS's codes for no figure (:data:`SPECIAL_VALUES`, -99997 "geheim") is missing
with that reason, never a figure; a figure with decimals in a topic of whole numbers (``Datatype`` Long,
``Decimals`` 0) is quarantined, never read as a fraction or as thousands. ``IndelingswijzigingGemeenteWijkBuurt``
other than 1 marks a boundary change: those rows are flagged ``boundary_changed`` and must not be compared with
earlier years.

Without a year the newest KWB the service offers is fetched: CBS's catalogue (``ODataCatalog/Tables``) lists each
year's table by title ("Kerncijfers wijken en buurten 2025"), so a year published after this release is found
without its id; where the catalogue cannot tell, the newest year of :data:`TABLES` is fetched with a warning.
"""
from __future__ import annotations

import logging
import os
import re
import urllib.parse
from pathlib import Path

import pandas as pd

from pipelines.sources import merges
from pipelines.sources.common import IngestError, resolve_area_codes
from pipelines.sources.odata import (PROPERTY_KEY, archive_payload, fetch_pages, page_rows, read_entity,
                                     refuse_absent_topics, screened_table, shown_url)
from pipelines.validate import MERGED_PART_REASON, Check, gx_expectations
from pipelines import catalog

log = logging.getLogger("wijkradar.fetch")

NAME = "cbs-kwb"
RAW_TABLE = "cbs_kwb"
EXTENSIONS: set[str] = set()
DEFAULT_BASE_URL = "https://opendata.cbs.nl/ODataApi/odata"
#: KWB table per year (2022/2023 ids from CBS's catalogue naming; verify before relying on them).
TABLES = {2015: "83220NED", 2016: "83487NED", 2017: "83765NED", 2018: "84286NED", 2019: "84583NED",
          2020: "84799NED", 2021: "85039NED", 2022: "85318NED", 2023: "85618NED", 2024: "85984NED"}
RAW_COLUMNS = ["table_id", "area_code", "year", "indicator", "value"]
ADDITIVE = False
HEADERS_NL = {"table_id": "Tabel", "area_code": "WijkenEnBuurten", "year": "Jaar", "indicator": "Onderwerp",
              "value": "Waarde"}
BOUNDARY = "IndelingswijzigingGemeenteWijkBuurt"
#: A topic key (``AfstandTotGroteSupermarkt_108``, ``Codering_3``) reads as a street and its house number to the
#: privacy scan, and is none (``ingest._privacy_guard``); a name or a number in it is still found.
NOT_ADDRESSES = {"indicator": r"[A-Za-z]+_\d{1,4}"}
#: Keys every row of an entity set must hold as text (checked when fetched and when read from the archive).
REQUIRED = {"DataProperties": ("Type",), "TypedDataSet": ("WijkenEnBuurten",)}
#: DataProperties fields read here that a row may lack (then empty).
PROPERTY_FIELDS = ["ID", "ParentID", "Title", "Datatype", "Unit", "Default", "Decimals"]
#: DataProperties ``Datatype`` values of whole numbers: a figure with decimals there is misread (``1.234``
#: inhabitants is a thousands point or a changed table), never a figure.
WHOLE_DATATYPES = {"Long", "Integer", "Int", "Short", "Byte"}
#: What to do about a table whose rows are mostly of codes of another CBS division (``validate``'s refusal advice):
#: a renumbered buurt's code is mapped to its buurt; a wijk's, or a merged or split buurt's, figures cannot be.
OTHER_DIVISION_ADVICE = (
    "most area codes are of another CBS division than the profile's: map the code of each renumbered buurt (one "
    "code, the same buurt) to its buurt of the profile in buurtcode_wijzigingen.csv (the home's reference folder) "
    "and load it again; the figures of wijken, and of buurten merged or split in that division, cannot be carried "
    "over (a share or an average of parts is no figure of the whole): pass {allow} to load the other rows now (those "
    "areas keep the figures of an earlier year), or update the profile's division")
#: CBS's codes for a cell without a figure, written as a number in the cell: stored as missing with this reason,
#: never as a figure (-99997 is "geheim": suppressed for disclosure).
SPECIAL_VALUES = {-99997: "geheim (CBS -99997)", **{v: f"geen cijfer (CBS {v})" for v in (-99995, -99996, -99998,
                                                                                             -99999)}}


#: The title of every year's KWB table in CBS's catalogue, followed by its year (the English tables, "Key figures
#: districts and neighbourhoods", and the multi-year ones, "... 2004-2008", do not match).
CATALOGUE_TITLE = "Kerncijfers wijken en buurten"
#: The newest year loaded is behind from 1 January this many years later: CBS publishes year Y in August of Y
#: (85984NED on 16-08-2024), so by then Y+1 has been out for more than a year (KWB 2024 is behind from 2026 on).
BEHIND_AFTER_YEARS = 2


def base_url() -> str:
    return os.environ.get("WIJKRADAR_CBS_URL", DEFAULT_BASE_URL).rstrip("/")


def table_ids(given: list[str]) -> dict[int, str]:
    """``YEAR=ID`` texts (``--kwb-table 2025=86165NED``) as a year -> table id map, or a clear refusal.

    CBS publishes each year's KWB as a new table; a year after this release is fetched by its id."""
    out = {}
    for text in given:
        m = re.fullmatch(r"\s*(\d{4})\s*=\s*(\d{5}[A-Z]{3})\s*", text)
        if not m:
            raise IngestError(f"--kwb-table {text[:40]!r} is not YEAR=ID; give one such as 2024=85984NED (the id "
                              "of the year's Kerncijfers wijken en buurten table on opendata.cbs.nl)")
        out[int(m[1])] = m[2]
    return out


def catalogue_url(base: str) -> str | None:
    """The KWB tables in the catalogue of the service at ``base`` (``https://opendata.cbs.nl/ODataApi/odata`` ->
    ``https://opendata.cbs.nl/ODataCatalog/Tables?...``), or None for a base that is no ODataApi/ODataFeed address."""
    root = re.fullmatch(r"(.*)/OData(?:Api|Feed)/odata", base.rstrip("/"), flags=re.IGNORECASE)
    if root is None:
        return None
    flt = urllib.parse.quote(f"substringof('{CATALOGUE_TITLE}',Title)")
    return f"{root[1]}/ODataCatalog/Tables?$format=json&$filter={flt}"


def catalogue_tables(rows: list[dict]) -> dict[int, str]:
    """Year -> table id of the Dutch KWB tables among catalogue ``rows``, one year each (``Title`` "Kerncijfers
    wijken en buurten 2025", ``Identifier`` 86165NED); rows of other tables, of another language or with an id
    that is no CBS table id are left out: the id becomes part of the addresses fetched next."""
    out = {}
    for row in rows:
        title = re.fullmatch(rf"\s*{CATALOGUE_TITLE}\s+(\d{{4}})\s*", str(row.get("Title", "")), flags=re.IGNORECASE)
        table = str(row.get("Identifier", "")).strip()
        if title and re.fullmatch(r"\d{5}NED", table) and str(row.get("Language", "nl")).strip().lower() == "nl":
            out[int(title[1])] = table
    return out


def newest_table(base: str, **kw) -> tuple[int, str]:
    """The newest KWB year the service at ``base`` offers and its table id, from its catalogue; where the catalogue
    cannot be read or lists none, the newest year of :data:`TABLES`, with a warning that says how to give a later one.

    A year of CBS lies outside this release's list from the summer after it (``TABLES`` stops at 2024): without the
    catalogue the yearly download would fetch the same year for ever, and say nothing."""
    url = catalogue_url(base)
    problem = "the service has no ODataCatalog beside its ODataApi address"
    if url is not None:
        try:
            found = catalogue_tables(page_rows(fetch_pages(url, **kw)))
            problem = f"its catalogue lists no table titled {CATALOGUE_TITLE!r} with a year"
        except IngestError as exc:
            found, problem = {}, f"its catalogue could not be read ({str(exc)[:200]})"
        if found:
            year = max(found)
            log.info("%s: the newest KWB table in the service's catalogue is %s (%s)", NAME, year, found[year])
            return year, found[year]
    year = max(TABLES)
    log.warning("%s: cannot find the newest KWB year of %s: %s; fetching %s (%s), the newest this release knows. A "
                "later year is fetched by its id: --kwb-table YEAR=ID (the kwb_tables parameter of the yearly-cbs "
                "flow)", NAME, shown_url(base), problem, year, TABLES[year])
    return year, TABLES[year]


def behind_note(newest: int | None, today) -> str:
    """A sentence when the newest KWB year loaded (``newest``) is behind ``today`` (:data:`BEHIND_AFTER_YEARS`), else
    ""; the structure figures of the risk model and the inhabitants then describe a situation years ago."""
    if newest is None or pd.Timestamp(today).year - int(newest) < BEHIND_AFTER_YEARS:
        return ""
    later = int(newest) + 1
    return (f"the newest CBS Kerncijfers wijken en buurten loaded are of {newest} (inhabitants on 1 January {newest}); "
            f"CBS has published later years since: fetch the newest with `wijkradar ingest --source cbs-kwb` (without "
            f"--year) or give its table id, --kwb-table {later}=<id> (the kwb_tables parameter of the yearly-cbs flow)")


def fetch(base: str, gemeente: str, ref, archive_dir: Path, years: list[int] | None = None,
          tables: dict[int, str] | None = None, **kw) -> Path:
    """Download TableInfos, DataProperties and the municipality's rows for each year; archive them.

    ``tables``: table ids of years beyond :data:`TABLES` (or instead of them), from :func:`table_ids`. Without
    ``years`` or ``tables``: the newest year the service offers (:func:`newest_table`).
    """
    known = {**TABLES, **(tables or {})}
    if not years and not tables:
        newest, table = newest_table(base, **kw)
        known[newest], years = table, [newest]
    years = years or [max(tables)]
    unknown = [y for y in years if y not in known]
    if unknown:
        raise IngestError(f"no KWB table known for year(s) {unknown}; known: {sorted(known)}. CBS publishes each "
                          f"year's KWB as a new table: give its id with --kwb-table {unknown[0]}=<id> (2024 is "
                          f"{TABLES[2024]})")
    pages: dict[str, list[bytes]] = {}
    flt = urllib.parse.quote(f"substring(WijkenEnBuurten,2,4) eq '{gemeente[2:]}'")
    for year in years:
        table = known[year]
        codes = urllib.parse.quote(f"Municipality eq '{gemeente}'")
        for entity, query in (("TableInfos", ""), ("DataProperties", ""), ("TypedDataSet", f"&$filter={flt}"),
                              ("WijkenEnBuurten", f"&$filter={codes}")):
            pages[f"{table}.{entity}"] = fetch_pages(f"{base}/{table}/{entity}?$format=json{query}",
                                                     require=REQUIRED.get(entity, ()), **kw)
    notes = []
    for year in years:             # each table keeps what its own DataProperties name
        table = known[year]
        part, note = screened_table(
            {k: v for k, v in pages.items() if k.startswith(f"{table}.")}, f"{table}.DataProperties",
            f"{table}.TypedDataSet", {f"{table}.TableInfos": {"Period"}, f"{table}.WijkenEnBuurten": {"Key"}},
            {(f"{table}.DataProperties", "Key"): PROPERTY_KEY})
        pages.update(part)
        notes += [f"{table}: {note}"] if note else []
    if notes:
        log.warning("%s download of %s, before it was archived: %s", NAME, gemeente, "; ".join(notes))
    return archive_payload(pages, archive_dir / NAME)


def _stem(key: str) -> str:
    return re.sub(r"_\d+$", "", key)


def _camel(title: str) -> str:
    words = re.findall(r"[0-9A-Za-z]+", title.replace("é", "e").replace("ë", "e"))
    return "".join(w[:1].upper() + w[1:] for w in words)


def indicator_names(props: pd.DataFrame) -> pd.Series:
    """Each topic's indicator name (by ``Key``): its stem, stable between years (``AantalInwoners_5`` ->
    ``AantalInwoners``); where stems collide within a table, the stem and the title of the nearest parent
    group that tells the topics apart (``Nederland_17`` -> ``Nederland_Herkomstland``, ``Appartement_57`` ->
    ``Appartement_GemiddeldAardgasverbruik``), else the key itself."""
    by_id = {r.ID: r for r in props.itertuples(index=False)} if "ParentID" in props else {}

    def ancestors(row) -> list[str]:
        out, parent = [], getattr(row, "ParentID", None)
        while parent is not None and not pd.isna(parent) and parent in by_id:
            row = by_id[parent]
            out.append(_camel(str(row.Title or "")))
            parent = getattr(row, "ParentID", None)
        return out

    topics = props[props["Type"] == "Topic"]
    names = topics["Key"].map(_stem)
    names.index = topics["Key"].to_numpy()
    for stem, keys in names.groupby(names).groups.items():
        if len(keys) < 2:
            continue
        chains = {k: ancestors(next(r for r in topics.itertuples(index=False) if r.Key == k)) for k in keys}
        depth = max(len(c) for c in chains.values())
        level = next((i for i in range(depth)
                      if len({c[i] if i < len(c) else "" for c in chains.values()}) == len(keys)), None)
        for k in keys:
            names[k] = f"{stem}_{chains[k][level]}" if level is not None and level < len(chains[k]) else k
    return names


def read(path: Path) -> pd.DataFrame:
    path = Path(path)
    if not path.is_dir():
        raise IngestError(f"{path}: give the URL of the CBS service or an archived KWB payload folder")
    tables = sorted({f.name.split(".")[0] for f in path.glob("*.TypedDataSet.*.json")})
    if not tables:
        raise IngestError(f"{path}: no archived TypedDataSet pages; fetch the payload again")
    frames = []
    for table in tables:
        year = {v: k for k, v in TABLES.items()}.get(table)
        info = read_entity(path, f"{table}.TableInfos")
        if info and re.fullmatch(r"\d{4}", str(info[0].get("Period", "")).strip()):
            year = int(info[0]["Period"])
        if year is None:
            raise IngestError(f"{path}: cannot tell the year of table {table}; add it to TABLES in cbs_kwb.py")
        props = pd.DataFrame(read_entity(path, f"{table}.DataProperties", REQUIRED["DataProperties"]))
        props = props.reindex(columns=[*props.columns, *(c for c in PROPERTY_FIELDS if c not in props)])
        topics = props[(props["Type"] == "Topic")]
        if not topics["Key"].map(lambda k: isinstance(k, str)).all():
            raise IngestError(f"{path}: a topic in {table}.DataProperties has no Key; this is not a complete CBS "
                              "OData payload; fetch it again from the service")
        numeric = topics[~topics["Datatype"].isin(["String"]) | topics["Key"].str.startswith(BOUNDARY)]
        records = read_entity(path, f"{table}.TypedDataSet", REQUIRED["TypedDataSet"])
        refuse_absent_topics(records, numeric["Key"], str(path), table)
        rows = pd.DataFrame(records)
        rows = rows.reindex(columns=["WijkenEnBuurten", *rows.columns.drop("WijkenEnBuurten", errors="ignore")])
        code_list = {str(r.get("Key", "")).strip() for r in read_entity(path, f"{table}.WijkenEnBuurten")}
        keep = [k for k in numeric["Key"] if k in rows.columns]
        long = rows.melt(id_vars=["WijkenEnBuurten"], value_vars=keep, var_name="indicator", value_name="value")
        frames.append(pd.DataFrame({
            "table_id": table,
            "area_code": long["WijkenEnBuurten"].astype(str),
            "year": str(year),
            "indicator": long["indicator"],
            "value": [("" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)) for v in long["value"]],
        }))
        whole = numeric["Datatype"].isin(WHOLE_DATATYPES) | pd.to_numeric(numeric["Decimals"], errors="coerce").eq(0)
        meta = numeric.assign(stem=numeric["Key"].map(indicator_names(props)), whole=whole)[
            ["Key", "stem", "Unit", "Default", "whole"]]
        frames[-1]["in_code_list"] = frames[-1]["area_code"].str.strip().isin(code_list)
        frames[-1].attrs[table] = meta
    raw = pd.concat(frames, ignore_index=True)
    raw.attrs["meta"] = pd.concat([f.attrs[t] for f, t in zip(frames, tables)], ignore_index=True).drop_duplicates("Key")
    raw.insert(0, "row_number", range(1, len(raw) + 1))
    raw.attrs["in_code_list"] = raw.pop("in_code_list")
    return raw


def typed(raw: pd.DataFrame, ref) -> pd.DataFrame:
    meta = raw.attrs["meta"].set_index("Key")
    default = raw["indicator"].map(meta["Default"]).fillna("Missing")
    value = pd.to_numeric(raw["value"].replace("", None), errors="coerce")
    empty = raw["value"].eq("")
    value = value.where(~(empty & default.eq("Zero")), 0.0)
    special = value.map(SPECIAL_VALUES)                 # a CBS code for "no figure" is no figure
    value = value.where(special.isna())
    area = resolve_area_codes(raw["area_code"], ref)      # a renumbered buurt's code: its buurt of the profile
    # an old code of a merge names a part of its buurt (sources.merges): a share or average of it is no buurt figure
    figure_code = merges.cell_codes(raw["area_code"], area, ref)
    boundary_rows = raw[raw["indicator"].str.startswith(BOUNDARY)]
    changed = (boundary_rows.assign(area=area)
               .set_index(["area", "year"])["value"].str.strip().ne("1"))
    changed = changed[~changed.index.duplicated()]
    key = pd.MultiIndex.from_arrays([area, raw["year"]])
    return pd.DataFrame({
        "row_number": raw["row_number"],
        "area_code": area,
        "figure_code": figure_code,
        "whole_area": (figure_code.eq(area) | area.isna()).to_numpy(dtype=bool),
        "year": raw["year"].astype(int),
        "indicator": raw["indicator"].map(meta["stem"]),
        "is_boundary_code": raw["indicator"].str.startswith(BOUNDARY),
        "value": value,
        "value_ok": empty | value.notna() | special.notna(),
        # a topic of whole numbers (Datatype Long, or no decimals) holds no fraction: "1.234" is no 1.234 inhabitants
        "value_whole": ~(raw["indicator"].map(meta["whole"]).eq(True) & value.mod(1).fillna(0).ne(0)).to_numpy(),
        "unit": raw["indicator"].map(meta["Unit"]),
        "missing_reason": default.where(empty & ~default.eq("Zero")).fillna(special),
        "in_code_list": raw.attrs["in_code_list"].to_numpy() if "in_code_list" in raw.attrs else True,
        "boundary_changed": pd.Series(changed.reindex(key).fillna(False).to_numpy(), index=raw.index).astype(bool),
    })


def checks(ref, today: pd.Timestamp) -> list[Check]:
    gxe = gx_expectations()
    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column="area_code"), "region code is empty"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="area_code", value_set=sorted(ref.areas["area_code"])),
              "area not in division 2024 (not a gemeente, wijk or buurt of the reference areas)"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="whole_area", value_set=[True]),
              f"buurt code is an {MERGED_PART_REASON} (several codes to one buurt in buurtcode_wijzigingen.csv): a "
              "CBS figure of a part (a share, an average) cannot be added up into the buurt's; only a renumbered "
              "buurt's code (one code to one buurt) carries its figures over"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="in_code_list", value_set=[True]),
              "region is not in the table's own WijkenEnBuurten code list"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="value_ok", value_set=[True]), "value is not a number"),
        Check(gxe.ExpectColumnValuesToBeInSet(column="value_whole", value_set=[True]),
              "value has decimals in a topic of whole numbers (Datatype Long or no decimals in DataProperties): "
              "not whole, never read as thousands"),
        Check(gxe.ExpectCompoundColumnsToBeUnique(column_list=["figure_code", "year", "indicator"]),
              "the same area, year and topic occur more than once"),
    ]


def write_core(con, accepted: pd.DataFrame, load_id: str) -> tuple:
    """Replace the loaded years in ``core.area_stats`` (a new vintage of those years)."""
    stats = accepted[~accepted["is_boundary_code"]]
    years = sorted(stats["year"].unique().tolist())
    catalog.replace_area_stats(con, stats[["area_code", "year", "indicator", "value", "unit", "missing_reason",
                                            "boundary_changed"]].assign(source=NAME, load_id=load_id), years)
    if not years:
        return None, None
    return pd.Timestamp(years[0], 1, 1), pd.Timestamp(years[-1], 12, 31)
