"""The data audit: coverage, suppressed and missing cells, treated units, duplicates, denominators,
outliers and jumps (with break years), and the verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluatie.data.audit import audit_panel
from evaluatie.report.audit import audit_page
from evaluatie.params import Catalogue

CATALOGUE = Catalogue.model_validate({"indicators": {
    "opnames": {"label": "Opnames per 1.000 inwoners", "unit": "aantal", "per": "1.000 inwoners",
                "frequency": "jaar", "direction": "lager_beter", "domains": ["kosten"], "law": "Zvw",
                "source": "test"},
    "wmo": {"label": "Wmo-cliënten per 1.000 inwoners", "unit": "aantal", "per": "1.000 inwoners",
            "frequency": "jaar", "direction": "ambigu", "domains": ["kosten"], "law": "Wmo", "breaks": [2015],
            "source": "test"},
}})
UNITS = pd.DataFrame({"unit_id": [f"GM{i:04d}" for i in range(1, 11)], "name": [f"Gemeente {i}" for i in range(1, 11)]})
TREATED = {"GM0001": 2016, "GM0002": 2016}


def clean_panel() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = [(u, str(y), ind, 100 + rng.normal(0, 2) + (40 if ind == "wmo" and y >= 2015 else 0), 10_000.0)
            for u in UNITS.unit_id for y in range(2012, 2020) for ind in ("opnames", "wmo")]
    return pd.DataFrame(rows, columns=["unit_id", "period", "indicator", "value", "denominator"])


def audit(panel, treated=TREATED, indicators=("opnames", "wmo"), **kwargs):
    return audit_panel(UNITS, panel, CATALOGUE, treated, list(indicators), **kwargs)


def checks(result, level=None):
    return {(f.indicator, f.check) for f in result.findings if level is None or f.level == level}


def test_clean_panel_is_ok_and_break_jumps_expected():
    result = audit(clean_panel())
    assert result.ok
    assert result.coverage.set_index("indicator").loc["opnames", ["verwacht", "aanwezig", "dekking"]].tolist() == [80, 80, 1.0]
    assert checks(result, "waarschuwing") == set()
    assert ("wmo", "sprong in breukjaar") in checks(result, "info")  # the 2015 decentralisation, not an effect
    assert ("wmo", "definitiebreuk") in checks(result, "info")


def test_jump_outside_a_break_year_is_a_warning():
    panel = clean_panel()
    panel.loc[(panel.unit_id == "GM0005") & (panel.indicator == "opnames") & (panel.period >= "2018"), "value"] += 60
    result = audit(panel)
    jumps = [f for f in result.findings if f.check == "sprongen"]
    assert len(jumps) == 1 and "GM0005 2018" in jumps[0].message and result.ok


def test_outlier():
    panel = clean_panel()
    panel.loc[(panel.unit_id == "GM0007") & (panel.indicator == "opnames") & (panel.period == "2013"), "value"] = 900
    finding = next(f for f in audit(panel).findings if f.check == "uitschieters")
    assert finding.message.endswith("GM0007 2013 (900,0)")


def test_missing_and_suppressed_cells_counted():
    panel = clean_panel()
    panel["suppressed"] = False
    hide = (panel.unit_id == "GM0009") & (panel.indicator == "opnames") & panel.period.isin(["2012", "2013"])
    panel.loc[hide, ["value", "suppressed"]] = [np.nan, True]
    panel = panel[~((panel.unit_id == "GM0010") & (panel.indicator == "opnames") & (panel.period == "2019"))]
    row = audit(panel).coverage.set_index("indicator").loc["opnames"]
    assert (row.verwacht, row.aanwezig, row.onderdrukt, row.ontbreekt) == (80, 77, 2, 1)


def test_treated_unit_without_data_warns_and_none_left_is_an_error():
    panel = clean_panel()
    without_one = panel[~((panel.unit_id == "GM0001") & (panel.indicator == "opnames"))]
    result = audit(without_one)
    assert ("opnames", "behandelde eenheden") in checks(result, "waarschuwing") and result.ok
    without_both = panel[~(panel.unit_id.isin(["GM0001", "GM0002"]) & (panel.indicator == "opnames"))]
    result = audit(without_both)
    assert ("opnames", "behandelde eenheden") in checks(result, "fout") and not result.ok


def test_no_measurement_before_the_start():
    result = audit(clean_panel(), treated={"GM0001": 2012})
    finding = next(f for f in result.findings if f.check == "behandelde eenheden")
    assert finding.level == "fout" and finding.message == "zonder meting vóór de start: GM0001"
    short = audit(clean_panel(), treated={"GM0001": 2013})
    assert ("opnames", "korte voorperiode") in checks(short, "waarschuwing")


def test_duplicate_rows_are_an_error():
    panel = clean_panel()
    panel = pd.concat([panel, panel.iloc[[0]]], ignore_index=True)
    result = audit(panel)
    assert not result.ok
    assert next(f for f in result.findings if f.check == "dubbele rijen").message.endswith("GM0001 2012")


def test_missing_and_zero_denominators():
    panel = clean_panel()
    panel.loc[0, "denominator"] = np.nan
    panel.loc[2, "denominator"] = 0
    result = audit(panel)
    assert ("opnames", "noemer ontbreekt") in checks(result, "waarschuwing")
    assert ("opnames", "noemer nul of negatief") in checks(result, "fout")


def test_no_controls_and_unknown_indicator():
    panel = clean_panel()
    result = audit(panel[panel.unit_id.isin(TREATED)], indicators=("opnames", "bestaat_niet"))
    assert {("opnames", "controlegroep"), ("bestaat_niet", "catalogus")} <= checks(result, "fout")


def test_expected_periods_and_gaps():
    panel = clean_panel()
    panel = panel[panel.period != "2014"]
    result = audit(panel, indicators=("opnames",))
    assert ("opnames", "perioden zonder meting") in checks(result, "info")
    stated = audit(panel, indicators=("opnames",), periods={"opnames": list(range(2012, 2020))})
    assert stated.coverage.iloc[0].ontbreekt == 10


def test_text_and_html():
    panel = clean_panel()
    panel.loc[panel.index[:3], "denominator"] = np.nan
    result = audit(panel, title="Data-audit <test>")
    text = result.to_text()
    assert text.startswith("Data-audit <test>") and "Dekking per indicator" in text and "100,0%" in text
    assert text.rstrip().endswith("De data kunnen de analyse dragen (2 waarschuwingen).")  # one per indicator
    page = audit_page(result)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert "Data-audit &lt;test&gt;" in page and "noemer ontbreekt" in page
    bad = audit(pd.concat([panel, panel.iloc[[5]]]))
    assert 'class="verdict verdict-fout"' in audit_page(bad) and "niet geschikt" in bad.to_text()


@pytest.mark.parametrize("treated", [["GM0001", "GM0002"], {"GM0001": "2016Q3"}])
def test_treated_as_list_or_quarter_start(treated):
    assert audit(clean_panel(), treated=treated).ok


def test_measurements_of_treated_units():
    panel = clean_panel()
    panel = panel[~((panel.unit_id == "GM0002") & (panel.period == "2012"))]
    table = audit(panel, treated={"GM0001": 2016, "GM0002": "2016Q3"}, indicators=("opnames",)).treated
    # a start in 2016Q3 of a yearly series: 2016 is partly treated, counted neither before nor from the start
    # (the analysis leaves it out of the headline and gives it its own point in the event-time figure)
    assert table.values.tolist() == [["GM0001", "Gemeente 1", "opnames", "2016", 4, 4],
                                     ["GM0002", "Gemeente 2", "opnames", "2016Q3 (2016 deels met initiatief)", 3, 3]]
    text = audit(panel, treated={"GM0001": 2016, "GM0002": "2016Q3"}).to_text()
    assert "Behandelde eenheden" in text and "3 / 3 (2016 deels)" in text


def test_too_few_units_for_randomisation_inference():
    small = clean_panel()[lambda p: p.unit_id.isin(["GM0001", "GM0003", "GM0004", "GM0005", "GM0006"])]
    result = audit(small, treated={"GM0001": 2016}, indicators=("opnames",), control_units=["GM0003", "GM0004",
                                                                                            "GM0005", "GM0006"])
    finding = next(f for f in result.findings if f.check == "te weinig eenheden")
    assert finding.message.startswith("met 5 eenheden en 1 behandelde is de kleinste mogelijke p-waarde 1/5 = 0,200")
    assert not any(f.check == "te weinig eenheden" for f in audit(clean_panel()).findings)  # C(10, 2) = 45


def test_randomisation_rule_matches_the_analysis():
    from evaluatie.data.audit import RANDOMISATION_BELOW
    from evaluatie.outcome.inference import AUTO_MIN_TREATED

    assert RANDOMISATION_BELOW == AUTO_MIN_TREATED


def test_findings_listed_errors_first():
    panel = clean_panel()
    panel = pd.concat([panel, panel.iloc[[0]]], ignore_index=True)
    panel.loc[3, "denominator"] = np.nan
    levels = audit(panel).to_frame().level.tolist()
    assert levels == sorted(levels, key=["fout", "waarschuwing", "info"].index) and levels[0] == "fout"
