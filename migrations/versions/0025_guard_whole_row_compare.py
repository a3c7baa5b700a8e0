"""PostgreSQL row guards compare the old and new row as JSONB once

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 17:00:00

The guard functions used to look each column up in a fresh `to_jsonb(OLD)`, about 1.7 ms on
a quote row; every issue pays it under the policy number's lock. The rules are unchanged:
only the body's shape is, so each installed `iztim_guard_*` function is rewritten in place
(its own mutable columns and message kept). Databases created from here on already get the
new shape from `guards.install`; those are left as they are. SQLite has nothing to change.
"""

import re

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

_OLD_DECLARE = "DECLARE\n  changed text;\nBEGIN\n"
_NEW_DECLARE = "DECLARE\n  changed text;\n  new_row jsonb;\n  old_row jsonb;\nBEGIN\n"
_OLD_BLOCK = re.compile(
    r"    SELECT string_agg\(n\.key, ',' ORDER BY n\.key\) INTO changed\n"
    r"      FROM jsonb_each\(to_jsonb\(NEW\)\) AS n\n"
    r"     WHERE n\.key <> ALL \((?P<mutable>ARRAY\[[^\]]*\]::text\[\])\)\n"
    r"       AND n\.value IS DISTINCT FROM \(to_jsonb\(OLD\) -> n\.key\);\n"
    r"    IF changed IS NOT NULL THEN\n"
    r"      (?P<raise>RAISE EXCEPTION [^\n]*)\n"
    r"    END IF;\n"
)
_NEW_BLOCK = re.compile(
    r"    new_row := to_jsonb\(NEW\) - (?P<mutable>ARRAY\[[^\]]*\]::text\[\]);\n"
    r"    old_row := to_jsonb\(OLD\) - (?P=mutable);\n"
    r"    IF new_row IS DISTINCT FROM old_row THEN\n"
    r"      SELECT string_agg\(n\.key, ',' ORDER BY n\.key\) INTO changed\n"
    r"        FROM jsonb_each\(new_row\) AS n\n"
    r"       WHERE n\.value IS DISTINCT FROM \(old_row -> n\.key\);\n"
    r"      (?P<raise>RAISE EXCEPTION [^\n]*)\n"
    r"    END IF;\n"
)


def _to_new(body: str) -> str:
    def block(m: re.Match[str]) -> str:
        mutable, refusal = m["mutable"], m["raise"]
        return (
            f"    new_row := to_jsonb(NEW) - {mutable};\n"
            f"    old_row := to_jsonb(OLD) - {mutable};\n"
            "    IF new_row IS DISTINCT FROM old_row THEN\n"
            "      SELECT string_agg(n.key, ',' ORDER BY n.key) INTO changed\n"
            "        FROM jsonb_each(new_row) AS n\n"
            "       WHERE n.value IS DISTINCT FROM (old_row -> n.key);\n"
            f"      {refusal}\n"
            "    END IF;\n"
        )

    return _OLD_BLOCK.sub(block, body.replace(_OLD_DECLARE, _NEW_DECLARE, 1))


def _to_old(body: str) -> str:
    def block(m: re.Match[str]) -> str:
        mutable, refusal = m["mutable"], m["raise"]
        return (
            "    SELECT string_agg(n.key, ',' ORDER BY n.key) INTO changed\n"
            "      FROM jsonb_each(to_jsonb(NEW)) AS n\n"
            f"     WHERE n.key <> ALL ({mutable})\n"
            "       AND n.value IS DISTINCT FROM (to_jsonb(OLD) -> n.key);\n"
            "    IF changed IS NOT NULL THEN\n"
            f"      {refusal}\n"
            "    END IF;\n"
        )

    return _NEW_BLOCK.sub(block, body.replace(_NEW_DECLARE, _OLD_DECLARE, 1))


def _rewrite(shape) -> None:  # noqa: ANN001
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    functions = conn.exec_driver_sql(
        "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'iztim\\_guard\\_%%' "
        "AND pronamespace = to_regnamespace(current_schema()) ORDER BY proname"
    ).all()
    for name, body in functions:
        rewritten = shape(body)
        if rewritten != body:
            conn.exec_driver_sql(
                f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql '
                f"AS $guard${rewritten}$guard$"
            )


def upgrade() -> None:
    _rewrite(_to_new)


def downgrade() -> None:
    _rewrite(_to_old)
