"""Reflex states without a browser: what reaches the browser, and what a forged or
unpermitted call can do (nothing)."""

from __future__ import annotations

import hashlib
import urllib.parse
from typing import Any

import pytest
from reflex.state import State
from reflex.utils.format import json_dumps
from sqlmodel import Session, select

from iztim_app import i18n
from iztim_app.core.sessions.models import UserSession
from iztim_app.core.users.models import User
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.states.admin_users import UsersState
from iztim_app.states.approvals import ApprovalState
from iztim_app.states.audit import AuditState
from iztim_app.states.password import PasswordState
from iztim_app.states.session import AppState, SessionState
from tests.foundation.browser_tab import (
    follow_sign_in,
    script_target,
    sign_in,
    sub,
    token_of,
    use_cookie,
)
from tests.foundation.support import PBKDF2_PREFIX, office_of, snapshot, user_of

OURS = (SessionState, AppState, UsersState)
NEW_USER_FORM = {
    "code": "yeni.kullanici",
    "name": "Yeni Kullanıcı",
    "office_id": "1",
    "role": "manager",
    "password": "Yeni.Parola.1",
    "email": "yeni@iztim.example",
    "lang": "tr",
}


@pytest.fixture
def root(demo_url: str) -> State:
    """A browser tab's whole state tree, served from the test database."""
    return State(_reflex_internal_init=True)


def browser_payloads(root: State) -> list[str]:
    """Everything the browser could get: the whole state and the pending delta, serialized."""
    return [json_dumps(root.dict()), json_dumps(root.get_delta())]


def assert_plain(value: Any, where: str) -> None:
    """Only JSON's own types: DTO dicts and lists of strings, numbers and booleans."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), where
            assert_plain(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert_plain(item, f"{where}[{i}]")
    else:
        assert value is None or isinstance(value, str | int | float | bool), (where, type(value))


def _secrets(db: Session) -> list[str]:
    db.expire_all()
    found = []
    for user in db.exec(select(User)).all():
        found.append(user.password_hash)
        _, scheme, rounds, salt, checksum = user.password_hash.split("$")
        assert (scheme, rounds) == ("pbkdf2-sha256", "29000")
        found.extend((salt, checksum))
    found.extend(s.token_hash for s in db.exec(select(UserSession)).all())
    return found


def test_no_password_or_token_hash_reaches_the_browser(demo_db: Session, root: State):
    # given bt.admin signed in on the users screen, with another user's record open
    sign_in(root, "bt.admin")
    users = sub(root, UsersState)
    users.load()
    assert users.error == ""
    other = user_of(demo_db, "acente.a1")
    users.open_user(str(other.id))
    own = user_of(demo_db, "bt.admin")

    # then the screen shows what it should …
    codes = sorted(demo_db.exec(select(User.code)).all())
    assert [r["code"] for r in users.rows] == codes
    assert (users.selected["code"], users.selected["email"]) == (
        "acente.a1",
        "acente.a1@iztim.example",
    )
    assert users.selected_perms == [
        "payment.record",
        "policy.issue",
        "policy.view",
        "quote.create",
        "quote.view",
        "report.view",
    ]
    assert [lim["line_code"] for lim in users.selected_limits] == ["kasko", "konut"]

    # … and no hash, salt or token hash of anyone is anywhere the browser can read
    secrets = _secrets(demo_db)
    assert len(secrets) == 10 * 3 + 1
    payloads = browser_payloads(root)
    assert "acente.a1@iztim.example" in payloads[0] and "acente.a1@iztim.example" in payloads[1]
    for text in payloads:
        assert PBKDF2_PREFIX not in text and "pbkdf2" not in text and "password_hash" not in text
        assert [s for s in secrets if s in text] == []
        assert own.password_hash not in text and other.password_hash not in text
        assert token_of(root) not in text  # the cookie stays on the server
        assert hashlib.sha256(token_of(root).encode()).hexdigest() not in text
    full = root.dict()
    for cls in OURS:
        assert_plain(full[cls.get_full_name()], cls.__name__)


def test_temporary_password_is_shown_once_to_it_only(demo_db: Session, root: State):
    sign_in(root, "bt.admin")
    users = sub(root, UsersState)
    users.load()
    users.open_user(str(user_of(demo_db, "sube.ankara").id))
    users.reset_password()
    shown = users.temporary_password
    assert shown.startswith("Geçici şifre: ")
    temporary = shown.removeprefix("Geçici şifre: ").split(" ")[0]
    assert len(temporary) == 10
    assert user_of(demo_db, "sube.ankara").must_change_password is True
    users.load()
    assert users.temporary_password == ""
    for text in browser_payloads(root):
        assert temporary not in text


@pytest.mark.parametrize("token", ["", "forged-token-0123456789abcdefghijklmnopqrstuvw", "x" * 300])
def test_forged_token_changes_nothing_and_signs_the_state_out(
    demo_url: str, root: State, token: str
):
    # given a tab whose token opens no session
    session = sub(root, SessionState)
    use_cookie(root, token)
    users = sub(root, UsersState)
    before = snapshot(demo_url)
    # when it calls the create handler directly, as any browser may
    users.create(dict(NEW_USER_FORM))
    users.load()
    # then nothing was written and the state is signed out, with no data
    assert snapshot(demo_url) == before
    assert (session.signed_in, session.user_code, session.perms) == (False, "", [])
    assert (users.rows, users.selected, users.message) == ([], {}, "")


def test_token_replaced_mid_session_signs_out(demo_url: str, demo_db: Session, root: State):
    session = sign_in(root, "bt.admin")
    users = sub(root, UsersState)
    users.load()
    before = snapshot(demo_url)
    # when the token is replaced by a forged one and a write is attempted
    use_cookie(root, "forged-token-0123456789abcdefghijklmnopqrstuvw")
    users.create(dict(NEW_USER_FORM))
    # then
    assert snapshot(demo_url) == before
    assert demo_db.exec(select(User).where(User.code == "yeni.kullanici")).first() is None
    assert (session.signed_in, session.perms) == (False, [])
    assert session.sign_in_error == i18n.translate("auth.session_ended", "tr")


def test_signed_out_token_cannot_act(demo_url: str, root: State):
    session = sign_in(root, "bt.admin")
    token = token_of(root)
    session.sign_out()
    assert session.signed_in is False
    # a stolen copy of the old token, replayed
    use_cookie(root, token)
    before = snapshot(demo_url)
    sub(root, UsersState).create(dict(NEW_USER_FORM))
    assert snapshot(demo_url) == before
    assert session.signed_in is False


def test_agency_user_gets_permission_denied_and_nothing_is_created(
    demo_url: str, demo_db: Session, root: State
):
    # given acente.a1 signed in
    session = sign_in(root, "acente.a1")
    assert session.is_agency is True
    assert "user.manage" not in session.perms
    users = sub(root, UsersState)
    before = snapshot(demo_url)
    # when the browser calls the user-creating handler anyway
    users.create(
        {**NEW_USER_FORM, "office_id": str(office_of(demo_db, "A-ACENTE-A").id), "role": "it_admin"}
    )
    # then
    assert users.error == "Bu işlem için yetkiniz yok."
    assert users.message == ""
    assert session.signed_in is True
    assert snapshot(demo_url) == before
    assert demo_db.exec(select(User).where(User.code == "yeni.kullanici")).first() is None
    # and the users screen itself shows no data
    users.load()
    assert (users.error, users.rows, users.total, users.selected) == (
        "Bu işlem için yetkiniz yok.",
        [],
        0,
        {},
    )
    assert all(option[1].endswith("(A-ACENTE-A)") for option in users.office_options)


def test_next_user_on_the_same_tab_sees_none_of_the_previous_users_screen(
    demo_db: Session, root: State
):
    # given bt.admin had the users screen open, then signed out on a shared computer
    session = sign_in(root, "bt.admin")
    users = sub(root, UsersState)
    users.load()
    users.open_user(str(user_of(demo_db, "gm.onay").id))
    assert len(users.rows) == 10
    assert users.selected["email"] == "gm.onay@iztim.example"
    assert users.selected_limits[0]["quote"] == "100.000.000,00 ₺"
    session.sign_out()
    # when an agency user signs in on the same tab and the users page loads
    sign_in(root, "acente.a1")
    users.load()
    # then none of the admin's data is left on the screen
    assert users.error == "Bu işlem için yetkiniz yok."
    assert (users.rows, users.selected, users.selected_perms, users.selected_limits) == (
        [],
        {},
        [],
        [],
    )
    assert users.total == 0
    assert all(option[1].endswith("(A-ACENTE-A)") for option in users.office_options)
    for text in browser_payloads(root):  # (demo mode lists demo codes and names, never e-mails)
        assert "@iztim.example" not in text and "100.000.000,00" not in text


def test_next_user_on_the_same_tab_sees_none_of_the_previous_audit_screen(root: State):
    session = sign_in(root, "bt.admin")
    audit = sub(root, AuditState)
    audit.apply({"actor_code": "demo", "action": "user.create"})
    assert [r["action"] for r in audit.rows] == ["user.create"] * 10
    session.sign_out()
    sign_in(root, "sube.ankara")
    audit.load()
    assert audit.error == "Bu işlem için yetkiniz yok."
    assert (audit.rows, audit.filters, audit.total) == ([], {}, 0)


# ---------------------------------------------------------------- the session cookie


def test_sign_in_keeps_no_token_or_hand_off_code_in_the_state(demo_db: Session, root: State):
    session = sub(root, SessionState)
    # when the sign-in form is sent
    spec = session.sign_in({"user_code": "bt.admin", "password": DEMO_PASSWORD})
    # then the browser is sent (a full page load) to the cookie route, back to this page
    url = urllib.parse.urlsplit(script_target(spec))
    query = urllib.parse.parse_qs(url.query)
    assert (url.path, query["next"]) == ("/auth/session", ["/"])
    [code] = query["code"]
    # and neither the code nor any token is in any var the browser receives
    assert "token" not in SessionState.get_fields()
    for text in browser_payloads(root):
        assert code not in text
    # the page loads with the cookie: signed in, still nothing secret in the state
    token = follow_sign_in(root, spec)
    assert (session.signed_in, session.user_code) == (True, "bt.admin")
    for text in browser_payloads(root):
        assert code not in text and token not in text and "iztim_session" not in text


def test_sign_out_ends_the_session_then_clears_the_cookie(demo_db: Session, root: State):
    session = sign_in(root, "bt.admin")
    token = token_of(root)
    spec = session.sign_out()
    assert script_target(spec) == "/auth/signed-out"
    assert session.signed_in is False
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    ended = demo_db.exec(select(UserSession).where(UserSession.token_hash == token_hash)).one()
    assert ended.ended_at is not None


def test_the_tab_signs_in_from_its_address_and_that_address_is_throttled(
    demo_db: Session, root: State
):
    session = sub(root, SessionState)
    use_cookie(root, None, client_ip="192.0.2.66")
    # given ten wrong passwords from one address, for ten different codes
    for n in range(10):
        session.sign_in({"user_code": f"deneme.{n}", "password": "Yanlis.2026"})
        assert session.sign_in_error.startswith("Kullanıcı kodu veya şifre hatalı")
    # then the next attempt from there waits, whatever the code
    assert session.sign_in({"user_code": "bt.admin", "password": DEMO_PASSWORD}) is None
    assert session.sign_in_error.startswith("Çok fazla hatalı deneme. ")
    assert session.signed_in is False
    # while another address signs in
    use_cookie(root, None, client_ip="10.0.0.1")
    sign_in(root, "bt.admin")


def test_a_pending_temporary_password_shows_only_the_password_change(demo_db: Session, root: State):
    # given IT reset gm.onay's password, and gm.onay signs in with the temporary one
    sign_in(root, "bt.admin")
    users = sub(root, UsersState)
    users.load()
    users.open_user(str(user_of(demo_db, "gm.onay").id))
    users.reset_password()
    temporary = users.temporary_password.removeprefix("Geçici şifre: ").split(" ")[0]
    sub(root, SessionState).sign_out()
    session = sign_in(root, "gm.onay", temporary)
    assert session.must_change_password is True
    # when a screen's handler is called anyway, it is refused with the reason
    approvals = sub(root, ApprovalState)
    approvals.load()
    assert approvals.error == "Önce geçici şifrenizi değiştirmeniz gerekiyor."
    assert approvals.rows == []
    # when the password is changed, the screens answer again
    sub(root, PasswordState).change(
        {"current": temporary, "new": "Kendi.Parolam.9", "repeat": "Kendi.Parolam.9"}
    )
    assert session.must_change_password is False
    approvals.load()
    assert approvals.error == ""
