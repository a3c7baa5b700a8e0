"""Server-side paging: every list screen gets one page of DTOs and the total."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

T = TypeVar("T")

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T] = field(default_factory=list)
    total: int = 0
    page: int = 1
    size: int = 25

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def clamp(page: int, size: int) -> tuple[int, int]:
    """Bad paging arguments from the browser are corrected, never trusted."""
    try:
        page, size = int(page), int(size)
    except (TypeError, ValueError):
        page, size = 1, 25
    return max(1, page), min(max(1, size), MAX_PAGE_SIZE)


def fetch_page(db: Session, query: sa.Select, page: int, size: int) -> tuple[list, int, int, int]:
    page, size = clamp(page, size)
    total = db.exec(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).one()
    total = int(total[0] if isinstance(total, tuple | sa.Row) else total)
    rows = db.exec(query.limit(size).offset((page - 1) * size)).all()
    return list(rows), total, page, size
