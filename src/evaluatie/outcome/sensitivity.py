"""Sensitivity of an event study to violations of parallel trends, and the power of the pre-trend test.

Robust intervals follow Rambachan & Roth (2023) with the defaults of the R package HonestDiD: under
relative magnitudes (Delta^RM(Mbar)) the conditional-least-favourable hybrid test of Andrews, Roth & Pakes,
inverted on a grid of values; under smoothness (Delta^SD(M)) the optimal fixed-length interval (FLCI).
Pre-test power follows Roth (2022) and the R package pretrends: the test rejects when any lead is
individually significant. Coefficients are ordered leads first, then lags, the reference period left out,
and the periods are taken to be consecutive. Critical values are normal, as in both R packages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from math import comb
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from evaluatie.outcome.results import _Plain

Restriction = Literal["relative_magnitudes", "smoothness"]
# The relative-magnitudes test enumerates the vertices of its dual: C(2 lags, lags) supports, 184,756 at 10 lags.
MAX_SUPPORTS = 200_000
GRID_EDGE = 20  # HonestDiD's grid for the relative-magnitudes interval: +-20 standard errors around zero


@dataclass(frozen=True)
class RobustInterval(_Plain):
    """A confidence interval for l'tau_post valid whenever the bias lies in the restricted set."""

    restriction: str  # "relative_magnitudes" or "smoothness"
    m: float
    ci_low: float
    ci_high: float
    method: str  # "C-LF" (hybrid) or "FLCI"


@dataclass(frozen=True)
class SensitivityResult(_Plain):
    """Robust intervals over a grid of M, the ordinary interval, and the breakdown value of the conclusion
    that the effect differs from zero (nan when the ordinary interval already contains zero)."""

    restriction: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    intervals: tuple[RobustInterval, ...]
    breakdown: float
    l_vec: tuple[float, ...]
    alpha: float = 0.05

    def to_frame(self) -> pd.DataFrame:
        """One row per M, with the ordinary interval first (M missing)."""
        rows = [(np.nan, self.ci_low, self.ci_high, "original")]
        rows += [(r.m, r.ci_low, r.ci_high, r.method) for r in self.intervals]
        return pd.DataFrame(rows, columns=["m", "ci_low", "ci_high", "method"]).assign(restriction=self.restriction)


@dataclass(frozen=True)
class PretrendPower(_Plain):
    """Power of the pre-trend test against a linear violation, and the slopes the test detects half and
    80 percent of the time: violations smaller than these often pass the test unnoticed."""

    slope: float
    power: float
    slope_50: float
    slope_80: float
    alpha: float = 0.05


def _split(betahat, sigma, num_pre: int, num_post: int, l_vec):
    betahat = np.asarray(betahat, float)
    sigma = np.asarray(sigma, float)
    if betahat.shape != (num_pre + num_post,) or sigma.shape != (len(betahat), len(betahat)):
        raise ValueError("betahat moet num_pre + num_post coëfficiënten hebben en sigma een passende matrix.")
    if num_pre < 1 or num_post < 1:
        raise ValueError("Er is minstens één periode voor en één na de start nodig.")
    l_vec = np.eye(num_post)[0] if l_vec is None else np.asarray(l_vec, float)
    if l_vec.shape != (num_post,):
        raise ValueError(f"l_vec moet {num_post} gewichten hebben (één per periode na de start).")
    return betahat, sigma, l_vec


def original_interval(betahat, sigma, num_pre: int, num_post: int, l_vec=None, alpha: float = 0.05):
    """(estimate, se, ci_low, ci_high) of l'beta_post assuming parallel trends."""
    betahat, sigma, l_vec = _split(betahat, sigma, num_pre, num_post, l_vec)
    est = float(l_vec @ betahat[num_pre:])
    se = float(np.sqrt(l_vec @ sigma[num_pre:, num_pre:] @ l_vec))
    z = stats.norm.ppf(1 - alpha / 2)
    return est, se, est - z * se, est + z * se


# ---------------------------------------------------------------- smoothness: optimal FLCI


def _folded_normal_quantile(p: float, mu: float) -> float:
    """Quantile of |N(mu, 1)|: the critical value of an interval whose estimator has bias up to mu sd."""
    mu = abs(mu)
    return optimize.brentq(lambda c: stats.norm.cdf(c - mu) - stats.norm.cdf(-c - mu) - p,
                           0.0, mu + stats.norm.ppf(p) + 10.0, xtol=1e-12)


def _second_differences(num_pre: int, num_post: int) -> np.ndarray:
    """Second differences of delta with delta_ref = 0 inserted (rows) in terms of delta (columns)."""
    n = num_pre + num_post + 1
    full = np.zeros((n - 2, n))
    for r in range(n - 2):
        full[r, r:r + 3] = (1.0, -2.0, 1.0)
    return np.delete(full, num_pre, axis=1)


def flci(betahat, sigma, num_pre: int, num_post: int, m: float, l_vec=None,
         alpha: float = 0.05) -> tuple[float, float]:
    """Optimal fixed-length interval for l'tau_post under Delta^SD(m).

    Among affine estimators v'betahat with v_post = l_vec, the worst-case bias over Delta^SD(m) is finite
    only if v is orthogonal to linear trends; it is then m*||G v||_1 (G a left inverse of the transposed
    second-difference matrix, by LP duality). For each standard deviation h the least biased v is found,
    and h is chosen to minimise the half-length h * cv(bias / h).
    """
    betahat, sigma, l_vec = _split(betahat, sigma, num_pre, num_post, l_vec)
    c = _second_differences(num_pre, num_post)
    g = np.linalg.solve(c @ c.T, c)
    times = np.r_[np.arange(-num_pre, 0), np.arange(1, num_post + 1)].astype(float)
    t_pre, t_post = times[:num_pre], times[num_pre:]
    s_pp, s_pq = sigma[:num_pre, :num_pre], sigma[:num_pre, num_pre:] @ l_vec
    s_qq = l_vec @ sigma[num_pre:, num_pre:] @ l_vec
    target = -float(t_post @ l_vec)  # t_pre'v_pre must equal this

    def var(v_pre):
        return float(v_pre @ s_pp @ v_pre + 2 * v_pre @ s_pq + s_qq)

    def bias(v_pre):
        return float(np.abs(g @ np.r_[v_pre, l_vec]).sum())

    # smallest variance subject to t_pre'v_pre = target (a quadratic programme with one equality)
    kkt = np.block([[2 * s_pp, t_pre[:, None]], [t_pre[None, :], np.zeros((1, 1))]])
    v_min = np.linalg.solve(kkt, np.r_[-2 * s_pq, target])[:num_pre]
    v_extrapolate = np.zeros(num_pre)  # linear extrapolation from the last lead: least bias
    v_extrapolate[-1] = -target
    if m == 0:
        v_best = v_min
    else:
        gp, gq = g[:, :num_pre], g[:, num_pre:] @ l_vec
        k = g.shape[0]

        def least_bias(h, start):
            x0 = np.r_[start, np.abs(gp @ start + gq)]
            cons = [{"type": "ineq", "fun": lambda x: x[num_pre:] - (gp @ x[:num_pre] + gq)},
                    {"type": "ineq", "fun": lambda x: x[num_pre:] + (gp @ x[:num_pre] + gq)},
                    {"type": "eq", "fun": lambda x: t_pre @ x[:num_pre] - target},
                    {"type": "ineq", "fun": lambda x: (h * h - var(x[:num_pre])) / (h * h)}]
            res = optimize.minimize(lambda x: x[num_pre:].sum(), x0, method="SLSQP", constraints=cons,
                                    jac=lambda x: np.r_[np.zeros(num_pre), np.ones(k)],
                                    options={"ftol": 1e-12, "maxiter": 500})
            return res.x[:num_pre]

        h_lo, h_hi = np.sqrt(var(v_min)), np.sqrt(var(v_extrapolate))
        if h_hi <= h_lo * (1 + 1e-9):
            v_best = v_extrapolate
        else:
            def half_length(h):
                start = v_min + (v_extrapolate - v_min) * (h - h_lo) / (h_hi - h_lo)
                v = least_bias(h, start)
                return _folded_normal_quantile(1 - alpha, m * bias(v) / np.sqrt(var(v))) * np.sqrt(var(v)), v

            h_star = optimize.minimize_scalar(lambda h: half_length(h)[0], bounds=(h_lo, h_hi), method="bounded",
                                              options={"xatol": 1e-10 * h_hi}).x
            v_best = min((half_length(h) for h in (h_lo, h_star, h_hi)), key=lambda hv: hv[0])[1]
    sd = np.sqrt(var(v_best))
    half = _folded_normal_quantile(1 - alpha, m * bias(v_best) / sd) * sd
    centre = float(np.r_[v_best, l_vec] @ betahat)
    return centre - half, centre + half


# ---------------------------------------------------------------- relative magnitudes: ARP hybrid test


def _rm_post_moments(num_pre: int, num_post: int, mbar: float, s: int, positive: bool) -> np.ndarray:
    """Rows A with A delta <= 0 for the post-period first differences of Delta^RM(mbar), given that the
    largest pre-period first difference is the one ending at relative period s (<= 0) with that sign.

    The pre-period rows (that this difference is the largest) do not involve tau and, as in HonestDiD, are
    left out of the test.
    """
    n = num_pre + num_post + 1  # delta with the reference period (index num_pre) still in
    largest = np.zeros(n)
    largest[num_pre + s - 1:num_pre + s + 1] = (-1.0, 1.0)
    if not positive:
        largest = -largest
    rows = []
    for r in range(num_pre, n - 1):
        diff = np.zeros(n)
        diff[r:r + 2] = (-1.0, 1.0)
        rows += [diff - mbar * largest, -diff - mbar * largest]
    return np.delete(np.array(rows), num_pre, axis=1)


@lru_cache(maxsize=32)
def _dual_rays(x_key: bytes, shape: tuple[int, int]) -> np.ndarray:
    """Extreme rays of the cone {g >= 0, g'x = 0}, one per row.

    The ARP statistic max over {g >= 0, g'sd = 1, g'x = 0} of g'y is attained at a vertex, and every vertex
    is an extreme ray of this cone scaled to g'sd = 1. The cone does not depend on sd, and x (the
    post-period moments) depends neither on M nor on where the largest pre-period difference lies, so the
    enumeration is done once for a whole sensitivity analysis.
    """
    x = np.frombuffer(x_key).reshape(shape)
    m, k = shape[0], shape[1] + 1
    if comb(m, k) > MAX_SUPPORTS:
        raise ValueError(f"Met {k} perioden na de start is de toets onder relatieve grootte niet uit te rekenen; "
                         "beperk het aantal perioden (max_lags).")
    supports = np.array(list(combinations(range(m), k)))
    sub = x[supports].transpose(0, 2, 1)  # (n, k - 1, k): the equalities restricted to each support
    _, singular, vh = np.linalg.svd(sub)
    scale = np.maximum(1.0, np.abs(sub).max(axis=(1, 2)))
    full_rank = singular[:, -1] > 1e-10 * scale if k > 1 else np.ones(len(supports), bool)
    ray = vh[:, -1, :]
    ray = ray * np.where(ray.sum(axis=1, keepdims=True) < 0, -1.0, 1.0)
    ray = ray / np.abs(ray).max(axis=1, keepdims=True)
    keep = full_rank & (ray >= -1e-10).all(axis=1)
    out = np.zeros((int(keep.sum()), m))
    np.put_along_axis(out, supports[keep], np.clip(ray[keep], 0, None), axis=1)
    return np.unique(np.round(out, 12), axis=0) if len(out) else out


def _dual_vertices(sd: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Vertices of {g >= 0, g'sd = 1, g'x = 0}: the max over them of g'y is the ARP statistic
    min{eta : y - x t <= eta sd}, so the test and its conditioning sets need no LP per grid value."""
    x = np.ascontiguousarray(x, dtype=float)
    rays = _dual_rays(x.tobytes(), x.shape)
    return rays / (rays @ sd)[:, None]


def _hybrid_accepts(y: np.ndarray, sigma_y: np.ndarray, vertices: np.ndarray, lf_cv: float,
                    alpha: float, kappa: float) -> np.ndarray:
    """Conditional-least-favourable hybrid test (Andrews, Roth & Pakes) for each row of y; True = accept.

    The statistic is eta = max_v v'y. Conditional on the maximising vertex g and on the part of y
    independent of g'y, eta is normal truncated to [vlo, vup] (the values for which g stays optimal), cut
    at the least favourable critical value; the first stage rejects outright above that value.
    """
    values = y @ vertices.T
    best = values.argmax(axis=1)
    eta = values[np.arange(len(y)), best]
    g = vertices[best]
    var_b = np.einsum("ij,jk,ik->i", g, sigma_y, g)
    sd_b = np.sqrt(np.clip(var_b, 0, None))
    accept = eta <= 0
    ok = var_b > 1e-14
    b = (g @ sigma_y)[ok] / var_b[ok, None]
    s = y[ok] - b * eta[ok, None]
    vs, vb = s @ vertices.T, 1 - b @ vertices.T  # v'S <= c (1 - v'b) keeps g optimal
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = vs / vb
    vlo = np.where(vb > 1e-10, ratio, -np.inf).max(axis=1)
    vup = np.where(vb < -1e-10, ratio, np.inf).min(axis=1)
    zlo, zup = vlo / sd_b[ok], np.minimum(vup, lf_cv) / sd_b[ok]
    stat = eta[ok] / sd_b[ok]
    size = (alpha - kappa) / (1 - kappa)
    inside = (zlo <= stat) & (stat <= zup)
    cval = np.maximum(0, stats.truncnorm.ppf(1 - size, np.where(inside, zlo, -1), np.where(inside, zup, 1)))
    accept[ok] = ~inside | (stat <= cval)
    return accept & (eta <= lf_cv)


def relative_magnitudes_ci(betahat, sigma, num_pre: int, num_post: int, mbar: float, l_vec=None,
                           alpha: float = 0.05, grid=None, grid_points: int = 1000, n_sims: int = 1000,
                           seed: int = 0) -> tuple[float, float]:
    """Hybrid confidence interval for l'tau_post under Delta^RM(mbar), HonestDiD's default.

    Delta^RM is a union over where the largest pre-period first difference lies (and its sign); the
    interval is the hull of the values accepted for any of these polyhedra, on HonestDiD's grid
    (``grid_points`` values on +-20 standard errors of the estimate around zero unless ``grid`` = (lo, hi)).
    The least favourable critical value is simulated (``n_sims`` draws), so the ends can move by a grid
    step with the seed; an end at the grid's edge means the interval is open there.
    """
    betahat, sigma, l_vec = _split(betahat, sigma, num_pre, num_post, l_vec)
    kappa = alpha / 10
    sd_theta = np.sqrt(l_vec @ sigma[num_pre:, num_pre:] @ l_vec)
    lo, hi = (-GRID_EDGE * sd_theta, GRID_EDGE * sd_theta) if grid is None else grid
    thetas = np.linspace(lo, hi, grid_points)
    gamma = np.eye(num_post)
    gamma[np.flatnonzero(l_vec)[-1]] = gamma[0]
    gamma[0] = l_vec  # first row l', the rest unit vectors: invertible
    gamma_inv = np.linalg.inv(gamma)
    rng = np.random.default_rng(seed)
    accepted = np.zeros(grid_points, dtype=bool)
    for s in range(-(num_pre - 1), 1):
        for positive in (True, False):
            a = _rm_post_moments(num_pre, num_post, mbar, s, positive)
            a_gamma = a[:, num_pre:] @ gamma_inv
            sigma_y = a @ sigma @ a.T
            sd = np.sqrt(np.diag(sigma_y))
            vertices = _dual_vertices(sd, a_gamma[:, 1:])
            if not len(vertices):  # no feasible dual: the statistic is -inf, nothing is rejected
                accepted[:] = True
                continue
            draws = rng.multivariate_normal(np.zeros(len(sd)), sigma_y, size=n_sims, method="eigh")
            lf_cv = float(np.quantile((draws @ vertices.T).max(axis=1), 1 - kappa))
            y = (a @ betahat)[None, :] - thetas[:, None] * a_gamma[:, 0][None, :]
            accepted |= _hybrid_accepts(y, sigma_y, vertices, lf_cv, alpha, kappa)
    if not accepted.any():
        return float("nan"), float("nan")
    return float(thetas[accepted].min()), float(thetas[accepted].max())


# ---------------------------------------------------------------- sensitivity table and breakdown value


def robust_interval(betahat, sigma, num_pre: int, num_post: int, m: float, restriction: Restriction,
                    l_vec=None, alpha: float = 0.05, **grid) -> RobustInterval:
    """The robust interval under one restriction and one M (``grid`` options go to the RM hybrid)."""
    if m < 0:
        raise ValueError(f"M moet niet-negatief zijn, niet {m}.")
    if restriction == "relative_magnitudes":
        low, high = relative_magnitudes_ci(betahat, sigma, num_pre, num_post, m, l_vec, alpha, **grid)
        return RobustInterval(restriction, m, low, high, "C-LF")
    if restriction == "smoothness":
        low, high = flci(betahat, sigma, num_pre, num_post, m, l_vec, alpha)
        return RobustInterval(restriction, m, low, high, "FLCI")
    raise ValueError(f"Onbekende restrictie {restriction!r}: kies 'relative_magnitudes' of 'smoothness'.")


def breakdown_value(betahat, sigma, num_pre: int, num_post: int, restriction: Restriction, l_vec=None,
                    alpha: float = 0.05, tol: float = 1e-3, **grid) -> float:
    """Smallest M whose robust interval contains zero (to ``tol`` relative to the bracket found).

    nan when the ordinary interval already contains zero; the intervals widen with M, so bisection applies.
    """
    _, _, low, high = original_interval(betahat, sigma, num_pre, num_post, l_vec, alpha)
    if low <= 0 <= high:
        return float("nan")

    def covers_zero(m):
        r = robust_interval(betahat, sigma, num_pre, num_post, m, restriction, l_vec, alpha, **grid)
        return not (r.ci_low > 0 or r.ci_high < 0)

    if covers_zero(0.0):
        return 0.0
    step = 0.5 if restriction == "relative_magnitudes" else float(np.sqrt(np.diag(np.asarray(sigma))).max())
    lo, hi = 0.0, step
    while not covers_zero(hi):
        lo, hi = hi, 2 * hi
    while hi - lo > tol * hi:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if covers_zero(mid) else (mid, hi)
    return hi


def sensitivity(betahat, sigma, num_pre: int, num_post: int, restriction: Restriction, m_grid=None,
                l_vec=None, alpha: float = 0.05, **grid) -> SensitivityResult:
    """Robust intervals over ``m_grid`` (default: Mbar 0..2 by 0.5; M from 0 to twice the largest standard
    error of the leads, six values), the ordinary interval and the breakdown value."""
    betahat, sigma, l_vec = _split(betahat, sigma, num_pre, num_post, l_vec)
    if m_grid is None:
        m_grid = (np.arange(5) * 0.5 if restriction == "relative_magnitudes"
                  else np.linspace(0, 2 * np.sqrt(np.diag(sigma)[:num_pre]).max(), 6))
    rows = tuple(robust_interval(betahat, sigma, num_pre, num_post, float(m), restriction, l_vec, alpha, **grid)
                 for m in m_grid)
    est, se, low, high = original_interval(betahat, sigma, num_pre, num_post, l_vec, alpha)
    return SensitivityResult(restriction, est, se, low, high, rows,
                             breakdown_value(betahat, sigma, num_pre, num_post, restriction, l_vec, alpha, **grid),
                             tuple(float(v) for v in l_vec), alpha)


# ---------------------------------------------------------------- pre-test power (Roth 2022)


PRECISE = 1e-6
"""Absolute error of the normal probabilities, as the reference tests need; a report takes ``REPORTED``:
the 80% slope then moves in the sixth digit and costs a seventh of the time."""
REPORTED = 1e-4


def pretest_power(sigma_pre, delta_pre, alpha: float = 0.05, abseps: float = PRECISE) -> float:
    """Probability that some lead is individually significant when the leads are N(delta_pre, sigma_pre)."""
    sigma_pre = np.atleast_2d(np.asarray(sigma_pre, float))
    bound = stats.norm.ppf(1 - alpha / 2) * np.sqrt(np.diag(sigma_pre))
    inside = stats.multivariate_normal.cdf(bound, np.asarray(delta_pre, float), sigma_pre, allow_singular=True,
                                           maxpts=100_000 * len(bound), abseps=abseps, releps=0,
                                           lower_limit=-bound, rng=np.random.default_rng(0))
    return float(1 - inside)


def slope_for_power(sigma_pre, pre_times, target: float = 0.5, alpha: float = 0.05,
                    abseps: float = PRECISE) -> float:
    """Slope of a linear violation (delta_t = slope * t, t relative to the reference period) against which
    the pre-test has power ``target`` (R ``pretrends::slope_for_power``)."""
    sigma_pre = np.atleast_2d(np.asarray(sigma_pre, float))
    t = np.asarray(pre_times, float)
    upper = 8 * np.sqrt(np.diag(sigma_pre)).max()
    return float(optimize.brentq(lambda b: pretest_power(sigma_pre, b * t, alpha, abseps) - target, 0.0, upper,
                                 xtol=1e-10 * abseps / PRECISE))


def pretrend_power(sigma, num_pre: int, pre_times=None, slope: float | None = None,
                   alpha: float = 0.05, abseps: float = PRECISE) -> PretrendPower:
    """Power against a linear violation of ``slope`` (default: the slope with 50% power) and the slopes
    with 50% and 80% power; ``pre_times`` relative to the reference period (default -num_pre..-1)."""
    sigma_pre = np.asarray(sigma, float)[:num_pre, :num_pre]
    t = np.arange(-num_pre, 0) if pre_times is None else np.asarray(pre_times, float)
    s50, s80 = (slope_for_power(sigma_pre, t, p, alpha, abseps) for p in (0.5, 0.8))
    slope = s50 if slope is None else slope
    return PretrendPower(slope, pretest_power(sigma_pre, slope * t, alpha, abseps), s50, s80, alpha)


# ---------------------------------------------------------------- from an event study


@dataclass(frozen=True)
class EventStudySensitivity(_Plain):
    """Both sensitivity analyses and the pre-test power for one event study, as a report shows them."""

    target: str  # "average" over the lags or "first" lag
    relative_magnitudes: SensitivityResult | None  # None when not asked for
    smoothness: SensitivityResult | None
    pretrend_power: PretrendPower
    event_times: tuple[int, ...]  # leads then lags, as the analyses order them


def window(times, reference: int, max_leads: int | None = None, max_lags: int | None = None):
    """The leads and lags (event times before and after ``reference``) nearest the reference period."""
    pre = [int(t) for t in times if t < reference][-max_leads if max_leads else None:]
    post = [int(t) for t in times if t > reference][:max_lags]
    return pre, post


def sensitivity_for(result, target: Literal["average", "first"] = "average", alpha: float | None = None,
                    seed: int = 0, restrictions: tuple[Restriction, ...] = ("relative_magnitudes", "smoothness"),
                    max_leads: int | None = None, max_lags: int | None = None,
                    covariance: pd.DataFrame | None = None, power_abseps: float = PRECISE) -> EventStudySensitivity:
    """Sensitivity analyses of an ``EventStudyResult`` (or a dynamic aggregation with a covariance), for the
    average of its lags or the first lag, under each of ``restrictions``.

    ``max_leads`` and ``max_lags`` keep the leads and lags nearest the reference period: the target is then
    the average over the first ``max_lags`` lags (long quarterly series would make the test too large).
    ``covariance`` replaces the result's own (rows and columns by event time, covering the window).

    Leads are the event times before the reference period, lags those after it (with anticipation the
    periods between the reference and the start count as lags); it uses the unit-clustered covariance.
    """
    cov = result.covariance if covariance is None else covariance
    if cov is None:
        raise ValueError("Gevoeligheidsanalyse vraagt een covariantie van de gebeurtenistijden (bij Callaway & "
                         "Sant'Anna: de dynamische aggregatie met base_period='universal').")
    times = [int(t) for t in cov.index]
    pre, post = window(times, result.reference, max_leads, max_lags)
    if not pre or not post:
        raise ValueError("Gevoeligheidsanalyse vraagt minstens één lead en één lag naast de referentieperiode.")
    if sorted(pre + post + [result.reference]) != list(range(pre[0], post[-1] + 1)):
        raise ValueError("Gevoeligheidsanalyse vraagt aaneengesloten gebeurtenistijden; er ontbreken coëfficiënten.")
    if target not in ("average", "first"):
        raise ValueError(f"target moet 'average' of 'first' zijn, niet {target!r}.")
    order = pre + post
    betahat = result.table.set_index("event_time").loc[order, "estimate"].to_numpy(float)
    sigma = cov.loc[order, order].to_numpy(float)
    l_vec = np.full(len(post), 1 / len(post)) if target == "average" else np.eye(len(post))[0]
    alpha = result.alpha if alpha is None else alpha
    args = (betahat, sigma, len(pre), len(post))
    return EventStudySensitivity(
        target=target,
        relative_magnitudes=(sensitivity(*args, "relative_magnitudes", l_vec=l_vec, alpha=alpha, seed=seed)
                             if "relative_magnitudes" in restrictions else None),
        smoothness=sensitivity(*args, "smoothness", l_vec=l_vec, alpha=alpha) if "smoothness" in restrictions else None,
        pretrend_power=pretrend_power(sigma, len(pre), np.array(pre) - result.reference, alpha=alpha,
                                      abseps=power_abseps),
        event_times=tuple(order),
    )
