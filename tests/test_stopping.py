"""Stopping a batch: Ctrl-C and SIGTERM end workers and kernels and leave no scratch folder; SIGKILL of
the batch makes its workers end too, before they write; a run over its time limit fails with one line;
two batches at once never lose a manifest entry."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from evaluatie.batch import RunResult, update_index


def _hanging_notebook(project: Path) -> None:
    """The report notebook replaced by one that never ends (a cell that hangs)."""
    parameters = nbformat.v4.new_code_cell('params_file = ""\nsummary_file = None\noverrides = {}',
                                           metadata={"tags": ["parameters"]})
    notebook = nbformat.v4.new_notebook(cells=[parameters, nbformat.v4.new_code_cell("import time\ntime.sleep(600)")])
    notebook.metadata["kernelspec"] = {"name": "evaluatie", "display_name": "Python (evaluatie)", "language": "python"}
    nbformat.write(notebook, project / "notebooks" / "initiative.ipynb")


def _start(project: Path, scratch: Path, *arguments: str) -> subprocess.Popen:
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch)}
    return subprocess.Popen([sys.executable, "-m", "evaluatie.cli", "--project", str(project), "run", *arguments],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _kernels(process: psutil.Process) -> list[psutil.Process]:
    found = []
    for child in process.children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def _wait_for_kernels(process: psutil.Process, count: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while len(_kernels(process)) < count:
        assert time.monotonic() < deadline, "the kernels did not start"
        time.sleep(0.5)
    time.sleep(1.0)  # let the kernels reach the hanging cell


@pytest.mark.parametrize("stop, jobs", [(signal.SIGTERM, "2"), (signal.SIGINT, "1")])
def test_stop_ends_workers_and_kernels_and_leaves_no_scratch(project, tmp_path, stop, jobs):
    _hanging_notebook(project)
    scratch = tmp_path / "scratch"
    batch = _start(project, scratch, "--region", "lindeland", "--jobs", jobs)
    parent = psutil.Process(batch.pid)
    _wait_for_kernels(parent, int(jobs))
    descendants = parent.children(recursive=True)
    batch.send_signal(stop)
    out, _ = batch.communicate(timeout=60)
    assert batch.returncode == 130, out
    assert "stopped; finished reports were kept" in out
    _, alive = psutil.wait_procs(descendants, timeout=15)
    assert alive == [], f"still running: {[p.pid for p in alive]}"
    assert [p.name for p in scratch.iterdir() if p.name.startswith("evaluatie-")] == []
    assert not list((project / "reports").glob("lindeland/*.html"))


def test_killed_batch_takes_its_workers_and_kernels_along(project, tmp_path):
    _hanging_notebook(project)
    scratch = tmp_path / "scratch"
    batch = _start(project, scratch, "--region", "lindeland", "--jobs", "2")
    parent = psutil.Process(batch.pid)
    _wait_for_kernels(parent, 2)
    descendants = parent.children(recursive=True)
    batch.kill()
    batch.communicate(timeout=30)
    _, alive = psutil.wait_procs(descendants, timeout=20)
    assert alive == [], f"still running after the batch was killed: {[p.pid for p in alive]}"
    assert not list((project / "reports").glob("lindeland/*"))
    assert [p.name for p in scratch.iterdir() if p.name.startswith("evaluatie-batch-")] == []


def test_timeout_fails_the_initiative_with_one_line(project, tmp_path):
    _hanging_notebook(project)
    batch = _start(project, tmp_path / "scratch", "--initiative", "proeftuin-hart", "--timeout", "4")
    out, _ = batch.communicate(timeout=120)
    assert batch.returncode == 1, out
    assert "FAILED params/polderoost/proeftuin-hart.yaml" in out
    assert "stopped: the run took longer than the timeout of 4 s (raise it with --timeout SECONDS)" in out
    manifest = json.loads((project / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert [e["status"] for e in manifest] == ["failed"]


def _record(arguments: tuple[str, int]) -> None:
    project, number = arguments
    for round_ in range(5):
        update_index(Path(project), [RunResult(region="gelijktijdig", region_name="Gelijktijdig",
                                               initiative=f"i{number}", name=f"Initiatief {number}", status="ok",
                                               date="1 januari 2025", seconds=float(round_), output=f"i{number}")])


def test_two_batches_at_once_never_lose_an_entry(tmp_path):
    folder = tmp_path / "params" / "gelijktijdig"
    folder.mkdir(parents=True)
    for number in range(8):
        (folder / f"i{number}.yaml").write_text("id: placeholder\n", encoding="utf-8")
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        pool.map(_record, [(str(tmp_path), number) for number in range(8)])
    manifest = json.loads((tmp_path / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(e["initiative"] for e in manifest) == [f"i{n}" for n in range(8)]
    assert all(e["seconds"] == 4.0 for e in manifest)
