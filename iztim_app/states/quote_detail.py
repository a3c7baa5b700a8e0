"""One quote by number: its data, price, worksheet, approval trail and actions."""

from __future__ import annotations

import reflex as rx

from iztim_app.core.lines import known_lines
from iztim_app.core.quotes import rules
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.states.document_actions import DocumentActions, deliver_and_wait
from iztim_app.states.quote_views import taxes_rows, view_dict, worksheet_rows
from iztim_app.states.session import AppState, Outcome

__all__ = ["QuoteDetailState", "deliver_and_wait"]


class QuoteDetailState(DocumentActions, AppState):
    quote: dict[str, str] = {}
    values: list[dict[str, str]] = []
    taxes: list[dict[str, str]] = []
    worksheet: list[dict[str, str]] = []
    can_decide: bool = False
    # approved, unexpired, not yet a policy, and the user issues policies
    can_convert: bool = False

    def _show(self, number: str) -> Outcome:
        """Shows quote `number` as it is now (or nothing) and returns how reading it went."""
        lang = self.lang_pref

        def _get(db, actor):  # noqa: ANN001
            view = quotes.get_quote(db, actor, number)
            lines = known_lines(db)
            rows = quotes.field_rows(db, view, lang)
            tariff = versions.tariff_set_of(db.get(versions.TariffVersion, view.tariff_version_id))
            labels = LineLabels.of(tariff, view.line_code, lang)  # as it was priced
            can_decide = (
                view.status == "awaiting_approval"
                and actor.can("quote.approve")
                and rules.within_limit(actor.quote_limit(view.line_code), view.sum_insured)
            )
            can_convert = (
                view.can_print and view.policy_number is None and actor.can("policy.issue")
            )
            return (
                view,
                {c: li.name(lang) for c, li in lines.items()},
                labels,
                rows,
                can_decide,
                can_convert,
            )

        # Nothing of a quote shown before may stay when this one cannot be shown.
        self.quote, self.values, self.taxes, self.worksheet, self.can_decide = {}, [], [], [], False
        self.can_convert = False
        found = self._call(_get)
        if not found.ok:
            return found
        view, names, labels, rows, can_decide, can_convert = found.value
        self.quote = view_dict(view, lang, names, labels.data["groups"])
        self.values = [{"label": label, "value": value} for label, value in rows]
        self.taxes = taxes_rows(view)
        self.worksheet = worksheet_rows(view.worksheet, lang, labels)
        self.can_decide = can_decide
        self.can_convert = can_convert
        self._customer_email = view.customer_email
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        params = self.router.url.query_parameters
        saved = bool(params.get("kaydedildi"))
        self._report(
            self._show(str(params.get("no", ""))[:20]), done=self._saved_text if saved else None
        )

    def _saved_text(self, _) -> str:  # noqa: ANN001
        key = "quote.saved_awaiting" if self.quote.get("awaiting") else "quote.saved_approved"
        return self._text(key, number=self.quote["number"])

    @rx.event
    def approve(self):
        number = self.quote.get("number", "")
        # Refused or not, the quote is shown as it now is (someone may have decided it).
        self._act(
            quotes.approve,
            number,
            then=lambda _: self._show(number),
            then_after_refusal=True,
            done=lambda view: self._text("quote.approved_msg", number=view.number),
        )

    @rx.event
    def reject(self, form: dict):
        number = self.quote.get("number", "")
        reason = str(form.get("reason", ""))[:400]
        self._act(
            quotes.reject,
            number,
            reason,
            then=lambda _: self._show(number),
            done=lambda view: self._text("quote.rejected_msg", number=view.number),
        )

    @rx.event
    def print_pdf(self):
        return self._print("quote")

    def _document_ref(self, kind: str, seq: str) -> str | None:
        number = self.quote.get("number", "")
        return number if kind == "quote" and number else None

    def _main_kind(self) -> str:
        return "quote"

    def _on_screen(self, email: dict[str, str]) -> bool:
        return email.get("kind") == "quote" and self.quote.get("number") == email.get("label")

    @rx.event
    def revise(self):
        return rx.redirect(f"/teklifler/yeni?revize={self.quote.get('number', '')}")
