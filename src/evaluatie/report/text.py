"""Plain-language Dutch sentences generated from results, with honest wording of uncertainty.

The wording follows the verdict of :mod:`evaluatie.evaluation`: an effect is only claimed when its
interval excludes zero and the pre-start check passed; otherwise the sentence says there is no
demonstrable difference, or too little data to say anything.
"""

from __future__ import annotations

import math

from evaluatie.evaluation import IndicatorEvaluation
from evaluatie.report.formats import number, signed

DOMAIN_LABELS = {"kwaliteit": "ervaren kwaliteit van zorg", "gezondheid": "gezondheid van de bevolking",
                 "kosten": "kosten per inwoner", "professionals": "werkplezier van professionals",
                 "gelijkheid": "gezondheidsverschillen (gelijkheid)"}
UNIT_WORDS = {"aantal": "", "euro": "euro", "weken": "weken", "procent": "procentpunt", "procentpunt": "procentpunt"}


def _amount(evaluation: IndicatorEvaluation, value: float) -> str:
    indicator = evaluation.indicator
    size = number(abs(value), 1)
    if indicator.unit == "euro":
        return f"€ {size} per {indicator.per}"
    if indicator.unit == "aantal":
        return f"{size} per {indicator.per}"
    return f"{size} {UNIT_WORDS[indicator.unit]}"


def lower_first(text: str) -> str:
    """'Wachttijd voor ...' -> 'wachttijd voor ...' but keep abbreviations such as 'SEH-bezoeken'."""
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]


def effect_sentence(evaluation: IndicatorEvaluation) -> str:
    """One sentence about one indicator that matches the estimate's sign, size and interval."""
    label = evaluation.indicator.label
    headline = evaluation.headline
    if evaluation.verdict == "te_weinig" or headline is None:
        return f"Te weinig gegevens om iets te zeggen over {lower_first(label)}."
    if evaluation.verdict == "onbetrouwbaar":
        return (f"Over {lower_first(label)} valt geen betrouwbare uitspraak te doen: de deelnemende gemeenten en de "
                "vergelijkingsgemeenten liepen al voor de start uiteen.")
    interval = f"onzekerheidsmarge {signed(headline.ci_low)} tot {signed(headline.ci_high)}"
    if evaluation.verdict == "geen_verschil":
        text = f"{label}: geen aantoonbaar verschil; het effect ligt ergens tussen {signed(headline.ci_low)} en {signed(headline.ci_high)}."
        if math.isfinite(headline.detectable):
            relative = headline.relative(headline.detectable)
            share = f" ({number(abs(relative), 0)}%)" if math.isfinite(relative) else ""
            text += (f" Een effect kleiner dan ongeveer {_amount(evaluation, headline.detectable)}{share} was met "
                     "deze gegevens niet te zien.")
        return text
    word, more = ("gedaald", "minder") if evaluation.verdict == "gedaald" else ("gestegen", "meer")
    relative = headline.relative(headline.estimate)
    share = f", {number(abs(relative), 0)}%" if math.isfinite(relative) else ""
    cause = "door de financieringsafspraak (budgeteffect)" if evaluation.is_budget_effect else "door het initiatief"
    return (f"{label}: waarschijnlijk {word} {cause}, met ongeveer {_amount(evaluation, headline.estimate)} "
            f"{more} dan zonder initiatief verwacht{share} ({interval}).")


def key_messages(evaluations: list[IndicatorEvaluation], process_lines: list[str] = ()) -> list[str]:
    """Three to six messages for the steering group, most important first."""
    messages = [effect_sentence(e) for e in evaluations if e.verdict in ("gedaald", "gestegen")][:3]
    unclear = [lower_first(e.indicator.label) for e in evaluations if e.verdict == "geen_verschil"]
    if unclear:
        messages.append(f"Geen aantoonbaar verschil voor {_join(unclear)}. Dat betekent niet dat er geen effect is, "
                        "maar de gegevens laten het niet zien.")
    doubtful = [lower_first(e.indicator.label) for e in evaluations if e.verdict in ("onbetrouwbaar", "te_weinig")]
    if doubtful:
        messages.append(f"Over {_join(doubtful)} zeggen de gegevens niets betrouwbaars (te weinig gegevens of trends "
                        "die al voor de start uiteenliepen).")
    messages += list(process_lines)
    if len(messages) < 3:
        messages.append(coverage_sentence(evaluations))
    return messages[:6]


def coverage_sentence(evaluations: list[IndicatorEvaluation]) -> str:
    covered = {d for e in evaluations for d in e.indicator.domains}
    missing = [DOMAIN_LABELS[d] for d in DOMAIN_LABELS if d not in covered]
    text = f"De indicatoren gaan over {_join([DOMAIN_LABELS[d] for d in DOMAIN_LABELS if d in covered])}"
    return text + (f"; over {_join(missing)} zegt deze evaluatie niets." if missing else ".")


def _join(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]
