"""Input checks shared by the estimators: fail loudly on bad input, warn in Dutch where an estimate is possible."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def require_columns(df: pd.DataFrame, columns: dict[str, str]) -> None:
    """Raise naming each missing column and the role it was expected to play."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"Verwacht een pandas DataFrame, kreeg {type(df).__name__}.")
    missing = [f"'{c}' ({role})" for c, role in columns.items() if c not in df.columns]
    if missing:
        raise ValueError(
            "Kolom ontbreekt in de data: " + ", ".join(missing) + f". Beschikbare kolommen: {list(df.columns)}."
        )


def require_numeric(df: pd.DataFrame, column: str, role: str) -> None:
    if not (pd.api.types.is_numeric_dtype(df[column]) or pd.api.types.is_bool_dtype(df[column])):
        raise ValueError(
            f"Kolom '{column}' ({role}) moet numeriek zijn, maar heeft type {df[column].dtype}. "
            "Zet tekst zoals '1.234,5' of '.' (onderdrukt) eerst om naar getallen of lege waarden."
        )


def require_binary(df: pd.DataFrame, column: str, role: str) -> None:
    require_numeric(df, column, role)
    values = pd.unique(df[column].dropna())
    if not set(np.asarray(values, dtype=float)).issubset({0.0, 1.0}):
        raise ValueError(f"Kolom '{column}' ({role}) mag alleen 0 en 1 bevatten; gevonden: {sorted(values)[:10]}.")
    if df[column].isna().any():
        raise ValueError(f"Kolom '{column}' ({role}) heeft lege waarden; vul 0 of 1 in voor elke rij.")


def check_no_duplicates(df: pd.DataFrame, unit: str, time: str) -> tuple[np.ndarray, np.ndarray]:
    """Raise on repeated unit x period rows; return sorted integer codes of unit and period for reuse."""
    u_codes, u_levels = pd.factorize(df[unit], sort=True)
    t_codes, t_levels = pd.factorize(df[time], sort=True)
    key = u_codes.astype(np.int64) * (len(t_levels) + 1) + t_codes
    if np.bincount(key).max(initial=0) > 1:
        dup = pd.Series(key).duplicated(keep=False).to_numpy()
        example = df.loc[dup, [unit, time]].iloc[0]
        raise ValueError(
            f"Dubbele rijen voor eenheid x periode in kolommen '{unit}' en '{time}' "
            f"({int(dup.sum())} rijen), bijvoorbeeld {unit}={example[unit]!r}, {time}={example[time]!r}. "
            "Verwacht precies één rij per eenheid per periode."
        )
    return u_codes, t_codes


def drop_missing_outcome(
    df: pd.DataFrame, outcome: str, other: Sequence[str], warnings: list[str]
) -> pd.DataFrame:
    """Drop rows with a missing outcome or covariate, with a Dutch warning; refuse when nothing is left."""
    require_numeric(df, outcome, "uitkomstmaat")
    if df[outcome].notna().sum() == 0:
        raise ValueError(f"Kolom '{outcome}' (uitkomstmaat) is helemaal leeg: er is niets te schatten.")
    cols = [outcome, *other]
    keep = df[cols].notna().all(axis=1)
    n_drop = int((~keep).sum())
    if not n_drop:
        return df
    warnings.append(
        f"{n_drop} van de {len(df)} rijen ({n_drop / len(df):.0%}) zijn weggelaten omdat de uitkomst of een "
        "achtergrondkenmerk ontbreekt."
    )
    return df.loc[keep]


def prepare_covariates(df: pd.DataFrame, covariates: Sequence[str] | None) -> list[str]:
    covs = list(covariates or [])
    require_columns(df, {c: "achtergrondkenmerk" for c in covs})
    for c in covs:
        require_numeric(df, c, "achtergrondkenmerk")
    return covs


def check_weights(df: pd.DataFrame, weights: str | None) -> None:
    if weights is None:
        return
    require_columns(df, {weights: "gewicht (bijv. inwonertal)"})
    require_numeric(df, weights, "gewicht")
    w = df[weights]
    if w.isna().any() or (w <= 0).any():
        raise ValueError(f"Kolom '{weights}' (gewicht) moet overal groter dan 0 zijn en mag niet leeg zijn.")
