"""Operations on a whole installation: backups and restores of the embedded SQLite file
(backup.py) and moving an installation to another database (copy.py). Plain Python; the
command line (`iztim backup`, `iztim restore`, `iztim db copy`) only calls in here."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from iztim_app.core.errors import DomainError


class OpsError(DomainError):
    """An operation refused or failed before it changed anything (the code names why)."""

    code = "ops.failed"


@dataclass(frozen=True)
class DatabaseFacts:
    """What an İztim database holds, in brief: shown before a restore and after each step."""

    revision: str
    policies: int
    quotes: int
    customers: int

    def as_dict(self) -> dict[str, object]:
        return {
            "revision": self.revision,
            "policies": self.policies,
            "quotes": self.quotes,
            "customers": self.customers,
        }


def normalized_url(url: str) -> str:
    """`postgresql://…` means psycopg 3, as DATABASE_URL does (core/settings.py)."""
    url = url.strip()
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def shown_url(url: str) -> str:
    """A URL fit for messages: never a password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<invalid URL>"


def backend_of(url: str) -> str:
    try:
        return sa.engine.make_url(normalized_url(url)).get_backend_name()
    except sa.exc.ArgumentError:
        raise OpsError("ops.bad_url", url=shown_url(url)) from None


def known_revisions() -> list[str]:
    """This code's migrations, oldest first (one linear history): a revision not in it is
    from a newer İztim (or not ours)."""
    from alembic.script import ScriptDirectory

    from iztim_app.core import schema

    script = ScriptDirectory.from_config(schema.alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def head_revision() -> str:
    return known_revisions()[-1]
