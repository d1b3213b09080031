"""Every demo report in a real browser (headless Chromium): no console errors, no request other than
the file itself, every image loaded, a screenshot saved, and printing to PDF works.

Chromium comes from Debian's packages (the README's test command installs it). Without it the test
skips with the reason, except in CI (CI=true), where it must run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from evaluatie.batch import run_batch, select

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

if CHROMIUM is None and os.environ.get("CI") != "true":
    pytest.skip("Chromium is not installed (Debian package 'chromium'); `bash run.sh test` installs it",
                allow_module_level=True)


@pytest.fixture(scope="module")
def built_reports(tmp_path_factory, demo_data):
    """All demo reports, built once into a throw-away project."""
    root = tmp_path_factory.mktemp("browser")
    project_root = Path(__file__).resolve().parents[1]
    shutil.copytree(project_root / "params", root / "params")
    shutil.copytree(project_root / "notebooks", root / "notebooks")
    (root / "data").mkdir()
    (root / "data" / "demo").symlink_to(demo_data, target_is_directory=True)
    results = run_batch(root, select(root), jobs=2, progress=lambda line: None)
    assert all(r.status == "ok" for r in results), [r.error for r in results]
    return root


def test_reports_open_offline_without_errors(built_reports, tmp_path):
    from playwright.sync_api import sync_playwright

    pages = sorted((built_reports / "reports").rglob("*.html"))
    assert len(pages) == 14  # 7 reports, 6 region overviews and the index
    screenshots = Path(os.environ.get("EVALUATIE_SCREENSHOTS", tmp_path))
    screenshots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=FLAGS, headless=True)
        for path in pages:
            page = browser.new_page()
            problems, requests = [], []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            assert problems == [], f"{path.name}: {problems}"
            outside = [u for u in requests if u != path.as_uri() and not u.startswith("data:")]
            assert outside == [], f"{path.name} requested {outside}"
            broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
            assert broken == 0, f"{path.name}: {broken} images did not load"
            shot = screenshots / f"{path.parent.name}-{path.stem}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            if path.name != "index.html" or path.parent.name != "reports":
                pdf = page.pdf(format="A4")
                assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
            page.close()
        browser.close()
