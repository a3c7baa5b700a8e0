"""Guessing is throttled at all three doors — staff sign-in, portal access codes, API
tokens — and idle sessions end; the clock is moved (core/clock.py), nobody sleeps.

Already proven elsewhere, not repeated here:
- tests/foundation/test_sign_in.py: per user code (3 failures, waits doubling, 5 → lock for
  15 min doubling up to 24 h, IT unlock, same message), per address across codes, staff
  idle expiry at the service;
- tests/foundation/test_states.py: the tab signs in from its socket's address, throttled;
- tests/portal/test_portal_services.py: a number's codes, many numbers from one address,
  portal idle expiry;
- tests/api/test_tokens.py: wrong tokens from one address → 429 with Retry-After.

Here: the three doors side by side with one shape (the address waits, even with the right
secret; the wait runs out, doubles, is capped, is forgotten after a quiet hour), many
addresses (each counted apart, none holding up another), doors counted apart, a
client-supplied X-Forwarded-For not changing the API's address, and a screen's session
ending after IZTIM_SESSION_IDLE_MINUTES (the setting, not a constant) on its next event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from reflex.state import State
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from iztim_app.api.app import api
from iztim_app.core import clock
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.auth import services as auth
from iztim_app.core.auth import throttle
from iztim_app.core.db import session_scope
from iztim_app.core.errors import AuthenticationFailed
from iztim_app.core.policies import access_codes
from iztim_app.core.policies.models import Policy
from iztim_app.core.portal import services as portal
from iztim_app.core.sessions.models import UserSession
from iztim_app.core.users.actor import operator_actor
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.states.home import HomeState
from iztim_app.states.session import SessionState
from tests.foundation.browser_tab import sign_in, sub
from tests.foundation.support import use_settings, user_of
from tests.security.world import World

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ATTACKERS = [f"203.0.113.{n}" for n in range(1, 6)]
FRESH = "198.51.100.200"


class Clock:
    """The app's clock, moved by the test (monkeypatch restores it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = T0
        monkeypatch.setattr(clock, "utcnow", lambda: self.now)

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def moving(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@dataclass
class Door:
    """One way in: `guess(db, source)` tries a wrong secret, `enter(db, source)` the right
    one; both raise AuthenticationFailed when refused. `wait_code`: a throttled refusal."""

    name: str
    guess: Callable[[Session, str], None]
    enter: Callable[[Session, str], object]
    wait_code: str
    failures_for_wait: int = throttle.SOURCE_THROTTLE_AFTER


def doors(db: Session, world: World) -> dict[str, Door]:
    a1 = user_of(db, "acente.a1")
    token = api_tokens.create_token(db, operator_actor("test"), a1.id, "brute").token
    policy = db.exec(select(Policy).where(Policy.status == "approved")).first()
    code = access_codes.ensure(db, policy)
    db.commit()
    counter = iter(range(10**6))

    def staff_guess(db: Session, source: str) -> None:
        # a new code each time: only the address's count can stop it
        auth.sign_in(db, f"yok.{next(counter)}", "Yanlis.1", source=source)

    def portal_guess(db: Session, source: str) -> None:
        portal.sign_in(db, str(8_000_000 + next(counter)), "AAAA2222", source)

    def api_guess(db: Session, source: str) -> None:
        api_tokens.authenticate(db, f"iztim_guess{next(counter)}", source)

    return {
        "staff": Door(
            "staff",
            staff_guess,
            lambda db, s: auth.sign_in(db, "acente.a1", DEMO_PASSWORD, source=s),
            "auth.throttled",
        ),
        "portal": Door(
            "portal",
            portal_guess,
            lambda db, s: portal.sign_in(db, str(policy.number), code, s),
            "portal.wait",
        ),
        "api": Door(
            "api", api_guess, lambda db, s: api_tokens.authenticate(db, token, s), "auth.throttled"
        ),
    }


def refusal(call: Callable[[], object]) -> tuple[str, int | None]:
    with pytest.raises(AuthenticationFailed) as caught:
        call()
    return caught.value.code, (caught.value.params or {}).get("seconds")


@pytest.fixture
def db(world_url: str) -> Iterator[Session]:
    with session_scope(world_url) as session:
        yield session


DOORS = ["staff", "portal", "api"]


@pytest.mark.parametrize("door_name", DOORS)
def test_each_address_waits_after_its_guesses_and_the_wait_runs_out_doubles_and_is_capped(
    world: World, db: Session, moving: Clock, door_name: str
):
    door = doors(db, world)[door_name]
    for source in ATTACKERS:  # many addresses, each with its full share of guesses
        for _ in range(door.failures_for_wait):
            assert refusal(lambda s=source: door.guess(db, s))[0] != door.wait_code
    for source in ATTACKERS:  # every one of them now waits, even with the right secret
        assert refusal(lambda s=source: door.enter(db, s)) == (door.wait_code, 5)
    assert door.enter(db, FRESH)  # an address that guessed nothing is not held up
    first = ATTACKERS[0]
    moving.move(seconds=5, microseconds=1)  # the wait ran out: one more guess …
    assert refusal(lambda: door.guess(db, first))[0] != door.wait_code
    assert refusal(lambda: door.enter(db, first)) == (door.wait_code, 10)  # … doubles it
    waits = []
    for _ in range(12):
        moving.move(seconds=301)
        refusal(lambda: door.guess(db, first))
        waits.append(refusal(lambda: door.enter(db, first))[1])
    assert waits[-1] == throttle.MAX_WAIT.total_seconds() and max(waits) == 300  # capped
    moving.move(hours=1, seconds=1)  # a quiet hour: the address's count is forgotten
    assert door.enter(db, first)


def test_the_three_doors_count_apart(world: World, db: Session, moving: Clock):
    """Guessing API tokens from an address holds up that address's API calls only: its
    staff sign-in and portal sign-in still open (and the other way round)."""
    all_doors = doors(db, world)
    for name in DOORS:
        source = f"192.0.2.{DOORS.index(name) + 10}"
        for _ in range(throttle.SOURCE_THROTTLE_AFTER):
            refusal(lambda n=name, s=source: all_doors[n].guess(db, s))
        for other in DOORS:
            if other == name:
                assert refusal(lambda o=other, s=source: all_doors[o].enter(db, s))[1] == 5
            else:
                assert all_doors[other].enter(db, source), (name, other)


def test_a_client_supplied_forwarded_for_does_not_change_the_api_address(
    world: World, world_url: str, moving: Clock, monkeypatch: pytest.MonkeyPatch
):
    """Rotating X-Forwarded-For (or X-Real-IP) makes no new address: the API counts the
    connection's peer, so ten guesses under ten made-up addresses still make it wait."""
    monkeypatch.delenv("REFLEX_TRUSTED_PROXY_HOPS", raising=False)
    with session_scope(world_url) as db:
        token = api_tokens.create_token(
            db, operator_actor("test"), user_of(db, "acente.a1").id, "xff"
        ).token
    app = Starlette(routes=[Mount("/api/v1", app=api)])
    with TestClient(app, base_url="http://iztim.test") as client:
        for n in range(throttle.SOURCE_THROTTLE_AFTER):
            spoofed = {"x-forwarded-for": f"10.9.8.{n}", "x-real-ip": f"10.9.7.{n}"}
            answer = client.get(
                "/api/v1/me", headers={"authorization": f"Bearer iztim_guess{n}", **spoofed}
            )
            assert answer.status_code == 401
        answer = client.get(
            "/api/v1/me",
            headers={"authorization": f"Bearer {token}", "x-forwarded-for": "10.9.9.9"},
        )
        assert answer.status_code == 429
        moving.move(seconds=6)
        answer = client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
        assert answer.json()["user_code"] == "acente.a1"


def test_a_screen_session_ends_after_the_configured_idle_minutes(
    world_url: str, moving: Clock, monkeypatch: pytest.MonkeyPatch
):
    """IZTIM_SESSION_IDLE_MINUTES (here 7): activity keeps the tab signed in; 7 idle
    minutes later its next event finds the session ended, the screen shows nothing and
    the session row is closed for good."""
    use_settings(monkeypatch, session_idle_minutes=7)
    root = State(_reflex_internal_init=True)
    sign_in(root, "acente.a1")
    home = sub(root, HomeState)
    for _ in range(3):  # 6 minutes apart, three times: 18 minutes in all, never 7 idle
        moving.move(minutes=6)
        home.load()
        assert (sub(root, SessionState).signed_in, home.error) == (True, "")
    assert home.welcome
    moving.move(minutes=7, seconds=1)
    home.load()
    session = sub(root, SessionState)
    assert (session.signed_in, session.user_code, home.welcome) == (False, "", "")
    assert session.sign_in_error != ""  # "your session ended", not a silent blank
    moving.move(seconds=1)  # ended, not merely idle: activity cannot revive it
    session.check_session()
    assert session.signed_in is False
    with session_scope(world_url) as db:
        a1 = user_of(db, "acente.a1").id
        tab_session = db.exec(
            select(UserSession).where(UserSession.user_id == a1).order_by(UserSession.id.desc())
        ).first()
        assert tab_session.ended_at == T0 + timedelta(minutes=25, seconds=1)
