"""Run the report notebook for many initiatives: check first, papermill per initiative, nbconvert to HTML.

Every initiative is checked exactly as ``evaluatie check`` checks it (:func:`check_initiative`)
before its notebook runs; one that fails is reported with its first problem and the batch goes
on. A report is rebuilt only when one of its inputs changed (:mod:`evaluatie.inputs`; ``force``
rebuilds). Workers build and hand back the files; only the batch writes them, each to a temporary
file first that is moved into place, so a failed or interrupted run never replaces a good report.
Each worker keeps one kernel started ahead with the package imported; a kernel runs one notebook
and is shut down. Region overviews run in the same workers as soon as their initiatives are done.
Workers watch the batch that started them and stop, with their kernels, when it is stopped or
killed; all scratch files live in one folder that the batch removes. A manifest
(``reports/manifest.json``, updated under a file lock) keeps the status and input key of every
initiative between runs, and ``reports/index.html`` is rebuilt from it.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import papermill
import psutil
from distributed.diagnostics.plugin import WorkerPlugin
from filelock import FileLock
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError
from papermill.exceptions import PapermillExecutionError
from tqdm import tqdm

from evaluatie.data.audit import Audit, audit_study
from evaluatie.data.study import Study, load_study, place_names, report_date
from evaluatie.formats import dutch_date, printable
from evaluatie.inputs import (
    MANIFEST, NOTEBOOK, OVERVIEWS, REGION_NOTEBOOK, input_key, output_name, overview_is_current, overview_key, plan,
    read_manifest, read_overview_keys, report_inputs,
)
from evaluatie.params import ParamsError, display_path, find_project_dir, initiative_files, parse_overrides
from evaluatie.process.instrument import load_instruments
from evaluatie.process.interviews import load_codebook, read_segments, review_quotes
from evaluatie.process.responses import read_responses
from evaluatie.report.render import index_html, notebook_to_html, scrub, scrub_notebook, write_atomic
from evaluatie.report.text import findings_line

KERNEL_NAME = "evaluatie"
DEFAULT_TIMEOUT = 600  # seconds per initiative
SCRATCH_PREFIX = "evaluatie-batch-"
STOP_GRACE = 5.0  # seconds a worker gets to stop its kernel before it is killed
# What a kernel imports while it waits for its notebook: everything the two notebooks import.
PRELOAD = ("IPython.display", "evaluatie.data.study", "evaluatie.outcome.evaluation", "evaluatie.outcome.frames",
           "evaluatie.process", "evaluatie.report.figures", "evaluatie.report.sections", "evaluatie.report.records",
           "evaluatie.report.region")
# One thread per numerical library in each kernel: the batch runs one kernel per core already, and the
# matrices are small, so more threads only cost time waiting for each other.
KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
ETA_ABOVE = 5  # batches of more initiatives than this show the time left


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
    key: str = ""  # the hash of every input (evaluatie.inputs); a later run with the same key skips the build
    inputs: dict[str, str] = field(default_factory=dict)


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


# --- kernels started ahead ---------------------------------------------------------------------------


class RunFailed(Exception):
    """An initiative that could not be built, with the one line that says why."""


def use_own_kernel(root: str | Path | None = None) -> None:
    """Make papermill start a kernel of *this* Python, whatever kernels the machine has registered.

    A kernelspec named ``evaluatie`` pointing at ``sys.executable`` is written to a private folder
    (inside ``root`` when given, which the batch removes) that is put first on JUPYTER_PATH for this
    process and its children. The kernel imports the package while it starts (before it answers),
    so a kernel started ahead has done the imports by the time its notebook arrives.
    """
    folder = Path(tempfile.mkdtemp(prefix="evaluatie-kernel-", dir=root))
    if root is None:
        import atexit

        atexit.register(shutil.rmtree, folder, True)
    spec_folder = folder / "kernels" / KERNEL_NAME
    spec_folder.mkdir(parents=True)
    preload = "; ".join(f"__import__({module!r})" for module in PRELOAD)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                     "--IPKernelApp.log_level=CRITICAL", f"--IPKernelApp.exec_lines={preload}"],
            "display_name": "Python (evaluatie)", "language": "python", "env": KERNEL_ENV}
    (spec_folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder), os.environ.get("JUPYTER_PATH")]))


class KernelsAhead:
    """At most one kernel per process started before it is needed, importing while other work goes on.

    Every kernel runs exactly one notebook and is then shut down, so nothing one initiative leaves
    in a kernel can reach the next.
    """

    def __init__(self) -> None:
        self._ready: tuple[str, AsyncKernelManager] | None = None

    def take(self, cwd: str) -> AsyncKernelManager:
        ready, self._ready = self._ready, None
        if ready is not None and ready[0] == cwd:
            return ready[1]
        if ready is not None:
            _shut_down(ready[1])
        return _start_kernel(cwd)

    def start(self, cwd: str) -> None:
        if self._ready is None:
            self._ready = (cwd, _start_kernel(cwd))

    def close(self) -> None:
        ready, self._ready = self._ready, None
        if ready is not None:
            _shut_down(ready[1])


def _start_kernel(cwd: str) -> AsyncKernelManager:
    manager = AsyncKernelManager(kernel_name=KERNEL_NAME)
    run_sync(manager.start_kernel)(cwd=cwd)
    return manager


def _shut_down(manager: AsyncKernelManager) -> None:
    """Stop a kernel at once; when the client side is broken (an interrupt mid-call), end its process."""
    try:
        run_sync(manager.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - whatever state the manager is in, the process must go
        process = getattr(manager.provisioner, "process", None)
        if process is not None:
            _end_processes([psutil.Process(process.pid)] if psutil.pid_exists(process.pid) else [], grace=1.0)


_KERNELS = KernelsAhead()


def _execute(notebook_path: Path, executed_path: Path, parameters: dict, timeout: float = DEFAULT_TIMEOUT,
             ahead: bool = False) -> None:
    """Run a notebook with papermill in a kernel started ahead, within ``timeout`` seconds in all; a kernel
    that dies while starting (a busy machine) gets one retry. ``ahead``: start the next kernel right after."""
    deadline = time.monotonic() + timeout
    cwd = str(notebook_path.parent)
    for attempt in (1, 2):
        kernel = _KERNELS.take(cwd)
        try:
            papermill.execute_notebook(
                str(notebook_path), str(executed_path), parameters=parameters, kernel_name=KERNEL_NAME, km=kernel,
                progress_bar=False, report_mode=True, log_output=False,
                timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
            )
            return
        except CellTimeoutError:
            raise RunFailed(f"stopped: the run took longer than the timeout of {_duration(timeout)} "
                            f"(raise it with --timeout SECONDS)") from None
        except RuntimeError as failure:
            if attempt == 2 or "Kernel died before replying" not in str(failure):
                raise
        finally:
            _shut_down(kernel)
            if ahead:
                _KERNELS.start(cwd)


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


# --- one initiative, one overview: built by a worker, written by the batch -------------------------------


@dataclass
class Built:
    """What one notebook task hands back: its files (paths relative to reports/), which only the batch writes."""

    files: dict[str, str]
    result: RunResult | None = None  # an initiative
    region: str | None = None  # an overview
    error: str | None = None  # why the overview failed


def _failure_line(error: BaseException) -> str:
    if isinstance(error, PapermillExecutionError):
        return f"cell {error.exec_count}: {error.ename}: {error.evalue}".strip()
    if isinstance(error, RunFailed):
        return str(error)
    return readable(error)


def build_initiative(params_file: Path, project_dir: Path, notebook: Path = NOTEBOOK,
                     overrides: dict[str, Any] | list[str] | None = None, replace: bool = False,
                     timeout: float = DEFAULT_TIMEOUT, ahead: bool = False) -> Built:
    """Check, execute and render one initiative; never raises for a failure of the initiative itself."""
    started = time.perf_counter()
    region, initiative_id = params_file.parent.name, params_file.stem
    result = RunResult(region=region, region_name=region, initiative=initiative_id, name=initiative_id,
                       status="failed", date="", seconds=0.0, output=initiative_id)
    files: dict[str, str] = {}
    try:
        chosen = parse_overrides(overrides or [])
        result.overrides = {k: v if isinstance(v, (str, int, float, bool, list, dict)) or v is None else str(v)
                            for k, v in chosen.items()}
        result.output = output_name(initiative_id, chosen, replace)
        result.inputs = report_inputs(params_file, project_dir, notebook, chosen, replace)
        check = check_initiative(params_file, chosen)
        if check.study is not None:
            study = check.study
            result.name, result.demo = study.params.name, study.params.demo
            result.region_name = _region_name(study)
            result.date = dutch_date(report_date(study))
        if not check.ok:
            raise RunFailed(check.problems[0] + (f" (and {len(check.problems) - 1} more; run evaluatie check)"
                                                 if len(check.problems) > 1 else ""))
        with tempfile.TemporaryDirectory(prefix="evaluatie-run-") as folder:
            executed_path = Path(folder) / f"{initiative_id}.ipynb"
            summary_path = Path(folder) / "summary.json"
            notebook_path = project_dir / notebook
            try:
                _execute(notebook_path, executed_path, {
                    "params_file": os.path.relpath(params_file.resolve(), notebook_path.parent.resolve()),
                    "summary_file": str(summary_path),
                    "overrides": json.loads(json.dumps(chosen, default=str))}, timeout, ahead)
            except (PapermillExecutionError, RunFailed):
                if executed_path.is_file():  # papermill marks the failing cell; kept for the evaluator
                    failed = scrub_notebook(nbformat.read(executed_path, as_version=4), project_dir)
                    files[f"{region}/{result.output}.failed.ipynb"] = nbformat.writes(failed)
                raise
            executed = scrub_notebook(nbformat.read(executed_path, as_version=4), project_dir)
            summary = summary_path.read_text(encoding="utf-8")
        executed.metadata.get("papermill", {}).update(
            {"input_path": notebook.as_posix(), "output_path": f"reports/{region}/{result.output}.ipynb"})
        files[f"{region}/{result.output}.ipynb"] = nbformat.writes(executed)
        if not chosen or replace:  # what-if runs stay out of the region overview
            files[f"{region}/{result.output}.summary.json"] = summary
        files[f"{region}/{result.output}.html"] = notebook_to_html(executed, title=f"{result.name}: evaluatierapport")
        result.status, result.error = "ok", None
        result.key = input_key(result.inputs)
        parsed = json.loads(summary)
        result.findings = findings_line(parsed["effects"], parsed.get("n_treated"))
    except Exception as failure:  # one initiative's failure is reported, the batch goes on
        result.status, result.error = "failed", scrub(_failure_line(failure), project_dir)
    result.seconds = round(time.perf_counter() - started, 1)
    return Built(files, result=result)


def build_overview(project_dir: Path, region: str, region_name: str, summaries: dict[str, str],
                   timeout: float = DEFAULT_TIMEOUT, ahead: bool = False) -> Built:
    """The region overview from the given summaries (file name: text), which it lays out in its own scratch
    folder: a worker needs no access to the reports. Never raises."""
    notebook_path = project_dir / REGION_NOTEBOOK
    try:
        with tempfile.TemporaryDirectory(prefix="evaluatie-region-") as folder:
            for name, text in summaries.items():
                (Path(folder) / region).mkdir(exist_ok=True)
                (Path(folder) / region / name).write_text(text, encoding="utf-8")
            executed_path = Path(folder) / "region.ipynb"
            _execute(notebook_path, executed_path,
                     {"region": region, "region_name": region_name, "reports_dir": folder}, timeout, ahead)
            executed = scrub_notebook(nbformat.read(executed_path, as_version=4), project_dir)
        page = notebook_to_html(executed, title=f"{region_name}: overzicht")
        return Built({f"{region}/index.html": page}, region=region)
    except Exception as failure:  # the overview failing never undoes the initiative reports
        return Built({}, region=region, error=scrub(_failure_line(failure), project_dir))


def store(project_dir: Path, built: Built) -> None:
    """Write what a task made, each file atomically; a good build removes the notebook of an earlier failure."""
    reports = project_dir / "reports"
    for name, text in built.files.items():
        write_atomic(reports / name, text)
    result = built.result
    if result is None:
        return
    if result.status == "ok":
        (reports / result.region / f"{result.output}.failed.ipynb").unlink(missing_ok=True)
    html = f"{result.region}/{result.output}.html"
    result.report = html if (reports / html).is_file() else None


def _region_name(study: Study) -> str:
    """The region's display name from the units table, falling back to its id."""
    names = study.units.loc[study.units.region == study.params.region, "region_name"]
    return str(names.iloc[0]) if len(names) and isinstance(names.iloc[0], str) else study.params.region


# --- workers that stop with their batch ---------------------------------------------------------------


def _start_worker(parent: int, scratch: str, notebooks: str) -> None:
    """In each worker: the batch decides when to stop (Ctrl-C goes to it), SIGTERM ends the worker
    cleanly, and a watcher ends it, kernels included, as soon as the batch is gone. The first kernel
    starts at once; the one waiting at the end is shut down when the worker exits."""
    tempfile.tempdir = scratch
    os.environ["TMPDIR"] = scratch
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    threading.Thread(target=_watch_parent, args=(parent, scratch), daemon=True).start()
    multiprocessing.util.Finalize(None, _KERNELS.close, exitpriority=10)
    _KERNELS.start(notebooks)


def _exit_on_signal(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def _watch_parent(parent: int, scratch: str) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    _end_processes(psutil.Process().children(recursive=True))
    shutil.rmtree(scratch, ignore_errors=True)
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


class InProcess:
    """Runs the tasks one at a time in the batch's own process, in the order given, with a kernel started ahead."""

    def __init__(self, scratch: Path, notebooks: str) -> None:
        self.scratch = scratch
        self.queue: list[tuple[Future, Callable[..., Built], tuple]] = []
        _KERNELS.start(notebooks)

    def submit(self, task: Callable[..., Built], *arguments) -> Future:
        future: Future = Future()
        self.queue.append((future, task, arguments))
        return future

    def wait(self, pending: set[Future]) -> tuple[set[Future], set[Future]]:
        future, task, arguments = self.queue.pop(0)
        previous, tempfile.tempdir = tempfile.tempdir, str(self.scratch)
        try:
            future.set_result(task(*arguments))
        finally:
            tempfile.tempdir = previous
        return {future}, pending - {future}

    @staticmethod
    def close(interrupted: bool) -> None:
        _KERNELS.close()


SPAWN = multiprocessing.get_context("spawn")


class LocalPool:
    """Worker processes on this machine, each with a kernel started ahead; they stop with the batch."""

    def __init__(self, workers: int, scratch: Path, notebooks: str) -> None:
        # Fresh interpreters, not forks: a fork of a process that already talks to a kernel (a notebook in
        # JupyterLab, a test) inherits its ZeroMQ context, and a kernel started from it never answers.
        self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, mp_context=SPAWN,
                                        initargs=(os.getpid(), str(scratch), notebooks))

    def submit(self, task: Callable[..., Built], *arguments) -> Future:
        return self.pool.submit(task, *arguments)

    @staticmethod
    def wait(pending: set[Future]) -> tuple[set[Future], set[Future]]:
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        return set(done), set(rest)

    def close(self, interrupted: bool) -> None:
        if interrupted:
            self.pool.shutdown(wait=False, cancel_futures=True)
            _stop_workers()
        else:
            self.pool.shutdown(wait=True)


class KernelSetup(WorkerPlugin):
    """Dask worker plugin: this package's kernelspec on every worker, and no kernel left when a worker ends."""

    name = "evaluatie-kernels"

    def setup(self, worker) -> None:
        use_own_kernel()

    def teardown(self, worker) -> None:
        _KERNELS.close()


def _retry_once(dask_scheduler) -> None:
    """On the scheduler: a task whose worker dies is tried once more, then counted as failed."""
    dask_scheduler.allowed_failures = 1


class DaskCluster:
    """Initiatives sent to a Dask ``distributed`` scheduler (``tcp://HOST:8786``), or to a LocalCluster of N
    workers started here (``local:N``). Workers need this environment and the project at the same path;
    they hand back the files, which the batch writes. One task per worker thread at a time."""

    def __init__(self, address: str) -> None:
        import dask
        from distributed import Client, LocalCluster

        self.cluster = None
        if address.startswith("local:"):
            with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                self.cluster = LocalCluster(n_workers=_worker_count(address), threads_per_worker=1,
                                            dashboard_address=None, silence_logs=40)
            self.client = Client(self.cluster)
        else:
            self.client = Client(address, timeout=30)
            self.client.run_on_scheduler(_retry_once)
        self.client.register_plugin(KernelSetup())
        self.workers = max(1, sum(self.client.nthreads().values()))

    def submit(self, task: Callable[..., Built], *arguments):
        return self.client.submit(task, *arguments, pure=False)

    @staticmethod
    def wait(pending: set) -> tuple[set, set]:
        from distributed import wait as wait_for

        done, rest = wait_for(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def close(self, interrupted: bool) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _worker_count(address: str) -> int:
    count = address.removeprefix("local:")
    if not count.isdigit() or int(count) < 1:
        raise ParamsError([f"--cluster {address}: expected local:N with N workers, e.g. local:2, "
                           "or a scheduler address such as tcp://HOST:8786"])
    return int(count)


# --- the batch ----------------------------------------------------------------------------------------------


def run_batch(project_dir: Path, files: list[Path], jobs: int = 1, notebook: Path = NOTEBOOK, progress=print,
              overrides: dict[str, Any] | list[str] | None = None, replace: bool = False,
              timeout: float = DEFAULT_TIMEOUT, force: bool = False, cluster: str | None = None) -> list[RunResult]:
    """Build every report whose inputs changed (all with ``force``), print one line when work starts and one
    as each finishes, then the region overviews whose summaries changed; update manifest and index.
    ``cluster`` sends the notebooks to Dask workers instead (:class:`DaskCluster`).

    Ctrl-C or SIGTERM stops the workers and their kernels and removes every scratch file; the
    reports that were finished stay, with their lines in the index. Returns the results of the
    initiatives built in this run.
    """
    work = plan(project_dir, files, notebook, overrides, replace, force)
    if work.nothing_to_do(project_dir):
        progress(work.up_to_date_line())
        return []
    todo, current, regions = work.todo, work.current, dict(work.regions)
    scratch = _scratch_root()
    results: list[RunResult] = []
    width = len(todo) or len(regions)  # an overview waits for its initiatives: they set the width
    parallel = min(jobs, width) if jobs > 1 and width > 1 else 1
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    interrupted = True
    workers: InProcess | LocalPool | DaskCluster | None = None
    try:
        use_own_kernel(scratch)
        notebooks = str((project_dir / notebook).parent)
        if cluster:
            workers = DaskCluster(cluster)
            parallel = workers.workers
        else:
            workers = LocalPool(parallel, scratch, notebooks) if parallel > 1 else InProcess(scratch, notebooks)
        skipped = f"; {len(current)} up to date (--force rebuilds them)" if current else ""
        progress(f"building {_reports(len(todo))}, {parallel} at a time{' on ' + cluster if cluster else ''} "
                 f"(about 10 s each; at most {_duration(timeout)} each){skipped}")
        tasks = _Tasks(workers, parallel, len(todo) + len(regions))
        for f in todo:
            tasks.submit(_lost_initiative(f), build_initiative, f, project_dir, notebook, overrides, replace, timeout)
        waiting = {region: {f.stem for f in todo if f.parent.name == region} for region in regions}
        bar = Progress(len(todo), progress)
        for region in [r for r, left in waiting.items() if not left]:
            _submit_overview(tasks, project_dir, region, regions[region], timeout)
        while tasks.pending:
            for built in tasks.next_done():
                store(project_dir, built)
                if built.result is None:
                    progress(printable(f"        overview of {built.region}: "
                                       + (f"FAILED {built.error}" if built.error else "ok")))
                    if not built.error:
                        _record_overview(project_dir, built.region, regions[built.region])
                    continue
                results.append(built.result)
                bar.finished(built.result, project_dir)
                region = built.result.region
                if region in waiting:
                    waiting[region].discard(built.result.initiative)
                    if not waiting[region]:
                        if built.result.status == "ok" and built.result.region_name != region:
                            regions[region] = built.result.region_name
                        _submit_overview(tasks, project_dir, region, regions[region], timeout)
        bar.close()
        interrupted = False
    finally:
        if workers is not None:
            workers.close(interrupted)
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        update_index(project_dir, results)
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def _reports(count: int) -> str:
    return f"{count} report{'s' if count != 1 else ''}"


class _Tasks:
    """The notebooks handed to the workers; each but the last few asks its worker to start the next kernel.

    A task that ends without a result (its worker died, on a cluster: twice) becomes a failure of its own.
    """

    def __init__(self, workers: InProcess | LocalPool | DaskCluster, parallel: int, expected: int) -> None:
        self.workers, self.parallel, self.expected = workers, parallel, expected
        self.submitted = 0
        self.pending: dict[Any, Callable[[BaseException], Built]] = {}

    def submit(self, lost: Callable[[BaseException], Built], task: Callable[..., Built], *arguments) -> None:
        self.submitted += 1
        ahead = self.submitted <= self.expected - self.parallel
        self.pending[self.workers.submit(task, *arguments, ahead)] = lost

    def next_done(self) -> list[Built]:
        done, _ = self.workers.wait(set(self.pending))
        finished = []
        for future in done:
            lost = self.pending.pop(future)
            try:
                finished.append(future.result())
            except Exception as error:  # noqa: BLE001 - the worker, not the initiative, failed
                finished.append(lost(error))
        return finished


def _lost_initiative(params_file: Path) -> Callable[[BaseException], Built]:
    region, initiative = params_file.parent.name, params_file.stem
    return lambda error: Built({}, result=RunResult(region=region, region_name=region, initiative=initiative,
                                                    name=initiative, status="failed", date="", seconds=0.0,
                                                    output=initiative, error=_lost_line(error)))


def _lost_line(error: BaseException) -> str:
    return f"the worker running it stopped ({type(error).__name__}); on a cluster after one retry"


def _submit_overview(tasks: _Tasks, project_dir: Path, region: str, region_name: str, timeout: float) -> None:
    """Queue the region's overview when its summaries (or its notebook, or the package) changed."""
    if overview_is_current(project_dir, region, region_name):
        tasks.expected -= 1
        return
    summaries = {p.name: p.read_text(encoding="utf-8")
                 for p in sorted((project_dir / "reports" / region).glob("*.summary.json"))}
    tasks.submit(lambda error: Built({}, region=region, error=_lost_line(error)),
                 build_overview, project_dir, region, region_name, summaries, timeout)


def _record_overview(project_dir: Path, region: str, region_name: str) -> None:
    reports = project_dir / "reports"
    with FileLock(str(reports / ".manifest.lock"), timeout=120):
        keys = read_overview_keys(project_dir)
        keys[region] = overview_key(project_dir, region, region_name, REGION_NOTEBOOK)
        write_atomic(reports / OVERVIEWS, json.dumps(keys, indent=2, sort_keys=True))


class Progress:
    """One line per finished initiative; above ETA_ABOVE initiatives with the time left (tqdm's estimate),
    and a bar on the terminal."""

    def __init__(self, total: int, progress: Callable[[str], Any]) -> None:
        self.total, self.count, self.progress = total, 0, progress
        self.bar = tqdm(total=total, unit="report", file=sys.stderr, leave=False, dynamic_ncols=True,
                        disable=None if total > ETA_ABOVE else True)
        self.started = time.monotonic()

    def finished(self, result: RunResult, project_dir: Path) -> None:
        self.count += 1
        mark = "ok    " if result.status == "ok" else "FAILED"
        where = display_path(project_dir / "params" / result.region / f"{result.initiative}.yaml", project_dir)
        line = f"[{self.count}/{self.total}] {mark} {where} ({result.seconds:.1f} s"
        left = self.total - self.count
        if self.total > ETA_ABOVE and left:
            elapsed = time.monotonic() - self.started
            line += f"; about {tqdm.format_interval(elapsed / self.count * left)} left"
        with self.bar.external_write_mode():
            self.progress(printable(line + ")" + (f"\n        {result.error}" if result.error else "")))
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def update_index(project_dir: Path, results: list[RunResult]) -> None:
    """Merge results into the manifest (keeping other initiatives) and rewrite the index page.

    Under a file lock, so that two batches at once never lose each other's entries.
    """
    reports = project_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    manifest_path = reports / MANIFEST
    with FileLock(str(reports / ".manifest.lock"), timeout=120):
        entries = {(e["region"], e.get("output") or e["initiative"]): e for e in read_manifest(project_dir)}
        for result in results:
            entries[(result.region, result.output or result.initiative)] = asdict(result)
        existing = {(f.parent.name, f.stem) for f in initiative_files([project_dir / "params"])}
        kept = [e for e in entries.values() if (e["region"], e["initiative"]) in existing]
        write_atomic(manifest_path, json.dumps(kept, indent=2, ensure_ascii=False))
        overviews = {e["region"] for e in kept if (reports / e["region"] / "index.html").is_file()}
        write_atomic(reports / "index.html", index_html(kept, overviews))
