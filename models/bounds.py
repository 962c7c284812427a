"""How well could any detector do? Upper bounds on the probability of detecting a simulated event.

A detector that raises a false alarm in at most ``far`` of quiet periods raises one somewhere in
a window of ``w`` periods with probability at most ``w * far`` (union bound). "Any alarm in the
window" is then a test of "no event" against "this event" at level ``w * far``, and by the
Neyman-Pearson lemma no test at that level is more powerful than the likelihood-ratio test that
knows the true in-control distribution and the event's exact extra cases. Its power, per event,
bounds the probability of detection of every detector with that false-alarm rate, whatever it
knows. Alongside it: the realisable ``known_baseline`` detector, a single-period negative-binomial
threshold on the *true* in-control mean at level ``far`` (what a perfect baseline fit would give).

Counts are independent negative binomials with variance ``phi`` times the mean, as in
:mod:`models.simulate`; outbreak cases add to them, drifts change their mean.

Between the two sits the detector that knows everything but *when*: :func:`outbreak_evidence` and
:func:`drift_evidence` give, per series and period, the likelihood ratio of "an event of exactly the
simulated kind started in one of the last ``horizon`` periods (each equally likely)" against "no
event", on a given baseline (the Shiryaev-Roberts statistic of change-point detection, with the
simulation's own event shapes). Thresholded, it is the Bayes rule for the current period.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from models.simulate import count_distribution, delay_density

POISSON_BELOW = 1.0 + 1e-6     # a dispersion this close to 1 is taken as Poisson


def _logpmf(y: np.ndarray, mean: np.ndarray, phi: float) -> np.ndarray:
    out = np.full(y.shape, -np.inf)
    ok = y >= 0
    out[ok] = count_distribution(np.broadcast_to(mean, y.shape)[ok], phi).logpmf(y[ok])
    return out


def event_bound(m0: np.ndarray, m1: np.ndarray, extra: np.ndarray, phi: float, far: float = 0.01,
                draws: int = 10_000, rng: np.random.Generator | None = None) -> dict:
    """Bounds for one event window.

    Parameters
    ----------
    m0 : in-control mean per period of the window.
    m1 : mean of the counts (without extra cases) under the event; equals ``m0`` for outbreaks.
    extra : the event's extra cases per period (zeros for drifts).
    phi : variance / mean of the counts (<= 1: Poisson).
    far : the detector's false-alarm rate per quiet period.

    Returns ``level`` (``len(window) * far``, capped at 1), ``bound`` (power of the most powerful
    test at that level, by Monte Carlo with ``draws`` draws under each hypothesis) and
    ``known_baseline`` (exact probability that a single-period threshold at level ``far`` on the
    true in-control distribution alarms somewhere in the window).
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    m0, m1, extra = (np.asarray(a, dtype=float) for a in (m0, m1, extra))
    w = len(m0)
    level = min(1.0, w * far)
    d0, d1 = count_distribution(m0, phi), count_distribution(m1, phi)
    # single-period threshold: alarm when count > q, q the smallest with P0(Y > q) <= far
    q = d0.isf(far)
    known = 1.0 - float(np.prod(d1.cdf(q - extra)))
    if level >= 1.0:
        return {"level": level, "bound": 1.0, "known_baseline": known}

    def log_lr(y):
        return (_logpmf(y - extra, m1, phi) - _logpmf(y, m0, phi)).sum(axis=1)

    y0 = d0.rvs(size=(draws, w), random_state=rng)
    y1 = d1.rvs(size=(draws, w), random_state=rng) + extra.astype(int)
    l0, l1 = log_lr(y0), log_lr(y1)
    c = np.sort(l0)[int(np.ceil((1.0 - level) * draws)) - 1]
    tol = 1e-9 * max(1.0, abs(c)) if np.isfinite(c) else 0.0
    with np.errstate(invalid="ignore"):                   # -inf minus -inf: a tie, caught by ==
        tie0 = (l0 == c) | (np.abs(l0 - c) <= tol)
        tie1 = (l1 == c) | (np.abs(l1 - c) <= tol)
    above0, above1 = (l0 > c) & ~tie0, (l1 > c) & ~tie1
    gamma = np.clip((level - above0.mean()) / tie0.mean(), 0.0, 1.0) if tie0.any() else 0.0
    bound = float(above1.mean() + gamma * tie1.mean())   # randomised at ties, as the lemma allows
    return {"level": level, "bound": bound, "known_baseline": known}


def detection_bounds(sim: pd.DataFrame, keys: list[str], far: float = 0.01, window: int | None = None,
                     draws: int = 10_000, seed: int = 1) -> pd.DataFrame:
    """Per simulated event: its start, window length and the two bounds of :func:`event_bound`.

    ``sim`` is :func:`models.simulate.simulate` output with a ``phi`` column added. The window is
    the event's span (outbreaks: start to last extra case), or its first ``window`` periods when
    given (drifts: "detected within 8 weeks" is ``window=8``).
    """
    rng = np.random.default_rng(seed)
    rows = []
    ev = sim[sim["event"] > 0].sort_values([*keys, "event", "period_index"])
    for key, part in ev.groupby([*keys, "event"], sort=False):
        part = part.iloc[:window] if window else part
        res = event_bound(part["baseline"].to_numpy(), part["mean"].to_numpy(), part["outbreak"].to_numpy(),
                          float(part["phi"].iloc[0]), far, draws, rng)
        rows.append({**dict(zip([*keys, "event"], key)), "start": int(part["period_index"].iloc[0]),
                     "weeks": len(part), **res})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the detector that knows all but when

def count_logpmf(y: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """log P(Y = y) for counts with mean ``mu`` and variance ``phi * mu`` (per cell; Poisson where phi ~ 1)."""
    y, mu, phi = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (y, mu, phi)))
    out = np.full(y.shape, -np.inf)                # a negative count is impossible
    pois = (phi < POISSON_BELOW) & (y >= 0)
    out[pois] = stats.poisson.logpmf(y[pois], mu[pois])
    nb = (phi >= POISSON_BELOW) & (y >= 0)
    size = mu[nb] / (phi[nb] - 1.0)
    out[nb] = (special.gammaln(y[nb] + size) - special.gammaln(size) - special.gammaln(y[nb] + 1.0)
               - size * np.log(phi[nb]) + y[nb] * np.log1p(-1.0 / phi[nb]))
    return out


def _mixture_over_starts(step, shape: tuple[int, int], horizon: int) -> np.ndarray:
    """log of (1 / horizon) x the sum over starts s in (t - horizon, t] of LR_s(t) x w_s(t), per (series, period t).

    ``step(j)`` gives two (series x period) arrays for a period read ``j`` periods after a start, indexed by
    that period: the log likelihood ratio it adds to LR_s, and log w_s(t), the chance given the data that the
    event still counts at that period (0 for always). Starts before the first column are not counted.
    """
    S, T = shape
    cum = np.zeros((S, T))                      # log LR of the periods since each start (column = start)
    out = np.full((S, T), -np.inf)
    for j in range(min(horizon, T)):
        r, log_w = step(j)
        cum[:, : T - j] += r[:, j:]
        cum[:, T - j:] = -np.inf
        out[:, j:] = np.logaddexp(out[:, j:], cum[:, : T - j] + log_w[:, j:])
    return out - np.log(horizon)


def _usable(y, mu, phi):
    """Counts, baseline and dispersion with the cells lacking any of them marked (and filled harmlessly)."""
    y, mu, phi = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (y, mu, phi)))
    ok = np.isfinite(y) & np.isfinite(mu) & np.isfinite(phi)
    return ok, np.where(ok, y, 0.0), np.where(ok, mu, 1.0), np.where(ok, phi, 1.0)


def outbreak_evidence(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, k, horizon: int = 20) -> np.ndarray:
    """log of the Bayes statistic for "an outbreak of size ``k`` is under way now" (series x period).

    The outbreak is :func:`models.simulate.simulate`'s: Poisson(k * sd) cases, sd = sqrt(phi * mu) at its
    start, each delayed by :func:`models.simulate.delay_density`; so the cases ``j`` periods after the start
    are Poisson(k * sd * p_j), independent of each other, added to the baseline's count. It is under way from
    its start to its last case (the span in which an alarm detects it). Per period t: the average over starts
    s in the last ``horizon`` periods of LR_s(t) x P(t in the span | start s, counts up to t), where LR_s is
    the likelihood ratio of the counts since s. Thresholded, it alarms where an outbreak under way is likeliest
    against the baseline. ``k`` is a number or one per series. A period without a baseline adds no evidence
    to the periods after it, and gets none itself (-inf).
    """
    ok, y, mu, phi = _usable(y, mu, phi)
    yi = y.astype(int)
    sd = np.broadcast_to(np.asarray(k, dtype=float).reshape(-1, 1), y.shape) * np.sqrt(phi * mu)
    dens = delay_density()
    later = np.append(dens[::-1].cumsum()[::-1], 0.0)    # later[j]: P(a case's delay >= j)
    xs = np.arange(int(yi.max()) + 1)
    log_x_factorial = special.gammaln(xs + 1.0)
    # log P0(y - x) for every x <= y: the baseline's part of the count when x of it are outbreak cases
    base = count_logpmf(yi[..., None] - xs, mu[..., None], phi[..., None])
    here = count_logpmf(y, mu, phi)
    T = y.shape[1]

    def step(j: int):
        size = np.zeros(y.shape)                 # k * sd of an outbreak that started j periods before each cell
        size[:, j:] = sd[:, : T - j]
        nu = size * (dens[j] if j < len(dens) else 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_nu = np.log(nu)[..., None]
            cases = np.where(xs == 0, 0.0, xs * log_nu) - nu[..., None] - log_x_factorial   # log Poisson(x; nu)
            with_cases = special.logsumexp(cases + base, axis=-1)
        r = np.where(ok, with_cases - here, 0.0)
        # out of the span: no case now (its posterior given this count) and none still to come
        none_now = -nu + here - with_cases
        none_later = -size * later[min(j + 1, len(dens))]
        log_w = np.log(-np.expm1(np.minimum(none_now + none_later, 0.0)))
        return r, np.where(ok, log_w, -np.inf)

    with np.errstate(divide="ignore"):
        return _mixture_over_starts(step, y.shape, horizon)


def drift_evidence(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, share: float = 0.5, weeks: int = 12,
                   horizon: int = 8) -> np.ndarray:
    """log of the Bayes statistic for "a drift started in the last ``horizon`` periods" (series x period).

    The drift is :func:`models.simulate.simulate`'s: the mean times 1 + share x min(1, (j + 1) / weeks), ``j``
    periods after its start. The average over starts of the likelihood ratio of the counts since the start;
    a period without a baseline as in :func:`outbreak_evidence`.
    """
    ok, y, mu, phi = _usable(y, mu, phi)
    here = count_logpmf(y, mu, phi)
    always = np.where(ok, 0.0, -np.inf)

    def step(j: int):
        up = 1.0 + share * min(1.0, (j + 1) / weeks)
        return np.where(ok, count_logpmf(y, mu * up, phi) - here, 0.0), always

    return _mixture_over_starts(step, y.shape, horizon)


# --------------------------------------------------------------------------- the detector that decides week by week

def causal_bound(m0: np.ndarray, m1: np.ndarray, phi: np.ndarray, far: float = 0.01, extra: np.ndarray | None = None,
                 cases: np.ndarray | None = None, cases_total: np.ndarray | None = None, lam: np.ndarray | None = None,
                 step: float = 0.05, reach: float = 14.0, tail: float = 1e-12, search_step: float = 0.2,
                 restarts: int = 2) -> dict:
    """Upper bound on the mean probability of detection of events, for a detector that decides week by week.

    :func:`event_bound` lets a detector look at the whole window at once. A real one alarms at week ``j``
    of an event's window from the counts up to ``j``: the first alarm is a stopping time ``tau``. A
    detector told the true baseline learns nothing from the counts before the event (they are independent
    of it), so restricted to the window it is such a stopping time, and without the event its chance of
    alarming first at week ``j`` is at most its chance of alarming at week ``start + j``. Assumption, as in
    every false-alarm rate of the benchmark: averaged over the events, that chance is the detector's
    quiet-week false-alarm rate, so ``mean_i P0_i(tau_i = j) <= far`` for every ``j`` (implied by "<= far
    in every group" when the groups partition the events). By weak Lagrangian duality, for any
    ``lam_j >= 0``::

        mean_i P1_i(found) <= mean_i max_tau [P1_i(found at tau) - sum_j lam_j P0_i(tau = j)] + far * sum_j lam_j

    The inner maximum is an optimal stopping problem on the likelihood ratio ``L`` of the window's counts so
    far, solved by dynamic programming per unit of null density: ``V_j(L) = E0[max(stop, V_{j+1}(L l_j(y)))]``
    with ``stop = s L (l_j(y) - c_j) - lam_j``, ``V_w = 0`` and the event's value ``V_0(1)``. Randomised rules
    are covered by the Lagrangian. Each ``V_j`` is convex and non-decreasing in ``L``, zero at ``L = 0`` and
    of slope at most its value without costs, so interpolating it linearly in ``L`` between grid points
    (log-spaced, ``step`` apart, ``exp(-reach)`` to ``exp(reach)``, and 0) and extrapolating with that slope
    over-estimates it; counts outside the ``tail`` quantiles are credited with their whole ``P1`` mass.
    The result is therefore an upper bound for every ``lam``, not an approximation of one; ``lam`` (one per
    week, common to all events) is chosen to make it small (L-BFGS-B on the dual, convex in ``lam``, on a grid
    ``search_step`` apart, restarted ``restarts`` times), then the bound is computed on the finer grid.

    Parameters
    ----------
    m0, m1 : (events x weeks) in-control mean and mean of the counts under the event (without extra cases);
        NaN past an event's window.
    phi : variance / mean of the counts, per event (<= 1: Poisson).
    extra : known extra cases per week (an outbreak whose cases the detector is told).
    cases : mean of unknown Poisson extra cases per week (the simulation's outbreak: Poisson(k x sd x p_j),
        independent). Then an alarm finds the event only while cases are still to come (its span runs to its
        last case), and the event exists only with at least one case: ``c_j = P(no case from week j on)``,
        ``s = 1 / P(any case)``. ``cases_total``: the event's expected cases in all weeks, also past the
        window (default: the window's).
    lam : the multipliers; None to minimise over them.

    Returns ``bound`` (the mean over events), ``values`` (per event: its dual value plus ``far * sum(lam)``,
    whose mean over any set of events meeting the false-alarm constraint bounds their detection), ``lam``,
    ``alarm0`` (mean ``P0(tau = j)`` under the optimal rule, as the grid sees it) and ``evaluations``.
    """
    windows = _stopping_windows(np.asarray(m0, float), np.asarray(m1, float), np.broadcast_to(phi, len(m0)),
                                extra, cases, cases_total, tail)
    weeks = windows["weeks"]

    def dual(lam_, step_=step):
        values, alarm0 = _stopping_values(windows, lam_, step_, reach)
        return values.mean() + far * lam_.sum(), far - alarm0.mean(axis=0), values

    seen = []
    if lam is None:
        from scipy.optimize import minimize

        def fun(lam_):
            d, grad, _ = dual(lam_, search_step)
            seen.append((d, lam_.copy()))
            return d, grad

        # the dual is piecewise linear: a quasi-Newton line search can stall at a kink, so restart from the best
        # point while that still gains, and keep the best point seen (no multiplier at all among them)
        fun(np.zeros(weeks))
        start = np.full(weeks, 2.0)
        for _ in range(restarts):
            before = min(seen, key=lambda s: s[0])[0]
            minimize(fun, start, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * weeks, options={"maxiter": 200})
            best, start = min(seen, key=lambda s: s[0])
            if best > before - 1e-7:
                break
        lam = min(seen, key=lambda s: s[0])[1]
    lam = np.asarray(lam, dtype=float)
    d, grad, values = dual(lam)
    return {"bound": float(d), "values": values + far * lam.sum(), "lam": lam, "alarm0": far - grad,
            "evaluations": len(seen)}


def _stopping_windows(m0, m1, phi, extra, cases, cases_total, tail) -> dict:
    """Per event and week: the null pmf, the log likelihood ratio and the P1 mass left out, on a count support."""
    E, W = m0.shape
    active = np.isfinite(m0)
    base0, base1 = np.where(active, m0, 1.0), np.where(active, m1, 1.0)
    extra = np.zeros((E, W)) if extra is None else np.where(active, np.asarray(extra, float), 0.0)
    nu = np.zeros((E, W)) if cases is None else np.where(active, np.asarray(cases, float), 0.0)
    ph = np.broadcast_to(np.asarray(phi, float)[:, None], (E, W))
    # the support: where P1 has all but 2 x tail of its mass (the rest is credited in full below)
    lo, hi = np.zeros((E, W)), np.zeros((E, W))
    for p in np.unique(ph):
        at = ph == p
        d1 = count_distribution(base1[at], float(p))
        lo[at], hi[at] = d1.ppf(tail), d1.isf(tail)
    n_cases = stats.poisson(nu).isf(tail)
    lo, hi = np.maximum(lo - 1, 0) + extra, hi + extra + n_cases
    Y = int((hi - lo).max()) + 1
    X = int(n_cases.max())
    y = lo[..., None] + np.arange(Y)
    log_p0 = count_logpmf(y, base0[..., None], ph[..., None])
    # P1 = the baseline's count convolved with the Poisson cases (x of them), read off one wider pmf
    below = lo[..., None] - extra[..., None] - X
    base = np.exp(count_logpmf(below + np.arange(Y + X), base1[..., None], ph[..., None]))
    p1 = np.zeros(y.shape)
    for x in range(X + 1):
        p1 += stats.poisson.pmf(x, nu)[..., None] * base[..., X - x: X - x + Y]
    inside = (y <= hi[..., None]) & (log_p0 > -700.0)
    p1 = np.where(inside, p1, 0.0)
    with np.errstate(divide="ignore"):
        log_l = np.where(p1 > 0, np.log(np.where(p1 > 0, p1, 1.0)) - log_p0, -np.inf)
    if cases is None:
        cut, scale = np.zeros((E, W)), np.ones(E)
    else:
        total = nu.sum(axis=1) if cases_total is None else np.asarray(cases_total, float)
        before = np.cumsum(nu, axis=1) - nu                   # expected cases in the weeks before j
        cut = np.exp(-(total[:, None] - before))             # P(no case from week j on)
        scale = 1.0 / -np.expm1(-total)
    p0 = np.where(inside, np.exp(log_p0), 0.0)
    missing = np.clip(1.0 - p1.sum(axis=-1), 0.0, 1.0)
    # the slope of V_j: its value without costs at L = 1, by the same recursion
    slope = np.zeros((E, W + 1))
    for j in range(W - 1, -1, -1):
        here = np.maximum(scale[:, None] * (p1[:, j] - cut[:, j, None] * p0[:, j]), slope[:, j + 1, None] * p1[:, j])
        slope[:, j] = np.where(active[:, j], here.sum(axis=-1) + scale * missing[:, j], slope[:, j + 1])
    return {"weeks": W, "p0": p0, "log_l": log_l, "n_y": (hi - lo + 1).astype(np.int64), "active": active,
            "missing": missing, "cut": cut, "scale": scale, "slope": slope}


def _stopping_values(win: dict, lam: np.ndarray, step: float, reach: float):
    """V_0(1) per event for the multipliers ``lam``, and P0(tau = j) per event and week (the dual's gradient)."""
    from models.stopping_kernel import stopping_values
    return stopping_values(win["p0"], win["log_l"], win["n_y"], win["active"], win["missing"], win["cut"],
                           win["scale"], win["slope"], np.asarray(lam, float), int(np.ceil(reach / step)), step)


def causal_bounds(sim: pd.DataFrame, keys: list[str], far: float = 0.01, window: int | None = None,
                  cases: str = "random", after: float = 1e-4, **options) -> tuple[pd.DataFrame, dict]:
    """:func:`causal_bound` on every simulated event, with multipliers common to all of them.

    ``sim`` as for :func:`detection_bounds`. Drifts (no ``outbreak`` cases): the first ``window`` weeks from
    the start, ``m1`` the ``mean`` column. Outbreaks: with ``cases="random"`` (needs a ``k`` column) the
    detector is told the start, the size k and the delays but not the cases, Poisson(k x sd x p_j) in the
    ``j``-th week (:func:`models.simulate.simulate`), over the delays' 20 weeks, cut at the series' end and
    where the chance of a case still to come is at most ``after``: that chance is added to the bound; with
    ``cases="known"`` it is told the event's cases, over its span, as :func:`event_bound` is.

    Returns one row per event (keys, event, start, weeks, ``causal``: its value, whose mean over events
    that meet the false-alarm constraint bounds their detection) and :func:`causal_bound`'s summary.
    """
    ev = sim[sim["event"] > 0].sort_values([*keys, "event", "period_index"])
    groups = list(ev.groupby([*keys, "event"], sort=False))
    drift = not ev["outbreak"].any()
    meta, m0, m1, extra, nu, total, phi, later = [], [], [], [], [], [], [], []
    dens = delay_density()
    series = sim.set_index([*keys, "period_index"])["baseline"]
    for key, part in groups:
        start = int(part["period_index"].iloc[0])
        p = float(part["phi"].iloc[0])
        if drift or cases == "known":
            part = part.iloc[:window] if window else part
            m0.append(part["baseline"].to_numpy())
            m1.append(part["mean"].to_numpy())
            extra.append(part["outbreak"].to_numpy())
        else:
            size = float(part["k"].iloc[0]) * np.sqrt(p * part["baseline"].iloc[0])
            nu_all = size * dens
            left = size * np.append(1.0 - np.cumsum(dens)[:-1], 0.0)  # expected cases after each week
            still = -np.expm1(-left) / -np.expm1(-size)              # P(a case after the week | any case)
            base = series.loc[key[:-1]].loc[start:].to_numpy()[: len(dens)]
            weeks = min(len(base), int(np.argmax(still <= after)) + 1)
            m0.append(base[:weeks])
            m1.append(base[:weeks])
            nu.append(nu_all[:weeks])
            total.append(size)
            later.append(still[weeks - 1])
        phi.append(p)
        meta.append({**dict(zip([*keys, "event"], key)), "start": start, "weeks": len(m0[-1])})
    W = max(len(a) for a in m0)

    def pad(rows):
        return np.array([np.pad(np.asarray(r, float), (0, W - len(r)), constant_values=np.nan) for r in rows])

    random = not drift and cases != "known"
    res = causal_bound(pad(m0), pad(m1), np.array(phi), far=far, extra=None if random else np.nan_to_num(pad(extra)),
                       cases=np.nan_to_num(pad(nu)) if random else None,
                       cases_total=np.array(total) if random else None, **options)
    out = pd.DataFrame(meta)
    out["causal"] = res["values"] + (np.array(later) if random else 0.0)
    return out, {**res, "bound": float(out["causal"].mean())}
