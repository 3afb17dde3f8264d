"""What each API view declares about itself: its input models (validated here, before the view
runs) and its answers. `openapi.py` reads these declarations off the registered routes, so the
document describes exactly what the views accept and return."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from . import validation

F = TypeVar("F", bound=Callable[..., Any])
# The headers an operation may take, by their name in the document's components.
IDEMPOTENCY_KEY = "IdempotencyKey"
IF_MATCH = "IfMatch"
# The failures of a change made by staff (or a device): who, may they, is it legal now.
STAFF = (401, 403, 409)
# The failures of a read for managers (or any signed-in role it names).
MANAGER = (401, 403)


@dataclass(frozen=True)
class Operation:
    """One view's contract. `responses` maps each success status to the type of its JSON body
    (None: no body); `errors` are the failure statuses beyond those `openapi.py` works out from
    the route and the input (404 for a path part, 400/422 for a body or query)."""

    summary: str
    responses: Mapping[int, Any]
    body: type[validation.Input] | None = None
    body_optional: bool = False
    query: type[validation.Input] | None = None
    errors: tuple[int, ...] = ()
    headers: tuple[str, ...] = ()
    # Content other than JSON: a CSV request body, or a CSV answer beside the JSON one.
    csv_body: bool = False
    csv_answer: bool = False


def operation(
    responses: Mapping[int, Any],
    *,
    body: type[validation.Input] | None = None,
    body_optional: bool = False,
    query: type[validation.Input] | None = None,
    errors: tuple[int, ...] = (),
    headers: tuple[str, ...] = (),
    csv_body: bool = False,
    csv_answer: bool = False,
    summary: str | None = None,
) -> Callable[[F], F]:
    """Declare a view's contract (its docstring is the summary). The input is validated
    before the view runs, which gets the models as the keyword arguments `body` and `query`
    if it has parameters of those names (a view whose body must be empty need not)."""

    def decorate(view: F) -> F:
        spec = Operation(
            summary=summary or (view.__doc__ or view.__name__).strip(),
            responses=responses,
            body=body,
            body_optional=body_optional,
            query=query,
            errors=errors,
            headers=headers,
            csv_body=csv_body,
            csv_answer=csv_answer,
        )

        wants = inspect.signature(view).parameters

        @functools.wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            given: dict[str, validation.Input] = {}
            if body is not None:
                given["body"] = validation.body(body, optional=body_optional)
            if query is not None:
                given["query"] = validation.query(query)
            return view(*args, **kwargs, **{k: v for k, v in given.items() if k in wants})

        run.operation = spec  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate


def declared(view: Callable[..., Any]) -> Operation | None:
    """The contract a view declared, if it did."""
    return getattr(view, "operation", None)
