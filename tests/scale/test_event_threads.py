"""The new-quote screen's database events run in the worker's thread pool, never on its
event loop: a handler that waits for the database there would hold up every other tab the
worker serves (100 tabs on 3 workers: ≈ 33 tabs behind each wait)."""

from __future__ import annotations

import asyncio
import threading

from reflex.state import State

from iztim_app.states import session as session_state
from iztim_app.states.quote_form import QuoteFormState


def test_line_customer_price_and_save_events_call_the_services_off_the_event_loop(monkeypatch):
    calls: list[tuple[str, str]] = []

    def run_as(token, lang, service, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202, ARG001
        calls.append((service.__name__, threading.current_thread().name))
        return session_state.Outcome(False, error="refused")

    monkeypatch.setattr(session_state, "run_as", run_as)
    root = State(_reflex_internal_init=True)
    form = root.get_substate(QuoteFormState.get_full_name().split("."))
    asyncio.run(form.choose_line("konut"))
    asyncio.run(form.search_customers({"customer_search": "Ayşe"}))
    asyncio.run(form.pick_customer("1"))
    form.line_code, form.customer = "konut", {"id": "1"}
    form.start_date = "2026-12-02"
    asyncio.run(form.set_sum_insured("400.000"))
    asyncio.run(form.save())
    assert [name for name, _ in calls] == [
        "_tariff_in_force",
        "find_customers",
        "get_customer",
        "preview",
        "save_quote",
    ]
    loop_thread = threading.current_thread().name
    assert all(thread.startswith("iztim-db") and thread != loop_thread for _, thread in calls)
    assert form.error == "refused"  # the refusal still reaches the screen
