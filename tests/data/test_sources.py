"""Params models of data.sources and building the canonical frames from them."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from pydantic import ValidationError

from evaluatie.data.panel import DataError, PANEL_COLUMNS, UNIT_COLUMNS
from evaluatie.data.sources import Sources, build_from_sources

from .conftest import FIXTURES

CBS = {"type": "cbs_statline", "path": "cbs_statline_regionale_kerncijfers.csv",
       "indicators": {"bijstand": {"numerator": "PersonenMetBijstand_2", "denominator": "TotaleBevolking_1",
                                   "per": 1000}}}
VEKTIS = {"type": "vektis", "paths": ["Vektis_*_gemeente.csv"]}
BASE = {"municipalities": "gemeenten_referentie.csv", "mergers": "herindelingen.csv", "boundary_year": 2019}


def build(raw, folder=FIXTURES):
    return build_from_sources(Sources.model_validate(raw), lambda relative: folder / relative)


def test_canonical_frames():
    built = build(dict(BASE, files=[VEKTIS, CBS], population="bijstand"))
    assert list(built.units.columns) == UNIT_COLUMNS
    assert list(built.panel.columns) == PANEL_COLUMNS + ["suppressed"]
    groningen = built.units.set_index("unit_id").loc["GM0014"]
    assert (groningen["name"], groningen.region, groningen.level) == ("Groningen", "noord", "gemeente")
    cbs = pd.read_csv(FIXTURES / CBS["path"], sep=";")
    assert groningen.population == cbs[(cbs.RegioS.str.strip() == "GM0014") & (cbs.Perioden == "2019JJ00")].TotaleBevolking_1.iloc[0]


@pytest.mark.parametrize("raw, message", [
    (dict(BASE, files=[dict(CBS, level="gemeenten")]), "String should match pattern"),
    (dict(BASE, files=[dict(CBS, indicators={"x": {"numerator": "a", "denominator": "b", "total": True}})]),
     "'total' goes with 'value'"),
    (dict(BASE, files=[]), "at least 1 item"),
    (dict(BASE, files=[dict(CBS, type="statline")]), "does not match any of the expected tags"),
    (dict(BASE, files=[{"type": "table", "path": "x.csv", "unit": "u", "period": "p"}]),
     "a long table needs 'indicator' and 'value'"),
    (dict(BASE, files=[{"type": "table", "path": "x.csv", "unit": "u", "period": "p", "layout": "wide"}]),
     "a wide table needs 'indicators'"),
    (dict(BASE, files=[dict(CBS, indicators={"x": {"numerator": "a"}})]), "a 'numerator' needs a 'denominator'"),
    (dict(BASE, files=[{"type": "table", "path": "x.csv", "unit": "u", "layout": "periods"}]),
     "one column per period needs 'indicator'"),
    (dict(BASE, files=[{"type": "table", "path": "x.csv", "unit": "u", "indicator": "i", "value": "v"}]),
     "a long or wide table needs 'period'"),
    (dict(BASE, files=[dict(CBS, pathh="x")]), "Extra inputs are not permitted"),
])
def test_invalid_params(raw, message):
    with pytest.raises(ValidationError, match=message):
        Sources.model_validate(raw)


def test_one_indicator_from_two_sources():
    double = dict(CBS, indicators={"zvw_kosten_msz": "TotaleBevolking_1"})
    with pytest.raises(DataError, match="indicator zvw_kosten_msz .* comes from more than one place: "
                                        "Vektis_\\*_gemeente.csv, cbs_statline_regionale_kerncijfers.csv"):
        build(dict(BASE, files=[VEKTIS, double]))


def test_without_mergers_or_boundary_year_the_shipped_mergers_harmonise_to_the_latest_boundaries():
    built = build({"municipalities": "gemeenten_referentie.csv", "files": [VEKTIS]})
    assert built.boundary_year == 2019  # the 2019 file names Groningen without Haren and Ten Boer
    assert not built.units.unit_id.isin(["GM0009", "GM0017", "GM0393"]).any()
    with_table = build(dict(BASE, files=[VEKTIS]))
    pd.testing.assert_frame_equal(built.panel, with_table.panel)


def test_boundary_year_earlier_than_the_data_names_the_file_and_municipalities():
    with pytest.raises(DataError, match="harmonising to 2018: Groningen \\(GM0014\\) has data from 2019 on \\(in "
                                        "Vektis_\\*_gemeente.csv\\), when Haren \\(GM0017\\) had merged into it"):
        build(dict(BASE, boundary_year=2018, files=[VEKTIS]))


def test_reference_without_regions_places_municipalities_in_their_province(tmp_path):
    for path in FIXTURES.glob("*"):
        shutil.copy(path, tmp_path / path.name)
    reference = tmp_path / "gemeenten_referentie.csv"
    reference.write_text("\n".join(line.rsplit(",", 2)[0] for line in reference.read_text().splitlines()))
    units = build(dict(BASE, files=[CBS]), tmp_path).units.set_index("unit_id")
    assert units.loc["GM0014", ["region", "region_name"]].tolist() == ["groningen", "Groningen"]
    assert units.loc["GM0363", ["region", "region_name"]].tolist() == ["noord-holland", "Noord-Holland"]


def test_no_vektis_files():
    with pytest.raises(DataError, match="nergens_\\*.csv: no file matches"):
        build(dict(BASE, files=[{"type": "vektis", "paths": ["nergens_*.csv"]}]))


def test_population_indicator_without_denominators():
    with pytest.raises(DataError, match="no denominators for indicator 'wmo_wachttijd'"):
        build(dict(BASE, files=[CBS], population="wmo_wachttijd"))


def test_table_source_detects_the_separator_and_reads_decimal_commas(tmp_path):
    shutil.copy(FIXTURES / "gemeenten_referentie.csv", tmp_path / "ref.csv")
    (tmp_path / "t.csv").write_text("code;jaar;ind;waarde;noemer\nGM0363;2019;wachttijd;7,5;40\n", encoding="utf-8")
    table = {"type": "table", "path": "t.csv", "unit": "code", "period": "jaar", "indicator": "ind", "value": "waarde",
             "denominator": "noemer", "indicators": {"wmo_wachttijd": "wachttijd"}, "format": {"decimal": ","}}
    built = build({"municipalities": "ref.csv", "files": [table]}, tmp_path)
    assert built.panel[["unit_id", "indicator", "value"]].values.tolist() == [["GM0363", "wmo_wachttijd", 7.5]]
    assert built.units[["unit_id", "name", "population"]].values.tolist() == [["GM0363", "Amsterdam", 40.0]]


def test_districts_take_the_region_of_their_municipality(tmp_path):
    shutil.copy(FIXTURES / "gemeenten_referentie.csv", tmp_path / "ref.csv")
    (tmp_path / "wijken.csv").write_text('"RegioS";"Perioden";"A";"B"\n"WK001401  ";"2019JJ00";"5";"100"\n'
                                         '"BU00140100";"2019JJ00";"2";"40"\n', encoding="utf-8")
    cbs = {"type": "cbs_statline", "path": "wijken.csv", "level": "wijk",
           "indicators": {"x": {"numerator": "A", "denominator": "B"}}}
    units = build({"municipalities": "ref.csv", "files": [cbs]}, tmp_path).units
    assert units[["unit_id", "name", "region", "level"]].values.tolist() == [
        ["WK001401", "WK001401 (Groningen)", "noord", "wijk"]]
