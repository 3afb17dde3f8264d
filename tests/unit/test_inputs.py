"""Every request model refuses text that no database can store, in every field (also inside
a list), by the one rule of `validation.Input`."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import queue_service.api  # noqa: F401  (imports every blueprint, hence every request model)
from queue_service.api.validation import UNSTORABLE, Input

NUL = "a\x00b"
SURROGATE = "a\ud800b"


def _models(base: type[Input]) -> list[type[Input]]:
    found = []
    for model in base.__subclasses__():
        found += [model, *_models(model)]
    return found


MODELS = _models(Input)
FIELDS = [
    pytest.param(model, field.alias or name, id=f"{model.__name__}.{name}")
    for model in MODELS
    for name, field in model.model_fields.items()
]


def test_every_request_model_is_found() -> None:
    names = {m.__name__ for m in MODELS}
    assert {"TicketRequest", "Login", "Triage", "ReportQuery", "StaffingQuery"} <= names


@pytest.mark.parametrize(("model", "field"), FIELDS)
@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize("as_list", [False, True], ids=["string", "in-a-list"])
def test_every_field_refuses_unstorable_text(
    model: type[Input], field: str, text: str, as_list: bool
) -> None:
    value: Any = [text] if as_list else text
    with pytest.raises(ValidationError) as raised:
        model.model_validate({field: value})
    messages = [e["msg"] for e in raised.value.errors() if e["loc"][:1] == (field,)]
    assert messages and UNSTORABLE in messages[0]
