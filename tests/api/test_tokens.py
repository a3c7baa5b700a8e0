"""API tokens: made by IT (service, screen state, `iztim tokens`), shown once, stored hashed,
expiry, last use, revocation, a disabled user's tokens, throttling of wrong tokens, and
audit records naming the token."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from iztim_app.cli import main as cli
from iztim_app.core import clock
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.api_tokens.models import ApiToken
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.errors import Conflict, PermissionDenied, ValidationFailed
from iztim_app.core.users import services as users
from iztim_app.core.users.models import User
from tests.foundation.support import actor_of, user_of

IT = "bt.admin"


def tokens_in(db: Session) -> list[ApiToken]:
    db.expire_all()
    return list(db.exec(select(ApiToken).order_by(ApiToken.id)).all())


def bearer(token: str, lang: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if lang:
        headers["Accept-Language"] = lang
    return headers


def test_a_token_is_shown_once_and_stored_only_hashed(db: Session) -> None:
    a1 = user_of(db, "acente.a1")
    expiry = clock.today() + timedelta(days=30)
    made = api_tokens.create_token(db, actor_of(db, IT), a1.id, "  Muhasebe  ", expiry.isoformat())
    assert made.token.startswith("iztim_") and len(made.token) == 6 + 43
    [row] = tokens_in(db)
    assert row.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
    assert (row.user_id, row.name, row.created_by, row.expires_on) == (
        a1.id,
        "Muhasebe",
        IT,
        expiry,
    )
    assert row.last_used_at is None and row.revoked_at is None
    # the token itself is nowhere in the database: not in its row, not in the audit trail
    stored = " ".join(str(v) for v in row.model_dump().values())
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "api_token.create")).all()
    assert made.token not in stored
    assert [(e.actor_code, e.entity_id, e.after["name"]) for e in events] == [
        (IT, str(a1.id), "Muhasebe")
    ]
    assert all(made.token not in str(e.after) for e in events)
    [listed] = api_tokens.list_tokens(db, actor_of(db, IT), a1.id)
    assert (listed.name, listed.status, listed.expires_on, listed.last_used_at) == (
        "Muhasebe",
        "active",
        expiry,
        None,
    )


def test_only_it_makes_lists_and_revokes_tokens(db: Session) -> None:
    a1 = user_of(db, "acente.a1")
    for code in ("acente.a1", "gm.onay", "sube.ankara"):
        with pytest.raises(PermissionDenied):
            api_tokens.create_token(db, actor_of(db, code), a1.id, "x")
        with pytest.raises(PermissionDenied):
            api_tokens.list_tokens(db, actor_of(db, code), a1.id)
    made = api_tokens.create_token(db, actor_of(db, IT), a1.id, "x")
    with pytest.raises(PermissionDenied):
        api_tokens.revoke_token(db, actor_of(db, "gm.onay"), made.row.id)
    assert [(t.name, t.revoked_at) for t in tokens_in(db)] == [("x", None)]


def test_a_bad_token_form_lists_every_problem_and_stores_nothing(db: Session) -> None:
    a1 = user_of(db, "acente.a1")
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as caught:
        api_tokens.create_token(db, actor_of(db, IT), a1.id, "   ", yesterday)
    assert [(p.code, p.field) for p in caught.value.problems] == [
        ("api_token.name_required", "token_name"),
        ("api_token.expires_past", "token_expires"),
    ]
    with pytest.raises(ValidationFailed) as caught:
        api_tokens.create_token(db, actor_of(db, IT), a1.id, "n" * 81, "31.12.2030")
    assert [(p.code, p.field) for p in caught.value.problems] == [
        ("api_token.name_too_long", "token_name"),
        ("api_token.expires_invalid", "token_expires"),
    ]
    assert tokens_in(db) == []


def test_a_token_acts_as_its_user_and_records_its_last_use(client, db: Session, token_for) -> None:
    token = token_for("acente.a1", "Muhasebe")
    before = clock.utcnow()
    answer = client.get("/api/v1/me", headers=bearer(token))
    assert answer.status_code == 200
    assert (answer.json()["user_code"], answer.json()["office_code"]) == ("acente.a1", "A-ACENTE-A")
    [row] = tokens_in(db)
    assert row.last_used_at is not None and row.last_used_at >= before


def test_a_revoked_token_stops_at_once(client, db: Session, token_for) -> None:
    token = token_for("acente.a1", "Muhasebe")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    [row] = tokens_in(db)
    api_tokens.revoke_token(db, actor_of(db, IT), row.id)
    answer = client.get("/api/v1/me", headers=bearer(token))
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "unauthenticated"
    with pytest.raises(Conflict):
        api_tokens.revoke_token(db, actor_of(db, IT), row.id)
    [listed] = api_tokens.list_tokens(db, actor_of(db, IT), user_of(db, "acente.a1").id)
    assert (listed.status, tokens_in(db)[0].revoked_by) == ("revoked", IT)


def test_a_token_is_valid_through_its_last_day(
    client, db: Session, token_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = token_for("acente.a1", "kısa", clock.today())
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    later = clock.utcnow() + timedelta(days=1, hours=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    answer = client.get("/api/v1/me", headers=bearer(token))
    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")


def test_a_disabled_users_tokens_stop_at_once(client, db: Session, token_for) -> None:
    token = token_for("acente.a1")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    users.set_active(db, actor_of(db, IT), user_of(db, "acente.a1").id, False)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    users.set_active(db, actor_of(db, IT), user_of(db, "acente.a1").id, True)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_a_pending_temporary_password_forbids_api_calls(client, db: Session, token_for) -> None:
    token = token_for("acente.a1")
    users.reset_password(db, actor_of(db, IT), user_of(db, "acente.a1").id)
    answer = client.get("/api/v1/me", headers=bearer(token, "en"))
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")


def test_wrong_tokens_are_throttled_per_address_and_missing_ones_are_not(
    client, db: Session, token_for
) -> None:
    token = token_for("acente.a1")
    for _ in range(30):  # no token at all is not a guess
        assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    for _ in range(10):
        assert client.get("/api/v1/me", headers=bearer("iztim_guess")).status_code == 401
    throttled = client.get("/api/v1/me", headers=bearer(token, "en"))
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "too_many_requests"
    assert 1 <= int(throttled.headers["retry-after"]) <= 5


def test_audit_records_of_api_calls_name_the_user_and_the_token(
    client, db: Session, token_for
) -> None:
    token = token_for("acente.a1", "Muhasebe yazılımı")
    answer = client.post(
        "/api/v1/customers",
        headers=bearer(token),
        json={
            "kind": "individual",
            "national_id": "17291716060",
            "name": "Ayşe Şahin",
            "customer_group": "bireysel",
        },
    )
    assert answer.status_code == 201, answer.text
    db.expire_all()
    events = db.exec(select(AuditEvent).where(AuditEvent.entity_type == "customer")).all()
    assert [(e.actor_code, e.via) for e in events] == [("acente.a1", "api:Muhasebe yazılımı")]


def test_the_command_line_prints_the_token_alone_and_lists_and_revokes(client, db: Session) -> None:
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["tokens", "create", "--user", "acente.a1", "--name", "bank", "--expires", "2099-12-31"],
    )
    assert made.exit_code == 0, made.output
    lines = made.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("iztim_")
    token = lines[0]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    [row] = tokens_in(db)
    listed = runner.invoke(cli, ["tokens", "list", "--user", "acente.a1"])
    assert listed.exit_code == 0
    [header, entry] = listed.stdout.splitlines()
    assert header == "id\tname\tcreated\tlast_used\texpires\tstatus"
    fields = entry.split("\t")
    assert (fields[0], fields[1], fields[4], fields[5]) == (
        str(row.id),
        "bank",
        "2099-12-31",
        "active",
    )
    assert fields[3] != "-" and token not in listed.stdout
    revoked = runner.invoke(cli, ["tokens", "revoke", str(row.id)])
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    unknown = runner.invoke(cli, ["tokens", "create", "--user", "nobody", "--name", "x"])
    assert unknown.exit_code != 0 and unknown.stdout == ""
    assert len(tokens_in(db)) == 1


def test_a_user_without_tokens_lists_none(db: Session) -> None:
    user = db.exec(select(User).where(User.code == "gm.onay")).one()
    assert api_tokens.list_tokens(db, actor_of(db, IT), user.id) == []
