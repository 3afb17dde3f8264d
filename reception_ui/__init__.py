"""The staff app (reception and desk) under /staff: one blueprint with its own templates and
static files."""

from .views import bp

__all__ = ["bp"]
