"""Load a tariff folder (a directory, a zip, or files kept in the database) and validate it.

Validation never stops at the first mistake: every file is read and every problem is
collected (errors are data), so IT staff fix a folder in one pass. A folder with any
problem yields no TariffSet.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.tariffs import formats
from iztim_app.core.tariffs.errors import Problem
from iztim_app.core.tariffs.formats import WILDCARD
from iztim_app.core.tariffs.model import (
    AGE,
    BIRTH_DATE,
    CANCELLATION_METHODS,
    CUSTOMER_GROUP,
    DERIVED_VALUES,
    FIELD_TYPES,
    GROUP_KINDS,
    KEY_TYPES,
    MODEL_YEAR,
    NUMERIC_TYPES,
    RESERVED_FIELD_NAMES,
    VALUE_MATCH_TYPES,
    VEHICLE_AGE,
    CancellationReason,
    Choice,
    CustomerGroup,
    FactorRow,
    Field,
    Line,
    LineTariff,
    RateRow,
    ShortRateRow,
    TariffSet,
    Tax,
)

LINES = "lines.csv"
GROUPS = "customer_groups.csv"
TAXES = "taxes.csv"
SHORT_RATE = "short_rate.csv"
REASONS = "cancellation_reasons.csv"
TOP_FILES = (LINES, GROUPS, TAXES, SHORT_RATE, REASONS)
FIELDS = "fields.csv"
CHOICES = "choices.csv"
RATES = "rates.csv"
FACTORS = "factors.csv"
LINE_FILES = (FIELDS, CHOICES, RATES, FACTORS)
REQUIRED_LINE_FILES = (FIELDS, RATES)  # a line may have no choice fields and no factors

RATE_PER_MILLE = "rate_per_mille"
FIXED = "fixed"
MIN_SHORT_RATE_DAYS = 366
MAX_ZIP_BYTES = 20 * 1024 * 1024
_NEG_INF = Decimal("-Infinity")
_POS_INF = Decimal("Infinity")

Files = dict[str, bytes]


# --------------------------------------------------------------------------- sources


def files_from_dir(path: str | os.PathLike[str]) -> Files:
    """Every file under `path` by relative posix path; hidden files are skipped."""
    root = Path(path)
    if not root.is_dir():
        raise ValidationFailed("tariff.dir_not_found", field="tariffs", dir=str(path))
    files: Files = {}
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        if file.is_file() and not any(part.startswith(".") for part in relative.parts):
            files[relative.as_posix()] = file.read_bytes()
    return files


def files_from_zip(data: bytes) -> Files:
    """The files of an uploaded zip; a single wrapping folder (`tariffs/…`) is removed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not any(part.startswith(".") or part == ".." for part in info.filename.split("/"))
        ]
        if sum(info.file_size for info in infos) > MAX_ZIP_BYTES:
            raise ValidationFailed("tariff.zip_too_large", field="file", limit=MAX_ZIP_BYTES)
        files = {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ValidationFailed("tariff.zip_invalid", field="file", error=str(exc)) from exc
    if LINES not in files:
        tops = {name.split("/", 1)[0] for name in files}
        if len(tops) == 1 and all("/" in name for name in files):
            prefix = f"{tops.pop()}/"
            files = {name[len(prefix) :]: body for name, body in files.items()}
    return files


def load_tariff_set(
    source: str | os.PathLike[str] | Mapping[str, bytes],
) -> tuple[TariffSet | None, list[Problem]]:
    """Load and validate a folder path or a `{relative_posix_path: bytes}` mapping.

    Returns `(TariffSet, [])` for a valid folder, `(None, problems)` otherwise, with
    every problem across all files, ordered by file and line.
    """
    files = dict(source) if isinstance(source, Mapping) else files_from_dir(source)
    return _Loader(files).load()


# --------------------------------------------------------------------------- CSV reading


@dataclass(slots=True)
class _Row:
    line_no: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(slots=True)
class _Table:
    file: str
    columns: list[str]
    rows: list[_Row]


class _Loader:
    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self.problems: list[Problem] = []
        # Names other files refer to; None when their file is unreadable, so references
        # to it are not reported a second time as unknown.
        self.line_codes: dict[str, int] | None = None
        self.group_codes: set[str] | None = None

    # ------------------------------------------------------------------ problems

    def problem(self, file: str, line_no: int, code: str, /, **params: Any) -> None:
        self.problems.append(Problem(file, line_no, code, params))

    def _sorted_problems(self, folders: list[str]) -> list[Problem]:
        def rank(problem: Problem) -> tuple[int, int, int, str]:
            parts = problem.file.split("/")
            if len(parts) == 1:
                top = TOP_FILES.index(parts[0]) if parts[0] in TOP_FILES else len(TOP_FILES)
                return (0, top, 0, problem.file)
            folder = folders.index(parts[0]) if parts[0] in folders else len(folders)
            name = parts[-1]
            inner = LINE_FILES.index(name) if len(parts) == 2 and name in LINE_FILES else 99
            return (1, folder, inner, problem.file)

        return sorted(self.problems, key=lambda p: (rank(p), p.line))

    # ------------------------------------------------------------------ reading

    def read(
        self,
        file: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        open_columns: bool = False,
    ) -> _Table | None:
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
        rows: list[_Row] = []
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
                    rows.append(_Row(line_no, dict(zip(header, cells, strict=True))))
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
        return None if missing else _Table(file, header, rows)

    # ------------------------------------------------------------------ cells
    # Each returns None after recording a problem, so a row builds its value only when
    # every cell is good, yet all cells of the row are still checked.

    def text(self, t: _Table, row: _Row, column: str) -> str | None:
        value = row[column]
        if not value:
            self.problem(t.file, row.line_no, "tariff.required_value", column=column)
            return None
        return value

    def identifier(self, t: _Table, row: _Row, column: str, code: str) -> str | None:
        value = self.text(t, row, column)
        if value is not None and not formats.is_identifier(value):
            self.problem(t.file, row.line_no, code, column=column, value=value)
            return None
        return value

    def code(self, t: _Table, row: _Row, column: str) -> str | None:
        value = self.text(t, row, column)
        if value is not None and not formats.is_code(value):
            self.problem(t.file, row.line_no, "tariff.bad_code", column=column, value=value)
            return None
        return value

    def decimal(
        self,
        t: _Table,
        row: _Row,
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

    def integer(self, t: _Table, row: _Row, column: str, *, at_least: int) -> int | None:
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

    def boolean(self, t: _Table, row: _Row, column: str) -> bool | None:
        text = self.text(t, row, column)
        if text is None:
            return None
        value = formats.parse_boolean(text)
        if value is None:
            self.problem(t.file, row.line_no, "tariff.not_boolean", column=column, value=text)
            return None
        return value == formats.YES

    def one_of(
        self, t: _Table, row: _Row, column: str, allowed: tuple[str, ...], code: str
    ) -> str | None:
        value = self.text(t, row, column)
        if value is not None and value not in allowed:
            self.problem(t.file, row.line_no, code, value=value, allowed=", ".join(allowed))
            return None
        return value

    def unique(
        self, t: _Table, row: _Row, key: Any, seen: dict[Any, int], column: str, value: str
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

    # ------------------------------------------------------------------ the folder

    def load(self) -> tuple[TariffSet | None, list[Problem]]:
        folders = self.check_file_names()
        lines = self.load_lines()
        groups = self.load_groups()
        taxes = self.load_taxes()
        short_rate = self.load_short_rate()
        reasons = self.load_reasons()
        ordered = self.match_folders(folders)
        tariffs: dict[str, LineTariff] = {}
        for code in ordered:
            tariff = _LineLoader(self, code).load(lines.get(code), taxes.get(code, []))
            if tariff is not None:
                tariffs[code] = tariff
        if self.problems:
            return None, self._sorted_problems(ordered)
        return (
            TariffSet(
                lines={code: tariffs[code] for code in lines},
                customer_groups=groups,
                short_rate=tuple(short_rate),
                cancellation_reasons=reasons,
            ),
            [],
        )

    def check_file_names(self) -> dict[str, list[str]]:
        """Report missing and unexpected CSV files; return the line folders with their CSVs."""
        folders: dict[str, list[str]] = {}
        for name in sorted(self.files):
            path = PurePosixPath(name)
            if path.suffix.lower() != ".csv":
                continue  # README files and the like may sit beside the tariff
            parts = path.parts
            if len(parts) == 2:
                folders.setdefault(parts[0], []).append(name)
                if parts[1] in LINE_FILES:
                    continue
            elif len(parts) == 1 and name in TOP_FILES:
                continue
            self.problem(name, 1, "tariff.unknown_file")
        for name in TOP_FILES:
            if name not in self.files:
                self.problem(name, 1, "tariff.missing_file")
        return folders

    def match_folders(self, folders: dict[str, list[str]]) -> list[str]:
        """Line codes to load: lines.csv rows with a folder (and every folder when
        lines.csv is unreadable, so their own mistakes are still reported)."""
        if self.line_codes is None:
            return sorted(folders)
        for code, line_no in self.line_codes.items():
            if code not in folders:
                self.problem(LINES, line_no, "tariff.line_without_folder", line=code)
        for folder, names in folders.items():
            if folder not in self.line_codes:
                first = f"{folder}/{FIELDS}" if f"{folder}/{FIELDS}" in names else names[0]
                self.problem(first, 1, "tariff.folder_without_line", folder=folder)
        return [code for code in self.line_codes if code in folders]

    def top(self, file: str, columns: tuple[str, ...]) -> _Table | None:
        return self.read(file, columns) if file in self.files else None

    def load_lines(self) -> dict[str, Line]:
        t = self.top(
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
            code = self.identifier(t, row, "code", "tariff.bad_line_code")
            if code is not None and not self.unique(t, row, code, self.line_codes, "code", code):
                code = None
            values = (
                self.text(t, row, "name_tr"),
                self.text(t, row, "name_en"),
                self.decimal(t, row, "min_premium"),
                self.integer(t, row, "quote_valid_days", at_least=1),
                self.integer(t, row, "max_installments", at_least=1),
                self.decimal(t, row, "min_retained"),
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
        t = self.top(file, ("code", "name_tr", "name_en", column))
        if t is None:
            return {}, None
        seen: dict[str, int] = {}
        items: dict[str, Any] = {}
        for row in t.rows:
            code = self.code(t, row, "code")
            if code is not None and not self.unique(t, row, code, seen, "code", code):
                code = None
            values = (
                self.text(t, row, "name_tr"),
                self.text(t, row, "name_en"),
                self.one_of(t, row, column, allowed, problem),
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
        t = self.top(TAXES, ("line", "code", "name_tr", "name_en", "rate"))
        if t is None:
            return {}
        seen: dict[tuple[str, str], int] = {}
        taxes: dict[str, list[Tax]] = {}
        for row in t.rows:
            line = self.text(t, row, "line")
            if line is not None and self.line_codes is not None and line not in self.line_codes:
                self.problem(t.file, row.line_no, "tariff.unknown_line", value=line)
                line = None
            code = self.code(t, row, "code")
            if line is not None and code is not None:
                if not self.unique(t, row, (line, code), seen, "code", code):
                    code = None
            values = (
                self.text(t, row, "name_tr"),
                self.text(t, row, "name_en"),
                self.decimal(t, row, "rate", at_most=Decimal(1)),
            )
            if line is not None and code is not None and None not in values:
                tax = Tax(code, *values, line_no=row.line_no)  # type: ignore[arg-type]
                taxes.setdefault(line, []).append(tax)
        return taxes

    def load_short_rate(self) -> list[ShortRateRow]:
        t = self.top(SHORT_RATE, ("up_to_days", "earned_percent"))
        if t is None:
            return []
        scale: list[ShortRateRow] = []
        last_days: tuple[int, int] | None = None  # (up_to_days, line) of the last good day cell
        last_percent: tuple[Decimal, int] | None = None
        for row in t.rows:
            days = self.integer(t, row, "up_to_days", at_least=0)
            percent = self.decimal(t, row, "earned_percent", at_most=Decimal(100))
            if days is not None and last_days is not None and days <= last_days[0]:
                self.problem(
                    t.file,
                    row.line_no,
                    "tariff.short_rate.not_ascending",
                    value=days,
                    previous=last_days[0],
                    other_line=last_days[1],
                )
                days = None
            if percent is not None and last_percent is not None and percent < last_percent[0]:
                self.problem(
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
            self.problem(t.file, 1, "tariff.short_rate.empty", min=MIN_SHORT_RATE_DAYS)
        elif last_days is not None and last_days[0] < MIN_SHORT_RATE_DAYS:
            self.problem(
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


class _LineLoader:
    """The four files of one line folder, checked against each other."""

    def __init__(self, loader: _Loader, code: str) -> None:
        self.loader = loader
        self.code = code
        # name -> type of every field with a valid name and type; None if fields.csv is
        # unreadable (references to fields are then not checked).
        self.types: dict[str, str] | None = None
        self.options: dict[str, set[str]] = {}

    def path(self, name: str) -> str:
        return f"{self.code}/{name}"

    def read(self, name: str, *args: Any, **kwargs: Any) -> _Table | None:
        path = self.path(name)
        if path not in self.loader.files:
            if name in REQUIRED_LINE_FILES:
                self.loader.problem(path, 1, "tariff.missing_file")
            return None
        return self.loader.read(path, *args, **kwargs)

    def load(self, line: Line | None, taxes: list[Tax]) -> LineTariff | None:
        fields, field_lines = self.load_fields()
        choices = self.load_choices()
        self.check_choice_fields(field_lines)
        rate_keys, rates = self.load_rates()
        factors = self.load_factors()
        if line is None or self.loader.problems:
            return None
        return LineTariff(
            line=line,
            fields=tuple(fields),
            choices=tuple(choices),
            rate_keys=rate_keys,
            rates=tuple(rates),
            factors=tuple(factors),
            taxes=tuple(taxes),
        )

    # ------------------------------------------------------------------ fields.csv

    def load_fields(self) -> tuple[list[Field], dict[str, int]]:
        L = self.loader
        t = self.read(
            FIELDS,
            ("name", "label_tr", "label_en", "type", "required"),
            ("min", "max", "help_tr", "help_en"),
        )
        if t is None:
            return [], {}
        self.types = {}
        seen: dict[str, int] = {}
        fields: list[Field] = []
        for row in t.rows:
            name = L.identifier(t, row, "name", "tariff.field.bad_name")
            if name is not None and name in RESERVED_FIELD_NAMES:
                L.problem(t.file, row.line_no, "tariff.field.reserved", value=name)
                name = None
            if name is not None and not L.unique(t, row, name, seen, "name", name):
                name = None
            kind = L.one_of(t, row, "type", FIELD_TYPES, "tariff.field.bad_type")
            if name is not None and kind is not None:
                self.types[name] = kind
            label_tr = L.text(t, row, "label_tr")
            label_en = L.text(t, row, "label_en")
            required = L.boolean(t, row, "required")
            bounds_ok = True
            if kind is not None and kind not in NUMERIC_TYPES and (row["min"] or row["max"]):
                L.problem(t.file, row.line_no, "tariff.field.bounds_not_numeric", type=kind)
                bounds_ok = False
            low = L.decimal(t, row, "min", blank_ok=True) if bounds_ok else None
            high = L.decimal(t, row, "max", blank_ok=True) if bounds_ok else None
            bounds_ok = bounds_ok and (low is not None or not row["min"])
            bounds_ok = bounds_ok and (high is not None or not row["max"])
            if low is not None and high is not None and low > high:
                L.problem(
                    t.file, row.line_no, "tariff.min_over_max", min=row["min"], max=row["max"]
                )
                bounds_ok = False
            parts = (name, label_tr, label_en, kind, required)
            if bounds_ok and None not in parts:
                fields.append(
                    Field(
                        name,  # type: ignore[arg-type]
                        label_tr,  # type: ignore[arg-type]
                        label_en,  # type: ignore[arg-type]
                        kind,  # type: ignore[arg-type]
                        required,  # type: ignore[arg-type]
                        low,
                        high,
                        row["help_tr"],
                        row["help_en"],
                    )
                )
        return fields, seen

    # ------------------------------------------------------------------ choices.csv

    def load_choices(self) -> list[Choice]:
        L = self.loader
        t = self.read(CHOICES, ("field", "value", "label_tr", "label_en"))
        if t is None:
            return []
        seen: dict[tuple[str, str], int] = {}
        choices: list[Choice] = []
        for row in t.rows:
            field = L.text(t, row, "field")
            if field is not None and self.types is not None:
                if field not in self.types:
                    L.problem(t.file, row.line_no, "tariff.unknown_field", value=field)
                    field = None
                elif self.types[field] != "choice":
                    L.problem(
                        t.file,
                        row.line_no,
                        "tariff.choice.not_choice_field",
                        value=field,
                        type=self.types[field],
                    )
                    field = None
            value = L.text(t, row, "value")
            if value == WILDCARD:
                L.problem(t.file, row.line_no, "tariff.choice.wildcard")
                value = None
            if field is not None and value is not None:
                if L.unique(t, row, (field, value), seen, "value", value):
                    self.options.setdefault(field, set()).add(value)
                else:
                    value = None
            label_tr = L.text(t, row, "label_tr")
            label_en = L.text(t, row, "label_en")
            if None not in (field, value, label_tr, label_en):
                choices.append(Choice(field, value, label_tr, label_en))  # type: ignore[arg-type]
        return choices

    def check_choice_fields(self, field_lines: dict[str, int]) -> None:
        for name, kind in (self.types or {}).items():
            if kind == "choice" and not self.options.get(name):
                self.loader.problem(
                    self.path(FIELDS), field_lines[name], "tariff.field.no_choices", value=name
                )

    def check_key_value(self, t: _Table, row: _Row, field: str, column: str) -> str | None:
        """A rates/factors cell naming a value of a choice or boolean field (or `*`)."""
        L = self.loader
        value = row[column]
        kind = (self.types or {}).get(field)
        if not value:
            L.problem(t.file, row.line_no, "tariff.required_value", column=column)
            return None
        if value == WILDCARD or self.types is None:
            return value
        if kind == "boolean":
            canonical = formats.parse_boolean(value)
            if canonical is None:
                L.problem(t.file, row.line_no, "tariff.not_boolean", column=column, value=value)
            return canonical
        if kind == "choice" and value not in self.options.get(field, ()):
            L.problem(t.file, row.line_no, "tariff.unknown_choice", value=value, field=field)
            return None
        return value

    # ------------------------------------------------------------------ rates.csv

    def load_rates(self) -> tuple[tuple[str, ...], list[RateRow]]:
        L = self.loader
        t = self.read(RATES, (CUSTOMER_GROUP, RATE_PER_MILLE, FIXED), open_columns=True)
        if t is None:
            return (), []
        fixed_columns = (CUSTOMER_GROUP, RATE_PER_MILLE, FIXED)
        keys = tuple(dict.fromkeys(c for c in t.columns if c not in fixed_columns))
        good_keys = []
        for column in keys:
            kind = None if self.types is None else self.types.get(column, "")
            if kind == "":
                L.problem(t.file, 1, "tariff.rates.unknown_column", column=column)
            elif kind is not None and kind not in KEY_TYPES:
                L.problem(t.file, 1, "tariff.rates.key_not_choice", column=column, type=kind)
            else:
                good_keys.append(column)
        groups = L.group_codes
        rates: list[RateRow] = []
        for row in t.rows:
            group = L.text(t, row, CUSTOMER_GROUP)
            if group not in (None, WILDCARD) and groups is not None and group not in groups:
                L.problem(t.file, row.line_no, "tariff.unknown_group", value=group)
                group = None
            cells = tuple(self.check_key_value(t, row, column, column) for column in good_keys)
            rate = L.decimal(t, row, RATE_PER_MILLE)
            fixed = L.decimal(t, row, FIXED)
            if group is not None and None not in cells and rate is not None and fixed is not None:
                rates.append(
                    RateRow(group, cells, rate, fixed, row.line_no)  # type: ignore[arg-type]
                )
        if not t.rows:
            L.problem(t.file, 1, "tariff.rates.empty")
        if len(good_keys) == len(keys):  # with a bad column, ties would be spurious
            self.check_ambiguous(t, rates)
        return tuple(good_keys), rates

    def check_ambiguous(self, t: _Table, rates: list[RateRow]) -> None:
        """Two rows with the same `*` count that can match one quote, where no more
        specific row covers every such quote, would make the price depend on row order."""
        L = self.loader
        by_mask: dict[tuple[int, ...], dict[tuple[str, ...], RateRow]] = {}
        for row in rates:
            cells = (row.customer_group, *row.keys)
            mask = tuple(i for i, c in enumerate(cells) if c != WILDCARD)
            table = by_mask.setdefault(mask, {})
            projected = tuple(cells[i] for i in mask)
            if projected in table:
                other = table[projected].line_no
                L.problem(t.file, row.line_no, "tariff.rates.duplicate", other_line=other)
            else:
                table[projected] = row
        reported: set[int] = set()
        masks = list(by_mask)
        for a_index, mask_a in enumerate(masks):
            for mask_b in masks[a_index + 1 :]:
                if len(mask_a) != len(mask_b):
                    continue
                common = [i for i in mask_a if i in mask_b]
                union = tuple(sorted(set(mask_a) | set(mask_b)))
                index_b: dict[tuple[str, ...], list[RateRow]] = {}
                for row_b in by_mask[mask_b].values():
                    cells_b = (row_b.customer_group, *row_b.keys)
                    index_b.setdefault(tuple(cells_b[i] for i in common), []).append(row_b)
                for row_a in by_mask[mask_a].values():
                    cells_a = (row_a.customer_group, *row_a.keys)
                    for row_b in index_b.get(tuple(cells_a[i] for i in common), ()):
                        cells_b = (row_b.customer_group, *row_b.keys)
                        both = {i: cells_a[i] if i in mask_a else cells_b[i] for i in union}
                        if self.covered(by_mask, both, len(mask_a)):
                            continue
                        later, earlier = sorted((row_a, row_b), key=lambda r: -r.line_no)
                        if later.line_no in reported:
                            continue
                        reported.add(later.line_no)
                        L.problem(
                            t.file,
                            later.line_no,
                            "tariff.rates.ambiguous",
                            other_line=earlier.line_no,
                            stars=later.stars,
                        )

    @staticmethod
    def covered(
        by_mask: dict[tuple[int, ...], dict[tuple[str, ...], RateRow]],
        cells: dict[int, str],
        concrete_count: int,
    ) -> bool:
        """Is there a row with fewer `*` matching every quote that has `cells`?"""
        for mask, table in by_mask.items():
            if len(mask) > concrete_count and all(i in cells for i in mask):
                if tuple(cells[i] for i in mask) in table:
                    return True
        return False

    # ------------------------------------------------------------------ factors.csv

    def load_factors(self) -> list[FactorRow]:
        L = self.loader
        t = self.read(FACTORS, ("factor", "field", "value", "min", "max", "multiplier"))
        if t is None:
            return []
        first_field: dict[str, tuple[str, int]] = {}  # factor -> (field, line)
        valid: dict[str, list[FactorRow]] = {}
        factors: list[FactorRow] = []
        for row in t.rows:
            name = L.text(t, row, "factor")
            field = self.factor_field(t, row)
            if name is not None and field is not None:
                known = first_field.setdefault(name, (field, row.line_no))
                if known[0] != field:
                    L.problem(
                        t.file,
                        row.line_no,
                        "tariff.factors.mixed_fields",
                        factor=name,
                        other=known[0],
                        other_line=known[1],
                    )
                    field = None
            kind = self.factor_kind(field)
            value: str | None = None
            low = high = None
            ok = field is not None and kind is not None
            if kind in VALUE_MATCH_TYPES:
                value = self.check_key_value(t, row, field, "value")  # type: ignore[arg-type]
                if row["min"] or row["max"]:
                    L.problem(t.file, row.line_no, "tariff.factors.bounds_not_allowed", field=field)
                    ok = False
                ok = ok and value is not None
            elif kind is not None:
                if row["value"] not in ("", WILDCARD):
                    L.problem(t.file, row.line_no, "tariff.factors.value_not_allowed", field=field)
                    ok = False
                low, high, bounds_ok = self.band(t, row)
                ok = ok and bounds_ok
            multiplier = L.decimal(t, row, "multiplier", positive=True)
            if ok and name is not None and multiplier is not None:
                factor = FactorRow(
                    name,
                    field,
                    value,
                    low,
                    high,
                    multiplier,
                    row.line_no,  # type: ignore[arg-type]
                )
                factors.append(factor)
                valid.setdefault(name, []).append(factor)
        for rows in valid.values():
            self.check_overlap(t, rows)
        return factors

    def band(self, t: _Table, row: _Row) -> tuple[Decimal | None, Decimal | None, bool]:
        L = self.loader
        low = self.signed(t, row, "min")
        high = self.signed(t, row, "max")
        ok = (low is not None or not row["min"]) and (high is not None or not row["max"])
        if low is not None and high is not None and low >= high:
            L.problem(
                t.file, row.line_no, "tariff.factors.band_empty", min=row["min"], max=row["max"]
            )
            ok = False
        return low, high, ok

    def signed(self, t: _Table, row: _Row, column: str) -> Decimal | None:
        """A band bound: may be negative (e.g. vehicle_age of next year's model)."""
        text = row[column]
        if not text:
            return None
        value = formats.parse_decimal(text)
        if value is None:
            self.loader.problem(t.file, row.line_no, "tariff.not_number", column=column, value=text)
        return value

    def factor_field(self, t: _Table, row: _Row) -> str | None:
        """The factor's field if it is something a quote has; reports why not otherwise."""
        L = self.loader
        field = L.text(t, row, "field")
        if field is None or self.types is None:
            return field
        types = self.types
        if field in DERIVED_VALUES:
            if field == AGE and types.get(BIRTH_DATE) != "date":
                L.problem(t.file, row.line_no, "tariff.factors.needs_birth_date")
                return None
            if field == VEHICLE_AGE and types.get(MODEL_YEAR) != "integer":
                L.problem(t.file, row.line_no, "tariff.factors.needs_model_year")
                return None
            return field
        if field not in types:
            L.problem(t.file, row.line_no, "tariff.unknown_field", value=field)
            return None
        if types[field] == "date":
            L.problem(t.file, row.line_no, "tariff.factors.date_field", value=field)
            return None
        return field

    def factor_kind(self, field: str | None) -> str | None:
        """How the factor's rows match; None when unknown (fields.csv unreadable)."""
        if field in DERIVED_VALUES:
            return "decimal"
        if field is None or self.types is None:
            return None
        return self.types.get(field)

    def check_overlap(self, t: _Table, rows: list[FactorRow]) -> None:
        """Within one factor exactly one row may match any value."""
        L = self.loader

        def report(a: FactorRow, b: FactorRow) -> None:
            later, earlier = (a, b) if a.line_no > b.line_no else (b, a)
            L.problem(
                t.file,
                later.line_no,
                "tariff.factors.overlap",
                factor=later.factor,
                other_line=earlier.line_no,
            )

        if rows[0].value is not None:  # value rows; band rows never carry a value
            seen: dict[str, FactorRow] = {}
            anything: FactorRow | None = None
            for row in rows:
                if anything is not None:
                    report(row, anything)
                elif row.value == WILDCARD and seen:
                    report(row, next(iter(seen.values())))
                elif row.value in seen:
                    report(row, seen[row.value])  # type: ignore[index]
                if row.value == WILDCARD:
                    anything = anything or row
                else:
                    seen.setdefault(row.value, row)  # type: ignore[arg-type]
            return

        def low(row: FactorRow) -> Decimal:
            return _NEG_INF if row.min is None else row.min

        def high(row: FactorRow) -> Decimal:
            return _POS_INF if row.max is None else row.max

        reach: FactorRow | None = None  # of the bands so far, the one reaching furthest up
        for row in sorted(rows, key=lambda r: (low(r), r.line_no)):
            if reach is not None and low(row) < high(reach):
                report(row, reach)
            if reach is None or high(row) > high(reach):
                reach = row
