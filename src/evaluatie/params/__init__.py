"""Parameters of an initiative (``params/<region>/<initiative>.yaml``) and the indicator catalogue.

The pydantic models are the single description of what a params file may hold; the JSON Schema
for editors is exported from them. Every validation problem becomes a :class:`ParamsError` whose
lines name the file, the key path and what is expected, so the command line can print them
without a traceback.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import os
import types
import typing
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from evaluatie.params.sources import SOURCE_TYPES, Sources
from evaluatie.periods import parse_period

CATALOGUE_FILE = "indicators.yaml"
SCHEMA_FILE = "initiative.schema.json"
PARAMS_SUFFIXES = (".yaml", ".yml")
MAX_PARAMS_BYTES = 1_000_000  # a params file is a page of settings; anything larger is a mistake or an attack

Law = Literal["Zvw", "Wlz", "Wmo", "Jeugdwet", "Participatiewet", "overig"]
Domain = Literal["kwaliteit", "gezondheid", "kosten", "professionals", "gelijkheid"]
Mechanism = Literal["voorkomen", "verplaatsen", "vervangen"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="lower case letters, digits and '-'")]


class ParamsError(Exception):
    """One or more problems in params files, each a readable line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Strict(BaseModel):
    """Base for params models: unknown keys are errors, values are not coerced between types."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- indicator catalogue -------------------------------------------------------------------


class Indicator(Strict):
    """One indicator of the catalogue: what it measures and how to read it."""

    label: str
    unit: Literal["euro", "aantal", "weken", "procent", "procentpunt"]
    per: str
    frequency: Literal["jaar", "kwartaal"]
    direction: Literal["lager_beter", "hoger_beter", "ambigu"]
    domains: list[Domain]
    mechanism: list[Mechanism] = []
    law: Law
    denominator: str = "inwoners"
    euro_per_unit: float | None = None
    breaks: list[int] = []
    break_note: str | None = None
    min_cell: int = 10
    source: str


class Catalogue(Strict):
    indicators: dict[str, Indicator]


# --- initiative ---------------------------------------------------------------------------------


class Partner(Strict):
    name: str
    kind: Literal[
        "gemeente", "zorgverzekeraar", "zorgkantoor", "zorgaanbieder", "huisartsen",
        "welzijn", "woningcorporatie", "ggd", "inwoners", "overig",
    ]
    domain: Law


class TreatedUnit(Strict):
    unit: str = Field(description="unit_id from the units table, e.g. FG0101")
    start: str | int = Field(description="first period of the initiative: a year (2018) or a quarter (2018Q3)")

    @field_validator("start")
    @classmethod
    def _valid_period(cls, value: str | int) -> str | int:
        parse_period(value)
        return value


class Treatment(Strict):
    units: list[TreatedUnit] = Field(min_length=1)
    intensity: float = Field(1.0, gt=0, le=1, description="share of budget or population in the initiative")
    anticipation: int = Field(0, ge=0, description="periods before the start in which effects may already show")

    @model_validator(mode="after")
    def _units_unique(self) -> Treatment:
        seen = [u.unit for u in self.units]
        twice = sorted({u for u in seen if seen.count(u) > 1})
        if twice:
            raise ValueError(f"unit(s) listed twice: {', '.join(twice)}")
        return self


class IndicatorChoice(Strict):
    id: str
    steered: bool = Field(False, description="the initiative itself steers this indicator (e.g. a fixed budget)")


class Matching(Strict):
    """Options of ``outcome.design.match_controls``: controls that resemble the participants before the start."""

    on: list[str] = Field([], description="covariates from the units table; the indicator's level and trend before "
                                          "the start are always matched on")
    distance: Literal["mahalanobis", "propensity"] = "mahalanobis"
    neighbours: int = Field(1, ge=1, description="controls per participating unit")
    caliper: float | None = Field(None, gt=0, description="largest distance of a pair (propensity: in standard "
                                                          "deviations of the score)")
    replace: bool = Field(False, description="a control may serve more than one participating unit")


class ControlGroup(Strict):
    type: Literal["all_untreated", "list"] = "all_untreated"
    units: list[str] = Field([], description="explicit control units (type: list)")
    regions: list[str] = Field([], description="restrict all_untreated to these regions")
    exclude: list[str] = []
    exclude_other_initiatives: bool = Field(
        True, description="leave out units that take part in another initiative under params/"
    )
    method: Literal["none", "matching", "synthetic_control"] = Field(
        "none", description="matching: every estimate uses matched controls from the group above; "
                            "synthetic_control: a synthetic control beside the estimate, as a robustness check")
    matching: Matching = Matching()

    @model_validator(mode="after")
    def _list_needs_units(self) -> ControlGroup:
        if self.type == "list" and not self.units:
            raise ValueError("type 'list' needs at least one unit under 'units'")
        if self.method != "matching" and "matching" in self.model_fields_set:
            raise ValueError("'matching' options need method: matching")
        return self


class Financing(Strict):
    """The financing typology of DOMAIN.md §5, as separate fields rather than one label."""

    payment_title: Literal["aanbod", "resultaat", "gemengd"] | None = None
    volume_basis: Literal["populatie", "caseload", "gemengd"] | None = None
    cap: Literal["geen", "per_aanbieder", "populatie_2e_lijn", "populatie_0_1_2_lijn"] | None = None
    shared_savings: Literal["geen", "inkoper_aanbieder", "aanbieder_aanbieder", "inkoper_inkoper"] | None = None
    contracting: Literal["partnerschap", "competitie", "hoofdaannemer"] | None = None
    contract_years: int | None = Field(None, ge=1)
    risk_pooling: Literal["geen", "solidariteit", "profijt", "tussenvorm"] | None = None
    savings_shares: dict[Law, float] = Field(
        {}, description="agreed share of the net saving per payer under shared_savings (summing to 1); "
                        "empty: equal shares for the payers with a shown effect")
    pooled_laws: list[Law] = []
    pooled_share: float | None = Field(None, ge=0, le=1)
    kassier: bool = False
    lumpsum: bool = False
    description: str | None = None

    @field_validator("savings_shares")
    @classmethod
    def _shares_add_up(cls, shares: dict[str, float]) -> dict[str, float]:
        if any(v < 0 for v in shares.values()):
            raise ValueError("shares must be 0 or more")
        if shares and abs(sum(shares.values()) - 1) > 1e-6:
            raise ValueError(f"shares must add up to 1 (100%), not {sum(shares.values()):g}")
        return shares


class OutcomeOptions(Strict):
    """Design choices of the outcome evaluation that an evaluator may override."""

    inference: Literal["auto", "cluster", "wild_bootstrap", "randomization"] = Field(
        "auto", description="auto: randomisation with fewer than 10 participating units, else clustered errors")
    control_group: Literal["never_treated", "not_yet_treated"] = Field(
        "never_treated", description="comparison units for staggered starts (Callaway & Sant'Anna)")


class DataSources(Strict):
    folders: list[str] = Field([], description="folders outside the project from which data may be read "
                                               "(absolute paths); every other path must lie inside the project")
    units: str | None = Field(None, description="units table (CSV), relative to the project folder")
    panel: str | None = Field(None, description="panel (CSV: unit_id, period, indicator, value, denominator)")
    sources: Sources | None = Field(None, description="downloaded files, read directly (docs/real-data.md)")

    @model_validator(mode="after")
    def _prepared_or_sources(self) -> DataSources:
        prepared = self.units is not None and self.panel is not None
        if self.sources is None and not prepared:
            raise ValueError("give 'units' and 'panel' (prepared CSV files) or 'sources'")
        if self.sources is not None and (self.units is not None or self.panel is not None):
            raise ValueError("give either 'units' and 'panel' or 'sources', not both")
        return self


class ProcessSources(Strict):
    responses: str | None = Field(None, description="questionnaire export (CSV, XLSX or SAV)")
    interviews: str | None = Field(None, description="coded interview segments (CSV)")
    instruments: list[str] = Field(["scirocco", "rivm", "ketenzorg"], description="instrument ids or YAML paths")
    column_mapping: dict[str, str] = {}
    codebook: str = "default"
    min_group_size: int = Field(5, ge=1)
    show_organisation_names: bool = False


class ReportOptions(Strict):
    confidence_level: float = Field(0.95, gt=0.5, lt=1)
    seed: int = 20240101
    date: Date | None = Field(None, description="date on the report (YYYY-MM-DD); empty: the date the data "
                                                "were last changed, so the same inputs give the same report")
    contact: str | None = Field(None, min_length=3, description="who answers questions about the report, shown "
                                "in the colofon; a team or a function mailbox rather than a person's name")


class Initiative(Strict):
    id: Slug
    name: str
    region: Slug
    description: str
    demo: bool = Field(False, description="data are synthetic: the report shows a DEMO banner")
    partners: list[Partner] = Field(min_length=1)
    treatment: Treatment
    indicators: list[IndicatorChoice | str] = Field(min_length=1)
    control_group: ControlGroup = ControlGroup()
    financing: Financing = Financing()
    outcome: OutcomeOptions = OutcomeOptions()
    data: DataSources
    process: ProcessSources | None = None
    report: ReportOptions = ReportOptions()

    def indicator_choices(self) -> list[IndicatorChoice]:
        return [IndicatorChoice(id=c) if isinstance(c, str) else c for c in self.indicators]

    @model_validator(mode="after")
    def _indicators_unique(self) -> Initiative:
        ids = [c.id for c in self.indicator_choices()]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"indicator(s) listed twice: {', '.join(twice)}")
        return self


@dataclass(frozen=True)
class LoadedInitiative:
    """A validated initiative with where it came from, so relative data paths resolve.

    ``overrides`` are the what-if settings of this run (dotted key: value), applied over the file.
    """

    params: Initiative
    path: Path
    project_dir: Path
    overrides: dict[str, Any] = field(default_factory=dict)

    def resolve(self, relative: str) -> Path:
        """The file a params path names; a path outside the allowed folders is refused, never opened."""
        path = inside_allowed(relative, self.project_dir, self.params.data.folders)
        if path is None:
            raise ParamsError([f"{display_path(self.path, self.project_dir)}: {relative}: {OUTSIDE}"])
        return path.resolve()


OUTSIDE = ("lies outside the project folder; expected a path relative to the project folder, or inside "
           "a folder listed under data.folders")


def inside_allowed(relative: str, project_dir: Path, folders: list[str]) -> Path | None:
    """``relative`` joined to the project folder, when it stays inside it or inside one of ``folders``.

    The test is on the written path ('..' resolved as text): a link that someone placed inside the
    project folder is trusted like the folder itself.
    """
    joined = Path(os.path.normpath(project_dir / relative))
    roots = [Path(os.path.normpath(project_dir))] + [Path(os.path.normpath(project_dir / f)) for f in folders]
    return joined if any(joined == root or root in joined.parents for root in roots) else None


def data_paths(params: Initiative) -> list[tuple[str, str]]:
    """Every file path in the params, with its key path (for the check that they stay inside)."""
    data, found = params.data, []
    found += [(f"data.{key}", getattr(data, key)) for key in ("units", "panel") if getattr(data, key)]
    if data.sources is not None:
        found += [(f"data.sources.{key}", getattr(data.sources, key))
                  for key in ("municipalities", "mergers") if getattr(data.sources, key)]
        for i, source in enumerate(data.sources.files):
            found += [(f"data.sources.files[{i}]", path) for path in source.files()]
    if params.process is not None:
        found += [(f"process.{key}", getattr(params.process, key))
                  for key in ("responses", "interviews") if getattr(params.process, key)]
        found += [(f"process.instruments[{i}]", path) for i, path in enumerate(params.process.instruments)
                  if path.endswith(PARAMS_SUFFIXES)]
        if params.process.codebook.endswith(PARAMS_SUFFIXES):
            found.append(("process.codebook", params.process.codebook))
    return found


def _outside_paths(params: Initiative, project_dir: Path, display: str) -> list[str]:
    return [f"{display}: {key}: '{path}' {OUTSIDE}" for key, path in data_paths(params)
            if inside_allowed(path, project_dir, params.data.folders) is None]


# --- loading and messages -------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loader that refuses a key given twice (PyYAML silently keeps the last one) and reads a key as
    written: YAML 1.1 would turn the key ``on`` (``control_group.matching.on``) into ``True``."""


def _mapping_without_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    keys = set()
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:bool":
            key_node.tag = "tag:yaml.org,2002:str"
        key = loader.construct_object(key_node)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' appears twice", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def read_yaml(path: Path, display: str) -> Any:
    if not path.is_file():
        raise ParamsError([f"{display}: file not found"])
    size = path.stat().st_size
    if size > MAX_PARAMS_BYTES:
        raise ParamsError([f"{display}: file is {size:,} bytes; a params file may be at most "
                           f"{MAX_PARAMS_BYTES:,} bytes (data belong in the data files it names)"])
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except UnicodeDecodeError:
        raise ParamsError([f"{display}: not UTF-8 text; save the file as UTF-8"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ParamsError([f"{display}{where}: not valid YAML: {problem}"]) from None


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types behind Optional/Union/list/dict/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, dict):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The params model that holds the key at ``loc`` (skipping list indices and union tags)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if part in SOURCE_TYPES:  # the tag of a data source picks its model
            current = SOURCE_TYPES[part]
            continue
        if not isinstance(part, str) or part not in current.model_fields:
            continue
        candidates = [t for t in _unwrap(current.model_fields[part].annotation)
                      if isinstance(t, type) and issubclass(t, BaseModel)]
        current = candidates[0] if candidates else None
    return current


def _allowed(model: type[BaseModel], loc: tuple) -> list[str]:
    parent = _model_at(model, loc)
    return sorted(parent.model_fields) if parent else []


def _key_path(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("IndicatorChoice", "str", "function-after[_valid_period(), union[str,int]]", "[key]",
                      *SOURCE_TYPES):
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def suggest(word: str, options: list[str] | set[str]) -> str:
    """'; did you mean X?' for the nearest option, or an empty string."""
    close = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _describe(error: dict, model: type[BaseModel]) -> str:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-", "union["))))
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed(model, loc[:-1])
        hint = suggest(loc[-1], allowed) or (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
        return f"{_key_path(loc)}: unknown key{hint}"
    if kind == "missing":
        return f"{_key_path(loc)}: required key is missing"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        hint = suggest(error.get("input"), [x.strip(" '") for x in expected.replace(" or ", ",").split(",")])
        return f"{_key_path(loc)}: {error['input']!r} is not allowed; expected one of {expected}{hint}"
    message = error["msg"].removeprefix("Value error, ")
    got = error.get("input")
    return f"{_key_path(loc)}: {message}" + ("" if isinstance(got, (dict, list)) else f" (got {got!r})")


def _validate(model: type[BaseModel], raw: Any, display: str) -> Any:
    if not isinstance(raw, dict):
        raise ParamsError([f"{display}: expected a mapping of keys to values at the top level"])
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        lines, seen = [], set()
        items = error.errors()
        misspelt = {_key_path(i["loc"][:-1] + (m,)) for i in items if i["type"] == "extra_forbidden"
                    for m in difflib.get_close_matches(str(i["loc"][-1]), _allowed(model, i["loc"][:-1]), n=1, cutoff=0.6)}
        for item in items:
            # An indicator may be a plain string or a mapping: report the mapping's problems only.
            if item["loc"] and "str" in item["loc"] and item["type"] == "string_type":
                continue
            # A misspelt required key is reported once, as the misspelling.
            if item["type"] == "missing" and _key_path(item["loc"]) in misspelt:
                continue
            line = f"{display}: {_describe(item, model)}"
            if line not in seen:
                seen.add(line)
                lines.append(line)
        raise ParamsError(lines) from None


def find_project_dir(path: Path) -> Path:
    """The folder whose ``params/`` holds the indicator catalogue, searched upwards from ``path``."""
    for folder in [path if path.is_dir() else path.parent, *path.resolve().parents]:
        if (folder / CATALOGUE_FILE).is_file() and folder.name == "params":
            return folder.parent
        if (folder / "params" / CATALOGUE_FILE).is_file():
            return folder
    raise ParamsError([f"{path}: no params/{CATALOGUE_FILE} found in this folder or above it"])


def display_path(path: Path, project_dir: Path) -> str:
    """A path as the user knows it: relative to the project, never an absolute machine path."""
    try:
        return path.resolve().relative_to(project_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def load_catalogue(project_dir: Path) -> Catalogue:
    path = project_dir / "params" / CATALOGUE_FILE
    return _validate(Catalogue, read_yaml(path, display_path(path, project_dir)), display_path(path, project_dir))


def parse_overrides(pairs: list[str] | dict[str, Any]) -> dict[str, Any]:
    """``KEY=VALUE`` what-if settings as a mapping; the value is read as YAML (``[a, b]``, ``0.9``, ``true``)."""
    if isinstance(pairs, dict):
        return dict(pairs)
    parsed: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParamsError([f"-p {pair}: expected KEY=VALUE with a dotted key, e.g. -p report.seed=7"])
        try:
            parsed[key.strip()] = yaml.load(value, Loader=_UniqueKeyLoader) if value.strip() else None
        except yaml.YAMLError:
            raise ParamsError([f"-p {pair}: the value is not valid YAML; quote text, write lists as [a, b]"]) from None
    return parsed


def apply_overrides(raw: Any, overrides: dict[str, Any], display: str) -> Any:
    """The params mapping with each dotted key set (a number in the key indexes a list: treatment.units.0.start)."""
    if not overrides or not isinstance(raw, dict):
        return raw
    result = copy.deepcopy(raw)
    for key, value in overrides.items():
        parts = key.split(".")
        target: Any = result
        for depth, part in enumerate(parts[:-1]):
            step = int(part) if isinstance(target, list) and part.isdigit() else part
            if isinstance(target, list):
                if not isinstance(step, int) or step >= len(target):
                    raise ParamsError([f"{display}: -p {key}: '{'.'.join(parts[:depth])}' is a list of "
                                       f"{len(target)}; expected an index from 0 to {len(target) - 1}"])
            elif isinstance(target, dict):
                if not isinstance(target.get(step), (dict, list)):
                    target[step] = {}
            else:
                raise ParamsError([f"{display}: -p {key}: '{'.'.join(parts[:depth])}' holds a value, not keys"])
            target = target[step]
        last = parts[-1]
        if isinstance(target, list):
            if not last.isdigit() or int(last) >= len(target):
                raise ParamsError([f"{display}: -p {key}: expected an index from 0 to {len(target) - 1}"])
            target[int(last)] = value
        else:
            target[last] = value
    return result


def load_initiative(path: str | Path, overrides: list[str] | dict[str, Any] | None = None) -> LoadedInitiative:
    """Read and validate one params file (structure only; :func:`evaluatie.data.study.load_study` checks data).

    ``overrides`` (``["report.seed=7"]`` or ``{"report.seed": 7}``) change settings for this run only;
    the result is validated exactly like a file.
    """
    path = Path(path)
    project_dir = find_project_dir(path)
    display = display_path(path, project_dir)
    if path.suffix not in PARAMS_SUFFIXES:
        raise ParamsError([f"{display}: not a params file; expected a name ending in .yaml or .yml"])
    twin = path.with_suffix(".yml" if path.suffix == ".yaml" else ".yaml")
    if twin.is_file():
        raise ParamsError([f"{display}: {twin.name} describes the same initiative; keep one of the two files"])
    chosen = parse_overrides(overrides or [])
    raw = apply_overrides(read_yaml(path, display), chosen, display)
    params = _validate(Initiative, raw, display + (" (with -p overrides)" if chosen else ""))
    problems = _outside_paths(params, project_dir, display)
    if params.id != path.stem:
        problems.append(f"{display}: id: '{params.id}' differs from the file name; expected '{path.stem}'")
    if params.region != path.parent.name:
        problems.append(f"{display}: region: '{params.region}' differs from the folder; expected '{path.parent.name}'")
    if problems:
        raise ParamsError(problems)
    return LoadedInitiative(params=params, path=path.resolve(), project_dir=project_dir.resolve(), overrides=chosen)


def initiative_files(paths: list[Path]) -> list[Path]:
    """All initiative params files under the given files or folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in PARAMS_SUFFIXES and p.is_file()
                            and p.name != CATALOGUE_FILE)
        else:
            found.append(path)
    return found


def units_in_other_initiatives(initiative: LoadedInitiative) -> set[str]:
    """Units treated in any other initiative under the same params folder (they are no clean controls)."""
    others: set[str] = set()
    for path in initiative_files([initiative.project_dir / "params"]):
        if path.resolve() == initiative.path:
            continue
        others |= _treated_units(path, path.stat().st_mtime_ns)
    return others


@functools.lru_cache(maxsize=1024)
def _treated_units(path: Path, _version: int) -> frozenset[str]:
    """The treated units of one params file, read once per version of the file (every initiative asks)."""
    try:
        return frozenset(u.unit for u in load_initiative(path).params.treatment.units)
    except ParamsError:
        return frozenset(_units_from_broken_file(path))  # reported on its own; its units are still no controls


def _units_from_broken_file(path: Path) -> set[str]:
    """Best-effort treated units of a params file that does not validate."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {str(u["unit"]) for u in raw["treatment"]["units"] if isinstance(u, dict) and "unit" in u}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
        return set()


def json_schema() -> str:
    """The JSON Schema of an initiative params file, for editors (yaml-language-server)."""
    schema = Initiative.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "evaluatie initiative parameters"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
