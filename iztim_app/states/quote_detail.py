"""One quote by number: its data, price, worksheet, approval trail and actions."""

from __future__ import annotations

import reflex as rx

from iztim_app.core.lines import known_lines
from iztim_app.core.outbox import services as outbox
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs import versions
from iztim_app.states.quote_views import taxes_rows, view_dict, worksheet_rows
from iztim_app.states.session import AppState


class QuoteDetailState(AppState):
    quote: dict[str, str] = {}
    values: list[dict[str, str]] = []
    taxes: list[dict[str, str]] = []
    worksheet: list[dict[str, str]] = []
    can_decide: bool = False

    def _show(self, number: str) -> None:
        lang = self.lang_pref

        def _get(db, actor):  # noqa: ANN001
            view = quotes.get_quote(db, actor, number)
            lines = known_lines(db)
            rows = quotes.field_rows(db, view, lang)
            tariff = versions.tariff_set_of(db.get(versions.TariffVersion, view.tariff_version_id))
            groups = {code: g.name(lang) for code, g in tariff.customer_groups.items()}
            can_decide = (
                view.status == "awaiting_approval"
                and actor.can("quote.approve")
                and (actor.quote_limit(view.line_code) or -1) >= view.sum_insured
            )
            return view, {c: li.name(lang) for c, li in lines.items()}, groups, rows, can_decide

        # Nothing of a quote shown before may stay when this one cannot be shown.
        self.quote, self.values, self.taxes, self.worksheet, self.can_decide = {}, [], [], [], False
        ok, found = self._call(_get)
        if not ok:
            return
        view, names, groups, rows, can_decide = found
        self.quote = view_dict(view, lang, names, groups)
        self.values = [{"label": label, "value": value} for label, value in rows]
        self.taxes = taxes_rows(view)
        self.worksheet = worksheet_rows(view.worksheet, lang)
        self.can_decide = can_decide

    @rx.event
    def load(self):
        self._fresh_screen()
        params = self.router.url.query_parameters
        self._show(str(params.get("no", ""))[:20])
        if self.quote and params.get("kaydedildi"):
            key = "quote.saved_awaiting" if self.quote.get("awaiting") else "quote.saved_approved"
            self.message = self._text(key, number=self.quote["number"])

    @rx.event
    def approve(self):
        number = self.quote.get("number", "")
        ok, view = self._call(quotes.approve, number)
        refused = self.error  # _show's own call clears messages: keep why approving failed
        self._show(number)
        if ok:
            self.message = self._text("quote.approved_msg", number=view.number)
        elif refused and not self.error:
            self.error = refused

    @rx.event
    def reject(self, form: dict):
        number = self.quote.get("number", "")
        reason = str(form.get("reason", ""))[:400]
        ok, view = self._call(quotes.reject, number, reason)
        if ok:
            self._show(number)
            self.message = self._text("quote.rejected_msg", number=view.number)

    @rx.event
    def print_pdf(self):
        ok, printed = self._call(
            quotes.quote_document, self.quote.get("number", ""), self.lang_pref
        )
        if ok:
            return rx.download(
                data=printed.content, filename=printed.filename, mime_type="application/pdf"
            )

    @rx.event
    def send_email(self, form: dict):
        number = self.quote.get("number", "")
        email = str(form.get("email", ""))[:200]
        ok, result = self._call(outbox.send_quote, number, email, self.lang_pref)
        if not ok:
            return
        text = self._text(f"outbox.{result.status}", number=result.number, email=result.recipient)
        if result.status == "failed":
            self.error = text
        else:
            self.message = text

    @rx.event
    def revise(self):
        return rx.redirect(f"/teklifler/yeni?revize={self.quote.get('number', '')}")
