"""What the fault suites (worker kill, PostgreSQL restart, races) share: a small HTTP
client over one kept-alive connection that can name the granian worker serving it, API
tokens, quotes and policies made through the API, and the database checks that prove
nothing was half-written.

The worker of a connection is found from outside the app (no header, nothing changed for
users): the server side of the client's TCP connection is a socket inode in
/proc/net/tcp, and exactly one worker process holds that inode among its descriptors."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from iztim_app.core import clock
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.reports import production
from iztim_app.core.users.actor import operator_actor
from tests.foundation.support import user_of

API = "/api/v1"
KONUT = {
    "construction_class": "betonarme",
    "earthquake_zone": "1",
    "earthquake_cover": "yes",
    "building_age": "15",
    "floor_area": "120",
    "in_municipality": "yes",
}


def day(offset: int = 0) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


def token(url: str, user_code: str, name: str = "fault") -> str:
    with session_scope(url) as db:
        user = user_of(db, user_code)
        return api_tokens.create_token(db, operator_actor("test"), user.id, name, None).token


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    worker: int | None = None  # pid of the worker that served it, when asked

    def json(self) -> Any:
        return json.loads(self.body)


def _socket_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server side of 127.0.0.1:client_port → 127.0.0.1:server_port."""
    local, remote = f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[1] == local and parts[2] == remote:
            return parts[9]
    return None


def worker_of(server_port: int, client_port: int, workers: list[int]) -> int | None:
    inode = _socket_inode(server_port, client_port)
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in workers:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
            except OSError:
                continue
    return None


def request(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    *,
    form: bytes | None = None,
    timeout: float = 60,
    workers: list[int] | None = None,
    barrier: threading.Barrier | None = None,
) -> Reply:
    """One request on a new connection; with `workers`, the pid of the one that served it
    (read while the connection is still open); with `barrier`, connected first and sent
    when every party is ready. Connection errors propagate."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        if barrier is not None:
            conn.connect()
            barrier.wait(timeout=60)
        sent = dict(headers or {})
        payload = None
        if form is not None:
            payload = form
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif body is not None:
            payload = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=payload, headers=sent)
        resp = conn.getresponse()
        data = resp.read()
        reply = Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        if workers is not None and conn.sock is not None:
            reply.worker = worker_of(port, conn.sock.getsockname()[1], workers)
        return reply
    finally:
        conn.close()


class Api:
    """The JSON API as one user (a Bearer token)."""

    def __init__(self, port: int, bearer: str, lang: str | None = None) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {bearer}"}
        if lang:
            self.headers["Accept-Language"] = lang

    def get(self, path: str, **kw: Any) -> Reply:
        return request(self.port, "GET", API + path, headers=self.headers, **kw)

    def post(self, path: str, body: Any, key: str | None = None, **kw: Any) -> Reply:
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return request(self.port, "POST", API + path, body, headers, **kw)


def expect(reply: Reply, status: int) -> Any:
    assert reply.status == status, (reply.status, reply.body[:500])
    return reply.json()


def customer(api: Api, national_id: str, name: str) -> int:
    body = {
        "kind": "individual",
        "national_id": national_id,
        "name": name,
        "customer_group": "bireysel",
        "email": "test@example.com",
        "phone": "05321234567",
    }
    return expect(api.post("/customers", body, key=f"cust-{national_id}"), 201)["number"]


def home_form(sum_insured: str = "1500000", start: int = 0) -> dict[str, Any]:
    return {"line": "konut", "sum_insured": sum_insured, "start": day(start), "fields": KONUT}


def quote(api: Api, customer_number: int, key: str, sum_insured: str = "1500000") -> int:
    """An approved quote (within the user's limit)."""
    body = {"customer_number": customer_number, **home_form(sum_insured)}
    found = expect(api.post("/quotes", body, key=key), 201)
    assert found["status"] == "approved", found
    return found["number"]


def direct_policy(
    api: Api, customer_number: int, key: str, sum_insured: str = "1500000", installments: int = 1
) -> dict[str, Any]:
    body = {"customer_number": customer_number, **home_form(sum_insured)}
    body["installments"] = installments
    return expect(api.post("/policies", body, key=key), 201)


# ------------------------------------------------------------------ database checks


def rows(url: str, sql: str, **params: Any) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def age_unfinished_claims(url: str) -> int:
    """Idempotency claims whose request never finished (its worker was killed, or the
    database went away before the key could be freed) are taken over after `ABANDONED`
    (5 minutes): this moves them that far into the past instead of waiting."""
    with get_engine(url).begin() as conn:
        return conn.execute(
            sa.text(
                "UPDATE api_idempotency SET created_at = created_at - interval '10 minutes'"
                " WHERE status_code IS NULL"
            )
        ).rowcount


def unfinished_claims(url: str) -> int:
    return rows(url, "SELECT count(*) FROM api_idempotency WHERE status_code IS NULL")[0][0]


def wait_claims_settled(url: str, timeout: float = 20) -> float:
    """Seconds until no idempotency claim is left unfinished: the keys an outage kept from
    being freed (or answered) are settled by the app itself once the database is back."""
    start = time.monotonic()
    while unfinished_claims(url):
        assert time.monotonic() - start < timeout, (
            f"{unfinished_claims(url)} keys still claimed {timeout} s after the database is back"
        )
        time.sleep(0.2)
    return time.monotonic() - start


def _cents(value: Any) -> int:
    return int(value or 0)


def check_whole(url: str, numbers: list[int]) -> None:
    """Every policy of `numbers` complete: its installment plan (less what is owed back)
    equals its gross premium plus every approved endorsement's change, each approved
    endorsement touched the plan (an installment changed, added or a refund), each document
    has its audit record; and the production summary equals `rebuild()` from the documents."""
    if numbers:
        in_list = ",".join(str(int(n)) for n in numbers)
        policies = rows(
            url,
            "SELECT number, gross_premium, installment_count, status FROM policy"
            f" WHERE number IN ({in_list}) AND version = 1",
        )
        assert sorted(p[0] for p in policies) == sorted(set(numbers))
        plan = dict(
            rows(
                url,
                "SELECT policy_number, COALESCE(SUM(amount), 0) FROM installment"
                f" WHERE policy_number IN ({in_list}) GROUP BY policy_number",
            )
        )
        counts = dict(
            rows(
                url,
                "SELECT policy_number, count(*) FROM installment"
                f" WHERE policy_number IN ({in_list}) GROUP BY policy_number",
            )
        )
        owed = dict(
            rows(
                url,
                "SELECT policy_number, SUM(amount) FROM refund_due"
                f" WHERE policy_number IN ({in_list}) GROUP BY policy_number",
            )
        )
        changes = dict(
            rows(
                url,
                "SELECT policy_number, SUM(gross_change) FROM endorsement"
                f" WHERE policy_number IN ({in_list}) AND status = 'approved'"
                " GROUP BY policy_number",
            )
        )
        audited = {
            int(e)
            for (e,) in rows(
                url,
                "SELECT entity_id FROM audit_event WHERE action = 'policy.issue'"
                f" AND entity_id IN ({','.join(repr(str(n)) for n in numbers)})",
            )
        }
        broken = []
        for number, gross, count, status in policies:
            if status not in ("approved", "cancelled"):
                continue
            expected = _cents(gross) + _cents(changes.get(number))
            got = _cents(plan.get(number)) - _cents(owed.get(number))
            if got != expected or counts.get(number, 0) < count or number not in audited:
                broken.append((number, expected, got, counts.get(number), count))
        assert broken == [], "policies with a partial plan or no audit record"
        endorsements = rows(
            url,
            "SELECT e.policy_number, e.seq, e.id, e.status,"
            " (SELECT count(*) FROM audit_event a WHERE a.action = 'endorsement.create'"
            "   AND a.entity_id = e.seq || '/' || e.policy_number)"
            f" FROM endorsement e WHERE e.policy_number IN ({in_list})",
        )
        seqs: dict[int, list[int]] = {}
        for number, seq, _id, _status, audits in endorsements:
            seqs.setdefault(number, []).append(seq)
            assert audits == 1, ("endorsement without its audit record", number, seq)
        for number, found in seqs.items():
            assert sorted(found) == list(range(1, len(found) + 1)), ("endorsement gap", number)
    check_summary(url)


SUMMARY = (
    "production_daily",
    "production_daily_tax",
    "production_monthly",
    "production_monthly_tax",
)


def _summary(url: str) -> dict[str, list[tuple]]:
    found = {}
    for table in SUMMARY:
        cols = [
            c
            for (c,) in rows(
                url,
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t"
                " AND column_name <> 'id' ORDER BY column_name",
                t=table,
            )
        ]
        listed = ", ".join(cols)
        found[table] = sorted(
            tuple(str(v) for v in r) for r in rows(url, f"SELECT {listed} FROM {table}")
        )
    return found


def check_summary(url: str) -> None:
    """The summary the approvals posted equals the one rebuilt from the documents (the
    rebuild runs in a transaction that is rolled back: nothing changes)."""
    posted = _summary(url)
    with session_scope(url) as db:
        production.rebuild(db)
        db.flush()
        rebuilt = {}
        for table in SUMMARY:
            cols = [
                c
                for (c,) in db.execute(
                    sa.text(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_name = :t AND column_name <> 'id' ORDER BY column_name"
                    ),
                    {"t": table},
                )
            ]
            listed = ", ".join(cols)
            rebuilt[table] = sorted(
                tuple(str(v) for v in r)
                for r in db.execute(sa.text(f"SELECT {listed} FROM {table}"))
            )
        db.rollback()
    for table in SUMMARY:
        assert posted[table] == rebuilt[table], f"{table} differs from rebuild()"


def policy_numbers(url: str) -> list[int]:
    return [n for (n,) in rows(url, "SELECT DISTINCT number FROM policy ORDER BY number")]


def contiguous(numbers: list[int]) -> bool:
    return numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True


def money(text: str) -> Decimal:
    return Decimal(text)
