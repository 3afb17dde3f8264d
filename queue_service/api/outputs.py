"""Response bodies of the API, each described once: the shapes `services/views.py`,
`services/snapshots.py` and the other services build as plain dicts (the same dicts the
Socket.IO pushes carry). These models document them; `tests/integration/test_api_schema.py`
and the schemathesis run check real answers against the document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Time = datetime | None
Seconds = int | None
VisitStatus = Literal[
    "waiting", "called", "serving", "done", "no_show", "cancelled", "left", "closed"
]
# A report's table cell: a count, a time in seconds, a share, a name, or nothing.
Cell = str | int | float | None


class Output(BaseModel):
    """The base of every response body."""


class Visit(Output):
    """A visit as its ticket's holder sees it (DESIGN §7): no names or notes."""

    id: int
    token: str = Field(description="shown only to the ticket's holder and staff")
    number: str = Field(examples=["C042"])
    kind: Literal["walk_in", "appointment"]
    service: str = Field(description="the service's code")
    service_name: str
    status: VisitStatus
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
    desk: str | None = Field(description="the desk's name")
    desk_id: int | None
    position: int | None
    estimated_wait_s: Seconds
    estimated_wait_low_s: Seconds
    estimated_wait_high_s: Seconds


class Ticket(Visit):
    """A visit's public status for its holder (the phone page and the `ticket` push)."""

    site: str
    version: int


class StaffVisit(Visit):
    """A visit as staff see it, with the customer's name and notes."""

    customer_name: str | None
    notes: str | None
    appointment_reference: str | None
    estimate_at_issue_s: Seconds
    estimate_at_issue_low_s: Seconds
    estimate_at_issue_high_s: Seconds


class Ungreeted(StaffVisit):
    greet_due_at: datetime


class User(Output):
    id: int
    username: str
    display_name: str
    role: Literal["reception", "adviser", "manager", "admin"]
    sites: list[str]


class SignedIn(User):
    csrf_token: str = Field(description="send as X-CSRF-Token with every change")


class Service(Output):
    code: str
    name: str
    prefix: str
    default_service_min: int


class SiteSummary(Output):
    slug: str
    name: str
    timezone: str = Field(examples=["Europe/London"])
    services: list[Service]


class Desk(Output):
    id: int
    name: str
    services: list[str] = Field(description="codes of the services it serves")
    open: bool


class Targets(Output):
    greet_s: int
    wait_s: int
    appointment_lateness_s: int


class SiteDetail(SiteSummary):
    desks: list[Desk]
    opening_hours: dict[str, str] = Field(examples=[{"mon": "09:00-17:00", "sun": "closed"}])
    targets: Targets
    appointment_grace_s: int
    open: bool


class SiteName(Output):
    slug: str
    name: str
    timezone: str


class Notice(Output):
    message: str
    estimated_wait_min: int | None
    posted_at: datetime


class CallLine(Output):
    number: str
    desk: str | None
    service: str = Field(description="the service's name")
    called_at: Time


class Calling(CallLine):
    status: Literal["called", "serving"]


class ServiceWait(Output):
    """How many wait for a service, and the estimate for someone arriving now."""

    code: str
    name: str
    waiting: int
    estimated_wait_s: Seconds
    estimated_wait_low_s: Seconds
    estimated_wait_high_s: Seconds


class AppointmentDue(Output):
    number: str | None = Field(description="the ticket number once checked in")
    label: str
    service: str
    scheduled_at: datetime
    checked_in: bool


class Snapshot(Output):
    site: SiteName
    version: int
    generated_at: datetime
    open: bool
    notice: Notice | None


class Board(Snapshot):
    """The public board (also the `board` push): no names, notes or tokens."""

    calling: list[Calling]
    recent: list[CallLine] = Field(description="the day's last calls, newest first")
    services: list[ServiceWait]
    appointments_due: list[AppointmentDue]


class Day(Output):
    waiting: int = Field(description="visits closing the day now would close")
    called: int
    ends_at: datetime = Field(description="local midnight or the automatic close")
    auto_close_after_min: int | None


class SiteDay(Day):
    site: str


class ClosedDay(Output):
    site: str
    closed: int
    version: int


class StaffDesk(Desk):
    current: StaffVisit | None


class StaffQueue(Snapshot):
    """Everything the staff app draws (also the `staff_queue` push): both queues in call
    order, the desks, the arrivals not yet greeted."""

    appointments: list[StaffVisit]
    walk_ins: list[StaffVisit]
    desks: list[StaffDesk]
    not_greeted: list[Ungreeted]
    services: list[ServiceWait]
    targets: Targets
    day: Day


class Appointment(Output):
    reference: str
    site: str
    service: str
    scheduled_at: datetime
    customer_name: str | None
    status: Literal["booked", "checked_in", "cancelled"]
    visit_id: int | None


class DayAppointment(Appointment):
    number: str | None
    visit_status: VisitStatus | None


class AppointmentDay(Output):
    site: str
    date: date
    appointments: list[DayAppointment]


class Imported(Output):
    added: int
    updated: int
    unchanged: int


class StaffingHour(Output):
    hour: str = Field(examples=["09:00"])
    arrivals_per_day: float
    erlang_c_desks: int
    desks: int
    simulated_within_target: float | None
    rota_desks: float = Field(description="the rota's planned desks, averaged over the hour")


class StaffingPlan(Output):
    site: str
    weekday: str
    target_s: int
    share: float
    days: int
    simulated_days: list[date]
    mean_service_s: int
    hours: list[StaffingHour]


class Aim(Output):
    aim: str
    our_aim: str
    achieved: str


class Report(Output):
    """A report; `rows` are exactly the rows of the CSV export (site `all` is every site
    together). The summary repeats its scope's figures at the top level."""

    report: str
    from_: date = Field(alias="from")
    to: date
    period: str | None = None
    sites: list[str]
    columns: list[str]
    rows: list[dict[str, Cell]]
    aims: list[Aim] | None = Field(None, description="the standards report only")


class RotaShift(Output):
    desk: str
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    from_: str = Field(alias="from", examples=["09:00"])
    to: str = Field(examples=["12:30"])


class Rota(Output):
    """A site's planned desk hours for the week; the ETag header is `revision`."""

    site: str
    version: int
    revision: str = Field(description="send back as If-Match to save over this rota only")
    timezone: str
    opening_hours: dict[str, str]
    edited_by: str | None = Field(description="null: the sites file's rota")
    edited_at: Time
    desks: list[Desk]
    shifts: list[RotaShift]


class Device(Output):
    """A paired kiosk or display (its token is never shown again after pairing)."""

    id: int
    site: str
    kind: Literal["kiosk", "display"]
    name: str
    created_at: datetime
    revoked_at: Time = Field(description="null while the device may be used")


class LogEntry(Output):
    id: int
    at: datetime
    type: str = Field(examples=["call"])
    actor: str = Field(examples=["user:3", "device:7", "customer", "system"])
    actor_name: str | None
    visit_id: int
    number: str
    desk: str | None
    data: dict[str, Any]


class AuditLog(Output):
    """One page of a site's event log on a local day."""

    site: str
    date: date
    page: int
    per_page: int
    total: int
    pages: int
    entries: list[LogEntry]


# The OpenAPI document itself.
Document = dict[str, Any]
