"""Small-cell suppression, applied as data come in so that no later step can show a small count.

A cell (unit x period x indicator) rests on ``count`` persons: the persons with the event for a
count or rate, or the persons whose costs are summed. A cell on fewer than ``threshold`` persons
is suppressed (primary). Where a total over a group of cells could be published (by default all
units of one period and indicator: a regional total), a single suppressed cell could be recovered
by subtracting the others from the total, so the smallest other cell in that group is suppressed
as well (secondary), and this repeats until no group has exactly one suppressed cell.
A count of zero is not suppressed: it tells nothing about a person.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 10


def suppress_small_counts(
    panel: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    groups: Sequence[Sequence[str]] = (("period", "indicator"),),
    count: str = "count",
) -> pd.DataFrame:
    """A copy of ``panel`` with small cells and their secondary cells blanked and marked ``suppressed``.

    Rows without a ``count`` (a source that does not say how many persons a cell rests on) are
    left as they are; value, denominator and count of a suppressed cell all become empty, since a
    rate and its denominator together give the count back.
    """
    if threshold < 1:
        raise ValueError(f"suppression threshold must be at least 1 (got {threshold})")
    frame = panel.copy()
    if "suppressed" not in frame.columns:
        frame["suppressed"] = False
    frame["suppressed"] = frame["suppressed"].astype(bool)
    counts = frame[count].to_numpy(dtype=float, copy=True)
    hidden = (counts > 0) & (counts < threshold)
    known = ~np.isnan(counts)
    changed = True
    while changed:
        changed = False
        for columns in groups:
            for index in frame.groupby(list(columns), sort=False).indices.values():
                cells = index[known[index]]
                if len(cells) < 2 or hidden[cells].sum() != 1:
                    continue
                open_cells = cells[~hidden[cells] & (counts[cells] > 0)]
                if len(open_cells) == 0:
                    continue  # only zeros left: nothing to hide behind, the total must not be shown
                smallest = open_cells[np.argmin(counts[open_cells])]
                hidden[smallest] = True
                changed = True
    mask = pd.Series(hidden, index=frame.index)
    frame.loc[mask, ["value", "denominator", count]] = np.nan
    frame.loc[mask, "suppressed"] = True
    return frame
