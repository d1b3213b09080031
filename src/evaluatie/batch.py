"""Run the report notebook for many initiatives: papermill per initiative, nbconvert to HTML.

One initiative failing never stops the others; a failed or interrupted run never replaces a
good report, because everything is written to a temporary file first and moved into place.
A manifest (``reports/manifest.json``) keeps the status of every initiative between runs, and
``reports/index.html`` is rebuilt from it.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import nbformat
import pandas as pd
import papermill
from papermill.exceptions import PapermillExecutionError

from evaluatie.data.panel import DataError
from evaluatie.formats import dutch_date
from evaluatie.data.sources import region_names
from evaluatie.params import ParamsError, display_path, initiative_files, load_initiative
from evaluatie.report.render import (
    index_html, notebook_to_html, scrub, scrub_notebook, write_atomic,
)

KERNEL_NAME = "evaluatie"
NOTEBOOK = Path("notebooks") / "initiative.ipynb"


@dataclass
class RunResult:
    region: str
    region_name: str
    initiative: str
    name: str
    status: str  # "ok" | "failed"
    date: str
    seconds: float
    report: str | None = None  # path relative to reports/
    error: str | None = None
    demo: bool = False
    findings: str = ""  # one line: how many indicators show an effect


def use_own_kernel() -> None:
    """Make papermill start a kernel of *this* Python, whatever kernels the machine has registered.

    A kernelspec named ``evaluatie`` pointing at ``sys.executable`` is written to a private folder
    that is put first on JUPYTER_PATH for this process and its children.
    """
    root = tempfile.mkdtemp(prefix="evaluatie-kernel-")
    atexit.register(shutil.rmtree, root, True)
    folder = Path(root) / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                     "--IPKernelApp.log_level=CRITICAL"],
            "display_name": "Python (evaluatie)", "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder.parent.parent), os.environ.get("JUPYTER_PATH")]))


def _failure_line(error: BaseException) -> str:
    if isinstance(error, PapermillExecutionError):
        return f"cell {error.exec_count}: {error.ename}: {error.evalue}".strip()
    if isinstance(error, ParamsError):
        return "; ".join(error.problems)
    return f"{type(error).__name__}: {error}"


def run_initiative(params_file: Path, project_dir: Path, notebook: Path = NOTEBOOK) -> RunResult:
    """Execute and render one initiative; never raises for a failure of the initiative itself."""
    started = time.perf_counter()
    region, initiative_id = params_file.parent.name, params_file.stem
    name, region_name, demo, findings = initiative_id, region, False, ""
    reports = project_dir / "reports" / region
    html_path = reports / f"{initiative_id}.html"
    notebook_path = project_dir / notebook
    try:
        loaded = load_initiative(params_file)
        name, demo = loaded.params.name, loaded.params.demo
        region_name = _region_name(loaded)
        with tempfile.TemporaryDirectory(prefix="evaluatie-run-") as scratch:
            executed_path = Path(scratch) / f"{initiative_id}.ipynb"
            try:
                _execute(notebook_path, executed_path, {
                    "params_file": os.path.relpath(params_file.resolve(), notebook_path.parent.resolve()),
                    "summary_file": str(Path(scratch) / "summary.json")})
            except PapermillExecutionError:
                _keep_failed_notebook(executed_path, reports / f"{initiative_id}.failed.ipynb", project_dir)
                raise
            executed = scrub_notebook(nbformat.read(executed_path, as_version=4), project_dir)
            summary = (Path(scratch) / "summary.json").read_text(encoding="utf-8")
        executed.metadata.get("papermill", {}).update(
            {"input_path": notebook.as_posix(), "output_path": f"reports/{region}/{initiative_id}.ipynb"}
        )
        page = notebook_to_html(executed, title=f"{name}: evaluatierapport")
        write_atomic(reports / f"{initiative_id}.ipynb", nbformat.writes(executed))
        write_atomic(reports / f"{initiative_id}.summary.json", summary)
        write_atomic(html_path, page)
        (reports / f"{initiative_id}.failed.ipynb").unlink(missing_ok=True)
        status, error = "ok", None
        findings = _findings(json.loads(summary))
    except Exception as failure:  # one initiative's failure is reported, the batch goes on
        status, error = "failed", scrub(_failure_line(failure), project_dir)
    return RunResult(
        region=region, region_name=region_name, initiative=initiative_id, name=name, status=status,
        date=dutch_date(datetime.now()), seconds=round(time.perf_counter() - started, 1),
        report=f"{region}/{initiative_id}.html" if html_path.is_file() else None, error=error,
        demo=demo, findings=findings,
    )


def _execute(notebook_path: Path, executed_path: Path, parameters: dict) -> None:
    """Run a notebook with papermill; a kernel that dies while starting (a busy machine) gets one retry."""
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(notebook_path), str(executed_path), parameters=parameters, kernel_name=KERNEL_NAME,
                cwd=str(notebook_path.parent), progress_bar=False, report_mode=True, log_output=False,
            )
            return
        except RuntimeError as failure:
            if attempt == 2 or "Kernel died before replying" not in str(failure):
                raise


def _findings(summary: dict) -> str:
    """'2 effecten aangetoond, 1 budgeteffect, 3 zonder aantoonbaar verschil' for the index page."""
    verdicts = [(e["verdict"], e["budget_effect"]) for e in summary["effects"]]
    parts = [(sum(v in ("gedaald", "gestegen") and not b for v, b in verdicts), "effect aangetoond", "effecten aangetoond"),
             (sum(v in ("gedaald", "gestegen") and b for v, b in verdicts), "budgeteffect", "budgeteffecten"),
             (sum(v == "geen_verschil" for v, _ in verdicts), "zonder aantoonbaar verschil", "zonder aantoonbaar verschil"),
             (sum(v in ("onbetrouwbaar", "te_weinig") for v, _ in verdicts), "zonder betrouwbare uitspraak",
              "zonder betrouwbare uitspraak")]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n)


def _region_name(loaded) -> str:
    """The region's display name from the units table, falling back to its id."""
    try:
        if loaded.params.data.sources is not None:
            names = region_names(loaded.params.data.sources, loaded.resolve)
            return names.get(loaded.params.region, loaded.params.region)
        units = pd.read_csv(loaded.resolve(loaded.params.data.units), usecols=["region", "region_name"])
        names = units.drop_duplicates("region").set_index("region")["region_name"]
        return str(names.get(loaded.params.region, loaded.params.region))
    except (OSError, ValueError, DataError):
        return loaded.params.region


def _keep_failed_notebook(executed_path: Path, path: Path, project_dir: Path) -> None:
    """Keep the executed notebook of a failed run (papermill marks the failing cell) for the evaluator."""
    if executed_path.is_file():
        notebook = nbformat.read(executed_path, as_version=4)
        write_atomic(path, nbformat.writes(scrub_notebook(notebook, project_dir)))


def select(project_dir: Path, region: str | None = None, initiative: str | None = None) -> list[Path]:
    files = initiative_files([project_dir / "params"])
    return [f for f in files if (region is None or f.parent.name == region) and (initiative is None or f.stem == initiative)]


def run_batch(project_dir: Path, files: list[Path], jobs: int = 1, notebook: Path = NOTEBOOK,
              progress=print) -> list[RunResult]:
    """Run every initiative, print one line each as it finishes, and update manifest and index."""
    use_own_kernel()
    results: list[RunResult] = []
    total = len(files)

    def report(result: RunResult) -> None:
        results.append(result)
        mark = "ok    " if result.status == "ok" else "FAILED"
        where = display_path(project_dir / "params" / result.region / f"{result.initiative}.yaml", project_dir)
        line = f"[{len(results)}/{total}] {mark} {where} ({result.seconds:.1f} s)"
        progress(line + (f"\n        {result.error}" if result.error else ""))

    try:
        if jobs > 1 and len(files) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(run_initiative, f, project_dir, notebook) for f in files]
                for future in as_completed(futures):
                    report(future.result())
        else:
            for f in files:
                report(run_initiative(f, project_dir, notebook))
        for region, region_name in sorted({(r.region, r.region_name) for r in results if r.status == "ok"}):
            error = run_region(project_dir, region, region_name)
            progress(f"        overview of {region}: " + (f"FAILED {error}" if error else "ok"))
    finally:
        update_index(project_dir, results)
    return results


REGION_NOTEBOOK = Path("notebooks") / "region.ipynb"


def run_region(project_dir: Path, region: str, region_name: str) -> str | None:
    """Render reports/<region>/index.html from the stored summaries; returns an error line or None."""
    notebook_path = project_dir / REGION_NOTEBOOK
    try:
        with tempfile.TemporaryDirectory(prefix="evaluatie-region-") as scratch:
            executed_path = Path(scratch) / "region.ipynb"
            _execute(notebook_path, executed_path,
                     {"region": region, "region_name": region_name, "reports_dir": "../reports"})
            executed = scrub_notebook(nbformat.read(executed_path, as_version=4), project_dir)
        page = notebook_to_html(executed, title=f"{region_name}: overzicht")
        write_atomic(project_dir / "reports" / region / "index.html", page)
        return None
    except Exception as failure:  # the overview failing never undoes the initiative reports
        return scrub(_failure_line(failure), project_dir)


def update_index(project_dir: Path, results: list[RunResult]) -> None:
    """Merge results into the manifest (keeping other initiatives) and rewrite the index page."""
    manifest_path = project_dir / "reports" / "manifest.json"
    entries = {}
    if manifest_path.is_file():
        try:
            entries = {(e["region"], e["initiative"]): e for e in json.loads(manifest_path.read_text("utf-8"))}
        except (ValueError, KeyError, TypeError):
            entries = {}
    for result in results:
        entries[(result.region, result.initiative)] = asdict(result)
    existing = {(f.parent.name, f.stem) for f in initiative_files([project_dir / "params"])}
    kept = [e for key, e in entries.items() if key in existing]
    write_atomic(manifest_path, json.dumps(kept, indent=2, ensure_ascii=False))
    overviews = {e["region"] for e in kept if (project_dir / "reports" / e["region"] / "index.html").is_file()}
    write_atomic(project_dir / "reports" / "index.html", index_html(kept, overviews))
