"""Remove names of persons, and of organisations unless allowed, from interview quotes.

Quotes go to steering groups and councils, so masking errs on the side of too
much: a surname-like pattern that is not a person is masked too. Rules, in
order: organisation names from the list and their short forms (kept only
when allowed), names given explicitly, a title followed by a name (the title
stays: 'wethouder [naam]'), a known first name with an optional surname, and
any capitalised word followed by a lower-case Dutch surname particle and
another capitalised word ('Kees de Groot'), unless the first word is a common
sentence opener ('Volgens de Wmo') or the last a term of the care system.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PERSON = "[naam]"
ORGANISATION = "[organisatie]"
CONTACT = "[contactgegevens]"

_PARTICLES = r"(?:(?i:van|de|der|den|ter|ten|te|het|in 't|op de|el|al|da|di|le|la)\s+)"
_CAP = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?"
_SURNAME = rf"(?:\s+{_PARTICLES}*{_CAP})"
_TITLES = (r"meneer|mevrouw|mevr\.|dhr\.|mw\.|wethouder|burgemeester|dokter|dr\.|huisarts|"
           r"directeur|bestuurder|collega|zuster|mr\.|ir\.|drs\.")

# Common first names in the Netherlands, old and new; extend via ``person_names``.
FIRST_NAMES = frozenset("""
Jan Piet Pieter Kees Klaas Henk Gerrit Willem Wim Johan Hans Peter Paul Marco Mark Martijn Bas Sander Tim Tom
Thomas Daan Bram Lucas Sem Ruud Rob Erik Frank Dirk Jeroen Joost Niels Maarten Stefan Arjen Ahmed Mohamed
Mohammed Mustafa Youssef Ali Hassan Omar Mehmet Emre Murat Anna Anne Annemarie Marieke Maria Marja Ingrid
Els Ellen Petra Monique Sandra Linda Karin Saskia Sanne Lisa Lotte Emma Sophie Julia Eva Fleur Femke Iris
Inge Mirjam Ria Truus Joke Fatima Khadija Aisha Samira Naima Yasmina Ayse Fatma Elif Priya Sunita Wendy
Esther Judith Hanneke Nicole Marloes Ilse Manon Tanja Kim Jolanda Bianca Astrid Gerda Henny Corrie
""".split())

_TITLE_NAME = re.compile(rf"\b((?i:{_TITLES}))\s+(?:{_CAP}\s+)?{_PARTICLES}*{_CAP}")
_FIRST_NAME = re.compile(rf"\b(?:{'|'.join(sorted(FIRST_NAMES))})\b(?:-{_CAP})?{_SURNAME}?")
# Words that start a sentence before 'de' or 'van' ('Volgens de Wmo'), and capitalised terms of the
# care system; neither makes a name.
_NOT_FIRST = ("Dat|Dit|Die|Deze|Het|Een|Voor|Met|Volgens|Bij|Door|Naar|Van|Om|Op|In|Uit|Over|Onder|Tussen|"
              "Zoals|Als|Want|Maar|En|Of|Ook|Toen|Nu|Daar|Hier|Dan|Wat|Wie|Waar|Hoe|Vanuit|Namens|Binnen|"
              "Buiten|Na|Sinds|Tot|Tijdens|Zonder|Vanaf|Via|Aan|Ze|We|Wij|Zij|Hij|Ik|Je|Jij|Zo|Toch|Alleen")
_NOT_LAST = "Wmo|Zvw|Wlz|Jeugdwet|Participatiewet|Gemeente|Zorgverzekeringswet|Wet|Raad|Stuurgroep"
_PARTICLE_NAME = re.compile(
    rf"\b(?!(?:{_NOT_FIRST})\b){_CAP}\s+(?:(?:van|de|der|den|ter|ten|te|el|al)\s+)+(?!(?:{_NOT_LAST})\b){_CAP}")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_PHONE = re.compile(r"\b0\d(?:[\s-]?\d){8}\b")


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


def anonymise(
    text: str,
    organisations: Iterable[str] = (),
    show_organisation_names: bool = False,
    person_names: Iterable[str] = (),
) -> str:
    """Return ``text`` with persons and (unless allowed) the listed organisations masked."""
    kept: list[str] = []
    organisation_pattern = _pattern(organisation_variants(organisations))
    if organisation_pattern is not None:
        if show_organisation_names:
            def keep(match: re.Match) -> str:
                kept.append(match.group(0))
                return f"\x00{len(kept) - 1}\x00"

            text = organisation_pattern.sub(keep, text)
        else:
            text = organisation_pattern.sub(ORGANISATION, text)
    text = _EMAIL.sub(CONTACT, text)
    text = _PHONE.sub(CONTACT, text)
    person_pattern = _pattern(person_names)
    if person_pattern is not None:
        text = person_pattern.sub(PERSON, text)
    text = _TITLE_NAME.sub(lambda m: f"{m.group(1)} {PERSON}", text)
    text = _FIRST_NAME.sub(PERSON, text)
    text = _PARTICLE_NAME.sub(PERSON, text)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
