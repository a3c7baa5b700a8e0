"""Customer DTOs turned into the plain string dicts the customer screens show."""

from __future__ import annotations

from sqlmodel import Session

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.customers.services import CustomerRow, CustomerView
from iztim_app.core.errors import NotFound
from iztim_app.core.tariffs import versions


def group_names(db: Session, lang: str) -> dict[str, str]:
    """Customer group names of the tariff in force; codes show as they are without one."""
    try:
        _, tariff = versions.tariff_in_force(db)
    except NotFound:
        return {}
    return {code: group.name(lang) for code, group in tariff.customer_groups.items()}


def row_dict(row: CustomerRow | CustomerView, lang: str, groups: dict[str, str]) -> dict[str, str]:
    return {
        "number": str(row.number),
        "name": row.name,
        "kind": i18n.translate(f"customer.kind.{row.kind}", lang),
        "national_id": row.national_id_display,
        "group": groups.get(row.customer_group, row.customer_group),
        "phone": row.phone,
        "email": row.email,
        "portfolio": f"{row.office_name} · {row.created_by}",
    }


def view_dict(view: CustomerView, lang: str, groups: dict[str, str]) -> dict[str, str]:
    """A list row's texts and the rest of the record; here `kind` is the code and
    `kind_text` its name."""
    return row_dict(view, lang, groups) | {
        "kind": view.kind,
        "kind_text": i18n.translate(f"customer.kind.{view.kind}", lang),
        "tax_office": view.tax_office,
        "address": view.address,
        "created_at": clock.format_date(view.created_at),
    }
