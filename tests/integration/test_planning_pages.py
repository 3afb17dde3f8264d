"""The rota and staffing pages answer for managers of the site only, show the week and the
plan as tables, and are linked from the report pages (tests/e2e looks at them in Chromium)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from queue_service.services import accounts
from queue_service.services.uow import UnitOfWork
from tests.conftest import PASSWORD, signed_in

WEEK = {
    "shifts": [
        {"desk": "Desk 2", "weekday": "tue", "from": "09:00", "to": "13:00"},
        {"desk": "Desk 2", "weekday": "tue", "from": "14:00", "to": "17:00"},
    ]
}


def test_the_planning_pages_are_for_the_sites_managers(
    app: Flask, client: FlaskClient, uow: UnitOfWork
) -> None:
    for path in ("/staff/bootle/rota", "/staff/bootle/staffing"):
        anonymous = client.get(path)
        assert anonymous.status_code == 302 and "next=" + path in anonymous.headers["Location"]
        assert signed_in(app, "bootle-adviser").get(path).status_code == 403
        assert signed_in(app, "bootle-reception").get(path).status_code == 403
    accounts.add_user(uow, "southport-manager", PASSWORD, "manager", ["southport"])
    elsewhere = signed_in(app, "southport-manager")
    assert elsewhere.get("/staff/bootle/rota").status_code == 403
    assert elsewhere.get("/staff/southport/rota").status_code == 200
    assert signed_in(app, "bootle-manager").get("/staff/nowhere/rota").status_code == 404


def test_the_rota_page_shows_the_week_and_a_form_per_desk(app: Flask) -> None:
    manager = signed_in(app, "bootle-manager")
    assert manager.put("/api/v1/sites/bootle/rota", json=WEEK).status_code == 200
    page = manager.get("/staff/bootle/rota?saved=1").get_data(as_text=True)
    assert "09:00\u201313:00" in page and "14:00\u201317:00" in page
    assert page.count('<fieldset class="rota-desk card"') == 4
    assert 'value="14:00"' in page and "Saved. The estimates use this rota" in page
    assert "Last changed by bootle-manager on 2026-11-24 10:30." in page


def test_the_staffing_page_puts_the_rota_beside_the_desks_needed(app: Flask) -> None:
    manager = signed_in(app, "bootle-manager")
    assert manager.put("/api/v1/sites/bootle/rota", json=WEEK).status_code == 200
    page = manager.get("/staff/bootle/staffing")  # today: a Tuesday at Bootle
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Staffing · Bootle One Stop Shop: Tuesday" in text
    assert '<th scope="col">Desks in the rota</th>' in text
    assert '<svg class="chart__svg"' in text
    closed = manager.get("/staff/bootle/staffing?weekday=sun").get_data(as_text=True)
    assert "The site is closed on this day." in closed
    bad = manager.get("/staff/bootle/staffing?weekday=someday")
    assert bad.status_code == 422 and "weekday must be one of" in bad.get_data(as_text=True)


def test_the_report_pages_link_to_the_rota_and_staffing_of_the_managers_sites(
    app: Flask,
) -> None:
    manager = signed_in(app, "bootle-manager")
    for path in ("/staff/reports", "/staff/reports/standards", "/staff/bootle/rota"):
        text = manager.get(path).get_data(as_text=True)
        assert 'href="/staff/bootle/rota"' in text and 'href="/staff/bootle/staffing"' in text
        assert "/staff/southport/" not in text
