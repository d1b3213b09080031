"""The summary an initiative report leaves for the overviews: codes and numbers only, no microdata.

The region page and ``reports/index.html`` read nothing else, and word it with the same functions of
:mod:`evaluatie.report.text` as the report, so every page says the same thing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from evaluatie.data.study import Study
from evaluatie.outcome.evaluation import IndicatorEvaluation
from evaluatie.process import ProcessEvaluation
from evaluatie.report.render import write_atomic


def _plain(value):
    """JSON has no NaN or infinity: both become null (a missing number)."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def summary(study: Study, evaluations: list[IndicatorEvaluation], process: ProcessEvaluation | None) -> dict:
    maturity = []
    if process is not None:
        maturity = [{"dimension": r.dimension_label, "median": float(r.median), "agreement": r.agreement}
                    for r in process.latest_consensus().itertuples()]
    return {"initiative": study.params.id, "name": study.params.name, "region": study.params.region,
            "demo": study.params.demo, "n_treated": len(study.treated_starts),
            "effects": [{k: _plain(v) for k, v in e.record().items()} for e in evaluations], "maturity": maturity}


def save_summary(summary_: dict, path: str | None) -> None:
    """Store the summary for the region overview (the batch passes a path; in JupyterLab it is None)."""
    if path:
        write_atomic(Path(path), json.dumps(summary_, ensure_ascii=False, indent=1))


def load_summaries(reports_dir: str | Path, region: str) -> list[dict]:
    """The summaries the initiative reports of ``region`` left behind, with missing numbers as NaN."""
    folder = Path(reports_dir) / region
    summaries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.summary.json"))]
    for s in summaries:
        s["effects"] = [{k: (math.nan if v is None and k in NUMBERS else v) for k, v in e.items()}
                        for e in s["effects"]]
    return summaries


NUMBERS = ("estimate", "ci_low", "ci_high", "p_value", "relative", "relative_low", "relative_high", "full_estimate",
           "full_ci_low", "full_ci_high")
