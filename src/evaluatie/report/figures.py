"""Figures in one house style: colour-blind-safe (Okabe-Ito), Dutch labels, no chart junk."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from evaluatie.params import Indicator  # noqa: E402
from evaluatie.periods import parse_period  # noqa: E402
from evaluatie.formats import number  # noqa: E402

TREATED_COLOUR = "#0072B2"
CONTROL_COLOUR = "#E69F00"
NEUTRAL_COLOUR = "#555555"


def house_style() -> None:
    """Apply the house style to every figure that follows."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=0.95)
    plt.rcParams.update({
        "figure.figsize": (7.5, 3.6), "figure.dpi": 110, "axes.spines.top": False,
        "axes.spines.right": False, "axes.titleweight": "bold", "axes.titlesize": 11,
        "axes.formatter.use_locale": False,
    })


def _dutch_ticks(axis) -> None:
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, 0 if abs(v) >= 100 else 1)))


def trend_figure(frame: pd.DataFrame, indicator: Indicator, group_label: str = "deelnemende gemeenten") -> plt.Figure:
    """Weighted mean of treated and control units per period, with the start(s) marked."""
    house_style()
    frame = frame.assign(position=frame.period.map(_position), weighted=frame.value * frame.weight)
    means = (frame.groupby(["group", "position"])[["weighted", "weight"]].sum()
             .assign(mean=lambda d: d.weighted / d.weight).reset_index())
    fig, ax = plt.subplots()
    for group, colour, label, style in [(1, TREATED_COLOUR, group_label, "-"), (0, CONTROL_COLOUR, "vergelijkingsgemeenten", "--")]:
        part = means[means.group == group]
        ax.plot(part.position, part["mean"], style, marker="o", markersize=3, color=colour, label=label)
    starts = sorted(frame.loc[frame.cohort > 0].groupby("unit_id").first_period.first().map(_position).unique())
    for i, start in enumerate(starts):
        ax.axvline(start - 0.5 / _per_year(frame), color=NEUTRAL_COLOUR, linestyle=":", linewidth=1.2,
                   label="start initiatief" if i == 0 else None)
    for year in indicator.breaks:
        ax.axvline(year - 0.5 / _per_year(frame), color="#CC79A7", linestyle="-.", linewidth=1,
                   label=f"definitiewijziging {year}")
    ax.set_title(indicator.label)
    ax.set_ylabel(axis_label(indicator))
    ax.set_xlabel("")
    _dutch_ticks(ax.yaxis)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def axis_label(indicator: Indicator) -> str:
    """'per 1.000 inwoners', 'euro per verzekerde', '%', 'weken'."""
    return {"aantal": f"per {indicator.per}", "euro": f"euro per {indicator.per}", "procent": "%",
            "procentpunt": "procentpunt"}.get(indicator.unit, indicator.unit)


def _position(period: str) -> float:
    p = parse_period(period)
    return p.year + ((p.quarter - 1) / 4 if p.freqstr.startswith("Q") else 0.0)


def _per_year(frame: pd.DataFrame) -> int:
    return 4 if frame.period.astype(str).str.contains("Q").any() else 1


def effects_figure(rows: pd.DataFrame) -> plt.Figure:
    """Forest plot: effect relative to the counterfactual level (%) with its interval per indicator."""
    house_style()
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.5 * len(rows)))
    y = np.arange(len(rows))[::-1]
    ax.errorbar(rows.relative, y, xerr=[rows.relative - rows.relative_low, rows.relative_high - rows.relative],
                fmt="o", color=TREATED_COLOUR, ecolor=TREATED_COLOUR, capsize=3)
    ax.axvline(0, color=NEUTRAL_COLOUR, linewidth=1)
    ax.set_yticks(y, [textwrap.fill(label, 38) for label in rows.label], fontsize=8)
    ax.set_xlabel("verschil ten opzichte van de verwachte waarde zonder initiatief (%)")
    _dutch_ticks(ax.xaxis)
    fig.tight_layout()
    return fig


def event_study_figure(table: pd.DataFrame, indicator: Indicator, step: str = "periode") -> plt.Figure:
    """Effect per period relative to the start, with intervals; before the start should hover around zero."""
    house_style()
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    data = table.dropna(subset=["estimate"])
    before = data.event_time < 0
    for mask, colour, label in [(before, NEUTRAL_COLOUR, "voor de start"), (~before, TREATED_COLOUR, "na de start")]:
        part = data[mask]
        lower = (part.estimate - part.ci_low).fillna(0)
        upper = (part.ci_high - part.estimate).fillna(0)
        ax.errorbar(part.event_time, part.estimate, yerr=[lower, upper], fmt="o", color=colour, ecolor=colour,
                    capsize=2, markersize=4, label=label)
    ax.axhline(0, color=NEUTRAL_COLOUR, linewidth=1)
    ax.axvline(-0.5, color=NEUTRAL_COLOUR, linestyle=":", linewidth=1.2)
    plural = {"jaar": "jaren", "kwartaal": "kwartalen", "meting": "metingen"}.get(step, "perioden")
    ax.set_xlabel(f"{plural} ten opzichte van de start")
    ax.set_ylabel(f"verschil ({axis_label(indicator)})")
    ax.set_title(indicator.label)
    _dutch_ticks(ax.yaxis)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
