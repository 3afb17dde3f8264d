"""The lobby display (display_ui) in Debian's Chromium against a real seeded server: calls
appear at once and are announced in order (speech recorded by a stand-in for the browser's
`speechSynthesis`, which headless Chromium cannot voice), the screen says when it is offline
and recovers by itself, 10,000 pushes leave its DOM and heap bounded, and both layouts are
accessible, with screenshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    describe,
    new_context,
    requires_browser,
    screenshot,
    watch,
)
from tests.support.liveserver import LiveServer

pytestmark = requires_browser

API = "/api/v1"
LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
WAIT_MS = 15_000
# Socket.IO retries with growing delays (up to 5 s, randomised), after a server start of its own.
RECONNECT_MS = 30_000

# Headless Chromium has no voices: this stand-in records each utterance and "speaks" it for
# SPEAK_MS, so that a second call arriving meanwhile really has to wait its turn. Speaking
# over an utterance that is still going, or cancelling one, is recorded as a problem.
SPEECH = """(() => {
    const speakMs = SPEAK_MS;
    window.spoken = [];
    window.speechProblems = [];
    let speaking = false;
    window.SpeechSynthesisUtterance = class {
        constructor(text) { Object.assign(this, { text, lang: "", voice: null }); }
    };
    const voices = [
        { name: "Test English", lang: "en-GB" }, { name: "Test Polish", lang: "pl-PL" },
    ];
    const synthesis = {
        getVoices: () => voices,
        speak(utterance) {
            if (speaking) window.speechProblems.push(`spoke over: ${utterance.text}`);
            speaking = true;
            window.spoken.push([utterance.text, utterance.lang]);
            setTimeout(() => { speaking = false; utterance.onend?.({}); }, speakMs);
        },
        cancel() { window.speechProblems.push("cancelled"); },
        get speaking() { return speaking; },
    };
    Object.defineProperty(window, "speechSynthesis", { value: synthesis, configurable: true });
})();"""


def speech(speak_ms: int) -> str:
    return SPEECH.replace("SPEAK_MS", str(speak_ms))


def open_display(
    browser: Browser,
    server: LiveServer,
    *,
    viewport: dict[str, int] = LANDSCAPE,
    query: str = "",
    speak_ms: int = 300,
) -> tuple[BrowserContext, Page, list[str]]:
    """A paired lobby display, live, with speech recorded; and the page's errors."""
    context = new_context(browser, server.url, viewport=viewport)
    context.add_init_script(speech(speak_ms))
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors = watch(page)
    page.goto(f"/display/bootle?pair={server.token('bootle', 'display')}{query}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    return context, page, errors


@pytest.fixture
def display(browser: Browser, demo_server: LiveServer) -> Iterator[Page]:
    context, page, errors = open_display(browser, demo_server)
    yield page
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def adviser(demo_server: LiveServer) -> Adviser:
    return Adviser(demo_server)


class Adviser:
    """The demo adviser working through the API: tickets, desks, calls."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.http = server.session("bootle-adviser")
        self.desks = server.desk_ids(self.http)

    def post(self, path: str, expected: int = 200, **body: Any) -> Any:
        response = self.http.post(f"{self.server.url}{API}{path}", json=body, timeout=10)
        assert response.status_code == expected, response.text
        return response.json() if response.content else None

    def ticket(self, service: str, language: str | None = None) -> Any:
        body = {"service": service} | ({"language": language} if language else {})
        return self.post("/sites/bootle/tickets", 201, **body)

    def open(self, *desks: str) -> None:
        for desk in desks:
            self.post(f"/desks/{self.desks[desk]}/open")

    def call_next(self, desk: str) -> Any:
        return self.post(f"/desks/{self.desks[desk]}/call-next")

    def no_show(self, visit: Any) -> None:
        self.post(f"/visits/{visit['id']}/no-show")


def announced(page: Page, count: int) -> list[list[str]]:
    page.wait_for_function("(count) => window.spoken.length >= count", arg=count, timeout=60_000)
    spoken: list[list[str]] = page.evaluate("() => window.spoken")
    return spoken


def spelt(number: str) -> str:
    return " ".join(number)


def test_a_call_appears_within_a_second_of_call_next(display: Page, adviser: Adviser) -> None:
    adviser.open("Desk 1")
    adviser.ticket("CT")

    visit = adviser.call_next("Desk 1")

    # The one timing bound the issue sets: shown within 1 s of the call being made.
    latest = display.locator("#latest")
    expect(latest.locator(".display-latest__number")).to_have_text(visit["number"], timeout=1000)
    expect(latest).to_contain_text("Please go to Desk 1")
    # The flash, which needs no sound.
    expect(latest).to_have_class("display-latest is-new")
    assert announced(display, 1) == [
        [f"Ticket {spelt(visit['number'])}, please go to Desk 1", "en-GB"]
    ]
    adviser.no_show(visit)


def test_five_calls_in_quick_succession_are_all_shown_and_announced_in_order(
    display: Page, adviser: Adviser
) -> None:
    adviser.open("Desk 1", "Desk 2", "Desk 3", "Desk 4")
    languages = {}
    for service, language in [("GEN", "pl"), ("BEN", None), ("HOU", "ur"), ("GEN", None)]:
        languages[adviser.ticket(service, language)["number"]] = language
    languages[adviser.ticket("GEN")["number"]] = None

    calls = [adviser.call_next(desk) for desk in ("Desk 1", "Desk 2", "Desk 3", "Desk 4")]
    adviser.no_show(calls[0])
    calls.append(adviser.call_next("Desk 1"))
    recalled = adviser.post(f"/visits/{calls[1]['id']}/recall")

    def expected(visit: Any) -> list[str]:
        number, desk = spelt(visit["number"]), visit["desk"]
        if languages[visit["number"]] == "pl":  # "ur": no voice and no words for it, English
            return [f"Numer {number}, prosimy podejść do: {desk}", "pl-PL"]
        return [f"Ticket {number}, please go to {desk}", "en-GB"]

    assert announced(display, 6) == [expected(v) for v in [*calls, recalled]]
    assert display.evaluate("() => window.speechProblems") == []
    shown = display.locator("#latest").inner_text() + display.locator("#recent").inner_text()
    assert all(call["number"] in shown for call in calls), shown
    expect(display.locator("#latest")).to_contain_text(recalled["number"])
    expect(display.locator("#latest")).to_contain_text("Called again")
    for visit in calls[1:]:
        adviser.no_show(visit)


def test_offline_the_screen_says_so_and_after_a_restart_it_recovers_by_itself(
    browser: Browser, demo_server: LiveServer, adviser: Adviser
) -> None:
    adviser.open("Desk 1")
    context, page, errors = open_display(browser, demo_server, query="&offline_after=2")
    services = page.locator("#services")
    expect(services).to_contain_text("min")  # the demo's desks are open: estimates show

    demo_server.stop()
    expect(page.locator("#offline")).to_contain_text("This screen lost its connection")
    expect(page.locator("#connection")).to_have_attribute("data-state", "reconnecting")
    expect(services).not_to_contain_text("min")
    expect(services).to_contain_text("Not known now")

    # Meanwhile another server process (of a deployment with several) takes a call, which
    # this screen cannot hear: it is shown and announced from the fresh snapshot's recent calls.
    instance = Path(demo_server.env["QUEUE_INSTANCE_DIR"])
    with LiveServer(demo_server.env["DATABASE_URL"], instance, seed=False) as other:
        elsewhere = Adviser(other)
        elsewhere.ticket("CT")
        visit = elsewhere.call_next("Desk 1")
    demo_server.start()

    connection = page.locator("#connection")
    expect(connection).to_have_attribute("data-state", "live", timeout=RECONNECT_MS)
    expect(page.locator("#offline")).to_be_hidden()
    expect(services).to_contain_text("min")
    expect(page.locator("#latest")).to_contain_text(visit["number"])
    assert announced(page, 1)[-1][0] == f"Ticket {spelt(visit['number'])}, please go to Desk 1"
    adviser.no_show(visit)
    context.close()
    assert errors == []


# Synthetic pushes handed to the display's connection exactly as its socket hands them
# (live.js `receive`): a busy day's changes (calls, counts, a notice, appointments) at one
# call a second, repeating every 100 versions so that the last push has the shape of the first;
# a `called` push before every tenth board (the other calls reach the screen through the
# board's recent calls, as calls missed while reconnecting do).
PUSH = """async ({ base, start, count }) => {
    const { live } = await import("/display/static/display.js");
    const origin = Date.now();
    const at = (seconds) => new Date(origin + seconds * 1000).toISOString();
    for (let version = start; version < start + count; version++) {
        const step = version % 100;
        const recent = Array.from({ length: 10 }, (_, i) => ({
            number: `C${String((version - i) % 1000).padStart(3, "0")}`,
            desk: `Desk ${1 + ((version - i) % 4)}`,
            service: "Council Tax",
            called_at: at(version - i),
        }));
        if (version % 10 === 0) {
            live.receive("called", { ...recent[0], site: base.site.slug, at: recent[0].called_at,
                                     language: null, recall: false });
        }
        live.receive("board", {
            ...base, version, generated_at: at(version + 0.5), recent,
            calling: recent.slice(0, 4).map((call) => ({ ...call, status: "called" })),
            services: base.services.map((service, i) => ({ ...service, waiting: (step + i) % 30 })),
            notice: step % 2 ? { message: `Busy ${step}`, estimated_wait_min: step,
                                 posted_at: at(version) } : null,
            appointments_due: Array.from({ length: step % 7 }, (_, j) => ({
                number: j % 2 ? `B${String(j).padStart(3, "0")}` : null,
                label: "Benefits appointment", service: "BEN",
                scheduled_at: at(version + 60 * j), checked_in: j % 2 === 1 })),
        });
        // Let timers, animations and the event loop run between bursts, as on a real screen.
        if (version % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
}"""


def footprint(page: Page) -> tuple[int, int]:
    """DOM elements and JS heap bytes after a full garbage collection."""
    page.evaluate("() => { window.gc(); window.gc(); }")
    nodes, heap = page.evaluate(
        "() => [document.getElementsByTagName('*').length, performance.memory.usedJSHeapSize]"
    )
    return nodes, heap


def test_ten_thousand_pushes_leave_the_dom_and_the_heap_bounded(
    browser: Browser, demo_server: LiveServer
) -> None:
    # A Chromium of its own, whose pages may force a garbage collection and read exact sizes.
    measuring = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_ARGS, "--js-flags=--expose-gc", "--enable-precise-memory-info"],
    )
    context, page, errors = open_display(measuring, demo_server, speak_ms=0)
    base = requests.get(f"{demo_server.url}{API}/sites/bootle/board", timeout=10).json()
    start = base["version"] + 1

    page.evaluate(PUSH, {"base": base, "start": start, "count": 200})
    before = footprint(page)
    page.evaluate(PUSH, {"base": base, "start": start + 200, "count": 10_000})
    after = footprint(page)

    print(
        f"\ndisplay after 200 pushes: {before[0]} elements, {before[1]:,} heap bytes;"
        f" after 10,000 more: {after[0]} elements, {after[1]:,} heap bytes"
    )
    assert page.evaluate("() => Number(document.body.dataset.version)") == start + 10_199
    context.close()
    measuring.close()
    assert errors == []
    assert after[0] == before[0]
    assert after[1] < before[1] + 1_000_000


@pytest.mark.parametrize(("layout", "viewport"), [("landscape", LANDSCAPE), ("portrait", PORTRAIT)])
def test_both_layouts_are_accessible_with_and_without_a_delay_notice(
    browser: Browser, demo_server: LiveServer, adviser: Adviser, layout: str, viewport: Any
) -> None:
    busy_day(adviser)
    context, page, errors = open_display(browser, demo_server, viewport=viewport)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bootle One Stop Shop")
    expect(page.locator("#clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(page.locator("#appointments")).to_contain_text("Benefits appointment")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    screenshot(page, f"display-{layout}")

    message = "Due to high demand waits are about 35 minutes — sorry"
    adviser.post("/sites/bootle/notices", 201, message=message, estimated_wait_min=35)
    expect(page.locator("#notice")).to_contain_text(message)
    expect(page.locator("#notice")).to_contain_text("Waits are about 35 minutes")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    screenshot(page, f"display-{layout}-notice")
    response = adviser.http.delete(f"{demo_server.url}{API}/sites/bootle/notices", timeout=10)
    assert response.ok, response.text
    expect(page.locator("#notice")).to_be_hidden()
    context.close()
    assert errors == []


def busy_day(adviser: Adviser) -> None:
    """A morning's worth of tickets, calls and appointments to draw (once per module)."""
    if adviser.http.get(f"{adviser.server.url}{API}/sites/bootle/board").json()["appointments_due"]:
        return
    adviser.open("Desk 1", "Desk 2", "Desk 3", "Desk 4")
    for service in ["CT", "BEN", "HOU", "CT", "GEN", "BBP", "CT", "TAXI", "BEN", "CT", "HOU"]:
        adviser.ticket(service)
    for desk in ("Desk 1", "Desk 2", "Desk 3"):
        adviser.call_next(desk)
    soon = datetime.now(UTC) + timedelta(minutes=20)
    for minutes in (0, 10):
        at = (soon + timedelta(minutes=minutes)).isoformat()
        adviser.post("/sites/bootle/appointments", 201, service="BEN", scheduled_at=at)
