"""Synthetic demo data with known effects: a room of its own, used by ``evaluatie demo-data`` and the tests.

``panel`` builds fictional municipalities, indicators and initiatives with true effects written in;
``process`` builds the partners' questionnaires and coded interviews. Nothing in the analysis or the
report imports from here.
"""

from evaluatie.demo.panel import (
    BREAK_YEAR, DEFAULT_SEED, DEMO_INITIATIVES, demo_treated_units, write_demo_data,
)

__all__ = ["BREAK_YEAR", "DEFAULT_SEED", "DEMO_INITIATIVES", "demo_treated_units", "write_demo_data"]
