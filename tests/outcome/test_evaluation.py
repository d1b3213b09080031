"""The outcome evaluation tells each demo initiative's known story (truth in data/demo/truth.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluatie.outcome.evaluation import evaluate_outcomes, evaluate_per_unit
from evaluatie.data.study import load_study


@pytest.fixture
def evaluate(project, demo_data):
    truth = pd.read_csv(demo_data / "truth.csv").set_index(["initiative", "indicator"]).true_att

    def run(path: str):
        study = load_study(project / "params" / path)
        return study, {e.id: e for e in evaluate_outcomes(study)}, truth

    return run


def test_clear_effect_is_found_and_covers_the_truth(evaluate):
    _, results, truth = evaluate("lindeland/samen-indiceren.yaml")
    for indicator in ["wmo_wachttijd", "ziekenhuisopnames", "wmo_clienten"]:
        e = results[indicator]
        assert e.verdict == "gedaald"
        assert e.headline.ci_low <= truth[("samen-indiceren", indicator)] <= e.headline.ci_high
        assert "Randomisatie-inferentie" in e.headline.inference  # 8 treated: fewer than 10
    assert results["seh_bezoeken"].verdict == "geen_verschil"


def test_no_effect_initiative_claims_nothing(evaluate):
    _, results, _ = evaluate("beekdal/wijkteams-samen.yaml")
    assert {e.verdict for e in results.values()} == {"geen_verschil"}


def test_staggered_starts_use_callaway_santanna(evaluate):
    _, results, truth = evaluate("duinrand/dementienetwerk.yaml")
    e = results["wlz_opnames_75plus"]
    assert e.staggered and "Callaway" in e.headline.method
    assert e.verdict == "gedaald"
    assert e.headline.ci_low <= truth[("dementienetwerk", "wlz_opnames_75plus")] <= e.headline.ci_high
    assert e.event_study is not None and (e.event_study.event_time < 0).any()


def test_pretrend_violation_is_flagged_unreliable(evaluate):
    _, results, _ = evaluate("venstreek/krachtige-basiszorg.yaml")
    assert results["zvw_kosten_totaal"].verdict == "onbetrouwbaar"
    assert results["zvw_kosten_totaal"].placebo_p < 0.01


def test_fixed_budget_is_labelled_a_budget_effect(evaluate):
    _, results, _ = evaluate("zandmeren/vast-wijkbudget.yaml")
    e = results["wmo_kosten"]
    assert e.is_budget_effect and any("budgeteffect" in note for note in e.notes)
    assert any("2015" in note for note in e.notes)  # definition break between pre and post


def test_one_treated_municipality_per_unit_results(evaluate):
    study, results, truth = evaluate("polderoost/proeftuin-hart.yaml")
    assert results["seh_bezoeken"].headline.n_treated == 1
    yearly = results["verwijzingen_ziekenhuis"].frame  # start 2019Q3: 2019 is only partly treated
    assert "2019" not in set(yearly.loc[yearly.unit_id == "FG0401", "period"])
    assert "2019" in set(yearly.loc[yearly.group == 0, "period"])
    per_unit = evaluate_per_unit(study, list(results.values()))
    assert set(per_unit.unit_id) == {"FG0401"} and len(per_unit) == 3
