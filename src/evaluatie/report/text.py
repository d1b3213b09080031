"""Plain-language Dutch sentences generated from results, with honest wording of uncertainty."""

from __future__ import annotations

import math

from evaluatie.outcome import EffectResult
from evaluatie.params import Indicator
from evaluatie.report.formats import number, signed


def effect_sentence(indicator: Indicator, result: EffectResult | None, relative: float | None) -> str:
    """One sentence that never claims an effect whose interval includes zero."""
    if result is None or not all(math.isfinite(v) for v in (result.estimate, result.ci_low, result.ci_high)):
        return "Te weinig gegevens om iets te zeggen."
    interval = f"{signed(result.ci_low)} tot {signed(result.ci_high)}"
    size = f"{number(abs(result.estimate))}"
    share = f" ({number(abs(relative))}%)" if relative is not None and math.isfinite(relative) else ""
    if result.ci_low > 0:
        return f"Waarschijnlijk gestegen door het initiatief, met ongeveer {size}{share}; onzekerheidsmarge {interval}."
    if result.ci_high < 0:
        return f"Waarschijnlijk gedaald door het initiatief, met ongeveer {size}{share}; onzekerheidsmarge {interval}."
    return f"Geen aantoonbaar verschil: het effect ligt ergens tussen {interval}."
