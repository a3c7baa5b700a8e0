"""The line's generated form with its customer box, shared by the quote and policy screens.

A mixin: each screen's state keeps its own copy of these vars and defines `_preview` (what
pricing the filled-in form means on that screen) and `_line_tariff`. The events that read
the database (line, customer search and pick, typing) run it in a worker thread, so one
tab's wait never holds up the other tabs of the same worker."""

from __future__ import annotations

from typing import Any

import reflex as rx

from iztim_app.core.customers import services as customers
from iztim_app.core.money import format_try
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels, number_text
from iztim_app.states.session import Outcome


class LineFormState(rx.State, mixin=True):
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
    # The tariff's names for the codes on this screen (LineLabels.data), kept on the server.
    _labels: dict[str, Any] = {}

    # ------------------------------------------------------------ helpers

    def _preview(self) -> Outcome | None:
        """Prices what is filled in so far; `None` when there is not enough to price yet."""
        raise NotImplementedError

    async def _line_tariff(self) -> Outcome:
        """The tariff the line choice reads (off the event loop)."""
        raise NotImplementedError

    async def _repriced(self) -> Outcome | None:
        """`_preview` after a field changes; a screen may price off the event loop."""
        return self._preview()

    def _ready_to_price(self) -> bool:
        return bool(
            self.line_code and self.customer.get("id") and self.sum_insured and self.start_date
        )

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

    def _show_price(self, net, taxes, gross, steps, needs_approval: bool) -> None:  # noqa: ANN001
        self.price_rows = [{"label": self._text("quote.net"), "amount": format_try(net)}]
        self.price_rows += [
            {"label": code, "amount": format_try(amount)} for code, amount in taxes.items()
        ]
        self.price_rows.append({"label": self._text("quote.gross"), "amount": format_try(gross)})
        self.worksheet = explain(steps, self.lang_pref, self._names())
        self.needs_approval = needs_approval

    def _names(self) -> LineLabels:
        return LineLabels(self.lang_pref, self._labels)

    def _customer_dict(self, c: Any) -> dict[str, str]:
        return {
            "id": str(c.id),
            "number": str(c.number),
            "name": c.name,
            "national_id": c.national_id_display,
            "group": self._names().group(c.customer_group),
            "kind": self._text(f"kind.{c.kind}"),
        }

    def _set_tariff_options(self, tariff) -> None:  # noqa: ANN001
        lang = self.lang_pref
        self.line_options = [[code, lt.line.name(lang)] for code, lt in tariff.lines.items()]
        self.group_options = [[code, g.name(lang)] for code, g in tariff.customer_groups.items()]
        self._labels = LineLabels.of(tariff, None, lang).data

    # ------------------------------------------------------------ events

    @rx.event
    async def choose_line(self, code: str):
        code = str(code)
        found = await self._line_tariff()
        if not found.ok or code not in found.value.lines:
            self.line_code, self.fields, self.choices, self.values = "", [], {}, {}
            self._report(found)
            return
        self.line_code = code
        self.values = {}
        self._line_form(found.value, code)
        self.form_key += 1
        self._report(found, await self._repriced())

    @rx.event
    async def set_value(self, name: str, value: str):
        name = str(name)
        if name in self.values:
            self.values = {**self.values, name: str(value)[:200]}
            self._report(await self._repriced())

    @rx.event
    async def set_sum_insured(self, value: str):
        self.sum_insured = str(value)[:30]
        self._report(await self._repriced())

    @rx.event
    async def set_start(self, value: str):
        self.start_date = str(value)[:10]
        self._report(await self._repriced())

    @rx.event
    async def set_end(self, value: str):
        self.end_date = str(value)[:10]
        self._report(await self._repriced())

    @rx.event
    async def search_customers(self, form: dict):
        term = str(form.get("customer_search", ""))[:100]
        await self._act_in_thread(
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
    async def pick_customer(self, customer_id: str):
        await self._act_in_thread(
            customers.get_customer, customer_id=str(customer_id), then=self._picked
        )

    async def _picked(self, c) -> Outcome | None:  # noqa: ANN001
        self.customer = self._customer_dict(c)
        self.customer_results = []
        return await self._repriced()

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


def _bounds(low, high, kind: str) -> str:  # noqa: ANN001
    """`1990 – 2027` for a model year: numbers print by the field's type, never like money."""
    if low is None and high is None:
        return ""
    low_text = "" if low is None else number_text(low, kind)
    high_text = "" if high is None else number_text(high, kind)
    return f"{low_text} – {high_text}"
