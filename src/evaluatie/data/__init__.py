"""Data in: readers of the files evaluators download, geography, and the audit before analysis.

- ``panel``: the canonical units table and long panel (``load_units``, ``load_panel``, ``DataError``);
- ``cbs``, ``vektis``, ``generic``: readers of CBS StatLine, Vektis and any CSV/Parquet/Excel table,
  all returning long panel rows; ``tables`` holds what they share (text cells, numbers, periods);
- ``person_level``: person rows aggregated in DuckDB, so they never reach pandas or a report;
- ``geography``: region codes, municipality names across spellings, harmonising over mergers;
- ``sources``: the params under ``data.sources`` and ``build_from_sources`` (units + panel);
- ``audit``: coverage and data problems per initiative, as text and HTML, with a verdict;

Suppression of small cells (``evaluatie.privacy``) is applied by the readers as data come in.
"""

from evaluatie.data.audit import Audit, audit_panel, audit_study
from evaluatie.data.cbs import read_cbs_statline
from evaluatie.data.generic import read_table
from evaluatie.data.geography import (
    harmonise_municipalities, match_municipalities, read_mergers, read_municipalities,
)
from evaluatie.data.panel import DataError
from evaluatie.data.person_level import PersonMeasure, aggregate_person_level
from evaluatie.data.sources import Sources, build_from_sources
from evaluatie.data.tables import Measure, TextOptions
from evaluatie.data.vektis import read_vektis

__all__ = [
    "Audit", "DataError", "Measure", "PersonMeasure", "Sources", "TextOptions", "aggregate_person_level",
    "audit_panel", "audit_study", "build_from_sources", "harmonise_municipalities", "match_municipalities",
    "read_cbs_statline", "read_mergers", "read_municipalities", "read_table", "read_vektis",
]
