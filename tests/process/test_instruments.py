"""Instrument files: the shipped ones load, and broken ones fail with a clear message."""

import re
from pathlib import Path

import pytest
import yaml

import evaluatie.process
from evaluatie.process.instrument import (
    InstrumentError,
    load_instrument,
    load_instruments,
    parse_instrument,
    shipped_instruments,
)


def _write(tmp_path, mini_path, change):
    data = yaml.safe_load(mini_path.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "kapot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_all_required_instruments_are_shipped():
    expected = {"rivm", "ketenzorg", "regenboog", "scirocco", "financiering", "doelen_governance"}
    assert expected <= set(shipped_instruments())
    loaded = load_instruments(sorted(expected))
    assert all(i.citation and i.framework for i in loaded)


def test_shipped_structures_follow_their_frameworks():
    assert len(load_instrument("scirocco").dimensions) == 12
    scirocco = load_instrument("scirocco")
    assert {s.type for s in scirocco.scales.values()} == {"maturity"}
    keten = load_instrument("ketenzorg")
    assert len(keten.dimensions) == 9 and sorted(keten.phases) == [1, 2, 3, 4]
    rivm = load_instrument("rivm")
    principles = [d for d in rivm.dimensions if not d.startswith("fase_") and d != "toelichting"]
    assert len(principles) == 8 and sorted(rivm.phases) == [1, 2, 3, 4]
    assert len(load_instrument("regenboog").dimensions) == 8
    governance = load_instrument("doelen_governance")
    assert set(governance.scales["bestuursvorm"].options) == {
        "zelfsturend", "leidende_organisatie", "netwerkorganisatie"}


def test_own_instrument_from_a_path(mini, mini_path):
    assert mini.id == "mini"
    assert mini.items["s3"].reverse is True
    assert mini.scale_of("v1").minimum == 0 and mini.scale_of("s1").minimum == 1
    assert load_instrument(str(mini_path)).id == "mini"


def test_unknown_shipped_id_suggests_the_nearest():
    with pytest.raises(InstrumentError, match="Bedoelt u 'scirocco'"):
        load_instrument("sciroco")


def test_duplicate_item_id(tmp_path, mini_path):
    path = _write(tmp_path, mini_path, lambda d: d["items"].append(dict(d["items"][0])))
    with pytest.raises(InstrumentError, match=r"kapot\.yaml, item 's1'.*uniek"):
        load_instrument(path)


def test_item_in_unknown_dimension(tmp_path, mini_path):
    path = _write(tmp_path, mini_path, lambda d: d["items"][0].update(dimension="onbekend"))
    with pytest.raises(InstrumentError, match=r"kapot\.yaml, item 's1': dimensie 'onbekend' bestaat niet"):
        load_instrument(path)


def test_dimension_with_mixed_scales(tmp_path, mini_path):
    path = _write(tmp_path, mini_path, lambda d: d["items"][1].update(scale="rijp"))
    with pytest.raises(InstrumentError, match="dimensie 'samen' gebruiken verschillende schalen"):
        load_instrument(path)


def test_likert_scale_with_wrong_range(tmp_path, mini_path):
    path = _write(tmp_path, mini_path, lambda d: d["scales"]["eens"].update(min=0))
    with pytest.raises(InstrumentError, match="schaal 'eens'.*loopt van 1 tot 5"):
        load_instrument(path)


def test_unknown_scale_type_and_unknown_key(tmp_path, mini_path):
    path = _write(tmp_path, mini_path, lambda d: d["scales"]["rijp"].update(type="procent"))
    with pytest.raises(InstrumentError, match="type 'procent' is onbekend"):
        load_instrument(path)
    path = _write(tmp_path, mini_path, lambda d: d["items"][0].update(revers=True))
    with pytest.raises(InstrumentError, match="Bedoelt u 'reverse'"):
        load_instrument(path)


def test_phase_item_must_be_yes_no_and_phase_must_exist(tmp_path, mini_path):
    path = _write(tmp_path, mini_path, lambda d: d["items"][4].update(phase=7))
    with pytest.raises(InstrumentError, match="item 'f1a': fase 7 bestaat niet"):
        load_instrument(path)
    path = _write(tmp_path, mini_path, lambda d: d["items"][0].update(phase=1))
    with pytest.raises(InstrumentError, match="item 's1': een fase-item moet een ja/nee-schaal"):
        load_instrument(path)


def test_dimension_without_items_and_missing_field(tmp_path, mini_path):
    path = _write(tmp_path, mini_path, lambda d: d["dimensions"].append({"id": "leeg", "label": "Leeg"}))
    with pytest.raises(InstrumentError, match="dimensie 'leeg' heeft geen items"):
        load_instrument(path)
    path = _write(tmp_path, mini_path, lambda d: d["items"][2].pop("text"))
    with pytest.raises(InstrumentError, match="item 's3': veld 'text' ontbreekt"):
        load_instrument(path)


def test_item_ids_unique_across_instruments(tmp_path, mini_path):
    copy = _write(tmp_path, mini_path, lambda d: d.update(id="mini2"))
    with pytest.raises(InstrumentError, match="item 's1' staat ook in"):
        load_instruments([mini_path, copy])


def test_scale_parse_blank_is_missing_not_zero(mini):
    likert = mini.scales["eens"]
    assert likert.parse("") is None and likert.parse(None) is None and likert.parse(float("nan")) is None
    assert likert.parse("4") == 4.0 and likert.parse("eens") == 4.0
    assert mini.scales["janee"].parse("ja") == 1.0 and mini.scales["janee"].parse("Nee") == 0.0
    with pytest.raises(ValueError):
        likert.parse("0")
    with pytest.raises(ValueError):
        likert.parse("3.5")


def test_the_readme_example_is_a_valid_instrument():
    readme = (Path(evaluatie.process.__file__).parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    instrument = parse_instrument(yaml.safe_load(block), "README.md")
    assert {s.type for s in instrument.scales.values()} == {"likert", "maturity", "yesno", "categorical", "text"}
