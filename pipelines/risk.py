"""``wijkradar risk``: escalation risk per area for the next period, from any count panel, CSV in, CSV out.

Inputs: ``counts.csv`` (``area_code, period, count``; periods as integers such as years, ISO weeks
``2024-W05`` or months ``2024-03``, consecutive per area) and ``features.csv`` (``area_code`` plus
numeric columns, empty cells allowed); ``,`` or ``;`` separated (``;`` files may use decimal commas).
The model (``models/risk.py``) trains on every target period before ``--target-period`` and predicts
that period from the data before it. Output: ``area_code, probability, rank, drivers`` for every area.
Bad input ends with one sentence and nothing is written; the optional saved model is a joblib file
with a JSON sidecar (version, feature set, training periods, data vintage).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.calendar import parse_period_label, period_index, period_label, index_to_start
from models.risk import MODEL_VERSION, EscalationRisk, RiskModelError
from pipelines.safe_output import neutralise_frame


class RiskInputError(ValueError):
    """The risk input cannot be used; nothing was written. The message is one sentence."""


OUTPUT_COLUMNS = ["area_code", "probability", "rank", "drivers"]
#: Period labels: whole numbers (years, indices), ISO weeks and months.
PERIOD_PATTERNS = {"integer": r"[+-]?\d+", "week": r"\d{4}-[Ww]\d{2}", "month": r"\d{4}-\d{2}"}


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

    def describe(self) -> str:
        dropped = "".join(f"; feature {c} not used: {why}" for c, why in self.dropped_features.items())
        if self.without_history:
            dropped += f"; {self.without_history} area(s) have no counts before {self.target_period} and are not scored"
        return (f"{self.areas} areas scored for {self.target_period} in {self.output} (model {self.model}, "
                f"calibration {self.calibration}, trained on target periods {self.training_periods[0]}.."
                f"{self.training_periods[-1]}, validated {self.validation}){dropped}; highest: "
                f"{', '.join(self.top_areas)}")


# --- reading ------------------------------------------------------------------------------------

def read_table(path: Path, what: str) -> pd.DataFrame:
    """A ``,`` or ``;`` separated CSV as text cells; ``;`` files may use decimal commas."""
    path = Path(path)
    if not path.is_file():
        raise RiskInputError(f"{what} file {path} does not exist; give the path of a CSV file")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            header = fh.readline()
        sep = ";" if header.count(";") > header.count(",") else ","
        table = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
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
    panel = pd.DataFrame({"area_code": table["area_code"], "period": period, "count": count.astype("int64")})
    dup = panel.duplicated(["area_code", "period"], keep=False)
    if dup.any():
        raise RiskInputError(f"counts file {path}: {_rows(dup)} repeat an area and period; keep one row per area and period")
    g = panel.groupby("area_code")["period"]
    gaps = (g.transform("max") - g.transform("min") + 1) != g.transform("size")
    if gaps.any():
        raise RiskInputError(f"counts file {path}: the periods of the area on {_rows(gaps)} are not consecutive; "
                             "fill missing periods with count 0")
    return panel, kind


def read_features(path: Path) -> pd.DataFrame:
    """``area_code`` plus numeric columns (empty cells NaN), one row per area."""
    table = read_table(path, "features")
    if "area_code" not in table.columns:
        raise RiskInputError(f"features file {path} lacks the column area_code; it needs area_code plus numeric columns")
    table["area_code"] = table["area_code"].str.strip()
    dup = table["area_code"].duplicated(keep=False)
    if dup.any():
        raise RiskInputError(f"features file {path}: {_rows(dup)} repeat an area_code; keep one row per area")
    out = pd.DataFrame({"area_code": table["area_code"]})
    out.attrs["text_columns"] = []
    for col in table.columns.drop("area_code"):
        values = _numbers(table[col], table.attrs["sep"])
        bad = values.isna() & (table[col].str.strip() != "")
        if bad.any() and values.isna().all():
            out.attrs["text_columns"].append(col)         # a name or code column, not a feature
            continue
        if bad.any():
            raise RiskInputError(f"features file {path}: column {col} has text that is not a number on {_rows(bad)}; "
                                 "leave unknown values empty or remove the column")
        out[col] = values
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
    tmp = path.with_name(path.name + ".part")
    joblib.dump({"model": model, "kind": kind, "meta": meta}, tmp)
    side = path.with_name(path.name + ".json")
    side_tmp = side.with_name(side.name + ".part")
    side_tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    os.replace(side_tmp, side)


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
    output = Path(output)
    tmp = output.with_name(output.name + ".part")
    out = neutralise_frame(result[OUTPUT_COLUMNS])       # probabilities unrounded: rounding would tie ranks
    out.to_csv(tmp, index=False)
    os.replace(tmp, output)            # all or nothing: a crash never leaves half a file


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
        result = model.predict(history, frame, target, adjacency)
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
        without_history=panel["area_code"].nunique() - len(result),
        top_areas=list(result["area_code"].head(3)))
