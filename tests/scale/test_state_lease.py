"""With Redis state a worker keeps a tab's state and its lock between events (rxconfig.py
turns on Reflex's opportunistic lock): a tab's events skip Redis while it stays on one
worker, and a tab that moves to another worker still finds everything it did."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

from iztim_app.states.quote_form import QuoteFormState

ROOT = Path(__file__).resolve().parents[2]


def _settings_after_rxconfig(env_value: str | None) -> list[str]:
    """The lease settings a process has once it read rxconfig.py (a fresh interpreter)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFLEX_OPLOCK_")}
    env.pop("REFLEX_REDIS_LOCK_EXPIRATION", None)
    if env_value is not None:
        env["REFLEX_OPLOCK_ENABLED"] = env_value
    code = (
        "import os, rxconfig; e = os.environ; print(e['REFLEX_OPLOCK_ENABLED'],"
        " e['REFLEX_OPLOCK_HOLD_TIME'], rxconfig.config.redis_lock_expiration)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_config_turns_the_lease_on_and_the_environment_may_turn_it_off():
    # held 10 s, under a lock that outlives the hold (Reflex refuses a hold >= the lock)
    assert _settings_after_rxconfig(None) == ["true", "10s", "20000"]
    assert _settings_after_rxconfig("false")[0] == "false"


async def _manager(url: str):  # noqa: ANN202
    import redis.asyncio as aredis
    from reflex.istate.manager.redis import StateManagerRedis

    manager = StateManagerRedis(redis=aredis.Redis.from_url(url))
    await manager._ensure_lock_task_subscribed(timeout=5)
    return manager


async def _type_sum(manager, token, value: str) -> None:  # noqa: ANN001
    async with manager.modify_state(token) as root:
        form = await root.get_state(QuoteFormState)
        form.sum_insured = value


async def _sum_in_redis(manager, token) -> str | None:  # noqa: ANN001
    raw = await manager.redis.get(token._state_key(QuoteFormState))
    if raw is None:
        return None
    from reflex.state import BaseState

    return BaseState._deserialize(data=raw).sum_insured


async def _moving_tab(url: str) -> tuple[str | None, str | None, str]:
    from reflex.istate.manager.token import BaseStateToken

    first, second = await _manager(url), await _manager(url)
    assert first._oplock_enabled and second._oplock_enabled
    token = BaseStateToken(ident=uuid.uuid4().hex, cls=QuoteFormState)
    try:
        await _type_sum(first, token, "100.000")
        await _type_sum(first, token, "200.000")
        stored_while_held = await _sum_in_redis(first, token)
        # The tab's next event arrives at the other worker (a reload, a new socket).
        async with second.modify_state(token) as root:
            seen = (await root.get_state(QuoteFormState)).sum_insured
        return stored_while_held, seen, token.ident
    finally:
        await first.close()
        await second.close()


def test_a_tabs_events_skip_redis_on_one_worker_and_another_worker_sees_them(
    redis_url, monkeypatch
):
    monkeypatch.setenv("REFLEX_OPLOCK_ENABLED", "true")  # what rxconfig sets (test above)
    stored_while_held, seen, _ = asyncio.run(_moving_tab(redis_url))
    # held by the first worker: neither event was written to Redis yet
    assert stored_while_held is None
    # the second worker asked for the tab: the first wrote it back and let go
    assert seen == "200.000"


def test_without_the_lease_every_event_is_written_to_redis(redis_url, monkeypatch):
    monkeypatch.setenv("REFLEX_OPLOCK_ENABLED", "false")

    async def run() -> str | None:
        from reflex.istate.manager.token import BaseStateToken

        manager = await _manager(redis_url)
        token = BaseStateToken(ident=uuid.uuid4().hex, cls=QuoteFormState)
        try:
            await _type_sum(manager, token, "300.000")
            return await _sum_in_redis(manager, token)
        finally:
            await manager.close()

    assert asyncio.run(run()) == "300.000"
