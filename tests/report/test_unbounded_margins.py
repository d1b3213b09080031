"""A margin that cannot be bounded (too few possible assignments for randomisation inference) is said in words
everywhere a reader sees margins: never an infinite bound, and never 'alle marges bevatten nul' when that holds
only because the margins are unbounded."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from evaluatie.report.figures import effects_chart
from evaluatie.report.sections.appendix import caption
from evaluatie.report.sections.body import municipality_tables

INF = math.inf
RECORD = {"label": "Inwoners met een bijstandsuitkering per 1.000 inwoners", "unit": "aantal",
          "per": "1.000 inwoners", "verdict": "gestegen"}


def evaluation(table=None, placebo=0.3):
    events = SimpleNamespace(table=table, step="jaar", reference="fixed", reference_time=-1, partial_start=False,
                             bands=True, off_zero=(), anticipation=0)
    return SimpleNamespace(id="bijstand", headline=SimpleNamespace(n_treated=3), events=events, placebo_p=placebo, cautions=(),
                           indicator=SimpleNamespace(label=RECORD["label"]), record=lambda: dict(RECORD))


@pytest.mark.parametrize("low, high", [(-INF, INF), (-INF, 2.0), (1.0, INF)])
def test_per_unit_cells_say_the_margin_cannot_be_bounded(low, high):
    per_unit = pd.DataFrame({"unit_id": ["PV20", "PV21"], "name": ["Groningen", "Friesland"],
                             "indicator": ["bijstand"] * 2, "estimate": [2.5, 4.1], "ci_low": [low, 1.0],
                             "ci_high": [high, 7.2], "p_value": [0.1, 0.02], "verdict": ["geen_verschil", "gestegen"],
                             "assessment": [None, "ongunstig"],
                             "bounded": [math.isfinite(low) and math.isfinite(high), True]})
    [table] = municipality_tables(per_unit, [evaluation()])
    cells = dict((row[0], row[1]) for row in table.rows)
    assert cells == {"Groningen": "+2,5 (marge niet te begrenzen)", "Friesland": "+4,1 (+1,0 tot +7,2), ongunstig"}


def test_effect_chart_alt_text_names_an_unbounded_margin_in_words():
    rows = pd.DataFrame({"label": ["Bijstand", "Wmo"], "relative": [10.0, -3.0], "relative_low": [-INF, -5.0],
                         "relative_high": [INF, -1.0]})
    alt = effects_chart(rows, source="CBS", caption="Effect").alt
    assert "Bijstand: +10% (marge niet te begrenzen)" in alt and "Wmo: −3% (marge −5 tot −1%)" in alt
    assert "∞" not in alt


def test_event_time_caption_does_not_call_unbounded_pre_start_margins_support():
    unbounded = pd.DataFrame({"event_time": [-3, -2, -1, 0, 1], "estimate": [0.4, -0.2, 0.0, 1.0, 1.5],
                              "ci_low": [-INF, -INF, math.nan, -INF, -INF], "ci_high": [INF, INF, math.nan, INF, INF]})
    text = caption(evaluation(unbounded, placebo=0.42), "95")
    assert "marges per jaar niet te begrenzen" in text and "placebotoets (p = 0,420)" in text
    assert "bevatten nul" not in text
    bounded = unbounded.assign(ci_low=[-1.0, -0.9, math.nan, 0.2, 0.5], ci_high=[1.2, 0.6, math.nan, 1.8, 2.5])
    assert "alle 95%-marges bevatten nul" in caption(evaluation(bounded), "95")
