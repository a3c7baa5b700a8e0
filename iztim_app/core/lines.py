"""Lines of business the company writes: those of the tariff in force.

Before any tariff version is stored (a fresh database), the shipped folder's lines.csv
is the list, so authority limits can be set up first.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from iztim_app.core.settings import settings


@dataclass(frozen=True)
class LineInfo:
    code: str
    name_tr: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_tr


def known_lines(db: Session | None = None, tariffs_dir: Path | None = None) -> dict[str, LineInfo]:
    if db is not None:
        from iztim_app.core.tariffs.versions import tariff_set_of, version_in_force

        version = version_in_force(db)
        if version is not None:
            return {
                code: LineInfo(code, lt.line.name_tr, lt.line.name_en)
                for code, lt in tariff_set_of(version).lines.items()
            }
    path = (tariffs_dir or settings.tariffs_dir) / "lines.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {
            row["code"].strip(): LineInfo(
                row["code"].strip(), row.get("name_tr", ""), row.get("name_en", "")
            )
            for row in csv.DictReader(fh)
            if row.get("code", "").strip()
        }
