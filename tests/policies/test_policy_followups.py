"""Follow-ups of the policy work: the printed policy, the quote page's link to its policy,
one pricing path for an edited draft, and a policy renewed only once.

konut 400 000 by acente.a1 in 3 installments (shipped tariff v1):
    net 572.00, BSMV 28.60, YSV 57.20, gross 657.80 → 219.28 + 219.26 + 219.26
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from pypdf import PdfReader
from reflex.state import State
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.documents import services as documents
from iztim_app.core.errors import Conflict, ValidationFailed
from iztim_app.core.installments import services as installments
from iztim_app.core.money import format_try
from iztim_app.core.policies import services as policies
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.services import QuoteInput, QuoteView
from iztim_app.core.tariffs import versions
from iztim_app.states.policy_detail import PolicyDetailState
from iztim_app.states.quote_detail import QuoteDetailState
from tests.foundation.support import actor_of, snapshot
from tests.policies.fixtures_policies import issue, policy_audit, policy_form, stored_policies
from tests.policies.test_policy_states import app_url  # noqa: F401
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED
from tests.quotes.fixtures_quotes import OPERATOR, form, save
from tests.quotes.test_quote_states import sign_in, sub, visit
from tests.renewals.fixtures import OPENS, issue_from_quote, renew, trafik_policy

A1, GM = "acente.a1", "gm.onay"


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def root(app_url: str) -> State:  # noqa: F811
    return State(_reflex_internal_init=True)


@pytest.fixture
def approved(db: Session, customers: Customers) -> int:
    result = issue(db, A1, policy_form("konut", customers.a1_person, "400000", installments=3))
    assert result.policy.status == "approved"
    return result.policy.number


# ====================================================================== the printed policy


def test_an_approved_policy_prints_with_labels_taxes_and_its_installment_plan(
    db: Session, approved: int, quotes_url: str
):
    a1 = actor_of(db, A1)
    plan = installments.plan_of(db, a1, approved)
    assert [i.amount for i in plan.installments] == [D("219.28"), D("219.26"), D("219.26")]
    # when acente.a1 prints it in Turkish and in English
    printed = documents.print_document(db, a1, "policy", approved, "tr")
    tr = _text(printed.content)
    en = _text(documents.print_document(db, a1, "policy", approved, "en").content)
    # then it is the PDF of that policy, in Turkish letters, naming fields and choices
    assert (printed.filename, printed.content[:5]) == (f"police-{approved}.pdf", b"%PDF-")
    assert "İztim Sigorta A.Ş." in tr and "POLİÇE" in tr and f"No: {approved}" in tr
    assert "Ayşe Şahin" in tr and "Konut Sigortası" in tr
    assert "Yapı tarzı" in tr and "Betonarme" in tr and "Deprem ek teminatı" in tr
    assert "Construction class" in en and "Reinforced concrete" in en
    for code in ("construction_class", "earthquake_cover", "betonarme", "in_municipality"):
        assert code not in tr and code not in en
    # with the sum insured, net, each tax by its name, gross and the plan's amounts
    for amount in ("400.000,00 ₺", "572,00 ₺", "28,60 ₺", "57,20 ₺", "657,80 ₺"):
        assert amount in tr
    assert "Banka ve Sigorta Muameleleri Vergisi (BSMV)" in tr
    assert "TAKSİT PLANI" in tr and "INSTALLMENT PLAN" in en
    for i in plan.installments:
        assert format_try(i.amount) in tr and clock.format_date(i.due_date) in tr
    # and who approved it; each print is in the audit trail
    approved_at = policies.get_policy(db, a1, approved).approved_at
    assert f"Onaylayan {A1}" in tr and f"Onay zamanı {clock.format_date(approved_at)}" in tr
    assert [
        (a["action"], a["after"]["lang"]) for a in policy_audit(quotes_url, "policy.print")
    ] == [
        ("policy.print", "tr"),
        ("policy.print", "en"),
    ]


def test_an_awaiting_policy_is_not_printed_and_nothing_is_recorded(
    db: Session, customers: Customers, quotes_url: str
):
    awaiting = issue(db, A1, policy_form("konut", customers.a1_person, "900000")).policy.number
    before = snapshot(quotes_url)
    with pytest.raises(Conflict) as info:
        documents.print_document(db, actor_of(db, A1), "policy", awaiting, "tr")
    assert (info.value.code, info.value.params["raw_status"]) == (
        "document.not_printable",
        "awaiting_approval",
    )
    assert snapshot(quotes_url) == before


def test_the_policy_page_offers_printing_only_where_the_policy_prints(
    root: State, db: Session, customers: Customers, approved: int
):
    awaiting = issue(db, A1, policy_form("konut", customers.a1_person, "900000")).policy.number
    sign_in(root, A1)
    d = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(awaiting))
    d.load()
    assert (d.policy["status"], d.can_print) == ("awaiting_approval", False)
    d.print_pdf()  # forged from the browser
    assert d.error == (
        f"Poliçe {awaiting} yazdırılamaz ve e-postayla gönderilemez: durumu “Onay bekliyor”. "
        "Yalnız onaylı belgeler (teklifte süresi dolmamış, poliçede güncel sürüm) yazdırılır."
    )
    visit(root, "/policeler/detay", no=str(approved))
    d.load()
    assert (d.policy["status"], d.can_print) == ("approved", True)
    download = d.print_pdf()
    assert f"police-{approved}.pdf" in str(download)


# ====================================================================== quote page → policy


def test_the_quote_page_offers_conversion_then_links_to_the_policy(
    root: State, db: Session, customers: Customers
):
    quote = save(db, A1, form("konut", customers.a1_person, "300000"))
    sign_in(root, A1)
    q = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=str(quote.number))
    q.load()
    # an approved, unexpired quote not yet a policy: "Poliçeye dönüştür"
    assert (q.quote["status"], q.can_convert, q.quote["policy_number"]) == ("approved", True, "")
    a1 = actor_of(db, A1)
    number = policies.issue(db, a1, policies.from_quote(db, a1, quote.number)).policy.number
    q.load()
    # converted: no conversion any more, the link to its policy instead
    assert (q.can_convert, q.quote["policy_number"]) == (False, str(number))


def test_an_awaiting_quote_or_a_user_without_policy_issue_gets_no_conversion(
    root: State, db: Session, customers: Customers
):
    awaiting = save(db, A1, form("konut", customers.a1_person, "900000"))
    approved_quote = save(db, A1, form("konut", customers.a1_person, "300000"))
    sign_in(root, A1)
    q = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=str(awaiting.number))
    q.load()
    assert (q.quote["status"], q.can_convert) == ("awaiting_approval", False)
    root2 = State(_reflex_internal_init=True)
    sign_in(root2, "gm.mudur")  # reads quotes, issues no policies
    q2 = sub(root2, QuoteDetailState)
    visit(root2, "/teklifler/detay", no=str(approved_quote.number))
    q2.load()
    assert (q2.quote.get("status"), q2.can_convert) == ("approved", False)


# ====================================================================== one pricing of a draft


def test_the_preview_of_an_edited_draft_is_what_is_saved_after_a_tariff_change(
    db: Session, customers: Customers, approved: int
):
    # given the policy (tariff v1) un-approved into a draft …
    gm = actor_of(db, GM)
    policies.unapprove(db, gm, approved, "Bedel düzeltme")
    # … and tariff v2 in force from tomorrow, raising konut's minimum premium to 500.00
    day = clock.today()
    lines = (SHIPPED / "lines.csv").read_bytes()
    raised = lines.replace(
        b"konut,Konut Sigortas\xc4\xb1,Home Insurance,350.00",
        b"konut,Konut Sigortas\xc4\xb1,Home Insurance,500.00",
    )
    assert raised != lines
    v2 = versions.upload(db, OPERATOR, filename="lines.csv", data=raised, target_path="lines.csv")
    tomorrow = day + timedelta(days=1)
    versions.activate(db, OPERATOR, v2.id, tomorrow)
    inp = policy_form("konut", customers.a1_person, "300000", installments=2, start=tomorrow)
    # when tomorrow the draft is previewed and then saved
    shown = policies.preview(db, gm, inp, today=tomorrow, draft=approved)
    saved = policies.update_draft(db, gm, approved, inp, today=tomorrow)
    # then both are on the policy's own version v1 (net 429.00, not v2's 500.00) and equal
    assert (shown.tariff_version, shown.net_premium) == (1, D("429.00"))
    assert (shown.net_premium, shown.taxes, shown.gross_premium, shown.installment_count) == (
        saved.net_premium,
        saved.taxes,
        saved.gross_premium,
        saved.installment_count,
    )
    assert shown.gross_premium == D("493.35")
    # while a new policy's preview is on the tariff in force
    fresh = policies.preview(db, gm, inp, today=tomorrow)
    assert (fresh.tariff_version, fresh.net_premium) == (2, D("500.00"))


def test_a_drafts_preview_keeps_its_line_and_customer(
    db: Session, customers: Customers, approved: int
):
    gm = actor_of(db, GM)
    policies.unapprove(db, gm, approved, "Düzeltme")
    other = policy_form("konut", customers.a1_company, "300000")
    with pytest.raises(ValidationFailed) as info:
        policies.preview(db, gm, other, draft=approved)
    assert (info.value.code, info.value.field) == ("policy.fixed_on_draft", "customer")


# ====================================================================== renewed once


def _second_renewal_quote(db: Session, first: QuoteView) -> QuoteView:
    """A second live renewal quote of the same policy, as two renewals made at the same
    moment (or an installation from before `renew` refused them) may leave behind."""
    return quotes.save_quote(
        db,
        actor_of(db, A1),
        QuoteInput(
            line_code=first.line_code,
            customer_id=first.customer_id,
            sum_insured=first.sum_insured,
            start_date=first.start_date,
            end_date=first.end_date,
            values=dict(first.values),
            renews_policy_number=first.renews_policy_number,
            tariff_date=first.start_date,
        ),
        today=OPENS,
    )


def test_a_second_renewal_quote_of_a_renewed_policy_never_becomes_a_policy(
    db: Session, customers: Customers, quotes_url: str
):
    # given an expiring trafik policy and two renewal quotes of it
    number = trafik_policy(db, customers.a1_person)
    first = renew(db, A1, number, today=OPENS)
    second = _second_renewal_quote(db, first)
    # when the first becomes a policy
    renewal = issue_from_quote(db, A1, first, OPENS)
    assert stored_policies(quotes_url, renewal)[0]["renews_policy_number"] == number
    # then the second is refused with a clear message, and nothing is created
    a1 = actor_of(db, A1)
    inp = policies.from_quote(db, a1, second.number, today=OPENS)
    before = snapshot(quotes_url)
    with pytest.raises(ValidationFailed) as info:
        policies.issue(db, a1, inp, today=OPENS)
    assert (info.value.code, info.value.field, info.value.params) == (
        "policy.already_renewed",
        "quote_number",
        {"policy": number, "renewal": renewal},
    )
    assert snapshot(quotes_url) == before


def test_an_unapproved_renewal_policy_still_blocks_a_second_one(
    db: Session, customers: Customers, quotes_url: str
):
    # given a renewal policy, un-approved into a draft (it still stands) …
    number = trafik_policy(db, customers.a1_person)
    first = renew(db, A1, number, today=OPENS)
    second = _second_renewal_quote(db, first)
    renewal = issue_from_quote(db, A1, first, OPENS)
    policies.unapprove(db, actor_of(db, GM), renewal, "Düzeltme")
    # when the second renewal quote is issued: refused, nothing created
    a1 = actor_of(db, A1)
    inp = policies.from_quote(db, a1, second.number, today=OPENS)
    before = snapshot(quotes_url)
    with pytest.raises(ValidationFailed) as info:
        policies.issue(db, a1, inp, today=OPENS)
    assert info.value.code == "policy.already_renewed"
    assert snapshot(quotes_url) == before
