"""The demo generator and the one-call entry point on its files (figures and tables: tests/report)."""

import pandas as pd
import pytest

from evaluatie.demo.process import generate_process_demo
from evaluatie.process import PERSPECTIVES, evaluate_process
from evaluatie.process.anonymise import first_names

PARTNERS = [
    ("Gemeente Lindeveld", "beleidsmaker"),
    ("Zorggroep De Linde", "zorgaanbieder"),
    ("Welzijn Noord", "zorgaanbieder"),
    ("Huisartsen Kempenland", "professional"),
    ("Zorgverzekeraar Zuid", "beleidsmaker"),
]


def _write(tmp_path, profile, seed=11):
    questionnaire, interviews = generate_process_demo("demo-" + profile, PARTNERS, profile, seed)
    folder = tmp_path / "data" / "demo" / "process" / f"demo-{profile}"
    folder.mkdir(parents=True)
    questionnaire.to_csv(folder / "vragenlijst.csv", index=False)
    interviews.to_csv(folder / "interviews.csv", index=False)
    return questionnaire, interviews, folder


@pytest.fixture(scope="module")
def verdeeld(tmp_path_factory):
    questionnaire, interviews, folder = _write(tmp_path_factory.mktemp("demo"), "verdeeld")
    pe = evaluate_process(responses=folder / "vragenlijst.csv", interviews=folder / "interviews.csv")
    return questionnaire, interviews, pe


def test_demo_is_deterministic_and_shaped_as_promised():
    first = generate_process_demo("x", PARTNERS, "groeiend", 3)
    second = generate_process_demo("x", PARTNERS, "groeiend", 3)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])
    questionnaire, interviews = first
    assert list(questionnaire.columns[:5]) == ["respondent_id", "organisation", "perspective", "wave", "date"]
    per_wave = questionnaire.groupby("wave").size()
    assert len(per_wave) >= 2 and per_wave.between(15, 40).all()
    assert questionnaire["perspective"].nunique() >= 4 and set(questionnaire["perspective"]) <= set(PERSPECTIVES)
    ids = questionnaire.groupby("wave")["respondent_id"].apply(set).tolist()
    both, only_first, only_second = ids[0] & ids[1], ids[0] - ids[1], ids[1] - ids[0]
    assert len(both) > len(only_first) > 0 and len(only_second) > 0
    assert questionnaire["sci_financiering"].isna().any()  # some blanks
    assert 20 <= len(interviews) <= 60
    assert list(interviews.columns) == ["document", "code", "segment", "perspective", "wave"]
    assert interviews["segment"].str.contains("|".join(["Jan de Vries", "Sanne Bakker", "El Amrani", "Visser",
                                                        "van Dijk", "Yilmaz", "Smit", "Bouzid", "Jansen",
                                                        "van der Berg"])).any()
    with pytest.raises(ValueError, match="Onbekend profiel"):
        generate_process_demo("x", PARTNERS, "onbekend", 3)


def test_profiles_differ_as_designed(tmp_path):
    results = {}
    for profile in ("groeiend", "startend"):  # 'verdeeld' is checked below, 'stabiel' in the suppression test
        _, _, folder = _write(tmp_path, profile)
        results[profile] = evaluate_process(responses=folder / "vragenlijst.csv")
    growth = results["groeiend"].wave_change
    sci = growth[(growth["instrument"] == "scirocco")]
    assert (sci["difference"] > 0).mean() > 0.8
    start_phase = results["startend"].phase
    assert start_phase["phase"].max() <= 1
    grown = results["groeiend"].phase.set_index(["instrument", "wave"])["phase"]
    assert grown[("ketenzorg", 2023)] > grown[("ketenzorg", 2021)]


def test_split_consensus_in_the_divided_profile(verdeeld):
    _, _, pe = verdeeld
    agreement = pe.consensus["agreement"]
    assert (agreement == "split").any() and (agreement == "agreement").any()
    assert set(pe.consensus.loc[agreement == "split", "level"]) == {"uncertain"}
    spread = pe.perspective_differences
    wide = spread[(spread["instrument"] == "scirocco") & (spread["spread"] > 1.5)]
    assert len(wide) >= 4 and (wide["lowest"] == "zorgaanbieder").all()


def test_entry_point_tables(verdeeld):
    questionnaire, interviews, pe = verdeeld
    assert set(pe.dimension_scores["wave"]) == {2021, 2023}
    assert (pe.wave_change["method"] == "gepaard").all()
    assert set(pe.phase["instrument"]) == {"rivm", "ketenzorg"}
    assert {"vragenlijst.csv", "interviews.csv"} == set(pe.sources)
    counts = pe.code_counts
    total = counts[(counts["perspective"] == "alle") & (counts["wave"] == "alle")]["segments"].sum()
    assert total == len(interviews)
    assert set(pe.latest_consensus()["wave"]) == {2023} and not pe.latest_consensus()["suppressed"].any()


def test_quotes_carry_no_names(verdeeld):
    questionnaire, _, pe = verdeeld
    text = " ".join(pe.quotes["quote"])
    assert len(pe.quotes) > 0
    for organisation in questionnaire["organisation"].unique():
        assert organisation not in text
    assert not any(word in first_names() for word in text.replace(":", " ").replace(".", " ").split())
    assert questionnaire["rivm_toelichting"].notna().any()
    assert "rivm_toelichting" not in pe.responses.data.columns  # open answers dropped right after reading
    assert "rivm_toelichting" not in set(pe.item_scores["item"])
    assert repr(pe).startswith("ProcessEvaluation(metingen=[2021, 2023]")


def test_suppression_with_a_higher_threshold(tmp_path):
    _, _, folder = _write(tmp_path, "groeiend")
    pe = evaluate_process(responses=folder / "vragenlijst.csv", interviews=folder / "interviews.csv",
                          min_group_size=6)
    by_perspective = pe.perspective_scores
    small = by_perspective["n"] < 6
    hidden = by_perspective["suppressed"]
    assert small.any() and hidden[small].all() and by_perspective.loc[hidden, "mean"].isna().all()
    assert (~hidden).any() and by_perspective.loc[~hidden, "mean"].notna().all()
    assert any("minder dan 6" in w for w in pe.warnings)


def test_interviews_only(tmp_path):
    _, _, folder = _write(tmp_path, "startend")
    pe = evaluate_process(interviews=folder / "interviews.csv", organisation_names=[p[0] for p in PARTNERS])
    assert pe.dimension_scores.empty and not pe.code_counts.empty
    assert any("geen vragenlijstbestand" in w for w in pe.warnings)
    assert not any(p[0] in " ".join(pe.quotes["quote"]) for p in PARTNERS)


def test_financing_and_goals_instruments(tmp_path):
    rows = []
    for i in range(6):
        rows.append({"respondent_id": f"r{i}", "organisation": "Gemeente Lindeveld", "perspective": "beleidsmaker",
                     "wave": 2024, "fin_betaaltitel": "resultaat" if i < 4 else "aanbod",
                     "fin_pot_wmo": "ja", "fin_bel_verkeerde_zak": 4 if i % 2 else 5,
                     "qa_doel_kosten": "ja" if i < 3 else "nee", "gov_vorm": "leidende organisatie"})
    path = tmp_path / "bekostiging.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    pe = evaluate_process(responses=path, instruments=["financiering", "doelen_governance"])
    answers = pe.categorical_answers.set_index(["item", "answer"])
    assert answers.loc[("fin_betaaltitel", "resultaat"), "share"] == pytest.approx(4 / 6)
    assert answers.loc[("gov_vorm", "leidende_organisatie"), "count"] == 6
    items = pe.item_scores.set_index("item")
    assert items.loc["qa_doel_kosten", "mean"] == pytest.approx(0.5)
    assert items.loc["fin_bel_verkeerde_zak", "mean"] == pytest.approx(4.5)
    assert any("maar één meting" in w for w in pe.warnings)
    assert pe.wave_change.empty and pe.phase.empty


def test_instruments_without_answers_are_left_out(verdeeld, tmp_path):
    questionnaire, _, _ = verdeeld
    path = tmp_path / "alleen_scirocco.csv"
    questionnaire[[c for c in questionnaire.columns if not c.startswith(("rivm", "kz"))]].to_csv(path, index=False)
    pe = evaluate_process(responses=path)
    assert pe.phase.empty
    assert set(pe.dimension_scores["instrument"]) == {"scirocco"}


def test_warning_when_wave_labels_do_not_sort_in_time(tmp_path):
    rows = [{"respondent_id": f"r{i}", "perspective": "professional", "wave": wave, "date": date, "sci_sturing": 2}
            for i in range(5) for wave, date in (("voormeting", "2021-03-01"), ("nameting", "2023-03-01"))]
    path = tmp_path / "labels.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    pe = evaluate_process(responses=path, instruments=["scirocco"])
    assert any("De metingen worden op naam geordend (nameting, voormeting)" in w for w in pe.warnings)


def test_one_export_per_wave_gives_the_same_scores(verdeeld, tmp_path):
    questionnaire, _, pe = verdeeld
    files = []
    for wave, part in questionnaire.groupby("wave"):
        files.append(tmp_path / f"vragenlijst_{wave}.csv")
        part.to_csv(files[-1], index=False)
    split = evaluate_process(responses=files)
    pd.testing.assert_frame_equal(split.dimension_scores, pe.dimension_scores)
    assert set(split.sources) == {"vragenlijst_2021.csv", "vragenlijst_2023.csv"}
