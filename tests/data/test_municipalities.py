"""The shipped municipalities, mergers and areas: consistent with each other, with CBS' published counts
and with the real CBS files extracted in the fixtures."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from evaluatie.data import municipalities as shipped

from .conftest import FIXTURES

# CBS' published number of municipalities on 1 January (its yearly announcements, e.g. "Per 1 januari
# 2015 393 gemeenten", "Nederland telt vanaf 1 januari 2019 nog 355 gemeenten").
PUBLISHED_COUNTS = {2010: 431, 2011: 418, 2012: 415, 2013: 408, 2014: 403, 2015: 393, 2016: 390, 2017: 388,
                    2018: 380, 2019: 355, 2020: 355, 2021: 352, 2022: 345, 2023: 342, 2024: 342, 2025: 342}
CBS_2015 = FIXTURES / "70072ned_UntypedDataSet_06062018_000805_extract.csv"


def cbs_2015() -> pd.DataFrame:
    with CBS_2015.open(encoding="utf-8-sig") as handle:
        frame = pd.DataFrame(list(csv.reader(handle, delimiter=";")))
    frame.columns = frame.iloc[0]
    return frame.iloc[1:].apply(lambda column: column.str.strip())


@pytest.mark.parametrize("year, count", PUBLISHED_COUNTS.items())
def test_number_of_municipalities_per_year_is_the_published_one(year, count):
    assert len(shipped.codes_in(year)) == count


def test_every_code_that_ends_or_begins_has_its_merger_row():
    table = shipped.municipalities()
    mergers = shipped.mergers()
    ended = set(table.code[table["last"] <= shipped.LAST_YEAR])
    assert ended == set(mergers.old_code)
    began = table[table["first"] >= shipped.FIRST_YEAR]
    for code, first in zip(began.code, began["first"]):
        assert ((mergers.new_code == code) & (mergers.year == first)).any(), code
    for old, new, year in zip(mergers.old_code, mergers.new_code, mergers.year):
        assert shipped.existed(old, year - 1) is not False and not shipped.existed(old, year), (old, year)
        assert shipped.existed(new, year), (new, year)


def test_applying_the_mergers_to_one_year_gives_the_next():
    mergers = shipped.mergers()
    for year in range(shipped.FIRST_YEAR + 1, shipped.LAST_YEAR + 1):
        changes = mergers[mergers.year == year]
        expected = (set(shipped.codes_in(year - 1)) - set(changes.old_code)) | set(changes.new_code)
        assert expected == set(shipped.codes_in(year)), year


def test_the_2015_municipalities_are_those_of_the_real_cbs_files():
    reference = pd.read_csv(FIXTURES / "82949NED_TypedDataSet_17052018_142705.csv", sep=";", dtype=str)
    assert set(reference.RegioS.str.strip()) == set(shipped.codes_in(2015))
    table = cbs_2015()
    with_data = table[table.RegioS.str.startswith("GM") & (table.TotaleBevolking_1 != "")]
    assert set(with_data.RegioS) == set(shipped.codes_in(2015))
    empty = table[table.RegioS.str.startswith("GM") & (table.TotaleBevolking_1 == "")]
    assert not set(empty.RegioS) & set(shipped.codes_in(2015))  # 70072ned's empty rows: codes not of 2015


def test_provinces_and_landsdelen_add_up_in_the_real_cbs_file():
    table = cbs_2015().set_index("RegioS")
    population = table.TotaleBevolking_1.replace("", None).dropna().astype(int)
    municipal = population[population.index.str.startswith("GM")]
    by_province = municipal.groupby(municipal.index.map(shipped.parent_area)).sum()
    for province, total in by_province.items():
        assert total == population[province], province
    assert (table.loc[municipal.index, "Code_293"] == municipal.index.map(shipped.parent_area)).all()
    areas = shipped.areas()
    for landsdeel in areas.code[areas.code.str.startswith("LD")]:
        provinces = areas.code[areas.part_of == landsdeel]
        assert population[provinces].sum() == population[landsdeel]


def test_boundary_years_of_complete_and_partial_sets():
    assert shipped.boundary_years(shipped.codes_in(2015)) == shipped.BoundaryYears(2015, 2015, (), True)
    assert shipped.boundary_years(shipped.codes_in(2019)).describe().startswith("2019-2020")
    partial = shipped.boundary_years(["GM0017", "GM1942"])
    assert (partial.first, partial.last, partial.complete) == (2016, 2018, False)  # Gooise Meren from 2016, Haren until 2018
    assert shipped.boundary_years(["GM0381", "GM1942"]).first is None  # Bussum ended when Gooise Meren began
    assert shipped.boundary_years(["GM0480"]).unknown == ("GM0480",)  # Ter Aar, dissolved in 2007


def test_changes_during_the_year_count_from_the_next_boundary_year():
    assert shipped.existed("GM0457", 2022) and not shipped.existed("GM0457", 2023)  # Weesp, 24 March 2022
    assert shipped.existed("GM1921", 2015) and shipped.existed("GM1940", 2016)  # De Fryske Marren, 1 July 2015
