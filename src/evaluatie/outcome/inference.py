"""Inference with few treated clusters: wild cluster bootstrap and randomisation (placebo-in-space) inference.

Both work on the within-transformed design (Frisch-Waugh-Lovell), so no draw refits the regression.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from evaluatie.outcome._fwl import Residualizer
from evaluatie.outcome.results import EffectResult

AUTO_MIN_TREATED = 10
"""Rule for ``inference="auto"``: with fewer treated clusters than this, cluster-robust standard errors are
too optimistic (MacKinnon & Webb 2017), so randomisation inference leads and the wild cluster bootstrap is
shown next to it; otherwise clustered standard errors are used."""

MAX_EXACT_ASSIGNMENTS = 20_000
WEBB_BELOW_CLUSTERS = 12


@dataclass(frozen=True)
class InferenceProblem:
    """A regression y = tau*d + nuisance + fixed effects, plus how treatment was assigned to clusters.

    Treatment is assigned per cluster as a path over ``tcode``: d_i = paths[label[cluster_i], tcode_i].
    ``group_in_design`` adds the dummy "cluster ever treated" to the nuisance (the 2x2 without unit effects).
    """

    y: np.ndarray
    d: np.ndarray
    nuisance: np.ndarray | None
    fe: list
    weights: np.ndarray | None
    clusters: np.ndarray
    tcode: np.ndarray
    paths: np.ndarray
    cluster_label: np.ndarray
    group_in_design: bool = False

    @property
    def n_clusters(self) -> int:
        return len(self.cluster_label)

    @property
    def treated_clusters(self) -> int:
        return int((np.abs(self.paths[self.cluster_label]).sum(axis=1) > 0).sum())

    def group_of(self, labels: np.ndarray) -> np.ndarray:
        ever = (np.abs(self.paths) > 0).any(axis=1).astype(float)
        return ever[labels][self.clusters]

    def d_of(self, labels: np.ndarray) -> np.ndarray:
        return self.paths[labels[self.clusters], self.tcode]


def _full_nuisance(problem: InferenceProblem, labels: np.ndarray) -> np.ndarray | None:
    parts = [] if problem.nuisance is None else [problem.nuisance]
    if problem.group_in_design:
        parts.append(problem.group_of(labels)[:, None])
    return np.column_stack(parts) if parts else None


# ---------------------------------------------------------------------------------------------------------
# Wild cluster bootstrap (restricted, WCR), with confidence interval by test inversion
# ---------------------------------------------------------------------------------------------------------


def _webb_weights(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    values = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
    return values[rng.integers(0, 6, size=size)]


def wild_cluster_bootstrap(problem: InferenceProblem, n_draws: int, seed: int, alpha: float) -> dict:
    """WCR bootstrap-t p-value for tau = 0 and a CI by inverting the bootstrap test (as Stata's boottest).

    Webb six-point weights are used with fewer than 12 clusters, Rademacher otherwise.
    """
    n = len(problem.y)
    w = np.ones(n) if problem.weights is None else problem.weights
    resid = Residualizer(problem.fe, _full_nuisance(problem, problem.cluster_label), problem.weights, n)
    dt = resid(problem.d)
    yt = resid(problem.y)
    denom = float(dt @ (w * dt))
    beta = float(dt @ (w * yt)) / denom
    n_cl = problem.n_clusters
    ind = sparse.csr_matrix((np.ones(n), (np.arange(n), problem.clusters)), shape=(n, n_cl))
    wd = w * dt
    d_h = ind.T @ (wd * dt)

    def cross(z: np.ndarray) -> np.ndarray:
        """A[h, c] = sum_{i in h} w_i dt_i [M z^(c)]_i, computed in chunks of clusters."""
        out = np.empty((n_cl, n_cl))
        chunk = max(1, int(2e7 // max(n, 1)))
        for start in range(0, n_cl, chunk):
            cols = np.arange(start, min(n_cl, start + chunk))
            mask = np.isin(problem.clusters, cols)
            z_c = np.zeros((n, len(cols)))
            rows = np.flatnonzero(mask)
            z_c[rows, problem.clusters[rows] - start] = z[rows]
            out[:, cols] = ind.T @ (wd[:, None] * resid(z_c))
        return out

    a_y, a_d = cross(yt), cross(dt)
    s_y, s_d = ind.T @ (wd * yt), ind.T @ (wd * dt)
    rng = np.random.default_rng(seed)
    if n_cl < WEBB_BELOW_CLUSTERS:
        v = _webb_weights(rng, (n_draws, n_cl))
        kind = "Webb"
    else:
        v = rng.choice([-1.0, 1.0], size=(n_draws, n_cl))
        kind = "Rademacher"
    e_obs = yt - beta * dt
    se_obs = np.sqrt(np.sum((ind.T @ (wd * e_obs)) ** 2)) / denom

    def p_value(tau: float) -> float:
        num = v @ (s_y - tau * s_d) / denom  # beta* - tau
        scores = v @ (a_y - tau * a_d).T - num[:, None] * d_h[None, :]
        se_b = np.sqrt((scores**2).sum(axis=1)) / denom
        t_b = num / se_b
        t_obs = (beta - tau) / se_obs
        return float(np.mean(np.abs(t_b) >= abs(t_obs) - 1e-12))

    p0 = p_value(0.0)
    lo = _invert(p_value, beta, se_obs, alpha, -1)
    hi = _invert(p_value, beta, se_obs, alpha, +1)
    return {"p_value": p0, "ci_low": lo, "ci_high": hi, "weights": kind, "n_draws": n_draws, "beta": beta}


def _invert(p_value, beta: float, scale: float, alpha: float, side: int) -> float:
    """Boundary of {tau: p(tau) > alpha} on one side of the estimate, by bracketing and bisection."""
    if not np.isfinite(scale) or scale <= 0:
        return float("nan")
    inner, step = beta, scale
    outer = beta + side * step
    for _ in range(60):
        if p_value(outer) <= alpha:
            break
        inner, step = outer, step * 2
        outer = beta + side * step
    else:
        return float(side * np.inf)
    for _ in range(40):
        mid = (inner + outer) / 2
        if p_value(mid) > alpha:
            inner = mid
        else:
            outer = mid
        if abs(outer - inner) < 1e-7 * scale:
            break
    return float((inner + outer) / 2)


# ---------------------------------------------------------------------------------------------------------
# Randomisation inference: reassign the observed treatment paths among the clusters
# ---------------------------------------------------------------------------------------------------------


def n_assignments(labels: np.ndarray) -> int:
    """Number of distinct ways to give the clusters these treatment paths (a multinomial coefficient)."""
    _, counts = np.unique(labels, return_counts=True)
    total = math.factorial(len(labels))
    for c in counts:
        total //= math.factorial(int(c))
    return total


def _enumerate_assignments(labels: np.ndarray):
    """Every distinct arrangement of the multiset of labels, the most common label filling the rest."""
    values, counts = np.unique(labels, return_counts=True)
    order = np.argsort(-counts)
    filler, others = values[order[0]], [(values[i], counts[i]) for i in order[1:]]
    n = len(labels)

    def rec(free: tuple[int, ...], rest):
        if not rest:
            yield {}
            return
        (value, count), tail = rest[0], rest[1:]
        for chosen in itertools.combinations(free, int(count)):
            remaining = tuple(i for i in free if i not in set(chosen))
            for sub in rec(remaining, tail):
                yield {**sub, value: chosen}

    for placement in rec(tuple(range(n)), others):
        out = np.full(n, filler)
        for value, idx in placement.items():
            out[list(idx)] = value
        yield out


def _ri_interval(beta_b: np.ndarray, c_b: np.ndarray, obs: float, extra: int, alpha: float) -> tuple[float, float]:
    """Bounds of {tau: p(tau) > alpha} by a sweep over the points where a draw's verdict changes.

    Draw b counts against tau when (beta_b - tau c_b)^2 >= (obs - tau)^2, a quadratic inequality in tau, so
    each draw switches at most twice; sorting the switches gives p(tau) on every segment in O(B log B).
    """
    qa, qb, qc = c_b**2 - 1, -2 * (beta_b * c_b - obs), beta_b**2 - obs**2
    tol = 1e-10 * (1 + obs**2 + np.abs(beta_b) ** 2)
    quad = np.abs(qa) > 1e-12
    lin = ~quad & (np.abs(qb) > 1e-12)
    # verdict at tau -> -infinity
    start = np.where(quad, qa > 0, np.where(lin, qb < 0, qc >= -tol))
    points, deltas = [], []
    disc = qb**2 - 4 * qa * qc
    two = quad & (disc > 0)
    root = np.sqrt(np.where(two, disc, 0.0))
    r1 = np.where(two, (-qb - np.sign(qa) * root) / (2 * np.where(quad, qa, 1)), 0)
    r2 = np.where(two, (-qb + np.sign(qa) * root) / (2 * np.where(quad, qa, 1)), 0)
    low, high = np.minimum(r1, r2)[two], np.maximum(r1, r2)[two]
    up = qa[two] < 0  # hits between the roots
    points += [low, high]
    deltas += [np.where(up, 1, -1), np.where(up, -1, 1)]
    points.append(-qc[lin] / qb[lin])
    deltas.append(np.where(qb[lin] > 0, 1, -1))
    pts, dl = np.concatenate(points), np.concatenate(deltas)
    order = np.argsort(pts, kind="stable")
    pts, dl = pts[order], dl[order]
    counts = start.sum() + np.concatenate([[0], np.cumsum(dl)])
    p = (counts + extra) / (len(beta_b) + extra)
    ok = p > alpha  # segment i lies between pts[i-1] and pts[i]
    if not ok.any():
        return float("nan"), float("nan")
    first, last = np.flatnonzero(ok)[[0, -1]]
    lo = -np.inf if first == 0 else float(pts[first - 1])
    hi = np.inf if last == len(pts) else float(pts[last])
    return lo, hi


def randomization_inference(problem: InferenceProblem, n_draws: int, seed: int, alpha: float) -> dict:
    """Placebo-in-space test: the observed estimate against estimates with treatment given to other clusters.

    Exact enumeration when the number of distinct assignments is at most ``MAX_EXACT_ASSIGNMENTS``,
    otherwise ``n_draws`` random permutations. The CI inverts the test of a constant effect tau (sharp null);
    the statistic is linear in tau, so the boundaries are found exactly among the crossing points.
    """
    n = len(problem.y)
    w = np.ones(n) if problem.weights is None else problem.weights
    total = n_assignments(problem.cluster_label)
    exact = total <= MAX_EXACT_ASSIGNMENTS
    if exact:
        assignments = _enumerate_assignments(problem.cluster_label)
    else:
        rng = np.random.default_rng(seed)
        assignments = (rng.permutation(problem.cluster_label) for _ in range(n_draws))
    betas, cs = [], []
    fixed = None if problem.group_in_design else Residualizer(problem.fe, problem.nuisance, problem.weights, n)
    chunk = max(1, int(1e7 // max(n, 1)))
    while True:
        batch = list(itertools.islice(assignments, chunk))
        if not batch:
            break
        if fixed is not None:
            dmat = problem.paths[np.stack(batch)[:, problem.clusters], problem.tcode].T
            dt = fixed(dmat)
            denom = np.einsum("ij,ij->j", dt, w[:, None] * dt)
            betas.append((dt.T @ (w * problem.y)) / denom)
            cs.append((dt.T @ (w * problem.d)) / denom)
        else:
            for lab in batch:
                dt = Residualizer(problem.fe, _full_nuisance(problem, lab), problem.weights, n)(problem.d_of(lab))
                denom = float(dt @ (w * dt))
                betas.append(np.array([dt @ (w * problem.y) / denom]))
                cs.append(np.array([dt @ (w * problem.d) / denom]))
    beta_b, c_b = np.concatenate(betas), np.concatenate(cs)
    resid_obs = (fixed or Residualizer(problem.fe, _full_nuisance(problem, problem.cluster_label),
                                       problem.weights, n))(problem.d)
    obs_beta = float(resid_obs @ (w * problem.y)) / float(resid_obs @ (w * resid_obs))
    extra = 0 if exact else 1  # random draws: count the observed assignment once (Phipson & Smyth 2010)

    def p_value(tau: float) -> float:
        hits = np.abs(beta_b - tau * c_b) >= abs(obs_beta - tau) - 1e-10 * (1 + abs(obs_beta))
        return float((hits.sum() + extra) / (len(beta_b) + extra))

    spread = float(np.std(beta_b))
    lo, hi = _ri_interval(beta_b, c_b, obs_beta, extra, alpha)
    return {
        "p_value": p_value(0.0), "ci_low": lo, "ci_high": hi, "se": spread, "exact": exact,
        "n_assignments": total, "n_draws": len(beta_b), "beta": obs_beta,
        "placebo_estimates": beta_b,
    }


# ---------------------------------------------------------------------------------------------------------
# Choosing and labelling the inference of a result
# ---------------------------------------------------------------------------------------------------------


def _ri_result(base: EffectResult, ri: dict, reason: str) -> EffectResult:
    how = (f"exact: alle {ri['n_assignments']} mogelijke toewijzingen" if ri["exact"]
           else f"{ri['n_draws']} willekeurige toewijzingen")
    warnings = list(base.warnings)
    if ri["n_assignments"] < 20:
        warnings.append(
            f"Er zijn maar {ri['n_assignments']} mogelijke toewijzingen van de aanpak aan eenheden: "
            "de randomisatietoets kan dan nooit significant zijn op 5%."
        )
    return replace(base, se=ri["se"], ci_low=ri["ci_low"], ci_high=ri["ci_high"], p_value=ri["p_value"],
                   inference="randomization", inference_reason=f"{reason} Randomisatie-inferentie ({how}); "
                   "de standaardfout is de spreiding van de placebo-schattingen.", warnings=tuple(warnings))


def run_inference(base: EffectResult, problem: InferenceProblem, inference: str, n_draws: int,
                  seed: int) -> EffectResult:
    """Replace the analytic inference of ``base`` by the requested resampling inference."""
    if n_draws < 99:
        raise ValueError(f"n_draws={n_draws} is te weinig; gebruik minstens 99 (standaard 999).")
    alpha = base.alpha
    analytic_row = (base.inference, base.se, base.ci_low, base.ci_high, base.p_value)
    if inference == "wild_bootstrap":
        wb = wild_cluster_bootstrap(problem, n_draws, seed, alpha)
        return replace(base, ci_low=wb["ci_low"], ci_high=wb["ci_high"], p_value=wb["p_value"],
                       inference="wild_bootstrap",
                       inference_reason=f"Wild cluster bootstrap ({wb['weights']}-gewichten, {n_draws} trekkingen, "
                       "nulhypothese opgelegd); het interval is de omkering van de bootstraptoets. De standaardfout "
                       "is de geclusterde.",
                       other_inference=(analytic_row,))
    if inference == "randomization":
        ri = randomization_inference(problem, n_draws, seed, alpha)
        return replace(_ri_result(base, ri, "Gevraagd."), other_inference=(analytic_row,))
    if inference == "auto":
        n_tr = problem.treated_clusters
        if n_tr >= AUTO_MIN_TREATED:
            return replace(base, inference_reason=f"Automatisch gekozen: {n_tr} behandelde clusters (minstens "
                           f"{AUTO_MIN_TREATED}), dus geclusterde standaardfouten zijn betrouwbaar genoeg.")
        ri = randomization_inference(problem, n_draws, seed, alpha)
        wb = wild_cluster_bootstrap(problem, n_draws, seed, alpha)
        reason = (f"Automatisch gekozen: slechts {n_tr} behandelde clusters (minder dan {AUTO_MIN_TREATED}); "
                  "geclusterde standaardfouten zijn dan te optimistisch.")
        out = _ri_result(base, ri, reason)
        wb_row = ("wild_bootstrap", base.se, wb["ci_low"], wb["ci_high"], wb["p_value"])
        return replace(out, other_inference=(wb_row, analytic_row))
    raise ValueError(
        f"Onbekende inferentie '{inference}'; kies uit 'cluster', 'wild_bootstrap', 'randomization' of 'auto'."
    )
