"""Small-cell suppression: primary below the threshold, secondary where a total would reveal a cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluatie.privacy import CellRule, protect_panel, protect_units, suppress_groups, suppress_small_counts


def cells(counts, period="2019"):
    return pd.DataFrame({"unit_id": [f"GM{i:04d}" for i in range(len(counts))], "period": period, "indicator": "x",
                         "value": np.arange(len(counts), dtype=float) + 1, "denominator": 1000.0,
                         "count": np.array(counts, dtype=float)})


def hidden(frame):
    return frame.loc[frame.suppressed, "unit_id"].tolist()


def test_primary_and_secondary():
    result = suppress_small_counts(cells([3, 50, 20, 0, 40]))
    assert hidden(result) == ["GM0000", "GM0002"]  # 3 below 10; 20 the smallest other non-zero cell
    assert result.loc[result.suppressed, ["value", "denominator", "count"]].isna().all().all()


def test_two_small_cells_that_add_up_to_a_small_sum_need_a_third():
    # the total minus the visible cells would say that 3 and 4 together are 7 persons
    assert hidden(suppress_small_counts(cells([3, 50, 4, 40]))) == ["GM0000", "GM0002", "GM0003"]
    assert hidden(suppress_small_counts(cells([3, 50, 8, 40]))) == ["GM0000", "GM0002"]


def test_threshold_is_configurable_and_zero_is_shown():
    assert hidden(suppress_small_counts(cells([0, 12, 30]), threshold=15)) == ["GM0001", "GM0002"]
    assert hidden(suppress_small_counts(cells([0, 30, 40]))) == []


def test_secondary_repeats_across_groups():
    # suppressing GM0001 in 2019 (secondary) leaves it alone in its own unit group: that group needs one too
    frame = pd.concat([cells([3, 11, 50]), cells([40, 30, 60], period="2020")], ignore_index=True)
    result = suppress_small_counts(frame, groups=[("period", "indicator"), ("unit_id", "indicator")])
    assert sorted(zip(result.loc[result.suppressed, "unit_id"], result.loc[result.suppressed, "period"])) == [
        ("GM0000", "2019"), ("GM0000", "2020"), ("GM0001", "2019"), ("GM0001", "2020")]


def test_rows_without_count_untouched_and_input_not_changed():
    frame = cells([3, 50, 20])
    frame.loc[1, "count"] = np.nan
    result = suppress_small_counts(frame)
    assert hidden(result) == ["GM0000", "GM0002"] and "suppressed" not in frame.columns


def test_threshold_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        suppress_small_counts(cells([1]), threshold=0)


def _panel(values, denominators, indicator="x", counts=None):
    frame = pd.DataFrame({"unit_id": [f"GM{i:04d}" for i in range(len(values))], "period": "2019",
                          "indicator": indicator, "value": np.array(values, dtype=float),
                          "denominator": np.array(denominators, dtype=float)})
    if counts is not None:
        frame["count"] = np.array(counts, dtype=float)
    return frame


def test_counts_behind_a_rate_come_from_value_and_denominator():
    # 2 per 7 inhabitants is 285.7 per 1,000: its persons (2) and its denominator (7) are both small
    rule = {"x": CellRule(10, persons_per_value=1 / 1000)}
    frame = _panel([285.714, 120.0, 110.0, 5.0], [7, 50_000, 40_000, 1_000], counts=None)
    result = protect_panel(frame, rule)
    # GM0003 rests on 5 events; the two small cells add up to 7, so the smallest other one (GM0002) joins them
    assert hidden(result) == ["GM0000", "GM0002", "GM0003"]


def test_small_denominator_and_complement_of_a_share():
    rules = {"x": CellRule(10, persons_per_value=1 / 100, share=True)}
    # 11 of 12 is 91.7%: the one who differs is recoverable; 50% of 400 is safe
    result = protect_panel(_panel([91.67, 50.0, 60.0, 55.0], [12, 400, 500, 600]), rules)
    assert "GM0000" in hidden(result) and len(hidden(result)) == 2


def test_catalogue_threshold_per_indicator_is_honoured():
    frame = pd.concat([_panel([1.0, 2.0, 3.0], [30, 40, 500], "a"), _panel([1.0, 2.0, 3.0], [30, 40, 500], "b")])
    result = protect_panel(frame, {"a": CellRule(10), "b": CellRule(50)})
    assert result.loc[result.indicator == "a", "suppressed"].sum() == 0
    assert result.loc[result.indicator == "b", "suppressed"].tolist() == [True, True, False]  # 30 + 40 >= 50


def test_population_of_small_units_hidden_with_its_covariates():
    units = pd.DataFrame({"unit_id": ["A", "B", "C", "D"], "region": ["r", "r", "r", "s"],
                          "population": [7, 9000, 12000, 8000], "share_75plus": [0.3, 0.1, 0.1, 0.1]})
    protected = protect_units(units)
    assert protected.suppressed.tolist() == [True, True, False, False]
    assert protected.loc[0, ["population", "share_75plus"]].isna().all()


def test_respondent_groups_and_their_margin():
    frame = pd.DataFrame({"wave": [1, 1, 1], "perspective": ["a", "b", "c"], "n": [3, 6, 20],
                          "mean": [2.5, 3.0, 3.5]})
    result = suppress_groups(frame, ["mean"], 5, margins=[["wave"]])
    assert result.suppressed.tolist() == [True, True, False] and result["mean"].isna().tolist() == [True, True, False]
    assert result["n"].tolist() == [3, 6, 20]  # a reader may know how many answered
