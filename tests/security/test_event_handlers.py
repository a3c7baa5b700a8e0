"""Every event handler of the app, called by a tab nobody signed in on and by agency B's
user (acente.b1) with agency A's numbers and ids, garbage types and huge strings: nothing
changes in the database and nothing of agency A reaches the browser.

The enumeration comes from the app itself (every state under `reflex.state.State` whose
module is ours). TABLE says, for each handler, what kind it is and which arguments it gets;
a handler missing from TABLE, or an entry for a handler that no longer exists, fails the
suite. Portal screens read only the portal cookie: here they get no portal session and
agency B's staff cookie; "another customer's numbers" is tests/portal/test_portal_security.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from reflex.state import State

from iztim_app.states.session import SessionState
from tests.security.world import (
    ATTACKER,
    REFUSAL_TABLES,
    Ids,
    Tab,
    World,
    changes,
    rows_of,
)

# ------------------------------------------------------------------ the enumeration


def our_states() -> list[type[State]]:
    found: list[type[State]] = []
    todo = list(State.get_substates())
    while todo:
        cls = todo.pop(0)
        todo.extend(cls.get_substates())
        if cls.__module__.startswith("iztim_app."):
            found.append(cls)
    return found


def full_name(cls: type, handler: str) -> str:
    return f"{cls.__module__.removeprefix('iztim_app.states.')}.{cls.__name__}.{handler}"


STATES = {cls.__name__: cls for cls in our_states()}
HANDLERS = sorted(full_name(cls, name) for cls in STATES.values() for name in cls.event_handlers)

# ------------------------------------------------------------------ the table

GUARDED = "guarded"  # needs a signed-in user; the service checks permission and scope
PUBLIC = "public"  # works without a session by design; still changes nothing protected
SCREEN = "screen"  # only changes what the tab shows (paging, dialogs); no service
PORTAL = "portal"  # a portal screen: reads only the portal cookie


@dataclass(frozen=True)
class Entry:
    kind: str
    params: tuple[str, ...] = ()  # the handler's parameters, in order
    form: tuple[str, ...] = ()  # keys of its form (when it takes one), from FORGED
    reason: str = ""  # why a public/screen handler needs no session
    own: frozenset[str] = frozenset()  # tables where B may write rows of B's own


def G(*params: str, form: tuple[str, ...] = (), own: tuple[str, ...] = ()) -> Entry:  # noqa: N802
    return Entry(GUARDED, params, form, own=frozenset(own))


def P(reason: str, *params: str, form: tuple[str, ...] = (), own: tuple[str, ...] = ()) -> Entry:  # noqa: N802
    return Entry(PUBLIC, params, form, reason, frozenset(own))


def S(reason: str, *params: str) -> Entry:  # noqa: N802
    return Entry(SCREEN, params, reason=reason)


def PT(*params: str, form: tuple[str, ...] = ()) -> Entry:  # noqa: N802
    return Entry(PORTAL, params, form)


SETVAR = Entry(GUARDED, ("var_name", "value"))  # Reflex's `setvar`: calls `set_<var_name>`
NO_SETTER = "object has no attribute 'set_"  # setvar's refusal of a var without a setter
PAGING = "paging within rows already loaded through the guarded load"
CUSTOMER_FORM = ("kind", "name", "national_id", "customer_group", "tax_office", "address", "phone")
CUSTOMER_FORM += ("email",)
LIST_FILTERS = ("number", "customer", "line", "line_code", "status", "date_from", "date_to")
LIST_FILTERS += ("preparer", "prepared_by", "actor_code", "action", "entity_type", "entity_id")
REPORT_FORM = ("format_id", "date_from", "date_to", "name", "description", "dimension_1")
REPORT_FORM += ("measure_1", "line", "channel", "office_id", "period", "chart")

TABLE: dict[str, Entry] = {
    # ---- session: signing in and the language work before any session exists
    "session.SessionState.setvar": SETVAR,
    "session.SessionState.check_session": P("every page's on_load: who is this tab, if anyone"),
    "session.SessionState.sign_in": P("the sign-in form", "form", form=("user_code", "password")),
    "session.SessionState.sign_out": P("ends the tab's own session, if any", own=("user_session",)),
    "session.SessionState.set_language": P("the language menu", "lang", own=("app_user",)),
    "session.AppState.setvar": SETVAR,
    "verify.VerifyState.setvar": SETVAR,
    "verify.VerifyState.load": P("the QR code's public verification page"),
    "verify.VerifyState.choose_kind": P("the verification form's document kind", "value"),
    "verify.VerifyState.check": P(
        "the verification form (number + printed code)", "form", form=("kind", "number", "code")
    ),
    "password.PasswordState.setvar": SETVAR,
    "password.PasswordState.change": G("form", form=("current", "new", "repeat")),
    "home.HomeState.setvar": SETVAR,
    "home.HomeState.load": G(),
    "notifications.NotificationsState.setvar": SETVAR,
    "notifications.NotificationsState.load": G(),
    "notifications.NotificationsState.mark_seen": G(own=("notification_seen",)),
    # ---- quotes
    "quote_form.QuoteFormState.setvar": SETVAR,
    "quote_form.QuoteFormState.load": G(),
    "quote_form.QuoteFormState.save": G(),
    "quote_form.QuoteFormState.choose_line": G("code"),
    "quote_form.QuoteFormState.set_value": S("the form's own fields", "name", "value"),
    "quote_form.QuoteFormState.set_sum_insured": S("the form's own field", "value"),
    "quote_form.QuoteFormState.set_start": S("the form's own field", "value"),
    "quote_form.QuoteFormState.set_end": S("the form's own field", "value"),
    "quote_form.QuoteFormState.search_customers": G("form", form=("customer_search",)),
    "quote_form.QuoteFormState.pick_customer": G("customer_id"),
    "quote_form.QuoteFormState.toggle_new_customer": S("opens the new-customer form"),
    "quote_form.QuoteFormState.create_customer": G(
        "form", form=CUSTOMER_FORM, own=("customer", "number_sequence")
    ),
    "quote_detail.QuoteDetailState.setvar": SETVAR,
    "quote_detail.QuoteDetailState.load": G(),
    "quote_detail.QuoteDetailState.approve": G(),
    "quote_detail.QuoteDetailState.reject": G("form", form=("reason",)),
    "quote_detail.QuoteDetailState.print_pdf": G(),
    "quote_detail.QuoteDetailState.revise": G(),
    "quote_detail.QuoteDetailState.print_document": G("kind", "seq"),
    "quote_detail.QuoteDetailState.open_email": G("kind", "seq"),
    "quote_detail.QuoteDetailState.email_open_change": S("closes the e-mail dialog", "is_open"),
    "quote_detail.QuoteDetailState.send_email": G("form", form=("email",)),
    "quote_detail.QuoteDetailState.deliver_email": G(),
    "quote_list.QuoteListState.setvar": SETVAR,
    "quote_list.QuoteListState.load": G(),
    "quote_list.QuoteListState.apply": G("form", form=LIST_FILTERS),
    "quote_list.QuoteListState.next_page": G(),
    "quote_list.QuoteListState.prev_page": G(),
    "quote_stats.QuoteStatsState.setvar": SETVAR,
    "quote_stats.QuoteStatsState.load": G(),
    "quote_stats.QuoteStatsState.apply": G("form", form=("date_from", "date_to")),
    "approvals.ApprovalState.setvar": SETVAR,
    "approvals.ApprovalState.load": G(),
    "approvals.ApprovalState.next_page": G(),
    "approvals.ApprovalState.prev_page": G(),
    # ---- customers
    "customer_list.CustomerListState.setvar": SETVAR,
    "customer_list.CustomerListState.load": G(),
    "customer_list.CustomerListState.apply": G("form", form=("search",)),
    "customer_list.CustomerListState.next_page": G(),
    "customer_list.CustomerListState.prev_page": G(),
    "customer_detail.CustomerDetailState.setvar": SETVAR,
    "customer_detail.CustomerDetailState.load": G(),
    "customer_detail.CustomerDetailState.start_edit": S("opens the edit form of the record shown"),
    "customer_detail.CustomerDetailState.cancel_edit": S("closes the edit form"),
    "customer_detail.CustomerDetailState.save_contact": G(
        "form", form=("address", "email", "phone", "tax_office")
    ),
    "customer_detail.CustomerDetailState.next_page": G(),
    "customer_detail.CustomerDetailState.prev_page": G(),
    # ---- policies
    "policy_list.PolicyListState.setvar": SETVAR,
    "policy_list.PolicyListState.load": G(),
    "policy_list.PolicyListState.apply": G("form", form=LIST_FILTERS),
    "policy_list.PolicyListState.next_page": G(),
    "policy_list.PolicyListState.prev_page": G(),
    "policy_form.PolicyFormState.setvar": SETVAR,
    "policy_form.PolicyFormState.load": G(),
    "policy_form.PolicyFormState.use_quote": G("form", form=("quote_number",)),
    "policy_form.PolicyFormState.issue_directly": G(),
    "policy_form.PolicyFormState.set_installments": S("the form's own field", "value"),
    "policy_form.PolicyFormState.show_preview": G(),
    "policy_form.PolicyFormState.cancel_confirm": S("closes the confirmation"),
    "policy_form.PolicyFormState.confirm": G(),
    "policy_form.PolicyFormState.choose_line": G("code"),
    "policy_form.PolicyFormState.set_value": S("the form's own fields", "name", "value"),
    "policy_form.PolicyFormState.set_sum_insured": S("the form's own field", "value"),
    "policy_form.PolicyFormState.set_start": S("the form's own field", "value"),
    "policy_form.PolicyFormState.set_end": S("the form's own field", "value"),
    "policy_form.PolicyFormState.search_customers": G("form", form=("customer_search",)),
    "policy_form.PolicyFormState.pick_customer": G("customer_id"),
    "policy_form.PolicyFormState.toggle_new_customer": S("opens the new-customer form"),
    "policy_form.PolicyFormState.create_customer": G(
        "form", form=CUSTOMER_FORM, own=("customer", "number_sequence")
    ),
    "policy_detail.PolicyDetailState.setvar": SETVAR,
    "policy_detail.PolicyDetailState.load": G(),
    "policy_detail.PolicyDetailState.approve": G(),
    "policy_detail.PolicyDetailState.reject": G("form", form=("reason",)),
    "policy_detail.PolicyDetailState.unapprove": G("form", form=("reason",)),
    "policy_detail.PolicyDetailState.print_pdf": G(),
    "policy_detail.PolicyDetailState.edit_draft": S("a link to the form, which loads guarded"),
    "policy_detail.PolicyDetailState.submit_draft": G(),
    "policy_detail.PolicyDetailState.set_renewal_claim_free": S("a checkbox", "value"),
    "policy_detail.PolicyDetailState.renew": G(),
    "policy_detail.PolicyDetailState.record_payment": G(
        "form", form=("installment_id", "amount", "method", "reference")
    ),
    "policy_detail.PolicyDetailState.pay_out_refund": G("refund_id"),
    "policy_detail.PolicyDetailState.preview_endorsement": G(
        "form", form=("kind", "effective_date", "sum_insured", "description", "v_plate")
    ),
    "policy_detail.PolicyDetailState.preview_cancellation": G(
        "form", form=("cancel_date", "reason_code", "description")
    ),
    "policy_detail.PolicyDetailState.cancel_pending": S("forgets the preview"),
    "policy_detail.PolicyDetailState.confirm_pending": G(),
    "policy_detail.PolicyDetailState.approve_endorsement": G("seq"),
    "policy_detail.PolicyDetailState.reject_endorsement": G("form", form=("seq", "reason")),
    "policy_detail.PolicyDetailState.print_document": G("kind", "seq"),
    "policy_detail.PolicyDetailState.open_email": G("kind", "seq"),
    "policy_detail.PolicyDetailState.email_open_change": S("closes the e-mail dialog", "is_open"),
    "policy_detail.PolicyDetailState.send_email": G("form", form=("email",)),
    "policy_detail.PolicyDetailState.deliver_email": G(),
    "batch_print.BatchPrintState.setvar": SETVAR,
    "batch_print.BatchPrintState.load": G(),
    "batch_print.BatchPrintState.start": G("form", form=("day", "format")),
    "batch_print.BatchPrintState.follow": G(),
    "batch_print.BatchPrintState.next_page": G(),
    "batch_print.BatchPrintState.prev_page": G(),
    "renewals.RenewalsState.setvar": SETVAR,
    "renewals.RenewalsState.load": G(),
    "renewals.RenewalsState.apply": G("form", form=("date_from", "date_to")),
    "renewals.RenewalsState.set_claim_free": S("a checkbox", "value"),
    "renewals.RenewalsState.renew": G("number"),
    "renewals.RenewalsState.next_page": G(),
    "renewals.RenewalsState.prev_page": G(),
    "payment_attempts.PaymentAttemptsState.setvar": SETVAR,
    "payment_attempts.PaymentAttemptsState.load": G(),
    "payment_attempts.PaymentAttemptsState.apply": G("form", form=("policy_number", "status")),
    "payment_attempts.PaymentAttemptsState.next_page": G(),
    "payment_attempts.PaymentAttemptsState.prev_page": G(),
    "payment_attempts.PaymentAttemptsState.failed_next_page": G(),
    "payment_attempts.PaymentAttemptsState.failed_prev_page": G(),
    "portal_requests.PortalRequestsState.setvar": SETVAR,
    "portal_requests.PortalRequestsState.load": G(),
    "portal_requests.PortalRequestsState.set_status": G("value"),
    "portal_requests.PortalRequestsState.start_reject": G("request_id"),
    "portal_requests.PortalRequestsState.cancel_reject": S("closes the rejection dialog"),
    "portal_requests.PortalRequestsState.reject": G("form", form=("reason",)),
    "portal_requests.PortalRequestsState.next_page": G(),
    "portal_requests.PortalRequestsState.prev_page": G(),
    # ---- reports and commissions
    "reports.ReportsState.setvar": SETVAR,
    "reports.ReportsState.load": G(),
    "reports.ReportsState.choose_format": G("format_id"),
    "reports.ReportsState.run": G("form", form=REPORT_FORM),
    "reports.ReportsState.run_in_background": G(),
    "reports.ReportsState.export": G("fmt"),
    "reports.ReportsState.export_in_background": G(),
    "reports.ReportsState.new_format": G(),
    "reports.ReportsState.edit_format": G("format_id"),
    "reports.ReportsState.copy_format": G("format_id"),
    "reports.ReportsState.close_editor": S("closes the editor"),
    "reports.ReportsState.save_format": G("form", form=REPORT_FORM),
    "reports.ReportsState.ask_delete": G("format_id"),
    "reports.ReportsState.cancel_delete": S("closes the question"),
    "reports.ReportsState.confirm_delete": G(),
    "reports.ReportsState.next_page": G(),
    "reports.ReportsState.prev_page": G(),
    "commission_statement.CommissionStatementState.setvar": SETVAR,
    "commission_statement.CommissionStatementState.load": G(),
    "commission_statement.CommissionStatementState.apply": G(
        "form", form=("office_id", "date_from", "date_to")
    ),
    "commission_statement.CommissionStatementState.last_month": G(),
    "commission_statement.CommissionStatementState.download": G("fmt"),
    "commission_statement.CommissionStatementState.download_in_background": G(),
    "commission_statement.CommissionStatementState.next_page": G(),
    "commission_statement.CommissionStatementState.prev_page": G(),
    "commission_rates.CommissionRatesState.setvar": SETVAR,
    "commission_rates.CommissionRatesState.load": G(),
    "commission_rates.CommissionRatesState.apply_filter": G("form", form=("office_id",)),
    "commission_rates.CommissionRatesState.save_rate": G(
        "form", form=("office_id", "line_code", "rate", "valid_from")
    ),
    "commission_rates.CommissionRatesState.next_page": G(),
    "commission_rates.CommissionRatesState.prev_page": G(),
    # ---- tariffs and administration
    "tariffs.TariffState.setvar": SETVAR,
    "tariffs.TariffState.load": G(),
    "tariffs.TariffState.set_target_path": S("the upload form's folder field", "value"),
    "tariffs.TariffState.set_note": S("the upload form's note field", "value"),
    "tariffs.TariffState.upload": G("files"),
    "tariffs.TariffState.check_upload": G(),
    "tariffs.TariffState.activate": G("form", form=("version_id", "effective_from")),
    "tariffs.TariffState.discard": G("version_id"),
    "tariffs.TariffState.download": G("version_id"),
    "tariffs.TariffState.download_file": G("form", form=("version_id", "path")),
    "tariffs.TariffState.compare": G("form", form=("older", "newer")),
    "tariffs.TariffState.try_price": G(
        "form", form=("version_id", "line", "group", "sum_insured", "start", "end", "values")
    ),
    "admin_users.UsersState.setvar": SETVAR,
    "admin_users.UsersState.load": G(),
    "admin_users.UsersState.do_search": G("form", form=("search",)),
    "admin_users.UsersState.next_page": G(),
    "admin_users.UsersState.prev_page": G(),
    "admin_users.UsersState.open_user": G("user_id"),
    "admin_users.UsersState.close_user": S("closes the user's details"),
    "admin_users.UsersState.toggle_create": G(),
    "admin_users.UsersState.create": G(
        "form", form=("code", "name", "office_id", "role", "password", "email", "lang")
    ),
    "admin_users.UsersState.save_user": G(
        "form", form=("name", "office_id", "email", "lang", "view_scope")
    ),
    "admin_users.UsersState.save_permissions": G("form", form=("perm:user.manage",)),
    "admin_users.UsersState.apply_role": G("form", form=("role",)),
    "admin_users.UsersState.set_limit": G(
        "form", form=("line_code", "quote_limit", "policy_limit")
    ),
    "admin_users.UsersState.remove_limit": G("line_code"),
    "admin_users.UsersState.reset_password": G(),
    "admin_users.UsersState.toggle_active": G(),
    "admin_users.UsersState.unlock": G(),
    "admin_users.UsersState.create_api_token": G("form", form=("token_name", "token_expires")),
    "admin_users.UsersState.revoke_api_token": G("token_id"),
    "admin_offices.OfficesState.setvar": SETVAR,
    "admin_offices.OfficesState.load": G(),
    "admin_offices.OfficesState.create": G(
        "form", form=("code", "name", "kind", "parent_id", "agency_kind")
    ),
    "audit.AuditState.setvar": SETVAR,
    "audit.AuditState.load": G(),
    "audit.AuditState.apply": G("form", form=LIST_FILTERS),
    "audit.AuditState.next_page": G(),
    "audit.AuditState.prev_page": G(),
    # ---- the customer portal (its own cookie)
    "portal.PortalState.setvar": SETVAR,
    "portal.PortalState.check_portal": P("every portal page's check: which customer, if any"),
    "portal.PortalState.sign_in": P(
        "the portal's sign-in form (number + access code)", "form", form=("number", "access_code")
    ),
    "portal.PortalState.sign_out": P("ends the tab's own portal session, if any"),
    "portal.PortalState.set_language": P("the portal's language menu", "lang"),
    "portal.PortalHomeState.setvar": SETVAR,
    "portal.PortalHomeState.load": PT(),
    "portal_pay.PortalPolicyState.setvar": SETVAR,
    "portal_pay.PortalPolicyState.load": PT(),
    "portal_pay.PortalPolicyState.choose": PT("form", form=("i1", "i2", "installment_ids")),
    "portal_pay.PortalPolicyState.cancel_payment": PT(),
    "portal_pay.PortalPolicyState.pay": PT(
        "form", form=("card_number", "holder", "expiry", "cvv", "installments")
    ),
    "portal_pay.PortalResultState.setvar": SETVAR,
    "portal_pay.PortalResultState.load": PT(),
    "portal_quote.PortalQuoteState.setvar": SETVAR,
    "portal_quote.PortalQuoteState.load": PT(),
    "portal_quote.PortalQuoteState.save": PT(),
    "portal_quote.PortalQuoteState.ask_for_policy": PT("form", form=("quote_number",)),
    "portal_quote.PortalQuoteState.search_customers": PT("form", form=("customer_search",)),
    "portal_quote.PortalQuoteState.pick_customer": PT("customer_id"),
    "portal_quote.PortalQuoteState.toggle_new_customer": PT(),
    "portal_quote.PortalQuoteState.create_customer": PT("form", form=CUSTOMER_FORM),
    "portal_quote.PortalQuoteState.choose_line": PT("code"),
    "portal_quote.PortalQuoteState.set_value": PT("name", "value"),
    "portal_quote.PortalQuoteState.set_sum_insured": PT("value"),
    "portal_quote.PortalQuoteState.set_start": PT("value"),
    "portal_quote.PortalQuoteState.set_end": PT("value"),
}

# ------------------------------------------------------------------ forged arguments


def forged(ids: Ids) -> dict[str, list[Any]]:
    """What an attacker types for each parameter or form key: agency A's numbers and ids,
    ids of rows agency B cannot see, and plausible values for the rest."""
    sample_tckn = ids.national_ids[0][:7]
    return {
        "customer_id": [ids.customer_ids[0], ids.customer_numbers[0]],
        "user_id": ids.user_ids,
        "token_id": ids.token_ids,
        "format_id": ids.format_ids,
        "request_id": ids.request_ids,
        "version_id": ids.version_ids,
        "older": ids.version_ids,
        "newer": ids.version_ids,
        "refund_id": ids.refund_ids,
        "seq": ["1", "2"],
        "installment_id": ids.installment_ids,
        "installment_ids": [",".join(ids.installment_ids)],
        "i1": ["on"],
        "i2": ["on"],
        "number": [ids.policies[0], ids.customer_numbers[0]],
        "entity_id": [ids.policies[0], ids.customer_ids[0]],
        "quote_number": ids.quotes,
        "policy_number": ids.policies,
        "office_id": ids.office_ids,
        "parent_id": ids.office_ids,
        "customer": [ids.customer_numbers[0], sample_tckn],
        "search": [sample_tckn, ids.customer_numbers[0]],
        "customer_search": [sample_tckn, ids.customer_numbers[0]],
        "code": ["kasko", ids.policies[0]],
        "line_code": ["kasko", "konut"],
        "line": ["kasko", "konut"],
        "fmt": ["csv", "xlsx"],
        "format": ["pdf", "zip"],
        "kind": ["policy", "endorsement"],
        "value": [ids.policies[0], "true"],
        "lang": ["en", ids.policies[0]],
        "email": ["saldirgan@example.com"],
        "name": ["plate", "Saldırgan"],
        "is_open": [False, True],
        "reason": ["forged"],
        "amount": ["100"],
        "method": ["cash", "card"],
        "reference": ["forged"],
        "rate": ["0.5"],
        "user_code": ["acente.a1", "bt.admin"],
        "password": ["Yanlis.Parola.1"],
        "access_code": ["AAAA-BBBB-CCCC"],
        "current": ["Yanlis.Parola.1"],
        "new": ["Yeni.Parola.2026"],
        "repeat": ["Yeni.Parola.2026"],
        "national_id": ids.national_ids,
        "var_name": ["target_path", "signed_in", "language", "status", "claim_free"],
        "role": ["admin", "manager"],
        "view_scope": ["all"],
        "perm:user.manage": ["on"],
        "card_number": ["4111 1111 1111 1111"],
        "cvv": ["123"],
        "expiry": ["12/39"],
        "holder": ["SALDIRGAN"],
        "files": [[FakeUpload()]],
        "path": ["../../../etc/passwd", "lines.csv"],
    }


DATES = {"date_from", "date_to", "day", "effective_from", "valid_from", "start", "end"}
DATES |= {"effective_date", "cancel_date"}


def value_for(name: str, n: int, table: dict[str, list[Any]], ids: Ids) -> Any:
    if name in DATES:
        return ["2026-01-01", "2026-12-31"][n % 2]
    values = table.get(name) or [ids.policies[n % len(ids.policies)]]
    return values[n % len(values)]


GARBAGE: list[Any] = [None, {"$ne": ""}, "../../../../etc/passwd\x00" + "x" * 100_000]


class FakeUpload:
    """An rx.UploadFile as the upload handler reads it."""

    name = "tarife.zip"
    filename = "tarife.zip"

    async def read(self, size: int = -1) -> bytes:
        return b"PK\x03\x04 not a real zip"


def attempts(entry: Entry, ids: Ids) -> list[tuple[str, tuple]]:
    """(label, args): two typed attempts with A's values, then garbage of every kind."""
    table = forged(ids)
    out: list[tuple[str, tuple]] = []

    def build(n: int) -> tuple:
        args = []
        for p in entry.params:
            if p == "form":
                args.append({k: value_for(k, n, table, ids) for k in entry.form})
            else:
                args.append(value_for(p, n, table, ids))
        return tuple(args)

    out += [("typed-0", build(0)), ("typed-1", build(1))]
    if entry.params:
        for g in GARBAGE:
            args = tuple({k: g for k in entry.form} if p == "form" else g for p in entry.params)
            out.append((f"garbage-{type(g).__name__}", args))
        if "form" in entry.params:
            out.append(
                ("form-not-a-dict", tuple("x" if p == "form" else "1" for p in entry.params))
            )
    if entry is SETVAR:  # every setter the state has, and vars that must have none
        out = [(f"setvar-{v}", (v, ids.policies[0])) for v in table["var_name"]]
        out.append(("setvar-huge", ("x" * 10_000, "y")))
    return out


# ------------------------------------------------------------------ where each screen is


def pages(ids: Ids) -> dict[str, tuple[str, dict[str, str]]]:
    """The page (and query) an attacker opens for each screen: naming agency A's record."""
    policy, quote = ids.policies[0], ids.quotes[0]
    return {
        "PolicyDetailState": ("/policeler/detay", {"no": policy}),
        "QuoteDetailState": ("/teklifler/detay", {"no": quote}),
        "CustomerDetailState": ("/musteriler/detay", {"no": ids.customer_numbers[0]}),
        "PolicyFormState": ("/policeler/yeni", {"teklif": quote, "duzenle": ids.drafts[0]}),
        "QuoteFormState": ("/teklifler/yeni", {"revize": quote}),
        "PaymentAttemptsState": ("/odemeler", {"police": policy}),
        "PolicyListState": ("/policeler", {"musteri": ids.customer_numbers[0]}),
        "QuoteListState": ("/teklifler", {"durum": "approved"}),
        "ReportsState": ("/raporlar", {"format": ids.format_ids[0]}),
        "VerifyState": ("/dogrula", {"t": "policy", "n": policy, "k": "", "c": "AAAAAAAA"}),
        "PortalPolicyState": ("/portal/police", {"no": policy}),
        "PortalResultState": ("/portal/odeme/sonuc", {"siparis": "PA1"}),
        "PortalQuoteState": ("/portal/teklif", {"no": quote}),
    }


def poison(ids: Ids) -> dict[str, dict[str, Any]]:
    """A stale screen naming agency A's records (as if an earlier load had shown them): the
    services, not the state's memory, decide. Ids only, never A's names."""
    policy, quote = ids.policies[0], ids.quotes[0]
    customer = {"id": ids.customer_ids[0], "number": ids.customer_numbers[0]}
    return {
        "PolicyDetailState": {
            "policy": {"number": policy, "version": "1"},
            "_pending": {
                "what": "cancellation",
                "cancel_date": "2026-06-01",
                "reason_code": "customer_request",
                "description": "x",
            },
            "_email": {"kind": "policy", "label": policy, "message_id": "1"},
        },
        "QuoteDetailState": {"quote": {"number": quote}},
        "CustomerDetailState": {"customer": customer, "editing": True},
        "PolicyFormState": {"quote_number": quote, "editing": ids.drafts[0], "customer": customer},
        "QuoteFormState": {"revising": quote, "customer": customer},
        "ReportsState": {
            "selected_id": ids.format_ids[0],
            "editor_id": ids.format_ids[0],
            "deleting_id": ids.format_ids[0],
        },
        "CommissionStatementState": {"office_id": ids.office_ids[0]},
        "CommissionRatesState": {"filter_office": ids.office_ids[0]},
        "UsersState": {"selected": {"id": ids.user_ids[0], "active": "1"}},
        "PortalRequestsState": {"rejecting": ids.request_ids[0]},
        "PortalPolicyState": {"number": policy},
    }


# ------------------------------------------------------------------ checks


def own_row(world: World, table: str, row: dict[str, str]) -> bool:
    """Whether a changed row is agency B's own (its user, its office, its session)."""
    b_user, b_office = repr(world.b_user_id), repr(world.b_office_id)
    if table == "app_user":
        return row.get("id") == b_user
    return (
        row.get("office_id") == b_office
        or row.get("owner_user_id") == b_user
        or row.get("user_id") == b_user
        or table == "number_sequence"
    )


def unexpected_changes(world: World, entry: Entry, before: dict, after: dict) -> list[str]:
    wrong = []
    for table, diffs in changes(before, after).items():
        for key, old, new in diffs:
            if table in REFUSAL_TABLES and (table != "audit_event" or old is None):
                continue  # the refusal's own trace (audit rows are only ever added)
            if table in entry.own and all(
                own_row(world, table, r) for r in (old, new) if r is not None
            ):
                continue
            if table == "user_session" and all(
                own_row(world, table, r) for r in (old, new) if r is not None
            ):
                continue  # the attacker's own session: its last-seen time, its sign-out
            wrong.append(f"{table} {key}: {old} -> {new}")
    return wrong


def traces_in(text: str, traces: list[str], allowed: set[str]) -> list[str]:
    wanted = [t for t in traces if t not in allowed]
    if not wanted:
        return []
    return sorted(set(re.findall("|".join(map(re.escape, wanted)), text)))


def inputs_of(args: tuple) -> set[str]:
    found: set[str] = set()
    for a in args:
        if isinstance(a, dict):
            found |= {str(v) for v in a.values()}
        else:
            found.add(str(a))
    return found


def run_attempt(
    world: World, cls: type, name: str, args: tuple, *, signed_in: bool, stale: bool, prepare: bool
) -> Tab:
    ids = world.ids
    tab = Tab(world.b_token if signed_in else None)
    path, query = pages(ids).get(cls.__name__, ("/", {}))
    tab.visit(path, query)
    if issubclass(cls, SessionState):
        tab.call(SessionState, "check_session")
    if prepare and "load" in cls.event_handlers and name != "load":
        tab.call(cls, "load")  # the screen as the attacker opens it
    if stale:
        state = tab.sub(cls)
        for var, value in poison(ids).get(cls.__name__, {}).items():
            object.__setattr__(state, var, value) if var.startswith("_") else setattr(
                state, var, value
            )
    tab.call(cls, name, *args)
    return tab


# ------------------------------------------------------------------ the tests


def test_table_names_every_handler_of_the_app_and_nothing_else():
    missing = sorted(set(HANDLERS) - set(TABLE))
    assert missing == [], f"new handlers without an entry in TABLE ({__file__}): {missing}"
    stale = sorted(set(TABLE) - set(HANDLERS))
    assert stale == [], f"TABLE names handlers that no longer exist: {stale}"
    assert len(HANDLERS) > 200  # the walk found the app's states


@pytest.mark.parametrize("handler", sorted(TABLE))
def test_table_entry_matches_the_handler_signature(handler: str):
    _, cls_name, name = handler.split(".")
    fn = STATES[cls_name].event_handlers[name].fn
    import inspect

    params = tuple(p for p in inspect.signature(fn).parameters if p != "self")
    assert params == TABLE[handler].params, handler
    entry = TABLE[handler]
    assert ("form" in entry.params) == bool(entry.form), handler
    if entry.kind in (PUBLIC, SCREEN):
        assert entry.reason, f"{handler}: say why it needs no session"


def test_only_client_storage_vars_can_be_set_by_the_browser_sync():
    """Reflex's `update_vars_internal` (the LocalStorage sync) sets only client-storage vars:
    the browser cannot mark itself signed in or name the record a screen shows."""
    import asyncio

    from reflex.state import UpdateVarsInternalState

    from iztim_app.states.policy_detail import PolicyDetailState

    root = State(_reflex_internal_init=True)
    session = root.get_substate(SessionState.get_full_name().split("."))
    detail = root.get_substate(PolicyDetailState.get_full_name().split("."))
    sync = root.get_substate(UpdateVarsInternalState.get_full_name().split("."))
    asyncio.run(
        sync.update_vars_internal(
            {
                f"{SessionState.get_full_name()}.signed_in": True,
                f"{SessionState.get_full_name()}.perms": ["user.manage"],
                f"{PolicyDetailState.get_full_name()}.policy": {"number": "1"},
                f"{SessionState.get_full_name()}.lang_pref": "en",
            }
        )
    )
    assert (session.signed_in, session.perms, detail.policy) == (False, [], {})
    assert session.lang_pref == "en"  # the one client-storage var: the control


STALE = "B (stale screen)"
CLIENTS = ("nobody", ATTACKER, STALE)


@pytest.mark.parametrize("handler", HANDLERS)
def test_handler_refuses_nobody_and_agency_b(world: World, world_url: str, handler: str):
    entry = TABLE.get(handler)
    if entry is None:
        pytest.fail(f"{handler} has no entry in TABLE")
    _, cls_name, name = handler.split(".")
    cls = STATES[cls_name]
    before = rows_of(world_url)
    problems: list[str] = []
    for label, args in attempts(entry, world.ids):
        typed = label.startswith(("typed", "setvar"))
        for who in CLIENTS:
            if who == "nobody" and label not in ("typed-0", "setvar-signed_in"):
                continue  # a tab without a session stops at the session check whatever it sends
            if who == STALE and not (typed and cls.__name__ in poison(world.ids)):
                continue
            tab = run_attempt(
                world,
                cls,
                name,
                args,
                signed_in=who != "nobody",
                stale=who == STALE,
                prepare=typed and who != "nobody",
            )
            sent = tab.payload(None if label == "typed-0" else cls)
            traces = world.a_traces if who != "nobody" else world.all_traces
            leaked = traces_in(sent, traces, inputs_of(args))
            if leaked:
                problems.append(f"{who} {label}: sent {leaked[:3]}")
            crashes = [c for c in tab.crashes if not (entry is SETVAR and NO_SETTER in c)]
            if typed and crashes:
                problems.append(f"{who} {label}: crashed {crashes}")
    after = rows_of(world_url)
    problems += unexpected_changes(world, entry, before, after)
    assert problems == [], f"{handler}: " + "\n".join(problems[:12])


def test_the_checks_see_what_they_look_for(world: World, world_url: str):
    """The control: agency A's own user, through the same steps, is sent A's customers (so
    the trace search works), B's tab is signed in, and a change is noticed."""
    from iztim_app.states.policy_detail import PolicyDetailState

    cls = STATES["PolicyDetailState"]
    own = Tab(world.extra["a_token"])
    own.visit(*pages(world.ids)["PolicyDetailState"])
    own.call(SessionState, "check_session")
    own.call(cls, "load")
    assert traces_in(own.payload(), world.a_traces, set()) != []
    b = run_attempt(world, cls, "load", (), signed_in=True, stale=False, prepare=False)
    assert b.sub(SessionState).user_code == ATTACKER
    assert b.sub(PolicyDetailState).error != ""  # refused, not blank
    before = rows_of(world_url)
    own.call(cls, "approve")  # an approved policy: refused too, but audited or not …
    own.call(SessionState, "set_language", "en")  # … this one is A's own change
    wrong = unexpected_changes(
        world, TABLE["session.SessionState.set_language"], before, rows_of(world_url)
    )
    assert any(w.startswith("app_user") for w in wrong)
