"""Reading client input into typed models (pydantic), every problem collected into one 4xx
answer in the DESIGN error shape; and the text rule every string obeys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from flask import request
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from ..errors import Invalid, QueueError

UNSTORABLE = "must not contain NUL or unpaired surrogate characters"
M = TypeVar("M", bound="Input")


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


def _all_storable(value: Any) -> bool:
    # A nested object is an Input of its own, which checks (and names) its own fields.
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return all(_all_storable(v) for v in value)
    return True


def check_path() -> None:
    """Refuse a request whose path parts hold text no database can store (`/sites/a%00b`);
    run before every view, so no view has to think of it."""
    values = request.view_args or {}
    bad = {name: UNSTORABLE for name, v in values.items() if isinstance(v, str) and not storable(v)}
    if bad:
        raise Invalid("the path holds characters that are not allowed", fields=bad)


class Input(BaseModel):
    """The base of every request body and query: JSON types exactly as sent (no "5" for 5),
    unknown fields refused, null the same as not sent, and no string anywhere in it that a
    database could not store."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if not _all_storable(value):
            raise ValueError(UNSTORABLE)
        return value


def _stripped(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("must be an ISO 8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time string") from None
    if parsed.tzinfo is None:
        raise ValueError("must include a UTC offset, e.g. 2026-03-29T10:30:00+01:00")
    return parsed


def _day(value: Any) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date, YYYY-MM-DD")


# A string stripped of surrounding spaces, blank refused (its length and pattern, given with
# Field before it, are checked on the text as sent).
Stripped = AfterValidator(_stripped)
# An ISO 8601 date-time that states its offset, read by the standard library's parser.
Instant = Annotated[datetime, BeforeValidator(_instant)]
# A calendar day, YYYY-MM-DD.
Day = Annotated[date, BeforeValidator(_day)]


def _message(error: ErrorDetails, unknown: str) -> str:
    """Our wording of one pydantic error (the tests and clients read the field names; people
    read these)."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return unknown
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    messages = {
        "string_type": "must be a string",
        "string_pattern_mismatch": "is not in the expected format",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "bool_type": "must be true or false",
        "list_type": "must be a list",
        "literal_error": f"must be one of {ctx.get('expected')}",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_too_short": "must not be empty",
        "too_long": f"must have at most {ctx.get('max_length')} items",
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
    }
    return messages.get(kind, error["msg"])


def _field(loc: tuple[int | str, ...]) -> str:
    """The field an error is about, as clients name it: `shifts[2].from` inside a list of
    objects, but `needs` for an item of a list of strings."""
    while loc and isinstance(loc[-1], int):
        loc = loc[:-1]
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else part
    return name or "body"


def _parse(
    model: type[M], data: Mapping[str, Any], *, unknown: str, strict: bool | None = None
) -> M:
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for error in exc.errors():
            fields.setdefault(_field(error["loc"]), _message(error, unknown))
        raise Invalid("some fields are not valid", fields=dict(sorted(fields.items()))) from None


def body(model: type[M], *, optional: bool = False) -> M:
    """The request's JSON object body as `model` (an absent body counts as `{}` when
    `optional`); 400 `bad_json` for anything that is not a JSON object."""
    if optional and not request.get_data(cache=True):
        return _parse(model, {}, unknown="unknown field")
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        data = None  # nested deeper than the parser goes: not a body we could read
    if not isinstance(data, dict):
        raise QueueError("the body must be a JSON object", code="bad_json")
    return _parse(model, data, unknown="unknown field")


def query(model: type[M]) -> M:
    """The request's query string as `model` (the first value of each parameter). Every
    value arrives as text, so numbers are read from it (`page=2`), unlike in a JSON body."""
    return _parse(model, request.args.to_dict(), unknown="unknown parameter", strict=False)
