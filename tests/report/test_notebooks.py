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


def _shown(cell) -> str:
    """What JupyterLab shows of a cell's results, as text (the plain form of every displayed object)."""
    outputs = cell.get("outputs", [])
    return "\n".join(o.get("data", {}).get("text/plain", "") for o in outputs if o.output_type != "stream")


def test_evaluator_changes_the_inference_reruns_and_sees_the_new_result(project):
    """Driven through a kernel as in JupyterLab: run all, edit the design cell, rerun it and the cells after it;
    then an added cell with the evaluator's own plt.show() shows a figure."""
    from nbclient import NotebookClient

    from evaluatie.batch import KERNEL_NAME, use_own_kernel

    use_own_kernel(project)
    notebook = nbformat.read(project / "notebooks" / "initiative.ipynb", as_version=4)
    design = next(i for i, c in enumerate(notebook.cells) if c.source.startswith("design = choose_design(study)"))
    client = NotebookClient(notebook, kernel_name=KERNEL_NAME, timeout=300,
                            resources={"metadata": {"path": str(project / "notebooks")}})
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        before = [_shown(c) for c in notebook.cells[design:]]
        assert "randomization" in before[0] and "cluster" not in before[0]

        notebook.cells[design].source = 'design = choose_design(study, inference="cluster")\ndesign.to_frame()'
        for index in range(design, len(notebook.cells)):
            client.execute_cell(notebook.cells[index], index)
        after = [_shown(c) for c in notebook.cells[design:]]
        assert "cluster" in after[0] and "randomization" not in after[0]
        effects = next(i for i, c in enumerate(notebook.cells[design:]) if "effects_frame(" in c.source)
        assert after[effects] != before[effects]  # the estimates table shows the new margins

        notebook.cells.append(nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [2, 1, 3])\nplt.show()"))
        client.execute_cell(notebook.cells[-1], len(notebook.cells) - 1)
    assert any("image/png" in o.get("data", {}) for o in notebook.cells[-1].outputs)
