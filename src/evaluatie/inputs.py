"""What a report is built from, as hashes: the key that decides whether a report must be rebuilt.

A report's inputs are its params file, every data and process file the params name (patterns
expanded), the indicator catalogue, the notebook, the package itself (its version and files), the
units other initiatives treat (they are left out of its control group) and the what-if settings of
the run. The same function gives the inputs when a report is built and when a later run asks
whether it is still current, so a report is skipped only when nothing it was built from changed.
This module imports only the params layer: a run with nothing to do stays fast.
"""

from __future__ import annotations

import glob
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluatie import __version__
from evaluatie.params import (
    CATALOGUE_FILE, ParamsError, data_paths, display_path, initiative_files, load_initiative, parse_overrides,
    units_in_other_initiatives,
)

PACKAGE_DIR = Path(__file__).resolve().parent
NOTEBOOK = Path("notebooks") / "initiative.ipynb"
REGION_NOTEBOOK = Path("notebooks") / "region.ipynb"
PACKAGE_FILES = ("*.py", "*.yaml", "*.j2", "*.css", "*.csv", "*.json")
MANIFEST = "manifest.json"
OVERVIEWS = "overviews.json"  # reports/overviews.json: the input key of every region overview


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes; 'missing' for a file that is not there (so its appearance counts too)."""
    if not path.is_file():
        return "missing"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_package: str | None = None


def package_fingerprint() -> str:
    """The version and the bytes of the package's own files: an edited install counts as a new version."""
    global _package
    if _package is None:
        files = sorted(p for pattern in PACKAGE_FILES for p in PACKAGE_DIR.rglob(pattern))
        parts = [__version__] + [f"{p.relative_to(PACKAGE_DIR).as_posix()}:{file_digest(p)}" for p in files]
        _package = text_digest("\n".join(parts))
    return _package


def output_name(initiative_id: str, overrides: dict[str, Any], replace: bool = False) -> str:
    """The report's file name: the id, or for a what-if run the id with a short mark of its settings."""
    if not overrides or replace:
        return initiative_id
    return f"{initiative_id}-wat-als-{settings_digest(overrides)[:8]}"


def settings_digest(overrides: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(overrides, sort_keys=True, default=str).encode()).hexdigest()


def report_inputs(params_file: Path, project_dir: Path, notebook: Path,
                  overrides: dict[str, Any] | list[str] | None = None, replace: bool = False) -> dict[str, str]:
    """Every input of one report as {name: hash}; file names relative to the project, the others start with '@'.

    A params file that does not validate gives only the inputs that can be known; such a report is
    never current anyway (its build fails).
    """
    chosen = parse_overrides(overrides or [])
    files = [params_file, project_dir / "params" / CATALOGUE_FILE, project_dir / notebook]
    inputs = {"@package": package_fingerprint(), "@settings": settings_digest({"overrides": chosen, "replace": replace})}
    try:
        initiative = load_initiative(params_file, chosen)
    except ParamsError:
        initiative = None
    if initiative is not None:
        for _, named in data_paths(initiative.params):
            path = project_dir / named
            files += [Path(p) for p in sorted(glob.glob(str(path)))] if glob.has_magic(named) else [path]
        inputs["@treated-elsewhere"] = text_digest(json.dumps(sorted(units_in_other_initiatives(initiative))))
    for path in files:
        inputs[_name(path, project_dir)] = file_digest(path)
    return inputs


def _name(path: Path, project_dir: Path) -> str:
    """A file as the params name it (links not followed); outside the project only its name, never a machine path."""
    try:
        return path.relative_to(project_dir).as_posix()
    except ValueError:
        return display_path(path, project_dir)


def input_key(inputs: dict[str, str]) -> str:
    return text_digest(json.dumps(inputs, sort_keys=True))


def read_manifest(project_dir: Path) -> list[dict]:
    """The entries of reports/manifest.json; an unreadable manifest counts as empty (everything is rebuilt)."""
    path = project_dir / "reports" / MANIFEST
    try:
        entries = json.loads(path.read_text("utf-8"))
        return [e for e in entries if isinstance(e, dict) and "region" in e and "initiative" in e]
    except (OSError, ValueError, TypeError):
        return []


def current_reports(project_dir: Path, files: list[Path], notebook: Path,
                    overrides: dict[str, Any] | list[str] | None = None, replace: bool = False) -> list[Path]:
    """The params files whose report is good and built from exactly today's inputs: no need to rebuild them."""
    chosen = parse_overrides(overrides or [])
    built = {(e["region"], e.get("output") or e["initiative"]): e for e in read_manifest(project_dir)}
    current = []
    for path in files:
        region, output = path.parent.name, output_name(path.stem, chosen, replace)
        entry = built.get((region, output))
        if (entry is not None and entry["status"] == "ok" and entry.get("key")
                and (project_dir / "reports" / region / f"{output}.html").is_file()
                and entry["key"] == input_key(report_inputs(path, project_dir, notebook, chosen, replace))):
            current.append(path)
    return current


def overview_key(project_dir: Path, region: str, region_name: str, notebook: Path) -> str | None:
    """The inputs of a region overview (its notebook, the package, the region's summaries); None without summaries."""
    summaries = sorted((project_dir / "reports" / region).glob("*.summary.json"))
    if not summaries:
        return None
    parts = {"@package": package_fingerprint(), "@name": region_name,
             notebook.as_posix(): file_digest(project_dir / notebook)}
    parts.update({p.name: file_digest(p) for p in summaries})
    return input_key(parts)


def read_overview_keys(project_dir: Path) -> dict[str, str]:
    try:
        keys = json.loads((project_dir / "reports" / OVERVIEWS).read_text("utf-8"))
        return keys if isinstance(keys, dict) else {}
    except (OSError, ValueError):
        return {}


def overview_is_current(project_dir: Path, region: str, region_name: str) -> bool:
    """True when there is nothing to show (no summaries) or the overview was built from exactly today's inputs."""
    key = overview_key(project_dir, region, region_name, REGION_NOTEBOOK)
    return key is None or ((project_dir / "reports" / region / "index.html").is_file()
                           and read_overview_keys(project_dir).get(region) == key)


def select(project_dir: Path, region: str | None = None, initiative: str | None = None) -> list[Path]:
    files = initiative_files([project_dir / "params"])
    return [f for f in files if (region is None or f.parent.name == region) and (initiative is None or f.stem == initiative)]


@dataclass
class Plan:
    """What a run has to do: the reports to build, those still current, and the regions whose overviews to check."""

    todo: list[Path]
    current: list[Path]
    regions: dict[str, str]  # region id: display name as last built

    def nothing_to_do(self, project_dir: Path) -> bool:
        return not self.todo and all(overview_is_current(project_dir, r, n) for r, n in self.regions.items())

    def up_to_date_line(self) -> str:
        count = len(self.current)
        return (f"all {count} report{'s' if count != 1 else ''} up to date "
                "(nothing they are built from changed; --force rebuilds)")


def plan(project_dir: Path, files: list[Path], notebook: Path = NOTEBOOK,
         overrides: dict[str, Any] | list[str] | None = None, replace: bool = False, force: bool = False) -> Plan:
    """Which reports to build; bad -p settings build them all (each then fails with the settings' problem)."""
    try:
        current = [] if force else current_reports(project_dir, files, notebook, overrides, replace)
        what_if = bool(parse_overrides(overrides or [])) and not replace
    except ParamsError:
        current, what_if = [], True
    regions = {} if what_if else _region_names(project_dir, files)
    return Plan([f for f in files if f not in current], current, regions)


def _region_names(project_dir: Path, files: list[Path]) -> dict[str, str]:
    """The regions of these initiatives with their display names as last built (else the folder name)."""
    names = {f.parent.name: f.parent.name for f in files}
    for entry in read_manifest(project_dir):
        if entry["region"] in names and entry.get("region_name"):
            names[entry["region"]] = entry["region_name"]
    return names
