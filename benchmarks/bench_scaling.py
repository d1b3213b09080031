"""Scaling: many synthetic initiatives on the local pool and on a 2-worker Dask LocalCluster; prints figures.

The synthetic initiatives are copies of the demo initiatives under new ids (each with its own seed), in a
throw-away copy of the project with freshly generated demo data. For each way of running: the wall time,
seconds per initiative, and the peak memory of each worker (the worker process plus the kernel it runs),
sampled twice a second.

Run:  python benchmarks/bench_scaling.py [--count 100] [--workers 2]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

from evaluatie.batch import run_batch
from evaluatie.demo import write_demo_data
from evaluatie.inputs import select

ROOT = Path(__file__).resolve().parents[1]


def synthetic_project(folder: Path, count: int) -> list[Path]:
    """``count`` params files: the demo initiatives copied round-robin under new ids and seeds."""
    shutil.copytree(ROOT / "params", folder / "params")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    write_demo_data(folder / "data" / "demo")
    demo = select(folder)
    for path in demo:
        path.unlink()
    for number in range(count):
        original = demo[number % len(demo)]
        new_id = f"{original.stem}-s{number:03d}"
        data = yaml.safe_load((ROOT / "params" / original.parent.name / original.name).read_text(encoding="utf-8"))
        data.update(id=new_id, name=f"{data['name']} (synthetisch {number})")
        data.setdefault("report", {})["seed"] = number
        (original.parent / f"{new_id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                        encoding="utf-8")
    return select(folder)


class PeakMemory:
    """Peak resident memory per worker: each process that runs a kernel, plus that kernel."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        me = psutil.Process()
        while self.running:
            workers: dict[int, int] = {}
            for process in me.children(recursive=True):
                try:
                    if any("ipykernel" in part for part in process.cmdline()):
                        worker = process.parent()
                        workers.setdefault(worker.pid, worker.memory_info().rss)
                        workers[worker.pid] += process.memory_info().rss
                except psutil.Error:
                    continue
            for pid, rss in workers.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            time.sleep(0.5)

    def stop(self) -> list[int]:
        self.running = False
        self.thread.join()
        return sorted(self.peaks.values(), reverse=True)


def measure(label: str, project: Path, files: list[Path], **how) -> None:
    memory = PeakMemory()
    started = time.perf_counter()
    results = run_batch(project, files, progress=lambda line: None, force=True, **how)
    seconds = time.perf_counter() - started
    peaks = memory.stop()
    failed = sum(r.status != "ok" for r in results)
    shown = ", ".join(f"{p / 2**20:.0f}" for p in peaks[:8])
    print(f"{label:<28} {len(files)} initiatives in {seconds:7.1f} s = {seconds / len(files):5.2f} s each; "
          f"{failed} failed; peak MB per worker (worker + kernel): {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="synthetic initiatives (default: 100)")
    parser.add_argument("--workers", type=int, default=2, help="workers in each way of running (default: 2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as folder:
        project = Path(folder)
        files = synthetic_project(project, args.count)
        measure(f"local pool, {args.workers} workers", project, files, jobs=args.workers)
        measure(f"LocalCluster, {args.workers} workers", project, files, cluster=f"local:{args.workers}")


if __name__ == "__main__":
    main()
