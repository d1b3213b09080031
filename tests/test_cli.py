"""The command line: a version, help text for every option in plain text, a line when work starts."""

from __future__ import annotations

import argparse

import pytest

from evaluatie import __version__
from evaluatie.cli import build_parser, main


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"evaluatie {__version__}"


def _parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_option_has_plain_help():
    for parser in _parsers(build_parser()):
        text = parser.format_help()
        assert "``" not in text and ":func:" not in text and ":mod:" not in text, parser.prog
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"{parser.prog} {action.option_strings or action.dest} has no help"


def test_run_says_when_work_starts(project, capsys):
    (project / "params" / "lindeland" / "kapot.yaml").write_text("id: kapot\n", encoding="utf-8")
    code = main(["--project", str(project), "run", "--initiative", "kapot"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0].startswith("building 1 report, 1 at a time")
    assert lines[1].startswith("[1/1] FAILED params/lindeland/kapot.yaml")
