"""Shared simulated panels with a known truth."""

import numpy as np
import pandas as pd
import pytest


def simulate_staggered(n_units=200, n_periods=8, cohorts=(4, 6), shares=(0.25, 0.25), effect=1.0,
                       dynamic=0.0, cohort_shift=0.0, seed=0, noise=1.0):
    """Balanced panel, cohorts start in the given periods (0 = never); effect = effect + dynamic*(t-g) + shift*rank.

    Unit effects correlate with cohort (selection on levels) and time effects are common: parallel trends hold.
    """
    rng = np.random.default_rng(seed)
    draw = rng.random(n_units)
    g = np.zeros(n_units, dtype=int)
    edge = 0.0
    for rank, (c, s) in enumerate(zip(cohorts, shares)):
        g[(draw >= edge) & (draw < edge + s)] = c
        edge += s
    a = rng.normal(size=n_units) + 0.5 * (g > 0)
    lam = np.cumsum(rng.normal(0.3, 0.5, size=n_periods))
    t = np.arange(1, n_periods + 1)
    rank = {c: r for r, c in enumerate(cohorts)}
    tau = np.zeros((n_units, n_periods))
    for i in range(n_units):
        if g[i]:
            on = t >= g[i]
            tau[i, on] = effect + dynamic * (t[on] - g[i]) + cohort_shift * rank[g[i]]
    y = a[:, None] + lam[None, :] + tau + rng.normal(scale=noise, size=(n_units, n_periods))
    return pd.DataFrame({
        "u": np.repeat(np.arange(n_units), n_periods),
        "t": np.tile(t, n_units),
        "g": np.repeat(g, n_periods),
        "d": ((np.repeat(g, n_periods) > 0) & (np.tile(t, n_units) >= np.repeat(g, n_periods))).astype(int),
        "y": y.ravel(),
        "true_tau": tau.ravel(),
    })


@pytest.fixture
def staggered_panel():
    return simulate_staggered
