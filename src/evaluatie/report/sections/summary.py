"""The kernboodschap: one page for the steering group, written from the verdict codes.

What was done, three to five findings, how sure we are, and what it means for the steering group.
"""

from __future__ import annotations

from evaluatie.data.study import Study
from evaluatie.formats import join_words, period_text
from evaluatie.outcome.evaluation import SHOWN, IndicatorEvaluation
from evaluatie.outcome.inference import AUTO_MIN_TREATED
from evaluatie.periods import parse_period
from evaluatie.process import ProcessEvaluation
from evaluatie.report.markup import Section, section
from evaluatie.report.process_text import summary_line
from evaluatie.report.sections.design import staggered_comparison
from evaluatie.report.text import change, lower_first, plural, short_finding

MAX_FINDINGS = 5


def _labels(evaluations: list[IndicatorEvaluation]) -> str:
    return join_words([lower_first(e.indicator.label) for e in evaluations])


def what_was_done(study: Study, evaluations: list[IndicatorEvaluation], process: ProcessEvaluation | None) -> str:
    starts = sorted(study.treated_starts.values(), key=lambda p: p.start_time)
    last = max(study.panel.period.unique(), key=lambda p: parse_period(p).end_time)
    last_wave = sum(1 for s in starts if s == starts[-1])
    since = period_text(starts[0]) + (
        f" ({'de laatste gemeente begon' if last_wave == 1 else f'de laatste {last_wave} gemeenten begonnen'} in "
        f"{period_text(starts[-1])})" if starts[-1] != starts[0] else "")
    n = len(study.treated_starts)
    text = (f"{study.params.name} loopt sinds {since} in {plural(n, 'gemeente', 'gemeenten')}. We vergeleken "
            f"{plural(len(evaluations), 'indicator', 'indicatoren')} met "
            f"{plural(len(study.control_units), 'vergelijkingsgemeente', 'vergelijkingsgemeenten')} die niet "
            f"meedoen, met gegevens tot en met {period_text(last)}.")
    if process is not None and process.waves:
        text += f" De partners vulden in {join_words([str(w) for w in process.waves])} een vragenlijst in"
        text += " en er zijn interviews gehouden." if not process.code_counts.empty else "."
    return text


def findings(evaluations: list[IndicatorEvaluation], process: ProcessEvaluation | None) -> list[str]:
    """Three to five findings: shown effects first, then what could not be shown, then the process."""
    effects = [e for e in evaluations if e.verdict in ("gedaald", "gestegen")]
    shown = [short_finding(e.record()) for e in effects]
    others = []
    unclear = [e for e in evaluations if e.verdict == "geen_verschil"]
    if unclear:
        others.append(f"Geen aantoonbaar verschil voor {_labels(unclear)}: de gegevens laten geen effect zien dat "
                      "groter is dan toeval kan verklaren. Dat is iets anders dan 'geen effect'.")
    unreliable = [e for e in evaluations if e.verdict == "onbetrouwbaar"]
    if unreliable:
        others.append(f"Over {_labels(unreliable)} zeggen de gegevens niets betrouwbaars: de deelnemende gemeenten "
                      "ontwikkelden zich al voor de start anders dan de vergelijkingsgemeenten.")
    too_little = [e for e in evaluations if e.verdict == "te_weinig"]
    if too_little:
        others.append(f"Te weinig gegevens om iets te zeggen over {_labels(too_little)}.")
    line = summary_line(process) if process is not None else None
    if line:
        others.append(line)
    room = max(MAX_FINDINGS - len(others), 2)
    if len(shown) > room:  # every shown effect is named: those beyond the room share one line
        rest = effects[room - 1:]
        shown = shown[:room - 1] + ["Verder aantoonbaar veranderd: " + join_words(
            [f"{lower_first(e.indicator.label)} ({change(e.record(), e.headline.estimate)})" for e in rest])
            + "; zie 'Wat is het effect?'."]
    return (shown + others)[:MAX_FINDINGS]


def certainty(study: Study, evaluations: list[IndicatorEvaluation]) -> list[str]:
    """How sure we are: the strength of the comparison, said from the design and the checks."""
    n = len(study.treated_starts)
    lines = ["We vergelijken de verandering in de deelnemende gemeenten met die in gemeenten die niet meedoen "
             "(verschil-in-verschillen). Dat zegt iets over oorzaak en gevolg, als beide groepen zich zonder het "
             "initiatief gelijk zouden hebben ontwikkeld; een placebotoets controleert dat voor de start."]
    if n == 1:
        lines.append("Er doet één gemeente mee. Dan is een effect niet te scheiden van andere veranderingen in die "
                     "gemeente, zoals een nieuwe huisartsenpraktijk of een ander beleid: lees elk effect als een "
                     "aanwijzing, niet als bewijs.")
    inferences = {e.headline.inference for e in evaluations if e.headline}
    if 1 < n < AUTO_MIN_TREATED and inferences == {"randomization"}:
        lines.append(f"Er doen {n} gemeenten mee. Met zo weinig gemeenten is de gewone berekening van de marges te "
                     "optimistisch; we bepalen ze daarom door "
                     "de deelname bij toeval aan andere gemeenten toe te wijzen (randomisatie-inferentie).")
    staggered = [e for e in evaluations if e.staggered and e.headline]
    if staggered:
        line = ("De gemeenten begonnen in verschillende jaren; elke startgroep is vergeleken met "
                f"{staggered_comparison(staggered[0].headline.control_group)}.")
        if any("few_per_cohort" in e.cautions for e in staggered):
            line += " Met weinig gemeenten per startgroep is de marge eerder te smal dan te breed."
        lines.append(line)
    cautious, shown = sum(bool(e.caution) for e in evaluations), sum(e.verdict in SHOWN for e in evaluations)
    if cautious:
        which = ("Het aangetoonde effect" if shown == 1 else "Beide aangetoonde effecten" if cautious == shown == 2
                 else f"Alle {shown} aangetoonde effecten" if cautious == shown
                 else f"{cautious} van de {shown} aangetoonde effecten")
        lines.append(f"{which} lezen we met voorzichtigheid; de toelichting per indicator zegt waarom.")
    return lines


def effects_beside_early_collaboration(evaluations: list[IndicatorEvaluation],
                                       process: ProcessEvaluation | None) -> bool:
    """Effects are shown while the partners place the collaboration at its start: the kernboodschap and the
    Samenhang section both say so, from this one rule."""
    return any(e.verdict in SHOWN for e in evaluations) and process is not None and process.mostly_at_start


def meaning(evaluations: list[IndicatorEvaluation], process: ProcessEvaluation | None) -> list[str]:
    """What it means for the steering group, from the assessments (two to four points)."""
    by = {kind: [e for e in evaluations if e.assessment == kind]
          for kind in ("gunstig", "ongunstig", "ambigu", "budgeteffect")}
    points = []
    firm = [e for e in by["gunstig"] if not e.caution]
    careful = [e for e in by["gunstig"] if e.caution]
    if firm:
        points.append(f"De gunstige ontwikkeling van {_labels(firm)} is een reden om door te gaan en te "
                      "blijven meten of het effect blijft.")
    if careful:
        points.append(f"De gunstige ontwikkeling van {_labels(careful)} wijst de goede kant op, maar is nog "
                      "geen stevig resultaat (zie 'Hoe zeker is dit?'): blijf meten voordat u er grote besluiten op "
                      "bouwt.")
    if effects_beside_early_collaboration(evaluations, process):
        points.append("Let op: de partners zien de samenwerking op de meeste onderwerpen nog aan het begin. Zoek "
                      "ook naar andere verklaringen voor de effecten voordat u ze aan de samenwerking toeschrijft.")
    if by["ongunstig"]:
        points.append(f"Bespreek waarom {_labels(by['ongunstig'])} de ongewenste kant op ging.")
    if by["ambigu"]:
        points.append(f"Beoordeel of de verandering van {_labels(by['ambigu'])} gewenst is: dat hangt af van de "
                      "reden (bijvoorbeeld meer zorg thuis in plaats van in het ziekenhuis).")
    if by["budgeteffect"]:
        points.append(f"Het budgeteffect op {_labels(by['budgeteffect'])} laat zien wat de financieringsafspraak "
                      "deed; beoordeel de samenwerking zelf op de andere indicatoren.")
    if any(e.verdict == "onbetrouwbaar" for e in evaluations):
        points.append("Voor een uitspraak over de indicatoren zonder betrouwbare vergelijking is een betere "
                      "vergelijkingsgroep nodig, bijvoorbeeld gemeenten die voor de start op de deelnemers leken.")
    if not any(by.values()) and any(e.verdict == "geen_verschil" for e in evaluations):
        points.append("Er is nog geen effect aangetoond. Effecten van samenwerking en preventie komen vaak pas na "
                      "jaren: blijf meten, en leg nieuwe indicatoren of meer gemeenten vooraf vast, niet na het zien van de "
                      "uitkomst.")
    if process is not None:
        split = process.latest_consensus()
        split = split[split.agreement == "split"] if not split.empty else split
        if len(split):
            points.append("Bespreek de onderwerpen waarover de partners verdeeld zijn: "
                          f"{join_words([lower_first(d) for d in split.dimension_label])}.")
    return points[:4]


def kernboodschap(study: Study, evaluations: list[IndicatorEvaluation], process: ProcessEvaluation | None) -> Section:
    return section("kernboodschap.html.j2", "Kernboodschap", done=what_was_done(study, evaluations, process),
                   findings=findings(evaluations, process), certainty=certainty(study, evaluations),
                   meaning=meaning(evaluations, process))
