"""User fixtures on the demo organisation."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from iztim_app.core.users.actor import Actor
from iztim_app.core.users.models import User
from tests.foundation.support import actor_of, user_of


@pytest.fixture
def admin(demo_db: Session) -> Actor:
    """bt.admin: the IT user (user.manage, audit.view)."""
    return actor_of(demo_db, "bt.admin")


@pytest.fixture
def target(demo_db: Session) -> User:
    """sube.ankara: a branch user with limits on both lines, the usual subject of admin work."""
    return user_of(demo_db, "sube.ankara")
