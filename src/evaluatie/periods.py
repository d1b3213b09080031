"""Periods as evaluators write them: a year (``2018``) or a quarter (``2018Q3``).

One place decides how a start period maps onto a yearly or quarterly series, so that
params validation, the analysis and the report agree.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

FREQUENCY_CODES = {"jaar": "Y", "kwartaal": "Q"}
_PERIOD_PATTERN = re.compile(r"^\s*(\d{4})(?:\s*[-_ ]?\s*[Qq]([1-4]))?\s*$")


@lru_cache(maxsize=8192)  # a panel repeats the same few dozen period labels tens of thousands of times
def parse_period(text: str | int) -> pd.Period:
    """Parse ``2018``, ``"2018"``, ``"2018Q3"`` or ``"2018-Q3"``; raise ValueError otherwise."""
    match = _PERIOD_PATTERN.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a period: write a year such as 2018 or a quarter such as 2018Q3")
    year, quarter = match.groups()
    if quarter is None:
        return pd.Period(year=int(year), freq="Y")
    return pd.Period(year=int(year), quarter=int(quarter), freq="Q")


def first_treated_period(start: pd.Period, frequency: str) -> pd.Period:
    """The first period of a series with ``frequency`` ('jaar'/'kwartaal') that counts as treated.

    A yearly series counts a year as treated when the initiative ran for more than half of it:
    a start in Q1 or Q2 treats that year, a start in Q3 or Q4 treats the next year (the analysis then
    leaves the partly treated start year out for that unit, so it is neither before nor after).
    A quarterly series with a yearly start is treated from Q1 of that year.
    """
    code = FREQUENCY_CODES[frequency]
    if code == "Y":
        if start.freqstr.startswith("Q") and start.quarter > 2:
            return pd.Period(year=start.year + 1, freq="Y")
        return pd.Period(year=start.year, freq="Y")
    if start.freqstr.startswith("Q"):
        return start
    return pd.Period(year=start.year, quarter=1, freq="Q")


def format_period(period: pd.Period) -> str:
    """Canonical text of a period as stored in panels: ``2018`` or ``2018Q3``."""
    if period.freqstr.startswith("Q"):
        return f"{period.year}Q{period.quarter}"
    return str(period.year)
