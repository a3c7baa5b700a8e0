"""Yeni teklif: the line's form generated from its fields.csv, live price, save.

Also the revision screen: `?revize=N` opens a copy of quote N; saving gives a new number.
The form and its customer box are `LineFormState`'s, shared with the policy form.
"""

from __future__ import annotations

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.customers import services as customers
from iztim_app.core.money import format_number
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs import versions
from iztim_app.states.line_form import LineFormState
from iztim_app.states.session import AppState, Outcome


def _tariff_in_force(db, actor):  # noqa: ANN001, ANN202, ARG001
    return versions.tariff_in_force(db)[1]


class QuoteFormState(LineFormState, AppState):
    revising: str = ""
    saving: bool = False

    # ------------------------------------------------------------ helpers

    async def _line_tariff(self) -> Outcome:
        return await self._call_in_thread(_tariff_in_force)

    def _preview(self) -> Outcome | None:
        """Prices what is filled in so far; `None` when there is not enough to price yet."""
        self.price_rows, self.worksheet = [], []
        if not self._ready_to_price():
            return None
        return self._priced(self._call(quotes.preview, self._input()))

    async def _repriced(self) -> Outcome | None:
        """`_preview` with the pricing in a worker thread (typing in a field prices often)."""
        self.price_rows, self.worksheet = [], []
        if not self._ready_to_price():
            return None
        return self._priced(await self._call_in_thread(quotes.preview, self._input()))

    def _priced(self, found: Outcome) -> Outcome:
        found = found.quietly()
        if found.ok:
            r = found.value
            self._show_price(r.net_premium, r.taxes, r.gross_premium, r.worksheet, r.needs_approval)
        return found

    def _input(self) -> quotes.QuoteInput:
        return quotes.QuoteInput(
            line_code=self.line_code,
            customer_id=self.customer.get("id"),
            sum_insured=self.sum_insured,
            start_date=self.start_date,
            end_date=self.end_date or None,
            values=dict(self.values),
        )

    # ------------------------------------------------------------ events

    @rx.event
    def load(self):
        self._fresh_screen()
        self.revising = str(self.router.url.query_parameters.get("revize", ""))[:20]
        revising = self.revising

        def _setup(db, actor):  # noqa: ANN001
            actor.require("quote.create")
            _, tariff = versions.tariff_in_force(db)
            view = quotes.get_quote(db, actor, revising) if revising else None
            customer = (
                customers.get_customer(db, actor, customer_id=view.customer_id) if view else None
            )
            return tariff, view, customer

        self._act(_setup, then=self._set_up, done=self._revising_text)

    def _revising_text(self, found) -> str | None:  # noqa: ANN001
        view = found[1]
        return self._text("quote.revising", number=view.number) if view is not None else None

    def _set_up(self, found) -> Outcome | None:  # noqa: ANN001
        tariff, view, customer = found
        priced = None
        self.start_date = clock.today().isoformat()
        self._set_tariff_options(tariff)
        if view is not None:
            self.line_code = view.line_code
            self.values = {k: str(v) for k, v in view.values.items()}
            self._line_form(tariff, view.line_code)
            self.sum_insured = format_number(view.sum_insured)
            self.start_date = view.start_date.isoformat()
            self.end_date = view.end_date.isoformat()
            self.customer = self._customer_dict(customer)
            priced = self._preview()
        self.form_key += 1
        return priced

    @rx.event
    async def save(self):
        saved = await self._call_in_thread(
            quotes.save_quote, self._input(), revises=self.revising or None
        )
        self._report(saved)
        if saved.ok:
            return rx.redirect(f"/teklifler/detay?no={saved.value.number}&kaydedildi=1")
