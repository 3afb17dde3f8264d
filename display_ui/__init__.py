"""The lobby display at /display/<site>: one blueprint with its own templates and static files."""

from .views import bp

__all__ = ["bp"]
