"""Numerical agreement with installable Python references; prints differences, asserts nothing.

Install the references next to the package (never needed by the package or its tests):
    pip install csdid diff-diff pyfixest wildboottest
Run:  python benchmarks/compare_references.py
Uses the mpdta data committed under tests/outcome/data (see its README for source and licence).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from evaluatie.outcome import estimate_event_study, estimate_staggered, estimate_twfe

warnings.filterwarnings("ignore")
MPDTA = Path(__file__).resolve().parents[1] / "tests" / "outcome" / "data" / "mpdta.csv"


def show(label: str, ours: np.ndarray, theirs: np.ndarray) -> None:
    diff = np.max(np.abs(np.asarray(ours, float) - np.asarray(theirs, float)))
    print(f"  {label:55s} max |difference| = {diff:.2e}")


def compare_csdid(m: pd.DataFrame) -> None:
    try:
        from csdid.att_gt import ATTgt
    except ImportError:
        print("csdid not installed: skipped")
        return
    print("Callaway-Sant'Anna ATT(g,t) against csdid (analytic standard errors)")
    for control, xformla, covs, method in [("nevertreated", None, None, "reg"), ("notyettreated", None, None, "reg"),
                                           ("nevertreated", "lemp~lpop", ["lpop"], "reg"),
                                           ("nevertreated", "lemp~lpop", ["lpop"], "dr"),
                                           ("notyettreated", "lemp~lpop", ["lpop"], "dr")]:
        kw = {"xformla": xformla} if xformla else {}
        with contextlib.redirect_stdout(io.StringIO()):
            ref = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year", data=m,
                        control_group=control, **kw).fit(est_method=method, bstrap=False).results
        ours = estimate_staggered(m, outcome="lemp", unit="countyreal", time="year", cohort="first.treat",
                                  control_group="never_treated" if control == "nevertreated" else "not_yet_treated",
                                  covariates=covs, est_method=method).att_gt
        label = f"{control}{' + lpop' if covs else ''} ({method})"
        show(f"{label}: ATT(g,t)", ours["att"], ref["att"])
        show(f"{label}: standard errors", ours["se"], ref["se"])


def compare_pyfixest(m: pd.DataFrame) -> None:
    try:
        import pyfixest as pf
    except ImportError:
        print("pyfixest not installed: skipped")
        return
    m = m.assign(d=((m["first.treat"] > 0) & (m["year"] >= m["first.treat"])).astype(int))
    ours = estimate_twfe(m, outcome="lemp", unit="countyreal", time="year", treated="d")
    ref = pf.feols("lemp ~ d | countyreal + year", data=m, vcov={"CRV1": "countyreal"})
    print("TWFE against pyfixest (CRV1 by county)")
    show("coefficient", [ours.att], [ref.coef()["d"]])
    print(f"  standard errors: ours {ours.se:.6f} (Stata small-sample K), pyfixest {ref.se()['d']:.6f}, "
          f"ratio {ours.se / ref.se()['d']:.5f}")
    es = estimate_event_study(m, outcome="lemp", unit="countyreal", time="year", cohort="first.treat")
    m = m.assign(rel=np.where(m["first.treat"] > 0, m["year"] - m["first.treat"], -1))
    ref = pf.feols("lemp ~ i(rel, ref=-1) | countyreal + year", data=m, vcov={"CRV1": "countyreal"})
    coefs = ref.coef()
    table = es.table.dropna(subset=["se"]).set_index("event_time")
    theirs = [coefs[[k for k in coefs.index if k.endswith(f"[{e}]") or k.endswith(f"::{e}")][0]] for e in table.index]
    show("event study coefficients", table["estimate"], theirs)


def compare_wild_bootstrap() -> None:
    """WCR bootstrap p-values against pyfixest's wildboottest (both 9,999 Rademacher draws, so they differ by
    simulation noise of about 0.002-0.005 at these p-values)."""
    try:
        import pyfixest as pf
    except ImportError:
        pf = None
    if pf is None or importlib.util.find_spec("wildboottest") is None:  # pyfixest needs it for .wildboottest
        print("pyfixest or wildboottest not installed: skipped")
        return
    from bench_outcome import simulate

    print("Wild cluster bootstrap (WCR, Rademacher, 9,999 draws), 40 units x 10 periods")
    for n_treated, seed in [(15, 3), (5, 4), (3, 5)]:
        df = simulate(40, n_periods=10, n_treated=n_treated, seed=seed)
        df["y"] = df["y"] - 0.6 * df["d"]
        ref = pf.feols("y ~ d | u + t", data=df, vcov={"CRV1": "u"}).wildboottest(
            param="d", reps=9999, seed=1, weights_type="rademacher")
        ours = estimate_twfe(df, outcome="y", unit="u", time="t", treated="d", inference="wild_bootstrap",
                             n_draws=9999)
        print(f"  {n_treated:2d} treated: p ours {ours.p_value:.4f}, wildboottest {float(ref['Pr(>|t|)']):.4f}")


def main() -> None:
    m = pd.read_csv(MPDTA)
    compare_csdid(m)
    compare_pyfixest(m)
    compare_wild_bootstrap()


if __name__ == "__main__":
    main()
