"""One call for the report notebook: read, score, count and select quotes.

``evaluate_process`` returns a ``ProcessEvaluation`` whose tables are already
suppressed (any breakdown under ``min_group_size`` respondents or interviews
keeps its n and loses its values) and whose warnings are in Dutch;
``evaluate_study_process`` runs it with the settings of a study's params.
Figures and display tables are made in ``evaluatie.report``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluatie.data.study import Study, place_names
from evaluatie.memo import file_digest, remembered
from evaluatie.process import scoring
from evaluatie.process.instrument import Instrument, load_instruments
from evaluatie.process.interviews import Codebook, code_counts, load_codebook, read_segments, select_quotes
from evaluatie.process.perspectives import perspective_label
from evaluatie.process.responses import Responses, combine_responses, read_responses

DEFAULT_INSTRUMENTS = ("scirocco", "rivm", "ketenzorg")


@dataclass(frozen=True)
class ProcessEvaluation:
    """Results of the process evaluation of one initiative; every field is a plain table or list."""

    instruments: tuple[Instrument, ...]
    min_group_size: int
    dimension_scores: pd.DataFrame
    dimension_scores_by_perspective: pd.DataFrame
    consensus: pd.DataFrame
    phase: pd.DataFrame
    wave_change: pd.DataFrame
    perspective_scores: pd.DataFrame
    perspective_differences: pd.DataFrame
    item_scores: pd.DataFrame
    categorical_answers: pd.DataFrame
    code_counts: pd.DataFrame
    quotes: pd.DataFrame
    warnings: tuple[str, ...]
    sources: dict[str, str] = field(default_factory=dict)
    responses: Responses | None = field(default=None, repr=False)
    codebook: Codebook | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        respondents = 0 if self.responses is None else len(self.responses.data)
        return (f"ProcessEvaluation(metingen={self.waves}, antwoorden={respondents}, "
                f"instrumenten={[i.id for i in self.instruments]}, citaten={len(self.quotes)}, "
                f"waarschuwingen={len(self.warnings)})")

    def instrument_title(self, instrument_id: str) -> str:
        return next((i.title for i in self.instruments if i.id == instrument_id), instrument_id)

    @property
    def waves(self) -> list:
        return self.responses.waves if self.responses is not None else []

    def latest_consensus(self) -> pd.DataFrame:
        """Consensus per dimension in the last wave, without suppressed groups."""
        if self.consensus.empty:
            return self.consensus
        return self.consensus[(self.consensus.wave == self.waves[-1]) & ~self.consensus.suppressed]

    @property
    def mostly_at_start(self) -> bool:
        """The partners place the collaboration at its start (median at most ``START_LEVEL``) on most topics
        of the last wave: effects found beside that need another explanation too."""
        latest = self.latest_consensus()
        return bool(not latest.empty and (latest["median"] <= START_LEVEL).mean() > 0.5)


START_LEVEL = 2  # on the 0-5 maturity scale: 'gestart' at most


def _hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))


def _without_free_text(responses: Responses) -> Responses:
    """Drop open answers right after reading, so no later step can show them raw."""
    free_text = [item.id for i in responses.instruments for item in i.items.values()
                 if i.scales[item.scale].type == "text"]
    if not free_text:
        return responses
    return Responses(data=responses.data.drop(columns=free_text), instruments=responses.instruments,
                     source=responses.source)


def _warnings(responses: Responses | None, result: dict, min_group_size: int) -> list[str]:
    notes: list[str] = []
    if responses is None:
        notes.append("Er is geen vragenlijstbestand opgegeven; de vragenlijstonderdelen ontbreken.")
        return notes
    counts = responses.data.groupby("wave").size()
    for wave, n in counts.items():
        if n < 10:
            notes.append(f"Meting {wave} heeft maar {n} respondenten; uitkomsten zijn onzeker.")
    if len(counts) < 2:
        notes.append("Er is maar één meting; verandering in de tijd kan niet worden bepaald.")
    by_date = responses.data.groupby("wave")["date"].median().dropna().sort_values().index.tolist()
    if by_date != sorted(by_date):
        notes.append(f"De metingen worden op naam geordend ({', '.join(map(str, sorted(by_date)))}), maar de "
                     "datums geven een andere volgorde. Gebruik jaartallen of namen die in de tijd goed "
                     "sorteren (zoals T0, T1).")
    small = responses.data.groupby(["wave", "perspective"]).size()
    for (wave, perspective), n in small[small < min_group_size].items():
        notes.append(f"{perspective_label(perspective)} in meting {wave}: minder dan {min_group_size} "
                     "respondenten; hun uitsplitsing wordt niet getoond (n < "
                     f"{min_group_size}), maar telt mee in de totalen.")
    notes += scoring.alpha_warnings(result["dimension_scores"])
    change = result["wave_change"]
    unpaired = change[(change["method"] == "ongepaard") & ~change["suppressed"]]
    if not unpaired.empty:
        notes.append(f"Voor {unpaired['dimension'].nunique()} dimensie(s) waren te weinig dezelfde respondenten "
                     "in beide metingen; daar zijn de metingen als losse groepen vergeleken.")
    if any(i.scales[item.scale].type == "text" for i in responses.instruments for item in i.items.values()):
        notes.append("Antwoorden op open vragen worden niet getoond; alleen geselecteerde, geanonimiseerde "
                     "citaten uit interviews komen in het rapport.")
    return notes


def evaluate_process(
    responses: str | Path | Sequence[str | Path] | None = None,
    interviews: str | Path | None = None,
    instruments: Sequence[str | Path] = DEFAULT_INSTRUMENTS,
    column_mapping: Mapping[str, str | None] | None = None,
    codebook: str | Path = "default",
    min_group_size: int = 5,
    show_organisation_names: bool = False,
    organisation_names: Sequence[str] = (),
    person_names: Sequence[str] = (),
    interview_column_mapping: Mapping[str, str] | None = None,
    max_quotes: int = 12,
    missing_values: Sequence[object] = (),
    allowed_names: Sequence[str] = (),
) -> ProcessEvaluation:
    """Run the whole process evaluation for one initiative.

    ``responses`` is one export or a list of them (e.g. one file per wave).
    ``instruments`` are shipped ids or paths to own YAML files.
    ``organisation_names`` are masked in quotes unless
    ``show_organisation_names``; the organisations in the questionnaire are
    always added to that list. ``person_names`` adds names the automatic
    masking might miss. ``missing_values`` count as blank answers ('weet niet', 99).
    ``allowed_names`` (places of the study) may stand in a quote without holding it back.
    """
    if min_group_size < 1:
        raise ValueError("min_group_size moet minstens 1 zijn.")
    loaded = tuple(load_instruments(list(instruments)))
    sources: dict[str, str] = {}
    result: dict = {}
    data = None
    if responses is not None:
        files = [responses] if isinstance(responses, (str, Path)) else list(responses)
        parts = [read_responses(path, loaded, column_mapping, missing_values) for path in files]
        data = _without_free_text(combine_responses(parts))
        sources.update({Path(path).name: _hash(path) for path in files})
        result["dimension_scores"] = scoring.dimension_scores(data, ("wave",), min_group_size)
        result["dimension_scores_by_perspective"] = scoring.dimension_scores(
            data, ("wave", "perspective"), min_group_size)
        result["consensus"] = scoring.consensus_table(data, min_group_size)
        result["phase"] = scoring.phase_table(data, min_group_size)
        result["wave_change"] = scoring.wave_change(data, min_group_size)
        result["perspective_scores"] = scoring.perspective_scores(data, min_group_size)
        result["perspective_differences"] = scoring.perspective_differences(data, min_group_size)
        result["item_scores"] = scoring.item_scores(data, min_group_size)
        result["categorical_answers"] = scoring.categorical_answers(data, min_group_size)
    else:
        for key in ("dimension_scores", "dimension_scores_by_perspective", "consensus", "phase", "wave_change",
                    "perspective_scores", "perspective_differences", "item_scores", "categorical_answers"):
            result[key] = _empty(["instrument", "dimension", "wave", "n", "suppressed"])
    notes = _warnings(data, result, min_group_size)

    book = None
    if interviews is not None:
        book = load_codebook(codebook)
        segments = read_segments(interviews, book, interview_column_mapping)
        sources[Path(interviews).name] = _hash(interviews)
        organisations = list(organisation_names)
        if data is not None:
            organisations += [o for o in data.data["organisation"].dropna().unique()]
        result["code_counts"] = code_counts(segments, book, min_group_size)
        result["quotes"] = select_quotes(segments, book, organisations, show_organisation_names, person_names,
                                         max_quotes=max_quotes, min_group_size=min_group_size,
                                         allowed_names=allowed_names)
    else:
        notes.append("Er is geen interviewbestand opgegeven; codes en citaten ontbreken.")
        result["code_counts"] = _empty(["code", "perspective", "wave", "segments", "suppressed"])
        result["quotes"] = _empty(["code", "code_label", "quote"])

    return ProcessEvaluation(instruments=loaded, min_group_size=min_group_size, warnings=tuple(notes),
                             sources=sources, responses=data, codebook=book, **result)


def evaluate_study_process(study: Study) -> ProcessEvaluation | None:
    """The process evaluation with the settings in the study's params; None when no files are given."""
    settings = study.params.process
    if settings is None or not (settings.responses or settings.interviews):
        return None
    resolve = study.initiative.resolve
    responses = resolve(settings.responses) if settings.responses else None
    interviews = resolve(settings.interviews) if settings.interviews else None
    return _process_of(tuple(file_digest(f) for f in (responses, interviews) if f is not None), dict(
        responses=responses, interviews=interviews,
        instruments=settings.instruments, column_mapping=settings.column_mapping or None,
        codebook=settings.codebook, min_group_size=settings.min_group_size,
        show_organisation_names=settings.show_organisation_names,
        organisation_names=[p.name for p in study.params.partners],
        allowed_names=place_names(study),
    ))


@remembered
def _process_of(digests: tuple[str, ...], arguments: dict) -> ProcessEvaluation:
    """``evaluate_process`` once per session for each content of its files (``digests``) and settings."""
    return evaluate_process(**arguments)
