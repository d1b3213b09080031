"""Fixture files shipped with the tests, and a helper to write a small bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluatie.data.geography import read_mergers, read_municipalities

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def reference():
    return read_municipalities(FIXTURES / "gemeenten_referentie.csv", "gemeenten_referentie.csv")


@pytest.fixture(scope="session")
def mergers():
    return read_mergers(FIXTURES / "herindelingen.csv", "herindelingen.csv")


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file in a temporary folder and return its path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding)
        return path

    return _write
