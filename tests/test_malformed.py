"""A corpus of malformed inputs (params, data and process files), run as one batch beside a good initiative.

Every case must fail with one line that names its params file, the field and what is expected, and the
good initiative must still get its report. Run this file as a script to print the verdict per case and
the counts per verdict (clear / unclear / traceback / silent wrong result):

    .venv/bin/python tests/test_malformed.py
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE = "params/lindeland/samen-indiceren.yaml"
GOOD = "params/polderoost/proeftuin-hart.yaml"
REGION = "lindeland"
CRASH = re.compile(r"Traceback|\b(?:KeyError|TypeError|AttributeError|IndexError|NameError|AssertionError|"
                   r"RecursionError|UnboundLocalError|ZeroDivisionError|LinAlgError)\b")


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # params | data | process
    build: Callable[[Path, str], None]  # writes params/<REGION>/<name>.yaml (and any broken file)
    expected: str  # regex the one line must match after the file name: the field and what is expected


def _base() -> dict:
    return yaml.safe_load((ROOT / BASE).read_text(encoding="utf-8"))


def _write_params(project: Path, name: str, data: dict, suffix: str = ".yaml") -> None:
    data.setdefault("id", name)
    (project / "params" / REGION / f"{name}{suffix}").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def params(change: Callable[[dict], object], suffix: str = ".yaml") -> Callable[[Path, str], None]:
    """A case: the good demo params (with the case's id) with one change."""
    def build(project: Path, name: str) -> None:
        data = {**_base(), "id": name}
        change(data)
        _write_params(project, name, data, suffix)
    return build


def text(content: str | bytes, suffix: str = ".yaml") -> Callable[[Path, str], None]:
    """A case: a params file with exactly this content."""
    def build(project: Path, name: str) -> None:
        path = project / "params" / REGION / f"{name}{suffix}"
        path.write_bytes(content if isinstance(content, bytes) else content.replace("NAME", name).encode("utf-8"))
    return build


def _small_panel(project: Path) -> pd.DataFrame:
    panel = pd.read_csv(project / "data" / "demo" / "panel.csv", dtype={"period": str})
    return panel[panel.indicator == "wmo_wachttijd"].reset_index(drop=True)


def data(role: str, make: Callable[[Path], str | bytes], indicators: tuple[str, ...] = ("wmo_wachttijd",)):
    """A case: the units table or panel replaced by a broken file (the params name only ``indicators``)."""
    def build(project: Path, name: str) -> None:
        folder = project / "data" / "kapot"
        folder.mkdir(exist_ok=True)
        content = make(project)
        target = folder / f"{name}.csv"
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        config = {**_base(), "id": name}
        config["indicators"] = list(indicators)
        config["data"][role] = f"data/kapot/{name}.csv"
        if role == "units":
            small = folder / f"{name}-panel.csv"
            _small_panel(project).to_csv(small, index=False)
            config["data"]["panel"] = f"data/kapot/{name}-panel.csv"
        config.pop("process")
        _write_params(project, name, config)
    return build


def panel_with(change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], str]:
    return lambda project: change(_small_panel(project)).to_csv(index=False)


def units_with(change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], str]:
    return lambda project: change(pd.read_csv(project / "data" / "demo" / "gemeenten.csv")).to_csv(index=False)


def process(role: str, make: Callable[[str], str | bytes], settings: dict | None = None):
    """A case: the questionnaire or interview file replaced by a broken one (``make`` gets the good text)."""
    def build(project: Path, name: str) -> None:
        config = {**_base(), "id": name}
        good = (project / config["process"][role]).read_text(encoding="utf-8")
        folder = project / "data" / "kapot"
        folder.mkdir(exist_ok=True)
        content = make(good)
        target = folder / f"{name}.csv"
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        config["process"][role] = f"data/kapot/{name}.csv"
        config["process"].update(settings or {})
        _write_params(project, name, config)
    return build


def setting(**settings) -> Callable[[Path, str], None]:
    """A case: good process files with bad process settings."""
    def build(project: Path, name: str) -> None:
        config = {**_base(), "id": name}
        config["process"].update(settings)
        _write_params(project, name, config)
    return build


def _set(path: str, value) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
        target[last] = value
    return change


def _rows(lines: str) -> Callable[[str], str]:
    return lambda good: good.splitlines()[0] + "\n" + lines


def _first_row(change: Callable[[list[str]], list[str]]) -> Callable[[str], str]:
    def make(good: str) -> str:
        lines = good.splitlines()
        import csv
        import io

        rows = list(csv.reader(io.StringIO("\n".join(lines))))
        rows[1] = change(rows[1])
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue()
    return make


def _replace_cell(column: int, value: str) -> Callable[[list[str]], list[str]]:
    return lambda row: [value if i == column else cell for i, cell in enumerate(row)]


CASES = [
    # --- params: structure -------------------------------------------------------------------------
    Case("yaml-kapot", "params", text("id: NAME\nname: [niet afgesloten\n"), r"not valid YAML"),
    Case("leeg-bestand", "params", text(""), r"expected a mapping of keys to values"),
    Case("lijst-bovenaan", "params", text("- id: NAME\n"), r"expected a mapping of keys to values"),
    Case("tab-inspringing", "params", text("id: NAME\n\tname: x\n"), r"not valid YAML"),
    Case("geen-utf8", "params", text("id: kapot\nname: Caf\xe9\n".encode("latin-1")), r"not UTF-8"),
    Case("te-groot", "params", text("id: NAME\n# " + "x" * 1_100_000 + "\n"), r"may be at most 1,000,000 bytes"),
    Case("sleutel-tweemaal", "params", text("id: NAME\nid: NAME\n"), r"key 'id' appears twice"),
    Case("verkeerd-gespeld", "params", params(lambda d: d.update(indicatorss=d.pop("indicators"))),
         r"indicatorss: unknown key; did you mean 'indicators'\?"),
    Case("partners-ontbreken", "params", params(lambda d: d.pop("partners")), r"partners: required key is missing"),
    Case("intensiteit-tekst", "params", params(_set("treatment.intensity", "half")), r"treatment\.intensity: .*number"),
    Case("intensiteit-te-hoog", "params", params(_set("treatment.intensity", 1.5)),
         r"treatment\.intensity: .*less than or equal to 1"),
    Case("onbekende-eenheid", "params", params(_set("treatment.units.0.unit", "FG9999")),
         r"treatment\.units\[0\]\.unit: unknown unit 'FG9999'"),
    Case("eenheid-als-naam", "params", params(_set("treatment.units.0.unit", "Olvermond")),
         r"treatment\.units\[0\]\.unit: .*name of FG0101"),
    Case("onbekende-indicator", "params", params(lambda d: d["indicators"].__setitem__(0, "wmo_wachtijd")),
         r"indicators\[0\]: unknown indicator 'wmo_wachtijd'; did you mean 'wmo_wachttijd'\?"),
    Case("start-na-de-data", "params", params(_set("treatment.units.0.start", 2030)),
         r"treatment\.units\[0\]\.start: 2030 lies outside the data"),
    Case("start-geen-periode", "params", params(_set("treatment.units.0.start", "voorjaar 2018")),
         r"treatment\.units\[0\]\.start: .*not a period"),
    Case("paneel-ontbreekt", "params", params(_set("data.panel", "data/demo/paneel.csv")),
         r"data\.panel: file 'data/demo/paneel\.csv' not found"),
    Case("id-anders", "params", params(_set("id", "iets-anders")), r"id: 'iets-anders' differs from the file name"),
    Case("regio-anders", "params", params(_set("region", "beekdal")),
         r"region: 'beekdal' differs from the folder; expected 'lindeland'"),
    Case("eenheid-tweemaal", "params",
         params(lambda d: d["treatment"]["units"].append({"unit": "FG0101", "start": 2019})),
         r"treatment: unit\(s\) listed twice: FG0101"),
    Case("indicator-tweemaal", "params", params(lambda d: d["indicators"].append("wmo_wachttijd")),
         r"indicator\(s\) listed twice: wmo_wachttijd"),
    Case("lijst-zonder-eenheden", "params", params(_set("control_group", {"type": "list"})),
         r"control_group: .*needs at least one unit"),
    Case("onbekende-regio", "params", params(_set("control_group.regions", ["lindland"])),
         r"control_group\.regions\[0\]: unknown region 'lindland'; did you mean 'lindeland'\?"),
    Case("betaaltitel-fout", "params", params(_set("financing.payment_title", "resultaten")),
         r"financing\.payment_title: 'resultaten' is not allowed.*did you mean 'resultaat'\?"),
    Case("betrouwbaarheid-fout", "params", params(_set("report.confidence_level", 1.5)),
         r"report\.confidence_level: .*less than 1"),
    Case("datum-fout", "params", params(_set("report.date", "gisteren")), r"report\.date: .*date"),
    Case("inferentie-fout", "params", params(_set("outcome.inference", "bootstrap")),
         r"outcome\.inference: 'bootstrap' is not allowed; expected one of .*did you mean 'wild_bootstrap'\?"),
    Case("vergelijkingsgroep-fout", "params", params(_set("outcome.control_group", "not_yet")),
         r"outcome\.control_group: 'not_yet' is not allowed.*did you mean 'not_yet_treated'\?"),
    Case("anticipatie-negatief", "params", params(_set("treatment.anticipation", -1)),
         r"treatment\.anticipation: .*greater than or equal to 0"),
    Case("anticipatie-te-groot", "params", params(_set("treatment.anticipation", 12)),
         r"treatment\.anticipation: 12 periods before the start of treatment\.units\[0\] \(2018\) leave no period "
         r"of '\w+' before the moved start \(data from \d{4}\S*\); expected at most \d+"),
    Case("controlemethode-fout", "params", params(_set("control_group.method", "matchen")),
         r"control_group\.method: 'matchen' is not allowed; expected one of .*did you mean 'matching'\?"),
    Case("matchen-zonder-methode", "params", params(_set("control_group.matching", {"on": ["mean_income"]})),
         r"control_group: 'matching' options need method: matching"),
    Case("matchen-onbekende-kolom", "params",
         params(lambda d: d["control_group"].update(method="matching", matching={"on": ["mean_incom"]})),
         r"control_group\.matching\.on\[0\]: 'mean_incom' is no column of the units table; did you mean "
         r"'mean_income'\?; expected one of .*share_65plus"),
    Case("matchen-afstand-fout", "params",
         params(lambda d: d["control_group"].update(method="matching", matching={"distance": "euclidisch"})),
         r"control_group\.matching\.distance: 'euclidisch' is not allowed; expected one of 'mahalanobis' or "
         r"'propensity'"),
    Case("verdeling-telt-niet-op", "params", params(_set("financing.savings_shares", {"Zvw": 0.6, "Wmo": 0.3})),
         r"financing\.savings_shares: shares must add up to 1 \(100%\), not 0\.9"),
    Case("verdeling-onbekende-wet", "params", params(_set("financing.savings_shares", {"Zorgverzekeringswet": 1.0})),
         r"financing\.savings_shares\.Zorgverzekeringswet: 'Zorgverzekeringswet' is not allowed; expected one of 'Zvw'"),
    Case("id-hoofdletters", "params", params(_set("id", "Kapot_ID")), r"id: .*pattern"),
    Case("beide-databronnen", "params",
         params(_set("data.sources", {"municipalities": "data/x.csv", "files": [
             {"type": "table", "path": "data/x.csv", "unit": "u", "period": "p", "indicator": "i", "value": "v"}]})),
         r"data: give either 'units' and 'panel' or 'sources'"),
    Case("onbekend-brontype", "params",
         params(lambda d: d.update(data={"sources": {"municipalities": "data/x.csv", "files": [{"type": "excel"}]}})),
         r"data\.sources\.files\[0\]"),
    Case("geen-controles-over", "params",
         params(_set("control_group", {"type": "list", "units": ["FG0101"]})),
         r"control_group: no control units remain"),
    Case("pad-buiten-project", "params", params(_set("data.panel", "../../../etc/passwd")),
         r"data\.panel: '\.\./\.\./\.\./etc/passwd' lies outside the project folder"),
    Case("absoluut-pad", "params", params(_set("data.units", "/etc/hostname")),
         r"data\.units: '/etc/hostname' lies outside the project folder"),
    Case("pad-via-map-omhoog", "params", params(_set("process.interviews", "data/../../geheim.csv")),
         r"process\.interviews: 'data/\.\./\.\./geheim\.csv' lies outside the project folder"),
    Case("yml-bestand", "params", params(_set("naam", "x"), suffix=".yml"), r"naam: unknown key; did you mean 'name'\?"),
    Case("groepsgrootte-nul", "params", params(_set("process.min_group_size", 0)),
         r"process\.min_group_size: .*greater than or equal to 1"),
    Case("terminal-codes", "params", params(lambda d: d.update(name="\x1b[31mrood\x1b[0m", bogus=1)),
         r"bogus: unknown key"),
    # --- data: prepared units table and panel ----------------------------------------------------------
    Case("paneel-leeg", "data", data("panel", lambda p: b""), r"data\.panel: .*empty"),
    Case("paneel-alleen-kop", "data", data("panel", lambda p: "unit_id,period,indicator,value,denominator\n"),
         r"data\.panel: .*has a header but no rows"),
    Case("paneel-puntkomma", "data",
         data("panel", lambda p: _small_panel(p).to_csv(index=False, sep=";")),
         r"data\.panel: .*column\(s\) unit_id, period, indicator, value, denominator missing"),
    Case("waarde-tekst", "data",
         data("panel", panel_with(lambda f: f.assign(value=f.value.astype(object).where(f.index != 3, "veel")))),
         r"data\.panel: .*row 5, column value: 'veel' is not a number"),
    Case("dubbele-rij", "data", data("panel", panel_with(lambda f: pd.concat([f, f.iloc[[0]]]))),
         r"data\.panel: .*appear twice"),
    Case("noemer-negatief", "data",
         data("panel", panel_with(lambda f: f.assign(denominator=f.denominator.where(f.index != 0, -5)))),
         r"data audit: wmo_wachttijd: noemer nul of negatief"),
    Case("noemer-nul", "data",
         data("panel", panel_with(lambda f: f.assign(denominator=f.denominator.where(f.index != 0, 0)))),
         r"data audit: wmo_wachttijd: noemer nul of negatief"),
    Case("waarde-oneindig", "data",
         data("panel", panel_with(lambda f: f.assign(value=f.value.where(f.index != 2, float("inf"))))),
         r"column value: inf in row\(s\) 4 is not a finite number"),
    Case("noemer-oneindig", "data",
         data("panel", panel_with(lambda f: f.assign(denominator=f.denominator.where(f.index != 2, float("inf"))))),
         r"column denominator: inf in row\(s\) 4 is not a finite number"),
    Case("paneel-latin1", "data",
         data("panel", lambda p: "unit_id,period,indicator,value,denominator\nFG0101,2012,wmo_wachttijd,1,2\n"
              "FG01\xe9,2013,wmo_wachttijd,1,2\n".encode("latin-1")),
         r"data\.panel: .*cannot be read as UTF-8"),
    Case("paneel-rafelig", "data",
         data("panel", lambda p: "unit_id,period,indicator,value,denominator\nFG0101,2012,wmo_wachttijd,1,2,3,4\n"),
         r"data\.panel: .*line 2 has more fields than the header"),
    Case("paneel-binair", "data", data("panel", lambda p: bytes(range(256)) * 20), r"data\.panel: .*(UTF-8|read)"),
    Case("periode-onzin", "data",
         data("panel", panel_with(lambda f: f.assign(period=f.period.where(f.index != 0, "20x9")))),
         r"indicators: 'wmo_wachttijd' in data/kapot/periode-onzin\.csv: .*20x9"),
    Case("kwartalen-bij-jaar", "data",
         data("panel", panel_with(lambda f: f.assign(period=f.period + "Q1"))),
         r"indicators: 'wmo_wachttijd' is 'jaar' in params/indicators\.yaml, but the data hold periods such as"),
    Case("deelnemers-zonder-data", "data",
         data("panel", panel_with(lambda f: f[~f.unit_id.isin([f"FG010{i}" for i in range(1, 9)])])),
         r"(start: .*lies outside the data|data audit: wmo_wachttijd: behandelde eenheden: zonder gegevens)"),
    Case("eenheden-leeg", "data", data("units", lambda p: b""), r"data\.units: .*empty"),
    Case("eenheden-zonder-inwoners", "data", data("units", units_with(lambda u: u.drop(columns="population"))),
         r"data\.units: .*column\(s\) population missing"),
    Case("eenheid-tweemaal-in-tabel", "data", data("units", units_with(lambda u: pd.concat([u, u.iloc[[0]]]))),
         r"data\.units: .*unit_id FG0101 appears more than once"),
    Case("inwoners-negatief", "data",
         data("units", units_with(lambda u: u.assign(population=u.population.where(u.index != 0, -1)))),
         r"data\.units: .*population must hold positive numbers"),
    Case("inwoners-tekst", "data",
         data("units", units_with(lambda u: u.assign(population=u.population.astype(object).where(u.index != 0, "veel")))),
         r"data\.units: .*population must hold positive numbers"),
    # --- process files ---------------------------------------------------------------------------------
    Case("vragenlijst-ontbreekt", "process", setting(responses="data/kapot/bestaat-niet.csv"),
         r"process\.responses: file 'data/kapot/bestaat-niet\.csv' not found"),
    Case("interviews-leeg", "process", process("interviews", lambda good: b""), r"process\.interviews: .*empty"),
    Case("interviews-kolom-mist", "process",
         process("interviews", lambda good: "\n".join(",".join(line.split(",")[:2]) for line in good.splitlines())),
         r"process\.interviews: .*kolom\(men\) ontbreken"),
    Case("interviews-onbekende-code", "process",
         process("interviews", _first_row(_replace_cell(1, "bestaat_niet"))),
         r"process\.interviews: .*rij 2: code 'bestaat_niet' staat niet in codeboek"),
    Case("interviews-onbekend-perspectief", "process",
         process("interviews", _first_row(_replace_cell(3, "marsmannetje"))),
         r"process\.interviews: .*rij 2: perspectief 'marsmannetje' is onbekend"),
    Case("interviews-latin1", "process", process("interviews", lambda good: good.encode("cp1252", "replace")
                                                  .replace(b"e", b"\xe9", 3)),
         r"process\.interviews: .*UTF-8"),
    Case("vragenlijst-onbekende-kolom", "process",
         process("responses", lambda good: good.replace("sci_bereidheid", "sci_bereidhied", 1)),
         r"process\.responses: .*kolom 'sci_bereidhied' is geen bekend item"),
    Case("vragenlijst-antwoord-buiten-schaal", "process",
         process("responses", _first_row(_replace_cell(5, "9"))),
         r"process\.responses: .*(9|buiten|schaal)"),
    Case("vragenlijst-leeg", "process", process("responses", lambda good: b""), r"process\.responses: .*empty"),
    Case("vragenlijst-latin1", "process",
         process("responses", lambda good: good.encode("cp1252", "replace").replace(b"a", b"\xe4", 2)),
         r"process\.responses: .*UTF-8"),
    Case("onbekend-instrument", "process", setting(instruments=["scirocco", "bestaat_niet"]),
         r"process\.instruments: .*bestaat_niet"),
    Case("onbekend-codeboek", "process", setting(codebook="bestaat_niet"), r"process\.interviews: .*codeboek 'bestaat_niet'"),
    Case("instrument-buiten-project", "process", setting(instruments=["../../instrument.yaml"]),
         r"process\.instruments\[0\]: '\.\./\.\./instrument\.yaml' lies outside the project folder"),
    Case("vragenlijst-txt", "process", setting(responses="data/kapot/antwoorden.txt"),
         r"process\.responses: file 'data/kapot/antwoorden\.txt' not found"),
]
VERDICTS = ("clear", "unclear", "traceback", "silent wrong result")


def build_corpus(project: Path) -> list[Path]:
    """Write every case into ``project`` and return the params files, good initiative first."""
    for case in CASES:
        case.build(project, case.name)
    files = [project / GOOD]
    for case in CASES:
        found = sorted((project / "params" / REGION).glob(f"{case.name}.y*ml"))
        assert len(found) == 1, case.name
        files.append(found[0])
    return files


def verdict(case: Case, result) -> str:
    """clear: failed with one line naming the file, the field and what is expected; unclear: failed otherwise;
    traceback: a crash; silent wrong result: a report from malformed input."""
    if result.status == "ok":
        return "silent wrong result"
    line = result.error or ""
    if CRASH.search(line) or "\n" in line:
        return "traceback"
    named = line.startswith(f"params/{REGION}/{case.name}.y")
    return "clear" if named and re.search(case.expected, line) else "unclear"


def run_corpus(project: Path, jobs: int = 2):
    from evaluatie.batch import run_batch

    files = build_corpus(project)
    results = {r.initiative: r for r in run_batch(project, files, jobs=jobs, progress=lambda line: None)}
    return results, {case.name: verdict(case, results[case.name]) for case in CASES}


def make_project(folder: Path, demo: Path) -> Path:
    shutil.copytree(ROOT / "params", folder / "params")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    (folder / "data").mkdir()
    (folder / "data" / "demo").symlink_to(demo, target_is_directory=True)
    return folder


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory, demo_data):
    project = make_project(tmp_path_factory.mktemp("corpus"), demo_data)
    results, verdicts = run_corpus(project)
    return project, results, verdicts


def test_corpus_is_large_enough():
    assert len(CASES) >= 60 and len({c.name for c in CASES}) == len(CASES)
    assert {c.kind for c in CASES} == {"params", "data", "process"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_input_gets_one_clear_line(corpus_run, case):
    _, results, verdicts = corpus_run
    assert verdicts[case.name] == "clear", results[case.name].error


def test_good_initiative_in_the_same_batch_gets_its_report(corpus_run):
    project, results, _ = corpus_run
    assert results["proeftuin-hart"].status == "ok", results["proeftuin-hart"].error
    assert (project / "reports" / "polderoost" / "proeftuin-hart.html").is_file()
    assert not list((project / "reports" / REGION).glob("*.html"))  # no report from any malformed input
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert index.count("mislukt") >= len(CASES) and "\x1b" not in index


def test_check_goes_through_every_file_and_never_raises(corpus_run, capsys):
    from evaluatie.cli import main

    project, _, _ = corpus_run
    code = main(["--project", str(project), "check", str(project / "params" / REGION)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Traceback" not in out and "\x1b" not in out
    for case in CASES:
        assert f"ERROR  params/{REGION}/{case.name}.y" in out, case.name


def main() -> int:
    """Run the corpus once and print the verdict per case and the counts per verdict."""
    sys.path.insert(0, str(ROOT / "src"))
    from evaluatie.demo import write_demo_data

    with tempfile.TemporaryDirectory() as scratch:
        demo = Path(scratch) / "demo"
        write_demo_data(demo)
        project = make_project(Path(scratch) / "project", demo)
        results, verdicts = run_corpus(project)
    for case in CASES:
        print(f"{verdicts[case.name]:<20} {case.kind:<8} {case.name}: {results[case.name].error}")
    counts = Counter(verdicts.values())
    print(f"\n{len(CASES)} malformed inputs; good initiative in the same batch: {results['proeftuin-hart'].status}")
    for name in VERDICTS:
        print(f"{name:<20} {counts.get(name, 0)}")
    return 0 if counts.get("clear", 0) == len(CASES) else 1


if __name__ == "__main__":
    sys.exit(main())
