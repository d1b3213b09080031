"""Group-time effects ATT(g,t) of Callaway & Sant'Anna (2021) on a unit x period array.

One implementation serves the estimate and randomisation inference: ``att_for_labels`` takes a batch of
cohort assignments and several outcome layers at once (the outcome, the treatment indicator, the outcome
with the estimated effects taken out), so placebo assignments cost a few matrix products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from linearmodels.iv import IV2SLS

from evaluatie.outcome._logit import fit_logit

NEVER = -1  # cohort code of never-treated units


@dataclass(frozen=True)
class Cells:
    """The (cohort, period, base period) triples that ATT(g,t) are estimated for, as period positions."""

    cohort: np.ndarray
    time: np.ndarray
    base: np.ndarray

    def __len__(self) -> int:
        return len(self.cohort)


@dataclass(frozen=True)
class Settings:
    control_group: str
    base_period: str
    anticipation: int
    est_method: str


def cells_for(cohorts: np.ndarray, n_periods: int, settings: Settings) -> Cells:
    """Every cell of every cohort: pre periods against the previous period ("varying") or all periods
    against the last period before the (anticipated) start ("universal")."""
    rows = []
    for gi in cohorts:
        ref = gi - settings.anticipation - 1
        for ti in range(n_periods):
            if settings.base_period == "varying" and ti < gi - settings.anticipation:
                if ti > 0:
                    rows.append((gi, ti, ti - 1))
            elif ti != ref:
                rows.append((gi, ti, ref))
    cohort, time, base = (np.array(c, dtype=int) for c in zip(*rows))
    return Cells(cohort, time, base)


def _control_mask(cells: Cells, groups: np.ndarray, settings: Settings) -> np.ndarray:
    """groups x cells: whether units of each cohort code (NEVER first) are comparison units of the cell."""
    latest = np.maximum(cells.time, cells.base) + settings.anticipation
    mask = np.zeros((len(groups), len(cells)), dtype=bool)
    for k, g in enumerate(groups):
        if g == NEVER:
            mask[k] = True
        elif settings.control_group == "not_yet_treated":
            mask[k] = (g > latest) & (g != cells.cohort)
    return mask


def changes(y: np.ndarray, cells: Cells) -> np.ndarray:
    """Outcome changes per unit and cell, units x cells (x layers): y(t) - y(base)."""
    return y[:, cells.time] - y[:, cells.base]


def att_for_labels(dy: np.ndarray, labels: np.ndarray, w: np.ndarray, cells: Cells, cohorts: np.ndarray,
                   settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """ATT(g,t) without covariates (difference of weighted mean changes) for a batch of assignments.

    ``dy`` is units x cells x layers (NaN where a unit is not seen in both periods), ``labels`` draws x units
    of cohort codes. Returns att (draws x cells x layers, NaN for empty cells) and the treated and
    comparison weights summed per cell (draws x cells x 2).
    """
    seen = ~np.isnan(dy[:, :, 0])
    dy0 = np.where(np.isnan(dy), 0.0, dy)
    n, n_cells, n_layers = dy.shape
    groups = np.concatenate([[NEVER], cohorts])
    sums = np.empty((len(groups), len(labels), n_cells, n_layers))
    counts = np.empty((len(groups), len(labels), n_cells))
    for k, g in enumerate(groups):
        member = (labels == g) * w[None, :]
        sums[k] = (member @ dy0.reshape(n, -1)).reshape(len(labels), n_cells, n_layers)
        counts[k] = member @ seen
    own = np.searchsorted(groups, cells.cohort)
    idx = np.arange(n_cells)
    treat_sum, treat_n = sums[own, :, idx, :].transpose(1, 0, 2), counts[own, :, idx].T
    ctrl = _control_mask(cells, groups, settings).astype(float)
    ctrl_sum = np.einsum("gbjl,gj->bjl", sums, ctrl)
    ctrl_n = np.einsum("gbj,gj->bj", counts, ctrl)
    with np.errstate(invalid="ignore", divide="ignore"):
        att = treat_sum / treat_n[:, :, None] - ctrl_sum / ctrl_n[:, :, None]
    empty = (treat_n <= 0) | (ctrl_n <= 0)
    att[empty] = np.nan
    return att, np.stack([treat_n, ctrl_n], axis=-1)


def influence(dy: np.ndarray, labels: np.ndarray, w: np.ndarray, cells: Cells, cohorts: np.ndarray,
              settings: Settings, att: np.ndarray) -> np.ndarray:
    """Influence function per unit and cell of the no-covariate ATT(g,t), scaled so var = sum of squares."""
    seen = ~np.isnan(dy)
    dy0 = np.where(seen, dy, 0.0)
    groups = np.concatenate([[NEVER], cohorts])
    ctrl_mask = _control_mask(cells, groups, settings)
    treat = (labels[:, None] == cells.cohort[None, :]) & seen
    ctrl = ctrl_mask[np.searchsorted(groups, labels)] & seen
    wt, wc = w[:, None] * treat, w[:, None] * ctrl
    st, sc = wt.sum(axis=0), wc.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mt, mc = (wt * dy0).sum(axis=0) / st, (wc * dy0).sum(axis=0) / sc
        inf = wt * (dy0 - mt) / st - wc * (dy0 - mc) / sc
    return np.where(np.isnan(att)[None, :], 0.0, inf)


def _cell_or(dy, x, w, treat, ctrl):
    """Outcome-regression DiD for one (g,t) cell (Sant'Anna & Zhao 2020, panel), with its influence function.

    Returns the estimate and the influence function on the cell's units (treat | ctrl), where x includes
    an intercept.
    """
    wt, wc = w * treat, w * ctrl
    c = ctrl > 0
    fit = IV2SLS(dy[c], x[c], None, None, weights=w[c]).fit(cov_type="unadjusted")
    beta = np.asarray(fit.params)
    pred = x @ beta
    mt = wt.mean()
    eta_t = (wt * dy).sum() / wt.sum()
    eta_c = (wt * pred).sum() / wt.sum()
    xpx = (wc[:, None] * x).T @ x / len(dy)
    lin_rep = (wc * (dy - pred))[:, None] * x @ np.linalg.pinv(xpx)
    m1 = (wt[:, None] * x).mean(axis=0)
    inf_treat = wt * (dy - eta_t) / mt
    inf_ctrl = (wt * (pred - eta_c) + lin_rep @ m1) / mt
    return eta_t - eta_c, inf_treat - inf_ctrl


def _cell_dr(dy, x, w, treat, ctrl):
    """Doubly robust DiD for one (g,t) cell (Sant'Anna & Zhao 2020, panel; R did's default), with its influence
    function: outcome regression on the comparison units plus inverse-probability weights from a logit."""
    n = len(dy)
    _, ps, info_inv = fit_logit(x, treat, w)
    ps = np.minimum(ps, 1 - 1e-6)
    c = ctrl > 0
    fit = IV2SLS(dy[c], x[c], None, None, weights=w[c]).fit(cov_type="unadjusted")
    pred = x @ np.asarray(fit.params)
    wt = w * treat
    wc = w * ps * ctrl / (1 - ps)
    resid = dy - pred
    eta_t = (wt * resid).mean() / wt.mean()
    eta_c = (wc * resid).mean() / wc.mean()
    xpx = ((w * ctrl)[:, None] * x).T @ x / n
    lin_rep_ols = ((w * ctrl * resid)[:, None] * x) @ np.linalg.pinv(xpx)
    lin_rep_ps = (w * (treat - ps))[:, None] * x @ (info_inv * n)
    inf_treat = (wt * resid - wt * eta_t - lin_rep_ols @ (wt[:, None] * x).mean(axis=0)) / wt.mean()
    m2 = (wc * (resid - eta_c))[:, None] * x
    inf_ctrl = (wc * resid - wc * eta_c + lin_rep_ps @ m2.mean(axis=0)
                - lin_rep_ols @ (wc[:, None] * x).mean(axis=0)) / wc.mean()
    return eta_t - eta_c, inf_treat - inf_ctrl


CELL_ESTIMATORS = {"dr": _cell_dr, "reg": _cell_or}


def att_with_covariates(dy: np.ndarray, xs_base: np.ndarray, labels: np.ndarray, w: np.ndarray, cells: Cells,
                        cohorts: np.ndarray, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """ATT(g,t) with covariates (measured in each cell's base period), one assignment, every layer.

    Returns att (cells x layers) and the influence function of the first layer (units x cells).
    """
    groups = np.concatenate([[NEVER], cohorts])
    ctrl_mask = _control_mask(cells, groups, settings)
    seen = ~np.isnan(dy[:, :, 0])
    treat = (labels[:, None] == cells.cohort[None, :]) & seen
    ctrl = ctrl_mask[np.searchsorted(groups, labels)] & seen
    att = np.full((len(cells), dy.shape[2]), np.nan)
    inf = np.zeros((len(labels), len(cells)))
    estimator = CELL_ESTIMATORS[settings.est_method]
    for j in np.flatnonzero(treat.any(axis=0) & ctrl.any(axis=0)):
        cell = treat[:, j] | ctrl[:, j]
        x = np.column_stack([np.ones(cell.sum()), xs_base[cell, j, :]])
        for layer in range(dy.shape[2]):
            att[j, layer], cell_inf = estimator(dy[cell, j, layer], x, w[cell], treat[cell, j].astype(float),
                                                ctrl[cell, j].astype(float))
            if layer == 0:
                inf[cell, j] = cell_inf / cell.sum()
    return att, inf
