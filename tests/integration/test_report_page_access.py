"""The manager pages answer for managers only, with their own sites, and refuse a bad period
as a page (the browser tests in tests/e2e look at them in Chromium)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import signed_in
from tests.support.past_visits import import_rows

VISIT = (
    "bootle,CT,walk_in,2026-10-20T11:00:00+01:00,2026-10-20T11:01:00+01:00,,"
    "2026-10-20T11:10:00+01:00,2026-10-20T11:20:00+01:00,,done"
)


def test_report_pages_are_for_managers_and_show_their_sites(
    app: Flask, client: FlaskClient
) -> None:
    import_rows(app, VISIT)
    anonymous = client.get("/staff/reports")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/staff/login?next=/staff/reports")
    assert signed_in(app, "bootle-adviser").get("/staff/reports").status_code == 403
    manager = signed_in(app, "bootle-manager")
    page = manager.get("/staff/reports?kind=month&on=2026-10-05")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Reports: 2026-10" in text and "Southport" not in text
    assert "/api/v1/reports/hourly?period=2026-10&amp;format=csv" in text
    standards = manager.get("/staff/reports/standards?kind=quarter&on=2026-10-05")
    assert "100% were seen within 15 minutes" in standards.get_data(as_text=True)
    bad = manager.get("/staff/reports?kind=custom&from=2026-10-31&to=2026-10-01")
    assert bad.status_code == 422
