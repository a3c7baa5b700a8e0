"""Reflex configuration: every deployment knob comes from the environment."""

import os

import reflex as rx

from iztim_app.core.settings import settings
from iztim_app.i18n.browser import CataloguePlugin

_port = int(os.environ.get("IZTIM_PORT", "3000"))

# Redis state: a worker keeps a tab's state and its lock for a while after an event
# (Reflex's opportunistic lock) instead of locking, reading and writing Redis on every
# event; another worker asking for the tab makes it write the state back and let go.
# With sticky sockets a tab's events stay on one worker, so most skip Redis altogether
# (bench/load.py, 100 tabs at a user's pace: 37.6 -> 27-30 ms backend CPU per event).
# Held 10 s under a 20 s lock (Reflex: 5 s under 10 s): a user's next action usually
# comes within 10 s. The price: a worker that dies loses the screens (never the data)
# its tabs changed in their last 10 s, and those tabs wait up to 20 s for the lock.
# The environment may still change either (`REFLEX_OPLOCK_ENABLED=false` turns it off).
os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
os.environ.setdefault("REFLEX_OPLOCK_HOLD_TIME", "10s")

config = rx.Config(
    app_name="iztim_app",
    db_url=settings.database_url,
    redis_url=os.environ.get("REFLEX_REDIS_URL") or None,
    redis_lock_expiration=20_000,  # ms; must exceed the oplock hold time above
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=[
        o.strip()
        for o in os.environ.get(
            "IZTIM_ALLOWED_ORIGINS", f"http://localhost:{_port},http://127.0.0.1:{_port}"
        ).split(",")
        if o.strip()
    ],
    plugins=[
        # The message catalogue as a static JS module the pages read (not per-tab state).
        CataloguePlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color="indigo", gray_color="slate", radius="medium", appearance="light"
            )
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
