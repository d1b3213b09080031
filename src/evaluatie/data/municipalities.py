"""The Dutch municipalities of 2010-2025, their mergers, provinces and landsdelen, shipped with the package.

The tables in ``reference/`` (their README says where every fact comes from) answer three questions
that every real download raises: which municipalities existed in a year (so that the boundary year
of a file can be read from the codes or names in it), where a dissolved municipality went (so that a
panel can be put on one year's boundaries without a mergers table of one's own), and which province
and landsdeel a unit lies in. A municipality's boundaries "of year Y" are those of 1 January of Y, as
CBS publishes its yearly lists: Weesp, merged into Amsterdam on 24 March 2022, belongs to 2022.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

FIRST_YEAR, LAST_YEAR = 2010, 2025
SPLIT = "opsplitsing"


def _table(name: str) -> pd.DataFrame:
    with (resources.files("evaluatie.data") / "reference" / name).open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def boundary_year_of(day: pd.Timestamp) -> int:
    """The first year whose 1 January falls on or after ``day`` (a change on 24 March 2022 counts from 2023)."""
    return day.year if (day.month, day.day) == (1, 1) else day.year + 1


@cache
def municipalities() -> pd.DataFrame:
    """code, name, province, first and last boundary year (``first``/``last``; none when outside 2010-2025)."""
    frame = _table("gemeenten.csv")
    begin = pd.to_datetime(frame.begin.replace("", None))
    end = pd.to_datetime(frame.end.replace("", None))
    frame["first"] = [boundary_year_of(b) if pd.notna(b) else FIRST_YEAR - 1 for b in begin]
    frame["last"] = [boundary_year_of(e) - 1 if pd.notna(e) else LAST_YEAR + 1 for e in end]
    return frame.drop(columns=["begin", "end"]).set_index("code", drop=False)


@cache
def mergers() -> pd.DataFrame:
    """Every municipal merger, split and renaming with a new code, 2010-2025: old_code, new_code, year.

    ``year`` is the first boundary year in which the old code no longer exists; ``kind`` is
    samenvoeging (merger), opsplitsing (split: one row per receiving municipality) or naamswijziging
    (a new name, and with it a new code).
    """
    frame = _table("herindelingen.csv")
    frame["year"] = [boundary_year_of(pd.Timestamp(d)) for d in frame.date]
    return frame


@cache
def areas() -> pd.DataFrame:
    """Country, landsdelen and provinces: code, name, part_of, and other spellings (``also``, '|'-separated)."""
    return _table("gebieden.csv").set_index("code", drop=False)


def existed(code: str, year: int) -> bool | None:
    """Whether a municipality code existed on 1 January of ``year``; None when the list does not know it."""
    table = municipalities()
    if code not in table.index or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    row = table.loc[code]
    return bool(row["first"] <= year <= row["last"])


@cache
def codes_in(year: int) -> frozenset[str]:
    """The municipality codes of 1 January of ``year`` (2010-2025)."""
    table = municipalities()
    return frozenset(table.code[(table["first"] <= year) & (table["last"] >= year)])


@dataclass(frozen=True)
class BoundaryYears:
    """The years (2010-2025) whose municipalities include every code of a file; ``unknown`` are codes no year has."""

    first: int | None
    last: int | None
    unknown: tuple[str, ...] = ()
    complete: bool = False  # the codes are all municipalities of those years, not a selection

    def contains(self, year: int) -> bool:
        return self.first is not None and self.first <= year <= self.last

    def clip(self, year: int) -> int:
        """The year itself when it fits, else the nearest year that does."""
        return year if self.first is None else min(max(year, self.first), self.last)

    def describe(self) -> str:
        """For ``evaluatie inspect``."""
        unknown = f"; not in the list of 2010-2025: {', '.join(self.unknown[:5])}" if self.unknown else ""
        if self.first is None:
            return f"none: the codes never existed together in 2010-2025{unknown}"
        years = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        if self.complete and self.first == self.last:
            return f"{years} (exactly the municipalities of 1 January {self.first}){unknown}"
        if self.complete:
            return f"{years} (exactly the municipalities of those years, which did not change){unknown}"
        return f"{years} (the codes existed together in those years; not every municipality is in the file){unknown}"


def boundary_years(codes) -> BoundaryYears:
    """The boundary years that fit a set of municipality codes (other codes are ignored)."""
    codes = {c for c in codes if str(c).startswith("GM")}
    table = municipalities()
    unknown = tuple(sorted(codes - set(table.index)))
    known = codes - set(unknown)
    if not known:
        return BoundaryYears(None, None, unknown)
    first = int(table.loc[sorted(known), "first"].max())
    last = int(table.loc[sorted(known), "last"].min())
    first, last = max(first, FIRST_YEAR), min(last, LAST_YEAR)
    if first > last:
        return BoundaryYears(None, None, unknown)
    return BoundaryYears(first, last, unknown, complete=known == set(codes_in(first)))


def clashing(codes) -> tuple[list[str], list[str]]:
    """For codes that fit no single year: the ones that ended earliest and the ones that began latest."""
    table = municipalities().loc[sorted({c for c in codes if c in municipalities().index})]
    ended = table[table["last"] == table["last"].min()]
    began = table[table["first"] == table["first"].max()]
    return ([f"{c} {n} (tot {last + 1})" for c, n, last in zip(ended.code, ended.name, ended["last"])],
            [f"{c} {n} (vanaf {first})" for c, n, first in zip(began.code, began.name, began["first"])])


@cache
def reference_names() -> pd.DataFrame:
    """code, name, year for every municipality of every year 2010-2025 (for matching names to codes)."""
    table = municipalities()
    rows = [(code, name, year) for code, name, first, last in zip(table.code, table.name, table["first"], table["last"])
            for year in range(max(first, FIRST_YEAR), min(last, LAST_YEAR) + 1)]
    return pd.DataFrame(rows, columns=["code", "name", "year"])


def parent_area(code: str) -> str | None:
    """The area a unit lies in: a municipality's (district's, neighbourhood's) province, a province's landsdeel."""
    if code[:2] in ("GM", "WK", "BU"):
        municipality = f"GM{code[2:6]}"
        table = municipalities()
        return table.province[municipality] if municipality in table.index else None
    table = areas()
    if code in table.index and table.part_of[code]:
        return table.part_of[code]
    return None


def slug(name: str) -> str:
    """A name as a params slug: ``Noord-Holland`` -> ``noord-holland``, ``Fryslân`` -> ``fryslan``."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def area_name(code: str) -> str | None:
    """The name of a municipality, province, landsdeel or the country."""
    for table in (municipalities(), areas()):
        if code in table.index:
            return table.name[code]
    return None
