"""Staggered adoption: Callaway & Sant'Anna (2021) group-time effects ATT(g,t) and their aggregations.

Each ATT(g,t) is a 2x2 comparison of cohort g with clean comparison units (never treated, or not yet
treated), so no already-treated unit ever serves as a control, which is what biases TWFE under staggered
timing with effects that change over time. Inference uses the influence function of every estimate, summed
per cluster (the unit by default), so aggregations get standard errors without resampling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from linearmodels.iv import IV2SLS
from scipy import stats

from evaluatie.outcome import _panel
from evaluatie.outcome._logit import fit_logit

AGGREGATIONS = ("simple", "group", "dynamic", "calendar")
N_SIM_BAND = 2000
"""Draws for the simultaneous critical value (R did uses 1,000 bootstrap draws)."""


def _simultaneous_crit(cov: np.ndarray, alpha: float, n_sim: int, seed: int) -> float:
    """Critical value for a uniform band: quantile of max |Z_k| / sd_k with Z ~ N(0, cov).

    This is the Gaussian limit the multiplier bootstrap of Callaway & Sant'Anna approximates; simulating it
    from the (small) covariance of the estimates is exact in that limit and costs nothing for large panels.
    """
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    ok = sd > 0
    if ok.sum() == 0:
        return float("nan")
    if ok.sum() == 1:
        return float(stats.norm.ppf(1 - alpha / 2))
    corr = cov[np.ix_(ok, ok)] / np.outer(sd[ok], sd[ok])
    try:
        root = np.linalg.cholesky(corr + 1e-10 * np.eye(len(corr)))
    except np.linalg.LinAlgError:  # singular: cells that are combinations of others
        vals, vecs = np.linalg.eigh(corr)
        root = vecs * np.sqrt(np.clip(vals, 0, None))
    # einsum rather than BLAS: the matrices are tiny and threaded BLAS only adds start-up cost here
    z = np.einsum("sk,jk->sj", np.random.default_rng(seed).standard_normal((n_sim, len(corr))), root)
    return float(np.quantile(np.abs(z).max(axis=1), 1 - alpha))


def _weight_term(share_if: np.ndarray, cohort_of: np.ndarray, share: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Influence of estimating the weights share_k / sum(share), applied to ``values`` (as R did's ``wif``).

    ``share_if`` holds one influence column per cohort; ``cohort_of`` maps each weighted item to its column.
    """
    total = share.sum()
    per_cohort = np.bincount(cohort_of, weights=values, minlength=share_if.shape[1])
    count = np.bincount(cohort_of, minlength=share_if.shape[1]).astype(float)
    return share_if @ per_cohort / total - (share_if @ count) * (share @ values) / total**2


@dataclass(frozen=True)
class AggregateResult:
    """An aggregation of ATT(g,t): the overall effect plus a table by group, event time or calendar time."""

    kind: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    table: pd.DataFrame
    crit_value: float
    n_units: int
    n_treated: int
    method: str
    inference: str
    inference_reason: str
    warnings: tuple[str, ...] = ()
    outcome: str = ""
    alpha: float = 0.05

    @property
    def att(self) -> float:
        return self.estimate

    def to_frame(self) -> pd.DataFrame:
        """The table with one extra first row for the overall effect (``level`` = 'totaal')."""
        overall = pd.DataFrame(
            {"level": ["totaal"], "value": [np.nan], "estimate": [self.estimate], "se": [self.se],
             "ci_low": [self.ci_low], "ci_high": [self.ci_high], "p_value": [self.p_value]}
        )
        rows = self.table.rename(columns={self.table.columns[0]: "value"}).assign(level=self.table.columns[0])
        out = pd.concat([overall, rows], ignore_index=True)
        return out.assign(kind=self.kind, outcome=self.outcome, method=self.method, inference=self.inference,
                          n_units=self.n_units, n_treated=self.n_treated, warnings=" | ".join(self.warnings))


@dataclass(frozen=True)
class StaggeredResult:
    """Group-time effects ATT(g,t) with their influence functions, ready to aggregate."""

    att_gt: pd.DataFrame
    pretrend_stat: float
    pretrend_p: float
    n_units: int
    n_treated: int
    control_group: str
    base_period: str
    anticipation: int
    crit_value: float
    warnings: tuple[str, ...]
    outcome: str
    alpha: float
    method: str = "callaway_santanna"
    inference: str = "influence_function"
    inference_reason: str = ""
    seed: int = 0
    uniform_bands: bool = True
    _psi: np.ndarray = field(default=None, repr=False)  # clusters x cells, scaled so se = sqrt(sum psi^2)
    _share: np.ndarray = field(default=None, repr=False)  # per cell: estimated share of its cohort
    _share_if: np.ndarray = field(default=None, repr=False)  # clusters x cohorts: influence of the cohort shares
    _cohort_of: np.ndarray = field(default=None, repr=False)  # per cell: its column in _share_if

    def to_frame(self) -> pd.DataFrame:
        return self.att_gt.assign(outcome=self.outcome, control_group=self.control_group, method=self.method)

    def aggregate(self, kind: str = "simple", min_e: float = -np.inf, max_e: float = np.inf,
                  balance_e: int | None = None) -> AggregateResult:
        """Aggregate as R ``did::aggte``: "simple", "group", "dynamic" (event time) or "calendar".

        ``balance_e`` (dynamic only) keeps the cohorts observed at least that many periods after their start
        and event times up to it, so the composition of cohorts does not change along the event-time axis.
        """
        if kind not in AGGREGATIONS:
            raise ValueError(f"Onbekende aggregatie '{kind}'; kies uit {', '.join(AGGREGATIONS)}.")
        gt = self.att_gt
        ok = gt["att"].notna().to_numpy()
        g, t = gt["cohort"].to_numpy(), gt["time"].to_numpy()
        e = gt["event_time"].to_numpy()
        post = ok & (t >= g) & (e <= max_e)
        att = gt["att"].fillna(0.0).to_numpy()
        psi, share, share_if, cohort_of = self._psi, self._share, self._share_if, self._cohort_of

        def weighted(mask: np.ndarray) -> tuple[float, np.ndarray]:
            idx = np.flatnonzero(mask)
            wts = share[idx] / share[idx].sum()
            inf = psi[:, idx] @ wts + _weight_term(share_if, cohort_of[idx], share[idx], att[idx])
            return float(att[idx] @ wts), inf

        def equal(mask: np.ndarray) -> tuple[float, np.ndarray]:
            idx = np.flatnonzero(mask)
            return float(att[idx].mean()), psi[:, idx].mean(axis=1)

        if kind == "simple":
            if not post.any():
                raise ValueError("Geen enkele periode na de start met een schatting; er is niets te middelen.")
            est, inf = weighted(post)
            return self._aggregate_result(kind, est, inf, "cohort", [], [])
        if kind == "group":
            levels = [c for c in np.unique(g) if post[g == c].any()]
            parts = [equal(post & (g == c)) for c in levels]
            ests = np.array([p[0] for p in parts])
            infs = np.column_stack([p[1] for p in parts])
            first = np.array([np.flatnonzero(g == c)[0] for c in levels])
            s = share[first]
            wts = s / s.sum()
            overall = float(ests @ wts)
            inf = infs @ wts + _weight_term(share_if, cohort_of[first], s, ests)
            return self._aggregate_result(kind, overall, inf, "cohort", levels, list(zip(ests, infs.T)))
        if kind == "dynamic":
            use = ok & (e >= min_e) & (e <= max_e)
            if balance_e is not None:
                last = gt.groupby("cohort")["event_time"].max()
                use &= gt["cohort"].map(last).to_numpy() >= balance_e
                use &= e <= balance_e
            levels = sorted(np.unique(e[use]))
            parts = [weighted(use & (e == k)) for k in levels]
            keep = [i for i, k in enumerate(levels) if k >= 0]
            if not keep:
                raise ValueError("Geen gebeurtenistijd 0 of later; er is geen effect na de start te middelen.")
            overall = float(np.mean([parts[i][0] for i in keep]))
            inf = np.mean([parts[i][1] for i in keep], axis=0)
            return self._aggregate_result(kind, overall, inf, "event_time", levels, parts)
        levels = [c for c in np.unique(t) if post[t == c].any()]
        parts = [weighted(post & (t == c)) for c in levels]
        overall = float(np.mean([p[0] for p in parts]))
        inf = np.mean([p[1] for p in parts], axis=0)
        return self._aggregate_result(kind, overall, inf, "time", levels, parts)

    def _aggregate_result(self, kind, est, inf, level_name, levels, parts) -> AggregateResult:
        crit_n = stats.norm.ppf(1 - self.alpha / 2)
        se = float(np.sqrt(np.sum(inf**2)))
        rows = []
        crit = float("nan")
        if parts:
            infs = np.column_stack([p[1] for p in parts])
            ses = np.sqrt((infs**2).sum(axis=0))
            crit = (_simultaneous_crit(infs.T @ infs, self.alpha, N_SIM_BAND, self.seed) if self.uniform_bands
                    else float("nan"))
            for lev, (e_k, _), s_k in zip(levels, parts, ses):
                rows.append({level_name: lev, "estimate": e_k, "se": s_k, "ci_low": e_k - crit_n * s_k,
                             "ci_high": e_k + crit_n * s_k, "cband_low": e_k - crit * s_k,
                             "cband_high": e_k + crit * s_k, "p_value": 2 * stats.norm.sf(abs(e_k / s_k))})
        table = pd.DataFrame(rows, columns=[level_name, "estimate", "se", "ci_low", "ci_high", "cband_low",
                                            "cband_high", "p_value"])
        names = {"simple": "gewogen gemiddelde van alle ATT(g,t) na de start",
                 "group": "gemiddelde per startcohort", "dynamic": "naar tijd sinds de start",
                 "calendar": "naar kalenderperiode"}
        return AggregateResult(
            kind=kind, estimate=est, se=se, ci_low=est - crit_n * se, ci_high=est + crit_n * se,
            p_value=float(2 * stats.norm.sf(abs(est / se))) if se > 0 else float("nan"), table=table,
            crit_value=crit, n_units=self.n_units, n_treated=self.n_treated, method=f"callaway_santanna_{kind}",
            inference=self.inference,
            inference_reason=f"{self.inference_reason} Aggregatie: {names[kind]}; de band in de tabel is "
            "simultaan over alle rijen.",
            warnings=self.warnings, outcome=self.outcome, alpha=self.alpha,
        )


def _varies_within(data: pd.DataFrame, unit: str, col: str) -> bool:
    codes = pd.factorize(data[col])[0]
    grouped = pd.Series(codes, index=data.index).groupby(data[unit], sort=False)
    return bool((grouped.min() != grouped.max()).any())


def _cell_or(dy, x, w, treat, ctrl):
    """Outcome-regression DiD for one (g,t) cell (Sant'Anna & Zhao 2020, panel), with its influence function.

    Returns the estimate and the influence function on the cell's units (treat | ctrl), where x includes
    an intercept. Without covariates this is the plain difference of mean changes.
    """
    wt, wc = w * treat, w * ctrl
    if x is None:
        mt, mc = wt.mean(), wc.mean()
        eta_t = (wt * dy).sum() / wt.sum()
        beta0 = (wc * dy).sum() / wc.sum()
        inf = wt * (dy - eta_t) / mt - wc * (dy - beta0) / mc
        return eta_t - beta0, inf
    c = ctrl > 0
    fit = IV2SLS(dy[c], x[c], None, None, weights=w[c]).fit(cov_type="unadjusted")
    beta = np.asarray(fit.params)
    pred = x @ beta
    mt = wt.mean()
    eta_t = (wt * dy).sum() / wt.sum()
    eta_c = (wt * pred).sum() / wt.sum()
    xpx = (wc[:, None] * x).T @ x / len(dy)
    lin_rep = (wc * (dy - pred))[:, None] * x @ np.linalg.pinv(xpx)
    m1 = (wt[:, None] * x).mean(axis=0)
    inf_treat = wt * (dy - eta_t) / mt
    inf_ctrl = (wt * (pred - eta_c) + lin_rep @ m1) / mt
    return eta_t - eta_c, inf_treat - inf_ctrl


def _cell_dr(dy, x, w, treat, ctrl):
    """Doubly robust DiD for one (g,t) cell (Sant'Anna & Zhao 2020, panel; R did's default), with its influence
    function: outcome regression on the comparison units plus inverse-probability weights from a logit."""
    n = len(dy)
    _, ps, info_inv = fit_logit(x, treat, w)
    ps = np.minimum(ps, 1 - 1e-6)
    c = ctrl > 0
    fit = IV2SLS(dy[c], x[c], None, None, weights=w[c]).fit(cov_type="unadjusted")
    pred = x @ np.asarray(fit.params)
    wt = w * treat
    wc = w * ps * ctrl / (1 - ps)
    resid = dy - pred
    eta_t = (wt * resid).mean() / wt.mean()
    eta_c = (wc * resid).mean() / wc.mean()
    xpx = ((w * ctrl)[:, None] * x).T @ x / n
    lin_rep_ols = ((w * ctrl * resid)[:, None] * x) @ np.linalg.pinv(xpx)
    lin_rep_ps = (w * (treat - ps))[:, None] * x @ (info_inv * n)
    inf_treat = (wt * resid - wt * eta_t - lin_rep_ols @ (wt[:, None] * x).mean(axis=0)) / wt.mean()
    m2 = (wc * (resid - eta_c))[:, None] * x
    inf_ctrl = (wc * resid - wc * eta_c + lin_rep_ps @ m2.mean(axis=0)
                - lin_rep_ols @ (wc[:, None] * x).mean(axis=0)) / wc.mean()
    return eta_t - eta_c, inf_treat - inf_ctrl


def estimate_staggered(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    control_group: str = "never_treated",
    covariates: Sequence[str] | None = None,
    anticipation: int = 0,
    base_period: str = "varying",
    weights: str | None = None,
    cluster: str | None = None,
    alpha: float = 0.05,
    seed: int = 0,
    uniform_bands: bool = True,
    est_method: str = "dr",
) -> StaggeredResult:
    """Callaway & Sant'Anna ATT(g,t) on a unit x period panel; ``cohort`` is the first treated period, 0 = never.

    ``control_group`` is "never_treated" or "not_yet_treated"; ``base_period`` "varying" (pre-periods compare
    consecutive periods, as R did's default) or "universal" (all compare with the period before the start);
    ``anticipation`` shifts the base period that many periods earlier. Covariates, measured in the base
    period, enter by ``est_method`` "dr" (doubly robust, R did's default) or "reg" (outcome regression on the
    comparison units); without covariates both are the plain comparison of mean changes. Standard errors come
    from the influence function, clustered by unit (or by ``cluster``, which must contain whole units).
    ``uniform_bands`` adds simultaneous confidence bands (columns cband_low/cband_high).
    """
    if control_group not in ("never_treated", "not_yet_treated"):
        raise ValueError(f"Onbekende controlegroep '{control_group}'; kies 'never_treated' of 'not_yet_treated'.")
    if est_method not in ("dr", "reg"):
        raise ValueError(f"Onbekende schattingsmethode '{est_method}'; kies 'dr' of 'reg'.")
    if base_period not in ("varying", "universal"):
        raise ValueError(f"Onbekende basisperiode '{base_period}'; kies 'varying' of 'universal'.")
    if int(anticipation) != anticipation or anticipation < 0:
        raise ValueError(f"anticipation moet een geheel getal >= 0 zijn, niet {anticipation!r}.")
    roles = {outcome: "uitkomstmaat", unit: "eenheid", time: "periode", cohort: "startperiode (0 = nooit)"}
    if cluster:
        roles[cluster] = "cluster"
    _panel.require_columns(df, roles)
    covs = _panel.prepare_covariates(df, covariates)
    _panel.check_weights(df, weights)
    _panel.require_numeric(df, cohort, "startperiode")
    _panel.require_numeric(df, time, "periode")
    _panel.check_no_duplicates(df, unit, time)
    warnings: list[str] = []
    data = _panel.drop_missing_outcome(df, outcome, covs, warnings)
    if data[cohort].isna().any():
        raise ValueError(f"Kolom '{cohort}' (startperiode) heeft lege waarden; gebruik 0 voor nooit behandeld.")
    per_unit = data.groupby(unit, sort=True)
    for col, role in [(cohort, "startperiode"), (weights, "gewicht"), (cluster, "cluster")]:
        if col and _varies_within(data, unit, col):
            raise ValueError(f"Kolom '{col}' ({role}) verschilt binnen een eenheid; verwacht één waarde per eenheid.")

    periods = np.sort(data[time].unique())
    units = per_unit[cohort].first().index.to_numpy()
    g_val = per_unit[cohort].first().to_numpy(float)
    late = (g_val > periods[-1])
    if late.any():
        warnings.append(
            f"{int(late.sum())} eenheden starten pas na de laatste periode ({periods[-1]}); ze tellen als nooit "
            "behandeld."
        )
        g_val[late] = 0
    unknown = sorted(set(np.unique(g_val[(g_val != 0) & ~np.isin(g_val, periods)]).tolist()))
    if unknown:
        raise ValueError(
            f"Startperiode(n) {unknown} in kolom '{cohort}' komen niet voor als periode in '{time}' "
            f"(perioden: {list(periods)}). Controleer de startperiode of gebruik 0 voor nooit behandeld."
        )
    g_idx = np.where(g_val != 0, np.searchsorted(periods, g_val), -1)
    too_early = (g_idx >= 0) & (g_idx - anticipation <= 0)
    if too_early.any():
        warnings.append(
            f"{int(too_early.sum())} eenheden zijn al behandeld in de eerste periode (of in de anticipatieperiode); "
            "er is geen voorperiode, dus ze zijn weggelaten."
        )
    keep_units = ~too_early
    units, g_idx, g_val = units[keep_units], g_idx[keep_units], g_val[keep_units]
    if too_early.any():
        data = data[data[unit].isin(set(units))]
    n = len(units)
    u_pos = pd.Index(units).get_indexer(data[unit])
    t_pos = np.searchsorted(periods, data[time].to_numpy())
    k = len(periods)
    y = np.full((n, k), np.nan)
    y[u_pos, t_pos] = data[outcome].to_numpy(float)
    xs = None
    if covs:
        xs = np.full((n, k, len(covs)), np.nan)
        xs[u_pos, t_pos, :] = data[covs].to_numpy(float)
    w = per_unit[weights].first().to_numpy(float)[keep_units] if weights else np.ones(n)
    w = w / w.mean()
    if np.isnan(y).any():
        warnings.append(
            "Het panel is niet compleet (niet elke eenheid heeft elke periode); elke ATT(g,t) gebruikt de "
            "eenheden die in beide vergeleken perioden zijn waargenomen."
        )
    cohorts = np.unique(g_idx[g_idx >= 0])
    if len(cohorts) == 0:
        raise ValueError(f"Geen behandelde eenheden met een voorperiode in kolom '{cohort}'.")
    never = g_idx < 0
    if control_group == "never_treated" and not never.any():
        raise ValueError(
            "Geen eenheden die nooit behandeld zijn (startperiode 0); kies control_group='not_yet_treated'."
        )
    if cluster:
        cl_codes = pd.factorize(per_unit[cluster].first().to_numpy()[keep_units])[0]
    else:
        cl_codes = np.arange(n)
    n_cl = int(cl_codes.max()) + 1

    rows, psi_blocks, share_cols, share_if_cols, cohort_of = [], [], [], [], []
    for gi in cohorts:
        in_g = g_idx == gi
        share = float((w * in_g).mean())
        share_if = np.bincount(cl_codes, weights=w * in_g - share, minlength=n_cl) / n
        ref = gi - anticipation - 1
        pairs = []  # (period, its base period)
        for ti in range(k):
            if base_period == "varying" and ti < gi - anticipation:
                if ti > 0:
                    pairs.append((ti, ti - 1))
            elif ti != ref:
                pairs.append((ti, ref))
        t_i = np.array([p[0] for p in pairs])
        b_i = np.array([p[1] for p in pairs])
        # Only the cohort and its possible comparison units enter this cohort's cells.
        if control_group == "never_treated":
            rows_in = np.flatnonzero(in_g | never)
        else:
            rows_in = np.flatnonzero(in_g | never | (g_idx > np.maximum(t_i, b_i).min() + anticipation))
        gr, w_r = g_idx[rows_in], w[rows_in]
        dy = y[np.ix_(rows_in, t_i)] - y[np.ix_(rows_in, b_i)]  # units x cells of this cohort
        seen = ~np.isnan(dy)
        treat = (gr == gi)[:, None] & seen
        if control_group == "never_treated":
            ctrl = (gr < 0)[:, None] & seen
        else:
            later = (gr[:, None] > np.maximum(t_i, b_i)[None, :] + anticipation) & (gr != gi)[:, None]
            ctrl = ((gr < 0)[:, None] | later) & seen
        n_t, n_c = treat.sum(axis=0), ctrl.sum(axis=0)
        ok = (n_t > 0) & (n_c > 0)
        att = np.full(len(pairs), np.nan)
        psi = np.zeros((n_cl, len(pairs)))
        cl_r = cl_codes[rows_in]
        if not covs:
            # Difference of mean changes, all cells of the cohort at once; the influence function of each cell
            # scaled so that its sum of squares is the variance.
            dy0 = np.where(seen, dy, 0.0)
            wt, wc = w_r[:, None] * treat, w_r[:, None] * ctrl
            st, sc = wt.sum(axis=0), wc.sum(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                mt, mc = (wt * dy0).sum(axis=0) / st, (wc * dy0).sum(axis=0) / sc
                inf = wt * (dy0 - mt) / st - wc * (dy0 - mc) / sc
            att[ok] = (mt - mc)[ok]
            if cluster:
                np.add.at(psi, (cl_r[:, None], np.flatnonzero(ok)[None, :]), inf[:, ok])
            else:
                psi[np.ix_(rows_in, np.flatnonzero(ok))] = inf[:, ok]
        else:
            for j in np.flatnonzero(ok):
                cell = treat[:, j] | ctrl[:, j]
                x = np.column_stack([np.ones(cell.sum()), xs[rows_in[cell], b_i[j], :]])
                cell_fn = _cell_dr if est_method == "dr" else _cell_or
                att[j], inf = cell_fn(dy[cell, j], x, w_r[cell], treat[cell, j].astype(float),
                                      ctrl[cell, j].astype(float))
                psi[:, j] = np.bincount(cl_r[cell], weights=inf, minlength=n_cl) / cell.sum()
        rows.append((np.full(len(pairs), periods[gi]), periods[t_i], t_i - gi, periods[b_i], n_t, n_c, att))
        psi_blocks.append(psi)
        share_cols += [share] * len(pairs)
        cohort_of += [len(share_if_cols)] * len(pairs)
        share_if_cols.append(share_if)
    cohort_v, time_v, event_v, base_v, n_t_v, n_c_v, att = (np.concatenate(c) for c in zip(*rows))
    psi = np.hstack(psi_blocks)
    share_arr = np.array(share_cols)
    share_if = np.column_stack(share_if_cols)
    missing = np.isnan(att)
    if missing.any():
        warnings.append(
            f"{int(missing.sum())} van de {len(att)} ATT(g,t) zijn niet te schatten (geen behandelde of geen "
            "vergelijkingseenheden in die periode)."
        )
    se = np.sqrt((psi**2).sum(axis=0))
    se[missing] = np.nan
    crit_n = stats.norm.ppf(1 - alpha / 2)
    valid = ~missing & (se > 0)
    crit = _simultaneous_crit(psi[:, valid].T @ psi[:, valid], alpha, N_SIM_BAND, seed) if uniform_bands else np.nan
    att_gt = pd.DataFrame({
        "cohort": cohort_v, "time": time_v, "att": att, "se": se, "ci_low": att - crit_n * se,
        "ci_high": att + crit_n * se, "cband_low": att - crit * se, "cband_high": att + crit * se,
        "event_time": event_v, "base_period": base_v, "n_treated": n_t_v, "n_control": n_c_v,
    })
    pre = valid & (time_v < cohort_v)
    if base_period == "universal":
        pre &= time_v != base_v
    stat, p_pre = float("nan"), float("nan")
    if pre.any():
        theta = att[pre]
        v = psi[:, pre].T @ psi[:, pre]
        stat = float(theta @ np.linalg.pinv(v) @ theta)
        p_pre = float(stats.chi2.sf(stat, np.linalg.matrix_rank(v)))
    else:
        warnings.append("Geen voorperioden om de aanname van parallelle trends te toetsen.")
    n_tr = int((g_idx >= 0).sum())
    if n_tr < 10:
        warnings.append(
            f"Slechts {n_tr} behandelde eenheden: de standaardfouten uit de invloedsfunctie zijn dan onbetrouwbaar. "
            "Lees de intervallen als een ondergrens van de onzekerheid."
        )
    clustered = f"per cluster '{cluster}'" if cluster else "per eenheid"
    return StaggeredResult(
        att_gt=att_gt, pretrend_stat=stat, pretrend_p=p_pre, n_units=n, n_treated=n_tr,
        control_group=control_group, base_period=base_period, anticipation=int(anticipation), crit_value=crit,
        warnings=tuple(warnings), outcome=outcome, alpha=alpha,
        inference_reason=f"Standaardfouten uit de invloedsfunctie, geclusterd {clustered}; "
        f"vergelijkingsgroep: {'nooit behandeld' if control_group == 'never_treated' else 'nog niet behandeld'}.",
        seed=seed, uniform_bands=uniform_bands, _psi=psi, _share=share_arr, _share_if=share_if,
        _cohort_of=np.array(cohort_of),
    )
