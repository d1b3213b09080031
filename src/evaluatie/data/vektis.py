"""Vektis open data "Zorgverzekeringswet per gemeente": one semicolon CSV per year.

Each file has one row per sex (GESLACHT), age class (LEEFTIJDSKLASSE) and municipality
(GEMEENTENAAM, upper case, Vektis spelling), with the number of insured persons (AANTAL_BSN),
insured years (AANTAL_VERZEKERDEJAREN, the denominator) and one cost column per type of care
(KOSTEN_...). Some years start with a national total row. Rows are summed per municipality
before any rate is formed: a cost per insured year is total costs over total insured years.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from evaluatie.data.geography import match_municipalities, normalise_name
from evaluatie.data.panel import DataError
from evaluatie.data.tables import ROW, TextOptions, finish_panel, parse_numbers, read_delimited, require_columns
from evaluatie.privacy import DEFAULT_THRESHOLD, suppress_small_counts

NAME, PERSONS, INSURED_YEARS = "GEMEENTENAAM", "AANTAL_BSN", "AANTAL_VERZEKERDEJAREN"
CELL = ["GESLACHT", "LEEFTIJDSKLASSE"]
ALL_COSTS = "KOSTEN_*"
DEFAULT_INDICATORS = {
    "zvw_kosten_totaal": [ALL_COSTS],
    "zvw_kosten_msz": ["KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG"],
    "zvw_kosten_wijkverpleging": ["KOSTEN_WIJKVERPLEGING"],
}
NATIONAL = {"", "NEDERLAND", "TOTAAL", "TOTAAL NEDERLAND", "NL"}


def _year_of(path: Path, frame: pd.DataFrame, display: str, options: TextOptions) -> int:
    if "JAAR" in frame.columns:
        years, _ = parse_numbers(frame, "JAAR", display, options)
        if years.nunique() != 1:
            raise DataError(f"{display}: column JAAR holds several years; Vektis publishes one file per year")
        return int(years.iloc[0])
    found = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", path.name)
    if len(set(found)) != 1:
        raise DataError(f"{display}: cannot tell the year: the file has no JAAR column and its name holds "
                        f"{'no year' if not found else 'several years'}; put the year in the file name")
    return int(found[0])


def _cost_columns(frame: pd.DataFrame, wanted: list[str], display: str, indicator: str) -> list[str]:
    columns = []
    for name in wanted:
        if name == ALL_COSTS:
            columns += [c for c in frame.columns if c.startswith("KOSTEN_")]
        else:
            require_columns(frame, display, [name], key=f"indicator {indicator}")
            columns.append(name)
    if not columns:
        raise DataError(f"{display}: no KOSTEN_ columns for indicator {indicator}")
    return columns


def read_vektis(
    paths: Iterable[str | Path] | str | Path,
    municipalities: pd.DataFrame,
    *,
    indicators: dict[str, list[str]] | None = None,
    aliases: dict[str, str] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    options: TextOptions = TextOptions(sep=";"),
) -> pd.DataFrame:
    """Vektis files (one per year) as long panel rows: cost per insured year per municipality.

    ``indicators`` maps an indicator id to the cost columns it sums (``KOSTEN_*`` for all);
    by default the catalogue's total, hospital and district-nursing costs. Municipality names
    are matched to codes through the reference table ``municipalities`` (``aliases`` for names
    no rule bridges). A cost cell left empty by Vektis leaves the municipality's total unknown
    rather than too low. Municipalities with fewer than ``threshold`` insured persons are
    suppressed (with secondary suppression across municipalities).
    """
    paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    if not paths:
        raise ValueError("read_vektis needs at least one file")
    indicators = indicators or DEFAULT_INDICATORS
    parts, years = [], {}
    for path in paths:
        display = path.name
        frame = read_delimited(path, display, options)
        year = _year_of(path, frame, display, options)
        if year in years:
            raise DataError(f"{display}: year {year} was already read from {years[year]}")
        years[year] = display
        parts.append(_one_year(frame, display, year, indicators, municipalities, aliases, options))
    panel = pd.concat(parts, ignore_index=True)
    return suppress_small_counts(finish_panel(panel, "Vektis"), threshold)


def _one_year(frame: pd.DataFrame, display: str, year: int, indicators: dict[str, list[str]],
              municipalities: pd.DataFrame, aliases: dict[str, str] | None, options: TextOptions) -> pd.DataFrame:
    require_columns(frame, display, [NAME, INSURED_YEARS, PERSONS])
    costs = {ind: _cost_columns(frame, cols, display, ind) for ind, cols in indicators.items()}
    frame = frame[~frame[NAME].map(normalise_name).isin(NATIONAL)].reset_index(drop=True)
    cell = [c for c in CELL if c in frame.columns] + [NAME]
    twice = frame.duplicated(cell, keep=False)
    if twice.any():
        first = frame.loc[twice, cell].iloc[0].tolist()
        rows = ", ".join(str(r) for r in frame.loc[twice, ROW].head(5))
        raise DataError(f"{display}: rows {rows}: {' / '.join(cell)} {first} occur(s) more than once")
    numbers = {}
    for column in sorted({c for cols in costs.values() for c in cols} | {INSURED_YEARS, PERSONS}):
        numbers[column], _ = parse_numbers(frame, column, display, options)
    for column in (INSURED_YEARS, PERSONS):
        negative = numbers[column] < 0
        if negative.any():
            rows = ", ".join(str(r) for r in frame.loc[negative, ROW].head(5))
            raise DataError(f"{display}: column {column}: negative number in row(s) {rows}; counts cannot be negative")
    codes = frame[NAME].map(match_municipalities(frame[NAME], municipalities, year, display, aliases))
    data = pd.DataFrame(numbers).assign(unit_id=codes, name=frame[NAME])
    rows = []
    for code, group in data.groupby("unit_id", sort=True):
        insured = group[INSURED_YEARS].sum(min_count=1)
        label = f"{' / '.join(sorted(set(group.name)))} ({code}) in {display}"
        if not insured > 0 and group[PERSONS].sum() > 0:
            raise DataError(f"{display}: {INSURED_YEARS} adds up to {insured} for {label}, which has insured "
                            f"persons; the cost per insured year needs a positive denominator")
        for indicator, columns in costs.items():
            hidden = bool(group[columns].isna().to_numpy().any())  # a cell Vektis left empty
            total = group[columns].to_numpy().sum()
            rows.append({
                "unit_id": code, "period": str(year), "indicator": indicator,
                "value": np.nan if hidden or not insured > 0 else total / insured,
                "denominator": insured, "suppressed": hidden, "count": group[PERSONS].sum(min_count=1),
                ROW: label,
            })
    return pd.DataFrame(rows)
