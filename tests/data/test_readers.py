"""The readers on fixtures in the published shapes: CBS StatLine CSV and cbsodata JSON, Vektis, generic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluatie.data.cbs import read_cbs_statline
from evaluatie.data.generic import read_table
from evaluatie.data.panel import PANEL_COLUMNS
from evaluatie.data.tables import TextOptions
from evaluatie.data.vektis import read_vektis

from .conftest import FIXTURES

RATES = {
    "bijstand": {"numerator": "PersonenMetBijstand_2", "denominator": "TotaleBevolking_1", "per": 1000},
    "wmo_clienten": {"numerator": "WmoClienten_3", "denominator": "TotaleBevolking_1", "per": 1000},
}


def vektis_files():
    return sorted(FIXTURES.glob("Vektis_*.csv"))


def test_statline_csv_codes_periods_and_suppressed_cells():
    panel = read_cbs_statline(FIXTURES / "cbs_statline_regionale_kerncijfers.csv", RATES)
    assert list(panel.columns[:5]) == PANEL_COLUMNS
    assert set(panel.unit_id.str[:2]) == {"GM"}  # PV20 and NL01 left out, padding stripped
    assert sorted(panel.period.unique()) == ["2016", "2017", "2018", "2019"]
    groningen = panel[(panel.unit_id == "GM0014") & (panel.period == "2016") & (panel.indicator == "bijstand")].iloc[0]
    assert groningen.value == pytest.approx(7400 / 203900 * 1000)
    assert groningen.denominator == 203900
    hidden = panel[panel.suppressed]
    assert set(zip(hidden.unit_id, hidden.period, hidden.indicator)) == {
        ("GM0893", "2017", "wmo_clienten"), ("GM0820", "2016", "bijstand")}
    assert hidden.value.isna().all()


def test_statline_province_level():
    panel = read_cbs_statline(FIXTURES / "cbs_statline_regionale_kerncijfers.csv", RATES, level="provincie")
    assert set(panel.unit_id) == {"PV20"}


def test_cbsodata_json_quarters():
    panel = read_cbs_statline(FIXTURES / "cbsodata_seh_kwartaal.json",
                              {"seh_bezoeken": {"numerator": "SEHBezoeken_1", "denominator": "Inwoners_2", "per": 1000}})
    assert set(panel.period) == {f"{y}Q{q}" for y in (2018, 2019) for q in range(1, 5)}
    assert panel.suppressed.sum() == 1
    assert panel.loc[panel.suppressed, ["unit_id", "period"]].values.tolist() == [["GM0518", "2018Q3"]]


def test_statline_months_to_quarters():
    monthly = pd.read_csv(FIXTURES / "cbs_statline_maand.csv", sep=";")
    panel = read_cbs_statline(FIXTURES / "cbs_statline_maand.csv", {"sterfte": "Overledenen_1"}, months="sum")
    q1 = monthly[(monthly.RegioS.str.strip() == "GM0014") & monthly.Perioden.isin(["2019MM01", "2019MM02", "2019MM03"])]
    value = panel[(panel.unit_id == "GM0014") & (panel.period == "2019Q1")].value.iloc[0]
    assert value == q1.Overledenen_1.sum()
    mean = read_cbs_statline(FIXTURES / "cbs_statline_maand.csv", {"sterfte": "Overledenen_1"}, months="mean")
    assert mean[(mean.unit_id == "GM0014") & (mean.period == "2019Q1")].value.iloc[0] == pytest.approx(value / 3)


def test_statline_region_titles_matched_through_reference(write, reference):
    path = write("titels.csv", "RegioS,Perioden,Inwoners\n's-Gravenhage,2019,540000\nNederland,2019,17000000\n"
                               "Bergen (NH.),2019,30000\n")
    panel = read_cbs_statline(path, {"inwoners": "Inwoners"}, municipalities=reference)
    assert sorted(panel.unit_id) == ["GM0373", "GM0518"]


def test_vektis_sums_cells_before_the_rate(reference):
    files = vektis_files()
    panel = read_vektis(files, reference)
    raw = pd.read_csv(files[2], sep=";", keep_default_na=False)  # 2018, no national row
    rows = raw[raw.GEMEENTENAAM == "S GRAVENHAGE"]
    row = panel[(panel.unit_id == "GM0518") & (panel.period == "2018") & (panel.indicator == "zvw_kosten_msz")].iloc[0]
    assert row.value == pytest.approx(rows.KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG.sum() / rows.AANTAL_VERZEKERDEJAREN.sum())
    assert row.denominator == pytest.approx(rows.AANTAL_VERZEKERDEJAREN.sum())
    costs = [c for c in raw.columns if c.startswith("KOSTEN_")]
    total = panel[(panel.unit_id == "GM0518") & (panel.period == "2018") & (panel.indicator == "zvw_kosten_totaal")]
    assert total.value.iloc[0] == pytest.approx(rows[costs].to_numpy().sum() / rows.AANTAL_VERZEKERDEJAREN.sum())
    assert set(panel.period) == {"2016", "2017", "2018", "2019"}
    assert "NL01" not in set(panel.unit_id) and panel.unit_id.str.match(r"^GM\d{4}$").all()  # national rows dropped


def test_vektis_empty_cost_cell_leaves_total_unknown(reference):
    panel = read_vektis(vektis_files(), reference)
    hidden = panel[panel.suppressed]
    assert set(zip(hidden.unit_id, hidden.period, hidden.indicator)) == {
        ("GM0393", "2017", "zvw_kosten_wijkverpleging"), ("GM0393", "2017", "zvw_kosten_totaal")}
    assert hidden.value.isna().all()


def test_vektis_small_municipality_suppressed(write, reference):
    text = ("GESLACHT;LEEFTIJDSKLASSE;GEMEENTENAAM;AANTAL_BSN;AANTAL_VERZEKERDEJAREN;KOSTEN_VERPLEGING_EN_VERZORGING\n"
            "M;0 t/m 17 jaar;AMSTERDAM;500;490;1000\nM;0 t/m 17 jaar;TEN BOER;6;6;50\n"
            "M;0 t/m 17 jaar;HAREN;40;39;400\n")
    panel = read_vektis([write("vektis_2018.csv", text)], reference, indicators={"zvw_kosten_wijkverpleging": ["KOSTEN_VERPLEGING_EN_VERZORGING"]})
    # Ten Boer has 6 insured: primary; Haren is the smallest other cell: secondary (the total would reveal Ten Boer)
    assert panel.set_index("unit_id").suppressed.to_dict() == {"GM0009": True, "GM0017": True, "GM0363": False}


def test_generic_long_csv_and_parquet_agree():
    args = dict(unit="gemeentecode", period="jaar", indicator="indicator", value="waarde", denominator="aanvragen")
    csv = read_table(FIXTURES / "eigen_registratie_lang.csv", **args)
    parquet = read_table(FIXTURES / "eigen_registratie_lang.parquet", **args)
    pd.testing.assert_frame_equal(csv.drop(columns="_row"), parquet.drop(columns="_row"))
    assert csv.period.iloc[0] == "2016" and csv.unit_id.str.startswith("GM").all()


def test_generic_long_renames_indicators(write):
    path = write("lang.csv", "code,jaar,maat,waarde\nGM0363,2019,wachttijd,5.5\nGM0363,2019,iets anders,1\n")
    panel = read_table(path, unit="code", period="jaar", indicator="maat", value="waarde",
                       indicators={"wmo_wachttijd": "wachttijd"})
    assert panel[["indicator", "value"]].values.tolist() == [["wmo_wachttijd", 5.5]]


def test_generic_wide_excel_with_names(reference):
    panel = read_table(FIXTURES / "monitor_jeugd_breed.xlsx", unit="Gemeente", period="Jaar", layout="wide",
                       indicators={"jeugdzorg": {"numerator": "Cliënten jeugdzorg", "denominator": "Jongeren 0-17",
                                                 "per": 1000}},
                       municipalities=reference)
    raw = pd.read_excel(FIXTURES / "monitor_jeugd_breed.xlsx")
    first = raw[(raw.Gemeente == "Súdwest-Fryslân") & (raw.Jaar == 2019)].iloc[0]
    row = panel[(panel.unit_id == "GM1900") & (panel.period == "2019")].iloc[0]
    assert row.value == pytest.approx(first["Cliënten jeugdzorg"] / first["Jongeren 0-17"] * 1000)
    assert not panel.unit_id.isin(["GM0017", "GM0009", "GM0393"]).any() or set(panel.period) >= {"2018"}


def test_generic_count_suppresses(write):
    rows = "\n".join(f"GM{c},2019,x,{v},100,{n}" for c, v, n in
                     [("0363", 1.0, 4), ("0518", 2.0, 50), ("0599", 3.0, 30), ("0344", 4.0, 80)])
    panel = read_table(write("t.csv", "code,jaar,ind,waarde,noemer,n\n" + rows), unit="code", period="jaar",
                       indicator="ind", value="waarde", denominator="noemer", count="n", threshold=10)
    assert panel.set_index("unit_id").suppressed.to_dict() == {
        "GM0363": True, "GM0599": True, "GM0518": False, "GM0344": False}
    assert np.isnan(panel.set_index("unit_id").loc["GM0599", "value"])


def test_cbsodata_titles_instead_of_codes(write, reference):
    records = ('[{"RegioS": "Nederland", "Perioden": "2019 2e kwartaal*", "A": 5},'
               ' {"RegioS": "Groningen (PV)", "Perioden": "2019 2e kwartaal*", "A": 4},'
               ' {"RegioS": "Groningen (gemeente)", "Perioden": "2019 2e kwartaal*", "A": 3},'
               ' {"RegioS": "Bergen (L.)", "Perioden": "2019 1e kwartaal", "A": 2}]')
    panel = read_cbs_statline(write("titels.json", records), {"x": "A"}, municipalities=reference)
    assert panel[["unit_id", "period", "value"]].values.tolist() == [["GM0014", "2019Q2", 3.0],
                                                                   ["GM0893", "2019Q1", 2.0]]


def test_month_titles(write):
    path = write("maand.csv", "RegioS;Perioden;A\nGM0014;2019 januari;1\nGM0014;2019 februari;2\nGM0014;2019 maart;3\n")
    panel = read_cbs_statline(path, {"x": "A"}, months="sum")
    assert panel[["period", "value"]].values.tolist() == [["2019Q1", 6.0]]


def test_statline_website_export_with_title_footnotes_and_titles(reference):
    panel = read_cbs_statline(FIXTURES / "cbs_statline_export_titels.csv",
                              {"bijstand": {"numerator": "Sociale zekerheid/Personen met bijstand (aantal)",
                                            "denominator": "Bevolking/Totale bevolking (aantal)", "per": 1000}},
                              municipalities=reference)
    assert panel[["unit_id", "period"]].values.tolist() == [["GM0014", "2018"], ["GM0014", "2019"],
                                                            ["GM0373", "2018"], ["GM0373", "2019"]]
    assert panel.value.iloc[1] == pytest.approx(9120 / 231299 * 1000)
    assert panel.suppressed.tolist() == [False, False, True, False]
    assert panel._row.tolist() == [3, 4, 5, 6]  # line numbers in the file, title line included


def test_statline_titles_matched_per_year(write, reference):
    path = write("titels.csv", "RegioS;Perioden;A\nHaren;2018;1\nGroningen (gemeente);2018;2\nGroningen (gemeente);2019;3\n")
    panel = read_cbs_statline(path, {"x": "A"}, municipalities=reference)
    assert panel[["unit_id", "period"]].values.tolist() == [["GM0014", "2018"], ["GM0014", "2019"], ["GM0017", "2018"]]


def test_empty_is_missing_and_dot_is_suppressed_in_a_table(write):
    path = write("t.csv", "code,jaar,ind,waarde\nGM0363,2019,x,\nGM0518,2019,x,.\nGM0599,2019,x,NA\n")
    panel = read_table(path, unit="code", period="jaar", indicator="ind", value="waarde")
    assert panel.value.isna().all()
    assert panel.set_index("unit_id").suppressed.to_dict() == {"GM0363": False, "GM0518": True, "GM0599": False}


def test_statline_dash_is_nil(write):
    path = write("statline.csv", '"RegioS";"Perioden";"A"\n"GM0363";"2019JJ00";"-"\n"GM0518";"2019JJ00";""\n')
    panel = read_cbs_statline(path, {"x": "A"}).set_index("unit_id")
    assert panel.loc["GM0363", "value"] == 0 and not panel.loc["GM0363", "suppressed"]
    assert panel.loc["GM0518", "suppressed"]  # an empty StatLine cell is secret or unknown


def test_negative_values_allowed_for_named_indicators(write):
    path = write("t.csv", "code,jaar,ind,waarde\nGM0363,2019,gezondheidskloof,-2.5\n")
    panel = read_table(path, unit="code", period="jaar", indicator="ind", value="waarde",
                       allow_negative=["gezondheidskloof"])
    assert panel.value.tolist() == [-2.5]


def test_monthly_rates_to_a_quarterly_rate(write):
    rows = "\n".join(f'"GM0014";"2019MM0{m}";"{n}";"{pop}"' for m, n, pop in [(1, 10, 1000), (2, 20, 1000), (3, 30, 1300)])
    path = write("maand.csv", '"RegioS";"Perioden";"Sterfte";"Inwoners"\n' + rows + "\n")
    rate = {"x": {"numerator": "Sterfte", "denominator": "Inwoners", "per": 1000}}
    quarter = read_cbs_statline(path, rate, months="sum").iloc[0]
    assert quarter.denominator == pytest.approx(1100)  # the mean population, not three populations
    assert quarter.value == pytest.approx(60 / 1100 * 1000)


def test_generic_one_column_per_period(write, reference):
    path = write("monitor.csv", "Gemeente;2017;2018;2019\nHaren;4,5;5,0;\nGroningen;6,0;.;7,5\n")
    panel = read_table(path, unit="Gemeente", layout="periods", indicator="wmo_wachttijd", municipalities=reference,
                       options=TextOptions(sep=";", decimal=","))
    assert panel[["unit_id", "period", "suppressed"]].values.tolist() == [
        ["GM0014", "2017", False], ["GM0014", "2018", True], ["GM0014", "2019", False],
        ["GM0017", "2017", False], ["GM0017", "2018", False]]  # Haren: no 2019 (merged)
    assert panel.value.tolist() == pytest.approx([6.0, np.nan, 7.5, 4.5, 5.0], nan_ok=True)
