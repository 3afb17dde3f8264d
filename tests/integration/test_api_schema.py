"""The answers of a busy site match the schemas the served OpenAPI document gives them: every
visit state, a notice, an appointment, the reports. (schemathesis fuzzes the same document
against a real server in test_api_fuzz.py; this pins the shapes a random run rarely reaches.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from queue_service.clock import ManualClock
from tests.conftest import desk_id, signed_in

API = "/api/v1"


class Checker:
    """Validates answers against the schema the document gives their operation and status."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def response(self, path: str, method: str, status: int) -> dict[str, Any]:
        response: dict[str, Any] = self.document["paths"][path][method]["responses"][str(status)]
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[1]
            response = self.document["components"]["responses"][name]
        return response

    def invalid(self, schema: dict[str, Any], value: Any) -> list[str]:
        # The document's components beside the schema, so that its `#/components/...` resolve.
        validator = jsonschema.Draft202012Validator(
            {**schema, "components": self.document["components"]},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]

    def errors(self, path: str, method: str, status: int, body: Any) -> list[str]:
        schema = self.response(path, method, status)["content"]["application/json"]["schema"]
        return self.invalid(schema, body)

    def header_errors(self, path: str, method: str, response: TestResponse) -> list[str]:
        """The documented headers missing from the answer, or not of their schema (a number
        header is checked as one)."""
        documented = self.response(path, method, response.status_code).get("headers", {})
        found = []
        for name, header in documented.items():
            value = response.headers.get(name)
            if value is None:
                if header.get("required"):
                    found.append(f"{name}: missing")
                continue
            typed = int(value) if header["schema"].get("type") == "integer" else value
            found += [f"{name}: {e}" for e in self.invalid(header["schema"], typed)]
        return found

    def check(self, path: str, method: str, response: TestResponse) -> Any:
        assert response.status_code < 500, response.get_data(as_text=True)
        assert response.is_json, response.get_data(as_text=True)
        body = response.json
        assert self.errors(path, method, response.status_code, body) == []
        assert self.header_errors(path, method, response) == []
        return body


@pytest.fixture
def checker(client: FlaskClient) -> Checker:
    return Checker(client.get(f"{API}/openapi.json").json)


def test_a_busy_site_answers_as_documented(
    app: Flask,
    adviser: FlaskClient,
    clock: ManualClock,
    checker: Checker,
    kiosk_token: str,
    display_token: str,
) -> None:
    def post(operation: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return checker.check(operation, "post", adviser.post(API + url, json=body))

    def get(operation: str, url: str, client: FlaskClient = adviser) -> dict[str, Any]:
        return checker.check(operation, "get", client.get(API + url))

    tickets = "/sites/{site}/tickets"
    needs = {"priority": True, "needs": ["wheelchair"], "language": "pl", "customer_name": "Ann"}
    ticket = post(tickets, "/sites/bootle/tickets", {"service": "CT", **needs})
    for _ in range(2):
        post(tickets, "/sites/bootle/tickets", {"service": "CT"})
    at = (clock.now() + timedelta(minutes=10)).isoformat()
    booked = post("/sites/{site}/appointments", "/sites/bootle/appointments",
                  {"service": "CT", "scheduled_at": at})  # fmt: skip
    post("/sites/{site}/check-in", "/sites/bootle/check-in", {"reference": booked["reference"]})
    desk = desk_id(adviser, "Desk 1")
    post("/desks/{desk_id}/open", f"/desks/{desk}/open")
    called = post("/desks/{desk_id}/call-next", f"/desks/{desk}/call-next")
    post("/visits/{visit_id}/{action}", f"/visits/{called['id']}/start")
    post("/visits/{visit_id}/triage", f"/visits/{ticket['id']}/triage", {"note": "a ramp"})
    post("/sites/{site}/notices", "/sites/bootle/notices",
         {"message": "Busy", "estimated_wait_min": 20})  # fmt: skip
    clock.advance(minutes=3)

    get("/sites", "/sites")
    get("/sites/{site}", "/sites/bootle")
    board = get("/sites/{site}/board", "/sites/bootle/board")
    assert board["calling"] and board["recent"] and board["notice"]
    queue = get("/sites/{site}/queue", "/sites/bootle/queue")
    assert queue["walk_ins"] and queue["not_greeted"] and any(d["current"] for d in queue["desks"])
    get("/tickets/{token}", f"/tickets/{ticket['token']}")
    get("/sites/{site}/appointments", "/sites/bootle/appointments")
    get("/sites/{site}/close-day", "/sites/bootle/close-day")
    get("/auth/me", "/auth/me")
    get("/sites/{site}/board", "/sites/atlantis/board")
    post("/tickets/{token}/leave", f"/tickets/{ticket['token']}/leave")
    post("/visits/{visit_id}/{action}", f"/visits/{called['id']}/complete")
    post("/sites/{site}/close-day", "/sites/bootle/close-day")

    manager = signed_in(app, "bootle-manager")
    for name in ("summary", "hourly", "services", "weekly", "waits", "standards"):
        get(f"/reports/{name}", f"/reports/{name}?site=bootle&period=2026Q4", manager)
    get("/reports/staffing", "/reports/staffing?site=bootle&weekday=tue", manager)
    get("/sites/{site}/audit", "/sites/bootle/audit?per_page=3", manager)
    get("/sites/{site}/rota", "/sites/bootle/rota", manager)
    devices = checker.check(
        "/sites/{site}/devices", "get", manager.get(f"{API}/sites/bootle/devices")
    )
    assert {d["kind"] for d in devices} == {"kiosk", "display"}
    revoked = checker.check(
        "/devices/{device_id}/revoke",
        "post",
        manager.post(f"{API}/devices/{devices[0]['id']}/revoke"),
    )
    assert revoked["revoked_at"] is not None


def test_the_schemas_catch_a_wrong_field_type(adviser: FlaskClient, checker: Checker) -> None:
    board = adviser.get(f"{API}/sites/bootle/board").json
    assert checker.errors("/sites/{site}/board", "get", 200, board) == []
    for wrong in ({"version": "7"}, {"open": "yes"}, {"generated_at": "soon"},
                  {"services": [{"code": "CT"}]}):  # fmt: skip
        assert checker.errors("/sites/{site}/board", "get", 200, {**board, **wrong}), wrong
