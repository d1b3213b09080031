"""The notebooks an evaluator works in: visible steps, report sections after them, no backend forced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_initiative_notebook_walks_through_the_steps_before_the_report():
    cells = nbformat.read(NOTEBOOKS / "initiative.ipynb", as_version=4).cells
    code = [c for c in cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.tags
    steps = [c for c in code if "stap" in c.metadata.get("tags", [])]
    calls = "\n".join(c.source for c in steps)
    for call in ["load_study(", "indicator_frame(", "figures.trend_chart(", "choose_design(", "evaluate_outcomes(",
                 "diagnostics_frame(", "evaluate_study_process(", "evaluate_per_unit("]:
        assert call in calls, call
    report = [c for c in code if not c.metadata.get("tags") or c.metadata.tags == ["bijlage"]]
    assert report and all(c.source.startswith("sections.") for c in report)
    work = [c for c in code[1:] if not c.source.startswith(("from ", "import "))]
    assert all(len(c.source.splitlines()) <= 5 for c in work)  # short calls, no logic in the notebook
    first_report = code.index(report[0])
    assert all("stap" in c.metadata.get("tags", []) for c in code[1:first_report])


def test_region_notebook_loads_then_shows_sections():
    code = [c for c in nbformat.read(NOTEBOOKS / "region.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.tags and "load_summaries(" in code[2].source
    assert all(c.source.startswith("overview.") for c in code if not c.metadata.get("tags"))


def test_importing_the_report_forces_no_matplotlib_backend():
    probe = ("import matplotlib\n"
             "import evaluatie.report.sections, evaluatie.report.region, evaluatie.report.figures\n"
             "assert matplotlib.rcParams._get_backend_or_none() is None, matplotlib.rcParams['backend']\n")
    subprocess.run([sys.executable, "-c", probe], check=True, env={"PATH": "/usr/bin:/bin"})
