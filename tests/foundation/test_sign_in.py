"""Sign-in, throttling, lock-out, sessions and passwords (time moves through `now=`)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from passlib.hash import pbkdf2_sha256
from sqlmodel import Session, select

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.auth import services as auth
from iztim_app.core.auth.models import SignInThrottle, UserSession
from iztim_app.core.demo import DEMO_PASSWORD
from iztim_app.core.errors import AuthenticationFailed, ValidationFailed
from iztim_app.core.users import passwords
from iztim_app.core.users import services as users
from iztim_app.core.users.models import User
from iztim_app.core.users.permissions import ROLES
from tests.foundation.fixtures_db import IDLE_MINUTES
from tests.foundation.support import (
    PBKDF2_PREFIX,
    actor_of,
    all_cell_texts,
    audit_events,
    audit_since,
    last_audit_id,
    office_of,
    snapshot,
    user_of,
)

CODE = "sube.ankara"


def refused(db: Session, code: str, password: str, now) -> AuthenticationFailed:  # noqa: ANN001
    with pytest.raises(AuthenticationFailed) as exc:
        auth.sign_in(db, code, password, now=now)
    return exc.value


def throttle_row(db: Session, key: str) -> SignInThrottle | None:
    db.expire_all()
    return db.exec(select(SignInThrottle).where(SignInThrottle.user_key == key)).first()


def sessions_of(db: Session, user_id: int) -> list[UserSession]:
    db.expire_all()
    return list(
        db.exec(
            select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)
        ).all()
    )


@pytest.fixture
def t0():
    return clock.utcnow().replace(microsecond=0)


# ---------------------------------------------------------------- signing in


def test_sign_in_opens_a_session_stored_as_a_token_hash(demo_url: str, demo_db: Session, t0):
    user = user_of(demo_db, CODE)
    last = last_audit_id(demo_db)
    # when (the code is case-insensitive)
    result = auth.sign_in(demo_db, "  Sube.Ankara ", DEMO_PASSWORD, now=t0)
    # then
    assert (result.actor.code, result.actor.user_id, result.must_change_password) == (
        CODE,
        user.id,
        False,
    )
    assert result.actor.permissions == ROLES["branch_staff"].permissions
    assert len(result.token) >= 40
    [session] = sessions_of(demo_db, user.id)
    assert session.token_hash == hashlib.sha256(result.token.encode()).hexdigest()
    assert result.token not in {c[2] for c in all_cell_texts(demo_url)}
    assert (session.created_at, session.last_seen_at, session.ended_at) == (t0, t0, None)
    assert auth.resolve_session(demo_db, result.token, now=t0).user_id == user.id
    [event] = audit_since(demo_db, last)
    assert (event.action, event.actor_code, event.actor_id, event.entity_id) == (
        "auth.sign_in",
        CODE,
        user.id,
        str(user.id),
    )


def test_wrong_password_and_unknown_code_give_the_same_message(demo_db: Session, t0):
    wrong = refused(demo_db, CODE, "Yanlis.2026", t0)
    unknown = refused(demo_db, "kimse.yok", DEMO_PASSWORD, t0)
    empty = refused(demo_db, "", DEMO_PASSWORD, t0)
    assert wrong.code == unknown.code == empty.code == "auth.failed"
    assert i18n.error_text(wrong, "tr") == "Kullanıcı kodu veya şifre hatalı."
    assert i18n.error_text(unknown, "en") == "Wrong user code or password."
    assert [e.action for e in audit_events(demo_db, "auth.sign_in_failed")] == [
        "auth.sign_in_failed"
    ] * 2
    assert sessions_of(demo_db, user_of(demo_db, CODE).id) == []


def test_throttled_after_three_failures_without_checking_the_password(
    demo_url: str, demo_db: Session, t0, monkeypatch
):
    assert auth.THROTTLE_AFTER == 3 and auth.BASE_WAIT == timedelta(seconds=5)
    # given three failures at t0
    for _ in range(auth.THROTTLE_AFTER):
        assert refused(demo_db, CODE, "Yanlis.2026", t0).code == "auth.failed"
    row = throttle_row(demo_db, CODE)
    assert (row.failures, row.blocked_until) == (3, t0 + timedelta(seconds=5))

    # when the right password comes 4 s later
    checked: list[str] = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(
        passwords, "verify_password", lambda p, h: checked.append(p) or real_verify(p, h)
    )
    before = snapshot(demo_url)
    error = refused(demo_db, CODE, DEMO_PASSWORD, t0 + timedelta(seconds=4))
    # then it is refused unread, and nothing changed (no session, no failure counted)
    assert (error.code, error.params) == ("auth.throttled", {"seconds": 2})
    assert i18n.error_text(error, "tr") == "Çok fazla hatalı deneme. 2 saniye sonra tekrar deneyin."
    assert checked == []
    assert snapshot(demo_url) == before

    # when the wait has passed, the right password is accepted and the counter is cleared
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0 + timedelta(seconds=5))
    assert checked == [DEMO_PASSWORD]
    assert result.actor.code == CODE
    assert throttle_row(demo_db, CODE) is None


def test_waits_double_after_each_further_failure(demo_db: Session, t0):
    for _ in range(3):
        refused(demo_db, CODE, "Yanlis.2026", t0)
    refused(demo_db, CODE, "Yanlis.2026", t0 + timedelta(seconds=5))  # 4th: wait 10 s
    assert throttle_row(demo_db, CODE).blocked_until == t0 + timedelta(seconds=15)
    assert (
        refused(demo_db, CODE, DEMO_PASSWORD, t0 + timedelta(seconds=14)).code == "auth.throttled"
    )
    assert (
        auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0 + timedelta(seconds=15)).actor.code
        == CODE
    )


def test_unknown_user_codes_are_throttled_too(demo_url: str, demo_db: Session, t0):
    for _ in range(3):
        assert refused(demo_db, "kimse.yok", "Herhangi.1", t0).code == "auth.failed"
    before = snapshot(demo_url)
    error = refused(demo_db, "KIMSE.YOK", "Herhangi.1", t0 + timedelta(seconds=1))
    assert (error.code, error.params) == ("auth.throttled", {"seconds": 5})
    assert snapshot(demo_url) == before
    events = audit_events(demo_db, "auth.sign_in_failed")
    assert [(e.actor_code, e.actor_id, e.entity_id, e.before, e.after) for e in events] == [
        ("kimse.yok", None, "kimse.yok", None, {"failures": n}) for n in (1, 2, 3)
    ]


def test_locked_after_five_failures_until_it_unlocks(demo_url: str, demo_db: Session, admin, t0):
    assert auth.LOCK_AFTER == 5
    user = user_of(demo_db, CODE)
    snapshot_before_lock = users._snapshot(demo_db, user)
    started = clock.utcnow()
    # given five failures, each after the previous wait
    moments = [t0, t0, t0, t0 + timedelta(seconds=5), t0 + timedelta(seconds=15)]
    codes = [refused(demo_db, CODE, "Yanlis.2026", at).code for at in moments]
    # then the fifth locks the account
    assert codes == ["auth.failed"] * 4 + ["auth.locked"]
    assert user_of(demo_db, CODE).locked is True
    assert throttle_row(demo_db, CODE).blocked_until == t0 + timedelta(seconds=35)

    # when the right password comes after the wait: still locked, nothing changed
    before = snapshot(demo_url)
    error = refused(demo_db, CODE, DEMO_PASSWORD, t0 + timedelta(minutes=10))
    assert error.code == "auth.locked"
    assert i18n.error_text(error, "tr").startswith(
        "Hesabınız hatalı denemeler nedeniyle kilitlendi."
    )
    assert snapshot(demo_url) == before
    assert sessions_of(demo_db, user.id) == []

    # when IT unlocks
    detail = users.unlock(demo_db, admin, user.id)
    assert detail.locked is False
    assert throttle_row(demo_db, CODE) is None
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0 + timedelta(minutes=11))
    assert result.actor.code == CODE
    finished = clock.utcnow()

    # and the audit trail tells who, when, before and after
    failed = audit_events(demo_db, "auth.sign_in_failed")
    assert [
        (e.actor_code, e.actor_id, e.entity_type, e.entity_id, e.before, e.after) for e in failed
    ] == [(CODE, None, "user", str(user.id), None, {"failures": n}) for n in range(1, 6)]
    [locked] = audit_events(demo_db, "auth.locked")
    assert (locked.actor_code, locked.entity_id, locked.before, locked.after) == (
        CODE,
        str(user.id),
        {"locked": False},
        {"locked": True},
    )
    [unlocked] = audit_events(demo_db, "user.unlock")
    assert (unlocked.actor_code, unlocked.actor_id, unlocked.entity_id) == (
        "bt.admin",
        admin.user_id,
        str(user.id),
    )
    assert unlocked.before == {**snapshot_before_lock, "locked": True}
    assert unlocked.after == {**snapshot_before_lock, "locked": False}
    for event in (*failed, locked, unlocked):
        assert started - timedelta(seconds=1) <= event.at <= finished
        assert event.at.utcoffset() == timedelta(0)


def test_disabled_user_cannot_sign_in(demo_db: Session, admin, t0):
    users.set_active(demo_db, admin, user_of(demo_db, CODE).id, False)
    error = refused(demo_db, CODE, DEMO_PASSWORD, t0)
    assert error.code == "auth.disabled"
    assert sessions_of(demo_db, user_of(demo_db, CODE).id) == []


# ---------------------------------------------------------------- sessions


def test_session_expires_after_idle_minutes(demo_db: Session, t0):
    first = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    second = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    idle = timedelta(minutes=IDLE_MINUTES)
    # exactly at the limit the session still works (and is touched)
    assert auth.resolve_session(demo_db, first.token, now=t0 + idle).code == CODE
    # one second beyond it, it has ended for good
    assert auth.resolve_session(demo_db, second.token, now=t0 + idle + timedelta(seconds=1)) is None
    assert auth.resolve_session(demo_db, second.token, now=t0) is None
    ended = {s.token_hash: s.ended_at for s in sessions_of(demo_db, user_of(demo_db, CODE).id)}
    assert ended[auth._hash_token(second.token)] == t0 + idle + timedelta(seconds=1)
    assert ended[auth._hash_token(first.token)] is None


def test_activity_keeps_the_session_alive(demo_db: Session, t0):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    step = timedelta(minutes=IDLE_MINUTES - 1)
    for n in range(1, 4):
        assert auth.resolve_session(demo_db, result.token, now=t0 + n * step) is not None


def test_sign_out_ends_the_session(demo_db: Session, t0):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    last = last_audit_id(demo_db)
    auth.sign_out(demo_db, result.token, now=t0 + timedelta(minutes=1))
    assert auth.resolve_session(demo_db, result.token, now=t0 + timedelta(minutes=1)) is None
    [session] = sessions_of(demo_db, result.actor.user_id)
    assert session.ended_at == t0 + timedelta(minutes=1)
    [event] = audit_since(demo_db, last)
    assert (event.action, event.actor_code, event.entity_id) == (
        "auth.sign_out",
        CODE,
        str(result.actor.user_id),
    )
    # signing out twice, or with nonsense, changes nothing more
    auth.sign_out(demo_db, result.token)
    auth.sign_out(demo_db, "forged")
    assert audit_since(demo_db, event.id) == []


@pytest.mark.parametrize("token", [None, "", "forged-token", "x" * 500, 12345])
def test_forged_tokens_open_nothing(demo_db: Session, token):
    auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    assert auth.resolve_session(demo_db, token) is None


def test_disabled_user_cannot_act_with_an_open_session(demo_db: Session, t0):
    # given an open session, when the user is disabled behind its back (no session clean-up)
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    user = user_of(demo_db, CODE)
    user.active = False
    demo_db.add(user)
    demo_db.commit()
    # then the session no longer resolves, and is ended
    assert auth.resolve_session(demo_db, result.token, now=t0 + timedelta(seconds=1)) is None
    [session] = sessions_of(demo_db, user.id)
    assert session.ended_at == t0 + timedelta(seconds=1)


def test_disabling_ends_open_sessions(demo_db: Session, admin, t0):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    other = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    users.set_active(demo_db, admin, result.actor.user_id, False)
    assert [s.ended_at is not None for s in sessions_of(demo_db, result.actor.user_id)] == [
        True,
        True,
    ]
    # re-enabling does not revive them
    users.set_active(demo_db, admin, result.actor.user_id, True)
    assert auth.resolve_session(demo_db, result.token, now=t0) is None
    assert auth.resolve_session(demo_db, other.token, now=t0) is None


def test_locked_user_cannot_act_with_an_open_session(demo_db: Session, t0):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    user = user_of(demo_db, CODE)
    user.locked = True
    demo_db.add(user)
    demo_db.commit()
    assert auth.resolve_session(demo_db, result.token, now=t0) is None


def test_deactivated_office_cannot_act(demo_db: Session, admin, t0):
    result = auth.sign_in(demo_db, "acente.a1", DEMO_PASSWORD, now=t0)
    from iztim_app.core.organisation import services as offices

    office = office_of(demo_db, "A-ACENTE-A")
    offices.update_office(demo_db, admin, office.id, name=office.name, active=False)
    assert auth.resolve_session(demo_db, result.token, now=t0) is None
    assert refused(demo_db, "acente.a2", DEMO_PASSWORD, t0).code == "auth.disabled"


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("current", "new", "repeat", "code", "field"),
    [
        ("Yanlis.2026", "Yeni.Parola.1", "Yeni.Parola.1", "password.current_wrong", "current"),
        ("", "Yeni.Parola.1", "Yeni.Parola.1", "password.current_wrong", "current"),
        (DEMO_PASSWORD, "Yeni.Parola.1", "Yeni.Parola.2", "password.mismatch", "repeat"),
        (DEMO_PASSWORD, "Ab.1", "Ab.1", "password.too_short", "new"),
        (DEMO_PASSWORD, "sadeceharf", "sadeceharf", "password.needs_letters_digits", "new"),
        (DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD, "password.same_as_old", "new"),
    ],
)
def test_password_change_rules(demo_url: str, demo_db: Session, current, new, repeat, code, field):
    actor = actor_of(demo_db, CODE)
    before = snapshot(demo_url)
    with pytest.raises(ValidationFailed) as exc:
        auth.change_password(demo_db, actor, current, new, repeat)
    assert (exc.value.code, exc.value.field) == (code, field)
    if code == "password.too_short":
        assert exc.value.params == {"min": 8}
    assert snapshot(demo_url) == before


def test_password_change_replaces_the_hash(demo_db: Session):
    actor = actor_of(demo_db, CODE)
    old_hash = user_of(demo_db, CODE).password_hash
    last = last_audit_id(demo_db)
    auth.change_password(demo_db, actor, DEMO_PASSWORD, "Yeni.Parola.2026", "Yeni.Parola.2026")
    user = user_of(demo_db, CODE)
    assert user.password_hash != old_hash
    assert user.password_hash.startswith(PBKDF2_PREFIX)
    assert refused(demo_db, CODE, DEMO_PASSWORD, None).code == "auth.failed"
    assert auth.sign_in(demo_db, CODE, "Yeni.Parola.2026").actor.code == CODE
    [event] = [e for e in audit_since(demo_db, last) if e.action == "user.password_change"]
    assert (event.actor_code, event.entity_id, event.before, event.after) == (
        CODE,
        str(user.id),
        None,
        None,
    )


def test_reset_password_forces_a_change_at_next_sign_in(demo_db: Session, admin, t0):
    # given an open session
    old = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    user_id = old.actor.user_id
    # when IT resets the password
    temporary = users.reset_password(demo_db, admin, user_id)
    # then the old session and password are gone, the temporary one must be changed
    assert auth.resolve_session(demo_db, old.token, now=t0) is None
    assert refused(demo_db, CODE, DEMO_PASSWORD, t0).code == "auth.failed"
    result = auth.sign_in(demo_db, CODE, temporary, now=t0)
    assert result.must_change_password is True
    assert auth.must_change_password(demo_db, result.actor) is True
    auth.change_password(demo_db, result.actor, temporary, "Kendi.Parolam.9", "Kendi.Parolam.9")
    assert auth.must_change_password(demo_db, result.actor) is False
    assert auth.sign_in(demo_db, CODE, "Kendi.Parolam.9", now=t0).must_change_password is False


def test_reset_password_clears_a_lock(demo_db: Session, admin, t0):
    for at in (t0, t0, t0, t0 + timedelta(seconds=5), t0 + timedelta(seconds=15)):
        refused(demo_db, CODE, "Yanlis.2026", at)
    temporary = users.reset_password(demo_db, admin, user_of(demo_db, CODE).id)
    assert user_of(demo_db, CODE).locked is False
    assert (
        auth.sign_in(demo_db, CODE, temporary, now=t0 + timedelta(seconds=16)).must_change_password
        is True
    )


def test_clear_passwords_are_stored_nowhere(demo_url: str, demo_db: Session, admin):
    # given a user created, signed in, changed and reset, with wrong attempts on the way
    office = office_of(demo_db, "S-BURSA")
    created = users.create_user(
        demo_db,
        admin,
        code="bursa.yeni",
        name="Bursa Yeni",
        office_id=office.id,
        role="branch_staff",
        password="Ilk.Parola.4821",
        email="bursa.yeni@iztim.example",
    )
    refused(demo_db, "bursa.yeni", "Tahmin.Parola.77", None)
    result = auth.sign_in(demo_db, "bursa.yeni", "Ilk.Parola.4821")
    auth.change_password(
        demo_db, result.actor, "Ilk.Parola.4821", "Ikinci.Parola.9090", "Ikinci.Parola.9090"
    )
    temporary = users.reset_password(demo_db, admin, created.id)
    clear = [
        "Ilk.Parola.4821",
        "Tahmin.Parola.77",
        "Ikinci.Parola.9090",
        temporary,
        DEMO_PASSWORD,
        result.token,
    ]

    # then the stored hash is pbkdf2_sha256 of the current password
    stored = user_of(demo_db, "bursa.yeni").password_hash
    assert stored.startswith(PBKDF2_PREFIX)
    assert pbkdf2_sha256.identify(stored) and pbkdf2_sha256.verify(temporary, stored)
    for user in demo_db.exec(select(User)).all():
        assert user.password_hash.startswith(PBKDF2_PREFIX), user.code

    # and no clear password (nor the session token) is in any cell of any table
    cells = all_cell_texts(demo_url)
    assert len(cells) > 100
    leaks = [(table, column) for table, column, text in cells for secret in clear if secret in text]
    assert leaks == []
    # nor does any audit row carry a password or a hash
    for event in audit_events(demo_db):
        text = f"{event.before} {event.after}"
        assert "password_hash" not in text and PBKDF2_PREFIX not in text and "pbkdf2" not in text
