"""Outcome evaluation: difference-in-differences estimators, inference, control groups, diagnostics, translation."""

from evaluatie.outcome.bacon import BaconResult, bacon_decomposition
from evaluatie.outcome.design import (
    MatchResult,
    SyntheticControlResult,
    match_controls,
    never_treated_units,
    pre_period_features,
    restrict_to_controls,
    synthetic_control,
)
from evaluatie.outcome.diagnostics import (
    alternative_controls,
    check_data,
    flag_indicator,
    leave_one_out,
    minimum_detectable_effect,
    placebo_start,
)
from evaluatie.outcome.did2x2 import estimate_2x2
from evaluatie.outcome.event_study import EventStudyResult, estimate_event_study
from evaluatie.outcome.results import EffectResult
from evaluatie.outcome.staggered import AggregateResult, StaggeredResult, estimate_staggered
from evaluatie.outcome.translate import Translation, settle_shared_savings, translate_effect, who_pays_who_saves
from evaluatie.outcome.twfe import estimate_twfe

__all__ = [
    "AggregateResult", "BaconResult", "EffectResult", "EventStudyResult", "MatchResult", "StaggeredResult",
    "SyntheticControlResult", "Translation", "alternative_controls", "bacon_decomposition", "check_data",
    "estimate_2x2", "estimate_event_study", "estimate_staggered", "estimate_twfe", "flag_indicator",
    "leave_one_out", "match_controls", "minimum_detectable_effect", "never_treated_units", "placebo_start",
    "pre_period_features", "restrict_to_controls", "settle_shared_savings", "synthetic_control",
    "translate_effect", "who_pays_who_saves",
]
