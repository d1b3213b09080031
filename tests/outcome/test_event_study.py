"""Event study and Goodman-Bacon decomposition."""

import numpy as np
import pytest

from evaluatie.outcome import bacon_decomposition, estimate_event_study, estimate_twfe


def test_single_cohort_event_study_equals_2x2s(staggered_panel):
    df = staggered_panel(cohorts=(5,), shares=(0.3,), seed=1)
    es = estimate_event_study(df, outcome="y", unit="u", time="t", cohort="g")
    wide = df.pivot(index="u", columns="t", values="y")
    treated = df.groupby("u")["g"].first() > 0
    for e in (-4, -2, 0, 3):
        dy = wide[5 + e] - wide[4]
        expect = dy[treated].mean() - dy[~treated].mean()
        row = es.table.set_index("event_time").loc[e]
        assert row["estimate"] == pytest.approx(expect)
    ref = es.table.set_index("event_time").loc[-1]
    assert ref["estimate"] == 0 and np.isnan(ref["se"])
    assert list(es.table.columns[:5]) == ["event_time", "estimate", "se", "ci_low", "ci_high"]
    assert 0 < es.pretrend_p < 1 and es.pretrend_df == 3
    cov = es.covariance
    assert list(cov.index) == list(cov.columns) == [e for e in es.table["event_time"] if e != -1]
    se = es.table.set_index("event_time")["se"].drop(-1)
    assert np.sqrt(np.diag(cov)) == pytest.approx(se.to_numpy())
    assert np.allclose(cov, cov.T)


def test_pretrend_test_detects_a_diverging_trend(staggered_panel):
    df = staggered_panel(cohorts=(5,), shares=(0.3,), seed=2, n_units=300)
    df["y"] += 0.4 * df["t"] * (df["g"] > 0)
    es = estimate_event_study(df, outcome="y", unit="u", time="t", cohort="g")
    assert es.pretrend_p < 0.001


def test_binned_endpoints_and_identification(staggered_panel):
    df = staggered_panel(seed=3)
    es = estimate_event_study(df, outcome="y", unit="u", time="t", cohort="g", leads=2, lags=2)
    assert list(es.table["event_time"]) == [-2, -1, 0, 1, 2]
    assert es.table.set_index("event_time").loc[-2, "binned"]
    assert any("Sun & Abraham" in w for w in es.warnings)
    with pytest.raises(ValueError, match="leads en lags"):
        estimate_event_study(df[df["g"] > 0], outcome="y", unit="u", time="t", cohort="g")


def test_bacon_weights_reproduce_twfe(staggered_panel):
    for kwargs in [{}, {"cohorts": (1, 4, 6), "shares": (0.2, 0.3, 0.3)}]:
        df = staggered_panel(dynamic=0.5, seed=2, **kwargs)
        y = df.pivot(index="u", columns="t", values="y").to_numpy()
        d = df.pivot(index="u", columns="t", values="d").to_numpy()
        b = bacon_decomposition(y, d)
        r = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")
        assert b.twfe == pytest.approx(r.att, rel=1e-9)
        assert b.table["weight"].sum() == pytest.approx(1.0)
        assert 0 < b.forbidden_weight < 1
        assert any(f"{b.forbidden_weight:.0%} van het gewicht" in w for w in r.warnings)


def test_event_study_bad_cohort(staggered_panel):
    df = staggered_panel(seed=4)
    with pytest.raises(ValueError, match="4.5"):
        estimate_event_study(df.assign(g=df["g"].replace(4, 4.5)), outcome="y", unit="u", time="t", cohort="g")
    with pytest.raises(ValueError, match="'cohort'"):
        estimate_event_study(df, outcome="y", unit="u", time="t", cohort="cohort")
