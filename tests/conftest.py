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
    from evaluatie.batch import run_batch
    from evaluatie.inputs import select
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


@pytest.fixture
def write_notebook(project):
    """Write a small notebook into the project: the parameters cell the batch fills, then one cell of code."""
    import nbformat

    def write(name: str, code: str) -> Path:
        parameters = nbformat.v4.new_code_cell('params_file = ""\nsummary_file = None\noverrides = {}',
                                               metadata={"tags": ["parameters"]})
        notebook = nbformat.v4.new_notebook(cells=[parameters, nbformat.v4.new_code_cell(code)])
        notebook.metadata["kernelspec"] = {"name": "evaluatie", "display_name": "Python (evaluatie)",
                                           "language": "python"}
        nbformat.write(notebook, project / "notebooks" / name)
        return Path("notebooks") / name

    return write


@pytest.fixture
def quick(write_notebook) -> Path:
    """A small stand-in for the report notebook: loads the study (where bad data fail) and leaves a summary.

    The batch machinery is the same; the full report is exercised by the end-to-end and browser tests.
    With report.seed 13 it fails deep inside the package; with 66 it kills the worker that runs its kernel.
    """
    return write_notebook("quick.ipynb",
        "import json, os, signal\nfrom evaluatie.data.study import load_study\nstudy = load_study(params_file, overrides)\n"
        "if study.params.report.seed == 13:  # a failure deep inside the package, with a coloured traceback\n"
        "    from evaluatie.periods import parse_period\n    parse_period('seed 13')\n"
        "if study.params.report.seed == 66:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
        "summary = {'initiative': study.params.id, 'name': study.params.name, 'region': study.params.region,\n"
        "           'demo': True, 'n_treated': len(study.treated_starts), 'effects': [], 'maturity': []}\n"
        "if summary_file:\n    open(summary_file, 'w').write(json.dumps(summary))\nprint(study.params.name)")
