"""Outcome evaluation: difference-in-differences estimators, inference and diagnostics."""

from evaluatie.outcome.did2x2 import estimate_2x2
from evaluatie.outcome.results import EffectResult
from evaluatie.outcome.staggered import AggregateResult, StaggeredResult, estimate_staggered
from evaluatie.outcome.twfe import estimate_twfe

__all__ = ["AggregateResult", "EffectResult", "StaggeredResult", "estimate_2x2", "estimate_staggered",
           "estimate_twfe"]
