"""The audit trail's `via` (how a user acted off the screens, e.g. "api:<token name>"): read
back with every row, empty for what was done on the screens, found by the audit screen's
filter whatever the case or the dotted/dotless i, and shown in its own column."""

from __future__ import annotations

import dataclasses

import pytest
from reflex.state import State
from sqlmodel import Session

from iztim_app.core.audit import services as audit_log
from iztim_app.pages.audit import audit_page
from iztim_app.states.audit import AuditState
from tests.foundation.browser_tab import sign_in, sub
from tests.foundation.support import actor_of

ACTION = "test.via"


@pytest.fixture
def via_events(demo_db: Session) -> dict[str, int]:
    """Three records of one action: two through API tokens, one on the screens."""
    gm = actor_of(demo_db, "gm.onay")
    made = {
        "screen": audit_log.record(demo_db, gm, ACTION, "policy", 1),
        "accounting": audit_log.record(
            demo_db, dataclasses.replace(gm, via="api:Muhasebe YAZILIMI"), ACTION, "policy", 2
        ),
        "erp": audit_log.record(
            demo_db, dataclasses.replace(gm, via="api:ERP Integration"), ACTION, "policy", 3
        ),
    }
    demo_db.commit()
    return {name: event.id for name, event in made.items()}


def _found(db: Session, admin, via: str = "") -> dict[int, str]:  # noqa: ANN001
    flt = audit_log.AuditFilter(action=ACTION, via=via)
    return {r.id: r.via for r in audit_log.list_events(db, admin, flt, 1, 50).rows}


def test_rows_carry_via_and_screen_actions_have_none(demo_db: Session, admin, via_events):
    assert _found(demo_db, admin) == {
        via_events["erp"]: "api:ERP Integration",
        via_events["accounting"]: "api:Muhasebe YAZILIMI",
        via_events["screen"]: "",
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("api", {"accounting", "erp"}),
        ("  API: ", {"accounting", "erp"}),
        ("yazılımı", {"accounting"}),  # Turkish dotless ı against the stored capital I
        ("YAZILIMI", {"accounting"}),
        ("yazilimi", {"accounting"}),  # typed without Turkish letters
        ("integration", {"erp"}),  # an English capital I found by a plain i
        ("İNTEGRATİON", {"erp"}),  # and by a Turkish capital İ
        ("muhasebe", {"accounting"}),
        ("%", set()),  # a LIKE wildcard is a plain character here
        ("_", set()),
        ("web", set()),
        ("   ", {"screen", "accounting", "erp"}),  # blank: no filter
    ],
)
def test_the_via_filter_ignores_case_and_the_dotted_i(
    demo_db: Session, admin, via_events, typed: str, expected: set[str]
):
    assert set(_found(demo_db, admin, typed)) == {via_events[name] for name in expected}


def test_the_audit_screen_lists_and_filters_by_via(demo_url: str, via_events):
    root = State(_reflex_internal_init=True)
    sign_in(root, "bt.admin")
    audit = sub(root, AuditState)
    audit.apply({"action": ACTION, "via": "muhasebe"})
    assert audit.error == ""
    assert [(r["entity"], r["via"], r["actor"]) for r in audit.rows] == [
        ("policy #2", "api:Muhasebe YAZILIMI", "gm.onay")
    ]
    assert audit.filters["via"] == "muhasebe"
    audit.apply({"action": ACTION})
    assert [(r["entity"], r["via"]) for r in audit.rows] == [
        ("policy #3", "api:ERP Integration"),
        ("policy #2", "api:Muhasebe YAZILIMI"),
        ("policy #1", ""),
    ]


def test_the_audit_page_has_a_via_column_and_filter():
    text = str(audit_page())
    assert '?.["audit.via"]' in text  # the heading and the filter's label, from the catalogue
    assert 'id:"audit-via",name:"via"' in text
    assert '?.["audit.via_hint"]' in text
    assert '"data-testid":"audit-via"' in text
    assert '["via"]' in text  # the cell shows the row's via
