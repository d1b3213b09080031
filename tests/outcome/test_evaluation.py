"""The outcome evaluation tells each demo initiative's known story (truth in data/demo/truth.csv), in codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluatie.outcome import estimate_event_study
from evaluatie.outcome.evaluation import (
    FRAGILE_BREAKDOWN, _informative_covariance, assessment, choose_design, detectable_effect, evaluate_indicator,
    evaluate_outcomes, evaluate_per_unit,
)
from evaluatie.outcome.frames import estimation_frame
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
        assert e.headline.inference == "randomization"  # 8 treated: fewer than 10
        assert e.assessment == ("ambigu" if indicator == "wmo_clienten" else "gunstig")  # catalogue direction
        assert e.headline.second_opinion.inference == "wild_bootstrap"  # informative with 8 treated
    assert results["seh_bezoeken"].verdict == "geen_verschil" and results["seh_bezoeken"].assessment is None


def test_no_effect_initiative_claims_nothing(evaluate):
    _, results, _ = evaluate("beekdal/wijkteams-samen.yaml")
    assert {e.verdict for e in results.values()} == {"geen_verschil"}


def test_staggered_starts_use_callaway_santanna(evaluate):
    _, results, truth = evaluate("duinrand/dementienetwerk.yaml")
    e = results["wlz_opnames_75plus"]
    assert e.staggered and e.headline.method == "callaway_santanna"
    assert e.verdict == "gedaald" and e.headline.inference == "randomization"  # cohorts permuted: sized right
    assert "few_per_cohort" not in e.cautions
    assert e.headline.ci_low <= truth[("dementienetwerk", "wlz_opnames_75plus")] <= e.headline.ci_high
    assert e.events.reference == "varying" and e.events.reference_time is None  # no point is 0 by construction
    assert (e.events.table.event_time < 0).any()
    dynamic = e.note("dynamic").values  # the growing effect, each end with its margin and its units
    first, last = dynamic["first"], dynamic["last"]
    assert dynamic["step"] == "jaar" and first["n_units"] == 9 and last["n_units"] == 3
    assert last["ci_low"] < last["estimate"] < last["ci_high"]
    assert last["ci_high"] - last["ci_low"] > first["ci_high"] - first["ci_low"]  # three units: a wider margin


def test_clustered_staggered_headline_with_few_units_is_read_with_caution(evaluate):
    study, _, _ = evaluate("duinrand/dementienetwerk.yaml")
    choice, indicator = next((c, i) for c, i in study.indicators() if c.id == "wlz_opnames_75plus")
    e = evaluate_indicator(study, choice, indicator, choose_design(study, inference="cluster"))
    assert e.headline.inference == "cluster" and "few_per_cohort" in e.cautions


def test_pretrend_violation_is_flagged_unreliable(evaluate):
    _, results, _ = evaluate("venstreek/krachtige-basiszorg.yaml")
    assert results["zvw_kosten_totaal"].verdict == "onbetrouwbaar"
    assert results["zvw_kosten_totaal"].placebo_p < 0.01


def test_fixed_budget_is_labelled_a_budget_effect(evaluate):
    _, results, _ = evaluate("zandmeren/vast-wijkbudget.yaml")
    e = results["wmo_kosten"]
    assert e.is_budget_effect and e.note("budget_effect") is not None and e.assessment == "budgeteffect"
    assert e.note("definition_break").values["years"] == [2015]  # between pre and post


def test_one_treated_municipality_per_unit_results(evaluate):
    study, results, truth = evaluate("polderoost/proeftuin-hart.yaml")
    assert results["seh_bezoeken"].headline.n_treated == 1
    yearly = results["verwijzingen_ziekenhuis"].frame  # start 2019Q3: 2019 is only partly treated
    partial = yearly[(yearly.unit_id == "FG0401") & (yearly.period == "2019")]
    assert partial.partial.tolist() == [1]
    assert "2019" not in set(estimation_frame(yearly).query("unit_id == 'FG0401'").period)
    assert "2019" in set(yearly.loc[yearly.group == 0, "period"])
    per_unit = evaluate_per_unit(study, list(results.values()))
    assert set(per_unit.unit_id) == {"FG0401"} and len(per_unit) == 3
    assert set(per_unit.verdict) <= {"gedaald", "gestegen", "geen_verschil"}


def test_partly_treated_start_year_is_event_time_zero_and_no_period_is_dropped(evaluate):
    _, results, _ = evaluate("polderoost/proeftuin-hart.yaml")
    events = results["verwijzingen_ziekenhuis"].events
    assert events.partial_start and events.reference == "fixed" and events.reference_time == -1
    table = events.table.set_index("event_time")
    assert table.loc[-1, "estimate"] == 0 and table.loc[-1, "n_units"] == 1  # 2018 is observed
    assert table.loc[0, "n_units"] == 1  # 2019, partly treated, with its own marker
    assert list(table.index) == list(range(-7, 6))  # 2012 to 2024: every year, 2024 included
    assert table.estimate.notna().all()


def test_one_treated_unit_gets_no_second_opinion_and_randomisation_event_bands(evaluate):
    _, results, _ = evaluate("polderoost/proeftuin-hart.yaml")
    e = results["seh_bezoeken"]
    assert e.headline.n_treated == 1 and e.headline.second_opinion is None
    assert e.headline.withheld == ("wild_bootstrap",)
    assert e.headline.inference == "randomization"
    table = e.events.table.dropna(subset=["estimate"]).query("event_time != @e.events.reference_time")
    assert e.events.bands and (table.ci_low <= table.estimate).all() and (table.estimate <= table.ci_high).all()
    # the fragile trends (breakdown far below 1) are more serious than the one municipality, which the
    # report and overviews say apart: the overview caution is the first of the two
    assert e.cautions == ("trends_fragile", "single_unit") and e.caution == "trends_fragile"
    assert e.trends.breakdown < 0.5


def test_design_is_visible_and_one_line_overrides_it(evaluate):
    study, results, _ = evaluate("lindeland/huisarts-plus.yaml")
    design = choose_design(study)
    assert set(design.to_frame().inference) == {"randomization"} and set(design.to_frame().method) == {"twfe"}
    clustered = choose_design(study, inference="cluster")
    choice, indicator = study.indicators()[0]
    e = evaluate_indicator(study, choice, indicator, clustered)
    assert e.headline.inference == "cluster" and e.headline.second_opinion is None
    assert e.headline.estimate == pytest.approx(results[choice.id].headline.estimate)


def test_direction_decides_favourable_from_codes():
    assert assessment("gedaald", "lager_beter", False) == "gunstig"
    assert assessment("gestegen", "lager_beter", False) == "ongunstig"
    assert assessment("gestegen", "hoger_beter", False) == "gunstig"
    assert assessment("gestegen", "ambigu", False) == "ambigu"
    assert assessment("gedaald", "lager_beter", True) == "budgeteffect"
    assert assessment("geen_verschil", "lager_beter", False) is None


def test_detectable_effect_follows_the_interval_not_the_effect():
    assert detectable_effect(-3.0, 1.0, 0.05) == pytest.approx(2 * (1.959964 + 0.841621) / 1.959964, rel=1e-6)
    assert detectable_effect(7.0, 11.0, 0.05) == pytest.approx(detectable_effect(-3.0, 1.0, 0.05))


def test_a_library_failure_becomes_dutch():
    import numpy as np

    from evaluatie.outcome.evaluation import GENERIC_REASON, estimation_failure

    with pytest.raises(np.linalg.LinAlgError) as failure:
        np.linalg.inv(np.zeros((2, 2)))
    assert "te weinig variatie" in estimation_failure(failure.value)
    assert estimation_failure(RuntimeError("kernel exploded")) == GENERIC_REASON


def test_own_dutch_messages_are_kept():
    from evaluatie.outcome.diagnostics import minimum_detectable_effect
    from evaluatie.outcome.evaluation import estimation_failure

    with pytest.raises(ValueError) as failure:
        minimum_detectable_effect(None, power=2)
    assert estimation_failure(failure.value) == "power moet tussen 0 en 1 liggen, niet 2"


def test_shown_effects_carry_their_sensitivity_to_diverging_trends(evaluate):
    """Every shown effect gets the breakdown of its event study, computed with the margins of its own
    (randomisation) inference; below 1 the effect is read with caution, and no effect gets none."""
    _, results, _ = evaluate("lindeland/samen-indiceren.yaml")
    for e in results.values():
        if e.verdict not in ("gedaald", "gestegen"):
            assert e.trends is None and "trends_fragile" not in e.cautions
            continue
        t = e.trends
        assert t.lags == 5 and t.breakdown >= 0 and t.slope_80 > 0
        assert ("trends_fragile" in e.cautions) == (t.breakdown < FRAGILE_BREAKDOWN)
        assert [m for m, _, _ in t.intervals] == [0.0, 0.5, 1.0, 1.5, 2.0]
        lows, highs = [lo for _, lo, _ in t.intervals], [hi for _, _, hi in t.intervals]
        assert lows == sorted(lows, reverse=True) and highs == sorted(highs)  # nested: wider with larger Mbar
    frame = estimation_frame(results["wmo_wachttijd"].frame)
    study = estimate_event_study(frame, outcome="value", unit="unit_id", time="time", cohort="cohort",
                                 weights="weight", inference="randomization", n_draws=99, seed=1)
    leads, lags = [-3, -2], [0, 1]
    covariance = _informative_covariance(study, 8, leads, lags)
    rows = study.table.set_index("event_time").loc[leads + lags]
    half = (rows.ci_high - rows.ci_low) / (2 * stats.norm.ppf(0.975))
    assert np.sqrt(np.diag(covariance)) == pytest.approx(half.to_numpy())  # standard errors of the inference
    clustered = study.covariance.loc[leads + lags, leads + lags]
    assert _correlation(covariance.to_numpy()) == pytest.approx(_correlation(clustered.to_numpy()))  # kept


def _correlation(covariance):
    return covariance / np.sqrt(np.outer(np.diag(covariance), np.diag(covariance)))
