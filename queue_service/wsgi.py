"""The WSGI entry point for gunicorn: `gunicorn -c deploy/gunicorn.conf.py queue_service.wsgi:app`.

gunicorn imports an application object by name, so this module is the one place where an app is
built at import; everything else goes through `create_app()`. It does not monkey-patch: gunicorn's
gevent worker patches the worker process before it imports this module. Importing it unpatched
(another worker class, or `preload_app`) would leave Redis and database calls blocking the whole
process, so that mistake stops the server here instead of degrading it quietly.
"""

from gevent import monkey

from .app import create_app
from .realtime import day_end
from .server import freeze_start_up

if not monkey.is_module_patched("socket"):
    raise RuntimeError(
        "queue_service.wsgi needs gunicorn's gevent worker (-k gevent) without preload_app; "
        "see deploy/gunicorn.conf.py"
    )

app = create_app()
day_end.start(app)
freeze_start_up()
