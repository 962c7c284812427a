"""``wijkradar risk``: escalation risk per area for the next period, from any count panel, CSV in, CSV out.

Inputs: ``counts.csv`` (``area_code, period, count``; periods as integers such as years, ISO weeks
``2024-W05`` or months ``2024-03``, consecutive per area) and ``features.csv`` (``area_code`` plus
numeric columns, empty cells allowed); ``,`` or ``;`` separated (``;`` files may use decimal commas).
The model (``models/risk.py``) trains on every target period before ``--target-period`` and predicts
that period from the data before it. Output: ``area_code, probability, rank, drivers`` for every area of
the counts and the features; an area without earlier counts is scored from its features alone (or at
the base rate) and its drivers say "geen eerdere tellingen".
Bad input ends with one sentence and nothing is written; the optional saved model is a joblib file
with a JSON sidecar (version, feature set, training periods, data vintage). Refused as bad input: a count
above ``MAX_COUNT``; more than ``MAX_FEATURES`` feature columns; a feature value that is infinite or beyond
``MAX_FEATURE_VALUE``; a feature column whose header names or holds personal data, or whose values (as read)
hold any (the column is named by its position only, as headers reach the drivers and the saved model).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.calendar import parse_period_label, period_index, period_label, index_to_start
from models.panel import MAX_COUNT
from models.risk import MODEL_VERSION, EscalationRisk, RiskModelError
from pipelines import csv_out
from pipelines.atomic import replacing
from pipelines.privacy import header_kind, personal_ids, scan_values
from pipelines.textfiles import delimiter

log = logging.getLogger("wijkradar.risk")


class RiskInputError(ValueError):
    """The risk input cannot be used; nothing was written. The message is one sentence."""


OUTPUT_COLUMNS = ["area_code", "probability", "rank", "drivers"]
#: Period labels: whole numbers (years, indices), ISO weeks and months.
PERIOD_PATTERNS = {"integer": r"[+-]?\d+", "week": r"\d{4}-[Ww]\d{2}", "month": r"\d{4}-\d{2}"}
#: Largest feature value (in absolute terms); beyond it (or inf, nan spelled out as a number) a value is an error
#: and would break the model's scaling.
MAX_FEATURE_VALUE = 1e15
#: Most feature columns: 80 to 15,000 areas cannot support more, and fitting slows with every column.
MAX_FEATURES = 500


@dataclass(frozen=True)
class RiskSummary:
    output: Path
    areas: int
    target_period: str
    training_periods: list[str]
    model: str
    calibration: str
    validation: str
    dropped_features: dict = field(default_factory=dict)
    top_areas: list[str] = field(default_factory=list)
    without_history: int = 0
    last_counted: str = ""          # the last period of the counts, when it is not the one just before the target

    def describe(self) -> str:
        dropped = "".join(f"; feature {c} not used: {why}" for c, why in self.dropped_features.items())
        if self.last_counted:
            dropped += (f"; the counts end at {self.last_counted}, so nothing after it is known: this is the "
                        f"prediction for the period after {self.last_counted}, whatever the target")
        if self.without_history:
            dropped += (f"; {self.without_history} area(s) have no counts before {self.target_period}: scored from "
                        "their features alone (or at the base rate)")
        return (f"{self.areas} areas scored for {self.target_period} in {self.output} (model {self.model}, "
                f"calibration {self.calibration}, trained on target periods {self.training_periods[0]}.."
                f"{self.training_periods[-1]}, validated {self.validation}){dropped}; highest: "
                f"{', '.join(self.top_areas)}")


# --- reading ------------------------------------------------------------------------------------

def read_table(path: Path, what: str) -> pd.DataFrame:
    """A ``,``, ``;`` or tab separated CSV as text cells; ``;`` files may use decimal commas."""
    path = Path(path)
    if not path.is_file():
        raise RiskInputError(f"{what} file {path} does not exist; give the path of a CSV file")
    try:
        sep, hint = delimiter(path, ("area_code", "period", "count", "neighbour"))
        table = pd.read_csv(path, sep=sep, skiprows=1 if hint else 0, dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise RiskInputError(f"{what} file {path} cannot be read as CSV ({str(exc).splitlines()[0]}); "
                             "save it as UTF-8 text separated by , or ;") from exc
    table.columns = [c.strip() for c in table.columns]
    table.attrs["sep"] = sep
    return table


def _numbers(column: pd.Series, sep: str) -> pd.Series:
    text = column.str.strip()
    if sep == ";":
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text.replace("", np.nan), errors="coerce")


def _rows(mask: pd.Series) -> str:
    idx = np.flatnonzero(mask.to_numpy()) + 2          # data row n is line n + 1 of the file
    more = f" and {len(idx) - 3} more" if len(idx) > 3 else ""
    return f"line(s) {', '.join(map(str, idx[:3]))}{more}"


def period_kind(labels: pd.Series) -> str:
    """``integer``, ``week`` or ``month`` when every label is of that kind, else ``mixed``."""
    for kind, pattern in PERIOD_PATTERNS.items():
        if labels.str.fullmatch(pattern).all():
            return kind
    return "mixed"


def to_index(labels: pd.Series, kind: str) -> np.ndarray:
    if kind == "integer":
        return labels.astype("int64").to_numpy()
    starts = pd.Series([parse_period_label(s)[1] for s in labels])
    return period_index(starts, kind)


def from_index(index: list[int], kind: str) -> list[str]:
    if kind == "integer":
        return [str(int(i)) for i in index]
    return list(period_label(index_to_start(np.asarray(index), kind), kind))


def read_counts(path: Path) -> tuple[pd.DataFrame, str]:
    """``area_code, period, count`` checked and with integer periods; returns the panel and the period kind."""
    table = read_table(path, "counts")
    missing = [c for c in ("area_code", "period", "count") if c not in table.columns]
    if missing:
        raise RiskInputError(f"counts file {path} lacks column(s) {', '.join(missing)}; it needs area_code, period, count")
    if table.empty:
        raise RiskInputError(f"counts file {path} has no data rows; give at least three periods per area")
    table["area_code"] = table["area_code"].str.strip()
    labels = table["period"].str.strip()
    kind = period_kind(labels)
    if kind == "mixed":
        matches = pd.DataFrame({k: labels.str.fullmatch(pat) for k, pat in PERIOD_PATTERNS.items()})
        bad = ~matches[matches.sum().idxmax()]             # rows not of the kind most rows have
        where = _rows(bad)
        raise RiskInputError(f"counts file {path}: periods must all be whole numbers, all ISO weeks (2024-W05) or "
                             f"all months (2024-03), which {where} break(s)")
    try:
        period = to_index(labels, kind)
    except ValueError as exc:
        raise RiskInputError(f"counts file {path} has a period that is not a real week or month ({exc})") from exc
    count = _numbers(table["count"], table.attrs["sep"])
    bad = count.isna() | (count < 0) | (count % 1 != 0) | (table["area_code"] == "")
    if bad.any():
        raise RiskInputError(f"counts file {path}: {_rows(bad)} lack an area_code or a whole count >= 0; "
                             "fix or remove those rows")
    big = count > MAX_COUNT
    if big.any():
        raise RiskInputError(f"counts file {path}: {_rows(big)} have a count above {MAX_COUNT:,} per area and period; "
                             "fix or remove those rows")
    _refuse_personal_ids(table, path, "counts")
    panel = pd.DataFrame({"area_code": table["area_code"], "period": period, "count": count.astype("int64")})
    dup = panel.duplicated(["area_code", "period"], keep=False)
    if dup.any():
        raise RiskInputError(f"counts file {path}: {_rows(dup)} repeat an area and period; keep one row per area and period")
    g = panel.groupby("area_code")["period"]
    gaps = (g.transform("max") - g.transform("min") + 1) != g.transform("size")
    if gaps.any():
        raise RiskInputError(f"counts file {path}: the periods of the area on {_rows(gaps)} are not consecutive; "
                             "add a row with count 0 for a period without any report (a period that was not delivered cannot be "
                             "scored for risk: leave the area out, or deliver its counts)")
    return panel, kind


def _refuse_personal_ids(table: pd.DataFrame, path: Path, what: str) -> None:
    """Refuse a file whose area codes hold personal data: the output repeats every area code."""
    found = personal_ids(table, ["area_code"])
    if found:
        _, kind, rows = found
        mask = pd.Series(np.isin(np.arange(len(table)), rows))
        raise RiskInputError(f"{what} file {path}: area_code looks like personal data ({kind}, {_rows(mask)}); the "
                             "output repeats every area code, so give codes that identify no person (such as CBS "
                             "buurt codes) and run again")


def _refuse_personal_features(table: pd.DataFrame, path: Path) -> None:
    """Refuse a feature column whose header names or holds personal data, or whose values (as read, before
    they become numbers) hold personal data: a header reaches the drivers and the saved model. The column is
    named by its position, never by its header or a value."""
    columns = [c for c in table.columns if c != "area_code"]
    position = {c: i + 1 for i, c in enumerate(table.columns)}
    headers = pd.Series([str(c) for c in columns], dtype=object)
    header_kinds = scan_values(headers)
    for i, col in enumerate(columns):
        kind = header_kind(str(col)) or header_kinds.iloc[i]
        if kind:
            raise RiskInputError(f"features file {path}: the header of column {position[col]} names or holds personal "
                                 f"data ({kind}); remove or rename that column and run again")
    if not columns:
        return
    distinct = [table[c].str.strip().unique() for c in columns]       # each column's distinct values as read
    owner = np.repeat(np.arange(len(columns)), [len(d) for d in distinct])
    kinds = scan_values(pd.Series(np.concatenate(distinct), dtype=object)).to_numpy()
    hit = np.flatnonzero(pd.notna(kinds))
    if len(hit):
        col = columns[owner[hit[0]]]
        raise RiskInputError(f"features file {path}: column {position[col]} holds personal data ({kinds[hit[0]]}); "
                             "remove that column and run again")


def read_features(path: Path) -> pd.DataFrame:
    """``area_code`` plus numeric columns (empty cells NaN), one row per area.

    Refused: more than ``MAX_FEATURES`` feature columns, a column whose header or values hold personal
    data, and values that are not finite or beyond ``MAX_FEATURE_VALUE`` in absolute terms.
    """
    table = read_table(path, "features")
    if "area_code" not in table.columns:
        raise RiskInputError(f"features file {path} lacks the column area_code; it needs area_code plus numeric columns")
    if len(table.columns) - 1 > MAX_FEATURES:
        raise RiskInputError(f"features file {path} has {len(table.columns) - 1:,} feature columns, more than the "
                             f"{MAX_FEATURES} the areas can support; keep the {MAX_FEATURES} or fewer that matter most")
    table["area_code"] = table["area_code"].str.strip()
    dup = table["area_code"].duplicated(keep=False)
    if dup.any():
        raise RiskInputError(f"features file {path}: {_rows(dup)} repeat an area_code; keep one row per area")
    _refuse_personal_ids(table, path, "features")
    _refuse_personal_features(table, path)
    position = {c: i + 1 for i, c in enumerate(table.columns)}
    columns, text_columns = {"area_code": table["area_code"]}, []
    for col in table.columns.drop("area_code"):
        values = _numbers(table[col], table.attrs["sep"])
        bad = values.isna() & (table[col].str.strip() != "")
        if bad.any() and values.isna().all():
            text_columns.append(col)                      # a name or code column, not a feature
            continue
        if bad.any():
            raise RiskInputError(f"features file {path}: column {col} has text that is not a number on {_rows(bad)}; "
                                 "leave unknown values empty or remove the column")
        wild = values.notna() & ~(values.abs() <= MAX_FEATURE_VALUE)          # inf, -inf and absurd magnitudes
        if wild.any():
            raise RiskInputError(f"features file {path}: column {position[col]} has a value that is infinite or "
                                 f"beyond {MAX_FEATURE_VALUE:.0e} in size on {_rows(wild)}; fix those values or "
                                 "leave them empty")
        columns[col] = values
    out = pd.DataFrame(columns)                          # built at once: inserting column by column fragments it
    out.attrs["text_columns"] = text_columns
    return out


def parse_target(target_period, kind: str, path: Path) -> int:
    text = str(target_period).strip()
    if kind == "integer" and re.fullmatch(PERIOD_PATTERNS["integer"], text):
        return int(text)
    if kind in ("week", "month") and period_kind(pd.Series([text])) == kind:
        try:
            return int(to_index(pd.Series([text]), kind)[0])
        except ValueError:
            pass
    example = {"integer": "2025", "week": "2025-W05", "month": "2025-03"}[kind]
    raise RiskInputError(f"target period {text!r} does not match the {kind} periods of {path}; give it like {example}")


def period_word(kind: str, periods: np.ndarray) -> str:
    if kind in ("week", "month"):
        return {"week": "week", "month": "maand"}[kind]
    return "jaar" if periods.min() >= 1900 and periods.max() <= 2200 else "periode"


# --- saving and loading ---------------------------------------------------------------------------

def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def sidecar(model: EscalationRisk, kind: str, vintage: dict) -> dict:
    import sklearn

    return {
        "model_version": MODEL_VERSION, "sklearn": sklearn.__version__, "period_kind": kind,
        "feature_set": model.input_features_, "feature_signature": model.signature_,
        "features_used": model.columns_, "dropped_features": model.dropped_,
        "training_periods": from_index(model.training_periods_, kind), "data_vintage": vintage,
        "settings": {k: getattr(model, k) for k in ("ratio", "min_excess", "window", "max_train_periods")},
        "neighbours": model.uses_neighbours_, "chosen": model.chosen_, "calibration": model.calibration_,
        "validation": validation_text(model, kind), "fold_average_precision": model.scores_.round(4).to_dict(orient="list"),
        "importance": model.importance_.round(5).to_dict(orient="records"),
    }


def validation_text(model: EscalationRisk, kind: str) -> str:
    if not model.validation_periods_:
        return model.validation_
    return f"{model.validation_}: {', '.join(from_index(model.validation_periods_, kind))} each predicted from the periods before"


def save_model(model: EscalationRisk, path: Path, kind: str, vintage: dict) -> None:
    """joblib file plus ``<path>.json``; both written whole or not at all."""
    import joblib

    path = Path(path)
    meta = sidecar(model, kind, vintage)
    side = path.with_name(path.name + ".json")
    # the model replaced first, then its sidecar (the blocks end in reverse): one stopped between reads as a mismatch
    with replacing(side) as side_tmp, replacing(path) as tmp:
        joblib.dump({"model": model, "kind": kind, "meta": meta}, tmp)
        side_tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def load_model(path: Path) -> tuple[EscalationRisk, dict]:
    """The saved model and its sidecar; refused when the code version or sidecar does not match."""
    import joblib

    path, side = Path(path), Path(path).with_name(Path(path).name + ".json")
    if not path.is_file() or not side.is_file():
        raise RiskInputError(f"saved model {path} or its sidecar {side.name} is missing; train one with --model-out")
    saved = joblib.load(path)
    meta = json.loads(side.read_text(encoding="utf-8"))
    if meta.get("model_version") != MODEL_VERSION or meta.get("feature_signature") != saved["model"].signature_:
        raise RiskInputError(f"saved model {path} was made by risk model {meta.get('model_version')} (this is "
                             f"{MODEL_VERSION}) or does not match its sidecar; train a new model")
    return saved["model"], meta


# --- the command ----------------------------------------------------------------------------------

def write_output(result: pd.DataFrame, output: Path) -> None:
    """The risk of every area as CSV (``csv_out``: neutralised, quoted where needed, all or nothing); the
    probabilities unrounded (rounding would tie ranks)."""
    csv_out.write_csv(result[OUTPUT_COLUMNS], Path(output), sep=",", bom=False)


def risk_file(counts: Path, features: Path | None, target_period, output: Path, ratio: float = 1.5,
              min_excess: float = 10, model_out: Path | None = None, model_in: Path | None = None,
              noun: str = "meldingen", neighbours: Path | None = None) -> RiskSummary:
    """Train (or load with ``model_in``) the escalation model and write the risk of every area.

    A loaded model keeps the escalation definition it was trained with (``ratio``/``min_excess`` are
    then not used) and refuses features that differ from its feature set. ``noun`` names the counts
    in the drivers ("misdrijven"); ``neighbours`` is an optional CSV ``area_code, neighbour``.
    """
    if ratio <= 1 or min_excess < 0:
        raise RiskInputError(f"--ratio must be above 1 and --min-excess at least 0 (got {ratio} and {min_excess})")
    if not Path(output).parent.is_dir():
        raise RiskInputError(f"the folder of the output {output} does not exist; create it or give another path")
    panel, kind = read_counts(counts)
    target = parse_target(target_period, kind, counts)
    history = panel[panel["period"] < target]
    if history.empty:
        raise RiskInputError(f"counts file {counts} has no period before the target {target_period}; "
                             "give the history the prediction is made from")
    frame = read_features(features) if features is not None else None
    adjacency = read_table(neighbours, "neighbours") if neighbours is not None else None
    if adjacency is not None and not {"area_code", "neighbour"} <= set(adjacency.columns):
        raise RiskInputError(f"neighbours file {neighbours} needs the columns area_code and neighbour")
    text_columns = frame.attrs.get("text_columns", []) if frame is not None else []
    try:
        if model_in is not None:
            model, meta = load_model(model_in)
            if meta["period_kind"] != kind:
                raise RiskInputError(f"saved model {model_in} was trained on {meta['period_kind']} periods, "
                                     f"{counts} has {kind} periods; train a new model")
        else:
            model = EscalationRisk(ratio=ratio, min_excess=min_excess, noun=noun,
                                   period_word=period_word(kind, panel["period"].to_numpy()))
            model.fit(history, frame, target, adjacency)
        result = model.predict(history, frame, target, adjacency, areas=panel["area_code"].unique())
    except RiskModelError as exc:
        raise RiskInputError(f"{counts}: {exc}") from exc
    write_output(result, output)
    if model_out is not None:
        vintage = {"counts_sha256": file_hash(counts), "last_period": from_index([int(history["period"].max())], kind)[0],
                   "features_sha256": file_hash(features) if features is not None else None}
        save_model(model, model_out, kind, vintage)
    return RiskSummary(
        output=Path(output), areas=len(result), target_period=str(target_period),
        training_periods=from_index(model.training_periods_, kind), model=model.chosen_,
        calibration=model.calibration_, validation=validation_text(model, kind),
        dropped_features={**{c: "text, not a number" for c in text_columns}, **model.dropped_},
        without_history=int((~result["history"]).sum()),
        top_areas=list(result["area_code"].head(3)),
        last_counted=(from_index([last], kind)[0] if (last := int(history["period"].max())) < target - 1 else ""))


# --- the weekly flow's risk step: per buurt and domain, from the warehouse ---------------------------------

@dataclass(frozen=True)
class RiskSettings:
    """The risk step's settings (defaults here; ``lijst_instellingen.csv`` overrides them per municipality).

    A domain's counts are summed per buurt over periods of ``risk_months`` months ending with the last
    complete month; a period escalates when its count is at least ``risk_ratio`` x the mean of the
    ``risk_window`` periods before and ``risk_min_excess`` above it. A buurt is *preventief in beeld*
    when its calibrated chance is at least ``risk_min_probability``, it is in the top ``risk_top_share``
    of its municipality in that domain and the list holds no flag of it in that domain; at most
    ``risk_per_team`` buurten per team.
    """

    risk_months: int = 3
    risk_ratio: float = 1.5
    risk_min_excess: float = 8.0
    risk_window: int = 3
    risk_max_train_periods: int = 24
    risk_min_probability: float = 0.15
    risk_top_share: float = 0.15
    risk_per_team: int = 3

    def as_dict(self) -> dict:
        from dataclasses import asdict
        return asdict(self)


@dataclass(frozen=True)
class RiskResult:
    run_id: str
    reused: bool
    rows: int = 0
    models: dict = field(default_factory=dict)
    seconds: float = 0.0

    def describe(self) -> str:
        if self.reused:
            return f"risk of run {self.run_id} already scored; unchanged"
        parts = [(f"{d}: {m['model']} (AP {m['average_precision']:.2f} vs base rate {m['base_rate']:.2f})"
                  if "model" in m else f"{d}: skipped ({m['skipped']})")
                 + "".join(f", without {source} ({why})" for source, why in m.get("left_out", {}).items())
                 for d, m in sorted(self.models.items())]
        return f"risk of run {self.run_id}: {self.rows} buurt x domain rows in {self.seconds:.1f} s; " + "; ".join(parts)


#: Columns of the bundled CBS KWB 2024 (``data/national``) as the indicator names of ``core.area_stats``: the
#: figures on population, households, housing and income (distances to amenities are left out).
BUNDLED_INDICATORS = {
    "kwb2024_inwoners": "AantalInwoners", "kwb2024_inwoners65plus": "k_65JaarOfOuder",
    "kwb2024_inwoners0tot15": "k_0Tot15Jaar", "kwb2024_dichtheid": "Bevolkingsdichtheid",
    "kwb2024_huishoudensgrootte": "GemiddeldeHuishoudensgrootte", "kwb2024_huishoudens": "HuishoudensTotaal",
    "kwb2024_wozWaarde": "GemiddeldeWOZWaardeVanWoningen", "kwb2024_koopwoningen": "Koopwoningen",
    "kwb2024_eengezinswoning": "PercentageEengezinswoning", "kwb2024_inkomenPerInwoner": "GemiddeldInkomenPerInwoner",
    "kwb2024_stedelijkheid": "MateVanStedelijkheid", "kwb2024_adressendichtheid": "Omgevingsadressendichtheid",
}


#: The bundled KWB's counts and shares that can truly be 0, each with the columns that show CBS published that group of
#: figures for a buurt. The compiler of the bundled file kept only values > 0 (``SOURCE.md``), so an empty cell there
#: is a 0 where its group is published (inhabitants for counts of people and households, any dwelling figure for the
#: dwelling shares) and a suppressed figure where it is not. The CBS OData path cannot tell us this: 85984NED's
#: topics are all Default "Impossible" and its service writes a real zero as 0. Averages, densities and classes
#: (WOZ, income, household size, urbanity) are never 0 for a buurt with people: an empty one stays without a figure
#: (income is empty for most buurten, as it was not in CBS's first 2024 release).
BUNDLED_ZEROS = {
    "kwb2024_inwoners65plus": ("kwb2024_inwoners",), "kwb2024_inwoners0tot15": ("kwb2024_inwoners",),
    "kwb2024_huishoudens": ("kwb2024_inwoners",),
    "kwb2024_koopwoningen": ("kwb2024_wozWaarde", "kwb2024_koopwoningen", "kwb2024_eengezinswoning"),
    "kwb2024_eengezinswoning": ("kwb2024_wozWaarde", "kwb2024_koopwoningen", "kwb2024_eengezinswoning"),
}


def bundled_values(table: pd.DataFrame, zeros: bool = True) -> pd.DataFrame:
    """The ``kwb2024_*`` columns of the bundled national file (read as text) as numbers: an empty count or share is 0
    where its group is published for the buurt (:data:`BUNDLED_ZEROS`); any other empty cell, and a CBS code for no
    figure (-99997 "geheim"), is NaN. Other columns are returned unchanged. ``zeros=False`` reads every empty cell
    as NaN (only for the demo's simulated world, which was drawn from that reading)."""
    from pipelines.sources.cbs_kwb import SPECIAL_VALUES

    out = table.copy()
    for col in [c for c in table.columns if c.startswith("kwb2024_")]:
        text = table[col].fillna("").astype(str).str.strip()
        value = pd.to_numeric(text.replace("", np.nan), errors="coerce")
        group = [c for c in BUNDLED_ZEROS.get(col, ()) if c in table.columns] if zeros else []
        if group:
            published = np.logical_or.reduce([table[c].fillna("").astype(str).str.strip().ne("") for c in group])
            value = value.mask(text.eq("") & published, 0.0)
        out[col] = value.where(~value.isin(list(SPECIAL_VALUES)))
    return out


def bundled_figures(buurten: list[str], zeros: bool = True) -> pd.DataFrame:
    """CBS KWB 2024 of ``buurten`` from the national file bundled with wijkradar (``area_code, indicator, value``),
    read by :func:`bundled_values` (``zeros`` passed on); a cell without a figure (suppressed, not published, or a
    CBS code for none such as -99997 "geheim") is left out."""
    from pipelines.profile import REGIONS

    table = pd.read_csv(REGIONS, dtype=str, keep_default_na=False, usecols=["code", *BUNDLED_INDICATORS])
    table = bundled_values(table[table["code"].isin(set(buurten))], zeros=zeros)
    long = table.melt(id_vars="code", var_name="column", value_name="value")
    return pd.DataFrame({"area_code": long["code"], "indicator": long["column"].map(BUNDLED_INDICATORS),
                         "value": long["value"].astype("float64")}).dropna()


def structure_features(stats: pd.DataFrame, buurten: list[str]) -> tuple[pd.DataFrame, str]:
    """Wide buurt figures (``area_code`` + one column per indicator) and where they came from.

    ``stats``: ``core.area_stats``, latest year per indicator up to the run's (``catalog.latest_area_stats``). Figures it
    lacks for a buurt come from the CBS KWB 2024 bundled with wijkradar, so a profile has buurt figures
    before its first ``yearly-cbs`` load (the demo has none).
    """
    own = stats[stats["area_code"].isin(set(buurten))][["area_code", "indicator", "value"]]
    bundled = bundled_figures(buurten)
    have = set(zip(own["area_code"], own["indicator"]))
    extra = bundled[[k not in have for k in zip(bundled["area_code"], bundled["indicator"])]]
    if own.empty:
        source = "CBS Kerncijfers wijken en buurten 2024 (meegeleverd)"
    else:
        years = sorted(stats["year"].astype(int).unique())
        source = f"core.area_stats ({years[0]}-{years[-1]})" + (", aangevuld met CBS KWB 2024 (meegeleverd)"
                                                                  if len(extra) else "")
    both = pd.concat([own, extra], ignore_index=True)
    wide = both.pivot(index="area_code", columns="indicator", values="value").reindex(sorted(buurten))
    wide.columns.name = None
    return wide.reset_index().rename(columns={"index": "area_code"}), source


def _month(ts: pd.Series) -> np.ndarray:
    ts = pd.to_datetime(ts)
    return (ts.dt.year * 12 + ts.dt.month - 1).to_numpy()


def source_months(sums: pd.DataFrame, period: str, first_start, last_start) -> tuple[pd.DataFrame, int, int]:
    """One source's counts per buurt and month (``catalog.domain_month_counts``) and its first and last
    complete month (months as year*12+m-1), from the first and last period start it holds.

    A week belongs to the month of its Thursday (as ISO weeks belong to years); a month of a weekly
    source is complete when the week of its last Thursday is in.
    """
    if period == "week":
        first_thu = pd.Timestamp(first_start) + pd.Timedelta(days=3)
        last_thu = pd.Timestamp(last_start) + pd.Timedelta(days=3)
        first = int(_month(pd.Series([first_thu]))[0]) + (first_thu.day > 7)
        last = int(_month(pd.Series([last_thu + pd.Timedelta(days=7)]))[0]) - 1
    else:
        first, last = int(_month(pd.Series([first_start]))[0]), int(_month(pd.Series([last_start]))[0])
    return sums.groupby(["area_code", "month"], as_index=False)["count"].sum(), first, last


def delivered_from(sums: pd.DataFrame, source: str, period: str, first: int, last: int,
                   gone_weeks: set[int] | None = None) -> int:
    """The first complete month of a source's history (``source_months``) after its last run of months it never
    delivered, by the scoring's rule (``delivered.undelivered``): a few reports dated 2012 before counts from 2022 on
    do not make the years between zeros, from which every buurt would 'escalate' when its counts began. A weekly
    source's first month after such a run may hold only its last weeks, as its very first month may: left out.
    ``gone_weeks``: the months (year*12+m-1) holding a week a weekly source never delivered (:func:`undelivered_weeks`),
    which would read as zeros in the month's sum: the history starts after the last of them up to ``last``."""
    from pipelines.delivered import undelivered

    months = sums.assign(source=source, period_index=sums["month"])
    gone = undelivered(months, "month", {("month", source): (first, last)}).get(source)
    start = first if gone is None else int(gone.max()) + 1 + (period == "week")
    weeks = [m for m in (gone_weeks or ()) if m <= last]
    return max(start, max(weeks) + 1) if weeks else start


def undelivered_weeks(totals: pd.DataFrame, source: str) -> set[int]:
    """The months (year*12+m-1, a week in the month of its Thursday) holding a week a weekly source never delivered
    in a municipality, by the scoring's rule (``delivered.undelivered`` on ``totals``: ``catalog.source_totals``):
    four weeks of October missing made October a quarter of its usual count, and the risk 'de laatste drie maanden
    minder meldingen dan verwacht' and twice as high, where the scoring left those weeks out."""
    from pipelines.delivered import grids, undelivered

    weeks = totals[totals["period"] == "week"]
    out: set[int] = set()
    for _, sub in weeks.groupby("gemeente_code"):
        sub = sub.assign(source=source, count=sub["total"], period_index=period_index(sub["period_start"], "week"))
        for idx in undelivered(sub, "week", grids(sub)).values():
            thursdays = pd.Series(index_to_start(idx, "week")) + pd.Timedelta(days=3)
            out.update(int(m) for m in _month(thursdays))
    return out


@dataclass(frozen=True)
class DomainPanel:
    """A domain's panel (:func:`domain_panel`): ``area_code, period, count`` (None without a complete period), the
    first month of period 0, the number of periods, and the sources left out with why (English, one phrase each)."""
    panel: pd.DataFrame | None
    start: int
    periods: int
    left_out: dict = field(default_factory=dict)


def _month_text(month: int) -> str:
    return month_start(month).strftime("%Y-%m")


def domain_panel(monthly: pd.DataFrame, ranges: pd.DataFrame, buurten: list[str], months: int,
                 need: int = 1, shown_from: int | None = None,
                 gone_weeks: dict[str, set[int]] | None = None) -> DomainPanel:
    """A domain's counts per buurt and period of ``months`` months, zero-filled, summed over the sources that have
    the history the model needs, and ending with the last month each of those sources has complete.

    A source joins only as far as it leaves ``need`` complete periods: the panel starts where the youngest source it
    sums began (a month before a source began is unknown, not 0), so a source with too little history is left out
    (until it has it) instead of cutting the domain's history short; sources join oldest first. A source whose counts
    end a whole period or more before the domain's newest is left out as well: its later months are unknown, and
    waiting for it would predict a period long past. So is one whose counts end before ``shown_from`` (a month as
    year*12+m-1: the earliest month the run's lists show, :func:`pipelines.flag.current_from`), whatever the domain's
    other sources: a domain whose only source stopped in July predicted August to October on the lists of late
    November, its buurten "geen signaal in dit domein" where the lists could not judge the domain. Both are named in
    ``left_out``. Sources are taken in a fixed order (first month, name), so the same counts give the same panel.

    ``monthly``: the domain's rows of ``catalog.domain_month_counts``; ``ranges``: its rows of
    ``catalog.domain_count_ranges``; ``gone_weeks``: per weekly source :func:`undelivered_weeks`.
    """
    spans, left_out = [], {}
    for r in ranges.sort_values(["source", "period"], kind="stable").itertuples(index=False):
        own = monthly[(monthly["source"] == r.source) & (monthly["period"] == r.period)]
        sums, first, last = source_months(own, r.period, r.first, r.last)
        first = delivered_from(sums, r.source, r.period, first, last, (gone_weeks or {}).get(r.source))
        if last >= first:
            spans.append((first, r.source, last, sums))
        else:
            left_out[r.source] = "it has no complete month yet"
    if not spans:
        return DomainPanel(None, 0, 0, left_out)
    newest = max(last for _, _, last, _ in spans)
    current = []
    for first, source, last, sums in spans:
        if shown_from is not None and last < shown_from:
            left_out[source] = (f"its counts end with {_month_text(last)}, before {_month_text(shown_from)}, the "
                                "earliest month the run's lists show, so its later months are unknown: deliver them "
                                "to use it again")
        elif last <= newest - months:
            left_out[source] = (f"its counts end with {_month_text(last)}, {newest - last} month(s) before the "
                                f"domain's newest ({_month_text(newest)}), so its later months are unknown: deliver "
                                "them to use it again")
        else:
            current.append((first, source, last, sums))
    chosen = []
    for first, source, last, sums in sorted(current, key=lambda s: (s[0], s[1])):
        lo, hi = max([first] + [f for f, *_ in chosen]), min([last] + [end for _, _, end, _ in chosen])
        if chosen and (hi - lo + 1) // months < need:
            left_out[source] = (f"it has {last - first + 1} complete month(s), {_month_text(first)} to "
                                f"{_month_text(last)}, and the model needs {need * months} months ({need} periods "
                                f"of {months} months) of each source it sums: it joins once it has them")
            continue
        chosen.append((first, source, last, sums))
    if not chosen:
        return DomainPanel(None, 0, 0, left_out)
    lo, hi = max(f for f, *_ in chosen), min(end for _, _, end, _ in chosen)
    n = (hi - lo + 1) // months
    if n < 1:
        return DomainPanel(None, 0, 0, left_out)
    start = hi - n * months + 1
    sums = pd.concat([s for *_, s in chosen], ignore_index=True)
    sums = sums[(sums["month"] >= start) & (sums["month"] <= hi) & sums["area_code"].isin(set(buurten))]
    sums = sums.assign(period=(sums["month"] - start) // months).groupby(["area_code", "period"])["count"].sum()
    full = pd.MultiIndex.from_product([sorted(buurten), range(n)], names=["area_code", "period"])
    panel = sums.reindex(full, fill_value=0).reset_index()
    panel["count"] = panel["count"].astype("int64")
    return DomainPanel(panel, start, n, left_out)


def known_by(ranges: pd.DataFrame, run_period: str) -> pd.DataFrame:
    """``ranges`` (``catalog.domain_count_ranges``) as they stood when ``run_period`` ended: each source's last
    period is the last one that had ended by then, and a source with none is left out.

    A re-run of an earlier week thus predicts from what was known that week, not from later deliveries.
    """
    from models.calendar import parse_period_label

    kind, start = parse_period_label(run_period)
    end = start + pd.Timedelta(days=6) if kind == "week" else start + pd.offsets.MonthEnd(0)
    last_week = end - pd.Timedelta(days=(end.weekday() + 1) % 7 + 6)     # the Monday of the last week ended by then
    last_month = (end + pd.Timedelta(days=1)).to_period("M").to_timestamp() - pd.offsets.MonthBegin(1)
    limit = np.where(ranges["period"] == "week", last_week, last_month) if len(ranges) else []
    out = ranges.assign(last=np.minimum(pd.to_datetime(ranges["last"]).to_numpy(),
                                        np.asarray(limit, dtype="datetime64[ns]")))
    return out[pd.to_datetime(out["first"]) <= out["last"]].reset_index(drop=True)


def _period_year(run_period: str) -> int:
    """The year ``run_period`` (a week or month label) counts in, as every report counts it: a week's ISO year
    (2026-W53, 28 December 2026 to 3 January 2027, reads the buurt figures of 2026 and before), a month's year."""
    from models.calendar import parse_period_label
    from pipelines.reports.trends import report_year

    kind, start = parse_period_label(run_period)
    return report_year(start, kind)


def month_start(month: int) -> pd.Timestamp:
    return pd.Timestamp(year=month // 12, month=month % 12 + 1, day=1)


def _span_text(first_month: int, last_month: int) -> str:
    from pipelines.wording import MONTHS

    a, b = month_start(first_month), month_start(last_month)
    return f"{MONTHS['nl'][a.month - 1]} {a.year} t/m {MONTHS['nl'][b.month - 1]} {b.year}"


#: From this many buurten on, gradient boosting is a candidate beside the logistic regression.
MIN_AREAS_FOR_BOOSTING = 200


def score_domain(monthly: pd.DataFrame, ranges: pd.DataFrame, buurten: pd.DataFrame, structure: pd.DataFrame,
                 neighbours: pd.DataFrame, settings: RiskSettings, noun: str,
                 shown_from: int | None = None,
                 gone_weeks: dict[str, set[int]] | None = None) -> tuple[pd.DataFrame | None, dict]:
    """Train on the domain's own history, forward in time, and predict the next period for every buurt
    (``shown_from``, ``gone_weeks``: :func:`domain_panel`).

    Returns the rows of ``marts.area_risk`` (without ``run_id``, ``domain``) and what the model was, or
    None and why it was skipped.
    """
    codes = buurten["area_code"].tolist()
    need = settings.risk_window + 2
    built = domain_panel(monthly, ranges, codes, settings.risk_months, need, shown_from, gone_weeks)
    left_out = {"left_out": built.left_out} if built.left_out else {}
    if built.periods < need:
        return None, {"skipped": f"{built.periods} complete period(s) of {settings.risk_months} months; the model "
                                 f"needs {need}", **left_out}
    panel, start, n = built.panel, built.start, built.periods
    # boosting needs many areas to learn from (leaves of 40 rows); a municipality of tens of buurten would overfit it
    candidates = ("logistisch", "boosting") if len(codes) >= MIN_AREAS_FOR_BOOSTING else ("logistisch",)
    model = EscalationRisk(ratio=settings.risk_ratio, min_excess=settings.risk_min_excess, window=settings.risk_window,
                           max_train_periods=settings.risk_max_train_periods, noun=noun, period_word="kwartaal",
                           candidates=candidates)
    try:
        model.fit(panel, structure, target_period=n, neighbours=neighbours)
        out = model.predict(panel, structure, n, neighbours, areas=codes)
    except RiskModelError as exc:
        return None, {"skipped": str(exc), **left_out}
    out = out[out["area_code"].isin(set(codes))].merge(buurten[["area_code", "gemeente_code"]], on="area_code")
    out = out.sort_values(["gemeente_code", "probability", "rank"], ascending=[True, False, True], kind="stable")
    out["rank"] = out.groupby("gemeente_code").cumcount() + 1
    months = settings.risk_months
    first = start + min(model.training_periods_) * months
    last = start + (max(model.training_periods_) + 1) * months - 1
    chosen = f"{model.chosen_}, {model.calibration_} gekalibreerd"
    rows = out.assign(period_from=month_start(start + n * months),
                      period_to=month_start(start + (n + 1) * months) - pd.Timedelta(days=1),
                      horizon_months=months, model=chosen, trained_on=_span_text(first, last),
                      base_rate=model.prevalence_)
    info = {"model": chosen, "validation": model.validation_, "trained_on": _span_text(first, last),
            "average_precision": float(model.scores_[model.chosen_].mean()), "base_rate": model.prevalence_,
            "features_used": model.columns_, "dropped_features": model.dropped_, **left_out}
    return rows, info


def risk_step(con, ref, run) -> RiskResult:
    """The weekly flow's risk step: every buurt x domain's chance of an escalation in the coming months.

    Reads the signal counts and buurt figures, trains one model per domain on the warehouse's own history
    (forward in time) up to the run's period (:func:`known_by`: a re-run of an earlier week predicts from
    the periods that had ended by then, not from later deliveries), and writes ``marts.area_risk`` and ``meta.risk_runs`` in one transaction. A run that
    has its risk is left as it is, so re-running the flow changes nothing.
    """
    import time

    from pipelines import catalog
    from pipelines.flag import current_from
    from pipelines.warehouse import transaction

    if catalog.risk_exists(con, run.run_id):
        return RiskResult(run.run_id, reused=True)
    clock = time.monotonic()
    settings = ref.risk_settings
    buurten = ref.buurten[["area_code", "gemeente_code"]]
    codes = buurten["area_code"].tolist()
    # buurt figures of the run's year or before: a re-run of an earlier week does not learn from later years
    structure, features = structure_features(catalog.latest_area_stats(con, _period_year(run.run_period)), codes)
    monthly = catalog.domain_month_counts(con)                        # summed in the warehouse
    ranges = known_by(catalog.domain_count_ranges(con), run.run_period)   # only what the run's period knew
    shown_from = int(_month(pd.Series([current_from(run.run_period)["month"]]))[0])   # the lists' earliest month
    gone_weeks = {source: undelivered_weeks(catalog.source_totals(con, source), source)      # weeks never delivered
                  for source in sorted(set(ranges.loc[ranges["period"] == "week", "source"]))}
    catalogue = ref.catalogue
    rows, models = [], {}
    for domain, signals in catalogue.groupby("domain", sort=True):
        part = monthly[monthly["domain"] == domain]
        if part.empty:
            continue
        units = signals["unit_nl"].unique() if "unit_nl" in signals else []
        noun = units[0] if len(units) == 1 else "signalen"
        got, info = score_domain(part, ranges[ranges["domain"] == domain], buurten, structure, ref.neighbours,
                                 settings, noun, shown_from, gone_weeks)
        models[domain] = info
        for source, why in info.get("left_out", {}).items():
            log.warning("risk of %s: source %s left out of the model: %s", domain, source, why)
        if got is not None:
            rows.append(got.assign(run_id=run.run_id, domain=domain))
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=catalog.risk.RISK_COLUMNS)
    # the team of the run's lists: a buurt on a list of the run keeps that team, whatever the profile says now
    listed = {area: min(teams) for area, teams in catalog.run_area_teams(con, run.run_id).items()}
    teams = ref.teams.to_dict()
    table["wijkteam"] = [listed.get(a, teams.get(a)) for a in table["area_code"]]
    with transaction(con):
        catalog.write_risk(con, run.run_id, table, settings.as_dict(), features, models)
    return RiskResult(run.run_id, reused=False, rows=len(table), models=models, seconds=time.monotonic() - clock)
