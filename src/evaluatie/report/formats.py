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
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + number(abs(value), decimals)


def euro(value: float, decimals: int = 0) -> str:
    return "€ " + number(value, decimals)


def percent(value: float, decimals: int = 1) -> str:
    return number(value, decimals) + "%"


def p_value(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return "< 0,001" if value < 0.001 else number(value, 3)
