"""Vektis open data "Zorgverzekeringswet per gemeente": one semicolon CSV per year.

Each file has one row per sex (GESLACHT), age class (LEEFTIJDSKLASSE) and municipality
(GEMEENTENAAM, upper case, Vektis spelling), with the number of insured persons (AANTAL_BSN),
insured years (AANTAL_VERZEKERDEJAREN, the denominator) and one cost column per type of care
(KOSTEN_...). Rows are summed per municipality before any rate is formed: a cost per insured year
is total costs over total insured years. Which cost columns a file has depends on its year (care
moves in and out of the Zvw) and later files write the names in lower case, cut at 32 characters;
the columns Vektis published per year are in ``reference/vektis.yaml``. A row with empty sex, age
and municipality is Vektis' rest category (cells of fewer than 10 persons and unknown
characteristics); some years start with a national total instead. The municipality names follow
the boundaries of a later year than the file's own (2015 on those of 2017), which is detected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from evaluatie.data.geography import NameMatcher, normalise_name
from evaluatie.data.panel import DataError
from evaluatie.data.tables import ROW, SourceNote, TextOptions, add_note, finish_panel, parse_numbers, read_delimited
from evaluatie.formats import number, percent
from evaluatie.privacy import DEFAULT_THRESHOLD, suppress_small_counts

NAME, PERSONS, INSURED_YEARS = "GEMEENTENAAM", "AANTAL_BSN", "AANTAL_VERZEKERDEJAREN"
CELL = ["GESLACHT", "LEEFTIJDSKLASSE"]
ALL_COSTS = "KOSTEN_*"
NATIONAL = {"", "NEDERLAND", "TOTAAL", "TOTAAL NEDERLAND", "NL"}
CUT = 32  # later files cut column names at this length


@cache
def published() -> dict:
    """``reference/vektis.yaml``: the columns per year, when care entered the Zvw, the default indicators."""
    text = (resources.files("evaluatie.data") / "reference" / "vektis.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def default_indicators() -> dict[str, list[str]]:
    return dict(published()["indicators"])


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names in upper case and whole (``kosten_medisch_specialistische_z`` -> ..._ZORG)."""
    known = {c.upper() for columns in published()["columns"].values() for c in columns}
    known |= {c for columns in published()["indicators"].values() for c in columns}
    full = {name[:CUT]: name for name in known if len(name) > CUT}
    renamed = {c: full.get(c.upper(), c.upper()) for c in frame.columns if c != ROW}
    return frame.rename(columns=renamed)


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


def _missing_column(display: str, year: int, column: str, indicator: str) -> DataError:
    tables = published()
    first = tables["first_year"].get(column)
    seen = {y for y, columns in tables["columns"].items() if column in {c.upper() for c in columns}}
    if first is not None and year < first:
        why = f"Vektis publishes it from {first} on"
    elif year in tables["columns"] and year not in seen:
        why = f"Vektis' file of {year} has no such column"
    elif seen:
        why = f"Vektis published it in {', '.join(map(str, sorted(seen)))}; is this the whole file?"
    else:
        why = "this package does not know the column from any published Vektis file"
    return DataError(f"{display}: indicator {indicator} needs column {column}, which this file of {year} does not "
                     f"have ({why}); leave the indicator out for this year or name other columns under indicators")


def _cost_columns(frame: pd.DataFrame, wanted: list[str], display: str, year: int, indicator: str) -> list[str]:
    columns = []
    for name in wanted:
        if name == ALL_COSTS:
            columns += [c for c in frame.columns if c.startswith("KOSTEN_")]
        elif name.upper() in frame.columns:
            columns.append(name.upper())
        else:
            raise _missing_column(display, year, name.upper(), indicator)
    if not columns:
        raise DataError(f"{display}: no KOSTEN_ columns for indicator {indicator}")
    return columns


def read_vektis(
    paths: Iterable[str | Path] | str | Path,
    municipalities: pd.DataFrame | None = None,
    *,
    indicators: dict[str, list[str]] | None = None,
    aliases: dict[str, str] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    options: TextOptions = TextOptions(sep=";"),
    notes: list[SourceNote] | None = None,
) -> pd.DataFrame:
    """Vektis files (one per year) as long panel rows: cost per insured year per municipality.

    ``indicators`` maps an indicator id to the cost columns it sums (``KOSTEN_*`` for all); by
    default the catalogue's total, hospital and district-nursing costs. Only the columns of the
    indicators asked for must be present. Municipality names are matched to codes among the
    municipalities of the year whose names fit the file best (``municipalities``, the user's
    reference table, adds spellings; ``aliases`` for names no rule bridges). A cost cell left
    empty by Vektis leaves the municipality's total unknown rather than too low. Municipalities
    with fewer than ``threshold`` insured persons are suppressed (with secondary suppression across
    municipalities). ``notes`` receives a line on each file's rest category, national total and
    boundary year.
    """
    paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    if not paths:
        raise ValueError("read_vektis needs at least one file")
    indicators = indicators or default_indicators()
    matcher = NameMatcher(municipalities, aliases)
    parts, years = [], {}
    for path in paths:
        display = path.name
        frame = _canonical(read_delimited(path, display, options))
        year = _year_of(path, frame, display, options)
        if year in years:
            raise DataError(f"{display}: year {year} was already read from {years[year]}")
        years[year] = display
        parts.append(_one_year(frame, display, year, indicators, matcher, options, notes))
    panel = pd.concat(parts, ignore_index=True)
    return suppress_small_counts(finish_panel(panel, "Vektis"), threshold)


def _not_municipal(frame: pd.DataFrame, persons: pd.Series, display: str, notes: list[SourceNote] | None) -> pd.Series:
    """Rows without a municipality: a national total (left out) or the rest category (counted, left out)."""
    blank = frame[NAME].map(normalise_name).isin(NATIONAL)
    if blank.any():
        total = persons[~blank].sum()
        for i in frame.index[blank]:
            empty_cells = all(not str(frame.at[i, c]).strip() for c in CELL if c in frame.columns)
            if persons[i] >= total / 2:
                add_note(notes, f"{display}: rij {frame.at[i, ROW]} is een landelijk totaal en telt niet mee")
            elif empty_cells and not str(frame.at[i, NAME]).strip():
                share = 100 * persons[i] / (total + persons[i]) if total + persons[i] else 0
                add_note(notes, f"{display}: restcategorie van Vektis (rij {frame.at[i, ROW]}: geslacht, leeftijd en "
                             f"gemeente leeg) met {number(persons[i], 0)} verzekerden ({percent(share, 1)} van alle "
                             f"verzekerden) is aan geen gemeente toe te wijzen en telt niet mee")
            else:
                add_note(notes, f"{display}: rij {frame.at[i, ROW]} zonder gemeente telt niet mee")
    return blank


def _one_year(frame: pd.DataFrame, display: str, year: int, indicators: dict[str, list[str]],
              matcher: NameMatcher, options: TextOptions, notes: list[SourceNote] | None) -> pd.DataFrame:
    missing = [c for c in (NAME, INSURED_YEARS, PERSONS) if c not in frame.columns]
    if missing:
        raise DataError(f"{display}: column(s) {', '.join(missing)} not found; a Vektis file per gemeente has "
                        f"{NAME}, {PERSONS} and {INSURED_YEARS} (a file per postcode is not read here)")
    costs = {ind: _cost_columns(frame, cols, display, year, ind) for ind, cols in indicators.items()}
    numbers = {}
    for column in sorted({c for cols in costs.values() for c in cols} | {INSURED_YEARS, PERSONS}):
        numbers[column], _ = parse_numbers(frame, column, display, options)
    for column in (INSURED_YEARS, PERSONS):
        negative = numbers[column] < 0
        if negative.any():
            rows = ", ".join(str(r) for r in frame.loc[negative, ROW].head(5))
            raise DataError(f"{display}: column {column}: negative number in row(s) {rows}; counts cannot be negative")
    outside = _not_municipal(frame, numbers[PERSONS], display, notes)
    frame = frame[~outside]
    numbers = {k: v[~outside] for k, v in numbers.items()}
    cell = [c for c in CELL if c in frame.columns] + [NAME]
    twice = frame.duplicated(cell, keep=False)
    if twice.any():
        first = frame.loc[twice, cell].iloc[0].tolist()
        rows = ", ".join(str(r) for r in frame.loc[twice, ROW].head(5))
        raise DataError(f"{display}: rows {rows}: {' / '.join(cell)} {first} occur(s) more than once")
    names = list(dict.fromkeys(frame[NAME]))
    boundary = matcher.best_year(names, prefer=year)
    if boundary is not None and boundary != year:
        add_note(notes, f"{display}: de gemeentenamen volgen de gemeentelijke indeling van {boundary}, niet die van "
                     f"{year}")
    codes = frame[NAME].map(matcher.match(names, boundary if boundary is not None else year, display))
    data = pd.DataFrame(numbers).assign(unit_id=codes.values)
    by_unit = data.groupby("unit_id", sort=True)
    sums = by_unit.sum(min_count=1)
    empty = data.drop(columns="unit_id").isna().groupby(data.unit_id).any()  # a cell Vektis left empty
    labels = frame[NAME].groupby(codes.values).agg(lambda names: " / ".join(sorted(set(names))))
    insured, persons = sums[INSURED_YEARS], sums[PERSONS]
    bad = ~(insured > 0) & (persons > 0)
    if bad.any():
        code = bad.idxmax()
        raise DataError(f"{display}: {INSURED_YEARS} adds up to {insured[code]} for {labels[code]} ({code}) in "
                        f"{display}, which has insured persons; the cost per insured year needs a positive denominator")
    parts = []
    for indicator, columns in costs.items():
        hidden = empty[columns].any(axis=1)
        total = sums[columns].sum(axis=1, min_count=1)
        parts.append(pd.DataFrame({
            "unit_id": sums.index, "period": str(year), "indicator": indicator,
            "value": total.where(~hidden & (insured > 0)) / insured, "denominator": insured,
            "suppressed": hidden.values, "count": persons,
            ROW: [f"{labels[c]} ({c}) in {display}" for c in sums.index],
        }).reset_index(drop=True))
    return pd.concat(parts, ignore_index=True)
