"""The staff app (reception and desk) under /staff: one blueprint with its own templates and
static files. The managers' report pages (`reports`) and the audit trail (`audit`) add their
routes to the same blueprint."""

from . import audit, reports  # noqa: F401  (imported for the routes they add)
from .views import bp

__all__ = ["bp"]
