"""The readers on extracts of real public files (tests/data/fixtures/README.md says where each comes from).

One test per failure reported on the real downloads: regions of several levels, empty rows of
dissolved municipalities, Vektis' other cost columns and rest row, files on different boundary years,
StatLine's website export and further dimensions, and CBS' list of municipalities as reference table.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from evaluatie.data.cbs import open_statline, read_cbs_statline
from evaluatie.data.geography import read_municipalities
from evaluatie.data.panel import DataError
from evaluatie.data.sources import Sources, build_from_sources
from evaluatie.data.vektis import read_vektis

from .conftest import FIXTURES

CBS = "70072ned_UntypedDataSet_06062018_000805_extract.csv"
VEKTIS = "vektis_zvw_gemeente_2015_extract.csv"
EXPORT = "regionale_kerncijfers_provincies_export_extract.csv"
REFERENCE = "82949NED_TypedDataSet_17052018_142705.csv"
BIJSTAND = {"numerator": "BijstandTotDeAOWLeeftijd_162", "denominator": "TotaleBevolking_1", "per": 1000}


def build(raw, folder=FIXTURES, indicators=None):
    return build_from_sources(Sources.model_validate(raw), lambda relative: folder / relative, indicators)


@pytest.mark.parametrize("level, units", [("gemeente", 393), ("provincie", 12), ("corop", 40), ("landsdeel", 4),
                                          ("land", 1)])
def test_statline_rows_of_other_levels_are_left_out(level, units):
    notes = []
    panel = read_cbs_statline(FIXTURES / CBS, {"inwoners": "TotaleBevolking_1"}, level=level, notes=notes)
    assert panel.unit_id.nunique() == units and set(panel.period) == {"2015"}
    assert any("andere niveaus" in n.text for n in notes)


def test_statline_level_absent_is_named_with_the_levels_present():
    with pytest.raises(DataError, match="no rows of level wijk in column RegioS; the file has gemeente \\(713 rows\\), "
                                        "corop \\(40 rows\\), provincie \\(12 rows\\)"):
        read_cbs_statline(FIXTURES / CBS, {"inwoners": "TotaleBevolking_1"}, level="wijk")


def test_empty_rows_of_dissolved_municipalities_are_not_data():
    notes = []
    panel = read_cbs_statline(FIXTURES / CBS, {"bijstand": BIJSTAND}, notes=notes)
    assert len(panel) == 393 and panel.value.notna().sum() > 380  # 713 GM rows, of which 320 empty
    assert any(n.text.startswith("320 lege rij(en) van gemeentecodes die in dat jaar niet bestonden") for n in notes)
    assert panel[panel.unit_id == "GM0363"].value.iloc[0] > 0


def test_empty_rows_with_a_mergers_table_do_not_ask_for_one():
    built = build({"boundary_year": 2015, "population": "bijstand",
                   "files": [{"type": "cbs_statline", "path": CBS, "indicators": {"bijstand": BIJSTAND}}]})
    assert len(built.units) == 393 and built.boundary_year == 2015


def test_vektis_real_file_other_cost_columns_rest_row_and_boundary_year():
    notes = []
    panel = read_vektis([FIXTURES / VEKTIS], notes=notes)
    assert set(panel.indicator) == {"zvw_kosten_totaal", "zvw_kosten_msz", "zvw_kosten_wijkverpleging"}
    raw = pd.read_csv(FIXTURES / VEKTIS, sep=";", encoding="latin-1", keep_default_na=False)
    gooi = raw[raw.GEMEENTENAAM == "GOOISE MEREN"]
    cell = panel[(panel.unit_id == "GM1942") & (panel.indicator == "zvw_kosten_wijkverpleging")].iloc[0]
    assert cell.value == pytest.approx(gooi.KOSTEN_VERPLEGING_EN_VERZORGING.sum() / gooi.AANTAL_VERZEKERDEJAREN.sum())
    assert "GM1900" in set(panel.unit_id)  # SÚDWEST-FRYSLÂN, latin-1
    rest = [n.text for n in notes if "restcategorie" in n.text]
    assert len(rest) == 1 and "299.383 verzekerden" in rest[0]  # counted, not dropped silently
    assert any("indeling van 2017, niet die van 2015" in n.text for n in notes)


def test_vektis_asks_only_for_the_columns_of_the_indicators_used(tmp_path):
    earlier = tmp_path / "vektis_zvw_gemeente_2014.csv"
    shutil.copy(FIXTURES / VEKTIS, earlier)
    panel = read_vektis([earlier], indicators={"zvw_kosten_msz": ["KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG"]})
    assert set(panel.indicator) == {"zvw_kosten_msz"}
    with pytest.raises(DataError, match="vektis_zvw_gemeente_2014.csv: indicator zvw_kosten_wijkverpleging needs "
                                        "column KOSTEN_VERPLEGING_EN_VERZORGING, which this file of 2014 does not have "
                                        "\\(Vektis publishes it from 2015 on\\)"):
        header, rest = (FIXTURES / VEKTIS).read_bytes().split(b"\n", 1)
        earlier.write_bytes(header.replace(b";KOSTEN_VERPLEGING_EN_VERZORGING", b";KOSTEN_AWBZ") + b"\n" + rest)
        read_vektis([earlier])
    with pytest.raises(DataError, match="needs column KOSTEN_WIJKVERPLEGING, which this file of 2015 does not have "
                                        "\\(Vektis' file of 2015 has no such column\\)"):
        read_vektis([FIXTURES / VEKTIS], indicators={"x": ["KOSTEN_WIJKVERPLEGING"]})


def test_vektis_lower_case_names_cut_at_32_characters_as_in_later_files(tmp_path):
    header, rest = (FIXTURES / VEKTIS).read_bytes().split(b"\n", 1)
    later = tmp_path / "vektis_zvw_gemeente_2015.csv"
    later.write_bytes(b";".join(c.lower()[:32] for c in header.split(b";")) + b"\n" + rest)
    pd.testing.assert_frame_equal(read_vektis([later]).drop(columns="_row"),
                                  read_vektis([FIXTURES / VEKTIS]).drop(columns="_row"))


def test_files_on_different_boundary_years_are_harmonised_to_the_latest():
    built = build({"municipalities": REFERENCE, "population": "inwoners",
                   "files": [{"type": "vektis", "paths": [VEKTIS]},
                             {"type": "cbs_statline", "path": CBS,
                              "indicators": {"inwoners": {"value": "TotaleBevolking_1", "total": True}}}]},
                  indicators=["zvw_kosten_msz", "inwoners"])
    assert built.boundary_year == 2017  # Vektis 2015 names Meierijstad (2017); CBS 2015 has 2015's municipalities
    assert len(built.units) == 388
    people = built.panel[built.panel.indicator == "inwoners"].set_index("unit_id").value
    cbs = read_cbs_statline(FIXTURES / CBS, {"inwoners": "TotaleBevolking_1"}).set_index("unit_id").value
    assert people["GM1942"] == cbs[["GM0381", "GM0424", "GM0425"]].sum()  # Bussum, Muiden, Naarden
    assert people["GM0385"] == cbs[["GM0385", "GM0478"]].sum()  # Edam-Volendam took in Zeevang in 2016
    assert people["GM1945"] == cbs["GM0241"]  # Groesbeek, renamed Berg en Dal in 2016
    assert {"GM1942", "GM1948"} <= set(built.panel.unit_id[built.panel.indicator == "zvw_kosten_msz"])


def test_a_boundary_year_before_a_files_own_is_refused_naming_file_and_municipalities():
    with pytest.raises(DataError, match=f"{VEKTIS}: its data of 2015 are on the municipal boundaries of 2017, later "
                                        "than boundary_year 2015 \\(GM1940 De Fryske Marren, GM1942 Gooise Meren, "
                                        "GM1945 Berg en Dal, GM1948 Meierijstad did not exist in 2015\\)"):
        build({"boundary_year": 2015, "files": [{"type": "vektis", "paths": [VEKTIS]}]}, indicators=["zvw_kosten_msz"])


def test_statline_website_export_with_multi_row_header():
    table = open_statline(FIXTURES / EXPORT)
    assert (table.shape, table.encoding, table.decimal, table.region, table.period) == (
        "StatLine website export", "cp1252", ",", "Regio's", "Perioden")
    assert "G-N Commerciële dienstverlening" in table.measures  # a latin-1 title
    assert {"Mannen (aantal)", "Mannen (1 000 euro)", "Voortgezet onderwijs (aantal) #1",
            "Voortgezet onderwijs (aantal) #2"} <= set(
        table.measures)  # repeated titles told apart by unit, then by order
    panel = read_cbs_statline(FIXTURES / EXPORT, {"bijstand": {"numerator": "Bijstand tot de AOW-leeftijd",
                                                               "denominator": "Totale bevolking", "per": 1000}},
                              level="provincie")
    assert panel.unit_id.nunique() == 12 and sorted(set(panel.period)) == [str(y) for y in range(2006, 2016)]
    line = next(row for row in (FIXTURES / EXPORT).read_text(encoding="latin-1").splitlines()
                if row.startswith("Groningen (PV);2015;")).split(";")
    groningen = panel[(panel.unit_id == "PV20") & (panel.period == "2015")].iloc[0]
    assert groningen.denominator == int(line[2]) and groningen.value == pytest.approx(int(line[9]) / int(line[2]) * 1000)
    assert panel[panel.period == "2006"].value.isna().all()  # bijstand is given from 2007
    shares = read_cbs_statline(FIXTURES / EXPORT, {"x": "B-F Nijverheid en energie"}, level="provincie")
    assert shares.value.dropna().between(0, 100).all() and shares.suppressed.sum() > 0  # decimal commas; '.' cells


def test_further_dimension_needs_where_and_lists_its_values(write):
    # In the layout of CBS' crime tables (83648NED: ID;SoortMisdrijf;RegioS;Perioden;...); numbers invented.
    path = write("misdrijven.csv", '"ID";"SoortMisdrijf";"RegioS";"Perioden";"TotaalGeregistreerdeMisdrijven_1"\n'
                                   '"0";"T001161";"GM0363    ";"2019JJ00";"80000"\n'
                                   '"1";"CRI1000";"GM0363    ";"2019JJ00";"50000"\n'
                                   '"2";"T001161";"GM0518    ";"2019JJ00";"40000"\n'
                                   '"3";"CRI1000";"GM0518    ";"2019JJ00";"25000"\n')
    with pytest.raises(DataError, match="misdrijven.csv: column SoortMisdrijf is a further dimension with 2 values "
                                        "\\('T001161', 'CRI1000'\\); choose one with where: {SoortMisdrijf: '...'}"):
        read_cbs_statline(path, {"x": "TotaalGeregistreerdeMisdrijven_1"})
    panel = read_cbs_statline(path, {"x": "TotaalGeregistreerdeMisdrijven_1"}, where={"SoortMisdrijf": "CRI1000"})
    assert panel[["unit_id", "value"]].values.tolist() == [["GM0363", 50000.0], ["GM0518", 25000.0]]
    with pytest.raises(DataError, match="where SoortMisdrijf: 'CRI9999' does not occur; the values are 'T001161', "
                                        "'CRI1000'"):
        read_cbs_statline(path, {"x": "TotaalGeregistreerdeMisdrijven_1"}, where={"SoortMisdrijf": "CRI9999"})


def test_cbs_list_of_municipalities_is_the_reference_table_as_it_is():
    reference = read_municipalities(FIXTURES / REFERENCE, REFERENCE)
    assert len(reference) == 393 and set(reference.year) == {2015}  # no year column: the codes fit 2015 only
    assert reference.set_index("code").name["GM1680"] == "Aa en Hunze"  # padding stripped
    built = build({"municipalities": REFERENCE, "population": "bijstand",
                   "files": [{"type": "cbs_statline", "path": CBS, "indicators": {"bijstand": BIJSTAND}}]})
    assert built.units.set_index("unit_id").loc["GM0888", ["name", "region"]].tolist() == ["Beek", "limburg"]
