"""Who pays, who saves: each indicator's effect in euros per year for its payer, as codes and numbers.

An effect in euros per person is scaled to the whole participating area; a count per 1,000 inhabitants
is priced with the catalogue's ``euro_per_unit``. Quarterly effects are scaled to a year. Amounts are
only computed for a shown effect; a budget effect is never a saving of the collaboration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from evaluatie.outcome.evaluation import SHOWN, IndicatorEvaluation
from evaluatie.outcome.frames import estimation_frame
from evaluatie.outcome.translate import settle_shared_savings, translate_effect, who_pays_who_saves

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

    ``status``: "shown" (amounts computed), "budget_effect" (amounts computed, but the agreement fixed them:
    no saving by the collaboration), or the verdict code when no effect is shown.
    ``price``: euros per unit of the indicator (None when the indicator is an amount in euros itself).
    ``population``: the persons the amounts are computed for (the denominators of the participating
    municipalities in their last period), so that a reader can redo the sum.
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
    population: float = float("nan")


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
        base = MoneyEffect(e.id, indicator.label, indicator.law, price,
                           "budget_effect" if e.is_budget_effect else "shown")
        if e.verdict not in SHOWN:
            out.append(MoneyEffect(**{**base.__dict__, "status": e.verdict}))
            continue
        per_year = 4 if indicator.frequency == "kwartaal" else 1
        yearly = _Yearly(h.estimate * per_year, h.ci_low * per_year, h.ci_high * per_year)
        population = _area_population(e)
        euros = translate_effect(yearly, observed_level=(h.counterfactual + h.estimate) * per_year,
                                 population=population, rate_per=rate_per, euros_per_unit=price or 1.0,
                                 years=h.post_periods / per_year).table.set_index("measure").loc["euro per jaar"]
        low, high = sorted([-float(euros.ci_low), -float(euros.ci_high)])
        out.append(MoneyEffect(**{**base.__dict__, "saving": -float(euros.estimate), "saving_low": low,
                                  "saving_high": high, "years": h.post_periods / per_year,
                                  "population": population}))
    return out


def overlapping(effects: list[MoneyEffect]) -> list[tuple[MoneyEffect, MoneyEffect]]:
    """Pairs (whole, part) of shown amounts where the first already contains the money of the second."""
    return [(whole, part) for whole in effects for part in effects
            if part.indicator in CONTAINS.get(whole.indicator, set())]


@dataclass(frozen=True)
class Settlement:
    """Verevening under a shared-savings agreement, per year, at the estimate and at both margin bounds.

    ``table``: payer, agreed_share, saving (low, high), net_after (low, high), transfer (low, high);
    a transfer > 0 is money the payer receives, < 0 money it pays. ``equal_shares``: the params name no
    shares, so the payers with a shown effect share equally. ``problem`` (a code) when nothing is settled:
    "nothing_shown", "overlap" (nested cost indicators would count money twice), "single_payer" (one payer
    only: nothing moves between payers; ``missing`` names it) or "missing_share" (``missing``: payers
    with a shown effect but no agreed share).
    """

    table: pd.DataFrame | None
    equal_shares: bool
    problem: str | None = None
    missing: tuple[str, ...] = ()


def settle(effects: list[MoneyEffect], shares: Mapping[str, float]) -> Settlement:
    """Settle the shown savings of each payer by the agreed shares (``settle_shared_savings``), three times:
    at the estimates and with every saving at the low or the high bound of its margin."""
    shown = [m for m in effects if m.status == "shown"]
    if not shown:
        return Settlement(None, not shares, "nothing_shown")
    if overlapping(shown):
        return Settlement(None, not shares, "overlap")
    by_law: dict[str, list[float]] = {}
    for m in shown:
        total = by_law.setdefault(m.law, [0.0, 0.0, 0.0])
        for i, value in enumerate((m.saving, m.saving_low, m.saving_high)):
            total[i] += value
    if len(set(by_law) | set(shares)) == 1:
        return Settlement(None, not shares, "single_payer", tuple(by_law))
    agreed = dict(shares) or {law: 1 / len(by_law) for law in by_law}
    missing = tuple(law for law in by_law if law not in agreed)
    if missing:
        return Settlement(None, False, "missing_share", missing)
    laws = list(dict.fromkeys([*by_law, *agreed]))
    saved = {law: by_law.get(law, [0.0, 0.0, 0.0]) for law in laws}
    # who_pays_who_saves reads cost effects (a saving is a negative cost) for the whole area per year.
    payers = who_pays_who_saves({law: _Yearly(-v[0], -v[2], -v[1]) for law, v in saved.items()}, population=1.0)
    columns = {}
    for suffix, pick in (("", 0), ("_low", 1), ("_high", 2)):
        scenario = payers.assign(saving_cumulative=[saved[law][pick] for law in payers.payer])
        settled = settle_shared_savings(scenario, agreed, only_if_shown=False).set_index("payer")
        columns |= {f"saving{suffix}": settled.saving_cumulative, f"net_after{suffix}": settled.net_after,
                    f"transfer{suffix}": settled.transfer}
    table = pd.DataFrame({"agreed_share": pd.Series(agreed), **columns}).rename_axis("payer").reset_index()
    return Settlement(table, not shares)
