"""Building the canonical frames from the data sources of an initiative (params key ``data.sources``).

Each entry under ``files`` (described in :mod:`evaluatie.params.sources`) names one downloaded file
(or a set of Vektis files) and how to read it; :func:`build_from_sources` reads them all, matches names to codes, harmonises to one boundary
year through the mergers table, and returns the units table and the long panel that the rest of
the package uses, plus the files read (for the report's provenance). Paths are relative to the
project folder; nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluatie.data.cbs import read_cbs_statline
from evaluatie.data.generic import read_table
from evaluatie.data.geography import LEVELS, harmonise_municipalities, read_mergers, read_municipalities
from evaluatie.data.panel import DataError
from evaluatie.data.person_level import PersonMeasure, aggregate_person_level
from evaluatie.data.tables import ROW, Measure, TextOptions
from evaluatie.data.vektis import read_vektis
from evaluatie.params.sources import (
    CbsSource, MeasureSpec, PersonLevelSource, Sources, TableSource, TextFormat, VektisSource,
)


def _text_options(fmt: TextFormat, default_sep: str | None) -> TextOptions:
    return TextOptions(sep=fmt.sep or default_sep, encoding=fmt.encoding, decimal=fmt.decimal,
                       thousands=fmt.thousands)


def _measures(indicators: dict[str, str | MeasureSpec]) -> dict[str, str | Measure]:
    return {k: v if isinstance(v, str) else Measure(**v.model_dump()) for k, v in indicators.items()}


def _read_cbs(source: CbsSource, resolve: Callable[[str], Path], reference: pd.DataFrame) -> pd.DataFrame:
    return read_cbs_statline(resolve(source.path), _measures(source.indicators), region_column=source.region_column,
                             period_column=source.period_column, levels=tuple(source.levels),
                             frequency=source.frequency, months=source.months, municipalities=reference,
                             aliases=source.aliases, options=_text_options(source.format, None), display=source.path)


def _read_vektis(source: VektisSource, resolve: Callable[[str], Path], reference: pd.DataFrame) -> pd.DataFrame:
    found = []
    for pattern in source.paths:
        matches = _expand(pattern, resolve)
        if not matches:
            raise DataError(f"{pattern}: no file matches")
        found += matches
    return read_vektis(found, reference, indicators=source.indicators, aliases=source.aliases,
                       threshold=source.min_count, options=_text_options(source.format, ";"))


def _read_table(source: TableSource, resolve: Callable[[str], Path], reference: pd.DataFrame) -> pd.DataFrame:
    return read_table(resolve(source.path), unit=source.unit, period=source.period, layout=source.layout,
                      indicator=source.indicator, value=source.value, denominator=source.denominator,
                      count=source.count, indicators=_measures(source.indicators) or None, municipalities=reference,
                      aliases=source.aliases, sheet=source.sheet, threshold=source.min_count,
                      allow_negative=source.allow_negative, options=_text_options(source.format, None),
                      display=source.path)


def _read_person_level(source: PersonLevelSource, resolve: Callable[[str], Path],
                       reference: pd.DataFrame) -> pd.DataFrame:
    measures = {k: PersonMeasure(**v.model_dump()) for k, v in source.indicators.items()}
    return aggregate_person_level(resolve(source.path), unit=source.unit, period=source.period,
                                  person=source.person, indicators=measures, threshold=source.min_count,
                                  memory_limit=source.memory_limit, display=source.path)


READERS: dict[type, Callable[..., pd.DataFrame]] = {
    CbsSource: _read_cbs, VektisSource: _read_vektis, TableSource: _read_table, PersonLevelSource: _read_person_level,
}
"""How each kind of source under ``data.sources.files`` is read."""


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
        part = READERS[type(source)](source, resolve, reference)
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
