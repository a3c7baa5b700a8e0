"""Migration 0015 grants the new `commission.manage` to existing IT and manager users
outside agencies, so an installation upgraded in place can set rates at once."""

from __future__ import annotations

import sqlalchemy as sa

from iztim_app.core import schema
from iztim_app.core.db import get_engine

AT = "2026-01-01 00:00:00.000000+00:00"
OFFICES = ((1, "GM", "head_office", "/1/"), (2, "A-1", "agency", "/1/2/"))
# id, code, office, role
USERS = (
    (1, "bt.admin", 1, "it_admin"),
    (2, "gm.mudur", 1, "manager"),
    (3, "gm.onay", 1, "hq_approver"),
    (4, "acente.mudur", 2, "manager"),
)


def test_existing_it_and_head_office_managers_get_the_permission(tmp_path):  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'old.db'}"
    schema.upgrade(url, "0014")
    engine = get_engine(url)
    with engine.begin() as conn:
        for office_id, code, kind, path in OFFICES:
            conn.execute(
                sa.text(
                    "INSERT INTO office (id, code, name, kind, path, active, created_at) "
                    "VALUES (:id, :code, :code, :kind, :path, 1, :at)"
                ),
                {"id": office_id, "code": code, "kind": kind, "path": path, "at": AT},
            )
        for user_id, code, office_id, role in USERS:
            conn.execute(
                sa.text(
                    "INSERT INTO app_user (id, code, name, email, office_id, role, view_scope,"
                    " lang, password_hash, must_change_password, active, locked, created_at)"
                    " VALUES (:id, :code, 'X', '', :office, :role, 'all', 'tr', 'h', 0, 1, 0,"
                    " :at)"
                ),
                {"id": user_id, "code": code, "office": office_id, "role": role, "at": AT},
            )
    schema.upgrade(url)
    with engine.connect() as conn:
        granted = conn.execute(
            sa.text(
                "SELECT user_id FROM user_permission WHERE permission = 'commission.manage'"
                " ORDER BY user_id"
            )
        ).scalars()
        assert list(granted) == [1, 2]
    engine.dispose()
