"""Event study: TWFE with leads and lags relative to each unit's start, and a joint pre-trend test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from linearmodels.panel import PanelOLS
from scipy import stats

from evaluatie.outcome import _panel
from evaluatie.outcome.staggered import _simultaneous_crit
from evaluatie.outcome.twfe import stata_cluster_factor


@dataclass(frozen=True)
class EventStudyResult:
    """Coefficients by event time (reference period fixed at 0) and the Wald test that all leads are zero."""

    table: pd.DataFrame  # event_time, estimate, se, ci_low, ci_high, cband_low, cband_high, binned
    pretrend_stat: float
    pretrend_df: int
    pretrend_p: float
    reference: int
    n_units: int
    n_treated: int
    n_obs: int
    warnings: tuple[str, ...]
    outcome: str
    alpha: float
    method: str = "event_study_twfe"
    inference: str = "cluster"
    inference_reason: str = "Standaardfouten geclusterd per eenheid; de pre-trendtoets is een F-toets op alle leads."

    def to_frame(self) -> pd.DataFrame:
        return self.table.assign(outcome=self.outcome, method=self.method, pretrend_p=self.pretrend_p)


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
    reference: int = -1,
    alpha: float = 0.05,
    seed: int = 0,
) -> EventStudyResult:
    """y_it = a_i + l_t + sum_e b_e 1[t - g_i = e] (+ covariates), e counted in periods, ``cohort`` 0 = never.

    Event times before ``-leads`` and after ``lags`` are binned into the endpoints, so the endpoint
    coefficients average the periods beyond them. Without never-treated units, leads and lags must be given
    (the fully dynamic specification is then not identified). With staggered starts the coefficients can mix
    effects of other event times (Sun & Abraham 2021): compare with ``estimate_staggered(...).aggregate("dynamic")``.
    """
    roles = {outcome: "uitkomstmaat", unit: "eenheid", time: "periode", cohort: "startperiode (0 = nooit)"}
    _panel.require_columns(df, roles)
    covs = _panel.prepare_covariates(df, covariates)
    _panel.check_weights(df, weights)
    _panel.require_numeric(df, cohort, "startperiode")
    _panel.check_no_duplicates(df, unit, time)
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
    never = ~treated
    if not never.any() and (leads is None or lags is None):
        raise ValueError("Er zijn geen nooit-behandelde eenheden: geef leads en lags op (de uiteinden worden dan "
                         "samengevoegd), anders is het model niet identificeerbaar.")
    t_idx = np.array([pos[v] for v in data[time]])
    g_idx = np.array([pos.get(v, 0) for v in g])
    e = np.where(treated, t_idx - g_idx, 0)
    lo = -int(leads) if leads is not None else int(e[treated].min())
    hi = int(lags) if lags is not None else int(e[treated].max())
    if not lo <= reference < 0 <= hi:
        raise ValueError(f"Leads en lags moeten de referentieperiode {reference} en periode 0 omvatten.")
    e_b = np.clip(e, lo, hi)
    event_times = [k for k in range(lo, hi + 1) if k != reference]
    cols = {}
    for k in event_times:
        col = (treated & (e_b == k)).astype(float)
        if col.any():
            cols[f"e{k}"] = col
    n_units = data[unit].nunique()
    idx = pd.MultiIndex.from_arrays([pd.factorize(data[unit])[0], t_idx])
    X = pd.DataFrame(cols, index=idx)
    for c in covs:
        X[c] = data[c].to_numpy(float)
    wts = pd.Series(data[weights].to_numpy(float), index=idx) if weights else None
    model = PanelOLS(pd.Series(data[outcome].to_numpy(float), index=idx), X, entity_effects=True,
                     time_effects=True, weights=wts, drop_absorbed=True)
    fit = model.fit(cov_type="clustered", cluster_entity=True, debiased=False, group_debias=False, auto_df=False,
                    count_effects=False)
    names = [c for c in cols if c in fit.params.index]
    factor = stata_cluster_factor(int(fit.nobs), n_units, len(fit.params) + len(periods))
    cov = fit.cov.loc[names, names].to_numpy() * factor
    est = fit.params[names].to_numpy()
    se = np.sqrt(np.diag(cov))
    crit_t = stats.t(n_units - 1).ppf(1 - alpha / 2)
    crit_u = _simultaneous_crit(cov, alpha, 10_000, seed)
    ev = [int(c[1:]) for c in names]
    table = pd.DataFrame({"event_time": ev, "estimate": est, "se": se, "ci_low": est - crit_t * se,
                          "ci_high": est + crit_t * se, "cband_low": est - crit_u * se,
                          "cband_high": est + crit_u * se})
    ref_row = pd.DataFrame({"event_time": [reference], "estimate": [0.0], "se": [np.nan], "ci_low": [np.nan],
                            "ci_high": [np.nan], "cband_low": [np.nan], "cband_high": [np.nan]})
    table = pd.concat([table, ref_row]).sort_values("event_time", ignore_index=True)
    binned = {lo: e.min() < lo if leads is not None else False, hi: e.max() > hi if lags is not None else False}
    table["binned"] = table["event_time"].map(lambda k: bool(binned.get(k, False)))
    dropped = [k for k in event_times if f"e{k}" not in names]
    if dropped:
        warnings.append(f"Gebeurtenistijden {dropped} zijn niet te schatten (geen waarnemingen of samenvallend).")
    lead_mask = np.array([k < reference or (reference < k < 0) for k in ev])
    stat = p = float("nan")
    q = int(lead_mask.sum())
    if q:
        b, v = est[lead_mask], cov[np.ix_(lead_mask, lead_mask)]
        stat = float(b @ np.linalg.pinv(v) @ b) / q
        p = float(stats.f.sf(stat, q, n_units - 1))
    else:
        warnings.append("Geen leads (perioden voor de start) naast de referentieperiode: geen pre-trendtoets.")
    if len(np.unique(g[treated])) > 1:
        warnings.append(
            "Verschillende startmomenten: de coëfficiënten van deze TWFE-eventstudie kunnen effecten van andere "
            "perioden mengen (Sun & Abraham). Vergelijk met de eventstudie per startcohort (Callaway & Sant'Anna)."
        )
    n_tr = int(data.loc[treated, unit].nunique())
    if n_tr < 10:
        warnings.append(f"Slechts {n_tr} behandelde eenheden: de geclusterde standaardfouten zijn vaak te klein.")
    return EventStudyResult(
        table=table, pretrend_stat=stat, pretrend_df=q, pretrend_p=p, reference=reference, n_units=n_units,
        n_treated=n_tr, n_obs=int(fit.nobs), warnings=tuple(warnings), outcome=outcome, alpha=alpha,
    )
