"""Diagnostics that tell a steering group how far an estimate can be trusted, in plain Dutch.

Data sufficiency, placebo start dates, leave-one-out over treated units, an alternative control group, and
flags for a definition break and for an indicator the initiative steers itself (a budget effect).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from evaluatie.outcome import _panel
from evaluatie.outcome.design import restrict_to_controls
from evaluatie.outcome.results import EffectResult
from evaluatie.outcome.twfe import estimate_twfe


def check_data(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated: str,
    min_pre: int = 3,
    min_post: int = 2,
    min_treated: int = 2,
    min_controls: int = 5,
    max_missing: float = 0.1,
) -> tuple[str, ...]:
    """Warnings (Dutch) when the data are thin: few pre or post periods, few units, many missing values.

    The defaults follow the advice to observe often and long enough (Michgelsen 2023, DOMAIN.md section 3).
    """
    _panel.require_columns(df, {outcome: "uitkomstmaat", unit: "eenheid", time: "periode", treated: "behandeld"})
    out: list[str] = []
    d = df[treated].fillna(0) != 0
    treated_units = df.loc[d, unit].unique()
    if len(treated_units) == 0:
        return ("Er zijn geen behandelde eenheden in de data.",)
    first = df.loc[d].groupby(unit)[time].min()
    periods = np.sort(df[time].unique())
    n_pre = int((periods < first.min()).sum())
    n_post = int((periods >= first.max()).sum())
    if n_pre < min_pre:
        out.append(f"Er zijn maar {n_pre} perioden vóór de start (advies: minstens {min_pre}); of de trends "
                   "vooraf gelijk liepen, is dan nauwelijks te toetsen.")
    if n_post < min_post:
        out.append(f"Er zijn maar {n_post} perioden na de start (advies: minstens {min_post}); effecten die later "
                   "komen, zoals van preventie, zijn dan nog niet te zien.")
    n_ctrl = df[unit].nunique() - len(treated_units)
    if len(treated_units) < min_treated:
        out.append(f"Er {'is' if len(treated_units) == 1 else 'zijn'} maar {len(treated_units)} behandelde "
                   "eenheid/eenheden: het effect is niet te scheiden van toevallige gebeurtenissen in die eenheid.")
    if n_ctrl < min_controls:
        out.append(f"Er zijn maar {n_ctrl} controle-eenheden (advies: minstens {min_controls}).")
    missing = df[outcome].isna().mean() if len(df) else 1.0
    expected = df[unit].nunique() * len(periods)
    gaps = 1 - len(df) / expected if expected else 0.0
    if missing + gaps > max_missing:
        out.append(f"{missing + gaps:.0%} van de waarnemingen (eenheid x periode) ontbreekt; ontbrekende waarden "
                   "kunnen het beeld vertekenen als ze niet toevallig zijn.")
    return tuple(out)


def minimum_detectable_effect(result, power: float = 0.8) -> float:
    """Smallest true effect the design detects with probability ``power`` at the result's alpha (two-sided).

    (z_{1-alpha/2} + z_{power}) * se: reading a non-significant result, an effect smaller than this was
    never likely to show up, so "no effect found" is not "no effect".
    """
    if not 0 < power < 1:
        raise ValueError(f"power moet tussen 0 en 1 liggen, niet {power}.")
    return float((stats.norm.ppf(1 - result.alpha / 2) + stats.norm.ppf(power)) * result.se)


def placebo_start(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated: str,
    shift: int = 2,
    **twfe_kwargs,
) -> EffectResult:
    """Pretend the initiative started ``shift`` periods earlier, using pre-period data only.

    A clear 'effect' here points to diverging trends or anticipation rather than to the initiative.
    """
    _panel.require_columns(df, {unit: "eenheid", time: "periode", treated: "behandeld"})
    if shift < 1:
        raise ValueError(f"shift moet minstens 1 periode zijn, niet {shift}.")
    periods = np.sort(df[time].unique())
    pos = pd.Series(np.arange(len(periods)), index=periods)
    d = df[treated].fillna(0) != 0
    start = df.loc[d].groupby(unit)[time].min()
    if start.empty:
        raise ValueError(f"Geen behandelde eenheden in kolom '{treated}'.")
    start_pos = df[unit].map(pos.loc[start].set_axis(start.index)).to_numpy()
    t_pos = pos.loc[df[time]].to_numpy()
    is_treated = ~np.isnan(start_pos)
    before = np.where(is_treated, t_pos < start_pos, t_pos < np.nanmax(start_pos))
    data = df.loc[before].copy()
    data[treated] = (is_treated[before] & (t_pos[before] >= start_pos[before] - shift)).astype(int)
    if not data[treated].any():
        raise ValueError(f"Te weinig voorperioden voor een placebo-start {shift} perioden eerder.")
    r = estimate_twfe(data, outcome=outcome, unit=unit, time=time, treated=treated, **twfe_kwargs)
    verdict = ("Het placebo-effect is duidelijk (p < 0,05): vóór de echte start liepen de groepen al uiteen. "
               "Het geschatte effect is daardoor twijfelachtig.") if r.p_value < 0.05 else (
               "Het placebo-effect is niet duidelijk (p ≥ 0,05): geen aanwijzing dat de groepen vóór de start "
               "uiteenliepen.")
    return replace(r, method=f"placebo_start_{shift}", label="placebo", warnings=(*r.warnings, verdict))


def leave_one_out(
    df: pd.DataFrame, outcome: str, unit: str, time: str, treated: str, **twfe_kwargs
) -> pd.DataFrame:
    """Re-estimate without each treated unit in turn: does one unit carry the whole effect?"""
    d = df[treated].fillna(0) != 0
    treated_units = df.loc[d, unit].unique()
    if len(treated_units) < 2:
        raise ValueError("Weglaten van één eenheid vraagt minstens twee behandelde eenheden.")
    rows = []
    for u in treated_units:
        r = estimate_twfe(df[df[unit] != u], outcome=outcome, unit=unit, time=time, treated=treated, **twfe_kwargs)
        rows.append({"left_out": u, "estimate": r.estimate, "se": r.se, "ci_low": r.ci_low, "ci_high": r.ci_high,
                     "p_value": r.p_value})
    return pd.DataFrame(rows)


def alternative_controls(
    df: pd.DataFrame, outcome: str, unit: str, time: str, treated: str, controls: Sequence, **twfe_kwargs
) -> EffectResult:
    """The same TWFE estimate against another control group (for example matched controls)."""
    d = df[treated].fillna(0) != 0
    treated_units = df.loc[d, unit].unique().tolist()
    data = restrict_to_controls(df, unit, treated_units, list(controls))
    r = estimate_twfe(data, outcome=outcome, unit=unit, time=time, treated=treated, **twfe_kwargs)
    return replace(r, method=f"{r.method}_alternative_controls")


def flag_indicator(
    result,
    periods: tuple | None = None,
    break_periods: Sequence = (),
    self_steered: bool = False,
):
    """Attach indicator caveats to any result with ``warnings`` (and ``label``) fields.

    A definition break between the first and last period analysed (e.g. the 2015 decentralisation) makes
    before and after incomparable. An indicator the initiative steers itself (a fixed budget) measures the
    budget agreement: the result is then labelled a budget effect, not an effect of the collaboration.
    """
    warnings = list(result.warnings)
    changes: dict = {}
    if periods is not None:
        lo, hi = periods
        inside = [b for b in break_periods if lo < b <= hi]
        if inside:
            warnings.append(
                f"Definitiebreuk in {', '.join(map(str, inside))}: de indicator is vóór en na die periode niet "
                "op dezelfde manier gemeten. Een verschil kan door de nieuwe definitie komen, niet door de aanpak."
            )
    if self_steered:
        warnings.append(
            "Deze indicator wordt door de samenwerking zelf gestuurd (bijvoorbeeld een vast budget). De uitkomst is "
            "een budgeteffect van die afspraak, geen effect van de samenwerking op zorg of gezondheid."
        )
        if hasattr(result, "label"):
            changes["label"] = "budgeteffect"
    return replace(result, warnings=tuple(warnings), **changes)
