"""Compiled optimal stopping for :func:`models.bounds.causal_bound`, with numba.

One event at a time: the dynamic programme on a log-spaced grid of the likelihood ratio, backward for the
values, then forward for the null chance of stopping in each week (the dual's gradient). In numpy the
(events x grid x counts) temporaries of every week made one evaluation of the dual take seconds per event.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


@njit(cache=True, nogil=True)
def _continue(V1, g, k, frac, M, L, slope):
    """V_{j+1} at the likelihood ratio M: linear in L between grid points, its slope above them, 0 at L = 0."""
    G = len(V1)
    i = g + k
    if i >= G - 1:
        return V1[G - 1] + slope * (M - L[G - 1])
    if i < 0:
        return M / L[0] * V1[0]
    return (1.0 - frac) * V1[i] + frac * V1[i + 1]


@njit(cache=True, nogil=True)
def stopping_one(p0, log_l, n_y, active, missing, cut, scale, slope, lam, n_side, step):
    """V_0(1) of one event and its null chance of stopping in each week (arrays per week and count)."""
    W = p0.shape[0]
    G = 2 * n_side + 1
    L = np.exp((np.arange(G) - n_side) * step)
    V = np.zeros((W + 1, G))
    k = np.zeros(p0.shape[1], dtype=np.int64)
    frac = np.zeros(p0.shape[1])
    lr = np.zeros(p0.shape[1])
    h = math.expm1(step)
    for j in range(W - 1, -1, -1):
        if not active[j]:
            V[j] = V[j + 1]
            continue
        _moves(log_l[j], n_y[j], step, h, k, frac, lr)
        for g in range(G):
            acc = 0.0
            for y in range(n_y[j]):
                if p0[j, y] == 0.0 or lr[y] == 0.0:      # a count impossible under the event: never worth stopping
                    continue
                M = L[g] * lr[y]
                cont = _continue(V[j + 1], g, k[y], frac[y], M, L, slope[j + 1])
                stop = scale * (M - cut[j] * L[g]) - lam[j]
                acc += p0[j, y] * max(stop, cont)
            V[j, g] = acc + scale * L[g] * missing[j]
    alarm0 = np.zeros(W)
    mass = np.zeros(G)
    mass[n_side] = 1.0
    for j in range(W):
        if not active[j]:
            continue
        _moves(log_l[j], n_y[j], step, h, k, frac, lr)
        new = np.zeros(G)
        for g in range(G):
            if mass[g] == 0.0:
                continue
            for y in range(n_y[j]):
                if p0[j, y] == 0.0 or lr[y] == 0.0:
                    continue
                weight = mass[g] * p0[j, y]
                M = L[g] * lr[y]
                cont = _continue(V[j + 1], g, k[y], frac[y], M, L, slope[j + 1])
                if scale * (M - cut[j] * L[g]) - lam[j] > cont:     # at a tie, go on (a subgradient too)
                    alarm0[j] += weight
                    continue
                i = g + k[y]                             # the weights V_{j+1} was read with (its gradient)
                if i >= G - 1:
                    new[G - 1] += weight
                elif i < 0:
                    new[0] += weight * M / L[0]
                else:
                    new[i] += weight * (1.0 - frac[y])
                    new[i + 1] += weight * frac[y]
        mass = new
    return V[0, n_side], alarm0


@njit(cache=True, nogil=True)
def _moves(log_l, n, step, h, k, frac, lr):
    """Per count: the grid steps the likelihood ratio moves (floor), the interpolation weight and the ratio."""
    for y in range(n):
        r = log_l[y]
        if r == -np.inf:
            k[y], frac[y], lr[y] = 0, 0.0, 0.0
            continue
        k[y] = int(math.floor(r / step))
        frac[y] = math.expm1(r - k[y] * step) / h
        lr[y] = math.exp(r)


@njit(cache=True, parallel=True)
def stopping_values(p0, log_l, n_y, active, missing, cut, scale, slope, lam, n_side, step):
    """:func:`stopping_one` for every event (arrays events x weeks x counts)."""
    E, W = p0.shape[0], p0.shape[1]
    values = np.zeros(E)
    alarm0 = np.zeros((E, W))
    for e in prange(E):
        values[e], alarm0[e] = stopping_one(p0[e], log_l[e], n_y[e], active[e], missing[e], cut[e], scale[e],
                                            slope[e], lam, n_side, step)
    return values, alarm0
