"""Executed notebook -> self-contained HTML, the index page, and atomic writes.

Reports leave the machine: they are scrubbed of local paths, user and host names, and they are
written to a temporary file that replaces the old report only when complete.
"""

from __future__ import annotations

import copy
import getpass
import html
import os
import re
import socket
import sys
import tempfile
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from evaluatie.report.glossary import used_terms
from evaluatie.report.markup import render

TEMPLATES = Path(__file__).parent / "templates"
STEP_TAG = "stap"
APPENDIX_TAG = "bijlage"
TOC_PLACEHOLDER = '<nav class="toc" aria-label="Inhoud"></nav>'
_PLACEHOLDER = re.compile(r'<nav (?=[^>]*class="toc")[^>]*>\s*</nav>')
_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)
_GLOSSARY = re.compile(r'<dl class="glossary">(.*?)</dl>', re.S)
_GLOSSARY_ENTRY = re.compile(r"<dt>(.*?)</dt><dd>.*?</dd>\s*", re.S)
_NOT_TEXT = re.compile(r"<(style|script)\b.*?</\1>|<[^>]+>", re.S)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]{200,}")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PACKAGE_DIR = Path(__file__).resolve().parents[1]
TIMINGS = ("start_time", "end_time", "duration")  # papermill's, per notebook and per cell
# The code is hidden, so the syntax-highlighting stylesheet nbconvert inlines by default is left out.
NO_CODE_STYLES = Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}})


def scrub(text: str, project_dir: Path) -> str:
    """Remove local paths, user and host names from text that leaves the machine (embedded images untouched)."""
    pieces = _BASE64.split(text)
    images = _BASE64.findall(text)
    cleaned = [_scrub_text(piece, project_dir) for piece in pieces]
    return "".join(part for pair in zip(cleaned, images + [""]) for part in pair)


def _scrub_text(text: str, project_dir: Path) -> str:
    replacements = {str(project_dir.resolve()): ".", sys.prefix: "<python>", sys.base_prefix: "<python>",
                    str(PACKAGE_DIR): "<evaluatie>", str(Path.home()): "~", tempfile.gettempdir(): "<tmp>"}
    for old, new in sorted(replacements.items(), key=lambda item: -len(item[0])):
        if len(old) > 1:  # only where the path begins, not inside a longer path
            text = re.sub(rf"(?<![\w/.-]){re.escape(old)}", lambda _, new=new: new, text)
    # A user name is personal where it names a folder or an account, not where it is an ordinary word
    # (the user 'root' must not break CSS ':root'); a host name likewise, unless it is long and specific.
    user, host = re.escape(getpass.getuser()), re.escape(socket.gethostname())
    text = re.sub(rf"(?<=[/\\]){user}(?=[/\\])|{user}(?=@)", "<anoniem>", text)
    if len(socket.gethostname()) >= 6:
        text = re.sub(rf"\b{host}\b", "<anoniem>", text)
    return re.sub(rf"(?<=@){host}\b", "<anoniem>", text)


def scrub_notebook(notebook: nbformat.NotebookNode, project_dir: Path) -> nbformat.NotebookNode:
    """The executed notebook as it may be kept beside the report.

    Colour codes are taken out of tracebacks first: inside them a path does not start where the
    scrubbing looks for it. Clock times and durations go too: they say when and on which machine's pace
    the notebook ran, and a duration can read like a figure of the evaluation.
    """
    notebook = copy.deepcopy(notebook)
    for timing in TIMINGS:
        notebook.metadata.get("papermill", {}).pop(timing, None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for timing in TIMINGS:
            cell.metadata.get("papermill", {}).pop(timing, None)
        for output in cell.get("outputs", []):
            if "traceback" in output:
                output["traceback"] = [_ANSI.sub("", line) for line in output["traceback"]]
    return nbformat.reads(scrub(nbformat.writes(notebook), project_dir), as_version=4)


def notebook_to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """HTML with the code hidden, in the project's offline template.

    Cells tagged ``stap`` are the evaluator's working steps in JupyterLab (data, design, estimates);
    the report leaves them out and shows only the report sections. The same notebook gives the same
    bytes (papermill gives its parameters cell a random id, so every cell gets a fixed one).
    """
    exporter = HTMLExporter(
        template_name="evaluatie", extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, language_code="nl",
        config=NO_CODE_STYLES,
    )
    notebook = copy.deepcopy(notebook)
    notebook.metadata["title"] = title
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"
        if cell.get("outputs"):  # warnings and logs are for the analyst (kept in the .ipynb), not the report
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={STEP_TAG}, enabled=True), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    return with_used_terms(with_table_of_contents(body))


def with_table_of_contents(page: str) -> str:
    """Fill the contents placeholder with links to every section heading (no script needed)."""
    links = "".join(f'<li><a href="#{anchor}">{text.strip()}</a></li>' for anchor, text in _HEADING.findall(page))
    nav = f'<nav class="toc" aria-label="Inhoud"><h2 class="toc-title">Inhoud</h2><ol>{links}</ol></nav>'
    return _PLACEHOLDER.sub(lambda _: nav, page, count=1)


def with_used_terms(page: str) -> str:
    """Keep in the begrippenlijst only the terms that the rest of the page uses."""
    found = _GLOSSARY.search(page)
    if found is None:
        return page
    rest = html.unescape(_NOT_TEXT.sub(" ", page[:found.start()] + page[found.end():]))
    used = used_terms(rest)
    kept = _GLOSSARY_ENTRY.sub(lambda entry: entry.group(0) if html.unescape(entry.group(1)) in used else "",
                               found.group(1))
    return page[:found.start(1)] + kept + page[found.end(1):]


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and move it into place in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


STATUS_LABELS = {"ok": "gereed", "failed": "mislukt", "outdated": "verouderd"}


def index_html(entries: list[dict], overviews: set[str] = frozenset()) -> str:
    """The overview page that links every region overview and every report with its status, date and findings.

    A report whose new build failed stays linked, marked outdated: it rests on inputs that have changed since.
    """
    rows = []
    for entry in sorted(entries, key=lambda e: (e["region"], e["initiative"])):
        note = entry.get("error") or entry.get("findings") or ""
        status = entry["status"]
        if status == "failed" and entry.get("report"):
            status = "outdated"
            note += (" Het vorige rapport blijft beschikbaar, maar is verouderd: het is gemaakt voordat de "
                     "gegevens of instellingen veranderden.")
        rows.append({**entry, "status": status, "status_label": STATUS_LABELS[status], "note": note.strip(),
                     "overview": entry["region"] in overviews})
    return str(render("reports_index.html.j2", title="Evaluatierapporten per initiatief", rows=rows,
                      demo=any(e.get("demo") for e in entries)))
