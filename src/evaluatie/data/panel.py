"""The canonical data: a units table and a long panel (unit x period x indicator).

Files are validated as they are read; a problem raises :class:`DataError` naming the file,
the column or row, and what is expected.
"""

from __future__ import annotations

import csv
import hashlib
import warnings
from pathlib import Path

import pandas as pd

from evaluatie.memo import remembered

UNIT_COLUMNS = ["unit_id", "name", "region", "region_name", "level", "population"]
PANEL_COLUMNS = ["unit_id", "period", "indicator", "value", "denominator"]


class DataError(Exception):
    """A data file that cannot be used as it is."""


@remembered
def _parsed(digest: str, path: Path, dtypes: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """The table in ``path``, read once per session for each content (``digest``: the hash of its bytes)."""
    return pd.read_csv(path, dtype=dict(dtypes), keep_default_na=True, index_col=False)


def _read_csv(path: Path, display: str, required: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{display}: file not found")
    try:
        with warnings.catch_warnings():
            # a row with more fields than the header would otherwise shift its cells into other columns
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = _parsed(hashlib.sha256(path.read_bytes()).hexdigest(), path, tuple(dtypes.items()))
    except pd.errors.EmptyDataError:
        raise DataError(f"{display}: the file is empty; expected a header line ({', '.join(required)}) and rows") from None
    except pd.errors.ParserWarning:
        raise DataError(f"{display}: line {_long_line(path)} has more fields than the header; check the "
                        f"separator (',') and quotes on that line") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        reason = str(error).strip().splitlines()[0]
        raise DataError(f"{display}: cannot be read as UTF-8 CSV with ',' as separator ({reason})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"{display}: column(s) {', '.join(missing)} missing; found {', '.join(map(str, frame.columns))}")
    if frame.empty:
        raise DataError(f"{display}: has a header but no rows")
    return frame


def _long_line(path: Path) -> int:
    """The first line with more fields than the header."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = csv.reader(handle)
        width = len(next(rows, []))
        return next((number for number, row in enumerate(rows, start=2) if len(row) > width), 2)


def load_units(path: Path, display: str) -> pd.DataFrame:
    """Units table: one row per unit with its region and covariates."""
    units = _read_csv(path, display, UNIT_COLUMNS, {"unit_id": "str", "name": "str", "region": "str"})
    twice = units.loc[units.unit_id.duplicated(), "unit_id"].tolist()
    if twice:
        raise DataError(f"{display}: unit_id {', '.join(twice[:5])} appears more than once")
    if not pd.api.types.is_numeric_dtype(units.population) or (units.population <= 0).any():
        raise DataError(f"{display}: column population must hold positive numbers")
    return units


def load_panel(path: Path, display: str) -> pd.DataFrame:
    """Long panel; values and denominators numeric, at most one row per unit, period and indicator."""
    panel = _read_csv(path, display, PANEL_COLUMNS, {"unit_id": "str", "period": "str", "indicator": "str"})
    for column in ["value", "denominator"]:
        if not pd.api.types.is_numeric_dtype(panel[column]):
            bad = pd.to_numeric(panel[column], errors="coerce").isna() & panel[column].notna()
            row = int(bad.idxmax()) + 2
            raise DataError(
                f"{display}: row {row}, column {column}: {panel.loc[bad.idxmax(), column]!r} is not a number"
            )
    key = ["unit_id", "period", "indicator"]
    duplicated = panel.duplicated(key)
    if duplicated.any():
        first = panel.loc[duplicated.idxmax(), key].tolist()
        raise DataError(f"{display}: row {int(duplicated.idxmax()) + 2}: unit, period and indicator {first} appear twice")
    return panel
