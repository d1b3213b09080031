"""Dutch formats for everything a reader sees: numbers, changes, money, percentages, p-values, dates.

One module, on babel's Dutch locale (``1.234,5``, ``3 maart 2025``), at the bottom of the package so
that every layer writes numbers the same way. A change carries a real minus sign (U+2212) and a plus.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "nl_NL"
MINUS = "\u2212"
MISSING = "–"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float, decimals: int = 1) -> str:
    """1234.5 -> '1.234,5'; missing -> '–'."""
    if _missing(value):
        return MISSING
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(round(float(value), decimals) + 0.0, format=pattern, locale=LOCALE)
    return text.replace("-", MINUS)


def side_kept(value: float, decimals: int = 1) -> int:
    """Decimals to show a margin bound just beside zero with its side ('0,03', '−0,0004'), never a bare '0,0'
    that hides whether the margin excludes zero."""
    for more in range(decimals, 7):
        if not math.isfinite(value) or round(value, more) != 0:
            return more
    return decimals  # zero for every purpose


def bound(value: float, decimals: int = 1) -> str:
    """A margin bound: '0,03', '−1,2', '+0,0004' when ``signed``; extra decimals keep it off zero."""
    return number(value, side_kept(value, decimals))


def signed(value: float, decimals: int = 1) -> str:
    """A change with its sign: '+1,5' or '−2,0'; zero after rounding has no sign."""
    if _missing(value):
        return MISSING
    if round(value, decimals) == 0:
        return number(0.0, decimals)
    return ("+" if value > 0 else MINUS) + number(abs(value), decimals)


EURO = "€\u00a0"
"""The euro sign with a non-breaking space: an amount never starts a line without its sign."""
JOINER = "\u2060"
"""Between a sign and the euro sign: a line never breaks after '−' and leaves '€ 87' to read as positive."""


def euro(value: float, decimals: int = 0) -> str:
    """'€ 1.234'; a negative amount '−€ 1.234'."""
    if _missing(value):
        return MISSING
    return (MINUS + JOINER if value < 0 and round(value, decimals) != 0 else "") + EURO + number(abs(value), decimals)


def percent(value: float, decimals: int = 1) -> str:
    """12.5 (already in percent) -> '12,5%'."""
    if _missing(value):
        return MISSING
    return number(value, decimals) + "%"


P_THRESHOLDS = (0.01, 0.05, 0.10)
"""The levels the reports compare p-values with; a shown p-value never crosses one by rounding."""


def p_value(value: float) -> str:
    """'0,037'; below 0.001 '< 0,001'; '0,0996' rather than '0,100' beside a threshold of 0,10."""
    if _missing(value):
        return MISSING
    if value < 0.001:
        return "< 0,001"
    decimals = next((d for d in range(3, 7)
                     if all((round(value, d) < t) == (value < t) for t in P_THRESHOLDS)), 6)
    return number(value, decimals)


def euro_amount(value: float) -> str:
    """Large amounts rounded as a reader says them: '€ 3,9 mln', '−€ 12.300', '€ 850'."""
    if _missing(value):
        return MISSING
    sign = MINUS + JOINER if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        return f"{sign}{EURO}{number(size / 1e6, 1)} mln"
    if size >= 1e4:
        return f"{sign}{EURO}{number(round(size, -2), 0)}"
    return f"{sign}{EURO}{number(size, 0)}"


def dutch_date(moment: date | datetime) -> str:
    """3 maart 2025."""
    return format_date(moment, format="long", locale=LOCALE)


QUARTER_MONTHS = ("januari", "april", "juli", "oktober")


def period_text(period) -> str:
    """2019Q3 -> 'juli 2019 (3e kwartaal)'; 2018 -> '2018'."""
    text = str(period)
    if "Q" not in text:
        return text
    year, quarter = text.split("Q")
    return f"{QUARTER_MONTHS[int(quarter) - 1]} {year} ({quarter}e kwartaal)"


def join_words(words) -> str:
    """'a', 'a en b', 'a, b en c' (each item once, in order)."""
    items = list(dict.fromkeys(words))
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text for the terminal: control characters (escape sequences, bidi overrides) shown as \\uXXXX.

    Names and values come from files anyone may have written; printed raw, an escape sequence could
    recolour or rewrite the terminal. Line breaks and tabs stay.
    """
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
