"""One place turns every failure into the error shape `{"error": {code, message, fields?}}`."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, make_response
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from .. import db
from ..errors import QueueError, TooManyRequests

log = logging.getLogger(__name__)

# What a client is told to wait before retrying while the database is away.
RETRY_AFTER_S = 5


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> ResponseReturnValue:
    """The JSON error body with its status."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return jsonify({"error": error}), status


def database_unavailable() -> ResponseReturnValue:
    """503 `database_unavailable`: the request may well succeed once the database is back."""
    response = make_response(error_response(503, "database_unavailable", db.UNAVAILABLE))
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _queue_error(exc: QueueError) -> ResponseReturnValue:
    response = make_response(error_response(exc.status, exc.code, exc.message, exc.fields))
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description or exc.name)


def _database_error(exc: DBAPIError) -> ResponseReturnValue:
    if not db.is_unavailable(exc):
        return _unexpected(exc)
    # One line, no traceback: the fault is outside this process and may last a while.
    log.warning("database unavailable: %s", db.fault(exc))
    return database_unavailable()


def _unexpected(exc: Exception) -> ResponseReturnValue:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "something went wrong on our side")


def init_app(app: Flask) -> None:
    app.register_error_handler(QueueError, _queue_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(Exception, _unexpected)
