"""One place turns every failure into the error shape `{"error": {code, message, fields?}}`."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, make_response
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from ..errors import QueueError, TooManyRequests

log = logging.getLogger(__name__)


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> ResponseReturnValue:
    """The JSON error body with its status."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return jsonify({"error": error}), status


def _queue_error(exc: QueueError) -> ResponseReturnValue:
    response = make_response(error_response(exc.status, exc.code, exc.message, exc.fields))
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description or exc.name)


def _unexpected(exc: Exception) -> ResponseReturnValue:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "something went wrong on our side")


def init_app(app: Flask) -> None:
    app.register_error_handler(QueueError, _queue_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
