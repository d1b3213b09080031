"""Outcome evaluation of a whole study: one analysis per indicator, with flags the report must show."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evaluatie.outcome import EffectResult, estimate_twfe
from evaluatie.params import Indicator, IndicatorChoice
from evaluatie.study import Study


@dataclass(frozen=True)
class IndicatorEvaluation:
    """Everything the report needs about one indicator."""

    id: str
    choice: IndicatorChoice
    indicator: Indicator
    frame: pd.DataFrame
    result: EffectResult | None
    error: str | None
    notes: tuple[str, ...]

    @property
    def is_budget_effect(self) -> bool:
        return self.choice.steered


def _notes(choice: IndicatorChoice, indicator: Indicator, frame: pd.DataFrame) -> tuple[str, ...]:
    """Dutch notes on why an estimate may not mean what it seems to mean."""
    notes = []
    treated_years = frame.loc[frame.treated == 1, "year"]
    pre_years = frame.loc[(frame.group == 1) & (frame.treated == 0), "year"]
    if not treated_years.empty and not pre_years.empty:
        crossing = [b for b in indicator.breaks if pre_years.min() < b <= treated_years.max()]
        if crossing:
            notes.append(
                f"Let op: de definitie van deze indicator veranderde in {', '.join(map(str, crossing))}, tussen de "
                f"periode voor en na de start. {indicator.break_note or ''}".strip()
            )
    if choice.steered:
        notes.append(
            "Het initiatief stuurt deze indicator zelf (bijvoorbeeld met een vast budget). Het verschil is een "
            "budgeteffect: het laat zien wat de afspraak deed, niet wat de samenwerking opleverde."
        )
    return tuple(notes)


def evaluate_outcomes(study: Study) -> list[IndicatorEvaluation]:
    """A two-way fixed effects DiD per indicator (unit and period effects, SEs clustered by unit)."""
    alpha = 1 - study.params.report.confidence_level
    evaluations = []
    for choice, indicator in study.indicators():
        frame = study.indicator_frame(choice.id)
        result, error = None, None
        try:
            result = estimate_twfe(frame, outcome="value", unit="unit_id", time="time", treated="treated",
                                   weights="weight", alpha=alpha)
        except ValueError as failure:
            error = str(failure)
        evaluations.append(IndicatorEvaluation(choice.id, choice, indicator, frame, result, error,
                                               _notes(choice, indicator, frame)))
    return evaluations
