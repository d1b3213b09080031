"""Reproduce published difference-in-differences results (see data/README.md for sources and licences)."""

from pathlib import Path

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
