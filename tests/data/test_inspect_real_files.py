"""`evaluatie inspect` on the extracts of the real files (level, units and periods as published), and on files of
the same kinds in a shape not seen before: each is either read or refused in one line that says why."""

from __future__ import annotations

import csv
import json

import pytest

from evaluatie.cli import main

from .conftest import FIXTURES


def inspect(path, capsys, *extra) -> tuple[int, str, str]:
    code = main(["inspect", str(path), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name, level, periods", [
    ("70072ned_UntypedDataSet_06062018_000805_extract.csv", "gemeente, 393 units", "2015 to 2015, 1 period, yearly"),
    ("82949NED_TypedDataSet_17052018_142705.csv", "gemeente, 393 units", "none (the file has no period column)"),
    ("regionale_kerncijfers_provincies_export_extract.csv", "provincie, 12 units",
     "2006 to 2015, 10 periods, yearly"),
    ("vektis_zvw_gemeente_2015_extract.csv", "gemeente, 11 units", "2015 to 2015, 1 period, yearly"),
])
def test_real_extracts_have_their_level_units_and_periods(name, level, periods, capsys):
    code, out, _ = inspect(FIXTURES / name, capsys)
    assert code == 0
    lines = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip() for line in out.splitlines()[1:]
             if ":" in line}
    assert lines["level"].startswith(level) and lines["periods"] == periods


def test_other_level_of_the_open_data_table(capsys):
    code, out, _ = inspect(FIXTURES / "70072ned_UntypedDataSet_06062018_000805_extract.csv", capsys,
                           "--level", "provincie")
    assert code == 0 and "level:         provincie, 12 units" in out


def test_website_export_saved_again_as_utf8_is_read(tmp_path, capsys):
    path = tmp_path / "kerncijfers_provincies_utf8.csv"
    text = (FIXTURES / "regionale_kerncijfers_provincies_export_extract.csv").read_text(encoding="cp1252")
    path.write_text(text, encoding="utf-8")
    code, out, _ = inspect(path, capsys)
    assert code == 0 and "encoding utf-8;" in out and "provincie, 12 units" in out
    assert "measures:      9: Totale bevolking [aantal]" in out


def test_open_data_table_saved_as_cbsodata_json_is_read(tmp_path, capsys):
    with (FIXTURES / "70072ned_UntypedDataSet_06062018_000805_extract.csv").open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    records = [{"ID": int(r["ID"]), "RegioS": r["RegioS"], "Perioden": r["Perioden"],  # cbsodata keeps the padding
                "TotaleBevolking_1": int(r["TotaleBevolking_1"]) if r["TotaleBevolking_1"].strip() else None}
               for r in rows]
    path = tmp_path / "70072ned.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    code, out, _ = inspect(path, capsys)
    assert code == 0, out
    assert "gemeente, 393 units" in out and "2015 to 2015, 1 period, yearly" in out


@pytest.mark.parametrize("name, write, message", [
    ("vektis_zvw_postcode3_2015.csv",
     lambda: (FIXTURES / "vektis_zvw_gemeente_2015_extract.csv").read_bytes().replace(b"GEMEENTENAAM", b"POSTCODE_3", 1),
     "a Vektis file per postcode (POSTCODE_3); this package reads the file per gemeente (GEMEENTENAAM)"),
    ("kerncijfers.xlsx", lambda: b"PK\x03\x04 not a workbook", "not a readable Excel workbook (.xlsx)"),
    ("leeg.csv", lambda: b"", "the file is empty"),
])
def test_a_file_no_reader_can_use_is_refused_in_one_line(tmp_path, capsys, name, write, message):
    path = tmp_path / name
    path.write_bytes(write())
    code, out, err = inspect(path, capsys)
    said = (out + err).strip()
    assert code == 1 and "\n" not in said and "Traceback" not in said
    assert said.startswith(f"{name}: ") and message in said, said
