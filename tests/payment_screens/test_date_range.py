"""`components.date_range`: the from/to date pair every filter form shares, with the ids,
names, labels, defaults and field messages the five screens had before it existed."""

from __future__ import annotations

import pytest

from iztim_app.pages.audit import audit_page
from iztim_app.pages.commission_statement import commission_statement_page
from iztim_app.pages.components import date_range
from iztim_app.pages.quote_list import quote_list_page
from iztim_app.pages.quote_stats import quote_stats_page
from iztim_app.pages.reports import reports_page
from iztim_app.states.commission_statement import CommissionStatementState
from iztim_app.states.quote_stats import QuoteStatsState


def test_the_pair_is_two_labelled_date_inputs_with_their_messages():
    start, end = (str(c) for c in date_range(QuoteStatsState.field_errors, "qs"))
    for text, name in ((start, "date_from"), (end, "date_to")):
        assert f'htmlFor:"qs-{name}"' in text and f'id:"qs-{name}"' in text
        assert f'name:"{name}"' in text and 'type:"date"' in text
        assert f'?.["common.{name}"]' in text  # the label from the catalogue
        assert f'field_errors_rx_state_?.["{name}"]' in text  # its message beside it
        assert "required:true" not in text and "iz-required" not in text
        assert 'defaultValue:""' in text


def test_required_and_defaults_from_the_state():
    s = CommissionStatementState
    start, end = (
        str(c)
        for c in date_range(
            s.field_errors, "cs", date_from=s.date_from, date_to=s.date_to, required=True
        )
    )
    assert "required:true" in start and "required:true" in end
    assert "iz-required" in start and "iz-required" in end  # the * beside the label
    assert "commission_statement_state.date_from_rx_state_" in start
    assert "commission_statement_state.date_to_rx_state_" in end


@pytest.mark.parametrize(
    ("page", "prefix", "required"),
    [
        (audit_page, "audit", False),
        (quote_list_page, "ql", False),
        (quote_stats_page, "qs", False),
        (reports_page, "run", False),
        (commission_statement_page, "cs", True),
    ],
)
def test_each_screen_keeps_its_ids(page, prefix: str, required: bool):  # noqa: ANN001
    text = str(page())
    for name in ("date_from", "date_to"):
        assert text.count(f'id:"{prefix}-{name}"') == 1
        assert f'htmlFor:"{prefix}-{name}"' in text
    marker = f'id:"{prefix}-date_from",name:"date_from",ref:ref_{prefix}_date_from,required:true'
    assert (marker in text) is required
