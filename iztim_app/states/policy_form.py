"""Yeni poliçe: from an approved quote (its number fills the form) or directly on the line's
generated form; then the start date and installments, a preview of the policy as it will
print, and "Onaylamak istiyor musunuz?" before it is saved with a number.

`?teklif=N` starts from quote N. Also the draft editor: `?duzenle=N` opens the draft
version of policy N (after an un-approval); saving re-prices it on the policy's own tariff
version."""

from __future__ import annotations

from typing import Any

import reflex as rx

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.customers import services as customers
from iztim_app.core.money import format_number, format_try
from iztim_app.core.policies import services as policies
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs import versions
from iztim_app.states.line_form import LineFormState
from iztim_app.states.session import AppState, Outcome

MAX_NUMBER = 20


class PolicyFormState(LineFormState, AppState):
    quote_number: str = ""  # the quote this policy comes from ("" = issued directly)
    editing: str = ""  # the policy number whose draft is edited
    installment_count: str = "1"
    installment_options: list[str] = ["1"]
    installments: list[dict[str, str]] = []
    confirming: bool = False
    printed: dict[str, str] = {}  # the preview as it will print
    printed_values: list[dict[str, str]] = []
    quote_key: int = 0
    # Pinned tariff version (a quote's or the edited policy's), kept on the server.
    _version_id: int = 0

    # ------------------------------------------------------------ helpers

    async def _line_tariff(self) -> Outcome:
        version_id = self._version_id

        def _tariff(db, actor):  # noqa: ANN001
            if version_id:
                return versions.tariff_set_of(db.get(versions.TariffVersion, version_id))
            return versions.tariff_in_force(db)[1]

        return await self._call_in_thread(_tariff)

    def _line_form(self, tariff, code: str) -> None:  # noqa: ANN001
        super()._line_form(tariff, code)
        top = max(1, int(tariff.lines[code].line.max_installments or 1))
        self.installment_options = [str(n) for n in range(1, top + 1)]
        if self.installment_count not in self.installment_options:
            self.installment_count = "1"

    def _input(self) -> policies.PolicyInput:
        return policies.PolicyInput(
            line_code=self.line_code,
            customer_id=self.customer.get("id"),
            sum_insured=self.sum_insured,
            start_date=self.start_date,
            end_date=self.end_date or None,
            values=dict(self.values),
            installment_count=self.installment_count,
            quote_number=self.quote_number or None,
        )

    def _preview(self) -> Outcome | None:
        """Prices what is filled in so far (no number used); `None` when not enough yet."""
        if not self._start_pricing():
            return None
        return self._priced(self._call(policies.preview, self._input(), draft=self.editing or None))

    async def _repriced(self) -> Outcome | None:
        """`_preview` with the pricing in a worker thread (typing in a field prices often)."""
        if not self._start_pricing():
            return None
        return self._priced(
            await self._call_in_thread(policies.preview, self._input(), draft=self.editing or None)
        )

    def _start_pricing(self) -> bool:
        """Clears the last price and preview; True when the form holds enough to price."""
        self.price_rows, self.worksheet, self.installments = [], [], []
        self.confirming, self.printed, self.printed_values = False, {}, []
        return self._ready_to_price()

    def _priced(self, found: Outcome) -> Outcome:
        found = found.quietly()
        if not found.ok:
            return found
        p = found.value
        self._show_price(p.net_premium, p.taxes, p.gross_premium, p.worksheet, p.needs_approval)
        self.installments = [
            {
                "seq": str(i.seq),
                "due_date": clock.format_date(i.due_date),
                "amount": format_try(i.amount),
            }
            for i in p.installments
        ]
        return found

    def _printed(self, p: policies.PolicyPreview) -> None:
        """The preview as the policy will print: its data, values in words and figures."""
        lang = self.lang_pref
        names = self._names()
        self.printed = {
            "line": next((n for c, n in self.line_options if c == p.line_code), p.line_code),
            "customer": f"{p.customer_name} ({p.customer_number})",
            "customer_group": names.group(p.customer_group),
            "sum_insured": format_try(p.sum_insured),
            "period": i18n.translate(
                "quote.term_value",
                lang,
                start=clock.format_date(p.start_date),
                end=clock.format_date(p.end_date),
                days=p.days,
            ),
            "net": format_try(p.net_premium),
            "gross": format_try(p.gross_premium),
            "installment_count": str(p.installment_count),
            "quote_number": str(p.quote_number or ""),
            "tariff_version": str(p.tariff_version),
            "needs_approval": "1" if p.needs_approval else "",
        }
        self.printed_values = [
            {"label": f["label"], "value": self._value_text(f, p.values.get(f["name"], ""))}
            for f in self.fields
            if str(p.values.get(f["name"], "")) != ""
        ]

    def _value_text(self, f: dict[str, str], raw: Any) -> str:
        raw = str(raw)
        if f["type"] == "choice":
            return next((t for v, t in self.choices.get(f["name"], []) if v == raw), raw)
        if f["type"] == "boolean":
            return self._text("common.yes" if raw == "yes" else "common.no")
        return raw

    def _fill(self, tariff, inp: policies.PolicyInput, customer) -> Outcome | None:  # noqa: ANN001
        """The form shows `inp` (a quote's or a draft's data) on `tariff`."""
        self._set_tariff_options(tariff)
        self.line_code = inp.line_code
        self.values = {k: str(v) for k, v in inp.values.items()}
        self._line_form(tariff, inp.line_code)
        self.sum_insured = format_number(inp.sum_insured)
        self.start_date = str(inp.start_date)
        self.end_date = str(inp.end_date or "")
        self.installment_count = str(inp.installment_count)
        self.customer = self._customer_dict(customer)
        self.form_key += 1
        return self._preview()

    # ------------------------------------------------------------ events

    @rx.event
    def load(self):
        self._fresh_screen()
        self.editing = str(self.router.url.query_parameters.get("duzenle", ""))[:MAX_NUMBER]
        editing = self.editing

        def _setup(db, actor):  # noqa: ANN001
            actor.require("policy.issue")
            _, tariff = versions.tariff_in_force(db)
            if not editing:
                return tariff, None, None, None
            view = policies.get_policy(db, actor, editing)
            pinned = versions.tariff_set_of(db.get(versions.TariffVersion, view.tariff_version_id))
            customer = customers.get_customer(db, actor, customer_id=view.customer_id)
            return pinned, view, customer, view.tariff_version_id

        set_up = self._act(_setup, then=self._set_up, done=self._editing_text)
        # A quote's page links here with its number (`?teklif=`): the form starts from it.
        quote = str(self.router.url.query_parameters.get("teklif", "")).strip()[:MAX_NUMBER]
        if set_up.ok and quote and not editing:
            self._use_quote(quote)

    def _editing_text(self, found) -> str | None:  # noqa: ANN001
        view = found[1]
        return self._text("pol.editing", number=view.number) if view is not None else None

    def _set_up(self, found) -> Outcome | None:  # noqa: ANN001
        tariff, view, customer, version_id = found
        self.start_date = clock.today().isoformat()
        self._set_tariff_options(tariff)
        if view is None:
            return None
        self._version_id = version_id
        inp = policies.PolicyInput(
            line_code=view.line_code,
            customer_id=view.customer_id,
            sum_insured=view.sum_insured,
            start_date=view.start_date.isoformat(),
            end_date=view.end_date.isoformat(),
            values=dict(view.values),
            installment_count=view.installment_count,
        )
        return self._fill(tariff, inp, customer)

    @rx.event
    def use_quote(self, form: dict):
        """Fills the form from an approved, unexpired quote (unknown, out of scope and
        unusable numbers all get the one message)."""
        if self.editing:
            return
        self._use_quote(str(form.get("quote_number", "")).strip()[:MAX_NUMBER])

    def _use_quote(self, number: str) -> None:
        def _from(db, actor):  # noqa: ANN001
            inp = policies.from_quote(db, actor, number)
            view = quotes.get_quote(db, actor, inp.quote_number)
            tariff = versions.tariff_set_of(db.get(versions.TariffVersion, view.tariff_version_id))
            customer = customers.get_customer(db, actor, customer_id=view.customer_id)
            return inp, tariff, customer, view.tariff_version_id

        found = self._call(_from)
        followed = None
        if found.ok:
            inp, tariff, customer, version_id = found.value
            self.quote_number = str(inp.quote_number)
            self._version_id = version_id
            self.customer_results, self.show_new_customer = [], False
            followed = self._fill(tariff, inp, customer)
        self._report(
            found, followed, done=lambda _: self._text("pol.from_quote_filled", number=number)
        )

    @rx.event
    def issue_directly(self):
        """Leaves the quote: an empty form on the tariff in force."""
        if self.editing:
            return
        self._fresh_screen()
        self.quote_key += 1
        self._act(
            lambda db, actor: versions.tariff_in_force(db)[1],
            then=self._direct,
        )

    def _direct(self, tariff) -> None:  # noqa: ANN001
        self.start_date = clock.today().isoformat()
        self._set_tariff_options(tariff)
        self.form_key += 1

    @rx.event
    def set_installments(self, value: str):
        value = str(value)[:3]
        if value in self.installment_options:
            self.installment_count = value
            self._report(self._preview())

    @rx.event
    def show_preview(self):
        """Önizle: the finished policy as it will print, then the question."""
        found = self._call(policies.preview, self._input(), draft=self.editing or None)
        if found.ok:
            self._printed(found.value)
            self.confirming = True
        self._report(found)

    @rx.event
    def cancel_confirm(self):
        self.confirming = False
        self._clear_messages()

    @rx.event
    def confirm(self):
        """Evet: saved with the next number; within the limit approved, else awaiting."""
        if not self.confirming:
            return
        self.confirming = False
        if self.editing:
            saved = self._act(
                policies.update_draft,
                self.editing,
                self._input(),
                done=lambda v: self._text("pol.draft_saved", number=v.number),
            )
            if saved.ok:
                return rx.redirect(f"/policeler/detay?no={saved.value.number}&taslak=1")
            return
        saved = self._act(
            policies.issue,
            self._input(),
            done=lambda r: self._text(r.message, number=r.policy.number),
        )
        if saved.ok:
            return rx.redirect(f"/policeler/detay?no={saved.value.policy.number}&kaydedildi=1")
