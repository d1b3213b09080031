"""Session results are reused only for equal content, and never shared as the same object."""

from __future__ import annotations

import pandas as pd

from evaluatie import memo
from evaluatie.data.panel import load_units


def test_equal_content_is_answered_once_and_changed_content_is_computed_again():
    calls = []

    @memo.remembered
    def total(frame: pd.DataFrame, scale: float) -> pd.DataFrame:
        calls.append(1)
        return frame * scale

    frame = pd.DataFrame({"value": [1.0, 2.0]})
    first = total(frame, 2.0)
    again = total(frame.copy(), 2.0)  # another object, the same content
    assert len(calls) == 1 and again.equals(first) and again is not first
    again.loc[0, "value"] = 99  # a caller changing its copy does not change what is remembered
    assert total(frame, 2.0).loc[0, "value"] == 2.0
    total(frame.assign(value=[1.0, 3.0]), 2.0)
    total(frame, 3.0)
    assert len(calls) == 3


def test_a_changed_data_file_is_read_again(tmp_path):
    path = tmp_path / "gemeenten.csv"
    header = "unit_id,name,region,region_name,level,population\n"
    path.write_text(header + "GM0001,Aa,r,R,gemeente,1000\n", encoding="utf-8")
    assert load_units(path, "gemeenten.csv").population.tolist() == [1000]
    path.write_text(header + "GM0001,Aa,r,R,gemeente,2000\n", encoding="utf-8")
    assert load_units(path, "gemeenten.csv").population.tolist() == [2000]


def test_results_holding_frames_are_told_apart_by_content_not_by_their_printed_form():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Holder:
        table: pd.DataFrame

    calls = []

    @memo.remembered
    def middle(holder: Holder) -> float:
        calls.append(1)
        return float(holder.table.value.iloc[500])

    base = pd.DataFrame({"value": range(1000)}, dtype=float)
    changed = base.copy()
    changed.loc[500, "value"] = -1.0  # the printed form of both frames is the same (rows elided)
    assert repr(Holder(base)) == repr(Holder(changed))
    assert middle(Holder(base)) == 500.0 and middle(Holder(changed)) == -1.0 and len(calls) == 2


def test_arguments_that_cannot_be_keyed_exactly_are_computed_every_time():
    calls = []

    @memo.remembered
    def size(frame: pd.DataFrame) -> int:
        calls.append(1)
        return len(frame)

    frame = pd.DataFrame({"codes": [["a"], ["b"]]})  # lists in cells have no content hash
    assert size(frame) == size(frame) == 2 and len(calls) == 2
