"""The data audit as a page in the reports' house style, built from the audit object of ``evaluatie.data``.

The audit's findings and verdict are the data layer's; this module only lays them out.
"""

from __future__ import annotations

from evaluatie.data.audit import Audit
from markupsafe import Markup

from evaluatie.formats import number
from evaluatie.report.markup import render, table

LEVEL_LABELS = {"fout": "fout", "waarschuwing": "waarschuwing", "info": "ter informatie"}


def audit_page(audit: Audit) -> str:
    coverage = table("Dekking per indicator", ["Indicator", "Omschrijving", "Perioden", "Gemeenten", "Aanwezig",
                                               "Onderdrukt", "Ontbreekt", "Dekking"],
                     [[_code(r.indicator), r.omschrijving, r.perioden, str(r.eenheden), str(r.aanwezig),
                       str(r.onderdrukt), str(r.ontbreekt), number(100 * r.dekking, 1) + "%"]
                      for r in audit.coverage.itertuples()],
                     numeric=["Gemeenten", "Aanwezig", "Onderdrukt", "Ontbreekt", "Dekking"])
    treated = table("Deelnemende gemeenten: metingen voor en vanaf de start",
                    ["Gemeente", "Indicator", "Start", "Metingen voor de start", "Metingen vanaf de start"],
                    [[f"{r.naam} ({r.eenheid})", _code(r.indicator), str(r.start), str(r.voor), str(r.vanaf)]
                     for r in audit.treated.rename(columns={"vanaf start": "vanaf"}).itertuples()], numeric=["Metingen voor de start", "Metingen vanaf de start"])
    findings = table("Bevindingen", ["Niveau", "Indicator", "Controle", "Bevinding"],
                     [[LEVEL_LABELS[r.level], _code(r.indicator) if r.indicator else "alle", r.check, r.message]
                      for r in audit.to_frame().itertuples()],
                     note="" if audit.findings else "Geen bevindingen.")
    return str(render("audit.html.j2", title=audit.title, verdict=audit.verdict(), state="ok" if audit.ok else "fout",
                      coverage=coverage, treated=treated, findings=findings))


def _code(identifier: str) -> Markup:
    """An indicator id as the params file spells it; it may break anywhere, so a narrow column still fits."""
    return Markup('<span class="code">{}</span>').format(identifier)
