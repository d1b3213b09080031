"""Reading questionnaire exports in every format, and the errors for bad exports."""

import math

import pandas as pd
import pyreadstat
import pytest

from evaluatie.process.responses import ResponseError, combine_responses, read_responses

ROWS = [
    # respondent, organisation, perspective, wave, date, s1, s2, s3, v1, f1a
    ("r1", "Gemeente A", "beleidsmaker", 2021, "2021-03-01", 4, 5, 2, 3, "ja"),
    ("r2", "Zorggroep B", "zorgaanbieder", 2021, "2021-03-02", 3, "", 1, 1, "nee"),
    ("r1", "Gemeente A", "beleidsmaker", 2023, "2023-03-01", 5, 5, 1, 4, "ja"),
]
COLUMNS = ["respondent_id", "organisation", "perspective", "wave", "date", "s1", "s2", "s3", "v1", "f1a"]


def _frame():
    return pd.DataFrame(ROWS, columns=COLUMNS)


def _check(responses):
    data = responses.data
    assert list(data["respondent_id"]) == ["r1", "r2", "r1"]
    assert list(data["wave"]) == [2021, 2021, 2023]
    assert list(data["perspective"]) == ["beleidsmaker", "zorgaanbieder", "beleidsmaker"]
    assert data["s1"].tolist() == [4.0, 3.0, 5.0]
    assert math.isnan(data.at[1, "s2"])  # blank stays missing, never zero
    assert data["f1a"].tolist() == [1.0, 0.0, 1.0]
    assert data["v1"].tolist() == [3.0, 1.0, 4.0]
    assert data["date"].iloc[0] == pd.Timestamp("2021-03-01")
    assert math.isnan(data.at[0, "f2a"])  # item not in the export: all missing


def test_csv(tmp_path, mini):
    path = tmp_path / "antwoorden.csv"
    _frame().to_csv(path, index=False)
    _check(read_responses(path, [mini]))


def test_csv_with_semicolons_and_dutch_headers(tmp_path, mini):
    path = tmp_path / "antwoorden.csv"
    frame = _frame().rename(columns={"perspective": "Perspectief", "wave": "meting", "organisation": "Organisatie"})
    frame["date"] = ["01-03-2021", "02-03-2021", "01-03-2023"]
    frame.to_csv(path, index=False, sep=";")
    _check(read_responses(path, [mini]))


def test_excel(tmp_path, mini):
    path = tmp_path / "antwoorden.xlsx"
    frame = _frame()
    frame.loc[1, "s2"] = None
    frame.to_excel(path, index=False, engine="openpyxl")
    _check(read_responses(path, [mini]))


def test_spss_with_value_labels(tmp_path, mini):
    path = tmp_path / "antwoorden.sav"
    frame = pd.DataFrame(
        {
            "resp": [1.0, 2.0, 1.0],
            "org": ["Gemeente A", "Zorggroep B", "Gemeente A"],
            "persp": [5.0, 2.0, 5.0],
            "wave": [2021.0, 2021.0, 2023.0],
            "date": ["2021-03-01", "2021-03-02", "2023-03-01"],
            "Q1": [4.0, 3.0, 5.0],
            "Q2": [5.0, float("nan"), 5.0],
            "Q3": [2.0, 1.0, 1.0],
            "Q4": [3.0, 1.0, 4.0],
            "Q5": [1.0, 2.0, 1.0],
        }
    )
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={
            "persp": {2.0: "Zorg- en welzijnsaanbieders", 5.0: "Beleidsmakers en financiers"},
            "Q1": {1.0: "helemaal oneens", 5.0: "helemaal eens"},
            "Q5": {1.0: "ja", 2.0: "nee"},
        },
    )
    mapping = {"resp": "respondent_id", "org": "organisation", "persp": "perspective",
               "Q1": "s1", "Q2": "s2", "Q3": "s3", "Q4": "v1", "Q5": "f1a"}
    responses = read_responses(path, [mini], column_mapping=mapping)
    data = responses.data
    assert list(data["respondent_id"]) == ["1", "2", "1"]
    data = data.assign(respondent_id=["r1", "r2", "r1"])
    _check(type(responses)(data=data, instruments=responses.instruments, source=responses.source))


def _error(tmp_path, mini, change, **kwargs):
    frame = change(_frame().astype(object))
    path = tmp_path / "fout.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ResponseError) as info:
        read_responses(path, [mini], **kwargs)
    return str(info.value)


def test_unknown_item_column(tmp_path, mini):
    message = _error(tmp_path, mini, lambda f: f.rename(columns={"s1": "s9"}))
    assert "fout.csv: kolom 's9' is geen bekend item" in message


def test_mapping_names_a_column_the_export_lacks(tmp_path, mini):
    message = _error(tmp_path, mini, lambda f: f, column_mapping={"vraag_99": "s1"})
    assert "column_mapping noemt kolom(men) die niet in het bestand staan: vraag_99" in message


def test_unknown_column_can_be_skipped_by_mapping(tmp_path, mini):
    path = tmp_path / "extra.csv"
    _frame().assign(tijdstempel="x").to_csv(path, index=False)
    assert "tijdstempel" not in read_responses(path, [mini], column_mapping={"tijdstempel": None}).data


def test_value_outside_the_scale(tmp_path, mini):
    message = _error(tmp_path, mini, lambda f: f.assign(v1=[3, 6, 4]))
    assert "fout.csv, rij 3, kolom 'v1': waarde '6' past niet op de schaal" in message
    assert "0 tot en met 5" in message


def test_missing_value_codes_count_as_blank(tmp_path, mini):
    path = tmp_path / "weetniet.csv"
    _frame().assign(s1=["weet niet", 3, 99], f1a=["ja", "N.v.t.", "ja"]).to_csv(path, index=False)
    data = read_responses(path, [mini], missing_values=["weet niet", "n.v.t.", 99]).data
    assert data["s1"].isna().tolist() == [True, False, True]
    assert data["f1a"].isna().tolist() == [False, True, False]


def test_value_outside_the_scale_names_the_export_column(tmp_path, mini):
    message = _error(tmp_path, mini, lambda f: f.drop(columns="s1").assign(vraag_1=[4, 3, 9]),
                     column_mapping={"vraag_1": "s1"})
    assert "rij 4, kolom 'vraag_1' (item 's1')" in message


def test_respondent_twice_in_one_wave(tmp_path, mini):
    message = _error(tmp_path, mini, lambda f: f.assign(wave=[2021, 2021, 2021]))
    assert "respondent 'r1' komt in meting 2021 meer dan eens voor (rijen 2, 4)" in message


def test_all_problems_are_reported_at_once(tmp_path, mini):
    message = _error(tmp_path, mini, lambda f: f.assign(wave=[2021, 2021, 2021], perspective=["", "x", "x"],
                                                         v1=[3, 9, 4]))
    assert "meer dan eens" in message and "perspectief ontbreekt" in message and "waarde '9'" in message


def test_missing_and_unknown_perspective(tmp_path, mini):
    message = _error(tmp_path, mini, lambda f: f.assign(perspective=["", "wethouder", "beleidsmaker"]))
    assert "rij 2, kolom 'perspective': perspectief ontbreekt" in message
    assert "rij 3, kolom 'perspective': perspectief 'wethouder' is onbekend" in message
    message = _error(tmp_path, mini, lambda f: f.drop(columns="perspective"))
    assert "verplichte kolom(men) ontbreken: perspective" in message


def test_one_file_per_wave(tmp_path, mini):
    frame = _frame()
    first, second = tmp_path / "meting2021.csv", tmp_path / "meting2023.xlsx"
    frame[frame["wave"] == 2021].to_csv(first, index=False)
    frame[frame["wave"] == 2023].to_excel(second, index=False)
    combined = combine_responses([read_responses(first, [mini]), read_responses(second, [mini])])
    assert combined.waves == [2021, 2023] and len(combined.data) == 3
    with pytest.raises(ResponseError, match=r"'r1' komt in meting 2021 in meer dan één bestand voor "
                                            r"\(meting2021.csv, opnieuw.csv\)"):
        copy = tmp_path / "opnieuw.csv"
        frame[frame["wave"] == 2021].to_csv(copy, index=False)
        combine_responses([read_responses(first, [mini]), read_responses(copy, [mini])])
