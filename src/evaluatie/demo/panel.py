"""Synthetic demo data with known truth: fictional municipalities, a panel of indicators,
demo initiatives with effects written in, and the partners' process data.

Everything here is fictional. Municipality codes start with ``FG`` ("fictieve gemeente"), which
CBS never uses (real codes are ``GM`` + four digits), and names are built from invented parts.
The same seed always gives byte-identical files, so the generated data are not committed.

Each demo initiative illustrates one situation an evaluator meets (see ``DEMO_INITIATIVES``);
``truth.csv`` records, per initiative and indicator, the true average effect on the treated
(the mean difference between the treated and the counterfactual latent value over treated
unit-periods), so tests can check that the analysis recovers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluatie.demo.process import generate_process_demo

DEFAULT_SEED = 20241123
YEARS = list(range(2012, 2025))
HEALTH_MONITOR_YEARS = [2012, 2016, 2020, 2022, 2024]
BREAK_YEAR = 2015

REGIONS = {
    "lindeland": "Regio Lindeland",
    "beekdal": "Regio Beekdal",
    "duinrand": "Regio Duinrand",
    "polderoost": "Regio Polderoost",
    "venstreek": "Regio Venstreek",
    "zandmeren": "Regio Zandmeren",
}
MUNICIPALITIES_PER_REGION = 20

_NAME_HEADS = [
    "Aalder", "Brems", "Corven", "Dister", "Elsen", "Faren", "Gelder", "Hulsen", "Ilper", "Jorden",
    "Kester", "Lomer", "Merlen", "Norden", "Olver", "Parsen", "Quister", "Rosmer", "Salver", "Tolmer",
    "Ulven", "Varsen", "Wilder", "Xanter", "Yssel", "Zomer", "Brakel", "Dromen", "Garsel", "Helmer",
]
_NAME_TAILS = ["ade", "broek", "donk", "holt", "kamp", "loo", "mond", "rode", "stede", "veld", "wolde", "zijl"]


@dataclass(frozen=True)
class Effect:
    """A true effect: relative change of the latent value (``relative``) or an absolute shift."""

    relative: float = 0.0
    absolute: float = 0.0
    growth_per_year: float = 0.0  # extra relative effect per year since start (dynamic effects)
    max_relative: float | None = None


@dataclass(frozen=True)
class DemoInitiative:
    id: str
    region: str
    situation: str
    cohorts: dict[str, list[int]]  # start period -> positions of treated municipalities in the region
    effects: dict[str, Effect] = field(default_factory=dict)
    pretrend: dict[str, float] = field(default_factory=dict)  # indicator -> relative drift per year
    fixed_budget: tuple[str, ...] = ()  # indicators frozen at their 2016-2017 mean from the start
    profile: str = "groeiend"
    partners: tuple[tuple[str, str], ...] = ()


DEMO_INITIATIVES = [
    DemoInitiative(
        id="samen-indiceren", region="lindeland", situation="duidelijk effect",
        cohorts={"2018": [0, 1, 2, 3, 4, 5, 6, 7]},
        effects={"wmo_wachttijd": Effect(absolute=-5.0), "ziekenhuisopnames": Effect(relative=-0.07),
                 "zvw_kosten_wijkverpleging": Effect(relative=0.05), "wmo_clienten": Effect(relative=-0.06)},
        profile="groeiend",
        partners=(("Gemeente Olvermond", "beleidsmaker"), ("Zorgverzekeraar Kompas", "bestuurder"),
                  ("Thuiszorg De Linde", "zorgaanbieder"), ("Wijkteam Lindeland", "professional"),
                  ("Cliëntenraad Lindeland", "hulpvrager")),
    ),
    DemoInitiative(
        id="huisarts-plus", region="lindeland", situation="duidelijk effect, later gestart",
        cohorts={"2020": [8, 9, 10, 11, 12]},
        effects={"verwijzingen_ziekenhuis": Effect(relative=-0.08), "zvw_kosten_msz": Effect(relative=-0.03)},
        profile="startend",
        partners=(("Huisartsencoöperatie Lindeland", "zorgaanbieder"), ("Zorgverzekeraar Kompas", "bestuurder"),
                  ("Ziekenhuis Lindeland", "zorgaanbieder"), ("Huisartsen Lindeland", "professional")),
    ),
    DemoInitiative(
        id="wijkteams-samen", region="beekdal", situation="geen effect",
        cohorts={"2019": [0, 1, 2, 3, 4, 5, 6]},
        profile="stabiel",
        partners=(("Gemeente Zomerveld", "beleidsmaker"), ("Zorgverzekeraar Kompas", "bestuurder"),
                  ("Welzijn Beekdal", "zorgaanbieder"), ("Wijkteam Beekdal", "professional"),
                  ("Bewonersplatform Beekdal", "gemeenschap")),
    ),
    DemoInitiative(
        id="dementienetwerk", region="duinrand", situation="gespreide start per gemeente",
        cohorts={"2016": [0, 1, 2], "2018": [3, 4, 5], "2020": [6, 7, 8]},
        effects={"wlz_opnames_75plus": Effect(relative=-0.04, growth_per_year=-0.03, max_relative=-0.16),
                 "overbelaste_mantelzorgers": Effect(absolute=-1.5)},
        profile="groeiend",
        partners=(("Gemeente Elsenmond", "beleidsmaker"), ("Zorgkantoor Duinrand", "bestuurder"),
                  ("Zorggroep Duinrand", "zorgaanbieder"), ("Casemanagers Dementie", "professional"),
                  ("Alzheimer Café Duinrand", "hulpvrager"), ("Mantelzorgsteunpunt", "gemeenschap")),
    ),
    DemoInitiative(
        id="proeftuin-hart", region="polderoost", situation="één deelnemende gemeente",
        cohorts={"2019Q3": [0]},
        effects={"seh_bezoeken": Effect(relative=-0.12), "verwijzingen_ziekenhuis": Effect(relative=-0.07)},
        profile="verdeeld",
        partners=(("Gemeente Dromenrode", "beleidsmaker"), ("Zorgverzekeraar Kompas", "bestuurder"),
                  ("Gezondheidscentrum Hart", "zorgaanbieder"), ("Huisartsen Dromenrode", "professional")),
    ),
    DemoInitiative(
        id="krachtige-basiszorg", region="venstreek", situation="schending van parallelle trends",
        cohorts={"2018": [0, 1, 2, 3, 4, 5]},
        effects={"zvw_kosten_totaal": Effect(relative=-0.03)},
        pretrend={"zvw_kosten_totaal": 0.02, "ziekenhuisopnames": 0.02},
        profile="stabiel",
        partners=(("Gemeente Wilderkamp", "beleidsmaker"), ("Zorgverzekeraar Kompas", "bestuurder"),
                  ("Huisartsen Venstreek", "zorgaanbieder"), ("Praktijkondersteuners", "professional")),
    ),
    DemoInitiative(
        id="vast-wijkbudget", region="zandmeren", situation="stuurt eigen indicator (vast budget)",
        cohorts={"2018": [0, 1, 2, 3]},
        fixed_budget=("wmo_kosten",),
        profile="verdeeld",
        partners=(("Gemeente Jordenbroek", "beleidsmaker"), ("Zorgaanbieder Zandmeren", "zorgaanbieder"),
                  ("Welzijn Zandmeren", "zorgaanbieder"), ("Wijkverpleging Zandmeren", "professional"),
                  ("Dorpsraad Zandmeren", "gemeenschap")),
    ),
]


@dataclass(frozen=True)
class _Series:
    """How one indicator is generated."""

    base: float
    trend: float  # relative change per year
    unit_sd: float  # relative sd of the unit level
    noise_sd: float  # relative sd of period noise
    kind: str  # "rate" (count per 1,000 of denominator), "amount", "percent", "weeks"
    denominator: str = "inwoners"
    covariates: dict[str, float] = field(default_factory=dict)  # relative effect per sd of covariate
    break_factor: float = 1.0
    quarterly: bool = False
    survey: bool = False
    covid: float = 0.0


SERIES = {
    "zvw_kosten_totaal": _Series(2700, 0.035, 0.06, 0.015, "amount", "verzekerden", {"share_65plus": 0.08, "mean_income": -0.03}, covid=-0.02),
    "zvw_kosten_msz": _Series(1250, 0.03, 0.07, 0.02, "amount", "verzekerden", {"share_65plus": 0.07}, covid=-0.05),
    "zvw_kosten_wijkverpleging": _Series(150, 0.045, 0.12, 0.03, "amount", "verzekerden", {"share_75plus": 0.15}),
    "ziekenhuisopnames": _Series(95, 0.01, 0.08, 0.015, "rate", "inwoners", {"share_65plus": 0.08, "mean_income": -0.04}, covid=-0.12),
    "seh_bezoeken": _Series(24, 0.012, 0.10, 0.03, "rate", "inwoners", {"urbanity": 0.06}, quarterly=True, covid=-0.15),
    "verwijzingen_ziekenhuis": _Series(180, 0.015, 0.07, 0.015, "rate", "inwoners", {"share_65plus": 0.05}, covid=-0.10),
    "wlz_opnames_75plus": _Series(28, -0.01, 0.10, 0.03, "rate", "inwoners_75plus", {"urbanity": -0.03}),
    "wmo_clienten": _Series(55, 0.02, 0.12, 0.02, "rate", "inwoners", {"share_75plus": 0.12}, break_factor=1.35),
    "wmo_kosten": _Series(190, 0.03, 0.12, 0.025, "amount", "inwoners", {"share_75plus": 0.10}, break_factor=1.6),
    "wmo_wachttijd": _Series(9, 0.02, 0.15, 0.08, "weeks", "aanvragen"),
    "jeugdzorg": _Series(95, 0.03, 0.12, 0.03, "rate", "inwoners_0_17", {"mean_income": -0.08}, break_factor=1.15),
    "bijstand": _Series(38, -0.005, 0.25, 0.02, "rate", "inwoners", {"mean_income": -0.25, "urbanity": 0.15}),
    "ervaren_gezondheid": _Series(76, 0.0, 0.03, 0.0, "percent", "respondenten", {"mean_income": 0.03}, survey=True),
    "eenzaamheid": _Series(10, 0.02, 0.15, 0.0, "percent", "respondenten", {"urbanity": 0.10}, survey=True),
    "overbelaste_mantelzorgers": _Series(9, 0.01, 0.15, 0.0, "percent", "respondenten", {"share_75plus": 0.05}, survey=True),
    "gezondheidskloof": _Series(21, 0.005, 0.12, 0.04, "amount", "respondenten", {"urbanity": 0.05}, survey=True),
    "verzuim_zorgpersoneel": _Series(6.5, 0.025, 0.10, 0.05, "amount", "medewerkers"),
    "clienttevredenheid_wmo": _Series(79, 0.0, 0.04, 0.02, "percent", "respondenten"),
}


def build_units(rng: np.random.Generator) -> pd.DataFrame:
    """Fictional municipalities with population and covariates (2012 values)."""
    heads = rng.permutation(_NAME_HEADS)
    names: list[str] = []
    while len(names) < len(REGIONS) * MUNICIPALITIES_PER_REGION:
        name = f"{rng.choice(heads)}{rng.choice(_NAME_TAILS)}"
        if name not in names:
            names.append(name)
    rows = []
    for r, (region, region_name) in enumerate(REGIONS.items()):
        for i in range(MUNICIPALITIES_PER_REGION):
            population = int(np.clip(rng.lognormal(np.log(28000), 0.7), 6000, 260000))
            urbanity = int(np.clip(round(1 + 4 * (np.log(population) - np.log(6000)) / np.log(45) + rng.normal(0, 0.7)), 1, 5))
            share_65 = float(np.clip(rng.normal(0.235 - 0.012 * urbanity, 0.025), 0.12, 0.34))
            rows.append({
                "unit_id": f"FG{(r + 1) * 100 + i + 1:04d}",
                "name": names[r * MUNICIPALITIES_PER_REGION + i],
                "region": region,
                "region_name": region_name,
                "level": "gemeente",
                "population": population,
                "share_0_17": round(float(np.clip(rng.normal(0.19, 0.02), 0.13, 0.26)), 4),
                "share_65plus": round(share_65, 4),
                "share_75plus": round(share_65 * float(rng.uniform(0.40, 0.50)), 4),
                "mean_income": round(float(rng.normal(29.0 + 0.6 * urbanity, 3.0)), 1),
                "urbanity": urbanity,
            })
    return pd.DataFrame(rows)


def _treatment_schedule(units: pd.DataFrame) -> dict[str, tuple[DemoInitiative, str]]:
    """unit_id -> (initiative, start period); initiatives never share a municipality."""
    schedule: dict[str, tuple[DemoInitiative, str]] = {}
    for initiative in DEMO_INITIATIVES:
        region_units = units.loc[units.region == initiative.region, "unit_id"].tolist()
        for start, positions in initiative.cohorts.items():
            for position in positions:
                unit = region_units[position]
                if unit in schedule:
                    raise AssertionError(f"{unit} is in two demo initiatives")
                schedule[unit] = (initiative, start)
    return schedule


def demo_treated_units(seed: int = DEFAULT_SEED) -> dict[str, dict[str, str]]:
    """initiative id -> {unit_id: start}; the demo params files must agree with this."""
    units = build_units(np.random.default_rng(seed))
    result: dict[str, dict[str, str]] = {i.id: {} for i in DEMO_INITIATIVES}
    for unit, (initiative, start) in _treatment_schedule(units).items():
        result[initiative.id][unit] = start
    return result


def _periods(series: _Series) -> list[tuple[str, float]]:
    """(period text, time in years since 2012) for the series' frequency and observation years."""
    if series.quarterly:
        return [(f"{y}Q{q}", y - 2012 + (q - 1) / 4) for y in YEARS for q in range(1, 5)]
    years = HEALTH_MONITOR_YEARS if series.survey else YEARS
    return [(str(y), y - 2012) for y in years]


def _start_time(start: str) -> float:
    """Start as fractional years since 2012 (2019Q3 -> 7.5)."""
    if "Q" in start:
        year, quarter = start.split("Q")
        return int(year) - 2012 + (int(quarter) - 1) / 4
    return int(start) - 2012


def _effect_multiplier_and_shift(effect: Effect, years_since_start: float) -> tuple[float, float]:
    relative = effect.relative + effect.growth_per_year * np.floor(years_since_start)
    if effect.max_relative is not None:
        relative = max(relative, effect.max_relative)
    return 1 + relative, effect.absolute


def build_panel(units: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The long panel (unit_id, period, indicator, value, denominator) and the true effects."""
    schedule = _treatment_schedule(units)
    z = {c: ((units[c] - units[c].mean()) / units[c].std()).to_numpy() for c in ["share_65plus", "share_75plus", "mean_income", "urbanity"]}
    growth = rng.normal(0.004, 0.004, len(units))
    rows, truth = [], []
    for indicator, series in SERIES.items():
        unit_level = series.base * np.exp(rng.normal(0, series.unit_sd, len(units)) + sum(b * z[c] for c, b in series.covariates.items()))
        unit_trend = rng.normal(0, 0.0015, len(units))
        break_factor = np.where(series.break_factor == 1.0, 1.0, rng.normal(series.break_factor, 0.08, len(units)))
        for period, t in _periods(series):
            year = 2012 + int(t)
            season = 1.0 + (0.08 * np.cos(2 * np.pi * (t % 1)) if series.quarterly else 0.0)
            covid = 1 + (series.covid if year == 2020 else series.covid / 3 if year == 2021 else 0.0)
            national = (1 + series.trend) ** t * covid * season
            latent = unit_level * national * np.exp(unit_trend * t + rng.normal(0, series.noise_sd, len(units)))
            if year >= BREAK_YEAR:
                latent = latent * break_factor
            counterfactual = latent.copy()
            for i, unit in enumerate(units.unit_id):
                if unit not in schedule:
                    continue
                initiative, start = schedule[unit]
                since = t - _start_time(start)
                drift = initiative.pretrend.get(indicator, 0.0)
                if drift:
                    counterfactual[i] *= (1 + drift) ** (t - 6)
                latent[i] = counterfactual[i]
                if since >= 0 and indicator in initiative.effects:
                    multiplier, shift = _effect_multiplier_and_shift(initiative.effects[indicator], since)
                    latent[i] = counterfactual[i] * multiplier + shift
                if indicator in initiative.fixed_budget and since >= 0:
                    latent[i] = _fixed_budget_level(unit_level[i], break_factor[i], series, unit_trend[i])
                if since >= 0 and (indicator in initiative.effects or indicator in initiative.fixed_budget):
                    truth.append((initiative.id, indicator, unit, period, latent[i] - counterfactual[i]))
            population = units.population.to_numpy() * (1 + growth) ** int(t)
            denominator = _denominator(series, units, population)
            rows.append(pd.DataFrame({
                "unit_id": units.unit_id, "period": period, "indicator": indicator,
                "value": _observe(series, latent, denominator, rng), "denominator": denominator,
            }))
    panel = pd.concat(rows, ignore_index=True)
    truth_frame = (pd.DataFrame(truth, columns=["initiative", "indicator", "unit_id", "period", "effect"])
                   .groupby(["initiative", "indicator"], as_index=False)["effect"].mean()
                   .rename(columns={"effect": "true_att"}))
    truth_frame["true_att"] = truth_frame["true_att"].round(4)
    return panel, truth_frame


def _fixed_budget_level(level: float, break_factor: float, series: _Series, unit_trend: float) -> float:
    """The frozen budget: the expected 2016-2017 level, kept flat (as in a neighbourhood budget)."""
    return float(np.mean([level * break_factor * (1 + series.trend) ** t * np.exp(unit_trend * t) for t in (4, 5)]))


def _denominator(series: _Series, units: pd.DataFrame, population: np.ndarray) -> np.ndarray:
    if series.denominator == "inwoners_75plus":
        return np.round(population * units.share_75plus.to_numpy())
    if series.denominator == "inwoners_0_17":
        return np.round(population * units.share_0_17.to_numpy())
    if series.denominator == "verzekerden":
        return np.round(population * 0.995)
    if series.denominator == "respondenten":
        return np.round(np.clip(population * 0.02, 250, 1200))
    if series.denominator == "aanvragen":
        return np.round(population * 0.012)
    if series.denominator == "medewerkers":
        return np.round(population * 0.03)
    return np.round(population)


def _observe(series: _Series, latent: np.ndarray, denominator: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Measurement noise that matches the kind of indicator (counts, survey shares, amounts)."""
    if series.kind == "rate":
        return np.round(rng.poisson(np.maximum(latent, 0) * denominator / 1000) / denominator * 1000, 3)
    if series.kind == "percent":
        share = np.clip(latent / 100, 0.001, 0.999)
        return np.round(rng.binomial(denominator.astype(int), share) / denominator * 100, 2)
    if series.kind == "weeks":
        return np.round(np.maximum(latent, 0.5), 2)
    return np.round(latent, 2)


def write_demo_data(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo data set to ``out_dir``; returns the files written."""
    rng = np.random.default_rng(seed)
    units = build_units(rng)
    panel, truth = build_panel(units, rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in [("gemeenten.csv", units), ("panel.csv", panel), ("truth.csv", truth)]:
        frame.to_csv(out_dir / name, index=False, lineterminator="\n")
        written.append(out_dir / name)
    for number, initiative in enumerate(DEMO_INITIATIVES):
        questionnaire, interviews = generate_process_demo(
            initiative.id, list(initiative.partners), initiative.profile, seed + number
        )
        folder = out_dir / "process" / initiative.id
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in [("vragenlijst.csv", questionnaire), ("interviews.csv", interviews)]:
            frame.to_csv(folder / name, index=False, lineterminator="\n")
            written.append(folder / name)
    return written
