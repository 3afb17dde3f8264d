"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Generated, not written: every /api/v1 route of the app is one operation, its path parameters
come from the route's converters, and its bodies, query and answers from the models its view
declared with `spec.operation` (JSON Schema from pydantic, which OpenAPI 3.1 takes as it is).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app
from flask.typing import ResponseReturnValue
from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import core_schema
from werkzeug.routing import AnyConverter, BaseConverter, IntegerConverter, Rule

from . import outputs, spec

bp = Blueprint("openapi", __name__)

PREFIX = "/api/v1"
METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/{model}"
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([A-Za-z_][A-Za-z0-9_]*)>")
ERRORS = {
    400: "Malformed request (bad_json: the body is not a JSON object)",
    401: "Not signed in",
    403: "Not allowed here",
    404: "Unknown site, visit, desk or ticket",
    409: "Illegal state change or conflict",
    422: "Invalid fields, named in error.fields",
    429: (
        "Too many requests (api/limits.py): failed sign-ins for this account or address"
        " (locked_out), a kiosk issuing tickets or checking in too fast, or too many requests"
        " from an address neither signed in nor paired; Retry-After says when to try again"
    ),
    503: (
        "Unavailable just now; try again later: database_unavailable (the database cannot be"
        " reached; Retry-After says when to try) or planner_unavailable (the staffing"
        " planner's process failed)"
    ),
}
# The headers an error answer carries, by status.
ERROR_HEADERS = {
    429: {
        "Retry-After": {
            "required": True,
            "description": "seconds until the limit's window ends",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    503: {
        "Retry-After": {
            "required": False,
            "description": "seconds after which the database may be back",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}
HEADERS = {
    spec.IDEMPOTENCY_KEY: {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": (
            "a retry with the same key and body returns the first answer (header"
            " Idempotent-Replayed: true); the same key with another body is 422"
            " idempotency_key_reused (IETF Idempotency-Key draft)"
        ),
    },
    spec.IF_MATCH: {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "schema": {"type": "string", "maxLength": 100},
        "description": "the revision (or ETag) the edit started from",
    },
}
# Browsers send preflights, not API clients, so they are told here rather than as an OPTIONS
# operation on every path (api/cors.py).
CROSS_ORIGIN = (
    "Other sites' pages cannot read the API unless CORS_ORIGINS names their origin, and never"
    " with credentials: a preflight (OPTIONS with Access-Control-Request-Method) from any"
    " other origin is refused 403 cors_refused, in the error shape."
)
SECURITY_SCHEMES = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "onestop_session",
        "description": (
            "changes (POST, PUT, PATCH, DELETE) also send the session's csrf_token in"
            " X-CSRF-Token, else 403 csrf_failed; a session unused for STAFF_IDLE_MIN minutes"
            " ends (401 idle_timeout)"
        ),
    },
    "device": {"type": "http", "scheme": "bearer"},
}


class InputSchema(GenerateJsonSchema):
    """JSON Schema of request models. Null counts as not sent (`validation.Input`), so an
    optional field is documented as its own type, without null or a null default."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", 0) is None:
            del json_schema["default"]
        return json_schema


class _Schemas:
    """Every model the operations name, turned into JSON Schema in one go per direction, so
    that shared models land once in components/schemas and each use refers to them."""

    def __init__(self) -> None:
        self._wanted: dict[JsonSchemaMode, dict[str, TypeAdapter[Any]]] = {
            "validation": {},
            "serialization": {},
        }
        self.refs: dict[tuple[str, JsonSchemaMode], dict[str, Any]] = {}
        self.components: dict[str, Any] = {}

    def want(self, type_: Any, mode: JsonSchemaMode) -> None:
        self._wanted[mode].setdefault(repr(type_), TypeAdapter(type_))

    def ref(self, type_: Any, mode: JsonSchemaMode) -> dict[str, Any]:
        return self.refs[(repr(type_), mode)]

    def build(self) -> None:
        modes: tuple[tuple[JsonSchemaMode, type[GenerateJsonSchema]], ...] = (
            ("validation", InputSchema),
            ("serialization", GenerateJsonSchema),
        )
        for mode, generator in modes:
            inputs = [(key, mode, adapter) for key, adapter in self._wanted[mode].items()]
            refs, defs = TypeAdapter.json_schemas(
                inputs, ref_template=REF, schema_generator=generator
            )
            self.refs.update(refs)
            for name, schema in defs.get("$defs", {}).items():
                if self.components.setdefault(name, schema) != schema:
                    raise ValueError(f"two models are called {name}: rename one")


def _path(rule: Rule) -> str:
    """The rule as an OpenAPI path: `<int(max=9):desk_id>` and `<site>` become `{desk_id}`,
    `{site}`."""
    return ARGUMENT.sub(r"{\1}", rule.rule[len(PREFIX) :])


def _path_schema(converter: BaseConverter) -> dict[str, Any]:
    if isinstance(converter, IntegerConverter):
        return {"type": "integer", "minimum": converter.min or 0, "maximum": converter.max}
    if isinstance(converter, AnyConverter):
        return {"type": "string", "enum": sorted(converter.items)}
    return {"type": "string", "minLength": 1}


def _query_parameters(model: type[spec.validation.Input]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF, schema_generator=InputSchema)
    required = set(schema.get("required", []))
    parameters = []
    for name, field in schema["properties"].items():
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in field:
            parameter["description"] = field.pop("description")
        parameters.append({**parameter, "schema": field})
    return parameters


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation(rule: Rule, op: spec.Operation, schemas: _Schemas) -> dict[str, Any]:
    converters = rule._converters
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(converter)}
        for name, converter in converters.items()
    ]
    if op.query is not None:
        parameters += _query_parameters(op.query)
    parameters += [{"$ref": f"#/components/parameters/{name}"} for name in op.headers]

    responses: dict[str, Any] = {}
    for status, type_ in op.responses.items():
        answer: dict[str, Any] = {"description": "success"}
        if type_ is not None:
            answer["content"] = _json(schemas.ref(type_, "serialization"))
            if op.csv_answer:
                answer["content"]["text/csv"] = {"schema": {"type": "string"}}
        responses[str(status)] = answer
    # Any request may meet a rate limit: anonymous ones are counted on every path
    # (limits.PUBLIC), beside the sign-in lockout and the kiosk's limit; and any may find the
    # database unreachable (api/errors.py).
    errors = {*op.errors, 429, 503}
    if converters:
        errors.add(404)
    if op.body is not None:
        errors |= {400, 422}
    if op.query is not None or op.csv_body:
        errors.add(422)
    if any(not isinstance(c, IntegerConverter | AnyConverter) for c in converters.values()):
        errors.add(422)  # a path part no database can store (validation.check_path)
    for status in sorted(errors):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}

    document: dict[str, Any] = {"summary": op.summary, "responses": responses}
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        document["requestBody"] = {
            "required": not op.body_optional,
            "content": _json(schemas.ref(op.body, "validation")),
        }
    if op.csv_body:
        document["requestBody"] = {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    return document


def _operations(app: Flask) -> list[tuple[Rule, str, spec.Operation]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        op = spec.declared(app.view_functions[rule.endpoint])
        if op is None:
            raise LookupError(f"{rule.endpoint} declares no operation (spec.operation)")
        for method in sorted(m.lower() for m in rule.methods or ()):
            if method in METHODS:
                found.append((rule, method, op))
    return found


def document(app: Flask) -> dict[str, Any]:
    """The whole OpenAPI document of `app`'s API."""
    schemas = _Schemas()
    operations = _operations(app)
    for _rule, _method, op in operations:
        for type_ in op.responses.values():
            if type_ is not None:
                schemas.want(type_, "serialization")
        if op.body is not None:
            schemas.want(op.body, "validation")
    schemas.build()
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, op in operations:
        paths.setdefault(_path(rule), {})[method] = _operation(rule, op, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "OneStop Queue API", "version": "1", "description": CROSS_ORIGIN},
        "servers": [{"url": PREFIX}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA, **schemas.components},
            "responses": {
                f"E{status}": {
                    "description": meaning,
                    "content": _json({"$ref": "#/components/schemas/Error"}),
                    **({"headers": ERROR_HEADERS[status]} if status in ERROR_HEADERS else {}),
                }
                for status, meaning in ERRORS.items()
            },
            "parameters": HEADERS,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


@bp.get("/openapi.json")
@spec.operation({200: outputs.Document})
def openapi() -> ResponseReturnValue:
    """This document."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if "openapi_document" not in app.extensions:
        app.extensions["openapi_document"] = document(app)
    return app.extensions["openapi_document"]
