"""What the params' design choices mean, in Dutch: the inference and comparison units asked for, a start
moved earlier (anticipation), partial participation, matched controls with their balance, the synthetic
control beside the estimate, and the settlement of a shared-savings agreement.

Written from codes and numbers only (params values and results objects), in functions of their own so that
the sections call them without changing their own wording.
"""

from __future__ import annotations

import math

from evaluatie.data.study import Study
from evaluatie.formats import euro_amount, join_words, number, p_value
from evaluatie.outcome.evaluation import SHOWN, SYNTHETIC_SUPPORT, IndicatorEvaluation
from evaluatie.outcome.money import Settlement
from evaluatie.params import Financing
from evaluatie.report.labels import PAYER_ARTICLES, PAYER_LABELS, VALUE_LABELS
from evaluatie.report.markup import Table, table
from evaluatie.report.text import change, margin, plural, unit_suffix

CONTROL_GROUP_WORDS = {
    "never_treated": "gemeenten die nooit meededen",
    "not_yet_treated": "gemeenten die op dat moment nog niet meededen (ook gemeenten die later begonnen)",
}
DISTANCE_WORDS = {"mahalanobis": "op alle kenmerken tegelijk, rekening houdend met hun spreiding (Mahalanobis-afstand)",
                  "propensity": "op de geschatte kans om deel te nemen (propensity score)"}
COVARIATES = {"population": ("Inwoners", "aantal"), "share_0_17": ("Aandeel inwoners van 0 tot en met 17 jaar", "fractie"),
              "share_65plus": ("Aandeel inwoners van 65 jaar en ouder", "fractie"),
              "share_75plus": ("Aandeel inwoners van 75 jaar en ouder", "fractie"),
              "mean_income": ("Gemiddeld inkomen", "× €\u00a01.000 per jaar"), "urbanity": ("Stedelijkheid", "klasse 1 tot 5")}
LARGEST_DONORS = 5
STEPS = {"jaar": "jaar", "kwartaal": "kwartalen", "meting": "metingen"}
SCENARIO_WORDS = "bij de grenzen van de marges"


def staggered_comparison(control_group: str | None) -> str:
    """The comparison units of Callaway & Sant'Anna, as the methods name them."""
    return CONTROL_GROUP_WORDS[control_group or "never_treated"]


def anticipation_caption(anticipation: int, step: str) -> str:
    """Where event time 0 lies when the start was moved earlier (empty otherwise)."""
    if not anticipation:
        return ""
    return (f"Omdat we rekenen vanaf {anticipation} {step if anticipation == 1 else STEPS.get(step, step)} voor de "
            "officiële start (bijlage B), is punt 0 hier die vervroegde start en liggen de punten ervoor vóór de "
            "vervroegde start.")


def design_paragraphs(study: Study, evaluations: list[IndicatorEvaluation]) -> list[str]:
    """The design choices of the params that differ from the defaults, each with why and what it does."""
    params, parts = study.params, []
    if params.outcome.inference != "auto":
        parts.append(f"In de parameters is gekozen voor {VALUE_LABELS[params.outcome.inference]} bij elke indicator, "
                     "in plaats van de automatische keuze; de marges hieronder komen daaruit.")
    if any(e.headline and e.headline.control_group == "not_yet_treated" for e in evaluations):
        parts.append("Bij de gespreide start is in de parameters gekozen voor vergelijking met "
                     f"{CONTROL_GROUP_WORDS['not_yet_treated']}: dat geeft meer vergelijkingsgemeenten, maar vraagt "
                     "dat gemeenten die later begonnen zich voor hun start net zo ontwikkelden als de rest.")
    anticipation = params.treatment.anticipation
    if anticipation:
        parts.append(f"We rekenen vanaf {plural(anticipation, 'periode', 'perioden')} voor de start (jaren bij "
                     "jaarcijfers, kwartalen bij kwartaalcijfers), omdat het initiatief al eerder effect kan hebben: "
                     "partners bereiden zich voor of werken al samen voordat het officieel begint. Die "
                     + ("periode telt" if anticipation == 1 else "perioden tellen")
                     + " mee als periode met het initiatief, in elke schatting, de placebotoets en de resultaten per "
                       "gemeente; de vergelijking van voor de start eindigt daarvoor. In bijlage C is punt 0 de "
                       "vervroegde start.")
    intensity = params.treatment.intensity
    if intensity < 1:
        parts.append(f"Niet alles valt onder het initiatief: {number(100 * intensity, 0)}% van het budget of de "
                     "bevolking. Het effect in dit rapport is dat van deelname zoals die was. Daarnaast noemen we het "
                     f"effect bij volledige deelname: het effect en de marge gedeeld door {number(intensity, 2)}. "
                     "Dat veronderstelt dat het effect evenredig groeit met het deel dat meedoet; werkt het initiatief "
                     "vooral voor de eerste deelnemers, dan is die omrekening te gunstig.")
    parts += _matching_paragraph(study, evaluations) + _synthetic_paragraph(study, evaluations)
    return parts


def _matching_paragraph(study: Study, evaluations: list[IndicatorEvaluation]) -> list[str]:
    rule = study.params.control_group
    if rule.method != "matching":
        return []
    options = rule.matching
    on = ["het niveau en de trend van de indicator voor de start"] + [_covariate(c)[0].lower() for c in options.on]
    text = (f"De vergelijkingsgemeenten zijn gematcht: per deelnemende gemeente zoeken we "
            f"{'de meest gelijkende gemeente' if options.neighbours == 1 else f'de {options.neighbours} meest gelijkende gemeenten'} "
            f"uit de vergelijkingsgroep, {DISTANCE_WORDS[options.distance]}, op {join_words(on)}. Zo lijken de "
            "groepen voor de start meer op elkaar en telt een verschil in samenstelling van de bevolking minder mee. "
            "Elke schatting, de placebotoets en de resultaten per gemeente gebruiken alleen de gematchte gemeenten; "
            "de tabellen 'Balans na matching' tonen per indicator hoeveel beter de groepen op elkaar lijken.")
    if options.caliper is not None:
        text += (f" Een paar mag niet verder uit elkaar liggen dan {number(options.caliper, 2)}; een deelnemende "
                 "gemeente zonder zo'n paar valt buiten de vergelijking.")
    return [text]


def _synthetic_paragraph(study: Study, evaluations: list[IndicatorEvaluation]) -> list[str]:
    if study.params.control_group.method != "synthetic_control":
        return []
    if all(e.staggered for e in evaluations):
        return ["Een synthetische controle is in de parameters gevraagd, maar past niet bij een gespreide start: "
                "ze vraagt één startmoment voor alle deelnemende gemeenten."]
    return ["Als controle op de schatting maken we een synthetische controle: een gewogen mix van "
            "vergelijkingsgemeenten die de deelnemende gemeenten (samen genomen) voor de start zo goed mogelijk volgt. "
            "Het verschil na de start vergelijken we met hetzelfde verschil voor elke vergelijkingsgemeente alsof "
            "die had meegedaan; de p-waarde is het deel van die gemeenten met een even grote of grotere afwijking na "
            "de start. Wijzen de synthetische controle en de schatting dezelfde kant op en is die p-waarde onder "
            f"{number(SYNTHETIC_SUPPORT, 2)}, dan staat de conclusie steviger; anders steunt de synthetische controle "
            "haar niet."]


def synthetic_sentence(evaluation: IndicatorEvaluation) -> str:
    """Whether the synthetic control backs a shown effect, for the paragraph of that indicator."""
    s, backs = evaluation.synthetic, evaluation.synthetic_backs
    if backs is None:
        return ""
    record = evaluation.record()
    same_side = (s.estimate < 0) == (record["estimate"] < 0)
    if backs:
        return (f"De synthetische controle bevestigt dit: {change(record, s.estimate)}, groter dan bij bijna elke "
                f"vergelijkingsgemeente (p = {p_value(s.p_value)}).")
    why = ("ze volgt de deelnemende gemeenten voor de start slecht" if s.warnings
           else "ze wijst de andere kant op" if not same_side
           else "dat verschil is niet groter dan bij veel vergelijkingsgemeenten")
    return (f"Lees met voorzichtigheid: de synthetische controle geeft {change(record, s.estimate)}, maar steunt de conclusie niet: {why} "
            f"(p = {p_value(s.p_value)}).")


def _covariate(name: str) -> tuple[str, str]:
    return COVARIATES.get(name, (f"Kenmerk '{name}' uit het gemeentebestand", "eenheid van het bestand"))


def _feature(name: str, record: dict, step: str) -> str:
    if name == "niveau_uitkomst":
        return f"Niveau van de indicator voor de start ({unit_suffix(record)})"
    if name == "trend_uitkomst":
        return f"Trend van de indicator voor de start ({unit_suffix(record)}, per {step})"
    label, unit = _covariate(name)
    return f"{label} ({unit})"


def balance_tables(evaluations: list[IndicatorEvaluation]) -> list[Table]:
    """Per indicator: means and standardised differences before and after matching."""
    tables = []
    for e in evaluations:
        if e.matching is None:
            continue
        record, b = e.record(), e.matching.balance
        step = e.events.step if e.events is not None else "periode"
        rows = [[_feature(r.variable, record, step), number(r.mean_treated, 2), number(r.mean_control_before, 2),
                 number(r.mean_control_after, 2), number(r.smd_before, 2), number(r.smd_after, 2)]
                for r in b.itertuples()]
        note = (f"{plural(len(e.matching.controls), 'gematchte vergelijkingsgemeente', 'gematchte vergelijkingsgemeenten')}. "
                "Het gestandaardiseerde verschil is het verschil in gemiddelden gedeeld door de spreiding (zonder "
                "eenheid); onder 0,25 geldt als goed vergelijkbaar.")
        poor = b.variable[b.smd_after.abs() > 0.25].tolist()
        if poor:
            note += (" Na matching verschillen de groepen nog duidelijk op "
                     f"{join_words([_feature(v, record, step).lower() for v in poor])}.")
        if e.matching.unmatched:
            note += (f" {plural(len(e.matching.unmatched), 'deelnemende gemeente vond', 'deelnemende gemeenten vonden')} "
                     "geen gelijkende gemeente en tellen niet mee.")
        tables.append(table(f"Balans na matching: {e.indicator.label}",
                            ["Kenmerk", "Gemiddelde deelnemers", "Gemiddelde vergelijking vóór matching",
                             "Gemiddelde vergelijking na matching", "Gestandaardiseerd verschil vóór",
                             "Gestandaardiseerd verschil na"], rows,
                            numeric=["Gemiddelde deelnemers", "Gestandaardiseerd verschil vóór",
                                     "Gestandaardiseerd verschil na"], note=note))
    return tables


def synthetic_table(evaluations: list[IndicatorEvaluation]) -> Table | None:
    """Per indicator: the estimate beside the synthetic control's gap, its placebo p-value and largest donors."""
    rows = []
    for e in evaluations:
        s, h = e.synthetic, e.headline
        if s is None or h is None:
            continue
        record = e.record()
        names = e.frame.drop_duplicates("unit_id").set_index("unit_id")["name"]
        donors = [f"{names.get(u, u)} ({number(100 * w, 0)}%)" for u, w in s.weights.head(LARGEST_DONORS).items()
                  if w >= 0.005]
        fit = "slecht" if s.warnings else "goed"
        rows.append([e.indicator.label, change(record, h.estimate), change(record, s.estimate),
                     p_value(s.p_value) if math.isfinite(s.p_value) else "–", fit, join_words(donors)])
    if not rows:
        return None
    return table("Synthetische controle naast de schatting (in de eenheid van de indicator, gemiddeld na de start)",
                 ["Indicator", "Effect (verschil-in-verschillen)", "Verschil met synthetische controle",
                  "p-waarde (placebo)", "Volgt voor de start", "Grootste gewichten"], rows,
                 numeric=["Effect (verschil-in-verschillen)", "Verschil met synthetische controle"],
                 note="Volgt de synthetische controle de deelnemende gemeenten voor de start slecht (afwijking groter "
                      "dan 10% van het niveau), dan steunt ze de schatting niet.")


def full_participation_sentence(record: dict) -> str:
    """The effect scaled to full participation, with its assumption; empty at full participation or no effect."""
    intensity = record.get("intensity", 1.0)
    if intensity >= 1 or record["verdict"] not in SHOWN:
        return ""
    return (f"Bij volledige deelname (nu {number(100 * intensity, 0)}%) zou het effect "
            f"{change(record, record['full_estimate'])} zijn (marge "
            f"{margin(record, record['full_ci_low'], record['full_ci_high'])}), als het effect evenredig is met het "
            "deel dat meedoet.")


def settlement_section(financing: Financing | None, settled: Settlement | None) -> dict:
    """The shared-savings settlement for the money section: sentences and a table (empty without an agreement)."""
    if financing is None or financing.shared_savings in (None, "geen") or settled is None:
        return {}
    kind = VALUE_LABELS[financing.shared_savings]
    intro = f"Er is een afspraak over gedeelde besparingen ({kind}): wat per saldo bespaard wordt, wordt verdeeld."
    if settled.problem == "nothing_shown":
        return {"lines": [intro + " Er zijn geen besparingen of extra kosten aangetoond, dus er valt niets te verrekenen."]}
    if settled.problem == "overlap":
        return {"lines": [intro + " De verrekening is niet berekend: de kostenindicatoren overlappen, zodat hetzelfde "
                                  "geld twee keer zou tellen. Kies voor de verrekening indicatoren die elkaar niet "
                                  "bevatten."]}
    if settled.problem == "single_payer":
        who = f"{PAYER_ARTICLES[settled.missing[0]]} {PAYER_LABELS[settled.missing[0]]}"
        if settled.equal_shares:  # who else shares in it is not in the params: no settlement is made up
            return {"lines": [f"Er is een afspraak over gedeelde besparingen ({kind}). Alleen bij {who} is een "
                              "bedrag aangetoond; wat daarvan naar de andere partners gaat, hangt af van de "
                              "afgesproken verdeling. Die staat niet in de parameters, dus de verdeling is niet "
                              "berekend."]}
        return {"lines": [f"Er is een afspraak over gedeelde besparingen ({kind}), maar de afgesproken verdeling "
                          f"noemt alleen {who}, waar ook het enige bedrag is aangetoond: er valt niets te "
                          "verrekenen."]}
    if settled.problem == "missing_share":
        who = join_words([f"{PAYER_ARTICLES[law]} {PAYER_LABELS[law]}" for law in settled.missing])
        return {"lines": [intro + f" De verrekening is niet berekend: de afgesproken verdeling noemt geen deel voor "
                                  f"{who}, die wel een aangetoond effect heeft."]}
    t = settled.table
    total = [t[f"saving{s}"].sum() for s in ("", "_low", "_high")]
    shares = ("in gelijke delen, omdat de parameters geen verdeling noemen" if settled.equal_shares
              else "volgens de afgesproken verdeling")
    lines = [f"{intro} Samen besparen de betalers {euro_amount(total[0])} per jaar (marge {euro_amount(total[1])} tot "
             f"{euro_amount(total[2])}); dat delen ze {shares}."]
    for r in t.itertuples():
        low, high = sorted([r.transfer_low, r.transfer_high])
        who = f"{PAYER_ARTICLES[r.payer].capitalize()} {PAYER_LABELS[r.payer]}"
        if round(r.transfer) == 0:
            continue
        verb = "ontvangt" if r.transfer > 0 else "betaalt"
        bounds = f"{euro_amount(abs(low))} tot {euro_amount(abs(high))}" if low * high > 0 else \
            f"{euro_amount(low)} tot {euro_amount(high)}, dus mogelijk de andere kant op"
        lines.append(f"{who} {verb} {euro_amount(abs(r.transfer))} per jaar ({SCENARIO_WORDS}: {bounds}).")
    rows = [[PAYER_LABELS[r.payer], f"{number(100 * r.agreed_share, 0)}%", euro_amount(r.saving),
             _range(r.saving_low, r.saving_high), euro_amount(r.net_after), euro_amount(r.transfer),
             _range(r.transfer_low, r.transfer_high)] for r in t.itertuples()]
    return {"lines": lines, "table": table(
        "Verrekening van de gedeelde besparingen (alle deelnemende gemeenten samen, per jaar)",
        ["Betaler", "Afgesproken deel", "Eigen besparing", "Marge eigen besparing", "Na verdeling",
         "Ontvangt (+) of betaalt (−)", f"Ontvangt of betaalt {SCENARIO_WORDS}"], rows,
        numeric=["Afgesproken deel", "Eigen besparing", "Na verdeling", "Ontvangt (+) of betaalt (−)"],
        note="De marges gaan uit van alle besparingen tegelijk aan de onderkant of aan de bovenkant van hun marge.")}


def _range(low: float, high: float) -> str:
    low, high = sorted([low, high])
    return f"{euro_amount(low)} tot {euro_amount(high)}"

