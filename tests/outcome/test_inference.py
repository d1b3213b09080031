"""Wild cluster bootstrap and randomisation inference: fast paths agree with brute force refits."""

import itertools

import numpy as np
import pandas as pd
import pytest

from evaluatie.outcome import estimate_2x2, estimate_twfe
from evaluatie.outcome.inference import n_assignments


def small_panel(n_units=8, n_treated=2, n_periods=6, start=3, effect=1.0, seed=3):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_units):
        a = rng.normal()
        for t in range(n_periods):
            d = int(i < n_treated and t >= start)
            rows.append((i, t, d, a + 0.3 * t + effect * d + rng.normal(scale=0.5), rng.normal()))
    return pd.DataFrame(rows, columns=["u", "t", "d", "y", "x"])


def test_exact_randomization_matches_brute_force_refits():
    df = small_panel()
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", inference="randomization")
    treated_path = df.loc[df["u"] == 0, "d"].to_numpy()
    without_effect = df.assign(y=df["y"] - r.att * df["d"])
    placebo, placebo_without_effect = [], []
    for chosen in itertools.combinations(range(8), 2):
        d = np.where(df["u"].isin(chosen), np.tile(treated_path, 8), 0)
        placebo.append(estimate_twfe(df.assign(d=d), outcome="y", unit="u", time="t", treated="d").att)
        placebo_without_effect.append(estimate_twfe(without_effect.assign(d=d), outcome="y", unit="u", time="t",
                                                    treated="d").att)
    p = np.mean(np.abs(placebo) >= abs(r.att) - 1e-10)
    assert r.p_value == pytest.approx(p)
    assert r.inference == "randomization" and "alle 28" in r.inference_reason
    # the spread of placebo estimates once the estimated effect is taken out of the treated units
    assert r.se == pytest.approx(np.std(placebo_without_effect))
    assert r.details == {"n_draws": 28, "exact": True, "n_assignments": 28}


def test_randomization_ci_inverts_the_test():
    df = small_panel(n_units=10, seed=4)
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", inference="randomization", alpha=0.1)
    assert r.ci_low < r.att < r.ci_high
    for tau, inside in [(r.ci_low + 1e-6, True), (r.ci_high - 1e-6, True), (r.ci_low - 1e-3, False),
                        (r.ci_high + 1e-3, False)]:
        shifted = df.assign(y=df["y"] - tau * df["d"])
        p = estimate_twfe(shifted, outcome="y", unit="u", time="t", treated="d", inference="randomization",
                          alpha=0.1).p_value
        assert (p > 0.1) == inside


def test_randomization_with_covariates_and_weights_matches_refits():
    df = small_panel(n_units=7, n_treated=1, seed=5).assign(w=lambda d: 1.0 + d["u"])
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", covariates=["x"], weights="w",
                      inference="randomization")
    path = df.loc[df["u"] == 0, "d"].to_numpy()
    placebo = [
        estimate_twfe(df.assign(d=np.where(df["u"] == k, np.tile(path, 7), 0)), outcome="y", unit="u", time="t",
                      treated="d", covariates=["x"], weights="w").att
        for k in range(7)
    ]
    assert r.p_value == pytest.approx(np.mean(np.abs(placebo) >= abs(r.att) - 1e-10))
    assert any("nooit significant" in w for w in r.warnings)


def test_randomization_2x2_cross_section_by_cluster():
    rng = np.random.default_rng(6)
    rows = [(c, int(c < 2), p, rng.normal() + 0.5 * (c < 2) * p) for c in range(7) for p in (0, 1) for _ in range(5)]
    df = pd.DataFrame(rows, columns=["c", "g", "post", "y"])
    r = estimate_2x2(df, outcome="y", group="g", post="post", cluster="c", inference="randomization")
    placebo = []
    for chosen in itertools.combinations(range(7), 2):
        g = df["c"].isin(chosen).astype(int)
        placebo.append(estimate_2x2(df.assign(g=g), outcome="y", group="g", post="post").att)
    assert r.p_value == pytest.approx(np.mean(np.abs(placebo) >= abs(r.att) - 1e-10))


def test_wild_bootstrap_agrees_with_cluster_inference_when_clusters_are_many():
    df = small_panel(n_units=60, n_treated=30, seed=7, effect=0.3)
    cl = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")
    wb = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", inference="wild_bootstrap")
    assert wb.att == cl.att and wb.se == cl.se
    assert wb.ci_low == pytest.approx(cl.ci_low, abs=0.3 * cl.se)
    assert wb.ci_high == pytest.approx(cl.ci_high, abs=0.3 * cl.se)
    assert wb.p_value == pytest.approx(cl.p_value, abs=0.03)
    assert "Rademacher" in wb.inference_reason
    assert set(wb.to_frame()["inference"]) == {"wild_bootstrap", "cluster"}


def test_wild_bootstrap_uses_webb_weights_with_few_clusters():
    df = small_panel(n_units=10, n_treated=3)
    wb = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", inference="wild_bootstrap", n_draws=199)
    assert "Webb" in wb.inference_reason
    assert wb.ci_low < wb.att < wb.ci_high


def test_auto_rule_chooses_by_number_of_treated_clusters():
    few = estimate_twfe(small_panel(n_units=12, n_treated=3), outcome="y", unit="u", time="t", treated="d",
                        inference="auto", n_draws=199)
    assert few.inference == "randomization" and "slechts 3" in few.inference_reason
    assert few.inference_code == "auto_few_treated"
    # with 3 treated units the wild bootstrap is no second opinion (it essentially never rejects): not computed
    assert list(few.to_frame()["inference"]) == ["randomization", "cluster"]
    assert list(few.to_frame()["informative"]) == [True, False]
    five = estimate_twfe(small_panel(n_units=14, n_treated=5), outcome="y", unit="u", time="t", treated="d",
                         inference="auto", n_draws=199)
    assert list(five.to_frame()["inference"]) == ["randomization", "wild_bootstrap", "cluster"]
    many = estimate_twfe(small_panel(n_units=30, n_treated=12), outcome="y", unit="u", time="t", treated="d",
                         inference="auto")
    assert many.inference == "cluster" and "12 behandelde" in many.inference_reason
    assert many.inference_code == "auto_enough_treated"


def test_wild_bootstrap_2x2_panel():
    df = small_panel(n_units=20, n_treated=5)
    df["post"] = (df["t"] >= 3).astype(int)
    df["g"] = (df["u"] < 5).astype(int)
    r = estimate_2x2(df, outcome="y", group="g", post="post", unit="u", inference="wild_bootstrap", n_draws=499)
    assert r.ci_low < r.att < r.ci_high and 0 <= r.p_value <= 1


def test_number_of_assignments():
    assert n_assignments(np.array([0, 0, 0, 1, 1])) == 10
    assert n_assignments(np.array([0, 0, 1, 2])) == 12


def test_panel_2x2_equals_pooled_2x2_on_a_balanced_panel():
    df = small_panel(n_units=30, n_treated=10, seed=9)
    df["post"] = (df["t"] >= 3).astype(int)
    df["g"] = (df["u"] < 10).astype(int)
    pooled = estimate_2x2(df, outcome="y", group="g", post="post")
    panel = estimate_2x2(df, outcome="y", group="g", post="post", unit="u", inference="cluster")
    assert panel.att == pytest.approx(pooled.att)
    assert panel.method == "2x2_panel" and panel.n_units == 30 and panel.n_treated == 10


def test_wild_bootstrap_p_value_equals_brute_force_refits():
    """Restricted wild cluster bootstrap by refitting TWFE on every bootstrap sample gives the same p-value."""
    df = small_panel(n_units=14, n_treated=4, seed=11, effect=0.4)
    n_draws = 99
    wb = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", inference="wild_bootstrap",
                       n_draws=n_draws, seed=5)
    fe = pd.get_dummies(df[["u", "t"]].astype(str), drop_first=True, dtype=float).assign(c=1.0).to_numpy()
    y = df["y"].to_numpy()
    u = y - fe @ np.linalg.lstsq(fe, y, rcond=None)[0]  # residuals under the null (no effect)
    v = np.random.default_rng(5).choice([-1.0, 1.0], size=(n_draws, 14))  # 14 clusters: Rademacher
    obs = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")
    t_obs = obs.att / obs.se
    t_star = []
    for b in range(n_draws):
        star = df.assign(y=y - u + u * v[b, df["u"].to_numpy()])
        r = estimate_twfe(star, outcome="y", unit="u", time="t", treated="d")
        t_star.append(r.att / r.se)
    assert wb.p_value == pytest.approx(np.mean(np.abs(t_star) >= abs(t_obs) - 1e-12))


def test_few_treated_warning_only_when_clustered_inference_is_shown():
    df = small_panel(n_units=12, n_treated=3)
    clustered = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")
    auto = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", inference="auto", n_draws=199)
    assert any("Slechts 3" in w for w in clustered.warnings)
    assert not any("Slechts 3" in w for w in auto.warnings)


def test_exact_randomization_of_event_time_rows_counts_the_observed_assignment():
    """Every row p-value over all assignments is at least 1 / (number of assignments): the observed one
    counts as at least as extreme as itself. A large effect at event time 0 with one treated unit of 8 gets
    exactly 1/8; the row p-values of the event study and of Callaway & Sant'Anna's dynamic aggregation
    agree with a count over brute-force refits of the effect-free outcome."""
    from evaluatie.outcome import estimate_event_study, estimate_staggered

    rng = np.random.default_rng(11)
    rows = [(u, t, 4 if u == 0 else 0, rng.normal() + 0.2 * t + (8.0 if u == 0 and t >= 4 else 0.0))
            for u in range(8) for t in range(1, 9)]
    df = pd.DataFrame(rows, columns=["u", "t", "g", "y"])
    es = estimate_event_study(df, outcome="y", unit="u", time="t", cohort="g", inference="randomization")
    table = es.table.set_index("event_time")
    assert table.loc[0, "p_value"] == pytest.approx(1 / 8)  # not 0: the observed assignment is one of 8
    assert (table.p_value.dropna() >= 1 / 8 - 1e-12).all()
    cs = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", inference="randomization",
                            uniform_bands=False).aggregate("dynamic")
    assert (cs.table.p_value.dropna() >= 1 / 8 - 1e-12).all()
    assert cs.table.set_index(cs.table.columns[0]).loc[0, "p_value"] == pytest.approx(1 / 8)


def test_event_time_intervals_exclude_zero_exactly_when_the_p_value_is_small():
    from evaluatie.outcome import estimate_event_study

    rng = np.random.default_rng(12)
    rows = [(u, t, 5 if u < 2 else 0, rng.normal() + 0.1 * t + (1.5 if u < 2 and t >= 5 else 0.0))
            for u in range(14) for t in range(1, 10)]
    df = pd.DataFrame(rows, columns=["u", "t", "g", "y"])
    table = estimate_event_study(df, outcome="y", unit="u", time="t", cohort="g",
                                 inference="randomization").table.dropna(subset=["p_value"])
    excludes = (table.ci_low > 0) | (table.ci_high < 0)
    assert (excludes == (table.p_value <= 0.05)).all(), table
    assert excludes.any()  # 91 assignments: small p-values exist and the intervals say so
    def rows(frame):
        return estimate_event_study(frame, outcome="y", unit="u", time="t", cohort="g",
                                    inference="randomization").table.dropna(subset=["p_value"])

    assert np.isfinite(rows(df[df.u < 8]).ci_low).all()  # 2 of 8: 28 assignments, 1/28 < 0.05: bounded
    assert np.isinf(rows(df[df.u.isin(range(1, 9))]).ci_low).all()  # 1 of 8: p >= 1/8, no interval excludes 0
