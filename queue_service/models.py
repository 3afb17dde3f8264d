"""The database schema: every table as a typed SQLAlchemy 2.x model, in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    case,
    column,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import ColumnClause

from .sqltime import seconds_between

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as well as PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


desk_service = Table(
    "desk_service",
    Base.metadata,
    Column("desk_id", ForeignKey("desk.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)

user_site = Table(
    "user_site",
    Base.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("site.id", ondelete="CASCADE"), primary_key=True),
)


class Site(Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    # {"mon": "09:00-17:00", ..., "sun": "closed"}: the site's local wall-clock hours.
    opening_hours: Mapped[dict[str, Any]]
    call_window_s: Mapped[int] = mapped_column(default=120)
    grace_s: Mapped[int] = mapped_column(default=600)
    greet_target_s: Mapped[int] = mapped_column(default=120)
    wait_target_s: Mapped[int] = mapped_column(default=900)
    appointment_target_s: Mapped[int] = mapped_column(default=300)
    # Close the day this long after closing time instead of at midnight; None: at midnight.
    auto_close_after_s: Mapped[int | None]
    # False keeps the board (REST and live) to the site's paired devices and staff.
    public_board: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Rises by one with every committed change at the site; screens use it to drop stale pushes.
    version: Mapped[int] = mapped_column(default=0)
    # Who last changed the rota through the API, and when; None while the rota is the sites
    # file's. A manager's rota is kept when the file is loaded again (services/site_config.py).
    rota_edited_by: Mapped[str | None] = mapped_column(String(60))
    rota_edited_at: Mapped[datetime | None]

    services: Mapped[list[Service]] = relationship(
        back_populates="site", order_by="Service.position"
    )
    desks: Mapped[list[Desk]] = relationship(back_populates="site", order_by="Desk.position")


class Service(Base):
    __tablename__ = "service"
    # Prefixes are unique among a site's active services; the loader checks it, since a
    # retired service keeps its prefix for the visits it already numbered.
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(1))
    default_service_min: Mapped[int] = mapped_column(default=10)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship(back_populates="services")
    desks: Mapped[list[Desk]] = relationship(secondary=desk_service, back_populates="services")


class Desk(Base):
    __tablename__ = "desk"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship(back_populates="desks")
    services: Mapped[list[Service]] = relationship(
        secondary=desk_service, back_populates="desks", order_by="Service.position"
    )


class RotaShift(Base):
    """A desk's planned hours on one weekday, in the site's local time (the rota)."""

    __tablename__ = "rota_shift"
    __table_args__ = (Index("ix_rota_shift_site_weekday", "site_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id", ondelete="CASCADE"))
    # 0 = Monday, as datetime.weekday(); minutes after local midnight, end exclusive.
    weekday: Mapped[int]
    start_min: Mapped[int]
    end_min: Mapped[int]

    desk: Mapped[Desk] = relationship()


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A session cookie carries the generation it was signed in at; signing out (or a reset)
    # raises it, which ends every session of the user however long its cookie would live.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime]

    sites: Mapped[list[Site]] = relationship(secondary=user_site)


class Device(Base):
    __tablename__ = "device"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    # Only a SHA-256 of the token is kept: a leaked database does not leak working tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship()


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_site_scheduled", "site_id", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    # The booking's reference links it to a person in the booking system: None once purged.
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    scheduled_at: Mapped[datetime]
    customer_name: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="booked")
    created_at: Mapped[datetime]
    # When the retention purge erased its personal fields (services/retention.py).
    purged_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship()
    service: Mapped[Service] = relationship()
    visit: Mapped[Visit | None] = relationship(back_populates="appointment")


def _kept_seconds(later: str, earlier: ColumnElement[Any]) -> Any:
    """A column the database keeps: `later - earlier` in seconds, None while either is."""
    return mapped_column(Float, Computed(seconds_between(column(later), earlier), persisted=True))


def _wait_starts_at() -> ColumnElement[Any]:
    arrived: ColumnClause[Any] = column("arrived_at")
    scheduled: ColumnClause[Any] = column("scheduled_at")
    return case(
        (and_(column("kind") == "appointment", scheduled > arrived), scheduled), else_=arrived
    )


class Visit(Base):
    __tablename__ = "visit"
    __table_args__ = (
        # The backstop behind the counter: one number per prefix per local day.
        UniqueConstraint("site_id", "local_date", "number_prefix", "number_seq"),
        Index("ix_visit_site_status", "site_id", "status"),
        Index("ix_visit_site_completed", "site_id", "completed_at"),
        # Reports select a site's visits by local day (periods are local days).
        Index("ix_visit_site_local_date", "site_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desk.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), unique=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    local_date: Mapped[date] = mapped_column(Date)
    # The local hour (0-23) of arrived_at, fixed at arrival like local_date: reports group by
    # it on both databases, and SQLite has no timezone rules to derive it in a query.
    local_hour: Mapped[int] = mapped_column(SmallInteger)
    number_prefix: Mapped[str] = mapped_column(String(1))
    number_seq: Mapped[int]
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    needs: Mapped[list[str]] = mapped_column(default=list)
    language: Mapped[str | None] = mapped_column(String(16))
    customer_name: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    # Copied from the appointment at check-in, so the call rule needs no join.
    scheduled_at: Mapped[datetime | None]
    arrived_at: Mapped[datetime]
    greeted_at: Mapped[datetime | None]
    called_at: Mapped[datetime | None]
    service_started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # What the customer was told at issue, kept so reports can measure the estimator.
    estimate_at_issue_s: Mapped[int | None]
    estimate_at_issue_low_s: Mapped[int | None]
    estimate_at_issue_high_s: Mapped[int | None]
    # When the retention purge erased its personal fields (services/retention.py); the token
    # was replaced then too, so the paper ticket no longer leads here.
    purged_at: Mapped[datetime | None]
    # The times of DESIGN §8 in seconds (None: a step never reached), kept by the database
    # from the times above (stored generated columns), so that reports read them rather than
    # work them out for every visit they cover. An appointment's wait starts at its time if
    # the customer came early (arriving early is not the council's delay).
    time_to_greet_s: Mapped[float | None] = _kept_seconds("greeted_at", column("arrived_at"))
    wait_s: Mapped[float | None] = _kept_seconds("service_started_at", _wait_starts_at())
    service_time_s: Mapped[float | None] = _kept_seconds(
        "completed_at", column("service_started_at")
    )

    site: Mapped[Site] = relationship()
    service: Mapped[Service] = relationship()
    desk: Mapped[Desk | None] = relationship()
    appointment: Mapped[Appointment | None] = relationship(back_populates="visit")
    events: Mapped[list[VisitEvent]] = relationship(
        back_populates="visit", order_by="VisitEvent.id"
    )

    @property
    def number(self) -> str:
        return f"{self.number_prefix}{self.number_seq:03d}"


class VisitEvent(Base):
    """The append-only log: one row per transition, never deleted. The retention purge is the
    one thing that rewrites a row: it drops the free text and needs from `data`."""

    __tablename__ = "visit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(40))
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desk.id"))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    visit: Mapped[Visit] = relationship(back_populates="events")


class Notice(Base):
    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(500))
    estimated_wait_min: Mapped[int | None]
    posted_at: Mapped[datetime]
    posted_by: Mapped[str] = mapped_column(String(40))
    cleared_at: Mapped[datetime | None]


class TicketCounter(Base):
    """The last number given per site, prefix and local day: bumped atomically with the visit."""

    __tablename__ = "ticket_counter"

    site_id: Mapped[int] = mapped_column(
        ForeignKey("site.id", ondelete="CASCADE"), primary_key=True
    )
    prefix: Mapped[str] = mapped_column(String(1), primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int]


class IdempotencyRecord(Base):
    """The first answer to a request sent with an Idempotency-Key, replayed on a retry."""

    __tablename__ = "idempotency_record"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(index=True)
