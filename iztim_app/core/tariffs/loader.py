"""Load a tariff folder (a directory, a zip, or files kept in the database) and validate it.

Validation never stops at the first mistake: every file is read and every problem is
collected (errors are data), so IT staff fix a folder in one pass. A folder with any
problem yields no TariffSet.

The folder-level entry: where the files come from, which files belong where, and the
order problems are reported in. Cells are read in csv_cells.py, the company files in
company_files.py, each line's folder in line_files.py.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.tariffs.company_files import LINES, TOP_FILES, load_company_files
from iztim_app.core.tariffs.csv_cells import Cells
from iztim_app.core.tariffs.errors import Problem
from iztim_app.core.tariffs.line_files import FIELDS, LINE_FILES, LineLoader
from iztim_app.core.tariffs.model import LineTariff, TariffSet

MAX_ZIP_BYTES = 20 * 1024 * 1024

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


# --------------------------------------------------------------------------- the folder


class _Loader:
    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self.cells = Cells(files)

    def problem(self, file: str, line_no: int, code: str, /, **params: object) -> None:
        self.cells.problem(file, line_no, code, **params)

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

        return sorted(self.cells.problems, key=lambda p: (rank(p), p.line))

    def load(self) -> tuple[TariffSet | None, list[Problem]]:
        folders = self.check_file_names()
        company = load_company_files(self.cells)
        ordered = self.match_folders(folders, company.line_codes)
        tariffs: dict[str, LineTariff] = {}
        for code in ordered:
            loader = LineLoader(self.cells, code, company.group_codes)
            tariff = loader.load(company.lines.get(code), company.taxes.get(code, []))
            if tariff is not None:
                tariffs[code] = tariff
        if self.cells.problems:
            return None, self._sorted_problems(ordered)
        return (
            TariffSet(
                lines={code: tariffs[code] for code in company.lines},
                customer_groups=company.groups,
                short_rate=tuple(company.short_rate),
                cancellation_reasons=company.reasons,
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

    def match_folders(
        self, folders: dict[str, list[str]], line_codes: dict[str, int] | None
    ) -> list[str]:
        """Line codes to load: lines.csv rows with a folder (and every folder when
        lines.csv is unreadable, so their own mistakes are still reported)."""
        if line_codes is None:
            return sorted(folders)
        for code, line_no in line_codes.items():
            if code not in folders:
                self.problem(LINES, line_no, "tariff.line_without_folder", line=code)
        for folder, names in folders.items():
            if folder not in line_codes:
                first = f"{folder}/{FIELDS}" if f"{folder}/{FIELDS}" in names else names[0]
                self.problem(first, 1, "tariff.folder_without_line", folder=folder)
        return [code for code in line_codes if code in folders]
