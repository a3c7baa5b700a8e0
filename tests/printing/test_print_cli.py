"""`iztim print …`: the same PDF as the screen, as the named user (their scope), audited;
exit 2 with one line for a document that does not exist, is not approved, or that the user
may not see (exactly as if it did not exist)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from iztim_app.cli import main
from tests.foundation.support import snapshot
from tests.printing.fixtures import Printing, audit_rows, not_printable, printing
from tests.printing.world import A1, B1, CUSTOMER, LATER, pdf_text

__all__ = ["printing"]


def _print(tmp_path: Path, *args: str, env: dict[str, str] | None = None):  # noqa: ANN202
    out = tmp_path / "belge.pdf"
    result = CliRunner().invoke(main, ["print", *args, "--out", str(out)], env=env or {})
    return result, out


def test_an_approved_document_prints_to_the_file_and_is_audited(printing: Printing, tmp_path: Path):
    d = printing.docs
    for kind, ref, gross in (
        ("quote", str(d.quote.number), "657,80 ₺"),
        ("policy", str(d.policy.number), "657,80 ₺"),
        ("endorsement", d.endorsement.label, "298,49 ₺"),
        ("endorsement", d.cancellation.label, "378,47 ₺"),
    ):
        result, out = _print(tmp_path, kind, ref, "--as", A1)
        assert result.exit_code == 0, result.output
        document = {"quote": "Teklif", "policy": "Poliçe", "endorsement": "Zeyil"}[kind]
        assert result.output == f"{document} {ref} yazıldı: {out}\n"
        text = pdf_text(out.read_bytes())
        assert f"No: {ref}" in text and CUSTOMER in text and gross in text
    assert [
        (a, e, i, who)
        for a, e, i, who, _ in audit_rows(
            printing.db, "quote.print", "policy.print", "endorsement.print"
        )
    ] == [
        ("quote.print", "quote", str(d.quote.number), A1),
        ("policy.print", "policy", str(d.policy.number), A1),
        ("endorsement.print", "endorsement", d.endorsement.label, A1),
        ("endorsement.print", "endorsement", d.cancellation.label, A1),
    ]


def test_english_on_request(printing: Printing, tmp_path: Path):
    d = printing.docs
    result, out = _print(tmp_path, "policy", str(d.policy.number), "--as", A1, "--lang", "en")
    assert (result.exit_code, result.output) == (0, f"Policy {d.policy.number} written: {out}\n")
    assert "POLICY" in pdf_text(out.read_bytes())


def test_not_approved_unknown_and_out_of_scope_exit_2_and_change_nothing(
    printing: Printing, tmp_path: Path, monkeypatch
):
    d = printing.docs
    before = snapshot(printing.url)
    refused = [
        (
            "quote",
            str(d.quote_awaiting),
            A1,
            not_printable(f"Teklif {d.quote_awaiting}", "Onay bekliyor"),
        ),
        (
            "quote",
            str(d.quote_rejected),
            A1,
            not_printable(f"Teklif {d.quote_rejected}", "Reddedildi"),
        ),
        (
            "policy",
            str(d.policy_awaiting),
            A1,
            not_printable(f"Poliçe {d.policy_awaiting}", "Onay bekliyor"),
        ),
        ("policy", str(d.policy_draft), A1, not_printable(f"Poliçe {d.policy_draft}", "Taslak")),
        (
            "endorsement",
            f"3/{d.endorsed}",
            A1,
            not_printable(f"Zeyil 3/{d.endorsed}", "Onay bekliyor"),
        ),
        # not there, and not this user's to see: the same words
        ("policy", "9999999", A1, "Poliçe 9999999 bulunamadı."),
        ("policy", str(d.policy.number), B1, f"Poliçe {d.policy.number} bulunamadı."),
        ("quote", str(d.quote.number), B1, f"Teklif {d.quote.number} bulunamadı."),
        ("endorsement", d.endorsement.label, B1, f"Zeyil {d.endorsement.label} bulunamadı."),
        ("endorsement", f"9/{d.endorsed}", A1, f"Zeyil 9/{d.endorsed} bulunamadı."),
        (
            "policy",
            str(d.policy.number),
            "kimse.yok",
            "Kullanıcı bulunamadı ya da etkin değil: kimse.yok",
        ),
    ]
    for kind, ref, user, message in refused:
        result, out = _print(tmp_path, kind, ref, "--as", user)
        assert (result.exit_code, result.output) == (2, f"Error: {message}\n"), (kind, ref, user)
        assert not out.exists()
    # a quote that expired meanwhile
    monkeypatch.setattr("iztim_app.core.clock.today", lambda: LATER)
    result, out = _print(tmp_path, "quote", str(d.quote.number), "--as", A1)
    expired = not_printable(f"Teklif {d.quote.number}", "Süresi doldu")
    assert (result.exit_code, result.output) == (2, f"Error: {expired}\n")
    assert snapshot(printing.url) == before
