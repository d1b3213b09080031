"""Printed A4 pages and words per initiative report, in headless Chromium; prints figures, asserts nothing.

The budget of a steering-group report: the main body (everything before the bijlagen) at most
``PAGE_BUDGET`` printed A4 pages and ``WORD_BUDGET`` words. The bijlagen are the notebook cells tagged
``bijlage`` (the page shows them with the class ``celltag_bijlage``); a report without them counts whole.

Run:  python benchmarks/report_pages.py [reports] [--before OLD_REPORTS]
``--before`` names a reports folder built from an older commit, e.g.
    git worktree add ../old <commit> && (cd ../old && bash run.sh reports)
    python benchmarks/report_pages.py reports --before ../old/reports
The browser test imports ``measure`` from here, so the test and this script count the same way.
"""

from __future__ import annotations

import argparse
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

PAGE_BUDGET = 12
WORD_BUDGET = 2500
# The bijlagen: their cells whole (an emptied cell box left behind would print as a blank page).
APPENDIX = ".celltag_bijlage, .jp-Cell:has(.celltag_bijlage)"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

_WORDS = """(selector) => {
  const body = document.body.cloneNode(true);
  if (selector) body.querySelectorAll(selector).forEach(e => e.remove());
  body.querySelectorAll('style, script').forEach(e => e.remove());
  const holder = document.createElement('div');
  holder.style.position = 'absolute'; holder.style.left = '-99999px';
  holder.appendChild(body); document.documentElement.appendChild(holder);
  const text = body.innerText; holder.remove();
  return text.split(/\\s+/).filter(w => /[\\p{L}\\p{N}]/u.test(w)).length;
}"""


@dataclass(frozen=True)
class Measure:
    pages: int  # the whole report printed on A4
    words: int
    main_pages: int  # without the bijlagen
    main_words: int

    @property
    def within_budget(self) -> bool:
        return self.main_pages <= PAGE_BUDGET and self.main_words <= WORD_BUDGET


def pdf_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(page) -> Measure:
    """Pages and words of the report open in ``page`` (a Playwright page), whole and without the bijlagen."""
    pages = pdf_pages(page.pdf(format="A4", print_background=True))
    words = page.evaluate(_WORDS, "")
    main_words = page.evaluate(_WORDS, APPENDIX)
    style = page.add_style_tag(content=f"{APPENDIX} {{ display: none !important; }}")
    main_pages = pdf_pages(page.pdf(format="A4", print_background=True))
    style.evaluate("node => node.remove()")
    return Measure(pages, words, main_pages, main_words)


def initiative_reports(folder: Path) -> list[Path]:
    """reports/<region>/<initiative>.html, without the region overviews and data audits."""
    return sorted(p for p in folder.glob("*/*.html") if p.name != "index.html" and not p.stem.endswith("-data-audit"))


def measure_folder(folder: Path) -> dict[str, Measure]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    out = {}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(profile, executable_path=chromium, args=FLAGS,
                                                                headless=True)
        for path in initiative_reports(folder):
            page = browser.new_page()
            page.goto(path.as_uri(), wait_until="load")
            out[f"{path.parent.name}/{path.stem}"] = measure(page)
            page.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="?", type=Path, default=Path("reports"))
    parser.add_argument("--before", type=Path, help="reports folder built from an older commit")
    args = parser.parse_args()
    after = measure_folder(args.reports.resolve())
    before = measure_folder(args.before.resolve()) if args.before else {}
    print(f"budget for the main body: at most {PAGE_BUDGET} A4 pages and {WORD_BUDGET} words")
    head = f"{'report':34} {'before: pages':>13} {'words':>6}   {'after: main pages':>17} {'words':>6} " \
           f"{'all pages':>9} {'words':>6}  budget"
    print(head)
    for name in sorted(set(after) | set(before)):
        old, new = before.get(name), after.get(name)
        left = f"{old.pages:>13} {old.words:>6}" if old else f"{'–':>13} {'–':>6}"
        right = (f"{new.main_pages:>17} {new.main_words:>6} {new.pages:>9} {new.words:>6}  "
                 f"{'within' if new.within_budget else 'OVER'}") if new else ""
        print(f"{name:34} {left}   {right}")


if __name__ == "__main__":
    main()
