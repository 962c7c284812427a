"""Structural risk: the chance that an area's count escalates in the next period, with reasons in words.

From an area x period count panel plus area features (CBS figures) it learns, strictly forward in
time, which areas are likely to escalate next period; the model (regularised logistic regression or
gradient boosting) and its calibration are chosen on earlier periods than the ones it predicts.
Pure: frames in, frames out; saving the fitted model belongs to ``pipelines/risk.py``.
"""
from __future__ import annotations

import contextlib
import hashlib
import re

import numpy as np
import pandas as pd

#: Bumped whenever features or training change, so a saved model says which code made it.
MODEL_VERSION = "risk-2"
#: Pseudo-count that shrinks the rise of small counts towards zero (3 -> 6 is no "doubling").
SHRINK = 5.0

#: Fewest escalations (and non-escalations) to learn from: validation and calibration split them five ways.
MIN_ESCALATIONS = 5

DYNAMIC = ["level", "base", "rise", "excess", "headroom", "spread", "flag_last", "flags_recent"]
NEIGHBOUR = ["nb_level", "nb_rise", "nb_excess"]


class RiskModelError(ValueError):
    """The panel cannot train or score the risk model; the message says why and what to give."""


class RiskFeatureError(RiskModelError):
    """Scoring features differ from the features the model was trained on."""


# --- the target and the per-period dynamics ------------------------------------------------------

def wide_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """``area_code, period, count`` (period an integer index) as areas x consecutive periods, NaN outside a series."""
    wide = counts.pivot(index="area_code", columns="period", values="count").astype("float64")
    full = range(int(wide.columns.min()), int(wide.columns.max()) + 1)
    return wide.reindex(columns=full).sort_index()


def _previous_mean(wide: pd.DataFrame, window: int) -> pd.DataFrame:
    """Mean of the up to ``window`` periods before each period (NaN when there is none)."""
    values = wide.to_numpy(dtype="float64")
    known = np.isfinite(values)
    total = np.cumsum(np.where(known, values, 0.0), axis=1)
    n = np.cumsum(known, axis=1)
    pad = np.zeros((len(values), window + 1))
    total, n = np.hstack([pad, total]), np.hstack([pad, n])
    cols = np.arange(values.shape[1])             # period j averages periods j-window .. j-1
    lo = np.maximum(cols - window, 0) + window
    s, c = total[:, cols + window] - total[:, lo], n[:, cols + window] - n[:, lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(c > 0, s / c, np.nan)
    return pd.DataFrame(mean, index=wide.index, columns=wide.columns)


def escalations(wide: pd.DataFrame, ratio: float = 1.5, min_excess: float = 10, window: int = 3) -> pd.DataFrame:
    """1 where a count is >= ``ratio`` x and >= ``min_excess`` above the mean of the up to ``window``
    previous periods, 0 where not, NaN where the count or every previous period is missing."""
    base = _previous_mean(wide, window)
    flag = (wide >= ratio * base) & (wide - base >= min_excess)
    return flag.astype("float64").where(wide.notna() & base.notna())


def dynamics(wide: pd.DataFrame, target: int, ratio: float, min_excess: float, window: int,
             neighbours: pd.DataFrame | None = None) -> pd.DataFrame:
    """Features of every area for target period ``target`` from the periods before it only."""
    hist = wide.loc[:, wide.columns < target]
    if hist.shape[1] == 0:
        return pd.DataFrame(np.nan, index=wide.index, columns=DYNAMIC)
    last = hist.iloc[:, -1]
    base = hist.iloc[:, -window:].mean(axis=1)                   # the reference the target is judged against
    before = hist.iloc[:, -window - 1:-1].mean(axis=1) if hist.shape[1] > 1 else last * np.nan
    logs = np.log1p(hist.iloc[:, -window:])
    threshold = np.maximum(ratio * base, base + min_excess)
    flags = escalations(hist, ratio, min_excess, window).iloc[:, -window:]
    out = pd.DataFrame({
        "level": np.log1p(last),
        "base": np.log1p(base),
        "rise": np.log((last + SHRINK) / (before + SHRINK)),
        "excess": (last - before) / np.sqrt(before + 1.0),
        "headroom": np.log((threshold + 1.0) / (last + 1.0)),
        "spread": (logs.max(axis=1) - logs.min(axis=1)).where(logs.notna().sum(axis=1) > 1),
        "flag_last": flags.iloc[:, -1],
        "flags_recent": flags.mean(axis=1),
    }, index=wide.index)
    if neighbours is not None:
        pairs = neighbours[["area_code", "neighbour"]].merge(
            out[["level", "rise", "excess"]], left_on="neighbour", right_index=True)
        nb = pairs.groupby("area_code")[["level", "rise", "excess"]].mean().add_prefix("nb_")
        out = out.join(nb.reindex(out.index))
    return out


# --- area features ------------------------------------------------------------------------------

def feature_signature(columns: list[str]) -> str:
    """Short fingerprint of a feature set (names and order), saved with the model."""
    return hashlib.sha256("\n".join(columns).encode()).hexdigest()[:12]


def numeric_features(features: pd.DataFrame | None) -> pd.DataFrame:
    """Area features indexed by area_code, every column but area_code as float (empty cells NaN)."""
    if features is None:
        return pd.DataFrame(index=pd.Index([], name="area_code"))
    frame = features.set_index("area_code")
    return frame.apply(pd.to_numeric, errors="coerce").astype("float64")


def leaking_columns(structure: pd.DataFrame, wide: pd.DataFrame, share: float = 0.9) -> dict[str, int]:
    """Feature columns that equal the counts of some period for most areas: they would carry the target."""
    found = {}
    common = structure.index.intersection(wide.index)
    for col in structure.columns:
        x = structure.loc[common, col]
        for period in wide.columns:
            y = wide.loc[common, period]
            both = x.notna() & y.notna() & (y > 0)
            if both.sum() >= 20 and (x[both] == y[both]).mean() >= share:
                found[col] = int(period)
                break
    return found


# --- wording ------------------------------------------------------------------------------------

#: (pattern in the column name, what it is, wording when high, wording when low); first match wins.
STRUCTURE_WORDS = [
    # energy use per dwelling type (CBS KWB: Huurwoning_GemiddeldAardgasverbruik): before the dwelling words
    ("aardgas", "gasverbruik", "hoog gasverbruik", "laag gasverbruik"),
    ("elektriciteit", "stroomverbruik", "hoog stroomverbruik", "laag stroomverbruik"),
    ("eenpersoons", "aandeel eenpersoonshuishoudens", "veel eenpersoonshuishoudens", "weinig eenpersoonshuishoudens"),
    ("laaginkomen", "huishoudens met een laag inkomen", "veel huishoudens met een laag inkomen",
     "weinig huishoudens met een laag inkomen"),
    ("sociaalminimum", "huishoudens rond het sociaal minimum", "veel huishoudens rond het sociaal minimum",
     "weinig huishoudens rond het sociaal minimum"),
    ("bijstand", "bijstandsuitkeringen", "veel bijstandsuitkeringen", "weinig bijstandsuitkeringen"),
    ("jeugdzorg", "jeugdzorg", "veel jeugdzorg", "weinig jeugdzorg"),
    ("wmo", "Wmo-cliënten", "veel Wmo-cliënten", "weinig Wmo-cliënten"),
    ("huurwoning", "aandeel huurwoningen", "veel huurwoningen", "weinig huurwoningen"),
    ("corporatie", "aandeel corporatiewoningen", "veel corporatiewoningen", "weinig corporatiewoningen"),
    ("65plus", "aandeel 65-plussers", "veel 65-plussers", "weinig 65-plussers"),
    ("65jaar", "aandeel 65-plussers", "veel 65-plussers", "weinig 65-plussers"),
    ("0tot15", "aandeel kinderen", "veel kinderen", "weinig kinderen"),
    ("adressendichtheid", "adressendichtheid", "hoge adressendichtheid", "lage adressendichtheid"),
    ("dichtheid", "bevolkingsdichtheid", "hoge bevolkingsdichtheid", "lage bevolkingsdichtheid"),
    ("huishoudensgrootte", "huishoudensgrootte", "grote huishoudens", "kleine huishoudens"),
    ("huishoudens", "aantal huishoudens", "veel huishoudens", "weinig huishoudens"),
    ("inwoners", "aantal inwoners", "veel inwoners", "weinig inwoners"),
    ("woz", "WOZ-waarde", "hoge WOZ-waarde", "lage WOZ-waarde"),
    ("koopwoning", "aandeel koopwoningen", "veel koopwoningen", "weinig koopwoningen (veel huur)"),
    ("eengezins", "aandeel eengezinswoningen", "veel eengezinswoningen", "weinig eengezinswoningen"),
    ("inkomen", "inkomen", "hoog inkomen", "laag inkomen"),
    ("stedelijkheid", "stedelijkheid", "weinig stedelijk", "sterk stedelijk"),   # CBS: 1 = zeer sterk stedelijk
    ("oppervlakte", "oppervlakte", "grote oppervlakte", "kleine oppervlakte"),
    ("huisarts", "afstand tot huisarts", "huisarts ver weg", "huisarts dichtbij"),
    ("supermarkt", "afstand tot supermarkt", "supermarkt ver weg", "supermarkt dichtbij"),
    ("afstandschool", "afstand tot school", "school ver weg", "school dichtbij"),
    ("scholen", "scholen in de buurt", "veel scholen in de buurt", "weinig scholen in de buurt"),
    ("gezondheid", "ervaren gezondheid", "goede ervaren gezondheid", "minder goede ervaren gezondheid"),
]
_PERIOD_WORDS = {"jaar": ("vorig jaar", "jaren"), "maand": ("vorige maand", "maanden"),
                 "kwartaal": ("de laatste drie maanden", "kwartalen"),
                 "week": ("vorige week", "weken"), "periode": ("vorige periode", "perioden")}


def feature_words(name: str, noun: str = "meldingen", period_word: str = "periode") -> tuple[str, str, str]:
    """(what it is, wording when high, wording when low) of a feature, in Dutch."""
    prev, plural = _PERIOD_WORDS.get(period_word, _PERIOD_WORDS["periode"])
    dyn = {
        "level": (f"aantal {noun} {prev}", f"veel {noun} {prev}", f"weinig {noun} {prev}"),
        "base": (f"niveau {noun}", f"veel {noun} in de afgelopen {plural}", f"weinig {noun} in de afgelopen {plural}"),
        "rise": ("stijging", f"sterke stijging {prev}", f"daling {prev}"),
        "excess": ("boven verwachting", f"{prev} meer {noun} dan verwacht", f"{prev} minder {noun} dan verwacht"),
        "headroom": ("afstand tot de drempel", "ver onder de escalatiedrempel", "al dicht bij de escalatiedrempel"),
        "spread": ("wisseling", "sterk wisselende aantallen", "stabiele aantallen"),
        "flag_last": ("escalatie", f"escalatie {prev}", f"geen escalatie {prev}"),
        "flags_recent": ("escalaties", f"vaker escalaties in de afgelopen {plural}", f"geen escalaties in de afgelopen {plural}"),
        "nb_level": (f"{noun} in buurgebieden", f"veel {noun} in buurgebieden", f"weinig {noun} in buurgebieden"),
        "nb_rise": ("stijging in buurgebieden", f"stijging in buurgebieden {prev}", f"daling in buurgebieden {prev}"),
        "nb_excess": ("buurgebieden boven verwachting", "buurgebieden boven verwachting", "buurgebieden onder verwachting"),
    }
    if name in dyn:
        return dyn[name]
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    for pattern, what, high, low in STRUCTURE_WORDS:
        if pattern in key:
            return what, high, low
    plain = re.sub(r"^kwb\d{4}_", "", name).replace("_", " ")
    return plain, f"hoge {plain}", f"lage {plain}"


def describe_drivers(contrib: pd.DataFrame, values: pd.DataFrame, medians: pd.Series, top: int = 3,
                     noun: str = "meldingen", period_word: str = "periode") -> pd.Series:
    """Short Dutch text naming the ``top`` features that raise each area's score most.

    A feature the area has no value of is never named: its contribution is that of the missing-value marker,
    which says nothing about the buurt a team could act on (CBS income not yet published is no reason for risk).
    """
    cols = list(contrib.columns)
    words = np.array([feature_words(c, noun, period_word) for c in cols], dtype=object)   # what, high, low
    x = values[cols].to_numpy(dtype="float64")
    side = np.where(x > medians[cols].to_numpy(dtype="float64"), 1, 2)
    c = np.where(np.isnan(x), -np.inf, contrib.to_numpy())
    order = np.argsort(-c, axis=1, kind="stable")[:, :top]
    texts = []
    for i, row in enumerate(order):
        parts = [words[j, side[i, j]] for j in row if c[i, j] > 0]
        texts.append(", ".join(parts) if parts else "geen opvallende factoren")
    return pd.Series(texts, index=contrib.index)


# --- the estimator ------------------------------------------------------------------------------

def _make(name: str, random_state: int):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if name == "logistisch":
        return make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler(),
                             LogisticRegression(C=0.1, max_iter=2000))
    if name == "boosting":
        # early stopping off: its validation split would be random across periods
        return HistGradientBoostingClassifier(learning_rate=0.1, max_iter=100, max_leaf_nodes=15,
                                              min_samples_leaf=40, l2_regularization=1.0,
                                              early_stopping=False, random_state=random_state)
    raise ValueError(f"unknown candidate model {name!r}: use 'logistisch' or 'boosting'")


def _fit(name: str, X: pd.DataFrame, y: np.ndarray, random_state: int):
    empty = X.columns[X.isna().all()]
    return _make(name, random_state).fit(X.fillna({c: 0.0 for c in empty}), y)


def _average_precision(y, p) -> float:
    from sklearn.metrics import average_precision_score
    return float(average_precision_score(y, p))


class EscalationRisk:
    """Probability per area that its count escalates in the target period.

    Escalation in period t: count(t) >= ``ratio`` x the mean of the up to ``window`` previous
    periods and at least ``min_excess`` above it. Features for target t use periods before t only:
    the series' dynamics (:data:`DYNAMIC`: last level, reference level, shrunk rise, excess over the
    previous mean, distance to the escalation threshold, spread, recent escalations), the area
    features (numeric, heavy-tailed ones on a log scale; one known for fewer than ``min_coverage`` of
    the areas, by default half, is dropped, as it would mostly tell known from unknown) and, with an
    adjacency, the neighbours' mean dynamics (:data:`NEIGHBOUR`).

    Training is strictly forward in time: the candidates (``logistisch``: L2 logistic regression on
    standardised, imputed features; ``boosting``: HistGradientBoostingClassifier) are compared by
    average precision on rolling origins (each of the last ``folds`` training periods predicted
    from the periods before it); the best one's out-of-time scores choose and fit the calibration
    (sigmoid or isotonic, by cross-validated Brier score); the chosen model is then refitted on
    every training period. With a single training period there is no earlier period to validate
    on, and validation falls back to areas within that period (``validation_`` says so).

    Needs at least two periods per area; any frequency (years, months, weeks).
    ``predict`` returns ``area_code, probability, rank, drivers, history`` for every area (drivers: the
    three features that raise the area's score most, in Dutch: score drop when the feature is set to
    its training median). An area without counts before the target period is scored by a logistic
    regression on the structure features alone (``structure_model_``), or at the training base rate
    when there are none; its drivers start with "geen eerdere tellingen" and ``history`` is False.

    Learned: ``columns_``, ``chosen_``, ``calibration_``, ``training_periods_``, ``validation_`` and
    ``validation_periods_`` (the periods predicted forward in time),
    ``scores_`` (AP per candidate and fold), ``importance_`` (permutation importance), ``dropped_``.
    Reference: rolling-origin evaluation, Tashman (2000) Int. J. Forecasting 16:437-450.
    """

    def __init__(self, ratio: float = 1.5, min_excess: float = 10, window: int = 3,
                 candidates: tuple[str, ...] = ("logistisch", "boosting"), folds: int = 3,
                 max_train_periods: int = 36, min_coverage: float = 0.5, noun: str = "meldingen",
                 period_word: str = "periode", n_threads: int | None = 1, random_state: int = 0):
        self.ratio = ratio
        self.min_excess = min_excess
        self.window = window
        self.candidates = candidates
        self.folds = folds
        self.max_train_periods = max_train_periods
        self.min_coverage = min_coverage
        self.noun = noun
        self.period_word = period_word
        self.n_threads = n_threads
        self.random_state = random_state

    # design matrix ------------------------------------------------------------------------------
    def _structure(self, structure: pd.DataFrame) -> pd.DataFrame:
        out = structure.reindex(columns=self.structure_columns_)
        for col in self.log_columns_:
            out[col] = np.log1p(out[col].clip(lower=0))
        return out

    def _design(self, wide, structure, target, neighbours) -> pd.DataFrame:
        dyn = dynamics(wide, target, self.ratio, self.min_excess, self.window, neighbours)
        return dyn.join(self._structure(structure).reindex(dyn.index))

    def _learn_structure(self, structure: pd.DataFrame, wide: pd.DataFrame) -> None:
        self.dropped_ = {c: f"equals the counts of period {p} (would carry the target)"
                         for c, p in leaking_columns(structure, wide).items()}
        keep = []
        for col in structure.columns:
            x = structure[col].reindex(wide.index)
            if col in self.dropped_:
                continue
            if x.notna().mean() < self.min_coverage:
                self.dropped_[col] = f"known for {x.notna().mean():.0%} of the areas"
            elif x.nunique() < 2:
                self.dropped_[col] = "the same for every area"
            else:
                keep.append(col)
        self.structure_columns_ = keep
        self.log_columns_ = [c for c in keep if structure[c].min() >= 0 and structure[c].skew() > 2]

    def fit(self, counts: pd.DataFrame, features: pd.DataFrame | None = None, target_period: int | None = None,
            neighbours: pd.DataFrame | None = None) -> "EscalationRisk":
        """Train on every target period before ``target_period`` (all periods when None).

        ``counts``: ``area_code, period, count`` with integer, consecutive periods per area;
        ``features``: ``area_code`` plus numeric columns; ``neighbours``: ``area_code, neighbour``.
        """
        with _threads(self.n_threads):
            return self._fit_panel(counts, features, target_period, neighbours)

    def _fit_panel(self, counts, features, target_period, neighbours) -> "EscalationRisk":
        wide = wide_counts(counts)
        structure = numeric_features(features)
        self.input_features_ = sorted(structure.columns)
        self.signature_ = feature_signature(self.input_features_)
        self.uses_neighbours_ = neighbours is not None
        self._learn_structure(structure, wide)
        esc = escalations(wide, self.ratio, self.min_excess, self.window)
        periods = [int(p) for p in esc.columns[esc.notna().any()] if target_period is None or p < target_period]
        periods = periods[-self.max_train_periods:]
        if not periods:
            raise RiskModelError("no target period to train on: the counts need at least two periods before "
                                 "the target period")
        rows = [self._design(wide, structure, p, neighbours).assign(_y=esc[p], _period=p) for p in periods]
        data = pd.concat(rows).dropna(subset=["_y"])
        y = data.pop("_y").to_numpy(dtype=int)
        when = data.pop("_period").to_numpy()
        if y.sum() == 0:
            raise RiskModelError(f"no escalation in the training periods {periods[0]}..{periods[-1]}: nothing to "
                                 "learn; lower --ratio/--min-excess or give a longer history")
        if y.sum() < MIN_ESCALATIONS or len(y) - y.sum() < MIN_ESCALATIONS:
            raise RiskModelError(f"only {int(y.sum())} escalation(s) among {len(y)} area-periods in the training periods "
                                 f"{periods[0]}..{periods[-1]}; the model needs at least {MIN_ESCALATIONS} of each "
                                 "outcome; give a longer history or more areas")
        self.columns_ = list(data.columns[data.notna().any()])
        X = data[self.columns_]
        self.training_periods_ = sorted(set(int(p) for p in when))
        self.prevalence_ = float(y.mean())
        oot = self._validate(X, y, when)
        self._learn_calibration(oot)
        self.model_ = _fit(self.chosen_, X, y, self.random_state)
        self.medians_ = X.median()
        self._fit_structure_only(X, y)
        return self

    def _fit_structure_only(self, X: pd.DataFrame, y: np.ndarray) -> None:
        """A logistic regression on the structure features alone, for areas without earlier counts."""
        cols = [c for c in self.structure_columns_ if c in X.columns]
        self.structure_model_columns_ = cols
        self.structure_medians_ = X[cols].median() if cols else pd.Series(dtype="float64")
        self.structure_model_ = None
        if cols and len(set(y)) == 2:
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            self.structure_model_ = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)).fit(
                X[cols].fillna(self.structure_medians_).fillna(0.0), y)

    # validation, choice and calibration ------------------------------------------------------------
    def _splits(self, y, when):
        """Rolling origins (train before t, test t); areas within the period when there is one period."""
        periods = sorted(set(when))
        splits = [(np.flatnonzero(when < t), np.flatnonzero(when == t)) for t in periods[1:][-self.folds:]]
        splits = [(tr, te) for tr, te in splits if len(set(y[tr])) == 2 and y[te].sum() > 0]
        if splits:
            self.validation_ = "forward in time"
            self.validation_periods_ = [int(when[te[0]]) for _, te in splits]
            return splits
        from sklearn.model_selection import StratifiedKFold
        self.validation_ = ("across areas within the training period(s), 5-fold (no earlier period to validate "
                            "forward in time)")
        self.validation_periods_ = []
        return list(StratifiedKFold(5, shuffle=True, random_state=self.random_state).split(np.zeros(len(y)), y))

    def _validate(self, X, y, when) -> pd.DataFrame:
        splits = self._splits(y, when)
        scores, preds, last = {}, {}, {}
        for name in self.candidates:
            parts, aps = [], []
            for tr, te in splits:
                model = _fit(name, X.iloc[tr], y[tr], self.random_state)
                p = model.predict_proba(X.iloc[te])[:, 1]
                aps.append(_average_precision(y[te], p))
                parts.append(pd.DataFrame({"y": y[te], "p": p, "period": when[te]}))
                last[name] = (model, te)
            scores[name], preds[name] = aps, pd.concat(parts)
        self.scores_ = pd.DataFrame(scores).assign(fold=range(1, len(splits) + 1)).set_index("fold")
        self.chosen_ = max(self.candidates, key=lambda n: np.mean(scores[n]))
        model, te = last[self.chosen_]
        self.importance_ = permutation_importance(model, X.iloc[te], y[te], repeats=3, seed=self.random_state)
        return preds[self.chosen_]

    def _learn_calibration(self, oot: pd.DataFrame) -> None:
        from sklearn.model_selection import StratifiedKFold

        y, p = oot["y"].to_numpy(), oot["p"].to_numpy()
        methods = ["sigmoid", "isotonic"] if y.sum() >= 30 else ["sigmoid"]
        # as many folds as the rarer class fills (up to 5): the validation periods may hold only a few escalations
        folds = min(5, int(min(y.sum(), len(y) - y.sum())))
        brier = {}
        for method in methods if folds >= 2 else []:
            errs = []
            for tr, te in StratifiedKFold(folds, shuffle=True, random_state=self.random_state).split(p.reshape(-1, 1), y):
                cal = _calibrator(method, p[tr], y[tr])
                errs.append(np.mean((_apply(cal, p[te]) - y[te]) ** 2))
            brier[method] = float(np.mean(errs))
        self.calibration_ = min(methods, key=brier.get) if brier else "sigmoid"
        self.calibration_brier_ = brier
        self.calibrator_ = _calibrator(self.calibration_, p, y)

    # scoring ------------------------------------------------------------------------------------
    def _check(self, structure: pd.DataFrame, neighbours) -> None:
        if not hasattr(self, "model_"):
            raise RiskModelError("the risk model is not fitted yet: call fit first")
        given = sorted(structure.columns)
        if given != self.input_features_:
            missing = sorted(set(self.input_features_) - set(given))
            extra = sorted(set(given) - set(self.input_features_))
            raise RiskFeatureError(
                f"these features differ from the feature set the model was trained on "
                f"({self.signature_}, {len(self.input_features_)} columns): missing {missing[:5]}, extra {extra[:5]}; "
                "give the same feature columns or train a new model")
        if self.uses_neighbours_ and neighbours is None:
            raise RiskFeatureError("the model was trained with neighbours; give the same adjacency to score")

    def raw_score(self, X: pd.DataFrame) -> np.ndarray:
        """Uncalibrated score of the fitted model for a design matrix."""
        return self.model_.predict_proba(X[self.columns_])[:, 1]

    def design(self, counts: pd.DataFrame, features: pd.DataFrame | None, target_period: int,
               neighbours: pd.DataFrame | None = None) -> pd.DataFrame:
        """Feature matrix of every area with history before ``target_period`` (for inspection)."""
        structure = numeric_features(features)
        self._check(structure, neighbours)
        wide = wide_counts(counts)
        wide = wide[wide.loc[:, wide.columns < target_period].notna().any(axis=1)]
        if wide.empty:
            raise RiskModelError(f"no area has counts before the target period {target_period}")
        return self._design(wide, structure, target_period, neighbours)[self.columns_]

    def predict(self, counts: pd.DataFrame, features: pd.DataFrame | None, target_period: int,
                neighbours: pd.DataFrame | None = None, top: int = 3, areas=None) -> pd.DataFrame:
        """``area_code, probability, rank, drivers, history`` for every area of the counts, the features and
        ``areas`` (e.g. areas whose only counts are in or after the target period).

        Areas with counts before ``target_period`` are scored by the model; areas without (new in the
        counts, or only in the features) by the structure features alone (:attr:`structure_model_`),
        or at the training base rate when there are none; their drivers say "geen eerdere tellingen"
        and ``history`` is False.
        """
        structure = numeric_features(features)
        self._check(structure, neighbours)
        wide = wide_counts(counts)
        known = wide.loc[:, wide.columns < target_period].notna().any(axis=1)
        areas = wide.index.union(structure.index).union(pd.Index(list(areas or []), dtype=object))
        parts = []
        if known.any():
            X = self._design(wide[known], structure, target_period, neighbours)[self.columns_]
            with _threads(self.n_threads):
                raw = self.raw_score(X)
                contrib = self.contributions(X, raw)
            words = describe_drivers(contrib, X, self.medians_, top, self.noun, self.period_word)
            parts.append(pd.DataFrame({"area_code": X.index, "probability": _apply(self.calibrator_, raw),
                                       "_raw": raw, "drivers": words.to_numpy(), "history": True}))
        new = areas.difference(wide.index[known])
        if len(new):
            parts.append(self._predict_without_history(structure.reindex(new), top))
        out = pd.concat(parts, ignore_index=True)
        out = out.sort_values(["probability", "_raw", "area_code"], ascending=[False, False, True], kind="stable")
        out["rank"] = np.arange(1, len(out) + 1)
        return out[["area_code", "probability", "rank", "drivers", "history"]].reset_index(drop=True)

    def _predict_without_history(self, structure: pd.DataFrame, top: int) -> pd.DataFrame:
        """Areas with no counts before the target: the structure-only model, or the base rate without features."""
        X = self._structure(structure)[self.structure_model_columns_]
        p = np.full(len(X), self.prevalence_)
        words = pd.Series(f"geen eerdere tellingen; de gemiddelde kans ({_percent(self.prevalence_)})", index=X.index)
        described = X.notna().any(axis=1).to_numpy() if self.structure_model_ is not None else np.zeros(len(X), bool)
        if described.any():
            sub = X[described]
            filled = sub.fillna(self.structure_medians_)
            own = self.structure_model_.predict_proba(filled)[:, 1]
            cols = [c for c in sub.columns if pd.notna(self.structure_medians_[c])]
            stacked = pd.concat([filled.assign(**{c: self.structure_medians_[c]}) for c in cols], ignore_index=True)
            replaced = self.structure_model_.predict_proba(stacked)[:, 1].reshape(len(cols), len(sub)).T
            contrib = pd.DataFrame(own[:, None] - replaced, index=sub.index, columns=cols)
            found = describe_drivers(contrib, sub, self.structure_medians_, top, self.noun, self.period_word)
            p[described] = own
            words[described] = "geen eerdere tellingen; alleen buurtkenmerken: " + found
        return pd.DataFrame({"area_code": X.index, "probability": p, "_raw": p, "drivers": words.to_numpy(),
                             "history": False})

    def contributions(self, X: pd.DataFrame, raw: np.ndarray | None = None) -> pd.DataFrame:
        """Per area and feature: how much the score drops when that feature is set to its training median."""
        raw = self.raw_score(X) if raw is None else raw
        cols = [c for c in self.columns_ if pd.notna(self.medians_[c])]
        stacked = pd.concat([X.assign(**{c: self.medians_[c]}) for c in cols], ignore_index=True)
        replaced = self.raw_score(stacked).reshape(len(cols), len(X)).T
        return pd.DataFrame(raw[:, None] - replaced, index=X.index, columns=cols)


def permutation_importance(model, X: pd.DataFrame, y: np.ndarray, repeats: int = 3, seed: int = 0) -> pd.DataFrame:
    """Drop in average precision when one feature's values are shuffled across areas (Breiman 2001)."""
    rng = np.random.default_rng(seed)
    full = _average_precision(y, model.predict_proba(X)[:, 1])
    rows = []
    for col in X.columns:
        shuffled = pd.concat([X.assign(**{col: rng.permutation(X[col].to_numpy())}) for _ in range(repeats)])
        p = model.predict_proba(shuffled)[:, 1].reshape(repeats, len(X))
        drops = [full - _average_precision(y, p[r]) for r in range(repeats)]
        rows.append((col, float(np.mean(drops)), float(np.std(drops))))
    frame = pd.DataFrame(rows, columns=["feature", "importance", "sd"])
    return frame.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def _threads(n: int | None):
    """Limit OpenMP/BLAS threads: on a shared machine, oversubscribed boosting runs ten times slower."""
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime first: only loaded libraries are limited)
    from threadpoolctl import threadpool_limits
    return threadpool_limits(n) if n else contextlib.nullcontext()


def _calibrator(method: str, p: np.ndarray, y: np.ndarray):
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression
        return IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, y)
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=1e4).fit(_logit(p).reshape(-1, 1), y)


def _apply(calibrator, p: np.ndarray) -> np.ndarray:
    if hasattr(calibrator, "predict_proba"):
        return calibrator.predict_proba(_logit(p).reshape(-1, 1))[:, 1]
    # isotonic steps tie many areas; a vanishing share of the raw score keeps the model's ranking (and AP)
    return np.clip(calibrator.predict(p), 0.0, 1.0) * (1 - 1e-6) + 1e-6 * np.asarray(p)


def _percent(p: float) -> str:
    """A probability as a Dutch percentage: ``12 %``, ``<1 %``."""
    return "<1 %" if p < 0.005 else f"{round(100 * p):.0f} %"


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype="float64"), 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))
