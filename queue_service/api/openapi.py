"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json.

Written by hand so that it documents intent; a test checks it against the registered routes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.typing import ResponseReturnValue

bp = Blueprint("openapi", __name__)

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
TIME = {"type": "string", "format": "date-time", "nullable": True}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": STRING,
                "message": STRING,
                "fields": {"type": "object", "additionalProperties": STRING},
            },
        }
    },
}
VISIT = {
    "type": "object",
    "properties": {
        "id": INTEGER,
        "token": {**STRING, "description": "only to the ticket's holder and staff"},
        "number": {**STRING, "example": "C042"},
        "kind": {"type": "string", "enum": ["walk_in", "appointment"]},
        "service": STRING,
        "service_name": STRING,
        "status": {
            "type": "string",
            "enum": [
                "waiting",
                "called",
                "serving",
                "done",
                "no_show",
                "cancelled",
                "left",
                "closed",
            ],
        },
        "priority": {"type": "boolean"},
        "needs": {"type": "array", "items": STRING},
        "language": {**STRING, "nullable": True},
        "scheduled_at": TIME,
        "arrived_at": TIME,
        "greeted_at": TIME,
        "called_at": TIME,
        "service_started_at": TIME,
        "completed_at": TIME,
        "ended_at": TIME,
        "desk": {**STRING, "nullable": True},
        "desk_id": {**INTEGER, "nullable": True},
        "position": {**INTEGER, "nullable": True},
        "estimated_wait_s": {**INTEGER, "nullable": True},
        "estimated_wait_low_s": {**INTEGER, "nullable": True},
        "estimated_wait_high_s": {**INTEGER, "nullable": True},
    },
}
OBJECT = {"type": "object"}
RETRY = {"Retry-After": {"schema": INTEGER, "description": "seconds to wait"}}
DEVICE = {
    "type": "object",
    "properties": {
        "id": INTEGER,
        "site": STRING,
        "kind": {"type": "string", "enum": ["kiosk", "display"]},
        "name": STRING,
        "created_at": {"type": "string", "format": "date-time"},
        "revoked_at": TIME,
    },
}
DAY = {
    "type": "object",
    "properties": {
        "site": STRING,
        "waiting": {**INTEGER, "description": "visits closing the day now would close"},
        "called": INTEGER,
        "ends_at": {
            "type": "string",
            "format": "date-time",
            "description": "when the day ends by itself: local midnight or the automatic close",
        },
        "auto_close_after_min": {**INTEGER, "nullable": True},
    },
}
CLOSED_DAY = {
    "type": "object",
    "properties": {"site": STRING, "closed": INTEGER, "version": INTEGER},
}

SHIFT = {
    "type": "object",
    "required": ["desk", "weekday", "from", "to"],
    "properties": {
        "desk": {**STRING, "description": "the desk's name", "example": "Desk 1"},
        "weekday": {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
        "from": {**STRING, "example": "09:00", "description": "local time, HH:MM"},
        "to": {
            **STRING,
            "example": "12:30",
            "description": "local time, after from; 24:00 at most",
        },
    },
}
ROTA = {
    "type": "object",
    "properties": {
        "site": STRING,
        "version": INTEGER,
        "revision": {**STRING, "description": "send back as If-Match to save over this rota only"},
        "timezone": STRING,
        "opening_hours": OBJECT,
        "edited_by": {**STRING, "nullable": True, "description": "null: the sites file's rota"},
        "edited_at": TIME,
        "desks": {"type": "array", "items": OBJECT},
        "shifts": {"type": "array", "items": SHIFT},
    },
}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"required": bool(required), "content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    ok: dict[str, Any] | None,
    *,
    status: str = "200",
    errors: tuple[str, ...] = ("404",),
    body: dict[str, Any] | None = None,
    params: tuple[str, ...] = (),
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        status: {"description": "success"}
        if ok is None
        else {"description": "success", "content": {"application/json": {"schema": ok}}}
    }
    # Any request may meet a rate limit (api/limits.py).
    for code in (*errors, "429"):
        responses[code] = {"$ref": f"#/components/responses/E{code}"}
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if params:
        op["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    if body is not None:
        op["requestBody"] = body
    return op


STAFF = ("401", "403", "404", "409", "422")
PERIOD_PARAMS = ("Period", "From", "To", "Format")
PATHS: dict[str, dict[str, Any]] = {
    "/auth/login": {
        "post": _op(
            "Sign in; sets the session cookie. The answer's csrf_token must be sent as"
            " X-CSRF-Token with every state-changing request of the session",
            OBJECT,
            errors=("400", "401", "422"),
            body=_body({"username": STRING, "password": STRING}, ["username", "password"]),
        )
    },
    "/auth/logout": {
        "post": _op(
            "Sign out: ends the user's sessions on the server and closes their live connections",
            None,
            status="204",
            errors=(),
        )
    },
    "/auth/me": {
        "get": _op("The signed-in user, with the session's csrf_token", OBJECT, errors=("401",))
    },
    "/sites": {"get": _op("Sites with their services", {"type": "array", "items": OBJECT})},
    "/sites/{site}": {"get": _op("One site: services, desks, opening hours", OBJECT)},
    "/sites/{site}/board": {"get": _op("The public board snapshot", OBJECT)},
    "/sites/{site}/queue": {"get": _op("Both queues for staff", OBJECT, errors=STAFF)},
    "/sites/{site}/tickets": {
        "post": _op(
            "Issue a walk-in ticket (kiosk device or staff)",
            VISIT,
            status="201",
            errors=(*STAFF, "400"),
            params=("IdempotencyKey",),
            body=_body(
                {
                    "service": STRING,
                    "priority": {"type": "boolean"},
                    "needs": {"type": "array", "items": STRING},
                    "language": STRING,
                    "customer_name": STRING,
                },
                ["service"],
            ),
        )
    },
    "/sites/{site}/check-in": {
        "post": _op(
            "Check in an appointment",
            VISIT,
            status="201",
            errors=STAFF,
            body=_body({"reference": STRING}, ["reference"]),
        )
    },
    "/sites/{site}/audit": {
        "get": _op(
            "Managers of the site: one page of its event log on a local day, oldest first"
            " (who acted, on which visit, at which desk, with the entry's data)",
            OBJECT,
            errors=("401", "403", "404", "422"),
            params=("Date", "Page", "PerPage"),
        )
    },
    "/sites/{site}/appointments": {
        "post": _op(
            "Book an appointment",
            OBJECT,
            status="201",
            errors=STAFF,
            body=_body(
                {
                    "service": STRING,
                    "scheduled_at": {"type": "string", "format": "date-time"},
                    "customer_name": STRING,
                },
                ["service", "scheduled_at"],
            ),
        ),
        "get": _op(
            "A local day's appointments by time, with check-in state (staff)",
            OBJECT,
            errors=STAFF,
            params=("Date",),
        ),
    },
    "/sites/{site}/appointments/import": {
        "post": _op(
            "Add or update bookings from the booking system's CSV (text/csv body, columns"
            " site,service,reference,scheduled_at,customer_name): all rows or none; a bad"
            " row is 422 bad_csv naming its line",
            {
                "type": "object",
                "properties": {"added": INTEGER, "updated": INTEGER, "unchanged": INTEGER},
            },
            errors=STAFF,
            body={"required": True, "content": {"text/csv": {"schema": STRING}}},
        )
    },
    "/sites/{site}/appointments/{reference}/cancel": {
        "post": _op("Cancel a booking", OBJECT, errors=STAFF)
    },
    "/sites/{site}/notices": {
        "post": _op(
            "Post a delay notice to the screens",
            OBJECT,
            status="201",
            errors=STAFF,
            body=_body({"message": STRING, "estimated_wait_min": INTEGER}, ["message"]),
        ),
        "delete": _op("Clear the delay notice", None, status="204", errors=STAFF),
    },
    "/sites/{site}/close-day": {
        "get": _op("What closing the day now would close", DAY, errors=STAFF),
        "post": _op(
            "Close the day: every visit still waiting or called becomes closed",
            CLOSED_DAY,
            errors=STAFF,
        ),
    },
    "/sites/{site}/rota": {
        "get": _op(
            "The week's planned desk hours (staff of the site), with the desks and opening"
            " hours; the ETag header is the answer's revision",
            ROTA,
            errors=("401", "403", "404"),
        ),
        "put": _op(
            "Replace the week's planned desk hours (managers). The site's version rises, so"
            " estimates and screens use the new rota at once. A bad entry is 422 naming"
            " `shifts[i].field` (unknown desk, weekday, time, to not after from, overlapping"
            " hours of one desk); with If-Match, a rota changed since is 409 rota_changed."
            " A later `queue-service sites load` keeps this rota unless run with"
            " --replace-rota",
            ROTA,
            errors=STAFF,
            params=("IfMatch",),
            body=_body({"shifts": {"type": "array", "items": SHIFT}}, ["shifts"]),
        ),
    },
    "/tickets/{token}": {"get": _op("A ticket's public status", VISIT)},
    "/tickets/{token}/leave": {
        "post": _op(
            "The customer has left: end the waiting or called visit as `left` (the token "
            "authorises it; the event log names the actor `customer`)",
            VISIT,
            errors=("404", "409"),
        )
    },
    "/visits/{visit_id}/{action}": {
        "post": _op(
            "greet, recall, start, complete or no-show",
            VISIT,
            errors=STAFF,
            params=("Action",),
        )
    },
    "/visits/{visit_id}/call": {
        "post": _op(
            "Call this visit to a desk",
            VISIT,
            errors=STAFF,
            body=_body(
                {"desk": INTEGER, "reason": {**STRING, "description": "kept in the event log"}},
                ["desk"],
            ),
        )
    },
    "/visits/{visit_id}/transfer": {
        "post": _op(
            "Send the visit to another service's queue, keeping its arrival time",
            VISIT,
            errors=STAFF,
            body=_body(
                {"service": STRING, "note": {**STRING, "description": "added to the notes"}},
                ["service"],
            ),
        )
    },
    "/visits/{visit_id}/cancel": {
        "post": _op(
            "End a visit that will not be served",
            VISIT,
            errors=STAFF,
            body=_body({"reason": {"type": "string", "enum": ["cancelled", "left"]}}, []),
        )
    },
    "/visits/{visit_id}/triage": {
        "post": _op(
            "Reception's triage: add a note, set needs or priority (only the fields sent)",
            VISIT,
            errors=STAFF,
            body=_body(
                {
                    "note": STRING,
                    "needs": {"type": "array", "items": STRING},
                    "priority": {"type": "boolean"},
                },
                [],
            ),
        )
    },
    "/sites/{site}/devices": {
        "get": _op(
            "The site's paired kiosks and displays, revoked ones too (manager)",
            {"type": "array", "items": DEVICE},
            errors=("401", "403", "404"),
        )
    },
    "/devices/{device_id}/revoke": {
        "post": _op(
            "Revoke a device (manager): its token is refused from now on and its live"
            " connections are closed; 409 already_revoked",
            DEVICE,
            errors=STAFF,
        )
    },
    "/desks/{desk_id}/open": {"post": _op("Open a desk", OBJECT, errors=STAFF)},
    "/desks/{desk_id}/close": {"post": _op("Close a desk", OBJECT, errors=STAFF)},
    "/desks/{desk_id}/call-next": {
        "post": _op(
            "Call the next visit by the call rule; 204 when nobody is callable",
            VISIT,
            errors=STAFF,
            params=("IdempotencyKey",),
        )
    },
    "/reports/staffing": {
        "get": {
            **_op(
                "Desks needed per hour of a weekday (manager): Erlang C, checked by simulating "
                "that weekday's past days, beside the rota's planned desks (`rota_desks`, averaged"
                " over the hour); `?site=SLUG&weekday=tue`",
                OBJECT,
                errors=("401", "403", "404", "422"),
            ),
            "parameters": [
                {"name": name, "in": "query", "required": True, "schema": STRING}
                for name in ("site", "weekday")
            ],
        }
    },
    "/openapi.json": {"get": _op("This document", OBJECT, errors=())},
}
REPORTS = {
    "summary": "Per site and all sites together: visits, outcomes, time to greet, wait, "
    "appointment lateness, service time (average, median, 90th percentile), shares within "
    "target, estimate error; the scope's figures also at the top level",
    "hourly": "The summary's measures by local hour of arrival",
    "services": "The summary's measures by service",
    "weekly": "The summary's measures by week (weeks start on Monday)",
    "waits": "How many started visits waited how long, in bins of minutes",
    "standards": "The standards report: per aim the target, visits reaching the step, "
    "visits within target, the share and the times; `aims` states each aim and what was "
    "achieved in words",
}
REPORT = {
    "type": "object",
    "required": ["report", "from", "to", "sites", "columns", "rows"],
    "properties": {
        "report": STRING,
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "period": STRING,
        "sites": {"type": "array", "items": STRING},
        "columns": {"type": "array", "items": STRING},
        "rows": {
            "type": "array",
            "items": OBJECT,
            "description": "exactly the rows of the CSV export; site 'all' is every site",
        },
    },
}
for _name, _summary in REPORTS.items():
    _report = _op(
        _summary, REPORT, errors=("401", "403", "404", "422"), params=("Site", *PERIOD_PARAMS)
    )
    _report["responses"]["200"]["content"]["text/csv"] = {"schema": STRING}
    PATHS[f"/reports/{_name}"] = {"get": _report}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": INTEGER if name.endswith("_id") else STRING,
        }
        for name in names
        if name != "action"
    ]


def _query(name: str, description: str, format_: str | None = None) -> dict[str, Any]:
    schema = {**STRING, "format": format_} if format_ else STRING
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    paths = {}
    for path, operations in PATHS.items():
        params = _path_parameters(path)
        paths[path] = {**operations, **({"parameters": params} if params else {})}
    error_response = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    }
    meanings = {
        "400": "Malformed request",
        "401": "Not signed in",
        "403": "Not allowed here",
        "404": "Unknown site, visit, desk or ticket",
        "409": "Illegal state change or conflict",
        "422": "Invalid fields",
        "429": "Too many requests from this address or kiosk, or too many failed sign-ins"
        " (locked_out); Retry-After says in how many seconds to try again",
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "OneStop Queue API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR, "Visit": VISIT},
            "responses": {
                f"E{code}": {
                    "description": text,
                    **error_response,
                    **({"headers": RETRY} if code == "429" else {}),
                }
                for code, text in meanings.items()
            },
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": STRING,
                    "description": (
                        "a retry with the same key and body returns the first answer"
                        " (header Idempotent-Replayed: true); the same key with another body"
                        " is 422 idempotency_key_reused (IETF Idempotency-Key draft)"
                    ),
                },
                "Site": _query("site", "a site slug; every site the manager may see when absent"),
                "Period": _query("period", "2025Q3, 2025-07, 2025-W27 or 2025-07-14"),
                "From": _query("from", "first local day (with to), e.g. 2025-07-01", "date"),
                "To": _query("to", "last local day, inclusive", "date"),
                "Format": {
                    **_query("format", "json (default) or csv with the same rows"),
                    "schema": {"type": "string", "enum": ["json", "csv"]},
                },
                "IfMatch": {
                    "name": "If-Match",
                    "in": "header",
                    "required": False,
                    "schema": STRING,
                    "description": "the revision (or ETag) the edit started from",
                },
                "Date": _query("date", "the site's local day; today when omitted", "date"),
                "Page": {
                    **_query("page", "the page, from 1"),
                    "schema": {"type": "integer", "minimum": 1},
                },
                "PerPage": {
                    **_query("per_page", "entries per page (default 50)"),
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                },
                "Action": {
                    "name": "action",
                    "in": "path",
                    "required": True,
                    "schema": {
                        "type": "string",
                        "enum": ["greet", "recall", "start", "complete", "no-show"],
                    },
                },
            },
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "onestop_session",
                    "description": (
                        "changes (POST, PUT, PATCH, DELETE) also send the session's csrf_token"
                        " in X-CSRF-Token, else 403 csrf_failed; a session unused for"
                        " STAFF_IDLE_MIN minutes ends (401 idle_timeout)"
                    ),
                },
                "device": {"type": "http", "scheme": "bearer"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return document()
