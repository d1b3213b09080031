"""Run the report notebook for many initiatives: check first, papermill per initiative, nbconvert to HTML.

Every initiative is checked exactly as ``evaluatie check`` checks it (:func:`check_initiative`)
before its notebook runs; one that fails is reported with its first problem and the batch goes
on. A failed or interrupted run never replaces a good report: everything is written to a
temporary file first and moved into place. Workers watch the batch that started them and stop,
with their kernels, when it is stopped or killed; all scratch files live in one folder that the
batch removes. A manifest (``reports/manifest.json``, updated under a file lock) keeps the status
of every initiative between runs, and ``reports/index.html`` is rebuilt from it.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import papermill
import psutil
from filelock import FileLock
from nbclient.exceptions import CellTimeoutError
from papermill.exceptions import PapermillExecutionError

from evaluatie.data.audit import Audit, audit_study
from evaluatie.data.study import Study, load_study, place_names, report_date
from evaluatie.formats import dutch_date, printable
from evaluatie.params import ParamsError, display_path, find_project_dir, initiative_files, parse_overrides
from evaluatie.process.instrument import load_instruments
from evaluatie.process.interviews import load_codebook, read_segments, review_quotes
from evaluatie.process.responses import read_responses
from evaluatie.report.render import index_html, notebook_to_html, scrub, scrub_notebook, write_atomic
from evaluatie.report.text import findings_line

KERNEL_NAME = "evaluatie"
NOTEBOOK = Path("notebooks") / "initiative.ipynb"
REGION_NOTEBOOK = Path("notebooks") / "region.ipynb"
DEFAULT_TIMEOUT = 600  # seconds per initiative
SCRATCH_PREFIX = "evaluatie-batch-"
STOP_GRACE = 5.0  # seconds a worker gets to stop its kernel before it is killed


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
    output: str = ""  # file name of the report without .html: the id, or a what-if name
    overrides: dict[str, Any] = field(default_factory=dict)


# --- the check: the same for `evaluatie check` and before every run -------------------------------


@dataclass
class CheckResult:
    """What checking one params file found: problems (each one line), the loaded study and its audit."""

    display: str
    problems: list[str]
    study: Study | None = None
    audit: Audit | None = None
    reviews: list[str] = field(default_factory=list)  # not failures: quotes for the evaluator to look at

    @property
    def ok(self) -> bool:
        return not self.problems


def readable(error: BaseException) -> str:
    """A library's exception as one line a user can act on (no traceback, no English jargon of pandas)."""
    if isinstance(error, ParamsError):
        return "; ".join(error.problems)
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text; save the file as UTF-8"
    if isinstance(error, pd.errors.EmptyDataError):
        return "the file is empty; expected a header line and rows"
    if isinstance(error, pd.errors.ParserError):
        return f"not a readable CSV file ({str(error).splitlines()[0]})"
    if isinstance(error, OSError):
        return f"cannot be read ({error.strerror or error})"
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    return f"{type(error).__name__}: {'; '.join(lines)}".rstrip(": ")


def process_file_problems(study: Study) -> list[tuple[str, str]]:
    """Questionnaires, interviews, instruments and codebook read with the readers the report uses.

    Returns ('error', line) for a file that cannot be used and ('review', line) for each quote that
    is held back until the evaluator has reviewed it.
    """
    settings = study.params.process
    if settings is None:
        return []
    found: list[tuple[str, str]] = []
    resolve = study.initiative.resolve
    organisations = [p.name for p in study.params.partners]
    try:
        instruments = load_instruments([resolve(i) if i.endswith((".yaml", ".yml")) else i
                                        for i in settings.instruments])
    except Exception as error:  # noqa: BLE001 - every problem becomes one line
        return [("error", f"{study.display}: process.instruments: {readable(error)}")]
    if settings.responses:
        try:
            responses = read_responses(resolve(settings.responses), instruments, settings.column_mapping or None)
            organisations += [str(o) for o in responses.data["organisation"].dropna().unique()]
        except Exception as error:  # noqa: BLE001
            found.append(("error", f"{study.display}: process.responses: {settings.responses}: {readable(error)}"))
    if settings.interviews:
        try:
            codebook = settings.codebook
            book = load_codebook(resolve(codebook) if codebook.endswith((".yaml", ".yml")) else codebook)
            segments = read_segments(resolve(settings.interviews), book)
        except Exception as error:  # noqa: BLE001
            found.append(("error", f"{study.display}: process.interviews: {settings.interviews}: {readable(error)}"))
        else:
            found += [("review", f"{study.display}: process.interviews: {settings.interviews}: {line}")
                      for line in review_quotes(segments, book, organisations, settings.show_organisation_names,
                                                allowed_names=place_names(study))]
    return found


StudyCheck = Callable[[Study], list[tuple[str, str]]]
STUDY_CHECKS: list[StudyCheck] = [process_file_problems]
"""Checks run on every loaded study after the data audit; each returns (level, line) pairs with level
'error' (the initiative cannot be built) or 'review' (shown, not a failure). Further file checks go here."""


def check_initiative(path: Path, overrides: dict[str, Any] | list[str] | None = None) -> CheckResult:
    """Load and audit one initiative as ``evaluatie check`` does; never raises."""
    display = _display(path)
    try:
        study = load_study(path, overrides)
    except ParamsError as error:
        return CheckResult(display, error.problems)
    except Exception as error:  # noqa: BLE001 - whatever the file, the check reports and goes on
        return CheckResult(display, [f"{display}: {readable(error)}"])
    problems, reviews, audit = [], [], None
    try:
        audit = audit_study(study)
        problems += [f"{study.display}: data audit: {f.indicator or 'data'}: {f.check}: {f.message}"
                     for f in audit.findings if f.level == "fout"]
    except Exception as error:  # noqa: BLE001
        problems.append(f"{study.display}: data audit: {readable(error)}")
    for check in STUDY_CHECKS:
        try:
            lines = check(study)
        except Exception as error:  # noqa: BLE001
            lines = [("error", f"{study.display}: {readable(error)}")]
        problems += [line for level, line in lines if level == "error"]
        reviews += [line for level, line in lines if level == "review"]
    return CheckResult(study.display, problems, study, audit, reviews)


def _display(path: Path) -> str:
    try:
        return display_path(path, find_project_dir(path))
    except ParamsError:
        return path.name


# --- one initiative ---------------------------------------------------------------------------------


class RunFailed(Exception):
    """An initiative that could not be built, with the one line that says why."""


def use_own_kernel(root: str | Path | None = None) -> None:
    """Make papermill start a kernel of *this* Python, whatever kernels the machine has registered.

    A kernelspec named ``evaluatie`` pointing at ``sys.executable`` is written to a private folder
    (inside ``root`` when given, which the batch removes) that is put first on JUPYTER_PATH for this
    process and its children.
    """
    folder = Path(tempfile.mkdtemp(prefix="evaluatie-kernel-", dir=root))
    if root is None:
        import atexit

        atexit.register(shutil.rmtree, folder, True)
    spec_folder = folder / "kernels" / KERNEL_NAME
    spec_folder.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                     "--IPKernelApp.log_level=CRITICAL"],
            "display_name": "Python (evaluatie)", "language": "python"}
    (spec_folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder), os.environ.get("JUPYTER_PATH")]))


def output_name(initiative_id: str, overrides: dict[str, Any], replace: bool = False) -> str:
    """The report's file name: the id, or for a what-if run the id with a short mark of its settings."""
    if not overrides or replace:
        return initiative_id
    digest = hashlib.sha256(json.dumps(overrides, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{initiative_id}-wat-als-{digest}"


def _failure_line(error: BaseException) -> str:
    if isinstance(error, PapermillExecutionError):
        return f"cell {error.exec_count}: {error.ename}: {error.evalue}".strip()
    if isinstance(error, RunFailed):
        return str(error)
    return readable(error)


def run_initiative(params_file: Path, project_dir: Path, notebook: Path = NOTEBOOK,
                   overrides: dict[str, Any] | list[str] | None = None, replace: bool = False,
                   timeout: float = DEFAULT_TIMEOUT, scratch: str | Path | None = None) -> RunResult:
    """Check, execute and render one initiative; never raises for a failure of the initiative itself."""
    started = time.perf_counter()
    region, initiative_id = params_file.parent.name, params_file.stem
    result = RunResult(region=region, region_name=region, initiative=initiative_id, name=initiative_id,
                       status="failed", date="", seconds=0.0, output=initiative_id)
    reports = project_dir / "reports" / region
    try:
        chosen = parse_overrides(overrides or [])
        result.overrides = {k: v if isinstance(v, (str, int, float, bool, list, dict)) or v is None else str(v)
                            for k, v in chosen.items()}
        result.output = output_name(initiative_id, chosen, replace)
        check = check_initiative(params_file, chosen)
        if check.study is not None:
            study = check.study
            result.name, result.demo = study.params.name, study.params.demo
            result.region_name = _region_name(study)
            result.date = dutch_date(report_date(study))
        if not check.ok:
            raise RunFailed(check.problems[0] + (f" (and {len(check.problems) - 1} more; run evaluatie check)"
                                                 if len(check.problems) > 1 else ""))
        what_if = bool(chosen) and not replace
        with tempfile.TemporaryDirectory(prefix="evaluatie-run-", dir=scratch) as folder:
            executed_path = Path(folder) / f"{initiative_id}.ipynb"
            summary_path = Path(folder) / "summary.json"
            notebook_path = project_dir / notebook
            try:
                _execute(notebook_path, executed_path, {
                    "params_file": os.path.relpath(params_file.resolve(), notebook_path.parent.resolve()),
                    "summary_file": str(summary_path),
                    "overrides": json.loads(json.dumps(chosen, default=str))}, timeout)
            except (PapermillExecutionError, RunFailed):
                _keep_failed_notebook(executed_path, reports / f"{result.output}.failed.ipynb", project_dir)
                raise
            executed = scrub_notebook(nbformat.read(executed_path, as_version=4), project_dir)
            summary = summary_path.read_text(encoding="utf-8")
        executed.metadata.get("papermill", {}).update(
            {"input_path": notebook.as_posix(), "output_path": f"reports/{region}/{result.output}.ipynb"})
        page = notebook_to_html(executed, title=f"{result.name}: evaluatierapport")
        stop_if_orphaned()
        write_atomic(reports / f"{result.output}.ipynb", nbformat.writes(executed))
        if not what_if:  # what-if runs stay out of the region overview
            write_atomic(reports / f"{result.output}.summary.json", summary)
        write_atomic(reports / f"{result.output}.html", page)
        (reports / f"{result.output}.failed.ipynb").unlink(missing_ok=True)
        result.status, result.error = "ok", None
        result.findings = _findings(json.loads(summary))
    except Exception as failure:  # one initiative's failure is reported, the batch goes on
        result.status, result.error = "failed", scrub(_failure_line(failure), project_dir)
    html_path = reports / f"{result.output}.html"
    result.report = f"{region}/{result.output}.html" if html_path.is_file() else None
    result.seconds = round(time.perf_counter() - started, 1)
    return result


def _execute(notebook_path: Path, executed_path: Path, parameters: dict, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Run a notebook with papermill within ``timeout`` seconds in all; a kernel that dies while
    starting (a busy machine) gets one retry."""
    deadline = time.monotonic() + timeout
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(notebook_path), str(executed_path), parameters=parameters, kernel_name=KERNEL_NAME,
                cwd=str(notebook_path.parent), progress_bar=False, report_mode=True, log_output=False,
                timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
            )
            return
        except CellTimeoutError:
            raise RunFailed(f"stopped: the run took longer than the timeout of {_duration(timeout)} "
                            f"(raise it with --timeout SECONDS)") from None
        except RuntimeError as failure:
            if attempt == 2 or "Kernel died before replying" not in str(failure):
                raise


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def _findings(summary: dict) -> str:
    """'2 gunstige effecten, 1 budgeteffect, ...' for the index page, worded as the report words it."""
    return findings_line(summary["effects"])


def _region_name(study: Study) -> str:
    """The region's display name from the units table, falling back to its id."""
    names = study.units.loc[study.units.region == study.params.region, "region_name"]
    return str(names.iloc[0]) if len(names) and isinstance(names.iloc[0], str) else study.params.region


def _keep_failed_notebook(executed_path: Path, path: Path, project_dir: Path) -> None:
    """Keep the executed notebook of a failed run (papermill marks the failing cell) for the evaluator."""
    if executed_path.is_file():
        notebook = nbformat.read(executed_path, as_version=4)
        stop_if_orphaned()
        write_atomic(path, nbformat.writes(scrub_notebook(notebook, project_dir)))


def select(project_dir: Path, region: str | None = None, initiative: str | None = None) -> list[Path]:
    files = initiative_files([project_dir / "params"])
    return [f for f in files if (region is None or f.parent.name == region) and (initiative is None or f.stem == initiative)]


# --- workers that stop with their batch ---------------------------------------------------------------

_PARENT: int | None = None  # in a worker: the batch process that started it


def _start_worker(parent: int, scratch: str) -> None:
    """In each worker: the batch decides when to stop (Ctrl-C goes to it), SIGTERM ends the worker
    cleanly, and a watcher ends it, kernels included, as soon as the batch is gone."""
    global _PARENT
    _PARENT = parent
    tempfile.tempdir = scratch
    os.environ["TMPDIR"] = scratch
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    threading.Thread(target=_watch_parent, args=(parent, scratch), daemon=True).start()


def _exit_on_signal(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def _watch_parent(parent: int, scratch: str) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    _end_processes(psutil.Process().children(recursive=True))
    shutil.rmtree(scratch, ignore_errors=True)
    os._exit(1)


def stop_if_orphaned() -> None:
    """In a worker whose batch is gone: stop before writing anything."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


def _end_processes(processes: list[psutil.Process], grace: float = STOP_GRACE) -> None:
    """SIGTERM, then after ``grace`` seconds SIGKILL, for the given processes (workers and their kernels)."""
    for process in processes:
        try:
            process.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(processes, timeout=grace)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)


def _stop_workers() -> None:
    """End the pool's workers and every kernel they started."""
    workers = [psutil.Process(p.pid) for p in multiprocessing.active_children() if p.pid]
    descendants = [c for w in workers for c in _children(w)]
    _end_processes(workers)
    _end_processes([d for d in descendants if d.is_running()], grace=1.0)


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def _scratch_root() -> Path:
    """One scratch folder per batch; folders of batches that were killed are removed first."""
    base = Path(tempfile.gettempdir())
    for old in base.glob(f"{SCRATCH_PREFIX}*"):
        pid = old.name.removeprefix(SCRATCH_PREFIX).split("-")[0]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))


def _interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


# --- the batch ----------------------------------------------------------------------------------------------


def run_batch(project_dir: Path, files: list[Path], jobs: int = 1, notebook: Path = NOTEBOOK, progress=print,
              overrides: dict[str, Any] | list[str] | None = None, replace: bool = False,
              timeout: float = DEFAULT_TIMEOUT) -> list[RunResult]:
    """Run every initiative, print one line when work starts and one as each finishes, update manifest and index.

    Ctrl-C or SIGTERM stops the workers and their kernels and removes every scratch file; the
    reports that were finished stay, with their lines in the index.
    """
    scratch = _scratch_root()
    results: list[RunResult] = []
    total = len(files)
    parallel = min(jobs, total) if jobs > 1 and total > 1 else 1
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None

    def report(result: RunResult) -> None:
        results.append(result)
        mark = "ok    " if result.status == "ok" else "FAILED"
        where = display_path(project_dir / "params" / result.region / f"{result.initiative}.yaml", project_dir)
        line = f"[{len(results)}/{total}] {mark} {where} ({result.seconds:.1f} s)"
        progress(printable(line + (f"\n        {result.error}" if result.error else "")))

    try:
        use_own_kernel(scratch)
        progress(f"building {total} report{'s' if total != 1 else ''}, {parallel} at a time "
                 f"(about 20 s each; at most {_duration(timeout)} each)")
        arguments = (project_dir, notebook, overrides, replace, timeout, str(scratch))
        if parallel > 1:
            pool = ProcessPoolExecutor(max_workers=parallel, initializer=_start_worker,
                                       initargs=(os.getpid(), str(scratch)))
            try:
                futures = [pool.submit(run_initiative, f, *arguments) for f in files]
                for future in as_completed(futures):
                    report(future.result())
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                _stop_workers()
                raise
            pool.shutdown(wait=True)
        else:
            for f in files:
                report(run_initiative(f, *arguments))
        overviews = {(r.region, r.region_name) for r in results if r.status == "ok" and r.output == r.initiative}
        for region, region_name in sorted(overviews):
            error = run_region(project_dir, region, region_name, scratch)
            progress(printable(f"        overview of {region}: " + (f"FAILED {error}" if error else "ok")))
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        update_index(project_dir, results)
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def run_region(project_dir: Path, region: str, region_name: str, scratch: str | Path | None = None) -> str | None:
    """Render reports/<region>/index.html from the stored summaries; returns an error line or None."""
    notebook_path = project_dir / REGION_NOTEBOOK
    try:
        with tempfile.TemporaryDirectory(prefix="evaluatie-region-", dir=scratch) as folder:
            executed_path = Path(folder) / "region.ipynb"
            _execute(notebook_path, executed_path,
                     {"region": region, "region_name": region_name, "reports_dir": "../reports"})
            executed = scrub_notebook(nbformat.read(executed_path, as_version=4), project_dir)
        page = notebook_to_html(executed, title=f"{region_name}: overzicht")
        write_atomic(project_dir / "reports" / region / "index.html", page)
        return None
    except Exception as failure:  # the overview failing never undoes the initiative reports
        return scrub(_failure_line(failure), project_dir)


def update_index(project_dir: Path, results: list[RunResult]) -> None:
    """Merge results into the manifest (keeping other initiatives) and rewrite the index page.

    Under a file lock, so that two batches at once never lose each other's entries.
    """
    reports = project_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    manifest_path = reports / "manifest.json"
    with FileLock(str(reports / ".manifest.lock"), timeout=120):
        entries = {}
        if manifest_path.is_file():
            try:
                entries = {(e["region"], e.get("output") or e["initiative"]): e
                           for e in json.loads(manifest_path.read_text("utf-8"))}
            except (ValueError, KeyError, TypeError):
                entries = {}
        for result in results:
            entries[(result.region, result.output or result.initiative)] = asdict(result)
        existing = {(f.parent.name, f.stem) for f in initiative_files([project_dir / "params"])}
        kept = [e for e in entries.values() if (e["region"], e["initiative"]) in existing]
        write_atomic(manifest_path, json.dumps(kept, indent=2, ensure_ascii=False))
        overviews = {e["region"] for e in kept if (reports / e["region"] / "index.html").is_file()}
        write_atomic(reports / "index.html", index_html(kept, overviews))
