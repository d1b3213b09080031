"""How a start period maps onto yearly and quarterly series, and the effect in % of its base."""

from __future__ import annotations

import math

import pytest

from evaluatie.outcome.evaluation import Headline
from evaluatie.periods import first_treated_period, format_period, parse_period


@pytest.mark.parametrize("start, yearly, quarterly", [
    ("2019", "2019", "2019Q1"), ("2019Q1", "2019", "2019Q1"), ("2019Q2", "2019", "2019Q2"),
    ("2019Q3", "2020", "2019Q3"), ("2019-Q4", "2020", "2019Q4"),
])
def test_first_treated_period(start, yearly, quarterly):
    period = parse_period(start)
    assert format_period(first_treated_period(period, "jaar")) == yearly
    assert format_period(first_treated_period(period, "kwartaal")) == quarterly


def test_bad_period_is_refused():
    with pytest.raises(ValueError, match="not a period"):
        parse_period("voorjaar 2019")


def test_relative_effect_needs_a_positive_base():
    def headline(base):
        return Headline(-5.0, -7.0, -3.0, 0.01, "m", "i", 5, 50, base, 5.0)

    assert headline(100.0).relative(-5.0) == pytest.approx(-5.0)
    assert math.isnan(headline(-20.0).relative(-5.0)) and math.isnan(headline(0.0).relative(-5.0))
