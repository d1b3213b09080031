"""Questionnaire instruments as data: YAML files that describe items, dimensions and scales.

Shipped instruments live in ``instruments/<id>.yaml``; an evaluator can also
point to an own YAML file. Every file is validated on load, so that a typo in
a form is reported with the file, the item and what was expected, before any
response is read against it.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

SCALE_TYPES = ("likert", "maturity", "yesno", "categorical", "text")
FIXED_RANGES = {"likert": (1, 5), "maturity": (0, 5), "yesno": (0, 1)}
ORDINAL_TYPES = ("likert", "maturity")
NUMERIC_TYPES = ("likert", "maturity", "yesno")
_YES = {"ja", "yes", "j", "y", "true", "waar"}
_NO = {"nee", "no", "n", "false", "onwaar"}

_TOP_KEYS = {"id", "title", "description", "framework", "scales", "dimensions", "items", "phases"}
_FRAMEWORK_KEYS = {"name", "citation"}
_SCALE_KEYS = {"type", "min", "max", "labels", "options"}
_DIMENSION_KEYS = {"id", "label", "description"}
_PHASE_KEYS = {"number", "label"}
_ITEM_KEYS = {"id", "text", "dimension", "scale", "reverse", "phase"}


class InstrumentError(ValueError):
    """An instrument file does not describe a valid questionnaire."""


@dataclass(frozen=True)
class Scale:
    """How answers to an item are recorded and what values are allowed."""

    id: str
    type: str
    minimum: int | None = None
    maximum: int | None = None
    labels: dict[int, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    def expected(self) -> str:
        """Dutch description of the allowed answers, for error messages."""
        if self.type == "yesno":
            return "ja/nee (1/0)"
        if self.type in ORDINAL_TYPES:
            return f"een geheel getal van {self.minimum} tot en met {self.maximum}"
        if self.type == "categorical":
            return "een van: " + ", ".join(self.options)
        return "vrije tekst"

    def parse(self, value: Any) -> float | str | None:
        """Turn one raw answer into a value on this scale; blanks are missing, never zero.

        Raises ValueError with the expected values when the answer does not fit.
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                return None
        if self.type == "text":
            return str(value)
        if self.type == "categorical":
            text = str(value)
            if text in self.options:
                return text
            for code, label in self.options.items():
                if text.lower() in (code.lower(), label.lower()):
                    return code
            if isinstance(value, float) and value.is_integer() and str(int(value)) in self.options:
                return str(int(value))
            raise ValueError(self.expected())
        if isinstance(value, str):
            lowered = value.lower()
            if self.type == "yesno" and lowered in _YES:
                return 1.0
            if self.type == "yesno" and lowered in _NO:
                return 0.0
            for code, label in self.labels.items():
                if lowered == label.lower():
                    return float(code)
            try:
                value = float(value.replace(",", "."))
            except ValueError:
                raise ValueError(self.expected()) from None
        if isinstance(value, bool):
            value = float(value)
        number = float(value)
        if not number.is_integer() or not self.minimum <= number <= self.maximum:
            raise ValueError(self.expected())
        return number


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Phase:
    number: int
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    dimension: str
    scale: str
    reverse: bool = False
    phase: int | None = None


@dataclass(frozen=True)
class Instrument:
    """One validated questionnaire instrument and the framework it follows."""

    id: str
    title: str
    framework: str
    citation: str
    scales: dict[str, Scale]
    dimensions: dict[str, Dimension]
    items: dict[str, Item]
    phases: dict[int, Phase]
    description: str = ""
    source: str = ""

    def scale_of(self, item_id: str) -> Scale:
        return self.scales[self.items[item_id].scale]

    def dimension_items(self, dimension_id: str) -> list[Item]:
        return [item for item in self.items.values() if item.dimension == dimension_id]

    def dimension_scale(self, dimension_id: str) -> Scale:
        """The scale of a dimension; its items share it, or at least its type (checked on load)."""
        return self.scales[self.dimension_items(dimension_id)[0].scale]

    @property
    def numeric_dimensions(self) -> list[str]:
        """Dimensions that can be averaged (likert, maturity, yes/no)."""
        return [d for d in self.dimensions if self.dimension_scale(d).numeric]

    @property
    def checklist_items(self) -> list[Item]:
        """Items that mark a phase; they decide the phase reached."""
        return [item for item in self.items.values() if item.phase is not None]


def shipped_instruments() -> list[str]:
    """Ids of the instruments that come with the package."""
    folder = resources.files("evaluatie.process") / "instruments"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def check_keys(where: str, given: dict, allowed: set[str], error: type[ValueError] = InstrumentError) -> None:
    """Refuse unknown keys, suggesting the nearest valid one (a typo should not pass silently)."""
    for key in given:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            suggestion = f" Bedoelt u '{hint[0]}'?" if hint else ""
            raise error(
                f"{where}: onbekend veld '{key}'; toegestaan zijn {', '.join(sorted(allowed))}.{suggestion}"
            )


def _require(where: str, mapping: dict, key: str, kind: type | tuple[type, ...] = str) -> Any:
    if key not in mapping or mapping[key] is None or mapping[key] == "":
        raise InstrumentError(f"{where}: veld '{key}' ontbreekt.")
    value = mapping[key]
    if not isinstance(value, kind):
        raise InstrumentError(f"{where}: veld '{key}' moet van type {getattr(kind, '__name__', kind)} zijn.")
    return value


def _parse_scale(where: str, scale_id: str, spec: Any) -> Scale:
    where = f"{where}, schaal '{scale_id}'"
    if not isinstance(spec, dict):
        raise InstrumentError(f"{where}: verwacht een blok met 'type'.")
    check_keys(where, spec, _SCALE_KEYS)
    kind = _require(where, spec, "type")
    if kind not in SCALE_TYPES:
        raise InstrumentError(f"{where}: type '{kind}' is onbekend; kies uit {', '.join(SCALE_TYPES)}.")
    labels = {int(k): str(v) for k, v in (spec.get("labels") or {}).items()}
    options = {str(k): str(v) for k, v in (spec.get("options") or {}).items()}
    minimum = maximum = None
    if kind in FIXED_RANGES:
        minimum, maximum = FIXED_RANGES[kind]
        for key, expected in (("min", minimum), ("max", maximum)):
            if key in spec and spec[key] != expected:
                raise InstrumentError(
                    f"{where}: een {kind}-schaal loopt van {minimum} tot {maximum}, niet {key}={spec[key]}."
                )
        outside = [k for k in labels if not minimum <= k <= maximum]
        if outside:
            raise InstrumentError(f"{where}: labels {outside} liggen buiten {minimum}-{maximum}.")
    if kind == "categorical" and not options:
        raise InstrumentError(f"{where}: een categorische schaal heeft 'options' nodig (code: label).")
    if kind != "categorical" and options:
        raise InstrumentError(f"{where}: 'options' horen alleen bij een categorische schaal.")
    return Scale(id=scale_id, type=kind, minimum=minimum, maximum=maximum, labels=labels, options=options)


def parse_instrument(data: Any, source: str) -> Instrument:
    """Validate the content of one instrument file and build the Instrument."""
    if not isinstance(data, dict):
        raise InstrumentError(f"{source}: verwacht een YAML-blok met id, title, framework, scales, dimensions en items.")
    check_keys(source, data, _TOP_KEYS)
    instrument_id = _require(source, data, "id")
    title = _require(source, data, "title")
    framework = _require(source, data, "framework", dict)
    check_keys(f"{source}, framework", framework, _FRAMEWORK_KEYS)
    framework_name = _require(f"{source}, framework", framework, "name")
    citation = _require(f"{source}, framework", framework, "citation")

    scales_spec = _require(source, data, "scales", dict)
    scales = {str(k): _parse_scale(source, str(k), v) for k, v in scales_spec.items()}

    dimensions: dict[str, Dimension] = {}
    for index, spec in enumerate(_require(source, data, "dimensions", list), start=1):
        where = f"{source}, dimensie {index}"
        if not isinstance(spec, dict):
            raise InstrumentError(f"{where}: verwacht een blok met id en label.")
        check_keys(where, spec, _DIMENSION_KEYS)
        dim_id = str(_require(where, spec, "id"))
        if dim_id in dimensions:
            raise InstrumentError(f"{source}: dimensie-id '{dim_id}' komt meer dan eens voor.")
        dimensions[dim_id] = Dimension(dim_id, _require(where, spec, "label"), spec.get("description", ""))

    phases: dict[int, Phase] = {}
    for index, spec in enumerate(data.get("phases") or [], start=1):
        where = f"{source}, fase {index}"
        if not isinstance(spec, dict):
            raise InstrumentError(f"{where}: verwacht een blok met number en label.")
        check_keys(where, spec, _PHASE_KEYS)
        number = _require(where, spec, "number", int)
        if number in phases:
            raise InstrumentError(f"{source}: fase {number} komt meer dan eens voor.")
        phases[number] = Phase(number, _require(where, spec, "label"))

    items: dict[str, Item] = {}
    for index, spec in enumerate(_require(source, data, "items", list), start=1):
        where = f"{source}, item {index}"
        if not isinstance(spec, dict):
            raise InstrumentError(f"{where}: verwacht een blok met id, text, dimension en scale.")
        check_keys(where, spec, _ITEM_KEYS)
        item_id = str(_require(where, spec, "id"))
        where = f"{source}, item '{item_id}'"
        if item_id in items:
            raise InstrumentError(f"{where}: item-id komt meer dan eens voor; ids moeten uniek zijn.")
        dimension = str(_require(where, spec, "dimension"))
        if dimension not in dimensions:
            raise InstrumentError(
                f"{where}: dimensie '{dimension}' bestaat niet; verwacht een van {', '.join(dimensions)}."
            )
        scale = str(_require(where, spec, "scale"))
        if scale not in scales:
            raise InstrumentError(f"{where}: schaal '{scale}' bestaat niet; verwacht een van {', '.join(scales)}.")
        reverse = spec.get("reverse", False)
        if not isinstance(reverse, bool):
            raise InstrumentError(f"{where}: 'reverse' moet true of false zijn.")
        if reverse and scales[scale].type not in ORDINAL_TYPES:
            raise InstrumentError(f"{where}: alleen items op een likert- of rijpheidsschaal kunnen omgekeerd gescoord worden.")
        phase = spec.get("phase")
        if phase is not None and phase not in phases:
            raise InstrumentError(f"{where}: fase {phase!r} bestaat niet; verwacht een van {sorted(phases)}.")
        if phase is not None and scales[scale].type != "yesno":
            raise InstrumentError(f"{where}: een fase-item moet een ja/nee-schaal hebben.")
        items[item_id] = Item(item_id, _require(where, spec, "text"), dimension, scale, reverse, phase)

    for dim_id in dimensions:
        members = [item for item in items.values() if item.dimension == dim_id]
        if not members:
            raise InstrumentError(f"{source}: dimensie '{dim_id}' heeft geen items.")
        kinds = {scales[item.scale].type for item in members}
        numeric = {item.scale for item in members if scales[item.scale].numeric}
        if len(kinds) > 1 or len(numeric) > 1:
            found = ", ".join(f"{item.id}: {item.scale}" for item in members)
            raise InstrumentError(
                f"{source}: de items van dimensie '{dim_id}' gebruiken verschillende schalen ({found}); "
                "verwacht één schaal per dimensie (categorische items mogen elk eigen opties hebben)."
            )
    if phases and not any(item.phase is not None for item in items.values()):
        raise InstrumentError(f"{source}: er zijn fasen maar geen items met 'phase'.")

    return Instrument(
        id=instrument_id,
        title=title,
        framework=framework_name,
        citation=citation,
        scales=scales,
        dimensions=dimensions,
        items=items,
        phases=phases,
        description=data.get("description", ""),
        source=source,
    )


def load_instrument(instrument: str | Path) -> Instrument:
    """Load a shipped instrument by id, or an own instrument from a YAML path."""
    text_value = str(instrument)
    if isinstance(instrument, Path) or text_value.endswith((".yaml", ".yml")):
        path = Path(instrument)
        if not path.is_file():
            raise InstrumentError(f"Instrumentbestand '{path}' bestaat niet.")
        source, text = path.name, path.read_text(encoding="utf-8")
    else:
        known = shipped_instruments()
        if text_value not in known:
            hint = difflib.get_close_matches(text_value, known, n=1)
            suggestion = f" Bedoelt u '{hint[0]}'?" if hint else ""
            raise InstrumentError(
                f"Onbekend instrument '{text_value}'; meegeleverd zijn {', '.join(known)}, "
                f"of geef het pad naar een eigen YAML-bestand.{suggestion}"
            )
        source = f"{text_value}.yaml"
        text = (resources.files("evaluatie.process") / "instruments" / source).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InstrumentError(f"{source}: geen geldige YAML ({error}).") from error
    return parse_instrument(data, source)


def load_instruments(instruments: list[str | Path] | tuple[str | Path, ...]) -> list[Instrument]:
    """Load several instruments; item ids must be unique across them, as responses use one column per item."""
    loaded = [load_instrument(spec) for spec in instruments]
    seen: dict[str, str] = {}
    for instrument in loaded:
        if instrument.id in {i.id for i in loaded if i is not instrument}:
            raise InstrumentError(f"{instrument.source}: instrument-id '{instrument.id}' is al in gebruik.")
        for item_id in instrument.items:
            if item_id in seen:
                raise InstrumentError(
                    f"{instrument.source}: item '{item_id}' staat ook in {seen[item_id]}; "
                    "item-ids moeten over alle instrumenten uniek zijn."
                )
            seen[item_id] = instrument.source
    return loaded
