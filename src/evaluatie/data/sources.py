"""Building the canonical frames from the data sources of an initiative (params key ``data.sources``).

Each entry under ``files`` (described in :mod:`evaluatie.params.sources`) names one downloaded file
(or a set of Vektis files) and how to read it; :func:`build_from_sources` reads them all, matches
names to codes, detects on which year's municipal boundaries every file is, harmonises to one
boundary year through the mergers table (the shipped one unless the params name another) and
returns the units table and the long panel that the rest of the package uses, the files read (for
the report's provenance) and notes on what was left out or assumed (for the audit). Paths are
relative to the project folder; nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluatie.data import municipalities as shipped
from evaluatie.data.cbs import read_cbs_statline
from evaluatie.data.generic import read_table
from evaluatie.data.geography import LEVELS, harmonise_municipalities, read_mergers, read_municipalities
from evaluatie.data.panel import DataError
from evaluatie.data.person_level import PersonMeasure, aggregate_person_level
from evaluatie.data.tables import ROW, TOTAL, Measure, SourceNote, TextOptions, add_note
from evaluatie.data.vektis import default_indicators, read_vektis
from evaluatie.params.sources import (
    CbsSource, MeasureSpec, PersonLevelSource, Sources, TableSource, TextFormat, VektisSource,
)

SOURCE = "_source"  # which params entry (file) a row came from, through harmonising


def _text_options(fmt: TextFormat, default_sep: str | None) -> TextOptions:
    return TextOptions(sep=fmt.sep or default_sep, encoding=fmt.encoding, decimal=fmt.decimal,
                       thousands=fmt.thousands)


def _measures(indicators: dict[str, str | MeasureSpec]) -> dict[str, str | Measure]:
    return {k: v if isinstance(v, str) else Measure(**v.model_dump()) for k, v in indicators.items()}


def _read_cbs(source: CbsSource, resolve: Callable[[str], Path], reference: pd.DataFrame | None,
              wanted: set[str] | None, notes: list[SourceNote]) -> pd.DataFrame:
    return read_cbs_statline(resolve(source.path), _measures(source.indicators), region_column=source.region_column,
                             period_column=source.period_column, level=source.level, where=source.where,
                             frequency=source.frequency, months=source.months, municipalities=reference,
                             aliases=source.aliases, options=_text_options(source.format, None), display=source.path,
                             notes=notes, allow_negative=source.allow_negative)


def _read_vektis(source: VektisSource, resolve: Callable[[str], Path], reference: pd.DataFrame | None,
                 wanted: set[str] | None, notes: list[SourceNote]) -> pd.DataFrame:
    found = []
    for pattern in source.paths:
        matches = _expand(pattern, resolve)
        if not matches:
            raise DataError(f"{pattern}: no file matches")
        found += matches
    indicators = source.indicators
    if indicators is None:  # ask only for the columns of the indicators the initiative uses
        indicators = {k: v for k, v in default_indicators().items() if wanted is None or k in wanted}
        if not indicators:
            raise DataError(f"{source.paths[0]}: none of the initiative's indicators comes from Vektis (it gives "
                            f"{', '.join(default_indicators())}); name them under indicators or leave this file out")
    return read_vektis(found, reference, indicators=indicators, aliases=source.aliases, threshold=source.min_count,
                       options=_text_options(source.format, ";"), notes=notes)


def _read_table(source: TableSource, resolve: Callable[[str], Path], reference: pd.DataFrame | None,
                wanted: set[str] | None, notes: list[SourceNote]) -> pd.DataFrame:
    return read_table(resolve(source.path), unit=source.unit, period=source.period, layout=source.layout,
                      indicator=source.indicator, value=source.value, denominator=source.denominator,
                      count=source.count, indicators=_measures(source.indicators) or None, municipalities=reference,
                      aliases=source.aliases, sheet=source.sheet, threshold=source.min_count,
                      allow_negative=source.allow_negative, options=_text_options(source.format, None),
                      display=source.path)


def _read_person_level(source: PersonLevelSource, resolve: Callable[[str], Path], reference: pd.DataFrame | None,
                       wanted: set[str] | None, notes: list[SourceNote]) -> pd.DataFrame:
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
    """The canonical frames built from the sources, every file read (relative paths), and notes for the audit."""

    units: pd.DataFrame
    panel: pd.DataFrame
    files: list[tuple[str, Path]]
    notes: list[SourceNote] = field(default_factory=list)
    boundary_year: int | None = None


def _expand(pattern: str, resolve: Callable[[str], Path]) -> list[Path]:
    if any(c in pattern for c in "*?["):
        folder = resolve(str(Path(pattern).parent))
        return sorted(folder.glob(Path(pattern).name))
    path = resolve(pattern)
    return [path] if path.is_file() else []


def detect_boundaries(panel: pd.DataFrame, by: str | None = None) -> dict[tuple, shipped.BoundaryYears]:
    """The boundary years that fit the municipality codes of each file (``by``) and period year."""
    years = panel.period.str[:4].astype(int)
    keys = [panel[by], years] if by else [years]
    return {(key if by else (None, key)): shipped.boundary_years(group.unit_id)
            for key, group in panel.groupby(keys)}


def _boundary_year(panel: pd.DataFrame, detected: dict[tuple, shipped.BoundaryYears], given: int | None) -> int | None:
    """The boundary year to harmonise to: the params' one, else the latest the data are on.

    A period's data are taken to be on its own year's boundaries unless its codes say otherwise
    (Vektis' 2015 file names Meierijstad, which exists from 2017).
    """
    fits = {key: fit for key, fit in detected.items() if fit.first is not None}
    if given is None:
        return max((fit.clip(year) for (_, year), fit in fits.items()), default=None)
    later = {key: fit for key, fit in fits.items() if fit.first > given}
    if later:
        (source, year), fit = min(later.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
        codes = set(panel.unit_id[(panel[SOURCE] == source) & (panel.period.str[:4] == str(year))])
        newer = sorted(c for c in codes if shipped.existed(c, given) is False)
        named = ", ".join(f"{c} {shipped.area_name(c)}" for c in newer[:5])
        raise DataError(f"{source}: its data of {year} are on the municipal boundaries of {fit.first}, later than "
                        f"boundary_year {given} ({named} did not exist in {given}); data cannot be split back, so "
                        f"set boundary_year to {fit.first} or later")
    return given


def _check_fits(panel: pd.DataFrame, detected: dict[tuple, shipped.BoundaryYears]) -> None:
    for (source, year), fit in detected.items():
        codes = {c for c in panel.unit_id[(panel[SOURCE] == source) & (panel.period.str[:4] == str(year))]
                 if c.startswith("GM")}
        if fit.first is None and codes - set(fit.unknown):
            ended, began = shipped.clashing(codes)
            raise DataError(f"{source}: the municipalities of {year} fit no single year's boundaries: "
                            f"{', '.join(ended[:3])} beside {', '.join(began[:3])}; a file holds one year's "
                            f"municipalities per period")


def build_from_sources(sources: Sources, resolve: Callable[[str], Path],
                       indicators: Iterable[str] | None = None) -> BuiltData:
    """Read every source, combine, harmonise to the boundary year and build the units table.

    ``resolve`` turns a params path into a file path (the initiative's ``resolve``); ``indicators``
    are the initiative's indicator ids (a Vektis source then reads only the columns they need).
    Raises :class:`DataError` naming the file and the row or column at the first problem.
    """
    reference = (read_municipalities(resolve(sources.municipalities), sources.municipalities)
                 if sources.municipalities else None)
    files = [("municipalities", resolve(sources.municipalities))] if sources.municipalities else []
    wanted = set(indicators) if indicators is not None else None
    parts, notes = [], []
    for i, source in enumerate(sources.files):
        for relative in source.files():
            files += [(f"files[{i}]", p) for p in _expand(relative, resolve)] or [(f"files[{i}]", resolve(relative))]
        part = READERS[type(source)](source, resolve, reference, wanted, notes)
        part[SOURCE] = source.files()[0]
        parts.append(part)
    panel = pd.concat(parts, ignore_index=True)
    twice = panel[panel.duplicated(["unit_id", "period", "indicator"], keep=False)]
    if not twice.empty:
        first = twice.iloc[0]
        where = sorted(set(twice[twice.indicator == first.indicator][SOURCE]))
        raise DataError(f"indicator {first.indicator} ({first.unit_id} {first.period}) comes from more than one "
                        f"place: {', '.join(where)}; each indicator may come from one source")
    detected = detect_boundaries(panel, by=SOURCE)
    _check_fits(panel, detected)
    target = _boundary_year(panel, detected, sources.boundary_year)
    if target is not None and (sources.mergers or any(not f.contains(target) for f in detected.values()
                                                      if f.first is not None)):
        mergers = None
        if sources.mergers:
            files.append(("mergers", resolve(sources.mergers)))
            mergers = read_mergers(resolve(sources.mergers), sources.mergers)
        years = panel.period.str[:4].astype(int)
        panel["_boundary"] = [detected[(s, y)].clip(y) for s, y in zip(panel[SOURCE], years)]
        panel = harmonise_municipalities(panel, mergers, target, notes)
        add_note(notes, f"alle gemeenten staan op de gemeentelijke indeling van {target}")
    panel = panel.drop(columns=[c for c in ("count", ROW, SOURCE, "_boundary") if c in panel.columns])
    units = build_units(panel, reference, target, sources.population, sources.municipalities or "data.sources")
    return BuiltData(units, panel.drop(columns=[TOTAL], errors="ignore"), files, notes, target)


def _region(code: str, reference_regions: pd.DataFrame | None) -> tuple[str, str]:
    """A unit's region (slug and name): the reference table's, else the province it lies in (a province's landsdeel)."""
    municipality = f"GM{code[2:6]}" if code[:2] in ("GM", "WK", "BU") else None
    if reference_regions is not None and municipality in reference_regions.index:
        row = reference_regions.loc[municipality]
        return row["region"], row.get("region_name", row["region"])
    parent = shipped.parent_area(code)
    if parent is None:
        return "", ""
    name = shipped.area_name(parent) or parent
    return shipped.slug(name), name


def build_units(panel: pd.DataFrame, reference: pd.DataFrame | None, year: int | None, population: str | None,
                display: str) -> pd.DataFrame:
    """The units table: every unit in the panel, named as in ``year``.

    Names come from the reference table when it has the year, else from the shipped municipalities
    and provinces. A district (WK) or neighbourhood (BU) takes the name of the municipality it lies in,
    whose code is in its own (WK036301 and BU03630000 lie in GM0363). Regions come from the reference
    table's ``region`` and ``region_name`` columns; without them a municipality's region is its
    province (``groningen``) and a province's its landsdeel (``noord-nederland``).
    """
    codes = sorted(set(panel.unit_id))
    if reference is not None:
        chosen = year if year is not None and (reference.year == year).any() else int(reference.year.max())
        names = reference[reference.year == chosen].set_index("code")
        regions = names if "region" in names.columns else None
        if "region" in names.columns and "region_name" not in names.columns:
            raise DataError(f"{display}: column region_name missing beside region; the units table needs each "
                            f"region's name")
    else:
        names, regions = pd.DataFrame(columns=["name"]), None
    municipal = {c: f"GM{c[2:6]}" for c in codes if c[:2] in ("GM", "WK", "BU")}
    if year is not None:
        gone = sorted({m for m in municipal.values() if shipped.existed(m, year) is False and m not in names.index})
        if gone:
            listed = ", ".join(f"{c} {shipped.area_name(c)}" for c in gone[:10])
            raise DataError(f"{display}: municipality code(s) {listed} in the data did not exist in {year}; "
                            f"name a mergers table that covers them, or another boundary_year")

    def name_of(code: str) -> str:
        if code in names.index:
            return str(names.name[code])
        return shipped.area_name(code) or code

    # a population: the denominator of a rate, or the value of a total (inhabitants)
    total = panel[TOTAL].fillna(False).astype(bool) if TOTAL in panel.columns else pd.Series(False, index=panel.index)
    sizes = panel.denominator.where(panel.denominator.notna(), panel.value.where(total))
    sized = panel.assign(size=sizes)[sizes.notna()]
    indicator = population or (sized.indicator.iloc[0] if not sized.empty else None)
    if indicator is None or indicator not in set(sized.indicator):
        raise DataError(f"data.sources.population: no denominators for indicator {indicator!r}, so no population "
                        f"per unit; name an indicator with a denominator (or a total such as inhabitants)")
    latest = sized[sized.indicator == indicator].sort_values("period").groupby("unit_id")["size"].last()
    units = pd.DataFrame({"unit_id": codes})
    units["name"] = [name_of(c) if c not in municipal or c.startswith("GM") else f"{c} ({name_of(municipal[c])})"
                     for c in codes]
    placed = [_region(c, regions) for c in codes]
    units["region"] = [r for r, _ in placed]
    units["region_name"] = [n for _, n in placed]
    units["level"] = [LEVELS.get(c[:2], c[:2]) for c in codes]
    units["population"] = units.unit_id.map(latest)
    hidden = set(panel.loc[panel.indicator == indicator].groupby("unit_id").suppressed.all().loc[lambda s: s].index) \
        if "suppressed" in panel.columns else set()
    lacking = [u for u in units.loc[units.population.isna(), "unit_id"] if u not in hidden]  # hidden: small on purpose
    if lacking:
        others = sorted(set(panel.indicator[panel.unit_id.isin(lacking)]) - {indicator})
        found = f" (they do have {', '.join(others)})" if others else ""
        raise DataError(f"data.sources.population: indicator {indicator} has no denominator for "
                        f"{', '.join(f'{c} {name_of(c)}' for c in lacking[:10])}{found}; choose an indicator every "
                        f"unit has, or check that its file covers these units on the same boundaries")
    return units


def region_names(sources: Sources, resolve: Callable[[str], Path]) -> dict[str, str]:
    """Region slug -> region name (for overview pages): the reference table's, else provinces and landsdelen."""
    if sources.municipalities:
        reference = read_municipalities(resolve(sources.municipalities), sources.municipalities)
        if "region_name" in reference.columns:
            return dict(zip(reference.region, reference.region_name))
    areas = shipped.areas()
    return {shipped.slug(name): name for name in areas.name}
