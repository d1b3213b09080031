"""The worked example of docs/real-data.md, end to end on the fixtures: params YAML -> sources ->
canonical units and panel -> audit -> study -> estimated effects."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from evaluatie.data.audit import audit_panel
from evaluatie.data.panel import load_panel, load_units
from evaluatie.data.sources import Sources, build_from_sources
from evaluatie.outcome.evaluation import evaluate_indicator
from evaluatie.params import load_catalogue
from evaluatie.data.study import load_study

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
PARAMS = "params/noord/ouderenzorg-groningen.yaml"
DOC = ROOT / "docs" / "real-data.md"
LAYOUT = {  # where the walk-through puts each downloaded file
    "gemeenten_referentie.csv": "data/referentie/gemeenten.csv",
    "herindelingen.csv": "data/referentie/herindelingen.csv",
    "cbs_statline_regionale_kerncijfers.csv": "data/cbs/regionale_kerncijfers.csv",
}


@pytest.fixture
def example(tmp_path):
    """A project laid out as the walk-through says, with its params file."""
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)]
    sources, initiative = blocks[0]["data"]["sources"], blocks[2]
    project = tmp_path
    for name, target in LAYOUT.items():
        (project / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / name, project / target)
    (project / "data" / "vektis").mkdir()
    for path in FIXTURES.glob("Vektis_*.csv"):
        shutil.copy(path, project / "data" / "vektis" / path.name)
    (project / "params" / "noord").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "indicators.yaml", project / "params" / "indicators.yaml")
    params = dict(initiative, data={"sources": sources})
    (project / PARAMS).write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return project, sources, initiative


def test_python_steps_of_the_doc(example, monkeypatch, capsys):
    project, _, _ = example
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    monkeypatch.chdir(project)
    exec(compile(code, str(DOC), "exec"), {})
    assert "De data kunnen de analyse dragen" in capsys.readouterr().out
    assert load_panel(project / "data" / "panel.csv", "panel.csv").unit_id.nunique() == 9
    assert len(load_units(project / "data" / "gemeenten.csv", "gemeenten.csv")) == 9


def test_other_source_types_in_the_doc_are_valid():
    block = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[1]
    files = yaml.safe_load("files:\n" + block)["files"]
    Sources.model_validate({"municipalities": "x.csv", "files": files})


def test_sources_to_effects(example):
    project, raw, initiative = example
    built = build_from_sources(Sources.model_validate(raw), lambda relative: project / relative)
    assert "GM0017" not in set(built.units.unit_id)  # Haren is part of Groningen on the 2019 boundaries
    assert set(built.panel.indicator) == {"zvw_kosten_totaal", "zvw_kosten_msz", "zvw_kosten_wijkverpleging",
                                          "bijstand", "wmo_clienten"}
    assert {f.name for _, f in built.files} >= {"gemeenten.csv", "herindelingen.csv", "regionale_kerncijfers.csv"}
    indicators = initiative["indicators"]
    audit = audit_panel(built.units, built.panel, load_catalogue(project), {"GM0014": 2019}, indicators,
                        title="Data-audit Wijkgerichte ouderenzorg Groningen")
    assert audit.ok, audit.to_text()
    few = [f for f in audit.findings if f.check == "te weinig eenheden"]
    assert len(few) == len(indicators) and "1/9 = 0,111" in few[0].message  # 9 municipalities in the fixtures
    assert "Data-audit Wijkgerichte ouderenzorg Groningen" in audit.to_html()

    built.units.to_csv(project / "data" / "gemeenten.csv", index=False)
    built.panel.to_csv(project / "data" / "panel.csv", index=False)
    params = dict(initiative, data={"units": "data/gemeenten.csv", "panel": "data/panel.csv"})
    path = project / PARAMS  # until params.py reads data.sources, the prepared files stand in
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    study = load_study(path)
    assert study.control_units == [u for u in built.units.unit_id if u != "GM0014"]
    choice, indicator = next((c, i) for c, i in study.indicators() if c.id == "zvw_kosten_msz")
    result = evaluate_indicator(study, choice, indicator)
    # the fixtures lower Groningen's hospital costs by 10% from 2019 (about EUR 130 per insured year) ...
    assert -200 < result.headline.estimate < -60
    # ... but with 9 municipalities no randomisation p-value is below 1/9: the report says too little data
    assert result.headline.p_value == pytest.approx(1 / 9) and result.verdict == "te_weinig"
