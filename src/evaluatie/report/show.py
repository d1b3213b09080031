"""Report sections for the notebook: each function displays one part of the report in Dutch.

Notebooks only call these; all text from params is escaped, so a name containing markup shows
as text.
"""

from __future__ import annotations

import base64
import html
import io
import math
from datetime import datetime

import matplotlib.pyplot as plt
import pandas as pd
import yaml
from IPython.display import HTML, display

from evaluatie import __version__
from evaluatie.evaluation import IndicatorEvaluation
from evaluatie.periods import parse_period
from evaluatie.report import figures
from evaluatie.report.formats import number, p_value, signed
from evaluatie.report.render import dutch_date
from evaluatie.report.text import effect_sentence
from evaluatie.study import Study

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
    "inkoper_inkoper": "tussen inkopers (bijvoorbeeld gemeente en zorgverzekeraar)", "partnerschap": "partnerschap met bestaande aanbieders",
    "competitie": "competitie", "hoofdaannemer": "hoofdaannemer", "solidariteit": "solidariteit", "profijt": "profijt",
    "tussenvorm": "tussenvorm",
}


def _financing_value(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{number(100 * value, 0)}%"
    return FINANCING_VALUES.get(value, str(value))


def esc(value) -> str:
    return html.escape(str(value))


def _table(frame: pd.DataFrame, numeric: set[str] = frozenset()) -> str:
    head = "".join(f'<th scope="col"{" class=num" if c in numeric else ""}>{esc(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if c in numeric else ""}>{esc(v)}</td>' for c, v in row.items()) + "</tr>"
        for _, row in frame.iterrows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(fig: plt.Figure, alt: str, caption: str = "") -> None:
    """Show a figure as an embedded PNG with Dutch alt text (the report needs no outside file)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    text = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    display(HTML(f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">{text}</figure>'))


def cover(study: Study) -> None:
    params = study.params
    region = study.units.loc[study.units.region == params.region, "region_name"]
    starts = sorted(study.treated_starts.values(), key=lambda p: p.start_time)
    last = max(study.panel.period.unique(), key=lambda p: parse_period(p).end_time)
    banner = ('<div class="demo-banner">DEMO: dit rapport gebruikt verzonnen gegevens over verzonnen gemeenten. '
              "De cijfers zeggen niets over een bestaand initiatief.</div>") if params.demo else ""
    display(HTML(
        f"{banner}<h1>{esc(params.name)}</h1>"
        f"<p><strong>Evaluatierapport voor de stuurgroep</strong></p><ul>"
        f"<li>Regio: {esc(region.iloc[0] if len(region) else params.region)}</li>"
        f"<li>Partners: {esc(', '.join(p.name for p in params.partners))}</li>"
        f"<li>Looptijd: vanaf {esc(starts[0])}{' (gespreide start tot ' + esc(starts[-1]) + ')' if starts[-1] != starts[0] else ''}"
        f", gegevens tot en met {esc(last)}</li>"
        f"<li>Rapport gemaakt op {dutch_date(datetime.now())}</li></ul>"
    ))


def initiative(study: Study) -> None:
    params = study.params
    partners = pd.DataFrame([{"Partner": p.name, "Soort": KIND_LABELS[p.kind], "Domein (wet)": p.domain}
                             for p in params.partners])
    financing = [(FINANCING_LABELS[k], _financing_value(v))
                 for k, v in params.financing.model_dump().items() if v not in (None, [], False)]
    units = study.units.set_index("unit_id")
    treated = pd.DataFrame([{"Gemeente": units.loc[u, "name"], "Code": u, "Start": str(s)}
                            for u, s in study.treated_starts.items()])
    display(HTML(
        f"<p>{esc(params.description)}</p><h3>Partners</h3>{_table(partners)}"
        f"<h3>Deelnemende gemeenten</h3>{_table(treated)}"
        + (f"<h3>Financiering</h3>{_table(pd.DataFrame(financing, columns=['Kenmerk', 'Vorm']))}" if financing else "")
    ))


def monitoring(evaluations: list[IndicatorEvaluation]) -> None:
    display(HTML(
        '<p class="note">Deze grafieken tonen hoe de indicatoren zich ontwikkelden in de deelnemende gemeenten en in de '
        "vergelijkingsgemeenten (gewogen gemiddelde naar inwonertal). Dit is monitoring: een daling of stijging "
        "in de grafiek is op zichzelf geen bewijs dat het initiatief werkt. Dat toetst de uitkomstevaluatie hieronder.</p>"
    ))
    for e in evaluations:
        first, last = e.frame.period.min(), e.frame.period.max()
        figure(figures.trend_figure(e.frame, e.indicator),
               alt=f"Lijngrafiek: {e.indicator.label}, gemiddelde van de deelnemende gemeenten en van de "
                   f"vergelijkingsgemeenten per periode van {first} tot en met {last}; de stippellijn markeert de start.")


def _relative(evaluation: IndicatorEvaluation) -> tuple[float, float, float]:
    """Effect as % of the counterfactual level of the treated after the start."""
    result = evaluation.result
    post = evaluation.frame.loc[evaluation.frame.treated == 1]
    level = (post.value * post.weight).sum() / post.weight.sum() - result.estimate
    if not level or not math.isfinite(level):
        return math.nan, math.nan, math.nan
    return tuple(100 * v / level for v in (result.estimate, result.ci_low, result.ci_high))


def summary_rows(evaluations: list[IndicatorEvaluation]) -> pd.DataFrame:
    rows = []
    for e in evaluations:
        r = e.result
        relative = _relative(e) if r else (math.nan,) * 3
        rows.append({"id": e.id, "label": e.indicator.label, "estimate": r.estimate if r else math.nan,
                     "ci_low": r.ci_low if r else math.nan, "ci_high": r.ci_high if r else math.nan,
                     "p_value": r.p_value if r else math.nan, "relative": relative[0],
                     "relative_low": relative[1], "relative_high": relative[2],
                     "n_treated": r.n_treated if r else 0, "n_units": r.n_units if r else 0,
                     "sentence": effect_sentence(e.indicator, r, relative[0]),
                     "budget_effect": e.is_budget_effect})
    return pd.DataFrame(rows)


def effects(evaluations: list[IndicatorEvaluation], confidence_level: float) -> None:
    rows = summary_rows(evaluations)
    level = number(100 * confidence_level, 0)
    table = pd.DataFrame({
        "Indicator": rows.label + rows.budget_effect.map({True: " (budgeteffect)", False: ""}),
        "Effect": rows.estimate.map(signed),
        f"{level}%-onzekerheidsmarge": [f"{signed(a)} tot {signed(b)}" for a, b in zip(rows.ci_low, rows.ci_high)],
        "Effect (%)": rows.relative.map(signed),
        "p-waarde": rows.p_value.map(p_value),
        "Gemeenten (deelnemend / vergelijking)": [f"{t} / {n - t}" for t, n in zip(rows.n_treated, rows.n_units)],
        "Wat betekent dit?": rows.sentence,
    })
    display(HTML(_table(table, numeric={"Effect", "Effect (%)", "p-waarde"})))
    shown = rows.dropna(subset=["relative"])
    if not shown.empty:
        figure(figures.effects_figure(shown),
               alt="Puntgrafiek met per indicator het geschatte effect in procenten met de onzekerheidsmarge; "
                   "een marge die de nullijn raakt betekent geen aantoonbaar effect.",
               caption="Effect per indicator in procenten van de verwachte waarde zonder initiatief, met onzekerheidsmarge.")
    for e in evaluations:
        messages = list(e.notes) + (list(e.result.warnings) if e.result else [f"Geen schatting mogelijk: {e.error}"])
        if messages:
            display(HTML(f"<h4>{esc(e.indicator.label)}</h4>" + "".join(f'<p class="warning">{esc(m)}</p>' for m in messages)))


def methods(study: Study, evaluations: list[IndicatorEvaluation]) -> None:
    files = pd.DataFrame([{"Rol": f.role, "Bestand": f.path, "SHA-256": f.sha256[:16] + "…"} for f in study.data_files])
    level = number(100 * study.params.report.confidence_level, 0)
    params_text = yaml.safe_dump(study.params.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    display(HTML(
        "<p>Ontwerp: verschil-in-verschillen (difference-in-differences). Per indicator vergelijken we de verandering "
        "in de deelnemende gemeenten met de verandering in vergelijkingsgemeenten die niet meedoen, met vaste effecten "
        "per gemeente en per periode (two-way fixed effects, geschat met linearmodels PanelOLS), gewogen naar "
        f"inwonertal. De onzekerheidsmarge is een {level}%-betrouwbaarheidsinterval met standaardfouten die per gemeente "
        "zijn geclusterd. De belangrijkste aanname: zonder het initiatief had de indicator in de deelnemende gemeenten "
        "zich gemiddeld net zo ontwikkeld als in de vergelijkingsgemeenten (parallelle trends).</p>"
        f"<p>Vergelijkingsgemeenten: {len(study.control_units)} gemeenten die niet aan dit of een ander initiatief "
        "deelnemen.</p>"
        f"<h3>Gegevensbronnen</h3>{_table(files)}"
        f"<p>Gemaakt met evaluatie versie {esc(__version__)}.</p>"
        f"<details><summary>Parameters van deze evaluatie</summary><pre>{esc(params_text)}</pre></details>"
    ))
