"""End to end: params -> papermill -> nbconvert -> reports/, with failures isolated and writes atomic."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from evaluatie import batch
from evaluatie.batch import run_batch
from evaluatie.inputs import select
from evaluatie.cli import main
from evaluatie.report.render import write_atomic


def test_one_initiative_end_to_end(project, capsys):
    params = project / "params" / "lindeland" / "samen-indiceren.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace(
        "name: Thuiszorg De Linde", "name: Thuiszorg <script>alert(1)</script> De Linde"), encoding="utf-8")
    code = main(["--project", str(project), "run", "--initiative", "samen-indiceren"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "[1/1] ok     params/lindeland/samen-indiceren.yaml" in out
    page = (project / "reports" / "lindeland" / "samen-indiceren.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in page
    assert "Samen Indiceren Lindeland" in page and "DEMO" in page
    for section in ["Kernboodschap", "Het initiatief", "Wat is het effect?", "Wie betaalt, wie bespaart?",
                    "Hoe werkt de samenwerking?", "Samenhang en lessen", "Doen we het goed?", "Doen we het goede?",
                    "Resultaten per gemeente", "Bijlage A: Begrippenlijst", "Bijlage B: Methoden",
                    "Bijlage C: Verloop per periode", "Bijlage D: Tabellen", "Colofon"]:
        assert f">{section}<" in page, section
    assert 'class="toc"' in page and 'href="#Kernboodschap"' in page
    assert "Thuiszorg &lt;script&gt;alert(1)&lt;/script&gt; De Linde" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "sections.cover(study)" not in page  # code hidden
    assert "Stap 1" not in page and "unit_id" not in page  # the evaluator's working steps stay in the notebook
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) >= 7 and all('src="data:image/svg+xml;base64,' in i and 'alt="' in i for i in images)
    assert str(project) not in page and str(Path.home()) + "/" not in page
    assert ":root {" in page and "<anoniem>" not in page  # the stylesheet is intact
    executed = nbformat.read(project / "reports" / "lindeland" / "samen-indiceren.ipynb", as_version=4)
    assert executed.metadata.papermill.input_path == "notebooks/initiative.ipynb"
    steps = [c for c in executed.cells if c.cell_type == "code" and "stap" in c.metadata.get("tags", [])]
    shown = [c for c in steps if any(o.output_type in ("execute_result", "display_data") for o in c.outputs)]
    assert len(shown) >= 6  # load, data (table and figure), design, estimates, checks, process: each shows itself
    assert str(project) not in nbformat.writes(executed)
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="lindeland/samen-indiceren.html"' in index and "gereed" in index
    assert 'href="lindeland/index.html"' in index
    region = (project / "reports" / "lindeland" / "index.html").read_text(encoding="utf-8")
    assert 'href="samen-indiceren.html"' in region and "<script" not in region
    summary = json.loads((project / "reports" / "lindeland" / "samen-indiceren.summary.json").read_text(encoding="utf-8"))
    assert {e["indicator"] for e in summary["effects"]} >= {"wmo_wachttijd", "ziekenhuisopnames"}
    assert "unit_id" not in json.dumps(summary)  # aggregates only, no unit-level rows


def test_papermill_uses_this_environments_kernel(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys\nprint(sys.prefix)")])
    nbformat.write(notebook, tmp_path / "probe.ipynb")
    batch.use_own_kernel()
    papermill.execute_notebook(str(tmp_path / "probe.ipynb"), str(tmp_path / "out.ipynb"),
                               kernel_name=batch.KERNEL_NAME, progress_bar=False)
    printed = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs[0].text.strip()
    assert printed == sys.prefix


def _break_data_of(project: Path, region: str, initiative: str) -> None:
    """Point one initiative at a panel file that is not a usable CSV: it fails inside the notebook."""
    broken = project / "data" / "broken.csv"
    broken.write_text("unit_id;period;indicator;value;denominator\nFG0101;2018;x;1;2\n", encoding="utf-8")
    path = project / "params" / region / f"{initiative}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("data/demo/panel.csv", "data/broken.csv"), encoding="utf-8")


def test_failing_initiative_is_reported_and_others_still_run(project, quick):
    _break_data_of(project, "lindeland", "samen-indiceren")
    (project / "params" / "lindeland" / "kapot.yaml").write_text("id: kapot\nname: [\n", encoding="utf-8")
    lines = []
    results = run_batch(project, select(project, region="lindeland"), jobs=2, progress=lines.append, notebook=quick)
    status = {r.initiative: r for r in results}
    assert status["huisarts-plus"].status == "ok"
    assert status["samen-indiceren"].status == "failed"
    # refused by the check before any notebook runs, with the file, the key and what is wrong
    assert status["samen-indiceren"].error.startswith(
        "params/lindeland/samen-indiceren.yaml: data.panel: data/broken.csv: column(s) unit_id")
    assert status["kapot"].status == "failed" and "not valid YAML" in status["kapot"].error
    assert (project / "reports" / "lindeland" / "huisarts-plus.html").is_file()
    assert not (project / "reports" / "lindeland" / "samen-indiceren.html").exists()
    assert not (project / "reports" / "lindeland" / "samen-indiceren.failed.ipynb").exists()
    assert sum("FAILED" in line for line in lines) == 2
    assert sum(line.startswith("[") for line in lines) == 3
    manifest = json.loads((project / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert {e["initiative"]: e["status"] for e in manifest} == {"huisarts-plus": "ok", "samen-indiceren": "failed", "kapot": "failed"}
    assert main(["--project", str(project), "run", "--initiative", "kapot"]) == 1


def test_failure_inside_the_notebook_keeps_the_marked_notebook(project, quick):
    files = select(project, initiative="proeftuin-hart")
    result = run_batch(project, files, notebook=quick, overrides=["report.seed=13"], replace=True)[0]
    assert result.status == "failed" and result.error.startswith("cell ") and "seed 13" in result.error
    kept = project / "reports" / "polderoost" / "proeftuin-hart.failed.ipynb"
    text = kept.read_text(encoding="utf-8")
    assert "<evaluatie>/periods.py" in text  # the traceback is kept, without the machine's paths
    for path in (project, Path(batch.__file__).parents[1], Path.home()):
        assert str(path) not in text


def test_failed_run_keeps_the_previous_good_report(project, quick):
    files = select(project, initiative="proeftuin-hart")
    assert run_batch(project, files, notebook=quick)[0].status == "ok"
    report = project / "reports" / "polderoost" / "proeftuin-hart.html"
    good = report.read_bytes()
    _break_data_of(project, "polderoost", "proeftuin-hart")
    result = run_batch(project, files, notebook=quick)[0]
    assert result.status == "failed"
    assert report.read_bytes() == good
    assert result.report == "polderoost/proeftuin-hart.html"
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert "vorige rapport blijft beschikbaar, maar is verouderd" in index and ">verouderd<" in index
    assert not [p for p in report.parent.iterdir() if p.name.endswith(".tmp")]


def test_interrupted_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("good", encoding="utf-8")

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "half")
    assert target.read_text(encoding="utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def _rename(project: Path, region: str, initiative: str, name: str) -> None:
    path = project / "params" / region / f"{initiative}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M), encoding="utf-8")


def test_only_reports_whose_inputs_changed_are_rebuilt(project, quick):
    files = select(project, region="lindeland") + select(project, initiative="proeftuin-hart")
    lines = []
    assert [r.status for r in run_batch(project, files, jobs=2, notebook=quick, progress=lines.append)] == ["ok"] * 3
    assert sum(line.startswith("        overview of") for line in lines) == 2
    manifest = json.loads((project / "reports" / "manifest.json").read_text(encoding="utf-8"))
    inputs = {e["initiative"]: e["inputs"] for e in manifest}
    assert {"params/lindeland/huisarts-plus.yaml", "params/indicators.yaml", "notebooks/quick.ipynb",
            "data/demo/panel.csv", "@package", "@treated-elsewhere"} <= set(inputs["huisarts-plus"])

    lines.clear()
    assert run_batch(project, files, notebook=quick, progress=lines.append) == []
    assert lines == ["all 3 reports up to date (nothing they are built from changed; --force rebuilds)"]

    _rename(project, "lindeland", "huisarts-plus", "Huisarts Plus Lindeland (herzien)")
    lines.clear()
    again = run_batch(project, files, notebook=quick, progress=lines.append)
    assert [(r.initiative, r.status) for r in again] == [("huisarts-plus", "ok")]
    assert [line for line in lines if "overview" in line] == ["        overview of lindeland: ok"]
    assert "2 up to date" in lines[0]
    region = (project / "reports" / "lindeland" / "index.html").read_text(encoding="utf-8")
    assert "Huisarts Plus Lindeland (herzien)" in region

    copy = project / "data" / "panel-copy.csv"  # the data of one initiative: rebuilt on their bytes, not dates
    copy.write_bytes((project / "data" / "demo" / "panel.csv").read_bytes())
    params = project / "params" / "polderoost" / "proeftuin-hart.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("data/demo/panel.csv", "data/panel-copy.csv"),
                      encoding="utf-8")
    assert [r.initiative for r in run_batch(project, files, notebook=quick, progress=lines.append)] == ["proeftuin-hart"]
    copy.write_bytes(copy.read_bytes())
    assert run_batch(project, files, notebook=quick, progress=lines.append) == []
    copy.write_bytes(copy.read_bytes() + b"\n")
    assert [r.initiative for r in run_batch(project, files, notebook=quick, progress=lines.append)] == ["proeftuin-hart"]
    forced = run_batch(project, files, notebook=quick, progress=lines.append, force=True)
    assert sorted(r.initiative for r in forced) == ["huisarts-plus", "proeftuin-hart", "samen-indiceren"]


def test_every_notebook_gets_a_kernel_of_its_own_that_was_started_ahead(project, write_notebook):
    """Kernels are started ahead with the package imported, but no kernel ever runs a second notebook."""
    probe = write_notebook("probe.ipynb",
        "import json, os, sys\n"
        "print(json.dumps({'pid': os.getpid(), 'warm': 'evaluatie.report.sections' in sys.modules,\n"
        "                  'left': [k for k in globals() if k.startswith('left_by_')]}))\n"
        "left_by_earlier_initiative = params_file\n"
        "open(summary_file, 'w').write(json.dumps({'effects': []}))")
    files = select(project, region="lindeland") + select(project, initiative="proeftuin-hart")
    for jobs in (1, 2):
        results = run_batch(project, files, jobs=jobs, notebook=probe,
                            progress=lambda line: None, force=True)
        assert [r.status for r in results] == ["ok"] * 3, [r.error for r in results]
        seen = []
        for f in files:
            executed = nbformat.read(project / "reports" / f.parent.name / f"{f.stem}.ipynb", as_version=4)
            seen.append(json.loads(executed.cells[-1].outputs[0].text))
        assert all(s["warm"] and s["left"] == [] for s in seen), seen
        assert len({s["pid"] for s in seen}) == 3
