"""Geography: region codes and levels, municipality names across spellings, and municipal mergers.

Sources name the same municipality differently (Vektis ``S GRAVENHAGE``, ``BERGEN LB`` and
``NUENEN CA``, CBS ``'s-Gravenhage``, ``Bergen (L.)`` and ``Nuenen, Gerwen en Nederwetten``) and the
set of municipalities changes almost every year. Names are matched against the municipalities of
2010-2025 shipped with the package (:mod:`evaluatie.data.municipalities`) together with the user's
reference table when there is one; a panel is put on one boundary year by summing counts and
denominators over a mergers table, by default the shipped one.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from evaluatie.data import municipalities as shipped
from evaluatie.data.panel import DataError
from evaluatie.data.tables import ROW, TOTAL, SourceNote, TextOptions, add_note, parse_numbers, read_any, require_columns
from evaluatie.formats import number

LEVELS = {"GM": "gemeente", "WK": "wijk", "BU": "buurt", "PV": "provincie", "CR": "corop", "LD": "landsdeel",
          "NL": "land"}
PREFIXES = {level: prefix for prefix, level in LEVELS.items()}
_CODE = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8}|PV\d{2}|CR\d{2}|LD\d{2}|NL\d{2})$")
# Rows CBS adds to some tables for what lies in no region ("niet in te delen", "buitenland").
NO_REGION = frozenset({"GM0998", "GM0999", "PV99", "LD99", "CR99"})


def region_code(text: object) -> str | None:
    """A StatLine region code without its padding (``'GM0363    '`` -> ``'GM0363'``); None if it is none."""
    code = str(text).strip().upper()
    return code if _CODE.match(code) else None


def level_of(code: str) -> str:
    return LEVELS[code[:2]]


def municipality_code(text: object) -> str | None:
    """``GM0363``, ``0363`` or ``363`` as ``GM0363``; None for anything else."""
    code = str(text).strip().upper()
    if code.endswith(".0"):  # a spreadsheet that stored the code as a number
        code = code[:-2]
    if code.isdigit() and len(code) <= 4:
        return f"GM{int(code):04d}"
    return code if re.fullmatch(r"GM\d{4}", code) else None


# How sources mark which of two same-named municipalities they mean: Bergen (L.) is BERGEN LB at Vektis.
_QUALIFIERS = {"L": "L", "LB": "L", "LI": "L", "NH": "NH", "ZH": "ZH", "O": "O", "OV": "O", "Z": "Z", "ZL": "Z"}


def normalise_name(name: str) -> str:
    """The comparable form of a municipality name: upper case, no accents, apostrophes or punctuation.

    ``'s-Gravenhage`` and ``S GRAVENHAGE`` both become ``S GRAVENHAGE``; ``Bergen (NH.)`` becomes
    ``BERGEN NH`` and Vektis' ``BERGEN LB`` becomes ``BERGEN L`` like ``Bergen (L.)``;
    ``Súdwest-Fryslân`` becomes ``SUDWEST FRYSLAN``; StatLine's ``Utrecht (gemeente)`` (named so
    beside the province) becomes ``UTRECHT``.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper().replace("'", "").replace("’", "")
    words = re.sub(r"[^A-Z0-9]+", " ", text).split()
    if len(words) > 1 and words[-1] == "GEMEENTE":
        words = words[:-1]
    if len(words) > 1 and words[-1] in _QUALIFIERS:
        words[-1] = _QUALIFIERS[words[-1]]
    return " ".join(words)


def _base(key: str) -> str:
    """A normalised name without its province qualifier (``BEEK L`` -> ``BEEK``)."""
    words = key.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1] in _QUALIFIERS.values() else key


_CODE_COLUMNS = ("code", "gemeentecode", "gemeentecodegm", "regios", "code_1", "statcode", "gm_code")
_NAME_COLUMNS = ("name", "naam", "gemeentenaam", "naam_2", "statnaam", "gm_naam")
_YEAR_COLUMNS = ("year", "jaar")


def _find(frame: pd.DataFrame, candidates: tuple[str, ...], accept=None) -> str | None:
    by_lower = {str(c).strip().lower(): c for c in frame.columns if c != ROW}
    for name in candidates:
        column = by_lower.get(name)
        if column is not None and (accept is None or accept(frame[column])):
            return column
    return None


def read_municipalities(path: Path, display: str, options: TextOptions = TextOptions(sep=None)) -> pd.DataFrame:
    """The user's municipality reference table, as ``code``, ``name``, ``year`` (and ``region``, ``region_name``).

    Read as CBS publishes it or as an evaluator keeps it: the code in ``code``, ``Gemeentecode``,
    ``GemeentecodeGM``, ``RegioS`` or ``Code_1`` (GM0363 or 363), the name in ``name``, ``naam``,
    ``Gemeentenaam`` or ``Naam_2``, and the year in ``year`` or ``jaar``. Without a year column (CBS'
    "Gemeenten alfabetisch" has none) the year is the boundary year its codes fit. Optional
    ``region`` and ``region_name`` columns place municipalities in the evaluator's own regions.
    """
    frame = read_any(path, display, options)
    code_column = _find(frame, _CODE_COLUMNS, lambda c: c.map(municipality_code).notna().mean() > 0.5)
    name_column = _find(frame, _NAME_COLUMNS)
    if code_column is None or name_column is None:
        missing = " and ".join(what for what, column in (("a code column (code, Gemeentecode, RegioS)", code_column),
                                                         ("a name column (name, Gemeentenaam, Naam_2)", name_column))
                               if column is None)
        present = ", ".join(str(c) for c in frame.columns if c != ROW)
        raise DataError(f"{display}: {missing} not found; the file has: {present}")
    codes = frame[code_column].map(municipality_code)
    if codes.isna().any():
        i = codes.isna().idxmax()
        raise DataError(f"{display}: row {frame.loc[i, ROW]}, column {code_column}: {frame.loc[i, code_column]!r} is "
                        f"not a municipality code; expected GM0363 or 0363")
    reference = pd.DataFrame({"code": codes, "name": frame[name_column].astype(str).str.strip()})
    year_column = _find(frame, _YEAR_COLUMNS)
    if year_column is not None:
        years, missing = parse_numbers(frame, year_column, display, options)
        if missing.any():
            raise DataError(f"{display}: row {frame.loc[missing.idxmax(), ROW]}, column {year_column}: empty; "
                            f"expected a year")
        reference["year"] = years.astype(int)
    else:
        fit = shipped.boundary_years(codes)
        if fit.first is None:
            ended, began = shipped.clashing(codes)
            raise DataError(f"{display}: no year column, and its codes fit no single year's municipalities "
                            f"(such as {', '.join(ended[:3])} and {', '.join(began[:3])}); add a column 'year'")
        reference = pd.concat([reference.assign(year=y) for y in range(fit.first, fit.last + 1)], ignore_index=True)
        frame = pd.concat([frame] * (fit.last - fit.first + 1), ignore_index=True)
    for column in ("region", "region_name"):
        found = _find(frame, (column,))
        if found is not None:
            reference[column] = frame[found].astype(str).str.strip().values
    twice = reference.duplicated(["code", "year"])
    if twice.any():
        i = twice.idxmax()
        raise DataError(f"{display}: row {frame.loc[i, ROW]}: code {reference.loc[i, 'code']} appears twice for "
                        f"year {reference.loc[i, 'year']}")
    return reference


class NameMatcher:
    """Municipality names (any spelling) to codes, year by year.

    Built from the shipped municipalities of 2010-2025 and the user's reference table (code, name,
    year), so that a file whose names are those of a later year than the user's table (Vektis files
    use later boundaries than their year) still matches.
    """

    def __init__(self, reference: pd.DataFrame | None = None, aliases: dict[str, str] | None = None):
        parts = [shipped.reference_names()] + ([reference[["code", "name", "year"]]] if reference is not None else [])
        self.rows = pd.concat(parts, ignore_index=True).drop_duplicates()
        self.aliases = {normalise_name(k): v for k, v in (aliases or {}).items()}
        self._years: dict[int | None, tuple[dict, dict, dict]] = {}

    def _index(self, year: int | None):
        if year not in self._years:
            rows = self.rows if year is None or not (self.rows.year == year).any() else self.rows[self.rows.year == year]
            by_key: dict[str, set[str]] = {}
            by_base: dict[str, set[str]] = {}
            spelled: dict[str, str] = {}
            for code, name in zip(rows.code, rows.name):
                key = normalise_name(name)
                by_key.setdefault(key, set()).add(code)
                by_base.setdefault(_base(key), set()).add(code)
                spelled.setdefault(key, name)
            self._years[year] = (by_key, by_base, spelled)
        return self._years[year]

    def code(self, name: str, year: int | None) -> tuple[str | None, str | None]:
        """(code, None) when the name matches one municipality, else (None, why not)."""
        code, candidates = self._lookup(name, year)
        if code is not None:
            return code, None
        by_key, _, spelled = self._index(year)
        if candidates:
            named = ", ".join(f"{spelled[k]!r} ({c})" for c in sorted(candidates) for k in spelled if by_key[k] == {c})
            return None, f"more than one municipality of that name: {named}; add an alias"
        close = difflib.get_close_matches(normalise_name(name), list(spelled), n=3, cutoff=0.5)
        hint = ", ".join(f"{spelled[c]!r} ({', '.join(sorted(by_key[c]))})" for c in close) or "none close"
        return None, f"closest: {hint}"

    def _lookup(self, name: str, year: int | None) -> tuple[str | None, set[str] | None]:
        """The code of a name, or None and the codes it could mean (None when it matches nothing)."""
        key = normalise_name(name)
        if key in self.aliases:
            return self.aliases[key], None
        by_key, by_base, _ = self._index(year)
        for candidates in (by_key.get(key), by_base.get(_base(key)), self._cum_annexis(key, by_key)):
            if candidates and len(candidates) == 1:
                return next(iter(candidates)), None
            if candidates:
                return None, candidates
        return None, None

    @staticmethod
    def _cum_annexis(key: str, by_key: dict[str, set[str]]) -> set[str] | None:
        """Vektis' ``NUENEN CA`` (c.a., 'with what belongs to it'): the one name that starts with NUENEN."""
        if not key.endswith(" CA"):
            return None
        stem = key[:-3] + " "
        return {c for k, codes in by_key.items() if k.startswith(stem) for c in codes} or None

    def best_year(self, names: Iterable[str], prefer: int | None = None) -> int | None:
        """The year 2010-2025 (or of the reference table) in whose municipalities the most names match.

        ``prefer`` (the file's own year) wins a tie, as when a file names only municipalities that
        existed for many years; with no name matching anywhere it is the answer too.
        """
        names = list(dict.fromkeys(names))
        years = sorted(set(self.rows.year))
        scores = {y: sum(self._lookup(n, y)[0] is not None for n in names) for y in years}
        best = max(scores.values(), default=0)
        if best == 0 or scores.get(prefer) == best:
            return prefer
        return max(y for y, s in scores.items() if s == best)

    def by_period(self, names: pd.Series, years: pd.Series, display: str) -> pd.Series:
        """Codes for names in rows of several years: each year's municipalities first, then the best year.

        A table with one period per year names Haren until 2018; a table on one later year's
        boundaries names Het Hogeland in every year: both match.
        """
        codes = pd.Series(None, index=names.index, dtype=object)
        for year in sorted(set(years)):
            these = names[years == year]
            found = {n: self._lookup(n, year)[0] for n in set(these)}
            missing = [n for n, c in found.items() if c is None]
            if missing:
                found.update(self.match(missing, self.best_year(missing, prefer=year), display))
            codes.loc[these.index] = these.map(found)
        return codes

    def match(self, names: Iterable[str], year: int | None, display: str) -> dict[str, str]:
        """Every name to its code; one :class:`DataError` lists every name without a match."""
        matched, problems = {}, []
        for name in dict.fromkeys(names):
            code, why = self.code(name, year)
            if code is None:
                problems.append(f"  {name!r}: {why}")
            else:
                matched[name] = code
        if problems:
            which = f"the municipalities of {year}" if year is not None else "the municipalities"
            raise DataError(f"{display}: {len(problems)} municipality name(s) not found among {which}; add them to "
                            f"the reference table or as aliases:\n" + "\n".join(problems))
        return matched


def match_municipalities(
    names: Iterable[str],
    reference: pd.DataFrame | None,
    year: int | None,
    display: str,
    aliases: dict[str, str] | None = None,
) -> dict[str, str]:
    """Map municipality names (any spelling) to codes, using the municipalities of ``year``.

    ``aliases`` maps a name as the source writes it to a code, for spellings no rule can
    bridge (``DEN HAAG``). Raises one :class:`DataError` that lists every name without a
    match, each with its three closest reference names, so that one run shows all problems.
    """
    return NameMatcher(reference, aliases).match(names, year, display)


def read_mergers(path: Path, display: str, options: TextOptions = TextOptions(sep=None)) -> pd.DataFrame:
    """Mergers table: ``old_code``, ``new_code`` and ``year`` (from 1 January) or ``date`` (as the shipped table)."""
    frame = read_any(path, display, options)
    require_columns(frame, display, ["old_code", "new_code"])
    out = {}
    for column in ("old_code", "new_code"):
        out[column] = frame[column].map(municipality_code)
        if out[column].isna().any():
            i = out[column].isna().idxmax()
            raise DataError(f"{display}: row {frame.loc[i, ROW]}, column {column}: {frame.loc[i, column]!r} is not a "
                            f"municipality code")
    if "year" in frame.columns:
        years, missing = parse_numbers(frame, "year", display, options)
        if missing.any():
            raise DataError(f"{display}: row {frame.loc[missing.idxmax(), ROW]}, column year: empty; expected a year")
        out["year"] = years.astype(int)
    elif "date" in frame.columns:
        days = pd.to_datetime(frame["date"], errors="coerce", format="ISO8601")
        if days.isna().any():
            i = days.isna().idxmax()
            raise DataError(f"{display}: row {frame.loc[i, ROW]}, column date: {frame.loc[i, 'date']!r} is not a "
                            f"date; expected 2019-01-01")
        out["year"] = days.map(shipped.boundary_year_of)
    else:
        raise DataError(f"{display}: column 'year' (or 'date') not found; a merger needs the year it took effect")
    return pd.DataFrame(out)


class _Boundaries:
    """Where each code goes by the boundary year, and whether a code existed in a year.

    Existence comes from the shipped municipalities where they know the code; otherwise from the
    mergers table, which often lists only the municipalities that disappear, so a new code with
    data (``first_year``) before its merger is the code of the municipality that took the others in.
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
        self.splits = {old: sorted(new) for old, new in targets.items() if len(new) > 1}
        self.split_year = {old: int(effective.year[effective.old_code == old].min()) for old in self.splits}
        self.step = {old: new[0] for old, new in targets.items() if len(new) == 1}
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
        known = shipped.existed(code, year)
        if known is not None:
            return known
        return self.began.get(code, -np.inf) <= year < self.ended.get(code, np.inf)


def _name(code: str) -> str:
    name = shipped.area_name(code)
    return f"{name} ({code})" if name else code


def harmonise_municipalities(panel: pd.DataFrame, mergers: pd.DataFrame | str | Path | None, year: int,
                             notes: list[SourceNote] | None = None) -> pd.DataFrame:
    """The panel on the municipal boundaries of ``year``: merged municipalities summed.

    For each new municipality, numerators (value x denominator) and denominators of the
    municipalities that merged into it are summed and the rate recomputed from the sums, which
    is the rate of the merged population (a plain mean of rates would weight a village like a
    city). A period in which one of the merging municipalities has no value gives no value
    (``suppressed`` is set when the gap is a suppressed cell), because a partial sum would look
    like a fall. Which municipalities make up a new one depends on the boundaries a row is on:
    its ``_boundary`` column when the reader detected them (a Vektis file of 2015 on the
    boundaries of 2017), else the year of its period. An indicator whose source never names the
    merged codes passes through, as do units not involved in a merger.

    A municipality split over several others (Haaren in 2021) cannot be summed: its rows are left
    out and the receiving municipalities keep their own series, which then jump in the year of the
    split; ``notes`` receives a line saying so. Data of a municipality after it merged into a
    later one cannot be split back and raise an error. ``mergers`` is the table of
    :func:`read_mergers`, its file, or None for the shipped table of 2010-2025.
    """
    if mergers is None:
        mergers = shipped.mergers()[["old_code", "new_code", "year"]]
    elif isinstance(mergers, (str, Path)):
        mergers = read_mergers(Path(mergers), Path(mergers).name)
    frame = panel.copy()
    frame["_year"] = frame.period.str[:4].astype(int)
    if "_boundary" not in frame.columns:
        frame["_boundary"] = frame["_year"]
    boundaries = _Boundaries(mergers, year, frame.groupby("unit_id")["_year"].min().to_dict())
    for _, merger in boundaries.later.iterrows():
        after = frame[(frame.unit_id == merger.new_code) & (frame["_boundary"] >= merger.year)]
        if not after.empty:
            where = f" (in {', '.join(sorted(set(after['_source'])))})" if "_source" in after.columns else ""
            raise DataError(f"harmonising to {year}: {_name(merger.new_code)} has data from {merger.year} on{where}, "
                            f"when {_name(merger.old_code)} had merged into it; it cannot be split back to the "
                            f"boundaries of {year}; choose a boundary year of {merger.year} or later")
    frame["target"] = frame.unit_id.map(boundaries.target)
    split = frame.target.isin(boundaries.splits)
    for code in sorted(set(frame.target[split])):
        receivers = ", ".join(_name(c) for c in boundaries.splits[code])
        when = boundaries.split_year[code]
        add_note(notes, f"{_name(code)} is in {when} verdeeld over {receivers}: de {int((frame.target == code).sum())} "
                     f"rij(en) van vóór {when} tellen niet mee, en die gemeenten missen vóór {when} het deel dat zij "
                     f"kregen (een sprong in {when} is te verwachten)", warning=True)
    frame = frame[~split]
    if "suppressed" not in frame.columns:
        frame["suppressed"] = False
    moved = frame.target != frame.unit_id
    affected = set(frame.loc[moved, "target"])
    helpers = ["_year", "_boundary", "target"]
    keep = frame[~frame.target.isin(affected)].drop(columns=helpers)
    merged = frame[frame.target.isin(affected)]
    members: dict[str, set[str]] = {}
    for code in set(merged.unit_id) | set(boundaries.step) | affected:
        if code not in boundaries.splits:
            members.setdefault(boundaries.target(code), set()).add(code)
    codes_of = merged.groupby("indicator").unit_id.agg(set).to_dict()
    rows = []
    for (target, period, indicator, on), group in merged.groupby(["target", "period", "indicator", "_boundary"],
                                                                  sort=True):
        if not (members[target] - {target}) & codes_of[indicator]:
            expected = {target}  # this source already gives the merged municipality for all years
        else:
            expected = {c for c in members[target] if boundaries.existed(c, int(on))}
        present = group[group.value.notna()]
        complete = expected <= set(present.unit_id)
        total = TOTAL in group.columns and bool(group[TOTAL].fillna(False).astype(bool).all())
        if complete and len(group) > 1 and present.denominator.isna().any() and not total:
            lacking = ", ".join(present.loc[present.denominator.isna(), "unit_id"])
            raise DataError(f"harmonising to {year}: {indicator} {period}: {lacking} has no denominator; merging "
                            f"into {target} needs the denominators of all merging municipalities (or, for a total "
                            f"such as inhabitants, 'total: true')")
        row = {"unit_id": target, "period": period, "indicator": indicator,
               "suppressed": bool(group.suppressed.any()) and not complete}
        if TOTAL in group.columns:
            row[TOTAL] = total
        if complete and len(group) == 1:
            row["value"], row["denominator"] = group.value.iloc[0], group.denominator.iloc[0]
        elif complete and total:
            row["value"], row["denominator"] = present.value.sum(), present.denominator.sum(min_count=1)
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
    twice = result.duplicated(["unit_id", "period", "indicator"], keep=False)
    if twice.any():
        first = result[twice].iloc[0]
        raise DataError(f"harmonising to {year}: {first.indicator} {first.period} of {_name(first.unit_id)} comes "
                        f"from files on different boundaries; give each indicator and year in one file")
    if moved.any():
        add_note(notes, f"{number(int(moved.sum()), 0)} rij(en) van {len(set(frame.unit_id[moved]))} opgeheven "
                     f"gemeente(n) opgeteld bij de gemeenten van {year}")
    result = result.drop(columns=[ROW], errors="ignore")
    return result.sort_values(["unit_id", "period", "indicator"]).reset_index(drop=True)
