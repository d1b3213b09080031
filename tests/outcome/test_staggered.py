"""Callaway & Sant'Anna estimator: options, agreement with hand-made 2x2 comparisons, bad input."""

import numpy as np
import pytest

from evaluatie.outcome import estimate_staggered


def manual_2x2(df, g, t, base, controls):
    wide = df.pivot(index="u", columns="t", values="y")
    coh = df.groupby("u")["g"].first()
    dy = wide[t] - wide[base]
    return dy[coh == g].mean() - dy[controls(coh)].mean()


def test_att_gt_is_the_2x2_with_clean_controls(staggered_panel):
    df = staggered_panel(seed=1)
    s = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", control_group="not_yet_treated")
    gt = s.att_gt.set_index(["cohort", "time"])
    # post period of cohort 4 at t=5: base 3, controls never treated or starting after period 5
    expect = manual_2x2(df, 4, 5, 3, lambda c: (c == 0) | (c > 5))
    assert gt.loc[(4, 5), "att"] == pytest.approx(expect)
    # pre period with varying base: t=3 against t=2
    expect = manual_2x2(df, 6, 3, 2, lambda c: (c == 0) | ((c > 3) & (c != 6)))
    assert gt.loc[(6, 3), "att"] == pytest.approx(expect)


def test_universal_base_and_anticipation(staggered_panel):
    df = staggered_panel(seed=2)
    s = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", base_period="universal")
    gt = s.att_gt.set_index(["cohort", "time"])
    assert (4, 3) not in gt.index  # the base period itself
    assert gt.loc[(4, 1), "att"] == pytest.approx(manual_2x2(df, 4, 1, 3, lambda c: c == 0))
    a = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", anticipation=1)
    gta = a.att_gt.set_index(["cohort", "time"])
    assert gta.loc[(4, 3), "base_period"] == 2
    assert gta.loc[(4, 6), "att"] == pytest.approx(manual_2x2(df, 4, 6, 2, lambda c: c == 0))


def test_recovers_a_known_effect_and_bands_are_wider(staggered_panel):
    df = staggered_panel(n_units=600, effect=2.0, seed=3)
    s = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g")
    a = s.aggregate("simple")
    assert a.ci_low < 2.0 < a.ci_high
    post = s.att_gt[s.att_gt["time"] >= s.att_gt["cohort"]]
    assert ((post["cband_high"] - post["cband_low"]) > (post["ci_high"] - post["ci_low"])).all()
    assert s.crit_value > 1.96
    dyn = s.aggregate("dynamic")
    assert list(dyn.table["event_time"]) == list(range(-4, 5))
    assert dyn.to_frame()["level"].iloc[0] == "totaal"


def test_covariates_and_clusters_run(staggered_panel):
    df = staggered_panel(seed=4)
    df["x"] = np.random.default_rng(0).normal(size=len(df))
    df["region"] = df["u"] % 20
    s = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", covariates=["x"], cluster="region")
    assert np.isfinite(s.aggregate("group").se)
    assert "cluster 'region'" in s.inference_reason


def test_bad_cohorts(staggered_panel):
    df = staggered_panel(seed=5)
    with pytest.raises(ValueError, match="4.5"):
        estimate_staggered(df.assign(g=df["g"].replace(4, 4.5)), outcome="y", unit="u", time="t", cohort="g")
    varying = df.copy()
    varying.loc[varying.index[0], "g"] = 6
    with pytest.raises(ValueError, match="verschilt binnen een eenheid"):
        estimate_staggered(varying, outcome="y", unit="u", time="t", cohort="g")
    with pytest.raises(ValueError, match="nooit behandeld"):
        estimate_staggered(df[df["g"] > 0], outcome="y", unit="u", time="t", cohort="g")
    ok = estimate_staggered(df[df["g"] > 0], outcome="y", unit="u", time="t", cohort="g",
                            control_group="not_yet_treated")
    assert ok.att_gt["att"].notna().any()
    shifted = staggered_panel(cohorts=(1, 4, 99), shares=(0.2, 0.3, 0.2), seed=5)
    s = estimate_staggered(shifted, outcome="y", unit="u", time="t", cohort="g")
    text = " ".join(s.warnings)
    assert "na de laatste periode" in text and "eerste periode" in text
    with pytest.raises(ValueError, match="aggregatie"):
        estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g").aggregate("weekly")


def test_unbalanced_panel_warns(staggered_panel):
    df = staggered_panel(seed=6).sample(frac=0.9, random_state=1)
    s = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g")
    assert any("niet compleet" in w for w in s.warnings)
    assert np.isfinite(s.aggregate("simple").se)


def test_covariates_remove_bias_from_trends_that_depend_on_them(staggered_panel):
    """Parallel trends hold only given x: both outcome regression and doubly robust recover the effect."""
    df = staggered_panel(n_units=1500, effect=1.0, seed=8, noise=0.5)
    rng = np.random.default_rng(1)
    x = rng.normal(size=1500) + 1.0 * (df.groupby("u")["g"].first().to_numpy() > 0)
    df["x"] = x[df["u"].to_numpy()]
    df["y"] += 0.5 * df["x"] * df["t"]  # trend depends on x, and x differs between the groups
    plain = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g").aggregate("simple")
    assert plain.att > 1.3  # biased without covariates
    for method in ("reg", "dr"):
        a = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", covariates=["x"],
                               est_method=method).aggregate("simple")
        assert a.ci_low < 1.0 < a.ci_high
    same = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", est_method="reg")
    assert same.aggregate("simple").att == pytest.approx(plain.att)
    with pytest.raises(ValueError, match="schattingsmethode"):
        estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", est_method="ipw")


def test_balanced_event_time_keeps_cohorts_fixed(staggered_panel):
    df = staggered_panel(seed=9)  # cohorts 4 and 6 in periods 1..8: cohort 6 has event times up to 2
    s = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g")
    dyn = s.aggregate("dynamic", balance_e=3)
    assert dyn.table["event_time"].max() == 3
    only4 = s.att_gt[(s.att_gt["cohort"] == 4) & (s.att_gt["event_time"].between(0, 3))]["att"]
    assert dyn.att == pytest.approx(only4.mean())
