"""Kinds of bad data, each refused with a message that names the file and the row or column."""

from __future__ import annotations

import pytest

from evaluatie.data.cbs import read_cbs_statline
from evaluatie.data.generic import read_table
from evaluatie.data.panel import DataError
from evaluatie.data.tables import TextOptions
from evaluatie.data.vektis import read_vektis

VEKTIS_HEADER = "GESLACHT;LEEFTIJDSKLASSE;GEMEENTENAAM;AANTAL_BSN;AANTAL_VERZEKERDEJAREN;KOSTEN_VERPLEGING_EN_VERZORGING\n"
WIJK = {"zvw_kosten_wijkverpleging": ["KOSTEN_VERPLEGING_EN_VERZORGING"]}
LONG = dict(unit="code", period="jaar", indicator="ind", value="waarde", denominator="noemer")


def refused(call, *fragments):
    with pytest.raises(DataError) as error:
        call()
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def test_wrong_delimiter(write, reference):
    path = write("vektis_2019.csv", VEKTIS_HEADER.replace(";", ",") + "M,0 t/m 17 jaar,HAREN,40,39,400\n")
    refused(lambda: read_vektis([path], reference, indicators=WIJK),
            "vektis_2019.csv: line 1 (header) has no ';' separator; the header seems to use ',' instead")


def test_latin1_declared_as_utf8(write, reference):
    path = write("monitor.csv", "Gemeente,Jaar,Waarde\nSúdwest-Fryslân,2019,3\n", encoding="latin-1")
    refused(lambda: read_table(path, unit="Gemeente", period="Jaar", layout="wide", indicators={"x": "Waarde"},
                               municipalities=reference, options=TextOptions(encoding="utf-8")),
            "monitor.csv: line 2: byte 0xfa is not valid utf-8", "latin-1")


@pytest.mark.parametrize("encoding", [None, "latin-1"])
def test_latin1_read_when_detected_or_declared(write, reference, encoding):
    path = write("monitor.csv", "Gemeente,Jaar,Waarde\nSúdwest-Fryslân,2019,3\n", encoding="latin-1")
    panel = read_table(path, unit="Gemeente", period="Jaar", layout="wide", indicators={"x": "Waarde"},
                       municipalities=reference, options=TextOptions(encoding=encoding))
    assert panel.unit_id.tolist() == ["GM1900"]


def test_thousands_separators(write):
    path = write("t.csv", "code;jaar;ind;waarde;noemer\nGM0363;2019;x;1.234.567;10\nGM0518;2019;x;5;10\n")
    refused(lambda: read_table(path, **LONG, options=TextOptions(sep=";")),
            "t.csv: column waarde: not a number in row 2 ('1.234.567')", "thousands separator")


def test_thousands_separators_readable_when_declared(write):
    path = write("t.csv", "code;jaar;ind;waarde;noemer\nGM0363;2019;x;1.234.567,5;10\n")
    panel = read_table(path, **LONG, options=TextOptions(sep=";", decimal=",", thousands="."))
    assert panel.value.iloc[0] == 1234567.5


def test_decimal_commas(write):
    path = write("t.csv", "code;jaar;ind;waarde;noemer\nGM0363;2019;x;12,5;10\n")
    refused(lambda: read_table(path, **LONG, options=TextOptions(sep=";")),
            "t.csv: column waarde: not a number in row 2 ('12,5')", "decimal comma; set decimal: ','")


def test_text_in_number_column(write):
    path = write("t.csv", "code,jaar,ind,waarde,noemer\nGM0363,2019,x,veel,10\n")
    refused(lambda: read_table(path, **LONG), "t.csv: column waarde: not a number in row 2 ('veel')")


def test_unknown_region_code(write):
    path = write("statline.csv", '"RegioS";"Perioden";"A"\n"GM0363    ";"2019JJ00";"1"\n"GM12      ";"2019JJ00";"2"\n')
    refused(lambda: read_cbs_statline(path, {"x": "A"}),
            "statline.csv: column RegioS: unknown region code in row 3 ('GM12      ')")


def test_unparseable_period_code(write):
    path = write("statline.csv", '"RegioS";"Perioden";"A"\n"GM0363";"2019JJ00";"1"\n"GM0518";"2019XX01";"2"\n')
    refused(lambda: read_cbs_statline(path, {"x": "A"}),
            "statline.csv: column Perioden: not a period code in row 3 ('2019XX01')")


def test_month_13(write):
    path = write("statline.csv", '"RegioS";"Perioden";"A"\n"GM0363";"2019MM13";"1"\n')
    refused(lambda: read_cbs_statline(path, {"x": "A"}, months="sum"), "row 2 ('2019MM13')")


def test_monthly_periods_need_a_rule(write):
    path = write("statline.csv", '"RegioS";"Perioden";"A"\n"GM0363";"2019MM01";"1"\n')
    refused(lambda: read_cbs_statline(path, {"x": "A"}), "statline.csv: column Perioden has monthly periods",
            "months: sum")


def test_years_and_quarters_mixed(write):
    path = write("statline.csv", '"RegioS";"Perioden";"A"\n"GM0363";"2019JJ00";"4"\n"GM0363";"2019KW01";"1"\n')
    refused(lambda: read_cbs_statline(path, {"x": "A"}), "statline.csv: column Perioden mixes years and quarters")
    assert read_cbs_statline(path, {"x": "A"}, frequency="kwartaal").period.tolist() == ["2019Q1"]


def test_duplicate_rows(write):
    path = write("t.csv", "code,jaar,ind,waarde,noemer\nGM0363,2019,x,1,10\nGM0518,2019,x,1,10\nGM0363,2019,x,2,10\n")
    refused(lambda: read_table(path, **LONG), "t.csv: unit, period and indicator ['GM0363', '2019', 'x'] occur more "
                                              "than once, in row(s) 2, 4")


def test_duplicate_vektis_cells(write, reference):
    path = write("vektis_2019.csv", VEKTIS_HEADER + "M;0 t/m 17 jaar;HAREN;40;39;400\nM;0 t/m 17 jaar;HAREN;40;39;400\n")
    refused(lambda: read_vektis([path], reference, indicators=WIJK), "vektis_2019.csv: rows 2, 3:")


def test_negative_counts(write, reference):
    path = write("vektis_2018.csv", VEKTIS_HEADER + "M;0 t/m 17 jaar;HAREN;40;39;400\nV;0 t/m 17 jaar;HAREN;40;-39;400\n")
    refused(lambda: read_vektis([path], reference, indicators=WIJK),
            "vektis_2018.csv: column AANTAL_VERZEKERDEJAREN: negative number in row(s) 3")


def test_negative_value(write):
    path = write("t.csv", "code,jaar,ind,waarde,noemer\nGM0363,2019,x,-1,10\n")
    refused(lambda: read_table(path, **LONG), "t.csv: negative value in row(s) 2")


def test_zero_denominator(write):
    path = write("t.csv", "code,jaar,ind,waarde,noemer\nGM0363,2019,x,1,10\nGM0518,2019,x,4,0\n")
    refused(lambda: read_table(path, **LONG), "t.csv: denominator zero or negative in row(s) 3")


def test_zero_denominator_for_a_computed_rate(write):
    path = write("breed.csv", "code,jaar,teller,noemer\nGM0363,2019,5,0\n")
    refused(lambda: read_table(path, unit="code", period="jaar", layout="wide",
                               indicators={"x": {"numerator": "teller", "denominator": "noemer"}}),
            "breed.csv: column noemer: zero or negative denominator in row(s) 2")


def test_zero_insured_years_in_vektis(write, reference):
    path = write("vektis_2018.csv", VEKTIS_HEADER + "M;0 t/m 17 jaar;HAREN;40;0;400\n")
    refused(lambda: read_vektis([path], reference, indicators=WIJK, threshold=1),
            "vektis_2018.csv: AANTAL_VERZEKERDEJAREN adds up to 0.0 for HAREN (GM0017) in vektis_2018.csv")


def test_row_with_too_many_fields(write):
    path = write("t.csv", "code,jaar,ind,waarde,noemer\nGM0363,2019,x,1,5,10\n")
    refused(lambda: read_table(path, **LONG), "t.csv: line 2 has 6 fields where the header has 5")


def test_missing_column_with_suggestion(write):
    path = write("t.csv", "code,jaar,ind,waarden,noemer\nGM0363,2019,x,1,10\n")
    refused(lambda: read_table(path, **LONG), "t.csv: column 'waarde' (named by value) not found; did you mean "
                                              "'waarden'?")


def test_vektis_without_year(write, reference):
    path = write("vektis.csv", VEKTIS_HEADER + "M;0 t/m 17 jaar;HAREN;40;39;400\n")
    refused(lambda: read_vektis([path], reference, indicators=WIJK), "vektis.csv: cannot tell the year")


def test_vektis_same_year_twice(write, reference):
    first = write("vektis_2018.csv", VEKTIS_HEADER + "M;0 t/m 17 jaar;HAREN;40;39;400\n")
    second = write("vektis_2018_kopie.csv", VEKTIS_HEADER + "M;0 t/m 17 jaar;HAREN;40;39;400\n")
    refused(lambda: read_vektis([first, second], reference, indicators=WIJK),
            "vektis_2018_kopie.csv: year 2018 was already read from vektis_2018.csv")


def test_vektis_unknown_names_listed(write, reference):
    path = write("vektis_2019.csv", VEKTIS_HEADER + "M;0 t/m 17 jaar;GRONINGEN;40;39;400\nM;0 t/m 17 jaar;DEN HAAG;40;39;1\n"
                                                    "M;0 t/m 17 jaar;ZZZZ;40;39;1\n")
    refused(lambda: read_vektis([path], reference, indicators=WIJK),
            "vektis_2019.csv: 2 municipality name(s) not found among the municipalities of 2019", "'DEN HAAG'",
            "'ZZZZ'")


def test_empty_file(write):
    refused(lambda: read_table(write("t.csv", ""), **LONG), "t.csv: the file is empty")


def test_header_twice(write):
    refused(lambda: read_table(write("t.csv", "code,jaar,code\nGM0363,2019,1\n"), **LONG),
            "t.csv: column(s) code appear more than once in the header")


def test_not_a_workbook(write):
    refused(lambda: read_table(write("t.xlsx", "no workbook"), **LONG), "t.xlsx: not a readable Excel workbook")


def test_not_parquet(write):
    refused(lambda: read_table(write("t.parquet", "no parquet"), **LONG), "t.parquet: not a readable Parquet file")


def test_unknown_file_type(write):
    refused(lambda: read_table(write("t.ods", "x"), **LONG), "t.ods: unknown file type '.ods'")


def test_not_an_spss_file(write):
    refused(lambda: read_table(write("t.sav", "x"), **LONG), "t.sav: not a readable SPSS .sav file")


def test_json_not_records(write):
    refused(lambda: read_cbs_statline(write("t.json", '{"a": 1}'), {"x": "A"}), "t.json: expected a JSON list of records")


def test_names_without_reference_match_the_shipped_municipalities(write):
    path = write("t.csv", "code,jaar,ind,waarde,noemer\nAmsterdam,2019,x,1,10\nAmsterdm,2019,x,1,10\n")
    refused(lambda: read_table(path, **LONG), "t.csv: 1 municipality name(s) not found among the municipalities of 2019",
            "'Amsterdm': closest: 'Amsterdam' (GM0363)")


def test_comma_that_could_be_either(write):
    path = write("t.csv", "code;jaar;ind;waarde;noemer\nGM0363;2019;x;1,234;10\n")
    refused(lambda: read_table(path, **LONG, options=TextOptions(sep=";")),
            "row 2 ('1,234')", "either a thousands separator or a decimal comma")


def test_negative_total_costs_in_vektis(write, reference):
    path = write("vektis_2018.csv", VEKTIS_HEADER + "M;0 t/m 17 jaar;HAREN;40;39;400\nV;0 t/m 17 jaar;HAREN;40;39;-900\n")
    refused(lambda: read_vektis([path], reference, indicators=WIJK),
            "Vektis: negative value in row(s) HAREN (GM0017) in vektis_2018.csv")
