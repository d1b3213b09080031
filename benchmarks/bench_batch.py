"""Speed of `evaluatie run` against the naive way of running the notebooks; prints figures, asserts nothing.

Measured in one run, in a throw-away copy of the project with freshly generated demo data:

- floor: papermill plus nbconvert of a trivial notebook that imports the same libraries as the report
  (a fresh kernel, as a naive batch starts for every notebook);
- naive serial sum: every demo report and every region overview run one after another the naive way
  (a fresh kernel each, papermill, nbconvert), summed;
- one report, the whole demo batch (reports and overviews), the batch again with nothing changed, and
  the batch after one params file changed, each through the command line (`evaluatie run`).

Run:  python benchmarks/bench_batch.py [--jobs 2] [--initiative samen-indiceren]
The machine may be shared: the figures move with its load, which hits the naive runs and the batch alike
only roughly, since they run at different moments.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from evaluatie.batch import KERNEL_NAME, PRELOAD, use_own_kernel
from evaluatie.demo import write_demo_data
from evaluatie.inputs import REGION_NOTEBOOK, select
from evaluatie.report.render import notebook_to_html

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"one": 1.5, "batch": 0.35, "unchanged": 3.0}


def make_project(folder: Path) -> Path:
    shutil.copytree(ROOT / "params", folder / "params")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    write_demo_data(folder / "data" / "demo")
    return folder


def naive(notebook: Path, parameters: dict, scratch: Path) -> float:
    """Seconds for one notebook the naive way: a fresh kernel, papermill, nbconvert."""
    started = time.perf_counter()
    executed = scratch / "executed.ipynb"
    papermill.execute_notebook(str(notebook), str(executed), parameters=parameters, kernel_name=KERNEL_NAME,
                               cwd=str(notebook.parent), progress_bar=False, report_mode=True)
    notebook_to_html(nbformat.read(executed, as_version=4), title="naive")
    return time.perf_counter() - started


def floor(project: Path, scratch: Path) -> float:
    imports = "\n".join(f"import {module}" for module in PRELOAD)
    trivial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(imports),
                                             nbformat.v4.new_markdown_cell("## Niets")])
    trivial.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python (evaluatie)", "language": "python"}
    path = project / "notebooks" / "trivial.ipynb"
    nbformat.write(trivial, path)
    try:
        return naive(path, {}, scratch)
    finally:
        path.unlink()


def naive_serial(project: Path, scratch: Path) -> float:
    """Every report and every overview one after another, each in a fresh kernel."""
    reports = scratch / "reports"
    total = 0.0
    for params in select(project):
        summary = reports / params.parent.name / f"{params.stem}.summary.json"
        summary.parent.mkdir(parents=True, exist_ok=True)
        total += naive(project / "notebooks" / "initiative.ipynb",
                       {"params_file": f"../params/{params.parent.name}/{params.name}", "summary_file": str(summary)},
                       scratch)
    for region in sorted(p.name for p in reports.iterdir()):
        total += naive(project / REGION_NOTEBOOK, {"region": region, "region_name": region,
                                                    "reports_dir": str(reports)}, scratch)
    return total


def cli(project: Path, *arguments: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "evaluatie.cli", "--project", str(project), "run", *arguments],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"evaluatie run {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def rebuilt(output: str) -> str:
    reports = re.findall(r"\] ok\s+params/\S+/(\S+)\.yaml", output)
    overviews = re.findall(r"overview of (\S+): ok", output)
    return f"rebuilt {', '.join(reports) or 'nothing'}; overviews {', '.join(overviews) or 'none'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="2", help="workers for the batch (default: 2)")
    parser.add_argument("--initiative", default="samen-indiceren", help="the one report timed alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        project = make_project(Path(folder) / "project")
        scratch = Path(folder) / "naive"
        scratch.mkdir()
        use_own_kernel(scratch)
        base = floor(project, scratch)
        serial = naive_serial(project, scratch)
        one, _ = cli(project, "--initiative", args.initiative, "--force")
        batch, _ = cli(project, "--jobs", args.jobs, "--force")
        unchanged, _ = cli(project, "--jobs", args.jobs)
        params = next(p for p in select(project) if p.stem == args.initiative)
        text = params.read_text(encoding="utf-8")
        params.write_text(re.sub(r"^name: (.*)$", r"name: \1 (herzien)", text, count=1, flags=re.M), encoding="utf-8")
        changed, output = cli(project, "--jobs", args.jobs)
    count = len(select(ROOT))
    rows = [
        ("floor: papermill + nbconvert, trivial notebook", base, "1.00x floor", ""),
        (f"naive serial sum ({count} reports + overviews)", serial, f"{serial / base:.2f}x floor", ""),
        (f"one report ({args.initiative})", one, f"{one / base:.2f}x floor",
         _target(one / base <= TARGETS["one"], f"<= {TARGETS['one']}x floor")),
        (f"batch of {count} reports + overviews, {args.jobs} workers", batch, f"{batch / serial:.2f}x naive serial",
         _target(batch / serial <= TARGETS["batch"], f"<= {TARGETS['batch']}x naive serial")),
        ("batch again, nothing changed", unchanged, f"{unchanged / serial:.3f}x naive serial",
         _target(unchanged < TARGETS["unchanged"], f"< {TARGETS['unchanged']:g} s")),
        ("batch after one params file changed", changed, f"{changed / serial:.2f}x naive serial",
         _target(rebuilt(output) == f"rebuilt {args.initiative}; overviews {params.parent.name}",
                 "only that initiative and its region") + f" ({rebuilt(output)})"),
    ]
    for label, seconds, ratio, target in rows:
        print(f"{label:<52} {seconds:7.1f} s  {ratio:<22} {target}")


def _target(met: bool, target: str) -> str:
    return f"target {target}: {'met' if met else 'NOT met'}"


if __name__ == "__main__":
    main()
