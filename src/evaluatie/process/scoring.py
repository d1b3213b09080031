"""Scores per dimension, consensus, phase reached, change between waves and differences between perspectives.

Every table carries ``n`` and a ``suppressed`` flag: a breakdown based on
fewer than ``min_group_size`` respondents keeps its n but loses its values,
so no report can show answers that point to a few identifiable people
(the rules, secondary suppression included, are those of :mod:`evaluatie.privacy`).
"""

from __future__ import annotations

import warnings
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy import stats

from evaluatie.privacy import RESPONDENTS_THRESHOLD, suppress_groups
from evaluatie.process.consensus import AGREEMENT_LABELS, LEVEL_LABELS, consensus
from evaluatie.process.instrument import ORDINAL_TYPES, Instrument
from evaluatie.process.reliability import MIN_N_ALPHA, alpha_of
from evaluatie.process.responses import Responses

MIN_GROUP_SIZE = RESPONDENTS_THRESHOLD
ITEM_MET_SHARE = 0.5
PHASE_MET_SHARE = 2 / 3


def _labels(responses: Responses, frame: pd.DataFrame) -> pd.DataFrame:
    lookup = {(i.id, d.id): (d.label, i.dimension_scale(d.id).type)
              for i in responses.instruments for d in i.dimensions.values()}
    keys = list(zip(frame["instrument"], frame["dimension"]))
    frame.insert(2, "dimension_label", [lookup[k][0] for k in keys])
    frame.insert(3, "scale_type", [lookup[k][1] for k in keys])
    return frame


def dimension_scores(
    responses: Responses, by: tuple[str, ...] = ("wave",), min_group_size: int = MIN_GROUP_SIZE
) -> pd.DataFrame:
    """Mean, median, quartiles, IQR, n and Cronbach's alpha per dimension and group.

    ``alpha_n`` is the number of complete respondents behind alpha (warned
    about below 10 by the caller); for yes/no dimensions the mean is the share 'ja'.
    """
    keys = ["instrument", "dimension", *by]
    scores = responses.respondent_scores
    if scores.empty:
        columns = [*keys, "dimension_label", "scale_type", "n", "mean", "median", "q1", "q3", "iqr", "alpha",
                   "alpha_n", "suppressed"]
        return pd.DataFrame(columns=columns)
    grouped = scores.groupby(keys, sort=True)["score"]
    frame = grouped.agg(n="count", mean="mean", median="median")
    quartiles = grouped.quantile([0.25, 0.75]).unstack()
    frame["q1"], frame["q3"] = quartiles[0.25], quartiles[0.75]
    frame["iqr"] = frame["q3"] - frame["q1"]
    blocks = {}
    for instrument in responses.instruments:
        items = responses.scored_items(instrument)
        for dimension in instrument.numeric_dimensions:
            blocks[(instrument.id, dimension)] = items[
                [item.id for item in instrument.dimension_items(dimension)]].to_numpy(dtype=float)
    rows_of = {(k if isinstance(k, tuple) else (k,)): np.flatnonzero(responses.data.index.isin(part.index))
               for k, part in responses.data.groupby(list(by))}
    alphas, alpha_ns = [], []
    for instrument_id, dimension, *group in frame.index:
        block = blocks[(instrument_id, dimension)][rows_of[tuple(group)]]
        complete = block[~np.isnan(block).any(axis=1)]
        multi = block.shape[1] > 1
        alphas.append(alpha_of(complete) if multi else np.nan)
        alpha_ns.append(len(complete) if multi else 0)
    frame["alpha"], frame["alpha_n"] = alphas, alpha_ns
    frame = frame.reset_index()
    values = ["mean", "median", "q1", "q3", "iqr", "alpha"]
    margins = [["instrument", "dimension", *[key for key in by if key != "perspective"]]] if "perspective" in by else []
    return _labels(responses, suppress_groups(frame, values, min_group_size, margins=margins))


def alpha_warnings(scores: pd.DataFrame, min_n: int = MIN_N_ALPHA) -> list[str]:
    """Dutch warnings for alphas computed on too few complete respondents."""
    shaky = scores[scores["alpha"].notna() & (scores["alpha_n"] < min_n)]
    return [
        f"Cronbachs alfa voor '{row.dimension_label}' (meting {row.wave}) rust op {row.alpha_n} "
        f"volledige respondenten, minder dan {min_n}; lees de betrouwbaarheid als indicatie."
        for row in shaky.itertuples()
    ]


def consensus_table(responses: Responses, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """SCIROCCO consensus per maturity dimension and wave, on each respondent's dimension score."""
    scores = responses.respondent_scores
    rows = []
    for (instrument_id, dimension, wave), part in scores.groupby(["instrument", "dimension", "wave"], sort=True):
        instrument = responses.instrument(instrument_id)
        if instrument.dimension_scale(dimension).type != "maturity":
            continue
        result = consensus(part["score"])
        rows.append(dict(instrument=instrument_id, dimension=dimension, wave=wave, n=result.n,
                         median=result.median, agreement=result.agreement, level=result.level,
                         agreement_label=AGREEMENT_LABELS[result.agreement], level_label=LEVEL_LABELS[result.level]))
    columns = ["instrument", "dimension", "wave", "n", "median", "agreement", "level", "agreement_label",
               "level_label"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = suppress_groups(frame, ["median", "agreement", "level", "agreement_label", "level_label"], min_group_size)
    return _labels(responses, frame)


def phase_table(
    responses: Responses,
    min_group_size: int = MIN_GROUP_SIZE,
    item_share: float = ITEM_MET_SHARE,
    phase_share: float = PHASE_MET_SHARE,
) -> pd.DataFrame:
    """Phase reached per checklist instrument and wave.

    Rule: a checklist item is *met* in a wave when at least ``item_share``
    (half) of the respondents who answered it say 'ja'. A phase is *largely
    met* when at least ``phase_share`` (two thirds) of its items are met. The
    phase reached is the highest phase that is largely met, whether or not
    the earlier phases are: development is not linear (RIVM), and an
    initiative that integrates budgets without ever writing down a shared
    vision is better described by the phase it works in, with the gap
    visible in ``phase_shares``. Phase 0 means no phase is largely met yet.
    """
    rows = []
    for instrument in responses.instruments:
        checklist = instrument.checklist_items
        if not checklist or responses.data[[item.id for item in checklist]].isna().all(axis=None):
            continue  # no checklist, or nobody filled it in: no phase to report
        for wave, part in responses.data.groupby("wave", sort=True):
            answers = part[[item.id for item in checklist]]
            n = int(answers.notna().any(axis=1).sum())
            shares = {}
            for number in sorted(instrument.phases):
                ids = [item.id for item in checklist if item.phase == number]
                met = [answers[i].mean() >= item_share for i in ids if answers[i].notna().any()]
                shares[number] = sum(met) / len(ids)
            reached = max((p for p, share in shares.items() if share >= phase_share), default=0)
            label = instrument.phases[reached].label if reached else "Nog geen fase bereikt"
            rows.append(dict(instrument=instrument.id, wave=wave, n=n, phase=reached, phase_label=label,
                             phase_shares=shares))
    frame = pd.DataFrame(rows, columns=["instrument", "wave", "n", "phase", "phase_label", "phase_shares"])
    return suppress_groups(frame, ["phase", "phase_label", "phase_shares"], min_group_size)


def _interval(mean: float, se: float, df: float, level: float) -> tuple[float, float]:
    if not np.isfinite(se) or df <= 0:
        return np.nan, np.nan
    half = stats.t.ppf(0.5 + level / 2, df) * se
    return mean - half, mean + half


def wave_change(
    responses: Responses, min_group_size: int = MIN_GROUP_SIZE, level: float = 0.95
) -> pd.DataFrame:
    """Change per dimension between consecutive waves (and first to last), with a t confidence interval.

    Respondents who answered in both waves are paired (their own change is
    what we want to know, free of who happened to respond). When fewer than
    ``min_group_size`` pairs exist, the waves are compared as independent
    groups (Welch), and the row says so in ``method``.
    """
    scores = responses.respondent_scores
    waves = responses.waves
    pairs = list(pairwise(waves))
    if len(waves) > 2:
        pairs.append((waves[0], waves[-1]))
    rows = []
    for (instrument_id, dimension), part in scores.groupby(["instrument", "dimension"], sort=True):
        by_wave = {w: g.set_index("respondent_id")["score"] for w, g in part.groupby("wave")}
        for first, second in pairs:
            before = by_wave.get(first, pd.Series(dtype=float))
            after = by_wave.get(second, pd.Series(dtype=float))
            common = before.index.intersection(after.index)
            row = dict(instrument=instrument_id, dimension=dimension, wave_from=first, wave_to=second,
                       n_paired=len(common), n_from=len(before), n_to=len(after))
            if len(common) >= max(min_group_size, 2):
                diff = after[common] - before[common]
                se = diff.std(ddof=1) / np.sqrt(len(diff))
                low, high = _interval(diff.mean(), se, len(diff) - 1, level)
                row.update(method="gepaard", n=len(common), mean_from=before[common].mean(),
                           mean_to=after[common].mean(), difference=diff.mean(), ci_low=low, ci_high=high)
            else:
                va, vb = before.var(ddof=1), after.var(ddof=1)
                na, nb = len(before), len(after)
                se = np.sqrt(va / na + vb / nb) if na > 1 and nb > 1 else np.nan
                df = (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1)) \
                    if na > 1 and nb > 1 and se > 0 else 0
                difference = after.mean() - before.mean()
                low, high = _interval(difference, se, df, level)
                row.update(method="ongepaard", n=min(na, nb), mean_from=before.mean(), mean_to=after.mean(),
                           difference=difference, ci_low=low, ci_high=high)
            rows.append(row)
    columns = ["instrument", "dimension", "wave_from", "wave_to", "method", "n", "n_paired", "n_from", "n_to",
               "mean_from", "mean_to", "difference", "ci_low", "ci_high"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = suppress_groups(frame, ["mean_from", "mean_to", "difference", "ci_low", "ci_high"], min_group_size)
    return _labels(responses, frame)


def perspective_scores(responses: Responses, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Mean and median per dimension, wave and perspective (suppressed below the threshold)."""
    return _labels(responses, _perspective_scores(responses.respondent_scores, min_group_size))


def _perspective_scores(scores: pd.DataFrame, min_group_size: int) -> pd.DataFrame:
    grouped = scores.groupby(["instrument", "dimension", "wave", "perspective"], sort=True)["score"]
    frame = grouped.agg(n="count", mean="mean", median="median").reset_index()
    return suppress_groups(frame, ["mean", "median"], min_group_size, margins=[["instrument", "dimension", "wave"]])


def perspective_differences(responses: Responses, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """How far the perspectives lie apart per dimension and wave.

    The spread (highest minus lowest perspective mean) uses only perspectives
    with at least ``min_group_size`` respondents; the Kruskal-Wallis p-value
    tests whether the shown perspectives differ more than chance would make
    them, ``p_holm`` corrects it for testing all dimensions of an instrument.
    """
    scores = responses.respondent_scores
    shown = _perspective_scores(scores, min_group_size)
    groups = {key: part["score"] for key, part in
              scores.groupby(["instrument", "dimension", "wave", "perspective"], sort=False)}
    rows = []
    for (instrument_id, dimension, wave), part in shown.groupby(["instrument", "dimension", "wave"], sort=True):
        visible = part[~part["suppressed"]]
        row = dict(instrument=instrument_id, dimension=dimension, wave=wave,
                   perspectives=len(visible), perspectives_suppressed=int(part["suppressed"].sum()))
        if len(visible) >= 2:
            lowest = visible.loc[visible["mean"].idxmin()]
            highest = visible.loc[visible["mean"].idxmax()]
            samples = [groups[(instrument_id, dimension, wave, p)] for p in visible["perspective"]]
            try:
                with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    p_value = stats.kruskal(*samples).pvalue
            except ValueError:  # all answers identical: no test possible
                p_value = np.nan
            row.update(lowest=lowest["perspective"], lowest_mean=lowest["mean"], highest=highest["perspective"],
                       highest_mean=highest["mean"], spread=highest["mean"] - lowest["mean"], p_value=p_value)
        rows.append(row)
    columns = ["instrument", "dimension", "wave", "perspectives", "perspectives_suppressed", "lowest",
               "lowest_mean", "highest", "highest_mean", "spread", "p_value"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["p_holm"] = frame.groupby(["instrument", "wave"])["p_value"].transform(holm)
    return _labels(responses, frame)


def holm(p_values: pd.Series) -> pd.Series:
    """Holm-adjusted p-values: many dimensions are tested at once, so some would differ by chance."""
    present = p_values.dropna().sort_values()
    m = len(present)
    adjusted = (present * np.arange(m, 0, -1)).cummax().clip(upper=1.0)
    return adjusted.reindex(p_values.index)


def item_distribution(
    responses: Responses, instrument: Instrument, wave: object, min_group_size: int = MIN_GROUP_SIZE
) -> pd.DataFrame:
    """Share of each answer per ordinal item in one wave (as asked, not reverse-coded), for stacked bars."""
    part = responses.data[responses.data["wave"] == wave]
    rows = []
    for item in instrument.items.values():
        scale = instrument.scales[item.scale]
        if scale.type not in ORDINAL_TYPES:
            continue
        answers = part[item.id].dropna()
        row = dict(item=item.id, text=item.text, dimension=item.dimension, n=len(answers))
        for value in range(scale.minimum, scale.maximum + 1):
            row[value] = (answers == value).mean() if len(answers) else np.nan
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    values = [c for c in frame.columns if isinstance(c, int)]
    return suppress_groups(frame, values, min_group_size)


def item_scores(responses: Responses, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Per numeric item and wave: n, mean (share 'ja' for yes/no items) and median, as asked.

    Item level shows what a dimension mean hides, such as which of the five
    Quintuple Aim goals is pursued or measured.
    """
    rows = []
    for instrument in responses.instruments:
        for item in instrument.items.values():
            scale = instrument.scales[item.scale]
            if not scale.numeric:
                continue
            for wave, answers in responses.data.groupby("wave", sort=True)[item.id]:
                answers = answers.dropna()
                rows.append(dict(instrument=instrument.id, item=item.id, text=item.text, dimension=item.dimension,
                                 scale_type=scale.type, wave=wave, n=len(answers), mean=answers.mean(),
                                 median=answers.median()))
    columns = ["instrument", "item", "text", "dimension", "scale_type", "wave", "n", "mean", "median"]
    return suppress_groups(pd.DataFrame(rows, columns=columns), ["mean", "median"], min_group_size)


def categorical_answers(responses: Responses, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Count and share of each option per categorical item and wave (e.g. the financing form)."""
    rows = []
    for instrument in responses.instruments:
        for item in instrument.items.values():
            scale = instrument.scales[item.scale]
            if scale.type != "categorical":
                continue
            for wave, answers in responses.data.groupby("wave", sort=True)[item.id]:
                answers = answers.dropna()
                for code, label in scale.options.items():
                    count = int((answers == code).sum())
                    rows.append(dict(instrument=instrument.id, item=item.id, text=item.text, wave=wave,
                                     answer=code, answer_label=label, n=len(answers), count=count,
                                     share=count / len(answers) if len(answers) else np.nan))
    columns = ["instrument", "item", "text", "wave", "answer", "answer_label", "n", "count", "share"]
    return suppress_groups(pd.DataFrame(rows, columns=columns), ["count", "share"], min_group_size)
