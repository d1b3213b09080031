"""Process evaluation: questionnaires and interviews from the partners of an initiative.

The report notebook needs one call::

    from evaluatie.process import evaluate_process
    pe = evaluate_process(responses="vragenlijst.csv", interviews="interviews.csv",
                          instruments=("scirocco", "rivm", "ketenzorg"), column_mapping=None,
                          codebook="default", min_group_size=5, show_organisation_names=False)

``pe`` is a frozen ``ProcessEvaluation`` with plain DataFrames (English column
names, Dutch labels in the ``*_label`` columns; suppressed rows keep ``n``,
lose their values and have ``suppressed=True``):

- ``dimension_scores``: instrument, dimension, dimension_label, scale_type, wave, n, mean, median, q1, q3,
  iqr, alpha, alpha_n, suppressed (``dimension_scores_by_perspective`` adds perspective)
- ``consensus``: SCIROCCO rule per maturity dimension and wave: n, median, agreement, level and labels
- ``phase``: instrument, wave, n, phase (0 = none yet), phase_label, phase_shares ({phase: share met})
- ``wave_change``: per dimension and pair of waves: method (gepaard/ongepaard), n, n_paired, means,
  difference, ci_low, ci_high (95%)
- ``perspective_scores`` (dimension x wave x perspective) and ``perspective_differences`` (spread,
  lowest/highest perspective, Kruskal-Wallis p-value)
- ``item_scores`` (per numeric item and wave; share 'ja' for yes/no) and ``categorical_answers``
  (count and share per option, e.g. the financing form)
- ``code_counts``: code x perspective x wave (with 'alle' margins): segments, documents, n_group
- ``quotes``: selected, anonymised quotes with code, kind and perspective label
- ``warnings``: Dutch sentences for the report; ``sources``: file name -> sha256

Figures, display tables with Dutch headers and plain-language sentences are made in ``evaluatie.report``;
``evaluate_study_process(study)`` runs the evaluation with the settings of a study's params.
"""

from evaluatie.process.anonymise import anonymise
from evaluatie.process.consensus import Consensus, consensus
from evaluatie.process.evaluation import (
    DEFAULT_INSTRUMENTS,
    ProcessEvaluation,
    evaluate_process,
    evaluate_study_process,
)
from evaluatie.process.instrument import (
    Instrument,
    InstrumentError,
    load_instrument,
    load_instruments,
    shipped_instruments,
)
from evaluatie.process.interviews import CodebookError, SegmentError, load_codebook, read_segments
from evaluatie.process.perspectives import PERSPECTIVES, perspective_label
from evaluatie.process.reliability import cronbach_alpha
from evaluatie.process.responses import ResponseError, Responses, combine_responses, read_responses

__all__ = [
    "DEFAULT_INSTRUMENTS",
    "PERSPECTIVES",
    "CodebookError",
    "Consensus",
    "Instrument",
    "InstrumentError",
    "ProcessEvaluation",
    "ResponseError",
    "Responses",
    "SegmentError",
    "anonymise",
    "combine_responses",
    "consensus",
    "cronbach_alpha",
    "evaluate_process",
    "evaluate_study_process",
    "load_codebook",
    "load_instrument",
    "load_instruments",
    "perspective_label",
    "read_responses",
    "read_segments",
    "shipped_instruments",
]
