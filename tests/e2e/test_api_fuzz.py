"""schemathesis against a real server's served OpenAPI document: whatever it sends, no answer
is a 5xx, and every answer's status, content type and body are the documented ones. Signed in
as a manager (session cookie and CSRF header), so that staff endpoints are exercised beyond
401; the kiosk's endpoints also with its device token. The server's rate limits are off
(NO_LIMITS)."""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from queue_service.ratelimit import DEFAULT_LIMITS
from tests.e2e.conftest import database_for
from tests.support.liveserver import LiveServer

pytestmark = pytest.mark.server
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Enough to meet every operation's edge cases, few enough for the whole run to take about a
# minute on a loaded machine.
EXAMPLES = 12
KNOWN = {
    "sites": ["bootle"],
    "services": ["CT", "HOU", "BEN"],
    "periods": ["2026Q4", "2026-11", "2026-W48", "2026-11-24"],
    "weekdays": ["tue", "sat"],
}
BOUND = [
    ("query", "site", "sites"),
    ("body", "service", "services"),
    ("query", "period", "periods"),
    ("query", "weekday", "weekdays"),
]
# Every case reaches its view: left on, the sign-in lockout and the kiosk's limit would turn
# the later cases of those operations into 429s that test nothing else (as EXAMPLES grows).
# test_limits drives each limit to its 429 and checks it against the document.
NO_LIMITS = {f"RATE_LIMIT_{name.upper()}": "0" for name in DEFAULT_LIMITS}
KIOSK_OPERATIONS = ("/sites/{site}/tickets", "/sites/{site}/check-in", "/sites/{site}/board")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    with LiveServer(database_for(request.param, tmp_path), tmp_path, **NO_LIMITS) as server:
        yield server


@pytest.fixture(scope="module")
def manager(fuzzed: LiveServer) -> requests.Session:
    return fuzzed.session("bootle-manager")


@pytest.fixture(scope="module")
def pinned(fuzzed: LiveServer, manager: requests.Session) -> dict[str, object]:
    """Path parameters pinned to things that exist: a random site, desk, visit or ticket would
    only ever meet 404, which test_bad_input covers."""
    desk = fuzzed.desk_ids(manager)["Desk 1"]
    visit = manager.post(f"{fuzzed.url}/api/v1/sites/bootle/tickets", json={"service": "CT"})
    visit.raise_for_status()
    return {"site": "bootle", "desk_id": desk, "visit_id": visit.json()["id"],
            "token": visit.json()["token"]}  # fmt: skip


def fuzz(
    server: LiveServer,
    pinned: dict[str, object],
    *,
    paths: tuple[str, ...] | None = None,
    **transport: object,
) -> list[str]:
    """Run every operation of the served document (or those at `paths`) with positive and
    negative cases; the failures, one line per operation and mode."""
    config = schemathesis.Config.from_dict(
        {
            "generation": {"max-examples": EXAMPLES},
            # Real values, drawn often but not always, so that cases get past "unknown service".
            "dictionaries": {name: {"values": values} for name, values in KNOWN.items()},
            "parameters": {
                f"{where}.{field}": {"dictionary": name, "probability": 0.7}
                for where, field, name in BOUND
            },
        }
    )
    api = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json", config=config)
    failures = []
    for result in api.get_all_operations():
        operation = result.ok()
        # Signing out would end the manager's session for every later case.
        if operation.path == "/auth/logout" or (paths and operation.path not in paths):
            continue
        names = {p.name for p in operation.path_parameters}
        values = {k: v for k, v in pinned.items() if k in names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis.given(case=operation.as_strategy(mode, path_parameters=values))
            @SETTINGS
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(base_url=f"{server.url}/api/v1", checks=CHECKS, **transport)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                pass  # nothing in the operation can be made invalid (GET /sites)
            except (AssertionError, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} ({mode.value}): {_first_lines(exc)}")
    return failures


def _first_lines(exc: BaseException) -> str:
    return " / ".join(line.strip() for line in str(exc).splitlines()[:14] if line.strip())


SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
    derandomize=True,
)


def test_staff_calls_answer_as_documented(
    fuzzed: LiveServer, manager: requests.Session, pinned: dict[str, object]
) -> None:
    failures = fuzz(fuzzed, pinned, session=manager)
    assert failures == [], "\n".join(failures)


def test_kiosk_calls_answer_as_documented(fuzzed: LiveServer, pinned: dict[str, object]) -> None:
    kiosk = {"Authorization": f"Bearer {fuzzed.token('bootle', 'kiosk')}"}
    failures = fuzz(fuzzed, pinned, paths=KIOSK_OPERATIONS, headers=kiosk)
    assert failures == [], "\n".join(failures)
