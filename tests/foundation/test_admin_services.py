"""IT staff's administration: the office tree, users, grants, limits, the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session

from iztim_app.core.audit import services as audit_log
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.organisation import services as offices
from iztim_app.core.organisation.models import ALLOWED_PARENTS, OfficeKind
from iztim_app.core.paging import MAX_PAGE_SIZE, Page, clamp
from iztim_app.core.users import services as users
from iztim_app.core.users.permissions import AGENCY_FORBIDDEN, ROLES
from tests.foundation.support import (
    actor_of,
    assert_session_clean,
    audit_since,
    last_audit_id,
    office_of,
    snapshot,
    user_of,
)

PARENT_OF_KIND = {
    OfficeKind.HEAD_OFFICE: "GM",
    OfficeKind.REGION: "B-MARMARA",
    OfficeKind.BRANCH: "S-BURSA",
    OfficeKind.AGENCY: "A-ACENTE-C",
}
BRANCH_STAFF = sorted(ROLES["branch_staff"].permissions)


def rejected(url: str, db: Session, error: type, call):  # noqa: ANN001
    """Runs a call that must be refused; asserts nothing changed anywhere. Returns the error."""
    before = snapshot(url)
    with pytest.raises(error) as exc:
        call()
    assert_session_clean(db)
    db.commit()  # even a caller that commits after the refusal persists nothing
    assert snapshot(url) == before
    return exc.value


def only_new_event(db: Session, last: int) -> AuditEvent:
    events = audit_since(db, last)
    assert len(events) == 1, [e.action for e in events]
    return events[0]


def user_snapshot(db: Session, code: str, **changes) -> dict:
    user = user_of(db, code)
    return {**users._snapshot(db, user), **changes}


# ---------------------------------------------------------------- the office tree


def test_allowed_parents_are_the_domain_tree():
    assert ALLOWED_PARENTS == {
        OfficeKind.HEAD_OFFICE: (),
        OfficeKind.REGION: (OfficeKind.HEAD_OFFICE,),
        OfficeKind.BRANCH: (OfficeKind.REGION, OfficeKind.HEAD_OFFICE),
        OfficeKind.AGENCY: (OfficeKind.BRANCH, OfficeKind.REGION),
    }


def test_demo_tree_paths_and_depths(demo_db: Session, admin):
    rows = offices.list_offices(demo_db, admin)
    assert [(r.code, r.depth) for r in rows] == [
        ("GM", 0),
        ("B-MARMARA", 1),
        ("S-ISTANBUL", 2),
        ("A-ACENTE-A", 3),
        ("S-BURSA", 2),
        ("A-ACENTE-C", 3),
        ("B-ICANADOLU", 1),
        ("S-ANKARA", 2),
        ("A-ACENTE-B", 3),
    ]
    gm, region, branch, agency = (
        office_of(demo_db, c) for c in ("GM", "B-MARMARA", "S-BURSA", "A-ACENTE-C")
    )
    assert gm.path == f"/{gm.id}/"
    assert agency.path == f"/{gm.id}/{region.id}/{branch.id}/{agency.id}/"
    assert (agency.kind, agency.agency_kind, agency.parent_id) == ("agency", "corporate", branch.id)


def test_only_one_head_office(demo_url: str, demo_db: Session, admin):
    error = rejected(
        demo_url,
        demo_db,
        Conflict,
        lambda: offices.create_office(
            demo_db,
            admin,
            code="GM2",
            name="İkinci Genel Müdürlük",
            kind="head_office",
            parent_id=None,
        ),
    )
    assert error.code == "office.single_head_office"


@pytest.mark.parametrize("kind", list(OfficeKind), ids=str)
@pytest.mark.parametrize("parent_kind", [None, *OfficeKind], ids=str)
def test_parent_kinds(demo_url: str, demo_db: Session, admin, kind: OfficeKind, parent_kind):
    parent = office_of(demo_db, PARENT_OF_KIND[parent_kind]) if parent_kind else None
    allowed = (parent_kind in ALLOWED_PARENTS[kind]) if parent_kind else ALLOWED_PARENTS[kind] == ()
    create = lambda: offices.create_office(  # noqa: E731
        demo_db,
        admin,
        code="YENI-OFIS",
        name="Yeni Ofis",
        kind=kind.value,
        parent_id=parent.id if parent else None,
        agency_kind="individual",
    )
    if kind is OfficeKind.HEAD_OFFICE and allowed:
        assert rejected(demo_url, demo_db, Conflict, create).code == "office.single_head_office"
        return
    if not allowed:
        error = rejected(demo_url, demo_db, ValidationFailed, create)
        assert (error.code, error.field) == ("office.parent_invalid", "parent_id")
        return
    last = last_audit_id(demo_db)
    row = create()
    office = office_of(demo_db, "YENI-OFIS")
    parent_depth = parent.path.count("/") - 2
    assert (row.id, row.kind, row.parent_id, row.parent_name, row.depth) == (
        office.id,
        kind.value,
        parent.id,
        parent.name,
        parent_depth + 1,
    )
    assert office.path == f"{parent.path}{office.id}/"
    event = only_new_event(demo_db, last)
    assert (event.action, event.actor_code, event.entity_type, event.entity_id, event.before) == (
        "office.create",
        "bt.admin",
        "office",
        str(office.id),
        None,
    )
    assert event.after == {
        "code": "YENI-OFIS",
        "name": "Yeni Ofis",
        "kind": kind.value,
        "agency_kind": "individual" if kind is OfficeKind.AGENCY else None,
        "parent_id": parent.id,
        "active": True,
    }


@pytest.mark.parametrize(
    ("fields", "error_type", "code", "field"),
    [
        (
            {"kind": "agency", "agency_kind": None},
            ValidationFailed,
            "office.agency_kind_invalid",
            "agency_kind",
        ),
        (
            {"kind": "agency", "agency_kind": "franchise"},
            ValidationFailed,
            "office.agency_kind_invalid",
            "agency_kind",
        ),
        ({"code": ""}, ValidationFailed, "office.code_invalid", "code"),
        ({"code": "x"}, ValidationFailed, "office.code_invalid", "code"),
        ({"code": "S IZMIR"}, ValidationFailed, "office.code_invalid", "code"),
        ({"code": "-IZMIR"}, ValidationFailed, "office.code_invalid", "code"),
        ({"name": "   "}, ValidationFailed, "error.required", "name"),
        ({"kind": "kiosk"}, ValidationFailed, "office.kind_invalid", "kind"),
        ({"parent_id": 9999}, ValidationFailed, "office.parent_invalid", "parent_id"),
        ({"code": "S-BURSA"}, Conflict, "office.code_taken", None),
    ],
)
def test_office_validation(demo_url: str, demo_db: Session, admin, fields, error_type, code, field):
    args = {
        "code": "S-IZMIR",
        "name": "İzmir Şube",
        "kind": "branch",
        "parent_id": office_of(demo_db, "B-MARMARA").id,
        "agency_kind": None,
        **fields,
    }
    error = rejected(
        demo_url, demo_db, error_type, lambda: offices.create_office(demo_db, admin, **args)
    )
    assert error.code == code
    assert getattr(error, "field", None) == field


def test_agency_kind_only_kept_for_agencies(demo_db: Session, admin):
    offices.create_office(
        demo_db,
        admin,
        code="S-IZMIR",
        name="İzmir Şube",
        kind="branch",
        parent_id=office_of(demo_db, "B-MARMARA").id,
        agency_kind="corporate",
    )
    assert office_of(demo_db, "S-IZMIR").agency_kind is None


def test_update_office_is_audited_with_before_and_after(demo_url: str, demo_db: Session, admin):
    office = office_of(demo_db, "S-BURSA")
    region = office_of(demo_db, "B-MARMARA")
    last = last_audit_id(demo_db)
    offices.update_office(demo_db, admin, office.id, name="  Bursa Şube Müdürlüğü ", active=False)
    event = only_new_event(demo_db, last)
    base = {"code": "S-BURSA", "kind": "branch", "agency_kind": None, "parent_id": region.id}
    assert (event.action, event.actor_code, event.entity_id) == (
        "office.update",
        "bt.admin",
        str(office.id),
    )
    assert event.before == {**base, "name": "Bursa Şube", "active": True}
    assert event.after == {**base, "name": "Bursa Şube Müdürlüğü", "active": False}
    # the same values again: no change, no audit row
    offices.update_office(demo_db, admin, office.id, name="Bursa Şube Müdürlüğü", active=False)
    assert audit_since(demo_db, event.id) == []
    # refusals change nothing
    assert (
        rejected(
            demo_url,
            demo_db,
            ValidationFailed,
            lambda: offices.update_office(demo_db, admin, office.id, name=" ", active=True),
        ).code
        == "error.required"
    )
    assert (
        rejected(
            demo_url,
            demo_db,
            NotFound,
            lambda: offices.update_office(demo_db, admin, 9999, name="X", active=True),
        ).code
        == "error.not_found"
    )


def test_list_offices_shows_an_agency_only_its_own_office(demo_db: Session):
    rows = offices.list_offices(demo_db, actor_of(demo_db, "acente.b1"))
    assert [r.code for r in rows] == ["A-ACENTE-B"]
    assert len(offices.list_offices(demo_db, actor_of(demo_db, "gm.mudur"))) == 9


# ---------------------------------------------------------------- users


def _new_user(db: Session, **changes) -> dict:
    return {
        "code": "yeni.kullanici",
        "name": "Yeni Kullanıcı",
        "office_id": office_of(db, "S-BURSA").id,
        "role": "branch_staff",
        "password": "Yeni.Parola.1",
        "email": "yeni@iztim.example",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "error_type", "code", "field"),
    [
        ({"code": "A B"}, ValidationFailed, "user.code_invalid", "code"),
        ({"code": "ab"}, ValidationFailed, "user.code_invalid", "code"),
        ({"code": ""}, ValidationFailed, "user.code_invalid", "code"),
        ({"code": "ali'--"}, ValidationFailed, "user.code_invalid", "code"),
        ({"name": " "}, ValidationFailed, "error.required", "name"),
        ({"email": "not-an-email"}, ValidationFailed, "user.email_invalid", "email"),
        ({"email": "a@b"}, ValidationFailed, "user.email_invalid", "email"),
        ({"office_id": 9999}, ValidationFailed, "user.office_invalid", "office_id"),
        ({"office_id": "abc"}, ValidationFailed, "user.office_invalid", "office_id"),
        ({"role": "boss"}, ValidationFailed, "user.role_invalid", "role"),
        ({"password": "kisa1"}, ValidationFailed, "password.too_short", "password"),
        (
            {"password": "sadeceharfler"},
            ValidationFailed,
            "password.needs_letters_digits",
            "password",
        ),
        ({"code": "BT.ADMIN"}, Conflict, "user.code_taken", None),
    ],
)
def test_create_user_validation(
    demo_url: str, demo_db: Session, admin, changes, error_type, code, field
):
    error = rejected(
        demo_url,
        demo_db,
        error_type,
        lambda: users.create_user(demo_db, admin, **_new_user(demo_db, **changes)),
    )
    assert error.code == code
    assert getattr(error, "field", None) == field
    if error_type is Conflict:
        assert error.params == {"code": "bt.admin"}


@pytest.mark.parametrize(
    "role", sorted(r for r in ROLES if ROLES[r].permissions & AGENCY_FORBIDDEN)
)
def test_agency_cannot_get_a_head_office_role(demo_url: str, demo_db: Session, admin, role: str):
    agency = office_of(demo_db, "A-ACENTE-A")
    error = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.create_user(
            demo_db, admin, **_new_user(demo_db, office_id=agency.id, role=role)
        ),
    )
    assert (error.code, error.field) == ("user.role_not_for_agency", "role")


def test_user_in_an_inactive_office_is_refused(demo_url: str, demo_db: Session, admin):
    office = office_of(demo_db, "S-BURSA")
    offices.update_office(demo_db, admin, office.id, name=office.name, active=False)
    error = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.create_user(demo_db, admin, **_new_user(demo_db)),
    )
    assert error.code == "user.office_invalid"


def test_create_user_is_audited_and_starts_from_the_role(demo_db: Session, admin):
    last = last_audit_id(demo_db)
    detail = users.create_user(demo_db, admin, **_new_user(demo_db, code="  Yeni.Kullanici "))
    office = office_of(demo_db, "S-BURSA")
    assert (
        detail.code,
        detail.role,
        detail.view_scope,
        detail.must_change_password,
        detail.limits,
    ) == (
        "yeni.kullanici",
        "branch_staff",
        "office_tree",
        True,
        (),
    )
    assert list(detail.permissions) == BRANCH_STAFF
    event = only_new_event(demo_db, last)
    assert (
        event.action,
        event.actor_code,
        event.actor_id,
        event.entity_type,
        event.entity_id,
        event.before,
    ) == (
        "user.create",
        "bt.admin",
        admin.user_id,
        "user",
        str(detail.id),
        None,
    )
    assert event.after == {
        "code": "yeni.kullanici",
        "name": "Yeni Kullanıcı",
        "email": "yeni@iztim.example",
        "office_id": office.id,
        "role": "branch_staff",
        "view_scope": "office_tree",
        "lang": "tr",
        "active": True,
        "locked": False,
        "permissions": BRANCH_STAFF,
    }


def test_agency_user_is_created_with_own_scope(demo_db: Session, admin):
    detail = users.create_user(
        demo_db,
        admin,
        **_new_user(demo_db, office_id=office_of(demo_db, "A-ACENTE-B").id, role="agency_user"),
    )
    assert (detail.view_scope, detail.is_agency) == ("own", True)


def test_update_user_is_audited(demo_url: str, demo_db: Session, admin, target):
    before = user_snapshot(demo_db, "sube.ankara")
    last = last_audit_id(demo_db)
    istanbul = office_of(demo_db, "S-ISTANBUL")
    users.update_user(
        demo_db,
        admin,
        target.id,
        name="Ankara Operasyon",
        email="ops@iztim.example",
        office_id=istanbul.id,
        view_scope="office",
        lang="en",
    )
    event = only_new_event(demo_db, last)
    assert (event.action, event.actor_code, event.entity_id) == (
        "user.update",
        "bt.admin",
        str(target.id),
    )
    assert event.before == before
    assert event.after == {
        **before,
        "name": "Ankara Operasyon",
        "email": "ops@iztim.example",
        "office_id": istanbul.id,
        "view_scope": "office",
        "lang": "en",
    }
    # refusals
    for changes, code in (
        ({"view_scope": "galaxy"}, "user.scope_invalid"),
        ({"email": "yok"}, "user.email_invalid"),
        ({"name": ""}, "error.required"),
        ({"office_id": office_of(demo_db, "A-ACENTE-A").id}, "user.permission_not_for_agency"),
    ):
        args = {
            "name": "X",
            "email": "",
            "office_id": istanbul.id,
            "view_scope": "own",
            "lang": "tr",
            **changes,
        }
        error = rejected(
            demo_url,
            demo_db,
            ValidationFailed,
            lambda a=args: users.update_user(demo_db, admin, target.id, **a),
        )
        assert error.code == code
    assert (
        rejected(
            demo_url,
            demo_db,
            NotFound,
            lambda: users.update_user(
                demo_db,
                admin,
                9999,
                name="X",
                email="",
                office_id=istanbul.id,
                view_scope="own",
                lang="tr",
            ),
        ).code
        == "error.not_found"
    )


def test_set_permissions_is_audited_with_exact_grants(demo_db: Session, admin, target):
    before = user_snapshot(demo_db, "sube.ankara")
    last = last_audit_id(demo_db)
    detail = users.set_permissions(
        demo_db, admin, target.id, ["quote.view", "quote.approve", "policy.view"]
    )
    assert detail.permissions == ("policy.view", "quote.approve", "quote.view")
    event = only_new_event(demo_db, last)
    assert (event.action, event.actor_code) == ("user.permissions", "bt.admin")
    assert event.before == before
    assert event.before["permissions"] == BRANCH_STAFF
    assert event.after == {**before, "permissions": ["policy.view", "quote.approve", "quote.view"]}
    # the same grants again: nothing to audit
    users.set_permissions(demo_db, admin, target.id, ["policy.view", "quote.view", "quote.approve"])
    assert audit_since(demo_db, event.id) == []


def test_set_permissions_refusals_change_nothing(demo_url: str, demo_db: Session, admin, target):
    unknown = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.set_permissions(demo_db, admin, target.id, ["quote.view", "made.up"]),
    )
    assert (unknown.code, unknown.field, unknown.params) == (
        "user.permission_unknown",
        "permissions",
        {"permission": "made.up"},
    )
    agency_user = user_of(demo_db, "acente.a1")
    for forbidden in sorted(AGENCY_FORBIDDEN):
        error = rejected(
            demo_url,
            demo_db,
            ValidationFailed,
            lambda f=forbidden: users.set_permissions(
                demo_db, admin, agency_user.id, ["quote.create", f]
            ),
        )
        assert (error.code, error.params) == (
            "user.permission_not_for_agency",
            {"permission": forbidden},
        )
    own = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.set_permissions(
            demo_db, admin, admin.user_id, ["audit.view", "tariff.manage"]
        ),
    )
    assert (own.code, own.field) == ("user.cannot_drop_own_admin", "permissions")
    own_role = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.apply_role(demo_db, admin, admin.user_id, "manager"),
    )
    assert (own_role.code, own_role.field) == ("user.cannot_drop_own_admin", "role")
    self_off = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.set_active(demo_db, admin, admin.user_id, False),
    )
    assert self_off.code == "user.cannot_disable_self"
    bad_role = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.apply_role(demo_db, admin, target.id, "boss"),
    )
    assert bad_role.code == "user.role_invalid"
    agency_role = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.apply_role(demo_db, admin, agency_user.id, "it_admin"),
    )
    assert agency_role.code == "user.role_not_for_agency"
    missing = rejected(
        demo_url, demo_db, NotFound, lambda: users.set_permissions(demo_db, admin, 9999, [])
    )
    assert missing.code == "error.not_found"


def test_admin_may_keep_user_manage_while_changing_own_grants(demo_db: Session, admin):
    detail = users.set_permissions(demo_db, admin, admin.user_id, ["user.manage", "audit.view"])
    assert detail.permissions == ("audit.view", "user.manage")


def test_apply_role_is_audited(demo_db: Session, admin, target):
    before = user_snapshot(demo_db, "sube.ankara")
    last = last_audit_id(demo_db)
    users.apply_role(demo_db, admin, target.id, "manager")
    event = only_new_event(demo_db, last)
    assert (event.action, event.before) == ("user.role", before)
    assert event.after == {
        **before,
        "role": "manager",
        "view_scope": "office_tree",
        "permissions": sorted(ROLES["manager"].permissions),
    }


def test_disable_enable_reset_and_language_are_audited(demo_db: Session, admin, target):
    before = user_snapshot(demo_db, "sube.ankara")
    last = last_audit_id(demo_db)
    users.set_active(demo_db, admin, target.id, False)
    users.set_active(demo_db, admin, target.id, True)
    users.set_own_language(demo_db, actor_of(demo_db, "sube.ankara"), "en")
    # (after the reset, the user may change nothing but the password: language first)
    temporary = users.reset_password(demo_db, admin, target.id)
    events = audit_since(demo_db, last)
    assert [(e.action, e.actor_code, e.entity_id, e.before, e.after) for e in events] == [
        ("user.disable", "bt.admin", str(target.id), before, {**before, "active": False}),
        ("user.enable", "bt.admin", str(target.id), {**before, "active": False}, before),
        ("user.language", "sube.ankara", str(target.id), {"lang": "tr"}, {"lang": "en"}),
        ("user.password_reset", "bt.admin", str(target.id), None, {"must_change_password": True}),
    ]
    assert temporary not in repr([(e.before, e.after) for e in events])


# ---------------------------------------------------------------- limits


def test_set_limit_parses_turkish_amounts_and_audits_exact_values(demo_db: Session, admin, target):
    last = last_audit_id(demo_db)
    detail = users.set_limit(demo_db, admin, target.id, "kasko", "1.250.000,50", "2.000.000")
    assert [(x.line_code, x.quote_limit, x.policy_limit) for x in detail.limits] == [
        ("kasko", Decimal("1250000.50"), Decimal("2000000.00")),
        ("konut", Decimal("2500000.00"), Decimal("2500000.00")),
    ]
    event = only_new_event(demo_db, last)
    assert (event.action, event.actor_code, event.entity_id) == (
        "user.limit",
        "bt.admin",
        str(target.id),
    )
    assert event.before == {
        "line": "kasko",
        "quote_limit": "2500000.00",
        "policy_limit": "2500000.00",
    }
    assert event.after == {
        "line": "kasko",
        "quote_limit": "1250000.50",
        "policy_limit": "2000000.00",
    }
    assert actor_of(demo_db, "sube.ankara").quote_limit("kasko") == Decimal("1250000.50")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("750.000", "750000.00"),
        ("1234.5", "1234.50"),
        ("1.250.000,50", "1250000.50"),
        ("0", "0.00"),
        (" 12.000,00 ₺", "12000.00"),
    ],
)
def test_limit_amount_forms(demo_db: Session, admin, text: str, expected: str):
    manager = user_of(demo_db, "gm.mudur")  # no limit rows yet
    last = last_audit_id(demo_db)
    detail = users.set_limit(demo_db, admin, manager.id, "konut", text, text)
    assert [(x.line_code, str(x.quote_limit), str(x.policy_limit)) for x in detail.limits] == [
        ("konut", expected, expected)
    ]
    event = only_new_event(demo_db, last)
    assert (event.before, event.after) == (
        None,
        {"line": "konut", "quote_limit": expected, "policy_limit": expected},
    )


@pytest.mark.parametrize(
    ("line", "quote", "policy", "code", "field"),
    [
        ("kasko", "-1", "1000", "limit.invalid", "quote_limit"),
        ("kasko", "1000", "-0,01", "limit.invalid", "policy_limit"),
        ("kasko", "abc", "1000", "limit.invalid", "quote_limit"),
        ("kasko", "", "1000", "limit.invalid", "quote_limit"),
        ("kasko", "NaN", "1000", "limit.invalid", "quote_limit"),
        ("kasko", "1.000.000.000.000,00", "1000", "limit.invalid", "quote_limit"),
        ("kasko", "100,555", "1000", "amount.too_many_decimals", "quote_limit"),  # not rounded
        ("kasko", "1000", "2.500.000,001", "amount.too_many_decimals", "policy_limit"),
        ("uzay", "1000", "1000", "limit.line_unknown", "line_code"),
        ("", "1000", "1000", "limit.line_unknown", "line_code"),
    ],
)
def test_limit_refusals_change_nothing(
    demo_url: str, demo_db: Session, admin, target, line, quote, policy, code, field
):
    error = rejected(
        demo_url,
        demo_db,
        ValidationFailed,
        lambda: users.set_limit(demo_db, admin, target.id, line, quote, policy),
    )
    assert (error.code, error.field) == (code, field)


def test_remove_limit_is_audited(demo_url: str, demo_db: Session, admin, target):
    last = last_audit_id(demo_db)
    detail = users.remove_limit(demo_db, admin, target.id, "konut")
    assert [x.line_code for x in detail.limits] == ["kasko"]
    assert actor_of(demo_db, "sube.ankara").quote_limit("konut") is None
    event = only_new_event(demo_db, last)
    assert (event.action, event.actor_code, event.before, event.after) == (
        "user.limit_remove",
        "bt.admin",
        {"line": "konut", "quote_limit": "2500000.00", "policy_limit": "2500000.00"},
        None,
    )
    again = rejected(
        demo_url, demo_db, NotFound, lambda: users.remove_limit(demo_db, admin, target.id, "konut")
    )
    assert again.code == "error.not_found"


# ---------------------------------------------------------------- the audit list


@pytest.fixture
def timed_events(demo_db: Session) -> dict[str, int]:
    """Three events around midnight in Türkiye (UTC+3) on 10/11 March 2020."""
    rows = {
        "late_10th": AuditEvent(
            at=datetime(2020, 3, 10, 20, 59, tzinfo=UTC),
            actor_code="Gm.Onay",
            action="quote.approve",
            entity_type="quote",
            entity_id="1",
        ),
        "early_11th": AuditEvent(
            at=datetime(2020, 3, 10, 21, 0, tzinfo=UTC),
            actor_code="gm.onay",
            action="policy.approve",
            entity_type="policy",
            entity_id="7",
        ),
        "end_11th": AuditEvent(
            at=datetime(2020, 3, 11, 20, 59, 59, tzinfo=UTC),
            actor_code="sube.ankara",
            action="quote.create",
            entity_type="quote",
            entity_id="2",
        ),
    }
    demo_db.add_all(rows.values())
    demo_db.commit()
    return {name: row.id for name, row in rows.items()}


def _ids(page: Page) -> list[int]:
    return [r.id for r in page.rows]


def test_audit_date_filters_use_turkish_calendar_days(demo_db: Session, admin, timed_events):
    def listed(date_from, date_to):  # noqa: ANN001
        flt = audit_log.AuditFilter(date_from=date_from, date_to=date_to)
        return _ids(audit_log.list_events(demo_db, admin, flt, 1, 200))

    assert listed(date(2020, 3, 11), date(2020, 3, 11)) == [
        timed_events["end_11th"],
        timed_events["early_11th"],
    ]
    assert listed(date(2020, 3, 10), date(2020, 3, 10)) == [timed_events["late_10th"]]
    assert listed(None, date(2020, 3, 10)) == [timed_events["late_10th"]]
    assert listed(date(2020, 3, 12), date(2020, 3, 12)) == []


def test_audit_date_range_backwards_is_refused(demo_url: str, demo_db: Session, admin):
    flt = audit_log.AuditFilter(date_from=date(2026, 3, 11), date_to=date(2026, 3, 10))
    error = rejected(
        demo_url, demo_db, ValidationFailed, lambda: audit_log.list_events(demo_db, admin, flt)
    )
    assert (error.code, error.field) == ("error.date_range", "date_to")


def test_audit_filters_by_actor_action_and_entity(demo_db: Session, admin, target, timed_events):
    users.unlock(demo_db, admin, target.id)
    users.set_limit(demo_db, admin, target.id, "kasko", "1000", "1000")

    def listed(**kw) -> Page:
        return audit_log.list_events(demo_db, admin, audit_log.AuditFilter(**kw), 1, 200)

    mine = listed(actor_code="  BT.ADMIN ")
    assert [(r.action, r.actor_code) for r in mine.rows] == [
        ("user.limit", "bt.admin"),
        ("user.unlock", "bt.admin"),
    ]
    assert _ids(listed(actor_code="gm.onay")) == [
        timed_events["early_11th"],
        timed_events["late_10th"],
    ]
    assert _ids(listed(action="quote.")) == [timed_events["end_11th"], timed_events["late_10th"]]
    assert [r.action for r in listed(action="office.").rows] == ["office.create"] * 9
    assert [r.action for r in listed(action="user.create").rows] == ["user.create"] * 10
    assert len(listed(action="user.limit").rows) == 8 * 2 + 1  # demo: 8 users × 2 lines, + ours
    by_entity = listed(entity_type="user", entity_id=str(target.id), actor_code="bt.admin")
    assert [r.action for r in by_entity.rows] == ["user.limit", "user.unlock"]
    assert listed(actor_code="kimse").total == 0


# ---------------------------------------------------------------- paging


@pytest.mark.parametrize(
    ("page", "size", "expected"),
    [
        (1, 25, (1, 25)),
        (3, 10, (3, 10)),
        ("3", "10", (3, 10)),
        (0, 0, (1, 1)),
        (-4, -5, (1, 1)),
        (1, 10_000, (1, MAX_PAGE_SIZE)),
        ("abc", 10, (1, 25)),
        (None, None, (1, 25)),
        (2.9, 7.2, (2, 7)),
    ],
)
def test_clamp(page, size, expected):
    assert clamp(page, size) == expected


def test_list_users_pages_and_clamps(demo_db: Session, admin):
    codes = sorted(
        u.code
        for u in [
            user_of(demo_db, c)
            for c in (
                "bt.admin",
                "gm.onay",
                "gm.mudur",
                "sube.ankara",
                "sube.istanbul",
                "acente.a1",
                "acente.a2",
                "acente.b1",
                "acente.b2",
                "acente.c1",
            )
        ]
    )
    second = users.list_users(demo_db, admin, "", 2, 3)
    assert (
        [r.code for r in second.rows],
        second.total,
        second.page,
        second.size,
        second.pages,
    ) == (codes[3:6], 10, 2, 3, 4)
    wild = users.list_users(demo_db, admin, "", -1, 10_000)
    assert ([r.code for r in wild.rows], wild.page, wild.size, wild.pages) == (
        codes,
        1,
        MAX_PAGE_SIZE,
        1,
    )
    junk = users.list_users(demo_db, admin, "", "x", "y")
    assert (junk.page, junk.size, len(junk.rows)) == (1, 25, 10)
    beyond = users.list_users(demo_db, admin, "", 99, 3)
    assert (beyond.rows, beyond.total) == ([], 10)
    found = users.list_users(demo_db, admin, " ACENTE.A", 1, 25)
    assert [r.code for r in found.rows] == ["acente.a1", "acente.a2"]


def test_audit_list_clamps_paging(demo_db: Session, admin):
    total = audit_log.list_events(demo_db, admin, audit_log.AuditFilter(), 1, 1).total
    page = audit_log.list_events(demo_db, admin, audit_log.AuditFilter(), 0, -3)
    assert (page.page, page.size, len(page.rows), page.total) == (1, 1, 1, total)
    junk = audit_log.list_events(demo_db, admin, audit_log.AuditFilter(), "x", "y")
    assert (junk.page, junk.size, len(junk.rows), junk.total) == (1, 25, 25, total)
    assert Page(total=0, size=25).pages == 1
