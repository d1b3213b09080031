"""Report sections for the notebook: each function displays one part of the report in Dutch.

Notebooks only call these. All text from params and data is escaped, so a name containing markup
shows as text; figures are embedded PNGs with Dutch alt text.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
from datetime import datetime
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import yaml
from IPython.display import HTML, display

from evaluatie import __version__
from evaluatie.outcome.evaluation import IndicatorEvaluation, step_name
from evaluatie.outcome.translate import translate_effect
from evaluatie.periods import parse_period
from evaluatie.process import ProcessEvaluation, evaluate_process
from evaluatie.report import figures
from evaluatie.formats import dutch_date, euro_amount, number, p_value, period_text, signed
from evaluatie.report.render import TOC_PLACEHOLDER, write_atomic
from evaluatie.report.text import DOMAIN_LABELS, coverage_sentence, effect_sentence, key_messages, lower_first
from evaluatie.data.study import Study

KIND_LABELS = {
    "gemeente": "gemeente", "zorgverzekeraar": "zorgverzekeraar", "zorgkantoor": "zorgkantoor",
    "zorgaanbieder": "zorgaanbieder", "huisartsen": "huisartsen", "welzijn": "welzijnsorganisatie",
    "woningcorporatie": "woningcorporatie", "ggd": "GGD", "inwoners": "inwoners", "overig": "overig",
}
FINANCING_LABELS = {
    "payment_title": "Betaaltitel", "volume_basis": "Volumegrondslag", "cap": "Plafond",
    "shared_savings": "Gedeelde besparingen", "contracting": "Contractvorm", "contract_years": "Contractduur (jaar)",
    "risk_pooling": "Risicoverevening tussen gemeenten", "pooled_laws": "Gebundelde financiering",
    "pooled_share": "Deel van het budget in de gedeelde pot", "kassier": "Kassierspartij", "lumpsum": "Lumpsum",
    "description": "Toelichting",
}
FINANCING_VALUES = {
    "aanbod": "aanbod (betalen voor beschikbaarheid of productie)", "resultaat": "resultaat", "gemengd": "gemengd",
    "populatie": "populatie", "caseload": "caseload", "geen": "geen", "per_aanbieder": "per aanbieder",
    "populatie_2e_lijn": "populatie, tweede lijn", "populatie_0_1_2_lijn": "populatie, nulde tot en met tweede lijn",
    "inkoper_aanbieder": "tussen inkoper en aanbieder", "aanbieder_aanbieder": "tussen aanbieders",
    "inkoper_inkoper": "tussen inkopers (bijvoorbeeld gemeente en zorgverzekeraar)",
    "partnerschap": "partnerschap met bestaande aanbieders", "competitie": "competitie",
    "hoofdaannemer": "hoofdaannemer", "solidariteit": "solidariteit", "profijt": "profijt", "tussenvorm": "tussenvorm",
}
VERDICT_LABELS = {"gedaald": "waarschijnlijk gedaald", "gestegen": "waarschijnlijk gestegen",
                  "geen_verschil": "geen aantoonbaar verschil", "onbetrouwbaar": "geen betrouwbare uitspraak",
                  "te_weinig": "te weinig gegevens"}
PAYER_LABELS = {"Zvw": "zorgverzekeraar (Zvw)", "Wlz": "zorgkantoor (Wlz)", "Wmo": "gemeente (Wmo)",
                "Jeugdwet": "gemeente (Jeugdwet)", "Participatiewet": "gemeente (Participatiewet)"}


def esc(value) -> str:
    return html.escape(str(value))


def _html(text: str) -> None:
    display(HTML(text))


def table(frame: pd.DataFrame, numeric: set[str] = frozenset(), caption: str = "", markup: set[str] = frozenset()) -> str:
    """An accessible HTML table: header cells with scope, numbers right-aligned, everything escaped
    except the ``markup`` columns, which the caller built from escaped parts."""
    head = "".join(f'<th scope="col"{" class=num" if c in numeric else ""}>{esc(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if c in numeric else ""}>{v if c in markup else esc(v)}</td>'
                         for c, v in row.items()) + "</tr>"
        for _, row in frame.iterrows()
    )
    title = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(fig: plt.Figure, alt: str, caption: str = "") -> None:
    """Show a figure as an embedded PNG with Dutch alt text (the report needs no outside file)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    text = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    _html(f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">{text}</figure>')


# --- cover and summary ----------------------------------------------------------------------------


def cover(study: Study) -> None:
    params = study.params
    region = study.units.loc[study.units.region == params.region, "region_name"]
    starts = sorted(study.treated_starts.values(), key=lambda p: p.start_time)
    last = max(study.panel.period.unique(), key=lambda p: parse_period(p).end_time)
    banner = ('<p class="demo-banner">DEMO: dit rapport gebruikt verzonnen gegevens over verzonnen gemeenten. '
              "De cijfers zeggen niets over een bestaand initiatief.</p>") if params.demo else ""
    spread = f" (gespreide start tot {esc(period_text(starts[-1]))})" if starts[-1] != starts[0] else ""
    _html(
        f"{banner}<h1>{esc(params.name)}</h1>"
        f'<p class="subtitle">Evaluatierapport voor de stuurgroep</p><ul class="facts">'
        f"<li><strong>Regio:</strong> {esc(region.iloc[0] if len(region) else params.region)}</li>"
        f"<li><strong>Partners:</strong> {esc(', '.join(p.name for p in params.partners))}</li>"
        f"<li><strong>Looptijd:</strong> vanaf {esc(period_text(starts[0]))}{spread}</li>"
        f"<li><strong>Gegevens tot en met:</strong> {esc(period_text(last))}</li>"
        f"<li><strong>Rapport gemaakt op:</strong> {dutch_date(datetime.now())}</li></ul>"
        f"{TOC_PLACEHOLDER}"
    )


def latest_consensus(pe: ProcessEvaluation) -> pd.DataFrame:
    """Consensus per dimension in the last wave, without suppressed groups."""
    return pe.consensus[(pe.consensus.wave == pe.waves[-1]) & ~pe.consensus.suppressed]


def process_messages(process: ProcessEvaluation | None) -> list[str]:
    """Up to two key messages from the process evaluation."""
    if process is None or process.consensus.empty:
        return []
    last = process.waves[-1]
    latest = latest_consensus(process)
    lines = []
    if not latest.empty:
        best = latest.sort_values("median").iloc[-1]
        worst = latest.sort_values("median").iloc[0]
        lines.append(f"De partners vinden de samenwerking in {last} het verst op "
                     f"'{lower_first(best.dimension_label)}' en het minst ver op '{lower_first(worst.dimension_label)}'.")
        split = latest[latest.agreement == "split"]
        if len(split):
            lines.append(f"Over {len(split)} van de {len(latest)} onderwerpen van de zelfevaluatie verschillen de "
                         "partners sterk van mening; dat verschil is zelf een gespreksonderwerp voor de stuurgroep.")
    return lines


def summary(study: Study, evaluations: list[IndicatorEvaluation], process: ProcessEvaluation | None) -> None:
    messages = key_messages(evaluations, process_messages(process))
    items = "".join(f"<li>{esc(m)}</li>" for m in messages)
    coverage = []
    for domain, label in DOMAIN_LABELS.items():
        related = [e for e in evaluations if domain in e.indicator.domains]
        arrows = {"gedaald": "↓ ", "gestegen": "↑ "}
        shown = [arrows[e.verdict] + lower_first(e.indicator.label) for e in related
                 if e.verdict in arrows and not e.is_budget_effect]
        if not related:
            status = "niet gemeten"
        elif shown:
            status = "effect aangetoond: " + "; ".join(shown)
        elif all(e.verdict in ("onbetrouwbaar", "te_weinig") for e in related):
            status = "gemeten, geen betrouwbare uitspraak"
        else:
            status = "gemeten, geen effect aangetoond"
        coverage.append({"Doel (Quintuple Aim)": label, "Indicatoren": len(related), "Wat zegt het bewijs?": status})
    _html(
        f"<ol class='messages'>{items}</ol>"
        "<p class='note'>'Waarschijnlijk' betekent: het verschil is groter dan toeval goed kan verklaren. "
        "'Geen aantoonbaar verschil' betekent niet dat er geen effect is: het kan te klein zijn om te zien.</p>"
        f"<h3>Welke doelen dekt het bewijs?</h3>{table(pd.DataFrame(coverage), numeric={'Indicatoren'})}"
        f"<p>{esc(coverage_sentence(evaluations))}</p>"
    )


# --- the initiative --------------------------------------------------------------------------------


def _financing_value(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{number(100 * value, 0)}%"
    return FINANCING_VALUES.get(value, str(value))


def initiative(study: Study) -> None:
    params = study.params
    partners = pd.DataFrame([{"Partner": p.name, "Soort": KIND_LABELS[p.kind], "Domein (wet)": p.domain}
                             for p in params.partners])
    financing = [(FINANCING_LABELS[k], _financing_value(v))
                 for k, v in params.financing.model_dump().items() if v not in (None, [], False)]
    units = study.units.set_index("unit_id")
    treated = pd.DataFrame([{"Gemeente": units.loc[u, "name"], "Code": u, "Inwoners": number(units.loc[u, "population"], 0),
                             "Start": period_text(s)} for u, s in study.treated_starts.items()])
    _html(
        f"<p>{esc(params.description)}</p><h3>Partners</h3>{table(partners)}"
        f"<h3>Deelnemende gemeenten</h3>{table(treated, numeric={'Inwoners'})}"
        + (f"<h3>Financiering</h3>{table(pd.DataFrame(financing, columns=['Kenmerk', 'Vorm']))}" if financing else "")
    )


def monitoring(evaluations: list[IndicatorEvaluation]) -> None:
    _html(
        '<p class="note"><strong>Let op: dit is monitoring, geen bewijs.</strong> De grafieken tonen hoe de indicatoren '
        "zich ontwikkelden in de deelnemende gemeenten en in de vergelijkingsgemeenten (gemiddelde gewogen naar "
        "de groep waarop de indicator betrekking heeft, zoals inwoners of verzekerden). Een daling of stijging in de grafiek zegt op zichzelf niet dat het initiatief werkt; dat "
        "toetst de uitkomstevaluatie in het volgende hoofdstuk.</p>"
    )
    for e in evaluations:
        figure(figures.trend_figure(e.frame, e.indicator), alt=_trend_alt(e))


def _trend_alt(e: IndicatorEvaluation) -> str:
    """Alt text that states what the lines show, not only that there are lines."""
    means = (e.frame.assign(w=e.frame.value * e.frame.weight).groupby(["group", "period"])[["w", "weight"]].sum()
             .assign(mean=lambda d: d.w / d.weight)["mean"])
    periods = sorted(e.frame.period.unique(), key=parse_period)
    first, last = periods[0], periods[-1]

    def level(group: int, period: str) -> str:
        return number(means.get((group, period), math.nan), 1)

    return (f"Lijngrafiek van {lower_first(e.indicator.label)} van {first} tot en met {last}. Deelnemende gemeenten: "
            f"{level(1, first)} in {first} en {level(1, last)} in {last}; vergelijkingsgemeenten: {level(0, first)} "
            f"en {level(0, last)}. Een stippellijn markeert de start.")


# --- outcome evaluation ------------------------------------------------------------------------------


def overview_rows(evaluations: list[IndicatorEvaluation]) -> pd.DataFrame:
    """One row per indicator with the headline numbers (also used for the region overview)."""
    rows = []
    for e in evaluations:
        h = e.headline if e.verdict not in ("onbetrouwbaar", "te_weinig") else None
        values = (h.estimate, h.ci_low, h.ci_high, h.p_value) if h else (math.nan,) * 4
        relative = [h.relative(v) for v in values[:3]] if h else [math.nan] * 3
        rows.append({"indicator": e.id, "label": e.indicator.label, "estimate": values[0], "ci_low": values[1],
                     "ci_high": values[2], "p_value": values[3], "relative": relative[0],
                     "relative_low": min(relative[1:]), "relative_high": max(relative[1:]),
                     "verdict": e.verdict, "budget_effect": e.is_budget_effect,
                     "n_treated": e.headline.n_treated if e.headline else 0,
                     "n_control": e.headline.n_control if e.headline else 0,
                     "sentence": effect_sentence(e)})
    return pd.DataFrame(rows)


def effects(evaluations: list[IndicatorEvaluation], confidence_level: float) -> None:
    rows = overview_rows(evaluations)
    level = number(100 * confidence_level, 0)
    overview = pd.DataFrame({
        "Indicator": rows.label + rows.budget_effect.map({True: " (budgeteffect)", False: ""}),
        "Effect": rows.estimate.map(signed),
        f"{level}%-marge": [f"{signed(a)} tot {signed(b)}" if math.isfinite(a) else "–"
                            for a, b in zip(rows.ci_low, rows.ci_high)],
        "Effect (%)": rows.relative.map(lambda v: signed(v, 0)),
        "Conclusie": rows.verdict.map(VERDICT_LABELS),
    })
    _html("<p>Het effect is het verschil tussen wat er na de start gebeurde in de deelnemende gemeenten en wat er "
          "volgens de vergelijkingsgemeenten zonder het initiatief zou zijn gebeurd. De onzekerheidsmarge geeft aan "
          "tussen welke waarden het werkelijke effect waarschijnlijk ligt.</p>"
          + table(overview, numeric={"Effect", "Effect (%)"}, caption="Effecten per indicator"))
    shown = rows.dropna(subset=["relative"])
    if not shown.empty:
        figure(figures.effects_figure(shown),
               alt="Puntgrafiek met per indicator het geschatte effect in procenten van de verwachte waarde, met "
                   "de onzekerheidsmarge als lijn; een marge die de nullijn raakt betekent geen aantoonbaar effect.",
               caption="Effect per indicator in procenten van de verwachte waarde zonder initiatief.")
    for e in evaluations:
        _indicator_section(e, level)


def _indicator_section(e: IndicatorEvaluation, level: str) -> None:
    parts = [f"<h3>{esc(e.indicator.label)}</h3><p><strong>{esc(effect_sentence(e))}</strong></p>"]
    if e.headline:
        h = e.headline
        how = (" Omdat er minder dan 10 deelnemende gemeenten zijn, is de onzekerheid bepaald door de deelname "
               "bij toeval aan andere gemeenten toe te wijzen en te kijken hoe uitzonderlijk het echte effect is."
               if "andomisatie" in h.inference else "")
        if e.staggered:
            how = (" De gemeenten begonnen in verschillende jaren; elke groep is vergeleken met gemeenten die nooit "
                   "meededen. Met weinig gemeenten per groep is de marge eerder te smal dan te breed.")
        parts.append(f"<p class='note'>{h.n_treated} deelnemende gemeente{'n' if h.n_treated != 1 else ''} "
                     f"vergeleken met {h.n_control} gemeenten die niet meedoen.{esc(how)}</p>")
    parts += [f'<p class="warning">{esc(n)}</p>' for n in e.notes]
    _html("".join(parts))
    if e.event_study is not None and not e.event_study.empty:
        figure(figures.event_study_figure(e.event_study, e.indicator, _step(e)),
               alt=f"Puntgrafiek van het verschil tussen deelnemende en vergelijkingsgemeenten voor "
                   f"{lower_first(e.indicator.label)}, per periode voor en na de start, met {level}%-marges; "
                   "punten voor de start rond nul ondersteunen de vergelijking.",
               caption=f"Verschil per {_step(e)} ten opzichte van de start (0 = eerste {_step(e)} met het initiatief; "
                       "−1 is het ijkpunt). Voor de start horen de punten rond nul te liggen.")


def _step(e: IndicatorEvaluation) -> str:
    return step_name(e.indicator, e.frame)


def _area_population(e: IndicatorEvaluation) -> float:
    last = e.frame[e.frame.group == 1].sort_values("time").groupby("unit_id").weight.last()
    return float(last.sum())


def money(evaluations: list[IndicatorEvaluation]) -> None:
    """Who pays, who saves: effects in euros per year and since the start, by payer."""
    rows, used = [], set()
    for e in evaluations:
        h, indicator = e.headline, e.indicator
        if h is None or indicator.law not in PAYER_LABELS:
            continue
        if indicator.unit == "euro":
            rate_per, price, price_text = 1.0, 1.0, "het bedrag zelf"
        elif indicator.unit == "aantal" and indicator.euro_per_unit and _rate_base(indicator.per):
            rate_per, price = _rate_base(indicator.per), indicator.euro_per_unit
            price_text = f"€ {number(price, 0)} per keer"
        else:
            continue
        used.add(e.id)
        row = {"Indicator": indicator.label, "Betaler": PAYER_LABELS[indicator.law], "Aangenomen prijs": price_text}
        if e.is_budget_effect:
            rows.append({**row, "Besparing (+) of extra kosten (−) per jaar": "geen besparing door samenwerking",
                         "Marge per jaar": "de uitgaven zijn vastgezet door de budgetafspraak", "Sinds de start": "–"})
            continue
        if e.verdict not in ("gedaald", "gestegen"):
            rows.append({**row, "Besparing (+) of extra kosten (−) per jaar": VERDICT_LABELS[e.verdict],
                         "Marge per jaar": "–", "Sinds de start": "–"})
            continue
        per_year = 4 if indicator.frequency == "kwartaal" else 1
        yearly = _Scaled(h.estimate * per_year, h.ci_low * per_year, h.ci_high * per_year)
        years = h.post_periods / per_year
        euros = translate_effect(yearly, observed_level=(h.counterfactual + h.estimate) * per_year,
                                 population=_area_population(e), rate_per=rate_per, euros_per_unit=price,
                                 years=years).table.set_index("measure").loc["euro per jaar"]
        low, high = sorted([-euros.ci_low, -euros.ci_high])
        rows.append({**row, "Besparing (+) of extra kosten (−) per jaar": euro_amount(-euros.estimate),
                     "Marge per jaar": f"{euro_amount(low)} tot {euro_amount(high)}",
                     "Sinds de start": f"{euro_amount(-euros.estimate * years)} over {number(years, 1)} jaar"})
    if not rows:
        _html("<p>Voor geen van de indicatoren is een bedrag in euro's te geven.</p>")
        return
    overlap = ("ziekenhuisopnames" in used and used & {"zvw_kosten_msz", "zvw_kosten_totaal"}) or \
              ("zvw_kosten_totaal" in used and used & {"zvw_kosten_msz", "zvw_kosten_wijkverpleging"})
    _html("<p>Bedragen voor alle deelnemende gemeenten samen, alleen waar het effect is aangetoond. Een positief "
          "bedrag is een besparing voor de betaler, een negatief bedrag zijn extra kosten. Besparingen komen vaak "
          "terecht bij een andere betaler dan die investeert.</p>"
          + ("<p>De indicatoren overlappen (de ene kostensoort zit in de andere): tel de bedragen niet op.</p>"
             if overlap else "")
          + table(pd.DataFrame(rows), caption="Wie betaalt, wie bespaart"))


def _rate_base(per: str) -> float | None:
    """'1.000 inwoners' -> 1000; None when the text names no number of persons."""
    match = re.match(r"\s*(\d[\d.]*)\s", per)
    return float(match.group(1).replace(".", "")) if match else None


class _Scaled:
    """An effect rescaled to a year, in the shape translate_effect reads."""

    def __init__(self, estimate: float, ci_low: float, ci_high: float):
        self.estimate, self.ci_low, self.ci_high = estimate, ci_low, ci_high


def per_municipality(per_unit: pd.DataFrame, evaluations: list[IndicatorEvaluation]) -> None:
    if per_unit.empty:
        _html("<p>Een uitsplitsing per gemeente is bij dit ontwerp niet mogelijk.</p>")
        return
    order = {e.id: i for i, e in enumerate(evaluations)}
    labels = {e.id: e.indicator.label + (" (budgeteffect)" if e.is_budget_effect else "") for e in evaluations}
    verdict = per_unit.apply(lambda r: "waarschijnlijk gedaald" if r.ci_high < 0 else "waarschijnlijk gestegen"
                             if r.ci_low > 0 else "geen aantoonbaar verschil", axis=1)
    frame = (pd.DataFrame({"Gemeente": per_unit.name, "order": per_unit.indicator.map(order),
                           "Indicator": per_unit.indicator.map(labels), "Effect": per_unit.estimate.map(signed),
                           "Marge": [f"{signed(a)} tot {signed(b)}" for a, b in zip(per_unit.ci_low, per_unit.ci_high)],
                           "Conclusie": verdict})
             .sort_values(["Gemeente", "order"]).drop(columns="order"))
    skipped = [lower_first(e.indicator.label) for e in evaluations if e.verdict == "onbetrouwbaar"]
    _html("<p>Elke gemeenteraad wil weten wat het initiatief in de eigen gemeente deed. Per gemeente vergelijken we "
          "met dezelfde vergelijkingsgemeenten; de onzekerheid is per gemeente veel groter dan voor alle gemeenten "
          "samen. Bij zoveel vergelijkingen is af en toe een 'waarschijnlijk' door toeval te verwachten: kijk naar "
          "het patroon, niet naar één uitschieter.</p>"
          + (f"<p>Niet per gemeente getoond, omdat er ook samen geen betrouwbare uitspraak mogelijk is: "
             f"{esc(', '.join(skipped))}.</p>" if skipped else "")
          + table(frame, numeric={"Effect"}, caption="Effect per deelnemende gemeente"))


# --- process evaluation ------------------------------------------------------------------------------


def load_process(study: Study) -> ProcessEvaluation | None:
    settings = study.params.process
    if settings is None or not (settings.responses or settings.interviews):
        return None
    resolve = study.initiative.resolve
    return evaluate_process(
        responses=resolve(settings.responses) if settings.responses else None,
        interviews=resolve(settings.interviews) if settings.interviews else None,
        instruments=settings.instruments, column_mapping=settings.column_mapping or None,
        codebook=settings.codebook, min_group_size=settings.min_group_size,
        show_organisation_names=settings.show_organisation_names,
        organisation_names=[p.name for p in study.params.partners],
    )


def process(pe: ProcessEvaluation | None) -> None:
    if pe is None:
        _html("<p>Voor dit initiatief zijn geen vragenlijsten of interviews aangeleverd.</p>")
        return
    respondents = pe.responses.data.groupby("wave").size() if pe.responses is not None else pd.Series(dtype=int)
    counts = " en ".join(f"{n} in {w}" for w, n in respondents.items())
    _html(f"<p>Partners vulden vragenlijsten in: {esc(counts)}. Daarnaast zijn interviews gehouden. "
          "Groepen met minder dan "
          f"{pe.min_group_size} personen tonen we niet ('n &lt; {pe.min_group_size}'), zodat niemand herkenbaar is.</p>")
    figs = pe.figures()
    consensus = pe.table("consensus").drop(columns=["Instrument"], errors="ignore")
    if "Mediaan" in consensus:
        consensus["Mediaan"] = consensus["Mediaan"].map(lambda v: v.split(",")[0] if isinstance(v, str) and v.endswith(",00") else v)
    if not consensus.empty:
        _html("<h3>Hoe ver is de samenwerking volgens de partners?</h3>"
              "<p>Elke partner gaf per onderwerp een score van 0 (nog niet begonnen) tot 5 (volledig ingebed). We tonen "
              "de mediaan en of de partners het eens zijn: als vier of meer scores buiten de band van drie punten rond "
              "de mediaan vallen, zijn de partners verdeeld.</p>" + table(consensus))
    for name, fig in figs.items():
        figure(fig, alt=_process_alt(name), caption=_process_caption(name))
    phase = pe.table("phase")
    if not phase.empty:
        _html("<h3>In welke fase zit de samenwerking?</h3>" + table(phase))
    change = pe.wave_change
    if not change.empty:
        shown = pe.table("wave_change")
        _html("<h3>Verandering tussen metingen</h3><p>Gepaard waar dezelfde personen beide keren antwoordden.</p>"
              + table(shown))
    differences = pe.table("perspective_differences")
    if not differences.empty:
        _html("<h3>Verschillen tussen partners</h3><p>Hoe ver de perspectieven uit elkaar liggen is een bevinding op "
              "zich: waar gemeente en aanbieders het anders zien, ligt een gesprek voor de stuurgroep.</p>"
              + table(differences))
    if not pe.quotes.empty:
        quotes = "".join(f"<blockquote><p>{esc(q.quote)}</p><footer>{esc(q.perspective_label)}, {esc(q.wave)} "
                         f"({esc(q.type_label)}: {esc(lower_first(q.code_label))})</footer></blockquote>"
                         for q in pe.quotes.itertuples())
        _html("<h3>Wat zeggen de partners?</h3><p>Geselecteerde, geanonimiseerde citaten uit de interviews.</p>" + quotes)
    for warning in pe.warnings:
        _html(f'<p class="note">{esc(warning)}</p>')


def _process_alt(name: str) -> str:
    kind = name.split("_")[0]
    return {"radar": "Radardiagram met de gemiddelde score per onderwerp, één lijn per meting.",
            "heatmap": "Kleurentabel met de gemiddelde score per onderwerp (rijen) en per perspectief (kolommen).",
            "likert": "Gestapelde staven met de verdeling van de antwoorden per stelling.",
            "fase": "Grafiek met de bereikte fase van de samenwerking per meting.",
            "codes": "Staafdiagram met hoe vaak partners in interviews belemmeringen en bevorderende factoren noemden, "
                     "per onderwerp."}.get(kind, "Figuur van de procesevaluatie.")


def _process_caption(name: str) -> str:
    return {"radar": "Scores per onderwerp en meting.", "heatmap": "Scores per perspectief in de laatste meting.",
            "likert": "Verdeling van de antwoorden in de laatste meting.",
            "fase": "Bereikte fase per meting.",
            "codes": "Belemmeringen en bevorderende factoren uit de interviews."}.get(name.split("_")[0], "")


# --- coherence and lessons ---------------------------------------------------------------------------


def coherence(evaluations: list[IndicatorEvaluation], pe: ProcessEvaluation | None) -> None:
    shown = [e for e in evaluations if e.verdict in ("gedaald", "gestegen")]
    good_direction = [e for e in shown if (e.indicator.direction == "lager_beter") == (e.verdict == "gedaald")
                      and e.indicator.direction != "ambigu" and not e.is_budget_effect]
    lines_right = []
    if pe is not None and not pe.consensus.empty:
        latest = latest_consensus(pe)
        low = latest[latest["median"] <= 2].dimension_label.tolist()
        split = latest[latest.agreement == "split"].dimension_label.tolist()
        if low:
            lines_right.append(f"Onderwerpen waarop de samenwerking nog aan het begin staat: {', '.join(low)}.")
        if split:
            lines_right.append(f"Onderwerpen waarover de partners verdeeld zijn: {', '.join(split)}.")
        if not low and not split:
            lines_right.append("De partners zijn het overwegend eens en zien de samenwerking op alle onderwerpen in ontwikkeling.")
    else:
        lines_right.append("Zonder procesgegevens is deze vraag niet te beantwoorden.")
    lines_good = [f"{len(good_direction)} van de {len(evaluations)} indicatoren bewegen aantoonbaar in de gewenste "
                  "richting" + (f": {', '.join(lower_first(e.indicator.label) for e in good_direction)}." if good_direction else ".")]
    for e in shown:
        if e in good_direction:
            continue
        word = "daalde" if e.verdict == "gedaald" else "steeg"
        if e.is_budget_effect:
            lines_good.append(f"{e.indicator.label} {word} door de budgetafspraak; dat is geen effect van de samenwerking.")
        elif e.indicator.direction == "ambigu":
            lines_good.append(f"{e.indicator.label} {word}. Of dat gunstig is (bijvoorbeeld minder nodig) of niet "
                              "(bijvoorbeeld minder toegang of hogere kosten), is aan de stuurgroep om te beoordelen.")
        else:
            lines_good.append(f"{e.indicator.label} {word}, en dat is de ongewenste richting; bespreek de oorzaak.")
    if shown and pe is not None and not pe.consensus.empty:
        latest = latest_consensus(pe)
        if len(latest) and (latest["median"] <= 2).mean() > 0.5:
            lines_good.append("Let op: er zijn effecten, terwijl de partners de samenwerking op de meeste onderwerpen "
                              "nog aan het begin zien. Bespreek wat de effecten dan verklaart.")
    lines_good.append(coverage_sentence(evaluations))
    _html("<p>Proces en uitkomst horen bij elkaar: een samenwerking die nog aan het begin staat, laat zelden al "
          "effecten zien, en effecten zonder gedragen samenwerking houden zelden stand.</p>"
          "<h3>Doen we het goed?</h3><p class='note'>Werkt de samenwerking zoals bedoeld?</p><ul>"
          + "".join(f"<li>{esc(line)}</li>" for line in lines_right) + "</ul>"
          "<h3>Doen we het goede?</h3><p class='note'>Bereiken we de doelen waarvoor we samenwerken?</p><ul>"
          + "".join(f"<li>{esc(line)}</li>" for line in lines_good) + "</ul>")


# --- methods ---------------------------------------------------------------------------------------------


def methods(study: Study, evaluations: list[IndicatorEvaluation]) -> None:
    roles = {"units": "gemeenten en kenmerken", "panel": "indicatoren per periode", "responses": "vragenlijsten",
             "interviews": "gecodeerde interviews"}
    files = pd.DataFrame([{"Gegevens": roles.get(f.role, f.role), "Bestand": f.path, "SHA-256": f.sha256}
                          for f in study.data_files])
    level = number(100 * study.params.report.confidence_level, 0)
    params_text = yaml.safe_dump(study.params.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    methods_used = sorted({e.headline.method for e in evaluations if e.headline})
    _html(
        "<h3>Ontwerp</h3><p>Verschil-in-verschillen (difference-in-differences): per indicator vergelijken we de "
        "verandering in de deelnemende gemeenten met de verandering in vergelijkingsgemeenten die niet meedoen. "
        f"Gebruikte methoden: {esc('; '.join(methods_used))}. Gemeenten wegen mee naar de grootte van de groep "
        "waarop de indicator betrekking heeft (bijvoorbeeld inwoners of verzekerden). De "
        f"onzekerheidsmarge is een {level}%-betrouwbaarheidsinterval.</p>"
        "<h3>Aannames</h3><ul><li>Parallelle trends: zonder het initiatief had de indicator zich in de deelnemende "
        "gemeenten gemiddeld net zo ontwikkeld als in de vergelijkingsgemeenten. We toetsen dit met een placebotoets "
        "(een nep-start enkele perioden voor de echte start, alleen op gegevens van voor de start) en tonen het "
        "verloop per periode.</li><li>Geen uitstraling naar de vergelijkingsgemeenten en geen andere verandering die "
        "alleen de deelnemende gemeenten trof.</li></ul>"
        f"<h3>Keuze van de inferentie</h3>{_inference_text(evaluations)}"
        f"<h3>Vergelijkingsgemeenten</h3><p>{esc(_control_text(study))}</p>"
        f"<h3>Gegevensbronnen</h3>{table(files)}"
        "<h3>Beperkingen</h3><ul><li>De evaluatie meet alleen de gekozen indicatoren; wat niet gemeten is, kan "
        "ook veranderd zijn.</li><li>Effecten van preventie komen vaak pas na jaren; een korte periode na de start "
        "kan ze missen.</li><li>Procesgegevens zijn zelfrapportage van de partners.</li></ul>"
        f"<p>Gemaakt met evaluatie versie {esc(__version__)}.</p>"
        f"<details><summary>Parameters van deze evaluatie (voor analisten)</summary><pre>{esc(params_text)}</pre></details>"
    )


def _control_text(study: Study) -> str:
    """The control group as the params chose it."""
    rule = study.params.control_group
    count = len(study.control_units)
    if rule.type == "list":
        text = f"{count} gemeenten die de evaluatie zelf heeft gekozen"
    else:
        text = f"{count} gemeenten die niet aan dit initiatief deelnemen"
        if rule.regions:
            text += f", uit de regio's {', '.join(rule.regions)}"
    if rule.exclude_other_initiatives:
        text += "; gemeenten in een ander initiatief tellen niet mee"
    return text + "."


def _inference_text(evaluations: list[IndicatorEvaluation]) -> str:
    """Only the inference that was used, and why."""
    parts = []
    if any(e.headline and not e.staggered and "andomisatie" in e.headline.inference for e in evaluations):
        parts.append("Met minder dan 10 deelnemende gemeenten zijn gewone geclusterde standaardfouten te optimistisch. "
                     "We gebruiken dan randomisatie-inferentie: we wijzen de deelname willekeurig toe aan andere "
                     "gemeenten (999 keer, of alle mogelijke toewijzingen als dat er weinig zijn) en kijken hoe "
                     "uitzonderlijk het echte effect is. De bijlage noemt per indicator wat precies is gedaan.")
    elif any(e.headline and not e.staggered for e in evaluations):
        parts.append("Met 10 of meer deelnemende gemeenten gebruiken we standaardfouten die per gemeente zijn "
                     "geclusterd.")
    if any(e.staggered for e in evaluations):
        parts.append("De gemeenten begonnen in verschillende jaren. De gewone methode is dan vertekend als het "
                     "effect met de tijd verandert; daarom gebruiken we de methode van Callaway &amp; Sant'Anna, die "
                     "elke startgroep alleen vergelijkt met gemeenten die nooit meededen. Haar standaardfouten zijn "
                     "met weinig gemeenten per groep eerder te klein dan te groot.")
    return "".join(f"<p>{p}</p>" for p in parts)


def appendix(evaluations: list[IndicatorEvaluation], confidence_level: float) -> None:
    rows = overview_rows(evaluations)
    frame = pd.DataFrame({
        "Indicator": rows.label, "Schatting": rows.estimate.map(lambda v: number(v, 3)),
        "Ondergrens": rows.ci_low.map(lambda v: number(v, 3)), "Bovengrens": rows.ci_high.map(lambda v: number(v, 3)),
        "p-waarde": rows.p_value.map(p_value), "Deelnemend": rows.n_treated, "Vergelijking": rows.n_control,
        "Placebotoets (p)": [p_value(e.placebo_p) if e.placebo_p is not None else "–" for e in evaluations],
        "Kleinst aantoonbaar effect (80%)": [number(e.headline.detectable, 2) if e.headline else "–"
                                             for e in evaluations],
        "Methode en inferentie": [f"{e.headline.method}. {e.headline.inference}" if e.headline else "–"
                                  for e in evaluations],
    })
    _html(table(frame, numeric={"Schatting", "Ondergrens", "Bovengrens", "p-waarde", "Deelnemend", "Vergelijking"},
                caption=f"Schattingen met {number(100 * confidence_level, 0)}%-betrouwbaarheidsinterval"))


def save_summary(study: Study, evaluations: list[IndicatorEvaluation], pe: ProcessEvaluation | None,
                 path: str | None) -> None:
    """Store the headline results (aggregates only, no microdata) for the region overview."""
    if not path:
        return
    maturity = []
    if pe is not None and not pe.consensus.empty:
        latest = latest_consensus(pe)
        maturity = [{"dimension": r.dimension_label, "median": float(r.median), "agreement": r.agreement}
                    for r in latest.itertuples()]
    rows = overview_rows(evaluations).drop(columns=["sentence"])
    summary = {"initiative": study.params.id, "name": study.params.name, "region": study.params.region,
               "demo": study.params.demo, "n_treated": len(study.treated_starts),
               "effects": json.loads(rows.to_json(orient="records")), "maturity": maturity}
    write_atomic(Path(path), json.dumps(summary, ensure_ascii=False, indent=1))
