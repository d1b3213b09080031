"""The params under ``data.sources``: which downloaded files to read, and how.

Only the description lives here (validated like the rest of a params file); reading is
:func:`evaluatie.data.sources.build_from_sources`. Paths are relative to the project folder.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from evaluatie.privacy import DEFAULT_THRESHOLD


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextFormat(_Strict):
    """How a text file is written; the defaults differ per source type."""

    sep: Literal[",", ";", "\t", "|"] | None = Field(None, description="separator; empty: detect from the header")
    encoding: str | None = Field(None, description="empty: UTF-8 when the file is valid UTF-8, else cp1252 (latin-1)")
    decimal: Literal[".", ","] = "."
    thousands: Literal[".", ",", " ", "'"] | None = None


class MeasureSpec(_Strict):
    """An indicator in a wide table: a ``value`` column, or ``numerator`` / ``denominator`` x ``per``."""

    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    per: float = Field(1.0, gt=0)
    count: str | None = Field(None, description="persons behind the cell, for suppression")
    total: bool = Field(False, description="the value is a total (inhabitants, euros): merged municipalities add it up")

    @model_validator(mode="after")
    def _one_source(self) -> MeasureSpec:
        if (self.value is None) == (self.numerator is None):
            raise ValueError("give exactly one of 'value' or 'numerator'")
        if self.total and self.value is None:
            raise ValueError("'total' goes with 'value' (a numerator over a denominator is a rate)")
        if self.numerator is not None and self.denominator is None:
            raise ValueError("a 'numerator' needs a 'denominator' column")
        return self


LEVELS = ("gemeente", "wijk", "buurt", "provincie", "corop", "landsdeel", "land")


class CbsSource(_Strict):
    type: Literal["cbs_statline"]
    path: str = Field(description="StatLine CSV (open data or website export) or JSON saved from cbsodata.get_data")
    indicators: dict[str, str | MeasureSpec] = Field(min_length=1, description="catalogue id: StatLine column")
    region_column: str | None = None
    period_column: str | None = None
    level: str = Field("gemeente", pattern=r"^(gemeente|wijk|buurt|provincie|corop|landsdeel|land|[A-Z]{2})$",
                       description="the regions kept: " + ", ".join(LEVELS) + ", or the two letters of a region code")
    where: dict[str, str] = Field({}, description="a further dimension: the value to keep, e.g. {SoortMisdrijf: ...}")
    frequency: Literal["jaar", "kwartaal"] | None = None
    months: Literal["sum", "mean"] | None = None
    aliases: dict[str, str] = Field({}, description="region title: municipality code, where no rule matches")
    allow_negative: list[str] = Field([], description="indicators that may be below zero (a migration balance)")
    format: TextFormat = TextFormat()

    def files(self) -> list[str]:
        return [self.path]


class VektisSource(_Strict):
    type: Literal["vektis"]
    paths: list[str] = Field(min_length=1, description="one file per year; a pattern such as data/vektis/*.csv")
    indicators: dict[str, list[str]] | None = Field(
        None, description="catalogue id: KOSTEN_ columns to add up; empty: those of the initiative's indicators "
                          "that Vektis gives (zvw_kosten_totaal, zvw_kosten_msz, zvw_kosten_wijkverpleging)")
    aliases: dict[str, str] = Field({}, description="Vektis name: municipality code, where no rule matches")
    min_count: int = Field(DEFAULT_THRESHOLD, ge=1, description="suppress municipalities with fewer insured")
    format: TextFormat = TextFormat()

    def files(self) -> list[str]:
        return self.paths


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


Source = Annotated[Union[CbsSource, VektisSource, TableSource, PersonLevelSource], Field(discriminator="type")]
# The 'type' tag of each source model: validation errors name it in their key path.
SOURCE_TYPES: dict[str, type[BaseModel]] = {
    typing.get_args(model.model_fields["type"].annotation)[0]: model
    for model in (CbsSource, VektisSource, TableSource, PersonLevelSource)
}


class Sources(_Strict):
    """The params under ``data.sources``."""

    municipalities: str | None = Field(
        None, description="reference table (code, name, year or a CBS list of municipalities; region, region_name "
                          "for own regions); empty: the municipalities of 2010-2025 shipped with the package")
    mergers: str | None = Field(
        None, description="mergers table (old_code, new_code, year); empty: the shipped mergers of 2010-2025")
    boundary_year: int | None = Field(
        None, description="map all data to the municipalities of this year; empty: the latest boundaries in the data")
    population: str | None = Field(
        None, description="indicator whose denominator is the unit's population (default: the first with one)")
    files: list[Source] = Field(min_length=1)
