"""Internal consistency of the items that make up one dimension."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

MIN_N_ALPHA = 10


class SmallSampleWarning(UserWarning):
    """A statistic was computed on fewer respondents than it needs to be stable."""


def cronbach_alpha(items: pd.DataFrame, min_n: int = MIN_N_ALPHA) -> float:
    """Cronbach's alpha for one column per item and one row per respondent.

    Respondents with a missing answer on any item are left out (listwise), as
    alpha compares item variances with the variance of the same people's sum
    score. Returns NaN for fewer than two items, fewer than two complete
    respondents or a constant sum score; warns below ``min_n`` respondents
    because alpha is then too unstable to judge a scale by.
    """
    complete = items.apply(pd.to_numeric, errors="coerce").dropna(axis=0, how="any")
    k = complete.shape[1]
    n = complete.shape[0]
    if k < 2 or n < 2:
        return float("nan")
    if n < min_n:
        warnings.warn(
            f"Cronbachs alfa berekend op {n} respondenten (minder dan {min_n}); "
            "de uitkomst is onzeker.",
            SmallSampleWarning,
            stacklevel=2,
        )
    return alpha_of(complete.to_numpy(dtype=float))


def alpha_of(values: np.ndarray) -> float:
    """Alpha of a complete respondents x items array (no missing values); NaN when undefined."""
    n, k = values.shape
    if k < 2 or n < 2:
        return float("nan")
    total_variance = values.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return float("nan")
    item_variances = values.var(axis=0, ddof=1).sum()
    return float(k / (k - 1) * (1 - item_variances / total_variance))
