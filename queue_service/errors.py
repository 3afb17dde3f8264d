"""The named failures of the service layer; the web and socket edges translate them."""

from __future__ import annotations


class QueueError(Exception):
    """Base of every failure a client can cause. `code` is the stable machine-readable name."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, fields: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields


class Invalid(QueueError):
    status = 422
    code = "invalid"


class NotAuthenticated(QueueError):
    status = 401
    code = "not_authenticated"


class Forbidden(QueueError):
    status = 403
    code = "forbidden"


class NotFound(QueueError):
    status = 404
    code = "not_found"


class Conflict(QueueError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class TooManyRequests(QueueError):
    """A rate limit or a sign-in lockout: answered 429 with `Retry-After`."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after_s: int, *, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after_s = retry_after_s


class Unavailable(QueueError):
    """Something the request needs cannot be had just now (a child process failed, say)."""

    status = 503
    code = "unavailable"
