"""The region overview: all initiatives of one region side by side, from their stored summaries.

Every verdict, direction and caution is worded by the same functions as in the initiative reports
(:mod:`evaluatie.report.text`), from the same records, so the overview cannot contradict a report.
"""

from __future__ import annotations


import pandas as pd
from markupsafe import Markup, escape

from evaluatie.formats import number
from evaluatie.report import figures
from evaluatie.report.markup import Section, section, table
from evaluatie.report.records import load_summaries
from evaluatie.report.text import (
    caution_sentence, effect_cells, effect_label, findings_line, plural, verdict_phrase,
)

__all__ = ["cover", "effects", "initiatives", "load_summaries", "maturity"]


def cover(region_name: str, summaries: list[dict]) -> Section:
    return section("region_cover.html.j2", region_name, region_name=region_name,
                   demo=any(s["demo"] for s in summaries),
                   count=plural(len(summaries), "initiatief", "initiatieven"))


def initiatives(summaries: list[dict]) -> Section:
    rows = [[_link(s), str(s["n_treated"]), str(len(s["effects"])), findings_line(s["effects"], s["n_treated"])]
            for s in summaries]
    notes = [f"{s['name']}: één deelnemende gemeente. {caution_sentence('single_unit')}"
             for s in summaries if s["n_treated"] == 1]
    return section("region_initiatives.html.j2", "Initiatieven", table=table(
        "Bevindingen per initiatief", ["Initiatief", "Gemeenten", "Indicatoren", "Bevindingen"], rows,
        numeric=["Gemeenten", "Indicatoren"]), notes=notes)


def _link(summary: dict) -> Markup:
    return Markup(f'<a href="{escape(summary["initiative"])}.html">{escape(summary["name"])}</a>')


def effects(summaries: list[dict]) -> Section:
    several = len(summaries) > 1
    records = [{**e, "label": f"{s['name']}: {e['label']}" if several else e["label"]}
               for s in summaries for e in s["effects"]]
    if not records:
        return Section("")
    rows, left_out = figures.relative_effects(records)
    chart = figures.effects_chart(rows, source="de rapporten van de initiatieven",
                                  caption="Effecten van alle initiatieven in de regio, in procenten van de verwachte "
                                          "waarde zonder initiatief." + left_out) if not rows.empty else None
    lines = table("Effect per initiatief en indicator", ["Initiatief en indicator" if several else "Indicator",
                                                        "Effect", "Marge", "Conclusie"],
                  [[effect_label(r),
                    *effect_cells(r),
                    verdict_phrase(r) + (f". {caution_sentence(r['caution'], r)}" if r.get("caution") else "")]
                   for r in records], numeric=["Effect"])
    return section("region_effects.html.j2", "Effecten", chart=chart, table=lines)


def maturity(summaries: list[dict]) -> Section:
    rows = [{"Initiatief": s["name"], "Onderwerp": m["dimension"],
             "Score": number(m["median"], 0) + (" (verdeeld)" if m["agreement"] == "split" else "")}
            for s in summaries for m in s["maturity"]]
    if not rows:
        return section("region_maturity.html.j2", "Samenwerking", table=None)
    frame = pd.DataFrame(rows).pivot(index="Onderwerp", columns="Initiatief", values="Score").fillna("–")
    return section("region_maturity.html.j2", "Samenwerking", table=table(
        "Mediaan van de scores van de partners in de laatste meting", ["Onderwerp", *frame.columns],
        [[index, *row] for index, row in frame.iterrows()]))
