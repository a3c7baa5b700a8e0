"""The predefined report formats, shipped as data (formats.json) and installed once.

Installed by migration 0014 and again harmlessly whenever called: a format whose name is
already there (in any case) is left as it is.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.reports.definition import parse_definition, to_json
from iztim_app.core.reports.models import ReportFormat

FORMATS_FILE = Path(__file__).with_name("formats.json")
SYSTEM = "system"


def name_key(name: str) -> str:
    """Names compare the Turkish way, ignoring case and spacing: `AYLIK İŞ` = `aylık iş`."""
    text = unicodedata.normalize("NFC", name or "")
    return " ".join(text.replace("İ", "i").replace("I", "ı").lower().split())


def shipped(path: Path = FORMATS_FILE) -> list[dict[str, Any]]:
    """The shipped formats, each definition checked (a bad file fails loudly at install)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for item in data["formats"]:
        definition = to_json(parse_definition(item["definition"]))
        out.append(
            {
                "name": item["name"],
                "description": item.get("description", ""),
                "definition": definition,
            }
        )
    return out


def install_predefined(db: Session, path: Path = FORMATS_FILE) -> int:
    """Adds the shipped formats that are missing; returns how many were added."""
    table = ReportFormat.__table__
    present = set(db.execute(sa.select(table.c.name_key)).scalars())
    now = clock.utcnow()
    added = 0
    for item in shipped(path):
        key = name_key(item["name"])
        if key in present:
            continue
        db.execute(
            table.insert().values(
                name=item["name"],
                name_key=key,
                description=item["description"],
                definition=item["definition"],
                predefined=True,
                created_by=SYSTEM,
                created_at=now,
                updated_by=SYSTEM,
                updated_at=now,
            )
        )
        present.add(key)
        added += 1
    return added
