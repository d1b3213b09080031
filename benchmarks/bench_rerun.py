"""A rerun in JupyterLab after changing one params value: seconds, in one process, for a demo initiative.

Run:  python benchmarks/bench_rerun.py [params/lindeland/samen-indiceren.yaml]

Runs the notebook's steps and report sections as an evaluator does (load, design, estimates, checks,
process, per municipality, every section rendered), first from a cold session, then again after a change of
one params value that leaves the data and the estimation settings alone (the description, a partner), and
after one that changes the estimates (the confidence level: every interval is refitted). Target: the first
kind of rerun within 5 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

TARGET_SECONDS = 5.0
ROOT = Path(__file__).resolve().parents[1]


def run_steps(params_file: Path, overrides: dict) -> float:
    """Seconds for the notebook's cells from loading the study to the last report section."""
    from evaluatie.data.study import load_study
    from evaluatie.outcome.evaluation import choose_design, evaluate_outcomes, evaluate_per_unit
    from evaluatie.process import evaluate_study_process
    from evaluatie.report import sections

    start = time.perf_counter()
    study = load_study(params_file, overrides)
    evaluations = evaluate_outcomes(study, choose_design(study))
    process = evaluate_study_process(study)
    per_unit = evaluate_per_unit(study, evaluations)
    shown = [sections.cover(study), sections.kernboodschap(study, evaluations, process), sections.initiative(study),
             sections.effects(study, evaluations), sections.money(evaluations), sections.process(process),
             sections.lessons(evaluations, process), sections.municipalities(per_unit, evaluations),
             sections.glossary(), sections.methods(study, evaluations), sections.event_times(study, evaluations),
             sections.tables(study, evaluations, process, per_unit)]
    for section in shown:
        section._repr_html_()
    return time.perf_counter() - start


def main() -> None:
    params_file = ROOT / (sys.argv[1] if len(sys.argv) > 1 else "params/lindeland/samen-indiceren.yaml")
    start = time.perf_counter()
    import evaluatie.report.sections  # noqa: F401 - imports are paid once per kernel, not per rerun

    print(f"{params_file.relative_to(ROOT)}; imports {time.perf_counter() - start:.1f} s")
    cold = run_steps(params_file, {})
    text = run_steps(params_file, {"description": "Een andere beschrijving, om de herhaling te meten."})
    level = run_steps(params_file, {"report": {"confidence_level": 0.9}})
    print(f"first run (cold session)                      {cold:6.1f} s")
    print(f"rerun after a change of the description       {text:6.1f} s  ({text / cold:.2f} of the first run; "
          f"target at most {TARGET_SECONDS:.0f} s: {'met' if text <= TARGET_SECONDS else 'NOT met'})")
    print(f"rerun after a change of the confidence level  {level:6.1f} s  (every interval refitted)")


if __name__ == "__main__":
    main()
