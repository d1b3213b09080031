"""Size of every inference the report can use, under the null (placebo laws); prints tables, asserts nothing.

Run:  python benchmarks/sim_inference.py [--reps 500] [--draws 199] [--workers 2]

Placebo-law design (Bertrand, Duflo & Mullainathan 2004): 50 units x 20 periods, unit and period effects,
AR(1) errors with rho 0.8, no true effect; 1, 3, 9 or 25 units drawn at random start in one period drawn
between 6 and 15. Staggered layout like the demo's dementia network: 120 units x 13 periods, 9 units in three
start waves (periods 5, 7 and 9, three units each). "weighted" draws a population per unit (log-normal, sd 1)
and passes it as weights. Each cell is the share of replications with p <= 0.05, for

- twfe: ``estimate_twfe``; 2x2: ``estimate_2x2(unit=...)`` on the same panel (group x post, unit effects);
- event study: the coefficient of event time 0 and the pre-trend test (``estimate_event_study``);
- cs: ``estimate_staggered(...).aggregate("simple")`` (and "dynamic" in the staggered layout);

each with inference "cluster", "wild_bootstrap" and "randomization". The "auto" column is the column the
library's rule ``inference.choose_inference`` picks for that number of treated units (the estimators call
the same function). Randomisation tests are exact up to 1/(number of assignments): with one treated unit of
50 there are 50 assignments, so at most 2/50 = 4% can reject. The Monte Carlo standard error of a rejection
rate near 5% with 500 replications is about 1 percentage point.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from evaluatie.outcome import estimate_2x2, estimate_event_study, estimate_staggered, estimate_twfe
from evaluatie.outcome.inference import choose_inference

OPTIONS = ("cluster", "wild_bootstrap", "randomization")


def placebo_panel(rng: np.random.Generator, n_units: int, n_periods: int, starts: dict[int, int], rho: float = 0.8):
    """Balanced panel without effect; ``starts`` maps a start period (1-based) to its number of treated units."""
    e = np.empty((n_units, n_periods))
    e[:, 0] = rng.normal(size=n_units) / np.sqrt(1 - rho**2)
    for t in range(1, n_periods):
        e[:, t] = rho * e[:, t - 1] + rng.normal(size=n_units)
    y = rng.normal(size=(n_units, 1)) + np.cumsum(rng.normal(0.2, 0.3, n_periods))[None, :] + e
    cohort = np.zeros(n_units, dtype=int)
    chosen = rng.permutation(n_units)
    at = 0
    for start, count in starts.items():
        cohort[chosen[at:at + count]] = start
        at += count
    t = np.arange(1, n_periods + 1)
    d = (cohort[:, None] > 0) & (t[None, :] >= cohort[:, None])
    pop = np.exp(rng.normal(10, 1, size=n_units))
    return pd.DataFrame({"u": np.repeat(np.arange(n_units), n_periods), "t": np.tile(t, n_units),
                         "g": np.repeat(cohort, n_periods), "d": d.ravel().astype(int),
                         "group": np.repeat((cohort > 0).astype(int), n_periods),
                         "post": (np.tile(t, n_units) >= max(starts)).astype(int),
                         "pop": np.repeat(pop, n_periods), "y": y.ravel()})


def one_replication(args: tuple) -> dict:
    """p-values of every design x option for one simulated panel."""
    layout, n_treated, weighted, seed, draws = args
    rng = np.random.default_rng(seed)
    w = "pop" if weighted else None
    common = {"outcome": "y", "unit": "u", "time": "t", "weights": w, "n_draws": draws, "seed": seed}
    out = {}
    if layout == "placebo_law":
        df = placebo_panel(rng, 50, 20, {int(rng.integers(6, 16)): n_treated})
        for option in OPTIONS:
            out[("twfe", option)] = estimate_twfe(df, treated="d", inference=option, **common).p_value
            out[("2x2", option)] = estimate_2x2(df, outcome="y", group="group", post="post", unit="u", weights=w,
                                                inference=option, n_draws=draws, seed=seed).p_value
            es = estimate_event_study(df, cohort="g", inference=option, **common)
            out[("event study e=0", option)] = float(es.table.set_index("event_time").loc[0, "p_value"])
            out[("event study pre-trend", option)] = es.pretrend_p
            out[("cs simple", option)] = estimate_staggered(df, cohort="g", inference=option, uniform_bands=False,
                                                            **common).aggregate("simple").p_value
        out[("2x2", "ols (old default)")] = estimate_2x2(df, outcome="y", group="group", post="post", unit="u",
                                                         weights=w, inference="ols").p_value
    else:
        df = placebo_panel(rng, 120, 13, {5: 3, 7: 3, 9: 3})
        for option in OPTIONS:
            cs = estimate_staggered(df, cohort="g", inference=option, uniform_bands=False, **common)
            out[("cs simple", option)] = cs.aggregate("simple").p_value
            out[("cs dynamic", option)] = cs.aggregate("dynamic").p_value
            out[("twfe", option)] = estimate_twfe(df, treated="d", inference=option, **common).p_value
    return out


def run(layout: str, n_treated: int, weighted: bool, reps: int, draws: int, pool) -> pd.DataFrame:
    seeds = [(layout, n_treated, weighted, 1000 * n_treated + 7 * weighted + r, draws) for r in range(reps)]
    rows = list(pool.map(one_replication, seeds, chunksize=5))
    rejected = pd.DataFrame(rows).le(0.05).mean()
    rejected.index = pd.MultiIndex.from_tuples(rejected.index)
    auto = choose_inference("auto", n_treated).lead
    table = rejected.unstack()
    table["auto"] = [table.loc[design, auto] for design in table.index]
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--draws", type=int, default=199, help="bootstrap draws and random reassignments")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    pd.set_option("display.width", 200)
    with ProcessPoolExecutor(args.workers) as pool:
        for weighted in (False, True):
            for n_treated in (1, 3, 9, 25):
                t0 = time.perf_counter()
                table = run("placebo_law", n_treated, weighted, args.reps, args.draws, pool)
                print(f"\nplacebo laws, 50 units x 20 periods, {n_treated} treated, "
                      f"{'population weights' if weighted else 'unweighted'}, {args.reps} replications "
                      f"({time.perf_counter() - t0:.0f} s): rejection rate at 5%")
                print((100 * table).round(1).to_string())
            t0 = time.perf_counter()
            table = run("staggered", 9, weighted, args.reps, args.draws, pool)
            print(f"\nstaggered like the demo dementia network, 120 units x 13 periods, 9 treated in 3 waves, "
                  f"{'population weights' if weighted else 'unweighted'}, {args.reps} replications "
                  f"({time.perf_counter() - t0:.0f} s): rejection rate at 5%")
            print((100 * table).round(1).to_string())
    print(f"\ntotal time {time.perf_counter() - start:.0f} s with {args.workers} worker processes")


if __name__ == "__main__":
    main()
