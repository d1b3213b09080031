"""Small Monte Carlo checks with a known truth (the full study with 500+ replications: benchmarks/sim_outcome.py)."""

import numpy as np
import pandas as pd

from evaluatie.outcome import estimate_staggered, estimate_twfe


def _study(staggered_panel, dynamic, reps=40):
    rows = []
    for seed in range(reps):
        df = staggered_panel(n_units=120, dynamic=dynamic, seed=seed)
        truth = df.loc[df["d"] == 1, "true_tau"].mean()
        tw = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d")
        a = estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g", uniform_bands=False).aggregate("simple")
        rows.append((tw.att - truth, tw.ci_low <= truth <= tw.ci_high, a.att - truth, a.ci_low <= truth <= a.ci_high))
    return pd.DataFrame(rows, columns=["tw_err", "tw_cover", "cs_err", "cs_cover"])


def test_homogeneous_effects_unbiased_with_coverage(staggered_panel):
    res = _study(staggered_panel, dynamic=0.0)
    for est in ("tw", "cs"):
        err = res[f"{est}_err"]
        assert abs(err.mean()) < 4 * err.std() / np.sqrt(len(err))
        assert res[f"{est}_cover"].mean() >= 0.85


def test_heterogeneous_staggered_effects_bias_twfe_not_cs(staggered_panel):
    res = _study(staggered_panel, dynamic=0.6)
    mc_se = res["cs_err"].std() / np.sqrt(len(res))
    assert abs(res["cs_err"].mean()) < 4 * mc_se
    assert res["tw_err"].mean() < -0.2  # TWFE understates a growing effect
    assert res["cs_cover"].mean() >= 0.85 > res["tw_cover"].mean()


def test_randomization_inference_has_the_right_size_with_one_treated_unit():
    rng = np.random.default_rng(0)
    n_units, n_periods, rejections, reps = 20, 6, 0, 200
    t = np.arange(n_periods)
    for _ in range(reps):
        treated = rng.integers(n_units)
        y = rng.normal(size=(n_units, 1)) + 0.2 * t + rng.standard_t(3, size=(n_units, n_periods))
        d = (np.arange(n_units)[:, None] == treated) & (t[None, :] >= 3)
        df = pd.DataFrame({"u": np.repeat(np.arange(n_units), n_periods), "t": np.tile(t, n_units),
                           "d": d.ravel().astype(int), "y": y.ravel()})
        rejections += estimate_twfe(df, outcome="y", unit="u", time="t", treated="d",
                                    inference="randomization").p_value <= 0.05
    # exact test: p-values are multiples of 1/20, so the rejection rate at 5% is 1/20 in expectation
    assert rejections / reps <= 0.09
