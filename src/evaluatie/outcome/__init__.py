"""Outcome evaluation: difference-in-differences estimators, inference and diagnostics."""

from evaluatie.outcome.bacon import BaconResult, bacon_decomposition
from evaluatie.outcome.did2x2 import estimate_2x2
from evaluatie.outcome.event_study import EventStudyResult, estimate_event_study
from evaluatie.outcome.results import EffectResult
from evaluatie.outcome.staggered import AggregateResult, StaggeredResult, estimate_staggered
from evaluatie.outcome.twfe import estimate_twfe

__all__ = [
    "AggregateResult", "BaconResult", "EffectResult", "EventStudyResult", "StaggeredResult", "bacon_decomposition",
    "estimate_2x2", "estimate_event_study", "estimate_staggered", "estimate_twfe",
]
