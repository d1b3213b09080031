"""Event study: TWFE with leads and lags relative to each unit's start, and a joint pre-trend test.

Inference (``inference=``, the same options as TWFE): "cluster" (unit-clustered, Stata's small-sample
factor, t(G-1)); "wild_bootstrap" (wild cluster bootstrap-t, per coefficient and for the simultaneous band);
"randomization" (start cohorts reassigned among the units, keeping cohort sizes); "auto" (the rule in
``inference.choose_inference``). Intervals, bands and the pre-trend test all come from that inference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from evaluatie.outcome import _panel
from evaluatie.outcome._fwl import Residualizer
from evaluatie.outcome.inference import (
    AUTO_MIN_TREATED,
    WEBB_BELOW_CLUSTERS,
    Inference,
    _webb_weights,
    assignment_draws,
    choose_inference,
    effective_number,
    few_assignments_warning,
    placebo_table,
    randomization_reason,
)
from evaluatie.outcome.results import Call, Result, plot_rows
from evaluatie.outcome.staggered import _simultaneous_crit
from evaluatie.outcome.twfe import check_anticipation, stata_cluster_factor


@dataclass(frozen=True, kw_only=True, repr=False)
class EventStudyResult(Result):
    """Coefficients by event time (reference period fixed at 0) and the test that all leads are zero.

    ``covariance`` is the unit-clustered covariance of the coefficients whatever the headline inference, so
    that sensitivity analyses (``outcome.sensitivity``) can use the joint distribution of leads and lags.
    """

    table: pd.DataFrame = field(repr=False)  # event_time, estimate, se, ci_low, ci_high, cband_low, cband_high, ...
    covariance: pd.DataFrame = field(repr=False)  # unit-clustered, rows and columns by event time (reference left out)
    pretrend_stat: float
    pretrend_df: int
    pretrend_p: float
    reference: int
    n_obs: int
    anticipation: int = 0

    title = "Event study (TWFE with leads and lags)"

    def to_frame(self) -> pd.DataFrame:
        return self.table.assign(outcome=self.outcome, method=self.method, pretrend_p=self.pretrend_p)

    def _display_frame(self) -> pd.DataFrame:
        return self.table[["event_time", "estimate", "se", "ci_low", "ci_high", "cband_low", "cband_high"]]

    def _facts(self) -> list[tuple[str, str]]:
        return super()._facts() + [("pre-trend test", f"stat = {self.pretrend_stat:.4g} ({self.pretrend_df} leads), "
                                                      f"p = {self.pretrend_p:.4g}")]

    def _short(self) -> str:
        return f" event times {self.table['event_time'].min()}..{self.table['event_time'].max()}"

    def plot(self, ax=None):
        """Coefficients by event time with pointwise intervals and the simultaneous band."""
        t = self.table
        return plot_rows(ax, t["event_time"], t["estimate"], t["ci_low"], t["ci_high"], t["cband_low"],
                         t["cband_high"], xlabel="event_time", title=self.method)


def _event_columns(g_of_unit: np.ndarray, u: np.ndarray, t_idx: np.ndarray, lo: int, hi: int,
                   event_times: list[int]) -> np.ndarray:
    """Dummies 1[t - g_i = e] per event time (ends binned), for cohort positions per unit (-1 = never)."""
    g = g_of_unit[u]
    e = np.clip(t_idx - g, lo, hi)
    on = g >= 0
    return np.column_stack([(on & (e == k)).astype(float) for k in event_times])


def _wild_bootstrap_t(x: np.ndarray, e: np.ndarray, w: np.ndarray, clusters: np.ndarray, factor: float,
                      n_draws: int, seed: int, alpha: float) -> dict:
    """Unrestricted wild cluster bootstrap-t of every coefficient (x within-transformed, e residuals)."""
    n_cl = clusters.max() + 1
    k = x.shape[1]
    xw = x * w[:, None]
    bread = np.linalg.pinv(xw.T @ x)
    scores = np.stack([np.bincount(clusters, weights=xw[:, j] * e, minlength=n_cl) for j in range(k)], axis=1)
    blocks = np.zeros((n_cl, k, k))
    np.add.at(blocks, clusters, xw[:, :, None] * x[:, None, :])
    rng = np.random.default_rng(seed)
    v = (_webb_weights(rng, (n_draws, n_cl)) if n_cl < WEBB_BELOW_CLUSTERS
         else rng.choice([-1.0, 1.0], size=(n_draws, n_cl)))
    delta = (v @ scores) @ bread.T  # draws x k
    star = v[:, :, None] * scores[None] - np.einsum("cjk,bk->bcj", blocks, delta)
    meat = np.einsum("bcj,bck->bjk", star, star)
    var = np.einsum("jk,bkl,lj->bj", bread, meat, bread) * factor
    t_star = np.abs(delta) / np.sqrt(var)
    quant = np.quantile(t_star, 1 - alpha, axis=0)
    return {"t_star": t_star, "quant": quant, "crit": float(np.quantile(t_star.max(axis=1), 1 - alpha))}


def estimate_event_study(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] | None = None,
    weights: str | None = None,
    leads: int | None = None,
    lags: int | None = None,
    reference: int | None = None,
    alpha: float = 0.05,
    seed: int = 0,
    inference: Inference = "cluster",
    n_draws: int = 999,
    anticipation: int = 0,
) -> EventStudyResult:
    """y_it = a_i + l_t + sum_e b_e 1[t - g_i = e] (+ covariates), e counted in periods, ``cohort`` 0 = never.

    Event times before ``-leads`` and after ``lags`` are binned into the endpoints, so the endpoint
    coefficients average the periods beyond them. Without never-treated units, leads and lags must be given
    (the fully dynamic specification is then not identified). With staggered starts the coefficients can mix
    effects of other event times (Sun & Abraham 2021): compare with ``estimate_staggered(...).aggregate("dynamic")``.
    ``anticipation`` moves the start that many periods earlier: the reference period becomes
    ``-1 - anticipation`` and the leads between it and the start are effects, not part of the pre-trend test.
    """
    roles = {outcome: "uitkomstmaat", unit: "eenheid", time: "periode", cohort: "startperiode (0 = nooit)"}
    _panel.require_columns(df, roles)
    covs = _panel.prepare_covariates(df, covariates)
    _panel.check_weights(df, weights)
    _panel.require_numeric(df, cohort, "startperiode")
    _panel.check_no_duplicates(df, unit, time)
    check_anticipation(anticipation)
    choose_inference(inference, 0)  # validates the name before any work
    reference = -1 - anticipation if reference is None else reference
    if reference >= 0:
        raise ValueError(f"De referentieperiode moet voor de start liggen (negatief), niet {reference}.")
    warnings: list[str] = []
    data = _panel.drop_missing_outcome(df, outcome, covs, warnings)
    if (data.groupby(unit)[cohort].nunique() > 1).any():
        raise ValueError(f"Kolom '{cohort}' (startperiode) verschilt binnen een eenheid; verwacht één waarde.")
    periods = np.sort(data[time].unique())
    pos = {p: i for i, p in enumerate(periods)}
    g = data[cohort].to_numpy(float)
    late = g > periods[-1]
    if late.any():
        warnings.append("Eenheden die pas na de laatste periode starten, tellen als nooit behandeld.")
        g = np.where(late, 0, g)
    unknown = sorted({v for v in g if v != 0 and v not in pos})
    if unknown:
        raise ValueError(f"Startperiode(n) {unknown} in kolom '{cohort}' komen niet voor als periode in '{time}'.")
    treated = g != 0
    if not treated.any():
        raise ValueError(f"Geen behandelde eenheden: kolom '{cohort}' is overal 0.")
    if treated.all() and (leads is None or lags is None):
        raise ValueError("Er zijn geen nooit-behandelde eenheden: geef leads en lags op (de uiteinden worden dan "
                         "samengevoegd), anders is het model niet identificeerbaar.")
    t_idx = np.array([pos[v] for v in data[time]])
    g_idx = np.array([pos.get(v, 0) for v in g])
    e = np.where(treated, t_idx - g_idx, 0)
    lo = -int(leads) if leads is not None else int(e[treated].min())
    hi = int(lags) if lags is not None else int(e[treated].max())
    if not lo <= reference < 0 <= hi:
        raise ValueError(f"Leads en lags moeten de referentieperiode {reference} en periode 0 omvatten.")
    u_codes = pd.factorize(data[unit], sort=True)[0]
    n_units = int(u_codes.max()) + 1
    g_of_unit = np.full(n_units, -1)
    g_of_unit[u_codes[treated]] = g_idx[treated]
    event_times = [k for k in range(lo, hi + 1) if k != reference]
    dummies = _event_columns(g_of_unit, u_codes, t_idx, lo, hi, event_times)
    y = data[outcome].to_numpy(float)
    w = data[weights].to_numpy(float) if weights else np.ones(len(y))
    fe_only = Residualizer([u_codes, t_idx], None, w if weights else None, len(y))
    regressors = np.column_stack([dummies, data[covs].to_numpy(float)]) if covs else dummies
    within = fe_only(np.column_stack([y, regressors]))
    y_within, x_all = within[:, 0], within[:, 1:]
    scale = np.abs(regressors).max(axis=0) + 1.0
    estimable = np.abs(x_all).max(axis=0) > 1e-9 * scale
    estimable[: len(event_times)] &= dummies.any(axis=0)
    x_all = x_all[:, estimable]
    sw = np.sqrt(w)
    params = np.linalg.lstsq(x_all * sw[:, None], y_within * sw, rcond=None)[0]
    resid_y = y_within - x_all @ params
    bread = np.linalg.pinv((x_all * w[:, None]).T @ x_all)
    scores = np.column_stack([np.bincount(u_codes, weights=w * resid_y * x_all[:, j], minlength=n_units)
                              for j in range(x_all.shape[1])])
    names = [f"e{k}" for k, ok in zip(event_times, estimable) if ok]
    n_est = len(names)
    factor = stata_cluster_factor(len(y), n_units, x_all.shape[1] + len(periods))
    cov = (bread @ scores.T @ scores @ bread)[:n_est, :n_est] * factor
    est = params[:n_est]
    se = np.sqrt(np.diag(cov))
    ev = [int(c[1:]) for c in names]
    n_tr = int(data.loc[treated, unit].nunique())
    unit_weight = np.bincount(u_codes, weights=w, minlength=n_units)
    effective = effective_number(unit_weight[g_of_unit >= 0]) if weights else None
    choice = choose_inference(inference, n_tr, second_opinion=None, effective_treated=effective)
    crit_t = stats.t(n_units - 1).ppf(1 - alpha / 2)
    low, high, p_rows = est - crit_t * se, est + crit_t * se, 2 * stats.t(n_units - 1).sf(np.abs(est / se))
    crit_u = _simultaneous_crit(cov, alpha, 10_000, seed)
    lead_mask = np.array([k < reference or (reference < k < -anticipation) for k in ev], dtype=bool)
    q = int(lead_mask.sum())
    stat = p_pre = float("nan")
    if q:
        b, v = est[lead_mask], cov[np.ix_(lead_mask, lead_mask)]
        stat = float(b @ np.linalg.pinv(v) @ b) / q
        p_pre = float(stats.f.sf(stat, q, n_units - 1))
    else:
        warnings.append("Geen leads (perioden voor de start) naast de referentieperiode: geen pre-trendtoets.")
    reason = "Standaardfouten geclusterd per eenheid; de pre-trendtoets is een F-toets op alle leads."
    if choice.lead != "cluster":
        resid = Residualizer([u_codes, t_idx], data[covs].to_numpy(float) if covs else None,
                             w if weights else None, len(y))
        keep = [event_times.index(k) for k in ev]
        x_within = resid(dummies[:, keep])
        if choice.lead == "wild_bootstrap":
            e_within = resid(y) - x_within @ est
            boot = _wild_bootstrap_t(x_within, e_within, w, u_codes, factor, n_draws, seed, alpha)
            low, high = est - boot["quant"] * se, est + boot["quant"] * se
            p_rows = (boot["t_star"] >= np.abs(est / se)[None, :]).mean(axis=0)
            crit_u = boot["crit"]
            reason = (f"Wild cluster bootstrap-t per coëfficiënt en voor de simultane band ({n_draws} trekkingen, "
                      "geclusterd per eenheid); de pre-trendtoets is de F-toets op alle leads.")
        else:
            y0 = y - dummies[:, keep] @ np.where(np.array(ev) >= -anticipation, est, 0.0)
            y0t = resid(y0)
            draws, exact, total = assignment_draws(g_of_unit, n_draws, seed)
            errors, identity = [], []
            chunk = max(1, int(2e6 // (len(y) * len(keep))))
            while batch := [d for _, d in zip(range(chunk), draws)]:
                identity += [np.array_equal(lab, g_of_unit) for lab in batch]
                xb = np.stack([_event_columns(lab, u_codes, t_idx, lo, hi, event_times)[:, keep] for lab in batch], 1)
                xb = resid(xb.reshape(len(y), -1)).reshape(xb.shape)
                weighted = (xb * w[:, None, None]).transpose(1, 2, 0)  # draws x k x n: one matrix product per draw
                gram = weighted @ xb.transpose(1, 0, 2)
                errors.append(np.einsum("bkl,bl->bk", np.linalg.pinv(gram), weighted @ y0t))
            errors = np.concatenate(errors)
            table = placebo_table(est, errors, np.array(identity), alpha)
            se, low, high, p_rows, crit_u = table["se"], table["ci_low"], table["ci_high"], table["p_value"], table["crit"]
            if q:
                v_pre = np.linalg.pinv(np.cov(errors[:, lead_mask], rowvar=False).reshape(q, q))
                stat = float(est[lead_mask] @ v_pre @ est[lead_mask])
                w_b = np.einsum("bi,ij,bj->b", errors[:, lead_mask], v_pre, errors[:, lead_mask])
                extra = 0 if exact else 1
                p_pre = float(((w_b >= stat - 1e-10).sum() + extra) / (len(w_b) + extra))
            reason = (randomization_reason(exact, total, len(errors), "startcohorten herschikt over de eenheden "
                                           "met gelijke cohortgrootte").rstrip(".")
                      + "; de pre-trendtoets vergelijkt de leads met die van de placebo-toewijzingen.")
            warnings += few_assignments_warning(total, alpha)
    if choice.code != "requested":
        reason = f"{choice.reason} {reason}"
    table = pd.DataFrame({"event_time": ev, "estimate": est, "se": se, "ci_low": low, "ci_high": high,
                          "cband_low": est - crit_u * se, "cband_high": est + crit_u * se, "p_value": p_rows})
    ref_row = pd.DataFrame({"event_time": [reference], "estimate": [0.0], "se": [np.nan], "ci_low": [np.nan],
                            "ci_high": [np.nan], "cband_low": [np.nan], "cband_high": [np.nan], "p_value": [np.nan]})
    table = pd.concat([table, ref_row]).sort_values("event_time", ignore_index=True)
    binned = {lo: e.min() < lo if leads is not None else False, hi: e.max() > hi if lags is not None else False}
    table["binned"] = table["event_time"].map(lambda k: bool(binned.get(k, False)))
    dropped = [k for k in event_times if f"e{k}" not in names]
    if dropped:
        warnings.append(f"Gebeurtenistijden {dropped} zijn niet te schatten (geen waarnemingen of samenvallend).")
    if len(np.unique(g[treated])) > 1:
        warnings.append(
            "Verschillende startmomenten: de coëfficiënten van deze TWFE-eventstudie kunnen effecten van andere "
            "perioden mengen (Sun & Abraham). Vergelijk met de eventstudie per startcohort (Callaway & Sant'Anna)."
        )
    if n_tr < AUTO_MIN_TREATED and choice.lead == "cluster":
        warnings.append(f"Slechts {n_tr} behandelde eenheden: de geclusterde standaardfouten zijn vaak te klein.")
    call = Call("estimate_event_study", outcome, unit, time, cohort, weights, tuple(covs), None, None, inference,
                None if choice.lead == "cluster" else n_draws, seed, alpha, anticipation)
    return EventStudyResult(
        table=table, covariance=pd.DataFrame(cov, index=ev, columns=ev), pretrend_stat=stat, pretrend_df=q, pretrend_p=p_pre, reference=reference, n_units=n_units,
        n_treated=n_tr, n_obs=len(y), warnings=tuple(warnings), outcome=outcome, alpha=alpha,
        method="event_study_twfe", inference=choice.lead, inference_code=choice.code, inference_reason=reason,
        call=call, anticipation=anticipation,
    )
