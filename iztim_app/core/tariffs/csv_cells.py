"""Reading one tariff CSV and checking its cells, collecting every problem (errors are data).

`Cells` holds the folder's files and the problems found so far. Each cell check returns
None after recording a problem, so a row builds its value only when every cell is good,
yet all cells of the row are still checked. Company files (company_files.py) and line
folders (line_files.py) are built on it; loader.py puts the folder together.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from iztim_app.core.tariffs import formats
from iztim_app.core.tariffs.errors import Problem


@dataclass(slots=True)
class Row:
    line_no: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(slots=True)
class Table:
    file: str
    columns: list[str]
    rows: list[Row]


class Cells:
    """The folder's files, the problems found in them, and the readers of their cells."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self.problems: list[Problem] = []

    def problem(self, file: str, line_no: int, code: str, /, **params: Any) -> None:
        self.problems.append(Problem(file, line_no, code, params))

    # ------------------------------------------------------------------ reading

    def read(
        self,
        file: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        open_columns: bool = False,
    ) -> Table | None:
        """Rows of one CSV; None when the file is unreadable or lacks a required column."""
        data = self.files[file]
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            self.problem(file, line, "tariff.not_utf8", byte=f"0x{data[exc.start]:02X}")
            return None
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header: list[str] | None = None
        rows: list[Row] = []
        previous_end = 0
        try:
            for raw in reader:
                line_no, previous_end = previous_end + 1, reader.line_num
                cells = [cell.strip() for cell in raw]
                if not any(cells):
                    continue  # blank line
                if header is None:
                    header = cells
                elif len(cells) != len(header):
                    self.problem(
                        file, line_no, "tariff.cell_count", found=len(cells), expected=len(header)
                    )
                else:
                    rows.append(Row(line_no, dict(zip(header, cells, strict=True))))
        except csv.Error as exc:
            self.problem(file, previous_end + 1, "tariff.csv_error", error=str(exc))
            return None
        if header is None:
            self.problem(file, 1, "tariff.empty_file")
            return None
        seen: set[str] = set()
        for column in header:
            if column in seen:
                self.problem(file, 1, "tariff.duplicate_column", column=column)
            elif not open_columns and column not in required and column not in optional:
                self.problem(
                    file,
                    1,
                    "tariff.unknown_column",
                    column=column,
                    expected=", ".join(required + optional),
                )
            seen.add(column)
        missing = [column for column in required if column not in seen]
        for column in missing:
            self.problem(file, 1, "tariff.missing_column", column=column)
        return None if missing else Table(file, header, rows)

    def table(self, file: str, columns: tuple[str, ...]) -> Table | None:
        """A file that may be missing (its absence is reported elsewhere)."""
        return self.read(file, columns) if file in self.files else None

    # ------------------------------------------------------------------ cells
    # Each returns None after recording a problem, so a row builds its value only when
    # every cell is good, yet all cells of the row are still checked.

    def text(self, t: Table, row: Row, column: str) -> str | None:
        value = row[column]
        if not value:
            self.problem(t.file, row.line_no, "tariff.required_value", column=column)
            return None
        return value

    def identifier(self, t: Table, row: Row, column: str, code: str) -> str | None:
        value = self.text(t, row, column)
        if value is not None and not formats.is_identifier(value):
            self.problem(t.file, row.line_no, code, column=column, value=value)
            return None
        return value

    def code(self, t: Table, row: Row, column: str) -> str | None:
        value = self.text(t, row, column)
        if value is not None and not formats.is_code(value):
            self.problem(t.file, row.line_no, "tariff.bad_code", column=column, value=value)
            return None
        return value

    def decimal(
        self,
        t: Table,
        row: Row,
        column: str,
        *,
        blank_ok: bool = False,
        positive: bool = False,
        at_most: Decimal | None = None,
    ) -> Decimal | None:
        text = row[column]
        if not text:
            if not blank_ok:
                self.problem(t.file, row.line_no, "tariff.required_value", column=column)
            return None
        value = formats.parse_decimal(text)
        if value is None:
            self.problem(t.file, row.line_no, "tariff.not_number", column=column, value=text)
        elif positive and value <= 0:
            self.problem(t.file, row.line_no, "tariff.not_positive", column=column, value=text)
            return None
        elif value < 0:
            self.problem(t.file, row.line_no, "tariff.negative", column=column, value=text)
            return None
        elif at_most is not None and value > at_most:
            self.problem(
                t.file, row.line_no, "tariff.too_large", column=column, value=text, max=at_most
            )
            return None
        return value

    def integer(self, t: Table, row: Row, column: str, *, at_least: int) -> int | None:
        text = self.text(t, row, column)
        if text is None:
            return None
        value = formats.parse_integer(text)
        if value is None:
            self.problem(t.file, row.line_no, "tariff.not_integer", column=column, value=text)
        elif value < at_least:
            self.problem(
                t.file, row.line_no, "tariff.too_small", column=column, value=text, min=at_least
            )
            return None
        return value

    def boolean(self, t: Table, row: Row, column: str) -> bool | None:
        text = self.text(t, row, column)
        if text is None:
            return None
        value = formats.parse_boolean(text)
        if value is None:
            self.problem(t.file, row.line_no, "tariff.not_boolean", column=column, value=text)
            return None
        return value == formats.YES

    def one_of(
        self, t: Table, row: Row, column: str, allowed: tuple[str, ...], code: str
    ) -> str | None:
        value = self.text(t, row, column)
        if value is not None and value not in allowed:
            self.problem(t.file, row.line_no, code, value=value, allowed=", ".join(allowed))
            return None
        return value

    def unique(
        self, t: Table, row: Row, key: Any, seen: dict[Any, int], column: str, value: str
    ) -> bool:
        if key in seen:
            self.problem(
                t.file,
                row.line_no,
                "tariff.duplicate",
                column=column,
                value=value,
                other_line=seen[key],
            )
            return False
        seen[key] = row.line_no
        return True

    def signed(self, t: Table, row: Row, column: str) -> Decimal | None:
        """A band bound: may be negative (e.g. vehicle_age of next year's model)."""
        text = row[column]
        if not text:
            return None
        value = formats.parse_decimal(text)
        if value is None:
            self.problem(t.file, row.line_no, "tariff.not_number", column=column, value=text)
        return value
