"""Room names round-trip into what the slow refresh has to re-send."""

from __future__ import annotations

from queue_service.realtime import rooms
from queue_service.realtime.state import LiveState


def test_subscribed_sorts_rooms_into_sites_and_tickets() -> None:
    names = [
        rooms.board("bootle"),
        rooms.staff("bootle"),
        rooms.staff("southport"),
        rooms.ticket("tok-1"),
        rooms.ticket("tok:with:colons"),
        "Xa8Zs0-sid-room",  # every client's own room
        None,  # python-socketio's room of everyone
        "board:",
    ]
    found = rooms.subscribed(names)
    assert found.sites == {"bootle", "southport"}
    assert found.tokens == {"tok-1", "tok:with:colons"}


def test_state_forgets_tickets_nobody_follows() -> None:
    state = LiveState(tick_s=30, ticket_sites={"a": "bootle", "b": "southport"})
    state.keep_tickets({"a", "c"})
    assert state.ticket_sites == {"a": "bootle"}


def test_the_refresh_starts_once_and_not_when_disabled() -> None:
    started: list[int] = []
    state = LiveState(tick_s=30)
    state.start_tick_once(lambda: started.append(1))
    state.start_tick_once(lambda: started.append(1))
    LiveState(tick_s=0).start_tick_once(lambda: started.append(2))
    assert started == [1]


def test_without_a_refresh_no_ticket_is_remembered() -> None:
    # Only the refresh forgets tickets; with none, remembering them would grow without end.
    state = LiveState(tick_s=0)
    state.follow_ticket("a", "bootle")
    assert state.ticket_sites == {}
    refreshing = LiveState(tick_s=30)
    refreshing.follow_ticket("a", "bootle")
    assert refreshing.ticket_sites == {"a": "bootle"}
