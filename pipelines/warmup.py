"""Compile wijkradar's numba kernels into their on-disk cache, once, before anything else needs them.

The Noufaily fits, the scan and the pooled subset scans are numba functions cached next to their modules
(``cache=True``). A new checkout has no cache: the first scoring compiles them, about 25 s of one core, and two test
processes starting together each compile them. ``make install`` runs this module after the install, so the first
``make demo`` and the tests find them compiled. The demo municipality's counts for a few buurten over six years,
weekly and monthly (the long and the short baselines), scored as a run scores them and pooled as the lists pool
them, reach every kernel a run uses with the argument types a run gives them. One small detection bound
(``models.bounds.causal_bound``) compiles the benchmark's stopping kernel too, which each test process that
computes a bound otherwise compiled for itself (about 20 s; a parallel kernel).

Usage: python -m pipelines.warmup
"""
from __future__ import annotations

import time


def main() -> None:
    import numpy as np

    from models.bounds import causal_bound
    from models.evidence import area_evidence
    from pipelines.demo import demo_counts, with_sources
    from pipelines.reference import Reference
    from pipelines.score import score_counts

    t0 = time.perf_counter()
    ref = Reference()
    areas = ref.buurten["area_code"].tolist()[:8]
    weekly, monthly, *_ = demo_counts(ref, years=6, areas=areas)
    counts = with_sources(ref, weekly, monthly)
    scores = score_counts(counts, areas).scores
    area_evidence(scores, ref.catalogue, ref.neighbours, teams=ref.teams)
    m0 = np.array([[5.0, 5.0]])
    causal_bound(m0, 1.8 * m0, np.array([1.5]), far=0.01)
    print(f"numba kernels compiled and cached in {time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
