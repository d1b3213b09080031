"""Outcome evaluation of a whole study in codes and numbers: per indicator the headline effect, the
event-time table, the diagnostics, a verdict, whether the change is favourable, and the cautions.

The report (``evaluatie.report``) writes the Dutch sentences from these codes; nothing here is prose,
so overviews and the report cannot drift apart. Rules (documented here because the wording follows them):

- Design: one start period for all treated units -> two-way fixed effects (unit and period effects,
  population weights) with ``inference="auto"`` (the rule in ``inference.AUTO_MIN_TREATED``).
  Staggered starts -> Callaway & Sant'Anna with never-treated comparison units, simple aggregation.
  The params' ``outcome.inference`` and ``outcome.control_group`` override both defaults; the start
  (``treatment.anticipation``) and the controls (matching) come from the analysis frame (``frames``).
- Partial participation (``treatment.intensity`` below 1): beside the effect of taking part, the effect
  scaled to full participation, assuming the effect is proportional to the share taking part.
- ``control_group.method: synthetic_control``: a synthetic control of the participants (averaged when
  there are several) beside the estimate, for a design with one start.
- Beside the headline only an informative second opinion: the wild cluster bootstrap with at least
  ``inference.WILD_BOOTSTRAP_MIN_TREATED`` treated units. With fewer it almost never rejects (its intervals are
  many times wider than the randomisation interval with one treated unit), so it is withheld and the
  methods say why.
- Placebo start: the same model on pre-start data only, with the start moved ``k`` periods earlier
  (k = half the pre-periods, 1 to 3), inference by randomisation. p < 0.01: the trends already diverged
  before the start, the verdict is "onbetrouwbaar"; p < 0.10: caution ``placebo_weak``.
- Verdict: "te_weinig" when no estimate is possible or there is no pre- or post-period;
  "onbetrouwbaar" as above; otherwise "gestegen"/"gedaald" when the interval excludes zero and
  "geen_verschil" when it includes zero.
- Parallel trends, for a shown effect: how far the trends after the start may diverge, relative to the
  largest divergence between consecutive periods before it, before the average effect after the start is
  no longer shown (the breakdown value of Rambachan & Roth 2023, relative magnitudes). Below 1 (a
  divergence no larger than one already seen undoes the conclusion): caution ``trends_fragile``; at 0
  (not shown on average even with equal trends) ``trends_none``. A synthetic control that does not back a
  shown effect: ``synthetic_unsupported``. Beside
  it the linear pre-trend the pre-start test catches 80% of the time
  (Roth 2022). From the event study (Callaway & Sant'Anna: its dynamic aggregation with a universal base
  period): the unit-clustered correlations with the standard errors of the headline's inference.
- Assessment of a shown change by the catalogue's direction: "gunstig", "ongunstig", "ambigu" (the
  direction is ambiguous) or "budgeteffect" (the initiative steers the indicator itself).
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from evaluatie.data.study import Study
from evaluatie.outcome import estimate_event_study, estimate_staggered, estimate_twfe
from evaluatie.outcome.design import MatchResult, SyntheticControlResult, synthetic_control
from evaluatie.outcome.diagnostics import leave_one_out, placebo_start
from evaluatie.outcome.frames import estimation_frame, indicator_frame, matching
from evaluatie.outcome.sensitivity import GRID_EDGE, REPORTED, sensitivity_for, window
from evaluatie.outcome.inference import AUTO_MIN_TREATED, choose_inference, effective_number, informative
from evaluatie.memo import remembered
from evaluatie.params import Indicator, IndicatorChoice

PACKAGE = Path(__file__).resolve().parents[1]
# What a library's message about a failed fit means, in the words a steering group can read.
LIBRARY_REASONS = (
    (("column rank", "singular", "absorbed", "collinear", "rank deficient"),
     "de gegevens laten te weinig variatie over om het effect te scheiden van de vaste verschillen tussen "
     "gemeenten en perioden (bijvoorbeeld te weinig perioden of gemeenten met gegevens)"),
    (("nan", "inf", "finite"), "er staan ontbrekende of onbruikbare waarden in de gegevens van deze indicator"),
    (("memory",), "de berekening vroeg meer geheugen dan beschikbaar was"),
)
GENERIC_REASON = "de berekening liep vast op de gegevens van deze indicator (zie het bewaarde notebook voor details)"
PLACEBO_UNRELIABLE = 0.01
# Draws for the event-time bands of a figure (the headline keeps the estimator's 999): each draw refits
# every event time, and with quarterly data that is the slowest step of a report.
EVENT_TIME_DRAWS = 199
PLACEBO_CAUTION = 0.10
# Data that are thin, as diagnostics.check_data advises (Michgelsen 2023): periods before and after the
# start, control units, and the share of unit x period cells without a value.
MIN_PRE_PERIODS = 3
MIN_POST_PERIODS = 2
MIN_CONTROL_UNITS = 5
MAX_MISSING_SHARE = 0.1
MODEL = {"outcome": "value", "unit": "unit_id", "time": "time"}

METHODS = ("auto", "twfe", "callaway_santanna")
INFERENCES = ("auto", "cluster", "randomization", "wild_bootstrap")
CONTROL_GROUPS = ("never_treated", "not_yet_treated")
VERDICTS = ("gedaald", "gestegen", "geen_verschil", "onbetrouwbaar", "te_weinig")
SHOWN = ("gedaald", "gestegen")
ASSESSMENTS = ("gunstig", "ongunstig", "ambigu", "budgeteffect")
CAUTIONS = ("trends_none", "placebo_weak", "trends_fragile", "synthetic_unsupported", "leave_one_out",
            "pretrend_points", "few_per_cohort", "single_unit", "no_pretest")
"""Most serious first: an overview that has room for one caution carries the first that applies. One
municipality comes late because the reports and overviews say it apart from the effects."""
SYNTHETIC_SUPPORT = PLACEBO_CAUTION  # the synthetic control backs an estimate below this placebo p-value
# Leaving one municipality out says something only when at least two others remain.
LEAVE_ONE_OUT_MIN_TREATED = 3
# A divergence after the start as large as the largest before it should not undo a shown effect.
FRAGILE_BREAKDOWN = 1.0
# Leads and lags nearest the start in the sensitivity analysis (the test grows as C(2 lags, lags)).
SENSITIVITY_PERIODS = 5
"""Why to read a shown effect with care, most important first; the report words each code."""


@dataclass(frozen=True)
class Interval:
    """An interval and p-value from one inference method (a code such as ``wild_bootstrap``)."""

    inference: str
    ci_low: float
    ci_high: float
    p_value: float


@dataclass(frozen=True)
class Headline:
    """The one effect the report states for an indicator, with what a reader needs to judge it."""

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    method: str  # code: twfe | callaway_santanna
    inference: str  # code: randomization | cluster | wild_bootstrap
    n_treated: int
    n_control: int
    counterfactual: float  # expected level of the treated after the start without the initiative
    post_periods: float  # periods after the start, averaged over the participating units
    detectable: float = math.nan  # smallest effect this design finds with 80% power
    second_opinion: Interval | None = None  # shown beside the headline
    withheld: tuple[str, ...] = ()  # inference codes computed but not informative for this design
    control_group: str | None = None  # Callaway & Sant'Anna: never_treated | not_yet_treated
    intensity: float = 1.0  # share of budget or population in the initiative (treatment.intensity)

    def full_participation(self) -> tuple[float, float, float]:
        """Estimate and margin scaled to full participation: the effect taken as proportional to the share."""
        return self.estimate / self.intensity, self.ci_low / self.intensity, self.ci_high / self.intensity

    def relative(self, value: float) -> float:
        """``value`` as % of the counterfactual level (not meaningful for a level at or below zero)."""
        if not math.isfinite(self.counterfactual) or self.counterfactual <= 0:
            return math.nan
        return 100 * value / self.counterfactual


@dataclass(frozen=True)
class TrendSensitivity:
    """How robust a shown effect is to trends that diverge after the start, and what the pre-start test sees.

    ``breakdown``: the smallest Mbar (relative magnitudes) at which the average effect over the first ``lags``
    periods after the start is no longer shown; 0 when even parallel trends leave it unshown. ``intervals``:
    (Mbar, low, high) for Mbar 0 to 2 (an infinite end: open on that side), beside the ordinary interval of that average. ``slope_80``: the
    linear pre-trend per period (indicator's unit) that the pre-start test detects 80% of the time.
    """

    estimate: float
    ci_low: float
    ci_high: float
    breakdown: float
    intervals: tuple[tuple[float, float, float], ...]
    slope_80: float
    lags: int  # periods after the start the average covers

    @property
    def fragile(self) -> bool:
        return not self.breakdown >= FRAGILE_BREAKDOWN

    @property
    def absent(self) -> bool:
        """Averaged over the periods after the start the effect is not shown even with equal trends."""
        return not self.breakdown > 0


@dataclass(frozen=True)
class Note:
    """A fact about one indicator that the report words (``code``), with the numbers it needs."""

    code: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EventTimes:
    """The effect per period relative to the start, and how to read it.

    ``reference``: "fixed" (every point is compared with ``reference_time``, where the estimate is 0 by
    construction) or "varying" (Callaway & Sant'Anna: before the start each point compares a period with
    the one before it; after the start with the last period before the start). ``partial_start``: event
    time 0 is a partly treated start year. ``bands``: the intervals come from an inference that is
    informative for this design (``inference.informative``: not clustered errors with few treated units)
    and are bounded (randomisation over too few assignments bounds none). ``off_zero``: pre-start event
    times whose interval excludes zero.
    """

    table: pd.DataFrame  # event_time, estimate, ci_low, ci_high, n_units
    step: str  # jaar | kwartaal | meting
    reference: str
    reference_time: int | None
    partial_start: bool
    bands: bool
    off_zero: tuple[int, ...]
    anticipation: int = 0  # event time 0 lies this many periods before the official start


@dataclass(frozen=True)
class IndicatorEvaluation:
    """Everything the report needs about one indicator, as codes and numbers."""

    id: str
    choice: IndicatorChoice
    indicator: Indicator
    frame: pd.DataFrame
    headline: Headline | None
    events: EventTimes | None
    placebo_p: float | None
    verdict: str  # one of VERDICTS
    notes: tuple[Note, ...]
    staggered: bool
    cautions: tuple[str, ...] = ()  # codes from CAUTIONS, most important first
    matching: MatchResult | None = None  # the matched controls and their balance (control_group.method)
    synthetic: SyntheticControlResult | None = None  # robustness check beside the estimate
    trends: TrendSensitivity | None = None  # for a shown effect with leads and lags in its event study

    @property
    def is_budget_effect(self) -> bool:
        return self.choice.steered

    @property
    def caution(self) -> str | None:
        """The most serious caution, which the summary and every overview carry with a shown effect."""
        return self.cautions[0] if self.cautions and self.verdict in SHOWN else None

    @property
    def synthetic_backs(self) -> bool | None:
        """Whether the synthetic control supports a shown effect (same side, p below SYNTHETIC_SUPPORT, a
        good fit before the start); None without a synthetic control or a shown effect."""
        s = self.synthetic
        if s is None or self.verdict not in SHOWN or not math.isfinite(s.p_value):
            return None
        same_side = (s.estimate < 0) == (self.headline.estimate < 0)
        return same_side and s.p_value < SYNTHETIC_SUPPORT and not s.warnings

    @property
    def assessment(self) -> str | None:
        return assessment(self.verdict, self.indicator.direction, self.is_budget_effect)

    @property
    def failure(self) -> str | None:
        """Why no estimate could be made, in Dutch (for the methods section), or None."""
        failed = self.note("estimate_failed")
        return failed.values.get("reason") if failed else None

    def note(self, code: str) -> Note | None:
        return next((n for n in self.notes if n.code == code), None)

    def record(self) -> dict:
        """The headline as plain codes and numbers (summary.json; the overviews read only this)."""
        h = self.headline if self.verdict not in ("onbetrouwbaar", "te_weinig") else None
        values = (h.estimate, h.ci_low, h.ci_high, h.p_value) if h else (math.nan,) * 4
        relative = [h.relative(v) for v in values[:3]] if h else [math.nan] * 3
        intensity = h.intensity if h else 1.0
        full = [v / intensity for v in values[:3]]
        return {"indicator": self.id, "label": self.indicator.label, "unit": self.indicator.unit,
                "per": self.indicator.per, "estimate": values[0], "ci_low": values[1], "ci_high": values[2],
                "p_value": values[3], "relative": relative[0], "relative_low": min(relative[1:]),
                "relative_high": max(relative[1:]), "verdict": self.verdict, "assessment": self.assessment,
                "caution": self.caution, "cautions": list(self.cautions) if self.verdict in SHOWN else [],
                "breakdown": self.trends.breakdown if self.trends is not None else math.nan,
                "budget_effect": self.is_budget_effect,
                "domains": list(self.indicator.domains), "intensity": intensity, "full_estimate": full[0],
                "full_ci_low": full[1], "full_ci_high": full[2],
                "n_treated": self.headline.n_treated if self.headline else 0,
                "n_control": self.headline.n_control if self.headline else 0}


@dataclass(frozen=True)
class Design:
    """The estimator and inference for a study, as chosen automatically or overridden by the evaluator.

    ``method``: "auto" (Callaway & Sant'Anna when the starts are staggered, else two-way fixed effects),
    "twfe" or "callaway_santanna". ``inference``: "auto" (the rule in ``inference.AUTO_MIN_TREATED``) or
    one of "cluster", "randomization", "wild_bootstrap" for every headline (and the event-time bands).
    ``control_group``: the comparison units of Callaway & Sant'Anna, "never_treated" or "not_yet_treated".
    ``choices``: per indicator what that means for these data.
    """

    method: str
    inference: str
    choices: pd.DataFrame
    control_group: str = "never_treated"

    def to_frame(self) -> pd.DataFrame:
        return self.choices.copy()


def _method_for(design_method: str, staggered: bool) -> str:
    if design_method == "auto":
        return "callaway_santanna" if staggered else "twfe"
    return design_method


def choose_design(study: Study, method: str = "auto", inference: str | None = None,
                  control_group: str | None = None) -> Design:
    """The design per indicator, with the automatic choice spelled out (override with ``method``/``inference``/
    ``control_group``; without them, ``inference`` and ``control_group`` come from the params' ``outcome``)."""
    inference = study.params.outcome.inference if inference is None else inference
    control_group = study.params.outcome.control_group if control_group is None else control_group
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if inference not in INFERENCES:
        raise ValueError(f"inference must be one of {', '.join(INFERENCES)}, not {inference!r}")
    if control_group not in CONTROL_GROUPS:
        raise ValueError(f"control_group must be one of {', '.join(CONTROL_GROUPS)}, not {control_group!r}")
    rows = []
    for choice, _ in study.indicators():
        try:
            frame, problem = estimation_frame(indicator_frame(study, choice.id)), None
        except ValueError as error:  # matching is not possible for this indicator: evaluate_indicator says why
            frame, problem = estimation_frame(indicator_frame(study, choice.id, matched=False)), str(error)
        treated = frame.loc[frame.group == 1, "unit_id"].nunique()
        staggered = frame.loc[frame.group == 1, "cohort"].nunique() > 1
        chosen = _method_for(method, staggered)
        weight = "unit_weight" if chosen == "callaway_santanna" else "weight"
        effective = effective_number(frame[frame.group == 1].groupby("unit_id")[weight].sum().to_numpy())
        rule = choose_inference(inference, int(treated), second_opinion=None, effective_treated=effective)
        rows.append({"indicator": choice.id, "staggered": staggered, "method": chosen, "inference": rule.lead,
                     "n_treated": int(treated), "n_control": int(frame.loc[frame.group == 0, "unit_id"].nunique()),
                     **({"problem": problem} if problem else {})})
    return Design(method, inference, pd.DataFrame(rows), control_group)


def assessment(verdict: str, direction: str, steered: bool) -> str | None:
    """Whether a shown change is favourable by the catalogue's direction; None when nothing is shown."""
    if verdict not in SHOWN:
        return None
    if steered:
        return "budgeteffect"
    if direction == "ambigu":
        return "ambigu"
    return "gunstig" if (direction == "lager_beter") == (verdict == "gedaald") else "ongunstig"


def detectable_effect(ci_low: float, ci_high: float, alpha: float, power: float = 0.8) -> float:
    """Smallest true effect found with probability ``power``: the interval's half-width scaled from the
    test's critical value to critical value plus the power quantile (normal approximation).

    Read from the interval rather than from a standard error, because a randomisation "standard error"
    (the spread of placebo estimates) grows with the effect itself, while the inverted test does not.
    """
    if not (math.isfinite(ci_low) and math.isfinite(ci_high)):
        return math.inf
    z = stats.norm.ppf(1 - alpha / 2)
    return float((ci_high - ci_low) / 2 * (z + stats.norm.ppf(power)) / z)


def _counterfactual(frame: pd.DataFrame, estimate: float, weight: str = "weight") -> float:
    """Mean level of the treated after the start minus the effect, weighted as the estimator weighs."""
    post = frame.loc[frame.treated == 1]
    if post.empty or post[weight].sum() <= 0:
        return math.nan
    return float((post.value * post[weight]).sum() / post[weight].sum() - estimate)


def estimation_failure(error: Exception) -> str:
    """Why an estimate failed, in Dutch: this package's own messages are Dutch; a library's is translated."""
    frames = traceback.extract_tb(error.__traceback__)
    if frames and Path(frames[-1].filename).resolve().is_relative_to(PACKAGE):
        return str(error).strip().rstrip(".")
    text = str(error).lower()
    for patterns, reason in LIBRARY_REASONS:
        if any(p in text for p in patterns):
            return reason
    return GENERIC_REASON


@remembered
def _placebo(frame: pd.DataFrame, seed: int) -> float | None:
    """Randomisation p-value of a fake start ``k`` periods early, on pre-start data only."""
    pre_periods = int(frame.loc[frame.group == 1, "cohort"].min()) - int(frame.time.min())
    if pre_periods < 2:
        return None
    shift = max(1, min(3, pre_periods // 2))
    try:
        return placebo_start(frame, treated="treated", shift=shift, weights="weight", inference="randomization",
                             seed=seed, **MODEL).p_value
    except Exception:  # noqa: BLE001 - no placebo test is reported as such, never as a crash
        return None


@remembered
def _leave_one_out(frame: pd.DataFrame, headline: Headline) -> Note | None:
    """Does one municipality carry the whole effect? Noted only when leaving one out changes the conclusion."""
    if headline.n_treated < LEAVE_ONE_OUT_MIN_TREATED or not (headline.ci_low > 0 or headline.ci_high < 0):
        return None
    try:
        table = leave_one_out(frame, treated="treated", weights="weight", **MODEL)
    except Exception:  # noqa: BLE001 - the check is extra; without it the headline stands
        return None
    if ((table.ci_low > 0) | (table.ci_high < 0)).all():
        return None
    return Note("leave_one_out", {"low": float(table.estimate.min()), "high": float(table.estimate.max())})


def _break_note(indicator: Indicator, frame: pd.DataFrame) -> Note | None:
    treated_years = frame.loc[frame.treated == 1, "year"]
    pre_years = frame.loc[(frame.group == 1) & (frame.treated == 0), "year"]
    if treated_years.empty or pre_years.empty:
        return None
    crossing = [b for b in indicator.breaks if pre_years.min() < b <= treated_years.max()]
    return Note("definition_break", {"years": crossing, "first_start": int(treated_years.min())}) if crossing else None


def _thin_data(frame: pd.DataFrame) -> list[Note]:
    """Few periods before or after the start, few control units, many missing cells."""
    treated = frame[frame.group == 1]
    periods = np.sort(frame.time.unique())
    n_pre = int((periods < treated.cohort.min()).sum())
    n_post = int((periods >= treated.cohort.max()).sum())
    n_control = int(frame.loc[frame.group == 0, "unit_id"].nunique())
    expected = frame.unit_id.nunique() * len(periods)
    missing = 1 - len(frame) / expected if expected else 0.0
    notes = []
    if n_pre < MIN_PRE_PERIODS:
        notes.append(Note("few_pre", {"n": n_pre, "advised": MIN_PRE_PERIODS}))
    if n_post < MIN_POST_PERIODS:
        notes.append(Note("few_post", {"n": n_post, "advised": MIN_POST_PERIODS}))
    if n_control < MIN_CONTROL_UNITS:
        notes.append(Note("few_controls", {"n": n_control, "advised": MIN_CONTROL_UNITS}))
    if missing > MAX_MISSING_SHARE:
        notes.append(Note("missing", {"share": float(missing)}))
    return notes


def _second_opinion(result) -> tuple[Interval | None, tuple[str, ...]]:
    """The wild cluster bootstrap beside a randomisation headline, only where it is informative (the rule
    ``inference.informative``); with fewer treated units it is withheld, and the methods say why."""
    if result.inference != "randomization":
        return None, ()
    if not informative("wild_bootstrap", result.n_treated):
        return None, ("wild_bootstrap",)
    rows = result.to_frame()
    rows = rows[(rows.inference == "wild_bootstrap") & rows.informative]
    if rows.empty:
        return None, ()
    row = rows.iloc[0]
    return Interval("wild_bootstrap", float(row.ci_low), float(row.ci_high), float(row.p_value)), ()


def step_name(indicator: Indicator, frame: pd.DataFrame) -> str:
    """What one step of event time is: a quarter, a year, or a survey round (years with gaps)."""
    if indicator.frequency == "kwartaal":
        return "kwartaal"
    years = sorted(frame.year.unique())
    return "jaar" if all(b - a == 1 for a, b in zip(years, years[1:])) else "meting"


def _units_per_event_time(frame: pd.DataFrame, cohort: str) -> pd.Series:
    treated = frame[frame.group == 1]
    return treated.assign(event_time=treated.time - treated[cohort]).groupby("event_time").unit_id.nunique()


def _event_times(table: pd.DataFrame, frame: pd.DataFrame, step: str, reference: str, reference_time: int | None,
                 partial_start: bool, bands: bool, cohort: str, anticipation: int) -> EventTimes:
    table = table[["event_time", "estimate", "ci_low", "ci_high"]].astype(float).copy()
    table["event_time"] = table.event_time.astype(int)
    table["n_units"] = table.event_time.map(_units_per_event_time(frame, cohort)).fillna(0).astype(int)
    shown = table.dropna(subset=["ci_low", "ci_high"])
    bands = bands and bool(np.isfinite(shown[["ci_low", "ci_high"]].to_numpy()).all())
    pre = table[(table.event_time < 0) & table.ci_low.notna()]
    off_zero = tuple(int(k) for k in pre.event_time[(pre.ci_low > 0) | (pre.ci_high < 0)]) if bands else ()
    return EventTimes(table.reset_index(drop=True), step, reference, reference_time, partial_start, bands,
                      off_zero, anticipation)


@dataclass(frozen=True)
class _Choices:
    """What the params decide about one headline beyond the frame (a key for the session's memory)."""

    method: str
    inference: str
    control_group: str
    intensity: float
    anticipation: int


@remembered
def _headline(frame: pd.DataFrame, full: pd.DataFrame, choices: _Choices, alpha: float, seed: int,
              step: str) -> tuple[Headline, EventTimes]:
    method, inference, anticipation = choices.method, choices.inference, choices.anticipation
    n_treated = int(frame.loc[frame.group == 1, "unit_id"].nunique())
    n_control = int(frame.loc[frame.group == 0, "unit_id"].nunique())
    post_periods = float((frame.treated == 1).sum() / max(n_treated, 1))
    if method == "callaway_santanna":
        result = estimate_staggered(frame, cohort="cohort", control_group=choices.control_group, alpha=alpha,
                                    seed=seed, weights="unit_weight", inference=inference, **MODEL)
        simple, dynamic = result.aggregate("simple"), result.aggregate("dynamic")
        headline = Headline(float(simple.estimate), float(simple.ci_low), float(simple.ci_high),
                            float(simple.p_value), "callaway_santanna", simple.inference, n_treated, n_control,
                            _counterfactual(frame, simple.estimate, "unit_weight"), post_periods,
                            detectable_effect(simple.ci_low, simple.ci_high, alpha),
                            control_group=choices.control_group, intensity=choices.intensity)
        varying = result.base_period == "varying"
        events = _event_times(dynamic.table, frame, step, "varying" if varying else "fixed", None if varying else -1,
                              False, informative(dynamic.inference, n_treated), "cohort", anticipation)
        return headline, events
    result = estimate_twfe(frame, treated="treated", weights="weight", inference=inference, alpha=alpha, seed=seed,
                           **MODEL)
    second, withheld = _second_opinion(result)
    headline = Headline(float(result.estimate), float(result.ci_low), float(result.ci_high), float(result.p_value),
                        "twfe", result.inference, n_treated, n_control, _counterfactual(frame, result.estimate),
                        post_periods, detectable_effect(result.ci_low, result.ci_high, alpha), second, withheld,
                        intensity=choices.intensity)
    partial = bool(full.partial.any())
    study = estimate_event_study(full if partial else frame, cohort="event_cohort" if partial else "cohort",
                                 weights="weight", alpha=alpha, seed=seed, inference=inference,
                                 n_draws=EVENT_TIME_DRAWS, **MODEL)
    events = _event_times(study.table, full if partial else frame, step, "fixed", int(study.reference), partial,
                          informative(study.inference, n_treated), "event_cohort" if partial else "cohort",
                          anticipation)
    return headline, events


def _informative_covariance(result, n_treated: int, leads: list[int], lags: list[int]) -> pd.DataFrame | None:
    """The unit-clustered covariance of the event times, with the standard errors of an informative inference.

    With few treated units clustered errors are too small (``inference.AUTO_MIN_TREATED``): the correlations
    are kept and every standard error is taken from the half-width of that event time's interval under the
    headline inference (randomisation). None when an interval in the window is open or missing.
    """
    times = leads + lags
    cov = result.covariance.loc[times, times]
    if result.inference == "cluster" and informative("cluster", n_treated):
        return cov
    if not informative(result.inference, n_treated):
        return None
    rows = result.table.set_index("event_time").loc[times]
    se = ((rows.ci_high - rows.ci_low) / (2 * stats.norm.ppf(1 - result.alpha / 2))).to_numpy(float)
    if not (np.isfinite(se).all() and (se > 0).all()):
        return None
    scale = se / np.sqrt(np.diag(cov.to_numpy()))
    return cov * np.outer(scale, scale)


@remembered
def _trend_sensitivity(frame: pd.DataFrame, full: pd.DataFrame, choices: _Choices, alpha: float,
                       seed: int) -> TrendSensitivity | None:
    """The sensitivity analysis of the event study behind a headline, by the headline's inference; None
    without a lead and a lag or with an open interval among them."""
    n_treated = int(frame.loc[frame.group == 1, "unit_id"].nunique())
    if choices.method == "callaway_santanna":
        study = estimate_staggered(frame, cohort="cohort", control_group=choices.control_group, alpha=alpha,
                                   seed=seed, weights="unit_weight", inference=choices.inference,
                                   base_period="universal", uniform_bands=False, **MODEL).aggregate("dynamic")
    else:
        partial = bool(full.partial.any())
        study = estimate_event_study(full if partial else frame, cohort="event_cohort" if partial else "cohort",
                                     weights="weight", alpha=alpha, seed=seed, inference=choices.inference,
                                     n_draws=EVENT_TIME_DRAWS, **MODEL)
    leads, lags = window(study.covariance.index, study.reference, SENSITIVITY_PERIODS, SENSITIVITY_PERIODS)
    covariance = _informative_covariance(study, n_treated, leads, lags) if leads and lags else None
    if covariance is None:
        return None
    try:
        result = sensitivity_for(study, seed=seed, restrictions=("relative_magnitudes",), max_leads=SENSITIVITY_PERIODS,
                                 max_lags=SENSITIVITY_PERIODS, covariance=covariance, power_abseps=REPORTED)
    except ValueError:  # event times with a gap
        return None
    rm = result.relative_magnitudes
    edge = GRID_EDGE * rm.se * (1 - 1e-9)  # an end on the edge of the test's grid: open on that side

    def opened(low, high):
        return (-math.inf if low <= -edge else low), (math.inf if high >= edge else high)

    return TrendSensitivity(rm.estimate, rm.ci_low, rm.ci_high, 0.0 if math.isnan(rm.breakdown) else rm.breakdown,
                            tuple((r.m, *opened(r.ci_low, r.ci_high)) for r in rm.intervals),
                            result.pretrend_power.slope_80, len(rm.l_vec))


def _dynamic_note(events: EventTimes) -> Note | None:
    """How the effect develops with time since joining (staggered designs tell this story best)."""
    after = events.table[events.table.event_time >= 0].dropna(subset=["estimate"])
    if len(after) < 3:
        return None
    first, last = after.iloc[0], after.iloc[-1]
    point = ("estimate", "ci_low", "ci_high", "n_units")
    return Note("dynamic", {"step": events.step, "steps": int(last.event_time),
                            "first": {k: float(first[k]) for k in point}, "last": {k: float(last[k]) for k in point}})


def evaluate_indicator(study: Study, choice: IndicatorChoice, indicator: Indicator,
                       design: Design | None = None) -> IndicatorEvaluation:
    alpha = 1 - study.params.report.confidence_level
    seed = study.params.report.seed
    try:
        full, unmatchable = indicator_frame(study, choice.id), False
    except ValueError:  # matching on the pre-start period is not possible for these data
        full, unmatchable = indicator_frame(study, choice.id, matched=False), True
    frame = estimation_frame(full)
    notes: list[Note] = [n for n in [_break_note(indicator, frame)] if n]
    if choice.steered:
        notes.append(Note("budget_effect"))
    staggered = frame.loc[frame.group == 1, "cohort"].nunique() > 1
    treated = frame[frame.group == 1]
    too_little = dict(id=choice.id, choice=choice, indicator=indicator, frame=full, headline=None, events=None,
                      placebo_p=None, verdict="te_weinig", staggered=staggered)
    if unmatchable:
        return IndicatorEvaluation(**too_little, notes=(*notes, Note("estimate_failed", {
            "reason": "de vergelijkingsgemeenten zijn niet te matchen: daarvoor zijn minstens twee metingen voor de "
                      "start nodig, met volledige gegevens van deelnemende en vergelijkingsgemeenten"})))
    if treated.empty or (treated.treated == 0).sum() == 0 or (treated.treated == 1).sum() == 0:
        return IndicatorEvaluation(**too_little, notes=(*notes, Note("no_pre_post")))
    outcome, treatment = study.params.outcome, study.params.treatment
    choices = _Choices(_method_for(design.method if design else "auto", staggered),
                       design.inference if design else outcome.inference,
                       design.control_group if design else outcome.control_group,
                       treatment.intensity, treatment.anticipation)
    try:
        headline, events = _headline(frame, full, choices, alpha, seed, step_name(indicator, frame))
    except Exception as failure:  # noqa: BLE001 - any failed fit is 'te weinig gegevens', with the reason in Dutch
        return IndicatorEvaluation(**too_little,
                                   notes=(*notes, Note("estimate_failed", {"reason": estimation_failure(failure)})))
    notes += _thin_data(frame)
    per_cohort = headline.method == "callaway_santanna"
    leave_out = None if per_cohort else _leave_one_out(frame, headline)
    placebo = _placebo(frame, seed)
    if placebo is not None and placebo < PLACEBO_UNRELIABLE:
        notes.append(Note("placebo_failed", {"p": placebo}))
    cautions = []
    if placebo is not None and PLACEBO_UNRELIABLE <= placebo < PLACEBO_CAUTION:
        cautions.append("placebo_weak")
    elif events.bands and events.off_zero:  # the whole-period test passes, single pre-start periods do not
        cautions.append("pretrend_points")
    if headline.n_treated == 1:
        cautions.append("single_unit")
    if placebo is None:
        cautions.append("no_pretest")
    if leave_out is not None:
        notes.append(leave_out)
        cautions.append("leave_one_out")
    if per_cohort and headline.n_treated < AUTO_MIN_TREATED and headline.inference != "randomization":
        cautions.append("few_per_cohort")  # benchmarks/sim_inference.py: clustered CS rejects 11-21%, randomisation 5-7%
    if per_cohort:
        notes += [n for n in [_dynamic_note(events)] if n]
    if not all(math.isfinite(v) for v in (headline.estimate, headline.ci_low, headline.ci_high)):
        verdict = "te_weinig"
    elif placebo is not None and placebo < PLACEBO_UNRELIABLE:
        verdict = "onbetrouwbaar"
    elif headline.ci_low > 0:
        verdict = "gestegen"
    elif headline.ci_high < 0:
        verdict = "gedaald"
    else:
        verdict = "geen_verschil"
    synthetic = _synthetic(frame) if study.params.control_group.method == "synthetic_control" and not staggered else None
    trends = _trend_sensitivity(frame, full, choices, alpha, seed) if verdict in SHOWN else None
    if trends is not None and trends.fragile:
        cautions.append("trends_none" if trends.absent else "trends_fragile")
    evaluation = IndicatorEvaluation(choice.id, choice, indicator, full, headline, events, placebo, verdict,
                                     tuple(notes), staggered, (), matching(study, choice.id), synthetic, trends)
    if evaluation.synthetic_backs is False:
        cautions.append("synthetic_unsupported")
    return replace(evaluation, cautions=tuple(sorted(cautions, key=CAUTIONS.index)))


@remembered
def _synthetic(frame: pd.DataFrame) -> SyntheticControlResult | None:
    """The participants (averaged) against a weighted mix of controls, from one start; None when it cannot be made."""
    treated = frame[frame.group == 1]
    try:
        return synthetic_control(frame, treated_units=sorted(treated.unit_id.unique()), start=int(treated.cohort.min()),
                                 controls=sorted(frame.loc[frame.group == 0, "unit_id"].unique()), **MODEL)
    except ValueError:  # too few complete periods before the start: no robustness check, the estimate stands
        return None


def evaluate_outcomes(study: Study, design: Design | None = None) -> list[IndicatorEvaluation]:
    """The outcome evaluation of every indicator in the params (by the automatic design unless one is given)."""
    return [evaluate_indicator(study, choice, indicator, design) for choice, indicator in study.indicators()]


def effects_frame(evaluations: list[IndicatorEvaluation]) -> pd.DataFrame:
    """One row per indicator: the headline numbers and codes (what the report and the overviews read)."""
    return pd.DataFrame([e.record() for e in evaluations])


def diagnostics_frame(evaluations: list[IndicatorEvaluation]) -> pd.DataFrame:
    """One row per indicator: the checks behind the verdict (placebo, cautions, notes, second opinion)."""
    rows = []
    for e in evaluations:
        h = e.headline
        rows.append({"indicator": e.id, "verdict": e.verdict, "placebo_p": e.placebo_p,
                     "cautions": ", ".join(e.cautions), "notes": ", ".join(n.code for n in e.notes),
                     "method": h.method if h else None, "inference": h.inference if h else None,
                     "second_opinion": h.second_opinion.inference if h and h.second_opinion else None,
                     "withheld": ", ".join(h.withheld) if h else "",
                     "detectable": h.detectable if h else math.nan})
    return pd.DataFrame(rows)


def unit_verdict(ci_low: float, ci_high: float) -> str:
    """The verdict for one municipality's interval (its design has passed the checks of the whole)."""
    return "gedaald" if ci_high < 0 else "gestegen" if ci_low > 0 else "geen_verschil"


@remembered
def _unit_estimate(single: pd.DataFrame, alpha: float, seed: int) -> tuple[float, float, float, float] | None:
    """One municipality against all controls, by randomisation inference: estimate, margin and p-value."""
    try:
        result = estimate_twfe(single, treated="treated", weights="weight", inference="randomization",
                               alpha=alpha, seed=seed, **MODEL)
    except Exception:  # noqa: BLE001 - a municipality without an estimate is left out, not a crash
        return None
    return float(result.estimate), float(result.ci_low), float(result.ci_high), float(result.p_value)


def evaluate_per_unit(study: Study, evaluations: list[IndicatorEvaluation]) -> pd.DataFrame:
    """Effect per participating municipality (each council answers for its own), by randomisation inference.

    One treated unit against all controls; with one treated unit the randomisation test enumerates every
    possible assignment exactly. ``bounded`` is False where the interval has no finite bound on a side
    (too few possible assignments to exclude any value there).
    """
    alpha = 1 - study.params.report.confidence_level
    columns = ["unit_id", "name", "indicator", "estimate", "ci_low", "ci_high", "p_value", "verdict", "assessment",
               "bounded"]
    rows = []
    for evaluation in evaluations:
        if evaluation.headline is None or evaluation.verdict == "onbetrouwbaar":
            continue  # a design that fails its pre-start check fails it for every municipality too
        frame = estimation_frame(evaluation.frame)
        for unit, part in frame[frame.group == 1].groupby("unit_id"):
            result = _unit_estimate(pd.concat([part, frame[frame.group == 0]]), alpha, study.params.report.seed)
            if result is None:
                continue  # a municipality without an estimate is left out of the table
            estimate, low, high, p = result
            verdict = unit_verdict(low, high)
            rows.append({"unit_id": unit, "name": part.name.iloc[0], "indicator": evaluation.id,
                         "estimate": estimate, "ci_low": low, "ci_high": high,
                         "p_value": p, "verdict": verdict,
                         "assessment": assessment(verdict, evaluation.indicator.direction,
                                                  evaluation.is_budget_effect),
                         "bounded": math.isfinite(low) and math.isfinite(high)})
    return pd.DataFrame(rows, columns=columns)
