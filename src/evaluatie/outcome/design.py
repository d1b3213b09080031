"""Control groups: explicit lists, all never-treated units, matching on the pre-period, synthetic control.

Matching addresses spurious association through population composition (DOMAIN.md section 3): controls are
chosen to resemble the treated units before the start, in covariates and in the level and trend of the
outcome, and a balance table shows how much closer they are after matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from evaluatie.outcome import _panel
from evaluatie.outcome._logit import fit_logit


def never_treated_units(df: pd.DataFrame, unit: str, treated: str) -> list:
    """Units whose treatment column is 0 in every period."""
    _panel.require_columns(df, {unit: "eenheid", treated: "behandeld"})
    ever = df.groupby(unit)[treated].apply(lambda s: bool((s.fillna(0) != 0).any()))
    return ever.index[~ever.to_numpy()].tolist()


def restrict_to_controls(df: pd.DataFrame, unit: str, treated_units: Sequence, controls: Sequence) -> pd.DataFrame:
    """Rows of the treated units and the chosen controls; refuses unknown or overlapping units."""
    _panel.require_columns(df, {unit: "eenheid"})
    known = set(df[unit].unique())
    missing = [u for u in [*treated_units, *controls] if u not in known]
    if missing:
        raise ValueError(f"Eenheden {missing[:10]} komen niet voor in kolom '{unit}'.")
    overlap = set(treated_units) & set(controls)
    if overlap:
        raise ValueError(f"Eenheden {sorted(overlap)[:10]} staan zowel bij de aanpak als bij de controles.")
    if not controls:
        raise ValueError("De lijst met controle-eenheden is leeg.")
    return df[df[unit].isin(set(treated_units) | set(controls))]


def pre_period_features(
    df: pd.DataFrame, unit: str, time: str, outcome: str, start, covariates: Sequence[str] = ()
) -> pd.DataFrame:
    """Per unit, before ``start``: mean of each covariate, outcome level (mean) and trend (slope per period)."""
    _panel.require_columns(df, {unit: "eenheid", time: "periode", outcome: "uitkomstmaat",
                                **{c: "achtergrondkenmerk" for c in covariates}})
    pre = df[df[time] < start].dropna(subset=[outcome])
    if pre[time].nunique() < 2:
        raise ValueError(f"Minstens twee perioden voor de start ({start}) nodig om niveau en trend te meten.")
    periods = np.sort(pre[time].unique())
    pos = pd.Series(np.arange(len(periods)), index=periods)
    pre = pre.assign(_k=pos.loc[pre[time]].to_numpy())
    grouped = pre.groupby(unit)
    feats = grouped[list(covariates)].mean() if covariates else pd.DataFrame(index=grouped.size().index)
    feats["niveau_uitkomst"] = grouped[outcome].mean()

    def slope(g: pd.DataFrame) -> float:
        k = g["_k"].to_numpy(float)
        return float(np.polyfit(k, g[outcome].to_numpy(float), 1)[0]) if len(np.unique(k)) > 1 else np.nan

    feats["trend_uitkomst"] = grouped[["_k", outcome]].apply(slope)
    return feats


def _logit_scores(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Linear index of a logistic regression of treatment on standardised x (small ridge against separation)."""
    z = np.column_stack([np.ones(len(x)), (x - x.mean(0)) / np.where(x.std(0) > 0, x.std(0), 1)])
    beta, _, _ = fit_logit(z, t, ridge=1e-2)
    return z @ beta


def _smd(tr: pd.DataFrame, ctrl: pd.DataFrame, ctrl_weights: np.ndarray | None, sd: pd.Series) -> pd.Series:
    mean_c = ctrl.mean() if ctrl_weights is None else (ctrl.mul(ctrl_weights, axis=0).sum() / ctrl_weights.sum())
    return (tr.mean() - mean_c) / sd.replace(0, np.nan)


@dataclass(frozen=True)
class MatchResult:
    """Matched controls with the pairs and a balance table (standardised mean differences before and after)."""

    controls: tuple
    pairs: pd.DataFrame  # treated, control, distance
    balance: pd.DataFrame  # variable, mean_treated, mean_control_before, mean_control_after, smd_before, smd_after
    method: str
    caliper: float | None
    unmatched: tuple
    warnings: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        return self.balance.copy()


def match_controls(
    df: pd.DataFrame,
    unit: str,
    time: str,
    outcome: str,
    treated_units: Sequence,
    start,
    covariates: Sequence[str] = (),
    method: str = "mahalanobis",
    n_neighbors: int = 1,
    caliper: float | None = None,
    replace: bool = False,
    candidates: Sequence | None = None,
) -> MatchResult:
    """Nearest-neighbour matching on pre-period covariates and outcome level and trend.

    ``method`` "mahalanobis" (caliper in Mahalanobis distance) or "propensity" (logit score; caliper in
    standard deviations of the logit, 0.2 is the usual choice). Greedy, best pairs first; without
    ``replace`` each control is used once. Treated units without a control within the caliper are reported.
    """
    if method not in ("mahalanobis", "propensity"):
        raise ValueError(f"Onbekende matchmethode '{method}'; kies 'mahalanobis' of 'propensity'.")
    feats = pre_period_features(df, unit, time, outcome, start, covariates)
    treated_units = list(treated_units)
    missing = [u for u in treated_units if u not in feats.index]
    if missing:
        raise ValueError(f"Behandelde eenheden {missing[:10]} hebben geen gegevens voor de start ({start}).")
    pool = [u for u in (candidates if candidates is not None else feats.index) if u not in set(treated_units)]
    pool = [u for u in pool if u in feats.index]
    feats = feats.dropna()
    pool = [u for u in pool if u in feats.index]
    if not pool:
        raise ValueError("Geen kandidaat-controle-eenheden met volledige gegevens in de voorperiode.")
    warnings: list[str] = []
    incomplete = [u for u in treated_units if u not in feats.index]
    if incomplete:
        warnings.append(f"Behandelde eenheden {incomplete[:10]} missen gegevens in de voorperiode en doen niet mee "
                        "aan de matching.")
    tr, cand = feats.loc[[u for u in treated_units if u in feats.index]], feats.loc[pool]
    if tr.empty:
        raise ValueError("Geen behandelde eenheid heeft volledige gegevens in de voorperiode.")
    if method == "mahalanobis":
        both = pd.concat([tr, cand]).to_numpy(float)
        vi = np.linalg.pinv(np.cov(both, rowvar=False).reshape(both.shape[1], both.shape[1]))
        diff = tr.to_numpy(float)[:, None, :] - cand.to_numpy(float)[None, :, :]
        dist = np.sqrt(np.einsum("ijk,kl,ijl->ij", diff, vi, diff))
    else:
        x = pd.concat([tr, cand]).to_numpy(float)
        score = _logit_scores(x, np.r_[np.ones(len(tr)), np.zeros(len(cand))])
        dist = np.abs(score[: len(tr), None] - score[None, len(tr):])
        if caliper is not None:
            caliper = caliper * score.std()
    order = np.argsort(dist.min(axis=1))
    used: set[int] = set()
    pairs, unmatched = [], []
    for i in order:
        ranked = [j for j in np.argsort(dist[i]) if replace or j not in used]
        chosen = [j for j in ranked[:n_neighbors] if caliper is None or dist[i, j] <= caliper]
        if not chosen:
            unmatched.append(tr.index[i])
        for j in chosen:
            used.add(j)
            pairs.append((tr.index[i], cand.index[j], float(dist[i, j])))
    if unmatched:
        warnings.append(
            f"{len(unmatched)} behandelde eenheden hebben geen controle binnen de caliper en vallen buiten de "
            "vergelijking: het effect geldt dan alleen voor de wel gematchte eenheden."
        )
    pairs_df = pd.DataFrame(pairs, columns=["treated", "control", "distance"])
    counts = pairs_df["control"].value_counts()
    sd = np.sqrt((tr.var() + cand.var()) / 2)
    matched_tr = tr.loc[[u for u in tr.index if u not in set(unmatched)]]
    after = cand.loc[counts.index]
    balance = pd.DataFrame({
        "variable": feats.columns,
        "mean_treated": tr.mean().to_numpy(),
        "mean_control_before": cand.mean().to_numpy(),
        "mean_control_after": (after.mul(counts.to_numpy(), axis=0).sum() / counts.sum()).to_numpy()
        if len(counts) else np.nan,
        "smd_before": _smd(tr, cand, None, sd).to_numpy(),
        "smd_after": _smd(matched_tr, after, counts.to_numpy(float), sd).to_numpy() if len(counts) else np.nan,
    })
    poor = balance.loc[balance["smd_after"].abs() > 0.25, "variable"].tolist()
    if poor:
        warnings.append(
            f"Na matching verschillen de groepen nog duidelijk op {', '.join(poor)} (gestandaardiseerd verschil "
            "groter dan 0,25): de controlegroep lijkt op die punten niet goed op de aanpakgroep."
        )
    return MatchResult(controls=tuple(counts.index), pairs=pairs_df, balance=balance, method=method,
                       caliper=caliper, unmatched=tuple(unmatched), warnings=tuple(warnings))


@dataclass(frozen=True)
class SyntheticControlResult:
    """Weights of the control units forming a synthetic treated unit, its path, and a placebo p-value."""

    weights: pd.Series
    path: pd.DataFrame  # time, treated, synthetic, gap
    estimate: float  # mean gap after the start
    pre_rmspe: float
    p_value: float  # share of placebo units whose post/pre RMSPE ratio is at least the treated one
    placebo: pd.DataFrame  # unit, pre_rmspe, post_rmspe, ratio
    warnings: tuple[str, ...]
    method: str = "synthetic_control"

    def to_frame(self) -> pd.DataFrame:
        return self.path.copy()


def _simplex_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """Non-negative weights summing to one that best reproduce ``target`` (pre-period) from ``donors``.

    Solved as non-negative least squares with the adding-up constraint as a heavily weighted extra row.
    """
    scale = max(1.0, float(np.abs(donors).max()))
    big = 1e3 * scale
    a = np.vstack([donors, big * np.ones(donors.shape[1])])
    b = np.r_[target, big]
    w, _ = optimize.nnls(a, b, maxiter=50 * donors.shape[1])
    return w / w.sum()


def synthetic_control(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated_units: Sequence,
    start,
    controls: Sequence | None = None,
    placebo: bool = True,
) -> SyntheticControlResult:
    """Abadie-style synthetic control on pre-period outcomes, as a robustness check beside DiD.

    Several treated units are averaged into one. With ``placebo`` every control in turn plays the treated
    unit (placebo in space); the p-value ranks the treated post/pre RMSPE ratio among them.
    """
    _panel.require_columns(df, {outcome: "uitkomstmaat", unit: "eenheid", time: "periode"})
    _panel.require_numeric(df, outcome, "uitkomstmaat")
    _panel.check_no_duplicates(df, unit, time)
    wide = df.pivot(index=time, columns=unit, values=outcome).sort_index()
    treated_units = list(treated_units)
    controls = [u for u in (controls if controls is not None else wide.columns) if u not in set(treated_units)]
    wide = wide[treated_units + controls].dropna(axis=0, how="any")
    pre, post = wide.index < start, wide.index >= start
    warnings: list[str] = []
    if pre.sum() < 3:
        raise ValueError(f"Synthetische controle vraagt minstens 3 volledige perioden voor de start ({start}).")
    if post.sum() == 0:
        raise ValueError(f"Geen periode vanaf de start ({start}) in de data.")
    target = wide[treated_units].mean(axis=1).to_numpy()
    donors = wide[controls].to_numpy()
    w = _simplex_weights(target[pre], donors[pre])
    synth = donors @ w
    gap = target - synth

    def rmspe(g: np.ndarray) -> float:
        return float(np.sqrt(np.mean(g**2)))

    pre_r, post_r = rmspe(gap[pre]), rmspe(gap[post])
    if pre_r > 0.1 * (np.abs(target[pre]).mean() + 1e-12):
        warnings.append(
            "De synthetische controle volgt de aanpakgroep vóór de start slecht (afwijking groter dan 10% van het "
            "niveau); gebruik deze vergelijking niet als ondersteuning."
        )
    placebo_rows = []
    if placebo and len(controls) > 2:
        for j, name in enumerate(controls):
            others = np.delete(np.arange(len(controls)), j)
            wj = _simplex_weights(donors[pre, j], donors[pre][:, others])
            g = donors[:, j] - donors[:, others] @ wj
            placebo_rows.append((name, rmspe(g[pre]), rmspe(g[post])))
    plac = pd.DataFrame(placebo_rows, columns=["unit", "pre_rmspe", "post_rmspe"])
    plac["ratio"] = plac["post_rmspe"] / plac["pre_rmspe"].replace(0, np.nan)
    ratio = post_r / pre_r if pre_r > 0 else np.inf
    p = float((1 + (plac["ratio"] >= ratio).sum()) / (1 + len(plac))) if len(plac) else float("nan")
    return SyntheticControlResult(
        weights=pd.Series(w, index=controls, name="weight").sort_values(ascending=False),
        path=pd.DataFrame({"time": wide.index, "treated": target, "synthetic": synth, "gap": gap}),
        estimate=float(gap[post].mean()), pre_rmspe=pre_r, p_value=p, placebo=plac, warnings=tuple(warnings),
    )
