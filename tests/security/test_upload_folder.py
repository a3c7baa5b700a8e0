"""Reflex serves its upload folder publicly (`/_upload/...`). The app's one upload (the
tariff zip) never writes there, and the route serves nothing outside that folder: not the
database beside it (the default layout puts `iztim.db` one level up), not `.env`.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import zipfile
from pathlib import Path

import pytest
from reflex.state import State

from iztim_app.states.tariffs import TariffState
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.browser_tab import Unlocked, sign_in, sub
from tests.security.world import World

ROOT = Path(__file__).resolve().parents[2]
SECRET = "IZTIM_SECRET_MARKER=7f3a9c"


def every_upload_in_the_pages() -> list[str]:
    return sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "iztim_app").rglob("*.py")
        if "rx.upload(" in p.read_text("utf-8")
    )


def test_the_tariff_upload_is_the_apps_only_upload():
    """A new upload must be added to the tests below."""
    assert every_upload_in_the_pages() == ["iztim_app/pages/tariffs.py"]


class Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.name = self.filename = name
        self._data = data

    async def read(self, size: int = -1) -> bytes:
        return self._data if size < 0 else self._data[:size]


def tariff_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("lines.csv", "code,name_tr,name_en\nkasko,Kasko,Kasko\n")
        z.writestr("../../escape.csv", "x")
    return buffer.getvalue()


@pytest.mark.parametrize("who", ["bt.admin", "acente.b1"])
def test_a_tariff_upload_leaves_nothing_in_the_upload_folder(
    world_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, who: str
):
    """Accepted for checking or refused, the upload's bytes stay in memory: the folder the
    `/_upload` route serves stays empty, and the state forgets the bytes afterwards."""
    from reflex_components_core.core.upload import get_upload_dir

    folder = tmp_path / "uploaded_files"
    monkeypatch.setenv("REFLEX_UPLOADED_FILES_DIR", str(folder))
    assert get_upload_dir() == folder
    root = State(_reflex_internal_init=True)
    sign_in(root, who)
    screen = sub(root, TariffState)
    screen.load()
    screen.set_target_path("../../../../tmp")
    follow = asyncio.run(screen.upload([Upload("../../tarife.zip", tariff_zip())]))
    assert TariffState.check_upload in follow
    asyncio.run(TariffState.check_upload.fn(Unlocked(screen)))
    assert (screen._upload_data, screen._upload_name, screen.uploading) == (b"", "", False)
    assert screen.error != "" or screen.problems != []  # it was checked (and refused)
    assert list(folder.rglob("*")) == []
    assert not (ROOT / "uploaded_files").exists() or list((ROOT / "uploaded_files").iterdir()) == []


# ------------------------------------------------------------------ the served route


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """A request with the path exactly as written (no client-side `..` folding)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


TRAVERSALS = [
    "/_upload/../iztim.db",
    "/_upload/%2e%2e/iztim.db",
    "/_upload/%2E%2E%2Fiztim.db",
    "/_upload/..%2fiztim.db",
    "/_upload/..%5ciztim.db",
    "/_upload/....//iztim.db",
    "/_upload/%252e%252e/iztim.db",
    "/_upload/../.env",
    "/_upload/%2e%2e/.env",
    "/_upload/../var/secret.txt",
    "/_upload/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/_upload//etc/passwd",
    "/_upload/%2fetc%2fpasswd",
    "/_upload/iztim.db",
    "/_upload/.env",
    "/_upload/",
    "/_upload",
]


def test_the_upload_route_serves_nothing_outside_its_folder(world: World, tmp_path: Path):
    from tests.scale.harness import backend

    site = tmp_path / "site"  # the default layout: the database beside the upload folder
    uploads = site / "uploaded_files"
    uploads.mkdir(parents=True)
    (uploads / "ok.txt").write_text("harmless")
    (site / ".env").write_text(SECRET + "\n")
    (site / "var").mkdir()
    (site / "var" / "secret.txt").write_text(SECRET)
    database = site / "iztim.db"
    copy_sqlite(world.template, database)
    running = backend(
        tmp_path,
        sqlite_url(database),
        workers=1,
        redis_url=None,
        extra_env={"REFLEX_UPLOADED_FILES_DIR": str(uploads), "IZTIM_DATA_DIR": str(site / "var")},
    )
    try:
        status, body = raw_get(running.port, "/_upload/ok.txt")
        assert (status, body) == (200, b"harmless")  # the control: the route is there
        db_head = database.read_bytes()[:16]
        served = {}
        for path in TRAVERSALS:
            status, body = raw_get(running.port, path)
            served[path] = status
            assert SECRET.encode() not in body, path
            assert db_head not in body and b"SQLite format" not in body, path
            assert b"root:x:" not in body, path
            assert status != 200 or body in (b"harmless",), (path, status, body[:80])
        assert all(s in (400, 404, 405) for p, s in served.items() if p != "/_upload"), served
    finally:
        running.stop()
    assert sorted(p.name for p in uploads.iterdir()) == ["ok.txt"]
