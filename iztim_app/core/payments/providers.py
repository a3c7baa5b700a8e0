"""Which payment gateway the installation uses, chosen by configuration.

`IZTIM_PAYMENT_GATEWAY=test` (the default) is the built-in test bank, signing with an
installation secret; `iyzico` is iyzico's 3D Secure API through its Python client, with
`IZTIM_IYZICO_API_KEY`, `IZTIM_IYZICO_SECRET_KEY` and `IZTIM_IYZICO_BASE_URL` (default the
sandbox). A payment attempt stores its gateway's name and completes with
`gateway(db, attempt.gateway)`, so switching the configuration never strands a started one
whose provider is still configured.
"""

from __future__ import annotations

from sqlmodel import Session

from iztim_app.core import settings as settings_module
from iztim_app.core.payments.gateway import Gateway, GatewayNotConfigured
from iztim_app.core.payments.test_gateway import SECRET_NAME, TestGateway
from iztim_app.core.secrets import installation_secret
from iztim_app.core.settings import Settings

TEST = "test"
IYZICO = "iyzico"
GATEWAY_NAMES = (TEST, IYZICO)
ACS_URL = "/portal/acs"  # the test bank's ACS page (payment_routes.py)
RETURN_PATH = "/portal/odeme/donus"  # the callback route (payment_routes.py)


def _config(config: Settings | None) -> Settings:
    return config if config is not None else settings_module.settings


def configured_name(config: Settings | None = None) -> str:
    """The gateway new payments use; GatewayNotConfigured for an unknown name."""
    name = _config(config).payment_gateway
    if name not in GATEWAY_NAMES:
        raise GatewayNotConfigured(
            f"IZTIM_PAYMENT_GATEWAY must be one of {', '.join(GATEWAY_NAMES)}, not {name!r}"
        )
    return name


def check_configuration(config: Settings | None = None) -> None:
    """At start-up: fail clearly when the configured gateway cannot be built (no database
    needed: only the iyzico keys are checked)."""
    config = _config(config)
    if configured_name(config) == IYZICO:
        _iyzico(config)


def _iyzico(config: Settings) -> Gateway:
    missing = [
        env
        for env, value in (
            ("IZTIM_IYZICO_API_KEY", config.iyzico_api_key),
            ("IZTIM_IYZICO_SECRET_KEY", config.iyzico_secret_key),
            ("IZTIM_IYZICO_BASE_URL", config.iyzico_base_url),
        )
        if not value
    ]
    if missing:
        raise GatewayNotConfigured(
            "IZTIM_PAYMENT_GATEWAY=iyzico needs " + ", ".join(missing) + " to be set"
        )
    from iztim_app.core.payments.iyzico import IyzicoGateway  # the client only when used

    return IyzicoGateway(
        api_key=config.iyzico_api_key,
        secret_key=config.iyzico_secret_key,
        base_url=config.iyzico_base_url,
    )


def gateway(db: Session, name: str | None = None, *, config: Settings | None = None) -> Gateway:
    """The gateway called `name` (None: the configured one). GatewayNotConfigured when it
    is unknown or its keys are missing."""
    config = _config(config)
    name = configured_name(config) if name is None else name
    if name == TEST:
        return TestGateway(installation_secret(db, SECRET_NAME), acs_url=ACS_URL)
    if name == IYZICO:
        return _iyzico(config)
    raise GatewayNotConfigured(f"unknown payment gateway {name!r}")


def return_url(gateway: Gateway, *, config: Settings | None = None) -> str:
    """Where the bank posts its callback: relative for the test bank (its ACS page is ours,
    same origin), absolute from IZTIM_PUBLIC_URL for a real provider, which calls from
    outside."""
    if gateway.name == TEST:
        return RETURN_PATH
    return _config(config).public_url.rstrip("/") + RETURN_PATH
