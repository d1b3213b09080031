"""Dutch formats: one module, on babel, used by every layer."""

from __future__ import annotations

import math
from datetime import date

from evaluatie.formats import dutch_date, euro, euro_amount, join_words, number, p_value, percent, period_text, signed


def test_numbers_use_dutch_separators_and_a_real_minus():
    assert number(1234.5) == "1.234,5"
    assert number(-1234567.891, 2) == "\u22121.234.567,89"
    assert number(2.0, 0) == "2" and number(-0.04, 1) == "0,0"
    assert number(math.nan) == "–" and number(None) == "–"


def test_changes_carry_their_sign():
    assert signed(-2.0) == "\u22122,0" and signed(1.5) == "+1,5" and signed(0.0) == "0,0"
    assert signed(-0.04) == "0,0"


def test_money_percentages_and_p_values():
    assert euro(1234) == "€\u00a01.234" and euro(-1234) == "\u2212\u2060€\u00a01.234"
    assert euro_amount(3_900_000) == "€\u00a03,9 mln" and euro_amount(-12_345) == "\u2212\u2060€\u00a012.300"
    assert euro_amount(850) == "€\u00a0850"
    assert percent(12.5) == "12,5%"
    assert p_value(0.0004) == "< 0,001" and p_value(0.0312) == "0,031"
    # rounding never moves a p-value across a level the report compares it with (0,0996 is not 0,100)
    assert p_value(0.0996) == "0,0996" and p_value(0.0499) == "0,0499" and p_value(0.1) == "0,100"


def test_dates_and_periods():
    assert dutch_date(date(2025, 3, 3)) == "3 maart 2025"
    assert dutch_date(date(2024, 12, 31)) == "31 december 2024"
    assert period_text("2019Q3") == "juli 2019 (3e kwartaal)" and period_text(2018) == "2018"


def test_joined_words():
    assert join_words(["a"]) == "a" and join_words(["a", "b"]) == "a en b"
    assert join_words(["a", "b", "a", "c"]) == "a, b en c" and join_words([]) == ""


def test_printable_shows_control_characters_instead_of_running_them():
    from evaluatie.formats import printable

    assert printable("rood \x1b[31mtekst\x1b[0m\u202e") == "rood \\u001b[31mtekst\\u001b[0m\\u202e"
    assert printable("regel\n\tmet tab") == "regel\n\tmet tab"
