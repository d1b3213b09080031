"""The batch on a Dask LocalCluster with 2 workers: the same tasks as the local pool, files written by the
client, and a worker that dies mid-task costs only its own initiative (tried once more, then failed)."""

from __future__ import annotations

import json

from evaluatie.batch import run_batch
from evaluatie.inputs import select


def test_local_cluster_builds_and_survives_a_dying_worker(project, quick):
    params = project / "params" / "polderoost" / "proeftuin-hart.yaml"
    text = params.read_text(encoding="utf-8")
    assert "\nreport:\n" in text  # the seed goes into the existing report block
    params.write_text(text.replace("\nreport:\n", "\nreport:\n  seed: 66\n"), encoding="utf-8")
    files = select(project, region="lindeland") + [params]
    lines = []
    results = run_batch(project, files, notebook=quick, progress=lines.append, cluster="local:2")
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
