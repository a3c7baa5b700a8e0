"""The security suite's world: the whole demo installation (tariff, a year of quotes and
policies, endorsements, payments, commissions), agency A's numbers and traces, agency B's
session, a row-level snapshot of the database and a browser tab that calls any handler.

Built once per run (≈10 s), never written to, copied per test (milliseconds)."""

from __future__ import annotations

import asyncio
import base64
import inspect
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from reflex.event import EventHandler, EventSpec
from reflex.state import State
from reflex.utils.format import json_dumps
from reflex_base import constants
from sqlmodel import SQLModel, select

import iztim_app.iztim_app  # noqa: F401  (every page and state registered)
from iztim_app import demo, portal_routes, session_routes
from iztim_app.core import clock
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.api_tokens.models import ApiToken
from iztim_app.core.customers.models import Customer
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.endorsements.models import Endorsement
from iztim_app.core.installments.models import Installment, RefundDue
from iztim_app.core.organisation.models import Office
from iztim_app.core.policies.models import Policy
from iztim_app.core.quotes.models import Quote
from iztim_app.core.reports.models import ReportFormat
from iztim_app.core.secrets import installation_secret
from iztim_app.core.sessions import services as sessions
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.tables import TariffVersion
from iztim_app.core.users.actor import operator_actor
from iztim_app.core.users.models import User
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.browser_tab import Unlocked
from tests.foundation.support import use_settings
from tests.quotes.fixtures_db import SHIPPED

ATTACKER = "acente.b1"
VICTIM_OFFICE = "A-ACENTE-A"
ATTACKER_OFFICE = "A-ACENTE-B"
CLIENT_IP = "198.51.100.7"
ORIGIN = "http://localhost:3000"
# Tables a refused call may legitimately write, each with why (checked row by row below).
REFUSAL_TABLES = {
    "audit_event": "refused attempts and sign-outs are audited (rows only added)",
    "sign_in_throttle": "wrong passwords/codes are counted per user code and address",
}
ADDRESS = re.compile(r" at 0x[0-9a-f]+")
DATA_URL = re.compile(r"data:[\w/+.-]*;base64,([A-Za-z0-9+/=]+)")


@dataclass
class Ids:
    """Agency A's numbers and ids (and others agency B cannot see), as the browser sends them."""

    customer_ids: list[str]
    customer_numbers: list[str]
    national_ids: list[str]
    quotes: list[str]
    policies: list[str]  # approved
    awaiting: list[str]  # policies awaiting approval
    drafts: list[str]
    endorsed: list[str]  # policies with endorsements
    installment_ids: list[str]
    refund_ids: list[str]
    user_ids: list[str]
    office_ids: list[str]
    format_ids: list[str]
    version_ids: list[str]
    token_ids: list[str]
    request_ids: list[str]


@dataclass
class World:
    template: Path
    ids: Ids
    b_token: str
    b_user_id: int
    b_office_id: int
    a_traces: list[str]  # texts that would betray agency A's customers
    all_traces: list[str]  # every customer's name and national id (for the signed-out tab)
    extra: dict[str, Any] = field(default_factory=dict)


def _strs(values: Any) -> list[str]:
    return [str(v) for v in values]


def build_world(tmp: Path, migrated: Path) -> World:
    target = tmp / "security.db"
    copy_sqlite(migrated, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
        with session_scope(url) as db:
            assert versions.load_shipped(db, operator_actor("setup"), SHIPPED)
            assert demo.load(db) is True
            office = {o.code: o.id for o in db.exec(select(Office)).all()}
            a_office, b_office = office[VICTIM_OFFICE], office[ATTACKER_OFFICE]
            users = {u.code: u for u in db.exec(select(User)).all()}
            b_user = users[ATTACKER]
            made = api_tokens.create_token(
                db, operator_actor("setup"), users["acente.a1"].id, "a1 entegrasyon"
            )
            assert made
            db.commit()
            token = sessions.open_session(db, b_user.id, clock.utcnow()).token
            a_token = sessions.open_session(db, users["acente.a1"].id, clock.utcnow()).token
            db.commit()
            # made on first use: a first verification would otherwise be a change
            installation_secret(db, "documents")
            installation_secret(db, "payment_test_gateway")

            a_customers = db.exec(select(Customer).where(Customer.office_id == a_office)).all()
            b_customers = db.exec(select(Customer).where(Customer.office_id == b_office)).all()
            everyone = db.exec(select(Customer)).all()
            # acente.a1's own first: the control (A's user sees them) uses the first ones
            a_policies = sorted(
                db.exec(select(Policy).where(Policy.office_id == a_office)).all(),
                key=lambda p: (p.prepared_by_code != "acente.a1", p.id),
            )

            def numbers(status: str) -> list[str]:
                return list(dict.fromkeys(str(p.number) for p in a_policies if p.status == status))

            a_numbers = {p.number for p in a_policies}
            endorsed = sorted(
                {
                    str(e.policy_number)
                    for e in db.exec(select(Endorsement)).all()
                    if e.policy_number in a_numbers
                }
            )
            ids = Ids(
                customer_ids=_strs(c.id for c in a_customers[:3]),
                customer_numbers=_strs(c.number for c in a_customers[:3]),
                national_ids=[c.national_id for c in a_customers[:3]],
                quotes=_strs(
                    q.number
                    for q in db.exec(
                        select(Quote).where(Quote.office_id == a_office).order_by(Quote.id)
                    ).all()[:3]
                ),
                policies=numbers("approved")[:3],
                awaiting=numbers("awaiting_approval")[:2] or numbers("approved")[:1],
                drafts=numbers("draft")[:2] or numbers("approved")[:1],
                endorsed=endorsed[:2],
                installment_ids=_strs(
                    i.id for i in db.exec(select(Installment)).all() if i.policy_number in a_numbers
                )[:3],
                refund_ids=_strs(
                    r.id for r in db.exec(select(RefundDue)).all() if r.policy_number in a_numbers
                )[:2]
                or ["1"],
                user_ids=_strs(u.id for code, u in users.items() if code != ATTACKER)[:4],
                office_ids=_strs([a_office, office["GM"], office["S-ISTANBUL"]]),
                format_ids=_strs(f.id for f in db.exec(select(ReportFormat)).all())[:3],
                version_ids=_strs(v.id for v in db.exec(select(TariffVersion)).all()),
                token_ids=_strs(t.id for t in db.exec(select(ApiToken)).all()),
                # the demo has no portal requests: ids nobody has must look the same
                request_ids=["1", "2"],
            )
            assert ids.policies and ids.quotes and ids.customer_ids and ids.endorsed
            b_texts = {t for c in b_customers for t in _texts(c)}
            a_traces = sorted({t for c in a_customers for t in _texts(c)} - b_texts)
            a_traces += [u.email for code, u in users.items() if code.startswith("acente.a")]
            all_traces = sorted({t for c in everyone for t in (c.name, c.national_id)})
        get_engine(url).dispose()
        get_engine.cache_clear()
    return World(
        target, ids, token, b_user.id, b_office, a_traces, all_traces, {"a_token": a_token}
    )


def _texts(c: Customer) -> list[str]:
    """A customer's identifying texts long enough not to occur by chance."""
    return [t for t in (c.name, c.national_id, c.phone, c.email, c.address) if len(t) >= 6]


# ------------------------------------------------------------------ database snapshots


@dataclass(frozen=True)
class Table:
    """One table's rows as read (raw tuples, in rowid order) and how to key them."""

    columns: tuple[str, ...]
    pk: tuple[int, ...]  # positions of the primary key's columns (empty: the whole row)
    rows: tuple[tuple, ...]

    def keyed(self) -> dict[str, dict[str, str]]:
        out = {}
        for row in self.rows:
            key = repr(tuple(row[i] for i in self.pk)) if self.pk else repr(row)
            out[key] = {c: repr(v) for c, v in zip(self.columns, row, strict=True)}
        return out


def rows_of(url: str) -> dict[str, Table]:
    """Every row of every table (the whole database, read on its own connection: sqlite3
    directly, the snapshot runs twice per handler and must cost milliseconds)."""
    assert url.startswith("sqlite:///")
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        assert set(SQLModel.metadata.tables) <= set(names), "the snapshot covers every table"
        out = {}
        for name in sorted(names):
            cursor = conn.execute(f'SELECT * FROM "{name}" ORDER BY 1')
            columns = tuple(d[0] for d in cursor.description)
            table = SQLModel.metadata.tables.get(name)
            pk_names = [c.name for c in table.primary_key] if table is not None else []
            pk = tuple(columns.index(c) for c in pk_names)
            out[name] = Table(columns, pk, tuple(cursor.fetchall()))
        return out
    finally:
        conn.close()


def changes(before: dict[str, Table], after: dict[str, Table]) -> dict[str, list]:
    """Per table, every (key, old row, new row) that differs."""
    out: dict[str, list] = {}
    for name in sorted(set(before) | set(after)):
        if name in before and name in after and before[name].rows == after[name].rows:
            continue
        old = before[name].keyed() if name in before else {}
        new = after[name].keyed() if name in after else {}
        diff = [
            (k, old.get(k), new.get(k))
            for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)
        ]
        if diff:
            out[name] = diff
    return out


# ------------------------------------------------------------------ a browser tab


def _drain(result: Any) -> Any:
    if inspect.isgenerator(result):
        return list(result)
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    if inspect.isasyncgen(result):

        async def drain(gen: Any) -> list[Any]:
            return [x async for x in gen]

        return asyncio.run(drain(result))
    return result


def decoded(text: str) -> str:
    """Texts hidden in data: URLs (rx.download) made readable for the trace search."""
    parts = [text]
    for found in DATA_URL.finditer(text):
        try:
            parts.append(base64.b64decode(found.group(1)).decode("utf-8", "replace"))
        except ValueError:
            parts.append("<undecodable>")
    return "\n".join(parts)


class Tab:
    """One browser tab: its socket's cookies and address, the page it is on, and everything
    the app sent it (deltas, returned events and what they carry, the whole state)."""

    def __init__(self, staff_token: str | None = None, portal_token: str | None = None) -> None:
        self.root = State(_reflex_internal_init=True)
        cookies = []
        if staff_token:
            cookies.append(f"{session_routes.COOKIE_NAME}={staff_token}")
        if portal_token:
            cookies.append(f"{portal_routes.PORTAL_COOKIE}={portal_token}")
        self.cookie = "; ".join(cookies)
        self.sent: list[str] = []
        self.crashes: list[str] = []
        self.visit("/")

    def visit(self, path: str, query: dict[str, str] | None = None) -> None:
        headers = {"origin": ORIGIN}
        if self.cookie:
            headers["cookie"] = self.cookie
        query = dict(query or {})
        data = {
            constants.RouteVar.PATH: path,
            constants.RouteVar.ORIGIN: path + (f"?{urlencode(query)}" if query else ""),
            constants.RouteVar.QUERY: query,
            constants.RouteVar.HEADERS: headers,
            constants.RouteVar.CLIENT_IP: CLIENT_IP,
        }
        self.root.router_data = self.root._update_router_vars(data, self.root.router_data)

    def sub(self, cls: type) -> Any:
        return self.root.get_substate(cls.get_full_name().split("."))

    def call(self, cls: type, name: str, *args: Any, depth: int = 0) -> None:
        state = self.sub(cls)
        handler = cls.event_handlers[name]
        try:
            if handler.is_background:
                result = asyncio.run(handler.fn(Unlocked(state), *args))
            else:
                result = _drain(getattr(state, name)(*args))
            self.sent.append(decoded(f"returned {ADDRESS.sub('', repr(result))}"))
        except Exception as exc:  # the event processor would send an error event
            result = None
            self.crashes.append(f"{cls.__name__}.{name}: {type(exc).__name__}: {exc}"[:300])
        self.sent.append(json_dumps(self.root.get_delta()))
        self.root._clean()
        if depth < 2:  # events the handler queues for itself run next, as the browser would
            for follow in _our_handlers(result):
                self.call(follow.state, follow.fn.__name__, depth=depth + 1)

    def payload(self, state: type | None = None) -> str:
        """Everything sent, and the whole state a reload would send — or, with `state`,
        that screen's part of it (the deltas already hold whatever changed elsewhere)."""
        whole = self.root.dict() if state is None else self.sub(state).dict()
        return "\n".join([*self.sent, json_dumps(whole)])


def _our_handlers(result: Any) -> list[EventHandler]:
    items = result if isinstance(result, list | tuple) else [result]
    found = []
    for item in items:
        handler = item.handler if isinstance(item, EventSpec) else item
        if (
            isinstance(handler, EventHandler)
            and handler.state is not None
            and handler.state.__module__.startswith("iztim_app.")
            and not (isinstance(item, EventSpec) and item.args)
        ):
            found.append(handler)
    return found


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path) -> World:
    return build_world(tmp_path_factory.mktemp("security"), migrated_sqlite_template)


@pytest.fixture
def world_url(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This test's copy of the world; the app's settings point at it."""
    # On tmpfs when there is one: a refused call still commits (its session's last-seen
    # time, audit rows), and a disk's fsync per commit would cost most of the suite's time.
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    target = folder / "world.db"
    copy_sqlite(world.template, target)
    url = sqlite_url(target)
    use_settings(
        monkeypatch,
        database_url=url,
        tariffs_dir=SHIPPED,
        session_idle_minutes=30,
        demo_mode=True,
        smtp_host="",
        data_dir=tmp_path / "data",
    )
    yield url
    get_engine(url).dispose()
    get_engine.cache_clear()
    if folder != tmp_path:
        shutil.rmtree(folder, ignore_errors=True)
