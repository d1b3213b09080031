"""Person-level extracts (one row per insured person or client per period) aggregated with DuckDB.

An insurer's or municipality's extract can hold tens of millions of rows. DuckDB (embedded, no
server) reads the Parquet or CSV file in streaming fashion and returns only the unit x period
aggregates, so person rows never enter pandas, a notebook or a report; checks on the rows
(duplicates, negative numbers, unknown codes) are queries that return at most a few examples.
Small cells are suppressed before the panel is returned.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pandas as pd

from evaluatie.data.geography import region_code
from evaluatie.data.panel import DataError
from evaluatie.data.tables import ROW, finish_panel, parse_period_code
from evaluatie.privacy import DEFAULT_THRESHOLD, suppress_small_counts


@dataclass(frozen=True)
class PersonMeasure:
    """One indicator from person rows: numerator / denominator x ``per``.

    ``how='sum'`` sums ``column`` (costs, number of admissions); ``how='any'`` counts persons with
    ``column`` > 0 (persons with an admission). ``denominator`` names a column to sum (insured
    years); without it the denominator is the number of persons. The count behind a cell, for
    suppression, is the number of persons with ``column`` > 0.
    """

    column: str
    how: Literal["sum", "any"] = "sum"
    denominator: str | None = None
    per: float = 1.0


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _relation(path: Path) -> str:
    suffix = path.suffix.lower()
    literal = "'" + str(path).replace("'", "''") + "'"
    if suffix in (".parquet", ".pq"):
        return f"read_parquet({literal})"
    if suffix == ".csv":
        return f"read_csv({literal}, header = true)"
    raise DataError(f"{path.name}: unknown file type '{suffix}' for a person-level extract; expected .parquet or .csv")


def aggregate_person_level(
    path: str | Path,
    *,
    unit: str,
    period: str,
    person: str,
    indicators: dict[str, PersonMeasure | dict],
    threshold: int = DEFAULT_THRESHOLD,
    memory_limit: str = "1GB",
    display: str | None = None,
) -> pd.DataFrame:
    """The unit x period x indicator panel of a person-level extract (Parquet or CSV).

    ``unit``, ``period`` and ``person`` name the columns with the region code, the period
    (2019, 2019Q2, 2019JJ00) and the pseudonymised person number; each person may occur once
    per period. DuckDB works within ``memory_limit`` and spills to a temporary folder beyond it.
    """
    path = Path(path)
    display = display or path.name
    if not path.is_file():
        raise DataError(f"{display}: file not found")
    measures = {k: v if isinstance(v, PersonMeasure) else PersonMeasure(**v) for k, v in indicators.items()}
    with tempfile.TemporaryDirectory(prefix="evaluatie-duckdb-") as spill:
        con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": spill})
        try:
            try:
                con.execute(f"CREATE VIEW persons AS SELECT * FROM {_relation(path)}")
                columns = [row[0] for row in con.execute("DESCRIBE persons").fetchall()]
            except duckdb.Error as error:
                raise DataError(f"{display}: cannot be read as a person-level extract: {error}") from None
            _check_rows(con, display, columns, unit, period, person, measures)
            frame = _aggregate(con, unit, period, measures)
        finally:
            con.close()
    return _to_panel(frame, display, measures, threshold)


def _check_rows(con, display: str, columns: list[str], unit: str, period: str, person: str,
                measures: dict[str, PersonMeasure]) -> None:
    """Refuse rows without keys, a person twice in a period and negative numbers (a few examples each)."""
    needed = {"unit": unit, "period": period, "person": person}
    for name, m in measures.items():
        needed[f"indicator {name}"] = m.column
        if m.denominator:
            needed[f"denominator of {name}"] = m.denominator
    for role, column in needed.items():
        if column not in columns:
            raise DataError(f"{display}: column '{column}' ({role}) not found; the file has: {', '.join(columns)}")
    u, p, who = _quote(unit), _quote(period), _quote(person)
    empty = con.execute(f"SELECT count(*) FROM persons WHERE {u} IS NULL OR {p} IS NULL OR {who} IS NULL").fetchone()[0]
    if empty:
        raise DataError(f"{display}: {empty} row(s) without {unit}, {period} or {person}; every row needs all three")
    twice = con.execute(f"SELECT {who}, {p}, count(*) FROM persons GROUP BY ALL HAVING count(*) > 1 "
                        f"ORDER BY 1, 2 LIMIT 5").fetchall()
    if twice:
        listed = ", ".join(f"{w} in {q} ({n}x)" for w, q, n in twice)
        raise DataError(f"{display}: person(s) occur more than once in a period: {listed}; an extract has one row per "
                        f"person per period")
    for column in sorted({c for m in measures.values() for c in (m.column, m.denominator) if c}):
        c = _quote(column)
        try:
            negative = con.execute(f"SELECT count(*) FROM persons WHERE {c} < 0").fetchone()[0]
        except duckdb.Error as error:  # a text column compared with a number
            raise DataError(f"{display}: column {column} must hold numbers ({error})") from None
        if negative:
            raise DataError(f"{display}: column {column}: {negative} negative number(s); counts and costs cannot be "
                            f"negative")


def _aggregate(con, unit: str, period: str, measures: dict[str, PersonMeasure]) -> pd.DataFrame:
    parts = [f"CAST({_quote(unit)} AS VARCHAR) AS unit", f"CAST({_quote(period)} AS VARCHAR) AS period",
             "count(*) AS persons"]
    for i, m in enumerate(measures.values()):
        c = _quote(m.column)
        with_value = f"count(*) FILTER (WHERE {c} > 0)"
        parts.append(f"sum({c})::DOUBLE AS num_{i}" if m.how == "sum" else f"{with_value} AS num_{i}")
        parts.append(f"{with_value} AS cnt_{i}")
        parts.append(f"sum({_quote(m.denominator)})::DOUBLE AS den_{i}" if m.denominator else f"count(*) AS den_{i}")
    return con.execute(f"SELECT {', '.join(parts)} FROM persons GROUP BY 1, 2 ORDER BY 1, 2").df()


def _to_panel(frame: pd.DataFrame, display: str, measures: dict[str, PersonMeasure], threshold: int) -> pd.DataFrame:
    codes = frame.unit.map(region_code)
    if codes.isna().any():
        bad = ", ".join(repr(v) for v in frame.unit[codes.isna()].unique()[:5])
        raise DataError(f"{display}: column with units: unknown region code(s) {bad}; expected GM0363, WK036301, ...")
    periods = {p: parse_period_code(p) for p in frame.period.unique()}
    bad = [p for p, parsed in periods.items() if parsed is None or parsed[1] == "maand"]
    if bad:
        raise DataError(f"{display}: column with periods: {', '.join(map(repr, bad[:5]))} is not a year or quarter")
    parts = []
    for i, (indicator, m) in enumerate(measures.items()):
        denominator = frame[f"den_{i}"].astype(float)
        zero = (denominator <= 0) & (frame[f"num_{i}"] > 0)
        if zero.any():
            where = ", ".join((frame.unit + " " + frame.period)[zero].head(5))
            raise DataError(f"{display}: column {m.denominator}: sums to zero for {where}, where {m.column} is not; "
                            f"{indicator} needs a positive denominator")
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denominator > 0, frame[f"num_{i}"] / denominator * m.per, np.nan)
        parts.append(pd.DataFrame({
            "unit_id": codes, "period": frame.period.map(lambda p: periods[p][0]), "indicator": indicator,
            "value": value, "denominator": denominator, "suppressed": False,
            "count": frame[f"cnt_{i}"].astype(float), ROW: frame.unit + " " + frame.period,
        }))
    panel = finish_panel(pd.concat(parts, ignore_index=True), display)
    return suppress_small_counts(panel, threshold).drop(columns=ROW)
