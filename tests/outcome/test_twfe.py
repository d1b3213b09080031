"""TWFE estimator: agreement with an independent dummy-variable regression, and clear errors on bad input."""

import numpy as np
import pandas as pd
import pytest

from evaluatie.outcome import EffectResult, estimate_twfe


def make_panel(n_units=40, n_periods=8, n_treated=10, start=4, effect=2.0, seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    a = rng.normal(size=n_units)
    lam = rng.normal(size=n_periods)
    for i in range(n_units):
        for t in range(n_periods):
            d = int(i < n_treated and t >= start)
            x = rng.normal()
            y = a[i] + lam[t] + 0.5 * x + effect * d + rng.normal()
            rows.append((f"GM{i:04d}", 2015 + t, d, x, y, 1000 + 10 * i))
    return pd.DataFrame(rows, columns=["u", "t", "d", "x", "y", "pop"])


def dummy_ols_crv1(df, covs=(), w=None, cluster="u"):
    """Reference: OLS on explicit dummies with Stata's CRV1 (G/(G-1) * (N-1)/(N-K)), clustered by unit."""
    X = pd.concat(
        [df[["d", *covs]], pd.get_dummies(df["u"], drop_first=False, dtype=float),
         pd.get_dummies(df["t"], drop_first=True, dtype=float)], axis=1
    ).to_numpy(float)
    y = df["y"].to_numpy(float)
    sw = np.sqrt(w) if w is not None else np.ones(len(y))
    Xw, yw = X * sw[:, None], y * sw
    beta, *_ = np.linalg.lstsq(Xw, yw, rcond=None)
    e = yw - Xw @ beta
    bread = np.linalg.pinv(Xw.T @ Xw)
    groups = df[cluster].to_numpy()
    meat = np.zeros((X.shape[1], X.shape[1]))
    for g in np.unique(groups):
        s = Xw[groups == g].T @ e[groups == g]
        meat += np.outer(s, s)
    n, G = len(y), len(np.unique(groups))
    # Stata's xtreg/reghdfe: K counts slopes, time dummies and the constant, not the nested unit dummies.
    k = X.shape[1] - df["u"].nunique() + 1
    V = bread @ meat @ bread * G / (G - 1) * (n - 1) / (n - k)
    return beta[0], np.sqrt(V[0, 0])


def test_twfe_matches_dummy_regression():
    df = make_panel()
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")
    b, se = dummy_ols_crv1(df)
    assert isinstance(r, EffectResult)
    assert r.att == pytest.approx(b, rel=1e-8)
    assert r.se == pytest.approx(se, rel=1e-6)
    assert r.ci_low < r.att < r.ci_high
    assert 0 <= r.p_value <= 1
    assert (r.n_units, r.n_treated, r.n_obs) == (40, 10, 320)
    assert r.method == "twfe" and r.inference == "cluster" and r.inference_reason


def test_twfe_covariates_and_weights():
    df = make_panel(seed=2)
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", covariates=["x"], weights="pop")
    b, se = dummy_ols_crv1(df, covs=["x"], w=df["pop"].to_numpy(float))
    assert r.att == pytest.approx(b, rel=1e-8)
    assert r.se == pytest.approx(se, rel=1e-6)


def test_to_frame_has_the_fields_a_report_reads():
    r = estimate_twfe(make_panel(), outcome="y", unit="u", time="t", treated="d")
    f = r.to_frame()
    assert len(f) == 1
    for col in ["estimate", "se", "ci_low", "ci_high", "p_value", "n_units", "n_treated", "method", "inference"]:
        assert col in f.columns
    with pytest.raises(AttributeError):
        r.estimate = 0.0  # frozen


def test_staggered_and_few_treated_warn_in_dutch():
    df = make_panel(n_treated=4)
    df.loc[(df["u"] == "GM0000") & (df["t"] == 2015 + 3), "d"] = 1
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")
    text = " ".join(r.warnings)
    assert "verschillende momenten" in text
    assert "Slechts 4 behandelde" in text


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda df: df.drop(columns="y"), "'y'"),
        (lambda df: df.assign(y=df["y"].astype(str)), "'y'.*numeriek"),
        (lambda df: pd.concat([df, df.iloc[[0]]]), "Dubbele rijen"),
        (lambda df: df.assign(y=np.nan), "helemaal leeg"),
        (lambda df: df.assign(d=0), "Geen behandelde"),
        (lambda df: df.assign(d=(df["t"] >= 2019).astype(int)), "Geen controle"),
        (lambda df: df.assign(d=(df["u"] < "GM0010").astype(int)), "Geen voorperiode"),
        (lambda df: df.drop(columns="x"), None),
    ],
)
def test_bad_input_gives_clear_errors(mutate, match):
    df = mutate(make_panel())
    if match is None:
        with pytest.raises(ValueError, match="'x'"):
            estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", covariates=["x"])
        return
    with pytest.raises(ValueError, match=match):
        estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")


def test_missing_outcome_rows_are_dropped_with_a_warning():
    df = make_panel()
    df.loc[df.index[:5], "y"] = np.nan
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")
    assert r.n_obs == 315
    assert any("weggelaten" in w for w in r.warnings)


def test_unbalanced_weighted_panel_matches_dummy_regression():
    df = make_panel(seed=5).sample(frac=0.85, random_state=2).sort_index()
    df["w"] = np.random.default_rng(1).uniform(0.5, 2.0, size=len(df))  # varies within units: iterative path
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", covariates=["x"], weights="w")
    b, se = dummy_ols_crv1(df, covs=["x"], w=df["w"].to_numpy(float))
    assert r.att == pytest.approx(b, rel=1e-7)
    assert r.se == pytest.approx(se, rel=1e-5)


def test_time_invariant_covariate_is_absorbed_with_a_warning():
    df = make_panel().assign(z=lambda d: d["u"].str[-2:].astype(float))
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", covariates=["z"])
    assert r.att == pytest.approx(estimate_twfe(df, outcome="y", unit="u", time="t", treated="d").att)
    assert any("'z' verandert niet" in w for w in r.warnings)


def test_clustering_at_a_coarser_level_matches_dummy_regression():
    df = make_panel(n_units=40, n_treated=12, seed=6)
    df["gm"] = df["u"].str[-2:].astype(int) // 4  # 10 municipalities of 4 districts; treated ones are whole
    r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", cluster="gm")
    b, se = dummy_ols_crv1(df, cluster="gm")
    assert r.att == pytest.approx(b, rel=1e-8)
    assert r.se == pytest.approx(se, rel=1e-6)
    assert "cluster 'gm'" in r.inference_reason and r.n_units == 40 and r.n_treated == 12
    assert any("Slechts 3 behandelde clusters" in w for w in r.warnings)
    ri = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", cluster="gm", inference="randomization")
    assert "alle 120" in ri.inference_reason  # 3 treated municipalities out of 10: C(10, 3) assignments
    moved = df.assign(gm=np.where(df["t"] == 2015, 9, df["gm"]))  # units switch cluster over time
    with pytest.raises(ValueError, match="meer dan één cluster"):
        estimate_twfe(moved, outcome="y", unit="u", time="t", treated="d", cluster="gm")
