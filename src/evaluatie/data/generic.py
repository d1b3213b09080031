"""Any CSV, Parquet or Excel table with a column mapping, long or wide.

Long: one row per unit, period and indicator, with columns for value and (optionally)
denominator and count. Wide: one row per unit and period, one column per indicator
(see :class:`~evaluatie.data.tables.Measure`). Periods: one row per unit and one column per
period (2016, 2017, ...) for a single indicator, as monitors are often exported. Units are
region codes (``GM0363``) or municipality names, matched to the municipalities of their year.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import pandas as pd

from evaluatie.data.geography import NameMatcher, region_code
from evaluatie.data.panel import DataError
from evaluatie.data.tables import (
    ROW, Measure, TextOptions, as_measure, finish_panel, melt_measures, parse_period_code, parse_periods, read_any,
    require_columns,
)
from evaluatie.privacy import DEFAULT_THRESHOLD, suppress_small_counts


def read_table(
    path: str | Path,
    *,
    unit: str,
    period: str | None = None,
    layout: Literal["long", "wide", "periods"] = "long",
    indicator: str | None = None,
    value: str | None = None,
    denominator: str | None = None,
    count: str | None = None,
    indicators: dict[str, str | Measure | dict] | None = None,
    municipalities: pd.DataFrame | None = None,
    aliases: dict[str, str] | None = None,
    sheet: str | int | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    allow_negative: Iterable[str] = (),
    options: TextOptions = TextOptions(),
    display: str | None = None,
) -> pd.DataFrame:
    """A table as long panel rows; the arguments name the file's columns.

    Long layout needs ``indicator`` and ``value`` (``indicators`` may then rename the file's
    indicator names to catalogue ids, ``{catalogue_id: file_name}``, and rows of other indicators
    are left out); wide layout needs ``indicators`` (``{catalogue_id: column or Measure}``).
    Cells resting on fewer than ``threshold`` persons (``count``) are suppressed. Negative values
    are refused except for the indicators in ``allow_negative`` (a gap in percentage points can
    be below zero). The periods layout needs ``indicator`` (here the catalogue id) and no
    ``period``: every column whose name is a period holds that period's values.
    """
    path = Path(path)
    display = display or path.name
    frame = read_any(path, display, options, sheet)
    require_columns(frame, display, [unit], key="unit")
    if layout == "periods":
        if not indicator:
            raise ValueError("a table with one column per period needs 'indicator' (the catalogue id)")
        frame, period = _periods_to_rows(frame, unit, display), "_period"
    elif not period:
        raise ValueError("a long or wide table needs 'period' (the column with the year or quarter)")
    require_columns(frame, display, [period], key="period")
    frame["period"], frequency = parse_periods(frame, period, display)
    if (frequency == "maand").any():
        i = (frequency == "maand").idxmax()
        raise DataError(f"{display}: row {frame.loc[i, ROW]}, column {period}: monthly period "
                        f"{frame.loc[i, period]!r}; the panel holds years and quarters: aggregate months to "
                        f"quarters first")
    frame["unit_id"] = _unit_codes(frame, unit, display, municipalities, aliases)
    keys = ["unit_id", "period"]
    if layout == "periods":
        long = melt_measures(frame, keys, {indicator: Measure(value="_value")}, display, options)
    elif layout == "wide":
        if not indicators:
            raise ValueError("a wide table needs 'indicators': {catalogue id: column}")
        long = melt_measures(frame, keys, {k: as_measure(v) for k, v in indicators.items()}, display, options)
    else:
        if not (indicator and value):
            raise ValueError("a long table needs the 'indicator' and 'value' columns")
        measure = Measure(value=value, denominator=denominator, count=count)
        for key, column in {"indicator": indicator, "value": value, "denominator": denominator, "count": count}.items():
            if column:
                require_columns(frame, display, [column], key=key)
        renamed = {str(v): k for k, v in (indicators or {}).items()}
        frame["_indicator"] = frame[indicator].astype(str).str.strip()
        if renamed:
            unknown = sorted(set(frame._indicator) - set(renamed))
            frame = frame[frame._indicator.isin(renamed)]
            if frame.empty:
                raise DataError(f"{display}: column {indicator}: none of {', '.join(renamed)} occur; found "
                                f"{', '.join(unknown[:10])}")
            frame["_indicator"] = frame._indicator.map(renamed)
        long = melt_measures(frame.reset_index(drop=True), keys + ["_indicator"], {"_": measure}, display, options)
        long["indicator"] = long.pop("_indicator")
    panel = finish_panel(long, display, allow_negative)
    return suppress_small_counts(panel, threshold) if "count" in panel.columns else panel


def _periods_to_rows(frame: pd.DataFrame, unit: str, display: str) -> pd.DataFrame:
    """One column per period to one row per unit and period (``_period``, ``_value``).

    Empty cells are left out: in such exports they mostly stand for years in which a municipality
    did not exist (yet), whose name the reference table of that year does not know.
    """
    columns = [c for c in frame.columns if c not in (unit, ROW) and parse_period_code(c) is not None]
    if not columns:
        raise DataError(f"{display}: no column is named as a period (2019, 2019Q2, 2019JJ00); found "
                        f"{', '.join(c for c in frame.columns if c != ROW)}")
    rows = frame.melt(id_vars=[unit, ROW], value_vars=columns, var_name="_period", value_name="_value")
    empty = rows._value.isna() | (rows._value.astype(str).str.strip() == "")
    return rows[~empty].sort_values([ROW, "_period"]).reset_index(drop=True)


def _unit_codes(frame: pd.DataFrame, column: str, display: str, municipalities: pd.DataFrame | None,
                aliases: dict[str, str] | None) -> pd.Series:
    """Region codes as they are, or municipality names matched to codes per period year."""
    codes = frame[column].map(region_code)
    if codes.notna().all():
        return codes
    names = frame[column].astype(str).str.strip()
    todo = codes.isna()
    years = frame.period.str[:4].astype(int)
    codes[todo] = NameMatcher(municipalities, aliases).by_period(names[todo], years[todo], display)
    return codes
