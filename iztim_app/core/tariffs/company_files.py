"""The company files at the top of a tariff folder: lines, customer groups, taxes, the
short-rate scale and cancellation reasons (specs/tariffs.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from iztim_app.core.tariffs import formats
from iztim_app.core.tariffs.csv_cells import Cells
from iztim_app.core.tariffs.model import (
    CANCELLATION_METHODS,
    GROUP_KINDS,
    CancellationReason,
    CustomerGroup,
    Line,
    ShortRateRow,
    Tax,
)

LINES = "lines.csv"
GROUPS = "customer_groups.csv"
TAXES = "taxes.csv"
SHORT_RATE = "short_rate.csv"
REASONS = "cancellation_reasons.csv"
TOP_FILES = (LINES, GROUPS, TAXES, SHORT_RATE, REASONS)
MIN_SHORT_RATE_DAYS = 366


@dataclass
class CompanyFiles:
    """What the company files hold; line folders are checked against it.

    `line_codes` / `group_codes` are the names other files refer to; None when their file
    is unreadable, so references to it are not reported a second time as unknown."""

    lines: dict[str, Line] = field(default_factory=dict)
    groups: dict[str, CustomerGroup] = field(default_factory=dict)
    taxes: dict[str, list[Tax]] = field(default_factory=dict)
    short_rate: list[ShortRateRow] = field(default_factory=list)
    reasons: dict[str, CancellationReason] = field(default_factory=dict)
    line_codes: dict[str, int] | None = None  # code -> line in lines.csv
    group_codes: set[str] | None = None


def load_company_files(cells: Cells) -> CompanyFiles:
    """Every company file read and checked; problems go to `cells`."""
    return _CompanyLoader(cells).load()


class _CompanyLoader:
    def __init__(self, cells: Cells) -> None:
        self.cells = cells
        self.line_codes: dict[str, int] | None = None
        self.group_codes: set[str] | None = None

    def load(self) -> CompanyFiles:
        lines = self.load_lines()
        groups = self.load_groups()
        taxes = self.load_taxes()
        short_rate = self.load_short_rate()
        reasons = self.load_reasons()
        return CompanyFiles(
            lines, groups, taxes, short_rate, reasons, self.line_codes, self.group_codes
        )

    def load_lines(self) -> dict[str, Line]:
        C = self.cells
        t = C.table(
            LINES,
            (
                "code",
                "name_tr",
                "name_en",
                "min_premium",
                "quote_valid_days",
                "max_installments",
                "min_retained",
            ),
        )
        if t is None:
            return {}
        self.line_codes = {}
        lines: dict[str, Line] = {}
        for row in t.rows:
            code = C.identifier(t, row, "code", "tariff.bad_line_code")
            if code is not None and not C.unique(t, row, code, self.line_codes, "code", code):
                code = None
            values = (
                C.text(t, row, "name_tr"),
                C.text(t, row, "name_en"),
                C.decimal(t, row, "min_premium"),
                C.integer(t, row, "quote_valid_days", at_least=1),
                C.integer(t, row, "max_installments", at_least=1),
                C.decimal(t, row, "min_retained"),
            )
            if code is not None and None not in values:
                lines[code] = Line(code, *values)  # type: ignore[arg-type]
        return lines

    def coded_rows(  # noqa: ANN001
        self, file: str, column: str, allowed, problem: str, make
    ) -> tuple[dict[str, Any], set[str] | None]:
        """`code,name_tr,name_en,<column>` files: unique codes, names, one allowed value each.

        Returns the valid items and every code seen (rows with other mistakes included);
        None for the codes when the file itself is missing or unreadable."""
        C = self.cells
        t = C.table(file, ("code", "name_tr", "name_en", column))
        if t is None:
            return {}, None
        seen: dict[str, int] = {}
        items: dict[str, Any] = {}
        for row in t.rows:
            code = C.code(t, row, "code")
            if code is not None and not C.unique(t, row, code, seen, "code", code):
                code = None
            values = (
                C.text(t, row, "name_tr"),
                C.text(t, row, "name_en"),
                C.one_of(t, row, column, allowed, problem),
            )
            if code is not None and None not in values:
                items[code] = make(code, *values)
        return items, set(seen)

    def load_groups(self) -> dict[str, CustomerGroup]:
        groups, self.group_codes = self.coded_rows(
            GROUPS, "kind", GROUP_KINDS, "tariff.bad_kind", CustomerGroup
        )
        return groups

    def load_taxes(self) -> dict[str, list[Tax]]:
        C = self.cells
        t = C.table(TAXES, ("line", "code", "name_tr", "name_en", "rate"))
        if t is None:
            return {}
        seen: dict[tuple[str, str], int] = {}
        taxes: dict[str, list[Tax]] = {}
        for row in t.rows:
            line = C.text(t, row, "line")
            if line is not None and self.line_codes is not None and line not in self.line_codes:
                C.problem(t.file, row.line_no, "tariff.unknown_line", value=line)
                line = None
            code = C.code(t, row, "code")
            if line is not None and code is not None:
                if not C.unique(t, row, (line, code), seen, "code", code):
                    code = None
            values = (
                C.text(t, row, "name_tr"),
                C.text(t, row, "name_en"),
                C.decimal(t, row, "rate", at_most=Decimal(1)),
            )
            if line is not None and code is not None and None not in values:
                tax = Tax(code, *values, line_no=row.line_no)  # type: ignore[arg-type]
                taxes.setdefault(line, []).append(tax)
        return taxes

    def load_short_rate(self) -> list[ShortRateRow]:
        C = self.cells
        t = C.table(SHORT_RATE, ("up_to_days", "earned_percent"))
        if t is None:
            return []
        scale: list[ShortRateRow] = []
        last_days: tuple[int, int] | None = None  # (up_to_days, line) of the last good day cell
        last_percent: tuple[Decimal, int] | None = None
        for row in t.rows:
            days = C.integer(t, row, "up_to_days", at_least=0)
            percent = C.decimal(t, row, "earned_percent", at_most=Decimal(100))
            if days is not None and last_days is not None and days <= last_days[0]:
                C.problem(
                    t.file,
                    row.line_no,
                    "tariff.short_rate.not_ascending",
                    value=days,
                    previous=last_days[0],
                    other_line=last_days[1],
                )
                days = None
            if percent is not None and last_percent is not None and percent < last_percent[0]:
                C.problem(
                    t.file,
                    row.line_no,
                    "tariff.short_rate.decreasing",
                    value=formats.decimal_text(percent),
                    previous=formats.decimal_text(last_percent[0]),
                    other_line=last_percent[1],
                )
                percent = None
            if days is not None:
                last_days = (days, row.line_no)
            if percent is not None:
                last_percent = (percent, row.line_no)
            if days is not None and percent is not None:
                scale.append(ShortRateRow(days, percent, row.line_no))
        if not t.rows:
            C.problem(t.file, 1, "tariff.short_rate.empty", min=MIN_SHORT_RATE_DAYS)
        elif last_days is not None and last_days[0] < MIN_SHORT_RATE_DAYS:
            C.problem(
                t.file,
                last_days[1],
                "tariff.short_rate.too_short",
                value=last_days[0],
                min=MIN_SHORT_RATE_DAYS,
            )
        return scale

    def load_reasons(self) -> dict[str, CancellationReason]:
        reasons, _ = self.coded_rows(
            REASONS, "method", CANCELLATION_METHODS, "tariff.bad_method", CancellationReason
        )
        return reasons
