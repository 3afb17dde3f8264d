"""The hand-written OpenAPI document describes exactly the routes the app registers."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

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
