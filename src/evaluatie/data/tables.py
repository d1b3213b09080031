"""Reading raw tables (CSV, Parquet, Excel) as text, and turning their cells into numbers and periods.

Every reader in this package goes through these helpers, so that a wrong delimiter, a latin-1
file, a thousands separator or an unreadable period code gets the same kind of message:
the file, the row (as the user sees it in a spreadsheet) or the column, and what is expected.
Cells are read as text first because pandas' own number guessing hides exactly those problems.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaluatie.data.panel import DataError

SEPARATORS = {";": "';'", ",": "','", "\t": "a tab", "|": "'|'"}
# Markers with which statistical offices show a secret (suppressed) cell, and cells that are merely empty.
SUPPRESSED_MARKERS = frozenset({".", "x", "X", "?", "geheim"})
MISSING_MARKERS = frozenset({"", "NA", "N/A", "n.v.t.", "nan", "None"})
ROW = "_row"  # column that carries the row number as the user sees it, through every step


@dataclass(frozen=True)
class TextOptions:
    """How a delimited text file is written: its separator, encoding and number format."""

    sep: str | None = ","  # None: whichever of ';', ',', tab or '|' the header uses
    encoding: str | None = None  # None: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else cp1252
    decimal: str = "."
    thousands: str | None = None
    nil: str | None = None  # the marker of a true zero (CBS writes '-' for 'nihil')


@dataclass(frozen=True)
class SourceNote:
    """What a reader left out or assumed, in Dutch for inspect and the audit; ``warning`` when it can bias a result."""

    text: str
    warning: bool = False

    def __str__(self) -> str:
        return self.text


def add_note(notes: list[SourceNote] | None, text: str, warning: bool = False) -> None:
    if notes is not None:
        notes.append(SourceNote(text, warning))


def _utf8(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")


def read_text(path: Path, display: str, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and the encoding it was read with.

    Without an ``encoding``, valid UTF-8 is read as UTF-8 and anything else as cp1252 (the Windows
    form of latin-1 in which StatLine's website and Vektis write their files), which decodes every
    byte; a named encoding that does not fit is an error naming the line and the likely encoding.
    """
    if not path.is_file():
        raise DataError(f"{display}: file not found")
    raw = path.read_bytes()
    if encoding is None:
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace"), "cp1252"
    try:
        return raw.decode("utf-8-sig" if _utf8(encoding) else encoding), encoding
    except LookupError:
        raise DataError(f"{display}: unknown encoding {encoding!r}; expected utf-8, latin-1 or cp1252") from None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("cp1252")
            hint = (" It looks like a Windows (latin-1/cp1252) file: save it as UTF-8, or set encoding: latin-1 "
                    "for this source (or leave encoding out to have it detected).")
        except UnicodeDecodeError:
            pass
        raise DataError(
            f"{display}: line {line}: byte {raw[error.start]:#04x} is not valid {encoding}.{hint}"
        ) from None


def _header_line(lines: list[str], name: str | None) -> int:
    """Index of the first line that has ``name`` among its cells; 0 when none has."""
    if name is None:
        return 0
    for index, line in enumerate(lines):
        if name in (cell.strip().strip('"').strip() for cell in re.split(r"[;,\t]", line)):
            return index
    return 0


def detect_separator(header: str) -> str:
    """The separator a header line uses: whichever of ';', ',', tab or '|' it holds most often."""
    return max(";,\t|", key=header.count)


def split_rows(text: str, sep: str) -> list[list[str]]:
    """All lines of a delimited text as lists of cells (quotes as in CSV)."""
    return list(csv.reader(io.StringIO(text), delimiter=sep))


def read_delimited(path: Path, display: str, options: TextOptions, header_hint: str | None = None) -> pd.DataFrame:
    """A delimited text file as text cells, with a ``_row`` column holding each row's line number.

    With ``header_hint`` (a column the header must name), lines above the header (a table title)
    and one-field lines below the data (footnotes, 'Bron: CBS') are skipped, as StatLine's own
    CSV export has them.
    """
    text, _ = read_text(path, display, options.encoding)
    lines = text.splitlines()
    start = _header_line(lines, header_hint)
    if not lines or not lines[start].strip():
        raise DataError(f"{display}: the file is empty or its header line is blank")
    header = lines[start]
    sep = options.sep or detect_separator(header)
    if sep not in header:
        found = [name for other, name in SEPARATORS.items() if other != sep and other in header]
        seen = f"; the header seems to use {found[0]} instead" if found else ""
        raise DataError(
            f"{display}: line {start + 1} (header) has no {SEPARATORS.get(sep, repr(sep))} separator{seen}. "
            f"Set sep for this source to the separator the file uses."
        )
    rows = split_rows("\n".join(lines[start:]), sep)
    width = len(rows[0])
    records, numbers = [], []
    for number, row in enumerate(rows[1:], start=start + 2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if header_hint and sum(bool(cell.strip()) for cell in row) == 1 and (len(row) < width or row[0].strip()):
            continue  # a footnote ('Bron: CBS'), written in the first cell
        if len(row) != width:
            raise DataError(
                f"{display}: line {number} has {len(row)} fields where the header has {width}; "
                f"check the separator ({SEPARATORS.get(sep, sep)}) and quotes on that line (or whether the file "
                f"was cut off)"
            )
        records.append(row)
        numbers.append(number)
    frame = pd.DataFrame(records, columns=[c.strip() for c in rows[0]], dtype=object)
    _check_unique_columns(frame, display)
    frame[ROW] = numbers
    return frame


def read_sheet(path: Path, display: str, sheet: str | int | None = None) -> pd.DataFrame:
    """The first (or named) sheet of an Excel workbook as text cells with spreadsheet row numbers."""
    if not path.is_file():
        raise DataError(f"{display}: file not found")
    try:
        workbook = pd.ExcelFile(path, engine="openpyxl")
    except Exception as error:  # openpyxl raises several unrelated types for a file that is no workbook
        raise DataError(f"{display}: not a readable Excel workbook (.xlsx): {error}") from None
    with workbook:
        if sheet is not None and not (isinstance(sheet, int) or sheet in workbook.sheet_names):
            raise DataError(f"{display}: no sheet {sheet!r}; the workbook has {', '.join(workbook.sheet_names)}")
        frame = pd.read_excel(workbook, sheet_name=sheet if sheet is not None else 0, dtype=object)
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_unique_columns(frame, display)
    frame = frame.astype(object).where(frame.notna(), "")
    frame[ROW] = np.arange(len(frame)) + 2
    return frame


def read_parquet(path: Path, display: str) -> pd.DataFrame:
    """A Parquet file with its own types; rows are numbered from 1 (Parquet has no header line)."""
    if not path.is_file():
        raise DataError(f"{display}: file not found")
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises its own error types for a file that is no Parquet
        raise DataError(f"{display}: not a readable Parquet file: {error}") from None
    frame[ROW] = np.arange(len(frame)) + 1
    return frame


def read_spss(path: Path, display: str) -> pd.DataFrame:
    """An SPSS .sav file, value labels applied (a municipality coded 363 with label Amsterdam reads as the name)."""
    import pyreadstat

    if not path.is_file():
        raise DataError(f"{display}: file not found")
    try:
        frame, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
    except Exception as error:  # pyreadstat raises its own error types for a file that is no .sav
        raise DataError(f"{display}: not a readable SPSS .sav file: {error}") from None
    frame[ROW] = np.arange(len(frame)) + 1
    return frame


def read_any(path: Path, display: str, options: TextOptions, sheet: str | int | None = None,
             header_hint: str | None = None) -> pd.DataFrame:
    """Dispatch on the file extension: .csv/.txt/.tsv, .parquet, .xlsx, .sav."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return read_parquet(path, display)
    if suffix in (".xlsx", ".xlsm"):
        return read_sheet(path, display, sheet)
    if suffix == ".sav":
        return read_spss(path, display)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_delimited(path, display, options, header_hint)
    raise DataError(f"{display}: unknown file type '{suffix}'; expected .csv, .xlsx, .parquet or .sav")


def _check_unique_columns(frame: pd.DataFrame, display: str) -> None:
    columns = list(frame.columns)
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise DataError(f"{display}: column(s) {', '.join(twice)} appear more than once in the header")


def require_columns(frame: pd.DataFrame, display: str, columns: list[str], key: str = "") -> None:
    """Raise when mapped columns are absent, naming the nearest column the file does have."""
    present = [c for c in frame.columns if c != ROW]
    for column in columns:
        if column not in present:
            close = difflib.get_close_matches(column, present, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; the file has: {', '.join(present)}"
            where = f" (named by {key})" if key else ""
            raise DataError(f"{display}: column '{column}'{where} not found{hint}")


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}([.,' ]\d{3})+([.,]\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d*,\d+$")


def parse_numbers(
    frame: pd.DataFrame, column: str, display: str, options: TextOptions
) -> tuple[pd.Series, pd.Series]:
    """Numbers of one column, and a mask of cells marked as suppressed ('.', 'x', 'geheim').

    Empty cells become missing values (not suppressed). Anything else that is not a number under
    the source's ``decimal``/``thousands`` settings is an error that names up to five rows and
    says whether a thousands separator or a decimal comma is the likely cause.
    """
    cells = frame[column]
    if pd.api.types.is_numeric_dtype(cells):
        values = cells.astype(float)
        return values, pd.Series(False, index=frame.index)
    text = cells.where(cells.notna(), "").astype(str).str.strip()
    suppressed = text.isin(SUPPRESSED_MARKERS)
    if options.nil:
        text = text.where(text != options.nil, "0")
    cleaned = text.where(~suppressed & ~text.isin(MISSING_MARKERS), "")
    if options.thousands:
        cleaned = cleaned.str.replace(options.thousands, "", regex=False)
    if options.decimal != ".":
        cleaned = cleaned.str.replace(options.decimal, ".", regex=False)
    values = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").astype(float)
    bad = values.isna() & (cleaned != "")
    if bad.any():
        examples = [(frame.loc[i, ROW], text[i]) for i in bad[bad].index[:5]]
        first = examples[0][1]
        if _THOUSANDS.match(first) and _DECIMAL_COMMA.match(first) and options.decimal != ",":
            cause = ("it has a comma that is either a thousands separator or a decimal comma; set thousands: ',' "
                     "or decimal: ',' for this source")
        elif _THOUSANDS.match(first) and not options.thousands:
            cause = (f"it looks like a number with a thousands separator; set thousands: "
                     f"'{re.sub(r'[-+0-9]', '', first)[0]}' (and decimal) for this source")
        elif _DECIMAL_COMMA.match(first) and options.decimal != ",":
            cause = "it looks like a number with a decimal comma; set decimal: ',' for this source"
        else:
            cause = "expected a number, an empty cell, or a marker of a suppressed cell ('.', 'x')"
        listed = ", ".join(f"row {row} ({value!r})" for row, value in examples)
        more = f" and {int(bad.sum()) - len(examples)} more" if bad.sum() > len(examples) else ""
        raise DataError(f"{display}: column {column}: not a number in {listed}{more}: {cause}")
    return values, suppressed


_PERIOD_CODE = re.compile(
    r"^(?P<year>\d{4})(?:(?P<kind>JJ|KW|MM)(?P<number>\d{2})|[-_ ]?[Qq](?P<quarter>[1-4]))?$"
)
# Period titles, as cbsodata.get_data gives them ('2019 2e kwartaal', '2019 mei'; '*' marks provisional figures)
_PERIOD_TITLE = re.compile(r"^(?P<year>\d{4}) (?:(?P<quarter>[1-4])e kwartaal|(?P<month>[a-z]+))$")
_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"]


def parse_period_code(code: object) -> tuple[str, str] | None:
    """A period as StatLine writes it (``2019JJ00``, ``2019KW02``, ``2019MM05``, or the titles
    ``2019*``, ``2019 2e kwartaal``, ``2019 mei``) or canonically (``2019``, ``2019Q2``), as
    (canonical text, frequency) with frequency 'jaar', 'kwartaal' or 'maand' (canonical text
    '2019M05'); None when the code is not a period.
    """
    text = str(code).strip().rstrip("*").strip()
    title = _PERIOD_TITLE.match(text)
    if title and title["quarter"]:
        return f"{title['year']}Q{title['quarter']}", "kwartaal"
    if title and title["month"] in _MONTHS:
        return f"{title['year']}M{_MONTHS.index(title['month']) + 1:02d}", "maand"
    match = _PERIOD_CODE.match(text)
    if not match:
        return None
    year, kind, number, quarter = match["year"], match["kind"], match["number"], match["quarter"]
    if quarter:
        return f"{year}Q{quarter}", "kwartaal"
    if kind is None or (kind == "JJ" and number == "00"):
        return year, "jaar"
    value = int(number)
    if kind == "KW" and 1 <= value <= 4:
        return f"{year}Q{value}", "kwartaal"
    if kind == "MM" and 1 <= value <= 12:
        return f"{year}M{value:02d}", "maand"
    return None


def parse_periods(frame: pd.DataFrame, column: str, display: str) -> tuple[pd.Series, pd.Series]:
    """Canonical periods and their frequency for a column of period codes; errors list bad rows."""
    parsed = frame[column].map(parse_period_code)
    bad = parsed.isna()
    if bad.any():
        examples = ", ".join(f"row {frame.loc[i, ROW]} ({str(frame.loc[i, column])!r})" for i in bad[bad].index[:5])
        raise DataError(
            f"{display}: column {column}: not a period code in {examples}; expected a year (2019, 2019JJ00), "
            f"a quarter (2019Q2, 2019KW02) or a month (2019MM05)"
        )
    return parsed.str[0], parsed.str[1]


OUTPUT_COLUMNS = ["unit_id", "period", "indicator", "value", "denominator", "suppressed"]
TOTAL = "_total"  # the value is a total (inhabitants, euros): merging municipalities add it up


def _rows(frame: pd.DataFrame, mask: pd.Series) -> str:
    rows = [str(r) for r in frame.loc[mask, ROW].head(5)]
    more = f" and {int(mask.sum()) - len(rows)} more" if mask.sum() > len(rows) else ""
    return ", ".join(rows) + more


def finish_panel(frame: pd.DataFrame, display: str, allow_negative: Iterable[str] = ()) -> pd.DataFrame:
    """Check a reader's long frame and return it in canonical column order.

    Refuses negative values (except for indicators in ``allow_negative``, such as a gap in
    percentage points),
    negative or zero denominators next to a value, and a unit, period and indicator given twice.
    ``_row`` (where each row came from), ``count`` (persons behind the cell, for suppression) and
    ``_total`` (the value is a total) are kept when present.
    """
    negative = (frame.value < 0) & ~frame.indicator.isin(list(allow_negative))
    if negative.any():
        raise DataError(f"{display}: negative value in row(s) {_rows(frame, negative)}; counts, costs and rates "
                        f"cannot be negative")
    bad_denominator = (frame.denominator <= 0) & frame.value.notna()
    if bad_denominator.any():
        raise DataError(f"{display}: denominator zero or negative in row(s) {_rows(frame, bad_denominator)}; a rate "
                        f"needs a positive denominator (leave it empty when unknown)")
    key = ["unit_id", "period", "indicator"]
    twice = frame.duplicated(key, keep=False)
    if twice.any():
        first = frame.loc[twice, key].iloc[0].tolist()
        raise DataError(f"{display}: unit, period and indicator {first} occur more than once, in row(s) "
                        f"{_rows(frame, twice)}; each unit, period and indicator may occur once")
    extra = [c for c in ("count", TOTAL, ROW) if c in frame.columns]
    frame = frame.assign(suppressed=frame["suppressed"].astype(bool))
    return frame[OUTPUT_COLUMNS + extra].sort_values(key).reset_index(drop=True)


@dataclass(frozen=True)
class Measure:
    """Where one indicator's numbers are in a wide table.

    Either ``value`` names a column that already holds the indicator (a rate, a cost per insured
    person), or ``numerator`` names a count or sum from which the value is computed as
    numerator / denominator x ``per`` (per=1000 for 'per 1.000 inwoners'). ``denominator`` names
    the population column; ``count`` the persons behind the cell, where the source gives them.
    """

    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    per: float = 1.0
    count: str | None = None
    total: bool = False  # a total such as inhabitants: merged municipalities add it up

    def __post_init__(self):
        if (self.value is None) == (self.numerator is None):
            raise ValueError("a measure needs exactly one of 'value' or 'numerator'")
        if self.numerator is not None and self.denominator is None:
            raise ValueError(f"numerator '{self.numerator}' needs a denominator column to make a rate")

    def columns(self) -> list[str]:
        return [c for c in (self.value, self.numerator, self.denominator, self.count) if c]


def as_measure(spec: str | Measure | dict) -> Measure:
    """A measure from its short form (the name of the value column) or a mapping."""
    if isinstance(spec, Measure):
        return spec
    if isinstance(spec, str):
        return Measure(value=spec)
    return Measure(**spec)


def melt_measures(
    frame: pd.DataFrame, keys: list[str], indicators: dict[str, Measure], display: str, options: TextOptions
) -> pd.DataFrame:
    """Wide columns to long rows: one row per key and indicator with value, denominator, suppressed."""
    for indicator, measure in indicators.items():
        require_columns(frame, display, measure.columns(), key=f"indicator {indicator}")
    parts = []
    for indicator, measure in indicators.items():
        part = frame[keys + [ROW]].copy()
        part["indicator"] = indicator
        source = measure.value or measure.numerator
        values, suppressed = parse_numbers(frame, source, display, options)
        if measure.denominator:
            denominator, _ = parse_numbers(frame, measure.denominator, display, options)
        else:
            denominator = pd.Series(np.nan, index=frame.index)
        if measure.numerator:
            zero = (denominator <= 0) & values.notna()
            if zero.any():
                rows = ", ".join(str(r) for r in frame.loc[zero, ROW].head(5))
                raise DataError(f"{display}: column {measure.denominator}: zero or negative denominator in row(s) "
                                f"{rows}; a rate for {indicator} cannot be computed")
            values = values / denominator * measure.per
        part["value"], part["denominator"], part["suppressed"] = values, denominator, suppressed
        if measure.count:
            part["count"], _ = parse_numbers(frame, measure.count, display, options)
        if measure.total:
            part[TOTAL] = True
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
