"""The six perspectives from which partners look at an initiative (respondent groups)."""

from __future__ import annotations

PERSPECTIVES: dict[str, str] = {
    "hulpvrager": "Hulpvragers",
    "zorgaanbieder": "Zorg- en welzijnsaanbieders",
    "professional": "Professionals",
    "bestuurder": "Bestuurders en managers",
    "beleidsmaker": "Beleidsmakers en financiers",
    "gemeenschap": "Gemeenschap",
}

# Spellings that survey exports use for the same groups; matched case-insensitively.
_ALIASES: dict[str, str] = {
    "cliënt": "hulpvrager",
    "client": "hulpvrager",
    "help-seeker": "hulpvrager",
    "aanbieder": "zorgaanbieder",
    "provider": "zorgaanbieder",
    "providers": "zorgaanbieder",
    "professionals": "professional",
    "manager": "bestuurder",
    "managers": "bestuurder",
    "board": "bestuurder",
    "policymaker": "beleidsmaker",
    "beleidsmedewerker": "beleidsmaker",
    "community": "gemeenschap",
}


def perspective_id(value: object) -> str | None:
    """Map an id, Dutch label or common alias to a perspective id; None if unknown."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in PERSPECTIVES:
        return text
    for key, label in PERSPECTIVES.items():
        if text == label.lower():
            return key
    return _ALIASES.get(text)


def perspective_label(perspective: str) -> str:
    """Dutch display label; unknown values are shown as they are."""
    return PERSPECTIVES.get(perspective, perspective)
