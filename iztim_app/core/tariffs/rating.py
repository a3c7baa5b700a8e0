"""Pricing a quote with a loaded tariff, exactly as `tariffs.md` states the formula.

    base    = sum_insured × rate_per_mille / 1000 + fixed
    net_raw = base × m1 × … × mk  [× earned_percent / 100 for a term under 365 days]
    net     = max(round2(net_raw), min_premium)
    tax_i   = round2(net × rate_i)
    gross   = net + Σ tax_i

Intermediate products are exact (a 100-digit context), so the only rounding is round2
(ROUND_HALF_UP) at the named steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import EXACT, round2
from iztim_app.core.tariffs import formats
from iztim_app.core.tariffs.errors import PricingError
from iztim_app.core.tariffs.model import (
    AGE,
    BIRTH_DATE,
    CUSTOMER_GROUP,
    MODEL_YEAR,
    SUM_INSURED,
    VEHICLE_AGE,
    Factor,
    FactorRow,
    LineTariff,
    RateRow,
    ShortRateRow,
    TariffSet,
)
from iztim_app.core.tariffs.values import (
    field_label,
    parse_amount,
    parse_date_input,
    parse_values,
)
from iztim_app.core.tariffs.worksheet import (
    FactorStep,
    GrossStep,
    NetStep,
    RateStep,
    ShortRateStep,
    Step,
    TaxStep,
    trimmed,
)
from iztim_app.i18n import Label

FULL_YEAR_DAYS = 365  # a shorter term is short-term (short-rate scale)
MAX_TERM_DAYS = 366

_mul = EXACT.multiply
_add = EXACT.add


@dataclass(slots=True)
class PriceResult:
    """A priced quote (read-only by convention: built in a hot path, so not frozen).

    `worksheet` is built on first use from the rows that were matched.
    """

    line: str
    customer_group: str
    sum_insured: Decimal
    start: date
    end: date
    days: int
    base: Decimal
    net_raw: Decimal
    net_premium: Decimal
    min_premium_applied: bool
    taxes: dict[str, Decimal]
    gross_premium: Decimal
    tariff: LineTariff = field(repr=False, compare=False)
    rate_row: RateRow = field(repr=False, compare=False)
    factor_rows: list[tuple[Factor, FactorRow, Any]] = field(repr=False, compare=False)
    short_rate_row: ShortRateRow | None = field(repr=False, compare=False)
    _worksheet: list[Step] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def worksheet(self) -> list[Step]:
        if self._worksheet is None:
            self._worksheet = self._build_worksheet()
        return self._worksheet

    def _build_worksheet(self) -> list[Step]:
        row = self.rate_row
        steps: list[Step] = [
            RateStep(
                row=row.line_no,
                customer_group=row.customer_group,
                keys=dict(zip(self.tariff.rate_keys, row.keys, strict=True)),
                sum_insured=self.sum_insured,
                rate_per_mille=row.rate_per_mille,
                fixed=row.fixed,
                base=trimmed(self.base),
            )
        ]
        amount = self.base
        for factor, matched, value in self.factor_rows:
            amount = _mul(amount, matched.multiplier)
            steps.append(
                FactorStep(
                    factor=factor.name,
                    field=factor.field,
                    value=_value_text(value),
                    row=matched.line_no,
                    match=matched.value,
                    min=matched.min,
                    max=matched.max,
                    multiplier=matched.multiplier,
                    amount=trimmed(amount),
                )
            )
        short = self.short_rate_row
        if short is not None:
            steps.append(
                ShortRateStep(
                    days=self.days,
                    row=short.line_no,
                    up_to_days=short.up_to_days,
                    earned_percent=short.earned_percent,
                    amount=trimmed(self.net_raw),
                )
            )
        steps.append(
            NetStep(
                net_raw=trimmed(self.net_raw),
                rounded=round2(self.net_raw),
                min_premium=self.tariff.index.min_premium,
                min_premium_applied=self.min_premium_applied,
                net=self.net_premium,
            )
        )
        for tax in self.tariff.taxes:
            steps.append(
                TaxStep(
                    code=tax.code,
                    name_tr=tax.name_tr,
                    name_en=tax.name_en,
                    rate=tax.rate,
                    base=self.net_premium,
                    amount=self.taxes[tax.code],
                )
            )
        steps.append(
            GrossStep(
                net=self.net_premium,
                taxes=self.gross_premium - self.net_premium,
                gross=self.gross_premium,
            )
        )
        return steps

    def to_json_dict(self) -> dict[str, Any]:
        """What `iztim price` prints: amounts as strings like `"1234.50"`."""
        return {
            "net_premium": formats.decimal_text(self.net_premium),
            "taxes": {code: formats.decimal_text(amount) for code, amount in self.taxes.items()},
            "gross_premium": formats.decimal_text(self.gross_premium),
            "worksheet": [step.to_json_dict() for step in self.worksheet],
        }


def price(
    tariff_set: TariffSet,
    line: str,
    customer_group: str,
    sum_insured: Decimal | int | str,
    start: date | str,
    end: date | str | None = None,
    values: dict[str, Any] | None = None,
) -> PriceResult:
    """Price one quote. Bad input raises ValidationFailed (naming the field); a quote the
    tariff has no row for raises PricingError (naming the line, factor and values)."""
    tariff = tariff_set.lines.get(line) or tariff_set.line(line)
    if customer_group not in tariff_set.customer_groups:
        raise ValidationFailed(
            "pricing.unknown_group",
            field="customer_group",
            group=customer_group,
            known=", ".join(tariff_set.customer_groups),
        )
    amount_insured = parse_amount(sum_insured, SUM_INSURED)
    start = parse_date_input(start, "start_date")
    end = one_year_later(start) if end is None else parse_date_input(end, "end_date")
    days = (end - start).days
    if days <= 0:
        raise ValidationFailed("pricing.end_before_start", field="end_date", start=start, end=end)
    if days > MAX_TERM_DAYS:
        raise PricingError(
            "pricing.term_too_long", line=_line_name(tariff), days=days, max=MAX_TERM_DAYS
        )

    index = tariff.index
    quote = parse_values(index.parsers, values)
    quote[CUSTOMER_GROUP] = customer_group
    rate_row = index.rates.find(quote)
    if rate_row is None:
        described = ", ".join(
            f"{key}={_value_text(quote[key])}" for key in (CUSTOMER_GROUP, *index.key_fields)
        )
        raise PricingError("pricing.no_rate", line=_line_name(tariff), values=described)
    base = _add(_mul(amount_insured, rate_row.rate_per_mille).scaleb(-3, EXACT), rate_row.fixed)

    quote[SUM_INSURED] = amount_insured
    if index.needs_age:
        quote[AGE] = _age(quote[BIRTH_DATE], start, tariff)
    if index.needs_vehicle_age:
        model_year = quote[MODEL_YEAR]
        quote[VEHICLE_AGE] = None if model_year is None else start.year - model_year
    amount = base
    matched = []
    for factor in index.factors:
        value = quote[factor.field]
        row = factor.find(value)
        if row is None:
            raise PricingError(
                "pricing.no_factor_row",
                line=_line_name(tariff),
                factor=factor.name,
                field=_field_name(tariff, factor.field),
                value=_value_text(value) or "—",
            )
        amount = _mul(amount, row.multiplier)
        matched.append((factor, row, value))

    short = None
    if days < FULL_YEAR_DAYS:
        short = tariff_set.short_rate_row(days)
        amount = _mul(amount, short.earned_percent).scaleb(-2, EXACT)  # type: ignore[union-attr]

    rounded = round2(amount)
    applied = rounded < index.min_premium
    net = index.min_premium if applied else rounded
    taxes = {code: round2(net * rate) for code, rate in index.taxes}
    return PriceResult(
        line=line,
        customer_group=customer_group,
        sum_insured=amount_insured,
        start=start,
        end=end,
        days=days,
        base=base,
        net_raw=amount,
        net_premium=net,
        min_premium_applied=applied,
        taxes=taxes,
        gross_premium=net + sum(taxes.values()),
        tariff=tariff,
        rate_row=rate_row,
        factor_rows=matched,
        short_rate_row=short,
    )


def one_year_later(start: date) -> date:
    """The default end date; 29 February moves to 28 February."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return start.replace(year=start.year + 1, day=28)


def full_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _line_name(tariff: LineTariff) -> Label:
    return Label(tariff.line.name_tr, tariff.line.name_en)


def _field_name(tariff: LineTariff, name: str) -> Label | str:
    """What a message calls a field: its fields.csv label, or a standard value's name."""
    found = tariff.get_field(name)
    return Label(found.label_tr, found.label_en) if found is not None else field_label(name)


def _age(born: date | None, start: date, tariff: LineTariff) -> int | None:
    if born is None:
        return None
    if born > start:
        raise ValidationFailed(
            "pricing.birth_after_start",
            field=BIRTH_DATE,
            name=_field_name(tariff, BIRTH_DATE),
            value=born,
        )
    return full_years(born, start)


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return formats.decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
