"""A live admin server (waitress in a thread) and a headless Debian chromium for browser tests.

Browser tests skip with the reason when /usr/bin/chromium or the ``playwright`` package is
missing; ``playwright install`` is never needed (we drive the system chromium).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def require_browser() -> None:
    """Skip the calling test when no browser can be driven here."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright)")


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` with waitress on a free loopback port; yields the base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="safezone-test")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[object]:
    """A headless chromium browser (Playwright sync API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless"])
        try:
            yield browser
        finally:
            browser.close()


def serious_violations(page) -> list[dict]:
    """Run the vendored axe-core on ``page``; return serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
