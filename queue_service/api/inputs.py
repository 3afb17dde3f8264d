"""Request bodies and query strings of the API, each described once: `validation` reads
requests into them and `openapi.py` documents them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..services import audit
from .validation import Day, Input, Instant, Stripped

SERVICE_CODE = r"^[A-Za-z0-9_-]{1,16}$"
LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

ServiceCode = Annotated[str, Field(max_length=200, pattern=SERVICE_CODE), Stripped]
CustomerName = Annotated[str, Field(max_length=120), Stripped]
Note = Annotated[str, Field(max_length=500), Stripped]
Needs = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=40), Stripped]],
    Field(max_length=10, description="assistance needs, e.g. wheelchair, interpreter"),
]


class Empty(Input):
    """No fields: an action on the thing the path names."""


class Login(Input):
    username: Annotated[str, Field(max_length=60), Stripped]
    password: Annotated[
        str, Field(min_length=1, max_length=200, description="exactly as typed, spaces included")
    ]


class TicketRequest(Input):
    service: ServiceCode
    priority: bool = False
    needs: Needs = Field(default_factory=list)
    language: Annotated[str, Field(max_length=16, pattern=LANGUAGE), Stripped] | None = None
    customer_name: CustomerName | None = None


class CheckIn(Input):
    reference: Annotated[str, Field(max_length=16, pattern=r"^[A-Za-z0-9]+$"), Stripped]


class Booking(Input):
    service: ServiceCode
    scheduled_at: Instant
    customer_name: CustomerName | None = None


class NoticeRequest(Input):
    message: Annotated[str, Field(max_length=500), Stripped]
    estimated_wait_min: Annotated[int, Field(ge=0, le=24 * 60)] | None = None


class Call(Input):
    desk: Annotated[int, Field(ge=1, le=2**31 - 1)]
    reason: Annotated[str, Field(max_length=200), Stripped] | None = Field(
        None, description="why out of turn; kept in the event log"
    )


class Transfer(Input):
    service: Annotated[str, Field(max_length=16), Stripped]
    note: Note | None = Field(None, description="added to the visit's notes")


class Triage(Input):
    """Only the fields sent change."""

    note: Note | None = Field(None, description="added to the visit's notes")
    needs: Needs | None = None
    priority: bool | None = None


class Cancel(Input):
    reason: Literal["cancelled", "left"] = "cancelled"


class AppointmentsQuery(Input):
    date: Day | None = Field(None, description="the site's local day; today when absent")


class StaffingQuery(Input):
    site: Annotated[str, Field(min_length=1, max_length=200)]
    weekday: Annotated[str, Field(min_length=1, max_length=20, examples=["tue"])]


class ReportQuery(Input):
    site: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="a site slug; every site the manager may see when absent"
    )
    period: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="2025Q3, 2025-07, 2025-W27 or 2025-07-14"
    )
    from_: Annotated[str, Field(max_length=40)] | None = Field(
        None, alias="from", description="first local day (with to), e.g. 2025-07-01"
    )
    to: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="last local day, inclusive"
    )
    format: Literal["json", "csv"] = "json"


class AuditQuery(Input):
    date: Day | None = Field(None, description="the site's local day; today when absent")
    page: Annotated[int, Field(ge=1, le=1_000_000, description="the page, from 1")] = 1
    per_page: Annotated[int, Field(ge=1, le=audit.MAX_PER_PAGE)] = audit.PER_PAGE


class Shift(Input):
    desk: Annotated[str, Field(max_length=60, examples=["Desk 1"]), Stripped]
    weekday: Annotated[str, Field(max_length=10, examples=["tue"]), Stripped]
    from_: Annotated[str, Field(max_length=10), Stripped] = Field(
        alias="from", description="local time, HH:MM", examples=["09:00"]
    )
    to: Annotated[str, Field(max_length=10), Stripped] = Field(
        description="local time after from, 24:00 at most", examples=["12:30"]
    )


class RotaRequest(Input):
    # Seven days of a dozen desks with a few stretches each fits many times over.
    shifts: Annotated[list[Shift], Field(max_length=500)]
