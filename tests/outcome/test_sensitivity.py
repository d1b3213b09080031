"""Sensitivity to violations of parallel trends and pre-test power, against R HonestDiD and pretrends."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluatie.outcome import estimate_event_study, estimate_staggered
from evaluatie.outcome.sensitivity import (
    breakdown_value,
    flci,
    original_interval,
    pretest_power,
    pretrend_power,
    relative_magnitudes_ci,
    sensitivity,
    sensitivity_for,
)

REFERENCE = Path(__file__).parent / "reference"


def _event_study(name):
    frame = pd.read_csv(REFERENCE / name, comment="#")
    return frame["event_time"].to_numpy(), frame["beta"].to_numpy(), frame.filter(like="cov_").to_numpy()


def _printed(value: str):
    """A number as R printed it, with a tolerance of half a unit in its last digit."""
    decimals = len(value.split(".")[1]) if "." in value else 0
    return pytest.approx(float(value), abs=0.5 * 10.0 ** -decimals + 1e-12)


# R HonestDiD on BCdata_EventStudy, as logged in mcaceresb/stata-honestdid test/unit-tests-consistency.R.log
# (the Stata port's consistency run against the R package); l = first lag or the average of the four lags.
BC_SD_FIRST = {0.0: ("0.131", "0.216"), 0.1: ("0.119", "0.419"), 0.2: ("0.0194", "0.519"), 0.3: ("-0.0806", "0.619")}
BC_SD_AVERAGE = {0.0: ("0.133", "0.230"), 0.1: ("-0.186", "0.988"), 0.2: ("-0.686", "1.49"), 0.3: ("-1.19", "1.99")}
# createSensitivityResults_relativeMagnitudes(..., gridPoints = 100, grid.lb = -1, grid.ub = 1)
BC_RM_FIRST = {0.0: ("0.172", "0.232"), 0.5: ("0.131", "0.253"), 1.0: ("0.0707", "0.313"),
               1.5: ("0.0303", "0.354"), 2.0: ("-0.0303", "0.414")}
BC_RM_AVERAGE = {0.0: ("0.192", "0.253"), 0.5: ("0.0707", "0.354"), 1.0: ("-0.0505", "0.495"),
                 1.5: ("-0.192", "0.636"), 2.0: ("-0.333", "0.778")}
# the same with HonestDiD's default grid (1000 points on +-20 se) and Mbar = seq(0, 2, length.out = 10)
BC_RM_DEFAULT = [("0.159", "0.233"), ("0.143", "0.248"), ("0.123", "0.266"), ("0.102", "0.287"),
                 ("0.0786", "0.308"), ("0.0551", "0.329"), ("0.0315", "0.352"), ("0.00722", "0.376"),
                 ("-0.0171", "0.379"), ("-0.0422", "0.379")]


@pytest.mark.parametrize("l_vec, expected", [(None, BC_SD_FIRST), (np.full(4, 0.25), BC_SD_AVERAGE)])
def test_flci_reproduces_honestdid_on_benzarti_carloni(l_vec, expected):
    _, beta, sigma = _event_study("bc_event_study.csv")
    for m, (low, high) in expected.items():
        assert flci(beta, sigma, 4, 4, m, l_vec) == (_printed(low), _printed(high))


@pytest.mark.parametrize("l_vec, expected", [(None, BC_RM_FIRST), (np.full(4, 0.25), BC_RM_AVERAGE)])
def test_relative_magnitudes_hybrid_reproduces_honestdid_on_its_grid(l_vec, expected):
    _, beta, sigma = _event_study("bc_event_study.csv")
    for mbar, (low, high) in expected.items():
        ci = relative_magnitudes_ci(beta, sigma, 4, 4, mbar, l_vec, grid=(-1, 1), grid_points=100)
        assert ci == (_printed(low), _printed(high))


def test_relative_magnitudes_default_grid_within_one_step_of_honestdid():
    """The least favourable critical value is simulated (R and numpy draw differently): ends may move a step."""
    _, beta, sigma = _event_study("bc_event_study.csv")
    step = 40 * original_interval(beta, sigma, 4, 4)[1] / 999
    for mbar, (low, high) in zip(np.linspace(0, 2, 10), BC_RM_DEFAULT):
        ci = relative_magnitudes_ci(beta, sigma, 4, 4, mbar)
        assert ci[0] == pytest.approx(float(low), abs=step + 5e-4)
        assert ci[1] == pytest.approx(float(high), abs=step + 5e-4)


def test_breakdown_values_lie_between_the_published_rows():
    _, beta, sigma = _event_study("bc_event_study.csv")
    m_sd = breakdown_value(beta, sigma, 4, 4, "smoothness")
    assert 0.2 < m_sd < 0.3
    assert flci(beta, sigma, 4, 4, m_sd)[0] == pytest.approx(0, abs=1e-3)
    m_rm = breakdown_value(beta, sigma, 4, 4, "relative_magnitudes", grid=(-1, 1), grid_points=100)
    assert 1.5 < m_rm < 2.0


def test_sensitivity_table_starts_with_the_original_interval():
    _, beta, sigma = _event_study("bc_event_study.csv")
    result = sensitivity(beta, sigma, 4, 4, "smoothness", m_grid=[0.1, 0.2])
    frame = result.to_frame()
    assert list(frame["method"]) == ["original", "FLCI", "FLCI"]
    assert frame["ci_low"].iloc[0] == pytest.approx(0.1588, abs=1e-4)  # 0.196 -+ 1.96 * 0.0190
    assert frame["ci_low"].iloc[2] == _printed("0.0194")
    assert 0.2 < result.breakdown < 0.3 and result.l_vec == (1.0, 0.0, 0.0, 0.0)


def test_pretest_power_reproduces_pretrends_readme():
    """pretrends README (jonathandroth/pretrends, He & Wang 2017 Fig. 2C): slope with 50% power 0.05205871;
    power 0.4999776 against it and 0.6624282 against 0.024 (t + 1)^2. R's pmvnorm has absolute error ~1e-5
    to 1e-3 and the test uses 1.96 rather than the exact normal quantile."""
    times, _, sigma = _event_study("he_wang_event_study.csv")
    rel = times[:3] + 1.0
    result = pretrend_power(sigma, 3, rel)
    assert result.slope_50 == pytest.approx(0.05205871, abs=2e-5)
    assert result.power == pytest.approx(0.5, abs=1e-6)
    assert pretest_power(sigma[:3, :3], 0.05205871 * rel) == pytest.approx(0.4999776, abs=2e-4)
    assert pretest_power(sigma[:3, :3], 0.024 * rel ** 2) == pytest.approx(0.6624282, abs=2e-4)
    assert result.slope_80 > result.slope_50
    assert pretest_power(sigma[:3, :3], result.slope_80 * rel) == pytest.approx(0.8, abs=1e-6)
    size = pretest_power(sigma[:3, :3], 0 * rel)  # three correlated 5% tests: between 5% and 1 - 0.95^3
    assert 0.05 < size < 1 - 0.95 ** 3


def _known_truth(slope, n_draws, seed):
    """Leads and lags around a true effect of 1 in every lag with a linear violation of ``slope``."""
    rng = np.random.default_rng(seed)
    t = np.r_[np.arange(-4, 0), np.arange(1, 4)].astype(float)
    corr = 0.5 ** np.abs(np.subtract.outer(t, t))
    sigma = 0.04 * corr
    mean = np.r_[np.zeros(4), np.ones(3)] + slope * t
    return rng.multivariate_normal(mean, sigma, size=n_draws), sigma


def test_smoothness_interval_covers_the_truth_under_a_linear_violation():
    draws, sigma = _known_truth(slope=0.6, n_draws=300, seed=1)
    robust = np.array([flci(b, sigma, 4, 3, 0.0) for b in draws])
    ordinary = np.array([original_interval(b, sigma, 4, 3)[2:] for b in draws])
    assert ((robust[:, 0] <= 1) & (1 <= robust[:, 1])).mean() > 0.92
    assert ((ordinary[:, 0] <= 1) & (1 <= ordinary[:, 1])).mean() < 0.5


def test_relative_magnitudes_interval_covers_the_truth_with_mbar_large_enough():
    """A linear violation has equal first differences before and after: Mbar = 1 suffices."""
    draws, sigma = _known_truth(slope=0.3, n_draws=150, seed=2)
    cis = np.array([relative_magnitudes_ci(b, sigma, 4, 3, 1.0, grid=(-1, 4), grid_points=200) for b in draws])
    assert ((cis[:, 0] <= 1) & (1 <= cis[:, 1])).mean() > 0.92


def test_without_violation_mbar_zero_is_close_to_the_ordinary_interval():
    draws, sigma = _known_truth(slope=0.0, n_draws=5, seed=3)
    for b in draws:
        _, se, low, high = original_interval(b, sigma, 4, 3)
        ci = relative_magnitudes_ci(b, sigma, 4, 3, 0.0, grid=(low - se, high + se), grid_points=1001)
        step = (high - low + 2 * se) / 1000
        assert ci == (pytest.approx(low, abs=0.05 * se + step), pytest.approx(high, abs=0.05 * se + step))


def test_sensitivity_for_an_event_study(staggered_panel):
    df = staggered_panel(cohorts=(5,), shares=(0.4,), seed=4, n_units=150)
    es = estimate_event_study(df, outcome="y", unit="u", time="t", cohort="g")
    result = sensitivity_for(es, target="average")
    assert result.event_times == (-4, -3, -2, 0, 1, 2, 3)
    assert result.smoothness.l_vec == pytest.approx((0.25,) * 4)
    lags = es.table.set_index("event_time").loc[[0, 1, 2, 3], "estimate"].mean()
    assert result.relative_magnitudes.estimate == pytest.approx(lags)
    assert result.relative_magnitudes.intervals[0].m == 0
    assert 0 < result.pretrend_power.slope_50 < result.pretrend_power.slope_80
    first = sensitivity_for(es, target="first")
    assert first.smoothness.estimate == pytest.approx(es.table.set_index("event_time").loc[0, "estimate"])
    with pytest.raises(ValueError):
        sensitivity_for(es, target="last")


def test_dynamic_aggregation_with_a_universal_base_gives_the_event_study_to_the_sensitivity(staggered_panel):
    """With one start cohort and never-treated controls, Callaway & Sant'Anna's dynamic aggregation with a
    universal base period is the event study: the same coefficients, so the same robust intervals up to
    the covariance's small-sample factor."""
    df = staggered_panel(cohorts=(6,), shares=(0.2,), seed=4, n_units=150, n_periods=10, effect=0.8)
    cs = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g",
                            base_period="universal").aggregate("dynamic")
    es = estimate_event_study(df, outcome="y", unit="u", time="t", cohort="g")
    assert cs.reference == -1 and list(cs.covariance.index) == [int(t) for t in es.covariance.index]
    joined = cs.table.set_index("event_time").estimate.loc[cs.covariance.index]
    assert joined.to_numpy() == pytest.approx(es.table.set_index("event_time").estimate.loc[es.covariance.index])
    assert np.sqrt(np.diag(cs.covariance)) == pytest.approx(cs.table.set_index("event_time").se.loc[cs.covariance.index])
    a = sensitivity_for(cs, restrictions=("relative_magnitudes",), max_leads=3, max_lags=3)
    b = sensitivity_for(es, restrictions=("relative_magnitudes",), max_leads=3, max_lags=3)
    assert a.smoothness is None and a.event_times == (-4, -3, -2, 0, 1, 2)
    assert a.relative_magnitudes.estimate == pytest.approx(b.relative_magnitudes.estimate)
    step = 40 * a.relative_magnitudes.se / 1000  # the hybrid's grid: 1,000 values over +-20 standard errors
    assert a.relative_magnitudes.ci_low == pytest.approx(b.relative_magnitudes.ci_low, abs=3 * step)
    varying = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g").aggregate("dynamic")
    with pytest.raises(ValueError, match="universal"):
        sensitivity_for(varying)


def test_breakdown_is_large_under_parallel_trends_and_small_with_a_trend(staggered_panel):
    """Known truth: a clear effect with parallel trends survives post-start divergences larger than the
    largest pre-start one (Mbar > 1); a downward trend of the treated, which shrinks the estimated effect
    after the start and shows before it, leaves it far less robust."""
    df = staggered_panel(cohorts=(6,), shares=(0.3,), seed=11, n_units=300, n_periods=10, effect=1.0, noise=0.5)
    robust = sensitivity_for(estimate_event_study(df, outcome="y", unit="u", time="t", cohort="g"),
                             restrictions=("relative_magnitudes",), max_leads=4, max_lags=4)
    assert robust.relative_magnitudes.breakdown > 1
    trended = df.assign(y=df.y - 0.15 * (df.g > 0) * df.t)
    fragile = sensitivity_for(estimate_event_study(trended, outcome="y", unit="u", time="t", cohort="g"),
                              restrictions=("relative_magnitudes",), max_leads=4, max_lags=4)
    assert fragile.relative_magnitudes.breakdown < 1 < robust.relative_magnitudes.breakdown
    widths = [hi - lo for _, lo, hi in ((r.m, r.ci_low, r.ci_high) for r in robust.relative_magnitudes.intervals)]
    assert widths == sorted(widths)  # intervals widen as larger divergences are allowed


def test_too_many_lags_for_the_hybrid_test_are_refused_not_run_out_of_memory():
    lags = 12  # C(24, 12) = 2,704,156 supports
    sigma = np.eye(2 + lags) * 0.01
    with pytest.raises(ValueError, match="max_lags"):
        relative_magnitudes_ci(np.r_[0.0, 0.0, np.ones(lags)], sigma, 2, lags, 1.0, grid_points=10, n_sims=10)
