"""Ödemeler (staff): every card payment attempt with its result, and the failed 3D Secure
attempts with the bank's reason listed separately, each paged on the server.

The service (`payments.list_attempts`) checks the permission and the scope of each
attempt's policy; the screen only shows its rows as plain strings. No card data exists to
show: an attempt keeps the last four digits and the provider's transaction id only.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.money import format_try
from iztim_app.core.paging import Page
from iztim_app.core.payments import services as payments
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 25
FAILED_PAGE_SIZE = 10
STATUSES = ("started", "abandoned", "approved", "declined", "auth_failed", "failed", "review")
MAX_FILTER = 32


def _provider_code(code: str | None) -> str:
    """The provider's own error code (e.g. iyzico's `errorCode`); our own message keys
    ("payment.result_declined") say no more than the result beside them, so they are not
    shown as codes."""
    code = code or ""
    return "" if code in i18n.CATALOGUE else code


def row_dict(row: Any, lang: str) -> dict[str, str]:
    """One attempt as the table shows it (an `AttemptRow`)."""
    status = str(row.status)
    return {
        "order_id": row.order_id,
        "at": clock.format_date(row.created_at),
        "customer": row.customer_name or "",
        "policy": str(row.policy_number or ""),
        "installments": ", ".join(str(s) for s in row.installment_seqs),
        "amount": format_try(row.amount),
        "card": f"**** {row.card_last4}" if row.card_last4 else "",
        "status": status,
        "status_text": i18n.translate(f"pscr.status.{status}", lang),
        "reason": row.bank_reason or "",
        "reason_code": _provider_code(row.reason_code),
        "md_status": row.md_status or "",
        "transaction_id": row.transaction_id or "",
    }


class PaymentAttemptsState(PagedList, AppState):
    """`page`/`pages`/`total` (PagedList) belong to the list of all attempts; the failed 3D
    list has its own `failed_*` pager. The filters (result, policy number) are the form's;
    the policy number narrows both lists, so a customer's call is answered on one screen."""

    filters: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    failed_rows: list[dict[str, str]] = []
    failed_page: int = 1
    failed_pages: int = 1
    failed_total: int = 0

    def _list(self, *, failed: bool) -> Outcome:
        f, lang = self.filters, self.lang_pref
        found = self._call(
            payments.list_attempts,
            failed_3d_only=failed,
            status="" if failed else f.get("status", ""),
            policy_number=f.get("policy_number", ""),
            page=self.failed_page if failed else self.page,
            size=FAILED_PAGE_SIZE if failed else PAGE_SIZE,
        )
        if not found.ok:
            if failed:
                self.failed_rows = []
            else:
                self.rows = []
            return found
        result: Page = found.value
        shown = [row_dict(r, lang) for r in result.rows]
        if failed:
            self.failed_rows = shown
            self.failed_page, self.failed_pages = result.page, result.pages
            self.failed_total = result.total
        else:
            self.rows = shown
            self._set_pager(result)
        return found

    def _fetch(self) -> Outcome:
        return self._list(failed=False)

    def _fetch_both(self) -> Outcome:
        everything = self._list(failed=False)
        if not everything.ok:
            self.failed_rows = []
            return everything
        return self._list(failed=True)

    @rx.event
    def load(self):
        self._fresh_screen()
        # A link from a policy opens its attempts: /odemeler?police=N
        number = str(self.router.url.query_parameters.get("police", ""))[:MAX_FILTER]
        if number:
            self.filters = {"policy_number": number}
        self._report(self._fetch_both())

    @rx.event
    def apply(self, form: dict):
        status = str(form.get("status", "") or "")
        self.filters = {
            "status": status if status in STATUSES else "",
            "policy_number": str(form.get("policy_number", "") or "").strip()[:MAX_FILTER],
        }
        self.page = self.failed_page = 1
        self._report(self._fetch_both())

    @rx.event
    def failed_next_page(self):
        if self.failed_page < self.failed_pages:
            self.failed_page += 1
            self._report(self._list(failed=True))

    @rx.event
    def failed_prev_page(self):
        if self.failed_page > 1:
            self.failed_page -= 1
            self._report(self._list(failed=True))
