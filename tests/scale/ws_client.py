"""A browser tab without a browser: a client of the app's real event socket.

Reflex's front end talks Socket.IO (Engine.IO 4, websocket transport only) on `/_event`,
namespace `/_event`. A tab is a client token (kept in the browser's sessionStorage, so it
survives page loads) plus, once signed in, the `iztim_session` cookie that each socket's
handshake carries. Per connection the front end sends one boot event
(`hydrate_and_load`, inside the namespace CONNECT packet); the server answers with the
state and runs the page's on_load handlers, which end with `is_hydrated = true`. Every
later event is `["event", {name, payload, router_data}]`; answers are `["event",
StateUpdate]` messages (`delta` per state full name, vars suffixed `_rx_state_`, and
front-end `events` such as `_call_script` or `_redirect`).

Written on wsproto (installed with the app) over asyncio streams, so a hundred tabs run
in one event loop without extra dependencies."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Message,
    Ping,
    RejectConnection,
    RejectData,
    Request,
    TextMessage,
)

from tests.quotes.fixtures_quotes import FORMS  # the forms the tabs fill (bench/load.py too)

NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
HYDRATE_AND_LOAD = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD_INTERNAL = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
FIELD_MARKER = "_rx_state_"
COOKIE_NAME = "iztim_session"
# Front-end events a page of this app sends itself; anything else (a toast, an alert from
# the backend's exception handler) is reported as an error.
EXPECTED_FRONTEND_EVENTS = {"_call_script", "_redirect"}


def _hydrated(update: Update) -> bool:
    """The page's on_load handlers are done (the last of them sets `is_hydrated`)."""
    return update.delta.get(ROOT_STATE, {}).get("is_hydrated") is True


class SocketError(RuntimeError):
    """The socket failed or an answer did not come in time."""


@dataclass
class Update:
    """One StateUpdate as received, with its arrival time."""

    delta: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    at: float

    def touches(self, state: str, var: str | None = None) -> bool:
        changes = self.delta.get(state)
        return changes is not None and (var is None or var in changes)


@dataclass
class Tab:
    """One browser tab of the app: its client token, cookie, socket and the state the
    server sent it (merged deltas, by state full name and plain var name)."""

    base_url: str
    http: httpx.AsyncClient
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    cookie: str = ""
    path: str = "/"
    query: dict[str, str] = field(default_factory=dict)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    updates: list[Update] = field(default_factory=list)
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None
    _ws: WSConnection | None = None
    _task: asyncio.Task | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _closed: str = ""
    _connected: asyncio.Event = field(default_factory=asyncio.Event)

    # ------------------------------------------------------------ reading the screen

    def var(self, state: str, name: str, default: Any = None) -> Any:
        return self.state.get(state, {}).get(name, default)

    @property
    def client_port(self) -> int | None:
        """The local port of the open socket (to find the worker serving it)."""
        if self._writer is None:
            return None
        return self._writer.get_extra_info("sockname")[1]

    # ------------------------------------------------------------ the socket

    async def open(self, path: str, query: dict[str, str] | None = None, timeout: float = 30):
        """A full page load: a new socket (handshake with the cookie) whose boot event
        hydrates the tab and runs the page's on_load handlers; returns when they are done."""
        await self.connect(timeout)
        await self.boot(path, query, timeout)

    async def connect(self, timeout: float = 30) -> None:
        """The websocket and Engine.IO handshake only: the server has run nothing for this
        tab yet (the namespace CONNECT carrying the boot event comes with `boot`)."""
        await self.close()
        self._closed = ""
        self._connected = asyncio.Event()
        url = urllib.parse.urlsplit(self.base_url)
        host, port = url.hostname or "127.0.0.1", url.port or 80
        self._reader, self._writer = await asyncio.open_connection(host, port)
        self._ws = WSConnection(ConnectionType.CLIENT)
        target = f"{NAMESPACE}/?" + urllib.parse.urlencode(
            {"token": self.token, "EIO": "4", "transport": "websocket"}
        )
        headers = [(b"user-agent", b"iztim-load-test")]
        if self.cookie:
            headers.append((b"cookie", f"{COOKIE_NAME}={self.cookie}".encode()))
        request = Request(host=f"{host}:{port}", target=target, extra_headers=headers)
        self._send_raw(self._ws.send(request))
        self._task = asyncio.create_task(self._read_loop())
        await asyncio.wait_for(self._connected.wait(), timeout)
        if self._closed:
            raise SocketError(f"socket closed: {self._closed}")

    async def boot(
        self, path: str, query: dict[str, str] | None = None, timeout: float = 30
    ) -> list[Update]:
        """The page load's boot event on the connected socket; returns the updates up to
        the end of the page's on_load handlers (the first is the state snapshot)."""
        self.path, self.query = path, dict(query or {})
        self.state = {}
        start = len(self.updates)
        boot = self._event(HYDRATE_AND_LOAD, {})
        self._send_text("40" + NAMESPACE + "," + json.dumps({"event": boot}))
        return await self.wait_for(_hydrated, start, timeout)

    async def navigate(self, path: str, query: dict[str, str] | None = None, timeout: float = 30):
        """Client-side routing (a link inside the app): the same socket, the new page's
        on_load handlers."""
        self.path, self.query = path, dict(query or {})
        self.state.setdefault(ROOT_STATE, {})["is_hydrated"] = False
        await self.send(
            ON_LOAD_INTERNAL,
            {},
            until=_hydrated,
            timeout=timeout,
        )

    async def send(
        self,
        name: str,
        payload: dict[str, Any] | None = None,
        *,
        until: Callable[[Update], bool] | None = None,
        timeout: float = 30,
    ) -> list[Update]:
        """Sends one event and waits for its answer: the first update for which `until`
        holds (by default the first update at all). Returns the updates received
        meanwhile."""
        start = len(self.updates)
        self._send_text(
            "42" + NAMESPACE + "," + json.dumps(["event", self._event(name, payload or {})])
        )
        return await self.wait_for(until or (lambda u: True), start, timeout)

    async def wait_for(
        self, until: Callable[[Update], bool], start: int, timeout: float = 30
    ) -> list[Update]:
        deadline = time.monotonic() + timeout
        seen = start
        while True:
            for i in range(seen, len(self.updates)):
                if until(self.updates[i]):
                    return self.updates[start : i + 1]
            seen = len(self.updates)
            if self._closed:
                raise SocketError(f"socket closed: {self._closed}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise SocketError(f"no answer in {timeout} s on {self.path}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                pass

    async def close(self) -> None:
        if self._writer is not None:
            try:
                if self._ws is not None and not self._closed:
                    self._send_raw(self._ws.send(CloseConnection(code=1000)))
                self._writer.close()
            except (OSError, RuntimeError, ValueError):
                pass
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        self._reader = self._writer = self._ws = self._task = None

    # ------------------------------------------------------------ signing in

    async def sign_in(self, state: str, user_code: str, password: str, timeout: float = 30):
        """As the browser does: the sign-in event answers with a script that sends the
        browser to `/auth/session?code=…&next=…`; that response sets the cookie, and the
        page `next` loads again with it (a new socket)."""
        updates = await self.send(
            f"{state}.sign_in",
            {"form": {"user_code": user_code, "password": password}},
            until=lambda u: any(e.get("name") == "_call_script" for e in u.events),
            timeout=timeout,
        )
        script = next(
            e["payload"]["javascript_code"]
            for u in updates
            for e in u.events
            if e.get("name") == "_call_script"
        )
        found = re.fullmatch(r"window\.location\.replace\((.*)\)", script)
        if not found:
            raise SocketError(f"unexpected sign-in answer: {script}")
        target = json.loads(found.group(1))
        resp = await self.http.get(self.base_url + target, timeout=timeout)
        if resp.status_code not in (302, 303, 307) or COOKIE_NAME not in resp.cookies:
            raise SocketError(f"/auth/session answered {resp.status_code}")
        self.cookie = resp.cookies[COOKIE_NAME]
        nxt = urllib.parse.urlsplit(resp.headers["location"])
        query = dict(urllib.parse.parse_qsl(nxt.query))
        await self.open(nxt.path or "/", query, timeout=timeout)

    # ------------------------------------------------------------ internals

    def _event(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        as_path = self.path + ("?" + urllib.parse.urlencode(self.query) if self.query else "")
        router_data: dict[str, Any] = {"pathname": self.path, "asPath": as_path}
        if self.query:
            router_data["query"] = dict(self.query)
        return {"name": name, "payload": payload, "router_data": router_data}

    def _send_raw(self, data: bytes) -> None:
        if self._writer is None:
            raise SocketError("not connected")
        self._writer.write(data)

    def _send_text(self, text: str) -> None:
        if self._ws is None or self._closed:
            raise SocketError(f"socket closed: {self._closed or 'never opened'}")
        self._send_raw(self._ws.send(Message(data=text)))

    async def _read_loop(self) -> None:
        assert self._reader is not None and self._ws is not None
        parts: list[str] = []
        try:
            while True:
                data = await self._reader.read(65536)
                if not data:
                    self._closed = self._closed or "connection lost"
                    break
                self._ws.receive_data(data)
                for ev in self._ws.events():
                    if isinstance(ev, AcceptConnection):
                        pass
                    elif isinstance(ev, (RejectConnection, RejectData)):
                        self._closed = f"handshake refused ({getattr(ev, 'status_code', '')})"
                    elif isinstance(ev, TextMessage):
                        parts.append(ev.data)
                        if ev.message_finished:
                            self._on_packet("".join(parts))
                            parts = []
                    elif isinstance(ev, Ping):
                        self._send_raw(self._ws.send(ev.response()))
                    elif isinstance(ev, CloseConnection):
                        self._closed = f"closed by server ({ev.code})"
                if self._closed:
                    break
        except (OSError, asyncio.IncompleteReadError) as exc:
            self._closed = f"connection error: {exc}"
        finally:
            self._changed.set()
            self._connected.set()

    def _on_packet(self, text: str) -> None:
        kind = text[:1]
        if kind == "0":  # Engine.IO open
            self._connected.set()
        elif kind == "2":  # Engine.IO ping: answer pong
            self._send_text("3")
        elif kind == "1":
            self._closed = "closed by server"
        elif kind == "4":
            self._on_socketio(text[1:])

    def _on_socketio(self, text: str) -> None:
        kind, rest = text[:1], text[1:]
        if rest.startswith(NAMESPACE):
            rest = rest[len(NAMESPACE) :].removeprefix(",")
        if kind == "4":  # CONNECT_ERROR
            self._closed = f"namespace refused: {rest}"
        elif kind == "1":
            self._closed = "namespace disconnected"
        elif kind == "2":
            name, data = json.loads(rest)[:2]
            if name == "event":
                self._on_update(data)
            self._changed.set()

    def _on_update(self, data: dict[str, Any]) -> None:
        delta = {
            state: {k.removesuffix(FIELD_MARKER): v for k, v in changes.items()}
            for state, changes in (data.get("delta") or {}).items()
        }
        events = list(data.get("events") or [])
        for state, changes in delta.items():
            self.state.setdefault(state, {}).update(changes)
        self.unexpected += [e for e in events if e.get("name") not in EXPECTED_FRONTEND_EVENTS]
        self.updates.append(Update(delta, events, time.monotonic()))


# ====================================================================== the quote form

# What a user types into the generated form of two lines (tariffs/*/fields.csv).
# The demo staff who may save quotes; the load test and bench/load.py spread tabs over them.
STAFF = [
    "sube.istanbul",
    "sube.ankara",
    "acente.a1",
    "acente.a2",
    "acente.b1",
    "acente.b2",
    "acente.c1",
    "gm.onay",
]
QUOTE_FORM_PATH = "/teklifler/yeni"


@dataclass(frozen=True)
class StateNames:
    """Full names of the states the quote form's events address."""

    session: str
    app: str
    form: str

    @classmethod
    def of_app(cls) -> StateNames:
        from iztim_app.states.quote_form import QuoteFormState
        from iztim_app.states.session import AppState, SessionState

        return cls(
            SessionState.get_full_name(), AppState.get_full_name(), QuoteFormState.get_full_name()
        )


@dataclass(frozen=True)
class SavedQuote:
    """A quote as its session saw it: the number it was sent to and the figures shown."""

    number: int
    user_code: str
    line_code: str
    sum_insured: str  # as typed
    gross: str  # the price table's gross premium row, as shown
    rows: tuple[tuple[str, str], ...]


@dataclass
class Timings:
    """Round trips (seconds) per kind of event."""

    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.by_kind.setdefault(kind, []).append(seconds)


class QuoteSession:
    """One signed-in staff tab on the new-quote screen, driven through the events the page
    fires (pages/quote_form.py, pages/line_form.py): search and pick a customer, choose a
    line, fill its fields on change/blur, type the sum insured (prices), save."""

    def __init__(self, tab: Tab, names: StateNames, user_code: str, seed: int) -> None:
        self.tab, self.names, self.user_code, self.seed = tab, names, user_code, seed
        self.timings = Timings()
        self.saved: list[SavedQuote] = []
        self.problems: list[str] = []
        self.rounds = 0

    # ------------------------------------------------------------ steps

    async def start(self, password: str) -> None:
        await self.tab.open(QUOTE_FORM_PATH)
        await self.tab.sign_in(self.names.session, self.user_code, password)
        if self.tab.var(self.names.session, "user_code") != self.user_code:
            raise SocketError(f"{self.user_code}: not signed in after the cookie route")
        self._check("sign in")

    async def fire(self, handler: str, payload: dict[str, Any], kind: str = "") -> list[Update]:
        """One event of the form and its answer (the update on the screen's state), timed."""
        form = self.names.form
        t0 = time.perf_counter()
        updates = await self.tab.send(
            f"{form}.{handler}", payload, until=lambda u: u.touches(form) or bool(u.events)
        )
        self.timings.add(kind or handler, time.perf_counter() - t0)
        self._check(handler)
        return updates

    async def fill(self, line: str, sum_insured: str) -> None:
        """Customer, line, the line's fields and the sum insured: the form is priced."""
        form = self.names.form
        await self.fire("search_customers", {"form": {"customer_search": ""}})
        found = self.tab.var(form, "customer_results") or []
        if not found:
            raise SocketError(f"{self.user_code}: no customer to choose")
        customer = found[(self.seed + self.rounds) % len(found)]
        await self.fire("pick_customer", {"customer_id": customer["id"]})
        await self.fire("choose_line", {"code": line})
        for name, value in FORMS[line].items():
            await self.fire("set_value", {"name": name, "value": value})
        await self.price(sum_insured)

    async def price(self, sum_insured: str) -> list[list[str]]:
        await self.fire("set_sum_insured", {"value": sum_insured}, kind="price")
        rows = self.tab.var(self.names.form, "price_rows") or []
        if not rows:
            self.problems.append(f"{self.user_code}: no price for {sum_insured}")
        return rows

    async def save(self, line: str, sum_insured: str) -> SavedQuote | None:
        rows = tuple((r["label"], r["amount"]) for r in self.tab.var(self.names.form, "price_rows"))
        t0 = time.perf_counter()
        updates = await self.tab.send(
            f"{self.names.form}.save",
            {},
            until=lambda u: (
                any(e.get("name") == "_redirect" for e in u.events)
                or bool(u.delta.get(self.names.app, {}).get("error"))
            ),
        )
        self.timings.add("save", time.perf_counter() - t0)
        self._check("save")
        target = next(
            (
                e["payload"]["path"]
                for u in updates
                for e in u.events
                if e.get("name") == "_redirect"
            ),
            None,
        )
        if target is None:
            return None
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
        saved = SavedQuote(
            number=int(query["no"][0]),
            user_code=self.user_code,
            line_code=line,
            sum_insured=sum_insured,
            gross=rows[-1][1],
            rows=rows,
        )
        self.saved.append(saved)
        return saved

    async def run(self, stop_at: float, *, full_form: bool = True, think: float = 0.0) -> None:
        """Quotes until `stop_at` (monotonic): each round opens a fresh form (client-side
        link), fills and prices it, and saves; `full_form=False` keeps the filled form and
        only reprices and saves (the bench's "price and save"). `think`: a user's mean
        pause (seconds, uniform 0…2×) before pricing and before saving."""
        pause = random.Random(self.seed)
        while time.monotonic() < stop_at:
            line = ("konut", "kasko")[(self.seed + self.rounds) % 2] if full_form else "konut"
            amount = f"{(300 + (self.seed * 7 + self.rounds * 13) % 400) * 1000:,}".replace(
                ",", "."
            )
            if self.rounds and full_form:
                t0 = time.perf_counter()
                await self.tab.navigate(QUOTE_FORM_PATH)
                self.timings.add("open form", time.perf_counter() - t0)
                self._check("open form")
            if think:
                await asyncio.sleep(pause.uniform(0, 2 * think))
            t0 = time.perf_counter()
            if full_form or not self.rounds:
                await self.fill(line, amount)
            else:
                await self.price(amount)
            priced = time.perf_counter() - t0
            if think:
                await asyncio.sleep(pause.uniform(0, 2 * think))
            t0 = time.perf_counter()
            await self.save(line, amount)
            if not full_form and self.rounds:  # the first round filled the whole form
                self.timings.add("price+save", priced + time.perf_counter() - t0)
            self.rounds += 1

    def _check(self, step: str) -> None:
        """No refusal, no field message, no unexpected front-end event (toast, alert)."""
        app = self.tab.state.get(self.names.app, {})
        if app.get("error") or app.get("field_errors"):
            self.problems.append(
                f"{self.user_code} {step}: {app.get('error')!r} {app.get('field_errors')!r}"
            )
        if self.tab.unexpected:
            self.problems.append(f"{self.user_code} {step}: {self.tab.unexpected!r}")
            self.tab.unexpected.clear()


def serving_pid(pids: list[int], server_port: int, client_port: int) -> int | None:
    """Which of `pids` holds the server end of the loopback connection from `client_port`
    (read from /proc: the socket's inode, then the process whose fd points at it)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]  # noqa: SIM115
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            local, remote = cols[1], cols[2]
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                inode = cols[9]
                break
        if inode:
            break
    if not inode:
        return None
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None


async def run_sessions(
    base_url: str,
    users: list[str],
    sessions: int,
    seconds: float,
    password: str,
    *,
    full_form: bool = True,
    think: float = 0.0,
    names: StateNames | None = None,
    on_started: Callable[[list[QuoteSession]], Any] | None = None,
) -> list[QuoteSession]:
    """`sessions` tabs (users taken in turn) sign in together, then quote for `seconds`.
    `on_started` is called (and awaited if a coroutine) once all are signed in."""
    names = names or StateNames.of_app()
    limits = httpx.Limits(max_connections=sessions, max_keepalive_connections=sessions)
    async with httpx.AsyncClient(limits=limits) as http:
        runs = [
            QuoteSession(Tab(base_url, http), names, users[i % len(users)], seed=i)
            for i in range(sessions)
        ]
        starting = asyncio.Semaphore(20)  # a hundred sign-ins at once would only queue

        async def start(s: QuoteSession) -> None:
            async with starting:
                await s.start(password)

        try:
            await asyncio.gather(*(start(s) for s in runs))
            if on_started is not None:
                done = on_started(runs)
                if asyncio.iscoroutine(done):
                    await done
            stop_at = time.monotonic() + seconds
            await asyncio.gather(*(s.run(stop_at, full_form=full_form, think=think) for s in runs))
        finally:
            await asyncio.gather(*(s.tab.close() for s in runs), return_exceptions=True)
    return runs
