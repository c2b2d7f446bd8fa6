"""End-to-end tests in Debian's Chromium, driven by Playwright (no browser download)."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service

# Sync Playwright runs an event loop in the test thread; Django must still allow the ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        require_service("Chromium", "install Debian's chromium package (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": PHONE}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("E2E_SCREENSHOTS", Path(__file__).parent / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shoot(page, screenshots):
    def take(name: str, target=None):
        (target or page).screenshot(path=screenshots / f"{name}.png", full_page=True)

    return take
