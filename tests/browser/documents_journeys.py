"""What the documents and reports journeys need besides the browser: a real SMTP server, the
app's own database read independently (the figures the screens must show), file readers."""

from __future__ import annotations

import asyncio
import email
import email.policy
import io
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from iztim_app.core import clock
from iztim_app.core.money import format_try


class Inbox:
    """Collects what the loopback SMTP server (aiosmtpd) receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        await asyncio.sleep(0)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return
            time.sleep(0.2)
        raise AssertionError(f"{len(self.messages)} e-mails arrived, expected {count}")

    def message(self, index: int) -> email.message.EmailMessage:
        return email.message_from_bytes(self.messages[index][2], policy=email.policy.default)


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


VERIFY_URL = re.compile(r"https?://\S+?(/dogrula\?\S+)")


def verification_path(text: str) -> str:
    """The path and query of the verification URL printed under the QR code."""
    found = VERIFY_URL.search(text)
    assert found, f"no verification URL in the PDF text:\n{text}"
    return found.group(1)


def kurus(value: int | None) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(Decimal("0.01"))


def try_text(kurus_amount: int | None) -> str:
    return format_try(kurus(kurus_amount))


@dataclass(frozen=True)
class PrintablePolicy:
    number: int
    customer: str
    email: str
    preparer: str


class AppDatabase:
    """The started app's SQLite database, read with plain SQL (never through the app)."""

    def __init__(self, database_url: str) -> None:
        assert database_url.startswith("sqlite:///"), database_url
        self.path = Path(database_url.removeprefix("sqlite:///"))

    def rows(self, sql: str, *args: object) -> list[tuple]:
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql, args).fetchall()

    def busiest_approval_day(self, preparer: str | None = None) -> tuple[date, int]:
        """The Turkish calendar day on which most printable current policies (of `preparer`,
        or of everyone) were approved, and how many: the demo stamps approvals on their
        business days over the past year."""
        rows = self.rows(
            "SELECT p.approved_at FROM policy p JOIN app_user u ON u.id = p.prepared_by_id "
            "WHERE p.status IN ('approved', 'cancelled') AND (? IS NULL OR u.code = ?) "
            "AND NOT EXISTS (SELECT 1 FROM policy q WHERE q.number = p.number "
            "AND q.version > p.version)",
            preparer,
            preparer,
        )
        days = Counter(
            datetime.fromisoformat(at).replace(tzinfo=UTC).astimezone(clock.TURKEY).date()
            for (at,) in rows
        )
        assert days, "the demo has no approved policy"
        return max(days.items(), key=lambda kv: (kv[1], kv[0]))

    def agency_policy_of_individual(self) -> PrintablePolicy:
        """An approved current policy in force of a person whose name has Turkish letters,
        sold by an agency user (who prints it in their own scope)."""
        rows = self.rows(
            "SELECT p.number, c.name, c.email, u.code FROM policy p "
            "JOIN customer c ON c.id = p.customer_id JOIN app_user u ON u.id = p.prepared_by_id "
            "WHERE p.status = 'approved' AND c.kind = 'individual' AND u.code LIKE 'acente.%' "
            "AND c.email <> '' AND p.start_date < date('now', '-2 days') "
            "AND p.end_date > date('now', '+2 days') AND NOT EXISTS (SELECT 1 FROM policy q "
            "WHERE q.number = p.number AND q.version > p.version) ORDER BY p.number"
        )
        turkish = [r for r in rows if set(r[1]) & set("çğıİöşüÇĞÖŞÜ")]
        assert turkish, "the demo has no approved agency policy of a Turkish-named person"
        number, name, mail, preparer = turkish[0]
        return PrintablePolicy(int(number), name, mail, preparer)

    def production_by(
        self, columns: tuple[str, ...], date_from: date, date_to: date
    ) -> dict[tuple, tuple[int, int, int, int, int]]:
        """Summed production between two days (inclusive) by the given summary columns:
        policies, net, taxes, gross (kuruş) and the number of summary rows."""
        keys = ", ".join(columns)
        found = self.rows(
            f"SELECT {keys}, SUM(policies), SUM(net_premium), SUM(taxes_total), "  # noqa: S608
            f"SUM(gross_premium), COUNT(*) FROM production_daily "
            f"WHERE day BETWEEN ? AND ? GROUP BY {keys}",
            date_from.isoformat(),
            date_to.isoformat(),
        )
        n = len(columns)
        return {tuple(r[:n]): tuple(r[n:]) for r in found}

    def line_names(self) -> dict[str, str]:
        from sqlmodel import Session, create_engine

        from iztim_app.core.lines import known_lines

        engine = create_engine(f"sqlite:///{self.path}")
        try:
            with Session(engine) as db:
                return {code: line.name("tr") for code, line in known_lines(db).items()}
        finally:
            engine.dispose()

    def format_id(self, name: str) -> int:
        ((found,),) = self.rows("SELECT id FROM report_format WHERE name = ?", name)
        return int(found)

    def approved_on(self, start_utc: str, end_utc: str) -> int:
        """How many current policies that print were approved between two UTC instants."""
        ((count,),) = self.rows(
            "SELECT COUNT(*) FROM policy p WHERE p.status IN ('approved', 'cancelled') "
            "AND p.approved_at >= ? AND p.approved_at < ? AND NOT EXISTS (SELECT 1 FROM "
            "policy q WHERE q.number = p.number AND q.version > p.version)",
            start_utc,
            end_utc,
        )
        return int(count)
