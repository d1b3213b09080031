"""The package's rooms point one way: params -> data -> analysis -> report -> batch and command line.

A module may import from its own room and from rooms below it, never from a room above it or from a
room beside it on the same floor (outcome and process are separate analyses; report and demo both sit
on the analysis). Every import counts, also those inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "evaluatie"

FLOORS = {
    "evaluatie": 0, "evaluatie.formats": 0, "evaluatie.periods": 0, "evaluatie.privacy": 0, "evaluatie.memo": 0,
    "evaluatie.params": 1,
    "evaluatie.data": 2, "evaluatie.inputs": 2,
    "evaluatie.outcome": 3, "evaluatie.process": 3,
    "evaluatie.report": 4, "evaluatie.demo": 4,
    "evaluatie.batch": 5,
    "evaluatie.cli": 6,
}


def room_of(module: str) -> str:
    """The room a dotted module name belongs to: the longest prefix in FLOORS."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        candidate = ".".join(parts[:length])
        if candidate in FLOORS:
            return candidate
    raise KeyError(module)


def module_name(path: Path, package: Path = PACKAGE) -> str:
    relative = path.relative_to(package.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name == "evaluatie" or name.startswith("evaluatie.")]


def violations(path: Path, package: Path = PACKAGE) -> list[str]:
    own = room_of(module_name(path, package))
    problems = []
    for line, target in imported_modules(path):
        other = room_of(target)
        if other == own or other == "evaluatie":
            continue
        if FLOORS[other] > FLOORS[own]:
            problems.append(f"{path.relative_to(package)}:{line} imports {target} from a room above ({other})")
        elif FLOORS[other] == FLOORS[own]:
            problems.append(f"{path.relative_to(package)}:{line} imports {target} from a room beside it ({other})")
    return problems


def test_every_module_has_a_room():
    for path in PACKAGE.rglob("*.py"):
        room_of(module_name(path))


def test_imports_point_down():
    problems = [p for path in sorted(PACKAGE.rglob("*.py")) for p in violations(path)]
    assert problems == []


def test_the_check_catches_upward_and_sideways_imports(tmp_path):
    package = tmp_path / "evaluatie"
    probe = package / "data" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from evaluatie.params import Indicator\n\n\ndef late():\n"
                     "    from evaluatie.report.render import write_atomic\n", encoding="utf-8")
    beside = package / "outcome" / "probe.py"
    beside.parent.mkdir(parents=True)
    beside.write_text("import evaluatie.process.scoring\n", encoding="utf-8")
    assert violations(probe, package) == [
        "data/probe.py:5 imports evaluatie.report.render from a room above (evaluatie.report)"]
    assert violations(beside, package) == [
        "outcome/probe.py:1 imports evaluatie.process.scoring from a room beside it (evaluatie.process)"]
