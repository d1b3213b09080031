"""The worked example of docs/real-data.md on the committed extracts of the real files: the province-level
initiative from its params file to the built report, whose numbers must be exactly those the page states,
and the municipality-level sources and Python steps.

Everything the tests compare is read from the page itself (its YAML, its commands, its table of numbers),
so the page and the report cannot drift apart."""

from __future__ import annotations

import contextlib
import re
import shlex
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from evaluatie.cli import main
from evaluatie.data.panel import DataError, load_panel, load_units
from evaluatie.data.sources import Sources, build_from_sources

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "real-data.md"
PARAMS = "params/noord-nederland/werk-noord.yaml"
# Where the page puts each file, and the committed extract that stands in for the download.
LAYOUT = {
    "data/cbs/regionale_kerncijfers_provincies_export.csv": "regionale_kerncijfers_provincies_export_extract.csv",
    "data/cbs/82949NED_TypedDataSet_17052018_142705.csv": "82949NED_TypedDataSet_17052018_142705.csv",
    "data/cbs/70072ned_UntypedDataSet_06062018_000805.csv": "70072ned_UntypedDataSet_06062018_000805_extract.csv",
    "data/vektis/vektis_zvw_gemeente_2015.csv": "vektis_zvw_gemeente_2015_extract.csv",
}


def page() -> str:
    return DOC.read_text(encoding="utf-8")


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", page(), re.S)


def promised() -> list[dict[str, str]]:
    """The rows of the page's table of the numbers the report shows."""
    header = "| Table in the report | Row | Column | Shows |"
    lines = page().split(header, 1)[1].strip().splitlines()[1:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        table, row, column, shows = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append({"table": table, "row": row, "column": column, "shows": shows})
    return rows


class Tables(HTMLParser):
    """Every table of a report: caption -> {first cell of a row -> {column (data-label) -> cell text}}."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict[str, dict[str, str]]] = {}
        self._caption = self._row = self._label = None
        self._text: list[str] | None = None
        self._cells: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "caption" or (tag in ("td", "th") and "data-label" in attrs):
            self._text, self._label = [], attrs.get("data-label")
        if tag == "tr":
            self._cells = {}

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text is not None and tag in ("caption", "td", "th"):
            text = " ".join("".join(self._text).split())
            if tag == "caption":
                self._caption = text
                self.tables.setdefault(text, {})
            else:
                self._cells[self._label] = text
                self._cells.setdefault("_first", text)
            self._text = None
        if tag == "tr" and self._cells and self._caption is not None:
            self.tables[self._caption][self._cells.pop("_first")] = self._cells


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project folder laid out as the page says, with the extracts standing in for the downloads."""
    folder = tmp_path_factory.mktemp("realdata")
    for target, extract in LAYOUT.items():
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / extract, folder / target)
    (folder / "params" / "noord-nederland").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "indicators.yaml", folder / "params" / "indicators.yaml")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    initiative = next(b for b in blocks("yaml") if b.startswith("id: werk-noord"))
    (folder / PARAMS).write_text(initiative, encoding="utf-8")
    (folder / "gemeenten-2015.yaml").write_text(next(b for b in blocks("yaml") if b.startswith("municipalities:")),
                                                 encoding="utf-8")
    return folder


def run_command(project: Path, command: str) -> int:
    words = shlex.split(command)
    assert words[0] == "evaluatie"
    with contextlib.chdir(project):  # the page's paths are relative to the project folder
        return main(["--project", str(project), *words[1:]])


@pytest.fixture(scope="module")
def report(project):
    commands = [line for b in blocks("bash") for line in b.splitlines() if line.startswith("evaluatie ")]
    assert [c.split()[1] for c in commands] == ["inspect", "check", "run"]
    for command in commands:
        assert run_command(project, command) == 0, command
    return (project / "reports" / "noord-nederland" / "werk-noord.html").read_text(encoding="utf-8")


def test_the_page_promises_an_estimate_and_per_province_margins():
    rows = promised()
    assert len(rows) >= 6
    shown = {r["column"]: r["shows"] for r in rows}
    assert re.fullmatch(r"[+−]\d+,\d per 1.000 inwoners", shown["Effect"]) and " tot " in shown["Marge (95%)"]
    assert "te weinig gegevens" not in " ".join(r["shows"] for r in rows)


def test_the_report_shows_the_numbers_of_the_page(report):
    parser = Tables()
    parser.feed(report)
    for row in promised():
        assert row["table"] in parser.tables, f"no table '{row['table']}' in the report"
        assert row["row"] in parser.tables[row["table"]], f"no row '{row['row']}' in '{row['table']}'"
        cells = parser.tables[row["table"]][row["row"]]
        assert cells.get(row["column"]) == row["shows"], (row, cells)


def test_the_report_never_prints_an_unbounded_margin(report):
    text = " ".join(re.sub(r"<[^>]+>", " ", report).split())
    assert "te weinig gegevens" not in text.lower()
    assert not re.search(r"∞|\binf\b|nan\b", text)
    assert text.count("(marge niet te begrenzen)") == 3  # one per province, in bijlage D


def test_audit_and_prose_of_the_page_match_the_check(project, report):
    audit = (project / "reports" / "noord-nederland" / "werk-noord-data-audit.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", audit).split())
    # 10 periods x 12 provinces = 120 expected cells: 108 present, 12 suppressed, 0 missing
    assert re.search(r"bijstand .*? 2006-2015 \(10\) 12 108 12 0 90,0%", text)
    prose = " ".join(page().split())
    assert "passes with 3 treated and 9 control units" in prose and "120 expected cells, 108 present" in prose
    assert "p = 2/220 = 0,009" in prose  # 3 of 12 provinces: 220 possible assignments


def test_municipality_sources_and_python_steps(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    exec(compile(blocks("python")[0], str(DOC), "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("2017 388\n") and "indeling van 2017, niet die van 2015" in out
    panel = load_panel(project / "data" / "panel.csv", "panel.csv")
    assert len(load_units(project / "data" / "gemeenten.csv", "gemeenten.csv")) == 388
    cell = panel.set_index(["unit_id", "indicator"]).value
    prose = " ".join(page().split())
    rate = re.search(r"Gooise Meren \(GM1942\).*?social assistance is (\d+,\d) per 1,000", prose).group(1)
    cost = re.search(r"medical specialist care in Gooise Meren, 2015: € ([\d.]+,\d\d)", prose).group(1)
    assert f"{cell['GM1942', 'bijstand']:.1f}".replace(".", ",") == rate
    assert f"{cell['GM1942', 'zvw_kosten_msz']:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") == cost


def test_municipality_sources_refuse_the_boundaries_of_2015(project):
    raw = yaml.safe_load((project / "gemeenten-2015.yaml").read_text(encoding="utf-8"))
    with pytest.raises(DataError, match="later than boundary_year 2015"):
        build_from_sources(Sources.model_validate({**raw, "boundary_year": 2015}), lambda r: project / r,
                           ["zvw_kosten_msz", "bijstand"])


def test_one_year_of_municipalities_stops_at_check(project, capsys):
    sources = yaml.safe_load((project / "gemeenten-2015.yaml").read_text(encoding="utf-8"))
    params = {"id": "een-jaar", "name": "Eén jaar", "region": "utrecht", "description": "Toets.",
              "partners": [{"name": "Gemeente Utrecht", "kind": "gemeente", "domain": "Wmo"}],
              "treatment": {"units": [{"unit": "GM0344", "start": 2015}]}, "indicators": ["bijstand", "zvw_kosten_msz"],
              "data": {"sources": sources}}
    path = project / "params" / "utrecht" / "een-jaar.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    try:
        assert main(["--project", str(project), "check", str(path)]) != 0
    finally:
        shutil.rmtree(path.parent)
    out = capsys.readouterr().out
    message = re.search(r"`(treatment\.units\[0\]\.start: .*?)`", page(), re.S).group(1)
    assert out.startswith("ERROR") and " ".join(message.split()) in out, out


def test_other_source_types_in_the_doc_are_valid():
    block = next(b for b in blocks("yaml") if b.lstrip().startswith("- type: table"))
    files = yaml.safe_load("files:\n" + block)["files"]
    Sources.model_validate({"files": files})
