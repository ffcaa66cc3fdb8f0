"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Each module is marked ``e2e`` and left out of ``make test``; ``make e2e`` (and CI) runs them. Each step's
screenshot is saved under var/e2e/<test>/, so a failure in CI leaves what the browser saw.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "e2e"
DOCUMENTED = Path(settings.BASE_DIR) / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    # Playwright's sync API runs an event loop in this thread; the test's own database
    # calls around it are ordinary synchronous ones.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_site(live_server, settings):
    # The live server speaks plain HTTP on localhost.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return live_server.url


@pytest.fixture
def shots(request):
    """``shots(page, name)`` saves the page as var/e2e/<test>/<nn>-<name>.png; with
    ``document=True`` also as docs/screenshots/<name>.png."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    count = iter(range(1, 100))

    def take(page, name: str, *, document: bool = False) -> Path:
        path = folder / f"{next(count):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if document:
            # A page docs/backoffice.md shows: kept in the repository under its name.
            shutil.copyfile(path, DOCUMENTED / f"{name}.png")
        return path

    return take
