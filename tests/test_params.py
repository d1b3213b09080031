"""Params validation: every demo file passes; each kind of bad input gives one clear line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from evaluatie.cli import main
from evaluatie.params import SCHEMA_FILE, json_schema

ROOT = Path(__file__).resolve().parents[1]
GOOD = "params/lindeland/samen-indiceren.yaml"


def run_check(project: Path, capsys, *paths: str) -> tuple[int, str]:
    code = main(["--project", str(project), "check", *[str(project / p) for p in paths]])
    out = capsys.readouterr()
    return code, out.out + out.err


def edit(project: Path, change) -> None:
    path = project / GOOD
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_all_demo_params_pass(project, capsys):
    code, out = run_check(project, capsys, "params")
    assert code == 0, out
    assert out.count("ok ") == 7


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d.update(indicatorss=d.pop("indicators")), r"indicatorss: unknown key; did you mean 'indicators'\?"),
        (lambda d: d["treatment"].update(intensity="half"), r"treatment\.intensity: .*number"),
        (lambda d: d["treatment"].update(intensity=1.5), r"treatment\.intensity: .*less than or equal to 1"),
        (lambda d: d["treatment"]["units"][0].update(unit="FG9999"), r"treatment\.units\[0\]\.unit: unknown unit 'FG9999'"),
        (lambda d: d["treatment"]["units"][0].update(unit="Olvermond"), r"treatment\.units\[0\]\.unit: .*name of FG0101"),
        (lambda d: d["indicators"].__setitem__(0, "wmo_wachtijd"), r"indicators\[0\]: unknown indicator 'wmo_wachtijd'; did you mean 'wmo_wachttijd'\?"),
        (lambda d: d["treatment"]["units"][0].update(start=2030), r"treatment\.units\[0\]\.start: 2030 lies outside the data"),
        (lambda d: d["treatment"]["units"][0].update(start=2012), r"treatment\.units\[0\]\.start: 2012 lies outside the data"),
        (lambda d: d["treatment"]["units"][0].update(start="voorjaar 2018"), r"treatment\.units\[0\]\.start: .*not a period"),
        (lambda d: d["data"].update(panel="data/demo/paneel.csv"), r"data\.panel: file 'data/demo/paneel\.csv' not found"),
        (lambda d: d["financing"].update(payment_title="resultaten"), r"financing\.payment_title: 'resultaten' is not allowed.*did you mean 'resultaat'\?"),
        (lambda d: d.pop("partners"), r"partners: required key is missing"),
        (lambda d: d.update(id="iets-anders"), r"id: 'iets-anders' differs from the file name; expected 'samen-indiceren'"),
        (lambda d: d["treatment"]["units"].append({"unit": "FG0101", "start": 2019}), r"treatment: unit\(s\) listed twice: FG0101$"),
        (lambda d: d.update(control_group={"type": "list"}), r"control_group: .*needs at least one unit"),
        (lambda d: d["control_group"].update(regions=["lindland"]), r"control_group\.regions\[0\]: unknown region 'lindland'; did you mean 'lindeland'\?"),
        (lambda d: d["indicators"].__setitem__(0, {"id": "wmo_wachttijd", "stered": True}), r"indicators\[0\]\.stered: unknown key; did you mean 'steered'\?"),
    ],
)
def test_bad_params_give_one_clear_line(project, capsys, change, expected):
    edit(project, change)
    code, out = run_check(project, capsys, GOOD)
    assert code == 1
    assert "Traceback" not in out
    errors = [line for line in out.splitlines() if line.startswith("ERROR")]
    assert errors, out
    assert all(GOOD in line for line in errors), out
    assert re.search(expected, out, re.MULTILINE), out


def test_invalid_yaml_names_the_line(project, capsys):
    path = project / GOOD
    path.write_text(path.read_text(encoding="utf-8").replace("name: Samen", "name: [Samen", 1), encoding="utf-8")
    code, out = run_check(project, capsys, GOOD)
    assert code == 1 and re.search(rf"{GOOD} \(line \d+, column \d+\): not valid YAML", out), out


def test_duplicate_key_is_refused(project, capsys):
    path = project / GOOD
    path.write_text(path.read_text(encoding="utf-8") + "demo: false\n", encoding="utf-8")
    code, out = run_check(project, capsys, GOOD)
    assert code == 1 and "key 'demo' appears twice" in out, out


def test_missing_demo_data_suggests_building_it(project, capsys):
    (project / "data" / "demo").unlink()
    code, out = run_check(project, capsys, GOOD)
    assert code == 1 and "run `evaluatie demo-data`" in out, out


def test_broken_file_does_not_hide_the_others(project, capsys):
    edit(project, lambda d: d.update(indicatorss=d.pop("indicators")))
    code, out = run_check(project, capsys, "params")
    assert code == 1
    assert out.count("ok ") == 6, out


def test_committed_schema_matches_the_models():
    assert (ROOT / "params" / SCHEMA_FILE).read_text(encoding="utf-8") == json_schema()
    schema = json.loads(json_schema())
    assert schema["additionalProperties"] is False
    assert {"id", "treatment", "indicators", "data"} <= set(schema["required"])


def test_indicator_frequency_must_match_the_data(project, capsys):
    catalogue = project / "params" / "indicators.yaml"
    text = catalogue.read_text(encoding="utf-8")
    head, tail = text.split("  seh_bezoeken:", 1)
    catalogue.write_text(head + "  seh_bezoeken:" + tail.replace("frequency: kwartaal", "frequency: jaar", 1), encoding="utf-8")
    code, out = run_check(project, capsys, GOOD)
    assert code == 1 and "'seh_bezoeken' is 'jaar' in params/indicators.yaml, but the data hold periods such as 2012Q1" in out
