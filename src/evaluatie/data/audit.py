"""The data audit of one initiative, before any analysis: can these data carry the evaluation?

It counts what is there (units x periods x indicators), what is missing or suppressed, and looks
for what would bias or break a difference-in-differences: treated units without data before or
after their start, no control units, duplicate rows, missing or zero denominators, outliers and
jumps (a jump in a break year of the catalogue is expected and shown as such). The result reads
as a table in the terminal (``evaluatie.report.audit`` lays it out as a page); ``ok`` is False when an error-level
finding means the analysis should not run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from evaluatie.periods import first_treated_period, format_period, parse_period
from evaluatie.formats import number

if TYPE_CHECKING:
    from evaluatie.params import Catalogue

Level = Literal["fout", "waarschuwing", "info"]
OUTLIER_Z = 5.0  # robust z-score (median / MAD) across units in one period
JUMP_Z = 6.0  # robust z-score of a period-on-period change, across all units and periods
JUMP_MIN_RELATIVE = 0.2  # and at least 20% of the previous value, so tiny series do not flag
MIN_PRE_PERIODS = 2
# With fewer treated units than this the analysis uses randomisation inference (the same rule as
# evaluatie.outcome.inference.AUTO_MIN_TREATED; a test keeps them equal), whose smallest p-value is
# 1 / (number of ways to choose the treated units among all units).
RANDOMISATION_BELOW = 10


@dataclass(frozen=True)
class Finding:
    level: Level
    indicator: str
    check: str
    message: str


@dataclass(frozen=True)
class Audit:
    """Coverage per indicator, measurements of each treated unit, and the findings.

    ``ok`` is True when no finding is an error.
    """

    title: str
    coverage: pd.DataFrame
    treated: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.level == "fout" for f in self.findings)

    def to_frame(self) -> pd.DataFrame:
        """The findings, errors first."""
        order = {"fout": 0, "waarschuwing": 1, "info": 2}
        findings = sorted(self.findings, key=lambda f: order[f.level])
        return pd.DataFrame([f.__dict__ for f in findings], columns=["level", "indicator", "check", "message"])

    def verdict(self) -> str:
        errors = sum(f.level == "fout" for f in self.findings)
        warnings = sum(f.level == "waarschuwing" for f in self.findings)
        counted = (f"{errors} {'fout' if errors == 1 else 'fouten'}",
                   f"{warnings or 'geen'} {'waarschuwing' if warnings == 1 else 'waarschuwingen'}")
        if errors:
            return f"De data zijn niet geschikt voor de analyse: {counted[0]}, {counted[1]}."
        return f"De data kunnen de analyse dragen ({counted[1]})."

    def to_text(self) -> str:
        """Plain table for the terminal."""
        lines = [self.title, "=" * len(self.title), "", "Dekking per indicator"]
        lines += _text_table(self._coverage_display())
        lines += ["", "Behandelde eenheden: metingen vóór / vanaf de start"]
        lines += _text_table(self._treated_display())
        lines += ["", "Bevindingen"]
        if self.findings:
            lines += _text_table(self.to_frame().rename(columns=_FINDING_HEADERS))
        else:
            lines.append("  geen")
        lines += ["", self.verdict()]
        return "\n".join(lines)

    def _treated_display(self) -> pd.DataFrame:
        """One row per treated unit, one column per indicator: 'before / from the start'."""
        if self.treated.empty:
            return pd.DataFrame(columns=["eenheid", "naam"])
        partly = [re.search(r"\((\d{4}) deels", str(start)) for start in self.treated.start]
        cells = self.treated.assign(metingen=[f"{before} / {after}" + (f" ({year.group(1)} deels)" if year else "")
                                              for before, after, year in zip(self.treated.voor,
                                                                             self.treated["vanaf start"], partly)])
        table = cells.pivot(index=["eenheid", "naam"], columns="indicator", values="metingen")
        return table[list(dict.fromkeys(cells.indicator))].reset_index().rename_axis(columns=None)

    def _coverage_display(self) -> pd.DataFrame:
        table = self.coverage.copy()
        table["dekking"] = table["dekking"].map(lambda v: number(100 * v, 1) + "%")
        return table


_FINDING_HEADERS = {"level": "niveau", "indicator": "indicator", "check": "controle", "message": "bevinding"}


def _text_table(frame: pd.DataFrame) -> list[str]:
    cells = [[str(c) for c in frame.columns]] + [[str(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    out = ["  " + "  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    out.insert(1, "  " + "  ".join("-" * w for w in widths))
    return out


def _gaps(present: Iterable[str]) -> list[str]:
    """Periods between the first and the last one present that no unit has (e.g. a survey every 4 years)."""
    parsed = sorted({parse_period(p) for p in present})
    if not parsed:
        return []
    every = pd.period_range(parsed[0], parsed[-1], freq=parsed[0].freq)
    return [format_period(p) for p in every if p not in set(parsed)]


def _list(items: Iterable[str], limit: int = 8) -> str:
    items = list(items)
    more = f" en {len(items) - limit} meer" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def audit_panel(
    units: pd.DataFrame,
    panel: pd.DataFrame,
    catalogue: Catalogue,
    treated_units: Mapping[str, str | int] | Iterable[str],
    indicators: Iterable[str],
    periods: Mapping[str, list[str]] | None = None,
    *,
    control_units: Iterable[str] | None = None,
    title: str = "Data-audit",
) -> Audit:
    """Audit the panel for one initiative.

    ``treated_units`` maps each treated unit to its start period (a year or quarter), or lists
    them when starts are unknown; ``control_units`` defaults to every other unit of ``units``.
    ``periods`` gives the expected periods per indicator; by default the periods in which any unit
    has a row for that indicator (a period nobody measured is reported, not counted as missing).
    """
    starts = dict(treated_units) if isinstance(treated_units, Mapping) else dict.fromkeys(treated_units)
    treated = list(starts)
    controls = list(control_units) if control_units is not None else [u for u in units.unit_id if u not in starts]
    findings: list[Finding] = []
    if "suppressed" not in panel.columns:
        panel = panel.assign(suppressed=False)
    known_units = set(units.unit_id)
    strangers = sorted(set(panel.unit_id) - known_units)
    if strangers:
        findings.append(Finding("waarschuwing", "", "onbekende eenheden",
                                f"{len(strangers)} eenheid/eenheden in de panel die niet in de eenhedentabel staan "
                                f"(genegeerd): {_list(strangers)}"))
    lost = sorted(set(treated) - known_units)
    if lost:
        findings.append(Finding("fout", "", "behandelde eenheden",
                                f"behandelde eenheid/eenheden niet in de eenhedentabel: {_list(lost)}"))
    rows, measured = [], []
    names = dict(zip(units.unit_id, units["name"])) if "name" in units.columns else {}
    for indicator in indicators:
        meta = catalogue.indicators.get(indicator)
        if meta is None:
            findings.append(Finding("fout", indicator, "catalogus", "indicator staat niet in de catalogus"))
            continue
        data = panel[(panel.indicator == indicator) & panel.unit_id.isin(treated + controls)]
        if periods and indicator in periods:
            expected_periods = [format_period(parse_period(p)) for p in periods[indicator]]
        else:
            expected_periods = sorted(set(data.period), key=parse_period)
            gaps = _gaps(data.period)
            if gaps:
                findings.append(Finding("info", indicator, "perioden zonder meting",
                                        f"geen enkele eenheid heeft gegevens in {_list(gaps)}"))
        rows.append(_coverage_row(indicator, meta.label, data, treated + controls, expected_periods))
        if data.empty:
            findings.append(Finding("fout", indicator, "dekking", "geen gegevens voor behandelde of controle-eenheden"))
            continue
        findings += _duplicates(indicator, data)
        data = data.drop_duplicates(["unit_id", "period"])
        treated_findings, counts = _treated(indicator, data, starts, meta.frequency)
        findings += treated_findings
        measured += [dict(eenheid=u, naam=names.get(u, ""), indicator=indicator, **c) for u, c in counts.items()]
        findings += _controls(indicator, data, controls)
        findings += _randomisation(indicator, data, set(treated))
        findings += _denominators(indicator, data)
        findings += _outliers(indicator, data)
        findings += _jumps(indicator, data, meta.breaks)
        years = {int(p[:4]) for p in expected_periods}
        in_range = [b for b in meta.breaks if years and min(years) <= b <= max(years)]
        if in_range:
            note = f" ({meta.break_note})" if meta.break_note else ""
            findings.append(Finding("info", indicator, "definitiebreuk",
                                    f"definitiebreuk in {', '.join(map(str, in_range))}: een sprong in dat jaar "
                                    f"is verwacht en geen effect{note}"))
    coverage = pd.DataFrame(rows, columns=["indicator", "omschrijving", "perioden", "eenheden", "verwacht", "aanwezig",
                                           "onderdrukt", "ontbreekt", "dekking"])
    treated_table = pd.DataFrame(measured, columns=["eenheid", "naam", "indicator", "start", "voor", "vanaf start"])
    return Audit(title, coverage, treated_table, findings)


def _coverage_row(indicator: str, label: str, data: pd.DataFrame, units: list[str], periods: list[str]) -> dict:
    cells = data[data.period.isin(periods)].drop_duplicates(["unit_id", "period"])
    present = int(cells.value.notna().sum())
    suppressed = int((cells.value.isna() & cells.suppressed).sum())
    expected = len(units) * len(periods)
    return {"indicator": indicator, "omschrijving": label,
            "perioden": f"{periods[0]}-{periods[-1]} ({len(periods)})" if periods else "-", "eenheden": len(units),
            "verwacht": expected, "aanwezig": present, "onderdrukt": suppressed,
            "ontbreekt": expected - present - suppressed, "dekking": present / expected if expected else 0.0}


def _duplicates(indicator: str, data: pd.DataFrame) -> list[Finding]:
    twice = data[data.duplicated(["unit_id", "period"], keep=False)]
    if twice.empty:
        return []
    pairs = sorted({f"{u} {p}" for u, p in zip(twice.unit_id, twice.period)})
    return [Finding("fout", indicator, "dubbele rijen", f"{len(pairs)} eenheid-periode(s) komen meer dan eens voor: "
                                                       f"{_list(pairs)}")]


def _treated(indicator: str, data: pd.DataFrame, starts: dict, frequency: str) -> tuple[list[Finding], dict]:
    """Treated units without data, or without a measurement before or after their start, and
    the number of measurements before and from the start per unit.

    Such units drop out of the estimate: a warning while others remain, an error when none do.
    """
    observed = data[data.value.notna()]
    problems: dict[str, list[str]] = {"zonder gegevens": [], "zonder meting vóór de start": [],
                                      "zonder meting vanaf de start": []}
    few_pre, counts = [], {}
    for unit, start in starts.items():
        seen = [parse_period(p) for p in observed.period[observed.unit_id == unit]]
        begins = parse_period(start) if start is not None else None
        first = first_treated_period(begins, frequency) if begins is not None else None
        # a yearly series with a start in Q3 or Q4: that year is partly treated, neither before nor from the start
        partial = (pd.Period(year=begins.year, freq="Y")
                   if first is not None and first.freqstr.startswith("Y") and first.year > begins.year else None)
        pre = sum(p < (partial or first) for p in seen) if first is not None else None
        shown_start = "–" if first is None else (f"{format_period(begins)} ({partial.year} deels met initiatief)"
                                                 if partial is not None else format_period(first))
        counts[unit] = {"start": shown_start, "voor": "–" if pre is None else pre,
                        "vanaf start": "–" if pre is None else sum(p >= first for p in seen)}
        if not seen:
            problems["zonder gegevens"].append(unit)
            continue
        if start is None:
            continue
        if pre == 0:
            problems["zonder meting vóór de start"].append(unit)
        elif pre < MIN_PRE_PERIODS:
            few_pre.append(unit)
        if not any(p >= first for p in seen):
            problems["zonder meting vanaf de start"].append(unit)
    unusable = {u for units in problems.values() for u in units}
    level = "fout" if unusable and unusable == set(starts) else "waarschuwing"
    findings = [Finding(level, indicator, "behandelde eenheden", f"{what}: {_list(units)}")
                for what, units in problems.items() if units]
    if few_pre:
        findings.append(Finding("waarschuwing", indicator, "korte voorperiode",
                                f"minder dan {MIN_PRE_PERIODS} metingen vóór de start (parallelle trends niet te "
                                f"toetsen): {_list(few_pre)}"))
    return findings, counts


def _controls(indicator: str, data: pd.DataFrame, controls: list[str]) -> list[Finding]:
    with_data = set(data.loc[data.value.notna(), "unit_id"]) & set(controls)
    if not with_data:
        return [Finding("fout", indicator, "controlegroep", "geen controle-eenheid heeft gegevens")]
    return []


def _randomisation(indicator: str, data: pd.DataFrame, treated: set[str]) -> list[Finding]:
    """Too few units for randomisation inference to ever reach p < 0.05."""
    units = set(data.loc[data.value.notna(), "unit_id"])
    k = len(units & treated)
    if not 0 < k < RANDOMISATION_BELOW:
        return []
    assignments = math.comb(len(units), k)
    if assignments >= 20:
        return []
    return [Finding("waarschuwing", indicator, "te weinig eenheden",
                    f"met {len(units)} eenheden en {k} behandelde is de kleinste mogelijke p-waarde 1/{assignments} = "
                    f"{number(1 / assignments, 3)}: een effect is zo niet aan te tonen; neem meer "
                    f"controle-eenheden op")]


def _denominators(indicator: str, data: pd.DataFrame) -> list[Finding]:
    findings = []
    valued = data[data.value.notna()]
    missing = valued[valued.denominator.isna()]
    if not missing.empty:
        cells = sorted({f"{u} {p}" for u, p in zip(missing.unit_id, missing.period)})
        findings.append(Finding("waarschuwing", indicator, "noemer ontbreekt",
                                f"{len(missing)} cel(len) zonder noemer (geen weging en geen samenvoeging bij "
                                f"herindeling mogelijk): {_list(cells)}"))
    zero = valued[valued.denominator <= 0]
    if not zero.empty:
        findings.append(Finding("fout", indicator, "noemer nul of negatief",
                                _list(sorted({f"{u} {p}" for u, p in zip(zero.unit_id, zero.period)}))))
    return findings


def _robust_z(values: pd.Series) -> pd.Series:
    median = values.median()
    mad = 1.4826 * (values - median).abs().median()
    if not mad > 0:
        return pd.Series(0.0, index=values.index)
    return (values - median) / mad


def _outliers(indicator: str, data: pd.DataFrame) -> list[Finding]:
    valued = data[data.value.notna()]
    z = valued.groupby("period").value.transform(lambda v: _robust_z(v) if len(v) >= 5 else v * 0)
    flagged = valued[z.abs() > OUTLIER_Z]
    if flagged.empty:
        return []
    listed = [f"{u} {p} ({number(v, 1)})" for u, p, v in zip(flagged.unit_id, flagged.period, flagged.value)]
    return [Finding("waarschuwing", indicator, "uitschieters",
                    f"{len(listed)} waarde(n) wijken sterk af van de andere eenheden in dezelfde periode: "
                    f"{_list(listed)}")]


def _jumps(indicator: str, data: pd.DataFrame, breaks: list[int]) -> list[Finding]:
    series = data[data.value.notna()].assign(key=data.period.map(parse_period)).sort_values(["unit_id", "key"])
    previous = series.groupby("unit_id").value.shift()
    change = series.value - previous
    valid = change.notna()
    if valid.sum() < 5:
        return []
    z = _robust_z(change[valid])
    relative = (change[valid].abs() / previous[valid].abs().replace(0, np.nan)).fillna(np.inf)
    jumps = series[valid][(z.abs() > JUMP_Z) & (relative > JUMP_MIN_RELATIVE)]
    in_break = jumps.period.str[:4].astype(int).isin(breaks)
    findings = []
    for expected, subset in ((False, jumps[~in_break]), (True, jumps[in_break])):
        if subset.empty:
            continue
        listed = [f"{u} {p}" for u, p in zip(subset.unit_id, subset.period)]
        if expected:
            findings.append(Finding("info", indicator, "sprong in breukjaar",
                                    f"{len(listed)} sprong(en) in een jaar met een definitiebreuk: {_list(listed)}"))
        else:
            findings.append(Finding("waarschuwing", indicator, "sprongen",
                                    f"{len(listed)} ongewone sprong(en) ten opzichte van de vorige periode: "
                                    f"{_list(listed)}"))
    return findings


def audit_study(study) -> Audit:
    """The audit of a loaded :class:`~evaluatie.data.study.Study`, as ``evaluatie check`` runs it.

    What the readers left out or assumed (a rest category, empty rows of dissolved municipalities,
    the boundary year, a split municipality) is listed with the findings as 'bron'.
    """
    audit = audit_panel(
        study.units, study.panel, study.catalogue,
        {u.unit: u.start for u in study.params.treatment.units},
        [choice.id for choice in study.params.indicator_choices()],
        control_units=study.control_units,
        title=f"Data-audit {study.params.name}",
    )
    notes = [Finding("waarschuwing" if note.warning else "info", "", "bron", note.text) for note in study.source_notes]
    return Audit(audit.title, audit.coverage, audit.treated, notes + audit.findings)
