"""The one rule set for small numbers: what may not reach a report, and what is hidden to protect it.

Reports leave the organisation, so every number that rests on a few persons is hidden before any
table, figure or sentence is made from it. The rules, all applied by the functions below:

1. **Primary suppression.** A number resting on fewer persons than the threshold is hidden: a
   count or rate whose persons (the ``count`` a source gives, or value x denominator for counts
   and percentages) are 1 to threshold - 1; a rate or mean whose denominator is that small; a
   percentage whose complement is (90% of 12 says that one person differs); a respondent group
   (a perspective in a wave) with fewer respondents. Thresholds: the catalogue's ``min_cell``
   per indicator and a source's ``min_count`` (the strictest applies, as both are applied),
   :data:`PERSONS_THRESHOLD` for counts of persons otherwise (also the population of a unit),
   :data:`RESPONDENTS_THRESHOLD` for respondents and interviews. A count of zero is shown: it
   tells nothing about a person.
2. **Secondary suppression.** Where a total over cells is published or can be (a margin: all
   units of a period and indicator, a region, all perspectives of a wave), the hidden cells of
   that margin must be at least two and together rest on at least the threshold; otherwise the
   smallest visible cells are hidden too. Else the total minus the visible cells gives a hidden
   cell back, or a small sum of two. This repeats until no margin changes.
3. **What hiding means.** Value, denominator and count of a hidden cell all become empty and the
   row is marked ``suppressed``, since a rate and its denominator together give the count back.

:func:`protect_panel` and :func:`protect_units` are applied where a study's data are loaded
(:func:`evaluatie.data.study.load_study`); readers that know the persons behind a cell apply
:func:`suppress_small_counts` as data come in; the process evaluation applies
:func:`suppress_groups` to every breakdown of respondents and :func:`hide` to interview groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

PERSONS_THRESHOLD = 10
RESPONDENTS_THRESHOLD = 5
DEFAULT_THRESHOLD = PERSONS_THRESHOLD
SHIELDED = "afgeschermd"  # shown for a group hidden only to protect a smaller neighbour


def small(sizes: Sequence[float] | np.ndarray, threshold: int | np.ndarray, keep_zero: bool = True) -> np.ndarray:
    """Which sizes fall below the threshold (unknown sizes never; zero only when ``keep_zero`` is False)."""
    values = np.asarray(sizes, dtype=float)
    below = values < threshold
    return below & (values > 0) if keep_zero else below & ~np.isnan(values)


def hide(sizes: Sequence[float] | np.ndarray, hidden: Sequence[bool] | np.ndarray,
         margins: Iterable[np.ndarray], threshold: int | np.ndarray) -> np.ndarray:
    """Secondary suppression (rule 2): ``hidden`` extended until every margin protects its hidden cells.

    ``margins`` are arrays of positions whose total may be published; ``threshold`` is one number or
    one per position (a margin uses its largest). Cells of unknown size take no part.
    """
    sizes = np.asarray(sizes, dtype=float)
    hidden = np.array(hidden, dtype=bool)
    thresholds = np.broadcast_to(np.asarray(threshold, dtype=float), sizes.shape)
    known = ~np.isnan(sizes)
    margins = [np.asarray(m, dtype=int) for m in margins]
    changed = True
    while changed:
        changed = False
        for margin in margins:
            cells = margin[known[margin]]
            if len(cells) < 2 or not hidden[cells].any():
                continue
            needed = thresholds[cells].max()
            count, total = int(hidden[cells].sum()), sizes[cells][hidden[cells]].sum()
            candidates = cells[~hidden[cells] & (sizes[cells] > 0)]
            for cell in candidates[np.argsort(sizes[candidates], kind="stable")]:
                if count >= 2 and total >= needed:
                    break
                hidden[cell] = True
                count, total, changed = count + 1, total + sizes[cell], True
    return hidden


def margin_positions(frame: pd.DataFrame, keys: Sequence[str], where: pd.Series | None = None) -> list[np.ndarray]:
    """Positions of the rows of each group of ``keys`` (optionally among the rows ``where`` holds)."""
    positions = np.arange(len(frame))
    if where is not None:
        keep = np.asarray(where, dtype=bool)
        frame, positions = frame[keep], positions[keep]
    return [positions[index] for index in frame.groupby(list(keys), sort=False).indices.values()]


def blank(frame: pd.DataFrame, hidden: np.ndarray, columns: Iterable[str]) -> pd.DataFrame:
    """A copy with ``columns`` emptied where ``hidden`` (rule 3) and ``suppressed`` set."""
    frame = frame.copy()
    mask = pd.Series(np.asarray(hidden, dtype=bool), index=frame.index)
    previous = frame["suppressed"].astype(bool) if "suppressed" in frame.columns else False
    frame["suppressed"] = mask | previous
    for column in columns:
        if column not in frame.columns:
            continue
        if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = frame[column].astype(float)
            frame.loc[mask, column] = np.nan
        else:
            frame[column] = frame[column].astype(object)
            frame.loc[mask, column] = None
    return frame


def suppress_small_counts(
    panel: pd.DataFrame,
    threshold: int = PERSONS_THRESHOLD,
    groups: Sequence[Sequence[str]] = (("period", "indicator"),),
    count: str = "count",
) -> pd.DataFrame:
    """Rules 1-3 for cells whose persons a source gives in ``count`` (rows without a count are left alone)."""
    _check(threshold)
    sizes = panel[count].to_numpy(dtype=float, copy=True)
    hidden = small(sizes, threshold)
    margins = [m for keys in groups for m in margin_positions(panel, keys)]
    return blank(panel, hide(sizes, hidden, margins, threshold), ["value", "denominator", count])


@dataclass(frozen=True)
class CellRule:
    """How to judge the cells of one indicator.

    ``persons_per_value`` turns value x denominator into persons (1/1000 for a count per 1.000,
    1/100 for a percentage; None when the value is no count, such as a cost or a waiting time);
    ``share`` marks a percentage, whose complement is checked too.
    """

    threshold: int = PERSONS_THRESHOLD
    persons_per_value: float | None = None
    share: bool = False


def protect_panel(
    panel: pd.DataFrame,
    rules: Mapping[str, CellRule],
    margins: Sequence[Sequence[str]] = (("period", "indicator"),),
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The long panel (unit x period x indicator) under rules 1-3.

    ``margins`` name the columns of published totals; with ``units``, a column of the units table
    (such as ``region``) may be named too. An indicator without a rule gets the default one.
    """
    frame = panel.reset_index(drop=True)
    default = CellRule()
    rule = [rules.get(i, default) for i in frame["indicator"]]
    for r in {id(r): r for r in rule}.values():
        _check(r.threshold)
    threshold = np.array([r.threshold for r in rule], dtype=float)
    factor = np.array([np.nan if r.persons_per_value is None else r.persons_per_value for r in rule])
    share = np.array([r.share for r in rule], dtype=bool)
    value = frame["value"].to_numpy(dtype=float)
    denominator = frame["denominator"].to_numpy(dtype=float)
    persons = np.round(value * denominator * factor)
    if "count" in frame.columns:
        given = frame["count"].to_numpy(dtype=float)
        persons = np.where(np.isnan(given), persons, given)
    hidden = (small(persons, threshold) | small(denominator, threshold)
              | (share & small(denominator - persons, threshold)))
    sizes = np.where(np.isnan(persons), denominator, persons)
    if "suppressed" in frame.columns:  # hidden by the source already: its margins are the source's
        sizes[frame["suppressed"].to_numpy(dtype=bool)] = np.nan
    keyed = frame
    if units is not None:
        extra = [k for keys in margins for k in keys if k not in frame.columns and k in units.columns]
        if extra:
            keyed = frame.merge(units[["unit_id", *dict.fromkeys(extra)]], on="unit_id", how="left")
    positions = [m for keys in margins for m in margin_positions(keyed, keys)]
    protected = blank(frame, hide(sizes, hidden, positions, threshold), ["value", "denominator", "count"])
    return protected.set_axis(panel.index)


def protect_units(units: pd.DataFrame, threshold: int = PERSONS_THRESHOLD,
                  margins: Sequence[Sequence[str]] = (("region",),), population: str = "population") -> pd.DataFrame:
    """The units table with the population (and every other number) of small units hidden.

    A unit of 7 inhabitants is hidden, and within each margin (a region, whose population is
    published) enough others that the region total does not give it back.
    """
    _check(threshold)
    sizes = units[population].to_numpy(dtype=float)
    positions = [m for keys in margins if set(keys) <= set(units.columns) for m in margin_positions(units, keys)]
    hidden = hide(sizes, small(sizes, threshold), positions, threshold)
    numbers = [c for c in units.columns
               if pd.api.types.is_numeric_dtype(units[c]) and not pd.api.types.is_bool_dtype(units[c])]
    return blank(units, hidden, numbers)


def suppress_groups(
    frame: pd.DataFrame,
    columns: Sequence[str],
    threshold: int = RESPONDENTS_THRESHOLD,
    size: str = "n",
    margins: Sequence[Sequence[str]] = (),
) -> pd.DataFrame:
    """Rules 1-3 for breakdowns of respondents: rows of groups with fewer than ``threshold`` lose ``columns``.

    ``size`` keeps its number (a reader may know how many answered, not what they said); an empty
    group counts as small. ``margins`` name the keys within which a published total exists.
    """
    _check(threshold)
    frame = frame.reset_index(drop=True)
    sizes = frame[size].to_numpy(dtype=float) if len(frame) else np.array([], dtype=float)
    hidden = small(sizes, threshold, keep_zero=False)
    positions = [m for keys in margins for m in margin_positions(frame, keys)] if len(frame) else []
    frame = blank(frame.drop(columns=["suppressed"], errors="ignore"), hide(sizes, hidden, positions, threshold),
                  columns)
    return frame


def _check(threshold: int) -> None:
    if threshold < 1:
        raise ValueError(f"suppression threshold must be at least 1 (got {threshold})")
