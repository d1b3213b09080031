"""The ``evaluatie`` command: demo-data, check, inspect, run, schema.

Problems with params or data are printed as readable lines without a traceback (unless
``--debug``), and the exit code is non-zero. Everything printed passes through
:func:`evaluatie.formats.printable`, since names and values come from files anyone may write.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from evaluatie import __version__
from evaluatie.formats import printable
from evaluatie.params import ParamsError, SCHEMA_FILE, display_path, initiative_files, json_schema

DESCRIPTION = ("Evaluate collaboration initiatives in Dutch care and welfare: check the params and data of each "
               "initiative, and build one Dutch HTML report per initiative for its steering group.")


def say(text: str = "", error: bool = False) -> None:
    print(printable(text), file=sys.stderr if error else sys.stdout)


def _demo_data(args: argparse.Namespace) -> int:
    from evaluatie.demo import DEFAULT_SEED, write_demo_data

    out = args.project / "data" / "demo"
    if args.if_missing and out.is_dir():
        say(f"demo data present in {display_path(out, args.project)}")
        return 0
    # Built beside the target and moved into place whole, so an interrupted build never looks complete.
    building = out.with_name(".demo-building")
    shutil.rmtree(building, ignore_errors=True)
    files = write_demo_data(building, seed=args.seed if args.seed is not None else DEFAULT_SEED)
    shutil.rmtree(out, ignore_errors=True)
    building.rename(out)
    say(f"wrote {len(files)} demo files to {display_path(out, args.project)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Check every params file given (or all of params/): one line per problem, the data audit, an exit code."""
    from evaluatie.batch import check_initiative

    paths = [Path(p) for p in args.paths] or [args.project / "params"]
    failed = False
    for path in paths:
        if not path.exists():
            say(f"ERROR  {path}: no such file or folder")
            failed = True
    for path in initiative_files([p for p in paths if p.exists()]):
        result = check_initiative(path, args.param)
        failed |= not result.ok
        _show_check(result, args.project)
    return 1 if failed else 0


def _inspect(args: argparse.Namespace) -> int:
    from evaluatie.data.inspection import inspect_file, write_panel
    from evaluatie.data.panel import DataError

    try:
        found = inspect_file(args.file, level=args.level)
        say(found.to_text())
        if args.to is not None and found.panel is None:
            say(f"nothing written to {args.to}: the file holds no panel ({'; '.join(n.text for n in found.notes)})")
        elif args.to is not None:
            rows = write_panel(found, args.to)
            say(f"wrote {rows} rows (unit_id, period, indicator, value, denominator, suppressed) to {args.to}")
    except DataError as error:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        say(" ".join(lines), error=True)  # one line, whatever the reader said
        return 1
    except Exception as error:  # a file no reader expected: still one line, never a traceback
        if args.debug:
            raise
        say(f"{args.file.name}: cannot be read as any of the formats evaluatie knows ({type(error).__name__}: "
              f"{error})".replace("\n", " "), error=True)
        return 1
    return 0


def _show_check(result, project: Path) -> None:
    """Print one check: its summary line, the data audit, its problems and the quotes held for review."""
    from evaluatie.report.audit import audit_page
    from evaluatie.report.render import write_atomic

    study = result.study
    if study is not None:
        say(f"{'ok    ' if result.ok else 'FAILED'} {study.display}: {len(study.params.indicators)} indicators, "
            f"{len(study.treated_starts)} treated and {len(study.control_units)} control units")
    if result.audit is not None:
        say(result.audit.to_text())
        target = project / "reports" / study.params.region / f"{study.params.id}-data-audit.html"
        try:
            write_atomic(target, audit_page(result.audit))
        except OSError as error:
            say(f"ERROR  {display_path(target, project)}: cannot be written ({error.strerror})")
    for line in result.problems:
        say(f"ERROR  {line}")
    for line in result.reviews:
        say(f"REVIEW {line}")


def _run(args: argparse.Namespace) -> int:
    from evaluatie.inputs import plan, select

    files = select(args.project, args.region, args.initiative)
    if not files:
        say("no initiatives match; params files live in params/<region>/<initiative>.yaml", error=True)
        return 2
    work = plan(args.project, files, overrides=args.param, replace=args.replace, force=args.force)
    if work.nothing_to_do(args.project):  # said before the batch machinery is imported: this stays fast
        say(work.up_to_date_line())
        return 0
    from evaluatie.batch import run_batch

    results = run_batch(args.project, files, jobs=args.jobs, overrides=args.param, replace=args.replace,
                        timeout=args.timeout, force=args.force, cluster=args.cluster)
    failed = [r for r in results if r.status != "ok"]
    if results:
        say(f"{len(results) - len(failed)} of {len(results)} reports written; overview: reports/index.html")
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    target = args.project / "params" / SCHEMA_FILE
    target.write_text(json_schema(), encoding="utf-8")
    say(f"wrote {display_path(target, args.project)}")
    return 0


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evaluatie", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"evaluatie {__version__}")
    parser.add_argument("--project", type=Path, default=Path("."),
                        help="project folder, the one that holds params/ (default: the current folder)")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks instead of one-line messages")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo-data", help="build the synthetic demo data in data/demo/",
                               description="Build the synthetic demo data in data/demo/.")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's own seed)")
    demo.add_argument("--if-missing", action="store_true", help="do nothing when the demo data exist")
    demo.set_defaults(handler=_demo_data)

    overrides = argparse.ArgumentParser(add_help=False)
    overrides.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                           help="what-if setting for this run, a dotted params key and a YAML value, e.g. "
                                "-p report.confidence_level=0.9 or -p control_group.regions=[beekdal]; "
                                "may be repeated; validated like the params file")

    check = commands.add_parser("check", parents=[overrides], help="validate params files and audit their data",
                                description="Validate params files against the catalogue and the data, and audit "
                                            "the data; one line per problem, exit code 1 when anything fails.")
    check.add_argument("paths", nargs="*", help="params files or folders (default: params/)")
    check.set_defaults(handler=_check)

    inspect = commands.add_parser("inspect", help="tell what a downloaded data file holds and how to read it")
    inspect.add_argument("file", type=Path, help="a CSV file as downloaded (StatLine, Vektis, a municipality list)")
    inspect.add_argument("--level", help="the regions to report: gemeente (default when present), wijk, buurt, "
                                         "provincie, corop, landsdeel, land")
    inspect.add_argument("--to", type=Path, help="write the canonical long panel to this CSV file")
    inspect.set_defaults(handler=_inspect)

    run = commands.add_parser("run", parents=[overrides], help="check, then build the HTML reports",
                              description="Check each initiative as 'check' does, then build its report; a "
                                          "failing initiative is reported and the others go on.")
    run.add_argument("--region", help="only the initiatives of this region (its folder under params/)")
    run.add_argument("--initiative", help="only this initiative (its file name without .yaml)")
    run.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                     help="initiatives run in parallel (default: %(default)s)")
    run.add_argument("--timeout", type=_positive, default=600,
                     help="seconds one initiative may take before it fails (default: %(default)s)")
    run.add_argument("--replace", action="store_true",
                     help="with -p: write the report under its usual name instead of a separate what-if name")
    run.add_argument("--cluster", metavar="ADDRESS",
                     help="send the initiatives to a Dask scheduler (tcp://HOST:8786), or start N local Dask "
                          "workers (local:N); the workers need this environment and the project at the same path")
    run.add_argument("--force", action="store_true",
                     help="rebuild every report, also those whose inputs did not change since they were built")
    run.set_defaults(handler=_run)

    schema = commands.add_parser("schema", help=f"write params/{SCHEMA_FILE} for editors",
                                 description=f"Write params/{SCHEMA_FILE}, the JSON Schema editors use to "
                                             "complete and check params files.")
    schema.set_defaults(handler=_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.project = args.project.resolve()
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        say("stopped; finished reports were kept", error=True)
        return 130
    except ParamsError as error:
        if args.debug:
            raise
        for line in error.problems:
            say(f"error: {line}", error=True)
        return 1
    except Exception as error:  # noqa: BLE001 - the command line shows one line, --debug the traceback
        if args.debug:
            raise
        say(f"error: {type(error).__name__}: {error}", error=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
