"""Sign-in, throttling per user code and per source, temporary locks, sessions, the
cookie hand-off and passwords (time moves through `now=`)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from passlib.hash import pbkdf2_sha256
from sqlmodel import Session, select

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.auth import services as auth
from iztim_app.core.auth import throttle
from iztim_app.core.auth.models import SignInThrottle
from iztim_app.core.errors import (
    AuthenticationFailed,
    PasswordChangeRequired,
    PermissionDenied,
    ValidationFailed,
)
from iztim_app.core.organisation import services as offices
from iztim_app.core.quotes import services as quotes
from iztim_app.core.sessions import services as sessions
from iztim_app.core.sessions.models import UserSession
from iztim_app.core.users import passwords
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import load_actor
from iztim_app.core.users.models import User
from iztim_app.core.users.permissions import ROLES
from iztim_app.demo import DEMO_PASSWORD
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
WRONG = "Yanlis.2026"
FAILED_TR = (
    "Kullanıcı kodu veya şifre hatalı (ya da hatalı denemeler nedeniyle hesap geçici olarak "
    "kilitli)."
)


def refused(db: Session, code: str, password: str, now, source: str = "") -> AuthenticationFailed:  # noqa: ANN001
    with pytest.raises(AuthenticationFailed) as exc:
        auth.sign_in(db, code, password, now=now, source=source)
    return exc.value


def throttle_row(db: Session, key: str) -> SignInThrottle | None:
    db.expire_all()
    return db.exec(select(SignInThrottle).where(SignInThrottle.key == key)).first()


def sessions_of(db: Session, user_id: int) -> list[UserSession]:
    db.expire_all()
    return list(
        db.exec(
            select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)
        ).all()
    )


def fail_until_locked(db: Session, code: str, start):  # noqa: ANN001, ANN201
    """Five wrong passwords, each as soon as the wait allows; returns the moment of the
    fifth (which locks) and the answers."""
    at, answers = start, []
    for _ in range(throttle.LOCK_AFTER):
        row = throttle_row(db, throttle.user_key(code))
        if row is not None and row.blocked_until is not None and row.blocked_until > at:
            at = row.blocked_until
        answers.append(refused(db, code, WRONG, at).code)
    return at, answers


@pytest.fixture
def t0():
    return clock.utcnow().replace(microsecond=0)


@pytest.fixture
def verified(monkeypatch) -> list[tuple[str, bool]]:  # noqa: ANN001
    """Every password check: (password, whether a real hash was checked)."""
    calls: list[tuple[str, bool]] = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(
        passwords,
        "verify_password",
        lambda p, h: calls.append((p, h is not None)) or real_verify(p, h),
    )
    return calls


# ---------------------------------------------------------------- signing in


def test_sign_in_opens_a_session_stored_as_hashes(demo_url: str, demo_db: Session, t0):
    user = user_of(demo_db, CODE)
    last = last_audit_id(demo_db)
    # when (the code is case-insensitive)
    result = auth.sign_in(demo_db, "  Sube.Ankara ", DEMO_PASSWORD, now=t0, source="10.0.0.1")
    # then
    assert (result.actor.code, result.actor.user_id, result.must_change_password) == (
        CODE,
        user.id,
        False,
    )
    assert result.actor.permissions == ROLES["branch_staff"].permissions
    assert len(result.token) >= 40 and len(result.handoff) >= 40
    [session] = sessions_of(demo_db, user.id)
    assert session.token_hash == hashlib.sha256(result.token.encode()).hexdigest()
    assert session.handoff_hash == hashlib.sha256(result.handoff.encode()).hexdigest()
    assert session.handoff_expires_at == t0 + timedelta(seconds=60)
    cells = {c[2] for c in all_cell_texts(demo_url)}
    assert result.token not in cells and result.handoff not in cells
    assert (session.created_at, session.last_seen_at, session.ended_at) == (t0, t0, None)
    assert sessions.resolve_session(demo_db, result.token, now=t0).user_id == user.id
    [event] = audit_since(demo_db, last)
    assert (event.action, event.actor_code, event.actor_id, event.entity_id) == (
        "auth.sign_in",
        CODE,
        user.id,
        str(user.id),
    )


def test_wrong_password_unknown_code_and_locked_code_give_the_same_message(demo_db: Session, t0):
    # given gm.onay locked by five wrong passwords
    at, _ = fail_until_locked(demo_db, "gm.onay", t0)
    later = at + timedelta(minutes=1)
    # when each is tried (a locked code with its right password)
    wrong = refused(demo_db, CODE, WRONG, t0)
    unknown = refused(demo_db, "kimse.yok", DEMO_PASSWORD, t0)
    empty = refused(demo_db, "", DEMO_PASSWORD, t0)
    locked = refused(demo_db, "gm.onay", DEMO_PASSWORD, later)
    # then they are one and the same answer
    answers = {(e.code, tuple(e.params.items())) for e in (wrong, unknown, empty, locked)}
    assert answers == {("auth.failed", ())}
    assert i18n.error_text(locked, "tr") == FAILED_TR
    assert i18n.error_text(unknown, "en") == (
        "Wrong user code or password (or the account is temporarily locked after failed attempts)."
    )
    assert sessions_of(demo_db, user_of(demo_db, CODE).id) == []
    assert sessions_of(demo_db, user_of(demo_db, "gm.onay").id) == []


def test_known_and_unknown_codes_are_answered_alike_step_by_step(demo_db: Session, t0):
    """The same attempts on an existing and a nonexistent code give the same answers,
    waits and lock: nothing tells whether a code exists."""
    moments = [t0 + timedelta(seconds=s) for s in (0, 0, 0, 1, 5, 6, 15, 40, 100, 1000)]

    def answers(code: str) -> list[tuple[str, dict]]:
        out = []
        for at in moments:
            error = refused(demo_db, code, WRONG, at)
            out.append((error.code, error.params))
        return out

    known = answers(CODE)
    unknown = answers("kimse.yok")
    assert known == unknown
    assert [c for c, _ in known] == [
        "auth.failed",
        "auth.failed",
        "auth.failed",
        "auth.throttled",
        "auth.failed",
        "auth.throttled",
        "auth.failed",
        "auth.failed",
        "auth.failed",
        "auth.failed",
    ]
    assert known[3][1] == {"seconds": 4} and known[5][1] == {"seconds": 9}
    k, u = throttle_row(demo_db, "user:" + CODE), throttle_row(demo_db, "user:kimse.yok")
    assert (
        (k.locked_until, k.locks)
        == (u.locked_until, u.locks)
        == (
            t0 + timedelta(seconds=15) + throttle.LOCK_BASE,
            1,
        )
    )


def test_throttled_after_three_failures_without_checking_the_password(
    demo_url: str, demo_db: Session, t0, verified
):
    assert throttle.USER_THROTTLE_AFTER == 3 and throttle.BASE_WAIT == timedelta(seconds=5)
    # given three failures at t0
    for _ in range(throttle.USER_THROTTLE_AFTER):
        assert refused(demo_db, CODE, WRONG, t0).code == "auth.failed"
    row = throttle_row(demo_db, "user:" + CODE)
    assert (row.failures, row.blocked_until) == (3, t0 + timedelta(seconds=5))

    # when the right password comes 4 s later
    verified.clear()
    before = snapshot(demo_url)
    error = refused(demo_db, CODE, DEMO_PASSWORD, t0 + timedelta(seconds=4))
    # then it is refused unread, and nothing changed (no session, no failure counted)
    assert (error.code, error.params) == ("auth.throttled", {"seconds": 1})
    assert i18n.error_text(error, "tr") == "Çok fazla hatalı deneme. 1 saniye sonra tekrar deneyin."
    assert verified == []
    assert snapshot(demo_url) == before

    # when the wait has passed, the right password is accepted and the counter is cleared
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0 + timedelta(seconds=5))
    assert verified == [(DEMO_PASSWORD, True)]
    assert result.actor.code == CODE
    assert throttle_row(demo_db, "user:" + CODE) is None


def test_waits_double_after_each_further_failure(demo_db: Session, t0):
    for _ in range(3):
        refused(demo_db, CODE, WRONG, t0)
    refused(demo_db, CODE, WRONG, t0 + timedelta(seconds=5))  # 4th: wait 10 s
    assert throttle_row(demo_db, "user:" + CODE).blocked_until == t0 + timedelta(seconds=15)
    assert refused(demo_db, CODE, DEMO_PASSWORD, t0 + timedelta(seconds=14)).code == (
        "auth.throttled"
    )
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0 + timedelta(seconds=15))
    assert result.actor.code == CODE


def test_five_failures_lock_for_fifteen_minutes_then_the_lock_runs_out(
    demo_url: str, demo_db: Session, t0, verified
):
    assert (throttle.LOCK_AFTER, throttle.LOCK_BASE) == (5, timedelta(minutes=15))
    user = user_of(demo_db, CODE)
    started = clock.utcnow()
    # given five failures, each after the previous wait
    at, codes = fail_until_locked(demo_db, CODE, t0)
    # then the fifth locks the code (said as a wrong password), for 15 minutes
    assert at == t0 + timedelta(seconds=15)
    assert codes == ["auth.failed"] * 5
    row = throttle_row(demo_db, "user:" + CODE)
    assert (row.locked_until, row.locks, row.failures) == (at + timedelta(minutes=15), 1, 0)
    assert user_of(demo_db, CODE).locked is True

    # when the right password comes during the lock: refused as wrong, not even checked
    verified.clear()
    error = refused(demo_db, CODE, DEMO_PASSWORD, at + timedelta(minutes=14))
    assert (error.code, error.params) == ("auth.failed", {})
    assert verified == [(DEMO_PASSWORD, False)]  # a dummy check: same cost, no hash read
    assert sessions_of(demo_db, user.id) == []

    # when the lock has run out, the right password opens a session; no IT needed
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=at + timedelta(minutes=15))
    assert result.actor.code == CODE
    assert user_of(demo_db, CODE).locked is False
    assert throttle_row(demo_db, "user:" + CODE) is None
    finished = clock.utcnow()

    # and the audit trail tells of each failure, the lock and its end
    failed = audit_events(demo_db, "auth.sign_in_failed")
    assert [(e.actor_code, e.actor_id, e.entity_id, e.before, e.after) for e in failed] == [
        (CODE, None, str(user.id), None, {"failures": n}) for n in (1, 2, 3, 4, 5, 1)
    ]
    [locked] = audit_events(demo_db, "auth.locked")
    [expired] = audit_events(demo_db, "auth.lock_expired")
    assert (locked.actor_code, locked.entity_id, locked.before, locked.after) == (
        CODE,
        str(user.id),
        {"locked": False},
        {"locked": True, "locked_until": (at + timedelta(minutes=15)).isoformat(), "locks": 1},
    )
    assert (expired.entity_id, expired.before, expired.after) == (
        str(user.id),
        {"locked": True},
        {"locked": False},
    )
    for event in (*failed, locked, expired):
        assert started - timedelta(seconds=1) <= event.at <= finished
        assert event.at.utcoffset() == timedelta(0)


def test_each_further_lock_lasts_twice_as_long_up_to_a_day(demo_db: Session, t0):
    # given the code is locked again each time its lock runs out
    at, lengths = t0, []
    for _ in range(9):
        at, _ = fail_until_locked(demo_db, CODE, at)
        row = throttle_row(demo_db, "user:" + CODE)
        lengths.append(row.locked_until - at)
        at = row.locked_until
    # then the locks grow 15 min, 30 min, 1 h, … and stop at 24 h
    minutes = [int(d.total_seconds() // 60) for d in lengths]
    assert minutes == [15, 30, 60, 120, 240, 480, 960, 1440, 1440]
    assert throttle_row(demo_db, "user:" + CODE).locks == 9
    # and the right password still opens the account as soon as the last lock is over
    assert auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=at).actor.code == CODE
    # after which a new lock is short again
    at, _ = fail_until_locked(demo_db, CODE, at + timedelta(minutes=1))
    row = throttle_row(demo_db, "user:" + CODE)
    assert (row.locked_until - at, row.locks) == (timedelta(minutes=15), 1)


def test_it_can_unlock_before_the_lock_runs_out(demo_url: str, demo_db: Session, admin, t0):
    user = user_of(demo_db, CODE)
    snapshot_before_lock = users._snapshot(demo_db, user)
    at, _ = fail_until_locked(demo_db, CODE, t0)
    assert refused(demo_db, CODE, DEMO_PASSWORD, at + timedelta(minutes=1)).code == "auth.failed"
    # when IT unlocks
    detail = users.unlock(demo_db, admin, user.id)
    # then the code works at once and the unlock is audited with who did it
    assert detail.locked is False
    assert throttle_row(demo_db, "user:" + CODE) is None
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=at + timedelta(minutes=2))
    assert result.actor.code == CODE
    [unlocked] = audit_events(demo_db, "user.unlock")
    assert (unlocked.actor_code, unlocked.actor_id, unlocked.entity_id) == (
        "bt.admin",
        admin.user_id,
        str(user.id),
    )
    assert unlocked.before == {**snapshot_before_lock, "locked": True}
    assert unlocked.after == {**snapshot_before_lock, "locked": False}


def test_a_lock_does_not_throw_the_user_out_of_an_open_session(demo_db: Session, t0):
    # given the user is working; someone else then types wrong passwords for that code
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0, source="10.0.0.1")
    for n in range(throttle.LOCK_AFTER):
        refused(demo_db, CODE, WRONG, t0 + timedelta(minutes=n), source="192.0.2.66")
    assert throttle.is_locked(throttle_row(demo_db, "user:" + CODE), t0 + timedelta(minutes=5))
    # then the open session still works
    assert (
        sessions.resolve_session(demo_db, result.token, now=t0 + timedelta(minutes=5)).code == CODE
    )


def test_one_source_is_throttled_across_user_codes(demo_url: str, demo_db: Session, t0):
    assert throttle.SOURCE_THROTTLE_AFTER == 10
    attacker, office = "192.0.2.66", "10.0.0.1"
    # given ten wrong passwords from one address, one each for ten codes (never 3 per code)
    codes = [f"deneme.{n}" for n in range(9)] + ["gm.onay"]
    for code in codes:
        assert refused(demo_db, code, WRONG, t0, source=attacker).code == "auth.failed"
    assert throttle_row(demo_db, "source:" + attacker).blocked_until == t0 + timedelta(seconds=5)
    # when that address tries any code, even with its right password
    before = snapshot(demo_url)
    error = refused(demo_db, CODE, DEMO_PASSWORD, t0 + timedelta(seconds=2), source=attacker)
    # then it waits, the same words as any throttle, and nothing changed
    assert (error.code, error.params) == ("auth.throttled", {"seconds": 3})
    assert snapshot(demo_url) == before
    # while the same code from another address is served
    assert auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0, source=office).actor.code == CODE
    # and the source's waits double with further failures
    refused(demo_db, "deneme.x", WRONG, t0 + timedelta(seconds=5), source=attacker)
    row = throttle_row(demo_db, "source:" + attacker)
    assert (row.failures, row.blocked_until) == (11, t0 + timedelta(seconds=15))
    events = audit_events(demo_db, "auth.sign_in_failed")
    assert events[0].after == {"failures": 1, "source": attacker}


def test_a_successful_sign_in_does_not_reset_its_source(demo_db: Session, t0):
    """Else a guesser with an account of their own could sign in between guesses."""
    source = "192.0.2.66"
    for n in range(9):
        refused(demo_db, f"deneme.{n}", WRONG, t0, source=source)
    auth.sign_in(demo_db, "acente.a1", DEMO_PASSWORD, now=t0, source=source)
    refused(demo_db, "deneme.9", WRONG, t0, source=source)
    error = refused(demo_db, "deneme.10", WRONG, t0 + timedelta(seconds=1), source=source)
    assert (error.code, error.params) == ("auth.throttled", {"seconds": 4})


def test_a_source_is_forgotten_after_a_quiet_hour(demo_db: Session, t0):
    source = "192.0.2.66"
    for n in range(10):
        refused(demo_db, f"deneme.{n}", WRONG, t0, source=source)
    quiet = t0 + throttle.SOURCE_FORGET + timedelta(seconds=1)
    refused(demo_db, "deneme.x", WRONG, quiet, source=source)
    row = throttle_row(demo_db, "source:" + source)
    assert (row.failures, row.blocked_until) == (1, None)


def test_disabled_user_cannot_sign_in(demo_db: Session, admin, t0):
    users.set_active(demo_db, admin, user_of(demo_db, CODE).id, False)
    error = refused(demo_db, CODE, DEMO_PASSWORD, t0)
    assert error.code == "auth.disabled"
    assert sessions_of(demo_db, user_of(demo_db, CODE).id) == []


# ---------------------------------------------------------------- the cookie hand-off


def test_hand_off_gives_a_new_token_once(demo_db: Session, t0):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    # when the cookie route redeems the code
    token = sessions.redeem_handoff(demo_db, result.handoff, now=t0 + timedelta(seconds=3))
    # then a new token opens the session, and the sign-in token no longer does
    assert token and token != result.token
    assert sessions.resolve_session(demo_db, token, now=t0 + timedelta(seconds=3)).code == CODE
    assert sessions.resolve_session(demo_db, result.token, now=t0 + timedelta(seconds=3)) is None
    [session] = sessions_of(demo_db, result.actor.user_id)
    assert (session.handoff_hash, session.handoff_expires_at) == (None, None)
    assert session.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # and the code cannot be used twice
    assert sessions.redeem_handoff(demo_db, result.handoff, now=t0 + timedelta(seconds=4)) is None


@pytest.mark.parametrize("code", [None, "", "yanlis-kod", "x" * 500, 12345])
def test_unknown_hand_off_codes_give_nothing(demo_db: Session, code):
    auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    assert sessions.redeem_handoff(demo_db, code) is None


def test_an_expired_hand_off_code_gives_nothing(demo_db: Session, t0):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    late = t0 + sessions.HANDOFF_LIFETIME + timedelta(seconds=1)
    assert sessions.redeem_handoff(demo_db, result.handoff, now=late) is None
    # nor later with a fresh clock: it was spent by the late attempt
    assert sessions.redeem_handoff(demo_db, result.handoff, now=t0) is None


# ---------------------------------------------------------------- a temporary password


@pytest.fixture
def pending(demo_db: Session, admin, t0):  # noqa: ANN201
    """gm.onay signed in with the temporary password IT just set."""
    user_id = user_of(demo_db, "gm.onay").id
    temporary = users.reset_password(demo_db, admin, user_id)
    result = auth.sign_in(demo_db, "gm.onay", temporary, now=t0)
    return result, temporary


def test_a_pending_temporary_password_refuses_every_service_but_the_change(
    demo_url: str, demo_db: Session, pending
):
    result, temporary = pending
    actor = sessions.resolve_session(demo_db, result.token)
    assert (result.must_change_password, actor.password_change_pending) == (True, True)
    assert actor.can("quote.approve") is False
    before = snapshot(demo_url)
    # when the services are called anyway
    for call in (
        lambda: quotes.list_quotes(demo_db, actor, quotes.QuoteFilter()),
        lambda: quotes.approval_queue(demo_db, actor, 1, 20),
        lambda: quotes.work_summary(demo_db, actor),
        lambda: offices.list_offices(demo_db, actor),
        lambda: users.set_own_language(demo_db, actor, "en"),
    ):
        # then each is refused, and nothing changed
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PasswordChangeRequired) as exc:
        offices.list_offices(demo_db, actor)
    assert exc.value.code == "auth.password_change_required"
    assert i18n.error_text(exc.value, "tr") == "Önce geçici şifrenizi değiştirmeniz gerekiyor."
    assert i18n.error_text(exc.value, "en") == "You must change your temporary password first."
    assert snapshot(demo_url) == before

    # when the password is changed, the same actor's next request is served
    auth.change_password(demo_db, actor, temporary, "Kendi.Parolam.9", "Kendi.Parolam.9")
    after = sessions.resolve_session(demo_db, result.token)
    assert after.password_change_pending is False
    assert [o.code for o in offices.list_offices(demo_db, after)][:1] == ["GM"]
    assert quotes.approval_queue(demo_db, after, 1, 20).total >= 0


def test_an_it_user_with_a_pending_password_manages_nobody(demo_url: str, demo_db: Session):
    # given bt.admin's password awaits its change
    user = user_of(demo_db, "bt.admin")
    user.must_change_password = True
    demo_db.add(user)
    demo_db.commit()
    actor = load_actor(demo_db, user.id)
    assert actor.password_change_pending is True
    before = snapshot(demo_url)
    for call in (
        lambda: users.list_users(demo_db, actor),
        lambda: users.reset_password(demo_db, actor, user_of(demo_db, CODE).id),
        lambda: users.unlock(demo_db, actor, user_of(demo_db, CODE).id),
    ):
        with pytest.raises(PasswordChangeRequired):
            call()
    assert snapshot(demo_url) == before


def test_signing_out_works_with_a_pending_password(demo_db: Session, pending):
    result, _ = pending
    sessions.sign_out(demo_db, result.token)
    assert sessions.resolve_session(demo_db, result.token) is None


# ---------------------------------------------------------------- sessions


def test_session_expires_after_idle_minutes(demo_db: Session, t0):
    first = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    second = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    idle = timedelta(minutes=IDLE_MINUTES)
    # exactly at the limit the session still works (and is touched)
    assert sessions.resolve_session(demo_db, first.token, now=t0 + idle).code == CODE
    # one second beyond it, it has ended for good
    assert (
        sessions.resolve_session(demo_db, second.token, now=t0 + idle + timedelta(seconds=1))
        is None
    )
    assert sessions.resolve_session(demo_db, second.token, now=t0) is None
    ended = {s.token_hash: s.ended_at for s in sessions_of(demo_db, user_of(demo_db, CODE).id)}
    assert ended[sessions.hash_secret(second.token)] == t0 + idle + timedelta(seconds=1)
    assert ended[sessions.hash_secret(first.token)] is None


def test_activity_keeps_the_session_alive(demo_db: Session, t0):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    step = timedelta(minutes=IDLE_MINUTES - 1)
    for n in range(1, 4):
        assert sessions.resolve_session(demo_db, result.token, now=t0 + n * step) is not None


def test_sign_out_ends_the_session(demo_db: Session, t0):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    last = last_audit_id(demo_db)
    sessions.sign_out(demo_db, result.token, now=t0 + timedelta(minutes=1))
    assert sessions.resolve_session(demo_db, result.token, now=t0 + timedelta(minutes=1)) is None
    [session] = sessions_of(demo_db, result.actor.user_id)
    assert session.ended_at == t0 + timedelta(minutes=1)
    [event] = audit_since(demo_db, last)
    assert (event.action, event.actor_code, event.entity_id) == (
        "auth.sign_out",
        CODE,
        str(result.actor.user_id),
    )
    # signing out twice, or with nonsense, changes nothing more
    sessions.sign_out(demo_db, result.token)
    sessions.sign_out(demo_db, "forged")
    assert audit_since(demo_db, event.id) == []


@pytest.mark.parametrize("token", [None, "", "forged-token", "x" * 500, 12345])
def test_forged_tokens_open_nothing(demo_db: Session, token):
    auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    assert sessions.resolve_session(demo_db, token) is None


def test_disabled_user_cannot_act_with_an_open_session(demo_db: Session, t0):
    # given an open session, when the user is disabled behind its back (no session clean-up)
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=t0)
    user = user_of(demo_db, CODE)
    user.active = False
    demo_db.add(user)
    demo_db.commit()
    # then the session no longer resolves, and is ended
    assert sessions.resolve_session(demo_db, result.token, now=t0 + timedelta(seconds=1)) is None
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
    assert sessions.resolve_session(demo_db, result.token, now=t0) is None
    assert sessions.resolve_session(demo_db, other.token, now=t0) is None


def test_deactivated_office_cannot_act(demo_db: Session, admin, t0):
    result = auth.sign_in(demo_db, "acente.a1", DEMO_PASSWORD, now=t0)
    office = office_of(demo_db, "A-ACENTE-A")
    offices.update_office(demo_db, admin, office.id, name=office.name, active=False)
    assert sessions.resolve_session(demo_db, result.token, now=t0) is None
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
    assert sessions.resolve_session(demo_db, old.token, now=t0) is None
    assert refused(demo_db, CODE, DEMO_PASSWORD, t0).code == "auth.failed"
    result = auth.sign_in(demo_db, CODE, temporary, now=t0)
    assert result.must_change_password is True
    assert auth.must_change_password(demo_db, result.actor) is True
    auth.change_password(demo_db, result.actor, temporary, "Kendi.Parolam.9", "Kendi.Parolam.9")
    assert auth.must_change_password(demo_db, result.actor) is False
    assert auth.sign_in(demo_db, CODE, "Kendi.Parolam.9", now=t0).must_change_password is False


def test_reset_password_clears_a_lock(demo_db: Session, admin, t0):
    at, _ = fail_until_locked(demo_db, CODE, t0)
    temporary = users.reset_password(demo_db, admin, user_of(demo_db, CODE).id)
    assert user_of(demo_db, CODE).locked is False
    result = auth.sign_in(demo_db, CODE, temporary, now=at + timedelta(seconds=1))
    assert result.must_change_password is True


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


# ---------------------------------------------------------------- migration 0008


def test_upgrade_keeps_a_lock_for_the_first_lock_period(tmp_path):  # noqa: ANN001
    """An account locked "until IT acts" before 0008 stays locked, now for 15 minutes."""
    import sqlalchemy as sa

    from iztim_app.core import schema
    from iztim_app.core.db import get_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    schema.upgrade(url, "0007")
    engine = get_engine(url)
    created = "2026-01-01 00:00:00.000000+00:00"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO office (id, code, name, kind, path, active, created_at) "
                "VALUES (1, 'GM', 'Genel Müdürlük', 'head_office', '/1/', 1, :at)"
            ),
            {"at": created},
        )
        for n, (code, locked) in enumerate((("Kilitli.Biri", 1), ("acik.biri", 0)), start=1):
            conn.execute(
                sa.text(
                    "INSERT INTO app_user (id, code, name, email, office_id, role, view_scope,"
                    " lang, password_hash, must_change_password, active, locked, created_at)"
                    " VALUES (:id, :code, 'X', '', 1, 'manager', 'all', 'tr', 'h', 0, 1,"
                    " :locked, :at)"
                ),
                {"id": n, "code": code, "locked": locked, "at": created},
            )
    started = clock.utcnow()
    schema.upgrade(url)
    with Session(engine) as db:
        [row] = db.exec(select(SignInThrottle)).all()
        assert (row.key, row.failures, row.locks) == ("user:kilitli.biri", 0, 1)
        assert started + timedelta(minutes=15) - timedelta(seconds=5) <= row.locked_until
        assert row.locked_until <= clock.utcnow() + timedelta(minutes=15)
        assert throttle.is_locked(row, clock.utcnow())
    engine.dispose()
