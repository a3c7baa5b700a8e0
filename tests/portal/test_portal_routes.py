"""The portal's HTTP routes with starlette's TestClient: the hand-off sets the HttpOnly
portal cookie once, sign-out clears it only after the session ended, and the document
route serves the signed-in customer's own policy and endorsement PDFs and nothing else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from iztim_app import portal_routes
from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.portal import services as portal
from iztim_app.core.portal.models import PortalSession
from tests.foundation.support import audit_events, use_settings
from tests.portal.portal_world import SOURCE, PortalWorld, make_world
from tests.quotes.fixtures_db import SHIPPED, TODAY

NOT_FOUND = "Belge bulunamadı."


@pytest.fixture
def world(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PortalWorld]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with session_scope(url) as db:
        yield make_world(db)
    get_engine.cache_clear()


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(
        Starlette(routes=portal_routes.ROUTES), base_url="http://testserver"
    ) as test_client:
        yield test_client


def _sign_in(w: PortalWorld, number: int) -> portal.PortalOpened:
    with session_scope() as db:
        return portal.sign_in(db, str(number), w.codes[number], SOURCE)


def _cookie_of(client: TestClient, w: PortalWorld, number: int) -> str:
    """Signs in as the browser does: the event opens the session, the route sets the cookie."""
    opened = _sign_in(w, number)
    answer = client.get(f"/portal/oturum?code={opened.handoff}", follow_redirects=False)
    assert answer.status_code == 303
    return answer.cookies[portal_routes.PORTAL_COOKIE]


def test_the_handoff_sets_an_httponly_lax_cookie_once(world: PortalWorld, client: TestClient):
    opened = _sign_in(world, world.open.number)
    answer = client.get(f"/portal/oturum?code={opened.handoff}", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/portal")
    set_cookie = answer.headers["set-cookie"]
    assert set_cookie.startswith(f"{portal_routes.PORTAL_COOKIE}=")
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie and "Path=/" in set_cookie
    assert answer.headers["cache-control"] == "no-store"
    token = answer.cookies[portal_routes.PORTAL_COOKIE]
    with session_scope() as db:
        me = portal.resolve(db, token)
        assert (me.customer_id, me.name) == (world.a.id, world.a.name)
        assert portal.resolve(db, opened.token) is None  # the sign-in's token opens nothing
        stored = db.exec(select(PortalSession.handoff_hash, PortalSession.handoff_expires_at))
        assert stored.all() == [(None, None)]
    again = client.get(f"/portal/oturum?code={opened.handoff}", follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, "/portal")
    assert "set-cookie" not in again.headers
    for bad in ("", "x" * 300, "not-a-code"):
        answer = client.get(f"/portal/oturum?code={bad}", follow_redirects=False)
        assert answer.status_code == 303 and "set-cookie" not in answer.headers


def test_a_late_handoff_opens_nothing(world: PortalWorld):
    opened = _sign_in(world, world.open.number)
    with session_scope() as db:
        late = clock.utcnow() + portal.HANDOFF_LIFETIME + portal.HANDOFF_LIFETIME
        assert portal.redeem_handoff(db, opened.handoff, now=late) is None
        assert portal.redeem_handoff(db, opened.handoff) is None  # used up by the late try


def test_sign_out_route_clears_the_cookie_only_after_the_session_ended(
    world: PortalWorld, client: TestClient
):
    token = _cookie_of(client, world, world.open.number)
    kept = client.get("/portal/cikis", follow_redirects=False)
    assert (kept.status_code, kept.headers["location"]) == (303, "/portal")
    assert "set-cookie" not in kept.headers  # a link from elsewhere cannot sign anyone out
    with session_scope() as db:
        portal.sign_out(db, token)
    cleared = client.get("/portal/cikis", follow_redirects=False)
    assert cleared.headers["set-cookie"].startswith(f'{portal_routes.PORTAL_COOKIE}=""; ')
    assert "Max-Age=0" in cleared.headers["set-cookie"]


def test_documents_of_the_customer_print_by_the_staff_rules(world: PortalWorld, client: TestClient):
    _cookie_of(client, world, world.open.number)
    n = world.cancelled.number
    for path, name in (
        (f"/portal/belge/policy/{world.open.number}", f"police-{world.open.number}.pdf"),
        (f"/portal/belge/policy/{n}", f"police-{n}.pdf"),
        (f"/portal/belge/endorsement/1/{n}?dil=en", f"zeyil-1-{n}.pdf"),
        (f"/portal/belge/endorsement/2/{n}", f"zeyil-2-{n}.pdf"),
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF-")
        assert f'filename="{name}"' in answer.headers["content-disposition"]
        assert answer.headers["x-content-type-options"] == "nosniff"
    with session_scope() as db:
        printed = audit_events(db)
        printed = [
            (e.action, e.entity_id, e.actor_code, e.after["lang"])
            for e in printed
            if e.action.endswith(".print")
        ]
    who = f"portal:{world.a.number}"
    assert printed == [
        ("policy.print", str(world.open.number), who, "tr"),
        ("policy.print", str(n), who, "tr"),
        ("endorsement.print", f"1/{n}", who, "en"),
        ("endorsement.print", f"2/{n}", who, "tr"),
    ]


def test_anything_but_own_documents_is_the_same_404(world: PortalWorld, client: TestClient):
    with session_scope() as db:
        before = db.exec(select(AuditEvent.id)).all()
    n = world.cancelled.number
    refused = [
        f"/portal/belge/policy/{world.other.number}",  # customer B's policy
        f"/portal/belge/endorsement/1/{world.other.number}",
        f"/portal/belge/endorsement/9/{n}",  # no such endorsement
        f"/portal/belge/quote/{world.docs.quote.number}",  # quotes are not portal documents
        "/portal/belge/policy/abc",
        "/portal/belge/policy/9999999",
        f"/portal/belge/endorsement/{n}",
    ]
    for path in refused:  # not signed in
        answer = client.get(path)
        assert (answer.status_code, answer.text) == (404, NOT_FOUND), path
    _cookie_of(client, world, world.open.number)
    for path in refused:
        answer = client.get(path)
        assert (answer.status_code, answer.text) == (404, NOT_FOUND), path
    client.cookies.clear()
    client.cookies.set(portal_routes.PORTAL_COOKIE, "forged-token")
    assert client.get(f"/portal/belge/policy/{n}").status_code == 404
    with session_scope() as db:
        after = db.exec(select(AuditEvent.action).where(AuditEvent.id.notin_(before))).all()
    assert after == ["portal.sign_in"]  # nothing printed, nothing else recorded
