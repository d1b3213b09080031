"""HTML from Jinja2 templates: the pieces every page is built from (tables, figures, sections, pages).

Everything from params and data is escaped by the templates (autoescape), so a name containing
markup shows as text. A section is a :class:`Section`: it displays itself in JupyterLab and in the
rendered report (``_repr_html_``) and can be put into another template as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from evaluatie.report.figures import Chart, chart_html

TEMPLATES = Path(__file__).parent / "templates"
ENVIRONMENT = Environment(loader=FileSystemLoader([TEMPLATES / "pieces", TEMPLATES / "pages", TEMPLATES / "evaluatie"]),
                          autoescape=select_autoescape(default=True, default_for_string=True),
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
ENVIRONMENT.filters["chart"] = chart_html


def css_string(text: str) -> Markup:
    """Text inside a CSS string in a <style> element: quotes, backslashes, line breaks and '<' escaped."""
    escaped = "".join(f"\\{ord(c):X} " if c in '"\\<>\n\r' else c for c in str(text))
    return Markup(escaped)


ENVIRONMENT.filters["css_string"] = css_string


KEEP_ROWS = 15
STACK_COLUMNS = 1


class Section:
    """A part of a report: HTML that shows itself in a notebook and nests in templates."""

    def __init__(self, markup: str, title: str = ""):
        self.markup = Markup(markup)
        self.title = title

    def _repr_html_(self) -> str:
        return str(self.markup)

    def __html__(self) -> Markup:
        return self.markup

    def __repr__(self) -> str:
        return f"<Section {self.title!r}: {len(self.markup)} tekens HTML>"


def render(template: str, **context) -> Markup:
    return Markup(ENVIRONMENT.get_template(template).render(**context))


def section(template: str, title: str = "", **context) -> Section:
    return Section(render(template, **context), title)


@dataclass(frozen=True)
class Table:
    """A captioned table: header labels, rows of cells (text or Markup), and which columns are numbers."""

    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence]
    numeric: frozenset[str] = frozenset()
    note: str = ""

    @property
    def keep(self) -> bool:
        """Short enough to keep on one printed page (a long table breaks, with its header repeated)."""
        return len(self.rows) <= KEEP_ROWS

    @property
    def stack(self) -> bool:
        """Rows as cards on a phone: at 390 px even three columns squeeze words into fragments."""
        return len(self.columns) > STACK_COLUMNS

    def __html__(self) -> Markup:
        return render("table.html.j2", table=self)

    def _repr_html_(self) -> str:
        return str(self.__html__())


def table(caption: str, columns: Sequence[str], rows: Sequence[Sequence], numeric: Sequence[str] = (),
          note: str = "") -> Table:
    return Table(caption, list(columns), [list(r) for r in rows], frozenset(numeric), note)


def figure(chart: Chart | None) -> Markup:
    return chart_html(chart) if chart is not None else Markup("")
