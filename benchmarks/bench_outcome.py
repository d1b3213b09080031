"""Speed of the outcome estimators against installable Python references; prints figures, asserts nothing.

Install the references next to the package (never needed by the package or its tests):
    pip install diff-diff csdid moderndid pyfixest
Run:  python benchmarks/bench_outcome.py [--sizes 2000 20000 100000] [--repeat 3]
References that are not installed are skipped. Each timing is the best of --repeat runs after one warm-up
(pyfixest and moderndid compile on first use), all measured in this one run on this machine; the
implementations take turns, so load from other work on the machine hits them alike. Ratios still move
with load: TWFE spends about three quarters of its time inside linearmodels' PanelOLS (pandas-heavy), which
slows more under memory contention than pyfixest's compiled code.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
import warnings

import numpy as np
import pandas as pd

from evaluatie.outcome import estimate_staggered, estimate_twfe

warnings.filterwarnings("ignore")


def simulate(n_units: int, n_periods: int = 15, seed: int = 0, n_treated: int | None = None) -> pd.DataFrame:
    """Balanced panel, homogeneous effect 1: three adoption cohorts and never-treated units, or
    ``n_treated`` units all starting in period 8."""
    rng = np.random.default_rng(seed)
    if n_treated is None:
        g = rng.choice([0, 5, 8, 11], size=n_units, p=[0.4, 0.2, 0.2, 0.2])
    else:
        g = np.where(np.arange(n_units) < n_treated, 8, 0)
    t = np.arange(1, n_periods + 1)
    y = rng.normal(size=(n_units, 1)) + np.cumsum(rng.normal(0.2, 0.3, n_periods))[None, :]
    d = (g[:, None] > 0) & (t[None, :] >= g[:, None])
    y = y + d + rng.normal(size=(n_units, n_periods))
    return pd.DataFrame({"u": np.repeat(np.arange(n_units), n_periods), "t": np.tile(t, n_units),
                         "g": np.repeat(g, n_periods), "d": d.ravel().astype(int), "y": y.ravel()})


def best_of(fn, repeat: int) -> tuple[float, object]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def cs_runners(df: pd.DataFrame) -> dict:
    # Analytic standard errors everywhere (no bootstrap), outcome regression, never-treated controls.
    runners = {"evaluatie": lambda: estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g",
                                                       uniform_bands=False).aggregate("simple").att,
               "evaluatie+bands": lambda: estimate_staggered(df, outcome="y", unit="u", time="t", cohort="g")
               .aggregate("simple").att}
    try:
        from diff_diff import CallawaySantAnna

        runners["diff-diff"] = lambda: CallawaySantAnna(estimation_method="reg").fit(
            df, outcome="y", unit="u", time="t", first_treat="g", aggregate="simple").overall_att
    except ImportError:
        pass
    try:
        import moderndid

        runners["moderndid"] = lambda: moderndid.aggte(
            moderndid.att_gt(df, yname="y", tname="t", idname="u", gname="g", est_method="reg", boot=False,
                             cband=False), type="simple", boot=False).overall_att
    except ImportError:
        pass
    try:
        from csdid.att_gt import ATTgt

        def run_csdid():
            with contextlib.redirect_stdout(io.StringIO()):  # csdid prints its summary
                fit = ATTgt(yname="y", gname="g", idname="u", tname="t", data=df).fit(est_method="reg",
                                                                                    bstrap=False)
                return fit.aggte(typec="simple", bstrap=False).atte["overall_att"]

        runners["csdid"] = run_csdid
    except ImportError:
        pass
    return runners


def twfe_runners(df: pd.DataFrame) -> dict:
    runners = {"evaluatie": lambda: estimate_twfe(df, outcome="y", unit="u", time="t", treated="d").att}
    try:
        import pyfixest as pf

        runners["pyfixest"] = lambda: pf.feols("y ~ d | u + t", data=df, vcov={"CRV1": "u"}).coef()["d"]
    except ImportError:
        pass
    return runners


def report(title: str, runners: dict, repeat: int) -> None:
    """Time the runners round-robin (so a busy moment on a shared machine hits all of them), best of ``repeat``."""
    results, alive = {}, dict(runners)
    for name, fn in runners.items():  # warm-up; a failing reference must not stop the benchmark
        try:
            results[name] = (np.inf, fn())
        except Exception as exc:
            print(f"  {name:10s} failed: {type(exc).__name__}: {str(exc)[:100]}")
            alive.pop(name)
    for _ in range(repeat):
        for name, fn in alive.items():
            start = time.perf_counter()
            est = fn()
            results[name] = (min(results[name][0], time.perf_counter() - start), est)
    ours = results["evaluatie"][0]
    refs = {k: v for k, v in results.items() if not k.startswith("evaluatie")}
    print(title)
    for name, (sec, est) in results.items():
        ratio = f"  ({sec / ours:5.1f}x evaluatie's time)" if name != "evaluatie" else ""
        name = name.replace("evaluatie+bands", "+bands")
        print(f"  {name:10s} {sec:8.3f} s   estimate {float(np.asarray(est).ravel()[0]):.5f}{ratio}")
    if refs:
        fastest = min(refs, key=lambda k: refs[k][0])
        print(f"  evaluatie / fastest reference ({fastest}) = {ours / refs[fastest][0]:.2f}")


def bench_ri(repeat: int) -> None:
    sub = simulate(350, seed=1, n_treated=4)
    sec, r = best_of(lambda: estimate_twfe(sub, outcome="y", unit="u", time="t", treated="d",
                                           inference="randomization", n_draws=999), repeat)
    print(f"Randomisation inference, 999 draws, {sub['u'].nunique()} units x 15 periods, 4 treated: {sec:.3f} s "
          f"(p = {r.p_value:.3f}, CI {r.ci_low:.3f} .. {r.ci_high:.3f})")
    sec, r = best_of(lambda: estimate_twfe(sub, outcome="y", unit="u", time="t", treated="d",
                                           inference="wild_bootstrap", n_draws=999), repeat)
    print(f"Wild cluster bootstrap, 999 draws, same panel: {sec:.3f} s (p = {r.p_value:.3f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for n in args.sizes:
        df = simulate(n)
        report(f"Callaway-Sant'Anna ATT(g,t) + simple aggregation, {n} units x 15 periods", cs_runners(df),
               args.repeat)
    df = simulate(max(args.sizes))
    report(f"TWFE with unit-clustered SE, {max(args.sizes)} units x 15 periods", twfe_runners(df), args.repeat)
    bench_ri(args.repeat)


if __name__ == "__main__":
    main()
