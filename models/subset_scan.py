"""Linear-time subset scan: the strongest subset of a group of series, per period, in one sorted pass.

For the expectation-based Poisson scan the subset of a group with the strongest rise is one of the
group's top-k members ordered by the priority ``count / expected`` (Neill 2012, the LTSS property;
it holds for any score that increases with the count and is quasi-convex in (count, expected), as
the negative-binomial tail with a common dispersion is). So per group and period the members'
window sums are sorted once by priority and summed cumulatively, and the tail of each top-k sum is
taken: k tails instead of 2^k. A compiled loop (numba), vectorised over nothing, sorting a handful
of members per cell; the tail is ``models.scan_kernel.nb_tail_one``, scipy's compiled functions.
References: Neill (2012) JRSS B 74:337-360 (fast subset scan for spatial pattern detection).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from models.scan_kernel import nb_tail_one

#: a tail computed only where the sum's standardised excess reaches this: below it every tail is above
#: ``CUTOFF`` (checked on a grid of expected counts 0.01..3000, dispersions 1..6, counts 3..4000: the
#: smallest excess of a tail below 0.05 is 1.66 sd; the normal limit is 1.645 plus a continuity half count)
Z_SCREEN = 1.6
#: raw statistics at or above this carry no evidence and are recorded as 1 (they calibrate to p-values
#: above a third)
CUTOFF = 0.05


@njit(cache=True, nogil=True)
def _scan(y, mu, var, members, home, k_min, min_count, where, scale, skip, out):
    """Per group and period the smallest tail of a top-k sum; ``out`` (groups x periods) is lowered in place."""
    G, K = members.shape
    T = y.shape[1]
    prio = np.empty(K)
    order = np.empty(K, dtype=np.int64)
    for g in range(G):
        n = 0
        while n < K and members[g, n] >= 0:
            n += 1
        if n < k_min:
            continue
        h = home[g]
        for t in range(T):
            if not where[g, t]:
                continue
            m = 0
            for j in range(n):                  # insertion sort by priority, descending; ties keep their order
                r = members[g, j]
                if skip[r, t]:
                    continue
                p = y[r, t] / mu[r, t] if mu[r, t] > 0 else (np.inf if y[r, t] > 0 else -1.0)
                i = m
                m += 1
                while i > 0 and prio[i - 1] < p:
                    prio[i] = prio[i - 1]
                    order[i] = order[i - 1]
                    i -= 1
                prio[i] = p
                order[i] = r
            c, b, v = 0.0, 0.0, 0.0
            if h >= 0:
                c, b, v = y[h, t], mu[h, t], var[h, t]
            best = out[g, t]
            f = scale[g, t]
            for k in range(m):
                r = order[k]
                c += y[r, t]
                b += mu[r, t]
                v += var[r, t]
                if k + 1 < k_min or b <= 0 or c < min_count or c <= b * f:
                    continue
                phi = max(v / b, 1.0)
                if (c - b * f) < Z_SCREEN * np.sqrt(phi * b * f):
                    continue
                tail = nb_tail_one(c, b * f, phi)
                if tail < best:
                    best = tail
            out[g, t] = best


def padded(groups: np.ndarray, members: np.ndarray, n_groups: int) -> np.ndarray:
    """Members of each group as rows of a (groups x largest group) index array, -1 after a group's last;
    in ascending order, so that ties of priority break the same way whatever the order of the input."""
    order = np.lexsort((members, groups))
    groups, members = groups[order], members[order]
    size = np.bincount(groups, minlength=n_groups)
    first = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    out = np.full((n_groups, int(size.max(initial=0))), -1, dtype=np.int64)
    out[groups, np.arange(len(groups)) - first[groups]] = members
    return out


def subset_tails(y, mu, var, members: np.ndarray, home: np.ndarray | None, k_min: int, min_count: int,
                 where: np.ndarray, scale: np.ndarray | None = None, skip: np.ndarray | None = None) -> np.ndarray:
    """Smallest negative-binomial tail over the top-k subsets of each group, per group and period.

    Parameters
    ----------
    y, mu, var : (series x periods) window sums of the counts, expected counts and variances.
    members : (groups x K) series rows of each group, -1 after a group's last (:func:`padded`).
    home : (groups,) series row that every subset holds, not counted in k; None: no such member.
    k_min : the smallest subset tested (the group's own members, without ``home``).
    min_count : a sum with fewer counts gives no evidence.
    where : (groups x periods) windows in which the group is tested.
    scale : (groups x periods) factor on the expected counts (and variances) of a group's sums; None: 1.
    skip : (series x periods) members left out of every group's subsets in that window (``home`` is not);
        None: none.

    Returns
    -------
    (groups x periods): the smallest tail over k = ``k_min`` .. group size of the sum of ``home`` and
    the top-k members by ``y / mu`` (moment matched: dispersion ``sum var / sum mu``), over the sums
    that reach ``min_count`` and exceed their expected count; tails at or above ``CUTOFF`` are 1.
    """
    G = members.shape[0]
    out = np.ones((G, y.shape[1]))
    if G == 0 or members.shape[1] == 0:
        return out
    home = np.full(G, -1, dtype=np.int64) if home is None else np.asarray(home, dtype=np.int64)
    scale = np.ones(out.shape) if scale is None else np.broadcast_to(scale, out.shape)
    skip = np.zeros(np.shape(y), dtype=np.bool_) if skip is None else skip
    _scan(np.ascontiguousarray(y, dtype=float), np.ascontiguousarray(mu, dtype=float),
          np.ascontiguousarray(var, dtype=float), np.ascontiguousarray(members, dtype=np.int64), home,
          int(k_min), float(min_count), np.ascontiguousarray(where, dtype=np.bool_),
          np.ascontiguousarray(scale, dtype=float), np.ascontiguousarray(skip, dtype=np.bool_), out)
    out[out >= CUTOFF] = 1.0
    return out
