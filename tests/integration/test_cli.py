"""The `queue-service` command, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from queue_service.app import create_app
from queue_service.clock import ManualClock
from queue_service.rules.permissions import SYSTEM
from queue_service.services import tickets
from queue_service.services.uow import UnitOfWork
from tests.conftest import RecordingPublisher, demo_document
from tests.support.liveserver import cli, reset_database

SITES = """
[[site]]
slug = "bootle"
name = "Bootle One Stop Shop"
timezone = "Europe/London"
opening_hours = { mon = "09:00-17:00", sat = "closed" }

[[site.service]]
code = "CT"
name = "Council Tax"
prefix = "C"
default_service_min = 8

[[site.desk]]
name = "Desk 1"
services = ["CT"]
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    reset_database(url)
    return {**os.environ, "DATABASE_URL": url, "QUEUE_INSTANCE_DIR": str(tmp_path)}


def test_sites_load_is_idempotent(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(SITES)
    first = cli(env, "sites", "load", str(path))
    second = cli(env, "sites", "load", str(path))
    assert first.returncode == second.returncode == 0, first.stderr
    assert first.stdout == second.stdout == "bootle: 1 services, 1 desks\n"


def test_a_password_added_with_spaces_at_either_end_signs_in(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "sites.toml").write_text(SITES)
    cli(env, "sites", "load", str(tmp_path / "sites.toml"))
    password = "  open sesame  "
    added = cli(
        env, "user", "add", "ann", "--role", "adviser", "--site", "bootle", "--password", password
    )
    assert added.returncode == 0, added.stderr
    app = create_app({"DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": "test", "TESTING": True})
    login = app.test_client().post(
        "/api/v1/auth/login", json={"username": "ann", "password": password}
    )
    app.extensions["queue_engine"].dispose()
    assert login.status_code == 200, login.json


def add_kiosk(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Load the one-site file and pair kiosk k1 with it."""
    (tmp_path / "sites.toml").write_text(SITES)
    cli(env, "sites", "load", str(tmp_path / "sites.toml"))
    return cli(env, "device", "add", "--site", "bootle", "--kind", "kiosk", "--name", "k1")


def test_device_add_prints_the_token_alone_on_the_last_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = add_kiosk(env, tmp_path)
    assert result.returncode == 0, result.stderr
    token = result.stdout.splitlines()[-1]
    assert len(token) >= 40 and " " not in token


def test_device_list_shows_ids_and_revoke_ends_the_token(
    env: dict[str, str], tmp_path: Path
) -> None:
    token = add_kiosk(env, tmp_path).stdout.splitlines()[-1]
    listed = cli(env, "device", "list", "--site", "bootle")
    assert listed.returncode == 0, listed.stderr
    (line,) = listed.stdout.splitlines()
    assert "'k1'" in line and line.endswith("live") and token not in line
    device_id = line.split()[0]

    revoked = cli(env, "device", "revoke", device_id)
    assert revoked.returncode == 0, revoked.stderr
    assert revoked.stdout == "kiosk 'k1' at bootle revoked\n"
    assert "revoked 20" in cli(env, "device", "list").stdout
    app = create_app({"DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": "test", "TESTING": True})
    refused = app.test_client().post(
        "/api/v1/sites/bootle/tickets",
        json={"service": "CT"},
        headers={"Authorization": f"Bearer {token}"},
    )
    app.extensions["queue_engine"].dispose()
    assert refused.status_code == 401
    again = cli(env, "device", "revoke", device_id)
    assert again.returncode == 1
    assert again.stderr.startswith(f"queue-service: error: device {device_id} was already revoked")


@pytest.mark.parametrize(
    "args",
    [
        ("user", "add", "x", "--role", "bogus", "--site", "bootle", "--password", "abcdefgh"),
        ("device", "revoke", "12345"),
        ("device", "revoke", "seven"),
        ("device", "revoke", "0"),
        ("device", "list", "--site", "nowhere"),
        ("user", "add", "x", "--role", "adviser", "--site", "nowhere", "--password", "abcdefgh"),
        ("device", "add", "--site", "bootle", "--kind", "toaster", "--name", "t"),
        ("sites", "load", "/no/such/file.toml"),
        ("serve", "--port", "99999"),
        ("no-such-command",),
    ],
)
def test_bad_arguments_get_one_line_and_a_nonzero_exit(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    result = cli(env, *args)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("queue-service: error:")
    assert "Traceback" not in result.stderr


def test_a_broken_sites_file_is_one_clear_line(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(SITES.replace('timezone = "Europe/London"', 'timezone = "Mars/Olympus"'))
    result = cli(env, "sites", "load", str(path))
    assert result.returncode == 1
    assert "unknown timezone" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("LIVE_TICK_S", "soon", "LIVE_TICK_S must be a whole number of seconds"),
        ("QUEUE_ENV", "production", "SECRET_KEY must be set"),
        ("RATE_LIMIT_LOGIN_ACCOUNT", "5 per hour", "must be COUNT/SECONDS (say 5/900) or 0"),
        ("TRUSTED_PROXIES", "nginx", "TRUSTED_PROXIES must be a whole number"),
        ("CORS_ORIGINS", "signage.example", "not an origin like https://host"),
    ],
)
def test_a_bad_environment_is_one_clear_line(
    env: dict[str, str], variable: str, value: str, message: str
) -> None:
    env = {k: v for k, v in env.items() if k != "SECRET_KEY"}
    result = cli({**env, variable: value}, "db", "upgrade")
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


def test_a_site_may_keep_its_board_private(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(SITES.replace('slug = "bootle"\n', 'slug = "bootle"\npublic_board = "no"\n'))
    result = cli(env, "sites", "load", str(path))
    assert result.returncode == 1
    assert "public_board must be true or false" in result.stderr
    path.write_text(SITES.replace('slug = "bootle"\n', 'slug = "bootle"\npublic_board = false\n'))
    assert cli(env, "sites", "load", str(path)).returncode == 0


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 11, 29, 23, 0, tzinfo=UTC),  # Sunday 23:00 in London (GMT)
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 02:30 BST, the hour the clocks skip
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 01:30 GMT, the hour that comes twice
    ],
)
def test_the_demo_kiosk_takes_tickets_at_any_hour_while_the_sites_file_keeps_real_hours(
    env: dict[str, str], tmp_path: Path, when: datetime
) -> None:
    seeded = cli(env, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    kiosk = json.loads((tmp_path / "demo_devices.json").read_text())["bootle"]["kiosk"]
    assert f"/kiosk/bootle?pair={kiosk}" in seeded.stdout
    app = create_app(
        {
            "QUEUE_ENV": "test",
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": env["DATABASE_URL"],
            "PUBLIC_BASE_URL": "http://queue.test",
            "CLOCK": ManualClock(when),
            "PUBLISHER": RecordingPublisher(),
        }
    )

    issued = app.test_client().post(
        "/api/v1/sites/bootle/tickets",
        json={"service": "CT"},
        headers={"Authorization": f"Bearer {kiosk}"},
    )

    app.extensions["queue_engine"].dispose()
    assert issued.status_code == 201, issued.json
    assert demo_document()["site"][0]["opening_hours"]["sun"] == "closed"


def test_import_appointments_loads_once_and_a_bad_row_loads_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "sites.toml").write_text(SITES)
    cli(env, "sites", "load", str(tmp_path / "sites.toml"))
    good = tmp_path / "day.csv"
    good.write_text(
        "site,service,reference,scheduled_at,customer_name\n"
        "bootle,CT,ABC123,2026-10-25T10:00:00,Ann\n"
        "bootle,CT,ABC124,2026-10-25T10:30:00+00:00,\n"
    )
    first, again = (
        cli(env, "import-appointments", str(good)),
        cli(env, "import-appointments", str(good)),
    )
    assert (first.returncode, first.stdout) == (0, "2 added, 0 updated, 0 unchanged\n")
    assert again.stdout == "0 added, 0 updated, 2 unchanged\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        good.read_text()
        + "bootle,CT,ABC125,2026-10-25T11:00:00,\nbootle,ZZ,X1,2026-10-25T11:00:00,\n"
    )
    refused = cli(env, "import-appointments", str(bad))
    assert refused.returncode == 1
    assert refused.stderr == "queue-service: error: line 5: no service 'ZZ' at bootle\n"
    # ABC125 (line 4, good) was not kept: the import is all or nothing.
    bad.write_text("\n".join(bad.read_text().splitlines()[:-1]) + "\n")
    fixed = cli(env, "import-appointments", str(bad))
    assert fixed.stdout == "1 added, 0 updated, 2 unchanged\n"


def test_purge_says_per_site_what_it_erases_and_a_dry_run_changes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "sites.toml").write_text(SITES)
    cli(env, "sites", "load", str(tmp_path / "sites.toml"))
    app = create_app(
        {
            "QUEUE_ENV": "test",
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": env["DATABASE_URL"],
            "CLOCK": ManualClock(datetime.now(UTC) - timedelta(days=12)),
            "PUBLISHER": RecordingPublisher(),
        }
    )
    request = tickets.TicketRequest(service="CT", customer_name="Old Name")
    for _ in range(2):
        tickets.issue_ticket(UnitOfWork.for_app(app), SYSTEM, "bootle", request)
    app.extensions["queue_engine"].dispose()
    env = {**env, "RETENTION_DAYS": "10"}

    would = cli(env, "purge", "--dry-run")
    did = cli(env, "purge")
    again = cli(env, "purge")

    assert would.returncode == did.returncode == again.returncode == 0, would.stderr
    assert "bootle: would erase 2 visits, 0 appointments, 0 log entries" in would.stdout
    assert "bootle: erased 2 visits, 0 appointments, 0 log entries" in did.stdout
    assert "bootle: erased 0 visits" in again.stdout
    assert "keeping personal fields for 10 days" in did.stdout
    assert "idempotency records: removed 0 older than a day" in did.stdout


@pytest.mark.parametrize("days", ["0", "ninety", "-5"])
def test_a_bad_retention_period_is_one_clear_line(env: dict[str, str], days: str) -> None:
    result = cli({**env, "RETENTION_DAYS": days}, "purge")
    assert result.returncode == 1
    assert "RETENTION_DAYS must be" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
