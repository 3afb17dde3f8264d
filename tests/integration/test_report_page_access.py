"""The manager pages answer for managers only, with their own sites, and refuse a bad period
as a page (the browser tests in tests/e2e look at them in Chromium)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from queue_service.clock import ManualClock
from queue_service.services import accounts, audit
from queue_service.services.uow import UnitOfWork
from tests.conftest import PASSWORD, signed_in
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


def test_the_audit_trail_page_is_for_the_sites_managers_and_linked_from_the_reports(
    app: Flask, client: FlaskClient, uow: UnitOfWork, kiosk_token: str, clock: ManualClock
) -> None:
    accounts.add_user(uow, "southport-manager", PASSWORD, "manager", ["southport"])
    reception = signed_in(app, "bootle-reception")
    ticket = client.post(
        "/api/v1/sites/bootle/tickets",
        json={"service": "CT"},
        headers={"Authorization": f"Bearer {kiosk_token}"},
    ).json
    clock.advance(minutes=1)
    reception.post(f"/api/v1/visits/{ticket['id']}/triage", json={"note": "brought a letter"})
    manager = signed_in(app, "bootle-manager")
    day = clock.now().date().isoformat()

    reports = manager.get("/staff/reports").get_data(as_text=True)
    page = manager.get("/staff/bootle/audit")

    assert 'href="/staff/bootle/audit"' in reports and "/staff/southport/audit" not in reports
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Audit trail · Bootle One Stop Shop" in text
    assert "<td>C001</td>" in text and "<td>triaged</td>" in text
    assert "<td>bootle-reception</td>" in text and "note: brought a letter" in text
    assert "10:31:00" in text  # the site's local time (GMT in November)
    assert f'value="{day}"' in text
    assert "Nothing was recorded" in manager.get("/staff/bootle/audit?date=2026-01-01").text
    assert manager.get("/staff/bootle/audit?date=yesterday").status_code == 422
    assert manager.get("/staff/bootle/audit?page=0").status_code == 422
    assert signed_in(app, "southport-manager").get("/staff/bootle/audit").status_code == 403
    assert signed_in(app, "bootle-adviser").get("/staff/bootle/audit").status_code == 403
    anonymous = client.get("/staff/bootle/audit")
    assert anonymous.headers["Location"].startswith("/staff/login?next=/staff/bootle/audit")


def test_the_audit_trail_page_goes_a_page_at_a_time(app: Flask, reception: FlaskClient) -> None:
    for _ in range(audit.PER_PAGE + 1):
        reception.post("/api/v1/sites/bootle/tickets", json={"service": "GEN"})
    manager = signed_in(app, "bootle-manager")

    first = manager.get("/staff/bootle/audit").get_data(as_text=True)
    second = manager.get("/staff/bootle/audit?date=2026-11-24&page=2").get_data(as_text=True)

    assert "Page 1 of 2" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "<td>G051</td>" in second and 'rel="prev"' in second and 'rel="next"' not in second


def test_the_manager_pages_read_in_polish_and_arabic(app: Flask, reception: FlaskClient) -> None:
    import_rows(app, VISIT)
    reception.post("/api/v1/sites/bootle/tickets", json={"service": "GEN"})
    manager = signed_in(app, "bootle-manager")

    audit_pl = manager.get("/staff/bootle/audit?lang=pl").text
    overview_ar = manager.get("/staff/reports?kind=month&on=2026-10-05&lang=ar").text
    refused_pl = manager.get("/staff/reports?kind=custom&from=2026-10-31&to=2026-10-01&lang=pl")

    assert "Dziennik zdarzeń · Bootle One Stop Shop" in audit_pl
    assert "<td>przybycie</td>" in audit_pl  # the event, not its code "arrive"
    assert '<html lang="ar" dir="rtl">' in overview_ar
    assert "متوسط الانتظار حسب ساعة الوصول" in overview_ar  # a chart's title
    assert ">ربع سنة</option>" in overview_ar  # the period picker's "quarter"
    assert "Nie można wyświetlić tego okresu" in refused_pl.text
