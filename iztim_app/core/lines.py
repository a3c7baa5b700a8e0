"""Lines of business the company writes, as the tariff folder declares them.

Until a tariff version is active in the database, the shipped folder's lines.csv is
the list (authority limits need line codes before any quote exists).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from iztim_app.core.settings import settings


@dataclass(frozen=True)
class LineInfo:
    code: str
    name_tr: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_tr


def known_lines(tariffs_dir: Path | None = None) -> dict[str, LineInfo]:
    path = (tariffs_dir or settings.tariffs_dir) / "lines.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {
            row["code"].strip(): LineInfo(row["code"].strip(), row.get("name_tr", ""), row.get("name_en", ""))
            for row in csv.DictReader(fh)
            if row.get("code", "").strip()
        }
