"""Response bodies of the API, each described once (the shapes `services/views.py` and
`services/snapshots.py` build). They document; `tests/integration/test_api_schema.py` and the
schemathesis run check the real answers against them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

# A JSON object not described further (yet).
Object = dict[str, Any]
Time = datetime | None
Status = Literal["waiting", "called", "serving", "done", "no_show", "cancelled", "left", "closed"]


class Output(BaseModel):
    """The base of every response body."""


class Visit(Output):
    """A visit as its ticket's holder sees it (DESIGN §7): no names or notes."""

    id: int
    token: str | None = Field(None, description="only to the ticket's holder and staff")
    number: str = Field(examples=["C042"])
    kind: Literal["walk_in", "appointment"]
    service: str
    service_name: str
    status: Status
    priority: bool
    needs: list[str]
    language: str | None
    scheduled_at: Time
    arrived_at: Time
    greeted_at: Time
    called_at: Time
    service_started_at: Time
    completed_at: Time
    ended_at: Time
    desk: str | None
    desk_id: int | None
    position: int | None
    estimated_wait_s: int | None
    estimated_wait_low_s: int | None
    estimated_wait_high_s: int | None
