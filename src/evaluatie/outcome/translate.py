"""Translate an effect for a steering group: absolute, relative, per 1,000 inhabitants, in euros, by payer.

Savings often land with another payer than the one who invests ("wrong pocket", DOMAIN.md section 1), so the
euro effect is split by payer (Zvw, Wlz, Wmo, Jeugdwet) and, given a shared-savings agreement, settled
between payers afterwards (verevening, as in the Ede arrangement).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

@dataclass(frozen=True)
class Translation:
    """The effect in the units a steering group uses, each with the interval of the estimate."""

    table: pd.DataFrame  # measure, estimate, ci_low, ci_high, unit
    warnings: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def _interval(result) -> tuple[float, float, float]:
    return float(result.estimate), float(result.ci_low), float(result.ci_high)


def translate_effect(
    result,
    observed_level: float,
    population: float,
    rate_per: float = 1.0,
    euros_per_unit: float | None = None,
    years: float = 1.0,
    unit_label: str = "",
) -> Translation:
    """Express an effect per period (year) per unit of outcome in steering-group terms.

    ``observed_level``: mean outcome of the treated units after the start, so the counterfactual level is
    observed_level - effect. ``rate_per``: the outcome is per this many inhabitants (1 = per inhabitant,
    1000 = per 1,000; 0 = the outcome is already a total for the area). ``population``: inhabitants of the
    treated area. ``euros_per_unit``: euros per unit of outcome (1 for a cost outcome in euros; the price of
    one admission for a count). ``years``: length of the post period, for the cumulative amount.
    """
    est, lo, hi = _interval(result)
    if population <= 0:
        raise ValueError(f"Het inwonertal moet groter dan 0 zijn, niet {population}.")
    counterfactual = observed_level - est
    warnings: list[str] = []
    rows = [("absoluut effect", est, lo, hi, unit_label)]
    if counterfactual != 0 and np.sign(counterfactual) == np.sign(observed_level):
        # Relative to the level without the initiative; the interval moves with the counterfactual.
        rel = [100 * e / (observed_level - e) for e in (est, lo, hi)]
        rows.append(("relatief t.o.v. situatie zonder aanpak", rel[0], min(rel[1:]), max(rel[1:]), "%"))
    else:
        warnings.append("Het niveau zonder aanpak is nul of van teken gewisseld; een percentage is niet zinvol.")
    totals = [e * (population / rate_per if rate_per else 1.0) for e in (est, lo, hi)]
    per_1000 = [t / population * 1000 for t in totals]
    rows.append(("per 1.000 inwoners per jaar", *per_1000, "per 1.000 inwoners"))
    rows.append(("totaal in het gebied per jaar", *totals, "totaal"))
    if euros_per_unit is not None:
        euros = [t * euros_per_unit for t in totals]
        rows.append(("euro per jaar", *euros, "EUR"))
        rows.append((f"euro cumulatief over {years:g} jaar", *[e * years for e in euros], "EUR"))
    if getattr(result, "label", "effect") == "budgeteffect":
        warnings.append("Dit is een budgeteffect van de financieringsafspraak, geen besparing door de samenwerking.")
    if lo <= 0 <= hi:
        warnings.append("Het interval bevat nul: een besparing of kostenstijging is niet aangetoond.")
    table = pd.DataFrame(rows, columns=["measure", "estimate", "ci_low", "ci_high", "unit"])
    return Translation(table=table, warnings=tuple(warnings))


def who_pays_who_saves(
    effects_by_payer: Mapping[str, object],
    population: float,
    rate_per: float = 1.0,
    years: float = 1.0,
    investment_by_payer: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per payer: the euro effect per year and cumulatively (cost outcomes in euros), minus its investment.

    ``effects_by_payer`` maps a payer (Zvw, Wlz, Wmo, Jeugdwet, ...) to the result for its cost outcome in
    euros per ``rate_per`` inhabitants per year; negative effects are savings.
    """
    investment_by_payer = dict(investment_by_payer or {})
    unknown = set(investment_by_payer) - set(effects_by_payer)
    if unknown:
        raise ValueError(f"Investering opgegeven voor financier(s) zonder effect: {sorted(unknown)}.")
    scale = population / rate_per if rate_per else 1.0
    rows = []
    for payer, res in effects_by_payer.items():
        est, lo, hi = _interval(res)
        saving = [-e * scale for e in (est, hi, lo)]  # saving = minus the cost effect; interval flips
        invest = float(investment_by_payer.get(payer, 0.0))
        if saving[1] > 0:
            status = "bespaart"
        elif saving[2] < 0:
            status = "betaalt meer"
        else:
            status = "onzeker"
        rows.append({
            "payer": payer, "saving_per_year": saving[0], "saving_ci_low": saving[1], "saving_ci_high": saving[2],
            "saving_cumulative": saving[0] * years, "investment_cumulative": invest,
            "net_cumulative": saving[0] * years - invest, "status": status,
        })
    return pd.DataFrame(rows)


def settle_shared_savings(
    payers: pd.DataFrame,
    agreed_shares: Mapping[str, float],
    only_if_shown: bool = True,
) -> pd.DataFrame:
    """Settlement between payers under a shared-savings agreement (verevening afterwards, as in Ede).

    ``payers`` is the output of ``who_pays_who_saves``. The total net result (savings minus investments) is
    divided by ``agreed_shares`` (summing to 1); each payer's transfer is its agreed part minus what it
    already has: positive = receives, negative = pays. With ``only_if_shown``, savings whose interval contains
    zero count as zero, so no money moves on an effect that was not shown.
    """
    shares = pd.Series(agreed_shares, dtype=float)
    if not np.isclose(shares.sum(), 1.0):
        raise ValueError(f"De afgesproken verdeling moet optellen tot 1 (100%), niet {shares.sum():.3f}.")
    missing = set(payers["payer"]) - set(shares.index)
    if missing:
        raise ValueError(f"Geen afgesproken aandeel voor financier(s): {sorted(missing)}.")
    out = payers[["payer", "saving_cumulative", "investment_cumulative", "status"]].copy()
    if only_if_shown:
        out["saving_cumulative"] = out["saving_cumulative"].where(out["status"] != "onzeker", 0.0)
    out["net_before"] = out["saving_cumulative"] - out["investment_cumulative"]
    total = out["net_before"].sum()
    out["agreed_share"] = out["payer"].map(shares)
    out["net_after"] = out["agreed_share"] * total
    out["transfer"] = out["net_after"] - out["net_before"]
    return out[["payer", "status", "saving_cumulative", "investment_cumulative", "net_before", "agreed_share",
                "net_after", "transfer"]]
