"""Shared output of the benchmark scripts: a markdown table, printed and kept in ``benchmarks/results/``."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"


def markdown_table(frame: pd.DataFrame, floatfmt: str = "{:.3f}") -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(("–" if v != v else floatfmt.format(v)) if isinstance(v, float) else str(v) for v in row) + " |")
    return "\n".join(lines)


def publish(name: str, text: str) -> None:
    """Print the report and write it to ``benchmarks/results/<name>.md``."""
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text + "\n", encoding="utf-8")
