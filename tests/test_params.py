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


def test_paths_outside_the_project_are_refused_before_opening(project, capsys):
    edit(project, lambda d: d["data"].update(panel="/etc/passwd"))
    code, out = run_check(project, capsys, GOOD)
    assert code == 1 and "data.panel: '/etc/passwd' lies outside the project folder" in out
    assert "root:" not in out


def test_a_folder_listed_under_data_folders_may_hold_data(project, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elders")
    (outside / "panel.csv").write_bytes((project / "data" / "demo" / "panel.csv").read_bytes())
    edit(project, lambda d: d["data"].update(folders=[str(outside)], panel=str(outside / "panel.csv")))
    code, out = run_check(project, capsys, GOOD)
    assert code == 0, out


def test_yml_files_are_read_and_a_twin_is_refused(project, capsys):
    path = project / GOOD
    twin = path.with_suffix(".yml")
    twin.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    code, out = run_check(project, capsys, "params/lindeland")
    assert code == 1 and "samen-indiceren.yml describes the same initiative; keep one of the two files" in out
    path.unlink()
    code, out = run_check(project, capsys, "params/lindeland")
    assert code == 0 and "ok     params/lindeland/samen-indiceren.yml" in out


def test_params_over_one_megabyte_are_refused(project, capsys):
    path = project / GOOD
    path.write_text(path.read_text(encoding="utf-8") + "# " + "x" * 1_000_000 + "\n", encoding="utf-8")
    code, out = run_check(project, capsys, GOOD)
    assert code == 1 and "a params file may be at most 1,000,000 bytes" in out


def test_overrides_are_validated_like_the_file(project):
    from evaluatie.params import ParamsError, load_initiative

    loaded = load_initiative(project / GOOD, ["report.seed=7", "control_group.regions=[lindeland, beekdal]",
                                              "treatment.units.0.start=2019"])
    assert loaded.params.report.seed == 7 and loaded.params.control_group.regions == ["lindeland", "beekdal"]
    assert loaded.params.treatment.units[0].start == 2019 and loaded.overrides["report.seed"] == 7
    with pytest.raises(ParamsError, match=r"\(with -p overrides\): report\.sed: unknown key; did you mean 'seed'"):
        load_initiative(project / GOOD, ["report.sed=7"])
    with pytest.raises(ParamsError, match=r"-p report\.seed: expected KEY=VALUE"):
        load_initiative(project / GOOD, ["report.seed"])
    with pytest.raises(ParamsError, match=r"'treatment\.units' is a list of 8; expected an index from 0 to 7"):
        load_initiative(project / GOOD, ["treatment.units.9.start=2019"])


def test_report_date_comes_from_params_or_the_data(project):
    import datetime

    from evaluatie.data.study import load_study, report_date

    study = load_study(project / GOOD)
    panel = project / "data" / "demo" / "panel.csv"
    assert report_date(study) == max(datetime.date.fromtimestamp(p.stat().st_mtime) for p in
                                     [panel, project / "data" / "demo" / "gemeenten.csv",
                                      *(project / "data" / "demo" / "process" / "samen-indiceren").iterdir()])
    assert report_date(load_study(project / GOOD, ["report.date=2025-03-03"])) == datetime.date(2025, 3, 3)
