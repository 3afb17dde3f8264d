"""Who may do what: sessions, device tokens, site scoping, and what the public may see."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from queue_service.services import accounts
from queue_service.services.uow import UnitOfWork
from tests.conftest import PASSWORD, desk_id, signed_in

API = "/api/v1"


def assert_error(response: TestResponse, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert error["code"] and error["message"]
    if code is not None:
        assert error["code"] == code


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def all_keys(value: Any) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


def test_anonymous_staff_queue_is_unauthenticated(client: FlaskClient) -> None:
    assert_error(client.get(f"{API}/sites/bootle/queue"), 401)


def test_anonymous_ticket_is_unauthenticated(client: FlaskClient) -> None:
    assert_error(client.post(f"{API}/sites/bootle/tickets", json={"service": "CT"}), 401)


def test_adviser_from_another_site_is_forbidden(app: Flask) -> None:
    southport = signed_in(app, "southport-adviser")
    assert_error(southport.get(f"{API}/sites/bootle/queue"), 403)
    assert_error(southport.post(f"{API}/sites/bootle/tickets", json={"service": "CT"}), 403)


def test_display_device_cannot_issue_tickets(client: FlaskClient, display_token: str) -> None:
    response = client.post(
        f"{API}/sites/bootle/tickets", json={"service": "CT"}, headers=bearer(display_token)
    )
    assert_error(response, 403)


def test_kiosk_issues_tickets_but_cannot_greet(client: FlaskClient, kiosk_token: str) -> None:
    response = client.post(
        f"{API}/sites/bootle/tickets", json={"service": "CT"}, headers=bearer(kiosk_token)
    )
    assert response.status_code == 201, response.json
    vid = response.json["id"]
    assert_error(client.post(f"{API}/visits/{vid}/greet", headers=bearer(kiosk_token)), 403)


def test_reception_greets_but_cannot_call(reception: FlaskClient) -> None:
    vid = reception.post(f"{API}/sites/bootle/tickets", json={"service": "CT"}).json["id"]
    desk = desk_id(reception, "Desk 1")
    assert_error(reception.post(f"{API}/desks/{desk}/call-next"), 403)
    assert reception.post(f"{API}/visits/{vid}/greet").status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer nope", "Basic x", "Bearer ", "Bearer", "nope"],
)
def test_bad_authorization_headers_are_unauthenticated(client: FlaskClient, header: str) -> None:
    response = client.post(
        f"{API}/sites/bootle/tickets", json={"service": "CT"}, headers={"Authorization": header}
    )
    assert_error(response, 401)


def test_wrong_password_is_bad_credentials(client: FlaskClient) -> None:
    response = client.post(
        f"{API}/auth/login", json={"username": "bootle-adviser", "password": "wrong"}
    )
    assert_error(response, 401, "bad_credentials")
    assert_error(client.get(f"{API}/auth/me"), 401)


def test_a_password_with_spaces_at_either_end_signs_in_as_it_was_set(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    accounts.add_user(uow, "spacey", "  open sesame  ", "adviser", ["bootle"])
    login = client.post(
        f"{API}/auth/login", json={"username": "spacey", "password": "  open sesame  "}
    )
    assert login.status_code == 200, login.json
    trimmed = client.post(
        f"{API}/auth/login", json={"username": "spacey", "password": "open sesame"}
    )
    assert_error(trimmed, 401, "bad_credentials")


def test_unknown_user_is_bad_credentials(client: FlaskClient) -> None:
    response = client.post(f"{API}/auth/login", json={"username": "nobody", "password": PASSWORD})
    assert_error(response, 401, "bad_credentials")


def test_me_after_login_and_logout(client: FlaskClient) -> None:
    assert_error(client.get(f"{API}/auth/me"), 401)
    login = client.post(
        f"{API}/auth/login", json={"username": "bootle-adviser", "password": PASSWORD}
    )
    assert login.status_code == 200
    me = client.get(f"{API}/auth/me")
    assert me.status_code == 200
    assert me.json["username"] == "bootle-adviser"
    assert "password" not in json.dumps(me.json).lower()
    assert client.post(f"{API}/auth/logout").status_code == 204
    assert_error(client.get(f"{API}/auth/me"), 401)
    assert_error(client.get(f"{API}/sites/bootle/queue"), 401)


def test_a_cookie_copied_before_logout_is_refused_after_it(app: Flask) -> None:
    client = signed_in(app, "bootle-adviser")
    copied = client.get_cookie("onestop_session")
    assert copied is not None
    other_device = signed_in(app, "bootle-adviser")
    assert client.post(f"{API}/auth/logout").status_code == 204

    replayed = app.test_client()
    replayed.set_cookie("onestop_session", copied.value)
    assert_error(replayed.get(f"{API}/auth/me"), 401)
    assert_error(replayed.get(f"{API}/sites/bootle/queue"), 401)
    # Signing out ends every session of that user (one generation per user).
    assert_error(other_device.get(f"{API}/auth/me"), 401)
    again = signed_in(app, "bootle-adviser")
    assert again.get(f"{API}/auth/me").status_code == 200
    assert replayed.get(f"{API}/auth/me").status_code == 401


def test_public_board_and_ticket_status_leak_nothing_private(
    client: FlaskClient, adviser: FlaskClient
) -> None:
    ada = adviser.post(
        f"{API}/sites/bootle/tickets",
        json={"service": "CT", "customer_name": "Ada Lovelace"},
    )
    assert ada.status_code == 201, ada.json
    ada_token = ada.json["token"]
    other = adviser.post(f"{API}/sites/bootle/tickets", json={"service": "CT"}).json
    other_token = other["token"]

    board = client.get(f"{API}/sites/bootle/board")
    assert board.status_code == 200
    text = board.get_data(as_text=True)
    assert ada_token not in text
    assert other_token not in text
    assert "Ada" not in text
    assert not all_keys(board.json) & {"customer_name", "notes", "token"}

    status = client.get(f"{API}/tickets/{other_token}")
    assert status.status_code == 200
    status_text = status.get_data(as_text=True)
    assert not all_keys(status.json) & {"customer_name", "notes"}
    assert ada_token not in status_text
    assert "Ada" not in status_text

    own = client.get(f"{API}/tickets/{ada_token}")
    assert own.status_code == 200
    assert not all_keys(own.json) & {"customer_name", "notes"}
    assert "Ada" not in own.get_data(as_text=True)
    assert other_token not in own.get_data(as_text=True)


def test_unknown_ticket_token_is_not_found(client: FlaskClient) -> None:
    assert_error(client.get(f"{API}/tickets/not-a-real-token"), 404)


def test_signing_in_starts_a_new_session_so_a_fixated_cookie_gains_nothing(app: Flask) -> None:
    """An attacker plants their own pre-sign-in cookie (with a CSRF token they know) in the
    victim's browser; the victim signs in. The cookie is replaced, the planted token is
    worthless, and the attacker's copy is still signed out."""
    attacker = app.test_client()
    with attacker.session_transaction() as planted:
        planted["csrf"] = "known-to-the-attacker"
        planted["seen"] = 0
    fixated = attacker.get_cookie("onestop_session")
    assert fixated is not None

    victim = app.test_client()
    victim.set_cookie("onestop_session", fixated.value)
    login = victim.post(
        f"{API}/auth/login", json={"username": "bootle-adviser", "password": PASSWORD}
    )
    assert login.status_code == 200
    signed_in_cookie = victim.get_cookie("onestop_session")
    assert signed_in_cookie is not None and signed_in_cookie.value != fixated.value
    assert login.json["csrf_token"] != "known-to-the-attacker"

    planted_token = {"X-CSRF-Token": "known-to-the-attacker"}
    refused = victim.post(
        f"{API}/sites/bootle/tickets", json={"service": "CT"}, headers=planted_token
    )
    assert_error(refused, 403, "csrf_failed")
    assert_error(attacker.get(f"{API}/auth/me"), 401)
    assert_error(attacker.get(f"{API}/sites/bootle/queue"), 401)
    # Two sign-ins of one user never share a cookie either.
    again = signed_in(app, "bootle-adviser").get_cookie("onestop_session")
    assert again is not None and again.value != signed_in_cookie.value


@pytest.fixture
def waiting_visit(reception: FlaskClient) -> dict[str, Any]:
    response = reception.post(f"{API}/sites/bootle/tickets", json={"service": "CT"})
    assert response.status_code == 201
    return dict(response.json)


def test_a_display_token_cannot_call_anyone(
    client: FlaskClient, app: Flask, display_token: str, waiting_visit: dict[str, Any]
) -> None:
    adviser = signed_in(app, "bootle-adviser")
    desk = desk_id(adviser, "Desk 1")
    assert adviser.post(f"{API}/desks/{desk}/open").status_code == 200
    as_display = bearer(display_token)
    vid = waiting_visit["id"]
    for path, body in [
        (f"{API}/desks/{desk}/call-next", {}),
        (f"{API}/visits/{vid}/call", {"desk": desk}),
        (f"{API}/visits/{vid}/recall", {}),
        (f"{API}/visits/{vid}/greet", {}),
        (f"{API}/desks/{desk}/close", {}),
    ]:
        assert_error(client.post(path, json=body, headers=as_display), 403, "forbidden")
    assert_error(client.get(f"{API}/sites/bootle/queue", headers=as_display), 403)
    # Nobody was called: the visit still waits.
    queue = adviser.get(f"{API}/sites/bootle/queue").json
    assert vid in [v["id"] for v in queue["walk_ins"]]


def test_a_bootle_adviser_cannot_act_on_southport(app: Flask, client: FlaskClient) -> None:
    southport = signed_in(app, "southport-adviser")
    ticket = southport.post(f"{API}/sites/southport/tickets", json={"service": "CT"})
    assert ticket.status_code == 201, ticket.json
    vid = ticket.json["id"]
    desk = next(iter(southport.get(f"{API}/sites/southport").json["desks"]))["id"]

    bootle = signed_in(app, "bootle-adviser")
    for path, body in [
        (f"{API}/sites/southport/tickets", {"service": "CT"}),
        (f"{API}/desks/{desk}/open", {}),
        (f"{API}/desks/{desk}/call-next", {}),
        (f"{API}/visits/{vid}/call", {"desk": desk}),
        (f"{API}/visits/{vid}/greet", {}),
        (f"{API}/visits/{vid}/cancel", {}),
        (f"{API}/sites/southport/notices", {"message": "Delays today"}),
    ]:
        assert_error(bootle.post(path, json=body), 403, "forbidden")
    assert_error(bootle.get(f"{API}/sites/southport/queue"), 403)
    status = client.get(f"{API}/tickets/{ticket.json['token']}").json
    assert status["status"] == "waiting" and status["greeted_at"] is None


def test_a_ticket_token_reveals_only_its_own_visit(
    client: FlaskClient, reception: FlaskClient, waiting_visit: dict[str, Any]
) -> None:
    other = reception.post(
        f"{API}/sites/bootle/tickets", json={"service": "CT", "customer_name": "Ada Lovelace"}
    ).json
    own = client.get(f"{API}/tickets/{waiting_visit['token']}")
    assert own.status_code == 200
    assert (own.json["id"], own.json["number"]) == (waiting_visit["id"], waiting_visit["number"])
    text = own.get_data(as_text=True)
    assert other["token"] not in text and other["number"] not in text and "Ada" not in text
    # The token is no credential for anything else: not the queue, not another visit.
    as_bearer = bearer(waiting_visit["token"])
    assert_error(client.get(f"{API}/sites/bootle/queue", headers=as_bearer), 401)
    assert_error(client.post(f"{API}/visits/{other['id']}/cancel", headers=as_bearer), 401)
    assert_error(client.post(f"{API}/tickets/{waiting_visit['token']}x/leave"), 404)
    assert client.get(f"{API}/tickets/{other['token']}").json["id"] == other["id"]
