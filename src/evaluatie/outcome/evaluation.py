"""Outcome evaluation of a whole study: per indicator the headline effect, the event study, the
diagnostics, and a verdict that the report's sentences follow.

Rules (documented here because the report's wording depends on them):

- Design: one start period for all treated units -> two-way fixed effects (unit and period effects,
  population weights) with ``inference="auto"`` (fewer than 10 treated units: randomisation inference,
  with the wild cluster bootstrap beside it). Staggered starts -> Callaway & Sant'Anna with
  never-treated comparison units, simple aggregation.
- Placebo start: the same model on pre-start data only, with the start moved ``k`` periods earlier
  (k = half the pre-periods, 1 to 3), inference by randomisation. p < 0.01: the trends already diverged
  before the start, the verdict is "onbetrouwbaar" (unreliable); p < 0.10: a caution is shown.
- Verdict: "te_weinig" when no estimate is possible or there is no pre- or post-period;
  "onbetrouwbaar" as above; otherwise "gestegen"/"gedaald" when the interval excludes zero and
  "geen_verschil" when it includes zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from evaluatie.outcome import estimate_event_study, estimate_staggered, estimate_twfe
from evaluatie.outcome.diagnostics import check_data, leave_one_out, minimum_detectable_effect, placebo_start
from evaluatie.params import Indicator, IndicatorChoice
from evaluatie.formats import signed
from evaluatie.data.study import Study
from evaluatie.outcome.frames import indicator_frame

PLACEBO_UNRELIABLE = 0.01
PLACEBO_CAUTION = 0.10
MODEL = {"outcome": "value", "unit": "unit_id", "time": "time"}


@dataclass(frozen=True)
class Headline:
    """The one effect the report states for an indicator, with what a reader needs to judge it."""

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    method: str  # Dutch
    inference: str  # Dutch: which inference and why
    n_treated: int
    n_control: int
    counterfactual: float  # expected level of the treated after the start without the initiative
    post_periods: float  # periods after the start, averaged over the participating units
    detectable: float = math.nan  # smallest effect this design finds with 80% power

    def relative(self, value: float) -> float:
        """``value`` as % of the counterfactual level (not meaningful for a level at or below zero)."""
        if not math.isfinite(self.counterfactual) or self.counterfactual <= 0:
            return math.nan
        return 100 * value / self.counterfactual


@dataclass(frozen=True)
class IndicatorEvaluation:
    """Everything the report needs about one indicator."""

    id: str
    choice: IndicatorChoice
    indicator: Indicator
    frame: pd.DataFrame
    headline: Headline | None
    event_study: pd.DataFrame | None  # event_time, estimate, ci_low, ci_high
    placebo_p: float | None
    verdict: str  # gestegen | gedaald | geen_verschil | onbetrouwbaar | te_weinig
    notes: tuple[str, ...]  # Dutch, shown with the indicator
    staggered: bool
    caution: str | None = None  # Dutch: why to read a shown effect with care (also in the summary)

    @property
    def is_budget_effect(self) -> bool:
        return self.choice.steered


def _counterfactual(frame: pd.DataFrame, estimate: float, weight: str = "weight") -> float:
    """Mean level of the treated after the start minus the effect, weighted as the estimator weighs."""
    post = frame.loc[frame.treated == 1]
    if post.empty or post[weight].sum() <= 0:
        return math.nan
    return float((post.value * post[weight]).sum() / post[weight].sum() - estimate)


def _placebo(frame: pd.DataFrame, seed: int) -> float | None:
    """Randomisation p-value of a fake start ``k`` periods early, on pre-start data only."""
    pre_periods = int(frame.loc[frame.group == 1, "cohort"].min()) - int(frame.time.min())
    if pre_periods < 2:
        return None
    shift = max(1, min(3, pre_periods // 2))
    try:
        return placebo_start(frame, treated="treated", shift=shift, weights="weight", inference="randomization",
                             seed=seed, **MODEL).p_value
    except ValueError:
        return None


def _leave_one_out_note(frame: pd.DataFrame, headline: Headline) -> str | None:
    """Does one municipality carry the whole effect? Said only when leaving one out changes the conclusion."""
    if headline.n_treated < 3:
        return None
    table = leave_one_out(frame, treated="treated", weights="weight", **MODEL)
    excludes_zero = (table.ci_low > 0) | (table.ci_high < 0)
    if (headline.ci_low > 0 or headline.ci_high < 0) and not excludes_zero.all():
        return (f"Het effect hangt sterk af van enkele gemeenten: zonder één van de deelnemende gemeenten ligt de "
                f"schatting tussen {signed(table.estimate.min())} en {signed(table.estimate.max())}, en niet "
                "elke schatting is dan nog aantoonbaar.")
    return None


def _break_note(indicator: Indicator, frame: pd.DataFrame) -> str | None:
    treated_years = frame.loc[frame.treated == 1, "year"]
    pre_years = frame.loc[(frame.group == 1) & (frame.treated == 0), "year"]
    if treated_years.empty or pre_years.empty:
        return None
    crossing = [b for b in indicator.breaks if pre_years.min() < b <= treated_years.max()]
    if not crossing:
        return None
    return (f"De definitie van deze indicator veranderde in {', '.join(map(str, crossing))}, tussen de periode voor "
            f"en na de start. {indicator.break_note or ''} Als de wijziging overal even groot was, vangen de "
            "periode-effecten haar op; was ze dat niet, dan kleurt ze het effect.").strip()


def _headline(frame: pd.DataFrame, staggered: bool, alpha: float, seed: int) -> tuple[Headline, pd.DataFrame, tuple[str, ...]]:
    n_treated = int(frame.loc[frame.group == 1, "unit_id"].nunique())
    n_control = int(frame.loc[frame.group == 0, "unit_id"].nunique())
    post_periods = float((frame.treated == 1).sum() / max(n_treated, 1))
    if staggered:
        result = estimate_staggered(frame, cohort="cohort", control_group="never_treated", alpha=alpha,
                                    seed=seed, weights="unit_weight", **MODEL)
        simple, dynamic = result.aggregate("simple"), result.aggregate("dynamic")
        headline = Headline(simple.estimate, simple.ci_low, simple.ci_high, simple.p_value,
                            "Callaway & Sant'Anna (gespreide start, vergeleken met gemeenten die nooit meededen)",
                            simple.inference_reason or "Standaardfouten uit de invloedsfunctie, geclusterd per gemeente.",
                            n_treated, n_control, _counterfactual(frame, simple.estimate, "unit_weight"), post_periods,
                            minimum_detectable_effect(simple))
        return headline, dynamic.table, tuple(result.warnings) + tuple(simple.warnings)
    result = estimate_twfe(frame, treated="treated", weights="weight", inference="auto", alpha=alpha, seed=seed,
                           **MODEL)
    headline = Headline(result.estimate, result.ci_low, result.ci_high, result.p_value,
                        "Verschil-in-verschillen met vaste effecten per gemeente en per periode (two-way fixed effects)",
                        result.inference_reason, n_treated, n_control,
                        _counterfactual(frame, result.estimate), post_periods, minimum_detectable_effect(result))
    events = estimate_event_study(frame, cohort="cohort", weights="weight", alpha=alpha, **MODEL)
    return headline, events.table, tuple(result.warnings)


def evaluate_indicator(study: Study, choice: IndicatorChoice, indicator: Indicator) -> IndicatorEvaluation:
    alpha = 1 - study.params.report.confidence_level
    seed = study.params.report.seed
    frame = indicator_frame(study, choice.id)
    notes: list[str] = []
    break_note = _break_note(indicator, frame)
    if break_note:
        notes.append(break_note)
    if choice.steered:
        notes.append("Het initiatief stuurt deze indicator zelf (bijvoorbeeld met een vast budget). Het verschil is "
                     "een budgeteffect: het laat zien wat de afspraak deed, niet wat de samenwerking opleverde.")
    staggered = frame.loc[frame.group == 1, "cohort"].nunique() > 1
    treated = frame[frame.group == 1]
    if treated.empty or (treated.treated == 0).sum() == 0 or (treated.treated == 1).sum() == 0:
        notes.append("Er zijn geen gegevens van de deelnemende gemeenten van zowel voor als na de start.")
        return IndicatorEvaluation(choice.id, choice, indicator, frame, None, None, None, "te_weinig",
                                   tuple(notes), staggered)
    try:
        headline, events, warnings = _headline(frame, staggered, alpha, seed)
    except ValueError as failure:
        notes.append(f"Geen schatting mogelijk: {failure}")
        return IndicatorEvaluation(choice.id, choice, indicator, frame, None, None, None, "te_weinig",
                                   tuple(notes), staggered)
    notes += warnings
    notes += check_data(frame, treated="treated", **MODEL)
    if not staggered:
        notes += filter(None, [_leave_one_out_note(frame, headline)])
    placebo = _placebo(frame, seed)
    if placebo is not None and placebo < PLACEBO_UNRELIABLE:
        notes.append("Al voor de start liepen de deelnemende gemeenten en de vergelijkingsgemeenten duidelijk uiteen "
                     "(placebotoets met een nep-start). Het verschil na de start is daarom niet betrouwbaar aan het "
                     "initiatief toe te schrijven.")
    caution = None
    if placebo is not None and PLACEBO_UNRELIABLE <= placebo < PLACEBO_CAUTION:
        caution = "de trends liepen voor de start niet helemaal gelijk op"
        notes.append(f"Lees het effect met voorzichtigheid: {caution} (placebotoets met een nep-start).")
    elif headline.n_treated == 1:
        caution = "met één gemeente is het effect niet te scheiden van andere veranderingen in die gemeente"
    elif placebo is None:
        caution = "er zijn te weinig metingen voor de start om te toetsen of de trends vooraf gelijk opliepen"
    elif any("hangt sterk af van enkele gemeenten" in n for n in notes):
        caution = "het effect hangt sterk af van enkele gemeenten"
    elif staggered and headline.n_treated < 10:
        caution = "met weinig gemeenten per startgroep is de marge eerder te smal dan te breed"
    if staggered and events is not None:
        notes += filter(None, [_dynamic_note(events, step_name(indicator, frame))])
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
    return IndicatorEvaluation(choice.id, choice, indicator, frame, headline, events, placebo, verdict,
                               tuple(dict.fromkeys(notes)), staggered, caution)


def step_name(indicator: Indicator, frame: pd.DataFrame) -> str:
    """What one step of event time is: a quarter, a year, or a survey round (years with gaps)."""
    if indicator.frequency == "kwartaal":
        return "kwartaal"
    years = sorted(frame.year.unique())
    return "jaar" if all(b - a == 1 for a, b in zip(years, years[1:])) else "meting"


STEP_PLURALS = {"jaar": "jaar", "kwartaal": "kwartalen", "meting": "metingen"}
FIRST_STEP = {"jaar": "in het eerste jaar", "kwartaal": "in het eerste kwartaal", "meting": "bij de eerste meting"}


def _dynamic_note(events: pd.DataFrame, step: str) -> str | None:
    """How the effect develops with time since joining (staggered designs tell this story best)."""
    after = events[events.event_time >= 0].dropna(subset=["estimate"])
    if len(after) < 3:
        return None
    first, last = after.iloc[0], after.iloc[-1]
    steps = int(last.event_time)
    return (f"Het effect verandert met de duur van deelname: {FIRST_STEP[step]} na de start "
            f"{signed(first.estimate)}, {steps} {step if steps == 1 else STEP_PLURALS[step]} later "
            f"{signed(last.estimate)} (gemiddeld over de gemeenten die zo lang meedoen).")


def evaluate_outcomes(study: Study) -> list[IndicatorEvaluation]:
    """The outcome evaluation of every indicator in the params."""
    return [evaluate_indicator(study, choice, indicator) for choice, indicator in study.indicators()]


def evaluate_per_unit(study: Study, evaluations: list[IndicatorEvaluation]) -> pd.DataFrame:
    """Effect per participating municipality (each council answers for its own), by randomisation inference.

    One treated unit against all controls; with one treated unit the randomisation test enumerates every
    possible assignment exactly.
    """
    alpha = 1 - study.params.report.confidence_level
    rows = []
    for evaluation in evaluations:
        if evaluation.headline is None or evaluation.verdict == "onbetrouwbaar":
            continue  # a design that fails its pre-start check fails it for every municipality too
        frame = evaluation.frame
        for unit, part in frame[frame.group == 1].groupby("unit_id"):
            single = pd.concat([part, frame[frame.group == 0]])
            try:
                result = estimate_twfe(single, treated="treated", weights="weight", inference="randomization",
                                       alpha=alpha, seed=study.params.report.seed, **MODEL)
            except ValueError:
                continue
            rows.append({"unit_id": unit, "name": part.name.iloc[0], "indicator": evaluation.id,
                         "estimate": result.estimate, "ci_low": result.ci_low, "ci_high": result.ci_high,
                         "p_value": result.p_value})
    return pd.DataFrame(rows, columns=["unit_id", "name", "indicator", "estimate", "ci_low", "ci_high", "p_value"])
