"""What the retention purge keeps and what it erases (docs/PRIVACY.md lists every field).

A visit is kept whole for the retention period of local days; after that its names, notes,
needs, language and token go, and what stays (times, service, kind, status, desk, priority,
estimates) describes no one. The event log keeps each row (reports and service times read
it), minus the free text staff typed and the needs they recorded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .lifecycle import Action

# The keys of an event's `data` that hold what staff typed about a person, by event type.
# Everything else there is a desk name, a service code, a flag or one of a few fixed words.
PERSONAL_DATA: dict[str, tuple[str, ...]] = {
    Action.CALL: ("reason",),
    Action.TRANSFER: ("note",),
    Action.TRIAGE: ("note", "needs"),
}


def first_day_kept(today: date, retention_days: int) -> date:
    """The earliest local day whose visits keep their personal fields: today and the
    `retention_days` days before it."""
    return today - timedelta(days=retention_days)


def erased_data(event_type: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The event's `data` without its personal keys, naming what was erased (so the audit
    trail says a note was there); None when there is nothing to erase."""
    personal = [key for key in PERSONAL_DATA.get(event_type, ()) if key in data]
    if not personal:
        return None
    kept = {key: value for key, value in data.items() if key not in personal}
    return {**kept, "erased": personal}
