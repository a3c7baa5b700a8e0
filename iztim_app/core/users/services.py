"""User administration (IT staff, `user.manage`); the acting user is built in `actor.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.auth.throttle import clear_throttle
from iztim_app.core.email_address import is_email
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.lines import known_lines
from iztim_app.core.money import KURUS, parse_amount
from iztim_app.core.organisation.models import Office, OfficeKind
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.sessions.services import end_all_sessions
from iztim_app.core.users import passwords
from iztim_app.core.users.actor import Actor
from iztim_app.core.users.models import AuthorityLimit, User, UserPermission
from iztim_app.core.users.permissions import (
    AGENCY_FORBIDDEN,
    PERMISSION_CODES,
    ROLES,
    Scope,
    effective_scope,
)

USER_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class UserRow:
    id: int
    code: str
    name: str
    office_name: str
    role: str
    active: bool
    locked: bool


@dataclass(frozen=True)
class LimitRow:
    line_code: str
    quote_limit: Decimal
    policy_limit: Decimal


@dataclass(frozen=True)
class UserDetail:
    id: int
    code: str
    name: str
    email: str
    office_id: int
    office_name: str
    is_agency: bool
    role: str
    view_scope: str
    lang: str
    active: bool
    locked: bool
    must_change_password: bool
    permissions: tuple[str, ...]
    limits: tuple[LimitRow, ...]


def _snapshot(db: Session, user: User) -> dict:
    perms = sorted(
        db.exec(select(UserPermission.permission).where(UserPermission.user_id == user.id)).all()
    )
    return {
        "code": user.code,
        "name": user.name,
        "email": user.email,
        "office_id": user.office_id,
        "role": user.role,
        "view_scope": user.view_scope,
        "lang": user.lang,
        "active": user.active,
        "locked": user.locked,
        "permissions": perms,
    }


def _get_user(db: Session, user_id: int) -> User:
    try:
        user = db.get(User, int(user_id))
    except (TypeError, ValueError):
        user = None
    if user is None:
        raise NotFound()
    return user


def _office(db: Session, office_id) -> Office:  # noqa: ANN001
    try:
        office = db.get(Office, int(office_id))
    except (TypeError, ValueError):
        office = None
    if office is None or not office.active:
        raise ValidationFailed("user.office_invalid", field="office_id")
    return office


# ---------------------------------------------------------------- reading


def list_users(
    db: Session, actor: Actor, search: str = "", page: int = 1, size: int = 25
) -> Page[UserRow]:
    actor.require("user.manage")
    query = select(User, Office.name).join(Office, Office.id == User.office_id)
    term = (search or "").strip().lower()
    if term:
        like = f"%{term}%"
        query = query.where(
            sa.or_(sa.func.lower(User.code).like(like), sa.func.lower(User.name).like(like))
        )
    rows, total, page, size = fetch_page(db, query.order_by(User.code), page, size)
    return Page(
        rows=[
            UserRow(u.id, u.code, u.name, office_name, u.role, u.active, u.locked)
            for u, office_name in rows
        ],
        total=total,
        page=page,
        size=size,
    )


def get_user(db: Session, actor: Actor, user_id: int) -> UserDetail:
    actor.require("user.manage")
    user = _get_user(db, user_id)
    office = db.get(Office, user.office_id)
    perms = db.exec(
        select(UserPermission.permission).where(UserPermission.user_id == user.id)
    ).all()
    limits = db.exec(
        select(AuthorityLimit)
        .where(AuthorityLimit.user_id == user.id)
        .order_by(AuthorityLimit.line_code)
    ).all()
    return UserDetail(
        id=user.id,
        code=user.code,
        name=user.name,
        email=user.email,
        office_id=user.office_id,
        office_name=office.name if office else "",
        is_agency=bool(office and office.kind == OfficeKind.AGENCY.value),
        role=user.role,
        view_scope=user.view_scope,
        lang=user.lang,
        active=user.active,
        locked=user.locked,
        must_change_password=user.must_change_password,
        permissions=tuple(sorted(perms)),
        limits=tuple(LimitRow(lim.line_code, lim.quote_limit, lim.policy_limit) for lim in limits),
    )


# ---------------------------------------------------------------- writing


def _set_grants(db: Session, user: User, permissions: set[str]) -> None:
    current = {
        p.permission: p
        for p in db.exec(select(UserPermission).where(UserPermission.user_id == user.id)).all()
    }
    for code in set(current) - permissions:
        db.delete(current[code])
    for code in sorted(permissions - set(current)):
        db.add(UserPermission(user_id=user.id, permission=code))


def _check_grants(permissions, office: Office) -> set[str]:  # noqa: ANN001
    perms = set(permissions or ())
    unknown = perms - PERMISSION_CODES
    if unknown:
        raise ValidationFailed(
            "user.permission_unknown", field="permissions", permission=sorted(unknown)[0]
        )
    if office.kind == OfficeKind.AGENCY.value and perms & AGENCY_FORBIDDEN:
        raise ValidationFailed(
            "user.permission_not_for_agency",
            field="permissions",
            permission=sorted(perms & AGENCY_FORBIDDEN)[0],
        )
    return perms


def create_user(
    db: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    office_id: int,
    role: str,
    password: str,
    email: str = "",
    lang: str = "tr",
    must_change_password: bool = True,
) -> UserDetail:
    """A new user starts from the role template; IT adjusts grants afterwards."""
    actor.require("user.manage")
    code = (code or "").strip().lower()
    name = (name or "").strip()
    email = (email or "").strip()
    if not USER_CODE_RE.match(code):
        raise ValidationFailed("user.code_invalid", field="code")
    if not name:
        raise ValidationFailed("error.required", field="name")
    if email and not is_email(email):
        raise ValidationFailed("user.email_invalid", field="email")
    office = _office(db, office_id)
    template = ROLES.get(role)
    if template is None:
        raise ValidationFailed("user.role_invalid", field="role")
    is_agency = office.kind == OfficeKind.AGENCY.value
    if is_agency and template.permissions & AGENCY_FORBIDDEN:
        raise ValidationFailed("user.role_not_for_agency", field="role")
    passwords.check_policy(password, field="password")
    if db.exec(select(User).where(sa.func.lower(User.code) == code)).first():
        raise Conflict("user.code_taken", code=code)
    user = User(
        code=code,
        name=name,
        email=email,
        office_id=office.id,
        role=template.code,
        view_scope=effective_scope(template.scope.value, is_agency).value,
        lang=lang if lang in ("tr", "en") else "tr",
        password_hash=passwords.hash_password(password),
        must_change_password=must_change_password,
        created_at=clock.utcnow(),
    )
    db.add(user)
    try:
        db.flush()
    except sa.exc.IntegrityError:
        db.rollback()
        raise Conflict("user.code_taken", code=code) from None
    _set_grants(db, user, set(template.permissions))
    db.flush()
    audit_log.record(db, actor, "user.create", "user", user.id, None, _snapshot(db, user))
    db.commit()
    return get_user(db, actor, user.id)


def update_user(
    db: Session,
    actor: Actor,
    user_id: int,
    *,
    name: str,
    email: str,
    office_id: int,
    view_scope: str,
    lang: str,
) -> UserDetail:
    actor.require("user.manage")
    user = _get_user(db, user_id)
    name = (name or "").strip()
    email = (email or "").strip()
    if not name:
        raise ValidationFailed("error.required", field="name")
    if email and not is_email(email):
        raise ValidationFailed("user.email_invalid", field="email")
    office = _office(db, office_id)
    try:
        scope = Scope(view_scope)
    except ValueError:
        raise ValidationFailed("user.scope_invalid", field="view_scope") from None
    is_agency = office.kind == OfficeKind.AGENCY.value
    granted = set(
        db.exec(select(UserPermission.permission).where(UserPermission.user_id == user.id)).all()
    )
    if is_agency and granted & AGENCY_FORBIDDEN:
        raise ValidationFailed(
            "user.permission_not_for_agency",
            field="office_id",
            permission=sorted(granted & AGENCY_FORBIDDEN)[0],
        )
    before = _snapshot(db, user)
    user.name, user.email, user.office_id = name, email, office.id
    user.view_scope = effective_scope(scope.value, is_agency).value
    user.lang = lang if lang in ("tr", "en") else user.lang
    after = _snapshot(db, user)
    if before != after:
        audit_log.record(db, actor, "user.update", "user", user.id, before, after)
    db.commit()
    return get_user(db, actor, user.id)


def set_permissions(db: Session, actor: Actor, user_id: int, permissions) -> UserDetail:  # noqa: ANN001
    """Per-user grants on top of the role template; every change is audited."""
    actor.require("user.manage")
    user = _get_user(db, user_id)
    office = db.get(Office, user.office_id)
    perms = _check_grants(permissions, office)
    if user.id == actor.user_id and "user.manage" not in perms:
        raise ValidationFailed("user.cannot_drop_own_admin", field="permissions")
    before = _snapshot(db, user)
    _set_grants(db, user, perms)
    db.flush()
    after = _snapshot(db, user)
    if before != after:
        audit_log.record(db, actor, "user.permissions", "user", user.id, before, after)
    db.commit()
    return get_user(db, actor, user.id)


def apply_role(db: Session, actor: Actor, user_id: int, role: str) -> UserDetail:
    """Reset a user's grants and scope to a role template."""
    actor.require("user.manage")
    user = _get_user(db, user_id)
    template = ROLES.get(role)
    if template is None:
        raise ValidationFailed("user.role_invalid", field="role")
    office = db.get(Office, user.office_id)
    is_agency = office.kind == OfficeKind.AGENCY.value
    if is_agency and template.permissions & AGENCY_FORBIDDEN:
        raise ValidationFailed("user.role_not_for_agency", field="role")
    if user.id == actor.user_id and "user.manage" not in template.permissions:
        raise ValidationFailed("user.cannot_drop_own_admin", field="role")
    before = _snapshot(db, user)
    user.role = template.code
    user.view_scope = effective_scope(template.scope.value, is_agency).value
    _set_grants(db, user, set(template.permissions))
    db.flush()
    audit_log.record(db, actor, "user.role", "user", user.id, before, _snapshot(db, user))
    db.commit()
    return get_user(db, actor, user.id)


def set_active(db: Session, actor: Actor, user_id: int, active: bool) -> UserDetail:
    """Disabling also ends the user's open sessions: they cannot act any more."""
    actor.require("user.manage")
    user = _get_user(db, user_id)
    if user.id == actor.user_id and not active:
        raise ValidationFailed("user.cannot_disable_self")
    before = _snapshot(db, user)
    user.active = bool(active)
    if not user.active:
        end_all_sessions(db, user.id)
    if before != _snapshot(db, user):
        audit_log.record(
            db,
            actor,
            "user.enable" if active else "user.disable",
            "user",
            user.id,
            before,
            _snapshot(db, user),
        )
    db.commit()
    return get_user(db, actor, user.id)


def unlock(db: Session, actor: Actor, user_id: int) -> UserDetail:
    actor.require("user.manage")
    user = _get_user(db, user_id)
    before = _snapshot(db, user)
    user.locked = False
    clear_throttle(db, user.code)
    audit_log.record(db, actor, "user.unlock", "user", user.id, before, _snapshot(db, user))
    db.commit()
    return get_user(db, actor, user.id)


def reset_password(db: Session, actor: Actor, user_id: int) -> str:
    """Returns a one-time password to hand over; it is never stored or logged in clear."""
    actor.require("user.manage")
    user = _get_user(db, user_id)
    temporary = passwords.temporary_password()
    user.password_hash = passwords.hash_password(temporary)
    user.must_change_password = True
    user.locked = False
    clear_throttle(db, user.code)
    end_all_sessions(db, user.id)
    audit_log.record(
        db, actor, "user.password_reset", "user", user.id, None, {"must_change_password": True}
    )
    db.commit()
    return temporary


def _parse_limit(text, field: str) -> Decimal:  # noqa: ANN001
    """An amount as IT types it; more decimals than kuruş are refused, never rounded."""
    return parse_amount(text, field, code="limit.invalid").quantize(KURUS)


def set_limit(
    db: Session, actor: Actor, user_id: int, line_code: str, quote_limit, policy_limit
) -> UserDetail:  # noqa: ANN001
    actor.require("user.manage")
    user = _get_user(db, user_id)
    if line_code not in known_lines(db):
        raise ValidationFailed("limit.line_unknown", field="line_code")
    q = _parse_limit(quote_limit, "quote_limit")
    p = _parse_limit(policy_limit, "policy_limit")
    row = db.exec(
        select(AuthorityLimit).where(
            AuthorityLimit.user_id == user.id, AuthorityLimit.line_code == line_code
        )
    ).first()
    before = (
        {"line": line_code, "quote_limit": row.quote_limit, "policy_limit": row.policy_limit}
        if row
        else None
    )
    if row is None:
        row = AuthorityLimit(user_id=user.id, line_code=line_code, quote_limit=q, policy_limit=p)
        db.add(row)
    else:
        row.quote_limit, row.policy_limit = q, p
    after = {"line": line_code, "quote_limit": q, "policy_limit": p}
    audit_log.record(db, actor, "user.limit", "user", user.id, before, after)
    db.commit()
    return get_user(db, actor, user.id)


def remove_limit(db: Session, actor: Actor, user_id: int, line_code: str) -> UserDetail:
    actor.require("user.manage")
    user = _get_user(db, user_id)
    row = db.exec(
        select(AuthorityLimit).where(
            AuthorityLimit.user_id == user.id, AuthorityLimit.line_code == line_code
        )
    ).first()
    if row is None:
        raise NotFound()
    before = {"line": line_code, "quote_limit": row.quote_limit, "policy_limit": row.policy_limit}
    db.delete(row)
    audit_log.record(db, actor, "user.limit_remove", "user", user.id, before, None)
    db.commit()
    return get_user(db, actor, user.id)


def set_own_language(db: Session, actor: Actor, lang: str) -> None:
    actor.require_ready()
    if lang not in ("tr", "en"):
        raise ValidationFailed("error.invalid", field="lang")
    user = _get_user(db, actor.user_id)
    if user.lang != lang:
        audit_log.record(
            db, actor, "user.language", "user", user.id, {"lang": user.lang}, {"lang": lang}
        )
        user.lang = lang
        db.commit()
