"""The unit of work: one transaction, the clock, and events released only after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..clock import Clock
from ..db import WRITE
from ..events import Event, Publisher, SiteChanged
from ..models import Site
from ..passwords import Passwords
from . import closing
from .memo import Memo

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


class UnitOfWork:
    """Opens one transaction at a time; rolls back unless `commit` is called inside it."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        publisher: Publisher,
        passwords: Passwords | None = None,
        memo: Memo | None = None,
    ):
        self._sessions = sessions
        self.clock = clock
        self.passwords = passwords or Passwords()
        self._publisher = publisher
        self.memo = memo if memo is not None else Memo()
        self._events: list[Event] = []
        self._after_commit: list[Callable[[], None]] = []
        self.is_writing = False
        self._committed = False
        self._session: Session | None = None

    @classmethod
    def for_app(cls, app: Flask) -> UnitOfWork:
        """A unit of work on the app's database, clock, publisher and password hashing (bound
        in create_app)."""
        ext = app.extensions
        return cls(
            ext["queue_sessions"],
            ext["queue_clock"],
            ext["queue_publisher"],
            ext["queue_passwords"],
            ext["queue_memo"],
        )

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("no transaction is open")
        return self._session

    def now(self) -> datetime:
        """The injected clock's now."""
        return self.clock.now()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction."""
        yield from self._transaction(write=False)

    @contextmanager
    def reading_one(self) -> Iterator[Session]:
        """A read of one statement, which is consistent on its own: on PostgreSQL it runs
        without a transaction, saving the BEGIN and ROLLBACK round trips (who is asking is
        read so on every request)."""
        yield from self._transaction(write=False, one_statement=True)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction that will write (on SQLite it takes the write lock up front)."""
        yield from self._transaction(write=True)

    def _transaction(self, *, write: bool, one_statement: bool = False) -> Iterator[Session]:
        self._events, self._after_commit, self._committed = [], [], False
        self.is_writing = write
        self._session = self._sessions()
        try:
            if write:
                self._session.connection(execution_options={WRITE: True})
            elif one_statement and self._session.get_bind().dialect.name == "postgresql":
                self._session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield self._session
        finally:
            if not self._committed:
                self._session.rollback()
            self._session.close()
            self._session = None
        if self._committed:
            for remember in self._after_commit:
                remember()
        if self._committed and self._events:
            self._publish()

    def commit(self) -> None:
        """Commit the open transaction; its events are published once the block closes."""
        self.session.commit()
        self._committed = True

    def after_commit(self, remember: Callable[[], None]) -> None:
        """Run `remember` (it must not fail) once the open transaction has committed."""
        self._after_commit.append(remember)

    def emit(self, event: Event) -> None:
        """Queue an event for publication after a successful commit."""
        self._events.append(event)

    def lock_site(self, site_id: int) -> Site:
        """Serialise writers per site: later reads in this transaction see the latest state.
        Whatever was loaded before the lock (a desk, to learn its site) may have changed
        while this transaction waited for it; it is expired here, so every decision after
        the lock reads what the writer before committed. Whatever an ended day left waiting
        or called is closed here first, so that no write ever acts on (or numbers beside) an
        earlier day's visits, even after a server was down at midnight."""
        self.session.flush()
        self.session.expire_all()
        stmt = select(Site).where(Site.id == site_id).with_for_update()
        site = self.session.scalars(stmt).one()
        closing.close_ended_day(self, site)
        return site

    def touch(self, site: Site) -> None:
        """Record that the site changed: its version rises by one and screens are told."""
        site.version += 1
        self.emit(SiteChanged(site_id=site.id, site_slug=site.slug, version=site.version))

    def _publish(self) -> None:
        events, self._events = self._events, []
        try:
            self._publisher.publish(events)
        except Exception:
            # The change is committed; a failed broadcast must not turn it into an error.
            log.exception("publishing %d event(s) failed", len(events))
