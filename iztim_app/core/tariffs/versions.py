"""Tariff versions: upload (validated before anything changes), activate from a date,
download, compare, and the set in force on a day.

Versions are immutable, so a loaded TariffSet is cached per version in each process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.tariffs.errors import Problem
from iztim_app.core.tariffs.loader import files_from_dir, files_from_zip, load_tariff_set
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.tariffs.tables import TariffVersion
from iztim_app.core.users.actor import Actor

DRAFT, ACTIVATED, DISCARDED = "draft", "activated", "discarded"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CSV_PATH_RE = re.compile(r"^([a-z][a-z0-9_]*/)?[a-z_]+\.csv$")


class TariffProblems(ValidationFailed):
    """An upload with mistakes: every `file:line: message`, nothing stored."""

    code = "tariff.upload_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("tariff.upload_invalid", field="file", count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class VersionRow:
    id: int
    number: int
    status: str
    effective_from: date | None
    in_force: bool
    note: str
    uploaded_by: str
    uploaded_at: object
    activated_by: str


@dataclass(frozen=True)
class RowChange:
    file: str
    change: str  # "+" added in the newer version, "-" removed
    line: int
    text: str


# ------------------------------------------------------------------ zip packing


def pack(files: dict[str, bytes]) -> bytes:
    """Deterministic zip (sorted names, fixed timestamps): same folder, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def unpack(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


_PARSED: dict[tuple[int, str], TariffSet] = {}
_PARSED_MAX = 16


def _parsed(key: tuple[int, str], content: Callable[[], bytes]) -> TariffSet:
    """The parsed tariff of version `key` = (id, sha256), cached in this process; `content`
    is called only for a version not parsed yet. The key holds the content's hash, so a
    version is never priced on another content (another database's version of that id)."""
    found = _PARSED.get(key)
    if found is None:
        found, problems = load_tariff_set(unpack(content()))
        if found is None:  # stored versions were valid when stored
            raise ValidationFailed("tariff.stored_invalid", problems=len(problems))
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)), None)
        _PARSED[key] = found
    return found


def tariff_set_of(version: TariffVersion) -> TariffSet:
    """The version's parsed tariff, cached per (id, sha256) in this process. The content is
    read only for a version not parsed yet: callers load versions with it deferred
    (`get_version`, `version_in_force`), so pricing does not fetch the zip every time."""
    return _parsed((version.id, version.sha256), lambda: version.content)


def get_version(db: Session, version_id: int) -> TariffVersion | None:
    """A version by id for pricing, its content deferred (see `tariff_set_of`); one already
    loaded in this transaction is taken from the session without asking again."""
    found = db.identity_map.get(db.identity_key(TariffVersion, version_id))
    if found is not None and not sa.inspect(found).expired_attributes:
        return found
    return db.get(TariffVersion, version_id, options=[orm.defer(TariffVersion.content)])


# ------------------------------------------------------------------ for pricing (plain rows)


@dataclass(frozen=True)
class PricingVersion:
    """What pricing keeps of a version: read as a plain row in the pricing transaction (no
    ORM object), its tariff parsed once per process per (id, sha256)."""

    id: int
    number: int
    sha256: str


_VERSION = TariffVersion.__table__
# Activation changes only status, effective_from and activated_*: number and sha256 (with
# the content it hashes) are never updated, so a version is read again each transaction
# only as far as these columns (and the in-force condition) go.
_PRICING_COLUMNS = (_VERSION.c.id, _VERSION.c.number, _VERSION.c.sha256)


def pricing_tariff(
    db: Session, version_id: int, number: int, sha256: str
) -> tuple[PricingVersion, TariffSet]:
    """The version whose row (id, number, sha256) the caller has just read, with its tariff;
    the content is fetched only when this process has not parsed that (id, sha256)."""

    def content() -> bytes:
        return db.connection().execute(_CONTENT, {"id": version_id, "sha": sha256}).scalar_one()

    return PricingVersion(version_id, number, sha256), _parsed((version_id, sha256), content)


_CONTENT = sa.select(_VERSION.c.content).where(
    _VERSION.c.id == sa.bindparam("id"), _VERSION.c.sha256 == sa.bindparam("sha")
)


def _in_force(query: sa.Select, on: date) -> sa.Select:
    """The in-force rule: the activated version with the latest `effective_from` on or
    before `on` (the higher number on the same day)."""
    return query.where(_VERSION.c.status == ACTIVATED, _VERSION.c.effective_from <= on).order_by(
        _VERSION.c.effective_from.desc(), _VERSION.c.number.desc()
    )


_PRICING_IN_FORCE = _in_force(sa.select(*_PRICING_COLUMNS), sa.bindparam("on")).limit(1)


def pricing_in_force(db: Session, on: date) -> tuple[PricingVersion, TariffSet]:
    """The version in force on `on` with its tariff, for pricing (as `tariff_in_force`)."""
    row = db.connection().execute(_PRICING_IN_FORCE, {"on": on}).first()
    if row is None:
        raise NotFound("tariff.none_in_force")
    return pricing_tariff(db, *row)


# ------------------------------------------------------------------ in force


def version_in_force(db: Session, on: date | None = None) -> TariffVersion | None:
    on = on or clock.today()
    return db.exec(
        _in_force(select(TariffVersion).options(orm.defer(TariffVersion.content)), on)
    ).first()


def tariff_in_force(db: Session, on: date | None = None) -> tuple[TariffVersion, TariffSet]:
    version = version_in_force(db, on)
    if version is None:
        raise NotFound("tariff.none_in_force")
    return version, tariff_set_of(version)


# ------------------------------------------------------------------ reading


def list_versions(db: Session, actor: Actor) -> list[VersionRow]:
    actor.require_any("tariff.view", "tariff.manage")
    current = version_in_force(db)
    versions = db.exec(select(TariffVersion).order_by(TariffVersion.number.desc())).all()
    return [
        VersionRow(
            id=v.id,
            number=v.number,
            status=v.status,
            effective_from=v.effective_from,
            in_force=current is not None and v.id == current.id,
            note=v.note,
            uploaded_by=v.uploaded_by,
            uploaded_at=v.uploaded_at,
            activated_by=v.activated_by or "",
        )
        for v in versions
    ]


def _get(db: Session, version_id) -> TariffVersion:  # noqa: ANN001
    try:
        version = db.get(TariffVersion, int(version_id))
    except (TypeError, ValueError):
        version = None
    if version is None:
        raise NotFound()
    return version


def get_tariff_set(db: Session, actor: Actor, version_id: int) -> TariffSet:
    """Any version's rules, e.g. to try a price on a draft before activating it."""
    actor.require_any("tariff.view", "tariff.manage")
    return tariff_set_of(_get(db, version_id))


def download(
    db: Session, actor: Actor, version_id: int, path: str | None = None
) -> tuple[str, bytes]:
    """The whole version as a zip, or one of its CSV files."""
    actor.require("tariff.manage")
    version = _get(db, version_id)
    if not path:
        return f"tarife-v{version.number}.zip", version.content
    files = unpack(version.content)
    if path not in files:
        raise NotFound()
    return f"v{version.number}-{path.replace('/', '-')}", files[path]


def compare(db: Session, actor: Actor, older_id: int, newer_id: int) -> list[RowChange]:
    """Which rows changed between two versions, file by file (header changes included)."""
    actor.require("tariff.manage")
    older, newer = unpack(_get(db, older_id).content), unpack(_get(db, newer_id).content)
    changes: list[RowChange] = []
    for name in sorted(set(older) | set(newer)):
        old_rows = _csv_lines(older.get(name, b""))
        new_rows = _csv_lines(newer.get(name, b""))
        old_set, new_set = {text for _, text in old_rows}, {text for _, text in new_rows}
        changes += [RowChange(name, "-", n, text) for n, text in old_rows if text not in new_set]
        changes += [RowChange(name, "+", n, text) for n, text in new_rows if text not in old_set]
    return changes


def _csv_lines(data: bytes) -> list[tuple[int, str]]:
    text = data.decode("utf-8-sig", errors="replace")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            cells = next(csv.reader([line]), [])
            rows.append((number, ",".join(cell.strip() for cell in cells)))
    return rows


# ------------------------------------------------------------------ writing


def _next_number(db: Session) -> int:
    return int(db.exec(select(sa.func.coalesce(sa.func.max(TariffVersion.number), 0))).one()) + 1


def _store(
    db: Session, actor_code: str, files: dict[str, bytes], note: str, based_on: int | None
) -> TariffVersion:
    content = pack(files)
    version = TariffVersion(
        number=_next_number(db),
        status=DRAFT,
        note=(note or "").strip()[:400],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        based_on=based_on,
        uploaded_by=actor_code,
        uploaded_at=clock.utcnow(),
    )
    db.add(version)
    db.flush()
    return version


def _validated(files: dict[str, bytes]) -> dict[str, bytes]:
    tariff_set, problems = load_tariff_set(files)
    if tariff_set is None:
        raise TariffProblems(problems)
    return files


def upload(
    db: Session,
    actor: Actor,
    *,
    filename: str,
    data: bytes,
    target_path: str = "",
    note: str = "",
) -> VersionRow:
    """A zip replaces the whole folder; a CSV replaces one file of the newest version.

    The result is validated as a whole before anything is stored; a valid upload becomes
    a draft version, which changes no price until it is activated.
    """
    actor.require("tariff.manage")
    if not data:
        raise ValidationFailed("tariff.upload_empty", field="file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            "tariff.upload_too_large", field="file", limit=MAX_UPLOAD_BYTES // (1024 * 1024)
        )
    name = (filename or "").lower()
    base = db.exec(select(TariffVersion).order_by(TariffVersion.number.desc())).first()
    if name.endswith(".zip"):
        files = files_from_zip(data)
        based_on = None
    elif name.endswith(".csv"):
        path = (target_path or "").strip().strip("/")
        if not CSV_PATH_RE.match(path):
            raise ValidationFailed("tariff.target_path_invalid", field="target_path")
        if base is None:
            raise NotFound("tariff.none_in_force")
        files = unpack(base.content)
        files[path] = data
        based_on = base.number
    else:
        raise ValidationFailed("tariff.upload_type", field="file")
    _validated(files)
    version = _store(db, actor.code, files, note, based_on)
    audit_log.record(
        db,
        actor,
        "tariff.upload",
        "tariff_version",
        version.number,
        None,
        {
            "number": version.number,
            "file": filename,
            "path": target_path,
            "based_on": based_on,
            "sha256": version.sha256,
        },
    )
    db.commit()
    return next(v for v in list_versions(db, actor) if v.id == version.id)


def activate(db: Session, actor: Actor, version_id: int, effective_from: date) -> VersionRow:
    """From `effective_from` on, new prices use this version; until then the previous one."""
    actor.require("tariff.manage")
    version = _get(db, version_id)
    if version.status != DRAFT:
        raise Conflict("tariff.not_draft", number=version.number)
    if not isinstance(effective_from, date):
        raise ValidationFailed("error.invalid", field="effective_from")
    if effective_from < clock.today():
        raise ValidationFailed("tariff.effective_in_past", field="effective_from")
    before = {
        "status": version.status,
        "effective_from": None,
        "in_force": _number(version_in_force(db)),
    }
    version.status = ACTIVATED
    version.effective_from = effective_from
    version.activated_by = actor.code
    version.activated_at = clock.utcnow()
    db.flush()
    after = {
        "status": ACTIVATED,
        "effective_from": effective_from,
        "in_force": _number(version_in_force(db)),
    }
    audit_log.record(db, actor, "tariff.activate", "tariff_version", version.number, before, after)
    db.commit()
    return next(v for v in list_versions(db, actor) if v.id == version.id)


def discard(db: Session, actor: Actor, version_id: int) -> None:
    actor.require("tariff.manage")
    version = _get(db, version_id)
    if version.status != DRAFT:
        raise Conflict("tariff.not_draft", number=version.number)
    version.status = DISCARDED
    audit_log.record(
        db,
        actor,
        "tariff.discard",
        "tariff_version",
        version.number,
        {"status": DRAFT},
        {"status": DISCARDED},
    )
    db.commit()


def _number(version: TariffVersion | None) -> int | None:
    return version.number if version else None


def load_shipped(db: Session, actor: Actor, directory, effective_from: date | None = None) -> bool:  # noqa: ANN001
    """First setup: the repository's folder becomes version 1, in force at once. Runs once."""
    actor.require("tariff.manage")
    if db.exec(select(TariffVersion)).first() is not None:
        return False
    files = _validated(files_from_dir(directory))
    version = _store(db, actor.code, files, "İlk kurulum / first setup", None)
    version.status = ACTIVATED
    version.effective_from = effective_from or date(2000, 1, 1)
    version.activated_by = actor.code
    version.activated_at = clock.utcnow()
    audit_log.record(
        db,
        actor,
        "tariff.activate",
        "tariff_version",
        version.number,
        None,
        {"status": ACTIVATED, "effective_from": version.effective_from, "sha256": version.sha256},
    )
    db.commit()
    return True
