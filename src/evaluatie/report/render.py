"""Executed notebook -> self-contained HTML, index pages, and atomic writes.

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

TEMPLATES = Path(__file__).parent / "templates"
TOC_PLACEHOLDER = '<nav class="toc" aria-label="Inhoud"></nav>'
_PLACEHOLDER = re.compile(r'<nav (?=[^>]*class="toc")[^>]*>\s*</nav>')
_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]{200,}")


def scrub(text: str, project_dir: Path) -> str:
    """Remove local paths, user and host names from text that leaves the machine (embedded images untouched)."""
    pieces = _BASE64.split(text)
    images = _BASE64.findall(text)
    cleaned = [_scrub_text(piece, project_dir) for piece in pieces]
    return "".join(part for pair in zip(cleaned, images + [""]) for part in pair)


def _scrub_text(text: str, project_dir: Path) -> str:
    replacements = {str(project_dir.resolve()): ".", sys.prefix: "<python>", sys.base_prefix: "<python>",
                    str(Path.home()): "~", tempfile.gettempdir(): "<tmp>"}
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
    """The executed notebook as it may be kept beside the report."""
    return nbformat.reads(scrub(nbformat.writes(notebook), project_dir), as_version=4)


def notebook_to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """HTML with the code hidden, in the project's offline template."""
    exporter = HTMLExporter(
        template_name="evaluatie", extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, language_code="nl",
    )
    notebook = copy.deepcopy(notebook)
    notebook.metadata["title"] = title
    for cell in notebook.cells:  # warnings and logs are for the analyst (kept in the .ipynb), not the report
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    body, _ = exporter.from_notebook_node(notebook)
    return with_table_of_contents(body)


def with_table_of_contents(page: str) -> str:
    """Fill the contents placeholder with links to every section heading (no script needed)."""
    links = "".join(f'<li><a href="#{anchor}">{text.strip()}</a></li>' for anchor, text in _HEADING.findall(page))
    nav = f'<nav class="toc" aria-label="Inhoud"><h2 class="toc-title">Inhoud</h2><ol>{links}</ol></nav>'
    return _PLACEHOLDER.sub(lambda _: nav, page, count=1)


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


STATUS_LABELS = {"ok": "gereed", "failed": "mislukt"}

_INDEX = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style>
body {{ max-width: 60rem; margin: 0 auto; padding: 1rem; font-family: system-ui, Arial, sans-serif; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }}
th {{ background: #eef3f8; }}
.mislukt {{ color: #b3261e; font-weight: 600; }}
.gereed {{ color: #1b5e20; }}
.demo-banner {{ background: #fff3cd; border: 2px solid #b8860b; padding: 0.6rem 1rem; font-weight: 600; }}
</style>
</head>
<body>
{banner}<h1>{title}</h1>
<p>{intro}</p>
<table>
<thead><tr><th scope="col">Regio</th><th scope="col">Initiatief</th><th scope="col">Status</th><th scope="col">Datum</th><th scope="col">Bevindingen</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""


def index_html(entries: list[dict], overviews: set[str] = frozenset()) -> str:
    """The overview page that links every region overview and every report with its status and date."""
    rows = []
    for entry in sorted(entries, key=lambda e: (e["region"], e["initiative"])):
        region = html.escape(entry["region_name"])
        if entry["region"] in overviews:
            region = f'<a href="{html.escape(entry["region"])}/index.html">{region}</a>'

        status = STATUS_LABELS[entry["status"]]
        if entry.get("report"):
            link = f'<a href="{html.escape(entry["report"])}">{html.escape(entry["name"])}</a>'
        else:
            link = html.escape(entry["name"])
        note = html.escape(entry.get("error") or entry.get("findings") or "")
        if entry["status"] == "failed" and entry.get("report"):
            note += " Het vorige rapport blijft beschikbaar."
        rows.append(
            f"<tr><td>{region}</td><td>{link}</td>"
            f'<td class="{status}">{status}</td><td>{html.escape(entry["date"])}</td><td>{note}</td></tr>'
        )
    banner = ('<p class="demo-banner">DEMO: deze rapporten gebruiken verzonnen gegevens over verzonnen gemeenten.</p>'
              if any(e.get("demo") for e in entries) else "")
    return _INDEX.format(
        banner=banner,
        title="Evaluatierapporten per initiatief",
        intro="Eén rapport per samenwerkingsinitiatief; de naam van een regio opent het overzicht van alle "
              "initiatieven in die regio.",
        rows="\n".join(rows),
    )
