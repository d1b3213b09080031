"""What is in a downloaded file: ``evaluatie inspect``, the first step with a file an evaluator found.

:func:`inspect_file` tells the format (StatLine open data, StatLine website export, cbsodata JSON,
Vektis, an own table in CSV, Excel, Parquet or SPSS, long, wide or with one column per period),
reads it with the package's own readers and reports the encoding, the region level and number of
units, the periods, the measures, the suppressed cells and the municipal boundary year, with the
notes the readers made. For an own table it also proposes the ``data.sources`` entry that reads it.
The canonical long panel it read can be written out (``--to``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from evaluatie.data import municipalities as shipped
from evaluatie.data.cbs import PERIOD_COLUMNS, REGION_COLUMNS, _region_codes, open_statline, read_cbs_statline
from evaluatie.data.generic import read_table
from evaluatie.data.geography import LEVELS, NO_REGION, NameMatcher, municipality_code, region_code
from evaluatie.data.panel import DataError
from evaluatie.data.tables import (
    ROW, SourceNote, TextOptions, detect_separator, parse_period_code, parse_periods, read_any, read_delimited,
    read_text,
)
from evaluatie.data.vektis import INSURED_YEARS, NAME, NATIONAL, PERSONS, _canonical, _year_of, published, read_vektis

MAX_COMBINATIONS = 30  # values of further dimensions read one by one for the panel
_FREQUENCY = {"jaar": "yearly", "kwartaal": "quarterly", "maand": "monthly"}


@dataclass
class Inspection:
    """What :func:`inspect_file` found; ``to_text`` prints it, ``panel`` is what ``--to`` writes."""

    path: Path
    kind: str
    encoding: str | None = None
    separator: str | None = None
    level: str | None = None
    units: int = 0
    other_levels: dict[str, int] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    frequency: str | None = None
    measures: list[str] = field(default_factory=list)
    text_columns: list[str] = field(default_factory=list)
    dimensions: dict[str, list[str]] = field(default_factory=dict)
    boundaries: dict[str, shipped.BoundaryYears] = field(default_factory=dict)
    notes: list[SourceNote] = field(default_factory=list)
    reading: dict | None = None  # the data.sources entry that reads an own table
    panel: pd.DataFrame | None = None

    @property
    def suppressed(self) -> int:
        return int(self.panel.suppressed.sum()) if self.panel is not None else 0

    def to_text(self) -> str:
        lines = [self.path.name]
        text = [f"{self.kind}"] + ([f"encoding {self.encoding}"] if self.encoding else []) + (
            [f"separator {self.separator!r}"] if self.separator else [])
        lines.append(f"  format:        {'; '.join(text)}")
        if self.level is not None:
            others = ", ".join(f"{level} {n}" for level, n in self.other_levels.items())
            also = f" (also in the file: {others}; choose with --level)" if others else ""
            lines.append(f"  level:         {self.level}, {self.units} units{also}")
        if self.periods:
            count = len(self.periods)
            lines.append(f"  periods:       {self.periods[0]} to {self.periods[-1]}, {count} period{'s' * (count != 1)}, "
                         f"{_FREQUENCY.get(self.frequency, self.frequency)}")
        else:
            lines.append("  periods:       none (the file has no period column)")
        if self.measures:
            lines.append(f"  measures:      {len(self.measures)}: {_listed(self.measures)}")
        if self.text_columns:
            lines.append(f"  text columns:  {len(self.text_columns)}: {_listed(self.text_columns)}")
        for name, values in self.dimensions.items():
            lines.append(f"  dimension:     {name}, {len(values)} values: {_listed(values)} (choose one with where)")
        if self.panel is not None:
            lines.append(f"  suppressed:    {self.suppressed} of {len(self.panel)} cells")
        for period, fit in self.boundaries.items():
            label = "boundary year:" if len(self.boundaries) == 1 else f"boundaries {period}:"
            lines.append(f"  {label:<15}{fit.describe()}")
        if self.reading is not None:
            snippet = yaml.safe_dump([self.reading], allow_unicode=True, sort_keys=False, width=100)
            lines.append("  read it with:  (under data.sources.files; the indicator names become catalogue ids)")
            lines += ["    " + line for line in snippet.splitlines()]
        for note in self.notes:
            lines.append(f"  note:          {note.text}")
        return "\n".join(lines)


def _listed(items: list[str], limit: int = 6) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _periods(values: pd.Series) -> tuple[list[str], str | None]:
    parsed = [parse_period_code(v) for v in values]
    known = sorted({p for p in parsed if p is not None})
    frequencies = sorted({f for _, f in known})
    order = sorted({p for p, _ in known}, key=lambda p: (p[:4], p[4:]))
    return order, "/".join(frequencies) if frequencies else None


def _boundaries(panel: pd.DataFrame) -> dict[str, shipped.BoundaryYears]:
    """The boundary years per period year; one entry when every period gives the same answer."""
    municipal = panel[panel.unit_id.str.startswith("GM")]
    if municipal.empty:
        return {}
    fits = {year: shipped.boundary_years(group.unit_id)
            for year, group in municipal.groupby(municipal.period.str[:4])}
    if len(set(fits.values())) == 1:
        return {"": next(iter(fits.values()))}
    return fits


def _level_counts(codes: pd.Series) -> dict[str, int]:
    codes = codes[~codes.isin(NO_REGION)].dropna()
    counts = codes.drop_duplicates().str[:2].value_counts()
    return {LEVELS.get(prefix, prefix): int(n) for prefix, n in counts.items()}


def _choose_level(counts: dict[str, int], level: str | None, display: str) -> str:
    if level is not None:
        if level not in counts:
            present = ", ".join(f"{name} ({n} units)" for name, n in counts.items()) or "no regions"
            raise DataError(f"{display}: no units of level {level}; the file has {present}")
        return level
    if "gemeente" in counts:
        return "gemeente"
    return max(counts, key=counts.get)


def _inspect_statline(path: Path, level: str | None, display: str) -> Inspection:
    table = open_statline(path, display=display, periods_required=False)
    if table.period is None:
        return _inspect_region_list(path, table, level, display)
    frame = table.frame.copy()
    frame["period"], _ = parse_periods(frame, table.period, display)
    codes = _region_codes(frame, table.region, display, None, None)
    counts = _level_counts(codes)
    chosen = _choose_level(counts, level, display)
    periods, frequency = _periods(table.frame[table.period])
    dimensions = {d: list(dict.fromkeys(table.frame[d].astype(str).str.strip())) for d in table.dimensions}
    found = Inspection(path, table.shape, table.encoding, table.sep, chosen, counts[chosen],
                       {k: v for k, v in counts.items() if k != chosen}, periods, frequency,
                       list(table.measures.values()), table.text_columns,
                       dimensions)
    if frequency == "maand":
        found.notes.append(SourceNote("maandcijfers: in de params maakt months: sum (aantallen) of months: mean "
                                      "(standen) er kwartalen van; --to schrijft dit bestand niet"))
        return found
    choices = [dict(zip(dimensions, values)) for values in itertools.product(*dimensions.values())]
    if len(choices) > MAX_COMBINATIONS:
        found.notes.append(SourceNote(f"{len(choices)} combinaties van dimensiewaarden: kies er een met where; "
                                      f"--to schrijft dit bestand niet"))
        return found
    parts = []
    measures = {key: key for key in table.measures}
    for where in choices:
        notes: list[SourceNote] = []
        frequency_choice = None if "/" not in (frequency or "") else frequency.split("/")[0]
        part = read_cbs_statline(path, measures, level=chosen, where=where, frequency=frequency_choice, notes=notes,
                                 display=display, allow_negative=list(measures))
        label = "".join(f" [{k}={v}]" for k, v in where.items())
        parts.append(part.assign(indicator=part.indicator + label))
        found.notes += [n for n in notes if n not in found.notes and "andere niveaus" not in n.text]
    found.panel = pd.concat(parts, ignore_index=True)
    found.units = found.panel.unit_id.nunique()
    found.boundaries = _boundaries(found.panel)
    return found


def _inspect_region_list(path: Path, table, level: str | None, display: str) -> Inspection:
    """A StatLine table without periods, such as CBS' list of municipalities of one year."""
    codes = table.frame[table.region].map(region_code)
    if codes.isna().any():
        i = codes.isna().idxmax()
        raise DataError(f"{display}: row {table.frame.loc[i, ROW]}, column {table.region}: "
                        f"{table.frame.loc[i, table.region]!r} is not a region code")
    counts = _level_counts(codes)
    chosen = _choose_level(counts, level, display)
    found = Inspection(path, table.shape + ", a list of regions without periods", table.encoding, table.sep, chosen,
                       counts[chosen], {k: v for k, v in counts.items() if k != chosen},
                       measures=list(table.measures), text_columns=table.text_columns)
    municipal = codes[codes.str.startswith("GM")]
    if not municipal.empty:
        found.boundaries = {"": shipped.boundary_years(municipal)}
        found.notes.append(SourceNote("een lijst van gemeenten: te gebruiken als data.sources.municipalities "
                                      "(het jaar volgt uit de codes)"))
    return found


def _inspect_vektis(path: Path, display: str) -> Inspection:
    text, encoding = read_text(path, display)
    frame = _canonical(read_delimited(path, display, TextOptions(sep=";")))
    year = _year_of(path, frame, display, TextOptions(sep=";"))
    costs = [c for c in frame.columns if c.startswith("KOSTEN_")]
    indicators = {"zvw_kosten_totaal": ["KOSTEN_*"]} | {c.lower(): [c] for c in costs}
    notes: list[SourceNote] = []
    panel = read_vektis([path], indicators=indicators, notes=notes)
    known = published()["columns"].get(year)
    kind = "Vektis open data Zorgverzekeringswet per gemeente"
    if known is not None:
        same = {c.upper()[:32] for c in known} == {c[:32] for c in frame.columns if c != ROW}
        kind += f" {year} ({'the columns Vektis published for ' + str(year) if same else 'other columns than Vektis published for ' + str(year)})"
    names = frame[NAME][~frame[NAME].map(lambda n: str(n).strip().upper()).isin(NATIONAL)]
    found = Inspection(path, kind, encoding, ";", "gemeente", names.nunique(), {}, [str(year)], "jaar",
                       [INSURED_YEARS, PERSONS] + costs, notes=notes, panel=panel)
    found.boundaries = _boundaries(panel)
    return found


def _guess_columns(frame: pd.DataFrame, display: str) -> dict:
    """Which columns of an own table hold the regions, the periods, indicators and values."""
    columns = [c for c in frame.columns if c != ROW]
    text = {c: frame[c].map(lambda v: "" if pd.isna(v) else str(v).strip()) for c in columns}
    matcher = NameMatcher()

    def share(column, test) -> float:
        values = [v for v in dict.fromkeys(text[column]) if v]
        return sum(bool(test(v)) for v in values[:200]) / len(values[:200]) if values else 0.0

    def is_unit(value: str) -> bool:
        return region_code(value) is not None or municipality_code(value) is not None

    unit = max(columns, key=lambda c: (share(c, is_unit), c in REGION_COLUMNS))
    if share(unit, is_unit) < 0.8:
        named = max(columns, key=lambda c: share(c, lambda v: matcher.code(v, None)[0] is not None))
        if share(named, lambda v: matcher.code(v, None)[0] is not None) < 0.8:
            raise DataError(f"{display}: no column holds region codes (GM0363, PV27) or municipality names; found "
                            f"{', '.join(map(str, columns))}")
        unit = named
    periods = [c for c in columns if c != unit and share(c, lambda v: parse_period_code(v) is not None) == 1.0]
    period = next((c for c in periods if c in PERIOD_COLUMNS or str(c).lower() in ("jaar", "periode", "year")),
                  periods[0] if periods else None)
    rest = [c for c in columns if c not in (unit, period)]
    numeric = [c for c in rest if share(c, lambda v: _number(v)) == 1.0]
    if period is None:
        by_period = [c for c in rest if parse_period_code(c) is not None]
        if not by_period:
            raise DataError(f"{display}: no column holds periods (2019, 2019Q2, 2019JJ00), and no column is named "
                            f"as one; found {', '.join(map(str, columns))}")
        return {"layout": "periods", "unit": unit, "indicator": "waarde"}
    labels = [c for c in rest if c not in numeric and 1 < frame[c].nunique() <= 200]
    if labels and numeric:
        guess = {"layout": "long", "unit": unit, "period": period, "indicator": labels[0], "value": numeric[0]}
        if len(numeric) > 1:
            guess["denominator"] = numeric[1]
        return guess
    if not numeric:
        raise DataError(f"{display}: no column holds numbers besides the regions ({unit}) and periods ({period})")
    return {"layout": "wide", "unit": unit, "period": period, "indicators": {str(c): str(c) for c in numeric}}


def _number(value: str) -> bool:
    text = value.replace(",", ".", 1) if value.count(",") == 1 and "." not in value else value
    try:
        float(text)
        return True
    except ValueError:
        return value in ("", ".", "x", "X", "-")


def _inspect_table(path: Path, level: str | None, display: str) -> Inspection:
    options = TextOptions(sep=None)
    encoding = separator = None
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        text, encoding = read_text(path, display)
        separator = detect_separator(text.splitlines()[0] if text.strip() else "")
        options = TextOptions(sep=separator)
    frame = read_any(path, display, options)
    if _is_questionnaire(frame):
        waves = frame[[c for c in frame.columns if str(c).lower() in ("wave", "meting", "ronde")][0]]
        return Inspection(path, _kind(path) + ", a questionnaire export (respondents, perspective, wave)", encoding,
                          separator, periods=[], measures=[str(c) for c in frame.columns if c != ROW],
                          notes=[SourceNote(f"{len(frame)} antwoordrijen in {waves.nunique()} meting(en); evaluatie "
                                            f"check controleert ze tegen de instrumenten (process.responses)")])
    guess = _guess_columns(frame, display)
    decimal = "," if any(_comma_decimal(str(v)) for c in frame.columns if c != ROW
                         for v in frame[c].head(500)) else "."
    if decimal == ",":
        options = TextOptions(sep=separator, decimal=",")
    if guess["layout"] == "periods":
        found_periods, frequency = _periods(pd.Series([c for c in frame.columns if parse_period_code(c) is not None]))
        panel = read_table(path, unit=guess["unit"], layout="periods", indicator="waarde", options=options,
                           display=display)
    else:
        panel = read_table(path, **{k: v for k, v in guess.items() if k != "layout"}, layout=guess["layout"],
                           options=options, display=display)
        found_periods, frequency = _periods(frame[guess["period"]])
    counts = _level_counts(panel.unit_id)
    chosen = _choose_level(counts, level, display)
    panel = panel[panel.unit_id.map(lambda c: LEVELS.get(c[:2], c[:2])) == chosen]
    reading = {"type": "table", "path": path.name} | guess
    if decimal == ",":
        reading["format"] = {"decimal": ","}
    measures = sorted(set(panel.indicator))
    found = Inspection(path, _kind(path) + f", {guess['layout']} layout", encoding, separator, chosen, counts[chosen],
                       {k: v for k, v in counts.items() if k != chosen}, found_periods, frequency, measures,
                       reading=reading, panel=panel.drop(columns=[ROW], errors="ignore"))
    found.boundaries = _boundaries(panel)
    return found


def _comma_decimal(value: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+,\d+", value.strip()))


def _kind(path: Path) -> str:
    return {".xlsx": "Excel workbook", ".xlsm": "Excel workbook", ".parquet": "Parquet file", ".pq": "Parquet file",
            ".sav": "SPSS file"}.get(path.suffix.lower(), "CSV table")


def _is_questionnaire(frame: pd.DataFrame) -> bool:
    names = {str(c).strip().lower() for c in frame.columns}
    return bool(names & {"perspective", "perspectief"}) and bool(names & {"wave", "meting", "ronde"})


def _looks_like(path: Path, display: str) -> str:
    """statline, vektis or table, from the extension and the first lines."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "statline"
    if suffix not in (".csv", ".txt", ".tsv"):
        return "table"
    text, _ = read_text(path, display)
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    if not lines:
        raise DataError(f"{display}: the file is empty")
    header = {cell.strip().strip('"').upper() for cell in lines[0].replace(",", ";").replace("\t", ";").split(";")}
    if NAME in header and INSURED_YEARS in header:
        return "vektis"
    if "POSTCODE_3" in header and INSURED_YEARS in header:
        raise DataError(f"{display}: a Vektis file per postcode (POSTCODE_3); this package reads the file per "
                        f"gemeente (GEMEENTENAAM)")
    first = {cell.strip().strip('"') for cell in lines[0].replace(",", ";").split(";")}
    if first & set(REGION_COLUMNS + PERIOD_COLUMNS) and "ID" in first:
        return "statline"
    names = {n.lower() for n in REGION_COLUMNS + PERIOD_COLUMNS}
    header_row = next((i for i, line in enumerate(lines) if any(c.strip().strip('"').lower() in names
                                                                 for c in line.split(";"))), None)
    if header_row:  # a title above the header: StatLine's website export
        return "statline"
    return "table"


def inspect_file(path: str | Path, level: str | None = None) -> Inspection:
    """Detect the format of a downloaded file, read it and describe what it holds.

    Raises :class:`DataError` with one message naming the file and what is expected when the file
    cannot be read.
    """
    path = Path(path)
    display = path.name
    if not path.is_file():
        raise DataError(f"{display}: file not found")
    kind = _looks_like(path, display)
    if kind == "vektis":
        return _inspect_vektis(path, display)
    if kind == "statline":
        return _inspect_statline(path, level, display)
    return _inspect_table(path, level, display)


def write_panel(inspection: Inspection, target: Path) -> int:
    """Write the canonical long panel (unit_id, period, indicator, value, denominator, suppressed); rows written."""
    columns = ["unit_id", "period", "indicator", "value", "denominator", "suppressed"]
    inspection.panel[columns].to_csv(target, index=False)
    return len(inspection.panel)
