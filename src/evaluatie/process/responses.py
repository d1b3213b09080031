"""Read questionnaire exports (CSV, Excel, SPSS) into one validated table.

Exports have one row per respondent per wave, metadata columns and one column
per item. Every problem found is reported at once, with the file, the row and
column and what was expected, so an evaluator can fix the export in one go.
Blank answers stay missing; they are never read as zero.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from evaluatie.process.instrument import Instrument
from evaluatie.process.perspectives import PERSPECTIVES, perspective_id

METADATA = ("respondent_id", "organisation", "perspective", "wave", "date")
REQUIRED_METADATA = ("respondent_id", "perspective", "wave")
_METADATA_ALIASES = {
    "respondent": "respondent_id",
    "respondentnummer": "respondent_id",
    "organisatie": "organisation",
    "perspectief": "perspective",
    "meting": "wave",
    "ronde": "wave",
    "datum": "date",
}
_MAX_MESSAGES = 15


class ResponseError(ValueError):
    """A questionnaire export does not fit the instruments or misses metadata."""


@dataclass(frozen=True)
class Responses:
    """Validated answers: metadata columns plus one column per item.

    Numeric scales hold floats (NaN = missing); categorical and free-text
    items hold strings or None.
    """

    data: pd.DataFrame
    instruments: tuple[Instrument, ...]
    source: str

    @property
    def waves(self) -> list:
        return sorted(self.data["wave"].unique().tolist())

    def instrument(self, instrument_id: str) -> Instrument:
        for instrument in self.instruments:
            if instrument.id == instrument_id:
                return instrument
        raise KeyError(instrument_id)

    def scored_items(self, instrument: Instrument) -> pd.DataFrame:
        """Numeric item answers with reverse-coded items turned around (min + max - answer)."""
        columns = {}
        for item in instrument.items.values():
            scale = instrument.scales[item.scale]
            if not scale.numeric:
                continue
            values = self.data[item.id].astype(float)
            columns[item.id] = scale.minimum + scale.maximum - values if item.reverse else values
        return pd.DataFrame(columns, index=self.data.index)

    @cached_property
    def respondent_scores(self) -> pd.DataFrame:
        """One row per respondent, wave and dimension: the mean of the answered items.

        Computed once: every score table starts from it.
        """
        meta_columns = ["respondent_id", "organisation", "perspective", "wave"]
        parts = []
        for instrument in self.instruments:
            items = self.scored_items(instrument)
            means = pd.DataFrame({
                dimension: items[[item.id for item in instrument.dimension_items(dimension)]].mean(axis=1)
                for dimension in instrument.numeric_dimensions
            }, index=items.index)
            long = self.data[meta_columns].join(means).melt(
                id_vars=meta_columns, var_name="dimension", value_name="score").dropna(subset=["score"])
            long.insert(4, "instrument", instrument.id)
            parts.append(long)
        if not parts:
            return pd.DataFrame(columns=[*meta_columns, "instrument", "dimension", "score"])
        return pd.concat(parts, ignore_index=True)


def read_csv_text(path: Path) -> pd.DataFrame:
    """All cells as text, blanks as ''; the delimiter (',' ';' or tab) taken from the header line.

    Dutch exports often use ';'. Guessing from the header is safer than a
    sniffer, which can pick a letter when answers contain many commas.
    """
    with path.open(encoding="utf-8-sig") as handle:
        header = handle.readline()
    delimiter = max([",", ";", "\t"], key=header.count)
    return pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _read_table(path: Path) -> tuple[pd.DataFrame, int, dict[str, dict]]:
    """Raw table, the number to add to a 0-based index to get the row as users see it, and SPSS value labels."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_text(path), 2, {}
    if suffix in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=object, engine="openpyxl"), 2, {}
    if suffix == ".sav":
        import pyreadstat

        frame, meta = pyreadstat.read_sav(str(path))
        return frame, 1, dict(meta.variable_value_labels)
    raise ResponseError(f"{path.name}: onbekend bestandstype '{suffix}'; verwacht .csv, .xlsx of .sav.")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or (
        isinstance(value, str) and value.strip() == ""
    )


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _wave_values(values: pd.Series) -> pd.Series:
    """Waves as integers when they all look like years or numbers, else as text."""
    text = values.map(_as_text)
    if text.str.fullmatch(r"\d+").all():
        return text.astype(int)
    return text


def _parse_dates(values: pd.Series) -> pd.Series:
    iso = pd.to_datetime(values, format="ISO8601", errors="coerce")
    dutch = pd.to_datetime(values, format="%d-%m-%Y", errors="coerce")
    return iso.fillna(dutch)


def read_responses(
    path: str | Path,
    instruments: list[Instrument] | tuple[Instrument, ...],
    column_mapping: Mapping[str, str | None] | None = None,
    missing_values: Sequence[object] = (),
) -> Responses:
    """Read and validate one questionnaire export.

    ``column_mapping`` maps export columns to item ids or metadata names
    (respondent_id, organisation, perspective, wave, date); map a column to
    None to leave it out. Unmapped columns must already carry an item id or a
    metadata name (Dutch names such as 'perspectief' and 'meting' work too).
    In SPSS files, value labels are used for metadata and for yes/no and
    categorical items; likert and maturity items keep their numeric codes.
    ``missing_values`` are answers that count as missing, like a blank: for
    example 'weet niet', 'n.v.t.' or an undeclared SPSS code 99.
    """
    path = Path(path)
    if not path.is_file():
        raise ResponseError(f"Antwoordbestand '{path}' bestaat niet.")
    raw, row_offset, value_labels = _read_table(path)
    name = path.name
    mapping = dict(column_mapping or {})
    missing_answers = {_as_text(value).lower() for value in missing_values}
    items = {item_id: instrument for instrument in instruments for item_id in instrument.items}
    known = list(METADATA) + list(items)

    errors: list[str] = []
    target_of: dict[str, str] = {}
    for column in raw.columns:
        column = str(column)
        if column in mapping:
            target = mapping[column]
            if target is None:
                continue
            if target not in known:
                errors.append(f"{name}: de kolomkoppeling verwijst kolom '{column}' naar '{target}', "
                              "maar dat is geen item-id of metadataveld.")
                continue
        else:
            target = _METADATA_ALIASES.get(column.strip().lower(), column.strip())
            if target not in known:
                hint = difflib.get_close_matches(target, known, n=1)
                suggestion = f" Bedoelt u '{hint[0]}'?" if hint else ""
                errors.append(
                    f"{name}: kolom '{column}' is geen bekend item of metadataveld; koppel hem in "
                    f"column_mapping aan een item-id, of aan None om hem over te slaan.{suggestion}"
                )
                continue
        if target in target_of.values():
            other = next(c for c, t in target_of.items() if t == target)
            errors.append(f"{name}: kolommen '{other}' en '{column}' verwijzen allebei naar '{target}'.")
            continue
        target_of[column] = target
    absent = [column for column in mapping if column not in {str(c) for c in raw.columns}]
    if absent:
        errors.append(f"{name}: column_mapping noemt kolom(men) die niet in het bestand staan: "
                      f"{', '.join(map(str, absent))}.")
    missing = [m for m in REQUIRED_METADATA if m not in target_of.values()]
    if missing:
        errors.append(f"{name}: verplichte kolom(men) ontbreken: {', '.join(missing)}.")
    if errors:
        _raise(errors)

    frame = raw[list(target_of)].rename(columns=target_of)
    export_column = {target: column for column, target in target_of.items()}
    for target, column in export_column.items():
        labels = value_labels.get(column)
        keep_codes = target in items and items[target].scale_of(target).type in ("likert", "maturity")
        if labels and not keep_codes:
            frame[target] = frame[target].map(lambda v, lab=labels: lab.get(v, v))

    def where(index: int, column: str | None = None) -> str:
        text = f"{name}, rij {index + row_offset}"
        if column:
            shown = export_column[column]
            text += f", kolom '{shown}'" + (f" (item '{column}')" if shown != column else "")
        return text

    out = pd.DataFrame(index=frame.index)
    for meta in ("respondent_id", "wave"):
        blank = frame[meta].map(_blank)
        errors += [f"{where(i, meta)}: waarde ontbreekt." for i in frame.index[blank]]
    perspectives = frame["perspective"].map(perspective_id)
    for index in frame.index[perspectives.isna()]:
        value = frame.at[index, "perspective"]
        found = "ontbreekt" if _blank(value) else f"'{value}' is onbekend"
        errors.append(f"{where(index, 'perspective')}: perspectief {found}; verwacht een van "
                      f"{', '.join(PERSPECTIVES)}.")
    out["respondent_id"] = frame["respondent_id"].map(lambda v: None if _blank(v) else _as_text(v))
    out["organisation"] = (
        frame["organisation"].map(lambda v: None if _blank(v) else _as_text(v))
        if "organisation" in frame else None
    )
    out["perspective"] = perspectives
    out["wave"] = _wave_values(frame["wave"])
    known_rows = out[out["respondent_id"].notna() & ~frame["wave"].map(_blank)]
    duplicated = known_rows.duplicated(["respondent_id", "wave"], keep=False)
    for (respondent, wave), group in known_rows[duplicated].groupby(["respondent_id", "wave"]):
        rows = ", ".join(str(i + row_offset) for i in group.index)
        errors.append(f"{name}: respondent '{respondent}' komt in meting {wave} meer dan eens voor "
                      f"(rijen {rows}); verwacht één rij per respondent per meting.")
    if "date" in frame:
        dates = _parse_dates(frame["date"].map(lambda v: None if _blank(v) else _as_text(v)))
        bad = dates.isna() & ~frame["date"].map(_blank)
        errors += [f"{where(i, 'date')}: datum '{frame.at[i, 'date']}' niet herkend; verwacht "
                   "jjjj-mm-dd of dd-mm-jjjj." for i in frame.index[bad]]
        out["date"] = dates
    else:
        out["date"] = pd.NaT

    for item_id, instrument in items.items():
        scale = instrument.scale_of(item_id)
        if item_id not in frame:
            out[item_id] = float("nan") if scale.numeric else None
            continue
        parsed = []
        for index, value in frame[item_id].items():
            if _as_text(value).lower() in missing_answers:
                parsed.append(None)
                continue
            try:
                parsed.append(scale.parse(value))
            except ValueError as error:
                parsed.append(None)
                errors.append(f"{where(index, item_id)}: waarde '{value}' past niet op de schaal; "
                              f"verwacht {error} (of noem de code in missing_values, zoals 'weet niet' of 99).")
        out[item_id] = pd.Series(parsed, index=frame.index, dtype=float if scale.numeric else object)
    if errors:
        _raise(errors)
    return Responses(data=out.reset_index(drop=True), instruments=tuple(instruments), source=name)


def combine_responses(parts: Sequence[Responses]) -> Responses:
    """One table from several exports (for example one file per wave); a respondent may not repeat a wave."""
    if len(parts) == 1:
        return parts[0]
    tagged = [part.data.assign(_source=part.source) for part in parts]
    data = pd.concat(tagged, ignore_index=True)
    errors = []
    duplicated = data.duplicated(["respondent_id", "wave"], keep=False)
    for (respondent, wave), group in data[duplicated].groupby(["respondent_id", "wave"]):
        errors.append(f"Respondent '{respondent}' komt in meting {wave} in meer dan één bestand voor "
                      f"({', '.join(sorted(set(group['_source'])))}).")
    if errors:
        _raise(errors)
    return Responses(data=data.drop(columns="_source"), instruments=parts[0].instruments,
                     source=", ".join(part.source for part in parts))


def _raise(errors: list[str]) -> None:
    shown = errors[:_MAX_MESSAGES]
    more = len(errors) - len(shown)
    tail = f"\n... en nog {more} meldingen." if more else ""
    raise ResponseError("Het antwoordbestand is niet in orde:\n" + "\n".join(shown) + tail)
