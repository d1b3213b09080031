"""Reproduce published difference-in-differences results (see data/README.md for sources and licences)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluatie.outcome import estimate_2x2

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def kielmc():
    return pd.read_csv(DATA / "kielmc.csv")


@pytest.fixture(scope="module")
def injury():
    return pd.read_csv(DATA / "injury.csv")


@pytest.mark.parametrize(
    "covariates, att, se",
    [
        # Wooldridge, Introductory Econometrics, Table 13.2 (dependent variable rprice), columns (1)-(3).
        (None, -11863.90, 7456.65),
        (["age", "agesq"], -21920.27, 6359.75),
        (["age", "agesq", "intst", "land", "area", "rooms", "baths"], -14177.93, 4987.27),
    ],
)
def test_kielmc_incinerator_table_13_2(kielmc, covariates, att, se):
    r = estimate_2x2(kielmc, outcome="rprice", group="nearinc", post="y81", covariates=covariates)
    assert r.att == pytest.approx(att, abs=0.005)
    assert r.se == pytest.approx(se, abs=0.005)
    assert r.n_obs == 321 and r.inference == "ols"


def test_injury_kentucky_example_13_4(injury):
    # Wooldridge Example 13.4: log(durat) on afchnge, highearn, afchnge*highearn; .191 (.069), n = 5,626.
    r = estimate_2x2(injury[injury["ky"] == 1], outcome="ldurat", group="highearn", post="afchnge")
    assert round(r.att, 3) == 0.191
    assert round(r.se, 3) == 0.069
    assert r.n_obs == 5626


def test_injury_michigan_computer_exercise(injury):
    # Wooldridge Computer Exercise C13 (Michigan): afchnge*highearn .192 (.154), n = 1,524.
    r = estimate_2x2(injury[injury["ky"] == 0], outcome="ldurat", group="highearn", post="afchnge")
    assert round(r.att, 3) == 0.192
    assert round(r.se, 3) == 0.154
    assert r.n_obs == 1524


# Callaway & Sant'Anna (2021) minimum-wage example, R package did README / getting-started output of
# att_gt(yname="lemp", tname="year", idname="countyreal", gname="first.treat", xformla=~1, data=mpdta,
# est_method="reg"): never-treated controls, varying base period. ATT(g,t), the printed (bootstrap) standard
# errors and the parallel-trends pre-test p-value 0.16812.
MPDTA_ATT_GT = [
    (2004, 2004, -0.0105, 0.0237), (2004, 2005, -0.0704, 0.0330), (2004, 2006, -0.1373, 0.0404),
    (2004, 2007, -0.1008, 0.0364), (2006, 2004, 0.0065, 0.0243), (2006, 2005, -0.0028, 0.0205),
    (2006, 2006, -0.0046, 0.0162), (2006, 2007, -0.0412, 0.0203), (2007, 2004, 0.0305, 0.0142),
    (2007, 2005, -0.0027, 0.0162), (2007, 2006, -0.0311, 0.0178), (2007, 2007, -0.0261, 0.0174),
]


@pytest.fixture(scope="module")
def mpdta_cs():
    from evaluatie.outcome import estimate_staggered

    m = pd.read_csv(DATA / "mpdta.csv")
    return estimate_staggered(m, outcome="lemp", unit="countyreal", time="year", cohort="first.treat")


def test_mpdta_group_time_effects(mpdta_cs):
    gt = mpdta_cs.att_gt.set_index(["cohort", "time"])
    for g, t, att, se in MPDTA_ATT_GT:
        assert round(gt.loc[(g, t), "att"], 4) == att
        # R prints multiplier-bootstrap standard errors (random); ours are the analytic ones from the same
        # influence function, so they agree up to bootstrap noise.
        assert gt.loc[(g, t), "se"] == pytest.approx(se, rel=0.12)
    assert round(mpdta_cs.pretrend_p, 5) == 0.16812


@pytest.mark.parametrize(
    "kind, overall, se, table",
    [
        # R did README (bcallaway11/did), summary(aggte(out, type = "dynamic")) and type = "group": estimates
        # and printed (bootstrap) standard errors; "simple" ATT -0.0400 as the did documentation reports it.
        ("simple", -0.0400, 0.0115, {}),
        ("group", -0.0310, 0.0123, {2004: -0.0797, 2006: -0.0229, 2007: -0.0261}),
        ("dynamic", -0.0772, 0.0196, {-3: 0.0305, -2: -0.0006, -1: -0.0245, 0: -0.0199, 1: -0.0510,
                                      2: -0.1373, 3: -0.1008}),
    ],
)
def test_mpdta_aggregations(mpdta_cs, kind, overall, se, table):
    a = mpdta_cs.aggregate(kind)
    assert round(a.att, 4) == overall
    assert a.se == pytest.approx(se, rel=0.12)
    rows = a.table.set_index(a.table.columns[0])["estimate"]
    for key, value in table.items():
        assert round(rows.loc[key], 4) == value
    assert a.ci_low < a.att < a.ci_high


def test_mpdta_calendar_aggregation_is_the_mean_of_cohort_weighted_periods(mpdta_cs):
    """No printed calendar figures are available offline; check the definition on the same data instead."""
    a = mpdta_cs.aggregate("calendar")
    gt = mpdta_cs.att_gt[mpdta_cs.att_gt["time"] >= mpdta_cs.att_gt["cohort"]]
    m = pd.read_csv(DATA / "mpdta.csv")
    size = m[m["year"] == 2003].groupby("first.treat").size()
    expected = gt.assign(n=gt["cohort"].map(size)).groupby("time").apply(
        lambda d: (d["att"] * d["n"]).sum() / d["n"].sum(), include_groups=False)
    assert a.table.set_index("time")["estimate"].to_numpy() == pytest.approx(expected.to_numpy())
    assert a.att == pytest.approx(expected.mean())


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda df: df.assign(nearinc=2), "alleen 0 en 1"),
        (lambda df: df[df["y81"] == 1], "voor"),
        (lambda df: df[~((df["y81"] == 0) & (df["nearinc"] == 1))], "behandelde groep voor de start"),
        (lambda df: df.assign(rprice=np.nan), "helemaal leeg"),
        (lambda df: df.assign(rprice="1.000"), "numeriek"),
    ],
)
def test_2x2_bad_input(kielmc, mutate, match):
    with pytest.raises(ValueError, match=match):
        estimate_2x2(mutate(kielmc), outcome="rprice", group="nearinc", post="y81")
    with pytest.raises(ValueError, match="'unit' of 'cluster'"):
        estimate_2x2(kielmc, outcome="rprice", group="nearinc", post="y81", inference="wild_bootstrap")


def test_2x2_auto_without_clusters_uses_ols(kielmc):
    r = estimate_2x2(kielmc, outcome="rprice", group="nearinc", post="y81", inference="auto")
    assert r.inference == "ols" and "Automatisch" in r.inference_reason
    assert r.se == pytest.approx(7456.65, abs=0.005)


@pytest.fixture(scope="module")
def card_krueger():
    """Balanced sample: the 384 stores with full-time-equivalent employment in both waves (Card & Krueger 1994)."""
    raw = pd.read_csv(DATA / "card_krueger.csv")
    raw.loc[(raw["sheet"] == 407) & (raw["state"] == 1), "sheet"] = 408  # sheet 407 is used twice in public.dat
    fte = {wave: raw[f"empft{s}"] + raw[f"nmgrs{s}"] + 0.5 * raw[f"emppt{s}"] for wave, s in ((0, ""), (1, "2"))}
    wide = raw.assign(fte0=fte[0], fte1=fte[1]).dropna(subset=["fte0", "fte1"])
    return pd.concat([wide.assign(post=wave, fte=wide[f"fte{wave}"]) for wave in (0, 1)], ignore_index=True)


def test_card_krueger_panel_2x2_clusters_by_store(card_krueger):
    # Card & Krueger (1994), AER 84(4), Table 3, row 3 ("balanced sample of stores"), column (iii):
    # NJ - PA difference in the change of mean FTE employment 2.75 (1.34).
    assert card_krueger["sheet"].nunique() == 384
    r = estimate_2x2(card_krueger, outcome="fte", group="state", post="post", unit="sheet")
    assert r.att == pytest.approx(2.75, abs=1e-9)
    assert r.inference == "cluster" and "sheet" in r.inference_reason
    assert round(r.se, 3) == 1.336
    ols = estimate_2x2(card_krueger, outcome="fte", group="state", post="post", unit="sheet", inference="ols")
    assert round(ols.se, 3) == 1.154  # what the panel 2x2 printed before it clustered by default
