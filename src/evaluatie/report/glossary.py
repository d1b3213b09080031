"""The begrippenlijst: every technical word the reports use, explained in plain Dutch.

A report lists only the terms its other pages use (``used_terms``, applied to the rendered page). A test
reads every rendered report and checks that each of these words that occurs in it is explained there,
and that no word from the list of jargon to avoid occurs at all.
"""

from __future__ import annotations

import re

TERMS = {
    "AWBZ": "Algemene Wet Bijzondere Ziektekosten: tot 2015 de wet voor langdurige zorg. In 2015 is zij verdeeld "
            "over de Wlz, de Wmo en de Zvw; reeksen die daar doorheen lopen, veranderden toen van definitie.",
    "CIZ": "Centrum indicatiestelling zorg: beoordeelt wie recht heeft op zorg uit de Wlz en telt die besluiten.",
    "Gezondheidsmonitor": "De vragenlijst van de GGD's, het CBS en het RIVM over gezondheid en welzijn, eens in de "
                          "paar jaar; de uitkomsten zijn schattingen uit een steekproef van inwoners.",
    "hoofdaannemer": "Eén aanbieder sluit het contract met de financier en schakelt de andere aanbieders in.",
    "LBZ": "Landelijke Basisregistratie Ziekenhuiszorg: de registratie van opnames en behandelingen in "
           "ziekenhuizen.",
    "plafond": "Het hoogste bedrag dat een financier in een jaar betaalt, ook als er meer zorg geleverd wordt.",
    "Vektis": "Het informatiecentrum van de zorgverzekeraars: cijfers over wat zorg uit de Zvw per gemeente kost.",
    "volumegrondslag": "Waarop de hoogte van de betaling rust, zoals het aantal inwoners (populatie), cliënten of "
                       "geleverde uren.",
    "Wlz": "Wet langdurige zorg: zorg voor wie blijvend intensieve zorg nodig heeft, zoals in een verpleeghuis; "
           "betaald via het zorgkantoor.",
    "Wmo": "Wet maatschappelijke ondersteuning: ondersteuning om thuis te wonen en mee te doen, geregeld en betaald "
           "door de gemeente.",
    "zorgkantoor": "De organisatie die namens de zorgverzekeraars in een regio de Wlz-zorg inkoopt.",
    "Zvw": "Zorgverzekeringswet: de basisverzekering, waaruit onder meer huisarts, ziekenhuis en wijkverpleging "
           "betaald worden; de zorgverzekeraar koopt die zorg in.",
    "betaaltitel": "Waarvoor betaald wordt: de prestatie die een aanbieder mag declareren, zoals beschikbaarheid "
                   "of geleverde zorg (aanbod) of een bereikt resultaat.",
    "budgeteffect": "Een verandering die de financieringsafspraak zelf oplegt, zoals een vastgezet budget. Het "
                    "laat zien wat de afspraak deed, niet wat de samenwerking opleverde.",
    "caseload": "Het aantal cliënten dat één professional tegelijk begeleidt.",
    "deelnemende gemeenten": "De gemeenten waar het initiatief loopt.",
    "effect": "Het verschil tussen wat er na de start gebeurde in de deelnemende gemeenten en wat er zonder het "
              "initiatief zou zijn gebeurd, afgeleid uit de vergelijkingsgemeenten.",
    "gespreide start": "De gemeenten begonnen niet tegelijk maar in verschillende jaren (startgroepen).",
    "gunstig of ongunstig": "Of een aangetoonde verandering de gewenste kant op gaat. Dat volgt uit de "
                            "indicatorenlijst: bij sommige indicatoren is lager beter, bij andere hoger; bij een "
                            "paar hangt het af van de reden.",
    "kassierspartij": "De partij die het geld van alle financiers beheert en aan de uitvoerders betaalt.",
    "lumpsum": "Een vast bedrag per periode, los van het aantal cliënten of de geleverde zorg.",
    "marge": "De onzekerheidsmarge (betrouwbaarheidsinterval): tussen deze waarden ligt het werkelijke effect "
             "waarschijnlijk. Ligt nul in de marge, dan is er geen aantoonbaar verschil.",
    "mediaan": "De middelste score als je alle scores op volgorde legt.",
    "monitoring": "Volgen hoe indicatoren zich ontwikkelen. Monitoring laat zien wat er gebeurt, niet of het "
                  "initiatief de oorzaak is.",
    "omslagpunt": "Hoe sterk de deelnemende en de vergelijkingsgemeenten na de start uiteen mogen lopen, gemeten "
                  "aan de grootste afwijking per periode die er voor de start al was, voordat het effect niet meer "
                  "aantoonbaar is. Onder 100% kan een afwijking die er voor de start al was het effect verklaren.",
    "n < 5": "Minder dan vijf personen: het getal is weggelaten, zodat niemand herkenbaar is.",
    "p-waarde": "De kans op een verschil van minstens deze grootte als het initiatief geen effect had. Hoe kleiner, "
                "hoe minder het verschil op toeval lijkt.",
    "parallelle trends": "De aanname dat de deelnemende gemeenten zich zonder het initiatief net zo zouden hebben "
                         "ontwikkeld als de vergelijkingsgemeenten.",
    "procentpunt": "Het verschil tussen twee percentages: van 10% naar 12% is 2 procentpunt meer.",
    "placebotoets": "Een controle met een verzonnen startmoment enkele jaren vóór de echte start, alleen op "
                    "gegevens van vóór de start. Vinden we dan al een 'effect', dan liepen de groepen al uiteen.",
    "randomisatie-inferentie": "De onzekerheid bepalen door de deelname bij toeval aan andere gemeenten toe te "
                               "wijzen en te kijken hoe uitzonderlijk het echte verschil is tussen al die "
                               "denkbeeldige verschillen.",
    "synthetische controle": "Een gewogen mix van vergelijkingsgemeenten die voor de start zo goed mogelijk "
                             "op de deelnemende gemeente lijkt; het verschil erna is een tweede schatting van het "
                             "effect.",
    "matching": "Per deelnemende gemeente de vergelijkingsgemeenten kiezen die er voor de start het meest op "
                "lijken (in kenmerken en in het verloop van de indicator).",
    "gestandaardiseerd verschil": "Het verschil in gemiddelden tussen twee groepen gedeeld door de spreiding. "
                                  "Onder 0,25 (in absolute waarde) gelden de groepen als goed vergelijkbaar.",
    "SEH": "De spoedeisende hulp van een ziekenhuis.",
    "standaardfout": "Een maat voor de onzekerheid van een schatting; de marge is er ongeveer twee aan weerszijden "
                     "van de schatting.",
    "startgroep": "Gemeenten die in hetzelfde jaar met het initiatief begonnen.",
    "verdeeld": "De partners zijn het oneens: vier of meer scores liggen meer dan één punt van de mediaan af "
                "(de regel van het SCIROCCO-model).",
    "vergelijkingsgemeenten": "Gemeenten die niet aan het initiatief deelnemen en laten zien hoe de indicatoren "
                              "zich zonder het initiatief ontwikkelden.",
    "vergelijkingspunt": "De periode waarmee elk punt in een figuur over het verloop wordt vergeleken; daar is "
                         "het verschil per definitie nul.",
    "verschil-in-verschillen": "De vergelijking van de verandering in de deelnemende gemeenten met de verandering "
                               "in de vergelijkingsgemeenten (difference-in-differences).",
    "wild cluster bootstrap": "Een andere manier om de onzekerheid te bepalen, door de gegevens per gemeente "
                              "vaak opnieuw te trekken. Met minder dan vier deelnemende gemeenten zegt zij weinig.",
    "Quintuple Aim": "Vijf doelen waaraan goede zorg en ondersteuning samen moeten bijdragen: ervaren kwaliteit "
                     "van zorg, gezondheid van de bevolking, kosten, werkplezier van professionals en gelijke "
                     "gezondheidskansen.",
    "SCIROCCO-model": "Een Europees model waarin elke partner per onderwerp scoort hoe ver de samenwerking is "
                      "(0 = nog niet begonnen, 5 = volledig ingebed).",
}
AVOID = ("clusters", "invloedsfunctie", "Holm", "95%-BI", "ijkpunt", "nep-start", "afgeschermd", "Kruskal",
         "null", "eenheid/eenheden")
"""Jargon and leftovers that no reader should meet (issue 11): they have a plain word in TERMS instead."""


# How a term shows up in the text where that is not the term itself (inflected, or part of a phrase).
SPELLINGS = {
    "deelnemende gemeenten": r"deelnemende gemeente",
    "effect": r"effect",
    "gestandaardiseerd verschil": r"gestandaardiseerde? verschil",
    "gunstig of ongunstig": r"(on)?gunstig",
    "n < 5": r"n < \d",
    "p-waarde": r"p-waarde|p = ",
    "placebotoets": r"placebo",
    "SCIROCCO-model": r"SCIROCCO",
    "standaardfout": r"standaardfout",
    "vergelijkingsgemeenten": r"vergelijkingsgemeente",
}


def terms() -> list[tuple[str, str]]:
    """The begrippenlijst in alphabetical order (case-insensitive)."""
    return sorted(TERMS.items(), key=lambda item: item[0].lower())


def used_terms(text: str) -> set[str]:
    """The terms of the begrippenlijst that occur in ``text`` (plain text, case-insensitive, at a word start)."""
    return {term for term in TERMS
            if re.search(r"(?<!\w)(?:" + SPELLINGS.get(term, re.escape(term)) + ")", text, re.IGNORECASE)}
