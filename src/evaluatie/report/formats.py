"""Dutch number, money and percentage formats (1.234,5; € 1.234; 12,5%)."""

from __future__ import annotations

import math


def number(value: float, decimals: int = 1) -> str:
    """1234.5 -> '1.234,5'; missing -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def signed(value: float, decimals: int = 1) -> str:
    """A change with its sign: '+1,5' or '−2,0' (a real minus sign)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if round(value, decimals) == 0:
        return number(0.0, decimals)
    sign = "+" if value > 0 else "−"
    return sign + number(abs(value), decimals)


def euro(value: float, decimals: int = 0) -> str:
    return "€ " + number(value, decimals)


def percent(value: float, decimals: int = 1) -> str:
    return number(value, decimals) + "%"


def p_value(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return "< 0,001" if value < 0.001 else number(value, 3)


def euro_amount(value: float) -> str:
    """Large amounts rounded as a reader says them: '€ 3,9 mln', '−€ 12.300', '€ 850'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "−" if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        return f"{sign}€ {number(size / 1e6, 1)} mln"
    if size >= 1e4:
        return f"{sign}€ {number(round(size, -2), 0)}"
    return f"{sign}€ {number(size, 0)}"
