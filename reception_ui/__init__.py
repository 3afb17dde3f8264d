"""The staff app (reception and desk) under /staff: one blueprint with its own templates and
static files. The managers' report pages (`reports`) add their routes to the same blueprint."""

from . import reports  # noqa: F401  (imported for the routes it adds)
from .views import bp

__all__ = ["bp"]
