"""Municipality names across spellings, and harmonising a panel over mergers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluatie.data.geography import (
    harmonise_municipalities, match_municipalities, municipality_code, normalise_name, region_code,
)
from evaluatie.data.panel import DataError
from evaluatie.data.vektis import read_vektis

from .conftest import FIXTURES


@pytest.mark.parametrize("vektis, cbs", [
    ("S GRAVENHAGE", "'s-Gravenhage"), ("BERGEN NH", "Bergen (NH.)"), ("BERGEN L", "Bergen (L.)"),
    ("SUDWEST-FRYSLAN", "Súdwest-Fryslân"), ("NUENEN GERWEN EN NEDERWETTEN", "Nuenen, Gerwen en Nederwetten"),
    ("S-HERTOGENBOSCH", "'s-Hertogenbosch"),
])
def test_spellings_normalise_alike(vektis, cbs):
    assert normalise_name(vektis) == normalise_name(cbs)


def test_codes():
    assert region_code("GM0363    ") == "GM0363"
    assert region_code("WK036301") == "WK036301" and region_code("BU03630000") == "BU03630000"
    assert region_code("PV27") == "PV27" and region_code("GM363") is None
    assert municipality_code("363") == "GM0363" and municipality_code("0363.0") == "GM0363"


def test_match_uses_the_year_and_aliases(reference):
    matched = match_municipalities(["S GRAVENHAGE", "BERGEN NH", "BERGEN L", "HAREN", "DEN HAAG"], reference, 2018,
                                   "vektis.csv", aliases={"Den Haag": "GM0518"})
    assert matched == {"S GRAVENHAGE": "GM0518", "BERGEN NH": "GM0373", "BERGEN L": "GM0893", "HAREN": "GM0017",
                       "DEN HAAG": "GM0518"}


def test_unmatched_names_all_listed_with_candidates(reference):
    with pytest.raises(DataError) as error:
        match_municipalities(["BERGEN", "GRONINGN", "HAREN", "ZZZZZZ"], reference, 2019, "vektis_2019.csv")
    message = str(error.value)
    assert message.startswith("vektis_2019.csv: 4 municipality name(s) not found among the municipalities of 2019")
    assert "'BERGEN': more than one municipality of that name: 'Bergen (NH.)' (GM0373), 'Bergen (L.)' (GM0893)" in message
    assert "'GRONINGN': closest: 'Groningen' (GM0014)" in message
    assert "'HAREN'" in message  # merged into Groningen in 2019: not a 2019 name
    assert "'ZZZZZZ': closest: none close" in message


def test_harmonise_preserves_totals_and_recomputes_rates(reference, mergers):
    panel = read_vektis(sorted(FIXTURES.glob("Vektis_*.csv")), reference)
    harmonised = harmonise_municipalities(panel, mergers, 2019)
    assert not harmonised.unit_id.isin(["GM0017", "GM0009", "GM0393"]).any()
    for period in ("2016", "2017", "2018"):
        old = panel[(panel.period == period) & (panel.indicator == "zvw_kosten_msz")
                    & panel.unit_id.isin(["GM0014", "GM0017", "GM0009"])]
        new = harmonised[(harmonised.period == period) & (harmonised.indicator == "zvw_kosten_msz")
                         & (harmonised.unit_id == "GM0014")].iloc[0]
        assert new.denominator == pytest.approx(old.denominator.sum())
        assert new.value * new.denominator == pytest.approx((old.value * old.denominator).sum())  # total costs
        assert new.value != pytest.approx(old.value.mean())  # not an average of rates
        assert new["count"] == old["count"].sum()
    untouched = panel[panel.unit_id == "GM0363"].drop(columns="_row").reset_index(drop=True)
    pd.testing.assert_frame_equal(harmonised[harmonised.unit_id == "GM0363"].reset_index(drop=True), untouched)


def test_harmonise_gap_in_one_merging_municipality_gives_no_value(reference, mergers):
    panel = read_vektis(sorted(FIXTURES.glob("Vektis_*.csv")), reference)
    harmonised = harmonise_municipalities(panel, mergers, 2019)
    cell = harmonised[(harmonised.unit_id == "GM0394") & (harmonised.period == "2017")
                      & (harmonised.indicator == "zvw_kosten_wijkverpleging")].iloc[0]
    assert np.isnan(cell.value) and cell.suppressed  # Haarlemmerliede's empty cell is not summed as zero


def test_harmonise_missing_row_of_merging_municipality(mergers):
    panel = pd.DataFrame({"unit_id": ["GM0014", "GM0017"], "period": ["2018", "2018"], "indicator": ["x", "x"],
                          "value": [2.0, 4.0], "denominator": [100.0, 50.0]})
    harmonised = harmonise_municipalities(panel, mergers, 2019)
    assert harmonised.value.isna().all()  # Ten Boer existed in 2018 but has no row
    panel.loc[2] = ["GM0009", "2018", "x", 1.0, 50.0]
    harmonised = harmonise_municipalities(panel, mergers, 2019)
    assert harmonised.value.iloc[0] == pytest.approx((200 + 200 + 50) / 200)


def test_harmonise_to_earlier_boundaries_refused(mergers):
    panel = pd.DataFrame({"unit_id": ["GM0014"], "period": ["2019"], "indicator": ["x"], "value": [1.0],
                          "denominator": [1.0]})
    with pytest.raises(DataError, match="harmonising to 2018: Groningen \\(GM0014\\) has data from 2019 on.*boundary year of 2019"):
        harmonise_municipalities(panel, mergers, 2018)
    assert len(harmonise_municipalities(panel.assign(period="2018"), mergers, 2018)) == 1


def test_harmonise_split_leaves_the_split_municipality_out_and_says_so():
    split = pd.DataFrame({"old_code": ["GM0788"] * 2, "new_code": ["GM0855", "GM0757"], "year": [2021, 2021]})
    panel = pd.DataFrame({"unit_id": ["GM0788", "GM0855", "GM0855"], "period": ["2020", "2020", "2021"],
                          "indicator": ["x"] * 3, "value": [1.0, 2.0, 3.0], "denominator": [1.0, 10.0, 11.0]})
    notes = []
    harmonised = harmonise_municipalities(panel, split, 2021, notes)
    assert harmonised[["unit_id", "period", "value"]].values.tolist() == [["GM0855", "2020", 2.0],
                                                                         ["GM0855", "2021", 3.0]]
    assert len(notes) == 1 and notes[0].warning
    assert "Haaren (GM0788) is in 2021 verdeeld over Boxtel (GM0757), Tilburg (GM0855)" in notes[0].text


def test_harmonise_needs_denominators(mergers):
    panel = pd.DataFrame({"unit_id": ["GM0014", "GM0017", "GM0009"], "period": ["2018"] * 3, "indicator": ["x"] * 3,
                          "value": [2.0, 4.0, 1.0], "denominator": [100.0, np.nan, 50.0]})
    with pytest.raises(DataError, match="harmonising to 2019: x 2018: GM0017 has no denominator"):
        harmonise_municipalities(panel, mergers, 2019)


def test_harmonise_source_already_on_new_boundaries(mergers):
    panel = pd.DataFrame({"unit_id": ["GM0014", "GM0014"], "period": ["2018", "2019"], "indicator": ["x", "x"],
                          "value": [2.0, 3.0], "denominator": [100.0, 110.0], "suppressed": False})
    pd.testing.assert_frame_equal(harmonise_municipalities(panel, mergers, 2019), panel, check_dtype=False)


def test_mergers_from_file():
    panel = pd.DataFrame({"unit_id": ["GM0014", "GM0017", "GM0009"], "period": ["2018"] * 3, "indicator": ["x"] * 3,
                          "value": [2.0, 4.0, 1.0], "denominator": [100.0, 50.0, 50.0]})
    harmonised = harmonise_municipalities(panel, FIXTURES / "herindelingen.csv", 2019)
    assert harmonised[["unit_id", "value", "denominator"]].values.tolist() == [["GM0014", 2.25, 200.0]]


def test_harmonise_absorbing_municipality_missing_in_a_year(mergers):
    # Groningen kept its code in 2019; the mergers table lists only Haren and Ten Boer
    rows = [("GM0014", "2017", 2.0), ("GM0017", "2017", 4.0), ("GM0009", "2017", 1.0),
            ("GM0017", "2018", 4.0), ("GM0009", "2018", 1.0)]
    panel = pd.DataFrame(rows, columns=["unit_id", "period", "value"]).assign(indicator="x", denominator=50.0)
    harmonised = harmonise_municipalities(panel, mergers, 2019).set_index("period")
    assert harmonised.loc["2017", "value"] == pytest.approx(7 / 3)
    assert np.isnan(harmonised.loc["2018", "value"])  # without Groningen itself, not Haren + Ten Boer alone


def test_harmonise_mergers_table_listing_the_continuing_code(mergers):
    listed = pd.concat([mergers, pd.DataFrame({"old_code": ["GM0014"], "new_code": ["GM0014"], "year": [2019]})])
    panel = pd.DataFrame({"unit_id": ["GM0017", "GM0009"], "period": ["2018"] * 2, "indicator": ["x"] * 2,
                          "value": [4.0, 1.0], "denominator": [50.0, 50.0]})
    assert np.isnan(harmonise_municipalities(panel, listed, 2019).value.iloc[0])  # Groningen's own row is missing
