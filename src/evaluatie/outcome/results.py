"""Results objects: frozen dataclasses that reports and notebooks read instead of raw models.

Every result shares one base (``Result``): the recorded call, the sample, the inference with its
machine-readable code and Dutch reason, and the Dutch warnings; it displays itself as text (``summary``)
and as an HTML table in a notebook (``_repr_html_``), and has ``to_frame()`` and ``plot()``.
Numbers are plain Python floats and ints, so results print, compare and serialise without numpy.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, fields
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

InferenceMethod = Literal["ols", "robust", "cluster", "wild_bootstrap", "randomization"]
InferenceCode = Literal["requested", "auto_few_treated", "auto_enough_treated", "auto_no_clusters"]
"""Why the headline inference was used: asked for, or chosen by the rule in ``inference.choose_inference``."""


def _plain(value):
    """numpy scalars (also inside tuples) as plain Python numbers."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


class _Plain:
    """Mixin for frozen dataclasses: numpy scalars in fields become Python numbers on construction."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            plain = _plain(value)
            if plain is not value:
                object.__setattr__(self, f.name, plain)


def normal_or_t_interval(estimate: float, se: float, alpha: float, df: float | None) -> tuple[float, float, float]:
    """(ci_low, ci_high, p_value) from a t (df given) or normal reference distribution."""
    if not np.isfinite(se) or se <= 0:
        return float("nan"), float("nan"), float("nan")
    dist = stats.t(df) if df is not None and np.isfinite(df) else stats.norm()
    crit = dist.ppf(1 - alpha / 2)
    p = 2 * dist.sf(abs(estimate / se))
    return float(estimate - crit * se), float(estimate + crit * se), float(p)


@dataclass(frozen=True)
class Call(_Plain):
    """The call that produced a result: what a methods section states and what reproduces the estimate."""

    estimator: str
    outcome: str
    unit: str | None = None
    time: str | None = None
    treatment: str | None = None  # treated column, start cohort column, or "group x post"
    weights: str | None = None
    covariates: tuple[str, ...] = ()
    cluster: str | None = None
    control_group: str | None = None
    inference: str = "cluster"  # as asked for; "auto" is resolved in the result's ``inference``
    n_draws: int | None = None
    seed: int = 0
    alpha: float = 0.05
    anticipation: int = 0

    def __str__(self) -> str:
        args = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)[1:]
                if getattr(self, f.name) not in (None, (), "")]
        return f"{self.estimator}({', '.join(args)})"


@dataclass(frozen=True)
class InferenceRow(_Plain):
    """One way of judging the uncertainty of an estimate; ``informative`` is False where the method is known
    to say little for this design (e.g. clustered standard errors with a handful of treated units)."""

    method: str
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    informative: bool = True
    reason: str = ""


@dataclass(frozen=True, kw_only=True, repr=False)
class Result(_Plain):
    """Fields and display shared by all results; subclasses add their estimates and a ``to_frame``."""

    outcome: str = ""
    method: str = ""
    n_units: int = 0
    n_treated: int = 0
    alpha: float = 0.05
    inference: str = "cluster"
    inference_code: str = "requested"
    inference_reason: str = ""
    warnings: tuple[str, ...] = ()
    call: Call | None = field(default=None, repr=False)

    title = "result"

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _display_frame(self) -> pd.DataFrame:
        """The table that ``summary`` and ``_repr_html_`` show (default: ``to_frame``)."""
        return self.to_frame()

    def _facts(self) -> list[tuple[str, str]]:
        facts = [("outcome", self.outcome), ("method", self.method),
                 ("units", f"{self.n_units} (treated {self.n_treated})"), ("alpha", f"{self.alpha:g}"),
                 ("inference", f"{self.inference} ({self.inference_code})")]
        if self.inference_reason:
            facts.append(("inference reason", self.inference_reason))
        if self.call is not None:
            facts.append(("call", str(self.call)))
        return facts

    @property
    def summary(self) -> str:
        """Plain-text summary: what was estimated, how, the table, and the warnings."""
        lines = [self.title, "=" * len(self.title)]
        width = max(len(k) for k, _ in self._facts())
        lines += [f"{k.ljust(width)}  {v}" for k, v in self._facts()]
        lines += ["", self._display_frame().to_string(index=False, float_format=lambda v: f"{v:.4g}")]
        if self.warnings:
            lines += ["", "warnings:"] + [f"- {w}" for w in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        facts = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
                        f"{html.escape(str(v))}</td></tr>" for k, v in self._facts())
        table = self._display_frame().to_html(index=False, float_format=lambda v: f"{v:.4g}", border=0)
        warn = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        return (f"<div><strong>{html.escape(self.title)}</strong><table>{facts}</table>{table}"
                + (f"<p>warnings:</p><ul>{warn}</ul>" if warn else "") + "</div>")

    def _short(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.method} {self.outcome!r}{self._short()}>"


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 3.5))
    return ax


def plot_rows(ax, x, estimate, low, high, band_low=None, band_high=None, xlabel: str = "", title: str = ""):
    """Estimates with their intervals (and simultaneous band) against ``x``; zero line; returns the Axes."""
    ax = _axes(ax)
    x, estimate = np.asarray(x, float), np.asarray(estimate, float)
    if band_low is not None:
        ax.fill_between(x, band_low, band_high, alpha=0.15, color="C0", linewidth=0, label="simultaneous band")
    ax.errorbar(x, estimate, yerr=[estimate - np.asarray(low, float), np.asarray(high, float) - estimate],
                fmt="o", color="C0", capsize=3, label="estimate and interval")
    ax.axhline(0, color="0.4", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax


@dataclass(frozen=True, kw_only=True, repr=False)
class EffectResult(Result):
    """One average effect with its uncertainty, the sample behind it and how it was obtained.

    ``other_inference`` holds the other inferences computed for the same estimate; the report shows only
    those marked ``informative``. The effect scaled to full participation is the evaluation's
    (``evaluation.Headline.full_participation``), from the params' ``treatment.intensity``.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n_obs: int = 0
    label: str = "effect"
    other_inference: tuple[InferenceRow, ...] = ()
    inference_details: tuple[tuple[str, object], ...] = ()

    title = "Difference-in-differences estimate"

    @property
    def att(self) -> float:
        """Average effect on the treated (the name the DiD literature uses)."""
        return self.estimate

    @property
    def details(self) -> dict:
        """Facts of the headline inference (draws, exact or not, number of assignments, bootstrap weights)."""
        return dict(self.inference_details)

    def to_frame(self) -> pd.DataFrame:
        """One row per inference method; the first row is the headline inference."""
        rows = [InferenceRow(self.inference, self.se, self.ci_low, self.ci_high, self.p_value, True,
                             self.inference_reason), *self.other_inference]
        return pd.DataFrame({
            "outcome": self.outcome, "method": self.method, "label": self.label, "estimate": self.estimate,
            "se": [r.se for r in rows], "ci_low": [r.ci_low for r in rows], "ci_high": [r.ci_high for r in rows],
            "p_value": [r.p_value for r in rows], "inference": [r.method for r in rows],
            "informative": [r.informative for r in rows], "inference_reason": [r.reason for r in rows],
            "n_units": self.n_units, "n_treated": self.n_treated, "n_obs": self.n_obs, "alpha": self.alpha,
            "warnings": " | ".join(self.warnings),
        })

    def _display_frame(self) -> pd.DataFrame:
        return self.to_frame()[["inference", "estimate", "se", "ci_low", "ci_high", "p_value", "informative"]]

    def _short(self) -> str:
        return (f" estimate={self.estimate:.4g} [{self.ci_low:.4g}, {self.ci_high:.4g}] p={self.p_value:.3g}"
                f" ({self.inference})")

    def plot(self, ax=None):
        """The estimate with the interval of every inference computed (headline first)."""
        frame = self.to_frame()
        ax = _axes(ax)
        y = np.arange(len(frame))[::-1]
        ax.errorbar(frame["estimate"], y, xerr=[frame["estimate"] - frame["ci_low"],
                                                frame["ci_high"] - frame["estimate"]], fmt="o", capsize=3)
        ax.set_yticks(y, frame["inference"])
        ax.axvline(0, color="0.4", linewidth=0.8)
        ax.set_xlabel(f"effect on {self.outcome}" if self.outcome else "effect")
        ax.set_title(self.method)
        return ax
