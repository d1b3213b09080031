"""Control groups (matching, synthetic control), diagnostics and the translation for a steering group."""

import numpy as np
import pandas as pd
import pytest

from evaluatie.outcome import (
    EffectResult,
    alternative_controls,
    check_data,
    estimate_twfe,
    flag_indicator,
    leave_one_out,
    match_controls,
    never_treated_units,
    placebo_start,
    restrict_to_controls,
    settle_shared_savings,
    synthetic_control,
    translate_effect,
    who_pays_who_saves,
)


@pytest.fixture
def selected(staggered_panel):
    """Treated units differ from the rest in a covariate and in outcome level (selection on levels)."""
    df = staggered_panel(n_units=200, cohorts=(5,), shares=(0.1,), seed=3)
    rng = np.random.default_rng(0)
    x = dict(enumerate(rng.normal(size=200)))
    df["x"] = df["u"].map(x) + 0.8 * (df["g"] > 0)
    return df


@pytest.mark.parametrize("method, caliper", [("mahalanobis", None), ("propensity", 0.2)])
def test_matching_improves_balance(selected, method, caliper):
    treated = selected.loc[selected["g"] > 0, "u"].unique().tolist()
    m = match_controls(selected, "u", "t", "y", treated, start=5, covariates=["x"], method=method, caliper=caliper)
    assert set(m.balance["variable"]) == {"x", "niveau_uitkomst", "trend_uitkomst"}
    assert (m.balance["smd_after"].abs() < m.balance["smd_before"].abs()).sum() >= 2
    assert m.balance.loc[m.balance["variable"] == "x", "smd_after"].abs().iloc[0] < 0.25
    assert len(m.controls) == len(treated) - len(m.unmatched)
    assert not set(m.controls) & set(treated)
    r = alternative_controls(selected, "y", "u", "t", "d", controls=m.controls)
    assert r.n_units == len(treated) + len(m.controls) and r.method.endswith("alternative_controls")


def test_caliper_leaves_treated_units_unmatched(selected):
    treated = selected.loc[selected["g"] > 0, "u"].unique().tolist()
    m = match_controls(selected, "u", "t", "y", treated, start=5, covariates=["x"], caliper=1e-6)
    assert len(m.unmatched) == len(treated) and m.warnings


def test_control_group_helpers(selected):
    never = never_treated_units(selected, "u", "d")
    assert len(never) == selected["u"].nunique() - selected.loc[selected["d"] == 1, "u"].nunique()
    with pytest.raises(ValueError, match="zowel"):
        restrict_to_controls(selected, "u", [0, 1], [1, 2])
    with pytest.raises(ValueError, match="komen niet voor"):
        restrict_to_controls(selected, "u", [0], ["GM9999"])


def test_synthetic_control_recovers_a_clean_effect():
    t = np.arange(10)
    donors = {f"c{j}": 10 + j + 0.5 * t * (j % 3) for j in range(8)}
    treated = 0.5 * donors["c1"] + 0.5 * donors["c4"] + np.where(t >= 6, -3.0, 0.0)
    rows = [(u, ti, v) for u, series in {**donors, "T": treated}.items() for ti, v in zip(t, series)]
    df = pd.DataFrame(rows, columns=["u", "t", "y"])
    s = synthetic_control(df, "y", "u", "t", ["T"], start=6)
    assert s.estimate == pytest.approx(-3.0, abs=1e-3)
    assert s.pre_rmspe < 1e-3
    assert s.weights.sum() == pytest.approx(1.0) and (s.weights >= 0).all()
    assert s.p_value == pytest.approx(1 / 9)


def test_check_data_warns_in_dutch(staggered_panel):
    df = staggered_panel(n_units=6, cohorts=(3,), shares=(0.34,), seed=1).sample(frac=0.8, random_state=0)
    text = " ".join(check_data(df, "y", "u", "t", "d"))
    assert "vóór de start" in text and "controle-eenheden" in text and "ontbreekt" in text


def test_placebo_start_uses_pre_period_only(staggered_panel):
    df = staggered_panel(n_units=80, cohorts=(6,), shares=(0.25,), seed=2)
    r = placebo_start(df, "y", "u", "t", "d", shift=2)
    assert r.label == "placebo" and r.n_obs == 80 * 5
    assert r.ci_low < 0 < r.ci_high  # parallel trends hold in the simulation
    df["y"] += 0.5 * df["t"] * (df["g"] > 0)  # diverging trend before the start
    assert placebo_start(df, "y", "u", "t", "d", shift=2).p_value < 0.05


def test_leave_one_out(staggered_panel):
    df = staggered_panel(n_units=60, cohorts=(5,), shares=(0.1,), seed=3)
    loo = leave_one_out(df, "y", "u", "t", "d")
    assert len(loo) == df.loc[df["d"] == 1, "u"].nunique()
    assert {"left_out", "estimate", "se"} <= set(loo.columns)


def test_flags_for_breaks_and_steered_indicators(staggered_panel):
    r = estimate_twfe(staggered_panel(seed=1), outcome="y", unit="u", time="t", treated="d")
    f = flag_indicator(r, periods=(2013, 2020), break_periods=[2015], self_steered=True)
    assert f.label == "budgeteffect"
    assert any("Definitiebreuk in 2015" in w for w in f.warnings)
    assert flag_indicator(r, periods=(2016, 2020), break_periods=[2015]).warnings == r.warnings


def _res(est, lo, hi):
    return EffectResult(estimate=est, se=(hi - lo) / 3.92, ci_low=lo, ci_high=hi, p_value=0.01, n_units=10,
                        n_treated=2, n_obs=100, method="twfe", inference="cluster")


def test_translation_for_a_steering_group():
    t = translate_effect(_res(-2.0, -3.0, -1.0), observed_level=18.0, population=25_000, rate_per=1000,
                         euros_per_unit=2_500, years=3, unit_label="opnames per 1.000 inwoners")
    rows = t.table.set_index("measure")
    assert rows.loc["relatief t.o.v. situatie zonder aanpak", "estimate"] == pytest.approx(-2 / 20 * 100)
    assert rows.loc["totaal in het gebied per jaar", "estimate"] == pytest.approx(-50)
    assert rows.loc["euro per jaar", "estimate"] == pytest.approx(-125_000)
    assert rows.loc["euro cumulatief over 3 jaar", "ci_low"] == pytest.approx(-3 * 25 * 2_500 * 3)


def test_who_pays_who_saves_and_settlement():
    payers = who_pays_who_saves(
        {"Zvw": _res(-40, -60, -20), "Wmo": _res(10, 2, 18), "Wlz": _res(-5, -15, 5)},
        population=25_000, years=3, investment_by_payer={"Wmo": 500_000},
    )
    status = payers.set_index("payer")["status"]
    assert list(status) == ["bespaart", "betaalt meer", "onzeker"]
    s = settle_shared_savings(payers, {"Zvw": 0.5, "Wmo": 0.4, "Wlz": 0.1}).set_index("payer")
    assert s["transfer"].sum() == pytest.approx(0.0)
    assert s.loc["Wlz", "saving_cumulative"] == 0.0  # not shown, so it does not count
    assert s.loc["Wmo", "transfer"] > 0 > s.loc["Zvw", "transfer"]
    with pytest.raises(ValueError, match="optellen tot 1"):
        settle_shared_savings(payers, {"Zvw": 0.5, "Wmo": 0.4, "Wlz": 0.2})


def test_minimum_detectable_effect():
    from evaluatie.outcome import minimum_detectable_effect

    r = _res(1.0, 0.0, 2.0)
    assert minimum_detectable_effect(r) == pytest.approx((1.959964 + 0.841621) * r.se, rel=1e-5)
    with pytest.raises(ValueError):
        minimum_detectable_effect(r, power=1.2)
