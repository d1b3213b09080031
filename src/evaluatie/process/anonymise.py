"""Remove what identifies a person, and organisations unless allowed, from interview quotes.

Quotes go to steering groups and councils, so masking errs on the side of too much. Rules, in order:

1. contact details and numbers: e-mail addresses, phone numbers, citizen service numbers (BSN, nine
   digits that pass the 11-proof), postcodes (with or without house number), street addresses
   (a street name, with or without its number), full dates (a date of birth);
2. organisations: the partners' names and their short forms (kept only when allowed), and any
   name that an organisation word opens or closes ('Stichting De Brug', 'Zorggroep Noord',
   'Buurtzorg Oost'), which is masked whether or not names are allowed: it is no partner;
3. persons: names given explicitly; a title followed by a name ('wethouder [naam]'); a first name
   from the shipped list (Meertens Voornamenbank, ``names/voornamen.csv``), capitalised or not,
   with what follows it as surname; a surname from the shipped list (Meertens Familienamenbank,
   ``names/achternamen.csv``) after an initial, with its particles, or capitalised inside a
   sentence; any capitalised word followed by a surname particle and another capitalised word
   ('Kees de Groot'); and a capitalised word right before a masked name, as its first name;
4. an age ('84 jaar', '84-jarige') once anything else in the quote identified someone.

What then still looks like a proper noun (a capitalised word inside a sentence that is no term
of the allow-list) is reported by :func:`unexplained_names`: such a quote is held back until an
evaluator has reviewed it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

PERSON = "[naam]"
ORGANISATION = "[organisatie]"
CONTACT = "[contactgegevens]"
NUMBER = "[nummer]"
ADDRESS = "[adres]"
DATE = "[datum]"
AGE = "[leeftijd]"
MASKS = (PERSON, ORGANISATION, CONTACT, NUMBER, ADDRESS, DATE, AGE)

_UPPER, _LOWER = "A-ZÀ-ÖØ-Ý", "a-zß-öø-ÿ"
_CAP = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_PARTICLE_WORDS = ("van", "de", "der", "den", "ter", "ten", "te", "het", "in 't", "op de", "el", "al", "da", "di", "le", "la")
_PARTICLE = rf"(?:{'|'.join(_PARTICLE_WORDS)})"
_PARTICLES = rf"(?:(?i:{_PARTICLE})\s+)"
_SURNAME = rf"(?:\s+{_PARTICLES}*{_CAP})"
_TITLES = (r"meneer|mevrouw|mevr\.|dhr\.|mw\.|wethouder|burgemeester|dokter|dr\.|huisarts|"
           r"directeur|bestuurder|collega|zuster|mr\.|ir\.|drs\.|buurman|buurvrouw")
# First names that are also ordinary Dutch words: masked only when capitalised.
_FIRST_NAME_WORDS = {"ben", "bas", "bo", "job", "rob", "roos", "iris", "max", "mees", "noor", "jade", "sil", "fem",
                     "mare", "ties", "loes", "harm", "isis", "rosa", "mark", "stan", "luc", "jack", "leo", "amy",
                     "lana", "dean", "dick", "pim", "puck", "sam", "jean", "mike", "nick", "eric", "guus"}
# Surnames that are also ordinary words: not masked at the start of a sentence ('Groen licht gegeven').
_SURNAME_WORDS = {"klein", "groot", "zwart", "groen", "bos", "post", "vos", "koning", "prins", "kok", "boer", "mol",
                  "brand", "hoek", "brink", "vis", "stam", "kroon", "roos", "boon", "blok", "baas", "pol", "vink",
                  "schaap", "knol", "vonk", "arts", "jager", "timmer", "keizer", "kool", "wit", "bakker", "visser",
                  "kramer", "koster", "schipper", "ruiter", "jonker", "smit", "maas", "bijl", "tromp", "schut"}
# Words that open or close the name of an organisation.
_ORGANISATION_WORDS = (r"Stichting|Zorggroep|Zorgcentrum|Zorgcentra|Thuiszorg|Ziekenhuis|Woonzorg|Woonstichting|"
                       r"Woningcorporatie|Wooncorporatie|Welzijn|Zorgverzekeraar|Verzekeraar|Huisartsenpraktijk|"
                       r"Huisartsenpost|Gezondheidscentrum|Verpleeghuis|Zorgboerderij|Buurtzorg|Vereniging|"
                       r"Coöperatie|Kliniek|GGD|GGZ|Jeugdzorg|Wijkteam|Buurtteam|Zorgkantoor|Gemeente")
_ORGANISATION = re.compile(
    rf"\b(?:{_ORGANISATION_WORDS})(?:\s+(?:{_PARTICLE}\s+)?(?:[{_UPPER}][\w'-]*|\d+))+"
    rf"|\b(?:[{_UPPER}][{_LOWER}]+\s+)+(?:Zorg|Welzijn|Wonen|Thuiszorg|Groep|Kliniek|Ziekenhuis)\b(?![{_LOWER}])")
_STREET = (r"straat|laan|weg|plein|gracht|kade|singel|steeg|dreef|hof|pad|dijk|markt|plantsoen|erf|wal|"
           r"boulevard|allee|park|oord|ring|baan")
_ADDRESS = re.compile(rf"\b(?:[{_UPPER}][{_LOWER}]+(?:{_STREET})|(?:[{_UPPER}][{_LOWER}]+\s)+(?:Weg|Laan|Straat|Plein))"
                      rf"(?:\s+\d+(?:\s?[a-zA-Z](?!\w))?(?:-\d+)?)?")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b(?:\s+\d+(?:\s?[a-zA-Z](?!\w))?)?")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+31[\s-]?(?:\(0\))?|0031[\s-]?|0)(?:\d[\s-]?){8}\d?(?!\d)|\b14\s?0\d{2,3}\b")
_DIGITS9 = re.compile(r"(?<![\d.,])(?:\d{3}[.\s]?\d{2}[.\s]?\d{2}[.\s]?\d{2}|\d{4}[.\s]?\d{2}[.\s]?\d{3}|\d{3}[.\s]\d{3}[.\s]\d{3})(?!\d|[.,]\d)")
_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
_DATE = re.compile(rf"\b\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)?\d{{2}}\b|\b\d{{1,2}}\s+(?i:{_MONTHS})\.?\s+(?:19|20)\d{{2}}\b")
_AGE = re.compile(r"\b\d{1,3}(?:\s*-?\s*jarige?n?\b|\s+jaar(?:\s+oud)?\b)|\b(?i:leeftijd van)\s+\d{1,3}\b")
_TITLE_NAME = re.compile(rf"\b((?i:{_TITLES}))\s+(?:{_CAP}\s+)?{_PARTICLES}*{_CAP}")
_INITIALS = re.compile(rf"\b(?:[{_UPPER}]\.\s?){{1,3}}{_PARTICLES}*{_CAP}")
_NOT_FIRST = ("Dat|Dit|Die|Deze|Het|Een|Voor|Met|Volgens|Bij|Door|Naar|Van|Om|Op|In|Uit|Over|Onder|Tussen|"
              "Zoals|Als|Want|Maar|En|Of|Ook|Toen|Nu|Daar|Hier|Dan|Wat|Wie|Waar|Hoe|Vanuit|Namens|Binnen|"
              "Buiten|Na|Sinds|Tot|Tijdens|Zonder|Vanaf|Via|Aan|Ze|We|Wij|Zij|Hij|Ik|Je|Jij|Zo|Toch|Alleen")
_NOT_LAST = "Wmo|Zvw|Wlz|Jeugdwet|Participatiewet|Gemeente|Zorgverzekeringswet|Wet|Raad|Stuurgroep"
_PARTICLE_NAME = re.compile(
    rf"\b(?!(?:{_NOT_FIRST})\b){_CAP}\s+(?:(?:van|de|der|den|ter|ten|te|el|al)\s+)+(?!(?:{_NOT_LAST})\b){_CAP}"
    rf"|\b(?:El|Al|Ben|Abou|Abu|Ait|Aït|Bin)[\s-]{_CAP}")
# A capitalised word right before a masked name is its first name ('Fatima [naam]'), also where no list knows it.
_BEFORE_PERSON = re.compile(rf"\b(?!(?:{_NOT_FIRST})\b)(?!(?i:{_TITLES})\b){_CAP}\s+(?=\[naam\])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;…]\s+|[\"'“‘(]\s*|\n\s*)$")
_WORD = re.compile(rf"[{_UPPER}][\w'’-]*")

# Capitalised words that name no person or organisation: the care system, its laws, calendar words.
ALLOWED = frozenset("""
Wmo Zvw Wlz Jeugdwet Participatiewet Zorgverzekeringswet Wet Nederland Nederlandse Rijk Kamer Tweede Eerste
BSN GGD GGZ SEH WMO ZVW WLZ AWBZ POH POH-GGZ CJG VVT ICT AVG DSV JZOJP RIVM CBS Vektis Nivel Vilans ZonMw VNG VWS
SCIROCCO Quintuple Aim Triple
Huisarts Huisartsen Cliëntenraad Wijkverpleging Wijkverpleegkundige Wijkverpleegkundigen Praktijkondersteuner
Praktijkondersteuners Mantelzorgsteunpunt Mantelzorger Mantelzorgers Dorpsraad Bewonersplatform Wijkteam Wijkteams
Buurtteam Sociaal Zorgverzekeraar Zorgkantoor Gemeente Gemeenten Stuurgroep Raad Ouderenzorg Jeugdzorg Thuiszorg
Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag Januari Februari Maart April Mei Juni Juli Augustus
September Oktober November December Kerst Pasen Corona COVID COVID-19
""".split()) | frozenset(MASKS)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """First names from the shipped list (see ``names/README.md`` for the source)."""
    return frozenset(_read_names("voornamen.csv"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Surnames from the shipped list, written as in a sentence ('de Jong', 'van den Berg')."""
    return frozenset(_read_names("achternamen.csv"))


def _read_names(file: str) -> list[str]:
    text = (resources.files("evaluatie.process") / "names" / file).read_text(encoding="utf-8")
    return [row[0].strip() for row in list(csv.reader(text.splitlines()))[1:] if row and row[0].strip()]


@lru_cache(maxsize=1)
def _name_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, frozenset[str]]:
    firsts = sorted(first_names(), key=len, reverse=True)
    lower = sorted({n.lower() for n in firsts if n.lower() not in _FIRST_NAME_WORDS and len(n) > 2}, key=len, reverse=True)
    cores = sorted({s.split()[-1] for s in surnames()}, key=len, reverse=True)
    lower_surname = rf"(?:\s+(?:{_PARTICLE}\s+)*(?:{'|'.join(map(re.escape, cores))}|{'|'.join(c.lower() for c in map(re.escape, cores))}))"
    capitalised = re.compile(rf"\b(?:{_CAP}-)?(?:{'|'.join(map(re.escape, firsts))})\b(?:-{_CAP})?{_SURNAME}?")
    lowered = re.compile(rf"\b(?:{'|'.join(map(re.escape, lower))})\b{lower_surname}?")
    surname = re.compile(rf"\b(?:{_PARTICLES}+)?(?:{'|'.join(map(re.escape, cores))})\b")
    return capitalised, lowered, surname, frozenset(cores)


def eleven_proof(digits: str) -> bool:
    """The BSN check: 9 digits whose weighted sum (9..2, and -1 for the last) is a multiple of 11."""
    numbers = [int(d) for d in digits]
    if len(numbers) != 9 or not any(numbers):
        return False
    return (sum(w * n for w, n in zip(range(9, 1, -1), numbers[:8])) - numbers[8]) % 11 == 0


def organisation_variants(names: Iterable[str]) -> list[str]:
    """Full names plus the short forms people say: 'Zorggroep De Linde' -> 'De Linde'.

    The short form is the name without its first word, used when it still has
    two words or one word of at least six letters ('Gemeente Veldhoven' ->
    'Veldhoven'); shorter single words ('Noord') are too common to mask.
    """
    variants = []
    for name in names:
        words = name.split()
        variants.append(name)
        rest = words[1:]
        if len(rest) >= 2 or (len(rest) == 1 and len(rest[0]) >= 6 and rest[0][0].isupper()):
            variants.append(" ".join(rest))
    return variants


def _pattern(names: Iterable[str]) -> re.Pattern | None:
    cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in cleaned) + r")(?!\w)", re.IGNORECASE)


def _at_sentence_start(text: str, position: int) -> bool:
    return bool(_SENTENCE_START.search(text[:position]))


def anonymise(
    text: str,
    organisations: Iterable[str] = (),
    show_organisation_names: bool = False,
    person_names: Iterable[str] = (),
) -> str:
    """Return ``text`` with persons, contact details, numbers, addresses and (unless allowed) the listed
    organisations masked; organisations that are not listed are always masked."""
    original = text
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = _EMAIL.sub(CONTACT, text)
    text = _DIGITS9.sub(lambda m: NUMBER if eleven_proof(re.sub(r"\D", "", m.group(0))) else m.group(0), text)
    text = _PHONE.sub(CONTACT, text)
    text = _POSTCODE.sub(ADDRESS, text)
    text = _DATE.sub(DATE, text)
    organisation_pattern = _pattern(organisation_variants(organisations))
    if organisation_pattern is not None:
        text = organisation_pattern.sub(keep if show_organisation_names else (lambda _: ORGANISATION), text)
    text = _ORGANISATION.sub(ORGANISATION, text)
    text = _ADDRESS.sub(ADDRESS, text)
    person_pattern = _pattern(person_names)
    if person_pattern is not None:
        text = person_pattern.sub(PERSON, text)
    capitalised, lowered, surname, cores = _name_patterns()
    text = _TITLE_NAME.sub(lambda m: f"{m.group(1)} {PERSON}", text)
    text = _INITIALS.sub(PERSON, text)
    text = capitalised.sub(PERSON, text)
    text = lowered.sub(PERSON, text)
    text = _PARTICLE_NAME.sub(PERSON, text)

    def surname_or_word(match: re.Match) -> str:
        word = match.group(0)
        if " " not in word and word.lower() in _SURNAME_WORDS and _at_sentence_start(text, match.start()):
            return word
        return PERSON

    text = surname.sub(surname_or_word, text)
    text = _BEFORE_PERSON.sub("", text)
    if text != original:
        text = _AGE.sub(AGE, text)
    text = re.sub(rf"{re.escape(PERSON)}(?:\s+{re.escape(PERSON)})+", PERSON, text)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)


def unexplained_names(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Capitalised words inside a sentence that no rule explained: a name the lists do not know?

    ``text`` is an anonymised quote; ``allowed`` adds words that may stand (the partners' names when
    they may be shown, the labels of the codebook).
    """
    extra = {w for phrase in allowed for w in re.findall(r"[\w'’-]+", phrase)}
    found = []
    for match in _WORD.finditer(text):
        word = match.group(0).strip("'’-")
        if word in ALLOWED or word.split("-")[0] in ALLOWED or word in extra or _at_sentence_start(text, match.start()):
            continue
        if match.start() > 0 and text[match.start() - 1] == "[":
            continue
        found.append(word)
    return list(dict.fromkeys(found))
