"""National identity numbers: TCKN for individuals, VKN for companies. Pure functions.

Validation is python-stdnum's (check digits included). The full number is personal data
(KVKK): show it masked unless the user holds `customer.view_id`, and never log it.
"""

from __future__ import annotations

import re
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.tr import tckimlik, vkn

from iztim_app.core.customers.models import CustomerKind
from iztim_app.core.errors import ValidationFailed

FIELD = "national_id"
_RULES = {
    CustomerKind.INDIVIDUAL.value: (tckimlik, "customer.tckn_invalid"),
    CustomerKind.CORPORATE.value: (vkn, "customer.vkn_invalid"),
}


def normalize_national_id(kind: str, text: str) -> str:
    """`172 917 160 60` → `17291716060`; a wrong length or check digit is refused."""
    rule = _RULES.get(kind)
    if rule is None:
        raise ValidationFailed("customer.kind_invalid", field="kind")
    module, code = rule
    compact = "".join(str(text or "").split())
    if not compact:
        raise ValidationFailed("customer.national_id_required", field=FIELD)
    try:
        return module.validate(compact)
    except ValidationError:
        raise ValidationFailed(code, field=FIELD) from None


def mask_national_id(value: str) -> str:
    """First three and last two digits: `17291716060` → `172******60`, `4540536920` → `454*****20`.

    For lists, views and exports of users without `customer.view_id`.
    """
    value = value or ""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


# Keys whose values are national ids whatever they look like (even mistyped ones).
ID_KEYS = frozenset({"national_id", "tckn", "vkn"})
# A run of 10 or 11 digits standing alone (not part of a longer number or an amount).
_ID_RUN = re.compile(r"(?<![\d.,])\d{10,11}(?!\d|[.,]\d)")


def _is_national_id(digits: str) -> bool:
    return tckimlik.is_valid(digits) if len(digits) == 11 else vkn.is_valid(digits)


def _mask_text(text: str) -> str:
    return _ID_RUN.sub(
        lambda m: mask_national_id(m.group()) if _is_national_id(m.group()) else m.group(),
        text,
    )


def mask_national_ids_in(value: Any) -> Any:
    """A copy of JSON-like data with every TCKN/VKN masked: the values under id keys, and
    any valid TCKN/VKN standing in other text (a reason, a note). For audit values and any
    export shown to users without `customer.view_id`."""
    if isinstance(value, dict):
        return {
            k: (
                mask_national_id(str(v))
                if str(k).lower() in ID_KEYS and isinstance(v, str | int) and v != ""
                else mask_national_ids_in(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_national_ids_in(v) for v in value]
    if isinstance(value, str):
        return _mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        return (
            mask_national_id(text) if _ID_RUN.fullmatch(text) and _is_national_id(text) else value
        )
    return value
