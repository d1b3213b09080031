"""The canonical 2x2 difference-in-differences: treated group x post period, for panels and repeated cross-sections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from linearmodels.iv import IV2SLS
from linearmodels.panel import PanelOLS

from evaluatie.outcome import _panel
from evaluatie.outcome.inference import INFERENCES, InferenceProblem, run_inference, validate_inference
from evaluatie.outcome.results import Call, EffectResult, normal_or_t_interval

TwoByTwoInference = Literal["ols", "robust", "cluster", "wild_bootstrap", "randomization", "auto"]
_COV = {"ols": "unadjusted", "robust": "robust", "cluster": "clustered"}


def estimate_2x2(
    df: pd.DataFrame,
    outcome: str,
    group: str,
    post: str,
    covariates: Sequence[str] | None = None,
    unit: str | None = None,
    weights: str | None = None,
    inference: TwoByTwoInference | None = None,
    cluster: str | None = None,
    n_draws: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
) -> EffectResult:
    """y = a + b1 group + b2 post + ATT group*post (+ covariates).

    Without ``unit`` the rows are a repeated cross-section. With ``unit`` the rows are a panel: unit fixed
    effects replace the group dummy, so time-constant differences between units drop out. ``inference`` is
    "ols", "robust" (HC1), "cluster", "wild_bootstrap", "randomization" or "auto" (the rule in
    ``inference.choose_inference``; without unit or cluster column it means "ols"). By default standard
    errors are clustered by ``cluster``, else by ``unit`` (repeated rows of one unit are not independent:
    on Card & Krueger's balanced sample 1.34, not the 1.15 of plain OLS), and without either they are the
    conventional OLS ones textbooks print. Resampling reassigns or reweights whole clusters. There is no
    ``anticipation`` here: the caller's ``post`` column is the start.
    """
    if inference is None:
        inference = "cluster" if (unit or cluster) else "ols"
    validate_inference(inference, (*_COV, *INFERENCES))
    requested = inference
    roles = {outcome: "uitkomstmaat", group: "groep (1 = aanpak, 0 = controle)", post: "na-periode (1 = na start)"}
    if unit:
        roles[unit] = "eenheid"
    if cluster:
        roles[cluster] = "cluster"
    _panel.require_columns(df, roles)
    covs = _panel.prepare_covariates(df, covariates)
    _panel.check_weights(df, weights)
    _panel.require_binary(df, group, "groep")
    _panel.require_binary(df, post, "na-periode")
    warnings: list[str] = []
    data = _panel.drop_missing_outcome(df, outcome, covs, warnings)
    g = data[group].to_numpy(float)
    p = data[post].to_numpy(float)
    for value, name, text in [(g, group, "behandelde"), (1 - g, group, "controle"), (1 - p, post, "voor"),
                              (p, post, "na")]:
        if value.sum() == 0:
            raise ValueError(f"Geen {text}-waarnemingen: kolom '{name}' heeft geen rijen met die waarde.")
    for a, b, text in [(g, p, "behandelde groep na de start"), (g, 1 - p, "behandelde groep voor de start"),
                       (1 - g, p, "controlegroep na de start"), (1 - g, 1 - p, "controlegroep voor de start")]:
        if (a * b).sum() == 0:
            raise ValueError(f"Geen waarnemingen in de cel '{text}'; een 2x2-vergelijking is dan niet mogelijk.")
    y = data[outcome].to_numpy(float)
    w = data[weights].to_numpy(float) if weights else None
    cl_col = cluster or unit
    clusters = data[cl_col].to_numpy() if cl_col else None
    if unit and (data.groupby(unit)[group].nunique() > 1).any():
        raise ValueError(f"Kolom '{group}' (groep) wisselt binnen een eenheid in '{unit}'; verwacht een vaste groep.")
    auto_without_clusters = inference == "auto" and clusters is None
    if auto_without_clusters:
        inference = "ols"
    if inference in ("cluster", "wild_bootstrap", "randomization") and clusters is None:
        raise ValueError(f"Inferentie '{inference}' vraagt een kolom met eenheden: geef 'unit' of 'cluster' op.")
    if unit:
        n_units = int(data[unit].nunique())
        n_treated = int(data.loc[g == 1, unit].nunique())
    elif cluster:
        n_units = int(data[cluster].nunique())
        n_treated = int(data.loc[g == 1, cluster].nunique())
    else:
        n_units, n_treated = len(data), int(g.sum())

    gp = g * p
    X = pd.DataFrame({"post": p, "att": gp}, index=data.index)
    for c in covs:
        X[c] = data[c].to_numpy(float)
    analytic = inference if inference in _COV else "cluster"
    cov_kw: dict = {}
    if _COV[analytic] == "clustered":
        cov_kw = {"clusters": pd.Series(pd.factorize(clusters)[0], index=data.index)}
    if unit:
        idx = pd.MultiIndex.from_arrays([data[unit].to_numpy(), data.groupby(unit).cumcount().to_numpy()])
        Xp = X.set_axis(idx)
        model = PanelOLS(pd.Series(y, index=idx), Xp, entity_effects=True,
                         weights=None if w is None else pd.Series(w, index=idx))
        if "clusters" in cov_kw:
            cov_kw = {"clusters": cov_kw["clusters"].set_axis(idx)}
        fit = model.fit(cov_type=_COV[analytic], debiased=True, **cov_kw)
        df_resid = (len(np.unique(clusters)) - 1) if _COV[analytic] == "clustered" else fit.df_resid
    else:
        X.insert(0, "group", g)
        X.insert(0, "const", 1.0)
        model = IV2SLS(pd.Series(y, index=data.index), X, None, None,
                       weights=None if w is None else pd.Series(w, index=data.index))
        fit = model.fit(cov_type=_COV[analytic], debiased=True, **cov_kw)
        df_resid = (len(np.unique(clusters)) - 1) if _COV[analytic] == "clustered" else fit.df_resid
    est = float(fit.params["att"])
    se = float(fit.std_errors["att"])
    lo, hi, pval = normal_or_t_interval(est, se, alpha, df_resid)
    reasons = {
        "ols": "Gewone OLS-standaardfouten (standaard zonder eenheden of clusters, zoals in handboeken).",
        "robust": "Heteroskedasticiteit-robuuste standaardfouten (HC1), gevraagd.",
        "cluster": f"Standaardfouten geclusterd per '{cl_col}'.",
    }
    if auto_without_clusters:
        reasons["ols"] = ("Automatisch gekozen: zonder eenheden of clusters zijn de rijen onafhankelijke "
                          "waarnemingen, dus gewone OLS-standaardfouten.")
    call = Call("estimate_2x2", outcome, unit, None, f"{group} x {post}", weights, tuple(covs), cluster, None,
                requested, n_draws if inference in ("wild_bootstrap", "randomization", "auto") else None, seed, alpha)
    base = EffectResult(
        estimate=est, se=se, ci_low=lo, ci_high=hi, p_value=pval, n_units=n_units, n_treated=n_treated,
        n_obs=len(data), method="2x2" + ("_panel" if unit else ""), inference=analytic,
        inference_code="auto_no_clusters" if auto_without_clusters else "requested",
        inference_reason=reasons[analytic], warnings=tuple(warnings), outcome=outcome, alpha=alpha, call=call,
    )
    if inference in _COV:
        return base
    cl_codes = pd.factorize(clusters)[0]
    per_cluster = pd.Series(g).groupby(cl_codes).agg(["min", "max"])
    if (per_cluster["min"] != per_cluster["max"]).any():
        raise ValueError(f"Kolom '{group}' (groep) wisselt binnen een cluster in '{cl_col}'; "
                         "de aanpak moet per cluster gelden om toewijzingen te kunnen herschikken.")
    columns = [p, *[data[c].to_numpy(float) for c in covs]]
    if not unit:
        columns.insert(0, np.ones(len(y)))
    problem = InferenceProblem(
        y=y, d=gp, nuisance=np.column_stack(columns), fe=[pd.factorize(data[unit])[0]] if unit else [],
        weights=w, clusters=cl_codes, tcode=p.astype(int), paths=np.array([[0.0, 0.0], [0.0, 1.0]]),
        cluster_label=per_cluster["min"].to_numpy().astype(int), group_in_design=not unit,
    )
    return run_inference(base, problem, inference, n_draws=n_draws, seed=seed)
