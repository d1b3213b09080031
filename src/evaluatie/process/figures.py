"""Figures for the process evaluation, in one house style with Dutch labels.

Every function returns a matplotlib Figure built without pyplot, so nothing is
shown or kept open behind the caller's back (batch runs make many reports).
Colours come from colour-blind-safe palettes (Okabe-Ito for categories,
ColorBrewer BrBG for diverging answers, cividis for heatmaps).
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from evaluatie.process.instrument import Instrument, Scale
from evaluatie.formats import number as dutch_number
from evaluatie.process.perspectives import perspective_label
from evaluatie.process.scoring import SHIELDED

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
DIVERGING = {
    5: ["#A6611A", "#DFC27D", "#E0E0E0", "#80CDC1", "#018571"],
    6: ["#8C510A", "#D8B365", "#F6E8C3", "#C7EAE5", "#5AB4AC", "#01665E"],
}
SUPPRESSED_COLOUR = "#BDBDBD"
STYLE = {
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
}


def _suppressed_text(min_group_size: int) -> str:
    return f"n < {min_group_size}"


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False))


def radar(scores: pd.DataFrame, instrument: Instrument, min_group_size: int = 5) -> Figure:
    """Mean score per dimension, one line per wave (likert and maturity dimensions)."""
    with mpl.rc_context(STYLE):
        part = scores[(scores["instrument"] == instrument.id) & scores["scale_type"].isin(["likert", "maturity"])]
        dimensions = [d for d in instrument.dimensions if d in set(part["dimension"])]
        fig = Figure(figsize=(7.5, 7), layout="constrained")
        ax = fig.add_subplot(projection="polar")
        if len(dimensions) < 3:
            ax.set_axis_off()
            fig.text(0.5, 0.5, "Te weinig dimensies voor een radarfiguur", ha="center")
            return fig
        scale = instrument.dimension_scale(dimensions[0])
        angles = np.linspace(0, 2 * np.pi, len(dimensions), endpoint=False)
        closed = np.append(angles, angles[0])
        for colour, (wave, group) in zip(PALETTE, part.groupby("wave", sort=True)):
            means = group.set_index("dimension")["mean"].reindex(dimensions).to_numpy(dtype=float)
            values = np.append(means, means[0])
            ax.plot(closed, values, marker="o", color=colour, label=f"Meting {wave}")
            ax.fill(closed, np.nan_to_num(values, nan=scale.minimum), color=colour, alpha=0.08)
        ax.set_xticks(angles)
        ax.set_xticklabels([_wrap(instrument.dimensions[d].label, 18) for d in dimensions], fontsize=8)
        ax.set_ylim(scale.minimum, scale.maximum)
        ax.set_yticks(range(scale.minimum, scale.maximum + 1))
        ax.set_title(_wrap(f"Gemiddelde score per dimensie: {instrument.title}", 60), pad=24)
        fig.legend(loc="outside lower center", ncol=4, frameon=False)
        if part["suppressed"].any():
            fig.text(0.02, 0.02, f"Ontbrekende punten: {_suppressed_text(min_group_size)} (niet getoond).",
                     fontsize=8)
        return fig


def heatmap(perspective_scores: pd.DataFrame, instrument: Instrument, wave: object,
            min_group_size: int = 5) -> Figure:
    """Mean per dimension (rows) and perspective (columns) in one wave; small groups shown as 'n < 5'."""
    with mpl.rc_context(STYLE):
        part = perspective_scores[(perspective_scores["instrument"] == instrument.id)
                                  & (perspective_scores["wave"] == wave)
                                  & perspective_scores["scale_type"].isin(["likert", "maturity"])]
        dimensions = [d for d in instrument.dimensions if d in set(part["dimension"])]
        perspectives = sorted(part["perspective"].unique())
        means = part.pivot(index="dimension", columns="perspective", values="mean").reindex(
            index=dimensions, columns=perspectives)
        hidden = part.pivot(index="dimension", columns="perspective", values="suppressed").reindex(
            index=dimensions, columns=perspectives).fillna(False).astype(bool)
        fig = Figure(figsize=(1.6 * len(perspectives) + 4, 0.45 * len(dimensions) + 2), layout="constrained")
        ax = fig.subplots()
        ax.set_facecolor(SUPPRESSED_COLOUR)
        labels = means.map(lambda v: "" if pd.isna(v) else dutch_number(v))
        scale = instrument.dimension_scale(dimensions[0]) if dimensions else None
        sns.heatmap(means.astype(float), ax=ax, cmap="cividis", annot=labels.to_numpy(), fmt="",
                    vmin=scale.minimum if scale else None, vmax=scale.maximum if scale else None,
                    linewidths=0.5, linecolor="white", cbar_kws={"label": "Gemiddelde score"})
        sizes = part.pivot(index="dimension", columns="perspective", values="n").reindex(
            index=dimensions, columns=perspectives).to_numpy()
        for (row, column) in zip(*np.nonzero(hidden.to_numpy())):  # seaborn leaves empty cells unlabelled
            text = _suppressed_text(min_group_size) if sizes[row, column] < min_group_size else SHIELDED
            ax.text(column + 0.5, row + 0.5, text, ha="center", va="center", fontsize=8, color="black")
        ax.set_yticklabels([_wrap(instrument.dimensions[d].label, 40) for d in dimensions], rotation=0)
        ax.set_xticklabels([_wrap(perspective_label(p), 16) for p in perspectives], rotation=0)
        ax.set_xlabel("Perspectief")
        ax.set_ylabel("")
        ax.set_title(_wrap(f"Scores per perspectief, meting {wave}: {instrument.title}", 70))
        return fig


def likert_bars(distribution: pd.DataFrame, scale: Scale, title: str, min_group_size: int = 5) -> Figure:
    """Diverging stacked bars: disagreement to the left of zero, agreement to the right, neutral split."""
    with mpl.rc_context(STYLE):
        values = list(range(scale.minimum, scale.maximum + 1))
        colours = DIVERGING[len(values)]  # likert (5) and maturity (6) answers
        fig = Figure(figsize=(10, 0.55 * len(distribution) + 2), layout="constrained")
        ax = fig.subplots()
        middle = (len(values) - 1) / 2
        for row_number, (_, row) in enumerate(distribution.iterrows()):
            shares = row.loc[values].to_numpy(dtype=float)
            if row["suppressed"] or np.isnan(shares).any():
                ax.text(0, row_number, _suppressed_text(min_group_size), ha="center", va="center", fontsize=8)
                continue
            left = -sum(shares[i] for i in range(len(values)) if i < middle) - (
                shares[int(middle)] / 2 if middle.is_integer() else 0)
            for index, share in enumerate(shares):
                ax.barh(row_number, share * 100, left=left * 100, color=colours[index], edgecolor="white")
                left += share
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(distribution)))
        ax.set_yticklabels([_wrap(t, 60) for t in distribution["text"]], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(-100, 100)
        ax.set_xticks(range(-100, 101, 25))
        ax.set_xticklabels([f"{abs(t)}%" for t in range(-100, 101, 25)])
        ax.set_xlabel("Percentage respondenten")
        handles = [Patch(color=colours[i], label=scale.labels.get(v, str(v))) for i, v in enumerate(values)]
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(values), 3), frameon=False,
                   fontsize=8)
        fig.suptitle(_wrap(title, 80), fontweight="bold")
        return fig


def phase_over_time(phases: pd.DataFrame, instruments: list[Instrument]) -> Figure:
    """Phase reached per wave for each checklist instrument (0 = no phase largely met yet)."""
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(8, 4.5), layout="constrained")
        ax = fig.subplots()
        titles = {i.id: i.title for i in instruments}
        top = max([len(i.phases) for i in instruments if i.phases] or [4])
        grouped = list(phases.groupby("instrument", sort=True))
        for number, (colour, marker, (instrument_id, group)) in enumerate(zip(PALETTE, "osD^v", grouped)):
            group = group.sort_values("wave")
            offset = (number - (len(grouped) - 1) / 2) * 0.06  # keep equal phases of instruments visible
            ax.plot(group["wave"].astype(str).tolist(), group["phase"].astype(float) + offset, marker=marker,
                    linewidth=2, color=colour, label=_wrap(titles.get(instrument_id, instrument_id), 45))
        ax.set_ylim(-0.3, top + 0.3)
        ax.set_yticks(range(top + 1))
        ax.set_yticklabels(["Nog geen fase"] + [f"Fase {n}" for n in range(1, top + 1)])
        ax.set_xlabel("Meting")
        ax.set_title("Bereikte ontwikkelfase per meting")
        ax.margins(x=0.15)
        fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        return fig


def code_balance(counts: pd.DataFrame) -> Figure | None:
    """Barrier and facilitator segments per framework dimension, one panel per wave (all perspectives).

    Returns None when every wave is suppressed: an empty figure says nothing.
    """
    part = counts[(counts["perspective"] == "alle") & (counts["wave"] != "alle") & ~counts["suppressed"]]
    if part.empty:
        return None
    with mpl.rc_context(STYLE):
        dimensions = list(dict.fromkeys(part["dimension_label"]))
        waves = sorted(part["wave"].unique())
        fig = Figure(figsize=(4 + 3.2 * len(waves), 0.45 * len(dimensions) + 2), layout="constrained")
        axes = fig.subplots(1, len(waves), sharey=True, squeeze=False)[0]
        colours = {"barrier": PALETTE[5], "facilitator": PALETTE[0]}
        for ax, wave in zip(axes, waves):
            sums = part[part["wave"] == wave].pivot_table(index="dimension_label", columns="type", values="segments",
                                                          aggfunc="sum").reindex(dimensions).fillna(0)
            positions = np.arange(len(dimensions))
            ax.barh(positions, -sums.get("barrier", 0), color=colours["barrier"], label="belemmerend")
            ax.barh(positions, sums.get("facilitator", 0), color=colours["facilitator"], label="bevorderend")
            ax.axvline(0, color="black", linewidth=0.8)
            ax.set_title(f"Meting {wave}")
            ax.set_xlabel("Aantal fragmenten")
            ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
            ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{abs(int(v))}"))
        axes[0].set_yticks(np.arange(len(dimensions)))
        axes[0].set_yticklabels([_wrap(d, 34) for d in dimensions])
        axes[0].invert_yaxis()
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False)
        fig.suptitle("Belemmerende en bevorderende factoren in de interviews", fontweight="bold")
        return fig
