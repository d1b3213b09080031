"""Outcome evaluation: difference-in-differences estimators, inference, control groups, diagnostics, translation.

Estimators return frozen results objects (estimate/att, se, ci_low, ci_high, p_value, n_units, n_treated,
method, inference with its reason, Dutch warnings, ``to_frame()``); reports read those, never raw models.

- ``estimate_2x2``: group x post, repeated cross-section (OLS SEs by default) or panel (unit effects).
- ``estimate_twfe``: unit and period effects, unit-clustered SEs as Stata prints them; warns under staggered
  timing with the Goodman-Bacon weight on comparisons with already-treated units.
- ``estimate_event_study``: leads/lags around each unit's start, reference -1, binned ends, F pre-trend test.
- ``estimate_staggered``: Callaway & Sant'Anna ATT(g,t) and ``.aggregate("simple"|"group"|"dynamic"|
  "calendar")`` with influence-function SEs and simultaneous bands. Use it whenever starts are staggered.
- Few treated clusters: ``inference="wild_bootstrap"``, ``"randomization"`` or ``"auto"`` (rule in
  ``inference.AUTO_MIN_TREATED``).
- Control groups (``design``), diagnostics (``diagnostics``) and steering-group translation (``translate``).

Validated in tests/outcome against Wooldridge Example 13.3/Table 13.2 and 13.4 and the R did results for
mpdta (Callaway & Sant'Anna 2021); see benchmarks/ for simulations, reference comparisons and speed.
"""

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
