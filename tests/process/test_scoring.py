"""Scores against values computed by hand, and suppression of small groups."""

import math

import pandas as pd
import pytest
from scipy import stats

from evaluatie.process.responses import read_responses
from evaluatie.process.scoring import (
    alpha_warnings,
    categorical_answers,
    consensus_table,
    dimension_scores,
    holm,
    item_distribution,
    item_scores,
    perspective_differences,
    perspective_scores,
    phase_table,
    wave_change,
)

Z, B = "zorgaanbieder", "beleidsmaker"
ROWS = [
    # id, perspective, wave, s1, s2, s3 (reverse), v1, f1a, f1b, f2a, f2b, c1
    ("r1", Z, 2021, 4, 4, 2, 3, 1, 1, 0, 1, "a"),
    ("r2", Z, 2021, 5, 4, 1, 3, 1, 1, 0, 1, "a"),
    ("r3", Z, 2021, 3, 3, 3, 3, 1, 1, 0, 0, "Optie B"),
    ("r4", Z, 2021, 4, 5, 2, 3, 1, 0, 0, 0, ""),
    ("r5", B, 2021, 2, 2, 4, 0, 0, 0, 1, 0, "b"),
    ("r6", B, 2021, 3, "", 3, 5, 0, 0, 0, 0, "a"),
    ("r1", Z, 2023, 5, 5, 1, 4, 1, 1, 1, 1, "a"),
    ("r2", Z, 2023, 5, 4, 1, 4, 1, 1, 1, 1, "a"),
    ("r3", Z, 2023, 4, 4, 2, 4, 1, 0, 1, 1, "a"),
    ("r4", Z, 2023, 5, 5, 1, 4, 1, 0, 1, 1, "a"),
    ("r5", B, 2023, 3, 3, 3, 4, 1, 0, 1, 0, "a"),
    ("r7", B, 2023, 4, 4, 2, 4, 1, 0, 0, 0, "a"),
]


@pytest.fixture
def responses(tmp_path, mini):
    frame = pd.DataFrame(ROWS, columns=["respondent_id", "perspective", "wave", "s1", "s2", "s3", "v1",
                                        "f1a", "f1b", "f2a", "f2b", "c1"])
    path = tmp_path / "scores.csv"
    frame.to_csv(path, index=False)
    return read_responses(path, [mini])


def _row(frame, **where):
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    assert mask.sum() == 1
    return frame[mask].iloc[0]


def test_dimension_scores_by_hand(responses):
    scores = dimension_scores(responses, min_group_size=5)
    row = _row(scores, dimension="samen", wave=2021)
    # respondent means after reversing s3: 4, 14/3, 3, 13/3, 2, 3 (r6 left s2 blank)
    assert row["n"] == 6
    assert row["mean"] == pytest.approx(3.5)
    assert row["median"] == pytest.approx(3.5)
    assert row["q1"] == pytest.approx(3.0)
    assert row["q3"] == pytest.approx(4.25)
    assert row["iqr"] == pytest.approx(1.25)
    # five complete respondents; item variances 1.3 each, sum-score variance 10.7
    assert row["alpha"] == pytest.approx(1.5 * (1 - 3.9 / 10.7))
    assert row["alpha_n"] == 5
    yes_share = _row(scores, dimension="fase1", wave=2021)
    assert yes_share["mean"] == pytest.approx((1 + 1 + 1 + 0.5 + 0 + 0) / 6)


def test_suppression_of_small_breakdowns(responses):
    by_perspective = dimension_scores(responses, by=("wave", "perspective"), min_group_size=5)
    assert by_perspective["suppressed"].all()
    assert by_perspective["mean"].isna().all() and by_perspective["alpha"].isna().all()
    assert set(by_perspective["n"]) == {2, 4}  # n stays visible, the values do not
    shown = dimension_scores(responses, by=("wave", "perspective"), min_group_size=2)
    assert not shown["suppressed"].any()
    overall = dimension_scores(responses, min_group_size=7)
    assert overall["suppressed"].all()


def test_consensus_table_uses_the_rule(responses):
    table = consensus_table(responses)
    first = _row(table, dimension="volwassenheid", wave=2021)
    # ratings 3,3,3,3,0,5: median 3, band 1-3 leaves two outside
    assert (first["median"], first["agreement"], first["level"]) == (3, "agreement", "progressing")
    assert first["level_label"] == "in ontwikkeling"
    assert consensus_table(responses, min_group_size=7)["suppressed"].all()


def test_phase_reached_rule(responses):
    table = phase_table(responses)
    # 2021: phase 1 items met (4/6 and 3/6 'ja'), phase 2 items not -> phase 1
    assert _row(table, wave=2021)["phase"] == 1
    # 2023: f1b met by only 2/6 -> phase 1 half met; both phase 2 items met -> phase 2 (not linear)
    row = _row(table, wave=2023)
    assert row["phase"] == 2 and row["phase_label"] == "Verdiepen"
    assert row["phase_shares"] == {1: 0.5, 2: 1.0}


def test_wave_change_paired_with_interval(responses):
    change = wave_change(responses, min_group_size=5)
    row = _row(change, dimension="samen")
    diffs = [1, 0, 1, 2 / 3, 1]  # r1..r5 answered in both waves
    mean = sum(diffs) / 5
    sd = (sum((d - mean) ** 2 for d in diffs) / 4) ** 0.5
    half = stats.t.ppf(0.975, 4) * sd / 5**0.5
    assert row["method"] == "gepaard" and row["n_paired"] == 5
    assert row["difference"] == pytest.approx(mean)
    assert row["ci_low"] == pytest.approx(mean - half)
    assert row["ci_high"] == pytest.approx(mean + half)


def test_wave_change_falls_back_to_independent_groups(responses):
    change = wave_change(responses, min_group_size=6)
    row = _row(change, dimension="samen")
    assert row["method"] == "ongepaard"
    assert row["difference"] == pytest.approx((5 + 14 / 3 + 4 + 5 + 3 + 4) / 6 - 3.5)
    assert wave_change(responses, min_group_size=7)["difference"].isna().all()


def test_perspective_differences(responses):
    assert perspective_differences(responses, min_group_size=5)["spread"].isna().all()
    table = perspective_differences(responses, min_group_size=2)
    row = _row(table, dimension="samen", wave=2021)
    # zorgaanbieders 4, 14/3, 3, 13/3 -> 4.0; beleidsmakers 2, 3 -> 2.5
    assert row["highest"] == Z and row["lowest"] == B
    assert row["spread"] == pytest.approx(1.5)
    means = perspective_scores(responses, min_group_size=5)
    assert means["suppressed"].all() and means["mean"].isna().all()


def test_item_distribution(responses, mini):
    table = item_distribution(responses, mini, 2021)
    s2 = table.set_index("item").loc["s2"]
    assert s2["n"] == 5 and s2[4] == pytest.approx(0.4) and s2[1] == 0
    assert math.isnan(item_distribution(responses, mini, 2021, min_group_size=6).set_index("item").loc["s2", 4])


def test_alpha_warning_below_ten(responses):
    notes = alpha_warnings(dimension_scores(responses))
    assert any("'Samenwerking' (meting 2021) rust op 5 volledige respondenten" in n for n in notes)


def test_item_scores_and_categorical_answers(responses):
    items = item_scores(responses).set_index(["item", "wave"])
    assert items.loc[("f1a", 2021), "mean"] == pytest.approx(4 / 6)  # share 'ja'
    assert items.loc[("s3", 2021), "mean"] == pytest.approx(15 / 6)  # as asked, not reversed
    answers = categorical_answers(responses).set_index(["item", "wave", "answer"])
    assert answers.loc[("c1", 2021, "a"), "count"] == 3
    assert answers.loc[("c1", 2021, "b"), "share"] == pytest.approx(2 / 5)  # blank is not an answer
    assert categorical_answers(responses, min_group_size=6).loc[lambda f: f["wave"] == 2021, "share"].isna().all()


def test_secondary_suppression_protects_the_margin(responses):
    # with threshold 3 the two beleidsmakers are hidden; the wave total minus the four zorgaanbieders
    # would give them away, so the zorgaanbieders are hidden as well
    means = perspective_scores(responses, min_group_size=3)
    assert means["suppressed"].all() and means["mean"].isna().all()
    by_perspective = dimension_scores(responses, by=("wave", "perspective"), min_group_size=3)
    assert by_perspective["suppressed"].all()


def test_holm_adjustment_by_hand():
    p = pd.Series([0.01, None, 0.04, 0.03, 0.5])
    # sorted 0.01, 0.03, 0.04, 0.5 times 4, 3, 2, 1 -> 0.04, 0.09, 0.08 -> 0.09 (monotone), 0.5
    result = holm(p)
    assert result[0] == pytest.approx(0.04)
    assert result[2] == pytest.approx(0.09) and result[3] == pytest.approx(0.09) and result[4] == pytest.approx(0.5)
    assert math.isnan(result[1])
