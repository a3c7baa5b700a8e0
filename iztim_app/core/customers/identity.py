"""National identity numbers: TCKN for individuals, VKN for companies. Pure functions.

Validation is python-stdnum's (check digits included). The full number is personal data
(KVKK): show it masked unless the user holds `customer.view_id`, and never log it.
"""

from __future__ import annotations

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
