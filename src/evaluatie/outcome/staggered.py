"""Staggered adoption: Callaway & Sant'Anna (2021) group-time effects ATT(g,t) and their aggregations.

Each ATT(g,t) is a 2x2 comparison of cohort g with clean comparison units (never treated, or not yet
treated), so no already-treated unit ever serves as a control, which is what biases TWFE under staggered
timing with effects that change over time. Inference (``inference=``, the same options as TWFE):

- "cluster": the influence function of every estimate summed per cluster (the unit by default), as R did;
- "wild_bootstrap": R did's multiplier bootstrap of those influence functions by cluster (Mammen weights);
- "randomization": start cohorts reassigned among the units (clusters), keeping the size of every cohort;
- "auto": the rule in ``inference.choose_inference`` (randomisation with fewer than 10 treated clusters).

Every aggregation and its table inherit the inference of the group-time estimates, so the bands of the
event-study figure come from the same inference as the headline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from evaluatie.outcome import _group_time as gt_core
from evaluatie.outcome import _panel
from evaluatie.outcome.inference import (
    AUTO_MIN_TREATED,
    Inference,
    assignment_draws,
    choose_inference,
    effective_number,
    few_assignments_warning,
    informative,
    multiplier_bootstrap,
    placebo_table,
    randomization_reason,
    sharp_null_test,
)
from evaluatie.outcome.results import Call, InferenceRow, Result, plot_rows

Aggregation = Literal["simple", "group", "dynamic", "calendar"]
AGGREGATIONS: tuple[str, ...] = get_args(Aggregation)
ControlGroup = Literal["never_treated", "not_yet_treated"]
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


# ---------------------------------------------------------------------------------------------------------
# Aggregation: which cells form each row and how rows and cells are weighted (one spec for every path)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """An aggregation as weights over cells: rows of cells (share-weighted or equal), and an overall effect
    over some rows (share-weighted by the rows' cohorts, or their plain mean)."""

    level_name: str
    levels: list
    rows: list[np.ndarray]
    row_by_share: bool
    overall_rows: list[int]
    overall_by_share: bool
    show_rows: bool = True


def _spec(kind: str, gt: pd.DataFrame, min_e: float, max_e: float, balance_e: int | None) -> _Spec:
    ok = gt["att"].notna().to_numpy()
    g, t, e = gt["cohort"].to_numpy(), gt["time"].to_numpy(), gt["event_time"].to_numpy()
    post = ok & (t >= g) & (e <= max_e)
    if kind == "simple":
        if not post.any():
            raise ValueError("Geen enkele periode na de start met een schatting; er is niets te middelen.")
        return _Spec("cohort", [], [np.flatnonzero(post)], True, [0], True, show_rows=False)
    if kind == "group":
        levels = [c for c in np.unique(g) if post[g == c].any()]
        return _Spec("cohort", levels, [np.flatnonzero(post & (g == c)) for c in levels], False,
                     list(range(len(levels))), True)
    if kind == "dynamic":
        use = ok & (e >= min_e) & (e <= max_e)
        if balance_e is not None:
            last = gt.groupby("cohort")["event_time"].max()
            use &= gt["cohort"].map(last).to_numpy() >= balance_e
            use &= e <= balance_e
        levels = sorted(np.unique(e[use]))
        keep = [i for i, k in enumerate(levels) if k >= 0]
        if not keep:
            raise ValueError("Geen gebeurtenistijd 0 of later; er is geen effect na de start te middelen.")
        return _Spec("event_time", levels, [np.flatnonzero(use & (e == k)) for k in levels], True, keep, False)
    levels = [c for c in np.unique(t) if post[t == c].any()]
    return _Spec("time", levels, [np.flatnonzero(post & (t == c)) for c in levels], True,
                 list(range(len(levels))), False)


def _combine(att: np.ndarray, share: np.ndarray, spec: _Spec) -> tuple[np.ndarray, np.ndarray]:
    """Rows and overall effect for a batch of ATT(g,t) (draws x cells) with their cohort shares."""
    rows = np.column_stack([
        (att[:, idx] * share[:, idx]).sum(axis=1) / share[:, idx].sum(axis=1) if spec.row_by_share
        else att[:, idx].mean(axis=1) for idx in spec.rows])
    chosen = rows[:, spec.overall_rows]
    if spec.overall_by_share:
        first = share[:, [spec.rows[r][0] for r in spec.overall_rows]]
        return rows, (chosen * first).sum(axis=1) / first.sum(axis=1)
    return rows, chosen.mean(axis=1)


def _combine_influence(psi, att, share, share_if, cohort_of, spec: _Spec) -> tuple[np.ndarray, np.ndarray]:
    """Influence functions (clusters x rows, clusters) of ``_combine`` at the observed assignment, with the
    estimation of the cohort shares accounted for (R did's ``wif``)."""
    infs = []
    for idx in spec.rows:
        if spec.row_by_share:
            wts = share[idx] / share[idx].sum()
            infs.append(psi[:, idx] @ wts + _weight_term(share_if, cohort_of[idx], share[idx], att[idx]))
        else:
            infs.append(psi[:, idx].mean(axis=1))
    infs = np.column_stack(infs)
    rows, _ = _combine(att[None, :], share[None, :], spec)
    chosen = infs[:, spec.overall_rows]
    if spec.overall_by_share:
        first = np.array([spec.rows[r][0] for r in spec.overall_rows])
        s = share[first]
        overall = chosen @ (s / s.sum()) + _weight_term(share_if, cohort_of[first], s, rows[0, spec.overall_rows])
    else:
        overall = chosen.mean(axis=1)
    return infs, overall


# ---------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------


def _cluster_rows(est, se_if, alpha, n_clusters):
    """Clustered inference from influence-function standard errors with the small-sample factor G/(G-1) and
    a t(G-1) reference, as TWFE's CRV1 (R did reports the unadjusted normal version)."""
    se = se_if * np.sqrt(n_clusters / (n_clusters - 1))
    dist = stats.t(n_clusters - 1)
    crit = dist.ppf(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * dist.sf(np.abs(est / se))
    return {"se": se, "ci_low": est - crit * se, "ci_high": est + crit * se, "p_value": p}


@dataclass(frozen=True, kw_only=True, repr=False)
class AggregateResult(Result):
    """An aggregation of ATT(g,t): the overall effect plus a table by group, event time or calendar time."""

    kind: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    table: pd.DataFrame = field(repr=False)
    crit_value: float = float("nan")
    other_inference: tuple[InferenceRow, ...] = ()
    # dynamic with a universal base period: the unit-clustered covariance of the rows by event time (the
    # reference period left out) and that reference, which is what a sensitivity analysis of the trends needs
    covariance: pd.DataFrame | None = field(default=None, repr=False)
    reference: int | None = None

    title = "Callaway & Sant'Anna aggregation"

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
        out = pd.concat([overall, rows], ignore_index=True) if len(rows) else overall
        return out.assign(kind=self.kind, outcome=self.outcome, method=self.method, inference=self.inference,
                          n_units=self.n_units, n_treated=self.n_treated, warnings=" | ".join(self.warnings))

    def _display_frame(self) -> pd.DataFrame:
        cols = ["level", "value", "estimate", "se", "ci_low", "ci_high", "p_value"]
        return self.to_frame()[cols]

    def _short(self) -> str:
        return (f" {self.kind} estimate={self.estimate:.4g} [{self.ci_low:.4g}, {self.ci_high:.4g}]"
                f" p={self.p_value:.3g} ({self.inference})")

    def plot(self, ax=None):
        """The rows of the table (e.g. the event study of ``dynamic``) with intervals and simultaneous band."""
        if self.table.empty:
            from evaluatie.outcome.results import _axes

            ax = _axes(ax)
            ax.errorbar([0], [self.estimate], yerr=[[self.estimate - self.ci_low], [self.ci_high - self.estimate]],
                        fmt="o", capsize=3)
            ax.axhline(0, color="0.4", linewidth=0.8)
            ax.set_xticks([0], [self.kind])
            return ax
        t = self.table
        return plot_rows(ax, t.iloc[:, 0], t["estimate"], t["ci_low"], t["ci_high"], t["cband_low"],
                         t["cband_high"], xlabel=t.columns[0], title=self.method)


@dataclass(frozen=True, kw_only=True, repr=False)
class StaggeredResult(Result):
    """Group-time effects ATT(g,t) with what their aggregations need (influence functions, placebo draws)."""

    att_gt: pd.DataFrame = field(repr=False)
    pretrend_stat: float
    pretrend_p: float
    control_group: str
    base_period: str
    anticipation: int
    crit_value: float
    seed: int = 0
    n_draws: int = 999
    uniform_bands: bool = True
    n_clusters: int = 0
    _psi: np.ndarray = field(default=None, repr=False)  # clusters x cells, scaled so se = sqrt(sum psi^2)
    _share: np.ndarray = field(default=None, repr=False)  # per cell: estimated share of its cohort
    _share_if: np.ndarray = field(default=None, repr=False)  # clusters x cohorts: influence of the cohort shares
    _cohort_of: np.ndarray = field(default=None, repr=False)  # per cell: its column in _share_if
    _placebo: dict | None = field(default=None, repr=False)  # randomisation draws (see _placebo_draws)

    title = "Callaway & Sant'Anna group-time effects ATT(g,t)"

    def to_frame(self) -> pd.DataFrame:
        return self.att_gt.assign(outcome=self.outcome, control_group=self.control_group, method=self.method)

    def _display_frame(self) -> pd.DataFrame:
        return self.att_gt[["cohort", "time", "event_time", "att", "se", "ci_low", "ci_high"]]

    def _facts(self) -> list[tuple[str, str]]:
        return super()._facts() + [("pre-trend test", f"chi2 = {self.pretrend_stat:.4g}, p = {self.pretrend_p:.4g}")]

    def _short(self) -> str:
        return f" {len(self.att_gt)} cells, cohorts {sorted(self.att_gt['cohort'].unique().tolist())}"

    def plot(self, ax=None):
        """ATT(g,t) against event time, one colour per cohort."""
        from evaluatie.outcome.results import _axes

        ax = _axes(ax)
        for k, (cohort, part) in enumerate(self.att_gt.dropna(subset=["att"]).groupby("cohort")):
            ax.errorbar(part["event_time"] + 0.08 * k, part["att"], yerr=[part["att"] - part["ci_low"],
                        part["ci_high"] - part["att"]], fmt="o", capsize=2, label=f"cohort {cohort}")
        ax.axhline(0, color="0.4", linewidth=0.8)
        ax.set_xlabel("event_time")
        ax.legend(fontsize="small")
        return ax

    def aggregate(self, kind: Aggregation = "simple", min_e: float = -np.inf, max_e: float = np.inf,
                  balance_e: int | None = None) -> AggregateResult:
        """Aggregate as R ``did::aggte``: "simple", "group", "dynamic" (event time) or "calendar".

        ``balance_e`` (dynamic only) keeps the cohorts observed at least that many periods after their start
        and event times up to it, so the composition of cohorts does not change along the event-time axis.
        The inference is that of the group-time effects (cluster, wild bootstrap or randomisation).
        """
        if kind not in AGGREGATIONS:
            raise ValueError(f"Onbekende aggregatie '{kind}'; kies uit {', '.join(AGGREGATIONS)}.")
        spec = _spec(kind, self.att_gt, min_e, max_e, balance_e)
        att = self.att_gt["att"].fillna(0.0).to_numpy()
        rows, overall = _combine(att[None, :], self._share[None, :], spec)
        rows, overall = rows[0], float(overall[0])
        inf_rows, inf_overall = _combine_influence(self._psi, att, self._share, self._share_if, self._cohort_of,
                                                   spec)
        analytic_rows = _cluster_rows(rows, np.sqrt((inf_rows**2).sum(axis=0)), self.alpha, self.n_clusters)
        analytic = _cluster_rows(np.array([overall]), np.array([np.sqrt(np.sum(inf_overall**2))]), self.alpha,
                                 self.n_clusters)
        crit = (_simultaneous_crit(inf_rows.T @ inf_rows, self.alpha, N_SIM_BAND, self.seed)
                if self.uniform_bands and spec.show_rows else float("nan"))
        head, table_inf = {k: float(v[0]) for k, v in analytic.items()}, analytic_rows
        if self.inference == "wild_bootstrap":
            boot = multiplier_bootstrap(inf_overall[:, None], np.array([overall]), self.n_draws, self.seed, self.alpha)
            head = {k: float(np.ravel(boot[k])[0]) for k in ("se", "ci_low", "ci_high", "p_value")}
            table_inf = multiplier_bootstrap(inf_rows, rows, self.n_draws, self.seed, self.alpha)
            crit = table_inf["crit"] if self.uniform_bands else float("nan")
        elif self.inference == "randomization":
            draws = self._placebo
            placebo_rows, placebo = _combine(draws["att"][:, :, 0], draws["share"], spec)
            treatment_rows, treatment = _combine(draws["att"][:, :, 1], draws["share"], spec)
            errors, _ = _combine(draws["att"][:, :, 2], draws["share"], spec)
            keep = np.isfinite(placebo) & np.isfinite(treatment) & np.isfinite(errors).all(axis=1)
            head = sharp_null_test(overall, placebo[keep], treatment[keep], draws["exact"], self.alpha)
            table_inf = placebo_table(rows, errors[keep], draws["identity"][keep], self.alpha)
            crit = table_inf["crit"] if self.uniform_bands else float("nan")
        se_rows = np.asarray(table_inf["se"], float)
        table = pd.DataFrame({spec.level_name: spec.levels, "estimate": rows if spec.show_rows else [],
                              "se": se_rows if spec.show_rows else [],
                              "ci_low": table_inf["ci_low"] if spec.show_rows else [],
                              "ci_high": table_inf["ci_high"] if spec.show_rows else [],
                              "cband_low": rows - crit * se_rows if spec.show_rows else [],
                              "cband_high": rows + crit * se_rows if spec.show_rows else [],
                              "p_value": table_inf["p_value"] if spec.show_rows else []})
        others = ()
        if self.inference != "cluster":
            others = (InferenceRow("cluster", float(analytic["se"][0]), float(analytic["ci_low"][0]),
                                   float(analytic["ci_high"][0]), float(analytic["p_value"][0]),
                                   informative("cluster", self.n_treated),
                                   "Standaardfouten uit de invloedsfunctie, geclusterd."),)
        covariance, reference = None, None
        if kind == "dynamic" and self.base_period == "universal" and spec.show_rows:
            reference = -1 - self.anticipation
            keep = np.asarray(spec.levels) != reference
            scaled = inf_rows[:, keep] * np.sqrt(self.n_clusters / (self.n_clusters - 1))
            times = [int(e) for e in np.asarray(spec.levels)[keep]]
            covariance = pd.DataFrame(scaled.T @ scaled, index=times, columns=times)
        names = {"simple": "gewogen gemiddelde van alle ATT(g,t) na de start",
                 "group": "gemiddelde per startcohort", "dynamic": "naar tijd sinds de start",
                 "calendar": "naar kalenderperiode"}
        return AggregateResult(
            kind=kind, estimate=overall, se=head["se"], ci_low=head["ci_low"], ci_high=head["ci_high"],
            p_value=head["p_value"], table=table, crit_value=crit, n_units=self.n_units, n_treated=self.n_treated,
            method=f"callaway_santanna_{kind}", inference=self.inference, inference_code=self.inference_code,
            inference_reason=f"{self.inference_reason} Aggregatie: {names[kind]}; de band in de tabel is "
            "simultaan over alle rijen.", warnings=self.warnings, outcome=self.outcome, alpha=self.alpha,
            call=self.call, other_inference=others, covariance=covariance, reference=reference,
        )


# ---------------------------------------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------------------------------------


def _varies_within(data: pd.DataFrame, unit: str, col: str) -> bool:
    codes = pd.factorize(data[col])[0]
    grouped = pd.Series(codes, index=data.index).groupby(data[unit], sort=False)
    return bool((grouped.min() != grouped.max()).any())


def _balance(data: pd.DataFrame, unit: str, time: str, warnings: list[str]) -> pd.DataFrame:
    """Keep the units seen in every period, as R did does unless ``allow_unbalanced_panel = TRUE``."""
    n_periods = data[time].nunique()
    complete = data.groupby(unit)[time].transform("nunique") == n_periods
    if complete.all():
        return data
    dropped = data.loc[~complete, unit].nunique()
    warnings.append(
        f"Het panel is niet compleet: {dropped} van de {data[unit].nunique()} eenheden zijn niet in elke periode "
        "waargenomen en zijn weggelaten (zoals het R-pakket did standaard doet; allow_unbalanced_panel=True houdt "
        "ze, elke ATT(g,t) gebruikt dan de eenheden die in beide vergeleken perioden zijn waargenomen)."
    )
    return data.loc[complete]


def _placebo_draws(dy: np.ndarray, xs_base, labels: np.ndarray, clusters: np.ndarray, w: np.ndarray,
                   cells: gt_core.Cells, cohorts: np.ndarray, settings: gt_core.Settings, n_draws: int,
                   seed: int) -> dict:
    """ATT(g,t) for reassigned start cohorts (per cluster, keeping cohort sizes) on three layers: the outcome,
    the treatment indicator and the outcome with every estimated post-start ATT(g,t) taken out."""
    per_cluster = np.full(clusters.max() + 1, gt_core.NEVER)
    per_cluster[clusters] = labels
    draws, exact, total = assignment_draws(per_cluster, n_draws, seed)
    att, share, identity = [], [], []
    chunk = max(1, int(2e7 // max(dy.size, 1)))
    n = len(labels)
    while True:
        batch = [d for _, d in zip(range(chunk), draws)]
        if not batch:
            break
        identity += [np.array_equal(d, per_cluster) for d in batch]
        unit_labels = np.stack(batch)[:, clusters]
        if xs_base is None:
            att.append(gt_core.att_for_labels(dy, unit_labels, w, cells, cohorts, settings)[0])
        else:
            att.append(np.stack([gt_core.att_with_covariates(dy, xs_base, lab, w, cells, cohorts, settings)[0]
                                 for lab in unit_labels]))
        share.append(np.stack([(w[None, :] * (unit_labels == g)).sum(axis=1) / n for g in cells.cohort], axis=1))
    return {"att": np.concatenate(att), "share": np.concatenate(share), "exact": exact, "total": total,
            "identity": np.array(identity)}


def estimate_staggered(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    control_group: ControlGroup = "never_treated",
    covariates: Sequence[str] | None = None,
    anticipation: int = 0,
    base_period: Literal["varying", "universal"] = "varying",
    weights: str | None = None,
    cluster: str | None = None,
    alpha: float = 0.05,
    seed: int = 0,
    uniform_bands: bool = True,
    est_method: Literal["dr", "reg"] = "dr",
    inference: Inference = "cluster",
    n_draws: int = 999,
    allow_unbalanced_panel: bool = False,
) -> StaggeredResult:
    """Callaway & Sant'Anna ATT(g,t) on a unit x period panel; ``cohort`` is the first treated period, 0 = never.

    ``control_group`` is "never_treated" or "not_yet_treated"; ``base_period`` "varying" (pre-periods compare
    consecutive periods, as R did's default) or "universal" (all compare with the period before the start);
    ``anticipation`` moves every start that many periods earlier (the base period is the last period before
    the anticipated start). Covariates, measured in the base period, enter by ``est_method`` "dr" (doubly
    robust, R did's default) or "reg" (outcome regression on the comparison units); without covariates both
    are the plain comparison of mean changes. ``inference``: see the module docstring; ``n_draws`` draws for
    the bootstrap and random reassignments (exact enumeration when there are at most 20,000 assignments).
    ``cluster`` must contain whole units (and, for randomisation, one start per cluster). An unbalanced panel
    is balanced first (units not seen in every period are dropped, as R did) unless
    ``allow_unbalanced_panel``. ``uniform_bands`` adds simultaneous bands (columns cband_low/cband_high).
    """
    for value, allowed, name in [(control_group, get_args(ControlGroup), "controlegroep"),
                                 (est_method, ("dr", "reg"), "schattingsmethode"),
                                 (base_period, ("varying", "universal"), "basisperiode")]:
        if value not in allowed:
            raise ValueError(f"Onbekende {name} '{value}'; kies uit {', '.join(repr(a) for a in allowed)}.")
    choice = choose_inference(inference, 0, second_opinion=None)  # validates the name; resolved below
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
    for col, role in [(cohort, "startperiode"), (weights, "gewicht"), (cluster, "cluster")]:
        if col and _varies_within(data, unit, col):
            raise ValueError(f"Kolom '{col}' ({role}) verschilt binnen een eenheid; verwacht één waarde per eenheid.")
    periods = np.sort(data[time].unique())
    if not allow_unbalanced_panel:
        data = _balance(data, unit, time, warnings)
    per_unit = data.groupby(unit, sort=True)
    units = per_unit[cohort].first().index.to_numpy()
    g_val = per_unit[cohort].first().to_numpy(float)
    late = g_val > periods[-1]
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
    g_idx = np.where(g_val != 0, np.searchsorted(periods, g_val), gt_core.NEVER)
    too_early = (g_idx >= 0) & (g_idx - anticipation <= 0)
    if too_early.any():
        warnings.append(
            f"{int(too_early.sum())} eenheden zijn al behandeld in de eerste periode (of in de anticipatieperiode); "
            "er is geen voorperiode, dus ze zijn weggelaten."
        )
        units, g_idx = units[~too_early], g_idx[~too_early]
        data = data[data[unit].isin(set(units))]
    keep_units = ~too_early
    n, k = len(units), len(periods)
    u_pos = pd.Index(units).get_indexer(data[unit])
    t_pos = np.searchsorted(periods, data[time].to_numpy())
    y = np.full((n, k), np.nan)
    y[u_pos, t_pos] = data[outcome].to_numpy(float)
    xs = None
    if covs:
        xs = np.full((n, k, len(covs)), np.nan)
        xs[u_pos, t_pos, :] = data[covs].to_numpy(float)
    w = per_unit[weights].first().to_numpy(float)[keep_units] if weights else np.ones(n)
    w = w / w.mean()
    if allow_unbalanced_panel and np.isnan(y).any():
        warnings.append(
            "Het panel is niet compleet (niet elke eenheid heeft elke periode); elke ATT(g,t) gebruikt de "
            "eenheden die in beide vergeleken perioden zijn waargenomen."
        )
    cohorts = np.unique(g_idx[g_idx >= 0])
    if len(cohorts) == 0:
        raise ValueError(f"Geen behandelde eenheden met een voorperiode in kolom '{cohort}'.")
    if control_group == "never_treated" and not (g_idx < 0).any():
        raise ValueError(
            "Geen eenheden die nooit behandeld zijn (startperiode 0); kies control_group='not_yet_treated'."
        )
    cl_codes = (pd.factorize(per_unit[cluster].first().to_numpy()[keep_units])[0] if cluster else np.arange(n))
    n_cl = int(cl_codes.max()) + 1
    n_tr = int((g_idx >= 0).sum())
    treated_clusters = len(np.unique(cl_codes[g_idx >= 0]))
    cluster_weight = np.bincount(cl_codes, weights=w, minlength=n_cl)
    effective = effective_number(cluster_weight[np.unique(cl_codes[g_idx >= 0])]) if weights else None
    choice = choose_inference(inference, treated_clusters, second_opinion=None, effective_treated=effective)
    settings = gt_core.Settings(control_group, base_period, int(anticipation), est_method)
    cells = gt_core.cells_for(cohorts, k, settings)
    dy = gt_core.changes(y, cells)[:, :, None]
    xs_base = xs[:, cells.base, :] if covs else None
    if xs_base is None:
        att = gt_core.att_for_labels(dy, g_idx[None, :], w, cells, cohorts, settings)[0][0, :, 0]
        unit_inf = gt_core.influence(dy[:, :, 0], g_idx, w, cells, cohorts, settings, att)
    else:
        att_layers, unit_inf = gt_core.att_with_covariates(dy, xs_base, g_idx, w, cells, cohorts, settings)
        att = att_layers[:, 0]
    psi = np.zeros((n_cl, len(cells)))
    np.add.at(psi, cl_codes, unit_inf)
    seen = ~np.isnan(dy[:, :, 0])
    treat_seen = (g_idx[:, None] == cells.cohort[None, :]) & seen
    n_t = treat_seen.sum(axis=0)
    ctrl_mask = gt_core._control_mask(cells, np.concatenate([[gt_core.NEVER], cohorts]), settings)
    n_c = (ctrl_mask[np.searchsorted(np.concatenate([[gt_core.NEVER], cohorts]), g_idx)] & seen).sum(axis=0)
    cohort_col = np.searchsorted(cohorts, cells.cohort)
    share_by_cohort = np.array([(w * (g_idx == c)).mean() for c in cohorts])
    share_if = np.column_stack([np.bincount(cl_codes, weights=w * (g_idx == c) - s, minlength=n_cl) / n
                                for c, s in zip(cohorts, share_by_cohort)])
    missing = np.isnan(att)
    if missing.any():
        warnings.append(
            f"{int(missing.sum())} van de {len(att)} ATT(g,t) zijn niet te schatten (geen behandelde of geen "
            "vergelijkingseenheden in die periode)."
        )
    se = np.sqrt((psi**2).sum(axis=0))
    se[missing] = np.nan
    valid = ~missing & (se > 0)
    cell_inf = _cluster_rows(att, se, alpha, n_cl)
    se = cell_inf["se"]
    crit = _simultaneous_crit(psi[:, valid].T @ psi[:, valid], alpha, N_SIM_BAND, seed) if uniform_bands else np.nan
    placebo = None
    pre = valid & (cells.time < cells.cohort)
    if base_period == "universal":
        pre &= cells.time != cells.base
    stat, p_pre = float("nan"), float("nan")
    if pre.any():
        theta = att[pre]
        v = psi[:, pre].T @ psi[:, pre]
        stat = float(theta @ np.linalg.pinv(v) @ theta)
        p_pre = float(stats.chi2.sf(stat, np.linalg.matrix_rank(v)))
    else:
        warnings.append("Geen voorperioden om de aanname van parallelle trends te toetsen.")
    clustered = f"per cluster '{cluster}'" if cluster else "per eenheid"
    reason = (f"Standaardfouten uit de invloedsfunctie, geclusterd {clustered}, met de kleine-steekproeffactor "
              "G/(G-1) en een t-verdeling met G-1 vrijheidsgraden")
    if choice.lead == "wild_bootstrap":
        boot = multiplier_bootstrap(psi[:, valid], att[valid], n_draws, seed, alpha)
        for key in ("se", "ci_low", "ci_high", "p_value"):
            cell_inf[key] = cell_inf[key].copy()
            cell_inf[key][valid] = boot[key]
        se = cell_inf["se"]
        crit = boot["crit"] if uniform_bands else np.nan
        reason = (f"Multiplier-bootstrap van de invloedsfunctie ({n_draws} trekkingen, Mammen-gewichten, "
                  f"geclusterd {clustered}), zoals het R-pakket did")
    elif choice.lead == "randomization":
        if cluster and _varies_within(pd.DataFrame({"c": cl_codes, "g": g_idx}), "c", "g"):
            raise ValueError(f"Eenheden binnen één cluster van '{cluster}' starten op verschillende momenten; "
                             "startcohorten herschikken per cluster kan dan niet. Kies een andere inferentie.")
        d_layer = np.where(np.isnan(y), np.nan, ((g_idx[:, None] >= 0) & (np.arange(k)[None, :] >= g_idx[:, None])))
        y0 = y.copy()
        post_cells = valid & (cells.time >= cells.cohort)
        for j in np.flatnonzero(post_cells):
            y0[g_idx == cells.cohort[j], cells.time[j]] -= att[j]
        layers = np.stack([y, d_layer.astype(float), y0], axis=-1)
        placebo = _placebo_draws(gt_core.changes(layers, cells), xs_base, g_idx, cl_codes, w, cells, cohorts,
                                 settings, n_draws, seed)
        errors = placebo["att"][:, :, 2]
        ok_draws = np.isfinite(errors[:, valid]).all(axis=1)
        table = placebo_table(att[valid], errors[ok_draws][:, valid], placebo["identity"][ok_draws], alpha)
        for key in ("se", "ci_low", "ci_high", "p_value"):
            cell_inf[key] = np.full(len(att), np.nan)
            cell_inf[key][valid] = table[key]
        se = cell_inf["se"]
        crit = table["crit"] if uniform_bands else np.nan
        if pre.any():
            e_pre = errors[ok_draws][:, pre]
            v_pre = np.linalg.pinv(np.cov(e_pre, rowvar=False).reshape(pre.sum(), pre.sum()))
            stat = float(att[pre] @ v_pre @ att[pre])
            w_b = np.einsum("bi,ij,bj->b", e_pre, v_pre, e_pre)
            extra = 0 if placebo["exact"] else 1
            p_pre = float(((w_b >= stat - 1e-10).sum() + extra) / (len(w_b) + extra))
        reason = randomization_reason(placebo["exact"], placebo["total"], len(placebo["att"]),
                                      "startcohorten herschikt over de " + ("clusters" if cluster else "eenheden")
                                      + " met gelijke cohortgrootte")
        warnings += few_assignments_warning(placebo["total"], alpha)
    if choice.lead == "cluster" and treated_clusters < AUTO_MIN_TREATED:
        warnings.append(
            f"Slechts {treated_clusters} behandelde {'clusters' if cluster else 'eenheden'}: de standaardfouten uit de "
            "invloedsfunctie zijn dan onbetrouwbaar. Lees de intervallen als een ondergrens van de onzekerheid."
        )
    comparison = "nooit behandeld" if control_group == "never_treated" else "nog niet behandeld"
    reason = f"{reason.rstrip('.')}; vergelijkingsgroep: {comparison}."
    if choice.code != "requested":
        reason = f"{choice.reason} {reason}"
    att_gt = pd.DataFrame({
        "cohort": periods[cells.cohort], "time": periods[cells.time], "att": att, "se": se,
        "ci_low": cell_inf["ci_low"], "ci_high": cell_inf["ci_high"], "cband_low": att - crit * se,
        "cband_high": att + crit * se, "p_value": cell_inf["p_value"], "event_time": cells.time - cells.cohort,
        "base_period": periods[cells.base], "n_treated": n_t, "n_control": n_c,
    })
    call = Call("estimate_staggered", outcome, unit, time, cohort, weights, tuple(covs), cluster, control_group,
                inference, None if choice.lead == "cluster" else n_draws, seed, alpha, int(anticipation))
    return StaggeredResult(
        att_gt=att_gt, pretrend_stat=stat, pretrend_p=p_pre, n_units=n, n_treated=n_tr,
        control_group=control_group, base_period=base_period, anticipation=int(anticipation), crit_value=crit,
        warnings=tuple(warnings), outcome=outcome, alpha=alpha, method="callaway_santanna", inference=choice.lead,
        inference_code=choice.code, inference_reason=reason, seed=seed, n_draws=n_draws,
        uniform_bands=uniform_bands, n_clusters=n_cl, call=call, _psi=psi, _share=share_by_cohort[cohort_col],
        _share_if=share_if, _cohort_of=cohort_col, _placebo=placebo,
    )
