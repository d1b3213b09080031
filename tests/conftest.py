"""Shared fixtures: the demo data built once per session, and throw-away project folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaluatie.demo import write_demo_data

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_demo_data(folder)
    return folder


def _project_in(folder: Path, demo_data: Path) -> Path:
    shutil.copytree(ROOT / "params", folder / "params")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    (folder / "data").mkdir()
    (folder / "data" / "demo").symlink_to(demo_data, target_is_directory=True)
    return folder


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory, demo_data) -> Path:
    """All demo reports, region overviews, the index and one data audit, built once into a throw-away project.

    Tests that use it carry ``pytest.mark.xdist_group("reports")``, so one worker builds it once.
    """
    from evaluatie.batch import run_batch, select
    from evaluatie.cli import main

    root = _project_in(tmp_path_factory.mktemp("reports"), demo_data)
    results = run_batch(root, select(root), jobs=2, progress=lambda line: None)
    assert all(r.status == "ok" for r in results), [r.error for r in results]
    assert main(["--project", str(root), "check", str(root / "params" / "polderoost" / "proeftuin-hart.yaml")]) == 0
    return root


@pytest.fixture
def project(tmp_path, demo_data) -> Path:
    """A copy of the project's params and notebooks with the demo data, in a temporary folder."""
    return _project_in(tmp_path, demo_data)
