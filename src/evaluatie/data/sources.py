"""Data sources of an initiative (params key ``data.sources``) and building the canonical frames from them.

Each entry under ``files`` names one downloaded file (or a set of Vektis files) and how to read it;
:func:`build_from_sources` reads them all, matches names to codes, harmonises to one boundary
year through the mergers table, and returns the units table and the long panel that the rest of
the package uses, plus the files read (for the report's provenance). Paths are relative to the
project folder; nothing is downloaded.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Union

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from evaluatie.data.cbs import read_cbs_statline
from evaluatie.data.generic import read_table
from evaluatie.data.geography import LEVELS, harmonise_municipalities, read_mergers, read_municipalities
from evaluatie.data.panel import DataError
from evaluatie.data.person_level import PersonMeasure, aggregate_person_level
from evaluatie.data.tables import ROW, Measure, TextOptions
from evaluatie.data.vektis import read_vektis
from evaluatie.privacy import DEFAULT_THRESHOLD


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextFormat(_Strict):
    """How a text file is written; the defaults differ per source type."""

    sep: Literal[",", ";", "\t", "|"] | None = Field(None, description="separator; empty: detect from the header")
    encoding: str = "utf-8"
    decimal: Literal[".", ","] = "."
    thousands: Literal[".", ",", " ", "'"] | None = None

    def options(self, default_sep: str | None) -> TextOptions:
        return TextOptions(sep=self.sep or default_sep, encoding=self.encoding, decimal=self.decimal,
                           thousands=self.thousands)


class MeasureSpec(_Strict):
    """An indicator in a wide table: a ``value`` column, or ``numerator`` / ``denominator`` x ``per``."""

    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    per: float = Field(1.0, gt=0)
    count: str | None = Field(None, description="persons behind the cell, for suppression")

    @model_validator(mode="after")
    def _one_source(self) -> MeasureSpec:
        if (self.value is None) == (self.numerator is None):
            raise ValueError("give exactly one of 'value' or 'numerator'")
        if self.numerator is not None and self.denominator is None:
            raise ValueError("a 'numerator' needs a 'denominator' column")
        return self

    def measure(self) -> Measure:
        return Measure(**self.model_dump())


def _measures(indicators: dict[str, str | MeasureSpec]) -> dict[str, str | Measure]:
    return {k: v if isinstance(v, str) else v.measure() for k, v in indicators.items()}


class CbsSource(_Strict):
    type: Literal["cbs_statline"]
    path: str = Field(description="StatLine CSV download or JSON saved from cbsodata.get_data")
    indicators: dict[str, str | MeasureSpec] = Field(min_length=1, description="catalogue id: StatLine column")
    region_column: str | None = None
    period_column: str | None = None
    levels: list[Literal["gemeente", "wijk", "buurt", "provincie"]] = ["gemeente"]
    frequency: Literal["jaar", "kwartaal"] | None = None
    months: Literal["sum", "mean"] | None = None
    aliases: dict[str, str] = Field({}, description="region title: municipality code, where no rule matches")
    format: TextFormat = TextFormat()

    def files(self) -> list[str]:
        return [self.path]

    def read(self, resolve: Callable[[str], Path], reference: pd.DataFrame) -> pd.DataFrame:
        return read_cbs_statline(resolve(self.path), _measures(self.indicators), region_column=self.region_column,
                                 period_column=self.period_column, levels=tuple(self.levels),
                                 frequency=self.frequency, months=self.months, municipalities=reference,
                                 aliases=self.aliases, options=self.format.options(None), display=self.path)


class VektisSource(_Strict):
    type: Literal["vektis"]
    paths: list[str] = Field(min_length=1, description="one file per year; a pattern such as data/vektis/*.csv")
    indicators: dict[str, list[str]] | None = Field(None, description="catalogue id: KOSTEN_ columns to add up")
    aliases: dict[str, str] = Field({}, description="Vektis name: municipality code, where no rule matches")
    min_count: int = Field(DEFAULT_THRESHOLD, ge=1, description="suppress municipalities with fewer insured")
    format: TextFormat = TextFormat()

    def files(self) -> list[str]:
        return self.paths

    def read(self, resolve: Callable[[str], Path], reference: pd.DataFrame) -> pd.DataFrame:
        found = []
        for pattern in self.paths:
            matches = _expand(pattern, resolve)
            if not matches:
                raise DataError(f"{pattern}: no file matches")
            found += matches
        return read_vektis(found, reference, indicators=self.indicators, aliases=self.aliases,
                           threshold=self.min_count, options=self.format.options(";"))


class TableSource(_Strict):
    type: Literal["table"]
    path: str = Field(description="CSV, Parquet or Excel (.xlsx)")
    layout: Literal["long", "wide", "periods"] = Field("long", description="periods: one column per period")
    unit: str = Field(description="column with region codes or municipality names")
    period: str | None = Field(None, description="long, wide: column with the year or quarter")
    indicator: str | None = Field(None, description="long: column with the indicator; periods: the catalogue id")
    value: str | None = Field(None, description="long: column with the value")
    denominator: str | None = None
    count: str | None = Field(None, description="column with the persons behind each cell, for suppression")
    indicators: dict[str, str | MeasureSpec] = Field(
        {}, description="wide: catalogue id: column; long: catalogue id: the name the file uses")
    sheet: str | int | None = None
    aliases: dict[str, str] = {}
    min_count: int = Field(DEFAULT_THRESHOLD, ge=1)
    allow_negative: list[str] = Field([], description="indicators that may be below zero (a gap)")
    format: TextFormat = TextFormat()

    @model_validator(mode="after")
    def _layout_complete(self) -> TableSource:
        if self.layout == "long" and not (self.indicator and self.value):
            raise ValueError("a long table needs 'indicator' and 'value' (the columns that hold them)")
        if self.layout == "wide" and not self.indicators:
            raise ValueError("a wide table needs 'indicators' (catalogue id: column)")
        if self.layout == "periods" and not self.indicator:
            raise ValueError("a table with one column per period needs 'indicator' (the catalogue id)")
        if self.layout != "periods" and not self.period:
            raise ValueError("a long or wide table needs 'period' (the column with the year or quarter)")
        if self.layout == "long" and any(not isinstance(v, str) for v in self.indicators.values()):
            raise ValueError("in a long table 'indicators' maps catalogue ids to the names the file uses")
        return self

    def files(self) -> list[str]:
        return [self.path]

    def read(self, resolve: Callable[[str], Path], reference: pd.DataFrame) -> pd.DataFrame:
        return read_table(resolve(self.path), unit=self.unit, period=self.period, layout=self.layout,
                          indicator=self.indicator, value=self.value, denominator=self.denominator, count=self.count,
                          indicators=_measures(self.indicators) or None, municipalities=reference,
                          aliases=self.aliases, sheet=self.sheet, threshold=self.min_count,
                          allow_negative=self.allow_negative, options=self.format.options(None),
                          display=self.path)


class PersonMeasureSpec(_Strict):
    column: str
    how: Literal["sum", "any"] = Field("sum", description="sum the column, or count persons with a value above 0")
    denominator: str | None = Field(None, description="column to sum (insured years); empty: number of persons")
    per: float = Field(1.0, gt=0)


class PersonLevelSource(_Strict):
    type: Literal["person_level"]
    path: str = Field(description="Parquet or CSV with one row per person per period")
    unit: str
    period: str
    person: str = Field(description="column with the (pseudonymised) person number")
    indicators: dict[str, PersonMeasureSpec] = Field(min_length=1)
    min_count: int = Field(DEFAULT_THRESHOLD, ge=1)
    memory_limit: str = "1GB"

    def files(self) -> list[str]:
        return [self.path]

    def read(self, resolve: Callable[[str], Path], reference: pd.DataFrame) -> pd.DataFrame:
        measures = {k: PersonMeasure(**v.model_dump()) for k, v in self.indicators.items()}
        return aggregate_person_level(resolve(self.path), unit=self.unit, period=self.period, person=self.person,
                                      indicators=measures, threshold=self.min_count,
                                      memory_limit=self.memory_limit, display=self.path)


Source = Annotated[Union[CbsSource, VektisSource, TableSource, PersonLevelSource], Field(discriminator="type")]
# The 'type' tag of each source model: validation errors name it in their key path.
SOURCE_TYPES: dict[str, type[BaseModel]] = {
    typing.get_args(model.model_fields["type"].annotation)[0]: model
    for model in (CbsSource, VektisSource, TableSource, PersonLevelSource)
}


class Sources(_Strict):
    """The params under ``data.sources``."""

    municipalities: str = Field(description="reference table (code, name, year, region, region_name)")
    mergers: str | None = Field(None, description="mergers table (old_code, new_code, year)")
    boundary_year: int | None = Field(None, description="map all data to the municipalities of this year")
    population: str | None = Field(
        None, description="indicator whose denominator is the unit's population (default: the first with one)")
    files: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _mergers_need_a_year(self) -> Sources:
        if (self.mergers is None) != (self.boundary_year is None):
            raise ValueError("'mergers' and 'boundary_year' go together")
        return self


@dataclass(frozen=True)
class BuiltData:
    """The canonical frames built from the sources, and every file read (relative paths)."""

    units: pd.DataFrame
    panel: pd.DataFrame
    files: list[tuple[str, Path]]


def _expand(pattern: str, resolve: Callable[[str], Path]) -> list[Path]:
    if any(c in pattern for c in "*?["):
        folder = resolve(str(Path(pattern).parent))
        return sorted(folder.glob(Path(pattern).name))
    path = resolve(pattern)
    return [path] if path.is_file() else []


def build_from_sources(sources: Sources, resolve: Callable[[str], Path]) -> BuiltData:
    """Read every source, combine, harmonise to the boundary year and build the units table.

    ``resolve`` turns a params path into a file path (the initiative's ``resolve``). Raises
    :class:`DataError` naming the file and the row or column at the first problem.
    """
    reference = read_municipalities(resolve(sources.municipalities), sources.municipalities)
    files = [("municipalities", resolve(sources.municipalities))]
    parts = []
    for i, source in enumerate(sources.files):
        for relative in source.files():
            files += [(f"files[{i}]", p) for p in _expand(relative, resolve)] or [(f"files[{i}]", resolve(relative))]
        part = source.read(resolve, reference)
        part[ROW] = f"{source.files()[0]}: " + (part[ROW].astype(str) if ROW in part.columns else "")
        parts.append(part)
    panel = pd.concat(parts, ignore_index=True)
    twice = panel[panel.duplicated(["unit_id", "period", "indicator"], keep=False)]
    if not twice.empty:
        first = twice.iloc[0]
        where = sorted({r.split(":")[0] for r in twice[twice.indicator == first.indicator][ROW]})
        raise DataError(f"indicator {first.indicator} ({first.unit_id} {first.period}) comes from more than one "
                        f"place: {', '.join(where)}; each indicator may come from one source")
    if sources.mergers:
        files.append(("mergers", resolve(sources.mergers)))
        mergers = read_mergers(resolve(sources.mergers), sources.mergers)
        panel = harmonise_municipalities(panel, mergers, sources.boundary_year)
    panel = panel.drop(columns=[c for c in ("count", ROW) if c in panel.columns])
    units = build_units(panel, reference, sources.boundary_year, sources.population, sources.municipalities)
    return BuiltData(units, panel, files)


def build_units(panel: pd.DataFrame, reference: pd.DataFrame, year: int | None, population: str | None,
                display: str) -> pd.DataFrame:
    """The units table: every unit in the panel, named from the reference table of ``year``.

    A district (WK) or neighbourhood (BU) takes the region of the municipality it lies in, whose
    code is in its own (WK036301 and BU03630000 lie in GM0363), and that municipality's name.
    """
    year = year if year is not None else int(reference.year.max())
    names = reference[reference.year == year].set_index("code")
    missing = [c for c in ("region", "region_name") if c not in names.columns]
    if missing:
        raise DataError(f"{display}: column(s) {', '.join(missing)} missing; the units table needs each "
                        f"municipality's region (the region slug of the params and its name)")
    codes = sorted(set(panel.unit_id))
    municipality = {c: f"GM{c[2:6]}" if c[:2] in ("GM", "WK", "BU") else None for c in codes}
    unknown = sorted({m for m in municipality.values() if m is not None and m not in names.index})
    if unknown:
        raise DataError(f"{display}: municipality code(s) {', '.join(unknown[:10])} in the data are not in the "
                        f"reference table for {year}; a merged municipality needs 'mergers' and 'boundary_year'")
    with_denominator = panel[panel.denominator.notna()]
    indicator = population or (with_denominator.indicator.iloc[0] if not with_denominator.empty else None)
    if indicator is None or indicator not in set(with_denominator.indicator):
        raise DataError(f"data.sources.population: no denominators for indicator {indicator!r}, so no population "
                        f"per unit; name an indicator with a denominator")
    latest = (with_denominator[with_denominator.indicator == indicator]
              .assign(key=lambda f: f.period).sort_values("key").groupby("unit_id").denominator.last())
    units = pd.DataFrame({"unit_id": codes})
    units["name"] = [names.name[c] if c.startswith("GM") else
                     f"{c} ({names.name[municipality[c]]})" if municipality[c] else c for c in codes]
    units["region"] = [names.region.get(municipality[c], "") for c in codes]
    units["region_name"] = [names.region_name.get(municipality[c], "") for c in codes]
    units["level"] = [LEVELS[c[:2]] for c in codes]
    units["population"] = units.unit_id.map(latest)
    lacking = units.loc[units.population.isna(), "unit_id"].tolist()
    if lacking:
        raise DataError(f"data.sources.population: indicator {indicator} has no denominator for "
                        f"{', '.join(lacking[:10])}; choose an indicator every unit has")
    return units


def region_names(sources: Sources, resolve: Callable[[str], Path]) -> dict[str, str]:
    """Region slug -> region name from the reference table (for overview pages)."""
    reference = read_municipalities(resolve(sources.municipalities), sources.municipalities)
    if "region_name" not in reference.columns:
        return {}
    return dict(zip(reference.region, reference.region_name))
