"""The ``evaluatie`` command: demo-data, check, run, schema.

Problems with params or data are printed as readable lines without a traceback (unless
``--debug``), and the exit code is non-zero.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from evaluatie.params import ParamsError, SCHEMA_FILE, display_path, initiative_files, json_schema


def _demo_data(args: argparse.Namespace) -> int:
    from evaluatie.demo import DEFAULT_SEED, write_demo_data

    out = args.project / "data" / "demo"
    if args.if_missing and out.is_dir():
        print(f"demo data present in {display_path(out, args.project)}")
        return 0
    # Built beside the target and moved into place whole, so an interrupted build never looks complete.
    building = out.with_name(".demo-building")
    shutil.rmtree(building, ignore_errors=True)
    files = write_demo_data(building, seed=args.seed if args.seed is not None else DEFAULT_SEED)
    shutil.rmtree(out, ignore_errors=True)
    building.rename(out)
    print(f"wrote {len(files)} demo files to {display_path(out, args.project)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from evaluatie.data.audit import audit_study
    from evaluatie.report.render import write_atomic
    from evaluatie.data.study import load_study

    paths = [Path(p) for p in args.paths] or [args.project / "params"]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"{path}: no such file or folder", file=sys.stderr)
    failed = bool(missing)
    for path in initiative_files([p for p in paths if p.exists()]):
        try:
            study = load_study(path)
        except ParamsError as error:
            failed = True
            for line in error.problems:
                print(f"ERROR  {line}")
            continue
        print(f"ok     {study.display}: {len(study.params.indicators)} indicators, "
              f"{len(study.treated_starts)} treated and {len(study.control_units)} control units")
        audit = audit_study(study)
        print(audit.to_text())
        write_atomic(args.project / "reports" / study.params.region / f"{study.params.id}-data-audit.html",
                     audit.to_html())
        failed |= not audit.ok
    return 1 if failed else 0


def _run(args: argparse.Namespace) -> int:
    from evaluatie.batch import run_batch, select

    files = select(args.project, args.region, args.initiative)
    if not files:
        print("no initiatives match; params files live in params/<region>/<initiative>.yaml", file=sys.stderr)
        return 2
    results = run_batch(args.project, files, jobs=args.jobs)
    failed = [r for r in results if r.status != "ok"]
    print(f"{len(results) - len(failed)} of {len(results)} reports written; overview: reports/index.html")
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    target = args.project / "params" / SCHEMA_FILE
    target.write_text(json_schema(), encoding="utf-8")
    print(f"wrote {display_path(target, args.project)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evaluatie", description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder (holds params/)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo-data", help="build the synthetic demo data in data/demo/")
    demo.add_argument("--seed", type=int, default=None)
    demo.add_argument("--if-missing", action="store_true", help="do nothing when the demo data exist")
    demo.set_defaults(handler=_demo_data)

    check = commands.add_parser("check", help="validate params files against the catalogue and data")
    check.add_argument("paths", nargs="*", help="files or folders (default: params/)")
    check.set_defaults(handler=_check)

    run = commands.add_parser("run", help="build the HTML reports")
    run.add_argument("--region")
    run.add_argument("--initiative")
    run.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="initiatives run in parallel")
    run.set_defaults(handler=_run)

    schema = commands.add_parser("schema", help=f"write params/{SCHEMA_FILE} for editors")
    schema.set_defaults(handler=_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.project = args.project.resolve()
    try:
        return args.handler(args)
    except (ParamsError, OSError) as error:
        if args.debug:
            raise
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
