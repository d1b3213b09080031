"""The design choices of the params reach the estimators and the report: inference, the comparison units of a
staggered design, anticipation, intensity, matching, synthetic control and the shared-savings settlement."""

from __future__ import annotations

import math

import pytest

from evaluatie.data.study import load_study
from evaluatie.outcome.evaluation import choose_design, evaluate_indicator, evaluate_per_unit
from evaluatie.outcome.frames import estimation_frame, indicator_frame, matching
from evaluatie.outcome.money import MoneyEffect, settle
from evaluatie.params import load_initiative
from evaluatie.report import sections
from evaluatie.report.sections.design import full_participation_sentence, settlement_section

SAMEN = "params/lindeland/samen-indiceren.yaml"
STAGGERED = "params/duinrand/dementienetwerk.yaml"
SINGLE = "params/polderoost/proeftuin-hart.yaml"


def _one(study, indicator: str, design=None):
    choice, spec = next((c, i) for c, i in study.indicators() if c.id == indicator)
    return evaluate_indicator(study, choice, spec, design)


def test_outcome_inference_from_the_params_reaches_the_headline(project):
    study = load_study(project / SAMEN, {"outcome.inference": "cluster"})
    design = choose_design(study)
    assert design.inference == "cluster" and set(design.choices.inference) == {"cluster"}
    assert _one(study, "wmo_wachttijd").headline.inference == "cluster"  # auto would be randomisation (8 treated)
    assert choose_design(study, inference="auto").inference == "auto"  # the notebook's override still wins


def test_not_yet_treated_comparison_reaches_callaway_santanna(project):
    never = _one(load_study(project / STAGGERED), "wlz_opnames_75plus")
    study = load_study(project / STAGGERED, {"outcome.control_group": "not_yet_treated"})
    later = _one(study, "wlz_opnames_75plus")
    assert (never.headline.control_group, later.headline.control_group) == ("never_treated", "not_yet_treated")
    assert later.headline.estimate != pytest.approx(never.headline.estimate, abs=1e-9)
    text = sections.methods(study, [later]).markup
    assert "gemeenten die op dat moment nog niet meededen" in text and "nooit meededen (Callaway" not in text


def test_anticipation_moves_the_start_of_every_estimate(project):
    plain = load_study(project / SAMEN)
    study = load_study(project / SAMEN, {"treatment.anticipation": 1})
    before, after = indicator_frame(plain, "wmo_wachttijd"), indicator_frame(study, "wmo_wachttijd")
    treated = after.group == 1
    assert (after.cohort[treated] == before.cohort[treated] - 1).all()
    assert after.treated.sum() == before.treated.sum() + treated.groupby(after.unit_id).any().sum()
    e = _one(study, "wmo_wachttijd")
    assert e.events.anticipation == 1
    assert e.headline.estimate != pytest.approx(_one(plain, "wmo_wachttijd").headline.estimate)
    per_unit = evaluate_per_unit(study, [e])
    assert len(per_unit) == 8  # each municipality estimated on the moved start (same frame)
    assert "We rekenen vanaf 1 periode voor de start" in sections.methods(study, [e]).markup


def test_anticipation_that_leaves_no_pre_period_is_refused(project):
    with pytest.raises(Exception, match=r"treatment\.anticipation: 30 periods before the start"):
        load_study(project / SAMEN, {"treatment.anticipation": 30})


def test_intensity_scales_the_effect_to_full_participation(project):
    study = load_study(project / SAMEN, {"treatment.intensity": 0.5})
    record = _one(study, "wmo_wachttijd").record()
    assert record["intensity"] == 0.5
    assert record["full_estimate"] == pytest.approx(2 * record["estimate"])
    assert (record["full_ci_low"], record["full_ci_high"]) == pytest.approx((2 * record["ci_low"], 2 * record["ci_high"]))
    sentence = full_participation_sentence(record)
    assert sentence.startswith("Bij volledige deelname (nu 50%) zou het effect −") and "weken" in sentence
    assert "evenredig" in sentence
    assert full_participation_sentence({**record, "intensity": 1.0}) == ""


def test_matching_restricts_the_controls_and_shows_the_balance(project):
    study = load_study(project / SAMEN, ["control_group.method=matching",  # as `evaluatie run -p` gives them
                                         "control_group.matching={on: [mean_income], neighbours: 2}"])
    matched = matching(study, "ziekenhuisopnames")
    frame = estimation_frame(indicator_frame(study, "ziekenhuisopnames"))
    assert set(frame.loc[frame.group == 0, "unit_id"]) == set(matched.controls)
    assert 8 < len(matched.controls) <= 16 < len(study.control_units)
    e = _one(study, "ziekenhuisopnames")
    assert e.headline.n_control == len(matched.controls) and e.matching.controls == matched.controls
    html = sections.methods(study, [e]).markup
    assert "Balans na matching: Ziekenhuisopnames" in html and "Gestandaardiseerd verschil vóór" in html
    assert "Gemiddeld inkomen (× €\u00a01.000 per jaar)" in html and "mean_income" not in html.split("Parameters van")[0]


def test_the_key_on_stays_a_key_in_a_params_file(project):
    path = project / SAMEN
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  type: all_untreated\n", "  type: all_untreated\n  method: matching\n  matching:\n    on: [mean_income]\n"),
        encoding="utf-8")
    assert load_initiative(path).params.control_group.matching.on == ["mean_income"]


def test_synthetic_control_beside_did_only_with_one_start(project):
    study = load_study(project / SINGLE, {"control_group.method": "synthetic_control"})
    e = _one(study, "seh_bezoeken")
    assert e.synthetic is not None and math.isclose(e.synthetic.weights.sum(), 1, rel_tol=1e-6)
    assert 0 < e.synthetic.p_value <= 1 and e.synthetic.estimate < 0  # the truth: fewer ED visits
    html = sections.methods(study, [e]).markup
    assert "Synthetische controle naast de schatting" in html and "Grootste gewichten" in html
    staggered = load_study(project / STAGGERED, {"control_group.method": "synthetic_control"})
    assert _one(staggered, "wlz_opnames_75plus").synthetic is None


def _effect(law: str, saving: float, low: float, high: float, indicator: str) -> MoneyEffect:
    return MoneyEffect(indicator, indicator, law, None, "shown", saving, low, high, 1.0)


def test_shared_savings_are_settled_at_the_estimate_and_both_bounds(project):
    effects = [_effect("Zvw", 100_000, 60_000, 140_000, "zvw_kosten_msz"),
               _effect("Wmo", -20_000, -30_000, -10_000, "wmo_kosten")]
    settled = settle(effects, {"Zvw": 0.7, "Wmo": 0.3})
    row = settled.table.set_index("payer").loc["Wmo"]
    assert (row.transfer, row.transfer_low, row.transfer_high) == pytest.approx((44_000, 39_000, 49_000))
    financing = load_study(project / SAMEN).params.financing  # shared_savings: inkoper_inkoper
    lines = settlement_section(financing, settled)["lines"]
    assert "€\u00a080.000 per jaar (marge €\u00a030.000 tot €\u00a0130.000)" in lines[0]
    assert "De gemeente (Wmo) ontvangt €\u00a044.000 per jaar (bij de grenzen van de marges: €\u00a039.000 tot €\u00a049.000)." in lines
    assert "De zorgverzekeraar (Zvw) betaalt €\u00a044.000 per jaar" in " ".join(lines)
    assert settle(effects, {}).equal_shares and settle(effects, {"Zvw": 1.0}).problem == "missing_share"
    assert settle(effects[:1], {}).problem == "single_payer"
    assert settlement_section(financing.model_copy(update={"shared_savings": "geen"}), settled) == {}
