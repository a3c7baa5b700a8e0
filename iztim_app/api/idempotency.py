"""`Idempotency-Key` on every POST (specs/api.md, Idempotency), kept in the database so every
worker agrees.

The first request with a key *claims* it: a row (user, key, a hash of the request) is
inserted and committed before the endpoint runs; the unique (user, key) makes any duplicate,
also one arriving at the same moment on another worker, fail to insert. A duplicate then
waits until the first answer is stored beside the row and answers it (same status, same
body, nothing done again); a different request under the same key answers 409 `conflict`.
Answers kept: everything below 500 except 401/429 (those are about the token, not the
request); a 5xx or a crash frees the key, so the client may try again. Keys are forgotten
after 24 hours. A request without a valid token is passed on untouched (it is refused there).

The request's own database session marks the claim `committed_at` inside the transaction
that does the work (`watch_commits`), so "the work is done" and "the claim says so" commit
together. A claim that committed but has no stored answer (the worker died between the
commit and the storing, or the request failed with a 5xx after committing) is never run
again: a retry gets 409 `conflict` "carried out, answer lost" instead of a second write.
Freeing or storing that fails because the database is unavailable is remembered in the
process and done again by the next request through the middleware and a short background
thread (bounded attempts); what still fails is left to the 5-minute takeover.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iztim_app import i18n
from iztim_app.api.errors import language, problem
from iztim_app.core import clock
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.api_tokens.models import ApiIdempotency, ApiToken
from iztim_app.core.db import database_unavailable, session_scope
from iztim_app.core.sessions.services import hash_secret

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 80
KEPT = timedelta(hours=24)
# A claim whose request never finished (its worker died) is taken over after this.
ABANDONED = timedelta(minutes=5)
POLL_SECONDS = 0.05
WAIT_SECONDS = 120.0
PURGE_EVERY = 60.0  # seconds between deletions of forgotten keys (per process)
NOT_KEPT = frozenset({401, 429})
# The claim's row id, handed to the endpoint's session (`watch_commits`) in the ASGI scope.
SCOPE_CLAIM = "iztim.idempotency_claim"
# Freeing/storing deferred by an outage: at most this many kept, retried this many times
# by the background thread (RETRY_SECONDS apart, doubling to RETRY_MAX_SECONDS).
DEFERRED_MAX = 1000
RETRY_ATTEMPTS = 20
RETRY_SECONDS = 0.5
RETRY_MAX_SECONDS = 10.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Claim:
    state: str  # "claimed" | "answered" | "mismatch" | "pending" | "lost"
    row_id: int | None = None
    answer: Answer | None = None


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """The request as compared: method, path, query and the body (JSON compared by value,
    so key order and spacing do not make it another request)."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _active_token_user(db: Session, presented: str, now: datetime) -> int | None:
    token = db.exec(select(ApiToken).where(ApiToken.token_hash == hash_secret(presented))).first()
    if token is None or api_tokens.token_status(token, now) != "active":
        return None
    return token.user_id


def token_user(presented: str | None, now: datetime | None = None) -> int | None:
    """The user of an active token (nothing counted or written: the endpoint authenticates)."""
    if not presented or len(presented) > api_tokens.MAX_TOKEN_LENGTH:
        return None
    with session_scope() as db:
        return _active_token_user(db, presented, now or clock.utcnow())


def _answer_of(row: ApiIdempotency) -> Answer | None:
    if row.status_code is None:
        return None
    return Answer(row.status_code, row.content_type or "application/json", row.body or b"")


def _look(db: Session, user_id: int, key: str) -> ApiIdempotency | None:
    return db.exec(
        select(ApiIdempotency).where(ApiIdempotency.user_id == user_id, ApiIdempotency.key == key)
    ).first()


def _insert(db: Session, user_id: int, key: str, request_hash: str, now: datetime) -> int | None:
    """The claim row's id, or None when (user, key) is taken (`ON CONFLICT DO NOTHING`, so
    a duplicate costs no failed statement, which would end the transaction): one statement
    instead of a look-up and an INSERT. On PostgreSQL it waits, as a plain INSERT would, for
    a simultaneous claim of the same key to commit or roll back."""
    table = ApiIdempotency.__table__
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(user_id=user_id, key=key, request_hash=request_hash, created_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(table.c.id)
    )
    return db.exec(statement).scalar()


_last_purge: list = []  # time.monotonic() of this process's last purge, once there was one


def _purge(db: Session, now: datetime) -> None:
    """Deletes keys older than 24 hours, at most once a minute per process: a found key
    that old counts as gone anyway (`claim`), so this only keeps the table small."""
    if _last_purge and time.monotonic() - _last_purge[0] < PURGE_EVERY:
        return
    _last_purge[:] = [time.monotonic()]
    db.exec(sa.delete(ApiIdempotency).where(ApiIdempotency.created_at < now - KEPT))


def _claim_in(db: Session, user_id: int, key: str, request_hash: str, now: datetime) -> Claim:
    for _ in range(5):
        _purge(db, now)
        if db.get_bind().dialect.name == "postgresql":
            # Nothing depends on this commit reaching the disk before the request's own
            # (synchronous) commit, which flushes it too; a claim lost with a server crash
            # before that is a request that never ran, so the key is free again anyway.
            db.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
        row_id = _insert(db, user_id, key, request_hash, now)
        if row_id is not None:
            db.commit()
            return Claim("claimed", row_id)
        found = _look(db, user_id, key)
        if found is None:  # released meanwhile: try again
            db.rollback()
            continue
        age = now - found.created_at
        unfinished = found.status_code is None and age > ABANDONED
        if age <= KEPT and unfinished and found.committed_at is not None:
            # its work committed, its answer was never stored: never run it again
            same = found.request_hash == request_hash
            db.rollback()
            return Claim("lost") if same else Claim("mismatch")
        gone = age > KEPT or unfinished
        if not gone:  # read only: waiting duplicates write nothing
            same, answer, row_id = found.request_hash == request_hash, _answer_of(found), found.id
            db.rollback()
            if not same:
                return Claim("mismatch")
            return Claim("answered", row_id, answer) if answer else Claim("pending")
        # forgotten or abandoned: taken over in this transaction, as a new claim
        db.exec(sa.delete(ApiIdempotency).where(ApiIdempotency.id == found.id))
    return Claim("pending")


def claim(user_id: int, key: str, request_hash: str, now: datetime | None = None) -> Claim:
    """Claims the key for this request, or says what the earlier request with it became."""
    now = now or clock.utcnow()
    with session_scope() as db:
        return _claim_in(db, user_id, key, request_hash, now)


def claim_for(
    presented: str | None, key: str, request_hash: str, now: datetime | None = None
) -> tuple[int | None, Claim | None]:
    """`token_user` and the first `claim` in one session (one connection): the token's user
    (None: pass the request on untouched, nothing claimed) and the claim."""
    if not presented or len(presented) > api_tokens.MAX_TOKEN_LENGTH:
        return None, None
    retry_deferred()
    now = now or clock.utcnow()
    with session_scope() as db:
        user_id = _active_token_user(db, presented, now)
        if user_id is None:
            return None, None
        return user_id, _claim_in(db, user_id, key, request_hash, now)


def store(row_id: int, answer: Answer) -> None:
    with session_scope() as db:
        db.exec(
            sa.update(ApiIdempotency)
            .where(ApiIdempotency.id == row_id)
            .values(
                status_code=answer.status,
                content_type=answer.content_type[:120],
                body=answer.body,
            )
        )
        db.commit()


def release(row_id: int, lost: Answer | None = None) -> None:
    """Frees the claim of a request that ended without a kept answer (a 5xx, a crash), so
    the client may try again, unless its work committed: then `lost` (the 409 "carried
    out, answer lost") is kept as its answer instead, so a retry does not do it again."""
    with session_scope() as db:
        freed = db.exec(
            sa.delete(ApiIdempotency).where(
                ApiIdempotency.id == row_id, ApiIdempotency.committed_at.is_(None)
            )
        ).rowcount
        if not freed and lost is not None:
            db.exec(
                sa.update(ApiIdempotency)
                .where(ApiIdempotency.id == row_id, ApiIdempotency.status_code.is_(None))
                .values(status_code=lost.status, content_type=lost.content_type, body=lost.body)
            )
        db.commit()


def watch_commits(db: Session, scope: Scope) -> None:
    """Makes every commit of the endpoint's session `db` mark the request's claim (if it has
    one) committed, in the same transaction: the mark and the work commit, or neither does."""
    row_id = scope.get(SCOPE_CLAIM)
    if row_id is None:
        return

    def mark(session: Session) -> None:
        session.execute(
            sa.update(ApiIdempotency)
            .where(ApiIdempotency.id == row_id, ApiIdempotency.committed_at.is_(None))
            .values(committed_at=clock.utcnow())
        )

    sa.event.listen(db, "before_commit", mark)


# ------------------------------------------------ steps an outage kept from being done

_deferred: list[tuple[int, Answer | None, Answer | None]] = []  # (row id, answer, lost)
_deferred_lock = threading.Lock()
_retrier: list[threading.Thread] = []


def _finish(row_id: int, answer: Answer | None, lost: Answer | None) -> None:
    if answer is not None:
        store(row_id, answer)
    else:
        release(row_id, lost)


def finish(row_id: int, answer: Answer | None, lost: Answer | None = None) -> None:
    """Stores `answer` beside the claim, or (None) releases it; when the database is
    unavailable the step is remembered and done again later (`retry_deferred`)."""
    try:
        _finish(row_id, answer, lost)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        _defer(row_id, answer, lost)


def _defer(row_id: int, answer: Answer | None, lost: Answer | None) -> None:
    with _deferred_lock:
        if len(_deferred) >= DEFERRED_MAX:
            log.warning("idempotency: too many deferred claims, claim %s left to expire", row_id)
            return
        _deferred.append((row_id, answer, lost))
        if _retrier and _retrier[0].is_alive():
            return
        thread = threading.Thread(target=_retry_loop, name="idempotency-retry", daemon=True)
        _retrier[:] = [thread]
    thread.start()


def retry_deferred() -> bool:
    """Does the remembered steps again; True when none is left. A step failing again for
    an outage stays remembered; one failing otherwise is dropped (logged)."""
    with _deferred_lock:
        if not _deferred:
            return True
        steps = list(_deferred)
        _deferred.clear()
    kept = []
    for i, step in enumerate(steps):
        try:
            _finish(*step)
        except Exception as exc:
            if database_unavailable(exc):
                kept.extend(steps[i:])  # still down: the rest would fail too
                break
            log.exception("idempotency: claim %s could not be finished", step[0])
    with _deferred_lock:
        _deferred[:0] = kept
        return not _deferred


def _retry_loop() -> None:
    delay = RETRY_SECONDS
    for _ in range(RETRY_ATTEMPTS):
        time.sleep(delay)
        if retry_deferred():
            return
        delay = min(delay * 2, RETRY_MAX_SECONDS)
    log.warning("idempotency: claims left to the %s takeover after an outage", ABANDONED)


def _bearer(headers: Headers) -> str | None:
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


class IdempotencyMiddleware:
    """Pure ASGI, so the body is read once and handed on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        lang = language(header=headers.get("accept-language", ""))
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.strip():
            text = i18n.translate("api.idempotency_key_invalid", lang)
            errors = [{"field": "Idempotency-Key", "message": text}]
            await problem(422, text, lang, errors)(scope, receive, send)
            return
        body, more = await _read_body(receive)
        replay = _replaying(body, more, receive)
        query = scope.get("query_string", b"").decode("latin-1")
        request_hash = fingerprint("POST", scope["path"], query, body)
        user_id, found = await anyio.to_thread.run_sync(
            claim_for, _bearer(headers), key, request_hash
        )
        if user_id is None or found is None:
            await self.app(scope, replay, send)
            return
        waited = 0.0
        while found.state == "pending" and waited < WAIT_SECONDS:
            await anyio.sleep(POLL_SECONDS)
            waited += POLL_SECONDS
            found = await anyio.to_thread.run_sync(claim, user_id, key, request_hash)
        if found.state == "mismatch":
            text = i18n.translate("api.idempotency_key_reused", lang)
            await problem(409, text, lang)(scope, receive, send)
            return
        if found.state == "pending":
            text = i18n.translate("api.idempotency_in_progress", lang)
            await problem(409, text, lang)(scope, receive, send)
            return
        if found.state == "lost":
            text = i18n.translate("api.idempotency_answer_lost", lang)
            await problem(409, text, lang)(scope, receive, send)
            return
        if found.state == "answered":
            await _send_answer(found.answer, send)
            return
        await self._first({**scope, SCOPE_CLAIM: found.row_id}, replay, send, found.row_id, lang)

    async def _first(
        self, scope: Scope, receive: Receive, send: Send, row_id: int, lang: str
    ) -> None:
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        lost = _lost_answer(lang)
        try:
            await self.app(scope, receive, keep)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(finish, row_id, None, lost)
            raise
        status = int(started.get("status", 500))
        if status >= 500 or status in NOT_KEPT:
            await anyio.to_thread.run_sync(finish, row_id, None, lost)
            return
        content_type = Headers(raw=started.get("headers", [])).get(
            "content-type", "application/json"
        )
        answer = Answer(status, content_type, b"".join(chunks))
        await anyio.to_thread.run_sync(finish, row_id, answer)


def _lost_answer(lang: str) -> Answer:
    """The 409 kept for a request that committed and then failed (its answer is lost)."""
    response = problem(409, i18n.translate("api.idempotency_answer_lost", lang), lang)
    return Answer(409, response.media_type or "application/problem+json", bytes(response.body))


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole request body, and any message after it (a disconnect) to hand on."""
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts), [message]
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts), []


def _replaying(body: bytes, more: list[Message], receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if more:
            return more.pop(0)
        return await receive()

    return replay


async def _send_answer(answer: Answer, send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [
                (b"content-type", answer.content_type.encode("latin-1")),
                (b"content-length", str(len(answer.body)).encode()),
                (b"idempotent-replayed", b"true"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


def install(api: FastAPI) -> None:
    api.add_middleware(IdempotencyMiddleware)
