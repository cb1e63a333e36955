"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

Never a downloaded browser: /usr/bin/chromium or nothing. Without it the tests skip with a reason,
except under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, Request, Response

# Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to run
# next to it. The test code only touches the database between browser steps.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = "127.0.0.1"
TIMEOUT_MS = 10_000


# --- live server on 127.0.0.1 ---------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The live server, bound to 127.0.0.1 (not "localhost", which may resolve to ::1)."""
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or LOOPBACK
    server = LiveServer(addr)
    yield server
    server.stop()


# --- Chromium ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """One Playwright driver for the session (or a skip when there is no Chromium)."""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium); browser tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI=true forbids skipping them")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    instance = manager.start()
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    chromium = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()


@dataclass
class Traffic:
    """Every request the page made and every response it got, in order."""

    requests: list[str] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def off_loopback(self) -> list[str]:
        """Return requests that went (or tried to go) anywhere but 127.0.0.1."""
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:", "about:"))
            and urlsplit(url).hostname != LOOPBACK
        ]


@pytest.fixture
def traffic() -> Traffic:
    """The current test's record of network traffic."""
    return Traffic()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator:
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _screenshot_path(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
    return Path(request.config.rootpath) / "test-results" / f"{name}.png"


@pytest.fixture
def page(
    browser: Browser, live_server: Any, traffic: Traffic, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh page of a fresh context, as a Thai reader's browser (Accept-Language: th).

    Requests that would leave 127.0.0.1 are recorded and aborted, never sent. On failure a
    full-page screenshot goes to test-results/.
    """
    context = browser.new_context(
        base_url=live_server.url, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)

    def _record(req: Request) -> None:
        traffic.requests.append(req.url)

    def _responded(resp: Response) -> None:
        traffic.responses.append((resp.url, resp.status))

    def _guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname == LOOPBACK:
            route.continue_()
        else:
            traffic.blocked.append(url)
            route.abort("blockedbyclient")

    context.on("request", _record)
    context.on("response", _responded)
    context.route("**/*", _guard)
    tab = context.new_page()
    try:
        yield tab
    finally:
        call_report = getattr(request.node, "rep_call", None)
        if call_report is not None and call_report.failed:
            path = _screenshot_path(request)
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                tab.screenshot(path=str(path), full_page=True)
            except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the failure
                print(f"could not save screenshot {path}: {exc}")  # noqa: T201
            else:
                print(f"screenshot saved to {path}")  # noqa: T201
        context.close()
