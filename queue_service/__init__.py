"""OneStop Queue: the server. Build it with `queue_service.app.create_app`.

This module stays empty on purpose: the `queue-service` entry point must be able to
monkey-patch for gevent before Flask, SQLAlchemy or any client library is imported.
"""
