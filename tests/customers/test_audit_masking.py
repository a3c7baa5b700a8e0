"""TCKN/VKN in the audit trail: stored in full, read masked by anyone without
`customer.view_id` (IT staff reading the audit log), in full by those who hold it.

The rule lives once, in the audit read service (`list_events`), so the screen and any
export built on it show the same thing.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers import services as customers
from iztim_app.core.customers.identity import mask_national_ids_in
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import operator_actor
from tests.customers.test_customer_services import COMPANY, PERSON, create
from tests.foundation.support import actor_of, audit_events

# ---------------------------------------------------------------- the pure rule


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ({"national_id": "17291716060"}, {"national_id": "172******60"}),
        ({"national_id": "4540536920"}, {"national_id": "454*****20"}),
        # under an id key even a mistyped number is masked
        (
            {"national_id": "17291716050", "tckn": "123"},
            {"national_id": "172******50", "tckn": "***"},
        ),
        ({"VKN": 4540536920}, {"VKN": "454*****20"}),
        # a valid TCKN/VKN standing in any text
        ({"reason": "TCKN 17291716060 yanlış"}, {"reason": "TCKN 172******60 yanlış"}),
        ({"after": [{"note": "vkn:4540536920."}]}, {"after": [{"note": "vkn:454*****20."}]}),
        ({"value": 17291716060}, {"value": "172******60"}),
        # what is no national id stays: wrong check digits, amounts, longer numbers, phones
        ({"note": "17291716050"}, {"note": "17291716050"}),
        ({"premium": "4540536920.00"}, {"premium": "4540536920.00"}),
        ({"premium": "1.4540536920"}, {"premium": "1.4540536920"}),
        ({"ref": "117291716060"}, {"ref": "117291716060"}),
        ({"phone": "05321234567"}, {"phone": "05321234567"}),
        (
            {"number": 100001, "ok": True, "none": None},
            {"number": 100001, "ok": True, "none": None},
        ),
        ({"national_id": ""}, {"national_id": ""}),
    ],
)
def test_national_ids_are_masked_wherever_they_stand(value, masked):
    assert mask_national_ids_in(value) == masked


def test_masking_returns_a_copy():
    original = {"national_id": "17291716060", "list": ["17291716060"]}
    mask_national_ids_in(original)
    assert original == {"national_id": "17291716060", "list": ["17291716060"]}


# ---------------------------------------------------------------- reading the trail


def events_as(db: Session, user: str, action: str = "customer.") -> list[audit_log.AuditRow]:
    actor = actor_of(db, user) if user != "operator" else operator_actor("test")
    flt = audit_log.AuditFilter(action=action)
    return list(audit_log.list_events(db, actor, flt, 1, 50).rows)


@pytest.fixture
def trail(db: Session) -> None:
    person = create(db, "acente.a1", PERSON).number
    create(db, "sube.istanbul", COMPANY)
    # a contact change audits before/after; its values hold no id
    customers.update_customer(
        db,
        actor_of(db, "acente.a1"),
        person,
        tax_office="",
        address="Moda Cad. No: 5",
        phone="0532 123 45 67",
        email="ayse.sahin@example.com",
    )


def test_it_staff_without_the_id_right_read_every_national_id_masked(db: Session, trail: None):
    rows = events_as(db, "bt.admin")
    assert [r.action for r in rows] == ["customer.update", "customer.create", "customer.create"]
    assert [r.after.get("national_id") for r in rows] == [None, "454*****20", "172******60"]
    # nothing else of the values is hidden
    assert rows[2].after["name"] == "Ayşe Şahin"
    assert rows[0].after == {"number": 100001, "address": "Moda Cad. No: 5"}
    shown = json.dumps([(r.before, r.after) for r in rows], ensure_ascii=False)
    assert "17291716060" not in shown and "4540536920" not in shown


def test_the_stored_trail_keeps_the_ids_in_full(db: Session, trail: None):
    assert sorted(e.after["national_id"] for e in audit_events(db, "customer.create")) == [
        "17291716060",
        "4540536920",
    ]


def test_a_reader_holding_the_id_right_reads_them_in_full(db: Session, trail: None):
    rows = events_as(db, "operator")  # every permission, customer.view_id included
    assert [r.after.get("national_id") for r in rows] == [None, "4540536920", "17291716060"]


def test_masking_follows_the_grant_not_the_role(db: Session, trail: None):
    """bt.admin given customer.view_id by IT reads the ids in full from then on."""
    it = actor_of(db, "bt.admin")
    detail = users.get_user(db, operator_actor("test"), it.user_id)
    granted = set(detail.permissions) | {"customer.view_id"}
    users.set_permissions(db, operator_actor("test"), it.user_id, sorted(granted))
    rows = events_as(db, "bt.admin")
    assert [r.after.get("national_id") for r in rows] == [None, "4540536920", "17291716060"]
