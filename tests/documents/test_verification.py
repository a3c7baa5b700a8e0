"""Verification codes, the public check, portal access codes and the installation secret;
on both engines."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date

from sqlmodel import Session, select

from iztim_app.core.db import session_scope
from iztim_app.core.documents import verification
from iztim_app.core.documents.verification import VerifiedDocument, check_document
from iztim_app.core.policies import access_codes
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.access_codes import ALPHABET, PolicyAccessCode
from iztim_app.core.secrets import AppSecret, installation_secret
from tests.documents.world import APPROVER, NAME, TCKN, approved_policy, customer, make_documents
from tests.foundation.support import actor_of

TODAY = date(2026, 3, 2)


def _fields(found: VerifiedDocument) -> str:
    return repr(dataclasses.asdict(found))


def assert_nothing_personal(found: VerifiedDocument, *amounts: object) -> None:
    text = _fields(found)
    for secret in (NAME, "Ayşe", TCKN, "172******60", *[str(a) for a in amounts]):
        assert secret not in text
    assert "Decimal" not in text  # no amount of any kind


def test_the_right_code_gives_the_documents_facts_and_nothing_personal(any_db: Session):
    docs = make_documents(any_db)
    p = docs.policy
    code = verification.verification_code(any_db, "policy", p.number)
    assert len(code) == 10 and code.isalnum() and code == code.upper()
    found = check_document(any_db, "policy", str(p.number), None, code, today=TODAY)
    assert found == VerifiedDocument(
        kind="policy",
        kind_detail="",
        number_label=str(p.number),
        version=1,
        status="cancelled",  # the cancellation endorsement took effect
        issue_date=date(2026, 3, 2),
        approved_at=found.approved_at,
        term_start=date(2026, 3, 2),
        term_end=date(2027, 3, 2),
        effective_date=None,
        cancelled_from=date(2026, 9, 8),
        valid_until=None,
    )
    assert found.approved_at is not None
    assert_nothing_personal(found, p.net_premium, p.gross_premium)
    # typed by hand: case, spaces and the printed dash do not matter
    typed = verification.format_code(code).lower().replace("-", " - ")
    assert check_document(any_db, "policy", p.number, None, typed, today=TODAY) == found
    # the endorsement and the quote
    e = docs.endorsement
    e_code = verification.verification_code(any_db, "endorsement", e.policy_number, 1)
    e_found = check_document(any_db, "endorsement", e.policy_number, "1", e_code, today=TODAY)
    assert (e_found.number_label, e_found.kind_detail, e_found.status, e_found.effective_date) == (
        f"1/{e.policy_number}",
        "increase",
        "approved",
        date(2026, 6, 10),
    )
    assert_nothing_personal(e_found, e.net_change, e.gross_change)
    q = docs.quote
    q_code = verification.verification_code(any_db, "quote", q.number)
    q_found = check_document(any_db, "quote", q.number, None, q_code, today=TODAY)
    assert (q_found.number_label, q_found.status, q_found.valid_until) == (
        str(q.number),
        "valid",
        q.valid_until,
    )
    assert_nothing_personal(q_found, q.net_premium, q.gross_premium)


def test_a_wrong_code_and_an_unknown_document_give_the_same_none(any_db: Session):
    docs = make_documents(any_db)
    number = docs.policy.number
    right = verification.verification_code(any_db, "policy", number)
    wrong = ("A" if right[0] != "A" else "B") + right[1:]
    unknown = number + 1000
    answers = [
        check_document(any_db, "policy", number, None, wrong),
        check_document(any_db, "policy", number, None, ""),
        check_document(any_db, "policy", unknown, None, "ABCDEFGHJK"),
        # a genuine code for a number never issued still finds nothing
        check_document(
            any_db,
            "policy",
            unknown,
            None,
            verification.verification_code(any_db, "policy", unknown),
        ),
        # a code is for one document: the policy's code does not open its quote or endorsement
        check_document(any_db, "quote", number, None, right),
        check_document(any_db, "endorsement", number, 1, right),
        check_document(any_db, "endorsement", number, None, right),
        check_document(any_db, "letter", number, None, right),
        check_document(any_db, "policy", "5000001; DROP TABLE policy", None, right),
        check_document(any_db, "policy", "-1", None, right),
        check_document(any_db, "policy", "9" * 40, None, right),
    ]
    assert answers == [None] * len(answers)


def test_a_policy_whose_approval_was_removed_verifies_as_withdrawn(any_db: Session):
    view = approved_policy(any_db, customer(any_db))
    policies.unapprove(any_db, actor_of(any_db, APPROVER), view.number, "Yanlış bina yaşı")
    code = verification.verification_code(any_db, "policy", view.number)
    found = check_document(any_db, "policy", view.number, None, code, today=TODAY)
    assert (found.status, found.version) == ("withdrawn", 2)


def test_a_never_approved_policy_is_unknown(any_db: Session):
    """An awaiting policy was never printed: even its own code finds nothing."""
    from tests.policies.fixtures_policies import issue, policy_form

    who = customer(any_db)
    result = issue(any_db, "acente.a1", policy_form("konut", who, "900000"))
    assert result.policy.status == "awaiting_approval"
    number = result.policy.number
    code = verification.verification_code(any_db, "policy", number)
    assert check_document(any_db, "policy", number, None, code) is None
    assert access_codes.code_of(any_db, number) is None  # made on approval only


def test_the_access_code_is_made_once_and_kept_across_unapproval_and_reapproval(
    any_db: Session,
):
    view = approved_policy(any_db, customer(any_db))
    code = access_codes.code_of(any_db, view.number)
    assert code is not None and len(code) == 8 and set(code) <= set(ALPHABET)
    assert not set(code) & set("01OIL")
    gm = actor_of(any_db, APPROVER)
    policies.unapprove(any_db, gm, view.number, "Bedel eksik")
    again = policies.submit_draft(any_db, gm, view.number)
    assert (again.approved, again.policy.version) == (True, 2)
    assert access_codes.code_of(any_db, view.number) == code
    rows = any_db.exec(
        select(PolicyAccessCode).where(PolicyAccessCode.policy_number == view.number)
    ).all()
    assert [r.code for r in rows] == [code]
    policy_row = type("P", (), {"number": view.number})()
    assert access_codes.ensure(any_db, policy_row) == code


def test_access_codes_differ_between_policies(any_db: Session):
    who = customer(any_db)
    codes = {access_codes.code_of(any_db, approved_policy(any_db, who).number) for _ in range(5)}
    assert len(codes) == 5


def test_the_installation_secret_is_made_once_and_shared(url: str):
    with session_scope(url) as first, session_scope(url) as second:
        assert first.exec(select(AppSecret).where(AppSecret.name == "bench")).first() is None
        made = installation_secret(first, "bench")
        assert len(made) == 32
        assert installation_secret(second, "bench") == made
        first.rollback()  # the caller's rollback never loses a secret that may be in use
    got: list[bytes] = []

    def read() -> None:
        with session_scope(url) as db:
            got.append(installation_secret(db, "racing"))

    workers = [threading.Thread(target=read) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with session_scope(url) as db:
        assert installation_secret(db, "bench") == made
        assert len(set(got)) == 1 and len(got) == 4
        names = db.exec(select(AppSecret.name).order_by(AppSecret.name)).all()
        assert [n for n in names if n in ("bench", "racing")] == ["bench", "racing"]
        assert got[0] != made  # each name its own secret
    # the documents' codes use it: the same code from every session
    with session_scope(url) as a, session_scope(url) as b:
        assert verification.verification_code(a, "policy", 5000001) == (
            verification.verification_code(b, "policy", 5000001)
        )


def test_the_public_address_comes_from_the_environment():
    from iztim_app.core.settings import Settings

    assert Settings.from_env({}).public_url == "http://localhost:3000"
    given = Settings.from_env({"IZTIM_PUBLIC_URL": " https://iztim.example.com.tr/ "})
    assert given.public_url == "https://iztim.example.com.tr"
