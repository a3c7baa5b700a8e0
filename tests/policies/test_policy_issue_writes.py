"""What issuing writes now that it works around the number's draw (policies.services.issue):
the summary and commission posted before the draw, every row that carries the number
written together after it, and the view built from those values instead of read back.

- the view `issue` returns is exactly what `get_policy` reads back afterwards (money with
  its two places, times in UTC, the JSON columns), for every kind of issue;
- the rows are the ones the rules make: the plan, one access code, the audit rows, the
  commission at the agency's rate; the summary equals `rebuild()` from the documents;
- issuing (summary rows, then the sequence row) and approving waiting policies of the same
  preparer (the same summary rows) at the same moment neither deadlocks nor loses a count.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from decimal import Decimal as D

import sqlalchemy as sa

from iztim_app.core import clock
from iztim_app.core.commissions.earning import commission_of, rate_in_force
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.policies import services as policies
from iztim_app.core.reports import production
from tests.commissions.support import AGENCY_A, AGENCY_B, set_rate
from tests.concurrency import run_together
from tests.foundation.support import actor_of
from tests.policies.fixtures_policies import FIRST, policy_form, sequence_last
from tests.quotes.fixtures_customers import add_customer, tckn
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import form, save

PREPARERS = ("gm.onay", "sube.istanbul", "acente.a1", "acente.b1")
SUMMARY = ("production_daily", "production_daily_tax", "production_monthly")


def _customer(db, code: str, i: int) -> int:  # noqa: ANN001
    return add_customer(
        db,
        actor_of(db, code),
        kind="individual",
        national_id=tckn(f"{51 + i}5678912"),
        name=f"Müşteri {code}",
        group="bireysel",
    ).id


def _rows(url: str, sql: str) -> list[dict]:
    with get_engine(url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.text(sql))]


def _summary(url: str) -> dict[str, list[str]]:
    """Every summary row, in a stable order (rebuild inserts them in another)."""
    return {t: sorted(map(repr, (tuple(r.values()) for r in _rows(url, f"SELECT * FROM {t}"))))
            for t in (*SUMMARY, "production_monthly_tax")}  # fmt: skip


def _issue_all_kinds(db, url: str) -> list[tuple[str, object]]:  # noqa: ANN001
    """Per preparer: a home policy directly (3 installments), one from an approved quote
    (2 installments), and one over the agency's limit (awaiting approval)."""
    issued = []
    for i, code in enumerate(PREPARERS):
        actor = actor_of(db, code)
        customer = _customer(db, code, i)
        direct = policies.issue(
            db, actor, policy_form("konut", customer, str(400000 + i), installments=3), today=TODAY
        )
        quote = save(db, code, form("konut", customer, str(300000 + i))).number
        inp = dataclasses.replace(
            policies.from_quote(db, actor, quote, today=TODAY), installment_count=2
        )
        from_quote = policies.issue(db, actor, inp, today=TODAY)
        issued += [(code, direct), (code, from_quote)]
        if code.startswith("acente"):
            over = policies.issue(db, actor, policy_form("konut", customer, "900000"), today=TODAY)
            assert over.approved is False
            issued.append((code, over))
    return issued


def test_the_view_issue_returns_is_the_stored_policy_read_back(url: str):
    with session_scope(url) as db:
        issued = _issue_all_kinds(db, url)
        for code, result in issued:
            # when the policy is read back in a new transaction
            read = policies.get_policy(db, actor_of(db, code), result.policy.number)
            # then every field is equal, and of the same form (Decimal places, zones)
            assert repr(dataclasses.asdict(result.policy)) == repr(dataclasses.asdict(read))
    assert [r.policy.number for _, r in issued] == list(range(FIRST, FIRST + len(issued)))
    assert issued[0][1].policy.sum_insured == D("400000.00")


def test_issuing_writes_the_plan_code_audit_and_commission_and_the_summary_rebuild_makes(
    url: str,
):
    with session_scope(url) as db:
        # (agency A earns 20 %, agency B 17.5 % since yesterday: postings count on the day
        # of the approval, which is the real clock's)
        day = clock.today()
        set_rate(db, AGENCY_A, "konut", "20.00", day - timedelta(days=1))
        set_rate(db, AGENCY_B, "konut", "17.50", day - timedelta(days=1))
        issued = _issue_all_kinds(db, url)
        found = {c: rate_in_force(db, actor_of(db, c).office_id, "konut", day) for c in PREPARERS}
        rates = {c: r.rate if r is not None else None for c, r in found.items()}
    for code, result in issued:
        view, n = result.policy, result.policy.number
        plan = _rows(url, f"SELECT seq, amount, paid FROM installment WHERE policy_number = {n}")
        codes = _rows(url, f"SELECT code FROM policy_access_code WHERE policy_number = {n}")
        earned = _rows(
            url, f"SELECT rate, amount, base_net FROM commission_entry WHERE policy_number = {n}"
        )
        audit = _rows(
            url,
            "SELECT action, after FROM audit_event WHERE (action = 'policy.issue' AND"
            f" entity_id = '{n}') OR (action = 'quote.convert' AND entity_id ="
            f" '{view.quote_number}') ORDER BY id",
        )
        actions = [a["action"] for a in audit]
        assert actions == ["policy.issue"] + (["quote.convert"] if view.quote_number else [])
        after = [a["after"] if isinstance(a["after"], dict) else json.loads(a["after"])
                 for a in audit]  # fmt: skip
        if view.quote_number:
            assert after[1] == {"policy_number": n}
        after = after[0]
        assert (after["number"], after["status"], after["approved_by"]) == (
            n,
            view.status,
            view.approved_by,
        )
        if not result.approved:  # awaiting: nothing of an approval yet
            assert (plan, codes, earned) == ([], [], [])
            continue
        assert [p["seq"] for p in plan] == list(range(1, view.installment_count + 1))
        assert sum(D(p["amount"]) for p in plan) == view.gross_premium * 100  # kuruş
        assert all(p["paid"] == 0 for p in plan)
        assert len(codes) == 1 and len(codes[0]["code"]) == 8
        rate = rates[code]
        if code.startswith("acente"):
            assert rate is not None
            (entry,) = earned
            assert D(entry["amount"]) / 100 == commission_of(view.net_premium, rate)
            assert (D(entry["rate"]) / 100, D(entry["base_net"]) / 100) == (
                rate,
                view.net_premium,
            )
        else:
            assert earned == []
    # the summary posted before each draw is what the documents give
    posted = _summary(url)
    assert posted["production_daily"] != []
    with session_scope(url) as db:
        production.rebuild(db)
        db.commit()
    assert _summary(url) == posted


def test_issuing_and_approving_the_same_preparers_policies_at_once_never_deadlock(url: str):
    # given acente.a1's 6 policies over its limit, waiting for gm.onay
    with session_scope(url) as db:
        a1, approver = actor_of(db, "acente.a1"), actor_of(db, "gm.onay")
        customer = _customer(db, "acente.a1", 0)
        waiting = [
            policies.issue(db, a1, policy_form("konut", customer, "900000"), today=TODAY)
            for _ in range(6)
        ]
    first_new = waiting[-1].policy.number + 1

    def issuing(db):  # noqa: ANN001, ANN202
        return [
            policies.issue(db, a1, policy_form("konut", customer, "400000"), today=TODAY)
            for _ in range(5)
        ]

    def approving(number: int):  # noqa: ANN202
        return lambda db: [policies.approve(db, approver, number)]

    # when 6 threads issue a1's policies (the same summary rows) while 6 approve the waiting
    outcome = run_together(
        [issuing] * 6 + [approving(w.policy.number) for w in waiting], url
    )  # fmt: skip
    # then every call succeeded, the numbers run on without a gap
    assert outcome.errors == []
    issued = sorted(r.policy.number for batch in outcome.results for r in batch
                    if isinstance(r, policies.IssueResult))  # fmt: skip
    assert issued == list(range(first_new, first_new + 30))
    assert sequence_last(url) == first_new + 29
    # and the summary counts all 36 approved policies exactly as the documents give it
    posted = _summary(url)
    daily = _rows(url, "SELECT sum(issued) AS n FROM production_daily")
    assert daily[0]["n"] == 36
    with session_scope(url) as db:
        production.rebuild(db)
        db.commit()
    assert _summary(url) == posted
