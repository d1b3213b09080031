"""Person-level extracts aggregated with DuckDB: the same numbers as pandas, checks on the rows,
suppression, and no person rows in the result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluatie.data.panel import DataError
from evaluatie.data.person_level import PersonMeasure, aggregate_person_level

INDICATORS = {
    "zvw_kosten_msz": PersonMeasure("kosten", denominator="jaren"),
    "ziekenhuisopnames": PersonMeasure("opnames", denominator="jaren", per=1000),
    "opgenomen": {"column": "opnames", "how": "any", "per": 100},
}


def extract(persons: int = 3000, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "persoon": np.repeat(np.arange(persons), 2),
        "jaar": np.tile([2018, 2019], persons),
        "gemeente": np.repeat(rng.choice(["GM0363", "GM0518", "GM0599"], persons), 2),
        "kosten": np.where(rng.random(2 * persons) < 0.4, rng.gamma(2, 800, 2 * persons).round(2), 0.0),
        "opnames": rng.choice([0, 0, 0, 0, 0, 0, 0, 1, 2], 2 * persons),
        "jaren": np.where(rng.random(2 * persons) < 0.1, 0.5, 1.0),
    })
    return frame


def test_matches_pandas(tmp_path):
    frame = extract()
    path = tmp_path / "extract.parquet"
    frame.to_parquet(path)
    panel = aggregate_person_level(path, unit="gemeente", period="jaar", person="persoon", indicators=INDICATORS)
    assert set(panel.columns) == {"unit_id", "period", "indicator", "value", "denominator", "suppressed", "count"}
    assert len(panel) == 3 * 2 * 3  # units x periods x indicators, no person rows
    cell = frame[(frame.gemeente == "GM0518") & (frame.jaar == 2019)]
    got = panel[(panel.unit_id == "GM0518") & (panel.period == "2019")].set_index("indicator")
    assert got.loc["zvw_kosten_msz", "value"] == pytest.approx(cell.kosten.sum() / cell.jaren.sum())
    assert got.loc["ziekenhuisopnames", "value"] == pytest.approx(cell.opnames.sum() / cell.jaren.sum() * 1000)
    assert got.loc["opgenomen", "value"] == pytest.approx((cell.opnames > 0).mean() * 100)
    assert got.loc["opgenomen", "denominator"] == len(cell)
    assert got.loc["zvw_kosten_msz", "count"] == (cell.kosten > 0).sum()


def test_csv_extract(tmp_path):
    path = tmp_path / "extract.csv"
    extract(300).to_csv(path, index=False)
    panel = aggregate_person_level(path, unit="gemeente", period="jaar", person="persoon", indicators=INDICATORS)
    assert set(panel.period) == {"2018", "2019"}


def test_small_cells_suppressed(tmp_path):
    frame = extract(400)
    frame.loc[frame.gemeente == "GM0599", "opnames"] = 0
    frame.loc[frame[(frame.gemeente == "GM0599") & (frame.jaar == 2018)].index[:3], "opnames"] = 1  # 3 persons
    path = tmp_path / "extract.parquet"
    frame.to_parquet(path)
    panel = aggregate_person_level(path, unit="gemeente", period="jaar", person="persoon",
                                   indicators={"opgenomen": {"column": "opnames", "how": "any"}})
    hidden = panel[panel.suppressed]
    assert hidden[["value", "denominator", "count"]].isna().all().all()
    # GM0599 2018 (3 persons; 0 in 2019 is shown) plus one other 2018 cell, so the total cannot give it back
    assert ("GM0599", "2018") in set(zip(hidden.unit_id, hidden.period))
    assert len(hidden) == 2 and set(hidden.period) == {"2018"}


@pytest.mark.parametrize("change, message", [
    (lambda f: pd.concat([f, f.iloc[[5]]]), "person(s) occur more than once in a period: 2 in 2019 (2x)"),
    (lambda f: f.assign(kosten=f.kosten.where(f.index != 7, -5.0)), "column kosten: 1 negative number(s)"),
    (lambda f: f.assign(gemeente=f.gemeente.where(f.index != 7, "AMS")), "unknown region code(s) 'AMS'"),
    (lambda f: f.assign(jaar=f.jaar.astype(str).where(f.index != 7, "2019MM13")), "'2019MM13' is not a year"),
    (lambda f: f.drop(columns="jaren"), "column 'jaren' (denominator of zvw_kosten_msz) not found"),
    (lambda f: f.assign(jaren=0.0), "column jaren: sums to zero for GM0363 2018"),
    (lambda f: f.assign(persoon=f.persoon.astype(float).where(f.index != 3)), "1 row(s) without gemeente, jaar or persoon"),
])
def test_bad_extracts(tmp_path, change, message):
    path = tmp_path / "extract.parquet"
    change(extract(50)).to_parquet(path)
    with pytest.raises(DataError) as error:
        aggregate_person_level(path, unit="gemeente", period="jaar", person="persoon", indicators=INDICATORS)
    assert str(error.value).startswith("extract.parquet: ") and message in str(error.value)


def test_not_parquet(tmp_path):
    path = tmp_path / "extract.parquet"
    path.write_text("nee")
    with pytest.raises(DataError, match="extract.parquet: cannot be read as a person-level extract"):
        aggregate_person_level(path, unit="g", period="j", person="p", indicators=INDICATORS)


def test_text_in_a_number_column(tmp_path):
    path = tmp_path / "extract.parquet"
    extract(50).assign(kosten="veel").to_parquet(path)
    with pytest.raises(DataError, match="extract.parquet: column kosten must hold numbers"):
        aggregate_person_level(path, unit="gemeente", period="jaar", person="persoon", indicators=INDICATORS)
