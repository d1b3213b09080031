"""Quote anonymisation on realistic Dutch interview quotes, including the misses of a first review
(a BSN, 'Bart Smit', a lower-case first name, an age with a street address, organisations that are
no partner), and the review of quotes that still name someone."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluatie.process.anonymise import anonymise, eleven_proof, first_names, surnames, unexplained_names
from evaluatie.process.interviews import Codebook, Code, review_quotes, select_quotes

PARTNERS = ["Gemeente Olvermond", "Zorgverzekeraar Kompas", "Thuiszorg De Linde", "Wijkteam Lindeland"]

# (quote, what must not remain, what must remain)
QUOTES = [
    ("Mijn BSN is 111222333, dat heb ik aan de balie gewoon gegeven.", ["111222333"], ["[nummer]"]),
    ("Haar burgerservicenummer 123.456.782 stond gewoon op het formulier.", ["123.456.782"], ["[nummer]"]),
    ("Het budget was 123456789 euro over vier jaar, dat is geen BSN.", [], ["123456789"]),
    ("Bart Smit van het wijkteam heeft dat meteen opgepakt.", ["Bart", "Smit"], ["[naam]"]),
    ("Fatima Bakker van het wijkteam verwoordde het zo.", ["Fatima", "Bakker"], ["[naam] van het wijkteam"]),
    ("Els Jansen zei dat ook. Met Jansen hadden we korte lijnen.", ["Els", "Jansen"], ["Met [naam]"]),
    ("Toen ik met bart over de indicatie sprak, ging het ineens snel.", ["bart"], ["[naam]"]),
    ("Ik heb het met annemarie de vries besproken, zij was het ermee eens.", ["annemarie", "vries"], []),
    ("Een man van 84 jaar aan de Kerkstraat 12 belde ons elke dag.", ["84", "Kerkstraat", "12"], ["[adres]"]),
    ("Mevrouw woont op de Dorpsweg 3a en is 91 jaar, ze redt het niet alleen.", ["Dorpsweg", "91"], []),
    ("Stichting De Brug en Zorggroep Horizon deden helemaal niet mee.", ["Brug", "Horizon"], ["[organisatie]"]),
    ("Buurtzorg Oost stuurde steeds een andere verpleegkundige.", ["Oost"], ["[organisatie]"]),
    ("Bij Gemeente Olvermond lag het dossier drie maanden stil.", ["Olvermond"], ["[organisatie]"]),
    ("Zorgverzekeraar Kompas wilde eerst de cijfers zien.", ["Kompas"], ["[organisatie]"]),
    ("Bel me gerust op 06-12345678, dan regelen we het.", ["12345678"], ["[contactgegevens]"]),
    ("Je kunt mailen naar p.dejong@voorbeeld.nl voor een afspraak.", ["dejong", "voorbeeld"], ["[contactgegevens]"]),
    ("Het nummer van de huisartsenpost is 0612 345 678, dat weet iedereen.", ["345"], ["[contactgegevens]"]),
    ("Bereikbaar via +31 20 123 4567 op werkdagen.", ["4567"], ["[contactgegevens]"]),
    ("Zij woont op 1234 AB 5 en komt bijna nooit buiten.", ["1234 AB"], ["[adres]"]),
    ("Haar postcode 5611AZ valt net buiten het werkgebied.", ["5611AZ"], ["[adres]"]),
    ("Hij is geboren op 3 maart 1948 en woont al zestig jaar in dezelfde straat.", ["1948"], ["[datum]"]),
    ("Geboortedatum 12-05-1950 stond verkeerd in het systeem.", ["12-05-1950"], ["[datum]"]),
    ("Met mevrouw Jansen hebben we toen een afspraak gemaakt.", ["Jansen"], ["mevrouw [naam]"]),
    ("Wethouder Van der Meer kwam zelf naar de bijeenkomst.", ["Meer"], ["Wethouder [naam]"]),
    ("J. de Vries van de gemeente was er ook bij.", ["Vries"], ["[naam]"]),
    ("Henk-Jan de Graaf had het plan geschreven.", ["Henk", "Graaf"], ["[naam]"]),
    ("Het overleg verliep moeizaam, zei Bakker na afloop.", ["Bakker"], ["[naam]"]),
    ("Fatima El Amrani van het buurthuis kende alle gezinnen.", ["Amrani"], []),
    ("Volgens de Wmo-consulent was het dossier compleet.", [], ["Wmo-consulent"]),
    ("De wijkverpleegkundige en de consulent gaan nu samen op huisbezoek.", [], ["wijkverpleegkundige"]),
    ("Groen licht kwam pas in maart, na drie overleggen.", [], ["Groen licht"]),
    ("Ik ben blij dat het wijkteam er nu is.", [], ["Ik ben blij"]),
    ("Een vrouw van 45 jaar belde, verder weet ik niets van haar.", [], ["45 jaar"]),
    ("In 2019 zijn we gestart met twaalf huisartsenpraktijken.", [], ["2019", "twaalf"]),
]


@pytest.mark.parametrize("quote, gone, kept", QUOTES, ids=[q[:40] for q, _, _ in QUOTES])
def test_quote_is_masked(quote, gone, kept):
    masked = anonymise(quote, PARTNERS)
    for text in gone:
        assert text not in masked, masked
    for text in kept:
        assert text in masked, masked


def test_corpus_has_thirty_realistic_quotes():
    assert len(QUOTES) >= 30


def test_partner_names_may_be_shown_but_other_organisations_never():
    masked = anonymise("Thuiszorg De Linde en Stichting De Brug spraken elkaar.", PARTNERS, show_organisation_names=True)
    assert "Thuiszorg De Linde" in masked and "Brug" not in masked


def test_eleven_proof():
    assert eleven_proof("111222333") and eleven_proof("123456782")
    assert not eleven_proof("123456789") and not eleven_proof("000000000")


def test_name_lists_are_shipped_with_their_published_counts():
    assert {"Jan", "Maria", "Johannes", "Bart"} <= first_names() and len(first_names()) > 700
    assert {"de Jong", "Jansen", "de Vries", "Smit"} <= surnames() and len(surnames()) == 1000


def test_unexplained_proper_nouns_are_found():
    assert unexplained_names("In Zwolle doen ze dat al jaren zo.") == ["Zwolle"]
    assert unexplained_names("Dat zei [naam] tegen de Wmo-consulent.") == []
    assert unexplained_names("In Zwolle ook.", allowed=["Zwolle"]) == []


def _book() -> Codebook:
    return Codebook("t", "Toets", "Kader", "Bron", {"c": Code("c", "Samenwerking", "d", "Dimensie", "facilitator")})


def _segments(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"document": [f"d{i}" for i in range(len(rows))], "code": "c",
                         "segment": [text for text, _ in rows], "perspective": "professional", "wave": 2023,
                         "reviewed": [flag == "ja" for _, flag in rows], "row": [i + 2 for i in range(len(rows))]})


def test_a_quote_with_an_unknown_name_is_held_back_until_reviewed():
    rows = [("Met de mensen uit Zwolle hebben we afgesproken dat het anders moet.", ""),
            ("Iedereen aan tafel ziet dat het zo niet langer kan in de wijk.", "")]
    quotes = select_quotes(_segments(rows), _book())
    assert "Zwolle" not in " ".join(quotes.quote)
    lines = review_quotes(_segments(rows), _book())
    assert len(lines) == 1 and lines[0].startswith("row 2: quote held back until reviewed, it names 'Zwolle'")
    reviewed = select_quotes(_segments([(rows[0][0], "ja")]), _book())
    assert "Zwolle" in " ".join(reviewed.quote) and review_quotes(_segments([(rows[0][0], "ja")]), _book()) == []


def test_places_of_the_study_do_not_hold_a_quote_back():
    rows = [("In Olvermond is de wachttijd voor de Wmo flink korter geworden.", "")]
    assert review_quotes(_segments(rows), _book(), allowed_names=["Olvermond"]) == []
