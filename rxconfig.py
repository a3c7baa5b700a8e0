"""Reflex configuration: every deployment knob comes from the environment."""

import os

import reflex as rx

from iztim_app.core.settings import settings
from iztim_app.i18n.browser import CataloguePlugin

_port = int(os.environ.get("IZTIM_PORT", "3000"))

config = rx.Config(
    app_name="iztim_app",
    db_url=settings.database_url,
    redis_url=os.environ.get("REFLEX_REDIS_URL") or None,
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
