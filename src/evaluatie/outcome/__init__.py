"""Outcome evaluation: difference-in-differences estimators, inference and diagnostics."""

from evaluatie.outcome.results import EffectResult
from evaluatie.outcome.twfe import estimate_twfe

__all__ = ["EffectResult", "estimate_twfe"]
