"""The built demo pages read as their readers read them: the overviews agree with each report, nothing a reader
sees is English, a leftover code, jargon without explanation or a number without its sign."""

from __future__ import annotations

import json
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evaluatie.report.glossary import AVOID, TERMS, used_terms
from evaluatie.report.text import findings_line

pytestmark = pytest.mark.xdist_group("reports")


class _Page(HTMLParser):
    """The visible text of a page and its tables by caption (cells as text)."""

    def __init__(self):
        super().__init__()
        self.text, self.tables, self._skip, self._table, self._cell, self._caption = [], {}, 0, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "caption":
            self._caption = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self._name = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "table" and self._table is not None:
            self.tables[getattr(self, "_name", "")] = [r for r in self._table if r]
            self._table = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        for part in (self._cell, self._caption):
            if part is not None:
                part.append(data)


def read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.visible = " ".join(" ".join(page.text).split())
    return page


def table(page: _Page, starts: str) -> list[list[str]]:
    name = next(n for n in page.tables if n.startswith(starts))
    return page.tables[name][1:]


REPORTS = ["beekdal/wijkteams-samen", "duinrand/dementienetwerk", "lindeland/huisarts-plus",
           "lindeland/samen-indiceren", "polderoost/proeftuin-hart", "venstreek/krachtige-basiszorg",
           "zandmeren/vast-wijkbudget"]


@pytest.mark.parametrize("name", REPORTS)
def test_region_page_and_index_say_what_the_report_says(built_reports, name):
    folder = built_reports / "reports"
    region, initiative = name.split("/")
    summary = json.loads((folder / region / f"{initiative}.summary.json").read_text(encoding="utf-8"))
    report = read(folder / f"{name}.html")
    conclusions = {row[0].removesuffix(" (budgeteffect)"): row[-1] for row in table(report, "Effect per indicator")}
    overview = read(folder / region / "index.html")
    several = len(list((folder / region).glob("*.summary.json"))) > 1
    shown = {row[0].removesuffix(" (budgeteffect)").removeprefix(f"{summary['name']}: " if several else ""): row[-1]
             for row in table(overview, "Effect per initiatief")
             if not several or row[0].startswith(summary["name"] + ": ")}
    assert set(shown) == set(conclusions)
    for label, conclusion in conclusions.items():
        verdict = conclusion.split(";")[0]
        assert shown[label].startswith(verdict), (label, conclusion, shown[label])
        assert ("voorzichtigheid" in conclusion) == ("voorzichtigheid" in shown[label]), label
    # the index counts what the report's table shows: favourable, unfavourable, cautions
    index = read(folder / "index.html")
    row = next(r for r in table(index, "Rapporten per initiatief") if r[1] == summary["name"])
    assert row[-1] == findings_line(summary["effects"], summary["n_treated"])
    for word, pattern in (("(gunstig)", r"(\d+) gunstige? effect"), ("(ongunstig)", r"(\d+) ongunstige? effect")):
        found = re.search(pattern, row[-1])
        assert (int(found.group(1)) if found else 0) == sum(c.startswith("waarschijnlijk") and word in c
                                                           for c in conclusions.values()), (name, word)
    careful = re.search(r"; (beide|alle \d+|\d+ daarvan|) ?met voorzichtigheid", row[-1])
    shown = sum(c.startswith("waarschijnlijk") for c in conclusions.values())
    said = (0 if not careful else 2 if careful.group(1) == "beide" else shown if careful.group(1) in ("", "beide")
            or careful.group(1).startswith("alle") else int(careful.group(1).split()[0]))
    assert said == sum("voorzichtigheid" in c for c in conclusions.values())
    if summary["n_treated"] == 1:
        assert "één deelnemende gemeente" in overview.visible


def test_a_cost_rise_is_never_counted_as_a_success(built_reports):
    index = read(built_reports / "reports" / "index.html")
    for row in table(index, "Rapporten per initiatief"):
        assert "aangetoond" not in row[-1]  # 'effecten aangetoond' counted rises and falls alike
    report = read(built_reports / "reports" / "lindeland" / "samen-indiceren.html")
    aim = {row[0]: row[-1] for row in table(report, "Welke doelen van de Quintuple Aim")}
    assert "↑ kosten wijkverpleging per verzekerde (richting niet eenduidig: aan de stuurgroep; lees met voorzichtigheid)" in aim["kosten per inwoner"]


def test_pages_show_no_codes_english_or_unexplained_jargon(built_reports):
    pages = sorted((built_reports / "reports").rglob("*.html"))
    leftovers = re.compile(r"\b(None|nan|NaN|null|True|False|inf|unit_id|the|and|of the)\b")
    for path in pages:
        text = read(path).visible
        assert not leftovers.search(text), (path.name, leftovers.search(text).group(0),
                                            text[max(0, leftovers.search(text).start() - 60):][:120])
        for word in AVOID:
            assert word not in text, (path.name, word)
        assert "−∞" not in text and "∞" not in text, path.name
    listed = {}
    for path in sorted((built_reports / "reports").glob("*/*.html")):
        if path.name == "index.html" or "audit" in path.name:
            continue
        text = read(path).visible
        start, end = text.rindex("Bijlage A: Begrippenlijst"), text.rindex("Bijlage B: Methoden")
        rest = text[:start] + text[end:]
        glossary = re.search(r'<dl class="glossary">(.*?)</dl>', path.read_text(encoding="utf-8"), re.S).group(1)
        listed[path.stem] = {html.unescape(term) for term in re.findall(r"<dt>(.*?)</dt>", glossary)}
        assert listed[path.stem] == used_terms(rest), path.stem  # every term used is explained, no other
    assert {"SEH", "n < 5", "procentpunt", "standaardfout", "omslagpunt"} <= set().union(*listed.values())
    assert len({frozenset(terms) for terms in listed.values()}) > 1  # each report its own list
    report = read(built_reports / "reports" / "duinrand" / "dementienetwerk.html").visible
    body = report[:report.rindex("Bijlage A: Begrippenlijst")]
    for jargon in ("placebotoets", "randomisatie-inferentie", "verschil-in-verschillen", "marge", "startgroep",
                   "monitoring", "mediaan", "verdeeld"):
        assert jargon in body.lower() and jargon in TERMS, jargon


def test_event_time_captions_name_the_real_reference_and_comment_off_zero_points(built_reports):
    dementia = read(built_reports / "reports" / "duinrand" / "dementienetwerk.html").visible
    assert "ijkpunt" not in dementia
    assert "Voor de start vergelijkt elk punt een jaar met het jaar ervoor" in dementia
    assert "0 = het eerste jaar met het initiatief" in dementia and "de eerste jaar" not in dementia
    assert "liggen 2 punten duidelijk naast nul: −7 (+9,5 per 1.000 inwoners 75+) en −6 (−7,7 per" in dementia
    assert "in het eerste jaar" not in dementia and "in het startjaar −2,9" in dementia
    one = read(built_reports / "reports" / "polderoost" / "proeftuin-hart.html").visible
    assert "0 = het startjaar, deels met initiatief" in one and "Vergelijkingspunt is −1" in one
    assert "Voor de start wijkt geen afzonderlijk punt duidelijk af van nul (alle 95%-marges bevatten nul); gelijke " \
           "trends zijn daarmee niet bewezen" in one  # randomisation bands, and what they do not prove
    assert "wild cluster bootstrap niet als tweede mening" in one  # and the methods say why


def test_per_municipality_lines_only_where_all_municipalities_together_show_an_effect(built_reports):
    report = read(built_reports / "reports" / "lindeland" / "samen-indiceren.html").visible
    body = report[:report.rindex("Bijlage A: Begrippenlijst")]
    body = body[body.rindex("Resultaten per gemeente"):]  # the section, not its line in the contents
    assert "Wachttijd" in body and "aantoonbaar gedaald in" in body  # an effect overall: shown per municipality
    assert "Voor SEH-bezoeken per 1.000 inwoners per kwartaal en " in body  # no effect overall: one sentence
    assert "SEH-bezoeken per 1.000 inwoners per kwartaal:" not in body


def test_an_unreliable_design_shows_no_effect_size_anywhere_in_its_report(built_reports):
    folder = built_reports / "reports" / "venstreek"
    effects = json.loads((folder / "krachtige-basiszorg.summary.json").read_text(encoding="utf-8"))["effects"]
    unreliable = [e for e in effects if e["verdict"] == "onbetrouwbaar"]
    assert unreliable
    page = read(folder / "krachtige-basiszorg.html")
    estimates = next(rows for caption, rows in page.tables.items() if caption.startswith("Schattingen per indicator"))
    checks = table(page, "Onzekerheid en controles per indicator")
    for effect in unreliable:
        row = next(r for r in estimates if r[0] == effect["label"])
        assert row[1].startswith("niet te duiden") and row[2:] == ["–", "–"], row
        assert next(r for r in checks if r[0] == effect["label"])[2] == "–"  # no second margin either


def test_the_second_margin_is_in_the_bijlage_not_in_the_body(built_reports):
    page = read(built_reports / "reports" / "lindeland" / "samen-indiceren.html")
    body = page.visible[:page.visible.rindex("Bijlage A: Begrippenlijst")]
    assert "Tweede bepaling" not in body
    second = {r[0]: r[2] for r in table(page, "Onzekerheid en controles per indicator")}
    assert re.fullmatch(r"−\d+,\d tot −\d+,\d", second["Wachttijd voor een Wmo-indicatie (weken)"])


def test_who_saves_names_each_payer_once_with_its_article(built_reports):
    same = read(built_reports / "reports" / "lindeland" / "samen-indiceren.html").visible
    assert "Besparingen en extra kosten vallen allebei bij de zorgverzekeraar (Zvw)." in same
    for path in (built_reports / "reports").glob("*/*.html"):
        assert "de zorgkantoor" not in read(path).visible, path


def test_colofon_names_the_contact_and_parameters_only_apply(built_reports):
    staggered = read(built_reports / "reports" / "duinrand" / "dementienetwerk.html").visible
    single = read(built_reports / "reports" / "beekdal" / "wijkteams-samen.html").visible
    assert "Team onderzoek en evaluatie, regio Duinrand" in staggered
    assert "geen contactpersoon opgegeven" not in staggered
    assert "Vergelijkingsgroep bij gespreide start" in staggered
    assert "Vergelijkingsgroep bij gespreide start" not in single


@pytest.mark.parametrize("name", REPORTS)
def test_every_cautioned_effect_is_read_with_care_wherever_it_is_used(built_reports, name):
    folder = built_reports / "reports"
    region, initiative = name.split("/")
    effects = json.loads((folder / region / f"{initiative}.summary.json").read_text(encoding="utf-8"))["effects"]
    source = (folder / f"{name}.html").read_text(encoding="utf-8")
    report = read(folder / f"{name}.html")
    start = report.visible.index("Wat is onderzocht?")
    core = report.visible[start:report.visible.index("Het initiatief ", start)]
    money = [row[0] for row in table(report, "Wie betaalt, wie bespaart")] \
        if any(n.startswith("Wie betaalt") for n in report.tables) else []
    for effect in effects:
        if not effect["caution"]:
            continue
        assert effect["caution"] == effect["cautions"][0]
        paragraph = re.search(rf"<h3[^>]*>{re.escape(html.escape(effect['label'], quote=False))}.*?</section>",
                              source, re.S).group(0)
        assert "Lees met voorzichtigheid" in paragraph, effect["label"]
        assert "door het initiatief" not in paragraph, effect["label"]  # a cautioned effect names no cause
        if effect["assessment"] == "gunstig":  # never advised as a reason to go on without its caution
            assert not re.search(rf"{re.escape(effect['label'][:20])}[^.]*reden om door te gaan", core, re.I)
        for row in (r for r in money if r.startswith(effect["label"] + " (")):
            assert row.endswith("; lees met voorzichtigheid"), row


def test_the_most_serious_caution_leads(built_reports):
    def cautions(name):
        region, initiative = name.split("/")
        summary = built_reports / "reports" / region / f"{initiative}.summary.json"
        return {e["indicator"]: e["cautions"] for e in json.loads(summary.read_text(encoding="utf-8"))["effects"]}

    dementia, heart = cautions("duinrand/dementienetwerk"), cautions("polderoost/proeftuin-hart")
    assert dementia["overbelaste_mantelzorgers"][0] == "trends_none"  # not shown on average even with equal trends
    assert dementia["wlz_opnames_75plus"][0] == "trends_fragile"
    assert heart["verwijzingen_ziekenhuis"] == ["trends_fragile", "synthetic_unsupported", "single_unit"]
    page = read(built_reports / "reports" / "polderoost" / "proeftuin-hart.html").visible
    assert "Lees met voorzichtigheid: de synthetische controle geeft" in page


def test_a_reader_can_redo_the_sum_of_a_saving(built_reports):
    page = read(built_reports / "reports" / "lindeland" / "samen-indiceren.html")
    effect = {r[0]: r[1] for r in table(page, "Effect per indicator")}["Ziekenhuisopnames per 1.000 inwoners"]
    row = next(r for r in table(page, "Wie betaalt, wie bespaart") if r[0].startswith("Ziekenhuisopnames"))
    found = re.search(r"€\s([\d.]+) per keer, voor ([\d.]+) inwoners\)", row[0])
    price, persons = (float(x.replace(".", "")) for x in found.groups())
    per_thousand = float(re.match(r"−(\d+,\d)", effect).group(1).replace(",", "."))
    assert row[2].startswith("besparing ")  # in words, not a sign that reads like the effect's minus
    millions = float(re.search(r"€\s(\d+,\d) mln", row[2]).group(1).replace(",", "."))
    assert abs(per_thousand * persons / 1000 * price / 1e6 - millions) <= 0.05 * millions + 0.05


def test_effects_beside_a_collaboration_at_its_start_are_flagged_in_the_core_message_too(built_reports):
    flagged = {}
    for name in REPORTS:
        text = read(built_reports / "reports" / f"{name}.html").visible
        start = text.index("Wat is onderzocht?")
        core = text[start:text.index("Het initiatief ", start)]
        body = text[text.rindex("Samenhang en lessen"):]
        lesson = "Let op: er zijn effecten, terwijl de partners de samenwerking" in body
        assert ("Let op: de partners zien de samenwerking op de meeste onderwerpen nog aan het begin" in core) \
            == lesson, name
        flagged[name] = lesson
    assert flagged["lindeland/huisarts-plus"]  # partners at phase 1 in both measurements, effects shown
    assert not flagged["venstreek/krachtige-basiszorg"]  # no effect shown


def test_the_money_since_the_start_has_its_margin(built_reports):
    page = read(built_reports / "reports" / "lindeland" / "samen-indiceren.html")
    row = next(r for r in table(page, "Wie betaalt, wie bespaart") if r[0].startswith("Ziekenhuisopnames"))
    found = re.fullmatch(r"besparing € (\d+,\d) mln over (\d+) jaar \(marge € (\d+,\d) mln tot € (\d+,\d) mln\)",
                         row[4].replace("\u2060", "").replace("\u00a0", " "))
    total, low, high = (float(found.group(i).replace(",", ".")) for i in (1, 3, 4))
    assert low < total < high
