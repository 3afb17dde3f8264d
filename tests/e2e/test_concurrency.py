"""Concurrency against a real `queue-service serve` process (SQLite and PostgreSQL).

Many clients issuing tickets at once get distinct, consecutive numbers; desks calling
at once never share a visit; a retried Idempotency-Key replays the first answer; requests
queued behind the site lock decide on what the one before them committed."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Connection, text

from queue_service import db
from tests.e2e.conftest import database_for
from tests.support.liveserver import LiveServer

pytestmark = pytest.mark.server

ADVISER = "bootle-adviser"
TICKETS = "/api/v1/sites/bootle/tickets"
TIMEOUT = 30


def issue(server: LiveServer, http: requests.Session, service: str, **headers: str) -> Any:
    return http.post(
        f"{server.url}{TICKETS}", json={"service": service}, headers=headers, timeout=TIMEOUT
    )


def test_200_concurrent_tickets_get_distinct_consecutive_numbers(live: LiveServer) -> None:
    threads = 20
    sessions = [live.session(ADVISER) for _ in range(threads)]
    start = threading.Barrier(threads)

    def worker(index: int) -> list[tuple[int, Any]]:
        http = sessions[index]
        start.wait(timeout=TIMEOUT)
        results = []
        for _ in range(200 // threads):
            response = issue(live, http, "CT")
            results.append((response.status_code, response.json()))
        return results

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = [r for batch in pool.map(worker, range(threads)) for r in batch]

    assert [status for status, _ in results] == [201] * 200, [
        body for status, body in results if status != 201
    ][:5]
    numbers = sorted(body["number"] for _, body in results)
    assert numbers == [f"C{n:03d}" for n in range(1, 201)]
    assert len({body["id"] for _, body in results}) == 200


def test_desks_calling_at_once_never_share_a_visit(live: LiveServer) -> None:
    staff = live.session(ADVISER)
    desks = live.desk_ids(staff)
    assert sorted(desks) == ["Desk 1", "Desk 2", "Desk 3", "Desk 4"]
    for desk_id in desks.values():
        opened = staff.post(f"{live.url}/api/v1/desks/{desk_id}/open", timeout=TIMEOUT)
        assert opened.status_code == 200, opened.text

    # Every desk can serve at least one of these services.
    services = ["CT", "GEN", "HOU", "BEN"]
    issued = {}
    for i in range(40):
        response = issue(live, staff, services[i % len(services)])
        assert response.status_code == 201, response.text
        issued[response.json()["id"]] = response.json()

    start = threading.Barrier(len(desks))
    lock = threading.Lock()
    calls: list[tuple[str, int]] = []
    completed: dict[int, Any] = {}

    def serve(name: str) -> None:
        desk_id = desks[name]
        http = live.session(ADVISER)
        start.wait(timeout=TIMEOUT)
        while True:
            called = http.post(f"{live.url}/api/v1/desks/{desk_id}/call-next", timeout=TIMEOUT)
            if called.status_code == 204:
                return
            assert called.status_code == 200, f"{name}: {called.status_code} {called.text}"
            visit_id = called.json()["id"]
            assert called.json()["desk_id"] == desk_id
            with lock:
                calls.append((name, visit_id))
            for action in ("start", "complete"):
                done = http.post(f"{live.url}/api/v1/visits/{visit_id}/{action}", timeout=TIMEOUT)
                assert done.status_code == 200, f"{name} {action} {visit_id}: {done.text}"
            with lock:
                completed[visit_id] = done.json()

    with ThreadPoolExecutor(max_workers=len(desks)) as pool:
        for future in [pool.submit(serve, name) for name in desks]:
            future.result()

    times_called = Counter(visit_id for _, visit_id in calls)
    assert [v for v, n in times_called.items() if n > 1] == []
    assert set(times_called) == set(issued)
    assert {v: body["status"] for v, body in completed.items()} == dict.fromkeys(issued, "done")
    assert len({name for name, _ in calls}) > 1, "only one desk ever got a visit"

    queue = staff.get(f"{live.url}/api/v1/sites/bootle/queue", timeout=TIMEOUT).json()
    assert queue["walk_ins"] == []
    assert queue["appointments"] == []


def test_retried_idempotency_key_replays_the_first_ticket(live: LiveServer) -> None:
    staff = live.session(ADVISER)
    first = issue(live, staff, "CT", **{"Idempotency-Key": "kiosk-retry-1"})
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers

    retried = issue(live, staff, "CT", **{"Idempotency-Key": "kiosk-retry-1"})
    assert retried.status_code == 201, retried.text
    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert retried.json() == first.json()
    assert (retried.json()["id"], retried.json()["number"]) == (first.json()["id"], "C001")

    following = issue(live, staff, "CT")
    assert following.status_code == 201, following.text
    assert following.json()["number"] == "C002"


@pytest.fixture
def live_postgres(tmp_path: Path) -> Iterator[LiveServer]:
    """A seeded demo server on PostgreSQL, whose row locks queue writers in arrival order."""
    instance = tmp_path / "instance"
    instance.mkdir()
    with LiveServer(database_for("postgres", tmp_path), instance) as server:
        yield server


def waiting_for_locks(connection: Connection) -> int:
    """How many sessions on this database are waiting for a lock (a fresh look each time:
    PostgreSQL keeps one view of its activity per transaction)."""
    count = connection.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    )
    connection.rollback()
    return int(count or 0)


@contextmanager
def site_row_held(server: LiveServer) -> Iterator[Callable[[Callable[[], Any]], Future[Any]]]:
    """Hold the Bootle site row from a second connection; yield `queue(request)`, which sends
    a request and returns once it waits behind the lock. Leaving releases the row, so the
    queued requests run one after the other in the order they were queued."""
    engine = db.make_engine(server.env["DATABASE_URL"])
    pool = ThreadPoolExecutor(max_workers=4)
    try:
        with engine.connect() as holder, engine.connect() as watcher:
            holder.execute(text("SELECT id FROM site WHERE slug = 'bootle' FOR UPDATE"))

            def queue(request: Callable[[], Any]) -> Future[Any]:
                queued = waiting_for_locks(watcher) + 1
                future = pool.submit(request)
                deadline = time.monotonic() + TIMEOUT
                while waiting_for_locks(watcher) < queued:
                    assert time.monotonic() < deadline, "the request never reached the lock"
                    assert not future.done(), f"did not wait for the site: {future.result()}"
                    time.sleep(0.02)
                return future

            yield queue
            holder.rollback()
    finally:
        pool.shutdown(wait=True)
        engine.dispose()


@pytest.mark.postgres
def test_a_desk_closed_while_call_next_waited_for_the_site_does_not_call(
    live_postgres: LiveServer,
) -> None:
    live = live_postgres
    staff = live.session(ADVISER)
    desk_b = live.desk_ids(staff)["Desk 2"]
    assert staff.post(f"{live.url}/api/v1/desks/{desk_b}/open", timeout=TIMEOUT).ok
    assert issue(live, staff, "CT").status_code == 201
    url = f"{live.url}/api/v1/desks/{desk_b}"
    closer, caller = live.session(ADVISER), live.session(ADVISER)

    with site_row_held(live) as queue:
        closed = queue(lambda: closer.post(f"{url}/close", timeout=TIMEOUT))
        called = queue(lambda: caller.post(f"{url}/call-next", timeout=TIMEOUT))

    assert closed.result().status_code == 200, closed.result().text
    assert closed.result().json()["open"] is False
    assert called.result().status_code == 409, called.result().text
    assert called.result().json()["error"]["code"] == "desk_closed"
    waiting = staff.get(f"{live.url}/api/v1/sites/bootle/queue", timeout=TIMEOUT).json()
    assert [v["number"] for v in waiting["walk_ins"]] == ["C001"]


@pytest.mark.postgres
def test_a_desk_opened_right_after_it_was_closed_ends_up_open(live_postgres: LiveServer) -> None:
    live = live_postgres
    staff = live.session(ADVISER)
    desk_a = live.desk_ids(staff)["Desk 1"]
    url = f"{live.url}/api/v1/desks/{desk_a}"
    assert staff.post(f"{url}/open", timeout=TIMEOUT).ok
    closer, opener = live.session(ADVISER), live.session(ADVISER)

    with site_row_held(live) as queue:
        closed = queue(lambda: closer.post(f"{url}/close", timeout=TIMEOUT))
        opened = queue(lambda: opener.post(f"{url}/open", timeout=TIMEOUT))

    assert closed.result().json()["open"] is False
    assert opened.result().status_code == 200, opened.result().text
    assert opened.result().json()["open"] is True
    desks = staff.get(f"{live.url}/api/v1/sites/bootle", timeout=TIMEOUT).json()["desks"]
    assert next(d["open"] for d in desks if d["id"] == desk_a) is True
