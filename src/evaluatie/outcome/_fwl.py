"""Frisch-Waugh-Lovell residualising: project many columns off fixed effects and covariates at once.

Resampling methods (wild bootstrap, randomisation inference) need the treatment coefficient for hundreds of
variations of one regression; projecting once and reusing the within-transformed design avoids refitting.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


class Residualizer:
    """Weighted (W-orthogonal) annihilator of absorbed fixed effects plus dense nuisance columns."""

    def __init__(
        self,
        fe: list[np.ndarray],
        nuisance: np.ndarray | None,
        weights: np.ndarray | None,
        n: int,
        tol: float = 1e-11,
        max_iter: int = 5000,
    ):
        self.n = n
        self.w = np.ones(n) if weights is None else np.asarray(weights, float)
        self.tol = tol
        self.max_iter = max_iter
        self._fe = []
        # One sweep is exact for two factors that are fully crossed (a balanced panel) when the weights are
        # constant within the levels of the first factor (e.g. population per unit).
        self._one_sweep = len(fe) == 1 or (len(fe) == 2 and self._crossed(fe[0], fe[1], self.w))
        for codes in fe:
            codes = np.asarray(codes)
            k = int(codes.max()) + 1
            self._fe.append((codes, np.bincount(codes, weights=self.w, minlength=k)))
        self._sparse: list | None = None  # indicator matrices, built only for many columns at once
        self._z = None
        if nuisance is not None and nuisance.size:
            z = self._demean(np.asarray(nuisance, float).reshape(n, -1))
            sw = np.sqrt(self.w)[:, None]
            # Drop columns the fixed effects absorb, then orthonormalise in the weighted metric.
            q, r = np.linalg.qr(z * sw)
            keep = np.abs(np.diag(r)) > 1e-9 * max(1.0, np.abs(np.diag(r)).max())
            self._z = q[:, keep] / sw if keep.any() else None

    @staticmethod
    def _crossed(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> bool:
        a, b = np.asarray(a), np.asarray(b)
        na, nb = int(a.max()) + 1, int(b.max()) + 1
        if na * nb != len(a) or np.bincount(a * nb + b, minlength=na * nb).max() != 1:
            return False
        first = np.zeros(na)
        first[a] = w
        return bool(np.allclose(w, first[a]))

    def _group_means(self, j: int, wv: np.ndarray) -> np.ndarray:
        """Weighted means of each column of ``wv`` (already weighted) within the levels of factor ``j``."""
        codes, wsum = self._fe[j]
        if wv.shape[1] <= 8:  # a few columns: bincount beats building sparse indicator matrices
            sums = np.column_stack([np.bincount(codes, weights=wv[:, c], minlength=len(wsum))
                                    for c in range(wv.shape[1])])
        else:
            if self._sparse is None:
                self._sparse = [sparse.csr_matrix((np.ones(self.n), (np.arange(self.n), c)), shape=(self.n, len(ws))).T
                                .tocsr() for c, ws in self._fe]
            sums = self._sparse[j] @ wv
        return sums / wsum[:, None]

    def _demean(self, v: np.ndarray) -> np.ndarray:
        if not self._fe:
            return v.copy()
        v = v.copy()
        for it in range(self.max_iter):
            change = 0.0
            for j, (codes, _) in enumerate(self._fe):
                means = self._group_means(j, v * self.w[:, None])
                v -= means[codes]
                change = max(change, float(np.abs(means).max()) if means.size else 0.0)
            if self._one_sweep or change < self.tol:
                break
        return v

    def __call__(self, v: np.ndarray) -> np.ndarray:
        """Residuals of each column of ``v`` after weighted least squares on the nuisance space."""
        one_d = v.ndim == 1
        v = self._demean(np.asarray(v, float).reshape(self.n, -1))
        if self._z is not None:
            v -= self._z @ (self._z.T @ (v * self.w[:, None]))
        return v[:, 0] if one_d else v
