"""One customer by number: identity, contact data (editable), the same person in other
portfolios (for head office), and their quotes, paged on the server."""

from __future__ import annotations

import reflex as rx

from iztim_app.core.customers import services as customers
from iztim_app.core.lines import known_lines
from iztim_app.core.paging import Page
from iztim_app.core.policies import services as policies
from iztim_app.core.quotes import services as quotes
from iztim_app.states import policy_views, quote_views
from iztim_app.states.customer_views import group_names, row_dict, view_dict
from iztim_app.states.session import AppState, Outcome, PagedList

QUOTES_PAGE_SIZE = 10
POLICIES_SHOWN = 20
MAX_NUMBER = 20


class CustomerDetailState(PagedList, AppState):
    customer: dict[str, str] = {}
    same_person: list[dict[str, str]] = []
    quotes: list[dict[str, str]] = []
    policies: list[dict[str, str]] = []
    policies_total: int = 0
    can_edit: bool = False
    editing: bool = False
    edit_key: int = 0  # remounts the contact form with the saved values

    # ------------------------------------------------------------ helpers

    def _clear(self) -> None:
        """Nothing of a customer shown before may stay when this one cannot be shown."""
        self.customer, self.same_person, self.quotes = {}, [], []
        self.policies, self.policies_total = [], 0
        self.can_edit = self.editing = False
        self._set_pager(Page())

    def _show(self, number: str) -> Outcome:
        lang = self.lang_pref

        def _get(db, actor):  # noqa: ANN001
            page = customers.customer_page(db, actor, number)
            found = quotes.customer_quotes(db, actor, number, 1, QUOTES_PAGE_SIZE)
            held = (
                policies.customer_policies(db, actor, number, 1, POLICIES_SHOWN)
                if actor.can("policy.view") or actor.can("policy.issue")
                else Page()
            )
            return page, found, group_names(db, lang), known_lines(db), held

        self._clear()
        found = self._call(_get)
        if not found.ok:
            return found
        page, quote_page, groups, lines, held = found.value
        self.customer = view_dict(page.customer, lang, groups)
        self.same_person = [row_dict(r, lang, groups) for r in page.same_person]
        self.can_edit = page.can_edit
        self._show_quotes(quote_page, lines)
        names = {code: line.name(lang) for code, line in lines.items()}
        self.policies = [policy_views.row_dict(r, lang, names) for r in held.rows]
        self.policies_total = held.total
        return found

    def _show_quotes(self, page, lines) -> None:  # noqa: ANN001
        names = {code: line.name(self.lang_pref) for code, line in lines.items()}
        self.quotes = [quote_views.row_dict(r, self.lang_pref, names) for r in page.rows]
        self._set_pager(page)

    def _fetch(self) -> Outcome:
        """Another page of the customer's quotes."""
        number = self.customer.get("number", "")

        def _list(db, actor):  # noqa: ANN001
            return quotes.customer_quotes(db, actor, number, self.page, QUOTES_PAGE_SIZE), (
                known_lines(db)
            )

        found = self._call(_list)
        if found.ok:
            self._show_quotes(*found.value)
        else:
            self.quotes = []
        return found

    def _saved(self, view: customers.CustomerView) -> Outcome:
        self.editing = False
        self.edit_key += 1
        return self._show(str(view.number))

    # ------------------------------------------------------------ events

    @rx.event
    def load(self):
        self._fresh_screen()
        self._report(self._show(str(self.router.url.query_parameters.get("no", ""))[:MAX_NUMBER]))

    @rx.event
    def start_edit(self):
        self.editing = self.can_edit
        self.edit_key += 1
        self._clear_messages()

    @rx.event
    def cancel_edit(self):
        self.editing = False
        self.edit_key += 1
        self._clear_messages()

    @rx.event
    def save_contact(self, form: dict):
        number = self.customer.get("number", "")
        self._act(
            customers.update_customer,
            number,
            tax_office=str(form.get("tax_office", ""))[:200],
            address=str(form.get("address", ""))[:800],
            phone=str(form.get("phone", ""))[:64],
            email=str(form.get("email", ""))[:400],
            then=self._saved,
            done=lambda view: self._text("customer.updated", number=view.number),
        )
