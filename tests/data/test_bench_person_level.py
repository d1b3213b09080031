"""The person-level benchmark script runs and prints its figures (on a small extract here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_person_level.py"


def test_benchmark_prints_seconds_and_peak_memory():
    result = subprocess.run([sys.executable, str(SCRIPT), "--rows", "80000"], capture_output=True, text=True,
                            timeout=120, check=True)
    assert re.search(r"^generated 80,000 rows \(\d+ MiB Parquet\) in [\d.]+ s$", result.stdout, re.M)
    # 80,000 rows of 342 municipalities x 8 years x 2 indicators
    assert re.search(r"^aggregated to 5,472 panel rows in [\d.]+ s; peak RSS of this process \d+ MiB$",
                     result.stdout, re.M), result.stdout
