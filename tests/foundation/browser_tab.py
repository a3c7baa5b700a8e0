"""A browser tab for state tests without a browser: the cookie its socket handshake would
carry, and signing in the way the browser does (event, then the cookie route)."""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from reflex.state import State
from reflex_base import constants

from iztim_app.core.db import session_scope
from iztim_app.core.sessions import services as sessions
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.session_routes import COOKIE_NAME
from iztim_app.states.session import SessionState

CLIENT_IP = "10.20.30.40"


def sub(root: State, cls: type) -> Any:
    return root.get_substate(cls.get_full_name().split("."))


def use_cookie(root: State, token: str | None, client_ip: str = CLIENT_IP) -> None:
    """The tab's next events come from a socket whose handshake carried this cookie (and
    came from `client_ip`); the other router data (page, other headers) stays."""
    headers = {
        k: v
        for k, v in root.router_data.get(constants.RouteVar.HEADERS, {}).items()
        if k != "cookie"
    }
    if token:
        headers["cookie"] = f"{COOKIE_NAME}={token}"
    data = {constants.RouteVar.HEADERS: headers, constants.RouteVar.CLIENT_IP: client_ip}
    root.router_data = root._update_router_vars(data, root.router_data)


def script_target(spec: Any) -> str:
    """The URL a `window.location.replace(…)` event sends the browser to."""
    [(_, script), _] = spec.args
    found = re.fullmatch(r"window\.location\.replace\((.*)\)", script._var_value)
    assert found, script._var_value
    return json.loads(found.group(1))


def follow_sign_in(root: State, spec: Any) -> str:
    """What the browser does with the sign-in event's answer: the cookie route redeems the
    code; the page then reloads with the cookie (a new socket handshake)."""
    url = urllib.parse.urlsplit(script_target(spec))
    assert url.path == "/auth/session"
    code = urllib.parse.parse_qs(url.query)["code"][0]
    with session_scope() as db:
        token = sessions.redeem_handoff(db, code)
    assert token
    use_cookie(root, token)
    sub(root, SessionState).check_session()
    return token


def sign_in(root: State, code: str, password: str = DEMO_PASSWORD) -> SessionState:
    session = sub(root, SessionState)
    spec = session.sign_in({"user_code": code, "password": password})
    assert session.sign_in_error == ""
    follow_sign_in(root, spec)
    assert (session.signed_in, session.user_code, session.sign_in_error) == (True, code, "")
    return session


def token_of(root: State) -> str:
    from iztim_app.session_routes import token_from_cookie_header

    return token_from_cookie_header(root.router.headers.cookie)


class Unlocked:
    """Stands in for Reflex's StateProxy in a background event: `async with self` takes no
    lock here (one test, one task), attributes are the state's own."""

    def __init__(self, state: Any) -> None:
        object.__setattr__(self, "_state", state)

    async def __aenter__(self) -> Unlocked:
        return self

    async def __aexit__(self, *exc: object) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._state, name, value)
