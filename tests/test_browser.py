"""Every page the demo builds, in a real browser (headless Chromium), as its readers see it: on a screen, on a
phone (390 px) and printed on A4.

Checked for every page (7 reports, 6 region overviews, reports/index.html and a data audit): no console error
and no request other than the file itself; axe-core finds no accessibility violation; no horizontal scrolling
at 390 px; chart text at least 11 px at 390 px; every image has an alt text that states data; printed, no two
boxes overlap and none is cut off at the page edge; no heading is the last line of a printed page. For every
initiative report: the main body within the budget of ``benchmarks/report_pages.py`` (which counts the same way).

Chromium comes from Debian's packages (the README's test command installs it). Without it the test skips with
the reason, except in CI (CI=true), where it must run. axe-core comes with the dev dependency
axe-playwright-python (installed by ``bash run.sh test``), never from the network.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI") != "true":
    pytest.skip("Chromium is not installed (Debian package 'chromium'); `bash run.sh test` installs it",
                allow_module_level=True)

pytestmark = pytest.mark.xdist_group("reports")
ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("report_pages", ROOT / "benchmarks" / "report_pages.py")
report_pages = sys.modules.setdefault("report_pages", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(report_pages)

PHONE = 390
MIN_CHART_TEXT_PX = 11
A4_CONTENT_PX = round((210 - 2 * 16) / 25.4 * 96)  # the print stylesheet's page width minus its margins


@pytest.fixture(scope="module")
def pages(built_reports) -> list[Path]:
    found = sorted((built_reports / "reports").rglob("*.html"))
    assert len(found) == 15, [p.name for p in found]  # 7 reports, 6 region overviews, the index, one data audit
    return found


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM,
                                                                args=report_pages.FLAGS, headless=True)
        yield context
        context.close()


def _open(browser, path: Path, width: int = 1100):
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path.as_uri(), wait_until="load")
    return page


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_pages_open_offline_without_errors(browser, pages, tmp_path):
    screenshots = Path(os.environ.get("EVALUATIE_SCREENSHOTS", tmp_path))
    screenshots.mkdir(parents=True, exist_ok=True)
    for path in pages:
        page = browser.new_page()
        problems, requests = [], []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        assert problems == [], f"{_name(path)}: {problems}"
        outside = [u for u in requests if u != path.as_uri() and not u.startswith("data:")]
        assert outside == [], f"{_name(path)} requested {outside}"
        broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
        assert broken == 0, f"{_name(path)}: {broken} images did not load"
        shot = screenshots / f"{path.parent.name}-{path.stem}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        page.close()


def test_axe_finds_no_accessibility_violation(browser, pages):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for path in pages:
        page = _open(browser, path)
        results = axe.run(page)
        if results.violations_count:
            found[_name(path)] = results.generate_snapshot()
        page.close()
    assert found == {}


def test_no_horizontal_scrolling_at_phone_width(browser, pages):
    for path in pages:
        page = _open(browser, path, PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(f"""[...document.querySelectorAll('body *')].filter(e => {{
            const r = e.getBoundingClientRect(); return r.width > 0 && r.right > {PHONE} + 1; }})
            .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
        assert width <= PHONE and wide == [], f"{_name(path)}: {width} px wide, {wide}"
        page.close()


def _smallest_font(svg: str) -> float:
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    return min(sizes) if sizes else float("inf")


def test_chart_text_readable_at_phone_width(browser, pages):
    checked = 0
    for path in pages:
        page = _open(browser, path, PHONE)
        images = page.evaluate("""[...document.images].map(i => ({src: i.src, width: i.getBoundingClientRect().width}))""")
        for image in images:
            assert image["src"].startswith("data:image/svg+xml;base64,"), f"{_name(path)}: not an SVG figure"
            svg = base64.b64decode(image["src"].split(",", 1)[1]).decode("utf-8")
            view_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', svg).group(1))
            shown = _smallest_font(svg) * image["width"] / view_width
            assert shown >= MIN_CHART_TEXT_PX, f"{_name(path)}: chart text {shown:.1f} px at {PHONE} px"
            checked += 1
        page.close()
    assert checked > 30


def test_every_image_has_alt_text_that_states_its_data(browser, pages):
    for path in pages:
        page = _open(browser, path)
        for alt in page.evaluate("[...document.images].map(i => i.getAttribute('alt'))"):
            assert alt and len(alt) > 60, f"{_name(path)}: alt text {alt!r}"
            assert len(re.findall(r"\d", alt)) >= 3, f"{_name(path)}: alt text without numbers: {alt!r}"
        page.close()


BOXES = """(width) => {
  const leaves = [...document.querySelectorAll('p, li, h1, h2, h3, h4, th, td, caption, figcaption, img, dt, dd')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  const boxes = leaves.map(e => ({e, r: e.getBoundingClientRect()}));
  const problems = [];
  for (const {e, r} of boxes) {
    if (r.right > width + 1 || r.left < -1) problems.push('cut off: ' + e.tagName + ' ' + e.textContent.slice(0, 40));
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 1 && y > 1) problems.push('overlap: ' + a.e.tagName + ' "' + a.e.textContent.slice(0, 30) + '" and '
                                        + b.e.tagName + ' "' + b.e.textContent.slice(0, 30) + '"');
    }
  }
  return problems.slice(0, 5);
}"""


def test_printed_boxes_neither_overlap_nor_are_cut_off(browser, pages):
    """Laid out as printed (print stylesheet, A4 content width): element boxes, pairwise."""
    for path in pages:
        page = _open(browser, path, A4_CONTENT_PX)
        page.emulate_media(media="print")
        problems = page.evaluate(BOXES, A4_CONTENT_PX)
        assert problems == [], f"{_name(path)}: {problems}"
        page.close()


def _page_lines(pdf: bytes) -> list[list[str]]:
    from pypdf import PdfReader

    footer = re.compile(r"^pagina \d+ van \d+$|: evaluatierapport$")
    return [[line.strip() for line in (p.extract_text() or "").splitlines() if line.strip() and not footer.search(line.strip())]
            for p in PdfReader(io.BytesIO(pdf)).pages]


def test_no_heading_ends_a_printed_page(browser, pages):
    for path in pages:
        page = _open(browser, path)
        headings = [h.strip() for h in page.evaluate("[...document.querySelectorAll('h2, h3, h4')].map(h => h.innerText)")]
        printed = _page_lines(page.pdf(format="A4", print_background=True))
        for number, lines in enumerate(printed[:-1], start=1):
            if lines:
                last = lines[-1]
                assert not any(h == last or (len(last) > 12 and h.endswith(last)) for h in headings), \
                    f"{_name(path)}: page {number} ends with the heading {last!r}"
        page.close()


def test_main_body_within_the_page_and_word_budget(browser, built_reports):
    reports = report_pages.initiative_reports(built_reports / "reports")
    assert len(reports) == 7
    over = {}
    for path in reports:
        page = _open(browser, path)
        measured = report_pages.measure(page)
        assert measured.pages > measured.main_pages > 0
        if not measured.within_budget:
            over[_name(path)] = measured
        page.close()
    assert over == {}, over
