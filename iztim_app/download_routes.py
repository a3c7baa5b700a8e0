"""HTTP routes that hand out files made in the background, to their owner only.

`GET /indir/is/{id}` reads the HttpOnly session cookie (never a token in the URL, which
would end up in logs and histories), resolves the session and serves the finished file of
that user's own job as an attachment. Anything else — no session, someone else's job, an
unknown id, a job not finished or whose file has expired — gets the same 404, so the route
tells an outsider nothing about which jobs exist.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from iztim_app.core.db import session_scope
from iztim_app.core.errors import DomainError
from iztim_app.core.jobs import services as jobs
from iztim_app.core.sessions import services as sessions
from iztim_app.i18n import translate
from iztim_app.session_routes import token_from_cookie_header

JOB_ROUTE = "/indir/is/{job_id}"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def job_download_path(job_id: int) -> str:
    return JOB_ROUTE.replace("{job_id}", str(int(job_id)))


def _not_found() -> Response:
    return Response(
        translate("jobs.not_found", "tr"),
        status_code=404,
        media_type="text/plain",
        headers=_HEADERS,
    )


def _attachment(filename: str) -> str:
    """A plain ASCII name for every browser, and the exact one (RFC 5987) for those that
    read it."""
    plain = _SAFE_NAME.sub("_", filename)[:120] or "dosya"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def job_file(request: Request) -> Response:
    token = token_from_cookie_header(request.headers.get("cookie"))
    if not token:
        return _not_found()
    try:
        with session_scope() as db:
            actor = sessions.resolve_session(db, token)
            if actor is None:
                return _not_found()
            found = jobs.job_result(db, actor, request.path_params.get("job_id", ""))
    except DomainError:  # not theirs, not there, not finished, expired, no permission
        return _not_found()
    return Response(
        found.content,
        media_type=found.mime or "application/octet-stream",
        headers={**_HEADERS, "Content-Disposition": _attachment(found.filename)},
    )


ROUTES: list[Route] = [Route(JOB_ROUTE, job_file, methods=["GET"])]
