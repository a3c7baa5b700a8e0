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
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iztim_app import i18n
from iztim_app.api.errors import language, problem
from iztim_app.core import clock
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.api_tokens.models import ApiIdempotency, ApiToken
from iztim_app.core.db import session_scope
from iztim_app.core.sessions.services import hash_secret

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 80
KEPT = timedelta(hours=24)
# A claim whose request never finished (its worker died) is taken over after this.
ABANDONED = timedelta(minutes=5)
POLL_SECONDS = 0.05
WAIT_SECONDS = 120.0
NOT_KEPT = frozenset({401, 429})


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Claim:
    state: str  # "claimed" | "answered" | "mismatch" | "pending"
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


def token_user(presented: str | None, now: datetime | None = None) -> int | None:
    """The user of an active token (nothing counted or written: the endpoint authenticates)."""
    if not presented or len(presented) > api_tokens.MAX_TOKEN_LENGTH:
        return None
    now = now or clock.utcnow()
    with session_scope() as db:
        token = db.exec(
            select(ApiToken).where(ApiToken.token_hash == hash_secret(presented))
        ).first()
        if token is None or api_tokens.token_status(token, now) != "active":
            return None
        return token.user_id


def _answer_of(row: ApiIdempotency) -> Answer | None:
    if row.status_code is None:
        return None
    return Answer(row.status_code, row.content_type or "application/json", row.body or b"")


def _look(db: Session, user_id: int, key: str) -> ApiIdempotency | None:
    return db.exec(
        select(ApiIdempotency).where(ApiIdempotency.user_id == user_id, ApiIdempotency.key == key)
    ).first()


def claim(user_id: int, key: str, request_hash: str, now: datetime | None = None) -> Claim:
    """Claims the key for this request, or says what the earlier request with it became."""
    now = now or clock.utcnow()
    with session_scope() as db:
        for _ in range(5):
            found = _look(db, user_id, key)
            if found is not None:
                age = now - found.created_at
                gone = age > KEPT or (found.status_code is None and age > ABANDONED)
                if not gone:  # read only: waiting duplicates write nothing
                    same, answer, row_id = (
                        found.request_hash == request_hash,
                        _answer_of(found),
                        found.id,
                    )
                    db.rollback()
                    if not same:
                        return Claim("mismatch")
                    return Claim("answered", row_id, answer) if answer else Claim("pending")
                db.delete(found)
                db.flush()
            db.exec(sa.delete(ApiIdempotency).where(ApiIdempotency.created_at < now - KEPT))
            row = ApiIdempotency(
                user_id=user_id, key=key, request_hash=request_hash, created_at=now
            )
            db.add(row)
            try:
                db.commit()
            except IntegrityError:  # another request claimed it first: look again
                db.rollback()
                continue
            return Claim("claimed", row.id)
    return Claim("pending")


def store(row_id: int, answer: Answer) -> None:
    with session_scope() as db:
        row = db.get(ApiIdempotency, row_id)
        if row is not None:
            row.status_code = answer.status
            row.content_type = answer.content_type[:120]
            row.body = answer.body
            db.commit()


def release(row_id: int) -> None:
    with session_scope() as db:
        db.exec(sa.delete(ApiIdempotency).where(ApiIdempotency.id == row_id))
        db.commit()


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
        user_id = await anyio.to_thread.run_sync(token_user, _bearer(headers))
        if user_id is None:
            await self.app(scope, replay, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        request_hash = fingerprint("POST", scope["path"], query, body)
        waited = 0.0
        while True:
            found = await anyio.to_thread.run_sync(claim, user_id, key, request_hash)
            if found.state != "pending" or waited >= WAIT_SECONDS:
                break
            await anyio.sleep(POLL_SECONDS)
            waited += POLL_SECONDS
        if found.state == "mismatch":
            text = i18n.translate("api.idempotency_key_reused", lang)
            await problem(409, text, lang)(scope, receive, send)
            return
        if found.state == "pending":
            text = i18n.translate("api.idempotency_in_progress", lang)
            await problem(409, text, lang)(scope, receive, send)
            return
        if found.state == "answered":
            await _send_answer(found.answer, send)
            return
        await self._first(scope, replay, send, found.row_id)

    async def _first(self, scope: Scope, receive: Receive, send: Send, row_id: int) -> None:
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, keep)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(release, row_id)
            raise
        status = int(started.get("status", 500))
        if status >= 500 or status in NOT_KEPT:
            await anyio.to_thread.run_sync(release, row_id)
            return
        content_type = Headers(raw=started.get("headers", [])).get(
            "content-type", "application/json"
        )
        answer = Answer(status, content_type, b"".join(chunks))
        await anyio.to_thread.run_sync(store, row_id, answer)


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
