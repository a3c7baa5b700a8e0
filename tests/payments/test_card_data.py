"""After a card payment, the card number and the CVV are nowhere: not in any text cell of
any table (the whole database, both engines), not in any log line of any logger at DEBUG
(SQLAlchemy's statements and parameters included), not on stdout/stderr, not in any state
delta or event sent to the browser, not in the audit trail, not in the pages, URLs and
PDFs of the flow. Only the last four digits are kept.

Paid twice over: through the services (start → the test bank's ACS → callback), and as the
browser does it (the policy page's `choose` and `pay` handlers, the ACS page and its code,
the callback route, the result page's handler, the receipt route)."""

from __future__ import annotations

import base64
import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from iztim_app import payment_routes, portal_routes
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.installments.models import Installment, Payment
from iztim_app.core.payments import services as payments
from iztim_app.core.payments.models import PaymentAttempt
from iztim_app.core.payments.test_gateway import ACS_STATE_FIELD
from iztim_app.states.portal_pay import PortalPolicyState, PortalResultState
from tests.foundation.support import use_settings
from tests.payments import test_iyzico as iyzico
from tests.payments.test_iyzico import fake  # noqa: F401  (the fake iyzico on loopback)
from tests.portal.security_fixtures import (
    APPROVED_CARD,
    CVV,
    GOOD_OTP,
    Tab,
    World,
    build_world,
    card,
    dumps,
    pdf_text,
    portal_customer,
    sign_in_token,
    text_cells,
)
from tests.quotes.fixtures_db import SHIPPED, pg_template, quotes_template, url  # noqa: F401

DECLINED_CARD = "4000 0000 0000 0002"
NOT_LUHN = "4111 1111 1111 1112"
# The CVV as a value of its own (not inside a longer number, id, hash or amount).
CVV_TOKEN = re.compile(rf"(?<![\w.,]){CVV}(?![\w.,])")
# A card word standing alone (not inside a random token: "…paN9…" is no PAN) then digits.
CARD_WORDS = re.compile(
    r"(?i)(?<![a-z0-9])(cvv|cvc|cv2|security.?code|card.?number|pan)(?![a-z0-9])\W{0,6}\d"
)


def spellings(number: str) -> list[str]:
    """A card number as anyone might keep it: digits, spaced, dashed, and base64 of the
    digits at every alignment (a token or a signed state could hide it so)."""
    digits = number.replace(" ", "")
    found = [digits, " ".join(digits[i : i + 4] for i in range(0, 16, 4))]
    found.append(found[1].replace(" ", "-"))
    for pad in range(3):
        encoded = base64.b64encode(b"x" * pad + digits.encode()).decode()
        found.append(encoded[(pad * 4 + 2) // 3 + 1 : -4])  # the part only the digits make
    return found


def card_traces(text: str, number: str = APPROVED_CARD) -> list[str]:
    """The spellings of the number in `text`, the CVV next to a card word, the CVV alone."""
    hits = [s for s in spellings(number) if s and s in text]
    hits += [m.group(0) for m in CARD_WORDS.finditer(text)]
    hits += [f"cvv token at {m.start()}: …{text[max(0, m.start() - 40) : m.end() + 40]}…"
             for m in CVV_TOKEN.finditer(text)]  # fmt: skip
    return hits


# ====================================================================== fixtures


@pytest.fixture
def env(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, World]]:  # noqa: F811
    dburl = url
    use_settings(monkeypatch, database_url=dburl, tariffs_dir=SHIPPED, demo_mode=False)
    with session_scope(dburl) as db:
        world = build_world(db)  # B has paid by card already: one more flow to search
    yield dburl, world
    get_engine.cache_clear()


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG into caplog, also those that do not propagate."""
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    added = []
    for logger in loggers:
        caplog.set_level(logging.DEBUG, logger=logger.name)
        if not logger.propagate and caplog.handler not in logger.handlers:
            logger.addHandler(caplog.handler)
            added.append(logger)
    yield caplog
    for logger in added:
        logger.removeHandler(caplog.handler)


@pytest.fixture
def client(env: tuple[str, World]) -> TestClient:
    return TestClient(
        Starlette(routes=[*portal_routes.ROUTES, *payment_routes.ROUTES]),
        base_url="http://iztim.test",
    )


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    lines = []
    for r in caplog.records:
        lines.append(f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}")
        lines.append(repr(r.args))
    return "\n".join(lines)


def database_text(dburl: str) -> str:
    return "\n".join(f"{t}.{c}={v}" for t, c, v in text_cells(dburl))


def audit_text(db: Session) -> str:
    db.expire_all()
    return "\n".join(
        dumps([e.actor_code, e.action, e.entity_type, e.entity_id, e.before, e.after])
        for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    )


def no_card_columns(dburl: str) -> list[str]:
    """No column is even named for card data beyond its last four digits."""
    names = [f"{t}.{c}" for t, c, _ in text_cells(dburl)]
    return sorted(
        {n for n in names if re.search(r"(?i)cvv|cvc|card_number|pan\b", n.split(".")[1])}
    )


@dataclass
class Paid:
    order_id: str
    sent: list[str]  # everything the flow showed: pages, URLs, events, deltas, PDFs


def assert_paid(dburl: str, w: World, order_id: str, seq: int = 1) -> None:
    """The flow really ran: the installment is paid, with a card payment of 1111."""
    with session_scope(dburl) as db:
        attempt = db.exec(select(PaymentAttempt).where(PaymentAttempt.order_id == order_id)).one()
        assert (attempt.status, attempt.card_last4) == ("approved", "1111")
        inst = db.exec(
            select(Installment).where(
                Installment.policy_number == w.a_policy, Installment.seq == seq
            )
        ).one()
        assert inst.paid == inst.amount
        paid = db.exec(select(Payment).where(Payment.reference == order_id)).one()
        assert (paid.method, paid.card_last4, paid.amount) == ("card", "1111", inst.amount)
        assert paid.provider_txn_id == f"{attempt.transaction_id}/{seq}"


def assert_nowhere(
    dburl: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture, sent: list[str]
) -> None:
    out, err = capsys.readouterr()
    with session_scope(dburl) as db:
        audits = audit_text(db)
    places = {
        "database": database_text(dburl),
        "audit": audits,
        "logs": log_text(caplog),
        "stdout": out,
        "stderr": err,
        "sent to the browser": "\n".join(sent),
    }
    assert {k: card_traces(v) for k, v in places.items()} == {k: [] for k in places}
    assert no_card_columns(dburl) == []
    # the searches above can see: the last four digits are kept, and logged SQL is there
    assert "1111" in places["database"]
    assert "payment_attempt" in places["logs"]


# ====================================================================== services


def test_a_service_level_payment_leaves_no_card_number_or_cvv_anywhere(
    env: tuple[str, World],
    every_log: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture,
    client: TestClient,
):
    dburl, w = env
    sent: list[str] = []
    with session_scope(dburl) as db:
        me = portal_customer(db, sign_in_token(db, w.a_policy, w.a_code))
        started = payments.start_payment(db, me, w.a_policy, [1], card(), source="203.0.113.9")
        sent.append(dumps(started))
    state = started.three_d.form_fields[ACS_STATE_FIELD]
    body = state.partition(".")[0]
    sent.append(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode())
    # the bank's side, as the browser goes through it
    acs = client.post("/portal/acs", data={ACS_STATE_FIELD: state})
    assert acs.status_code == 200 and "**** **** **** 1111" in acs.text
    answer = client.post("/portal/acs/onay", data={ACS_STATE_FIELD: state, "otp": GOOD_OTP})
    fields = hidden_fields(answer.text)
    back = client.post("/portal/odeme/donus", data=fields, follow_redirects=False)
    assert back.status_code == 303
    sent += [acs.text, answer.text, back.headers["location"], dumps(dict(back.headers))]
    with session_scope(dburl) as db:
        view = payments.attempt_for_customer(db, me, started.order_id)
        sent.append(dumps(view))
        sent.append(pdf_text(payments.receipt_pdf(db, me, started.order_id, "tr")))
    assert view.status == "approved"
    assert_paid(dburl, w, started.order_id)
    assert_nowhere(dburl, every_log, capsys, sent)


def hidden_fields(page: str) -> dict[str, str]:
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)
    }


# ====================================================================== as the browser does


def acs_state_of(tab: Tab) -> tuple[str, str]:
    """The bank's address and the ACS state the pay handler told the browser to post."""
    spec = tab.results[-1]
    script = spec.args[0][1]._var_value
    found = re.search(r'\("(/portal/acs)",\{"acs_state": ?"([^"]+)"\}\)', script)
    assert found, script
    return found.group(1), found.group(2)


def browser_payment(
    dburl: str, w: World, client: TestClient, number: str, otp: str = GOOD_OTP
) -> tuple[Tab, list[str], str]:
    """The policy page: choose installment 1, type the card, the bank, the result page."""
    with session_scope(dburl) as db:
        token = sign_in_token(db, w.a_policy, w.a_code)
    tab = Tab(token, "203.0.113.77")
    tab.visit("/portal/police", no=str(w.a_policy))
    tab.call(PortalPolicyState, "load")
    tab.call(PortalPolicyState, "choose", {"i1": "on"})
    form = {"card_number": number, "holder": "AYSE SAHIN", "expiry": "12/39", "cvv": CVV}
    tab.call(PortalPolicyState, "pay", form)
    pages: list[str] = []
    if number == NOT_LUHN:
        return tab, pages, ""
    action, state = acs_state_of(tab)
    acs = client.post(action, data={ACS_STATE_FIELD: state})
    answer = client.post("/portal/acs/onay", data={ACS_STATE_FIELD: state, "otp": otp})
    back = client.post(
        "/portal/odeme/donus", data=hidden_fields(answer.text), follow_redirects=False
    )
    location = back.headers["location"]
    order_id = location.partition("siparis=")[2]
    pages += [acs.text, answer.text, location]
    tab.visit("/portal/odeme/sonuc", siparis=order_id)
    tab.call(PortalResultState, "load")
    receipt = client.get(
        f"/portal/makbuz/{order_id}",
        headers={"cookie": f"{portal_routes.PORTAL_COOKIE}={token}"},
    )
    if receipt.status_code == 200:
        pages.append(pdf_text(receipt.content))
    return tab, pages, order_id


def test_paying_through_the_portal_handlers_leaves_no_card_number_or_cvv_anywhere(
    env: tuple[str, World],
    every_log: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture,
    client: TestClient,
):
    dburl, w = env
    tab, pages, order_id = browser_payment(dburl, w, client, APPROVED_CARD)
    assert_paid(dburl, w, order_id)
    result = tab.sub(PortalResultState)
    assert (result.status, result.card, result.receipt_href) == (
        "approved",
        "**** 1111",
        f"/portal/makbuz/{order_id}?lang=tr",
    )
    assert any("**** 1111" in p for p in pages[-1:])  # the receipt shows the masked card
    assert_nowhere(dburl, every_log, capsys, [tab.payload(), *pages])


@pytest.mark.parametrize(
    ("number", "otp", "status"),
    [
        (DECLINED_CARD, GOOD_OTP, "declined"),
        (APPROVED_CARD, "000000", "auth_failed"),
        (NOT_LUHN, GOOD_OTP, ""),
    ],
    ids=["declined", "wrong code", "mistyped number"],
)
def test_a_refused_card_is_not_kept_either(
    env: tuple[str, World],
    every_log: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture,
    client: TestClient,
    number: str,
    otp: str,
    status: str,
):
    dburl, w = env
    tab, pages, order_id = browser_payment(dburl, w, client, number, otp)
    policy = tab.sub(PortalPolicyState)
    if status:
        assert tab.sub(PortalResultState).status == status
    else:  # refused on the form: the message beside the field, no attempt
        assert {k for k, v in policy.card_errors.items() if v} == {"card_number"}
        with session_scope(dburl) as db:
            assert (
                db.exec(select(PaymentAttempt).where(PaymentAttempt.customer_id == w.a.id)).all()
                == []
            )
    sent = "\n".join([tab.payload(), *pages])
    places: dict[str, Any] = {
        "database": database_text(dburl),
        "logs": log_text(every_log),
        "sent": sent,
        "out": "".join(capsys.readouterr()),
    }
    assert {k: card_traces(v, number) for k, v in places.items()} == {k: [] for k in places}


# ====================================================================== iyzico


@pytest.mark.parametrize(
    "number", [APPROVED_CARD, iyzico.DECLINE_AT_START], ids=["approved", "refused at start"]
)
def test_an_iyzico_payment_leaves_no_card_number_or_cvv_here_either(
    env: tuple[str, World],
    every_log: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    fake: tuple[Any, str],  # noqa: F811
    number: str,
):
    """The card goes to iyzico (the fake on loopback receives it) and nowhere else: not in
    our database, logs, output, or what the browser gets (the bank's 3D page, the result).
    The refusal at start is the fake's answer echoing the card number in its message."""
    dburl, w = env
    provider, base_url = fake
    use_settings(
        monkeypatch,
        database_url=dburl,
        tariffs_dir=SHIPPED,
        demo_mode=False,
        payment_gateway="iyzico",
        iyzico_api_key=iyzico.API_KEY,
        iyzico_secret_key=iyzico.SECRET_KEY,
        iyzico_base_url=base_url,
        public_url="https://portal.example.com.tr",
    )
    with session_scope(dburl) as db:
        me = portal_customer(db, sign_in_token(db, w.a_policy, w.a_code))
        started = payments.start_payment(
            db, me, w.a_policy, [1], card(number), source="203.0.113.9"
        )
    sent = [dumps(started), started.three_d.action_url, str(dict(started.three_d.form_fields))]
    # the control: the provider did get the card, so the search below has something to miss
    assert number.replace(" ", "") in b"".join(provider.raw_bodies).decode()
    if number == APPROVED_CARD:
        assert not started.three_d.failed and started.three_d.form_fields
        callback = {
            "status": "success",
            "paymentId": started.three_d.provider_ref,
            "conversationData": "",
            "conversationId": started.order_id,
            "mdStatus": "1",
        }
        back = client.post("/portal/odeme/donus", data=callback, follow_redirects=False)
        assert back.status_code == 303
        sent.append(back.headers["location"])
        assert_paid(dburl, w, started.order_id)
        assert_nowhere(dburl, every_log, capsys, sent)
        return
    assert started.three_d.failed
    with session_scope(dburl) as db:
        attempt = db.exec(
            select(PaymentAttempt).where(PaymentAttempt.order_id == started.order_id)
        ).one()
        assert (attempt.status, attempt.card_last4) == ("failed", "1129")
        assert "Kart limiti yetersiz" in (attempt.bank_reason or "")
        view = payments.attempt_for_customer(db, me, started.order_id)
    sent.append(dumps(view))
    places = {
        "database": database_text(dburl),
        "logs": log_text(every_log),
        "sent": "\n".join(sent),
        "out": "".join(capsys.readouterr()),
    }
    assert {k: card_traces(v, number) for k, v in places.items()} == {k: [] for k in places}
