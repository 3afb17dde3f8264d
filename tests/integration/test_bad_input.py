"""Bad input of every kind gets a specific 4xx with the JSON error shape, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import desk_id

API = "/api/v1"
LONG = "x" * 10_000
# Text no database may store: PostgreSQL refuses NUL, and nothing encodes a lone surrogate.
NUL = "a\x00b"
SURROGATE = "a\ud800b"


def assert_error(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the JSON error shape with the expected 4xx status."""
    assert response.status_code != 500, response.get_data(as_text=True)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)
    body = response.json
    assert isinstance(body, dict)
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


@pytest.fixture
def visit_id(adviser: FlaskClient) -> int:
    response = adviser.post(f"{API}/sites/bootle/tickets", json={"service": "CT"})
    assert response.status_code == 201, response.json
    return int(response.json["id"])


# -- unknown things in the path -------------------------------------------------------------

PATH_CASES = [
    pytest.param("GET", "/sites/atlantis/board", 404, id="board-unknown-site"),
    pytest.param("GET", "/sites/atlantis", 404, id="site-unknown-site"),
    pytest.param("GET", "/sites/atlantis/queue", 404, id="queue-unknown-site"),
    pytest.param("POST", "/visits/999999/start", 404, id="unknown-visit"),
    pytest.param("POST", "/visits/99999999999999999999/start", 404, id="huge-visit-id"),
    pytest.param("POST", "/visits/abc/start", 404, id="non-integer-visit-id"),
    pytest.param("POST", "/visits/1/dance", 404, id="unknown-action"),
    pytest.param("POST", "/desks/999/open", 404, id="unknown-desk"),
]

UNSTORABLE_PATH_CASES = [
    pytest.param("GET", "/sites/a%00b/board", "site", id="board-nul"),
    pytest.param("GET", "/sites/a%00b", "site", id="site-nul"),
    pytest.param("POST", "/sites/a%00b/tickets", "site", id="tickets-nul"),
    pytest.param("GET", "/tickets/a%00b", "token", id="ticket-nul"),
    pytest.param("POST", "/sites/bootle/appointments/a%00b/cancel", "reference", id="ref-nul"),
]


@pytest.mark.parametrize(("method", "path", "status"), PATH_CASES)
def test_unknown_path_parts_are_refused(
    adviser: FlaskClient, method: str, path: str, status: int
) -> None:
    assert_error(adviser.open(API + path, method=method), status)


@pytest.mark.parametrize(("method", "path", "part"), UNSTORABLE_PATH_CASES)
def test_path_parts_no_database_can_store_are_refused_by_name(
    adviser: FlaskClient, method: str, path: str, part: str
) -> None:
    error = assert_error(adviser.open(API + path, method=method, json={}), 422, "invalid")
    assert part in error["fields"]


def test_ticket_at_unknown_site_is_not_found(adviser: FlaskClient) -> None:
    response = adviser.post(f"{API}/sites/atlantis/tickets", json={"service": "CT"})
    assert_error(response, 404, "not_found")


# -- ticket bodies --------------------------------------------------------------------------

TICKET_BODY_CASES = [
    pytest.param({"service": "ZZ"}, "service", id="unknown-service"),
    pytest.param({"service": 5}, "service", id="service-not-string"),
    pytest.param({"service": "CT", "priority": "yes"}, "priority", id="priority-not-bool"),
    pytest.param({"service": "CT", "needs": "x"}, "needs", id="needs-not-list"),
    pytest.param({"service": "CT", "language": 7}, "language", id="language-not-string"),
    pytest.param({"service": LONG}, "service", id="service-10kB"),
    pytest.param({"service": "CT", "customer_name": LONG}, "customer_name", id="name-10kB"),
    pytest.param({"service": "CT", "colour": "red"}, "colour", id="unknown-field"),
    pytest.param({}, "service", id="service-missing"),
    pytest.param({"service": "CT", "customer_name": NUL}, "customer_name", id="name-nul"),
    pytest.param(
        {"service": "CT", "customer_name": SURROGATE}, "customer_name", id="name-surrogate"
    ),
    pytest.param({"service": "CT", "needs": [NUL]}, "needs", id="needs-nul"),
    pytest.param({"service": "CT", "needs": [SURROGATE]}, "needs", id="needs-surrogate"),
]


@pytest.mark.parametrize(("body", "field"), TICKET_BODY_CASES)
def test_bad_ticket_bodies_name_the_field(
    adviser: FlaskClient, body: dict[str, Any], field: str
) -> None:
    error = assert_error(adviser.post(f"{API}/sites/bootle/tickets", json=body), 422)
    assert field in error["fields"]


def test_unknown_field_says_so(adviser: FlaskClient) -> None:
    response = adviser.post(f"{API}/sites/bootle/tickets", json={"service": "CT", "colour": 1})
    assert assert_error(response, 422)["fields"]["colour"] == "unknown field"


RAW_BODY_CASES = [
    pytest.param(b"", "application/json", id="missing-body"),
    pytest.param(b"not json", "application/json", id="not-json"),
    pytest.param(b"not json", "text/plain", id="text-plain"),
    pytest.param(b'{"service": "CT"}', "text/plain", id="json-as-text-plain"),
    pytest.param(b'[{"service": "CT"}]', "application/json", id="json-array"),
    pytest.param(b'"CT"', "application/json", id="json-string"),
    pytest.param(b"null", "application/json", id="json-null"),
]


@pytest.mark.parametrize(("data", "content_type"), RAW_BODY_CASES)
def test_bodies_that_are_not_a_json_object_are_bad_json(
    adviser: FlaskClient, data: bytes, content_type: str
) -> None:
    response = adviser.post(
        f"{API}/sites/bootle/tickets", data=data, headers={"Content-Type": content_type}
    )
    assert_error(response, 400, "bad_json")


@pytest.mark.parametrize(("data", "content_type"), RAW_BODY_CASES[1:])
def test_optional_bodies_must_still_be_json_objects(
    adviser: FlaskClient, visit_id: int, data: bytes, content_type: str
) -> None:
    response = adviser.post(
        f"{API}/visits/{visit_id}/greet", data=data, headers={"Content-Type": content_type}
    )
    assert_error(response, 400, "bad_json")


def test_json_nested_30000_deep_is_bad_json(adviser: FlaskClient) -> None:
    body = b'{"service": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"
    response = adviser.post(
        f"{API}/sites/bootle/tickets", data=body, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "bad_json")


def test_a_100_kB_body_is_too_large(adviser: FlaskClient) -> None:
    body = b'{"service": "' + b"x" * 100_000 + b'"}'
    response = adviser.post(
        f"{API}/sites/bootle/tickets", data=body, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 413)


def test_a_500_character_idempotency_key_is_refused(adviser: FlaskClient) -> None:
    response = adviser.post(
        f"{API}/sites/bootle/tickets",
        json={"service": "CT"},
        headers={"Idempotency-Key": "k" * 500},
    )
    assert "Idempotency-Key" in assert_error(response, 422, "invalid")["fields"]


def test_an_idempotency_key_with_a_nul_is_refused(adviser: FlaskClient) -> None:
    response = adviser.post(
        f"{API}/sites/bootle/tickets", json={"service": "CT"}, headers={"Idempotency-Key": NUL}
    )
    assert "Idempotency-Key" in assert_error(response, 422, "invalid")["fields"]


def test_an_idempotency_key_reused_for_another_body_is_422(adviser: FlaskClient) -> None:
    # The IETF Idempotency-Key draft: 422 for a key reused with a different payload.
    key = {"Idempotency-Key": "kiosk-7"}
    first = adviser.post(f"{API}/sites/bootle/tickets", json={"service": "CT"}, headers=key)
    assert first.status_code == 201, first.json
    other = adviser.post(f"{API}/sites/bootle/tickets", json={"service": "HOU"}, headers=key)
    assert_error(other, 422, "idempotency_key_reused")


# -- login, notices, appointments -----------------------------------------------------------


LOGIN_CASES = [
    pytest.param({"username": LONG, "password": "pw"}, "username", id="username-10kB"),
    pytest.param({"username": NUL, "password": "pw"}, "username", id="username-nul"),
    pytest.param({"username": SURROGATE, "password": "pw"}, "username", id="username-surrogate"),
    pytest.param({"username": "bootle-adviser", "password": NUL}, "password", id="password-nul"),
    pytest.param(
        {"username": "bootle-adviser", "password": SURROGATE}, "password", id="password-surrogate"
    ),
    pytest.param({"username": "bootle-adviser", "password": ""}, "password", id="password-empty"),
    pytest.param({"username": "bootle-adviser", "password": 7}, "password", id="password-number"),
]


@pytest.mark.parametrize(("body", "field"), LOGIN_CASES)
def test_bad_logins_are_invalid_not_a_crash(
    client: FlaskClient, body: dict[str, Any], field: str
) -> None:
    response = client.post(f"{API}/auth/login", json=body)
    assert field in assert_error(response, 422)["fields"]


NOTICE_CASES = [
    pytest.param({"message": LONG}, "message", id="message-10kB"),
    pytest.param({"message": "Busy", "estimated_wait_min": -5}, "estimated_wait_min", id="neg"),
    pytest.param(
        {"message": "Busy", "estimated_wait_min": 10**12}, "estimated_wait_min", id="absurd"
    ),
    pytest.param(
        {"message": "Busy", "estimated_wait_min": "10"}, "estimated_wait_min", id="wait-string"
    ),
    pytest.param({"message": 3}, "message", id="message-not-string"),
    pytest.param({"message": NUL}, "message", id="message-nul"),
    pytest.param({"message": SURROGATE}, "message", id="message-surrogate"),
]


@pytest.mark.parametrize(("body", "field"), NOTICE_CASES)
def test_bad_notices_name_the_field(adviser: FlaskClient, body: dict[str, Any], field: str) -> None:
    error = assert_error(adviser.post(f"{API}/sites/bootle/notices", json=body), 422)
    assert field in error["fields"]


APPOINTMENT_CASES = [
    pytest.param("2026-11-25T10:00:00", id="no-offset"),
    pytest.param("next tuesday", id="not-a-date"),
    pytest.param("1900-01-01T10:00:00+00:00", id="year-1900"),
    pytest.param("9999-12-31T10:00:00+00:00", id="year-9999"),
    pytest.param("0001-01-01T00:00:00+01:00", id="year-1-with-offset"),
    pytest.param(20261125, id="number"),
    pytest.param("x" * 10_000, id="10kB"),
]


@pytest.mark.parametrize("scheduled_at", APPOINTMENT_CASES)
def test_bad_appointment_times_are_invalid(adviser: FlaskClient, scheduled_at: Any) -> None:
    response = adviser.post(
        f"{API}/sites/bootle/appointments", json={"service": "CT", "scheduled_at": scheduled_at}
    )
    assert "scheduled_at" in assert_error(response, 422)["fields"]


@pytest.mark.parametrize(
    "name", [pytest.param(NUL, id="nul"), pytest.param(SURROGATE, id="surrogate")]
)
def test_appointment_names_no_database_can_store_are_invalid(
    adviser: FlaskClient, name: str
) -> None:
    response = adviser.post(
        f"{API}/sites/bootle/appointments",
        json={"service": "CT", "scheduled_at": "2026-11-25T10:00:00+00:00", "customer_name": name},
    )
    assert "customer_name" in assert_error(response, 422)["fields"]


def test_appointment_at_unknown_service_is_invalid(adviser: FlaskClient) -> None:
    response = adviser.post(
        f"{API}/sites/bootle/appointments",
        json={"service": "ZZ", "scheduled_at": "2026-11-25T10:00:00+00:00"},
    )
    assert "service" in assert_error(response, 422)["fields"]


# -- visit actions --------------------------------------------------------------------------

CALL_CASES = [
    pytest.param({"desk": "x"}, 422, id="desk-string"),
    pytest.param({"desk": -1}, 422, id="desk-negative"),
    pytest.param({"desk": 0}, 422, id="desk-zero"),
    pytest.param({"desk": 1.5}, 422, id="desk-float"),
    pytest.param({"desk": True}, 422, id="desk-bool"),
    pytest.param({"desk": 10**20}, 422, id="desk-huge"),
    pytest.param({}, 422, id="desk-missing"),
    pytest.param({"desk": 999_999}, 404, id="desk-nonexistent"),
]


@pytest.mark.parametrize(("body", "status"), CALL_CASES)
def test_bad_call_desks_are_refused(
    adviser: FlaskClient, visit_id: int, body: dict[str, Any], status: int
) -> None:
    error = assert_error(adviser.post(f"{API}/visits/{visit_id}/call", json=body), status)
    if status == 422:
        assert "desk" in error["fields"]


def test_call_to_a_real_desk_still_works(adviser: FlaskClient, visit_id: int) -> None:
    desk = desk_id(adviser, "Desk 1")
    assert adviser.post(f"{API}/desks/{desk}/open").status_code == 200
    response = adviser.post(f"{API}/visits/{visit_id}/call", json={"desk": desk})
    assert response.status_code == 200, response.json


@pytest.mark.parametrize(
    "service",
    [
        pytest.param("ZZ", id="unknown"),
        pytest.param(5, id="not-string"),
        pytest.param(NUL, id="nul"),
        pytest.param(SURROGATE, id="surrogate"),
    ],
)
def test_transfer_to_a_bad_service_is_invalid(
    adviser: FlaskClient, visit_id: int, service: Any
) -> None:
    response = adviser.post(f"{API}/visits/{visit_id}/transfer", json={"service": service})
    assert "service" in assert_error(response, 422)["fields"]


@pytest.mark.parametrize("reason", ["bogus", "x" * 10_000, 7, NUL, SURROGATE])
def test_cancel_with_a_bad_reason_is_invalid(
    adviser: FlaskClient, visit_id: int, reason: Any
) -> None:
    response = adviser.post(f"{API}/visits/{visit_id}/cancel", json={"reason": reason})
    assert "reason" in assert_error(response, 422)["fields"]


def test_cancel_of_unknown_visit_is_not_found(adviser: FlaskClient) -> None:
    assert_error(adviser.post(f"{API}/visits/999999/cancel", json={}), 404, "not_found")


def test_visit_action_with_unknown_field_is_invalid(adviser: FlaskClient, visit_id: int) -> None:
    response = adviser.post(f"{API}/visits/{visit_id}/greet", json={"loudly": True})
    assert assert_error(response, 422)["fields"] == {"loudly": "unknown field"}
