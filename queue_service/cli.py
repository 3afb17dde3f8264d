"""The `queue-service` command: database, configuration, accounts, demo data and the server."""

from __future__ import annotations

import csv
import json
import sys
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from . import db
from .app import create_app
from .config import ConfigError
from .errors import QueueError
from .extensions import socketio
from .realtime import LivePublisher, day_end
from .rules import periods
from .rules.calendar import DAYS
from .rules.permissions import DEVICE_ROLES, STAFF_ROLES, SYSTEM
from .server import BACKLOG, NoDelayHandler, freeze_start_up
from .services import (
    accounts,
    appointment_import,
    devices,
    history,
    reports,
    retention,
    site_config,
    staffing,
    visit_import,
)
from .services.reports.export import text_table, to_csv
from .services.uow import UnitOfWork
from .simulation import runner, scenario

DEMO_PASSWORD = "onestop-demo"
DEMO_ROLES = ("reception", "adviser", "manager")
# The demo must work whenever someone tries it, a Sunday night included; the sites file keeps
# the hours a council would really load.
DEMO_HOURS = dict.fromkeys(DAYS, "00:00-24:00")


@click.group(help="OneStop Queue server administration.")
def cli() -> None:
    pass


@cli.group(name="db", help="The database schema.")
def db_group() -> None:
    pass


@db_group.command(name="upgrade")
def db_upgrade() -> None:
    """Apply every migration not yet applied."""
    app = create_app()
    db.upgrade(app.extensions["queue_engine"])
    click.echo("database is up to date")


@cli.group(name="sites", help="Sites, services, desks and opening hours.")
def sites_group() -> None:
    pass


@sites_group.command(name="load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace-rota",
    is_flag=True,
    help="The file's [[site.rota]] replaces a rota managers have edited (kept otherwise).",
)
def sites_load(file: Path, replace_rota: bool) -> None:
    """Create or update sites from a TOML file (idempotent)."""
    app = create_app()
    uow = UnitOfWork.for_app(app)
    for line in site_config.load_sites(uow, _read_toml(file), replace_rota=replace_rota):
        click.echo(line)
    _send_pushes(app)


@cli.group(name="user", help="Staff accounts.")
def user_group() -> None:
    pass


@user_group.command(name="add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(sorted(r.value for r in STAFF_ROLES)))
@click.option("--site", "sites", multiple=True, help="A site slug; repeat for several.")
@click.option("--password", help="Read from standard input when not given.")
@click.option("--name", "display_name", help="The name shown in the staff app.")
def user_add(
    username: str,
    role: str,
    sites: tuple[str, ...],
    password: str | None,
    display_name: str | None,
) -> None:
    """Create a staff user, or reset an existing one."""
    app = create_app()
    if password is None:
        password = sys.stdin.readline().rstrip("\n")
    user = accounts.add_user(
        UnitOfWork.for_app(app), username, password, role, list(sites), display_name
    )
    click.echo(
        f"user {user['username']} ({user['role']}) at {', '.join(user['sites']) or 'all sites'}"
    )


@cli.group(name="device", help="Kiosks and lobby displays.")
def device_group() -> None:
    pass


@device_group.command(name="add")
@click.option("--site", required=True)
@click.option("--kind", required=True, type=click.Choice(sorted(r.value for r in DEVICE_ROLES)))
@click.option("--name", required=True)
def device_add(site: str, kind: str, name: str) -> None:
    """Pair a device with a site; prints its token alone on the last line."""
    app = create_app()
    token = accounts.add_device(UnitOfWork.for_app(app), site, kind, name)
    click.echo(f"{kind} {name!r} paired with {site}; its token (shown once):")
    click.echo(token)


@device_group.command(name="list")
@click.option("--site", help="A site slug; every site when left out.")
def device_list(site: str | None) -> None:
    """Every paired device (revoked ones too), with the id that `device revoke` takes."""
    app = create_app()
    rows = devices.list_devices(UnitOfWork.for_app(app), SYSTEM, site)
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "live"
        click.echo(
            f"{row['id']:>5}  {row['site']:<12} {row['kind']:<8} {row['name']!r}"
            f"  paired {row['created_at']}  {state}"
        )
    if not rows:
        click.echo("no devices")


@device_group.command(name="revoke")
@click.argument("device_id", type=click.IntRange(min=1, max=2**31 - 1))
def device_revoke(device_id: int) -> None:
    """Revoke a device by its id (see `device list`): its token stops working at once."""
    app = create_app()
    row = devices.revoke_device(UnitOfWork.for_app(app), SYSTEM, device_id)
    # With REDIS_URL set, the servers have been told to close its live connections.
    click.echo(f"{row['kind']} {row['name']!r} at {row['site']} revoked")


@cli.command(name="import-appointments")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_appointments(file: Path) -> None:
    """Load bookings from the booking system's CSV (site,service,reference,scheduled_at,
    customer_name): all rows or none; importing the same file again changes nothing."""
    app = create_app()
    counts = appointment_import.import_bookings(
        UnitOfWork.for_app(app), SYSTEM, file.read_text(encoding="utf-8-sig")
    )
    click.echo(", ".join(f"{count} {what}" for what, count in counts.items()))
    _send_pushes(app)


@cli.command(name="seed-demo")
def seed_demo() -> None:
    """Load the reference council's two sites, open all day, with staff logins and devices."""
    app = create_app()
    if app.config["QUEUE_ENV"] == "production":
        raise click.ClickException("seed-demo refuses to run with QUEUE_ENV=production")
    uow = UnitOfWork.for_app(app)
    demo = tomllib.loads(files("queue_service").joinpath("demo/sites.toml").read_text())
    for site in demo["site"]:
        site["opening_hours"] = DEMO_HOURS
    for line in site_config.load_sites(uow, demo):
        click.echo(line)
    click.echo("demo sites are open all day, every day (demo/sites.toml keeps their real hours)")
    base = app.config["PUBLIC_BASE_URL"]
    tokens: dict[str, dict[str, str]] = {}
    for site in demo["site"]:
        slug = site["slug"]
        click.echo(f"\n{site['name']}  board: {base}/api/v1/sites/{slug}/board")
        for role in DEMO_ROLES:
            accounts.add_user(uow, f"{slug}-{role}", DEMO_PASSWORD, role, [slug])
            click.echo(f"  {role:<10} login {slug}-{role} / {DEMO_PASSWORD}")
        for kind in sorted(DEVICE_ROLES):
            token = accounts.add_device(uow, slug, kind, f"demo {kind}", replace=True)
            tokens.setdefault(slug, {})[kind] = token
            paired = f"{base}/{kind}/{slug}?pair={token}"
            click.echo(f"  {kind:<10} token {token}  paired page: {paired}")
    _keep_demo_tokens(app.config["DEMO_DEVICES_FILE"], tokens)
    click.echo(f"\nHome: {base}/   API: {base}/api/v1/openapi.json")


def _keep_demo_tokens(name: str | None, tokens: dict[str, dict[str, str]]) -> None:
    """Leave the demo devices' tokens where the home page finds them (development only)."""
    if name is None:
        return
    path = Path(name)
    path.write_text(json.dumps(tokens))
    path.chmod(0o600)


@cli.command(name="report")
@click.option("--site", help="A site slug; every site (and all together) when left out.")
@click.option("--period", help="2025Q3, 2025-07, 2025-W27 or 2025-07-14.")
@click.option("--from", "first", help="The first local day, e.g. 2025-07-01 (with --to).")
@click.option("--to", "last", help="The last local day, inclusive.")
@click.option(
    "--report", "name", default="summary", show_default=True, type=click.Choice(reports.NAMES)
)
@click.option("--format", "output", default="text", type=click.Choice(["text", "json", "csv"]))
def report(
    site: str | None,
    period: str | None,
    first: str | None,
    last: str | None,
    name: str,
    output: str,
) -> None:
    """Print a manager's report (the same figures as GET /api/v1/reports/...)."""
    app = create_app()
    try:
        span = periods.resolve(period, first, last)
    except periods.PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from exc
    body = reports.report(UnitOfWork.for_app(app), SYSTEM, name, site, span, period)
    if output == "csv":
        click.echo(to_csv(body["columns"], body["rows"]), nl=False)
    elif output == "json":
        click.echo(json.dumps(body, indent=2))
    else:
        click.echo(text_table(body))


@cli.command(name="import-visits")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_visits(file: Path) -> None:
    """Load past visits from a CSV file, all rows or none (see README for the columns)."""
    app = create_app()
    with file.open(newline="", encoding="utf-8-sig") as lines:
        count = visit_import.import_visits(UnitOfWork.for_app(app), lines)
    click.echo(f"imported {count} visits from {file}")


@cli.command(name="seed-history")
@click.option("--site", required=True, help="The site slug.")
@click.option("--days", required=True, type=click.IntRange(1, 20 * 366))
@click.option(
    "--per-day",
    default=history.DEFAULT_VISITS_PER_DAY,
    show_default=True,
    type=click.FloatRange(1, 5000),
    help="Visits on an ordinary weekday.",
)
@click.option("--seed", default=1, show_default=True, help="Same seed, same history.")
def seed_history(site: str, days: int, per_day: float, seed: int) -> None:
    """Write made-up past visits for the days before today that have none yet."""
    app = create_app()
    if app.config["QUEUE_ENV"] == "production":
        raise click.ClickException("seed-history refuses to run with QUEUE_ENV=production")
    with click.progressbar(length=days, label=f"{site}: {days} days", file=sys.stderr) as bar:
        count = history.seed_history(
            UnitOfWork.for_app(app),
            site,
            days,
            seed=seed,
            visits_per_day=per_day,
            on_day=lambda: bar.update(1),
        )
    click.echo(f"{site}: {count} visits written")


@cli.command(name="purge")
@click.option("--dry-run", is_flag=True, help="Say what would be erased; change nothing.")
def purge(dry_run: bool) -> None:
    """Erase names, notes and other personal fields older than RETENTION_DAYS, and
    idempotency records older than a day (the serving process does this daily)."""
    app = create_app()
    days = app.config["RETENTION_DAYS"]
    done = retention.purge(UnitOfWork.for_app(app), days, dry_run=dry_run)
    erase, remove = ("would erase", "would remove") if dry_run else ("erased", "removed")
    click.echo(f"keeping personal fields for {days} days")
    for site in done.sites:
        click.echo(
            f"{site.site}: {erase} {site.visits} visits, {site.appointments} appointments, "
            f"{site.log_entries} log entries (local days before {site.first_day_kept})"
        )
    click.echo(f"idempotency records: {remove} {done.idempotency_records} older than a day")


@cli.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Run the gevent server with the API and Socket.IO."""
    app = create_app()
    day_end.start(app)
    freeze_start_up()
    click.echo(f"serving on http://{host}:{port}", err=True)
    socketio.run(
        app,
        host=host,
        port=port,
        log_output=False,
        handler_class=NoDelayHandler,
        backlog=BACKLOG,
    )


def _send_pushes(app: Flask) -> None:
    """Stay until the change's pushes are sent: with REDIS_URL set they reach the screens
    of every server process, without it nobody is listening here."""
    publisher = app.extensions["queue_publisher"]
    if isinstance(publisher, LivePublisher):
        publisher.settle()


@cli.command(name="simulate")
@click.option(
    "--scenario",
    "scenario_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seed", default=0, show_default=True, type=int)
def simulate(scenario_file: Path, out: Path, seed: int) -> None:
    """Run a scenario's day through the real service layer on a virtual clock; one CSV row
    per visit."""
    try:
        document = json.loads(scenario_file.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{scenario_file} is not valid JSON: {exc}") from exc
    day = scenario.parse(document)
    rows = runner.simulate(day, seed)
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(runner.COLUMNS)
        writer.writerows(runner.csv_rows(rows, day.timezone))
    click.echo(f"{len(rows)} visits written to {out}")


@cli.command(name="plan")
@click.option("--site", "site_slug", required=True)
@click.option("--weekday", required=True, type=click.Choice(DAYS))
def plan_staffing(site_slug: str, weekday: str) -> None:
    """Desks needed per hour on a weekday: Erlang C, checked on past days by the simulator."""
    app = create_app()
    planner = app.extensions["queue_planner"]
    result = staffing.plan(UnitOfWork.for_app(app), SYSTEM, site_slug, weekday, planner)
    click.echo(
        f"{result['site']} on {weekday}: {result['days']} past day(s), mean service "
        f"{result['mean_service_s'] / 60:.1f} min; aim {result['share']:.0%} started within "
        f"{result['target_s'] // 60} min; simulated on {', '.join(result['simulated_days']) or '-'}"
    )
    click.echo("hour   arrivals/day  Erlang C  desks  rota  simulated within target")
    for hour in result["hours"]:
        share = hour["simulated_within_target"]
        within = "-" if share is None else f"{share:.0%}"
        click.echo(
            f"{hour['hour']}  {hour['arrivals_per_day']:>12}  {hour['erlang_c_desks']:>8}  "
            f"{hour['desks']:>5}  {hour['rota_desks']:>4g}  {within}"
        )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path} is not valid TOML: {exc}") from exc


def main(argv: list[str] | None = None) -> None:
    """Run the command; every failure is one line on standard error and a non-zero exit."""
    try:
        cli.main(args=argv, prog_name="queue-service", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message())
    except click.UsageError as exc:
        _fail(exc.format_message(), 2)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except click.Abort:
        _fail("aborted", 1)
    except (QueueError, ConfigError) as exc:
        _fail(str(exc), 1)
    except SQLAlchemyError as exc:
        first_line = str(exc).splitlines()[0]
        _fail(f"database error ({first_line}); has `queue-service db upgrade` run?", 1)
    except OSError as exc:
        _fail(str(exc), 1)


def _fail(message: str, status: int) -> None:
    click.echo(f"queue-service: error: {message}", err=True)
    sys.exit(status)
