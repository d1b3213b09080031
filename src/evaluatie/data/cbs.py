"""CBS StatLine tables, as the open-data CSV, the website's CSV export and the ``cbsodata`` client give them.

Four shapes hold the same table: the open-data CSV (``TypedDataSet``/``UntypedDataSet``: an ``ID``
column, dimension keys such as ``RegioS`` and ``Perioden``, one column per measure keyed
``TotaleBevolking_1``), StatLine's website export (a title line, a header of one or more rows, the
measure titles split by ``|`` and their units below, region and period titles instead of codes,
decimal commas, ``Bron: CBS`` below the data, often latin-1) and records from cbsodata, with codes
or titles. Regions are codes padded with spaces (``'GM0363    '``, ``WK036301``, ``BU03630000``,
``PV27``, ``CR01``, ``LD01``, ``NL01``) or titles (``Groningen (PV)``, ``Nederland``, a municipality's
name); periods are codes (``2019JJ00``, ``2019KW02``, ``2019MM05``) or titles (``2019*``). A table can
have further dimensions (crime per ``SoortMisdrijf``): one of their values is chosen with ``where``.
A secret or unknown cell is ``.`` or empty; CBS has already protected the cells, so no further
suppression is applied here. Multi-year tables hold a row for every municipality code StatLine
knows, empty in the years the municipality did not exist: such rows are left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from evaluatie.data import municipalities as shipped
from evaluatie.data.geography import LEVELS, NO_REGION, NameMatcher, region_code
from evaluatie.data.panel import DataError
from evaluatie.data.tables import (
    MISSING_MARKERS, ROW, SUPPRESSED_MARKERS, Measure, SourceNote, TextOptions, add_note, as_measure,
    finish_panel,
    melt_measures, parse_periods, read_text, require_columns, split_rows,
)
from evaluatie.formats import join_words, number

REGION_COLUMNS = ("RegioS", "WijkenEnBuurten", "Gemeenten", "Gemeentenaam", "Regio's", "Regios", "Regio")
PERIOD_COLUMNS = ("Perioden", "Periods", "Periode")
_MEASURE_KEY = re.compile(r"_\d+$")  # open-data measure keys end in _<n>: TotaleBevolking_1
_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d+)?|[.,]\d+)$")
_TITLE_LEVEL = {"(PV)": "PV", "(LD)": "LD", "(CR)": "CR"}


@dataclass
class StatLineTable:
    """A StatLine file as text cells, with what it is: which columns are regions, periods, dimensions, measures."""

    frame: pd.DataFrame
    shape: str
    region: str
    period: str | None
    measures: dict[str, str]  # key -> title and unit, for inspect
    dimensions: list[str] = field(default_factory=list)
    text_columns: list[str] = field(default_factory=list)
    decimal: str = "."
    encoding: str | None = None
    sep: str | None = None


def _open_json(path: Path, display: str) -> pd.DataFrame:
    """Records as ``json.dump(cbsodata.get_data(table))`` writes them: a list of objects."""
    if not path.is_file():
        raise DataError(f"{display}: file not found")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"{display}: not a UTF-8 JSON file as cbsodata.get_data gives ({error})") from None
    if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{display}: expected a JSON list of records (one object per row), as cbsodata.get_data gives")
    frame = pd.DataFrame(records).astype(object)
    frame = frame.where(frame.notna(), "")
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


def _numeric(column: pd.Series) -> bool:
    """Whether every cell is a number, a marker of a suppressed, empty or nil cell."""
    text = column.where(column.notna(), "").astype(str).str.strip()
    return bool((text.isin(SUPPRESSED_MARKERS | MISSING_MARKERS | {"-"}) | text.str.fullmatch(_NUMBER.pattern)).all())


def _website_export(rows: list[list[str]], display: str) -> tuple[pd.DataFrame, dict[str, str], list[str]] | None:
    """StatLine's website export: title, header rows, data, footnotes. None when the rows are not one.

    The header row that names the dimensions (``Regio's;Perioden``) ends the header. Above it, measure
    columns may carry their titles split by ``|`` (parents left empty when they repeat) and that row
    then holds the units (``aantal``, ``%``); a one-row header holds the whole title in that row. The
    leading columns are the dimensions: the regions, the periods and any other (``Soort misdrijf``).
    """
    names = {n.lower() for n in REGION_COLUMNS + PERIOD_COLUMNS}
    header = next((i for i, row in enumerate(rows[:30]) if any(c.strip().lower() in names for c in row)), None)
    if header is None:
        return None
    width = len(rows[header])
    above = [rows[i] for i in range(1, header) if len(rows[i]) == width]
    above = [row for row in above if any(c.strip() for c in row)
             and [c.strip() for c in row if c.strip()] not in (["Onderwerp"], ["Onderwerpen"])]
    records, lines = [], []
    for number_, row in enumerate(rows[header + 1:], start=header + 2):
        filled = [c for c in row if c.strip()]
        if len(filled) < 2 or not row[0].strip():
            continue  # an empty line or a footnote ('Bron: CBS', '* voorlopige cijfers')
        if len(row) != width:
            raise DataError(f"{display}: line {number_} has {len(row)} fields where the header has {width}; the "
                            f"file may have been cut off or edited")
        records.append(row)
        lines.append(number_)
    dims = 0
    for j, cell in enumerate(rows[header]):
        named = cell.strip().lower() in names
        free = not any(row[j].strip() for row in above)
        textual = bool(records) and not _numeric(pd.Series([r[j] for r in records]))
        if not cell.strip() or not (named or (free and textual)):
            break
        dims = j + 1
    titles, units = {}, {}
    for j in range(dims, width):
        path = [part.strip() for row in above for part in row[j].split("|") if part.strip()]
        cell = rows[header][j].strip()
        if above:
            titles[j], units[j] = (path[-1] if path else f"kolom {j + 1}"), cell
        else:
            titles[j], units[j] = cell or f"kolom {j + 1}", ""
    keys = _unique_keys(titles, units)
    columns = [rows[header][j].strip() for j in range(dims)] + [keys[j] for j in range(dims, width)]
    frame = pd.DataFrame(records, columns=columns, dtype=object)
    frame[ROW] = lines
    described = {keys[j]: keys[j] + (f" [{units[j]}]" if units[j] else "") for j in range(dims, width)}
    return frame, described, columns[:dims]


def _unique_keys(titles: dict[int, str], units: dict[int, str]) -> dict[int, str]:
    """A name per measure column: its title; with its unit when the title repeats; numbered when both do."""
    keys = {}
    for j, title in titles.items():
        twins = [k for k, t in titles.items() if t == title]
        if len(twins) == 1:
            keys[j] = title
            continue
        with_unit = f"{title} ({units[j]})" if units[j] else title
        same = [k for k in twins if (f"{titles[k]} ({units[k]})" if units[k] else titles[k]) == with_unit]
        keys[j] = with_unit if len(same) == 1 else f"{with_unit} #{same.index(j) + 1}"
    return keys


def open_statline(path: str | Path, options: TextOptions = TextOptions(sep=None), display: str | None = None,
                  region_column: str | None = None, period_column: str | None = None,
                  periods_required: bool = True) -> StatLineTable:
    """Read a StatLine file as text cells and tell its shape, dimensions and measures.

    Without ``periods_required`` a table without periods (a list of municipalities) has ``period`` None.
    """
    path = Path(path)
    display = display or path.name
    if path.suffix.lower() == ".json":
        frame, shape, described, leading, encoding, sep = _open_json(path, display), "cbsodata JSON", None, None, \
            "utf-8", None
    else:
        if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
            raise DataError(f"{display}: unknown file type '{path.suffix}'; a StatLine table is a .csv download or "
                            f"a .json list saved from cbsodata.get_data")
        text, encoding = read_text(path, display, options.encoding)
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise DataError(f"{display}: the file is empty")
        sep = options.sep or max(";,\t|", key=lambda s: sorted(line.count(s) for line in lines[:10])[len(lines[:10]) // 2])
        rows = split_rows("\n".join(text.splitlines()), sep)
        first = [c.strip() for c in rows[0]]
        if any(c in REGION_COLUMNS + PERIOD_COLUMNS or c == "ID" for c in first) and len(first) > 1:
            width = len(rows[0])
            records, numbers = [], []
            for i, row in enumerate(rows[1:], start=2):
                if not any(c.strip() for c in row):
                    continue
                if len(row) != width:
                    raise DataError(f"{display}: line {i} has {len(row)} fields where the header has {width}; "
                                    f"check the separator and quotes on that line (or whether the file was cut off)")
                records.append(row)
                numbers.append(i)
            frame = pd.DataFrame(records, columns=first, dtype=object)
            frame[ROW] = numbers
            kind = "TypedDataSet" if "typed" in path.name.lower() and "untyped" not in path.name.lower() else (
                "UntypedDataSet" if "untyped" in path.name.lower() else "")
            shape = "StatLine open data CSV" + (f" ({kind})" if kind else "")
            described, leading = None, None
        else:
            exported = _website_export(rows, display)
            if exported is None:
                raise DataError(f"{display}: not a StatLine table: no header names the regions and periods "
                                f"(RegioS and Perioden, or Regio's and Perioden in a website export)")
            frame, described, leading = exported
            shape = "StatLine website export"
    region = _column(frame, region_column, REGION_COLUMNS, display, "region")
    if periods_required or period_column or any(c in frame.columns for c in PERIOD_COLUMNS):
        period = _column(frame, period_column, PERIOD_COLUMNS, display, "period")
    else:
        period = None
    keys = [c for c in frame.columns if c not in (ROW, region, period, "ID")]
    if leading is not None:
        dimensions = [c for c in leading if c not in (region, period)]
    else:
        keyed = frame[[c for c in (region, period) if c]].apply(lambda s: s.astype(str).str.strip()).duplicated().any()
        texts = [c for c in keys if not _numeric(frame[c])]
        dimensions = [c for c in texts if not _MEASURE_KEY.search(c)] if keyed else []
    text_columns = [c for c in keys if c not in dimensions and not _numeric(frame[c])]
    measures = [c for c in keys if c not in dimensions and c not in text_columns]
    cells = frame[measures].astype(str).stack() if measures else pd.Series(dtype=str)
    comma = cells.str.strip().str.fullmatch(r"[-+]?\d*,\d+").sum()
    point = cells.str.strip().str.fullmatch(r"[-+]?\d*\.\d+").sum()
    decimal = "," if comma and not point else "."
    described = described or {c: c for c in measures}
    return StatLineTable(frame, shape, region, period, {k: described.get(k, k) for k in measures}, dimensions,
                         text_columns, decimal, encoding, sep)


def _apply_where(table: StatLineTable, where: dict[str, str], display: str) -> pd.DataFrame:
    frame = table.frame
    unknown = sorted(set(where) - set(table.dimensions))
    if unknown:
        others = f"; its further dimensions are {', '.join(table.dimensions)}" if table.dimensions else \
            "; it has no further dimensions"
        raise DataError(f"{display}: where names column(s) {', '.join(unknown)}, which are not dimensions of this "
                        f"table{others}")
    for column in table.dimensions:
        values = frame[column].astype(str).str.strip()
        if column in where:
            frame = frame[values == str(where[column]).strip()]
            if frame.empty:
                raise DataError(f"{display}: where {column}: {where[column]!r} does not occur; the values are "
                                f"{_listed(values)}")
        elif values.nunique() > 1:
            raise DataError(f"{display}: column {column} is a further dimension with {values.nunique()} values "
                            f"({_listed(values)}); choose one with where: {{{column}: '...'}}")
    return frame


def _listed(values: pd.Series, limit: int = 8) -> str:
    unique = list(dict.fromkeys(values))
    more = f" and {len(unique) - limit} more" if len(unique) > limit else ""
    return ", ".join(repr(v) for v in unique[:limit]) + more


def read_cbs_statline(
    path: str | Path,
    indicators: dict[str, str | Measure | dict],
    *,
    region_column: str | None = None,
    period_column: str | None = None,
    level: str = "gemeente",
    where: dict[str, str] | None = None,
    frequency: Literal["jaar", "kwartaal"] | None = None,
    months: Literal["sum", "mean"] | None = None,
    municipalities: pd.DataFrame | None = None,
    aliases: dict[str, str] | None = None,
    options: TextOptions = TextOptions(sep=None),
    display: str | None = None,
    notes: list[SourceNote] | None = None,
    allow_negative: Iterable[str] = (),
) -> pd.DataFrame:
    """A StatLine table (open-data or website CSV, or cbsodata JSON) as long panel rows.

    ``indicators`` maps an indicator id of the catalogue to the StatLine column that holds it
    (or a :class:`Measure` with a numerator and denominator); in a website export the column is
    named by its title (with its unit when the title repeats, as ``evaluatie inspect`` lists them).
    ``level`` keeps the regions of one level (gemeente, wijk, buurt, provincie, corop, landsdeel,
    land, or the two letters of another region code such as GG); rows of other levels are left out.
    ``where`` chooses one value of each further dimension. Monthly periods are made quarterly (all
    three months needed), by ``months='sum'`` for counts (the quarter's count over its mean
    denominator) or ``'mean'`` for stocks such as a population. A table that mixes years and
    quarters needs ``frequency``. Region titles instead of codes are matched to municipality codes
    through the shipped municipalities, ``municipalities`` (the reference table) and ``aliases``.
    Negative values are refused except for the indicators in ``allow_negative`` (a migration
    balance). ``notes`` receives a line for every kind of row left out.
    """
    path = Path(path)
    display = display or path.name
    table = open_statline(path, options, display, region_column, period_column)
    if options.decimal == "." and table.decimal == ",":
        options = replace(options, decimal=",")
    frame = _apply_where(table, where or {}, display)
    measures = {k: as_measure(v) for k, v in indicators.items()}
    frame = frame.assign(period=None)
    frame["period"], frame["_frequency"] = parse_periods(frame, table.period, display)
    frame["unit_id"] = _region_codes(frame, table.region, display, municipalities, aliases)
    frame = _keep_level(frame, level, table.region, display, notes)
    frame = _without_empty_rows(frame, list(table.measures), notes)
    frame = _choose_frequency(frame, display, table.period, frequency, months)
    options = options if options.nil else replace(options, nil="-")  # CBS writes '-' for 'nihil'
    long = melt_measures(frame.reset_index(drop=True), ["unit_id", "period", "_frequency"], measures, display, options)
    long["suppressed"] = long.value.isna()  # CBS: an empty cell is as secret or unknown as a '.'
    if (long._frequency == "maand").any():
        long = _months_to_quarters(long, months)
    return finish_panel(long.drop(columns="_frequency"), display, allow_negative)


def _keep_level(frame: pd.DataFrame, level: str, column: str, display: str, notes: list[SourceNote] | None) -> pd.DataFrame:
    prefix = next((p for p, name in LEVELS.items() if name == level), level)
    if not re.fullmatch(r"[A-Z]{2}", prefix):
        raise ValueError(f"unknown region level {level!r}; expected one of {', '.join(LEVELS.values())} or the two "
                         f"letters of a region code")
    found = frame.unit_id.str[:2]
    nowhere = frame.unit_id.isin(NO_REGION)
    if nowhere.any():
        add_note(notes, f"{display}: {number(int(nowhere.sum()), 0)} rij(en) voor wat in geen gebied valt "
                     f"({join_words(sorted(set(frame.unit_id[nowhere])))}) weggelaten")
    kept = frame[(found == prefix) & ~nowhere]
    if kept.empty:
        present = found[~nowhere].value_counts()
        listed = ", ".join(f"{LEVELS.get(p, p)} ({n} rows)" for p, n in present.items())
        raise DataError(f"{display}: no rows of level {level} in column {column}; the file has {listed}; "
                        f"choose one with level")
    others = found[(found != prefix) & ~nowhere].value_counts()
    if not others.empty:
        listed = join_words([f"{LEVELS.get(p, p)} ({n})" for p, n in others.items()])
        add_note(notes, f"{display}: rijen van andere niveaus dan {level} weggelaten: {listed}")
    return kept


def _without_empty_rows(frame: pd.DataFrame, measures: list[str], notes: list[SourceNote] | None) -> pd.DataFrame:
    """Leave out rows whose every measure is empty for municipality codes that did not exist in that year."""
    if not measures or not frame.unit_id.str.startswith("GM").any():
        return frame
    empty = frame[measures].apply(lambda s: s.astype(str).str.strip().isin(MISSING_MARKERS)).all(axis=1)
    years = frame.period.str[:4].astype(int)
    absent = [shipped.existed(c, y) is not True if c.startswith("GM") and shipped.FIRST_YEAR <= y <= shipped.LAST_YEAR
              else False for c, y in zip(frame.unit_id, years)]
    dropped = empty & pd.Series(absent, index=frame.index)
    if dropped.any():
        codes = sorted(set(frame.unit_id[dropped]))
        examples = ", ".join(codes[:4]) + (f" en {len(codes) - 4} andere" if len(codes) > 4 else "")
        add_note(notes, f"{number(int(dropped.sum()), 0)} lege rij(en) van gemeentecodes die in dat jaar niet bestonden "
                     f"weggelaten ({examples})")
    return frame[~dropped]


def _title_code(title: str) -> str | None:
    """Codes for the titles of the country, landsdelen and provinces ('Groningen (PV)', 'Nederland')."""
    areas = shipped.areas()
    text = title.strip()
    if text == "Nederland":
        return "NL01"
    suffix = next((s for s in _TITLE_LEVEL if text.endswith(s)), None)
    if suffix is None:
        return None
    name = text[: -len(suffix)].strip().lower()
    for code, known, also in zip(areas.code, areas.name, areas.also):
        if code.startswith(_TITLE_LEVEL[suffix]) and name in {known.lower(), *(a.lower() for a in also.split("|") if a)}:
            return code
    return None


def _region_codes(frame: pd.DataFrame, column: str, display: str, municipalities: pd.DataFrame | None,
                  aliases: dict[str, str] | None) -> pd.Series:
    """Region codes; titles (as exports and cbsodata give them) are matched to codes.

    Titles of the country, landsdelen and provinces ('Nederland', 'Groningen (PV)') get their
    codes; other titles are municipality names, matched to the municipalities of their period's
    year, or of the year in which most of them existed (a table on one later year's boundaries).
    """
    cells = frame[column].astype(str).str.strip()
    codes = cells.map(region_code)
    generic = codes.isna() & cells.str.fullmatch(r"[A-Z]{2}\d{2,8}") & ~cells.str[:2].isin(list(LEVELS))
    codes[generic] = cells[generic]  # other kinds of region (GGD regions GG0706, ...)
    if codes.notna().all():
        return codes
    titled = codes.isna()
    codes[titled] = cells[titled].map(_title_code)
    names = cells[codes.isna()]
    looks_coded = names.str.match(r"^[A-Za-z]{2}\d+$") | names.str.endswith("(CR)")
    if looks_coded.any():
        bad = names[looks_coded]
        examples = ", ".join(f"row {frame.loc[i, ROW]} ({frame.loc[i, column]!r})" for i in bad.index[:5])
        raise DataError(
            f"{display}: column {column}: unknown region code in {examples}; expected GM + 4 digits, WK + 6, "
            f"BU + 8, PV, CR or LD + 2, or a title such as 'Groningen (PV)' or a municipality's name"
        )
    if names.empty:
        return codes
    years = frame.loc[names.index, "period"].str[:4].astype(int)
    codes.loc[names.index] = NameMatcher(municipalities, aliases).by_period(names, years, display)
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
