"""Who pays, who saves: each indicator's effect in euros per year for its payer, as codes and numbers.

An effect in euros per person is scaled to the whole participating area; a count per 1,000 inhabitants
is priced with the catalogue's ``euro_per_unit``. Quarterly effects are scaled to a year. Amounts are
only computed for a shown effect; a budget effect is never a saving of the collaboration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evaluatie.outcome.evaluation import SHOWN, IndicatorEvaluation
from evaluatie.outcome.frames import estimation_frame
from evaluatie.outcome.translate import translate_effect

PAYER_LAWS = ("Zvw", "Wlz", "Wmo", "Jeugdwet", "Participatiewet")
# Money an indicator's amount already contains: admissions, emergency visits and referrals to the hospital
# are paid from medical specialist care, which is part of the insurer's total. Such amounts must not be added.
CONTAINS = {
    "zvw_kosten_totaal": {"zvw_kosten_msz", "zvw_kosten_wijkverpleging", "ziekenhuisopnames", "seh_bezoeken",
                          "verwijzingen_ziekenhuis"},
    "zvw_kosten_msz": {"ziekenhuisopnames", "seh_bezoeken", "verwijzingen_ziekenhuis"},
}


@dataclass(frozen=True)
class MoneyEffect:
    """One indicator's effect in euros per year for the whole area; saving > 0 is money the payer keeps.

    ``status``: "shown" (amounts computed), "budget_effect", or the verdict code when no effect is shown.
    ``price``: euros per unit of the indicator (None when the indicator is an amount in euros itself).
    """

    indicator: str
    label: str
    law: str
    price: float | None
    status: str
    saving: float = float("nan")
    saving_low: float = float("nan")
    saving_high: float = float("nan")
    years: float = float("nan")


@dataclass(frozen=True)
class _Yearly:
    """An effect rescaled to a year, in the shape translate_effect reads."""

    estimate: float
    ci_low: float
    ci_high: float


def rate_base(per: str) -> float | None:
    """'1.000 inwoners' -> 1000; None when the text names no number of persons."""
    match = re.match(r"\s*(\d[\d.]*)\s", per)
    return float(match.group(1).replace(".", "")) if match else None


def _area_population(evaluation: IndicatorEvaluation) -> float:
    frame = estimation_frame(evaluation.frame)
    last = frame[frame.group == 1].sort_values("time").groupby("unit_id").weight.last()
    return float(last.sum())


def money_effects(evaluations: list[IndicatorEvaluation]) -> list[MoneyEffect]:
    """Every indicator that has a payer and a price, with its yearly saving where an effect is shown."""
    out = []
    for e in evaluations:
        h, indicator = e.headline, e.indicator
        if h is None or indicator.law not in PAYER_LAWS:
            continue
        if indicator.unit == "euro":
            rate_per, price = 1.0, None
        elif indicator.unit == "aantal" and indicator.euro_per_unit and rate_base(indicator.per):
            rate_per, price = rate_base(indicator.per), indicator.euro_per_unit
        else:
            continue
        base = MoneyEffect(e.id, indicator.label, indicator.law, price, "shown")
        if e.is_budget_effect:
            out.append(MoneyEffect(**{**base.__dict__, "status": "budget_effect"}))
            continue
        if e.verdict not in SHOWN:
            out.append(MoneyEffect(**{**base.__dict__, "status": e.verdict}))
            continue
        per_year = 4 if indicator.frequency == "kwartaal" else 1
        yearly = _Yearly(h.estimate * per_year, h.ci_low * per_year, h.ci_high * per_year)
        euros = translate_effect(yearly, observed_level=(h.counterfactual + h.estimate) * per_year,
                                 population=_area_population(e), rate_per=rate_per, euros_per_unit=price or 1.0,
                                 years=h.post_periods / per_year).table.set_index("measure").loc["euro per jaar"]
        low, high = sorted([-float(euros.ci_low), -float(euros.ci_high)])
        out.append(MoneyEffect(**{**base.__dict__, "saving": -float(euros.estimate), "saving_low": low,
                                  "saving_high": high, "years": h.post_periods / per_year}))
    return out


def overlapping(effects: list[MoneyEffect]) -> list[tuple[MoneyEffect, MoneyEffect]]:
    """Pairs (whole, part) of shown amounts where the first already contains the money of the second."""
    return [(whole, part) for whole in effects for part in effects
            if part.indicator in CONTAINS.get(whole.indicator, set())]
