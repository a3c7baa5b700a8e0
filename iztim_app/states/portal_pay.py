"""The portal's policy page (status, installments, endorsements, documents) and paying
chosen unpaid installments by card with 3D Secure, then the result page. Owned by helper B.

Card data: the card form's inputs are uncontrolled and reset on submit; `pay` receives them
as the event's argument, builds a `CardInput` (which never shows the number or CVV), hands
it to `payments.start_payment` and drops it. No var ever holds a digit of it: the browser
then posts the gateway's fields (a signed ACS state with the masked card only) to the bank's
ACS page by a script that builds the form itself."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import reflex as rx

from iztim_app import i18n, portal_routes
from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.documents.services import document_text
from iztim_app.core.errors import DomainError, NotFound, ValidationFailed
from iztim_app.core.money import ZERO, format_try
from iztim_app.core.payments import services as payments
from iztim_app.core.payments.gateway import CardInput, CardProblems, ThreeDStart
from iztim_app.core.portal import services as portal
from iztim_app.core.portal.services import PortalPolicy
from iztim_app.states.portal import MAX_INPUT, PortalState, go, line_name, policy_row
from iztim_app.states.session import reset_keeping_form_keys

RESULT_ROUTE = "/portal/odeme/sonuc"
RECEIPT_ROUTE = "/portal/makbuz/{order_id}"
CARD_FIELDS = ("card_number", "holder", "expiry", "cvv")
MAX_SEQS = 60
NO_CARD_ERRORS = dict.fromkeys(CARD_FIELDS, "")


def receipt_path(order_id: str) -> str:
    return RECEIPT_ROUTE.replace("{order_id}", order_id)


def post_to(action_url: str, fields: Mapping[str, str]) -> rx.event.EventSpec:
    """The browser posts `fields` to `action_url` (the bank's ACS page, or iyzico's 3D page)
    as a page load: a script of the app's own (no inline script of the provider runs)."""
    script = (
        "(function(u,f){var d=document.createElement('form');d.method='post';d.action=u;"
        "Object.keys(f).forEach(function(k){var i=document.createElement('input');"
        "i.type='hidden';i.name=k;i.value=f[k];d.appendChild(i);});"
        "document.body.appendChild(d);d.submit();})"
        f"({json.dumps(action_url)},{json.dumps({str(k): str(v) for k, v in fields.items()})})"
    )
    return rx.call_script(script)


def to_bank(three_d: ThreeDStart) -> rx.event.EventSpec:
    """Every gateway hands over a form to post (iyzico's 3D page is read into one by its
    adapter): a provider's page is never written into the portal, so its CSP needs no
    inline script without a hash."""
    return post_to(three_d.action_url, three_d.form_fields)


def card_from_form(form: Any) -> CardInput:
    """The card as typed (raises CardProblems with every problem). "AA/YY" or "AA/YYYY"."""
    form = form if isinstance(form, dict) else {}
    values = {name: str(form.get(name, "") or "")[:64] for name in CARD_FIELDS}
    month, _, year = values["expiry"].replace(" ", "").partition("/")
    return CardInput(values["card_number"], values["holder"], month, year, values["cvv"])


def _installment_rows(p: PortalPolicy, lang: str) -> list[dict[str, str]]:
    today = clock.today()
    rows = []
    for i in p.installments:
        state = "paid" if i.is_paid else ("overdue" if i.due_date < today else "unpaid")
        rows.append(
            {
                "seq": str(i.seq),
                "due": clock.format_date(i.due_date),
                "amount": format_try(i.amount),
                "paid": format_try(i.paid),
                "remaining": format_try(i.remaining),
                "state": state,
                "state_key": f"portal.{state}",
                "payable": "" if i.is_paid else "1",
                "choose_label": i18n.translate("portal.choose_installment", lang, seq=i.seq),
            }
        )
    return rows


class PortalPolicyState(PortalState):
    """/portal/policy?no=N: one of the customer's policies, and paying its installments."""

    number: str = ""
    found: bool = False
    policy: dict[str, str] = {}
    installments: list[dict[str, str]] = []
    endorsements: list[dict[str, str]] = []
    documents: list[dict[str, str]] = []
    first_unpaid: str = ""
    error: str = ""
    # the payment: chosen installments, then the card form
    paying: bool = False
    pay_seqs: list[int] = []
    pay_seqs_text: str = ""
    pay_total: str = ""
    pay_error: str = ""
    card_errors: dict[str, str] = NO_CARD_ERRORS
    redirecting: bool = False
    form_key: int = 0

    def _show(self, p: PortalPolicy, line: str) -> None:
        self.found = True
        self.number = str(p.number)
        self.policy = policy_row(p, line)
        self.installments = _installment_rows(p, self._lang())
        self.first_unpaid = next((r["seq"] for r in self.installments if r["payable"]), "")
        self.endorsements = [
            {
                "label": e.label,
                "kind_key": f"endorsement.kind.{e.kind}",
                "effective": clock.format_date(e.effective_date),
                "change": format_try(e.gross_change),
            }
            for e in p.endorsements
        ]
        lang = self._lang()
        docs = [
            {
                "text": self._text(
                    "portal.document", name=document_text("policy", str(p.number), lang)
                ),
                "href": portal_routes.document_path("policy", str(p.number)) + f"?dil={lang}",
            }
        ]
        docs += [
            {
                "text": self._text(
                    "portal.document",
                    name=document_text("endorsement", e.label, lang, e.kind == "cancellation"),
                ),
                "href": portal_routes.document_path("endorsement", e.label) + f"?dil={lang}",
            }
            for e in p.endorsements
        ]
        self.documents = docs

    def _clear(self) -> None:
        self.found = False
        self.policy = {}
        self.installments = self.endorsements = self.documents = []
        self.first_unpaid = ""
        self._close_payment()

    def _close_payment(self) -> None:
        self.paying = False
        self.pay_seqs = []
        self.pay_seqs_text = self.pay_total = self.pay_error = ""
        self.card_errors = dict(NO_CARD_ERRORS)
        self.redirecting = False
        self.form_key += 1

    def _reload(self) -> bool:
        """Reads the policy again as the signed-in customer; False when not signed in."""
        me = self._signed_in_customer()
        if me is None:
            self._clear()
            return False
        try:
            with session_scope() as db:
                p = portal.my_policy(db, me, self.number)
                line = line_name(db, p.line_code, self._lang())
        except NotFound:
            self._clear()
            self.error = self._text("portal.not_found")
            return True
        self._show(p, line)
        return True

    @rx.event
    def load(self):
        """on_load: /portal/police?no=5000001."""
        self.error = ""
        self._close_payment()
        self.number = str(self.router.url.query_parameters.get("no", "") or "")[:MAX_INPUT]
        self._reload()

    @rx.event
    def choose(self, form: dict):
        """ "Öde": the ticked unpaid installments → the card form with their total."""
        form = form if isinstance(form, dict) else {}
        self.pay_error = ""
        if not self._reload() or not self.found:
            return
        payable = {int(r["seq"]): r for r in self.installments if r["payable"]}
        chosen = sorted(
            seq for seq in payable if str(form.get(f"i{seq}", "") or "") in ("on", "true", "1")
        )
        if not chosen:
            self.paying = False
            self.pay_error = self._text("portal.choose_none")
            return
        with session_scope() as db:
            me = self._customer()
            p = portal.my_policy(db, me, self.number) if me else None
        if p is None:
            return
        total = sum((i.remaining for i in p.installments if i.seq in chosen), ZERO)
        self.pay_seqs = chosen
        self.pay_seqs_text = self._text("portal.pay_for", seqs=", ".join(map(str, chosen)))
        self.pay_total = self._text("portal.pay_total", amount=format_try(total))
        self.card_errors = dict(NO_CARD_ERRORS)
        self.paying = True
        self.form_key += 1

    @rx.event
    def cancel_payment(self):
        self._close_payment()

    @rx.event
    def pay(self, form: dict):
        """The card form: checks the card, starts the 3D payment, sends the browser to the
        bank. The card itself is only in this call's arguments and in `CardInput`."""
        self.pay_error = ""
        self.card_errors = dict(NO_CARD_ERRORS)
        me = self._signed_in_customer()
        if me is None:
            self._clear()
            return None
        if not self.paying or not self.pay_seqs:
            self.pay_error = self._text("portal.choose_none")
            return None
        lang = self._lang()
        try:
            card = card_from_form(form)
        except CardProblems as exc:
            found = {p.field: i18n.error_text(p, lang) for p in exc.problems if p.field}
            self.card_errors = {**NO_CARD_ERRORS, **found}
            return None
        seqs = [int(s) for s in self.pay_seqs][:MAX_SEQS]
        try:
            with session_scope() as db:
                started = payments.start_payment(
                    db,
                    me,
                    self.number,
                    seqs,
                    card,
                    source=self.router.session.client_ip or "",
                    lang=lang,
                )
        except ValidationFailed as exc:
            self.pay_error = i18n.error_text(exc, lang)
            return None
        except DomainError as exc:
            self._reload()
            self.pay_error = i18n.error_text(exc, lang)
            return None
        if started.three_d.failed:
            return go(RESULT_ROUTE, {"siparis": started.order_id})
        self.redirecting = True
        return to_bank(started.three_d)


CALLBACK_NOTES = {
    "replay": "payment.callback_replay",
    "invalid": "payment.callback_invalid",
    "unknown": "payment.callback_unknown",
}


class PortalResultState(PortalState):
    """/portal/odeme/sonuc?siparis=ORDER: what became of the customer's payment. The
    callback route may add `yanit=replay|invalid|unknown` (what this one callback did): it
    only picks a fixed note; the attempt's own status always comes from the database."""

    found: bool = False
    order_id: str = ""
    status: str = ""
    message: str = ""
    note: str = ""
    amount: str = ""
    card: str = ""
    policy_number: str = ""
    policy_href: str = ""
    installments: list[dict[str, str]] = []
    receipt_href: str = ""
    error: str = ""

    @rx.event
    def load(self):
        reset_keeping_form_keys(self)
        params = self.router.url.query_parameters
        order_id = str(params.get("siparis", "") or "")[:64]
        note = CALLBACK_NOTES.get(str(params.get("yanit", "") or ""))
        me = self._signed_in_customer()
        if me is None:
            return
        self.note = self._text(note) if note else ""
        try:
            with session_scope() as db:
                view = payments.attempt_for_customer(db, me, order_id)
        except DomainError:
            # an unknown order with the callback's own note says it once
            self.error = "" if self.note else self._text("portal.result_missing")
            return
        lang = self._lang()
        self.found = True
        self.order_id = view.order_id
        self.status = view.status
        self.message = self._text(view.message_code)
        if self.note == self.message:
            self.note = ""
        self.amount = format_try(view.amount)
        self.card = f"**** {view.card_last4}" if view.card_last4 else ""
        self.policy_number = str(view.policy_number)
        self.policy_href = f"/portal/police?no={view.policy_number}"
        self.installments = [
            {
                "seq": str(i.seq),
                "due": clock.format_date(i.due_date) if i.due_date else "",
                "amount": format_try(i.amount),
            }
            for i in view.installments
        ]
        if view.receipt_available:
            self.receipt_href = receipt_path(view.order_id) + f"?lang={lang}"
