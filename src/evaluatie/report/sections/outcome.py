"""The outcome evaluation in the body: the effects per indicator, and who pays, who saves."""

from __future__ import annotations

import math
import re

from evaluatie.data.study import Study
from evaluatie.formats import EURO, euro_amount, join_words, number, p_value
from evaluatie.outcome.evaluation import SHOWN, IndicatorEvaluation, Note
from evaluatie.outcome.money import MoneyEffect, money_effects, overlapping, settle
from evaluatie.params import Financing
from evaluatie.report import figures
from evaluatie.report.markup import Section, section, table
from evaluatie.report.labels import PAYER_ARTICLES, PAYER_LABELS
from evaluatie.report.sections.design import full_participation_sentence, settlement_section, synthetic_sentence
from evaluatie.report.text import (
    VERDICT_LABELS, caution_sentence, change, effect_cells, effect_label, effect_sentence, lower_first, margin,
    plural, verdict_phrase,
)

STEP_WORDS = {"jaar": ("jaar", "jaar"), "kwartaal": ("kwartaal", "kwartalen"), "meting": ("meting", "metingen")}
THIN = {"few_pre": ("periode voor de start", "perioden voor de start",
                    "; of de trends vooraf gelijk liepen, is dan nauwelijks te toetsen"),
        "few_post": ("periode na de start", "perioden na de start",
                     "; effecten die later komen, zoals van preventie, zijn nog niet te zien"),
        "few_controls": ("vergelijkingsgemeente", "vergelijkingsgemeenten", "")}
# cautions an indicator's paragraph says in their own sentence, with the numbers behind them
SAID_WITH_NUMBERS = ("trends_fragile", "trends_none", "synthetic_unsupported")
START_WORDS = {"jaar": "in het startjaar", "kwartaal": "in het eerste kwartaal", "meting": "bij de eerste meting"}


def _break_timing(years: list[int], first_start: int) -> str:
    """Where definition changes lie relative to the first year with the initiative."""
    where = {"voor" if y < first_start else "in" if y == first_start else "na" for y in years}
    if where == {"voor"}:
        return f"voor de start in {first_start}"
    if where == {"in"}:
        return "in het startjaar"
    return f"na de start in {first_start}" if "voor" not in where else f"zowel voor als na de start in {first_start}"


def note_sentence(note: Note, evaluation: IndicatorEvaluation) -> str:
    """One plain sentence for a fact the analysis noted about an indicator."""
    record, v = evaluation.record(), note.values
    if note.code == "definition_break":
        years = join_words([str(y) for y in v["years"]])
        return (f"De definitie veranderde in {years}, {_break_timing(v['years'], v['first_start'])}. "
                f"{evaluation.indicator.break_note or ''} Was die wijziging niet overal even groot, dan kleurt ze "
                "de vergelijking van voor en na de start.").replace("  ", " ")
    if note.code == "budget_effect":
        return ("Het initiatief stuurt deze indicator zelf (bijvoorbeeld met een vast budget). Het verschil is een "
                "budgeteffect: het laat zien wat de afspraak deed, niet wat de samenwerking opleverde.")
    if note.code == "no_pre_post":
        return "Er zijn geen gegevens van de deelnemende gemeenten van zowel voor als na de start."
    if note.code == "estimate_failed":
        return f"Met deze gegevens is geen schatting te maken: {v.get('reason', 'te weinig gemeenten of perioden met een meting')}."
    if note.code == "placebo_failed":
        return (f"De placebotoets slaat aan (p = {p_value(v['p'])}): al voor de start liepen de deelnemende en de "
                "vergelijkingsgemeenten duidelijk uiteen. Het verschil na de start is daarom niet betrouwbaar aan "
                "het initiatief toe te schrijven.")
    if note.code == "leave_one_out":
        return (f"Zonder één van de deelnemende gemeenten ligt het effect tussen {change(record, v['low'])} en "
                f"{change(record, v['high'])}, en niet elke schatting is dan nog aantoonbaar: het effect hangt "
                "sterk af van enkele gemeenten.")
    if note.code in THIN:
        one, many, tail = THIN[note.code]
        return (f"Er {'is' if v['n'] == 1 else 'zijn'} maar {plural(v['n'], one, many)} (advies: minstens "
                f"{v['advised']}){tail}.")
    if note.code == "missing":
        return (f"Van {number(100 * v['share'], 0)}% van de combinaties van gemeente en periode ontbreekt de meting; "
                "als dat niet toevallig is, kan het beeld vertekenen.")
    if note.code == "dynamic":
        return dynamic_sentence(note, record)
    raise KeyError(note.code)


def dynamic_sentence(note: Note, record: dict) -> str:
    """How the effect grows or shrinks with time since joining, each point with its margin; 'verandert' only
    when the two margins do not overlap (then the difference is shown whatever their correlation)."""
    v = note.values
    one, many = STEP_WORDS[v["step"]]
    first, last = v["first"], v["last"]
    later = plural(v["steps"], one, many)
    apart = first["ci_high"] < last["ci_low"] or last["ci_high"] < first["ci_low"]  # margins without overlap
    opening = ("Het effect verandert met de duur van deelname" if apart
               else "Of het effect met de duur van deelname verandert, is niet aan te tonen")
    return (f"{opening}: {START_WORDS[v['step']]} {change(record, first['estimate'])} "
            f"(marge {margin(record, first['ci_low'], first['ci_high'])}), {later} later "
            f"{change(record, last['estimate'])} (marge {margin(record, last['ci_low'], last['ci_high'])}). Dat "
            f"laatste punt rust op de {plural(int(last['n_units']), 'gemeente', 'gemeenten')} die zo lang meedoen.")


def trends_sentence(evaluation: IndicatorEvaluation) -> str:
    """How far the trends after the start may diverge before the effect is no longer shown (the breakdown)."""
    trends = evaluation.trends
    if trends is None:
        return ""
    one, many = STEP_WORDS[evaluation.events.step]
    if trends.absent:
        return (f"Lees met voorzichtigheid: gemiddeld over de eerste {plural(trends.lags, one, many)} na de start is "
                "het effect ook bij gelijk oplopende trends niet aantoonbaar (bijlage C).")
    worst = f"de grootste afwijking per {one} voor de start"
    if trends.fragile:
        return (f"Lees met voorzichtigheid: lopen de groepen na de start per {one} "
                f"{number(100 * trends.breakdown, 0)}% van {worst} uiteen, dan is het effect al niet meer "
                "aantoonbaar (omslagpunt, bijlage C).")
    return (f"Omslagpunt: pas als de groepen na de start per {one} {number(trends.breakdown, 1)} keer {worst} "
            "uiteenlopen, is het effect niet meer aantoonbaar; het houdt stand bij afwijkingen zo groot als voor de "
            "start (bijlage C).")


def comparison_line(evaluations: list[IndicatorEvaluation]) -> str:
    """'8 deelnemende gemeenten vergeleken met 86 vergelijkingsgemeenten' (the largest numbers of any indicator)."""
    shown = [e.headline for e in evaluations if e.headline]
    if not shown:
        return ""
    treated, control = max(h.n_treated for h in shown), max(h.n_control for h in shown)
    return (f"We vergelijken {plural(treated, 'deelnemende gemeente', 'deelnemende gemeenten')} met "
            f"{plural(control, 'vergelijkingsgemeente', 'vergelijkingsgemeenten')}.")


def effects(study: Study, evaluations: list[IndicatorEvaluation]) -> Section:
    """The effects table and figure, then per indicator: the sentence, the design, the trend figure, the notes."""
    level = number(100 * study.params.report.confidence_level, 0)
    records = [e.record() for e in evaluations]
    overview = table(
        "Effect per indicator", ["Indicator", "Effect", f"Marge ({level}%)", "Conclusie"],
        [[effect_label(r),
          *effect_cells(r),
          verdict_phrase(r) + ("; lees met voorzichtigheid" if r["caution"] else "")] for r in records],
        numeric=["Effect"])
    rows, left_out = figures.relative_effects(records)
    forest = None
    if not rows.empty:
        forest = figures.effects_chart(rows, source=_sources(evaluations),
                                       caption="Effect per indicator in procenten van de verwachte waarde zonder "
                                               "initiatief, met de marge." + left_out)
    indicators = []
    for e, r in zip(evaluations, records):
        indicators.append({
            "label": e.indicator.label, "sentence": effect_sentence(r),
            "full": full_participation_sentence(r),
            "notes": [note_sentence(n, e) for n in e.notes] + [t for t in [synthetic_sentence(e)] if t],
            "trends": trends_sentence(e),
            "cautions": [caution_sentence(c) for c in e.cautions if c not in SAID_WITH_NUMBERS]
            if e.verdict in SHOWN else [],
        })
    trends = figures.trend_grid([(e.frame, e.indicator) for e in evaluations], _sources(evaluations))
    return section("effects.html.j2", "Effecten", overview=overview, forest=forest, indicators=indicators, trends=trends,
                   comparison=comparison_line(evaluations))


def _sources(evaluations: list[IndicatorEvaluation]) -> str:
    return "; ".join(dict.fromkeys(e.indicator.source for e in evaluations))


def money(evaluations: list[IndicatorEvaluation], financing: Financing | None = None) -> Section:
    """Who pays, who saves: effects in euros per year and since the start, by payer; with a shared-savings
    agreement in ``financing`` also the settlement between the payers."""
    effects_ = money_effects(evaluations)
    shares = financing.savings_shares if financing is not None else {}
    careful = {e.id for e in evaluations if e.caution}
    per = {e.id: e.indicator.per for e in evaluations}
    rows = [[f"{m.label} ({_price(m, per[m.indicator])})" + ("; lees met voorzichtigheid" if m.indicator in careful
                                                             else ""),
             PAYER_LABELS[m.law], *_amounts(m)] for m in effects_]
    shown = [m for m in effects_ if m.status == "shown"]
    money_table = table("Wie betaalt, wie bespaart (alle deelnemende gemeenten samen, per jaar)",
                        ["Indicator (aangenomen prijs, gerekend voor)", "Betaler", "Per jaar", "Marge per jaar",
                         "Sinds de start"], rows, numeric=["Per jaar"]) if rows else None
    savers = _payers([m for m in shown if m.saving_low > 0])
    payers = _payers([m for m in shown if m.saving_high < 0])
    return section("money.html.j2", "Wie betaalt, wie bespaart?", table=money_table, overlap=_overlap_sentence(effects_),
                   savers=savers, payers=payers, any_shown=bool(shown),
                   budget=any(m.status == "budget_effect" for m in effects_),
                   settlement=settlement_section(financing, settle(effects_, shares) if rows else None))


def _overlap_sentence(effects_: list[MoneyEffect]) -> str:
    """Which amounts already contain which, so nobody adds them up, and a total without a shown difference
    that contains shown amounts (the payer's net saving is then not shown); empty when neither occurs."""
    shown = [m for m in effects_ if m.status == "shown"]
    pairs = overlapping(shown)
    sentences = []
    if pairs:
        parts = [f"het bedrag bij '{lower_first(part.label)}' zit al in dat bij '{lower_first(whole.label)}'"
                 for whole, part in pairs]
        sentences.append(f"Sommige bedragen overlappen: {join_words(parts)}. Tel die bedragen dus niet bij elkaar op.")
    for whole in effects_:
        inside = [part for w, part in overlapping([whole, *shown]) if w is whole and part in shown]
        if whole.status == "geen_verschil" and inside:
            named = join_words([f"'{lower_first(part.label)}'" for part in inside])
            subject = f"Het bedrag bij {named} valt" if len(inside) == 1 else f"De bedragen bij {named} vallen"
            sentences.append(f"{subject} ook onder '{lower_first(whole.label)}', en daar is geen aantoonbaar "
                             "verschil: of "
                             f"{PAYER_ARTICLES[whole.law]} {PAYER_LABELS[whole.law]} per saldo bespaart, is niet "
                             "aangetoond.")
    return " ".join(sentences)


def _payers(effects_: list[MoneyEffect]) -> str:
    """'de zorgverzekeraar (Zvw) en het zorgkantoor (Wlz)', each payer once."""
    laws = dict.fromkeys(m.law for m in effects_)
    return join_words([f"{PAYER_ARTICLES[law]} {PAYER_LABELS[law]}" for law in laws])


PERSONS = {"inwoner": "inwoners", "verzekerde": "verzekerden"}


def _price(m: MoneyEffect, per: str) -> str:
    """The price and, where amounts are computed, the persons they are computed for: the sum can be redone."""
    price = "het bedrag zelf" if m.price is None else f"{EURO}{number(m.price, 0)} per keer"
    if m.status not in ("shown", "budget_effect") or not math.isfinite(m.population):
        return price
    persons = re.sub(r"^[\d.]+\s+", "", per).removesuffix(" per kwartaal")
    return f"{price}, voor {number(m.population, 0)} {PERSONS.get(persons, persons)}"


def _amounts(m: MoneyEffect) -> list[str]:
    """Amounts in words rather than signs ('extra kosten € 3,9 mln'): a minus that means a cost rise in the
    effects table and extra costs here would read as the same thing."""
    if m.status not in ("shown", "budget_effect"):
        return [VERDICT_LABELS[m.status], "–", "–"]
    word = ("lagere uitgaven" if m.status == "budget_effect" else "besparing") if m.saving > 0 else "extra kosten"
    def between(low: float, high: float) -> str:
        if (low > 0) == (high > 0):
            low, high = sorted([abs(low), abs(high)])
        return f"{euro_amount(low)} tot {euro_amount(high)}"

    return [f"{word} {euro_amount(abs(m.saving))}" + (" (budgeteffect)" if m.status == "budget_effect" else ""),
            between(m.saving_low, m.saving_high),
            f"{word} {euro_amount(abs(m.saving * m.years))} over {_years(m.years)} (marge "
            f"{between(m.saving_low * m.years, m.saving_high * m.years)})"]


def _years(years: float) -> str:
    """'7 jaar', '5,5 jaar': a decimal only where the years are not whole."""
    return f"{number(years, 0 if abs(years - round(years)) < 0.05 else 1)} jaar"

