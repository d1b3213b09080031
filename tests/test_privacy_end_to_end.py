"""No suppressed number reaches any written file, on every input path.

One project holds the smallest-units case five times, once per input path (the demo data, a prepared
panel, a StatLine CSV, Vektis files, a person-level extract): a participating municipality of 7
inhabitants with a count of 2 (a rate of 285,7 per 1.000, 28,6%, or a cost of 1.234,57 per insured),
and in the demo initiative a group of 3 respondents. One batch builds all five reports; the check
writes the audit pages; then every file under reports/ is searched.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from evaluatie.batch import run_batch
from evaluatie.inputs import select
from evaluatie.cli import main
from evaluatie.formats import number

ROOT = Path(__file__).resolve().parents[1]
TINY_NAME, TINY_CODE, TINY_DEMO = "Piepklein", "GM0024", "FG0199"
TINY_POPULATION, TINY_COUNT = 7, 2
RATE = TINY_COUNT / TINY_POPULATION * 1000  # 285.714...
SHARE = TINY_COUNT / TINY_POPULATION * 100  # 28.571...
COST = 1234.5678
YEARS = range(2014, 2022)
NAMES = ["Aldervoort", "Bremhaven", "Coldam", "Dijkerveen", "Elsloo-Noord", "Fenwolde", "Gaasterveld", "Holmwijk",
         "Irnsum-Oost", "Jorwerderveld", "Kalmthoven", "Lutterhorst", "Marsveen", "Noordwolde-Zuid", "Oosterrade",
         "Paterveld", "Quirijnsdorp", "Rolderveen", "Sellinge-Oost", "Tjalleberd-Noord", "Ulrumveld", "Vledderhorst",
         "Wapserveld", TINY_NAME]
CODES = [f"GM{i:04d}" for i in range(1, 25)]
TREATED = ["GM0001", "GM0002", "GM0003", "GM0004", TINY_CODE]


def _population(rng: np.random.Generator) -> dict[str, int]:
    sizes = {code: int(rng.integers(6000, 60000)) for code in CODES}
    sizes[TINY_CODE] = TINY_POPULATION
    return sizes


def _write_world(project: Path) -> None:
    """Reference table, StatLine CSV, Vektis files and a person-level extract for 24 invented municipalities."""
    rng = np.random.default_rng(7)
    population = _population(rng)
    ref = project / "data" / "ref"
    ref.mkdir(parents=True)
    pd.DataFrame([{"code": c, "name": n, "year": y, "region": "noord", "region_name": "Regio Noord"}
                  for y in YEARS for c, n in zip(CODES, NAMES)]).to_csv(ref / "gemeenten.csv", index=False)
    lines = ['"ID";"RegioS";"Perioden";"TotaleBevolking_1";"WmoClienten_3"']
    for y in YEARS:
        for c in CODES:
            clients = TINY_COUNT if c == TINY_CODE else int(population[c] * rng.uniform(0.04, 0.06))
            lines.append(f'"{len(lines)}";"{c}    ";"{y}JJ00";"{population[c]}";"{clients}"')
    (project / "data" / "cbs").mkdir()
    (project / "data" / "cbs" / "kerncijfers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (project / "data" / "vektis").mkdir()
    for y in YEARS:
        rows = ["GESLACHT;LEEFTIJDSKLASSE;GEMEENTENAAM;AANTAL_BSN;AANTAL_VERZEKERDEJAREN;"
                "KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG;KOSTEN_WIJKVERPLEGING"]
        for c, n in zip(CODES, NAMES):
            insured = population[c]
            per = COST if c == TINY_CODE else rng.uniform(900, 1500)
            rows.append(f";;{n.upper()};{insured};{insured:.2f};{per * insured:.2f};{insured * 120.0:.2f}")
        (project / "data" / "vektis" / f"Vektis_Open_Databestand_Zorgverzekeringswet_{y}_gemeente.csv").write_text(
            "\n".join(rows) + "\n", encoding="utf-8")
    persons = []
    for c in CODES:
        size = TINY_POPULATION if c == TINY_CODE else 300
        for person in range(size):
            for y in YEARS:
                admitted = person < TINY_COUNT if c == TINY_CODE else rng.random() < 0.12
                persons.append({"pseudo_id": f"{c}-{person}", "gemeente": c, "jaar": y, "opnames": int(admitted),
                                "verzekerdejaren": 1.0})
    (project / "data" / "extract").mkdir()
    pd.DataFrame(persons).to_csv(project / "data" / "extract" / "personen.csv", index=False)
    units = pd.DataFrame({"unit_id": CODES, "name": NAMES, "region": "noord", "region_name": "Regio Noord",
                          "level": "gemeente", "population": [population[c] for c in CODES]})
    panel = []
    for y in YEARS:
        for c in CODES:
            size = population[c]
            panel.append({"unit_id": c, "period": str(y), "indicator": "ziekenhuisopnames",
                          "value": RATE if c == TINY_CODE else rng.uniform(80, 140), "denominator": size})
            panel.append({"unit_id": c, "period": str(y), "indicator": "ervaren_gezondheid",
                          "value": SHARE if c == TINY_CODE else rng.uniform(70, 85), "denominator": size})
    (project / "data" / "eigen").mkdir()
    units.to_csv(project / "data" / "eigen" / "gemeenten.csv", index=False)
    pd.DataFrame(panel).to_csv(project / "data" / "eigen" / "panel.csv", index=False)


def _write_demo_with_tiny_unit(project: Path, demo: Path) -> None:
    """The demo data with one more municipality of 7 inhabitants, and 3 respondents from the community."""
    target = project / "data" / "klein"
    shutil.copytree(demo, target)
    units = pd.read_csv(target / "gemeenten.csv")
    tiny = units.iloc[[0]].assign(unit_id=TINY_DEMO, name=TINY_NAME, population=TINY_POPULATION)
    pd.concat([units, tiny]).to_csv(target / "gemeenten.csv", index=False)
    panel = pd.read_csv(target / "panel.csv", dtype={"period": str})
    rows = panel[panel.unit_id == "FG0101"].assign(unit_id=TINY_DEMO, denominator=float(TINY_POPULATION))
    rows["value"] = np.where(rows.indicator.isin(["ziekenhuisopnames", "wmo_clienten"]), RATE,
                             np.where(rows.indicator == "ervaren_gezondheid", SHARE, COST))
    pd.concat([panel, rows]).to_csv(target / "panel.csv", index=False)
    answers = target / "process" / "samen-indiceren" / "vragenlijst.csv"
    responses = pd.read_csv(answers, dtype=str, keep_default_na=False)
    community = responses[responses.wave == "2023"].head(3).copy()
    community["respondent_id"] = [f"klein-{i}" for i in range(3)]
    community["perspective"] = "gemeenschap"
    pd.concat([responses, community]).to_csv(answers, index=False)


def _initiative(project: Path, name: str, region: str, treated: list[str], indicators: list[str], data: dict,
                process: dict | None = None) -> None:
    params = {"id": name, "name": f"Privacytoets {name}", "region": region, "demo": True,
              "description": "Toets: de kleinste eenheden mogen nergens zichtbaar worden.",
              "partners": [{"name": "Gemeente Toets", "kind": "gemeente", "domain": "Wmo"}],
              "treatment": {"units": [{"unit": u, "start": 2018} for u in treated]},
              "indicators": indicators, "data": data, "report": {"date": "2025-03-03"}}
    if process:
        params["process"] = process
    folder = project / "params" / region
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory, demo_data):
    project = tmp_path_factory.mktemp("privacy")
    (project / "params").mkdir()
    shutil.copy(ROOT / "params" / "indicators.yaml", project / "params" / "indicators.yaml")
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    _write_world(project)
    _write_demo_with_tiny_unit(project, demo_data)
    reference = {"municipalities": "data/ref/gemeenten.csv"}
    _initiative(project, "demo", "lindeland", ["FG0101", "FG0102", "FG0103", TINY_DEMO],
                ["ziekenhuisopnames", "ervaren_gezondheid", "wmo_clienten"],
                {"units": "data/klein/gemeenten.csv", "panel": "data/klein/panel.csv"},
                {"responses": "data/klein/process/samen-indiceren/vragenlijst.csv",
                 "interviews": "data/klein/process/samen-indiceren/interviews.csv"})
    _initiative(project, "eigen-paneel", "noord", TREATED, ["ziekenhuisopnames", "ervaren_gezondheid"],
                {"units": "data/eigen/gemeenten.csv", "panel": "data/eigen/panel.csv"})
    _initiative(project, "statline", "noord", TREATED, ["wmo_clienten"], {"sources": {**reference, "files": [
        {"type": "cbs_statline", "path": "data/cbs/kerncijfers.csv",
         "indicators": {"wmo_clienten": {"numerator": "WmoClienten_3", "denominator": "TotaleBevolking_1",
                                         "per": 1000}}}]}})
    _initiative(project, "vektis", "noord", TREATED, ["zvw_kosten_msz"], {"sources": {**reference, "files": [
        {"type": "vektis", "paths": ["data/vektis/Vektis_*_gemeente.csv"],
         "indicators": {"zvw_kosten_msz": ["KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG"]}}]}})
    _initiative(project, "personen", "noord", TREATED, ["ziekenhuisopnames"], {"sources": {**reference, "files": [
        {"type": "person_level", "path": "data/extract/personen.csv", "unit": "gemeente", "period": "jaar",
         "person": "pseudo_id",
         "indicators": {"ziekenhuisopnames": {"column": "opnames", "how": "any", "per": 1000}}}]}})
    checked = main(["--project", str(project), "check"])
    results = run_batch(project, select(project), jobs=2, progress=lambda line: None)
    return project, checked, {r.initiative: r for r in results}


def _variants(value: float) -> set[str]:
    """Ways a report, a table or a JSON file could write ``value``."""
    found = {number(value, d) for d in (1, 2, 3)} | {f"{value:.{d}f}" for d in (1, 2, 3)}
    return found | {repr(value), json.dumps(value), number(value, 0) + ",", f"{round(value)} "} - {""}


def _written(project: Path) -> dict[str, str]:
    return {p.relative_to(project).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in (project / "reports").rglob("*") if p.is_file()}


def test_every_input_path_builds_its_report(built):
    project, checked, results = built
    assert checked == 0
    assert {name: r.status for name, r in results.items()} == dict.fromkeys(
        ["demo", "eigen-paneel", "statline", "vektis", "personen"], "ok"), {n: r.error for n, r in results.items()}
    files = _written(project)
    for name, region in [("demo", "lindeland"), ("eigen-paneel", "noord"), ("statline", "noord"),
                         ("vektis", "noord"), ("personen", "noord")]:
        assert f"reports/{region}/{name}.html" in files and f"reports/{region}/{name}-data-audit.html" in files


def test_no_suppressed_value_in_any_written_file(built):
    project, _, _ = built
    files = _written(project)
    assert len(files) >= 20
    leaks = [(path, variant) for path, text in files.items() for value in (RATE, SHARE, COST)
             for variant in _variants(value) if variant.strip(", ") not in ("286", "29", "1.235", "1235") and variant in text]
    assert leaks == []


def test_the_small_municipality_shows_no_population(built):
    project, _, _ = built
    for path, text in _written(project).items():
        for row in re.findall(r"<tr>(?:(?!</tr>).)*?" + TINY_NAME + r".*?</tr>", text, re.S):
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            assert str(TINY_POPULATION) not in cells, (path, cells)
        assert f"{TINY_NAME}, {TINY_POPULATION}" not in text and f'"population": {TINY_POPULATION}' not in text


def test_a_group_of_three_respondents_shows_no_answers(built):
    project, _, _ = built
    page = (project / "reports" / "lindeland" / "demo.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>(?:(?!</tr>).)*?Gemeenschap.*?</tr>", page, re.S)
    for row in rows:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert not any(re.fullmatch(r"−?\d+,\d+", c) for c in cells), cells


def test_identical_inputs_give_identical_html_with_the_params_date(built):
    project, _, _ = built
    page = project / "reports" / "noord" / "eigen-paneel.html"
    first = page.read_bytes()
    assert "3 maart 2025" in first.decode("utf-8")
    again = run_batch(project, select(project, initiative="eigen-paneel"), progress=lambda line: None, force=True)
    assert again[0].status == "ok" and page.read_bytes() == first
