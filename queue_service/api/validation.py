"""Reading client text (JSON bodies field by field, path parts), collecting every problem into
one 4xx answer."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask import request

from ..errors import Invalid, QueueError

UNSTORABLE = "must not contain NUL or unpaired surrogate characters"


def storable(value: str) -> bool:
    """Whether every database can store the text: PostgreSQL refuses NUL, and a lone
    surrogate (JSON allows `"\\ud800"`) has no UTF-8 form at all."""
    if "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def check_path() -> None:
    """Refuse a request whose path parts hold text no database can store (`/sites/a%00b`);
    run before every view, so no view has to think of it."""
    values = request.view_args or {}
    bad = {name: UNSTORABLE for name, v in values.items() if isinstance(v, str) and not storable(v)}
    if bad:
        raise Invalid("the path holds characters that are not allowed", fields=bad)


def only_query(allowed: set[str]) -> None:
    """Refuse query parameters the endpoint does not know (a typo must not be ignored)."""
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise Invalid("unknown parameter", fields=dict.fromkeys(unknown, "unknown parameter"))


def query_date(name: str) -> date | None:
    """A `YYYY-MM-DD` query parameter, or None when it is absent."""
    raw = request.args.get(name)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Invalid(f"{name} must be YYYY-MM-DD", fields={name: "bad date"}) from None


def query_integer(name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole-number query parameter within bounds, or `default` when it is absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        message = f"must be a whole number from {minimum} to {maximum}"
        raise Invalid(f"{name} {message}", fields={name: message})
    return int(raw)


class Form:
    """A JSON object body. Read fields with the typed getters, then call `done()`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._read: set[str] = set()
        self.errors: dict[str, str] = {}
        self._parts: list[tuple[str, Form]] = []

    @classmethod
    def from_request(cls, *, optional: bool = False) -> Form:
        """The request's body, which must be a JSON object (or absent, when `optional`)."""
        if optional and not request.get_data(cache=True):
            return cls({})
        try:
            data = request.get_json(silent=True)
        except RecursionError:
            data = None  # nested deeper than the parser goes: not a body we could read
        if not isinstance(data, dict):
            raise QueueError("the body must be a JSON object", code="bad_json")
        return cls(data)

    def __contains__(self, name: str) -> bool:
        """Whether the body has the field (even as null): for updates that change only what
        was sent."""
        return name in self._data

    def _take(self, name: str, required: bool) -> Any:
        self._read.add(name)
        value = self._data.get(name)
        if value is None and required:
            self.errors[name] = "required"
        return value

    def _fail(self, name: str, message: str) -> None:
        self.errors[name] = message

    def _string(self, name: str, required: bool, max_length: int) -> str | None:
        """The field as sent, if it is a storable string of at most `max_length` characters."""
        value = self._take(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self._fail(name, "must be a string")
        elif len(value) > max_length:
            self._fail(name, f"must be at most {max_length} characters")
        elif not storable(value):
            self._fail(name, UNSTORABLE)
        else:
            return value
        return None

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_length: int = 200,
        pattern: str | None = None,
    ) -> str | None:
        """A string, stripped of surrounding spaces; blank is refused."""
        value = self._string(name, required, max_length)
        if value is None:
            return None
        if not value.strip():
            self._fail(name, "must not be blank")
        elif pattern is not None and not re.fullmatch(pattern, value):
            self._fail(name, "is not in the expected format")
        else:
            return value.strip()
        return None

    def secret(self, name: str, *, max_length: int = 200) -> str | None:
        """A required password, exactly as typed: spaces at either end are part of it."""
        value = self._string(name, True, max_length)
        if value == "":
            self._fail(name, "must not be empty")
            return None
        return value

    def integer(
        self, name: str, *, required: bool = False, minimum: int = 0, maximum: int = 2**31 - 1
    ) -> int | None:
        value = self._take(name, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self._fail(name, "must be a whole number")
        elif not minimum <= value <= maximum:
            self._fail(name, f"must be between {minimum} and {maximum}")
        else:
            return value
        return None

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self._take(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._fail(name, "must be true or false")
            return default
        return value

    def text_list(self, name: str, *, max_items: int = 10, max_length: int = 40) -> list[str]:
        value = self._take(name, False)
        if value is None:
            return []
        if (
            not isinstance(value, list)
            or len(value) > max_items
            or not all(
                isinstance(v, str) and 0 < len(v.strip()) <= max_length and storable(v)
                for v in value
            )
        ):
            self._fail(name, f"must be a list of at most {max_items} short strings")
            return []
        return [v.strip() for v in value]

    def objects(self, name: str, *, required: bool = False, max_items: int = 100) -> list[Form]:
        """A list of JSON objects, each read with its own Form; their problems are reported
        here as `name[i].field`."""
        value = self._take(name, required)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self._fail(name, "must be a list of objects")
            return []
        if len(value) > max_items:
            self._fail(name, f"must have at most {max_items} items")
            return []
        parts = [Form(v) for v in value]
        self._parts.extend((f"{name}[{i}].", part) for i, part in enumerate(parts))
        return parts

    def instant(self, name: str, *, required: bool = False) -> datetime | None:
        """An ISO 8601 date-time that states its offset."""
        value = self._take(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > 40:
            self._fail(name, "must be an ISO 8601 date-time string")
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self._fail(name, "must be an ISO 8601 date-time string")
            return None
        if parsed.tzinfo is None:
            self._fail(name, "must include a UTC offset, e.g. 2026-03-29T10:30:00+01:00")
            return None
        return parsed

    def done(self) -> None:
        """Refuse the body if any field was bad or unknown."""
        for name in self._data.keys() - self._read:
            self.errors[name] = "unknown field"
        for prefix, part in self._parts:
            part.done_into(prefix, self.errors)
        if self.errors:
            raise Invalid("some fields are not valid", fields=dict(sorted(self.errors.items())))

    def done_into(self, prefix: str, errors: dict[str, str]) -> None:
        """Add this (nested) object's problems, unknown fields included, to `errors`."""
        for name in self._data.keys() - self._read:
            self.errors[name] = "unknown field"
        errors.update((prefix + name, text) for name, text in self.errors.items())
