"""The demo data: fictional, deterministic, realistic in shape, and with known effects that a DiD recovers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluatie.demo import BREAK_YEAR, DEMO_INITIATIVES, demo_treated_units, write_demo_data
from evaluatie.outcome import estimate_twfe
from evaluatie.outcome.frames import indicator_frame
from evaluatie.params import load_catalogue
from evaluatie.data.study import load_study

ROOT = Path(__file__).resolve().parents[2]


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.csv"))}


def test_same_seed_gives_identical_files(demo_data, tmp_path):
    write_demo_data(tmp_path)
    assert digest(tmp_path) == digest(demo_data)
    assert len(digest(tmp_path)) == 3 + 2 * len(DEMO_INITIATIVES)


def test_other_seed_gives_other_data(demo_data, tmp_path):
    write_demo_data(tmp_path, seed=1)
    assert digest(tmp_path)["panel.csv"] != digest(demo_data)["panel.csv"]


def test_municipalities_are_fictional_and_grouped_in_regions(demo_data):
    units = pd.read_csv(demo_data / "gemeenten.csv")
    assert 80 <= len(units) <= 150
    assert units.region.nunique() >= 5
    assert units.unit_id.str.fullmatch(r"FG\d{4}").all()  # never a CBS code (GM + 4 digits)
    assert units.name.is_unique
    assert {"population", "share_0_17", "share_65plus", "share_75plus", "mean_income", "urbanity"} <= set(units.columns)
    assert units.population.between(5000, 300000).all()


def test_panel_covers_years_quarters_domains_and_laws(demo_data):
    panel = pd.read_csv(demo_data / "panel.csv", dtype={"period": str})
    catalogue = load_catalogue(ROOT).indicators
    assert set(panel.indicator) <= set(catalogue)
    assert panel.indicator.nunique() >= 12
    years = sorted({int(p[:4]) for p in panel.period})
    assert years[0] == 2012 and years[-1] == 2024
    assert panel.period.str.contains("Q").any()
    used = [catalogue[i] for i in panel.indicator.unique()]
    assert {d for i in used for d in i.domains} == {"kwaliteit", "gezondheid", "kosten", "professionals", "gelijkheid"}
    assert {"Zvw", "Wlz", "Wmo", "Jeugdwet"} <= {i.law for i in used}
    assert not panel.duplicated(["unit_id", "period", "indicator"]).any()
    assert panel.value.notna().all() and (panel.denominator > 0).all()


def test_wmo_series_has_a_definition_break_in_2015(demo_data):
    panel = pd.read_csv(demo_data / "panel.csv", dtype={"period": str})
    wmo = panel[panel.indicator == "wmo_clienten"].groupby("period").value.mean()
    jumps = wmo.pct_change()
    assert jumps.idxmax() == str(BREAK_YEAR) and jumps.max() > 0.2
    assert BREAK_YEAR in load_catalogue(ROOT).indicators["wmo_clienten"].breaks


def test_demo_params_match_the_generator():
    assignments = demo_treated_units()
    for initiative in DEMO_INITIATIVES:
        params = yaml.safe_load((ROOT / "params" / initiative.region / f"{initiative.id}.yaml").read_text(encoding="utf-8"))
        assert {u["unit"]: str(u["start"]) for u in params["treatment"]["units"]} == assignments[initiative.id]
        assert params["demo"] is True


def test_process_data_for_every_initiative(demo_data):
    for initiative in DEMO_INITIATIVES:
        folder = demo_data / "process" / initiative.id
        answers = pd.read_csv(folder / "vragenlijst.csv")
        segments = pd.read_csv(folder / "interviews.csv")
        assert answers.wave.nunique() >= 2
        assert answers.perspective.nunique() >= 3
        assert {"document", "code", "segment", "perspective", "wave"} <= set(segments.columns)


def _twfe(project: Path, initiative: str, indicator: str):
    study = load_study(project / "params" / initiative)
    frame = indicator_frame(study, indicator)
    return estimate_twfe(frame, outcome="value", unit="unit_id", time="time", treated="treated", weights="weight")


@pytest.mark.parametrize("indicator", ["wmo_wachttijd", "ziekenhuisopnames", "wmo_clienten"])
def test_did_recovers_the_clear_effect(project, demo_data, indicator):
    truth = pd.read_csv(demo_data / "truth.csv").set_index(["initiative", "indicator"]).true_att
    result = _twfe(project, "lindeland/samen-indiceren.yaml", indicator)
    true_effect = truth[("samen-indiceren", indicator)]
    assert result.ci_low <= true_effect <= result.ci_high
    assert result.ci_high < 0  # the effect is clear: the interval excludes zero


def test_no_effect_initiative_interval_covers_zero(project, demo_data):
    """Its headline indicator's 95% interval covers zero, and at most one of its six indicators
    excludes zero (with six independent 95% intervals, two or more misses has a chance of about 3%)."""
    truth = pd.read_csv(demo_data / "truth.csv")
    assert "wijkteams-samen" not in set(truth.initiative)
    study = load_study(project / "params" / "beekdal" / "wijkteams-samen.yaml")
    results = [_twfe(project, "beekdal/wijkteams-samen.yaml", c.id) for c, _ in study.indicators()]
    assert len(results) == 6
    assert results[0].ci_low <= 0 <= results[0].ci_high
    assert sum(not (r.ci_low <= 0 <= r.ci_high) for r in results) <= 1
