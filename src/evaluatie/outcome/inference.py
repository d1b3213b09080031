"""Inference with few treated clusters: the rule for ``inference="auto"``, the wild cluster bootstrap and
randomisation (placebo-in-space) inference, shared by every estimator.

The regression estimators (2x2, TWFE) resample on the within-transformed design (Frisch-Waugh-Lovell), so no
draw refits the regression; the event study and Callaway & Sant'Anna reuse the assignment draws, the
placebo-table summaries and the multiplier bootstrap defined here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal, get_args

import numpy as np
from scipy import sparse, stats

from evaluatie.outcome._fwl import Residualizer
from evaluatie.outcome.results import EffectResult, InferenceRow

Inference = Literal["auto", "cluster", "wild_bootstrap", "randomization"]
INFERENCES: tuple[str, ...] = get_args(Inference)

AUTO_MIN_TREATED = 10
"""With fewer treated clusters than this, ``inference="auto"`` uses randomisation inference: cluster-robust
standard errors (and the influence-function standard errors of Callaway & Sant'Anna, which are the same
sandwich) are too optimistic there (MacKinnon & Webb 2017; benchmarks/sim_inference.py); from this number on
it uses clustered standard errors with a t(G-1) reference."""

WILD_BOOTSTRAP_MIN_TREATED = 4
"""Below this many treated clusters the restricted wild cluster bootstrap essentially never rejects (its
intervals are tens of times wider with one treated unit; MacKinnon & Webb 2017, 2018), so it is not shown as
a second opinion."""

MAX_EXACT_ASSIGNMENTS = 5_000
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
        return int(self._treated.sum())

    @property
    def _treated(self) -> np.ndarray:
        return np.abs(self.paths[self.cluster_label]).sum(axis=1) > 0

    @property
    def effective_treated(self) -> float | None:
        """Kish's effective number of treated clusters from the weights (None without weights)."""
        if self.weights is None:
            return None
        per_cluster = np.bincount(self.clusters, weights=self.weights, minlength=self.n_clusters)
        return effective_number(per_cluster[self._treated])

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
    assignments, exact, total = assignment_draws(problem.cluster_label, n_draws, seed)
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
    return {**sharp_null_test(obs_beta, beta_b, c_b, exact, alpha), "exact": exact, "n_assignments": total,
            "n_draws": len(beta_b), "beta": obs_beta, "placebo_estimates": beta_b}


# ---------------------------------------------------------------------------------------------------------
# Assignment draws and placebo summaries shared by the event study and Callaway & Sant'Anna
# ---------------------------------------------------------------------------------------------------------


def assignment_draws(labels: np.ndarray, n_draws: int, seed: int) -> tuple[Iterator[np.ndarray], bool, int]:
    """Reassignments of ``labels`` (start cohorts per unit or cluster) keeping the size of every cohort.

    Every distinct assignment when there are at most ``MAX_EXACT_ASSIGNMENTS``, else ``n_draws`` random
    permutations. Returns the draws, whether they are exhaustive, and the number of distinct assignments.
    """
    total = n_assignments(labels)
    if total <= MAX_EXACT_ASSIGNMENTS:
        return _enumerate_assignments(labels), True, total
    rng = np.random.default_rng(seed)
    return (rng.permutation(labels) for _ in range(n_draws)), False, total


def sharp_null_test(obs: float, beta_b: np.ndarray, c_b: np.ndarray, exact: bool, alpha: float) -> dict:
    """p-value of "no effect", its interval (the constant effects tau not rejected) and the null spread.

    ``beta_b`` are the placebo estimates of the statistic, ``c_b`` the statistic of the observed treatment
    under each placebo assignment (the statistic is linear in the outcome, so under the sharp null "effect
    tau" a placebo estimate is beta_b - tau * c_b and the observed one obs - tau).
    """
    extra = 0 if exact else 1  # random draws: count the observed assignment once (Phipson & Smyth 2010)
    hits = np.abs(beta_b) >= abs(obs) - 1e-10 * (1 + abs(obs))
    lo, hi = _ri_interval(beta_b, c_b, obs, extra, alpha)
    return {"p_value": float((hits.sum() + extra) / (len(beta_b) + extra)), "ci_low": lo, "ci_high": hi,
            "se": float(np.std(beta_b - obs * c_b))}


def placebo_table(estimates: np.ndarray, errors: np.ndarray, identity: np.ndarray, alpha: float) -> dict:
    """Per row: spread, interval, p-value and a simultaneous band from placebo estimation errors.

    ``errors`` (draws x rows) are the placebo estimates on the outcome with every estimated effect taken
    out of the treated units, i.e. draws of the estimation error under the design's own assignment
    mechanism. Row k's interval is estimate_k -/+ the r-th largest |error_k| among the other assignments, r =
    floor(alpha (others + 1)), so that it excludes zero exactly when the p-value is at most alpha (unbounded
    when r = 0: no p-value can be that small); the band uses the quantile of the largest standardised
    |error| over the rows. ``identity`` marks the draws that are the
    observed assignment: with the effects taken out their error says nothing about chance, so the p-value
    counts the observed assignment once as at least as extreme as itself, (hits among the others + 1) /
    (others + 1); without that count a test over every assignment rejects one rank too often.
    """
    others = ~np.asarray(identity, bool)
    spread = errors.std(axis=0)
    absolute = np.abs(errors)
    allowed = math.floor(alpha * (others.sum() + 1) + 1e-9)
    quant = (-np.sort(-absolute[others], axis=0)[allowed - 1] if allowed >= 1
             else np.full(errors.shape[1], np.inf))
    hits = (absolute[others] >= np.abs(estimates)[None, :] - 1e-12).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(spread > 0, absolute / spread, 0.0).max(axis=1)
    crit = float(np.quantile(scaled, 1 - alpha, method="higher")) if len(scaled) else float("nan")
    return {"se": spread, "ci_low": estimates - quant, "ci_high": estimates + quant,
            "p_value": (hits + 1) / (others.sum() + 1), "crit": crit}


def multiplier_bootstrap(psi: np.ndarray, estimates: np.ndarray, n_draws: int, seed: int, alpha: float) -> dict:
    """Multiplier bootstrap of influence functions by cluster, as R did's ``bstrap=TRUE`` (Mammen weights).

    ``psi`` is clusters x rows, scaled so that the analytic variance is the column sum of squares. The
    standard error is the interquartile range of the draws over that of the normal; the band's critical
    value is the (1 - alpha) quantile of the largest |draw| / se over the rows (the sup-t band).
    """
    rng = np.random.default_rng(seed)
    golden = np.sqrt(5)
    low, high = (1 - golden) / 2, (1 + golden) / 2
    v = np.where(rng.random((n_draws, psi.shape[0])) < (golden + 1) / (2 * golden), low, high)
    draws = v @ psi
    q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0)
    se = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    crit_n = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(se > 0, np.abs(draws) / se, 0.0).max(axis=1)
        p = 2 * stats.norm.sf(np.abs(estimates / se))
    return {"se": se, "ci_low": estimates - crit_n * se, "ci_high": estimates + crit_n * se, "p_value": p,
            "crit": float(np.quantile(scaled, 1 - alpha))}


# ---------------------------------------------------------------------------------------------------------
# The rule for "auto", written once, and the Dutch reasons that go with each choice
# ---------------------------------------------------------------------------------------------------------


def validate_inference(inference: str, allowed: tuple[str, ...] = INFERENCES) -> str:
    """Refuse an unknown inference name with the list of valid ones (Dutch, for the evaluator)."""
    if inference not in allowed:
        raise ValueError(f"Onbekende inferentie '{inference}'; kies uit {', '.join(repr(a) for a in allowed)}.")
    return inference


@dataclass(frozen=True)
class InferenceChoice:
    """Which inference leads, why (code and Dutch reason), and which others to compute beside it."""

    lead: str
    code: str
    reason: str
    beside: tuple[str, ...] = ()


def informative(method: str, n_treated: int) -> bool:
    """Whether ``method`` says something useful with this many treated clusters (shown beside the headline)."""
    if method in ("cluster", "ols", "robust"):
        return n_treated >= AUTO_MIN_TREATED
    if method == "wild_bootstrap":
        return n_treated >= WILD_BOOTSTRAP_MIN_TREATED
    return True


def effective_number(cluster_weights: np.ndarray) -> float:
    """Kish's effective number of clusters, (sum w)^2 / sum w^2: unequal (population) weights make a few
    large clusters dominate, and clustered standard errors then behave as with that many clusters."""
    w = np.asarray(cluster_weights, float)
    return float(w.sum() ** 2 / (w**2).sum()) if len(w) else 0.0


def choose_inference(inference: str, n_treated: int, second_opinion: str | None = "wild_bootstrap",
                     effective_treated: float | None = None) -> InferenceChoice:
    """The rule for ``inference="auto"`` (once, for every estimator): fewer than ``AUTO_MIN_TREATED`` treated
    clusters -> randomisation inference, otherwise clustered standard errors. With weights the count is the
    effective number of treated clusters (``effective_number`` of their weights) when that is smaller. With
    few treated clusters the
    estimator's ``second_opinion`` (the restricted wild cluster bootstrap of the regressions) is computed
    beside it from ``WILD_BOOTSTRAP_MIN_TREATED`` treated clusters on; estimators whose bootstrap is only a
    resampled version of the clustered standard errors pass ``None``. A named inference is used as is.
    """
    validate_inference(inference)
    if inference != "auto":
        return InferenceChoice(inference, "requested", "Gevraagd.")
    weighted = effective_treated is not None and effective_treated < min(n_treated, AUTO_MIN_TREATED) <= n_treated
    if n_treated >= AUTO_MIN_TREATED and not weighted:
        return InferenceChoice("cluster", "auto_enough_treated",
                               f"Automatisch gekozen: {n_treated} behandelde clusters (minstens {AUTO_MIN_TREATED}), "
                               "dus geclusterde standaardfouten zijn betrouwbaar genoeg.")
    if weighted:
        reason = (f"Automatisch gekozen: {n_treated} behandelde clusters, maar door de ongelijke gewichten "
                  f"effectief {effective_treated:.1f} (minder dan {AUTO_MIN_TREATED}); geclusterde "
                  "standaardfouten zijn dan te optimistisch.")
    else:
        reason = (f"Automatisch gekozen: slechts {n_treated} behandelde clusters (minder dan {AUTO_MIN_TREATED}); "
                  "geclusterde standaardfouten zijn dan te optimistisch.")
    if second_opinion and informative(second_opinion, n_treated):
        return InferenceChoice("randomization", "auto_few_treated", reason, (second_opinion,))
    if second_opinion:
        reason += (" De wild cluster bootstrap staat er niet naast: met minder dan "
                   f"{WILD_BOOTSTRAP_MIN_TREATED} behandelde clusters verwerpt die vrijwel nooit.")
    return InferenceChoice("randomization", "auto_few_treated", reason)


def randomization_reason(exact: bool, n_assignments_total: int, n_draws: int, what: str) -> str:
    how = (f"exact: alle {n_assignments_total} mogelijke toewijzingen" if exact
           else f"{n_draws} willekeurige toewijzingen")
    return f"Randomisatie-inferentie ({how}; {what}); de standaardfout is de spreiding van de placebo-schattingen."


def few_assignments_warning(n_assignments_total: int, alpha: float) -> list[str]:
    if n_assignments_total * alpha >= 1:
        return []
    return [f"Er zijn maar {n_assignments_total} mogelijke toewijzingen van de aanpak aan eenheden: "
            f"de randomisatietoets kan dan nooit significant zijn op {alpha:.0%}."]


def run_inference(base: EffectResult, problem: InferenceProblem, inference: str, n_draws: int,
                  seed: int) -> EffectResult:
    """Replace the analytic inference of ``base`` (2x2, TWFE) by the inference the rule or the caller chose."""
    if n_draws < 99:
        raise ValueError(f"n_draws={n_draws} is te weinig; gebruik minstens 99 (standaard 999).")
    n_tr = problem.treated_clusters
    choice = choose_inference(inference, n_tr, effective_treated=problem.effective_treated)
    alpha = base.alpha
    rows: dict[str, InferenceRow] = {"cluster": InferenceRow(base.inference, base.se, base.ci_low, base.ci_high,
                                                             base.p_value, informative(base.inference, n_tr),
                                                             base.inference_reason)}
    details: dict = {}
    warnings = list(base.warnings)
    for method in (choice.lead, *choice.beside):
        if method == "wild_bootstrap":
            wb = wild_cluster_bootstrap(problem, n_draws, seed, alpha)
            rows[method] = InferenceRow(
                method, base.se, wb["ci_low"], wb["ci_high"], wb["p_value"], informative(method, n_tr),
                f"Wild cluster bootstrap ({wb['weights']}-gewichten, {n_draws} trekkingen, nulhypothese opgelegd); "
                "het interval is de omkering van de bootstraptoets. De standaardfout is de geclusterde.")
            if method == choice.lead:
                details = {"n_draws": n_draws, "bootstrap_weights": wb["weights"]}
        elif method == "randomization":
            ri = randomization_inference(problem, n_draws, seed, alpha)
            rows[method] = InferenceRow(method, ri["se"], ri["ci_low"], ri["ci_high"], ri["p_value"], True,
                                        randomization_reason(ri["exact"], ri["n_assignments"], ri["n_draws"],
                                                             "de behandelpaden herschikt over de clusters"))
            warnings += few_assignments_warning(ri["n_assignments"], alpha)
            if method == choice.lead:
                details = {"n_draws": ri["n_draws"], "exact": ri["exact"], "n_assignments": ri["n_assignments"]}
    lead = rows.pop(choice.lead)
    others = [rows.pop(m) for m in choice.beside] + list(rows.values())
    reason = lead.reason if choice.code == "requested" else f"{choice.reason} {lead.reason}"
    return replace(base, se=lead.se, ci_low=lead.ci_low, ci_high=lead.ci_high, p_value=lead.p_value,
                   inference=choice.lead, inference_code=choice.code, inference_reason=reason,
                   warnings=tuple(warnings), other_inference=tuple(others),
                   inference_details=tuple(details.items()))
