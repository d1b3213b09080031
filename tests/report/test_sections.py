"""Section pieces that turn codes into Dutch: overlapping money, when a definition changed, the smallest
p-value randomisation can give, and a parameters table without keys, paths or folders."""

from __future__ import annotations

import typing

import yaml
from pydantic import BaseModel

from evaluatie.outcome.evaluation import Headline
from evaluatie.outcome.money import MoneyEffect, overlapping
from evaluatie.params import Initiative
from evaluatie.report.labels import PARAM_LABELS, SHOWN_ELSEWHERE, parameter_rows
from evaluatie.report.sections.appendix import _smallest_p_sentence
from evaluatie.report.sections.outcome import _break_timing, _overlap_sentence


def _money(indicator: str, label: str) -> MoneyEffect:
    return MoneyEffect(indicator, label, "Zvw", None, "shown", 1e6, 5e5, 2e6, 3.0)


def test_referrals_and_specialist_costs_are_not_added_up():
    """A referral priced in euros is paid from specialist care: the two amounts are the same money."""
    referrals = _money("verwijzingen_ziekenhuis", "Verwijzingen van huisarts naar ziekenhuis per 1.000 inwoners")
    specialist = _money("zvw_kosten_msz", "Kosten medisch-specialistische zorg per verzekerde")
    assert overlapping([referrals, specialist]) == [(specialist, referrals)]
    sentence = _overlap_sentence([referrals, specialist])
    assert ("het bedrag bij 'verwijzingen van huisarts naar ziekenhuis per 1.000 inwoners' zit al in dat bij "
            "'kosten medisch-specialistische zorg per verzekerde'") in sentence
    assert sentence.endswith("Tel die bedragen dus niet bij elkaar op.")
    assert _overlap_sentence([referrals, _money("wmo_kosten", "Wmo-uitgaven per inwoner")]) == ""


def test_a_definition_change_is_placed_before_or_after_the_start():
    assert _break_timing([2015], 2018) == "voor de start in 2018"
    assert _break_timing([2018], 2018) == "in het startjaar"
    assert _break_timing([2020], 2018) == "na de start in 2018"
    assert _break_timing([2015, 2020], 2018) == "zowel voor als na de start in 2018"


def _headline(n_treated: int, n_control: int) -> Headline:
    return Headline(1.0, 0.5, 1.5, 0.012, "twfe", "randomization", n_treated, n_control, 10.0, 3.0)


def test_the_smallest_possible_p_value_is_explained():
    [sentence] = _smallest_p_sentence([_headline(1, 80), _headline(3, 80)])
    assert sentence.startswith("Met 1 deelnemende gemeente en 80 vergelijkingsgemeenten zijn er 81 mogelijke "
                               "toewijzingen. De kleinste p-waarde die dan kan, is 1/81 = 0,012")
    assert _smallest_p_sentence([_headline(8, 80)]) == []  # random draws: no floor worth naming


def _leaf_paths(model: type, prefix: str = "") -> list[str]:
    paths = []
    for name, field in model.model_fields.items():
        models = [t for t in (field.annotation, *typing.get_args(field.annotation))
                  if isinstance(t, type) and issubclass(t, BaseModel)]
        if models:
            paths += _leaf_paths(models[0], f"{prefix}{name}.")
        else:
            paths.append(f"{prefix}{name}")
    return paths


def test_every_parameter_has_a_dutch_label():
    """The parameters table never falls back to an English key."""
    unlabelled = [p for p in _leaf_paths(Initiative)
                  if p not in PARAM_LABELS and not p.startswith((*SHOWN_ELSEWHERE, "data.sources"))]
    assert unlabelled == []


def test_the_parameters_table_shows_no_paths_or_folders(project):
    params = yaml.safe_load((project / "params" / "beekdal" / "wijkteams-samen.yaml").read_text())
    params["data"]["folders"] = ["/srv/gegevens"]
    rows = parameter_rows(Initiative.model_validate(params).model_dump(mode="json"))
    text = " ".join(f"{label} {value}" for label, value in rows)
    assert "/srv/gegevens" not in text and ".csv" not in text and "data." not in text
    assert ("Vragenlijstonderdelen", "Zelfbeoordeling volwassenheid van integrale zorg (12 dimensies); "
            "Domeinoverstijgend samenwerken - fasen en leidende principes; Checklist ontwikkeling van ketenzorg") in rows


def test_a_saving_at_one_payer_is_never_called_nothing_to_settle_without_agreed_shares():
    from evaluatie.outcome.money import Settlement
    from evaluatie.params import Financing
    from evaluatie.report.sections.design import settlement_section

    unknown = settlement_section(Financing(shared_savings="inkoper_inkoper"),
                                 Settlement(None, True, "single_payer", ("Zvw",)))["lines"][0]
    assert "niets te verrekenen" not in unknown and "de verdeling is niet berekend" in unknown
    assert "bij de zorgverzekeraar (Zvw)" in unknown
    named = settlement_section(Financing(shared_savings="inkoper_inkoper", savings_shares={"Zvw": 1.0}),
                               Settlement(None, False, "single_payer", ("Zvw",)))["lines"][0]
    assert "er valt niets te verrekenen" in named
