"""The batch on a Dask LocalCluster with 2 workers: the same tasks as the local pool, files written by the
client, and a worker that dies mid-task costs only its own initiative (tried once more, then failed)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from evaluatie.batch import run_batch, select

KILLER = Path("notebooks") / "killer.ipynb"


def _notebook(project: Path) -> Path:
    """Loads the study and leaves a summary; with report.seed 66 it kills the worker that runs its kernel."""
    parameters = nbformat.v4.new_code_cell('params_file = ""\nsummary_file = None\noverrides = {}',
                                           metadata={"tags": ["parameters"]})
    body = nbformat.v4.new_code_cell(
        "import json, os, signal\nfrom evaluatie.data.study import load_study\n"
        "study = load_study(params_file, overrides)\n"
        "if study.params.report.seed == 66:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
        "open(summary_file, 'w').write(json.dumps({'initiative': study.params.id, 'name': study.params.name,\n"
        "    'region': study.params.region, 'demo': True, 'n_treated': len(study.treated_starts),\n"
        "    'effects': [], 'maturity': []}))\nprint(study.params.name)")
    notebook = nbformat.v4.new_notebook(cells=[parameters, body])
    notebook.metadata["kernelspec"] = {"name": "evaluatie", "display_name": "Python (evaluatie)", "language": "python"}
    nbformat.write(notebook, project / KILLER)
    return KILLER


def test_local_cluster_builds_and_survives_a_dying_worker(project):
    killer = _notebook(project)
    params = project / "params" / "polderoost" / "proeftuin-hart.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "report:\n  seed: 66\n", encoding="utf-8")
    files = select(project, region="lindeland") + [params]
    lines = []
    results = run_batch(project, files, notebook=killer, progress=lines.append, cluster="local:2")
    status = {r.initiative: r for r in results}
    assert status["samen-indiceren"].status == "ok" and status["huisarts-plus"].status == "ok", lines
    assert status["proeftuin-hart"].status == "failed"
    assert "the worker running it stopped (KilledWorker)" in status["proeftuin-hart"].error
    assert "on local:2" in lines[0]
    assert (project / "reports" / "lindeland" / "samen-indiceren.html").is_file()
    assert (project / "reports" / "lindeland" / "index.html").is_file()  # the overview ran on the cluster too
    assert not (project / "reports" / "polderoost" / "proeftuin-hart.html").exists()
    manifest = json.loads((project / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert {e["initiative"]: e["status"] for e in manifest} == {
        "samen-indiceren": "ok", "huisarts-plus": "ok", "proeftuin-hart": "failed"}
