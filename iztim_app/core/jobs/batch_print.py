"""Batch printing: the policies approved on one Turkish calendar day, as one merged PDF or
a zip of separate PDFs, made by a background runner as the job's owner.

Which policies: current versions that print (approved, or cancelled since: the document of
what was in force) whose approval fell on that day, in the actor's scope. A version
approved that day and later un-approved is no longer current and does not print. The list
is fixed when the job is started (and audited); when the job runs each policy is read again
as its owner, so one that left the owner's scope or stopped printing meanwhile is skipped.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.documents import render
from iztim_app.core.errors import Conflict, NotFound
from iztim_app.core.jobs.registry import JobContext, JobOutput, register
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.models import PolicyStatus

KIND = "policy.batch_print"
PERMISSION = "policy.view"
PRINTABLE = (PolicyStatus.APPROVED.value, PolicyStatus.CANCELLED.value)
PDF_MIME = "application/pdf"
ZIP_MIME = "application/zip"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a Turkish calendar day begins and ends (end excluded)."""
    start = datetime.combine(day, time.min, tzinfo=clock.TURKEY)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=clock.TURKEY)
    return start.astimezone(UTC), end.astimezone(UTC)


def file_name(day: date, as_zip: bool) -> str:
    return f"policeler-{day.isoformat()}.{'zip' if as_zip else 'pdf'}"


def _render(db: Session, view: policies.PolicyView, lang: str) -> bytes:
    """The same document as printing the policy alone."""
    return render.policy_pdf(db, view, lang)


def merge(parts: list[tuple[int, bytes]]) -> bytes:
    """One PDF: the documents one after another, each with a bookmark to its first page."""
    from pypdf import PdfWriter  # loaded with the first batch, not by every worker

    writer = PdfWriter()
    for number, content in parts:
        writer.append(io.BytesIO(content), outline_item=str(number))
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()


def zip_of(parts: list[tuple[int, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, content in parts:
            archive.writestr(f"police-{number}.pdf", content)
    return out.getvalue()


@register(KIND, PERMISSION)
def run(ctx: JobContext) -> JobOutput:
    """Renders each policy as the owner, one short read at a time, then merges or zips."""
    actor, params, db = ctx.actor, ctx.params, ctx.db
    actor.require(PERMISSION)
    day = date.fromisoformat(str(params["day"]))
    lang, as_zip = str(params.get("lang", "tr")), bool(params.get("as_zip"))
    numbers = [int(n) for n in params.get("numbers", [])]
    parts: list[tuple[int, bytes]] = []
    for done, number in enumerate(numbers, start=1):
        try:
            view = policies.get_policy(db, actor, number)
        except NotFound:
            view = None
        if view is not None and view.can_print:
            parts.append((number, _render(db, view, lang)))
        db.commit()  # ends this step's transaction (and anything rendering wrote)
        ctx.progress(done, len(numbers))
    if not parts:
        raise Conflict("jobs.nothing_left", day=day)
    skipped = len(numbers) - len(parts)
    return JobOutput(
        name=file_name(day, as_zip),
        mime=ZIP_MIME if as_zip else PDF_MIME,
        content=zip_of(parts) if as_zip else merge(parts),
        message="jobs.some_skipped" if skipped else "",
        message_params={"skipped": skipped, "count": len(parts)} if skipped else {},
    )
