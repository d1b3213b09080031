"""Consensus on a maturity dimension, following the SCIROCCO rule.

SCIROCCO asks each stakeholder to rate a dimension 0-5 and then looks at the
spread: a median alone hides that partners may see the collaboration very
differently, and that disagreement is itself a finding for a steering group.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

SCALE_MIN = 0
SCALE_MAX = 5
BAND_WIDTH = 3
SPLIT_THRESHOLD = 4

Agreement = Literal["agreement", "split"]
Level = Literal["initial", "progressing", "optimising", "uncertain"]

LEVEL_LABELS: dict[str, str] = {
    "initial": "beginnend",
    "progressing": "in ontwikkeling",
    "optimising": "optimaliserend",
    "uncertain": "onzeker (verdeeld)",
}
AGREEMENT_LABELS: dict[str, str] = {"agreement": "overeenstemming", "split": "verdeeld"}


@dataclass(frozen=True)
class Consensus:
    """Outcome of the consensus rule for one set of ratings."""

    median: int | None
    agreement: Agreement
    level: Level
    n: int

    @property
    def label(self) -> str:
        """Dutch label of the level, for reports."""
        return LEVEL_LABELS[self.level]


def round_half_up(value: float) -> int:
    """Round as evaluators do by hand (2.5 -> 3), unlike Python's banker's rounding."""
    return int(math.floor(value + 0.5))


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        return False


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def _level(median: int) -> Level:
    if median <= 2:
        return "initial"
    if median <= 4:
        return "progressing"
    return "optimising"


def consensus(ratings: Iterable[float | None], split_threshold: int = SPLIT_THRESHOLD) -> Consensus:
    """Apply the SCIROCCO consensus rule to 0-5 ratings.

    Missing ratings (None, NaN) are ignored. The median is rounded half up.
    Levels: 0-2 initial, 3-4 progressing, 5 optimising. The ratings are split
    when at least ``split_threshold`` (4) of them fall outside *every* band of
    three consecutive scale points that contains the median; bands stay within
    0-5, so at median 0 only 0-2 counts. A split makes the level "uncertain".
    With no ratings at all the median is None and the level uncertain.
    Ratings may be fractions (a respondent's mean over several items of one
    dimension); a band then holds the ratings between its end points.
    """
    values: list[float] = []
    for rating in ratings:
        if _is_missing(rating):
            continue
        number = float(rating)  # type: ignore[arg-type]
        if not SCALE_MIN <= number <= SCALE_MAX:
            raise ValueError(
                f"Beoordeling {rating!r} ligt buiten de schaal {SCALE_MIN}-{SCALE_MAX}."
            )
        values.append(number)
    if not values:
        return Consensus(median=None, agreement="split", level="uncertain", n=0)

    median = round_half_up(round(_median(values), 9))  # 2.4999999 from averaged items is 2.5
    lowest_start = max(SCALE_MIN, median - BAND_WIDTH + 1)
    highest_start = min(median, SCALE_MAX - BAND_WIDTH + 1)
    outside_per_band = [
        sum(1 for v in values if v < start or v > start + BAND_WIDTH - 1)
        for start in range(lowest_start, highest_start + 1)
    ]
    if min(outside_per_band) >= split_threshold:
        return Consensus(median=median, agreement="split", level="uncertain", n=len(values))
    return Consensus(median=median, agreement="agreement", level=_level(median), n=len(values))
