"""The region overview: all initiatives of one region side by side, from their stored summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from evaluatie.report import figures
from evaluatie.formats import number, signed
from evaluatie.report.show import VERDICT_LABELS, _html, esc, figure, table


def load_summaries(reports_dir: str | Path, region: str) -> list[dict]:
    """The summaries the initiative reports of ``region`` left behind (aggregates only)."""
    folder = Path(reports_dir) / region
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.summary.json"))]


def cover(region_name: str, summaries: list[dict]) -> None:
    banner = ('<p class="demo-banner">DEMO: verzonnen gegevens over verzonnen gemeenten.</p>'
              if any(s["demo"] for s in summaries) else "")
    _html(f"{banner}<h1>{esc(region_name)}: overzicht van de initiatieven</h1>"
          f"<p>{len(summaries)} {'initiatief' if len(summaries) == 1 else 'initiatieven'}. Klik op een naam voor het "
          "volledige rapport.</p>")


def initiatives(summaries: list[dict]) -> None:
    rows = []
    for s in summaries:
        verdicts = pd.Series([e["verdict"] for e in s["effects"]], dtype=object)
        budget = pd.Series([e["budget_effect"] for e in s["effects"]], dtype=bool)
        rows.append({"Initiatief": f'<a href="{esc(s["initiative"])}.html">{esc(s["name"])}</a>',
                     "Gemeenten": s["n_treated"], "Indicatoren": len(s["effects"]),
                     "Effect": int((verdicts.isin(["gedaald", "gestegen"]) & ~budget).sum()),
                     "Budgeteffect": int((verdicts.isin(["gedaald", "gestegen"]) & budget).sum()),
                     "Geen verschil": int((verdicts == "geen_verschil").sum()),
                     "Onbetrouwbaar": int((verdicts == "onbetrouwbaar").sum()),
                     "Te weinig gegevens": int((verdicts == "te_weinig").sum())})
    frame = pd.DataFrame(rows)
    _html(table(frame, numeric=set(frame.columns) - {"Initiatief"}, markup={"Initiatief"},
                caption="Aantal indicatoren per conclusie (effect aangetoond, budgeteffect, geen aantoonbaar verschil, "
                        "geen betrouwbare uitspraak)"))


def effects(summaries: list[dict]) -> None:
    several = len(summaries) > 1
    rows = pd.DataFrame([{**e, "label": f"{s['name']}: {e['label']}" if several else e["label"]}
                         for s in summaries for e in s["effects"]])
    if rows.empty:
        return
    shown = rows.dropna(subset=["relative"])
    figure(figures.effects_figure(shown),
           alt="Puntgrafiek met voor elk initiatief en elke indicator het effect in procenten met de "
               "onzekerheidsmarge; een marge die de nullijn raakt betekent geen aantoonbaar effect.",
           caption="Effecten van alle initiatieven in de regio, in procenten van de verwachte waarde zonder initiatief.")
    frame = pd.DataFrame({"Initiatief en indicator" if several else "Indicator":
                          rows.label + rows.budget_effect.map({True: " (budgeteffect)", False: ""}),
                          "Effect (%)": rows.relative.map(lambda v: signed(v, 0)),
                          "Conclusie": rows.verdict.map(VERDICT_LABELS)})
    _html(table(frame, numeric={"Effect (%)"}))


def maturity(summaries: list[dict]) -> None:
    rows = [{"Initiatief": s["name"], "Onderwerp": m["dimension"],
             "Score": number(m["median"], 1) + (" (verdeeld)" if m["agreement"] == "split" else "")}
            for s in summaries for m in s["maturity"]]
    if not rows:
        _html("<p>Geen procesgegevens.</p>")
        return
    frame = pd.DataFrame(rows).pivot(index="Onderwerp", columns="Initiatief", values="Score").fillna("–").reset_index()
    _html("<p>Mediaan van de scores van de partners (0 = nog niet begonnen, 5 = volledig ingebed) in de laatste meting; "
          "'verdeeld' betekent dat de partners het sterk oneens zijn.</p>" + table(frame))
