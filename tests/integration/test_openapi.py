"""The generated OpenAPI document describes exactly the routes the app registers, and the
answers they give."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import signed_in

API = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    """A Werkzeug rule as an OpenAPI path: `<conv(args):name>` and `<name>` become `{name}`."""
    return re.sub(r"<(?:[^:<>]+:)?([A-Za-z_][A-Za-z0-9_]*)>", r"{\1}", rule[len(API) :])


def test_openapi_path_conversion() -> None:
    assert openapi_path(f"{API}/visits/<int(max=2147483647):visit_id>/call") == (
        "/visits/{visit_id}/call"
    )
    assert openapi_path(f"{API}/visits/<int:visit_id>/<any('a', 'b'):action>") == (
        "/visits/{visit_id}/{action}"
    )
    assert openapi_path(f"{API}/sites/<site>/board") == "/sites/{site}/board"


def test_openapi_document_matches_registered_routes(app: Flask, client: FlaskClient) -> None:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    document = response.json
    assert document["openapi"].startswith("3.")

    routes = {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API)
        for method in (rule.methods or set()) - IGNORED_METHODS
    }
    documented = {
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "put", "post", "delete", "patch"}
    }
    assert routes, "no /api/v1 routes registered"
    assert sorted(routes - documented) == [], "registered but not documented"
    assert sorted(documented - routes) == [], "documented but not registered"


def test_openapi_document_is_valid(client: FlaskClient) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(client.get(f"{API}/openapi.json").json)


def documented_statuses(document: dict[str, Any], path: str, method: str) -> set[int]:
    return {int(status) for status in document["paths"][path][method]["responses"]}


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/reports/summary?site=atlantis&period=2026Q4", "/reports/summary"),
        ("/reports/staffing?site=atlantis&weekday=tue", "/reports/staffing"),
    ],
)
def test_an_unknown_site_in_a_report_query_is_a_documented_404(
    app: Flask, client: FlaskClient, url: str, path: str
) -> None:
    # Found by schemathesis (tests/e2e/test_api_fuzz.py): the 404 was not documented.
    document = client.get(f"{API}/openapi.json").json
    response = signed_in(app, "bootle-manager").get(API + url)
    assert response.status_code == 404
    assert 404 in documented_statuses(document, path, "get")


def test_every_operation_documents_the_database_being_unreachable(client: FlaskClient) -> None:
    # Any request may find the database away: 503 database_unavailable (api/errors.py).
    document = client.get(f"{API}/openapi.json").json
    missing = [
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
        if 503 not in documented_statuses(document, path, method)
    ]
    assert missing == []
    unavailable = document["components"]["responses"]["E503"]
    assert "database_unavailable" in unavailable["description"]
    assert unavailable["headers"]["Retry-After"]["required"] is False
