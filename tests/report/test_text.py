"""Dutch sentences from records: the wording follows sign, size, interval and direction, never overclaims,
and its grammar holds (singular and plural, both bounds of an interval with their unit, no verb after a label)."""

from __future__ import annotations

import math

import pytest

from evaluatie.formats import number
from evaluatie.report.text import (
    coverage_sentence, domain_status, effect_cells, effect_sentence, findings_line, lower_first, margin, plural,
    short_finding, verdict_phrase,
)


def record(estimate=-7.9, low=-9.3, high=-6.5, verdict="gedaald", assessment="gunstig", caution=None, unit="aantal",
           per="1.000 inwoners", budget=False, relative=-8.0, label="Ziekenhuisopnames per 1.000 inwoners",
           domains=("kosten", "gezondheid")):
    return {"indicator": "x", "label": label, "unit": unit, "per": per, "estimate": estimate, "ci_low": low,
            "ci_high": high, "p_value": 0.01, "relative": relative, "relative_low": math.nan,
            "relative_high": math.nan, "verdict": verdict, "assessment": assessment, "caution": caution,
            "cautions": [caution] if caution else [], "budget_effect": budget, "domains": list(domains),
            "n_treated": 8, "n_control": 80}


def test_clear_decrease_states_size_share_interval_and_direction():
    text = effect_sentence(record())
    assert "waarschijnlijk gedaald door het initiatief" in text
    assert "7,9 per 1.000 inwoners minder dan zonder het initiatief verwacht, 8% minder" in text
    assert "(marge 6,5 tot 9,3 per 1.000 inwoners minder)" in text
    assert text.endswith("Dat is gunstig.")


def test_a_cost_rise_is_called_unfavourable_not_maybe_favourable():
    text = effect_sentence(record(17.9, 7.5, 28.0, "gestegen", "ongunstig", unit="euro", per="verzekerde",
                                  label="Zorgkosten Zvw per verzekerde", relative=8.1))
    assert "waarschijnlijk gestegen" in text and "Dat is ongunstig." in text
    assert "minder nodig" not in text


def test_both_bounds_of_a_money_interval_carry_the_euro_sign():
    text = effect_sentence(record(17.9, 7.5, 28.0, "gestegen", "ongunstig", unit="euro", per="verzekerde"))
    assert "marge €\u00a07,50 tot €\u00a028,00 per verzekerde meer" in text
    assert margin(record(unit="euro", per="verzekerde"), -65.6, -48.1) == "−\u2060€\u00a065,60 tot −\u2060€\u00a048,10 per verzekerde"


@pytest.mark.parametrize("low, high", [(-3.0, 1.0), (-0.1, 5.0), (0.0, 2.0)])
def test_interval_with_zero_never_claims_an_effect(low, high):
    text = effect_sentence(record((low + high) / 2, low, high, "geen_verschil", None))
    assert "geen aantoonbaar verschil" in text
    assert "waarschijnlijk gedaald" not in text and "waarschijnlijk gestegen" not in text
    assert f"daling van meer dan {number(abs(low), 1)}" in text and f"stijging van meer dan {number(abs(high), 1)}" in text


def test_an_interval_that_cannot_be_bounded_is_said_in_plain_dutch():
    text = effect_sentence(record(2.0, -math.inf, math.inf, "geen_verschil", None))
    assert "niet te begrenzen" in text and "inf" not in text and "∞" not in text
    assert margin(record(), -math.inf, 3.0) == "niet te begrenzen"


def test_failed_checks_say_too_little_or_unreliable():
    assert effect_sentence(record(verdict="te_weinig", assessment=None)).startswith("Te weinig gegevens om iets")
    unreliable = effect_sentence(record(13.8, 12.3, 15.3, "onbetrouwbaar", None))
    assert "geen betrouwbare uitspraak" in unreliable and "waarschijnlijk ge" not in unreliable


def test_budget_effect_is_named_as_such_and_not_as_favourable():
    text = effect_sentence(record(-56.9, -65.6, -48.1, "gedaald", "budgeteffect", budget=True, unit="euro",
                                  per="inwoner", label="Wmo-uitgaven per inwoner"))
    assert "budgeteffect" in text and "door het initiatief" not in text and "gunstig" not in text


def test_caution_travels_with_the_claim_and_one_municipality_names_no_cause():
    text = short_finding(record(caution="single_unit"))
    assert text.endswith("Lees met voorzichtigheid: met één gemeente is het effect niet te scheiden van andere "
                         "veranderingen in die gemeente.")
    alone = effect_sentence(record(caution="trends_fragile") | {"cautions": ["trends_fragile", "single_unit"]})
    assert alone.startswith("Ziekenhuisopnames per 1.000 inwoners: waarschijnlijk gedaald, 7,9 per 1.000 inwoners")
    assert "door het initiatief" not in alone
    assert verdict_phrase(record()) == "waarschijnlijk gedaald (gunstig)"


def test_no_finite_verb_after_a_label():
    """'Wmo-uitgaven ... daalde' was wrong: labels are singular or plural, so sentences use a colon."""
    text = effect_sentence(record(label="Wmo-uitgaven per inwoner", unit="euro", per="inwoner"))
    assert "daalde" not in text and "steeg" not in text and text.startswith("Wmo-uitgaven per inwoner: ")


def test_singular_and_plural():
    assert plural(1, "gemeente", "gemeenten") == "1 gemeente"
    assert plural(8, "gemeente", "gemeenten") == "8 gemeenten"
    assert plural(0, "gemeente", "gemeenten") == "0 gemeenten"
    assert findings_line([record()]) == "1 gunstig effect"
    assert findings_line([record(), record(), record(verdict="geen_verschil", assessment=None)]) == \
        "2 gunstige effecten, 1 indicator zonder aantoonbaar verschil"


def test_findings_line_never_counts_a_cost_rise_as_a_success():
    line = findings_line([record(), record(17.9, 7.5, 28.0, "gestegen", "ongunstig", caution="placebo_weak")])
    assert line == "1 gunstig effect, 1 ongunstig effect; 1 daarvan met voorzichtigheid te lezen"
    both = [record(caution="trends_fragile"), record(caution="single_unit")]
    assert findings_line(both) == "2 gunstige effecten; beide met voorzichtigheid te lezen"
    assert findings_line(both, n_treated=1).endswith("; één deelnemende gemeente: een aanwijzing, geen bewijs")
    assert findings_line(both[:1]) == "1 gunstig effect; met voorzichtigheid te lezen"


def test_quintuple_aim_status_carries_direction_and_caution():
    status = domain_status([record(caution="single_unit"), record(verdict="geen_verschil", assessment=None)],
                           "kosten")
    assert status == "↓ ziekenhuisopnames per 1.000 inwoners (gunstig; lees met voorzichtigheid)"
    unreliable = [record(verdict="onbetrouwbaar", assessment=None)]
    assert domain_status(unreliable, "kosten") == "gemeten, geen betrouwbare uitspraak"
    assert domain_status(unreliable, "professionals") == "niet gemeten"


def test_coverage_names_the_missing_quintuple_aim_domains():
    text = coverage_sentence([record()])
    assert "kosten per inwoner" in text and "werkplezier van professionals" in text.split("over", 2)[-1]


def test_abbreviations_keep_their_capitals():
    assert lower_first("Wmo-uitgaven per inwoner") == "Wmo-uitgaven per inwoner"
    assert lower_first("Ziekenhuisopnames") == "ziekenhuisopnames"


def test_a_bound_just_beside_zero_keeps_its_side():
    """'0,0 tot +1,1' would hide whether the margin excludes zero; '−0,0' is no number at all."""
    r = record(0.5, -0.04, 1.1, "geen_verschil", None)
    assert margin(r, -0.04, 1.1) == "−0,04 tot +1,1 per 1.000 inwoners"
    shown = record(0.5, 0.003, 1.1, "gestegen", "ongunstig")
    assert margin(shown, 0.003, 1.1).startswith("+0,003 tot")
    assert "(marge 0,003 tot 1,1 per 1.000 inwoners meer)" in effect_sentence(shown)
    assert margin(r, 0.0, 1.1) == "0,0 tot +1,1 per 1.000 inwoners"


def test_no_share_of_a_percentage_beside_its_points():
    """'1,1 procentpunt minder, 11% minder' reads as two different changes."""
    text = effect_sentence(record(-1.1, -1.9, -0.3, unit="procent", per="volwassenen", relative=-11.0,
                                  label="Mantelzorgers die zich zwaar belast voelen (%)"))
    assert "1,1 procentpunt minder dan zonder het initiatief verwacht (marge" in text and "11%" not in text


def test_table_cells_give_the_effect_with_its_unit():
    assert effect_cells(record()) == ["−7,9 per 1.000 inwoners", "−9,3 tot −6,5"]
    assert effect_cells(record(-4.7, -5.1, -4.3, unit="weken", per="aanvraag")) == ["−4,7 weken", "−5,1 tot −4,3"]
    assert effect_cells(record(math.nan, math.nan, math.nan)) == ["–", "–"]


def test_differences_of_percentages_are_in_procentpunt_on_the_axes():
    from evaluatie.report.figures import axis_label, difference_label

    assert axis_label("procent", "inwoners") == "%" and difference_label("procent", "inwoners") == "procentpunt"
    assert difference_label("aantal", "1.000 inwoners") == "per 1.000 inwoners"


def test_the_chart_of_shares_leaves_out_indicators_already_in_percent_and_says_so():
    from evaluatie.report.figures import relative_effects

    rows, note = relative_effects([record(), record(-0.3, -1.5, 1.0, "geen_verschil", None, unit="procent",
                                                    relative=-0.4, label="Volwassenen met goede gezondheid (%)")])
    assert list(rows.label) == ["Ziekenhuisopnames per 1.000 inwoners"]
    assert note == " Niet in de figuur, want al in procenten (zie de tabel): volwassenen met goede gezondheid (%)."
    assert relative_effects([record()])[1] == ""
    unreliable = record(verdict="onbetrouwbaar", assessment=None, relative=math.nan, label="Zvw-kosten per inwoner")
    assert relative_effects([record(), unreliable])[1] == " Niet in de figuur, zonder schatting om te tonen: " \
                                                          "Zvw-kosten per inwoner."


def test_fragile_trends_say_how_fragile():
    fragile = short_finding(record(caution="trends_fragile") | {"breakdown": 0.057})
    assert fragile.endswith("lopen de trends na de start al 6% zo sterk uiteen als voor de start, dan is het "
                            "effect niet meer aantoonbaar.")
    assert "81%" in short_finding(record(caution="trends_fragile") | {"breakdown": 0.81})


def test_quintuple_aim_names_an_unreliable_indicator_beside_one_without_difference():
    status = domain_status([record(verdict="geen_verschil", assessment=None),
                            record(verdict="onbetrouwbaar", assessment=None, label="Zvw-kosten per inwoner")],
                           "kosten")
    assert status == ("gemeten: geen aantoonbaar verschil voor ziekenhuisopnames per 1.000 inwoners; geen "
                      "betrouwbare uitspraak over Zvw-kosten per inwoner")
