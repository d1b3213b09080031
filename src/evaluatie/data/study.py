"""A study: one initiative with its catalogue and data, checked against each other.

This is the bridge from params to data: it resolves the data files, checks that the units,
indicators and start periods in the params exist in the data, and chooses the control units by
the params' rule. The analysis frames are built from it in :mod:`evaluatie.outcome.frames`.

It is also the privacy choke point: whatever the input path (prepared files, StatLine, Vektis,
person-level extracts), the units table and the panel of a :class:`Study` are protected by the
rules of :mod:`evaluatie.privacy` as they are loaded, so every table, figure, sentence and file
made from a study rests on protected numbers only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from evaluatie.data.panel import DataError, load_panel, load_units
from evaluatie.data.sources import build_from_sources
from evaluatie.data.tables import SourceNote
from evaluatie.params import (
    Catalogue, Indicator, IndicatorChoice, LoadedInitiative, ParamsError, display_path,
    load_catalogue, load_initiative, suggest, units_in_other_initiatives,
)
from evaluatie.periods import FREQUENCY_CODES, first_treated_period, format_period, parse_period
from evaluatie.privacy import CellRule, protect_panel, protect_units

# Totals that are published or can be: per period and indicator over all units, and per region.
PUBLISHED_MARGINS = (("period", "indicator"), ("period", "indicator", "region"))


@dataclass(frozen=True)
class DataFile:
    """A data file the report names, with a hash so readers can tell which version was used."""

    role: str
    path: str
    sha256: str
    modified: float = 0.0  # seconds since the epoch: the report's date when the params give none


@dataclass
class Study:
    initiative: LoadedInitiative
    catalogue: Catalogue
    units: pd.DataFrame
    panel: pd.DataFrame
    data_files: list[DataFile]
    source_notes: list[SourceNote] = field(default_factory=list)  # what the readers left out or assumed, for the audit

    @property
    def params(self):
        return self.initiative.params

    @property
    def display(self) -> str:
        return display_path(self.initiative.path, self.initiative.project_dir)

    def indicators(self) -> list[tuple[IndicatorChoice, Indicator]]:
        return [(c, self.catalogue.indicators[c.id]) for c in self.params.indicator_choices()]

    @cached_property
    def treated_starts(self) -> dict[str, pd.Period]:
        return {u.unit: parse_period(u.start) for u in self.params.treatment.units}

    @cached_property
    def control_units(self) -> list[str]:
        """Control units by the params' rule; never a treated unit."""
        rule = self.params.control_group
        treated = set(self.treated_starts)
        if rule.type == "list":
            chosen = list(rule.units)
        else:
            pool = self.units if not rule.regions else self.units[self.units.region.isin(rule.regions)]
            chosen = [u for u in pool.unit_id if u not in treated]
        excluded = set(rule.exclude)
        if rule.exclude_other_initiatives:
            excluded |= units_in_other_initiatives(self.initiative)
        return [u for u in chosen if u not in excluded and u not in treated]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_study(params_file: str | Path, overrides: list[str] | dict | None = None) -> Study:
    """Load an initiative, its catalogue and data, and check them against each other.

    ``overrides`` are what-if settings for this run (see :func:`evaluatie.params.load_initiative`).
    Raises :class:`ParamsError` with one line per problem (file, key path, what is expected).
    """
    initiative = load_initiative(params_file, overrides)
    display = display_path(initiative.path, initiative.project_dir)
    catalogue = load_catalogue(initiative.project_dir)
    problems: list[str] = []
    frames = {}
    files = []
    notes: list[SourceNote] = []
    data = initiative.params.data
    if data.sources is not None:
        try:
            built = build_from_sources(data.sources, initiative.resolve,
                                       [c.id for c in initiative.params.indicator_choices()])
        except DataError as error:
            problems.append(f"{display}: data.sources: {error}")
        else:
            frames, notes = {"units": built.units, "panel": built.panel}, built.notes
            files += [DataFile(role, display_path(path, initiative.project_dir), _sha256(path), path.stat().st_mtime)
                      for role, path in built.files]
    prepared = [("units", data.units, load_units), ("panel", data.panel, load_panel)] if data.sources is None else []
    for role, relative, loader in prepared:
        path = initiative.resolve(relative)
        if not path.is_file():
            hint = " (run `evaluatie demo-data` to build the demo data)" if relative.startswith("data/demo/") else ""
            problems.append(f"{display}: data.{role}: file '{relative}' not found{hint}")
            continue
        try:
            frames[role] = loader(path, relative)
        except DataError as error:
            problems.append(f"{display}: data.{role}: {error}")
            continue
        files.append(DataFile(role, relative, _sha256(path), path.stat().st_mtime))
    for role in ("responses", "interviews"):
        relative = getattr(initiative.params.process, role, None) if initiative.params.process else None
        if relative:
            path = initiative.resolve(relative)
            if path.is_file():
                files.append(DataFile(role, relative, _sha256(path), path.stat().st_mtime))
            else:
                problems.append(f"{display}: process.{role}: file '{relative}' not found")
    problems += _check_indicators(initiative, catalogue, display)
    if problems or len(frames) < 2:
        raise ParamsError(problems)
    problems += _finite(frames["panel"], display, data.panel)
    if problems:
        raise ParamsError(problems)
    study = Study(initiative, catalogue, *protect(frames["units"], frames["panel"], catalogue), files, notes)
    problems += _check_against_data(study)
    if problems:
        raise ParamsError(problems)
    return study


def place_names(study: Study) -> list[str]:
    """Names of the study's units and regions: public places, which a quote may name."""
    return sorted({str(v) for column in ("name", "region_name") if column in study.units
                   for v in study.units[column].dropna()})


def report_date(study: Study) -> date:
    """The date a report carries: ``report.date`` from the params, else the day its data files were
    last changed. Never the clock, so that the same inputs give the same report."""
    if study.params.report.date is not None:
        return study.params.report.date
    changed = [f.modified for f in study.data_files] or [study.initiative.path.stat().st_mtime]
    return datetime.fromtimestamp(max(changed)).date()


def cell_rule(indicator: Indicator) -> CellRule:
    """The privacy rule for one catalogue indicator: its ``min_cell``, and how its values count persons.

    A count 'per 1.000 inwoners' times its denominator over 1,000 gives the persons (or events)
    behind it, a percentage times its denominator over 100 too (and its complement counts);
    costs, waiting times and differences say nothing about how many persons they rest on.
    """
    if indicator.unit == "aantal":
        leading = re.match(r"\s*(\d{1,3}(?:\.\d{3})+|\d+)\b", indicator.per)
        per = int(leading.group(1).replace(".", "")) if leading else 1
        return CellRule(indicator.min_cell, persons_per_value=1 / per)
    if indicator.unit == "procent":
        return CellRule(indicator.min_cell, persons_per_value=1 / 100, share=True)
    return CellRule(indicator.min_cell)


def protect(units: pd.DataFrame, panel: pd.DataFrame, catalogue: Catalogue) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units table and panel under the privacy rules (the choke point every input path passes)."""
    rules = {key: cell_rule(indicator) for key, indicator in catalogue.indicators.items()}
    return protect_units(units), protect_panel(panel, rules, PUBLISHED_MARGINS, units=units)


def _finite(panel: pd.DataFrame, display: str, relative: str | None) -> list[str]:
    """'inf' reads as a number but is none: refuse it with the row where it stands."""
    where = f"data.panel: {relative}" if relative else "data.sources"
    problems = []
    for column in ("value", "denominator"):
        infinite = np.isinf(panel[column].to_numpy(dtype=float))
        if infinite.any():
            rows = ", ".join(str(i + 2) for i in np.flatnonzero(infinite)[:5])
            problems.append(f"{display}: {where}: column {column}: {panel[column][infinite].iloc[0]} in row(s) {rows} "
                            f"is not a finite number; expected a number or an empty cell")
    return problems


def _check_indicators(initiative: LoadedInitiative, catalogue: Catalogue, display: str) -> list[str]:
    known = set(catalogue.indicators)
    return [
        f"{display}: indicators[{i}]: unknown indicator '{c.id}'{suggest(c.id, known)} "
        f"(known indicators are listed in params/indicators.yaml)"
        for i, c in enumerate(initiative.params.indicator_choices()) if c.id not in known
    ]


def _check_against_data(study: Study) -> list[str]:
    display, params = study.display, study.params
    problems = []
    known_units = set(study.units.unit_id)
    names = dict(zip(study.units.name.str.lower(), study.units.unit_id))
    for i, treated in enumerate(params.treatment.units):
        if treated.unit not in known_units:
            by_name = names.get(str(treated.unit).lower())
            hint = f"; '{treated.unit}' is the name of {by_name}, use its unit_id" if by_name else suggest(treated.unit, known_units)
            problems.append(f"{display}: treatment.units[{i}].unit: unknown unit '{treated.unit}'{hint}")
    for key in ("units", "exclude"):
        for i, unit in enumerate(getattr(params.control_group, key)):
            if unit not in known_units:
                problems.append(f"{display}: control_group.{key}[{i}]: unknown unit '{unit}'{suggest(unit, known_units)}")
    regions = set(study.units.region)
    for i, region in enumerate(params.control_group.regions):
        if region not in regions:
            problems.append(f"{display}: control_group.regions[{i}]: unknown region '{region}'{suggest(region, regions)}")
    problems += _check_matching_columns(study)
    if params.region not in regions:
        problems.append(f"{display}: region: '{params.region}' does not occur in the units table{suggest(params.region, regions)}")
    if problems:
        return problems
    if not study.control_units:
        problems.append(f"{display}: control_group: no control units remain after exclusions; name some under control_group.units")
    outside: dict[int, list[str]] = {}
    for choice, indicator in study.indicators():
        present = study.panel[study.panel.indicator == choice.id]
        if present.empty:
            problems.append(f"{display}: indicators: '{choice.id}' has no rows in {params.data.panel or 'the data sources'}")
            continue
        try:
            periods = sorted({parse_period(p) for p in present.period}, key=lambda p: p.start_time)
        except ValueError as error:
            problems.append(f"{display}: indicators: '{choice.id}' in {params.data.panel or 'the data sources'}: {error}")
            continue
        wrong = [format_period(p) for p in periods if not p.freqstr.startswith(FREQUENCY_CODES[indicator.frequency])]
        if wrong:
            problems.append(f"{display}: indicators: '{choice.id}' is '{indicator.frequency}' in params/indicators.yaml, "
                            f"but the data hold periods such as {wrong[0]}")
            continue
        for i, treated in enumerate(params.treatment.units):
            first = first_treated_period(parse_period(treated.start), indicator.frequency)
            if first <= periods[0] or first > periods[-1]:
                outside.setdefault(i, []).append(f"{choice.id} {format_period(periods[0])}-{format_period(periods[-1])}")
    problems += _check_anticipation(study)
    for i, ranges in outside.items():
        problems.append(
            f"{display}: treatment.units[{i}].start: {params.treatment.units[i].start} lies outside the data "
            f"({'; '.join(ranges)}); a start needs at least one period of data before it and must fall within the data"
        )
    return problems


def _check_matching_columns(study: Study) -> list[str]:
    """Matching covariates are numeric columns of the units table."""
    display, rule = study.display, study.params.control_group
    columns = [c for c in study.units.columns if c not in ("unit_id", "name", "region", "region_name", "level")]
    problems = []
    for i, column in enumerate(rule.matching.on):
        if column not in study.units.columns:
            problems.append(f"{display}: control_group.matching.on[{i}]: '{column}' is no column of the units table"
                            f"{suggest(column, columns)}; expected one of {', '.join(columns)}")
        elif not pd.api.types.is_numeric_dtype(study.units[column]):
            problems.append(f"{display}: control_group.matching.on[{i}]: column '{column}' of the units table holds "
                            "text; expected a column of numbers")
    return problems


def _check_anticipation(study: Study) -> list[str]:
    """A start moved ``treatment.anticipation`` periods earlier must still leave a period of data before it."""
    display, params = study.display, study.params
    anticipation = params.treatment.anticipation
    if not anticipation:
        return []
    problems = []
    for choice, indicator in study.indicators():
        periods = sorted({parse_period(p) for p in study.panel.loc[study.panel.indicator == choice.id, "period"]},
                         key=lambda p: p.start_time)
        for i, treated in enumerate(params.treatment.units):
            first = first_treated_period(parse_period(treated.start), indicator.frequency)
            before = sum(p < first for p in periods)
            if periods and before <= anticipation:
                problems.append(
                    f"{display}: treatment.anticipation: {anticipation} periods before the start of "
                    f"treatment.units[{i}] ({treated.start}) leave no period of '{choice.id}' before the moved start "
                    f"(data from {format_period(periods[0])}); expected at most {max(before - 1, 0)}")
                break
    return problems
