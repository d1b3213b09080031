"""The bijlagen: begrippenlijst, methods, the effect per period, and the full tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from markupsafe import Markup

from evaluatie.data.study import Study
from evaluatie.formats import join_words, number, p_value, signed
from evaluatie.outcome.evaluation import (
    EVENT_TIME_DRAWS, LEAVE_ONE_OUT_MIN_TREATED, PLACEBO_CAUTION, PLACEBO_UNRELIABLE, SENSITIVITY_PERIODS, SHOWN,
    IndicatorEvaluation,
)
from evaluatie.outcome.inference import (
    AUTO_MIN_TREATED, MAX_EXACT_ASSIGNMENTS, WILD_BOOTSTRAP_MIN_TREATED, n_assignments,
)
from evaluatie.process import ProcessEvaluation
from evaluatie.report import figures
from evaluatie.report.glossary import terms
from evaluatie.report.markup import Section, section, table
from evaluatie.report.labels import parameter_label, parameter_rows, value_label
from evaluatie.report.sections.body import municipality_tables
from evaluatie.report.sections.design import (
    anticipation_caption, balance_tables, design_paragraphs, staggered_comparison, synthetic_table,
)
from evaluatie.report.sections.process import process_appendix
from evaluatie.report.sections.outcome import STEP_WORDS
from evaluatie.report.text import change, lower_first, margin, plural

METHOD_NAMES = {"twfe": "verschil-in-verschillen met vaste effecten per gemeente en per periode",
                "callaway_santanna": "verschil-in-verschillen per startgroep (Callaway & Sant'Anna)"}
INFERENCE_NAMES = {"randomization": "randomisatie-inferentie", "cluster": "standaardfouten per gemeente",
                   "wild_bootstrap": "wild cluster bootstrap"}
ROLES = {"units": "gemeenten en kenmerken", "panel": "indicatoren per periode", "responses": "vragenlijsten",
         "interviews": "gecodeerde interviews"}


def glossary() -> Section:
    return section("glossary.html.j2", "Begrippenlijst", terms=terms())


def _smallest_p_sentence(headlines: list) -> list[str]:
    """With all assignments enumerated, no p-value can be below 1/(number of assignments): say so."""
    sizes = {(h.n_treated, h.n_control): n_assignments(np.repeat([1, 0], [h.n_treated, h.n_control]))
             for h in headlines}
    exact = {k: n for k, n in sizes.items() if n <= MAX_EXACT_ASSIGNMENTS}
    if not exact:
        return []
    (n_treated, n_control), n = min(exact.items(), key=lambda item: item[1])
    return [f"Met {plural(n_treated, 'deelnemende gemeente', 'deelnemende gemeenten')} en "
            f"{plural(n_control, 'vergelijkingsgemeente', 'vergelijkingsgemeenten')} zijn er "
            f"{number(n, 0)} mogelijke toewijzingen. De kleinste p-waarde die dan kan, is 1/{number(n, 0)} = "
            f"{p_value(1 / n)}: het echte verschil is dan groter dan bij elke andere toewijzing. Een kleinere "
            "p-waarde is met zo weinig gemeenten niet te halen, hoe groot het effect ook is."]


def inference_paragraphs(evaluations: list[IndicatorEvaluation]) -> list[str]:
    """Which inference was used and why, and why a second opinion is or is not shown (from the codes)."""
    headlines = [e.headline for e in evaluations if e.headline]
    used = {h.inference for h in headlines}
    parts = []
    if "randomization" in used:
        parts.append(f"Met minder dan {AUTO_MIN_TREATED} deelnemende gemeenten zijn de gebruikelijke standaardfouten "
                     "te optimistisch: ze maken marges te smal. We gebruiken dan randomisatie-inferentie: we wijzen de "
                     "deelname bij toeval aan andere gemeenten toe (alle mogelijke toewijzingen, of 999 willekeurige "
                     "als dat er heel veel zijn) en kijken hoe uitzonderlijk het echte verschil is.")
        parts += _smallest_p_sentence([h for h in headlines if h.inference == "randomization" and h.method == "twfe"])
    if "cluster" in used:
        parts.append(f"Met {AUTO_MIN_TREATED} of meer deelnemende gemeenten gebruiken we standaardfouten die "
                     "rekening houden met metingen van dezelfde gemeente door de jaren heen.")
    if any(h.second_opinion for h in headlines):
        parts.append("Naast het hoofdresultaat tonen we een tweede bepaling van de marge met de wild cluster "
                     "bootstrap: liggen beide marges aan dezelfde kant van nul, dan staat de conclusie steviger.")
    if any("wild_bootstrap" in h.withheld for h in headlines):
        parts.append(f"Met minder dan {WILD_BOOTSTRAP_MIN_TREATED} deelnemende gemeenten tonen we de wild cluster "
                     "bootstrap niet als tweede mening: met zo weinig deelnemers vindt die methode vrijwel nooit "
                     "een effect, ook als het er is (met één deelnemende gemeente zijn haar marges tientallen keren "
                     "breder dan de randomisatiemarges). Haar marge zou dan vooral iets over de methode zeggen en weinig "
                     "over het effect.")
    staggered = [h for h in headlines if h.method == "callaway_santanna"]
    if staggered:
        parts.append("De gemeenten begonnen in verschillende jaren. De gewone methode is dan vertekend als het effect "
                     "met de tijd verandert; daarom vergelijken we elke startgroep alleen met "
                     f"{staggered_comparison(staggered[0].control_group)} (Callaway & Sant'Anna).")
        if any(h.inference == "randomization" for h in staggered):
            parts.append("Bij randomisatie-inferentie verdelen we daar de startjaren bij toeval over de gemeenten, "
                         "met evenveel gemeenten per startgroep als in werkelijkheid. Een tweede bepaling van de "
                         "marge berekenen we bij een gespreide start niet.")
    if "randomization" in used:
        parts.append(f"De marges in de figuren over het verloop komen uit dezelfde inferentie, met {EVENT_TIME_DRAWS} "
                     "willekeurige toewijzingen per punt.")
    return parts


def _control_text(study: Study) -> str:
    rule = study.params.control_group
    count = len(study.control_units)
    if rule.type == "list":
        text = f"{plural(count, 'gemeente', 'gemeenten')} die de evaluatie zelf heeft gekozen"
    else:
        text = f"{plural(count, 'gemeente', 'gemeenten')} die niet aan dit initiatief deelnemen"
        if rule.regions:
            text += f", uit de regio's {join_words(rule.regions)}"
    if rule.exclude_other_initiatives:
        text += "; gemeenten in een ander initiatief tellen niet mee"
    return text + "."


def _analysis_parameters(study: Study) -> dict:
    """The params as the parameters table shows them: matching options only when matching is chosen, the
    comparison group of staggered designs only when the starts are staggered, the contact and the date on the
    cover only."""
    dump = study.params.model_dump(mode="json")
    if dump["control_group"]["method"] != "matching":
        dump["control_group"].pop("matching")
    if len(set(study.treated_starts.values())) < 2:
        dump["outcome"].pop("control_group")
    dump["report"].pop("contact")
    if dump["report"]["date"] is None:  # the colofon shows the date the report was made
        dump["report"].pop("date")
    return dump


def methods(study: Study, evaluations: list[IndicatorEvaluation]) -> Section:
    """Design, assumptions, inference, control group, parameters (and the what-if settings of this run
    from ``evaluatie run -p``), data, and the indicators without an estimate with the reason."""
    changed = study.initiative.overrides
    level = number(100 * study.params.report.confidence_level, 0)
    used = sorted({METHOD_NAMES[e.headline.method] for e in evaluations if e.headline})
    parameters = table("Parameters van deze evaluatie", ["Parameter", "Waarde"],
                       parameter_rows(_analysis_parameters(study)))
    overrides = table("Parameters gewijzigd voor deze run", ["Parameter", "Waarde"],
                      [[parameter_label(key), value_label(value)] for key, value in changed.items()]) if changed else None
    failed = [(e.indicator.label, e.failure) for e in evaluations if e.failure]
    files = table("Gegevensbronnen", ["Gegevens", "Bestand", "Controlegetal (SHA-256)"],
                  [[ROLES.get(f.role, f.role), f.path, Markup('<span class="hash">{}</span>').format(f.sha256)]
                   for f in study.data_files])
    partial = any(e.events is not None and e.events.partial_start for e in evaluations)
    detected = [f"{lower_first(e.indicator.label)}: {_slope(e)}" for e in evaluations if e.trends]
    left_out = any(e.headline and e.headline.method == "twfe" and e.headline.n_treated >= LEAVE_ONE_OUT_MIN_TREATED
                   for e in evaluations)
    return section("methods.html.j2", "Methoden", trends="; ".join(detected), trend_periods=SENSITIVITY_PERIODS, used=join_words(used), level=level,
                   inference=inference_paragraphs(evaluations), control=_control_text(study),
                   parameters=parameters, overrides=overrides, failed=failed, files=files, partial=partial,
                   placebo_unreliable=number(PLACEBO_UNRELIABLE, 2), placebo_caution=number(PLACEBO_CAUTION, 2),
                   choices=design_paragraphs(study, evaluations), balance=balance_tables(evaluations),
                   synthetic=synthetic_table(evaluations),
                   leave_one_out=LEAVE_ONE_OUT_MIN_TREATED if left_out else None)


ARTICLES = {"jaar": "het", "kwartaal": "het", "meting": "de"}


def _pre_start_bounded(events) -> bool:
    """Whether no pre-start point has an unbounded margin (which contains zero whatever the data)."""
    pre = events.table[events.table.event_time < 0].dropna(subset=["estimate"])
    return not any(math.isinf(v) for v in pre[["ci_low", "ci_high"]].to_numpy(float).ravel())


def _testable_pre_start(events) -> int:
    """Pre-start points with an estimate and a margin (the reference period has neither)."""
    pre = events.table[events.table.event_time < 0].dropna(subset=["estimate", "ci_low", "ci_high"])
    return len(pre)


def caption(evaluation: IndicatorEvaluation, level: str) -> str:
    """What the event-time figure shows, its real reference period, and the pre-start points off zero."""
    events, record = evaluation.events, evaluation.record()
    step, the = events.step, ARTICLES[events.step]
    zero = "het startjaar, deels met initiatief" if events.partial_start else f"{the} eerste {step} met het initiatief"
    parts = [f"Verschil per {step} ten opzichte van de start (0 = {zero})."]
    parts += [t for t in [anticipation_caption(events.anticipation, step)] if t]
    if events.reference == "fixed":
        parts.append(f"Vergelijkingspunt is {signed(events.reference_time, 0)} ({the} laatste {step} voor de start): "
                     "daar is het verschil nul per definitie.")
    else:
        parts.append(f"Voor de start vergelijkt elk punt een {step} met {the} {step} ervoor; na de start is het "
                     f"vergelijkingspunt {the} laatste {step} voor de start.")
    if not events.bands:
        n = evaluation.headline.n_treated
        parts.append(f"Met {plural(n, 'deelnemende gemeente', 'deelnemende gemeenten')} zijn marges per {step} niet "
                     "betrouwbaar te berekenen; de punten tonen alleen de schatting. Of de trends vooraf gelijk "
                     "liepen, toetst de placebotoets"
                     + (f" (p = {p_value(evaluation.placebo_p)})." if evaluation.placebo_p is not None else "."))
    elif _testable_pre_start(events) < 2:
        parts.append(f"Voor de start is er maar {plural(_testable_pre_start(events), step, STEP_WORDS[step][1])} met "
                     "een marge; of de trends vooraf gelijk liepen, is daarmee niet te toetsen.")
    elif events.off_zero:
        points = events.table.set_index("event_time").loc[list(events.off_zero)]
        listed = join_words([f"{signed(k, 0)} ({change(record, r.estimate)})" for k, r in points.iterrows()])
        parts.append(f"Voor de start {'ligt één punt' if len(points) == 1 else f'liggen {len(points)} punten'} "
                     f"duidelijk naast nul: {listed}. Daar liepen de groepen al uiteen"
                     + (f"; de placebotoets over de hele periode voor de start slaat niet aan (p = "
                        f"{p_value(evaluation.placebo_p)}), maar lees het effect met die kanttekening."
                        if evaluation.placebo_p is not None and evaluation.placebo_p >= PLACEBO_CAUTION else "."))
    elif not _pre_start_bounded(events):
        parts.append(f"Voor de start zijn de marges per {step} niet te begrenzen (te weinig mogelijke toewijzingen); "
                     "of de trends vooraf gelijk liepen, toetst de placebotoets"
                     + (f" (p = {p_value(evaluation.placebo_p)})." if evaluation.placebo_p is not None else "."))
    elif "placebo_weak" in evaluation.cautions:
        parts.append(f"Voor de start liggen de punten elk rond nul (alle {level}%-marges bevatten nul), maar de "
                     f"placebotoets over de hele periode voor de start (p = {p_value(evaluation.placebo_p)}) wijst op "
                     "trends die niet helemaal gelijk opliepen: "
                     + ("lees het effect met voorzichtigheid." if evaluation.verdict in SHOWN
                        else "ook de uitkomst zonder aantoonbaar verschil is daardoor minder zeker."))
    else:
        parts.append(f"Voor de start wijkt geen afzonderlijk punt duidelijk af van nul (alle {level}%-marges bevatten "
                     "nul); gelijke trends zijn daarmee niet bewezen (zie het omslagpunt).")
    return " ".join(parts)


def _slope(evaluation: IndicatorEvaluation) -> str:
    """The linear pre-trend the pre-start test detects 8 times in 10: how far the groups drift apart each
    period ('elk kwartaal 1,0 per 1.000 inwoners per kwartaal verder', never '... per kwartaal per kwartaal')."""
    return (f"elk {evaluation.events.step} "
            f"{change(evaluation.record(), evaluation.trends.slope_80).lstrip('+')} verder")


def sensitivity_caption(evaluation: IndicatorEvaluation, level: str) -> str:
    """What the sensitivity figure shows, its breakdown, and what the pre-start test would have seen."""
    trends, record, step = evaluation.trends, evaluation.record(), evaluation.events.step
    one, many = STEP_WORDS[step]
    parts = [f"Gemiddeld effect over de eerste {plural(trends.lags, one, many)} na de start: "
             f"{change(record, trends.estimate)} (marge {margin(record, trends.ci_low, trends.ci_high)}), met de "
             f"{level}%-marge als de groepen na de start per {one} uiteen mogen lopen tot het getoonde deel van de "
             f"grootste afwijking per {one} voor de start (Rambachan & Roth 2023). Dit gemiddelde vergelijkt met de "
             f"laatste {one} voor de start en kan daardoor afwijken van het effect in de hoofdtekst, dat alle perioden "
             "voor en na de start vergelijkt."]
    if trends.breakdown == 0:
        parts.append("Ook zonder afwijking bevat de marge van dit gemiddelde nul.")
    else:
        parts.append(f"Vanaf {number(100 * trends.breakdown, 0)}% (het omslagpunt) bevat de marge nul.")
    parts.append(f"De toets vooraf ziet groepen die {_slope(evaluation)} uiteenlopen in 8 van de 10 gevallen "
                 "(Roth 2022); een kleinere afwijking kan onopgemerkt blijven.")
    return " ".join(parts)


def event_times(study: Study, evaluations: list[IndicatorEvaluation]) -> Section:
    level = number(100 * study.params.report.confidence_level, 0)
    items = []
    for e in evaluations:
        if e.events is None or e.events.table.dropna(subset=["estimate"]).empty:
            continue
        chart = figures.event_time_chart(e.events, e.indicator, e.indicator.source, level)
        item = {"label": e.indicator.label, "chart": figures.Chart(chart.svg, chart.alt, caption(e, level),
                                                                    chart.source, chart.width, chart.height)}
        if e.trends:
            robust = figures.sensitivity_chart(e.trends, e.indicator, e.events.step, level, e.indicator.source)
            item["sensitivity"] = figures.Chart(robust.svg, robust.alt, sensitivity_caption(e, level), robust.source,
                                                robust.width, robust.height)
        items.append(item)
    return section("event_times.html.j2", "Verloop per periode", items=items)


def tables(study: Study, evaluations: list[IndicatorEvaluation], process: ProcessEvaluation | None,
           per_unit: pd.DataFrame | None = None) -> Section:
    level = number(100 * study.params.report.confidence_level, 0)
    estimates, checks = [], []
    for e in evaluations:
        h, r = e.headline, e.record()
        if h is None:
            estimates.append([e.indicator.label, "–", "–", "–"])
            checks.append([e.indicator.label, "–", "–", "–", "–"])
            continue
        unreliable = e.verdict == "onbetrouwbaar"  # the numbers would read as an effect the design cannot carry
        second = ("–" if unreliable
                  else margin(r, h.second_opinion.ci_low, h.second_opinion.ci_high, unit=False) if h.second_opinion
                  else "niet getoond (te weinig gemeenten)" if h.withheld
                  else "niet berekend bij gespreide start" if h.method == "callaway_santanna" else "–")
        estimates.append([e.indicator.label, "niet te duiden: de trends liepen voor de start al uiteen", "–", "–"]
                         if unreliable else
                         [e.indicator.label, change(r, h.estimate), margin(r, h.ci_low, h.ci_high, unit=False),
                          p_value(h.p_value)])
        checks.append([e.indicator.label, INFERENCE_NAMES.get(h.inference, h.inference), second,
                       p_value(e.placebo_p) if e.placebo_p is not None else "niet te toetsen (te weinig metingen)",
                       change(r, h.detectable).lstrip("+") if math.isfinite(h.detectable) else "niet te bepalen"])
    return section("tables.html.j2", "Tabellen", process=process_appendix(process),
                   municipalities=municipality_tables(per_unit, evaluations) if per_unit is not None else [],
                   estimates=table(f"Schattingen per indicator, met {level}%-marge",
                                   ["Indicator", "Effect", "Marge", "p-waarde"], estimates,
                                   numeric=["Effect", "p-waarde"]),
                   checks=table("Onzekerheid en controles per indicator",
                                ["Indicator", "Onzekerheid bepaald met", "Tweede bepaling", "Placebotoets (p)",
                                 "Kleinst aantoonbaar effect"], checks))
