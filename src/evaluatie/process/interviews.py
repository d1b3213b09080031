"""Interviews: a codebook, coded segments from qualitative-analysis software, counts and quotes.

Codes are grouped under framework dimensions and marked as barrier or
facilitator, so interview findings line up with the questionnaire's
dimensions. Segment texts are never shown raw: only selected quotes, after
anonymisation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from evaluatie.privacy import RESPONDENTS_THRESHOLD, blank, hide, margin_positions, small
from evaluatie.process.anonymise import anonymise, unexplained_names
from evaluatie.process.instrument import check_keys
from evaluatie.process.perspectives import PERSPECTIVES, perspective_id, perspective_label
from evaluatie.process.responses import read_csv_text

CODE_TYPES = {"barrier": "belemmerend", "facilitator": "bevorderend"}
SEGMENT_COLUMNS = ("document", "code", "segment", "perspective", "wave")
ALL = "alle"
_COLUMN_ALIASES = {
    "document name": "document", "documentnaam": "document", "dokumentname": "document",
    "documents": "document", "codes": "code", "code name": "code", "codenaam": "code",
    "quotation content": "segment", "quotation": "segment", "segment text": "segment",
    "tekst": "segment", "citaat": "segment", "fragment": "segment",
    "perspectief": "perspective", "speaker perspective": "perspective",
    "meting": "wave", "ronde": "wave",
    "gecontroleerd": "reviewed", "beoordeeld": "reviewed", "reviewed": "reviewed",
}
# Values of the optional 'reviewed' column that mean: an evaluator has read this quote and it may be shown.
REVIEWED_YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x", "gecontroleerd", "ok"}


class CodebookError(ValueError):
    """A codebook file is not valid."""


class SegmentError(ValueError):
    """A coded-segment export does not fit the codebook or misses fields."""


@dataclass(frozen=True)
class Code:
    id: str
    label: str
    dimension: str
    dimension_label: str
    type: str


@dataclass(frozen=True)
class Codebook:
    id: str
    title: str
    framework: str
    citation: str
    codes: dict[str, Code]

    def find(self, value: str) -> Code | None:
        """Match a code by id or label; QDA paths such as 'Groep\\Code' or 'Groep > Code' use the last part."""
        text = re.split(r"\\|/|>|::", str(value))[-1].strip().lower()
        for code in self.codes.values():
            if text in (code.id.lower(), code.label.lower()):
                return code
        return None


def load_codebook(codebook: str | Path = "default") -> Codebook:
    """Load a shipped codebook by id or an own codebook from a YAML path."""
    text_value = str(codebook)
    if isinstance(codebook, Path) or text_value.endswith((".yaml", ".yml")):
        path = Path(codebook)
        if not path.is_file():
            raise CodebookError(f"Codeboek '{path}' bestaat niet.")
        source, content = path.name, path.read_text(encoding="utf-8")
    else:
        folder = resources.files("evaluatie.process") / "codebooks"
        known = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))
        if text_value not in known:
            raise CodebookError(f"Onbekend codeboek '{text_value}'; meegeleverd zijn {', '.join(known)}.")
        source, content = f"{text_value}.yaml", (folder / f"{text_value}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(content)
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise CodebookError(f"{source}: verwacht id, title, framework en een lijst 'groups'.")
    check_keys(source, data, {"id", "title", "framework", "groups"}, CodebookError)
    framework = data.get("framework") or {}
    for key in ("id", "title"):
        if not data.get(key):
            raise CodebookError(f"{source}: veld '{key}' ontbreekt.")
    if not framework.get("name") or not framework.get("citation"):
        raise CodebookError(f"{source}: framework heeft 'name' en 'citation' nodig.")
    codes: dict[str, Code] = {}
    for index, group in enumerate(data["groups"], start=1):
        if not isinstance(group, dict) or not group.get("dimension") or not group.get("codes"):
            raise CodebookError(f"{source}, groep {index}: verwacht 'dimension', 'label' en 'codes'.")
        check_keys(f"{source}, groep {index}", group, {"dimension", "label", "codes"}, CodebookError)
        for spec in group["codes"]:
            where = f"{source}, groep '{group['dimension']}'"
            if not isinstance(spec, dict) or not spec.get("id") or not spec.get("label"):
                raise CodebookError(f"{where}: elke code heeft 'id', 'label' en 'type'.")
            check_keys(f"{where}, code '{spec['id']}'", spec, {"id", "label", "type"}, CodebookError)
            if spec["id"] in codes:
                raise CodebookError(f"{where}, code '{spec['id']}': id komt meer dan eens voor.")
            if spec.get("type") not in CODE_TYPES:
                raise CodebookError(f"{where}, code '{spec['id']}': type moet barrier of facilitator zijn, "
                                    f"niet {spec.get('type')!r}.")
            codes[spec["id"]] = Code(spec["id"], spec["label"], group["dimension"],
                                     group.get("label", group["dimension"]), spec["type"])
    return Codebook(data["id"], data["title"], framework["name"], framework["citation"], codes)


def read_segments(
    path: str | Path, codebook: Codebook, column_mapping: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Read coded segments (CSV: document, code, segment, perspective, wave) and check them against the codebook."""
    path = Path(path)
    if not path.is_file():
        raise SegmentError(f"Interviewbestand '{path}' bestaat niet.")
    raw = read_csv_text(path)
    mapping = dict(column_mapping or {})
    renamed = {c: mapping.get(c, _COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower())) for c in raw.columns}
    frame = raw.rename(columns=renamed)
    missing = [c for c in SEGMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise SegmentError(f"{path.name}: kolom(men) ontbreken: {', '.join(missing)}; gevonden: "
                           f"{', '.join(map(str, raw.columns))}. Gebruik column_mapping om ze te koppelen.")
    errors = []
    codes, perspectives = [], []
    for index, row in frame.iterrows():
        where = f"{path.name}, rij {index + 2}"
        code = codebook.find(row["code"])
        if code is None:
            hint = difflib.get_close_matches(str(row["code"]), list(codebook.codes), n=1)
            suggestion = f" Bedoelt u '{hint[0]}'?" if hint else ""
            errors.append(f"{where}: code '{row['code']}' staat niet in codeboek '{codebook.id}'.{suggestion}")
        perspective = perspective_id(row["perspective"])
        if perspective is None:
            found = "ontbreekt" if not str(row["perspective"]).strip() else f"'{row['perspective']}' is onbekend"
            errors.append(f"{where}: perspectief {found}; verwacht een van {', '.join(PERSPECTIVES)}.")
        for column in ("document", "wave"):
            if not str(row[column]).strip():
                errors.append(f"{where}: kolom '{column}' is leeg.")
        codes.append(code.id if code else None)
        perspectives.append(perspective)
    if errors:
        more = f"\n... en nog {len(errors) - 15} meldingen." if len(errors) > 15 else ""
        raise SegmentError("Het interviewbestand is niet in orde:\n" + "\n".join(errors[:15]) + more)
    waves = frame["wave"].str.strip()
    reviewed = frame["reviewed"].str.strip().str.lower().isin(REVIEWED_YES) if "reviewed" in frame else False
    return pd.DataFrame({
        "document": frame["document"].str.strip(),
        "code": codes,
        "segment": frame["segment"],
        "perspective": perspectives,
        "wave": waves.astype(int) if waves.str.fullmatch(r"\d+").all() else waves,
        "reviewed": reviewed,
        "row": frame.index + 2,
    })


def code_counts(segments: pd.DataFrame, codebook: Codebook, min_group_size: int = RESPONDENTS_THRESHOLD) -> pd.DataFrame:
    """Segments and documents per code, by perspective and wave, with 'alle' margins.

    A group (a perspective in a wave, or a margin) is suppressed when it rests
    on fewer than ``min_group_size`` documents (interviews): counts of a
    handful of interviews point to the people who gave them. Neighbouring
    groups are hidden too where a margin would give the hidden count away.
    """
    perspectives = sorted(segments["perspective"].unique())
    waves = sorted(segments["wave"].unique())
    rows = []
    for perspective in [*perspectives, ALL]:
        for wave in [*waves, ALL]:
            group = segments
            if perspective != ALL:
                group = group[group["perspective"] == perspective]
            if wave != ALL:
                group = group[group["wave"] == wave]
            n_group = group["document"].nunique()
            if n_group == 0:
                continue
            for code in codebook.codes.values():
                coded = group[group["code"] == code.id]
                rows.append(dict(code=code.id, code_label=code.label, dimension=code.dimension,
                                 dimension_label=code.dimension_label, type=code.type,
                                 type_label=CODE_TYPES[code.type], perspective=perspective, wave=wave,
                                 segments=len(coded), documents=coded["document"].nunique(),
                                 n_group=n_group))
    frame = pd.DataFrame(rows)
    groups = frame.drop_duplicates(["perspective", "wave"])[["perspective", "wave", "n_group"]].reset_index(drop=True)
    hidden = _hidden_groups(groups, min_group_size)
    frame = frame.merge(groups.assign(_hidden=hidden), on=["perspective", "wave", "n_group"], how="left")
    return blank(frame.drop(columns="_hidden"), frame["_hidden"].to_numpy(), ["segments", "documents"])


def _hidden_groups(groups: pd.DataFrame, min_group_size: int) -> np.ndarray:
    """Small (perspective, wave) groups plus enough neighbours that no 'alle' margin gives one back.

    Each wave's perspectives add up to that wave's 'alle' group and each perspective's waves to
    its 'alle' wave, so those are the margins of the privacy rules.
    """
    margins = (margin_positions(groups, ["wave"], groups["perspective"] != ALL)
               + margin_positions(groups, ["perspective"], groups["wave"] != ALL))
    sizes = groups["n_group"].to_numpy(dtype=float)
    return hide(sizes, small(sizes, min_group_size), margins, min_group_size)


def _candidates(segments: pd.DataFrame, codebook: Codebook, organisations: list[str], show_organisation_names: bool,
                person_names: Iterable[str], length: tuple[int, int], allowed_names: Iterable[str] = ()) -> pd.DataFrame:
    """Segments of quotable length, anonymised, with the proper nouns that no rule explained."""
    fitting = segments[segments["segment"].str.len().between(*length)].copy()
    allowed = [*allowed_names, *(organisations if show_organisation_names else []),
               *(c.label for c in codebook.codes.values()), *(c.dimension_label for c in codebook.codes.values())]
    fitting["quote"] = [anonymise(text, organisations, show_organisation_names, person_names)
                        for text in fitting["segment"]]
    fitting["unexplained"] = [unexplained_names(quote, allowed) for quote in fitting["quote"]]
    reviewed = fitting["reviewed"] if "reviewed" in fitting else False
    fitting["held_back"] = fitting["unexplained"].map(bool) & ~pd.Series(reviewed, index=fitting.index).astype(bool)
    return fitting


def select_quotes(
    segments: pd.DataFrame,
    codebook: Codebook,
    organisations: Iterable[str] = (),
    show_organisation_names: bool = False,
    person_names: Iterable[str] = (),
    per_code: int = 1,
    max_quotes: int = 12,
    min_group_size: int = RESPONDENTS_THRESHOLD,
    length: tuple[int, int] = (30, 280),
    allowed_names: Iterable[str] = (),
) -> pd.DataFrame:
    """Pick a few anonymised quotes for the report: the most frequent codes first, varied perspectives.

    Within a code, segments of a perspective not quoted yet come first, then
    those closest to 120 characters (long enough to carry meaning, short
    enough to read). The perspective is named only when at least
    ``min_group_size`` documents come from it; otherwise 'een partner'.
    A quote that still holds a proper noun no rule explains is held back
    unless the interview file marks it as reviewed (:func:`review_quotes` lists them);
    ``allowed_names`` (the municipalities and region of the study) never hold a quote back.
    """
    organisations = list(organisations)
    documents = segments.groupby("perspective")["document"].nunique()
    fitting = _candidates(segments, codebook, organisations, show_organisation_names, person_names, length,
                          allowed_names)
    order = fitting["code"].value_counts().index.tolist()
    fitting = fitting[~fitting["held_back"]]
    used_perspectives: set[str] = set()
    rows = []
    for code_id in order:
        code = codebook.codes[code_id]
        candidates = fitting[fitting["code"] == code_id].copy()
        candidates["_seen"] = candidates["perspective"].isin(used_perspectives)
        candidates["_distance"] = (candidates["segment"].str.len() - 120).abs()
        chosen = candidates.sort_values(["_seen", "_distance", "document"], kind="stable").head(per_code)
        for row in chosen.itertuples():
            used_perspectives.add(row.perspective)
            named = documents.get(row.perspective, 0) >= min_group_size
            rows.append(dict(
                code=code.id, code_label=code.label, dimension_label=code.dimension_label,
                type_label=CODE_TYPES[code.type], wave=row.wave,
                perspective_label=perspective_label(row.perspective) if named else "een partner",
                quote=row.quote,
            ))
        if len(rows) >= max_quotes:
            break
    columns = ["code", "code_label", "dimension_label", "type_label", "wave", "perspective_label", "quote"]
    return pd.DataFrame(rows[:max_quotes], columns=columns)


def review_quotes(segments: pd.DataFrame, codebook: Codebook, organisations: Iterable[str] = (),
                  show_organisation_names: bool = False, person_names: Iterable[str] = (),
                  length: tuple[int, int] = (30, 280), limit: int = 20, allowed_names: Iterable[str] = ()) -> list[str]:
    """One line per quote held back for review: its row, the words no rule explained, and how to release it."""
    fitting = _candidates(segments, codebook, list(organisations), show_organisation_names, person_names, length,
                          allowed_names)
    held = fitting[fitting["held_back"]]
    lines = [f"row {row.row}: quote held back until reviewed, it names {', '.join(repr(w) for w in row.unexplained)}; "
             f"mask the name in the file, or write 'ja' in a column 'gecontroleerd' when it may be shown"
             for row in held.head(limit).itertuples()]
    if len(held) > limit:
        lines.append(f"and {len(held) - limit} more quotes held back for review")
    return lines
