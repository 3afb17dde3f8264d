"""The slow refresh: waits and "in service for N minutes" move with the clock even when nobody
acts, so every `tick_s` this process re-sends the snapshots its own clients follow. Versions
do not change (nothing happened); `generated_at` does."""

from __future__ import annotations

import logging

from flask import Flask

from ..errors import NotFound
from ..extensions import socketio
from ..services import snapshots
from ..services.uow import UnitOfWork
from . import rooms
from .publisher import send
from .state import LiveState

log = logging.getLogger(__name__)


def start(app: Flask) -> None:
    socketio.start_background_task(_loop, app)


def _loop(app: Flask) -> None:
    state: LiveState = app.extensions["queue_live"]
    while True:
        socketio.sleep(state.tick_s)
        try:
            refresh(app)
        except Exception:
            # One bad refresh must not stop the loop: the next one may well succeed.
            log.exception("live refresh failed")


def refresh(app: Flask) -> None:
    """Re-send every board, staff view and ticket that this process's clients follow."""
    state: LiveState = app.extensions["queue_live"]
    local = socketio.server.manager.rooms.get("/", {})
    found = rooms.subscribed(list(local))
    state.keep_tickets(found.tokens)
    by_site: dict[str, set[str]] = {slug: set() for slug in found.sites}
    for token in found.tokens:
        if token in state.ticket_sites:
            by_site.setdefault(state.ticket_sites[token], set()).add(token)
    for slug, tokens in by_site.items():
        try:
            push = snapshots.live(UnitOfWork.for_app(app), slug, tokens=tokens, views=True)
        except NotFound:
            continue  # the site was removed while someone watched it
        send(push, local_only=True)
