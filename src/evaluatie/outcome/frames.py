"""Analysis frames: one indicator of a study as the estimators read it.

Per unit and period: the value, a time index, the cohort (first treated period), the treatment dummy
and the weights. A yearly series' year in which a Q3/Q4 start ran only part of the year is left out
for that unit (neither before nor after the start).
"""

from __future__ import annotations

import pandas as pd

from evaluatie.data.study import Study
from evaluatie.periods import first_treated_period, format_period, parse_period


def indicator_frame(study: Study, indicator_id: str) -> pd.DataFrame:
    """One indicator for treated and control units, with time index, cohort and treatment dummy.

    ``cohort`` is the time index of the first treated period (0 for control units) and
    ``treated`` is 1 from that period on; ``weight`` is the denominator (population).
    """
    indicator = study.catalogue.indicators[indicator_id]
    units = list(study.treated_starts) + study.control_units
    frame = study.panel[(study.panel.indicator == indicator_id) & study.panel.unit_id.isin(units)].copy()
    frame = frame.dropna(subset=["value"])
    periods = sorted(frame.period.unique(), key=parse_period)
    index = {p: i + 1 for i, p in enumerate(periods)}
    frame["time"] = frame.period.map(index)
    frame["year"] = frame.period.map(lambda p: parse_period(p).year)
    first = {u: format_period(first_treated_period(s, indicator.frequency)) for u, s in study.treated_starts.items()}
    frame["first_period"] = frame.unit_id.map(first)
    frame["cohort"] = frame.first_period.map(lambda p: _cohort_index(p, periods)).fillna(0).astype(int)
    frame["group"] = (frame.cohort > 0).astype(int)
    frame["treated"] = ((frame.cohort > 0) & (frame.time >= frame.cohort)).astype(int)
    frame["weight"] = frame.denominator
    frame["unit_weight"] = frame.groupby("unit_id").denominator.transform("mean")  # fixed per unit
    partial = {u: _partial_year_of(s, indicator.frequency) for u, s in study.treated_starts.items()}
    frame = frame[~frame.unit_id.map(partial).eq(frame.period).fillna(False)]
    names = study.units.set_index("unit_id")["name"]
    frame["name"] = frame.unit_id.map(names)
    return frame.sort_values(["unit_id", "time"]).reset_index(drop=True)


def _partial_year_of(start: pd.Period, frequency: str) -> str | None:
    """A yearly series' year in which a Q3/Q4 start ran only part of the year: neither before nor after."""
    if frequency == "jaar" and start.freqstr.startswith("Q") and start.quarter > 2:
        return str(start.year)
    return None


def _cohort_index(first_period: str | float, periods: list[str]) -> float | None:
    """Time index of the first treated period among the observed periods (first observed one after it)."""
    if not isinstance(first_period, str):
        return None
    start = parse_period(first_period)
    later = [i + 1 for i, p in enumerate(periods) if parse_period(p) >= start]
    return float(later[0]) if later else None
