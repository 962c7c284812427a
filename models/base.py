"""The shape every detector shares: a scikit-learn style estimator that scores a panel.

Subclasses implement ``score_matrix(matrix, eval_start) -> (columns, evaluated)`` on the dense
(series x period) layout; :meth:`Detector.score` does the contract checks and the long format.
"""
from __future__ import annotations

import pandas as pd
from sklearn.base import BaseEstimator

from models.panel import RESULT_COLUMNS, Matrix, check_panel, from_matrix, to_matrix


class Detector(BaseEstimator):
    method = "detector"

    def fit(self, panel: pd.DataFrame | None = None, y=None):
        """Detectors learn nothing global: every period is judged against its own series' past."""
        return self

    @property
    def history_needed(self) -> int:  # pragma: no cover - every detector overrides
        raise NotImplementedError

    def score(self, panel: pd.DataFrame, keys: list[str], eval_start: int | None = None,
              extra: tuple[str, ...] = ()) -> pd.DataFrame:
        """Evaluate every period with enough history (and ``period_index >= eval_start``).

        ``extra``: columns beyond the contract to return where the detector has them (``phi``, the
        baseline's dispersion, for the pooled evidence of ``models.evidence``); missing ones are left out.
        """
        return self.score_layout(to_matrix(panel, keys, check_panel(panel, keys)), eval_start, extra)

    def score_layout(self, m: Matrix, eval_start: int | None = None, extra: tuple[str, ...] = ()) -> pd.DataFrame:
        """:meth:`score` of a panel already checked and laid out (:func:`models.panel.to_matrix`); the rows
        come in the matrix's series order, each series by period."""
        self.fit()
        cols, evaluated = self.score_matrix(m, eval_start)
        return from_matrix(m, {**{k: cols[k] for k in RESULT_COLUMNS}, **{k: cols[k] for k in extra if k in cols}},
                           evaluated)

    def score_matrix(self, m: Matrix, eval_start: int | None = None):  # pragma: no cover
        raise NotImplementedError
