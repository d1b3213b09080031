"""Small-cell suppression: primary below the threshold, secondary where a total would reveal a cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluatie.privacy import suppress_small_counts


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


def test_two_small_cells_need_no_secondary():
    assert hidden(suppress_small_counts(cells([3, 50, 4, 40]))) == ["GM0000", "GM0002"]


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
