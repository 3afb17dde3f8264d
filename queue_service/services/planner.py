"""Runs the staffing planner's simulation in a child process and remembers its answers.

A plan simulates several past days through the service layer: seconds of CPU. Run inside a
request it would hold the serving process — a gevent loop that also carries every lobby
screen, kiosk and desk connected to it — for all that time. In a child process it costs the
serving process a pipe to wait on: under gevent `subprocess` is monkey-patched, so the request
waits cooperatively while everyone else is served. One child at a time per process, so that a
few managers at once cannot take every core from the screens; a request that finds another
planning waits its turn, and one for the same plan then finds it remembered.

A plan is a function of its `History` alone (the simulation is seeded), so the answer is
remembered per site and weekday together with the history it came from, and given again while
the history read afresh is equal to it: a manager's second look costs one read of the history,
and new past visits (an import, another day gone by) are never answered with a stale plan.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from typing import Any

from ..errors import Unavailable
from ..simulation.planning import History

log = logging.getLogger(__name__)

CHILD = (sys.executable, "-m", "queue_service.simulation.planning")
UNAVAILABLE = "the staffing planner is unavailable just now; please try again later"


class Planner:
    """Per process: works out plans in a child, one at a time, and remembers the latest per
    site and weekday."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.runs = 0  # children started, for the tests and the logs
        self._kept: dict[tuple[str, str], tuple[History, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def plan(self, history: History) -> dict[str, Any]:
        """The plan for `history` (never to be changed by the caller): remembered, or worked
        out in a child. Raises `Unavailable` when the child fails or overruns."""
        key = (history.site, history.weekday)
        if (kept := self._remembered(key, history)) is not None:
            return kept
        with self._lock:
            if (kept := self._remembered(key, history)) is not None:
                return kept
            answer = self._run(history)
            self._kept[key] = (history, answer)
        return answer

    def _remembered(self, key: tuple[str, str], history: History) -> dict[str, Any] | None:
        kept = self._kept.get(key)
        return kept[1] if kept is not None and kept[0] == history else None

    def _run(self, history: History) -> dict[str, Any]:
        self.runs += 1
        what = f"the staffing plan of {history.site} on {history.weekday}"
        try:
            done = subprocess.run(
                CHILD,
                input=json.dumps(history.to_json()),
                capture_output=True,
                text=True,
                timeout=self.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            log.error("%s took longer than %s s; its child was stopped", what, self.timeout_s)
            raise Unavailable(UNAVAILABLE, code="planner_unavailable") from None
        except OSError:
            log.exception("%s: the child could not be started", what)
            raise Unavailable(UNAVAILABLE, code="planner_unavailable") from None
        if done.returncode != 0:
            log.error("%s: the child exited with %d: %s", what, done.returncode, done.stderr)
            raise Unavailable(UNAVAILABLE, code="planner_unavailable")
        answer: dict[str, Any] = json.loads(done.stdout)
        return answer
