"""Analysis frames: one indicator of a study as the estimators read it.

Per unit and period: the value, a time index, the cohort (first treated period), the treatment dummy
and the weights. A yearly series' year in which a Q3/Q4 start ran only part of the year is marked
``partial``: the effect estimates leave it out for that unit (neither before nor after the start), and
the event-time figure shows it as event time 0 with a marker of its own, so that the last full year
before the start stays the reference period.

Two design choices of the params act here, so that every estimator, the placebo test and the estimates per
municipality use the same start and the same controls: ``treatment.anticipation`` moves each start that many
periods (of the indicator) earlier, the anticipation periods counting as periods with the initiative (as the
``anticipation`` of ``twfe.estimate_twfe`` does); ``control_group.method: matching`` keeps only the controls
that ``design.match_controls`` pairs with the participants before the (moved) start.
"""

from __future__ import annotations

import pandas as pd

from evaluatie.data.study import Study
from evaluatie.memo import remembered
from evaluatie.outcome.design import MatchResult, match_controls
from evaluatie.params import Matching
from evaluatie.periods import first_treated_period, format_period, parse_period


def indicator_frame(study: Study, indicator_id: str, matched: bool = True) -> pd.DataFrame:
    """One indicator for treated and control units, with time index, cohort and treatment dummy.

    ``cohort`` is the time index of the first treated period (0 for control units), moved earlier by
    ``treatment.anticipation``, and ``treated`` is 1 from that period on; ``weight`` is the denominator
    (population); ``partial`` is 1 in the partly treated start year of a unit (see the module docstring);
    ``event_cohort`` is the time index where event time 0 lies: the partly treated year where there is one,
    otherwise the cohort. With matching (and ``matched``), only the matched controls remain (and the
    participants that found one); a ValueError in Dutch says why matching is not possible for these data.
    """
    frame = _unmatched_frame(study, indicator_id)
    result = _match_result(study, frame) if matched else None
    if result is None:
        return frame
    kept = ((frame.group == 1) & ~frame.unit_id.isin(result.unmatched)) | frame.unit_id.isin(result.controls)
    return frame[kept].reset_index(drop=True)


def matching(study: Study, indicator_id: str) -> MatchResult | None:
    """The matched controls of one indicator with their balance table, or None without matching."""
    return _match_result(study, _unmatched_frame(study, indicator_id))


def _match_result(study: Study, frame: pd.DataFrame) -> MatchResult | None:
    rule = study.params.control_group
    if rule.method != "matching":
        return None
    covariates = study.units.set_index("unit_id")[rule.matching.on]
    return _match(frame.join(covariates, on="unit_id"), rule.matching)


@remembered
def _match(frame: pd.DataFrame, options: Matching) -> MatchResult:
    """Controls matched on the pre-start level and trend of the indicator and the chosen covariates."""
    treated = frame[frame.group == 1]
    return match_controls(frame[frame.partial == 0], unit="unit_id", time="time", outcome="value",
                          treated_units=sorted(treated.unit_id.unique()), start=int(treated.cohort.min()),
                          covariates=options.on, method=options.distance, n_neighbors=options.neighbours,
                          caliper=options.caliper, replace=options.replace)


def _unmatched_frame(study: Study, indicator_id: str) -> pd.DataFrame:
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
    frame["partial"] = frame.unit_id.map(partial).eq(frame.period).fillna(False).astype(int)
    partial_time = frame[frame.partial == 1].groupby("unit_id").time.first()
    frame["event_cohort"] = frame.unit_id.map(partial_time).fillna(frame.cohort).astype(int)
    frame = _moved_earlier(frame, study.params.treatment.anticipation)
    names = study.units.set_index("unit_id")["name"]
    frame["name"] = frame.unit_id.map(names)
    return frame.sort_values(["unit_id", "time"]).reset_index(drop=True)


def _moved_earlier(frame: pd.DataFrame, periods: int) -> pd.DataFrame:
    """Every start ``periods`` periods earlier: effects may show before the official start (anticipation)."""
    if not periods:
        return frame
    group = frame.group == 1
    frame.loc[group, "cohort"] -= periods
    frame.loc[group, "event_cohort"] -= periods
    frame["treated"] = (group & (frame.time >= frame.cohort)).astype(int)
    return frame


def estimation_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame the effect estimates use: without the partly treated start years."""
    return frame[frame.partial == 0].reset_index(drop=True)


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
