"""Every figure of the reports in one house style, as vector SVG with alt text that states the data.

Figures are built on ``matplotlib.figure.Figure`` without pyplot, so importing the package forces no
backend (inline figures keep working in JupyterLab) and batch runs need no display. The style:
Okabe-Ito colours (colour-blind-safe), dark text (contrast at least 4.5:1 on white), 11 pt text on a
4.8 inch wide figure, so that chart text stays at least 11 px when a phone (390 px) shows the figure
at the width of its screen. Text stays text in the SVG (sharp in print, small files).

Each function returns a :class:`Chart`: the SVG, its alt text, caption and source line. The alt text
is written from the same numbers the figure draws.
"""

from __future__ import annotations

import base64
import io
import math
import re
import textwrap
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from markupsafe import Markup, escape
from matplotlib.figure import Figure

from evaluatie.memo import remembered
from evaluatie.formats import join_words, number, side_kept, signed
from evaluatie.periods import parse_period
from evaluatie.report.text import effect_label, lower_first

WIDTH = 4.8  # inches; see the module docstring
FONT_SIZE = 11
TREATED = "#0072B2"  # Okabe-Ito blue
CONTROL = "#B35900"  # Okabe-Ito orange, darkened to 4.6:1 on white
NEUTRAL = "#4D4D4D"
PINK = "#A8437E"  # Okabe-Ito reddish purple, darkened
PALETTE = [TREATED, CONTROL, "#007A5A", PINK, "#000000"]
STYLE = {
    "font.size": FONT_SIZE, "axes.titlesize": FONT_SIZE, "axes.labelsize": FONT_SIZE, "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE, "legend.fontsize": FONT_SIZE, "figure.titlesize": FONT_SIZE,
    "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "text.color": "#1A1A1A", "axes.labelcolor": "#1A1A1A", "xtick.color": "#1A1A1A", "ytick.color": "#1A1A1A",
    "axes.edgecolor": NEUTRAL, "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.color": "#E3E3E3", "grid.linewidth": 0.8, "axes.axisbelow": True, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "legend.frameon": False, "svg.fonttype": "none", "svg.hashsalt": "evaluatie",
    "axes.formatter.use_locale": False,
    "text.parse_math": False,  # names and labels are the evaluator's own text: '$' is a dollar, not mathematics
}


@dataclass(frozen=True)
class Chart:
    """A figure as SVG, with what a reader needs beside it."""

    svg: str
    alt: str
    caption: str
    source: str
    width: float  # CSS px at natural size
    height: float

    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")

    def _repr_html_(self) -> str:
        return str(chart_html(self))


def chart_html(chart: Chart) -> Markup:
    """A numbered figure (the stylesheet numbers them: 'Figuur 3') with caption and source line."""
    return Markup(
        f'<figure class="chart"><img src="{chart.data_uri()}" alt="{escape(chart.alt)}" '
        f'width="{chart.width:.0f}" height="{chart.height:.0f}">'
        f'<figcaption><span class="caption">{escape(chart.caption)}</span> '
        f'<span class="source">Bron: {escape(chart.source)}</span></figcaption></figure>')


def _svg(fig: Figure) -> tuple[str, float, float]:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})  # the full width, never wider
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    width, height = (float(v) * 4 / 3 for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', text).groups())
    return text, width, height


def _chart(fig: Figure, alt: str, caption: str, source: str) -> Chart:
    svg, width, height = _svg(fig)
    return Chart(svg, alt, caption, source, width, height)


def _figure(height: float, **kwargs) -> Figure:
    return Figure(figsize=(WIDTH, height), layout="constrained", **kwargs)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _dutch_ticks(axis, decimals: int | None = None) -> None:
    axis.set_major_formatter(mpl.ticker.FuncFormatter(
        lambda v, _: number(v, decimals if decimals is not None else (0 if abs(v) >= 100 or v == int(v) else 1))))


def _position(period: str) -> float:
    p = parse_period(period)
    return p.year + ((p.quarter - 1) / 4 if p.freqstr.startswith("Q") else 0.0)


def axis_label(unit: str, per: str) -> str:
    """'per 1.000 inwoners', 'euro per verzekerde', '%', 'weken'."""
    return {"aantal": f"per {per}", "euro": f"euro per {per}", "procent": "%",
            "procentpunt": "procentpunt"}.get(unit, unit)


def difference_label(unit: str, per: str) -> str:
    """The unit of a difference: a difference between two percentages is in procentpunt, not in %."""
    return "procentpunt" if unit == "procent" else axis_label(unit, per)


# --- outcome figures -----------------------------------------------------------------------------------------


def _with_unit(indicator) -> str:
    """The label with its unit in brackets, unless the label already ends with one ('Wachttijd (weken)')."""
    label = indicator.label
    return label if label.rstrip().endswith(")") else f"{label} ({axis_label(indicator.unit, indicator.per)})"


def _group_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Weighted mean per group (1 participating, 0 comparison) and period, in time order."""
    frame = frame.assign(position=frame.period.map(_position), weighted=frame.value * frame.weight)
    return (frame.groupby(["group", "position", "period"])[["weighted", "weight"]].sum()
            .assign(mean=lambda d: d.weighted / d.weight).reset_index().sort_values("position"))


def _trend_panel(ax, frame: pd.DataFrame, indicator, nbins: int) -> str:
    """Draw one indicator's two lines with its start(s) and definition breaks; return its alt-text part."""
    means = _group_means(frame)
    per_year = 4 if frame.period.astype(str).str.contains("Q").any() else 1
    starts = sorted({_position(p) for p in frame.loc[frame.group == 1, "first_period"].dropna()})
    for group, colour, label, style, marker in [(1, TREATED, "deelnemende gemeenten", "-", "o"),
                                                (0, CONTROL, "vergelijkingsgemeenten", "--", "s")]:
        part = means[means.group == group]
        ax.plot(part.position, part["mean"], style, marker=marker, markersize=3, color=colour, label=label)
    for i, start in enumerate(starts):
        ax.axvline(start - 0.5 / per_year, color=NEUTRAL, linestyle=":", linewidth=1.4,
                   label="start" if i == 0 else None)
    for year in indicator.breaks:
        ax.axvline(year - 0.5 / per_year, color=PINK, linestyle="-.", linewidth=1.2, label="definitie gewijzigd")
    _dutch_ticks(ax.yaxis)
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=4))
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True, nbins=nbins))
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:.0f}"))
    first, last = means.period.iloc[0], means.period.iloc[-1]

    def level(group: int, period: str) -> str:
        row = means[(means.group == group) & (means.period == period)]
        return number(row["mean"].iloc[0], 1) if len(row) else "geen meting"

    return (f"{_with_unit(indicator)}: deelnemende gemeenten {level(1, first)} "
            f"in {first} en {level(1, last)} in {last}, vergelijkingsgemeenten {level(0, first)} en {level(0, last)}")


@remembered
def trend_chart(frame: pd.DataFrame, indicator, source: str) -> Chart:
    """One indicator: weighted mean of participating and comparison municipalities per period, start marked."""
    with mpl.rc_context(STYLE):
        fig = _figure(2.4)
        ax = fig.subplots()
        part = _trend_panel(ax, frame, indicator, 5)
        ax.set_ylabel(axis_label(indicator.unit, indicator.per))
        fig.legend(loc="outside lower center", ncol=2, handlelength=1.8, columnspacing=1.0)
        return _chart(fig, f"Lijngrafiek. {part}. Een stippellijn markeert de start.",
                      f"{indicator.label}: deelnemende en vergelijkingsgemeenten (gewogen gemiddelde).", source)


@remembered
def trend_grid(panels: list[tuple[pd.DataFrame, object]], source: str) -> Chart:
    """Every indicator's trend as a small panel (two per row), with one legend for all."""
    columns = 1 if len(panels) == 1 else 2
    rows = math.ceil(len(panels) / columns)
    with mpl.rc_context(STYLE):
        fig = _figure(0.5 + 2.1 * rows)
        axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False).ravel())
        parts, handles = [], {}
        for ax, (frame, indicator) in zip(axes, panels):
            parts.append(_trend_panel(ax, frame, indicator, 3 if columns == 2 else 5))
            # bold 11 pt: about 19 characters fit above half of a 4.8 inch figure, 40 above all of it
            ax.set_title(_wrap(indicator.label, 19 if columns == 2 else 40), fontsize=FONT_SIZE, loc="left")
            for handle, label in zip(*ax.get_legend_handles_labels()):
                handles.setdefault(label, handle)
        for ax in axes[len(panels):]:
            ax.set_axis_off()
        fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=2, handlelength=1.8,
                   columnspacing=1.0)
        alt = ("Lijngrafieken per indicator van het gewogen gemiddelde in deelnemende en vergelijkingsgemeenten; een "
               "stippellijn markeert de start. " + "; ".join(parts) + ".")
        return _chart(fig, alt, "Verloop per indicator in deelnemende en vergelijkingsgemeenten (gewogen "
                                "gemiddelde; monitoring, geen bewijs).", source)


PERCENT_UNITS = ("procent", "procentpunt")


def relative_effects(records: list[dict]) -> tuple[pd.DataFrame, str]:
    """The effects the chart of shares can show, and caption sentences naming those it leaves out: indicators
    without an estimate to show, and those already in percent (a share of a percentage reads as a second,
    different change; the table has them). A budget effect is labelled as such beside real effects."""
    frame = pd.DataFrame(records)
    if frame.empty:
        return frame, ""
    missing = frame.relative.isna()
    percent = frame.unit.isin(PERCENT_UNITS) & ~missing
    # 'Naam initiatief: Indicator' (region pages) keeps its capital, a bare indicator label reads in lower case
    names = frame.label.map(lambda label: label if ": " in label else lower_first(label))
    frame = frame.assign(label=[effect_label(r) for r in records])
    note = "".join(f" Niet in de figuur, {why}: {join_words(list(names[which]))}."
                   for why, which in (("zonder schatting om te tonen", missing),
                                      ("want al in procenten (zie de tabel)", percent)) if which.any())
    return frame[~missing & ~percent], note


@remembered
def effects_chart(rows: pd.DataFrame, source: str, caption: str) -> Chart:
    """Effect in % of the expected level without the initiative, with its interval, per indicator."""
    labels = [_wrap(label, 30) for label in rows.label]
    lines = sum(label.count("\n") + 1 for label in labels)
    with mpl.rc_context(STYLE):
        fig = _figure(0.9 + 0.24 * lines + 0.12 * len(rows))
        ax = fig.subplots()
        y = np.arange(len(rows))[::-1]
        finite_low = rows.relative_low.where(np.isfinite(rows.relative_low), rows.relative)
        finite_high = rows.relative_high.where(np.isfinite(rows.relative_high), rows.relative)
        ax.errorbar(rows.relative, y, xerr=[rows.relative - finite_low, finite_high - rows.relative], fmt="o",
                    color=TREATED, ecolor=TREATED, capsize=3, markersize=5)
        ax.axvline(0, color=NEUTRAL, linewidth=1)
        ax.set_yticks(y, labels)
        ax.set_xlabel("verschil met verwachting\nzonder initiatief (%)")
        ax.grid(axis="y", visible=False)
        _dutch_ticks(ax.xaxis, 0)
        parts = [f"{label}: {signed(r.relative, 0)}% ("
                 + (f"marge {signed(r.relative_low, side_kept(r.relative_low, 0))} tot "
                    f"{signed(r.relative_high, side_kept(r.relative_high, 0))}%"
                    if np.isfinite(r.relative_low) and np.isfinite(r.relative_high) else "marge niet te begrenzen")
                 + ")" for label, r in zip(rows.label, rows.itertuples())]
        alt = ("Puntgrafiek van het effect per indicator in procenten van de verwachte waarde zonder initiatief, met "
               "de marge als lijn. " + "; ".join(parts) + ".")
        return _chart(fig, alt, caption, source)


@remembered
def event_time_chart(events, indicator, source: str, level: str) -> Chart:
    """Effect per period relative to the start; before the start the points should lie around zero."""
    data = events.table.dropna(subset=["estimate"])
    step_plural = {"jaar": "jaren", "kwartaal": "kwartalen", "meting": "metingen"}[events.step]
    with mpl.rc_context(STYLE):
        fig = _figure(2.8)
        ax = fig.subplots()
        groups = [(data.event_time < 0, NEUTRAL, "o", "voor de start"),
                  (data.event_time >= 0, TREATED, "o", "na de start")]
        if events.partial_start:
            groups = [(data.event_time < 0, NEUTRAL, "o", "voor de start"),
                      (data.event_time == 0, PINK, "D", "startjaar (deels)"),
                      (data.event_time > 0, TREATED, "o", "na de start")]
        for mask, colour, marker, label in groups:
            part = data[mask]
            if part.empty:
                continue
            if events.bands:
                yerr = [(part.estimate - part.ci_low).fillna(0), (part.ci_high - part.estimate).fillna(0)]
                ax.errorbar(part.event_time, part.estimate, yerr=yerr, fmt=marker, color=colour, ecolor=colour,
                            capsize=2, markersize=4, label=label)
            else:
                ax.plot(part.event_time, part.estimate, marker, color=colour, markersize=4.5, label=label)
        if events.reference == "fixed":
            ax.plot([events.reference_time], [0], "o", markerfacecolor="white", markeredgecolor=NEUTRAL,
                    markersize=6, label="vergelijkingspunt (verschil 0)")
        ax.axhline(0, color=NEUTRAL, linewidth=1)
        ax.axvline(-0.5, color=NEUTRAL, linestyle=":", linewidth=1.4)
        ax.set_xlabel(f"{step_plural} ten opzichte van de start")
        ax.set_ylabel(_wrap(f"verschil ({difference_label(indicator.unit, indicator.per)})", 22), fontsize=FONT_SIZE)
        _dutch_ticks(ax.yaxis)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True, nbins=8))
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: signed(v, 0) if v else "0"))
        fig.legend(loc="outside lower center", ncol=2, handlelength=1.2, columnspacing=1.0)
        points = "; ".join(f"{signed(r.event_time, 0) if r.event_time else '0'}: {signed(r.estimate)}"
                           for r in data.itertuples())
        alt = (f"Puntgrafiek van het verschil tussen deelnemende en vergelijkingsgemeenten voor "
               f"{lower_first(indicator.label)}, per {events.step} ten opzichte van de start"
               + (f", met {level}%-marges" if events.bands else ", zonder marges") + f". Waarden: {points}.")
        return _chart(fig, alt, "", source)


def sensitivity_chart(trends, indicator, step: str, level: str, source: str) -> Chart:
    """The average effect after the start with its margin when the trends may diverge after the start by a
    share of the largest divergence before it (Rambachan & Roth); where the margin reaches zero, the
    effect is no longer shown."""
    shares = np.array([100 * m for m, _, _ in trends.intervals])
    low = np.array([lo for _, lo, _ in trends.intervals])
    high = np.array([hi for _, _, hi in trends.intervals])
    finite = np.r_[low[np.isfinite(low)], high[np.isfinite(high)], 0.0, trends.estimate]
    span = finite.max() - finite.min() or 1.0
    bottom, top = finite.min() - 0.15 * span, finite.max() + 0.15 * span
    with mpl.rc_context(STYLE):
        fig = _figure(2.6)
        ax = fig.subplots()
        shown_low, shown_high = np.where(np.isfinite(low), low, bottom), np.where(np.isfinite(high), high, top)
        ax.vlines(shares, shown_low, shown_high, color=TREATED, linewidth=2.2)
        ax.plot(shares[~np.isfinite(low)], shown_low[~np.isfinite(low)], "v", color=TREATED, markersize=6)
        ax.plot(shares[~np.isfinite(high)], shown_high[~np.isfinite(high)], "^", color=TREATED, markersize=6)
        ax.axhline(0, color=NEUTRAL, linewidth=1)
        if 0 < trends.breakdown <= shares.max() / 100:
            ax.axvline(100 * trends.breakdown, color=CONTROL, linestyle="--", linewidth=1.4)
            ax.annotate("omslagpunt", (100 * trends.breakdown, top), xytext=(4, -2), textcoords="offset points",
                        va="top", color=CONTROL)
        ax.set_ylim(bottom, top)
        ax.set_xlim(-15, shares.max() + 15)
        ax.set_xticks(shares, [f"{number(v, 0)}%" for v in shares])
        ax.set_xlabel(_wrap(f"afwijking per {step} na de start, in % van de grootste voor de start", 40))
        ax.set_ylabel(_wrap(f"effect ({difference_label(indicator.unit, indicator.per)})", 22))
        _dutch_ticks(ax.yaxis)

        def end(value, side):
            return f"{side} open" if not np.isfinite(value) else signed(value)

        parts = [f"{number(v, 0)}%: {end(lo, 'naar beneden')} tot {end(hi, 'naar boven')}"
                 for v, lo, hi in zip(shares, low, high)]
        alt = (f"Lijnen met de {level}%-marge van het gemiddelde effect op {lower_first(_with_unit(indicator))} bij "
               "een toegestane afwijking van de gelijke trend na de "
               f"start, in procenten van de grootste afwijking per {step} voor de start. " + "; ".join(parts) + ".")
        return _chart(fig, alt, "", source)


# --- process figures -------------------------------------------------------------------------------------------


@remembered
def maturity_chart(scores: pd.DataFrame, instrument, source: str) -> Chart | None:
    """Mean score per dimension, one marker per wave (dot plot; clearer than a radar)."""
    part = scores[(scores["instrument"] == instrument.id) & scores["scale_type"].isin(["likert", "maturity"])]
    dimensions = [d for d in instrument.dimensions if d in set(part["dimension"])]
    if not dimensions:
        return None
    scale = instrument.dimension_scale(dimensions[0])
    waves = sorted(part["wave"].unique())
    labels = [_wrap(instrument.dimensions[d].label, 28) for d in dimensions]
    lines = sum(label.count("\n") + 1 for label in labels)
    with mpl.rc_context(STYLE):
        fig = _figure(1.0 + 0.22 * lines + 0.1 * len(dimensions))
        ax = fig.subplots()
        y = np.arange(len(dimensions))[::-1]
        described = []
        for colour, marker, wave in zip(PALETTE, "os^Dv", waves):
            means = part[part["wave"] == wave].set_index("dimension")["mean"].reindex(dimensions).astype(float)
            ax.plot(means.to_numpy(), y, marker, color=colour, markersize=6, label=f"meting {wave}")
            described.append(f"meting {wave}: " + ", ".join(
                f"{instrument.dimensions[d].label} {number(v, 1) if math.isfinite(v) else 'niet getoond'}"
                for d, v in means.items()))
        ax.set_yticks(y, labels)
        ax.set_xlim(scale.minimum - 0.2, scale.maximum + 0.2)
        ax.set_xticks(range(scale.minimum, scale.maximum + 1))
        ax.set_xlabel(f"gemiddelde score ({scale.minimum} tot {scale.maximum})")
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncol=len(waves))
        alt = (f"Puntgrafiek met de gemiddelde score per onderwerp van '{instrument.title}', één punt per meting. "
               + "; ".join(described) + ".")
        return _chart(fig, alt, f"Gemiddelde score per onderwerp: {instrument.title}.", source)


@remembered
def phase_chart(phases: pd.DataFrame, titles: dict, top: int, source: str) -> Chart | None:
    """Phase reached per wave for each checklist instrument (0 = no phase largely met yet)."""
    visible = phases[~phases["suppressed"]] if "suppressed" in phases else phases
    if visible.empty:
        return None
    with mpl.rc_context(STYLE):
        fig = _figure(2.9)
        ax = fig.subplots()
        grouped = list(visible.groupby("instrument", sort=True))
        described = []
        for number_, (colour, marker, (instrument_id, group)) in enumerate(zip(PALETTE, "osD^v", grouped)):
            group = group.sort_values("wave")
            offset = (number_ - (len(grouped) - 1) / 2) * 0.08  # keep equal phases of instruments visible
            ax.plot(group["wave"].astype(str).tolist(), group["phase"].astype(float) + offset, marker=marker,
                    linewidth=2, color=colour, label=_wrap(titles.get(instrument_id, instrument_id), 40))
            described.append(f"{titles.get(instrument_id, instrument_id)}: " + ", ".join(
                f"meting {w} fase {int(p)}" for w, p in zip(group["wave"], group["phase"])))
        ax.set_ylim(-0.3, top + 0.3)
        ax.set_yticks(range(top + 1), ["nog geen"] + [f"fase {n}" for n in range(1, top + 1)])
        ax.set_xlabel("meting")
        ax.margins(x=0.15)
        fig.legend(loc="outside lower center", ncol=1)
        alt = "Lijngrafiek met de bereikte fase van de samenwerking per meting. " + "; ".join(described) + "."
        return _chart(fig, alt, "Bereikte fase van de samenwerking per meting.", source)


@remembered
def code_chart(counts: pd.DataFrame, source: str) -> Chart | None:
    """Hindering and helping interview fragments per topic, all waves and perspectives together."""
    part = counts[(counts["perspective"] == "alle") & (counts["wave"] == "alle") & ~counts["suppressed"]]
    if part.empty or part["segments"].sum() == 0:
        return None
    sums = part.pivot_table(index="dimension_label", columns="type", values="segments", aggfunc="sum").fillna(0)
    sums = sums.reindex(list(dict.fromkeys(part["dimension_label"])))
    barrier = sums.get("barrier", pd.Series(0, index=sums.index))
    helping = sums.get("facilitator", pd.Series(0, index=sums.index))
    labels = [_wrap(d, 26) for d in sums.index]
    with mpl.rc_context(STYLE):
        fig = _figure(1.2 + 0.22 * sum(label.count("\n") + 1 for label in labels) + 0.1 * len(labels))
        ax = fig.subplots()
        y = np.arange(len(sums))
        ax.barh(y, -barrier, color=CONTROL, label="belemmerend")
        ax.barh(y, helping, color=TREATED, label="bevorderend")
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlabel("aantal fragmenten")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{abs(int(v))}"))
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncol=2)
        described = "; ".join(f"{d}: {int(b)} belemmerend, {int(h)} bevorderend"
                              for d, b, h in zip(sums.index, barrier, helping))
        alt = f"Staafdiagram met het aantal interviewfragmenten per onderwerp. {described}."
        return _chart(fig, alt, "Belemmerende en bevorderende factoren in de interviews.", source)

