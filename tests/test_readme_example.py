"""The README's five-line estimator example runs as printed and gives R did's published simple ATT on mpdta."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_readme_mpdta_example_reproduces_r_did(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The estimators on their own"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 5
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    shown = namespace["result"].aggregate("simple")
    assert shown.estimate == pytest.approx(-0.0400, abs=5e-5)  # R did 2.1: aggte(type = "simple") ATT -0.0400
    assert "lemp" in str(shown.summary) and "callaway_santanna_simple" in str(shown.summary)
