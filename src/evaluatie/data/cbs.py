"""CBS StatLine tables, as the StatLine CSV downloads or the ``cbsodata`` client give them.

All shapes hold one row per region and period with one column per measure ("Topic"): the
open-data CSV (codes as keys), StatLine's own CSV export (a title line above the header,
titles instead of codes, footnotes below) and records from cbsodata. Regions
are codes padded with spaces (``'GM0363    '``, ``WK036301``, ``BU03630000``, ``PV27``) or,
when the client replaced codes by titles, names; periods are codes (``2019JJ00``, ``2019KW02``,
``2019MM05``); a secret or unknown cell is ``.`` or empty. CBS has already protected the cells,
so no further suppression is applied here.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from evaluatie.data.geography import LEVELS, match_municipalities, region_code
from evaluatie.data.panel import DataError
from evaluatie.data.tables import (
    ROW, Measure, TextOptions, as_measure, finish_panel, melt_measures, parse_periods, read_any, require_columns,
)

REGION_COLUMNS = ("RegioS", "WijkenEnBuurten", "Gemeenten", "Gemeentenaam", "Regio's", "Regios")
PERIOD_COLUMNS = ("Perioden", "Periods")


def _read_json(path: Path, display: str) -> pd.DataFrame:
    """Records as ``json.dump(cbsodata.get_data(table))`` writes them: a list of objects."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"{display}: not a UTF-8 JSON file as cbsodata.get_data gives ({error})") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{display}: expected a JSON list of records (one object per row), as cbsodata.get_data gives")
    frame = pd.DataFrame(records)
    frame[ROW] = np.arange(len(frame)) + 1
    return frame


def _column(frame: pd.DataFrame, given: str | None, candidates: tuple[str, ...], display: str, what: str) -> str:
    if given:
        require_columns(frame, display, [given], key=f"{what}_column")
        return given
    for name in candidates:
        if name in frame.columns:
            return name
    raise DataError(f"{display}: no {what} column found (looked for {', '.join(candidates)}); "
                    f"name it with {what}_column")


def read_cbs_statline(
    path: str | Path,
    indicators: dict[str, str | Measure | dict],
    *,
    region_column: str | None = None,
    period_column: str | None = None,
    levels: tuple[str, ...] = ("gemeente",),
    frequency: Literal["jaar", "kwartaal"] | None = None,
    months: Literal["sum", "mean"] | None = None,
    municipalities: pd.DataFrame | None = None,
    aliases: dict[str, str] | None = None,
    options: TextOptions = TextOptions(sep=None),
    display: str | None = None,
) -> pd.DataFrame:
    """A StatLine table (``.csv`` download or ``.json`` from cbsodata) as long panel rows.

    ``indicators`` maps an indicator id of the catalogue to the StatLine column that holds it
    (or a :class:`Measure` with a numerator and denominator). ``levels`` keeps the region
    levels wanted (gemeente, wijk, buurt, provincie); rows of other levels are left out.
    Monthly periods are made quarterly (all three months needed), by ``months='sum'`` for
    counts (the quarter's count over its mean denominator) or ``'mean'`` for stocks such as a
    population. A table that mixes years and quarters
    needs ``frequency``. Region titles instead of codes are matched to municipality codes
    through ``municipalities`` (the reference table) and ``aliases``.
    """
    path = Path(path)
    display = display or path.name
    if path.suffix.lower() == ".json":
        if not path.is_file():
            raise DataError(f"{display}: file not found")
        frame = _read_json(path, display)
    else:
        frame = read_any(path, display, options, header_hint=period_column or PERIOD_COLUMNS[0])
    measures = {k: as_measure(v) for k, v in indicators.items()}
    region = _column(frame, region_column, REGION_COLUMNS, display, "region")
    period = _column(frame, period_column, PERIOD_COLUMNS, display, "period")
    frame["period"], frame["_frequency"] = parse_periods(frame, period, display)
    frame["unit_id"] = _region_codes(frame, region, display, municipalities, aliases)
    unknown_levels = set(levels) - set(LEVELS.values())
    if unknown_levels:
        raise ValueError(f"unknown region level(s) {sorted(unknown_levels)}; expected {sorted(LEVELS.values())}")
    frame = frame[frame.unit_id.str[:2].map(LEVELS).isin(levels)]
    if frame.empty:
        raise DataError(f"{display}: no rows for region level(s) {', '.join(levels)} in column {region}")
    frame = _choose_frequency(frame, display, period, frequency, months)
    options = options if options.nil else replace(options, nil="-")  # CBS writes '-' for 'nihil'
    long = melt_measures(frame.reset_index(drop=True), ["unit_id", "period", "_frequency"], measures, display, options)
    long["suppressed"] = long.value.isna()  # CBS: an empty cell is as secret or unknown as a '.'
    if (long._frequency == "maand").any():
        long = _months_to_quarters(long, months)
    return finish_panel(long.drop(columns="_frequency"), display)


def _region_codes(frame: pd.DataFrame, column: str, display: str, municipalities: pd.DataFrame | None,
                  aliases: dict[str, str] | None) -> pd.Series:
    """Region codes; titles (as cbsodata.get_data gives them) are matched to municipality codes.

    Titles of the country and of provinces ('Nederland', 'Groningen (PV)') get no code: only
    municipalities can be matched by title, so those rows are left out.
    """
    codes = frame[column].map(region_code)
    if codes.notna().all():
        return codes
    titles = frame[column].astype(str).str.strip()
    other_level = titles.str.endswith("(PV)") | (titles == "Nederland")
    names = titles[codes.isna() & ~other_level]
    looks_coded = names.str.match(r"^[A-Za-z]{2}\d+$")
    if municipalities is None or looks_coded.any():
        bad = names[looks_coded] if looks_coded.any() else names
        examples = ", ".join(f"row {frame.loc[i, ROW]} ({frame.loc[i, column]!r})" for i in bad.index[:5])
        raise DataError(
            f"{display}: column {column}: unknown region code in {examples}; expected GM + 4 digits, WK + 6, "
            f"BU + 8 or PV + 2 (for names instead of codes, give a municipality reference table)"
        )
    years = frame.loc[names.index, "period"].str[:4].astype(int)
    for year in sorted(set(years)):  # names as they were in each year (Haren until 2018)
        these = names[years == year]
        codes.loc[these.index] = these.map(match_municipalities(these, municipalities, year, display, aliases))
    return codes


def _choose_frequency(frame: pd.DataFrame, display: str, column: str, frequency: str | None,
                      months: str | None) -> pd.DataFrame:
    present = set(frame._frequency)
    if "maand" in present and months is None:
        raise DataError(f"{display}: column {column} has monthly periods (such as 2019MM05); set months: sum "
                        f"(for counts) or months: mean (for stocks) to make them quarterly")
    if frequency is not None:
        wanted = {frequency, "maand"} if frequency == "kwartaal" else {frequency}
        kept = frame[frame._frequency.isin(wanted)]
        if kept.empty:
            raise DataError(f"{display}: column {column} has no periods of frequency {frequency}")
        return kept
    if len({"kwartaal" if f == "maand" else f for f in present}) > 1:
        raise DataError(f"{display}: column {column} mixes years and quarters (such as 2019JJ00 and 2019KW01); "
                        f"set frequency: jaar or frequency: kwartaal for this source")
    return frame


def _months_to_quarters(long: pd.DataFrame, how: str) -> pd.DataFrame:
    """Monthly rows to quarters; a quarter with a missing or suppressed month gets no value.

    The denominator of a quarter is the mean of its months (a population, not three of them); with
    ``how='sum'`` the value is the quarter's count (monthly value x denominator, summed) over it.
    """
    monthly = long[long._frequency == "maand"].copy()
    monthly["quarter"] = monthly.period.str[:4] + "Q" + ((monthly.period.str[5:].astype(int) - 1) // 3 + 1).astype(str)
    rows = []
    for (unit, quarter, indicator), group in monthly.groupby(["unit_id", "quarter", "indicator"]):
        complete = len(group) == 3 and group.value.notna().all()
        denominator = group.denominator.mean() if group.denominator.notna().all() else np.nan
        if not complete:
            value = np.nan
        elif how == "mean":
            value = group.value.mean()
        elif np.isnan(denominator):
            value = group.value.sum()
        else:
            value = (group.value * group.denominator).sum() / denominator
        rows.append({
            "unit_id": unit, "period": quarter, "indicator": indicator, "_frequency": "kwartaal",
            "value": value, "denominator": denominator if complete else np.nan,
            "suppressed": bool(group.suppressed.any()),
            ROW: f"{group[ROW].min()}-{group[ROW].max()}",
        })
    return pd.concat([long[long._frequency != "maand"], pd.DataFrame(rows)], ignore_index=True)
