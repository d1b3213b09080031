"""What leaves the machine: no local paths or user names, contents built without script."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from evaluatie.report.render import TOC_PLACEHOLDER, scrub, with_table_of_contents


def test_scrub_removes_project_python_and_home_paths():
    project = Path("/srv/evaluaties/regio")
    text = scrub(f"File {project}/params/a.yaml, {sys.prefix}/lib/x.py, {Path.home()}/notes", project)
    assert "/srv/evaluaties" not in text and sys.prefix not in text and str(Path.home()) + "/" not in text
    assert "./params/a.yaml" in text and "<python>/lib/x.py" in text


def test_scrub_removes_user_names_in_paths_but_keeps_ordinary_words():
    user = getpass.getuser()
    text = scrub(f":root {{ color: red }} /data/{user}/file {user}@server", Path("/nowhere"))
    assert ":root {" in text
    assert f"/{user}/" not in text and f"{user}@" not in text


def test_contents_list_every_section_heading():
    page = (f"<div>{TOC_PLACEHOLDER}</div>"
            '<h2 id="Samenvatting">Samenvatting<a class="anchor-link" href="#Samenvatting">¶</a></h2>'
            '<h2 id="Bijlage">Bijlage<a class="anchor-link" href="#Bijlage">¶</a></h2>')
    out = with_table_of_contents(page)
    assert '<a href="#Samenvatting">Samenvatting</a>' in out and '<a href="#Bijlage">Bijlage</a>' in out
    assert out.index("Inhoud") < out.index('<h2 id="Samenvatting"')


def test_scrub_leaves_embedded_images_alone():
    user = getpass.getuser()
    image = ("iVBOR" + f"/{user}/" + "A" * 300)
    text = f'<img src="data:image/png;base64,{image}"> /data/{user}/x'
    out = scrub(text, Path("/nowhere"))
    assert image in out and f"/data/{user}/x" not in out


def test_figures_take_dollar_signs_literally():
    """A label with '$' (an evaluator's own text) is drawn as written, not parsed as mathematics."""
    import matplotlib as mpl

    from evaluatie.report.figures import STYLE, _chart, _figure

    with mpl.rc_context(STYLE):
        fig = _figure(2.0)
        fig.subplots().set_title("Initiatief $x^{2$ (proef)")  # unbalanced mathtext raises when parsed
        chart = _chart(fig, "alt", "bijschrift", "bron")
    assert "Initiatief $x^{2$ (proef)" in chart.svg


def test_kept_notebook_says_nothing_about_when_or_how_fast_it_ran(tmp_path):
    import nbformat

    from evaluatie.report.render import scrub_notebook

    cell = nbformat.v4.new_code_cell("1 + 1", metadata={
        "execution": {"iopub.execute_input": "2026-12-03T10:00:00Z"},
        "papermill": {"duration": 28.6, "start_time": "2026-12-03T10:00:00", "end_time": "x", "status": "completed"}})
    notebook = nbformat.v4.new_notebook(cells=[cell], metadata={"papermill": {"duration": 31.2, "start_time": "t",
                                                                              "end_time": "t", "parameters": {}}})
    kept = scrub_notebook(notebook, tmp_path)
    assert kept.metadata.papermill == {"parameters": {}}
    assert kept.cells[0].metadata == {"papermill": {"status": "completed"}}
