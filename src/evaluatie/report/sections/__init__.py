"""The sections of an initiative report, in reading order; each takes results objects and returns a
:class:`~evaluatie.report.markup.Section` that displays itself (in JupyterLab and in the rendered report).

Body: ``cover``, ``kernboodschap``, ``initiative``, ``effects``, ``money``, ``process``, ``lessons``,
``municipalities``. Bijlagen: ``glossary``, ``methods``, ``event_times``, ``tables``.
"""

from evaluatie.report.sections.appendix import event_times, glossary, methods, tables
from evaluatie.report.sections.body import cover, initiative, lessons, municipalities
from evaluatie.report.sections.outcome import effects, money
from evaluatie.report.sections.process import process
from evaluatie.report.sections.summary import kernboodschap

__all__ = ["cover", "effects", "event_times", "glossary", "initiative", "kernboodschap", "lessons", "methods",
           "money", "municipalities", "process", "tables"]
