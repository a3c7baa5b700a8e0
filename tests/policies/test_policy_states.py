"""Policy screens' Reflex states without a browser: the journeys a user makes by calling the
handlers (as any browser may), and what reaches the browser.

    quote (konut 300 000, acente.a1, approved) → "Tekliften poliçe" → Önizle → Evet → approved
    direct konut 900 000 by acente.a1 (over its policy limit) → awaiting → gm.onay approves
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from reflex.state import State
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.db import get_engine
from iztim_app.core.money import format_try
from iztim_app.core.policies import services as policies
from iztim_app.core.users import services as users
from iztim_app.states.approvals import ApprovalState
from iztim_app.states.customer_detail import CustomerDetailState
from iztim_app.states.policy_detail import PolicyDetailState
from iztim_app.states.policy_form import PolicyFormState
from iztim_app.states.policy_list import PolicyListState
from tests.foundation.support import actor_of, use_settings, user_of
from tests.policies.fixtures_policies import (
    FIRST,
    issue,
    policy_form,
    sequence_last,
    stored_policies,
)
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED, TODAY
from tests.quotes.fixtures_quotes import FORMS, form, save
from tests.quotes.test_quote_states import browser_payloads, sign_in, sub, visible, visit

NOT_FOUND = "Kayıt bulunamadı."
QUOTE_UNUSABLE = (
    "Bu numarayla poliçeye dönüştürülebilecek onaylı ve süresi dolmamış bir teklif bulunamadı."
)
NOWHERE = "9999999"


@pytest.fixture
def app_url(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    yield quotes_url
    get_engine.cache_clear()


@pytest.fixture
def root(app_url: str) -> State:
    return State(_reflex_internal_init=True)


def _fill_konut(f: PolicyFormState, customer_id: int, sum_insured: str) -> None:
    """As the user fills the direct form: line, customer, the line's fields, sum insured."""
    asyncio.run(f.choose_line("konut"))
    asyncio.run(f.pick_customer(str(customer_id)))
    for name, value in FORMS["konut"].items():
        asyncio.run(f.set_value(name, value))
    asyncio.run(f.set_sum_insured(sum_insured))


def _redirect_target(event: Any) -> str:
    return str(event)


# ====================================================================== quote → policy


def test_a_quote_becomes_an_approved_policy_after_preview_and_confirm(
    root: State, app_url: str, db: Session, customers: Customers
):
    quote = save(db, "acente.a1", form("konut", customers.a1_person, "300000"))
    assert quote.status == "approved"
    sign_in(root, "acente.a1")
    f = sub(root, PolicyFormState)
    visit(root, "/policeler/yeni")
    f.load()
    assert f.error == ""

    # when the user types the quote number
    f.use_quote({"quote_number": str(quote.number)})
    # then the form holds everything of the quote, priced, line and customer fixed
    assert f.error == ""
    assert f.message == f"Teklif {quote.number} bilgileri forma aktarıldı."
    assert (f.quote_number, f.line_code, f.customer["name"]) == (
        str(quote.number),
        "konut",
        "Ayşe Şahin",
    )
    assert f.sum_insured == "300.000,00"
    # (the insured object's details the quote did not need are left to complete)
    assert f.values == {**{k: str(v) for k, v in quote.values.items()}, "address": ""}
    asyncio.run(f.set_value("address", "Moda Cad. 12, Kadıköy"))
    assert f.price_rows[-1]["amount"] == format_try(quote.gross_premium)
    assert f.installment_options == ["1", "2", "3", "4", "5", "6"]

    # when they choose 3 installments and ask for the preview
    f.set_installments("3")
    f.show_preview()
    # then the finished policy is shown with the question, and no number is used
    assert f.confirming is True
    assert f.printed["customer"] == f"Ayşe Şahin ({customers.a1_person.number})"
    assert f.printed["gross"] == format_try(quote.gross_premium)
    assert f.printed["installment_count"] == "3"
    assert f.printed["quote_number"] == str(quote.number)
    assert f.printed["needs_approval"] == ""
    assert len(f.installments) == 3
    assert sequence_last(app_url) is None
    assert stored_policies(app_url) == []

    # when they confirm
    redirect = f.confirm()
    # then the policy is saved approved, with the first number, and the user is told
    assert f.error == ""
    assert f.message == f"Poliçe {FIRST} kaydedildi ve onaylandı."
    assert f"/policeler/detay?no={FIRST}&kaydedildi=1" in _redirect_target(redirect)
    rows = stored_policies(app_url, FIRST)
    assert [(r["status"], r["installment_count"], r["approved_by_code"]) for r in rows] == [
        ("approved", 3, "acente.a1")
    ]

    # and the policy page shows it with its quote, installments and the saved message
    d = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(FIRST), kaydedildi="1")
    d.load()
    assert d.error == ""
    assert d.message == f"Poliçe {FIRST} kaydedildi ve onaylandı."
    assert (d.policy["status_text"], d.policy["quote_number"]) == ("Onaylı", str(quote.number))
    assert d.policy["gross"] == format_try(quote.gross_premium)
    assert [i["seq"] for i in d.installments] == ["1", "2", "3"]
    assert [v["version"] for v in d.versions] == ["1"]
    assert [(x["what"], x["who"]) for x in d.decisions] == [("Onaylandı", "acente.a1")]
    assert d.can_decide is False and d.can_unapprove is False
    assert d.can_endorse is False  # agencies never endorse


def test_cancelling_the_confirmation_saves_nothing(root: State, app_url: str, customers: Customers):
    sign_in(root, "acente.a1")
    f = sub(root, PolicyFormState)
    visit(root, "/policeler/yeni")
    f.load()
    _fill_konut(f, customers.a1_person.id, "400000")
    f.show_preview()
    assert f.confirming is True
    f.cancel_confirm()
    assert f.confirming is False
    f.confirm()  # a confirm without a question asked does nothing
    assert stored_policies(app_url) == []
    assert sequence_last(app_url) is None


# ====================================================================== over the limit


def test_over_the_limit_the_policy_awaits_and_the_head_office_approver_approves_it(
    root: State, app_url: str, customers: Customers
):
    sign_in(root, "acente.a1")
    f = sub(root, PolicyFormState)
    visit(root, "/policeler/yeni")
    f.load()
    _fill_konut(f, customers.a1_person.id, "900000")
    assert f.needs_approval is True
    f.show_preview()
    assert f.printed["needs_approval"] == "1"
    f.confirm()
    assert f.error == ""
    assert f.message == (
        f"Poliçe {FIRST} kaydedildi. Sigorta bedeli bu branştaki poliçe yetki limitinizi aştığı "
        "için onay bekliyor: bu branşta yetkili bir genel müdürlük onaycısının onaylaması gerekir."
    )
    assert [r["status"] for r in stored_policies(app_url, FIRST)] == ["awaiting_approval"]

    # the head-office approver finds it in the queue beside the quotes and approves it
    root2 = State(_reflex_internal_init=True)
    sign_in(root2, "gm.onay")
    q = sub(root2, ApprovalState)
    visit(root2, "/onay")
    q.load()
    assert q.error == ""
    assert [r["number"] for r in q.policy_rows] == [str(FIRST)]
    d = sub(root2, PolicyDetailState)
    visit(root2, "/policeler/detay", no=str(FIRST))
    d.load()
    assert (d.policy["status"], d.can_decide) == ("awaiting_approval", True)
    d.approve()
    assert d.error == ""
    assert d.message == f"Poliçe {FIRST} onaylandı."
    assert (d.policy["status"], d.policy["approved_by"], d.can_decide) == (
        "approved",
        "gm.onay",
        False,
    )
    assert [r["approved_by_code"] for r in stored_policies(app_url, FIRST)] == ["gm.onay"]
    assert d.can_unapprove is True


def test_the_preparer_cannot_approve_its_own_awaiting_policy(
    root: State, app_url: str, db: Session, customers: Customers
):
    number = issue(db, "acente.a1", policy_form("konut", customers.a1_person, "900000")).policy
    sign_in(root, "acente.a1")
    d = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(number.number))
    d.load()
    assert d.can_decide is False
    d.approve()  # called straight from a forged browser event
    assert d.error == "Bu işlem için yetkiniz yok."
    assert [r["status"] for r in stored_policies(app_url, number.number)] == ["awaiting_approval"]


# ====================================================================== scope


def test_another_agencys_policy_and_quote_look_exactly_like_numbers_nobody_has(
    root: State, app_url: str, db: Session, customers: Customers
):
    b_policy = issue(db, "acente.b1", policy_form("konut", customers.b1_person, "400000")).policy
    b_quote = save(db, "acente.b1", form("konut", customers.b1_person, "300000"))
    b_traces = [
        "Mehmet Öztürk",
        str(customers.b1_person.number),
        str(b_policy.number),
        format_try(b_policy.gross_premium),
    ]
    sign_in(root, "acente.a1")
    d = sub(root, PolicyDetailState)

    visit(root, "/policeler/detay", no=str(b_policy.number))
    d.load()
    seen_b = visible(d)
    assert d.error == NOT_FOUND
    assert (d.policy, d.installments, d.endorsements, d.versions) == ({}, [], [], [])
    visit(root, "/policeler/detay", no=NOWHERE)
    d.load()
    assert visible(d) == seen_b

    f = sub(root, PolicyFormState)
    visit(root, "/policeler/yeni")
    f.load()
    f.use_quote({"quote_number": str(b_quote.number)})
    seen_quote = visible(f)
    assert f.field_errors == {"quote_number": QUOTE_UNUSABLE}
    assert (f.line_code, f.customer, f.values, f.quote_number) == ("", {}, {}, "")
    f.use_quote({"quote_number": NOWHERE})
    assert visible(f) == seen_quote

    lst = sub(root, PolicyListState)
    visit(root, "/policeler")
    lst.load()
    lst.apply({"number": str(b_policy.number)})
    assert lst.rows == [] and lst.total == 0
    payloads = browser_payloads(root)
    assert [t for t in b_traces for p in payloads if t in p] == []
    assert stored_policies(app_url) == stored_policies(app_url, b_policy.number)


def test_the_list_and_the_customer_page_show_ones_own_policies(
    root: State, db: Session, customers: Customers
):
    mine = issue(db, "acente.a1", policy_form("konut", customers.a1_person, "400000")).policy
    issue(db, "acente.b1", policy_form("konut", customers.b1_person, "400000"))
    sign_in(root, "acente.a1")
    lst = sub(root, PolicyListState)
    visit(root, "/policeler")
    lst.load()
    assert [(r["number"], r["status_text"], r["gross"]) for r in lst.rows] == [
        (str(mine.number), "Onaylı", format_try(mine.gross_premium))
    ]
    lst.apply({"status": "awaiting_approval"})
    assert lst.rows == []

    c = sub(root, CustomerDetailState)
    visit(root, "/musteriler/detay", no=str(customers.a1_person.number))
    c.load()
    assert c.error == ""
    assert [r["number"] for r in c.policies] == [str(mine.number)]


# ====================================================================== what reaches the browser


def test_nothing_secret_reaches_the_browser(root: State, customers: Customers):
    sign_in(root, "acente.a1")
    f = sub(root, PolicyFormState)
    visit(root, "/policeler/yeni")
    f.load()
    _fill_konut(f, customers.a1_person.id, "400000")
    f.show_preview()
    payload = " ".join(browser_payloads(root))
    # a var named after a token (the catalogue's texts about API tokens may mention the word)
    for secret in ("pbkdf2", "password_hash", "_version_id", "_labels", "_pending", '"token":'):
        assert secret not in payload
    assert "iztim_session" not in payload
    assert "400.000,00 ₺" in payload  # (control) the screen itself is there


def test_the_policy_page_shows_how_each_audited_action_was_done(
    root: State, db: Session, customers: Customers
):
    """`via` names the API token a change came through; what was done on the screens has none."""
    gm = actor_of(db, "gm.onay")
    api = dataclasses.replace(gm, via="api:ERP Integration")
    number = policies.issue(
        db, api, policy_form("konut", customers.gm_person, "300000"), today=TODAY
    ).policy.number
    audit_log.record(db, gm, "policy.print", "policy", number)
    db.commit()
    admin = actor_of(db, "bt.admin")
    granted = users.get_user(db, admin, user_of(db, "gm.onay").id).permissions
    users.set_permissions(db, admin, user_of(db, "gm.onay").id, [*granted, "audit.view"])

    sign_in(root, "gm.onay")
    d = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(number))
    d.load()
    assert d.error == ""
    assert sorted((a["action"], a["via"]) for a in d.audit_rows) == [
        ("policy.issue", "api:ERP Integration"),
        ("policy.print", ""),
    ]


# ====================================================================== money and endorsements


def _konut_values() -> dict[str, str]:
    return {f"v_{k}": v for k, v in FORMS["konut"].items()}


def test_a_payment_is_recorded_against_an_installment(
    root: State, app_url: str, db: Session, customers: Customers
):
    policy = issue(
        db, "acente.a1", policy_form("konut", customers.a1_person, "400000", installments=3)
    ).policy
    sign_in(root, "acente.a1")
    d = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(policy.number))
    d.load()
    assert d.can_pay is True
    first = d.installments[0]
    d.record_payment(
        {"installment_id": first["id"], "amount": "100,00", "method": "cash", "reference": "M-1"}
    )
    assert d.error == ""
    assert d.message == "1. taksite 100,00 ₺ ödeme kaydedildi."
    assert [(p["seq"], p["amount"], p["method"], p["reference"]) for p in d.payments] == [
        ("1", "100,00 ₺", "Nakit", "M-1")
    ]
    assert d.installments[0]["paid"] == "100,00 ₺"
    assert d.plan["paid"] == "100,00 ₺"

    # more than is due on it is refused naming the field, and nothing changes
    before = (list(d.payments), list(d.installments))
    d.record_payment(
        {"installment_id": first["id"], "amount": "999999", "method": "cash", "reference": ""}
    )
    assert "amount" in d.field_errors
    assert (d.payments, d.installments) == before


def test_an_increase_and_then_a_cancellation_with_its_refund_shown_before_confirming(
    root: State, app_url: str, db: Session, customers: Customers
):
    policy = issue(
        db, "acente.a1", policy_form("konut", customers.a1_person, "400000", installments=3)
    ).policy
    sign_in(root, "gm.onay")
    d = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(policy.number))
    d.load()
    assert (d.can_endorse, d.can_cancel) == (True, True)
    assert d.endorse_sum_insured == "400.000,00"

    # increase: preview first, nothing stored, then confirm
    d.preview_endorsement(
        {
            "kind": "increase",
            "effective_date": "2026-06-01",
            "sum_insured": "500.000",
            "description": "Bedel artışı",
            **_konut_values(),
        }
    )
    assert d.error == ""
    assert d.endorse_preview["kind"] == "Prim artışı"
    assert d.endorse_preview["sum_insured_after"] == "500.000,00 ₺"
    assert d.endorsements == []
    d.confirm_pending()
    assert d.error == ""
    assert [(e["label"], e["status_text"]) for e in d.endorsements] == [
        (f"1/{policy.number}", "Onaylı")
    ]
    assert d.policy["sum_insured_in_force"] == "500.000,00 ₺"

    # cancellation: earned, refund and the tax refunds are shown before confirming
    reason = d.reason_options[0][0]
    d.preview_cancellation(
        {"cancel_date": "2026-09-01", "reason_code": reason, "description": "Müşteri talebi"}
    )
    assert d.error == ""
    shown = dict(d.cancel_preview)
    assert shown["refund"].endswith(" ₺") and shown["earned"].endswith(" ₺")
    assert [t["code"] for t in d.cancel_taxes] == list(policy.taxes)
    d.confirm_pending()
    assert d.error == ""
    assert d.policy["status"] == "cancelled"
    assert d.policy["cancelled_from"] == "01.09.2026"
    assert d.endorsements[-1]["label"] == f"2/{policy.number}"
    assert d.endorsements[-1]["gross_refund"] == shown["gross_refund"]
    assert (d.can_endorse, d.can_cancel) == (False, False)

    # a second confirm (a replayed event) saves nothing more
    d.confirm_pending()
    assert len(d.endorsements) == 2


def test_un_approval_opens_a_draft_version_that_is_edited_and_submitted_again(
    root: State, app_url: str, db: Session, customers: Customers
):
    policy = issue(db, "acente.a1", policy_form("konut", customers.a1_person, "400000")).policy
    sign_in(root, "gm.onay")
    d = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(policy.number))
    d.load()
    d.unapprove({"reason": ""})
    assert d.field_errors.get("reason")
    assert [r["status"] for r in stored_policies(app_url, policy.number)] == ["approved"]
    d.unapprove({"reason": "Adres hatalı"})
    assert d.error == ""
    assert (d.policy["version"], d.policy["status"], d.can_edit) == ("2", "draft", True)
    assert [v["version"] for v in d.versions] == ["2", "1"]

    f = sub(root, PolicyFormState)
    visit(root, "/policeler/yeni", duzenle=str(policy.number))
    f.load()
    assert f.error == ""
    assert (f.line_code, f.customer["name"], f.sum_insured) == ("konut", "Ayşe Şahin", "400.000,00")
    asyncio.run(f.set_value("address", "Bağdat Cad. 5"))
    f.show_preview()
    f.confirm()
    assert f.error == ""
    draft = stored_policies(app_url, policy.number)[1]
    values = json.loads(draft["values"]) if isinstance(draft["values"], str) else draft["values"]
    assert (draft["status"], values["address"]) == ("draft", "Bağdat Cad. 5")

    visit(root, "/policeler/detay", no=str(policy.number), v="1")
    d.load()
    assert (d.policy["version"], d.policy["status"], d.policy["is_current"]) == (
        "1",
        "unapproved",
        "",
    )
    visit(root, "/policeler/detay", no=str(policy.number))
    d.load()
    d.submit_draft()
    assert d.error == ""
    assert (d.policy["version"], d.policy["status"]) == ("2", "approved")


def test_a_quotes_link_opens_the_form_filled_and_another_agencys_quote_fills_nothing(
    root: State, db: Session, customers: Customers
):
    mine = save(db, "acente.a1", form("konut", customers.a1_person, "300000"))
    theirs = save(db, "acente.b1", form("konut", customers.b1_person, "300000"))
    sign_in(root, "acente.a1")
    f = sub(root, PolicyFormState)
    visit(root, "/policeler/yeni", teklif=str(mine.number))
    f.load()
    assert f.error == ""
    assert (f.quote_number, f.line_code, f.customer["name"]) == (
        str(mine.number),
        "konut",
        "Ayşe Şahin",
    )

    visit(root, "/policeler/yeni", teklif=str(theirs.number))
    f.load()
    assert f.error == QUOTE_UNUSABLE
    assert (f.quote_number, f.line_code, f.customer, f.price_rows) == ("", "", {}, [])
    assert "Mehmet Öztürk" not in " ".join(browser_payloads(root))


def test_the_refund_of_a_cancellation_is_shown_until_it_is_paid_out(
    root: State, db: Session, customers: Customers
):
    policy = issue(db, "acente.a1", policy_form("konut", customers.a1_person, "400000")).policy
    sign_in(root, "gm.onay")
    d = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(policy.number))
    d.load()
    installment = d.installments[0]
    d.record_payment(
        {
            "installment_id": installment["id"],
            "amount": installment["open"].removesuffix(" ₺"),
            "method": "transfer",
            "reference": "EFT-1",
        }
    )
    assert d.error == ""
    d.preview_cancellation(
        {"cancel_date": "2026-09-01", "reason_code": "sirket_feshi", "description": "Karar"}
    )
    refund = d.cancel_preview["gross_refund"]
    d.confirm_pending()
    assert d.error == ""
    # the whole premium was paid, so the gross refund is owed back to the customer
    assert [(r["amount"], r["state"], r["is_open"]) for r in d.refunds] == [
        (refund, "Ödenecek", "1")
    ]
    assert d.plan["refund_due"] == refund and d.can_pay_out is True
    d.pay_out_refund(d.refunds[0]["id"])
    assert d.error == ""
    assert d.message == f"{refund} iade müşteriye ödendi olarak kaydedildi."
    assert [(r["state"], r["is_open"]) for r in d.refunds] == [("Ödendi", "")]
    assert d.plan["refund_due"] == "0,00 ₺"
