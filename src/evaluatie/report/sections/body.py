"""The cover (with contents and colofon), the initiative, the lessons and the results per municipality."""

from __future__ import annotations


import pandas as pd

from evaluatie import __version__
from evaluatie.data.study import Study, report_date
from evaluatie.formats import dutch_date, join_words, number, period_text
from evaluatie.outcome.evaluation import IndicatorEvaluation
from evaluatie.periods import parse_period
from evaluatie.process import ProcessEvaluation
from evaluatie.process.evaluation import START_LEVEL
from evaluatie.report.markup import Section, section, table
from evaluatie.report.labels import FINANCING_LABELS, KIND_LABELS, value_label
from evaluatie.report.render import TOC_PLACEHOLDER
from evaluatie.report.sections.summary import effects_beside_early_collaboration
from evaluatie.report.text import (
    DOMAIN_LABELS, coverage_sentence, domain_status, lower_first, margin, plural, short_change, upper_first,
)

COLUMNS_PER_TABLE = 3  # indicators side by side that still fit an A4 page
NO_CONTACT = "de opsteller van dit rapport (geen contactpersoon opgegeven)"


def cover(study: Study) -> Section:
    params = study.params
    region = study.units.loc[study.units.region == params.region, "region_name"]
    starts = sorted(study.treated_starts.values(), key=lambda p: p.start_time)
    last = max(study.panel.period.unique(), key=lambda p: parse_period(p).end_time)
    spread = f" (gespreide start tot {period_text(starts[-1])})" if starts[-1] != starts[0] else ""
    return section(
        "cover.html.j2", params.name, name=params.name, demo=params.demo,
        region=region.iloc[0] if len(region) else params.region,
        partners=join_words([p.name for p in params.partners]), since=period_text(starts[0]) + spread,
        last=period_text(last), date=dutch_date(report_date(study)), toc=TOC_PLACEHOLDER,
        data=join_words(sorted({f.path.split("/")[-1] for f in study.data_files})), version=__version__,
        contact=params.report.contact or NO_CONTACT)


def initiative(study: Study) -> Section:
    params = study.params
    partners = table("Partners", ["Partner", "Soort", "Domein (wet)"],
                     [[p.name, KIND_LABELS[p.kind], p.domain] for p in params.partners])
    units = study.units.set_index("unit_id")
    treated = table("Deelnemende gemeenten", ["Gemeente", "Inwoners", "Start"],
                    [[units.loc[u, "name"], number(units.loc[u, "population"], 0), period_text(s)]
                     for u, s in study.treated_starts.items()], numeric=["Inwoners"],
                    note="Inwoners volgens de gemeentetabel van deze evaluatie (bijlage B, gegevensbronnen).")
    dump = params.financing.model_dump()
    if not dump.get("savings_shares") and dump.get("shared_savings") not in (None, "geen"):
        dump["savings_shares"] = "niet opgegeven; voor de berekening aangenomen: gelijke delen"
    financing = [[FINANCING_LABELS[k], value_label(v)] for k, v in dump.items() if v not in (None, [], {}, False)]
    return section("initiative.html.j2", "Het initiatief", description=params.description, partners=partners,
                   treated=treated, financing=table("Financiering", ["Kenmerk", "Vorm"], financing) if financing else None)


def lessons(evaluations: list[IndicatorEvaluation], process: ProcessEvaluation | None) -> Section:
    """'Doen we het goed?' from the process, 'doen we het goede?' from the outcomes and the goals covered."""
    right = []
    latest = process.latest_consensus() if process is not None else pd.DataFrame()
    if not latest.empty:
        low = [lower_first(d) for d in latest[latest["median"] <= START_LEVEL].dimension_label]
        split = [lower_first(d) for d in latest[latest.agreement == "split"].dimension_label]
        if low:
            right.append(f"Onderwerpen waarop de samenwerking nog aan het begin staat: {join_words(low)}.")
        if split:
            right.append(f"Onderwerpen waarover de partners verdeeld zijn: {join_words(split)}.")
        if not low and not split:
            right.append("De partners zijn het overwegend eens en zien de samenwerking op alle onderwerpen in "
                         "ontwikkeling.")
    else:
        right.append("Zonder vragenlijsten van de partners is deze vraag niet te beantwoorden.")
    records = [e.record() for e in evaluations]
    good = [r for r in records if r["assessment"] == "gunstig"]
    goals = [(f"Geen van de {len(records)} indicatoren beweegt aantoonbaar de gewenste kant op." if not good else
              plural(len(good), "indicator", "indicatoren") + f" van de {len(records)} "
              + ("beweegt" if len(good) == 1 else "bewegen") + " aantoonbaar de gewenste kant op: "
              + join_words([lower_first(r['label']) for r in good]) + ".")]
    ambiguous = [f"{lower_first(r['label'])}: {r['verdict']}" for r in records if r["assessment"] == "ambigu"]
    if ambiguous:  # one sentence for all of them: the same question to the steering group
        goals.append(f"{upper_first('; '.join(ambiguous))}. Of dat gunstig is (bijvoorbeeld meer zorg thuis) of niet "
                     "(bijvoorbeeld minder toegang), is aan de stuurgroep.")
    for r in records:
        word = "gedaald" if r["verdict"] == "gedaald" else "gestegen"
        if r["assessment"] == "budgeteffect":
            goals.append(f"{r['label']}: {word} door de budgetafspraak; dat is geen effect van de samenwerking.")
        elif r["assessment"] == "ongunstig":
            goals.append(f"{r['label']}: {word}, de ongewenste kant op; bespreek de oorzaak.")
    if effects_beside_early_collaboration(evaluations, process):
        goals.append("Let op: er zijn effecten, terwijl de partners de samenwerking op de meeste onderwerpen nog aan "
                     "het begin zien. Bespreek wat de effecten dan verklaart.")
    coverage = table("Welke doelen van de Quintuple Aim dekt het bewijs?", ["Doel", "Wat zegt het bewijs?"],
                     [[label, domain_status(records, d)] for d, label in DOMAIN_LABELS.items()])
    return section("lessons.html.j2", "Samenhang en lessen", right=right, goals=goals, coverage=coverage,
                   coverage_sentence=coverage_sentence(records))


def _unit_cell(cells: pd.DataFrame, name: str, evaluation: IndicatorEvaluation, record: dict) -> str:
    if (name, evaluation.id) not in cells.index:
        return "–"
    c = cells.loc[(name, evaluation.id)]
    if not c.bounded:
        return f"{short_change(record, c.estimate)} (marge niet te begrenzen)"
    text = f"{short_change(record, c.estimate)} ({margin(record, c.ci_low, c.ci_high, unit=False)})"
    if c.verdict in ("gedaald", "gestegen"):
        text += f", {c.assessment if c.assessment in ('gunstig', 'ongunstig') else c.verdict}"
    return text


def _shown_per_unit(per_unit: pd.DataFrame, evaluation: IndicatorEvaluation) -> str:
    """'Wachttijd ...: aantoonbaar gedaald in alle 8 gemeenten' or 'in 3 van de 8 gemeenten (A, B en C)'."""
    rows = per_unit[per_unit.indicator == evaluation.id]
    label = evaluation.indicator.label
    parts = []
    for verdict, word in (("gedaald", "gedaald"), ("gestegen", "gestegen")):
        names = sorted(rows.name[rows.verdict == verdict])
        if not names:
            continue
        where = (f"in alle {len(rows)} gemeenten" if len(names) == len(rows)
                 else f"in {len(names)} van de {len(rows)} gemeenten ({join_words(names)})")
        parts.append(f"aantoonbaar {word} {where}")
    if not parts:
        return f"{label}: in geen enkele gemeente een aantoonbaar verschil."
    rest = len(rows) - int(rows.verdict.isin(["gedaald", "gestegen"]).sum())
    tail = f"; in {plural(rest, 'andere gemeente', 'andere gemeenten')} geen aantoonbaar verschil" if rest else ""
    return f"{label}: {' en '.join(parts)}{tail}."


def municipalities(per_unit: pd.DataFrame, evaluations: list[IndicatorEvaluation]) -> Section:
    """Per indicator with an effect for all municipalities together, in which municipalities it shows (each
    council answers for its own). Indicators without an overall effect get no per-municipality lines in the
    body: among many comparisons a few differences appear by chance. Every municipality's effect and margin
    is in the bijlage (``municipality_tables``)."""
    shown = [e for e in evaluations if e.headline is not None and e.verdict != "onbetrouwbaar"]
    skipped = [lower_first(e.indicator.label) for e in evaluations if e.verdict == "onbetrouwbaar"]
    n_units = per_unit.unit_id.nunique()
    if per_unit.empty or n_units == 1:
        return section("municipalities.html.j2", "Resultaten per gemeente", single=n_units == 1, lines=[],
                       skipped=join_words(skipped))
    split = [e for e in shown if e.id in set(per_unit.indicator)]
    effect = [e for e in split if e.verdict in ("gedaald", "gestegen")]
    return section("municipalities.html.j2", "Resultaten per gemeente", single=False,
                   lines=[_shown_per_unit(per_unit, e) for e in effect],
                   without=join_words([lower_first(e.indicator.label) for e in split if e not in effect]),
                   skipped=join_words(skipped), unbounded=int((~per_unit.bounded.astype(bool)).sum()),
                   cells=len(per_unit))


def municipality_tables(per_unit: pd.DataFrame, evaluations: list[IndicatorEvaluation]) -> list:
    """Every municipality's effect and margin per indicator, at most three indicators side by side."""
    shown = [e for e in evaluations if e.headline is not None and e.id in set(per_unit.indicator)]
    if per_unit.unit_id.nunique() < 2 or not shown:
        return []
    records = {e.id: e.record() for e in shown}
    cells = per_unit.set_index(["name", "indicator"])
    names = sorted(per_unit.name.unique())
    groups = [shown[i:i + COLUMNS_PER_TABLE] for i in range(0, len(shown), COLUMNS_PER_TABLE)]
    tables = []
    for number_, group in enumerate(groups, start=1):
        rows = [[name, *[_unit_cell(cells, name, e, records[e.id]) for e in group]] for name in names]
        part = f" ({number_} van {len(groups)})" if len(groups) > 1 else ""
        tables.append(table(f"Effect per deelnemende gemeente, met marge{part}",
                            ["Gemeente", *[e.indicator.label for e in group]], rows))
    return tables
