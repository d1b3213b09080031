"""The process evaluation as the report shows it: plain sentences from visible results only, tables that
tell small groups from protected ones, SVG figures with data in their alt text, and no pyplot figure left open."""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import pytest

from evaluatie.demo.process import generate_process_demo
from evaluatie.process import evaluate_process
from evaluatie.report.process_text import findings, summary_line
from evaluatie.report.sections import process as process_section
from evaluatie.report.sections.process import process_appendix

PARTNERS = [("Gemeente Lindeveld", "beleidsmaker"), ("Zorggroep De Linde", "zorgaanbieder"),
            ("Welzijn Noord", "zorgaanbieder"), ("Huisartsen Kempenland", "professional"),
            ("Zorgverzekeraar Zuid", "beleidsmaker")]


def _evaluate(tmp_path, profile, **kwargs):
    questionnaire, interviews = generate_process_demo("demo-" + profile, PARTNERS, profile, 11)
    questionnaire.to_csv(tmp_path / "vragenlijst.csv", index=False)
    interviews.to_csv(tmp_path / "interviews.csv", index=False)
    return evaluate_process(responses=tmp_path / "vragenlijst.csv", interviews=tmp_path / "interviews.csv", **kwargs)


@pytest.fixture(scope="module")
def verdeeld(tmp_path_factory):
    return _evaluate(tmp_path_factory.mktemp("verdeeld"), "verdeeld")


def test_findings_in_plain_dutch(verdeeld):
    sentences = findings(verdeeld)
    text = " ".join(sentences)
    assert "zijn de partners verdeeld over" in text
    assert any(s.startswith("De perspectieven lopen in meting 2023 het verst uiteen") and
               "zorg- en welzijnsaanbieders gemiddeld" in s for s in sentences)
    assert any("fase 2" in s for s in sentences)
    assert "iets dat de samenwerking belemmert" in text
    assert "95%-BI" not in text and "SCIROCCO-regel" not in text and "(s)" not in text
    assert summary_line(verdeeld).startswith("De partners zien de samenwerking in meting 2023 het verst op ")


def test_findings_use_only_visible_results(tmp_path):
    pe = _evaluate(tmp_path, "groeiend", min_group_size=100)
    assert [s for s in findings(pe) if not s.startswith("In de interviews")] == []


def test_tables_tell_small_groups_from_protected_ones(tmp_path):
    pe = _evaluate(tmp_path, "groeiend", min_group_size=6)
    html = "".join(str(t.__html__()) for t in process_appendix(pe)["by_perspective"])
    assert "n &lt; 6" in html and "–: niet getoond om een kleinere groep te beschermen" in html
    assert "afgeschermd" not in html


def test_figures_are_svg_with_data_in_the_alt_text_and_leave_no_pyplot_figure(verdeeld):
    before = plt.get_fignums()
    shown = str(process_section(verdeeld).markup)
    charts = process_appendix(verdeeld)["charts"]
    assert plt.get_fignums() == before
    assert 'src="data:image/svg+xml;base64,' in shown
    assert len(charts) == 2 and all(c.svg.startswith("<svg") for c in charts)
    assert "meting 2021 fase 2" in charts[0].alt and "belemmerend" in charts[1].alt


def test_interviews_only(tmp_path):
    _, interviews = generate_process_demo("x", PARTNERS, "startend", 11)
    interviews.to_csv(tmp_path / "interviews.csv", index=False)
    pe = evaluate_process(interviews=tmp_path / "interviews.csv", organisation_names=[p[0] for p in PARTNERS])
    assert process_appendix(pe) == {}
    assert "geen vragenlijsten" in str(process_section(pe).markup)


def test_the_core_message_names_every_tied_topic_with_its_median(verdeeld):
    """No topic is picked at random among equal medians: all tied ones are named (or counted) with the median.
    Topics the partners are split on have no level, so they rank neither furthest nor least far."""
    latest = verdeeld.latest_consensus()
    agreed = latest[latest.agreement != "split"]
    assert 0 < len(agreed) < len(latest)
    high = agreed["median"].max()
    tied = agreed[agreed["median"] == high]
    line = summary_line(verdeeld)
    assert f"(mediaan {int(high) if float(high).is_integer() else high}".replace(".", ",") in line
    if len(tied) <= 3:
        assert all(label.lower() in line.lower() for label in tied["dimension_label"])
    else:
        assert f"het verst op {len(tied)} van de {len(latest)} onderwerpen" in line


def test_a_tie_is_said_as_a_tie(verdeeld):
    pe = verdeeld
    even = pe.consensus.assign(median=3.0)
    line = summary_line(dataclasses.replace(pe, consensus=even))
    latest = pe.latest_consensus()
    agreed, split = (latest.agreement != "split").sum(), (latest.agreement == "split").sum()
    assert line.startswith(f"De partners zien de samenwerking in meting 2023 op alle {agreed} onderwerpen waarover ze "
                           "niet verdeeld zijn even ver (mediaan 3 op een schaal van 0 tot 5).")
    assert f"Over {split} onderwerpen van de {len(latest)} zijn ze sterk verdeeld." in line


def test_the_widest_gap_between_perspectives_says_whether_chance_explains_it(verdeeld):
    """The largest spread is always named; that it may be chance is said when the corrected test does not hold."""
    spread = verdeeld.perspective_differences.dropna(subset=["spread"])
    spread = spread[spread["scale_type"].isin(("likert", "maturity"))]
    last = spread[spread["wave"] == spread["wave"].max()]
    top = last.loc[last["spread"].idxmax()]
    sentence = next(s for s in findings(verdeeld) if s.startswith("De perspectieven lopen"))
    chance = "Dat verschil is niet groter dan toeval kan verklaren." in sentence
    assert chance == (not top["p_holm"] < 0.10), (top["p_holm"], sentence)
    assert top["dimension_label"].lower() in sentence.lower()


def test_the_rest_of_the_topics_are_called_the_others():
    import pandas as pd

    from evaluatie.report.process_text import _topics

    rows = pd.DataFrame({"dimension_label": [f"Onderwerp {i}" for i in range(10)]})
    assert _topics(rows, 12, others=2) == "de andere 10 onderwerpen"
    assert _topics(rows, 13, others=2) == "10 van de 13 onderwerpen"
    assert _topics(rows.head(2), 12) == "onderwerp 0 en onderwerp 1"


def test_the_core_message_names_clear_gaps_between_perspectives(verdeeld):
    latest = verdeeld.latest_consensus()
    gaps = verdeeld.perspective_differences.dropna(subset=["spread"])
    gaps = gaps[(gaps.wave == verdeeld.waves[-1]) & (gaps.p_holm < 0.10) & gaps.dimension_label.isin(latest.dimension_label)]
    line = summary_line(verdeeld)
    assert ("Wel verschillen de perspectieven duidelijk over" in line) == (len(gaps) > 0)
