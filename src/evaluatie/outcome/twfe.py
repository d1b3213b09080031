"""Two-way fixed effects (TWFE) difference-in-differences on a unit x period panel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from linearmodels.panel import PanelOLS

from evaluatie.outcome import _panel
from evaluatie.outcome._fwl import Residualizer
from evaluatie.outcome.bacon import bacon_decomposition
from evaluatie.outcome.inference import (
    AUTO_MIN_TREATED,
    Inference,
    InferenceProblem,
    run_inference,
    validate_inference,
)
from evaluatie.outcome.results import Call, EffectResult, normal_or_t_interval


@dataclass(frozen=True)
class PanelDesign:
    """A checked panel with integer unit and period codes, ready for estimation and resampling."""

    data: pd.DataFrame  # columns: _u, _t, _c (codes of unit, period, cluster), y, d, covariates..., _w
    covariates: tuple[str, ...]
    n_units: int
    n_clusters: int
    n_periods: int
    treated_units: np.ndarray  # unit codes with any d != 0
    starts: np.ndarray  # first treated period code of each treated unit
    treated_clusters: int
    warnings: tuple[str, ...]


def prepare_panel(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated: str,
    covariates: Sequence[str] | None,
    weights: str | None,
    cluster: str | None = None,
    anticipation: int = 0,
) -> PanelDesign:
    """Validate columns and rows once, so every inference method sees the same sample.

    ``anticipation`` periods before each unit's first treated period count as treated (with the intensity of
    that first period): the start moved earlier, for effects that begin before the official start.
    """
    check_anticipation(anticipation)
    _panel.require_columns(
        df, {outcome: "uitkomstmaat", unit: "eenheid", time: "periode", treated: "behandeld (0/1 of intensiteit)"}
    )
    covs = _panel.prepare_covariates(df, covariates)
    _panel.check_weights(df, weights)
    if cluster:
        _panel.require_columns(df, {cluster: "cluster (bijv. gemeente)"})
        if df[cluster].isna().any():
            raise ValueError(f"Kolom '{cluster}' (cluster) heeft lege waarden.")
    _panel.require_numeric(df, treated, "behandeld")
    if df[treated].isna().any():
        raise ValueError(f"Kolom '{treated}' (behandeld) heeft lege waarden; vul 0 of de intensiteit in per rij.")
    u_codes, t_codes = _panel.check_no_duplicates(df, unit, time)
    warnings: list[str] = []
    data = _panel.drop_missing_outcome(df, outcome, covs, warnings)
    if len(data) < len(df):  # units or periods may have dropped out entirely: recode
        u_codes = pd.factorize(data[unit], sort=True)[0]
        t_codes = pd.factorize(data[time], sort=True)[0]
    n_units, n_periods = int(u_codes.max()) + 1, int(t_codes.max()) + 1
    out = pd.DataFrame(
        {
            "_u": u_codes,
            "_t": t_codes,
            "y": data[outcome].to_numpy(dtype=float),
            "d": data[treated].to_numpy(dtype=float),
            "_w": data[weights].to_numpy(dtype=float) if weights else 1.0,
            "_c": pd.factorize(data[cluster], sort=True)[0] if cluster else u_codes,
        }
    )
    if cluster:
        per_unit = out.groupby("_u")["_c"].agg(["min", "max"])
        if (per_unit["min"] != per_unit["max"]).any():
            raise ValueError(f"Eenheden in '{unit}' liggen in meer dan één cluster van '{cluster}'; "
                             "elke eenheid moet binnen één cluster vallen.")
    for c in covs:
        out[c] = data[c].to_numpy(dtype=float)
    if anticipation:
        out["d"] = _start_earlier(out, n_units, anticipation)
    on = out["d"].to_numpy() != 0
    treated_units = np.flatnonzero(np.bincount(u_codes[on], minlength=n_units) > 0)
    if len(treated_units) == 0:
        raise ValueError(f"Geen behandelde eenheden: kolom '{treated}' is overal 0 (na weglaten van lege uitkomsten).")
    first = np.full(n_units, np.iinfo(np.int64).max)
    np.minimum.at(first, u_codes[on], t_codes[on])
    first = first[treated_units]
    if len(treated_units) == n_units:
        if len(np.unique(first)) == 1:
            raise ValueError(
                f"Geen controle-eenheden: elke eenheid in '{unit}' is behandeld volgens '{treated}', allemaal "
                "vanaf hetzelfde moment. Een verschil-in-verschillen vraagt eenheden zonder de aanpak."
            )
        warnings.append(
            "Er zijn geen eenheden zonder de aanpak: de schatting steunt alleen op verschillen in startmoment."
        )
    min_t = np.full(n_units, np.iinfo(np.int64).max)
    np.minimum.at(min_t, u_codes, t_codes)
    if (first <= min_t[treated_units]).all():
        raise ValueError(
            "Geen voorperiode: alle behandelde eenheden zijn al behandeld in hun eerste waargenomen periode."
        )
    return PanelDesign(
        data=out,
        covariates=tuple(covs),
        n_units=n_units,
        n_clusters=int(out["_c"].max()) + 1,
        n_periods=n_periods,
        treated_units=treated_units,
        starts=first,
        treated_clusters=len(np.unique(out["_c"].to_numpy()[on])),
        warnings=tuple(warnings),
    )


def check_anticipation(anticipation: int) -> None:
    if int(anticipation) != anticipation or anticipation < 0:
        raise ValueError(f"anticipation moet een geheel getal >= 0 zijn, niet {anticipation!r}.")


def _start_earlier(out: pd.DataFrame, n_units: int, periods: int) -> np.ndarray:
    """Treatment with each unit's start moved ``periods`` earlier, at the intensity of its first treated period."""
    d, u, t = out["d"].to_numpy(), out["_u"].to_numpy(), out["_t"].to_numpy()
    on = d != 0
    first = np.full(n_units, np.iinfo(np.int64).max)
    np.minimum.at(first, u[on], t[on])
    level = np.zeros(n_units)
    at_first = on & (t == first[u])
    level[u[at_first]] = d[at_first]
    early = (first[u] < np.iinfo(np.int64).max) & (t < first[u]) & (t >= first[u] - periods)
    return np.where(early, level[u], d)


def _fit_within(design: PanelDesign, weighted: bool):
    """PanelOLS on the within-transformed panel, with the cluster sandwich (unadjusted) for its slopes.

    The unit and period effects are absorbed beforehand by the exact projection the resampling inference
    uses, so both paths see the same regression. The cluster sums are computed here in one vectorised pass
    (linearmodels loops over clusters in Python, which dominates on 100,000 units).
    """
    data = design.data
    cols = ["y", "d", *design.covariates]
    w = data["_w"].to_numpy() if weighted else None
    resid = Residualizer([data["_u"].to_numpy(), data["_t"].to_numpy()], None, w, len(data))
    raw = data[cols].to_numpy()
    within = resid(raw)
    scale = np.abs(raw).max(axis=0) + 1.0
    varies = np.abs(within).max(axis=0) > 1e-9 * scale
    absorbed = [c for c, v in zip(cols[2:], varies[2:]) if not v]
    keep = [0, 1, *[i for i in range(2, len(cols)) if varies[i]]]
    regressors = [cols[i] for i in keep[1:]]
    idx = pd.MultiIndex.from_arrays([data["_u"].to_numpy(), data["_t"].to_numpy()])
    frame = pd.DataFrame(within[:, keep], index=idx, columns=["y", *regressors])
    fit = PanelOLS(frame["y"], frame[regressors], weights=None if w is None else pd.Series(w, index=idx)).fit(
        cov_type="unadjusted"
    )
    x = within[:, keep[1:]]
    ww = np.ones(len(x)) if w is None else w
    e = within[:, 0] - x @ fit.params.to_numpy()
    cl = data["_c"].to_numpy()
    scores = np.column_stack([np.bincount(cl, weights=ww * e * x[:, j]) for j in range(x.shape[1])])
    bread = np.linalg.inv((x * ww[:, None]).T @ x)
    cov = bread @ (scores.T @ scores) @ bread
    return fit.params.to_numpy(), cov, int(fit.nobs), regressors, absorbed


def stata_cluster_factor(n_obs: int, n_clusters: int, n_params: int) -> float:
    """Small-sample factor G/(G-1) * (N-1)/(N-K) of Stata's ``xtreg, fe`` and ``reghdfe`` (CRV1)."""
    return n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - n_params)


def estimate_twfe(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated: str,
    covariates: Sequence[str] | None = None,
    weights: str | None = None,
    inference: Inference = "cluster",
    n_draws: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    cluster: str | None = None,
    anticipation: int = 0,
) -> EffectResult:
    """TWFE DiD: y_it = a_i + l_t + b d_it (+ covariates), b is the effect.

    Default standard errors are clustered by unit with Stata's small-sample factors and t(G-1)
    reference, as ``xtreg, fe vce(cluster unit)`` and ``reghdfe`` print, so numbers compare with textbooks.
    ``treated`` may be an intensity (share of budget or population in the initiative). ``inference``:
    "cluster"; "wild_bootstrap" (restricted wild cluster bootstrap, Webb weights below 12 clusters);
    "randomization" (treatment paths reassigned among all units, exact when there are at most 20,000
    assignments, else ``n_draws``); "auto" (fewer than ``inference.AUTO_MIN_TREATED`` treated units:
    randomisation inference, else clustered; the rule is ``inference.choose_inference``). ``seed`` fixes the
    draws. ``cluster`` (e.g. the municipality of a district) clusters, resamples and reassigns treatment at
    that level instead of the unit; units must be nested in clusters. ``anticipation`` moves every start
    that many periods earlier.
    """
    validate_inference(inference)
    design = prepare_panel(df, outcome, unit, time, treated, covariates, weights, cluster, anticipation)
    params, cov, n_obs, regressors, absorbed = _fit_within(design, weights is not None)
    est = float(params[0])
    g = design.n_clusters
    # Unit effects are nested in the clusters and not counted; time effects and the constant are.
    k = len(regressors) + design.n_periods
    se = float(np.sqrt(cov[0, 0] * stata_cluster_factor(n_obs, g, k)))
    lo, hi, p = normal_or_t_interval(est, se, alpha, g - 1)
    warnings = list(design.warnings)
    for c in absorbed:
        warnings.append(
            f"Achtergrondkenmerk '{c}' verandert niet in de tijd; de vaste effecten per eenheid nemen het al mee, "
            "dus het telt niet mee in deze schatting."
        )
    n_treated = len(design.treated_units)
    if len(np.unique(design.starts)) > 1:
        warnings.append(staggered_warning(design))
    treated_clusters = design.treated_clusters
    if treated_clusters < AUTO_MIN_TREATED and inference == "cluster":
        warnings.append(
            f"Slechts {treated_clusters} behandelde {'clusters' if cluster else 'eenheden'}: geclusterde "
            "standaardfouten zijn dan vaak te klein. "
            "Kijk ook naar de randomisatie-inferentie of de wild cluster bootstrap."
        )
    call = Call("estimate_twfe", outcome, unit, time, treated, weights, tuple(design.covariates), cluster,
                None, inference, None if inference == "cluster" else n_draws, seed, alpha, anticipation)
    base = EffectResult(
        estimate=est, se=se, ci_low=lo, ci_high=hi, p_value=p, n_units=design.n_units, n_treated=n_treated,
        n_obs=n_obs, method="twfe", inference="cluster",
        inference_reason=f"Standaardfouten geclusterd per {'cluster ' + repr(cluster) if cluster else 'eenheid'}.",
        warnings=tuple(warnings), outcome=outcome, alpha=alpha, call=call,
    )
    if inference == "cluster":
        return base
    return run_inference(base, inference_problem(design, regressors[1:], weights is not None), inference,
                         n_draws=n_draws, seed=seed)


def staggered_warning(design: PanelDesign) -> str:
    """Dutch warning for TWFE under staggered timing, with the Goodman-Bacon weight on forbidden comparisons."""
    text = (
        "De eenheden zijn op verschillende momenten gestart. Gewone TWFE vergelijkt dan deels met eenheden "
        "die al eerder gestart zijn; als het effect in de tijd verandert, is de uitkomst vertekend."
    )
    data = design.data
    wide_y = np.full((design.n_units, design.n_periods), np.nan)
    wide_d = np.zeros((design.n_units, design.n_periods))
    wide_y[data["_u"], data["_t"]] = data["y"]
    wide_d[data["_u"], data["_t"]] = data["d"]
    try:
        bacon = bacon_decomposition(wide_y, wide_d)
    except ValueError:
        return text + " Gebruik de schatting per startcohort (Callaway & Sant'Anna)."
    return text + (
        f" Volgens de Goodman-Bacon-decompositie rust {bacon.forbidden_weight:.0%} van het gewicht op zulke "
        "vergelijkingen met al gestarte eenheden. Gebruik de schatting per startcohort (Callaway & Sant'Anna)."
    )


def inference_problem(design: PanelDesign, covariates: Sequence[str], weighted: bool) -> InferenceProblem:
    """TWFE as a resampling problem: each cluster carries its treatment path, which placebo draws reassign."""
    data = design.data
    c, t, d = data["_c"].to_numpy(), data["_t"].to_numpy(), data["d"].to_numpy()
    low = np.full((design.n_clusters, design.n_periods), np.inf)
    high = np.full((design.n_clusters, design.n_periods), -np.inf)
    np.minimum.at(low, (c, t), d)
    np.maximum.at(high, (c, t), d)
    seen = np.isfinite(low)
    if (low[seen] != high[seen]).any():
        raise ValueError("De behandeling verschilt tussen eenheden binnen één cluster in dezelfde periode; "
                         "herschikken per cluster kan dan niet. Gebruik inference='cluster'.")
    wide = pd.DataFrame(np.where(seen, low, np.nan)).ffill(axis=1).bfill(axis=1).fillna(0.0)
    paths, labels = np.unique(wide.to_numpy(), axis=0, return_inverse=True)
    return InferenceProblem(
        y=data["y"].to_numpy(),
        d=d,
        nuisance=data[list(covariates)].to_numpy() if covariates else None,
        fe=[data["_u"].to_numpy(), t],
        weights=data["_w"].to_numpy() if weighted else None,
        clusters=c,
        tcode=t,
        paths=paths,
        cluster_label=labels.ravel(),
    )
