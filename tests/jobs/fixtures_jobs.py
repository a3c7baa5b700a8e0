"""Policies approved at a chosen moment, and reading back what a batch job produced."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from unittest.mock import patch

from pypdf import PdfReader
from sqlmodel import Session

from iztim_app.core import clock
from tests.endorsements.fixtures_policies import approved_policy
from tests.quotes.fixtures_db import TODAY

DAY = TODAY  # 2026-03-02, a Monday; Turkish day = 2026-03-01 21:00 … 2026-03-02 21:00 UTC


def turkish(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of `hour:minute` on `day` in Türkiye."""
    return datetime.combine(day, time(hour, minute), tzinfo=clock.TURKEY).astimezone(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    with patch.object(clock, "utcnow", lambda: moment):
        yield


def approved_at(
    db: Session, preparer: str, customer_id: int, when: datetime, sum_insured: str = "800000"
) -> int:
    """A konut policy of `preparer`, approved at `when`; its number."""
    with clock_at(when):
        return approved_policy(db, preparer, customer_id, sum_insured=sum_insured).number


def pdf_text(content: bytes) -> list[str]:
    """The text of each page."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def outline(content: bytes) -> list[tuple[str, int]]:
    """The merged PDF's bookmarks: (title, first page index)."""
    reader = PdfReader(io.BytesIO(content))
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]


def zip_files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
