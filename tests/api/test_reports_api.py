"""GET /api/v1/reports/production: approved policies and endorsements, net of cancellations,
in the caller's scope, on the (Turkish) day each was approved.

Home policies (konut) issued by the agencies, within their limits, approved at once:
    400 000 → net 572.00, BSMV 28.60, YSV 57.20, gross 657.80
    300 000 → net 429.00, BSMV 21.45, YSV 42.90, gross 493.35
    900 000 → over the limit: awaiting, not counted
"""

from __future__ import annotations

from datetime import datetime, timedelta

from iztim_app.core import clock
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import operator_actor
from tests.api.conftest import PREFIX
from tests.api.test_policies_api import (  # noqa: F401
    A1,
    B1,
    GM,
    IST,
    business_day,
    home,
    issued,
    problem,
)
from tests.foundation.support import user_of

# Approvals are dated by the real clock (approved_at), in Turkey.
APPROVED_ON = datetime.now(clock.TURKEY).date()
AROUND = (
    f"from={(APPROVED_ON - timedelta(days=1)).isoformat()}"
    f"&to={(APPROVED_ON + timedelta(days=1)).isoformat()}"
)


ZERO = {
    "policies": 0,
    "net_premium": "0.00",
    "taxes": "0.00",
    "gross_premium": "0.00",
    "sum_insured": "0.00",
}


def report(client, auth, query: str, who: str = A1):  # noqa: ANN001, ANN201
    return client.get(f"{PREFIX}/reports/production?{query}", headers=auth(who))


def world(client, auth, customers) -> None:  # noqa: ANN001
    issued(client, auth, home(customers.a1_person.number))
    issued(client, auth, home(customers.a1_company.number, "300000.00"))
    assert issued(client, auth, home(customers.a1_person.number, "900000.00"))["status"] == (
        "awaiting_approval"
    )
    issued(client, auth, home(customers.b1_person.number), who=B1)


def test_production_by_line_in_the_callers_scope(client, auth, customers):
    world(client, auth, customers)
    r = report(client, auth, AROUND + "&by=line")
    assert r.status_code == 200, r.text
    two = {
        "policies": 2,
        "net_premium": "1001.00",
        "taxes": "150.15",
        "gross_premium": "1151.15",
        "sum_insured": "700000.00",
    }
    assert r.json() == {"rows": [{"line": "konut"} | two], "totals": two}
    # head office sees both agencies, by agency
    r = report(client, auth, AROUND + "&by=agency", GM)
    assert sorted(r.json()["rows"], key=lambda row: row["agency"]) == [
        {"agency": "A-ACENTE-A"} | two,
        {
            "agency": "A-ACENTE-B",
            "policies": 1,
            "net_premium": "572.00",
            "taxes": "85.80",
            "gross_premium": "657.80",
            "sum_insured": "400000.00",
        },
    ]
    assert r.json()["totals"]["policies"] == 3
    # nothing outside the dates; company-wide totals without `by`
    day_after = (APPROVED_ON + timedelta(days=1)).isoformat()
    r = report(client, auth, f"from={day_after}&to={day_after}", GM)
    assert r.json() == {"rows": [ZERO], "totals": ZERO}
    r = report(client, auth, AROUND, B1)
    assert r.json()["totals"] == {
        "policies": 1,
        "net_premium": "572.00",
        "taxes": "85.80",
        "gross_premium": "657.80",
        "sum_insured": "400000.00",
    }


def test_a_cancellation_counts_net_on_the_day_it_was_approved(client, auth, customers):
    number = issued(client, auth, home(customers.a1_person.number))["number"]
    body = {"effective": "2026-03-02", "reason": "sirket_feshi"}
    r = client.post(f"{PREFIX}/policies/{number}/cancellation", headers=auth(IST), json=body)
    assert r.status_code == 201, r.text
    assert (r.json()["net_change"], r.json()["gross_change"]) == ("-572.00", "-657.80")
    # cancelled from its first day: the whole premium back, the policy no longer counted
    r = report(client, auth, AROUND + "&by=month", GM)
    assert r.json() == {
        "rows": [{"month": APPROVED_ON.strftime("%Y-%m")} | ZERO],
        "totals": ZERO,
    }


def test_refused_reports(client, auth, db, customers):
    r = report(client, auth, "from=2026-03-02&to=2026-03-01")
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["to"]
    r = report(client, auth, "from=02.03.2026&to=2026-03-02")
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["from"]
    r = report(client, auth, AROUND + "&by=line,colour,size")
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["by", "by"]
    problem(client.get(f"{PREFIX}/reports/production?{AROUND}"), 401, "unauthenticated")
    # a user whose grants leave out report.view
    user = user_of(db, "sube.ankara")
    users.set_permissions(db, operator_actor("test"), user.id, {"policy.view", "quote.view"})
    problem(report(client, auth, AROUND, "sube.ankara"), 403, "forbidden")
