"""Browser-test support for every front end: Debian's Chromium through Playwright (never a
browser Playwright downloads), axe-core from npm, and screenshots in a git-ignored folder.

The fixtures built on these live in tests/e2e/conftest.py (`browser`, `demo_server`, `page`);
a test module marks itself with `pytestmark = requires_browser`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SOCKETIO_JS = ROOT / "queue_service/static/vendor/socket.io.esm.min.js"
AXE_JS = ROOT / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = ROOT / "tests/screenshots"
SERIOUS = ("serious", "critical")

requires_browser = [
    pytest.mark.server,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
    pytest.mark.skipif(
        not SOCKETIO_JS.exists(),
        reason=f"{SOCKETIO_JS} is missing: run `make test` (or `make vendor`, which runs npm ci)",
    ),
]


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with the flags that keep it quiet and sandbox-free."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def new_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    """A fresh browser profile on `base_url` (relative `page.goto("/kiosk/bootle")` works),
    with axe-core preloaded into every page: the pages' Content-Security-Policy forbids
    inline scripts, so axe comes in as an init script, which the policy does not govern.
    `options` go to `browser.new_context` (`locale="pl-PL"`, `viewport=…`)."""
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: run `make vendor` (npm ci)")
    context = browser.new_context(base_url=base_url, **options)
    context.add_init_script(path=str(AXE_JS))
    return context


def watch(page: Page) -> list[str]:
    """Collect the page's uncaught errors and Content-Security-Policy violations; the list
    fills as the page runs (assert it is empty at the end)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; the violations of the given impacts (serious
    and critical by default), each as axe reports it (`id`, `impact`, `help`, `nodes`…).
    The page must come from `new_context` (or a context with `bypass_csp=True`)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await window.axe.run(document)).violations"
    )
    return [v for v in violations if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    """Axe violations as readable lines, for an assertion message."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
    )


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save the page as tests/screenshots/<name>.png (git-ignored); returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
