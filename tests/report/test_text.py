"""Dutch sentences and formats: the wording follows sign, size and interval, and never overclaims."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evaluatie.outcome.evaluation import Headline, IndicatorEvaluation
from evaluatie.formats import number
from evaluatie.params import Indicator, IndicatorChoice
from evaluatie.report.text import coverage_sentence, effect_sentence, key_messages

ADMISSIONS = Indicator(label="Ziekenhuisopnames per 1.000 inwoners", unit="aantal", per="1.000 inwoners",
                       frequency="jaar", direction="lager_beter", domains=["kosten", "gezondheid"], law="Zvw",
                       source="test")


def evaluation(estimate, low, high, verdict, steered=False, counterfactual=100.0, indicator=ADMISSIONS):
    headline = Headline(estimate, low, high, 0.01, "twfe", "cluster", 8, 80, counterfactual, 7)
    return IndicatorEvaluation("ziekenhuisopnames", IndicatorChoice(id="ziekenhuisopnames", steered=steered),
                               indicator, pd.DataFrame(), headline, None, 0.5, verdict, (), False)


def test_clear_decrease_states_size_share_and_interval():
    text = effect_sentence(evaluation(-7.9, -9.3, -6.5, "gedaald"))
    assert "waarschijnlijk gedaald door het initiatief" in text
    assert "7,9 per 1.000 inwoners minder dan zonder initiatief verwacht (8% minder)" in text
    assert "marge 6,5 tot 9,3 per 1.000 inwoners minder" in text


def test_increase_uses_the_word_for_more():
    text = effect_sentence(evaluation(17.9, 7.5, 28.0, "gestegen", counterfactual=220.0))
    assert "waarschijnlijk gestegen" in text and "(8% meer)" in text and "marge 7,5 tot 28,0 per 1.000 inwoners meer" in text


@pytest.mark.parametrize("low, high", [(-3.0, 1.0), (-0.1, 5.0), (0.0, 2.0)])
def test_interval_with_zero_never_claims_an_effect(low, high):
    text = effect_sentence(evaluation((low + high) / 2, low, high, "geen_verschil"))
    assert "geen aantoonbaar verschil" in text
    assert "waarschijnlijk gedaald" not in text and "waarschijnlijk gestegen" not in text
    assert f"daling van meer dan {number(abs(low), 1)}" in text and f"stijging van meer dan {number(abs(high), 1)}" in text


def test_failed_diagnostics_say_too_little_or_unreliable():
    assert effect_sentence(evaluation(-5, -7, -3, "te_weinig")).startswith("Te weinig gegevens om iets te zeggen")
    unreliable = effect_sentence(evaluation(13.8, 12.3, 15.3, "onbetrouwbaar"))
    assert "geen betrouwbare uitspraak" in unreliable and "waarschijnlijk ge" not in unreliable


def test_budget_effect_is_named_as_such():
    text = effect_sentence(evaluation(-56.9, -65.6, -48.1, "gedaald", steered=True))
    assert "budgeteffect" in text and "door het initiatief" not in text


def test_key_messages_between_three_and_six_and_honest():
    evaluations = [evaluation(-7.9, -9.3, -6.5, "gedaald"), evaluation(0.1, -1, 1.2, "geen_verschil"),
                   evaluation(3, 1, 5, "onbetrouwbaar")]
    messages = key_messages(evaluations, ["Proces."])
    assert 3 <= len(messages) <= 6
    assert sum("waarschijnlijk gedaald" in m for m in messages) == 1
    assert any("zeggen de gegevens niets betrouwbaars" in m for m in messages)
    assert sum("geen aantoonbaar verschil" in m.lower() for m in messages) == 1


def test_coverage_names_the_missing_quintuple_aim_domains():
    text = coverage_sentence([evaluation(-7.9, -9.3, -6.5, "gedaald")])
    assert "kosten per inwoner" in text and "werkplezier van professionals" in text.split("over", 2)[-1]


def test_caution_travels_with_the_claim():
    e = evaluation(-7.9, -9.3, -6.5, "gedaald")
    e = IndicatorEvaluation(e.id, e.choice, e.indicator, e.frame, e.headline, None, 0.05, "gedaald", (), False,
                            "de trends liepen voor de start niet helemaal gelijk op")
    assert effect_sentence(e).endswith("Lees met voorzichtigheid: de trends liepen voor de start niet helemaal gelijk op.")


def test_abbreviations_keep_their_capitals():
    from evaluatie.report.text import lower_first

    assert lower_first("Wmo-uitgaven per inwoner") == "Wmo-uitgaven per inwoner"
    assert lower_first("Ziekenhuisopnames") == "ziekenhuisopnames"
