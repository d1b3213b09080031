"""Geography: region codes, municipality names across spellings, and municipal mergers.

Sources name the same municipality differently (Vektis ``S GRAVENHAGE`` and ``BERGEN NH``, CBS
``'s-Gravenhage`` and ``Bergen (NH.)``) and the set of municipalities changes almost every year.
Names are matched against a reference table the user supplies (code, name, year), never against
a list built into the package, so that it stays current; a panel is mapped to one boundary year
by summing counts and denominators over a mergers table.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from evaluatie.data.panel import DataError
from evaluatie.data.tables import ROW, TextOptions, parse_numbers, read_any, require_columns

LEVELS = {"GM": "gemeente", "WK": "wijk", "BU": "buurt", "PV": "provincie", "NL": "land"}
_CODE = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8}|PV\d{2}|NL\d{2})$")


def region_code(text: object) -> str | None:
    """A StatLine region code without its padding (``'GM0363    '`` -> ``'GM0363'``); None if it is none."""
    code = str(text).strip().upper()
    return code if _CODE.match(code) else None


def municipality_code(text: object) -> str | None:
    """``GM0363``, ``0363`` or ``363`` as ``GM0363``; None for anything else."""
    code = str(text).strip().upper()
    if code.endswith(".0"):  # a spreadsheet that stored the code as a number
        code = code[:-2]
    if code.isdigit() and len(code) <= 4:
        return f"GM{int(code):04d}"
    return code if re.fullmatch(r"GM\d{4}", code) else None


def normalise_name(name: str) -> str:
    """The comparable form of a municipality name: upper case, no accents, apostrophes or punctuation.

    ``'s-Gravenhage`` and ``S GRAVENHAGE`` both become ``S GRAVENHAGE``; ``Bergen (NH.)`` becomes
    ``BERGEN NH``; ``Súdwest-Fryslân`` becomes ``SUDWEST FRYSLAN``; StatLine's ``Utrecht (gemeente)``
    (named so beside the province) becomes ``UTRECHT``.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper().replace("'", "").replace("’", "")
    words = re.sub(r"[^A-Z0-9]+", " ", text).split()
    return " ".join(words[:-1] if len(words) > 1 and words[-1] == "GEMEENTE" else words)


def read_municipalities(path: Path, display: str, options: TextOptions = TextOptions(sep=None)) -> pd.DataFrame:
    """The user's municipality reference table: columns ``code``, ``name``, ``year``.

    One row per municipality per year in which it existed (as CBS publishes the
    'Gemeentelijke indelingen per jaar'); optional ``region`` and ``region_name`` columns
    place municipalities in the evaluator's regions for the units table.
    """
    frame = read_any(path, display, options)
    require_columns(frame, display, ["code", "name", "year"])
    codes = frame["code"].map(municipality_code)
    if codes.isna().any():
        i = codes.isna().idxmax()
        raise DataError(f"{display}: row {frame.loc[i, ROW]}, column code: {frame.loc[i, 'code']!r} is not a "
                        f"municipality code; expected GM0363 or 0363")
    years, missing = parse_numbers(frame, "year", display, options)
    if missing.any():
        raise DataError(f"{display}: row {frame.loc[missing.idxmax(), ROW]}, column year: empty; expected a year")
    reference = pd.DataFrame({"code": codes, "name": frame["name"].astype(str).str.strip(),
                              "year": years.astype(int)})
    for column in ("region", "region_name"):
        if column in frame.columns:
            reference[column] = frame[column].astype(str).str.strip()
    twice = reference.duplicated(["code", "year"])
    if twice.any():
        i = twice.idxmax()
        raise DataError(f"{display}: row {frame.loc[i, ROW]}: code {reference.loc[i, 'code']} appears twice for "
                        f"year {reference.loc[i, 'year']}")
    return reference


def match_municipalities(
    names: Iterable[str],
    reference: pd.DataFrame,
    year: int | None,
    display: str,
    aliases: dict[str, str] | None = None,
) -> dict[str, str]:
    """Map municipality names (any spelling) to codes, using the reference rows of ``year``.

    ``aliases`` maps a name as the source writes it to a code, for spellings no rule can
    bridge (``DEN HAAG``). Raises one :class:`DataError` that lists every name without a
    match, each with its three closest reference names, so that one run shows all problems.
    """
    rows = reference if year is None or not (reference.year == year).any() else reference[reference.year == year]
    by_name: dict[str, set[str]] = {}
    for code, name in zip(rows.code, rows.name):
        by_name.setdefault(normalise_name(name), set()).add(code)
    spelled = {normalise_name(n): n for n in rows.name}
    alias_codes = {normalise_name(k): v for k, v in (aliases or {}).items()}
    matched, problems = {}, []
    for name in dict.fromkeys(names):
        key = normalise_name(name)
        if key in alias_codes:
            matched[name] = alias_codes[key]
        elif len(by_name.get(key, ())) == 1:
            matched[name] = next(iter(by_name[key]))
        elif key in by_name:
            problems.append(f"  {name!r}: more than one municipality of that name ({', '.join(sorted(by_name[key]))}); "
                            f"add an alias")
        else:
            close = difflib.get_close_matches(key, list(spelled), n=3, cutoff=0.5)
            hint = ", ".join(f"{spelled[c]!r} ({', '.join(sorted(by_name[c]))})" for c in close) or "none close"
            problems.append(f"  {name!r}: closest: {hint}")
    if problems:
        which = f"the reference table for {year}" if year is not None else "the reference table"
        raise DataError(f"{display}: {len(problems)} municipality name(s) not found in {which}; add them to the "
                        f"reference table or as aliases:\n" + "\n".join(problems))
    return matched


def read_mergers(path: Path, display: str, options: TextOptions = TextOptions(sep=None)) -> pd.DataFrame:
    """Mergers table: ``old_code``, ``new_code``, ``year`` (the merger took effect on 1 January of year)."""
    frame = read_any(path, display, options)
    require_columns(frame, display, ["old_code", "new_code", "year"])
    out = {}
    for column in ("old_code", "new_code"):
        out[column] = frame[column].map(municipality_code)
        if out[column].isna().any():
            i = out[column].isna().idxmax()
            raise DataError(f"{display}: row {frame.loc[i, ROW]}, column {column}: {frame.loc[i, column]!r} is not a "
                            f"municipality code")
    years, missing = parse_numbers(frame, "year", display, options)
    if missing.any():
        raise DataError(f"{display}: row {frame.loc[missing.idxmax(), ROW]}, column year: empty; expected a year")
    return pd.DataFrame({"old_code": out["old_code"], "new_code": out["new_code"], "year": years.astype(int)})


class _Boundaries:
    """When each code began and ended, and where each code goes by a boundary year.

    A merger table often lists only the municipalities that disappear, so a new code with data
    (``first_year``) before its merger is the code of the municipality that took the others in
    (Groningen in 2019), not a new one.
    """

    def __init__(self, mergers: pd.DataFrame, year: int, first_year: dict[str, int]):
        continuing = set(zip(mergers.old_code, mergers.year))  # includes rows that list old = new
        mergers = mergers[mergers.old_code != mergers.new_code]
        self.ended = mergers.groupby("old_code").year.min().to_dict()
        created = mergers[[(n, y) not in continuing for n, y in zip(mergers.new_code, mergers.year)]]
        self.began = {code: began for code, began in created.groupby("new_code").year.min().items()
                      if first_year.get(code, began) >= began}
        effective = mergers[mergers.year <= year]
        targets = effective.groupby("old_code").new_code.unique()
        splits = {old: sorted(new) for old, new in targets.items() if len(new) > 1}
        if splits:
            listed = "; ".join(f"{old} -> {', '.join(new)}" for old, new in splits.items())
            raise DataError(f"mergers table: municipality split over several new municipalities ({listed}); "
                            f"a split needs population shares and cannot be harmonised by summing")
        self.step = {old: new[0] for old, new in targets.items()}
        self.later = mergers[mergers.year > year]

    def target(self, code: str) -> str:
        seen = {code}
        while code in self.step:
            code = self.step[code]
            if code in seen:
                raise DataError(f"mergers table: the codes {', '.join(sorted(seen))} merge into each other "
                                f"in a circle")
            seen.add(code)
        return code

    def existed(self, code: str, year: int) -> bool:
        return self.began.get(code, -np.inf) <= year < self.ended.get(code, np.inf)


def harmonise_municipalities(panel: pd.DataFrame, mergers: pd.DataFrame | str | Path, year: int) -> pd.DataFrame:
    """The panel on the municipal boundaries of ``year``: merged municipalities summed.

    For each new municipality, numerators (value x denominator) and denominators of the
    municipalities that merged into it are summed and the rate recomputed from the sums, which
    is the rate of the merged population (a plain mean of rates would weight a village like a
    city). A period in which one of the merging municipalities has no value gives no value
    (``suppressed`` is set when the gap is a suppressed cell), because a partial sum would look
    like a fall. An indicator whose source already uses the new municipality for every year
    (none of the merged codes occurs) passes through, as do units not involved in a merger.
    Data of a municipality after it merged into a later one cannot be split back and raise an
    error. ``mergers`` is the table of :func:`read_mergers` or its file.
    """
    if isinstance(mergers, (str, Path)):
        mergers = read_mergers(Path(mergers), Path(mergers).name)
    frame = panel.copy()
    frame["year"] = frame.period.str[:4].astype(int)
    boundaries = _Boundaries(mergers, year, frame.groupby("unit_id").year.min().to_dict())
    for _, merger in boundaries.later.iterrows():
        after = frame[(frame.unit_id == merger.new_code) & (frame.year >= merger.year)]
        if not after.empty:
            raise DataError(f"harmonising to {year}: {merger.new_code} has data from {merger.year} on, when "
                            f"{merger.old_code} had merged into it; it cannot be split back to the boundaries of "
                            f"{year}; choose a boundary year of {merger.year} or later")
    frame["target"] = frame.unit_id.map(boundaries.target)
    if "suppressed" not in frame.columns:
        frame["suppressed"] = False
    moved = frame.target != frame.unit_id
    affected = set(frame.loc[moved, "target"])
    keep = frame[~frame.target.isin(affected)].drop(columns=["year", "target"])
    merged = frame[frame.target.isin(affected)]
    members = {}
    for code in set(merged.unit_id) | set(boundaries.step) | affected:
        members.setdefault(boundaries.target(code), set()).add(code)
    codes_of = merged.groupby("indicator").unit_id.agg(set).to_dict()
    rows = []
    for (target, period, indicator), group in merged.groupby(["target", "period", "indicator"], sort=True):
        if not (members[target] - {target}) & codes_of[indicator]:
            expected = {target}  # this source already gives the merged municipality for all years
        else:
            expected = {c for c in members[target] if boundaries.existed(c, int(period[:4]))}
        present = group[group.value.notna()]
        complete = expected <= set(present.unit_id)
        if complete and len(group) > 1 and present.denominator.isna().any():
            lacking = ", ".join(present.loc[present.denominator.isna(), "unit_id"])
            raise DataError(f"harmonising to {year}: {indicator} {period}: {lacking} has no denominator; merging "
                            f"into {target} needs the denominators of all merging municipalities")
        row = {"unit_id": target, "period": period, "indicator": indicator,
               "suppressed": bool(group.suppressed.any()) and not complete}
        if complete and len(group) == 1:
            row["value"], row["denominator"] = group.value.iloc[0], group.denominator.iloc[0]
        elif complete:
            denominator = present.denominator.sum()
            row["value"] = (present.value * present.denominator).sum() / denominator
            row["denominator"] = denominator
        else:
            row["value"], row["denominator"] = np.nan, np.nan
        if "count" in group.columns:
            row["count"] = group["count"].sum(min_count=1) if complete else np.nan
        rows.append(row)
    result = pd.concat([keep, pd.DataFrame(rows, columns=list(keep.columns))], ignore_index=True)
    result = result.drop(columns=[ROW], errors="ignore")
    return result.sort_values(["unit_id", "period", "indicator"]).reset_index(drop=True)
