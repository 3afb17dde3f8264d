"""The deployed layout for tests and the load script: nginx configured from the shipped
deploy/nginx/onestop.conf in front of gunicorn processes run with deploy/gunicorn.conf.py.

The site file's own location blocks are used as shipped; only what a test cannot use is
rewritten: the upstream addresses, HTTPS and the checkout's path."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.liveserver import BIN, free_port, stop_process, wait_until_healthy

REPO = Path(__file__).resolve().parents[2]
SITE_FILE = REPO / "deploy" / "nginx" / "onestop.conf"
STATIC = REPO / "queue_service" / "static"
GUNICORN = (
    str(BIN / "gunicorn"),
    "-c",
    str(REPO / "deploy" / "gunicorn.conf.py"),
    "queue_service.wsgi:app",
)
# /usr/sbin is not on an ordinary user's PATH, and that is where Debian puts nginx.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def _replace_once(pattern: str, replacement: str, text: str) -> str:
    # Exactly one match, so that a change to the shipped file fails here instead of leaving
    # the test running a configuration nobody ships.
    new, count = re.subn(pattern, replacement, text, flags=re.MULTILINE | re.DOTALL)
    assert count == 1, f"{SITE_FILE}: expected one match for {pattern!r}, found {count}"
    return new


def site_config(listen_port: int, upstream_ports: Sequence[int]) -> str:
    """The shipped site file, rewritten only where a test must differ."""
    text = SITE_FILE.read_text()
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstream_ports)
    text = _replace_once(r"(^    server 127\.0\.0\.1:\d+;\n)+", servers, text)
    # The port-80 server only redirects to HTTPS, and there is no certificate here: the test
    # talks plain HTTP to the HTTPS server's locations.
    text = _replace_once(r"^server \{\n    listen 80;.*?^\}\n", "", text)
    text = _replace_once(r"listen 443 ssl;", f"listen 127.0.0.1:{listen_port};", text)
    text = _replace_once(r"(^    ssl_\w+ [^\n]*\n)+", "", text)
    return _replace_once(
        r"alias /opt/onestop/app/queue_service/static/;", f"alias {STATIC}/;", text
    )


def nginx_config(work: Path, site: Path, connections: int = 256) -> str:
    """The main nginx.conf a Debian host has, cut down: every file it writes under `work`."""
    # As root, nginx would hand its workers to `nobody`, who may not read the test's files.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"    {kind}_temp_path {work / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {work / 'nginx.pid'};\n"
        f"error_log {work / 'error.log'} info;\n"
        f"events {{ worker_connections {connections}; }}\n"
        f"http {{\n    access_log {work / 'access.log'};\n{temp}    include {site};\n}}\n"
    )


@contextmanager
def nginx(work: Path, upstream_ports: Sequence[int], connections: int = 256) -> Iterator[str]:
    """nginx in the foreground in front of `upstream_ports`; yields its URL once it proxies
    /healthz, and stops it however the test ends."""
    assert NGINX is not None
    work.mkdir()
    port = free_port()
    site = work / "onestop.conf"
    site.write_text(site_config(port, upstream_ports))
    conf = work / "nginx.conf"
    conf.write_text(nginx_config(work, site, connections))
    url = f"http://127.0.0.1:{port}"
    log = work / "error.log"
    # -e: the error log from the first line on, before nginx has read the configuration.
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [NGINX, "-p", str(work), "-e", str(log), "-c", str(conf)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(process, url, log)
        yield url
    finally:
        # nginx's fast shutdown; SIGQUIT, the graceful one, would wait for the open WebSockets.
        stop_process(process, signal.SIGTERM)
