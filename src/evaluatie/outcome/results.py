"""Results objects: plain frozen dataclasses that reports read instead of raw models."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats


def normal_or_t_interval(estimate: float, se: float, alpha: float, df: float | None) -> tuple[float, float, float]:
    """(ci_low, ci_high, p_value) from a t (df given) or normal reference distribution."""
    if not np.isfinite(se) or se <= 0:
        return float("nan"), float("nan"), float("nan")
    dist = stats.t(df) if df is not None and np.isfinite(df) else stats.norm()
    crit = dist.ppf(1 - alpha / 2)
    p = 2 * dist.sf(abs(estimate / se))
    return estimate - crit * se, estimate + crit * se, float(p)


@dataclass(frozen=True)
class EffectResult:
    """One average effect with its uncertainty, the sample behind it and how it was obtained.

    ``inference_reason`` says in plain Dutch why this inference was used, so the report can state it.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n_units: int
    n_treated: int
    n_obs: int
    method: str
    inference: str
    inference_reason: str = ""
    warnings: tuple[str, ...] = ()
    outcome: str = ""
    alpha: float = 0.05
    label: str = "effect"
    other_inference: tuple[tuple[str, float, float, float, float], ...] = field(default=())

    @property
    def att(self) -> float:
        """Average effect on the treated (the name the DiD literature uses)."""
        return self.estimate

    def to_frame(self) -> pd.DataFrame:
        """One row per inference method; the first row is the headline inference."""
        rows = [(self.inference, self.se, self.ci_low, self.ci_high, self.p_value)]
        rows += list(self.other_inference)
        return pd.DataFrame(
            {
                "outcome": self.outcome,
                "method": self.method,
                "label": self.label,
                "estimate": self.estimate,
                "se": [r[1] for r in rows],
                "ci_low": [r[2] for r in rows],
                "ci_high": [r[3] for r in rows],
                "p_value": [r[4] for r in rows],
                "inference": [r[0] for r in rows],
                "inference_reason": [self.inference_reason] + [""] * (len(rows) - 1),
                "n_units": self.n_units,
                "n_treated": self.n_treated,
                "n_obs": self.n_obs,
                "alpha": self.alpha,
                "warnings": " | ".join(self.warnings),
            }
        )
