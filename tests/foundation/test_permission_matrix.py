"""Every role × every administration service: allowed exactly when the role's effective
permissions hold the service's declared permission; a denial changes nothing at all.

Every service that reads or writes data (quotes, customers, tariffs, outbox, and these) is
in test_service_matrix.py: allowed actor, no permission, another agency, pending password."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session, select

from iztim_app.core.audit import services as audit_services
from iztim_app.core.auth import services as auth_services
from iztim_app.core.db import session_scope
from iztim_app.core.errors import PermissionDenied
from iztim_app.core.organisation import services as office_services
from iztim_app.core.organisation.models import OfficeKind
from iztim_app.core.paging import Page
from iztim_app.core.sessions import services as session_services
from iztim_app.core.users import services as user_services
from iztim_app.core.users.models import User, UserPermission
from iztim_app.core.users.permissions import (
    AGENCY_FORBIDDEN,
    PERMISSION_CODES,
    ROLES,
    Scope,
    effective_permissions,
    effective_scope,
)
from tests.foundation.fixtures_db import ROLE_PASSWORD, role_office, role_user_code
from tests.foundation.support import (
    actor_of,
    assert_session_clean,
    audit_since,
    last_audit_id,
    office_of,
    snapshot,
    user_of,
)

# ---------------------------------------------------------------- the declared table


@dataclass(frozen=True)
class Service:
    name: str
    required: str
    call: Callable[[Session, Any], Any]
    writes: str | None  # the audit action an allowed call records; None for reads
    check: Callable[[Session, Any], None] = lambda db, result: None


def _target(db: Session) -> int:
    return user_of(db, "sube.ankara").id


def _check_list_users(db: Session, result: Page) -> None:
    codes = sorted(db.exec(select(User.code)).all())
    assert (result.total, [r.code for r in result.rows]) == (len(codes), codes)


def _check_list_events(db: Session, result: Page) -> None:
    assert result.total == len(db.exec(select(audit_services.AuditEvent.id)).all()) > 0


SERVICES: tuple[Service, ...] = (
    Service(
        "users.list_users",
        "user.manage",
        lambda db, a: user_services.list_users(db, a, "", 1, 100),
        None,
        _check_list_users,
    ),
    Service(
        "users.get_user",
        "user.manage",
        lambda db, a: user_services.get_user(db, a, _target(db)),
        None,
        lambda db, r: assert_equal(r.code, "sube.ankara"),
    ),
    Service(
        "users.create_user",
        "user.manage",
        lambda db, a: user_services.create_user(
            db,
            a,
            code="yeni.kullanici",
            name="Yeni Kullanıcı",
            office_id=office_of(db, "GM").id,
            role="manager",
            password="Yeni.2026x",
            email="yeni@iztim.example",
        ),
        "user.create",
        lambda db, r: assert_equal(user_of(db, "yeni.kullanici").id, r.id),
    ),
    Service(
        "users.update_user",
        "user.manage",
        lambda db, a: user_services.update_user(
            db,
            a,
            _target(db),
            name="Ankara Operasyon",
            email="ankara@iztim.example",
            office_id=office_of(db, "S-ANKARA").id,
            view_scope="office",
            lang="en",
        ),
        "user.update",
        lambda db, r: assert_equal(
            (r.name, r.view_scope, r.lang), ("Ankara Operasyon", "office", "en")
        ),
    ),
    Service(
        "users.set_permissions",
        "user.manage",
        lambda db, a: user_services.set_permissions(
            db, a, _target(db), ["quote.view", "policy.view"]
        ),
        "user.permissions",
        lambda db, r: assert_equal(r.permissions, ("policy.view", "quote.view")),
    ),
    Service(
        "users.apply_role",
        "user.manage",
        lambda db, a: user_services.apply_role(db, a, _target(db), "manager"),
        "user.role",
        lambda db, r: assert_equal(
            (r.role, r.permissions), ("manager", tuple(sorted(ROLES["manager"].permissions)))
        ),
    ),
    Service(
        "users.set_active",
        "user.manage",
        lambda db, a: user_services.set_active(db, a, _target(db), False),
        "user.disable",
        lambda db, r: assert_equal(r.active, False),
    ),
    Service(
        "users.unlock",
        "user.manage",
        lambda db, a: user_services.unlock(db, a, _target(db)),
        "user.unlock",
        lambda db, r: assert_equal((r.locked, user_of(db, "sube.ankara").locked), (False, False)),
    ),
    Service(
        "users.reset_password",
        "user.manage",
        lambda db, a: user_services.reset_password(db, a, _target(db)),
        "user.password_reset",
        lambda db, r: assert_equal(
            (len(r), user_of(db, "sube.ankara").must_change_password), (10, True)
        ),
    ),
    Service(
        "users.set_limit",
        "user.manage",
        lambda db, a: user_services.set_limit(
            db, a, _target(db), "kasko", "1.000.000,00", "2.000.000,00"
        ),
        "user.limit",
        lambda db, r: assert_equal(
            [(x.line_code, str(x.quote_limit), str(x.policy_limit)) for x in r.limits][0],
            ("kasko", "1000000.00", "2000000.00"),
        ),
    ),
    Service(
        "users.remove_limit",
        "user.manage",
        lambda db, a: user_services.remove_limit(db, a, _target(db), "konut"),
        "user.limit_remove",
        lambda db, r: assert_equal([x.line_code for x in r.limits], ["kasko"]),
    ),
    Service(
        "organisation.create_office",
        "user.manage",
        lambda db, a: office_services.create_office(
            db,
            a,
            code="S-IZMIR",
            name="İzmir Şube",
            kind="branch",
            parent_id=office_of(db, "B-MARMARA").id,
        ),
        "office.create",
        lambda db, r: assert_equal(
            (r.code, r.depth, r.parent_name), ("S-IZMIR", 2, "Marmara Bölge Müdürlüğü")
        ),
    ),
    Service(
        "organisation.update_office",
        "user.manage",
        lambda db, a: office_services.update_office(
            db, a, office_of(db, "S-BURSA").id, name="Bursa Şube Müdürlüğü", active=True
        ),
        "office.update",
        lambda db, r: assert_equal(office_of(db, "S-BURSA").name, "Bursa Şube Müdürlüğü"),
    ),
    Service(
        "audit.list_events",
        "audit.view",
        lambda db, a: audit_services.list_events(db, a, audit_services.AuditFilter(), 1, 200),
        None,
        _check_list_events,
    ),
)

# Functions taking an actor that are deliberately not permission-gated, with the reason.
NOT_GATED = {
    "audit.record": "the audit writer, called inside other services' transactions",
    "organisation.list_offices": "everyone sees their own office; filtered inside",
    "users.set_own_language": "a user's own preference",
    "auth.change_password": "a user's own password, proven by the current one",
    "auth.must_change_password": "a user's own flag",
}
MODULES = {
    "users": user_services,
    "organisation": office_services,
    "audit": audit_services,
    "auth": auth_services,
}


def assert_equal(actual: Any, expected: Any) -> None:
    assert actual == expected


def test_every_service_taking_an_actor_is_in_the_matrix():
    found = set()
    for prefix, module in MODULES.items():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if len(params) >= 2 and params[1] == "actor":
                found.add(f"{prefix}.{name}")
    assert found - set(NOT_GATED) == {s.name for s in SERVICES}
    assert set(NOT_GATED) <= found


def test_matrix_has_both_outcomes_for_every_service():
    """Guards the generated matrix against being all-allow or all-deny."""
    for service in SERVICES:
        outcomes = {service.required in _expected_permissions(role) for role in ROLES}
        assert outcomes == {True, False}, service.name


def _expected_permissions(role: str) -> frozenset[str]:
    is_agency = role_office(role).startswith("A-")
    return effective_permissions(ROLES[role].permissions, is_agency)


# ---------------------------------------------------------------- the matrix


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_against_service(role: str, service: Service, matrix_url: str):
    with session_scope(matrix_url) as db:
        # given a user made from the role template, in an office of the right kind
        actor = actor_of(db, role_user_code(role))
        office = office_of(db, role_office(role))
        assert actor.is_agency == (office.kind == OfficeKind.AGENCY.value)
        assert actor.permissions == _expected_permissions(role)
        allowed = service.required in actor.permissions
        before = snapshot(matrix_url)
        last = last_audit_id(db)

        if not allowed:
            # when / then: refused, and not one row anywhere changed
            with pytest.raises(PermissionDenied) as refused:
                service.call(db, actor)
            assert refused.value.code == "error.permission_denied"
            assert refused.value.params == {"permission": service.required}
            assert_session_clean(db)
            db.commit()  # even a caller that commits after the refusal persists nothing
            assert snapshot(matrix_url) == before
            return

        # when allowed
        result = service.call(db, actor)
        # then
        service.check(db, result)
        new_events = audit_since(db, last)
        if service.writes is None:
            assert new_events == []
            assert snapshot(matrix_url) == before
        else:
            assert [(e.action, e.actor_code, e.actor_id) for e in new_events] == [
                (service.writes, actor.code, actor.user_id)
            ]
            assert snapshot(matrix_url) != before


# ---------------------------------------------------------------- agencies


def test_agency_user_with_forbidden_grants_in_the_database_still_cannot_use_them(
    demo_url: str, demo_db: Session
):
    # given acente.a1 with every agency-forbidden grant and scope "all" written straight to the DB
    user = user_of(demo_db, "acente.a1")
    for code in sorted(AGENCY_FORBIDDEN):
        demo_db.add(UserPermission(user_id=user.id, permission=code))
    user.view_scope = Scope.ALL.value
    demo_db.add(user)
    demo_db.commit()
    granted = set(
        demo_db.exec(
            select(UserPermission.permission).where(UserPermission.user_id == user.id)
        ).all()
    )
    assert granted == set(ROLES["agency_user"].permissions) | AGENCY_FORBIDDEN

    # when the actor is built (directly and through a real sign-in)
    actor = actor_of(demo_db, "acente.a1")
    signed_in = auth_services.sign_in(demo_db, "acente.a1", "Demo.2026")
    via_session = session_services.resolve_session(demo_db, signed_in.token)

    # then the forbidden grants are gone and the scope is own records
    for built in (actor, signed_in.actor, via_session):
        assert built.permissions == ROLES["agency_user"].permissions
        assert built.permissions & AGENCY_FORBIDDEN == frozenset()
        assert built.scope is Scope.OWN
    owner, office_id, path = User.id, User.office_id, User.code  # any three columns
    assert actor.visible(owner, office_id, path).compare(owner == actor.user_id)

    # and every gated service refuses, changing nothing
    before = snapshot(demo_url)
    for service in SERVICES:
        with pytest.raises(PermissionDenied):
            service.call(demo_db, actor)
        assert_session_clean(demo_db)
        demo_db.commit()
    assert snapshot(demo_url) == before


@pytest.mark.parametrize("scope", [s.value for s in Scope] + ["", "everything"])
def test_effective_scope(scope: str):
    assert effective_scope(scope, is_agency=True) is Scope.OWN
    expected = Scope(scope) if scope in {s.value for s in Scope} else Scope.OWN
    assert effective_scope(scope, is_agency=False) is expected


def test_effective_permissions_drop_unknown_codes_and_agency_forbidden():
    granted = {"quote.create", "user.manage", "made.up"}
    assert effective_permissions(granted, is_agency=False) == {"quote.create", "user.manage"}
    assert effective_permissions(granted, is_agency=True) == {"quote.create"}
    assert (
        effective_permissions(PERMISSION_CODES, is_agency=True)
        == PERMISSION_CODES - AGENCY_FORBIDDEN
    )


def test_agency_user_scope_stays_own_when_it_edits_it(demo_db: Session, admin):
    # given an agency user; when IT asks for scope "all"
    detail = user_services.update_user(
        demo_db,
        admin,
        user_of(demo_db, "acente.b1").id,
        name="Acente B Kullanıcı 1",
        email="acente.b1@iztim.example",
        office_id=office_of(demo_db, "A-ACENTE-B").id,
        view_scope="all",
        lang="tr",
    )
    # then it is stored as own records
    assert detail.view_scope == "own"
    assert user_of(demo_db, "acente.b1").view_scope == "own"


def test_role_users_sign_in(matrix_url: str):
    """The matrix users are real users: each signs in with its template's effective grants."""
    with session_scope(matrix_url) as db:
        for role in ROLES:
            result = auth_services.sign_in(db, role_user_code(role), ROLE_PASSWORD)
            assert result.actor.permissions == _expected_permissions(role)
