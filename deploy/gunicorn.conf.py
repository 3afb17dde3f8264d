"""gunicorn settings for one OneStop Queue server process.

    ONESTOP_BIND=127.0.0.1:8001 gunicorn -c deploy/gunicorn.conf.py queue_service.wsgi:app

gunicorn reads this file in its master process, before any gevent patching: it imports only
`os`, so that nothing here holds an unpatched socket or lock.
"""

import os

bind = os.environ.get("ONESTOP_BIND", "127.0.0.1:8001")

# gevent, never eventlet (README, "Why gevent"). The worker monkey-patches itself before it
# imports the app, which is why queue_service/wsgi.py does not.
worker_class = "gevent"
# Loading the app in the master would import it before that patching: keep it in the worker.
preload_app = False

# One worker per process: Socket.IO long-polling must reach the process that holds the session,
# and nginx can only be sticky to an address, not to a worker behind it. Scale out with more
# processes on more ports (deploy/systemd/onestop@.service), all listed in nginx's upstream.
workers = 1
# Each lobby screen, staff tablet and phone holds one socket for as long as it is open; a busy
# site's screens and phones reach about 2,000 per process. Room for those, their API requests
# and some slack. The process's open-file limit must allow as many (LimitNOFILE in the unit).
worker_connections = 2500

# With gevent this is a heartbeat, not a request limit: a worker whose event loop is stuck for
# this long (a blocking call that escaped patching) is killed and replaced.
timeout = 30
# On stop or restart, WebSockets never "finish": waiting long gains nothing, because clients
# reconnect (through nginx, to another process) and subscribe again by themselves.
graceful_timeout = 10
# nginx reuses idle upstream connections for up to 60 s (its default keepalive_timeout); holding
# them a little longer here means nginx, not gunicorn, closes them, so no request is sent down a
# connection that gunicorn is closing at that instant.
keepalive = 75

# gunicorn 25.1+ opens a control socket (for `gunicornc`) at one fixed path per user, so the
# processes on one host would take over and delete each other's. Nothing here uses it; older
# gunicorns ignore the setting.
control_socket_disable = True

# nginx writes the access log with the client's real address; here it would only repeat it.
accesslog = None
# Errors and start-up lines on standard error: journald or `docker logs` keep them.
errorlog = "-"
loglevel = "info"
proc_name = "onestop"
