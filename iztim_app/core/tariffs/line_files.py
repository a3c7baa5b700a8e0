"""One line's folder: fields.csv, choices.csv, rates.csv and factors.csv, checked against
each other and against the company files (customer groups)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iztim_app.core.tariffs import formats
from iztim_app.core.tariffs.csv_cells import Cells, Row, Table
from iztim_app.core.tariffs.formats import WILDCARD
from iztim_app.core.tariffs.model import (
    AGE,
    BIRTH_DATE,
    CUSTOMER_GROUP,
    DERIVED_VALUES,
    FIELD_TYPES,
    KEY_TYPES,
    MODEL_YEAR,
    NUMERIC_TYPES,
    RESERVED_FIELD_NAMES,
    VALUE_MATCH_TYPES,
    VEHICLE_AGE,
    Choice,
    FactorRow,
    Field,
    Line,
    LineTariff,
    RateRow,
    Tax,
)

FIELDS = "fields.csv"
CHOICES = "choices.csv"
RATES = "rates.csv"
FACTORS = "factors.csv"
LINE_FILES = (FIELDS, CHOICES, RATES, FACTORS)
REQUIRED_LINE_FILES = (FIELDS, RATES)  # a line may have no choice fields and no factors

RATE_PER_MILLE = "rate_per_mille"
FIXED = "fixed"
_NEG_INF = Decimal("-Infinity")
_POS_INF = Decimal("Infinity")


class LineLoader:
    """The four files of one line folder, checked against each other."""

    def __init__(self, cells: Cells, code: str, group_codes: set[str] | None) -> None:
        self.cells = cells
        self.code = code
        # Codes rates.csv may name; None when customer_groups.csv is unreadable.
        self.group_codes = group_codes
        # name -> type of every field with a valid name and type; None if fields.csv is
        # unreadable (references to fields are then not checked).
        self.types: dict[str, str] | None = None
        self.options: dict[str, set[str]] = {}

    def path(self, name: str) -> str:
        return f"{self.code}/{name}"

    def read(self, name: str, *args: Any, **kwargs: Any) -> Table | None:
        path = self.path(name)
        if path not in self.cells.files:
            if name in REQUIRED_LINE_FILES:
                self.cells.problem(path, 1, "tariff.missing_file")
            return None
        return self.cells.read(path, *args, **kwargs)

    def load(self, line: Line | None, taxes: list[Tax]) -> LineTariff | None:
        fields, field_lines = self.load_fields()
        choices = self.load_choices()
        self.check_choice_fields(field_lines)
        rate_keys, rates = self.load_rates()
        factors = self.load_factors()
        if line is None or self.cells.problems:
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
        C = self.cells
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
            name = C.identifier(t, row, "name", "tariff.field.bad_name")
            if name is not None and name in RESERVED_FIELD_NAMES:
                C.problem(t.file, row.line_no, "tariff.field.reserved", value=name)
                name = None
            if name is not None and not C.unique(t, row, name, seen, "name", name):
                name = None
            kind = C.one_of(t, row, "type", FIELD_TYPES, "tariff.field.bad_type")
            if name is not None and kind is not None:
                self.types[name] = kind
            label_tr = C.text(t, row, "label_tr")
            label_en = C.text(t, row, "label_en")
            required = C.boolean(t, row, "required")
            bounds_ok = True
            if kind is not None and kind not in NUMERIC_TYPES and (row["min"] or row["max"]):
                C.problem(t.file, row.line_no, "tariff.field.bounds_not_numeric", type=kind)
                bounds_ok = False
            low = C.decimal(t, row, "min", blank_ok=True) if bounds_ok else None
            high = C.decimal(t, row, "max", blank_ok=True) if bounds_ok else None
            bounds_ok = bounds_ok and (low is not None or not row["min"])
            bounds_ok = bounds_ok and (high is not None or not row["max"])
            if low is not None and high is not None and low > high:
                C.problem(
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
        C = self.cells
        t = self.read(CHOICES, ("field", "value", "label_tr", "label_en"))
        if t is None:
            return []
        seen: dict[tuple[str, str], int] = {}
        choices: list[Choice] = []
        for row in t.rows:
            field = C.text(t, row, "field")
            if field is not None and self.types is not None:
                if field not in self.types:
                    C.problem(t.file, row.line_no, "tariff.unknown_field", value=field)
                    field = None
                elif self.types[field] != "choice":
                    C.problem(
                        t.file,
                        row.line_no,
                        "tariff.choice.not_choice_field",
                        value=field,
                        type=self.types[field],
                    )
                    field = None
            value = C.text(t, row, "value")
            if value == WILDCARD:
                C.problem(t.file, row.line_no, "tariff.choice.wildcard")
                value = None
            if field is not None and value is not None:
                if C.unique(t, row, (field, value), seen, "value", value):
                    self.options.setdefault(field, set()).add(value)
                else:
                    value = None
            label_tr = C.text(t, row, "label_tr")
            label_en = C.text(t, row, "label_en")
            if None not in (field, value, label_tr, label_en):
                choices.append(Choice(field, value, label_tr, label_en))  # type: ignore[arg-type]
        return choices

    def check_choice_fields(self, field_lines: dict[str, int]) -> None:
        for name, kind in (self.types or {}).items():
            if kind == "choice" and not self.options.get(name):
                self.cells.problem(
                    self.path(FIELDS), field_lines[name], "tariff.field.no_choices", value=name
                )

    def check_key_value(self, t: Table, row: Row, field: str, column: str) -> str | None:
        """A rates/factors cell naming a value of a choice or boolean field (or `*`)."""
        C = self.cells
        value = row[column]
        kind = (self.types or {}).get(field)
        if not value:
            C.problem(t.file, row.line_no, "tariff.required_value", column=column)
            return None
        if value == WILDCARD or self.types is None:
            return value
        if kind == "boolean":
            canonical = formats.parse_boolean(value)
            if canonical is None:
                C.problem(t.file, row.line_no, "tariff.not_boolean", column=column, value=value)
            return canonical
        if kind == "choice" and value not in self.options.get(field, ()):
            C.problem(t.file, row.line_no, "tariff.unknown_choice", value=value, field=field)
            return None
        return value

    # ------------------------------------------------------------------ rates.csv

    def load_rates(self) -> tuple[tuple[str, ...], list[RateRow]]:
        C = self.cells
        t = self.read(RATES, (CUSTOMER_GROUP, RATE_PER_MILLE, FIXED), open_columns=True)
        if t is None:
            return (), []
        fixed_columns = (CUSTOMER_GROUP, RATE_PER_MILLE, FIXED)
        keys = tuple(dict.fromkeys(c for c in t.columns if c not in fixed_columns))
        good_keys = []
        for column in keys:
            kind = None if self.types is None else self.types.get(column, "")
            if kind == "":
                C.problem(t.file, 1, "tariff.rates.unknown_column", column=column)
            elif kind is not None and kind not in KEY_TYPES:
                C.problem(t.file, 1, "tariff.rates.key_not_choice", column=column, type=kind)
            else:
                good_keys.append(column)
        groups = self.group_codes
        rates: list[RateRow] = []
        for row in t.rows:
            group = C.text(t, row, CUSTOMER_GROUP)
            if group not in (None, WILDCARD) and groups is not None and group not in groups:
                C.problem(t.file, row.line_no, "tariff.unknown_group", value=group)
                group = None
            cells = tuple(self.check_key_value(t, row, column, column) for column in good_keys)
            rate = C.decimal(t, row, RATE_PER_MILLE)
            fixed = C.decimal(t, row, FIXED)
            if group is not None and None not in cells and rate is not None and fixed is not None:
                rates.append(
                    RateRow(group, cells, rate, fixed, row.line_no)  # type: ignore[arg-type]
                )
        if not t.rows:
            C.problem(t.file, 1, "tariff.rates.empty")
        if len(good_keys) == len(keys):  # with a bad column, ties would be spurious
            self.check_ambiguous(t, rates)
        return tuple(good_keys), rates

    def check_ambiguous(self, t: Table, rates: list[RateRow]) -> None:
        """Two rows with the same `*` count that can match one quote, where no more
        specific row covers every such quote, would make the price depend on row order."""
        C = self.cells
        by_mask: dict[tuple[int, ...], dict[tuple[str, ...], RateRow]] = {}
        for row in rates:
            cells = (row.customer_group, *row.keys)
            mask = tuple(i for i, c in enumerate(cells) if c != WILDCARD)
            table = by_mask.setdefault(mask, {})
            projected = tuple(cells[i] for i in mask)
            if projected in table:
                other = table[projected].line_no
                C.problem(t.file, row.line_no, "tariff.rates.duplicate", other_line=other)
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
                        C.problem(
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
        C = self.cells
        t = self.read(FACTORS, ("factor", "field", "value", "min", "max", "multiplier"))
        if t is None:
            return []
        first_field: dict[str, tuple[str, int]] = {}  # factor -> (field, line)
        valid: dict[str, list[FactorRow]] = {}
        factors: list[FactorRow] = []
        for row in t.rows:
            name = C.text(t, row, "factor")
            field = self.factor_field(t, row)
            if name is not None and field is not None:
                known = first_field.setdefault(name, (field, row.line_no))
                if known[0] != field:
                    C.problem(
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
                    C.problem(t.file, row.line_no, "tariff.factors.bounds_not_allowed", field=field)
                    ok = False
                ok = ok and value is not None
            elif kind is not None:
                if row["value"] not in ("", WILDCARD):
                    C.problem(t.file, row.line_no, "tariff.factors.value_not_allowed", field=field)
                    ok = False
                low, high, bounds_ok = self.band(t, row)
                ok = ok and bounds_ok
            multiplier = C.decimal(t, row, "multiplier", positive=True)
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

    def band(self, t: Table, row: Row) -> tuple[Decimal | None, Decimal | None, bool]:
        C = self.cells
        low = self.cells.signed(t, row, "min")
        high = self.cells.signed(t, row, "max")
        ok = (low is not None or not row["min"]) and (high is not None or not row["max"])
        if low is not None and high is not None and low >= high:
            C.problem(
                t.file, row.line_no, "tariff.factors.band_empty", min=row["min"], max=row["max"]
            )
            ok = False
        return low, high, ok

    def factor_field(self, t: Table, row: Row) -> str | None:
        """The factor's field if it is something a quote has; reports why not otherwise."""
        C = self.cells
        field = C.text(t, row, "field")
        if field is None or self.types is None:
            return field
        types = self.types
        if field in DERIVED_VALUES:
            if field == AGE and types.get(BIRTH_DATE) != "date":
                C.problem(t.file, row.line_no, "tariff.factors.needs_birth_date")
                return None
            if field == VEHICLE_AGE and types.get(MODEL_YEAR) != "integer":
                C.problem(t.file, row.line_no, "tariff.factors.needs_model_year")
                return None
            return field
        if field not in types:
            C.problem(t.file, row.line_no, "tariff.unknown_field", value=field)
            return None
        if types[field] == "date":
            C.problem(t.file, row.line_no, "tariff.factors.date_field", value=field)
            return None
        return field

    def factor_kind(self, field: str | None) -> str | None:
        """How the factor's rows match; None when unknown (fields.csv unreadable)."""
        if field in DERIVED_VALUES:
            return "decimal"
        if field is None or self.types is None:
            return None
        return self.types.get(field)

    def check_overlap(self, t: Table, rows: list[FactorRow]) -> None:
        """Within one factor exactly one row may match any value."""
        C = self.cells

        def report(a: FactorRow, b: FactorRow) -> None:
            later, earlier = (a, b) if a.line_no > b.line_no else (b, a)
            C.problem(
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
