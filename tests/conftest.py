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


@pytest.fixture
def project(tmp_path, demo_data) -> Path:
    """A copy of the project's params and notebooks with the demo data, in a temporary folder."""
    shutil.copytree(ROOT / "params", tmp_path / "params")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "demo").symlink_to(demo_data, target_is_directory=True)
    return tmp_path
