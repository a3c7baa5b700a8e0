"""`GET /me` and `GET /lines` (owner: helper H1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from iztim_app.api.deps import CallerDep, DbDep, PagingDep, slice_of
from iztim_app.api.shapes_common import money
from iztim_app.core.tariffs import versions

router = APIRouter(tags=["core"])


def _number(value: Any) -> str | None:
    return None if value is None else str(value)


@router.get("/me", summary="The caller: user, office, permissions, authority limits")
def me(who: CallerDep) -> dict[str, Any]:
    actor = who.actor
    actor.require_ready()
    policy = dict(actor.policy_limits)
    return {
        "user_code": actor.code,
        "name": actor.name,
        "office_code": actor.office_code,
        "permissions": sorted(actor.permissions),
        "limits": {
            line: {"quote": money(limit), "policy": money(policy.get(line))}
            for line, limit in actor.quote_limits
        },
    }


@router.get("/lines", summary="Lines of the tariff in force and their forms")
def lines(
    who: CallerDep,
    db: DbDep,
    paged: PagingDep,
) -> dict[str, Any]:
    who.actor.require_ready()
    version = versions.version_in_force(db)
    if version is None:
        return slice_of([], paged)
    answer = []
    for code, tariff in versions.tariff_set_of(version).lines.items():
        choices: dict[str, list[dict[str, str]]] = {}
        for choice in tariff.choices:
            choices.setdefault(choice.field, []).append(
                {"value": choice.value, "label_tr": choice.label_tr, "label_en": choice.label_en}
            )
        line = tariff.line
        answer.append(
            {
                "code": code,
                "name_tr": line.name_tr,
                "name_en": line.name_en,
                "quote_valid_days": line.quote_valid_days,
                "max_installments": line.max_installments,
                "fields": [
                    {
                        "name": f.name,
                        "label_tr": f.label_tr,
                        "label_en": f.label_en,
                        "type": f.type,
                        "required": f.required,
                        "min": _number(f.min),
                        "max": _number(f.max),
                        "choices": choices.get(f.name, []),
                    }
                    for f in tariff.fields
                ],
            }
        )
    return slice_of(answer, paged)
