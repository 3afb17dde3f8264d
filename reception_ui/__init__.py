"""The staff app (reception and desk) under /staff: one blueprint with its own templates and
static files. The managers' report pages (`reports`), planning pages (`planning`: the rota and
the staffing plan) and the audit trail (`audit`) add their routes to the same blueprint."""

from . import audit, planning, reports  # noqa: F401  (imported for the routes they add)
from .views import bp

__all__ = ["bp"]
