"""The `queue-service` console script. gevent's monkey-patching must precede every other
import, so that sockets, threads and client libraries (Redis, psycopg) cooperate."""

from gevent import monkey

monkey.patch_all()

from .cli import main  # noqa: E402

__all__ = ["main"]
