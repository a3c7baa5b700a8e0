"""Yeni teklif: the line's form generated from its fields.csv, live price, save.

Also the revision screen: `?revize=N` opens a copy of quote N; saving gives a new number.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.customers import services as customers
from iztim_app.core.money import format_number, format_try
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels, number_text
from iztim_app.states.session import AppState, Outcome

PREVIEW_FIELDS = ("line", "customer", "sum_insured", "start_date", "end_date")


class QuoteFormState(AppState):
    line_options: list[list[str]] = []
    line_code: str = ""
    fields: list[dict[str, str]] = []
    choices: dict[str, list[list[str]]] = {}
    values: dict[str, str] = {}
    sum_insured: str = ""
    start_date: str = ""
    end_date: str = ""
    form_key: int = 0

    customer: dict[str, str] = {}
    customer_results: list[dict[str, str]] = []
    show_new_customer: bool = False
    group_options: list[list[str]] = []
    new_customer_key: int = 0

    price_rows: list[dict[str, str]] = []
    worksheet: list[dict[str, str]] = []
    needs_approval: bool = False
    revising: str = ""
    saving: bool = False
    # The tariff's names for the codes on this screen (LineLabels.data), kept on the server.
    _labels: dict[str, Any] = {}

    # ------------------------------------------------------------ helpers

    def _line_form(self, tariff, code: str) -> None:  # noqa: ANN001
        lang = self.lang_pref
        line = tariff.lines[code]
        self.fields = [
            {
                "name": f.name,
                "label": f.label(lang),
                "type": f.type,
                "required": "1" if f.required else "",
                "help": (f.help_en if lang == "en" else f.help_tr) or "",
                "bounds": _bounds(f.min, f.max, f.type),
            }
            for f in line.fields
        ]
        self.choices = {
            f.name: [[c.value, c.label(lang)] for c in line.choices_for(f.name)]
            for f in line.fields
            if f.type == "choice"
        }
        self.values = {f.name: self.values.get(f.name, "") for f in line.fields}
        self._labels = LineLabels.of(tariff, code, lang).data

    def _preview(self) -> Outcome | None:
        """Prices what is filled in so far; `None` when there is not enough to price yet."""
        self.price_rows, self.worksheet = [], []
        if not (
            self.line_code and self.customer.get("id") and self.sum_insured and self.start_date
        ):
            return None
        found = self._call(quotes.preview, self._input()).quietly()
        if not found.ok:
            return found
        result = found.value
        self.price_rows = [
            {"label": self._text("quote.net"), "amount": format_try(result.net_premium)}
        ]
        self.price_rows += [
            {"label": code, "amount": format_try(amount)} for code, amount in result.taxes.items()
        ]
        self.price_rows.append(
            {"label": self._text("quote.gross"), "amount": format_try(result.gross_premium)}
        )
        self.worksheet = explain(result.worksheet, self.lang_pref, self._names())
        self.needs_approval = result.needs_approval
        return found

    def _names(self) -> LineLabels:
        return LineLabels(self.lang_pref, self._labels)

    def _input(self) -> quotes.QuoteInput:
        return quotes.QuoteInput(
            line_code=self.line_code,
            customer_id=self.customer.get("id"),
            sum_insured=self.sum_insured,
            start_date=self.start_date,
            end_date=self.end_date or None,
            values=dict(self.values),
        )

    def _customer_dict(self, c: Any) -> dict[str, str]:
        return {
            "id": str(c.id),
            "number": str(c.number),
            "name": c.name,
            "national_id": c.national_id_display,
            "group": self._names().group(c.customer_group),
            "kind": self._text(f"kind.{c.kind}"),
        }

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
        lang = self.lang_pref
        priced = None
        self.start_date = clock.today().isoformat()
        self.line_options = [[code, lt.line.name(lang)] for code, lt in tariff.lines.items()]
        self.group_options = [[code, g.name(lang)] for code, g in tariff.customer_groups.items()]
        self._labels = LineLabels.of(tariff, None, lang).data
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
    def choose_line(self, code: str):
        code = str(code)
        found = self._call(lambda db, actor: versions.tariff_in_force(db)[1])
        if not found.ok or code not in found.value.lines:
            self.line_code, self.fields, self.choices, self.values = "", [], {}, {}
            self._report(found)
            return
        self.line_code = code
        self.values = {}
        self._line_form(found.value, code)
        self.form_key += 1
        self._report(found, self._preview())

    @rx.event
    def set_value(self, name: str, value: str):
        name = str(name)
        if name in self.values:
            self.values = {**self.values, name: str(value)[:200]}
            self._report(self._preview())

    @rx.event
    def set_sum_insured(self, value: str):
        self.sum_insured = str(value)[:30]
        self._report(self._preview())

    @rx.event
    def set_start(self, value: str):
        self.start_date = str(value)[:10]
        self._report(self._preview())

    @rx.event
    def set_end(self, value: str):
        self.end_date = str(value)[:10]
        self._report(self._preview())

    @rx.event
    def search_customers(self, form: dict):
        term = str(form.get("customer_search", ""))[:100]
        self._act(
            customers.find_customers,
            term,
            1,
            10,
            then=self._show_results,
            done=lambda page: None if page.rows else self._text("common.no_rows"),
        )

    def _show_results(self, page) -> None:  # noqa: ANN001
        self.customer_results = [self._customer_dict(c) for c in page.rows]

    @rx.event
    def pick_customer(self, customer_id: str):
        self._act(customers.get_customer, customer_id=str(customer_id), then=self._picked)

    def _picked(self, c) -> Outcome | None:  # noqa: ANN001
        self.customer = self._customer_dict(c)
        self.customer_results = []
        return self._preview()

    @rx.event
    def toggle_new_customer(self):
        self.show_new_customer = not self.show_new_customer

    @rx.event
    def create_customer(self, form: dict):
        self._act(
            customers.create_customer,
            kind=str(form.get("kind", "")),
            national_id=str(form.get("national_id", "")),
            name=str(form.get("name", "")),
            tax_office=str(form.get("tax_office", "")),
            customer_group=str(form.get("customer_group", "")),
            address=str(form.get("address", "")),
            phone=str(form.get("phone", "")),
            email=str(form.get("email", "")),
            then=self._customer_created,
        )

    def _customer_created(self, c) -> Outcome | None:  # noqa: ANN001
        self.customer = self._customer_dict(c)
        self.show_new_customer = False
        self.new_customer_key += 1
        return self._preview()

    @rx.event
    def save(self):
        saved = self._act(quotes.save_quote, self._input(), revises=self.revising or None)
        if saved.ok:
            return rx.redirect(f"/teklifler/detay?no={saved.value.number}&kaydedildi=1")


def _bounds(low, high, kind: str) -> str:  # noqa: ANN001
    """`1990 – 2027` for a model year: numbers print by the field's type, never like money."""
    if low is None and high is None:
        return ""
    low_text = "" if low is None else number_text(low, kind)
    high_text = "" if high is None else number_text(high, kind)
    return f"{low_text} – {high_text}"
