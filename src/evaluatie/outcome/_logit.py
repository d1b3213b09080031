"""Weighted logistic regression by Newton-Raphson (linearmodels has no binary-choice model)."""

from __future__ import annotations

import numpy as np


def fit_logit(x: np.ndarray, t: np.ndarray, w: np.ndarray | None = None, ridge: float = 0.0,
              max_iter: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients, fitted probabilities and the inverse information matrix of P(t=1 | x).

    ``x`` must include an intercept column. A small ``ridge`` keeps coefficients finite under separation
    (a handful of treated units), at the cost of a slightly shrunk score.
    """
    w = np.ones(len(t)) if w is None else w
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    beta = np.zeros(x.shape[1])
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -35, 35)))
        grad = x.T @ (w * (t - p)) - penalty @ beta
        info = (x * (w * p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(info, grad)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -35, 35)))
    info = (x * (w * p * (1 - p))[:, None]).T @ x + penalty
    return beta, p, np.linalg.inv(info)
