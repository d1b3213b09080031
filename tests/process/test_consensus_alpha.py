"""The SCIROCCO consensus rule at its boundaries, and Cronbach's alpha by hand."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from evaluatie.process import consensus, cronbach_alpha
from evaluatie.process.reliability import SmallSampleWarning


def test_example_from_the_api():
    c = consensus([3, 4, 4, None, 2])
    assert (c.median, c.agreement, c.level, c.n) == (4, "agreement", "progressing", 4)


@pytest.mark.parametrize(
    ("ratings", "median", "level"),
    [
        ([2, 2, 2], 2, "initial"),
        ([0, 0, 1], 0, "initial"),
        ([3, 3, 3], 3, "progressing"),
        ([4, 4, 4], 4, "progressing"),
        ([5, 5, 5], 5, "optimising"),
        ([2, 3], 3, "progressing"),  # median 2.5 rounds half up to 3
        ([1, 2], 2, "initial"),  # median 1.5 -> 2
        ([4, 5], 5, "optimising"),  # median 4.5 -> 5
        ([2, 2, 3, 3], 3, "progressing"),
    ],
)
def test_median_and_level(ratings, median, level):
    c = consensus(ratings)
    assert c.median == median
    assert c.level == level
    assert c.agreement == "agreement"


def test_fractional_ratings_from_averaged_items():
    # a median a hair below 2.5 through floating point still counts as 2.5 and rounds up
    assert consensus([2.4999999999999996]).median == 3
    # median 3: the four 2.5s lie outside band 3-5 but inside 2-4, so there is agreement
    assert consensus([2.5] * 4 + [3] * 5).agreement == "agreement"
    # median 5: only band 3-5 exists and the four 2.5s fall outside it
    assert consensus([2.5] * 4 + [5] * 5).agreement == "split"


def test_missing_values_are_ignored_not_zero():
    c = consensus([None, float("nan"), 4, 4, np.nan])
    assert c.n == 2
    assert c.median == 4


def test_three_outside_every_band_is_still_agreement():
    # median 3; bands 1-3, 2-4, 3-5. Ratings 0,0,0 are outside all of them.
    c = consensus([0, 0, 0, 3, 3, 3, 3, 3])
    assert c.median == 3
    assert c.agreement == "agreement"
    assert c.level == "progressing"


def test_four_outside_every_band_is_split():
    c = consensus([0, 0, 0, 0, 3, 3, 3, 3, 3])
    assert c.median == 3
    assert c.agreement == "split"
    assert c.level == "uncertain"


def test_one_band_holding_all_but_three_means_agreement():
    # median 3: band 1-3 leaves 5,5 outside; band 3-5 leaves 1,1 outside;
    # band 2-4 leaves all four outside. The best band has only 2 outside.
    c = consensus([1, 1, 3, 3, 3, 3, 5, 5])
    assert c.median == 3
    assert c.agreement == "agreement"


def test_spread_on_both_sides_is_split():
    # median 3: 1-3 leaves 5,5,5,5 out (4); 2-4 leaves 0,0,5,5,5,5 out; 3-5 leaves 0,0,1,1 out (4)
    c = consensus([0, 0, 1, 1, 3, 3, 3, 5, 5, 5, 5])
    assert c.median == 3
    assert c.agreement == "split"


def test_band_at_the_bottom_of_the_scale():
    # median 0: only band 0-2 exists; four ratings of 3 fall outside it
    assert consensus([0, 0, 0, 0, 0, 3, 3, 3, 3]).agreement == "split"
    assert consensus([0, 0, 0, 0, 0, 2, 2, 2, 2]).agreement == "agreement"


def test_band_at_the_top_of_the_scale():
    # median 5: only band 3-5 exists
    assert consensus([5, 5, 5, 5, 5, 2, 2, 2, 2]).agreement == "split"
    assert consensus([5, 5, 5, 5, 5, 3, 3, 3, 3]).agreement == "agreement"


def test_empty_and_out_of_scale():
    c = consensus([None, None])
    assert c.n == 0 and c.median is None and c.level == "uncertain"
    with pytest.raises(ValueError, match="buiten de schaal"):
        consensus([3, 6])


def test_cronbach_alpha_by_hand():
    items = pd.DataFrame(
        {"a": [1, 2, 3, 2, 1, 3, 2, 3, 1, 2], "b": [1, 2, 3, 3, 1, 3, 2, 2, 1, 2],
         "c": [2, 2, 3, 2, 1, 3, 1, 3, 1, 2]}
    )
    # each item: sum 20, sum of squares 46 -> variance (46 - 40) / 9 = 6/9
    # sum scores 4,6,9,7,3,9,5,8,3,6: sum 60, squares 406 -> variance 46/9
    expected = 3 / 2 * (1 - 3 * (6 / 9) / (46 / 9))
    assert cronbach_alpha(items) == pytest.approx(expected, abs=1e-12)


def test_cronbach_alpha_listwise_and_small_sample_warning():
    items = pd.DataFrame({"a": [1, 2, 3, None], "b": [1, 3, 3, 5]})
    with pytest.warns(SmallSampleWarning):
        value = cronbach_alpha(items)
    # complete rows: (1,1),(2,3),(3,3): var a=1, var b=4/3, totals 2,5,6 var=13/3
    assert value == pytest.approx(2 * (1 - (1 + 4 / 3) / (13 / 3)))


def test_cronbach_alpha_undefined_cases():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]})))
        assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [2, 2], "b": [3, 3]})))
