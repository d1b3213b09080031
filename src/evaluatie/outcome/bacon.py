"""Goodman-Bacon (2021) decomposition: TWFE under staggered timing as a weighted average of 2x2 comparisons.

It shows how much of a TWFE estimate rests on comparisons that use already-treated units as controls; with
effects that change over time those comparisons are biased, even of the wrong sign.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FORBIDDEN = "later vs eerder behandeld"


@dataclass(frozen=True)
class BaconResult:
    """The 2x2 comparisons with their weights; ``forbidden_weight`` is the share with already-treated controls."""

    table: pd.DataFrame  # type, treated, control, estimate, weight
    twfe: float
    forbidden_weight: float

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def bacon_decomposition(y: np.ndarray, d: np.ndarray, periods: np.ndarray | None = None) -> BaconResult:
    """Decompose TWFE for a balanced panel ``y`` (units x periods) with absorbing binary treatment ``d``.

    Raises ValueError when treatment switches off or is not 0/1: the decomposition assumes absorbing adoption.
    """
    y, d = np.asarray(y, float), np.asarray(d, float)
    if np.isnan(y).any():
        raise ValueError("De Goodman-Bacon-decompositie vraagt een compleet (gebalanceerd) panel.")
    if not np.isin(d, (0.0, 1.0)).all() or (np.diff(d, axis=1) < 0).any():
        raise ValueError("De Goodman-Bacon-decompositie vraagt een behandeling die 0/1 is en niet stopt.")
    n_units, n_t = y.shape
    periods = np.arange(n_t) if periods is None else np.asarray(periods)
    start = np.where(d.any(axis=1), d.argmax(axis=1), n_t)  # n_t = never treated
    groups = np.unique(start)
    share = {g: float((start == g).mean()) for g in groups}
    dbar = {g: (n_t - g) / n_t for g in groups}
    pos = np.searchsorted(groups, start)
    sums = np.bincount((pos[:, None] * n_t + np.arange(n_t)[None, :]).ravel(), weights=y.ravel(),
                       minlength=len(groups) * n_t).reshape(len(groups), n_t)
    sizes = np.bincount(pos, minlength=len(groups))
    means = {g: sums[i] / sizes[i] for i, g in enumerate(groups)}

    def did(treat, ctrl, pre, post):
        change_treat = means[treat][post].mean() - means[treat][pre].mean()
        return change_treat - (means[ctrl][post].mean() - means[ctrl][pre].mean())

    t = np.arange(n_t)
    rows = []
    timing = [g for g in groups if g < n_t]
    if n_t in groups:
        for k in timing:
            if 0 < k:
                nk, nu = share[k], share[n_t]
                nku = nk / (nk + nu)
                w = (nk + nu) ** 2 * nku * (1 - nku) * dbar[k] * (1 - dbar[k])
                rows.append(("behandeld vs nooit behandeld", k, n_t, did(k, n_t, t < k, t >= k), w))
    for i, k in enumerate(timing):
        for l in timing[i + 1:]:
            nk, nl = share[k], share[l]
            nkl = nk / (nk + nl)
            dk, dl = dbar[k], dbar[l]
            w_early = ((nk + nl) * (1 - dl)) ** 2 * nkl * (1 - nkl) * (dk - dl) / (1 - dl) * (1 - dk) / (1 - dl)
            if w_early > 0:
                window = t < l
                rows.append(("eerder vs later behandeld", k, l,
                             did(k, l, (t < k) & window, (t >= k) & window), w_early))
            w_late = ((nk + nl) * dk) ** 2 * nkl * (1 - nkl) * dl / dk * (dk - dl) / dk
            if w_late > 0:
                window = t >= k
                rows.append((FORBIDDEN, l, k, did(l, k, (t < l) & window, (t >= l) & window), w_late))
    table = pd.DataFrame(rows, columns=["type", "treated", "control", "estimate", "weight"])
    table["weight"] /= table["weight"].sum()
    label = {g: (periods[g] if g < n_t else "nooit") for g in groups}
    table["treated"] = table["treated"].map(label)
    table["control"] = table["control"].map(label)
    twfe = float(table["estimate"] @ table["weight"])
    forbidden = float(table.loc[table["type"] == FORBIDDEN, "weight"].sum())
    return BaconResult(table=table, twfe=twfe, forbidden_weight=forbidden)
