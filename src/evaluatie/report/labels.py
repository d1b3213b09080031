"""Dutch labels for the codes of params and results, in one place for every page."""

from __future__ import annotations

from pathlib import PurePath

from evaluatie.formats import number
from evaluatie.process.instrument import load_instrument, shipped_instruments

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
    "description": "Toelichting", "savings_shares": "Afgesproken verdeling van de besparing",
}
VALUE_LABELS = {
    "aanbod": "aanbod (betalen voor beschikbaarheid of productie)", "resultaat": "resultaat", "gemengd": "gemengd",
    "populatie": "populatie", "caseload": "caseload", "geen": "geen", "per_aanbieder": "per aanbieder",
    "populatie_2e_lijn": "populatie, tweede lijn", "populatie_0_1_2_lijn": "populatie, nulde tot en met tweede lijn",
    "inkoper_aanbieder": "tussen inkoper en aanbieder", "aanbieder_aanbieder": "tussen aanbieders",
    "inkoper_inkoper": "tussen inkopers, zoals gemeente en zorgverzekeraar",
    "partnerschap": "partnerschap met bestaande aanbieders", "competitie": "competitie",
    "hoofdaannemer": "hoofdaannemer", "solidariteit": "solidariteit", "profijt": "profijt", "tussenvorm": "tussenvorm",
    "all_untreated": "alle gemeenten die niet deelnemen", "list": "een vaste lijst van gemeenten",
    "default": "standaard",
    "never_treated": "gemeenten die nooit meededen", "not_yet_treated": "gemeenten die nog niet meededen",
    "auto": "automatisch", "cluster": "geclusterde standaardfouten", "randomization": "randomisatie",
    "wild_bootstrap": "wild cluster bootstrap",
    "none": "geen", "matching": "matching op de periode voor de start",
    "synthetic_control": "synthetische controle naast de schatting",
    "mahalanobis": "Mahalanobis-afstand", "propensity": "propensity score",
}
PAYER_LABELS = {"Zvw": "zorgverzekeraar (Zvw)", "Wlz": "zorgkantoor (Wlz)", "Wmo": "gemeente (Wmo)",
                "Jeugdwet": "gemeente (Jeugdwet)", "Participatiewet": "gemeente (Participatiewet)"}
PAYER_ARTICLES = {"Zvw": "de", "Wlz": "het", "Wmo": "de", "Jeugdwet": "de", "Participatiewet": "de"}
PARAM_LABELS = {
    "demo": "Verzonnen gegevens (demo)",
    "treatment.intensity": "Deel van budget of bevolking in het initiatief",
    "treatment.anticipation": "Perioden waarin een effect al voor de start mag optreden",
    "control_group.type": "Vergelijkingsgemeenten",
    "control_group.units": "Vaste lijst van vergelijkingsgemeenten",
    "control_group.regions": "Alleen vergelijkingsgemeenten uit de regio's",
    "control_group.exclude": "Uitgesloten gemeenten",
    "control_group.exclude_other_initiatives": "Gemeenten in een ander initiatief uitsluiten",
    "control_group.method": "Keuze van de vergelijking",
    "control_group.matching.on": "Matchen op kenmerken uit het gemeentebestand",
    "control_group.matching.distance": "Maat voor gelijkenis bij matching",
    "control_group.matching.neighbours": "Vergelijkingsgemeenten per deelnemende gemeente",
    "control_group.matching.caliper": "Grootste afstand van een paar",
    "control_group.matching.replace": "Een vergelijkingsgemeente mag vaker gekozen worden",
    "data.units": "Bestand met gemeenten", "data.panel": "Bestand met indicatoren",
    "data.sources": "Eigen bronbestanden (zie gegevensbronnen)",
    "process.responses": "Vragenlijsten", "process.interviews": "Gecodeerde interviews",
    "process.instruments": "Vragenlijstonderdelen", "process.column_mapping": "Andere kolomnamen in de vragenlijst",
    "process.codebook": "Codeboek van de interviews", "process.min_group_size": "Kleinste groep die getoond wordt",
    "process.show_organisation_names": "Namen van organisaties in citaten tonen",
    "report.confidence_level": "Betrouwbaarheid van de marges",
    "report.seed": "Startwaarde van de toevalsgetallen (maakt de uitkomst herhaalbaar)",
    "report.contact": "Contact voor vragen",
    "report.date": "Datum op het rapport",
    "outcome.inference": "Methode voor de onzekerheid",
    "outcome.control_group": "Vergelijkingsgroep bij gespreide start",
}
# Shown in the body or in the table of data sources; folders outside the project are machine paths, never shown.
SHOWN_ELSEWHERE = ("id", "name", "region", "description", "partners", "treatment.units", "indicators", "financing",
                   "data.folders", "data.units", "data.panel", "process.responses", "process.interviews")


def value_label(value) -> str:
    """A params value as a reader says it: 'ja', '95%', 'geclusterde standaardfouten', 'geen'."""
    if value is None:
        return "niet opgegeven"
    if value == [] or value == {}:
        return "geen"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{number(100 * value, 0)}%" if 0 < value <= 1 else number(value, 2)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_label(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_label(v)}" for k, v in value.items())
    return VALUE_LABELS.get(value, str(value))


def parameter_rows(dump: dict, prefix: str = "") -> list[tuple[str, str]]:
    """(Dutch label, value) for every analysis parameter of a params dump; what the body shows is left out."""
    rows = []
    for key, value in dump.items():
        path = f"{prefix}{key}"
        if path in SHOWN_ELSEWHERE:
            continue
        if path == "data.sources":
            if value is not None:
                rows.append((PARAM_LABELS[path], "ja"))
            continue
        if path == "process.instruments":  # by the title the process section uses for each
            rows.append((PARAM_LABELS[path], "; ".join(instrument_label(i) for i in value)))
            continue
        if isinstance(value, dict) and path not in PARAM_LABELS:
            rows += parameter_rows(value, f"{path}.")
            continue
        rows.append((parameter_label(path), value_label(value)))
    return rows


def parameter_label(path: str) -> str:
    """The Dutch name of a params key such as 'report.seed'; the last word of an unlisted key as a fallback."""
    return PARAM_LABELS.get(path) or FINANCING_LABELS.get(path.rsplit(".", 1)[-1]) or path.rsplit(".", 1)[-1]


def instrument_label(instrument: str) -> str:
    """A shipped instrument by the title the process section uses; an own one by its file name."""
    if instrument in shipped_instruments():
        return load_instrument(instrument).title
    return f"eigen instrument ({PurePath(instrument).name})"
