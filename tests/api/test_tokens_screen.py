"""The API tokens section of the user admin screen (Yönetim → Kullanıcılar): IT creates a
token (shown once), sees the list and revokes; the hash never reaches the browser."""

from __future__ import annotations

from reflex.state import State
from reflex.utils.format import json_dumps
from sqlmodel import Session, select

from iztim_app.core.api_tokens.models import ApiToken
from iztim_app.states.admin_users import UsersState
from tests.foundation.browser_tab import sign_in, sub
from tests.foundation.support import user_of


def test_it_creates_lists_and_revokes_a_token_on_the_users_screen(
    api_url: str, db: Session, client
) -> None:
    root = State(_reflex_internal_init=True)
    sign_in(root, "bt.admin")
    screen = sub(root, UsersState)
    screen.load()
    screen.open_user(str(user_of(db, "acente.a1").id))
    assert (screen.error, screen.token_rows, screen.new_api_token) == ("", [], "")

    screen.create_api_token({"token_name": "Muhasebe", "token_expires": ""})
    assert screen.error == ""
    token = screen.new_api_token
    assert token.startswith("iztim_")
    [row] = db.exec(select(ApiToken)).all()
    assert [
        (r["id"], r["name"], r["last_used"], r["expires"], r["status"], r["active"])
        for r in screen.token_rows
    ] == [(str(row.id), "Muhasebe", "Hiç", "Süresiz", "Geçerli", "1")]
    payload = json_dumps(root.dict())
    assert row.token_hash not in payload
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    screen.open_user(str(user_of(db, "acente.a1").id))  # shown once: gone when reopened
    assert screen.new_api_token == ""
    assert token not in json_dumps(root.dict())

    screen.revoke_api_token(str(row.id))
    assert (screen.error, screen.message) == ("", "Anahtar iptal edildi.")
    assert [(r["status"], r["active"]) for r in screen.token_rows] == [("İptal edildi", "")]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_bad_token_form_is_refused_beside_its_field(api_url: str, db: Session) -> None:
    root = State(_reflex_internal_init=True)
    sign_in(root, "bt.admin")
    screen = sub(root, UsersState)
    screen.load()
    screen.open_user(str(user_of(db, "acente.a1").id))
    screen.create_api_token({"token_name": " ", "token_expires": ""})
    assert screen.field_errors == {"token_name": "Anahtar adı zorunlu."}
    assert (screen.new_api_token, screen.token_rows) == ("", [])
    assert db.exec(select(ApiToken)).all() == []
