"""Plain-language Dutch sentences generated from results, with honest wording of uncertainty.

The wording follows the verdict of :mod:`evaluatie.outcome.evaluation`: an effect is only claimed when its
interval excludes zero and the pre-start check passed; otherwise the sentence says there is no
demonstrable difference, or too little data to say anything.
"""

from __future__ import annotations

import math

from evaluatie.outcome.evaluation import IndicatorEvaluation
from evaluatie.formats import join_words, number, signed

DOMAIN_LABELS = {"kwaliteit": "ervaren kwaliteit van zorg", "gezondheid": "gezondheid van de bevolking",
                 "kosten": "kosten per inwoner", "professionals": "werkplezier van professionals",
                 "gelijkheid": "gezondheidsverschillen (gelijkheid)"}
UNIT_WORDS = {"aantal": "", "euro": "euro", "weken": "weken", "procent": "procentpunt", "procentpunt": "procentpunt"}


ABBREVIATIONS = ("Wmo", "Zvw", "Wlz", "SEH", "GGZ", "GGD")


def _amount(evaluation: IndicatorEvaluation, value: float) -> str:
    """'4,7 weken', '7,9 per 1.000 inwoners', '€ 17,9 per verzekerde' (always positive)."""
    indicator = evaluation.indicator
    size = number(abs(value), 1)
    if indicator.unit == "euro":
        return f"€ {size} per {indicator.per}"
    if indicator.unit == "aantal":
        return f"{size} per {indicator.per}"
    return f"{size} {UNIT_WORDS[indicator.unit]}"


def lower_first(text: str) -> str:
    """'Wachttijd voor ...' -> 'wachttijd voor ...', but 'Wmo-uitgaven' and 'SEH-bezoeken' stay as they are."""
    if text.startswith(ABBREVIATIONS) or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def effect_sentence(evaluation: IndicatorEvaluation) -> str:
    """One sentence about one indicator that matches the estimate's sign, size and interval."""
    label = evaluation.indicator.label
    headline = evaluation.headline
    if evaluation.verdict == "te_weinig" or headline is None:
        return f"Te weinig gegevens om iets te zeggen over {lower_first(label)}."
    if evaluation.verdict == "onbetrouwbaar":
        return (f"Over {lower_first(label)} valt geen betrouwbare uitspraak te doen: de deelnemende gemeenten en de "
                "vergelijkingsgemeenten liepen al voor de start uiteen.")
    if evaluation.verdict == "geen_verschil":
        return (f"{label}: geen aantoonbaar verschil. Een daling van meer dan {_amount(evaluation, headline.ci_low)} "
                f"of een stijging van meer dan {_amount(evaluation, headline.ci_high)} is onwaarschijnlijk.")
    word, more = ("gedaald", "minder") if evaluation.verdict == "gedaald" else ("gestegen", "meer")
    relative = headline.relative(headline.estimate)
    share = f" ({number(abs(relative), 0)}% {more})" if math.isfinite(relative) else ""
    cause = "door de financieringsafspraak (budgeteffect)" if evaluation.is_budget_effect else "door het initiatief"
    near, far = sorted([abs(headline.ci_low), abs(headline.ci_high)])
    text = (f"{label}: waarschijnlijk {word} {cause}, {_amount(evaluation, headline.estimate)} {more} dan zonder "
            f"initiatief verwacht{share}; marge {number(near, 1)} tot {_amount(evaluation, far)} {more}.")
    if evaluation.caution:
        text += f" Lees met voorzichtigheid: {evaluation.caution}."
    return text


def key_messages(evaluations: list[IndicatorEvaluation], process_lines: list[str] = ()) -> list[str]:
    """Three to six messages for the steering group, most important first."""
    shown = [effect_sentence(e) for e in evaluations if e.verdict in ("gedaald", "gestegen")]
    others = []
    unclear = [lower_first(e.indicator.label) for e in evaluations if e.verdict == "geen_verschil"]
    if unclear:
        others.append(f"Geen aantoonbaar verschil voor {join_words(unclear)}: de gegevens laten geen effect zien dat groter "
                      "is dan toeval kan verklaren (zie de marges per indicator).")
    unreliable = [lower_first(e.indicator.label) for e in evaluations if e.verdict == "onbetrouwbaar"]
    if unreliable:
        others.append(f"Over {join_words(unreliable)} zeggen de gegevens niets betrouwbaars: de deelnemende gemeenten "
                      "ontwikkelden zich al voor de start anders dan de vergelijkingsgemeenten, dus de vergelijking "
                      "is niet eerlijk.")
    too_little = [lower_first(e.indicator.label) for e in evaluations if e.verdict == "te_weinig"]
    if too_little:
        others.append(f"Te weinig gegevens om iets te zeggen over {join_words(too_little)}.")
    others += list(process_lines)[:1]
    room = max(6 - len(others), 3)
    messages = shown[:room] + others
    if len(messages) < 3:
        messages.append(coverage_sentence(evaluations))
    return messages[:6]


def coverage_sentence(evaluations: list[IndicatorEvaluation]) -> str:
    covered = {d for e in evaluations for d in e.indicator.domains}
    missing = [DOMAIN_LABELS[d] for d in DOMAIN_LABELS if d not in covered]
    text = f"De indicatoren gaan over {join_words([DOMAIN_LABELS[d] for d in DOMAIN_LABELS if d in covered])}"
    return text + (f"; over {join_words(missing)} zegt deze evaluatie niets." if missing else ".")

