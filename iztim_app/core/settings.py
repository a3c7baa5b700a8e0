"""Deployment settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'iztim.db'}"


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

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("DATABASE_URL") or _default_database_url()
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return cls(
            database_url=url,
            demo_mode=os.environ.get("IZTIM_DEMO", "1").lower() in ("1", "yes", "true"),
            session_idle_minutes=int(os.environ.get("IZTIM_SESSION_IDLE_MINUTES", "30")),
            tariffs_dir=Path(os.environ.get("IZTIM_TARIFFS_DIR", PROJECT_ROOT / "tariffs")),
            data_dir=Path(os.environ.get("IZTIM_DATA_DIR", PROJECT_ROOT / "var")),
            smtp_host=os.environ.get("IZTIM_SMTP_HOST", ""),
            smtp_port=int(os.environ.get("IZTIM_SMTP_PORT", "25")),
            smtp_from=os.environ.get("IZTIM_SMTP_FROM", "iztim@localhost"),
            smtp_user=os.environ.get("IZTIM_SMTP_USER", ""),
            smtp_password=os.environ.get("IZTIM_SMTP_PASSWORD", ""),
            smtp_starttls=os.environ.get("IZTIM_SMTP_STARTTLS", "0").lower()
            in ("1", "yes", "true"),
        )


settings = Settings.from_env()
