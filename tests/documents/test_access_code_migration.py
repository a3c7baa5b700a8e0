"""Migration 0016 gives every policy approved or cancelled before it an access code (and
only those); run here on a populated database of either engine."""

from __future__ import annotations

import importlib.util

from sqlmodel import Session, select

from iztim_app.core.db import get_engine
from iztim_app.core.policies.access_codes import ALPHABET, PolicyAccessCode
from iztim_app.core.settings import PROJECT_ROOT
from tests.documents.world import approved_policy, make_documents
from tests.policies.fixtures_policies import issue, policy_form


def migration():  # noqa: ANN201
    path = PROJECT_ROOT / "migrations" / "versions" / "0016_documents.py"
    spec = importlib.util.spec_from_file_location("migration_0016", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_backfill_codes_approved_and_cancelled_policies_once(any_db: Session, url: str):
    docs = make_documents(any_db)  # its policy is cancelled by now
    approved = approved_policy(any_db, docs.customer)
    awaiting = issue(any_db, "acente.a1", policy_form("konut", docs.customer, "900000"))
    assert awaiting.policy.status == "awaiting_approval"
    kept = {r.policy_number: r.code for r in any_db.exec(select(PolicyAccessCode)).all()}
    assert set(kept) == {docs.policy.number, approved.number}
    # as an installation from before the access codes: none at all
    any_db.exec(PolicyAccessCode.__table__.delete())
    any_db.commit()
    module = migration()
    with get_engine(url).begin() as conn:
        assert module.backfill(conn) == 2
    with get_engine(url).begin() as conn:
        assert module.backfill(conn) == 0  # run again: nothing more
    rows = any_db.exec(select(PolicyAccessCode).order_by(PolicyAccessCode.policy_number)).all()
    assert [r.policy_number for r in rows] == sorted([docs.policy.number, approved.number])
    for r in rows:
        assert len(r.code) == 8 and set(r.code) <= set(ALPHABET)
        assert r.created_at.tzinfo is not None
    assert module.ALPHABET == ALPHABET and module.LENGTH == 8
