"""Deployment settings, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'iztim.db'}"


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "yes", "true", "on")


def _demo_mode(env: Mapping[str, str]) -> bool:
    """Demo data and sign-ins belong to the embedded default only: a real installation sets
    DATABASE_URL and gets none unless IZTIM_DEMO=1 asks for it. An explicit IZTIM_DEMO wins."""
    explicit = env.get("IZTIM_DEMO", "").strip()
    if explicit:
        return _flag(explicit)
    return not env.get("DATABASE_URL", "").strip()


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo_mode: bool
    session_idle_minutes: int
    tariffs_dir: Path
    data_dir: Path
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "iztim@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    # Where customers reach the app: printed documents' verification links start here.
    public_url: str = "http://localhost:3000"
    # Card payments (core/payments/providers.py): "test" (the built-in test bank) or "iyzico".
    payment_gateway: str = "test"
    iyzico_api_key: str = ""
    iyzico_secret_key: str = ""
    iyzico_base_url: str = "https://sandbox-api.iyzipay.com"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        url = env.get("DATABASE_URL") or _default_database_url()
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return cls(
            database_url=url,
            demo_mode=_demo_mode(env),
            session_idle_minutes=int(env.get("IZTIM_SESSION_IDLE_MINUTES", "30")),
            tariffs_dir=Path(env.get("IZTIM_TARIFFS_DIR", PROJECT_ROOT / "tariffs")),
            data_dir=Path(env.get("IZTIM_DATA_DIR", PROJECT_ROOT / "var")),
            smtp_host=env.get("IZTIM_SMTP_HOST", ""),
            smtp_port=int(env.get("IZTIM_SMTP_PORT", "25")),
            smtp_from=env.get("IZTIM_SMTP_FROM", "iztim@localhost"),
            smtp_user=env.get("IZTIM_SMTP_USER", ""),
            smtp_password=env.get("IZTIM_SMTP_PASSWORD", ""),
            smtp_starttls=_flag(env.get("IZTIM_SMTP_STARTTLS", "0")),
            public_url=(env.get("IZTIM_PUBLIC_URL", "").strip() or "http://localhost:3000").rstrip(
                "/"
            ),
            payment_gateway=env.get("IZTIM_PAYMENT_GATEWAY", "").strip().lower() or "test",
            iyzico_api_key=env.get("IZTIM_IYZICO_API_KEY", "").strip(),
            iyzico_secret_key=env.get("IZTIM_IYZICO_SECRET_KEY", "").strip(),
            iyzico_base_url=(
                env.get("IZTIM_IYZICO_BASE_URL", "").strip() or "https://sandbox-api.iyzipay.com"
            ).rstrip("/"),
        )


settings = Settings.from_env()
