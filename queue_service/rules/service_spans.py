"""Service spans: how long each service took, read from the visits' event log.

A visit is served from each `start` to the `complete` or `transfer` that follows it, for the
service it had at that start. A visit transferred from Council Tax to Housing thus counts once
for each, for the time it spent at a desk, and never for its wait in between (DESIGN §8: the
wait runs from arrival to the *first* start; a service time is one service's own span).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from .lifecycle import Action

# The log rows that open or close a span; the others (greet, call, recall…) change nothing.
SPAN_ACTIONS = (Action.START, Action.COMPLETE, Action.TRANSFER)


@dataclass(frozen=True)
class LoggedStep:
    """One START, COMPLETE or TRANSFER row of a visit's log. `served_service_id` is the
    service the visit was being served for when the row closes a span (for a complete, the
    visit's last service; for a transfer, the one it left); None when that is unknown."""

    visit_id: int
    action: str
    at: datetime
    served_service_id: int | None = None


def spans(steps: Iterable[LoggedStep]) -> Iterator[tuple[int, datetime, float]]:
    """(service id, start, seconds served) for each span, as its closing step comes. Steps
    must be in log order within each visit; visits may be interleaved."""
    started: dict[int, datetime] = {}
    for step in steps:
        if step.action == Action.START:
            started[step.visit_id] = step.at
            continue
        begun = started.pop(step.visit_id, None)
        if begun is not None and step.served_service_id is not None:
            yield step.served_service_id, begun, (step.at - begun).total_seconds()
