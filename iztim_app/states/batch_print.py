"""Toplu baskı: start printing a day's approved policies, follow its progress, download.

The start handler only records the job (quick) and wakes this process's runner; a
background event then polls the job's status (from the database, so it shows the same
whichever worker runs the job) about twice a second until it is finished."""

from __future__ import annotations

import asyncio
import time
from functools import partial

import reflex as rx

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.jobs import services as jobs
from iztim_app.core.jobs.runner import runner
from iztim_app.download_routes import job_download_path
from iztim_app.states.session import AppState, Outcome, PagedList, run_as

PAGE_SIZE = 10
POLL_SECONDS = 0.5
FOLLOW_AT_MOST_SECONDS = 3600  # a job still unfinished after an hour is left to the list
STATUS_COLORS = {"queued": "gray", "running": "blue", "done": "green", "failed": "red"}


def job_dict(view: jobs.JobView, lang: str) -> dict[str, str]:
    """What the screen shows of one job (no policy numbers, no file content)."""
    status = "expired" if view.expired else view.status
    day = jobs.day_of(view)
    fmt = str(view.params.get("format", "pdf"))
    message = i18n.translate(view.message, lang, **view.message_params) if view.message else ""
    percent = 100 * view.done // view.total if view.total else 0
    return {
        "id": str(view.id),
        "status": status,
        "status_text": i18n.translate(f"jobs.status.{status}", lang),
        "color": STATUS_COLORS.get(status, "gray"),
        "day": clock.format_date(day) if day else "",
        "format": i18n.translate(f"jobs.format_{'zip' if fmt == 'zip' else 'pdf'}", lang),
        "created": clock.format_date(view.created_at),
        "done": str(view.done),
        "total": str(view.total),
        "percent": str(percent),
        "progress_text": i18n.translate(
            "jobs.progress_text", lang, done=view.done, total=view.total
        ),
        "finished": "1" if view.finished else "",
        "failed": "1" if view.status == "failed" else "",
        "message": message,
        "name": view.result_name,
        "download_url": job_download_path(view.id) if view.downloadable else "",
        "download_label": i18n.translate("jobs.download_label", lang, name=view.result_name),
    }


def follow_job(token: str, lang: str, job_id: int) -> Outcome:
    """One look at the job as its owner (plain code for a worker thread)."""
    return run_as(token, lang, jobs.job_status, job_id)


class BatchPrintState(PagedList, AppState):
    day: str = ""  # ISO, the form's default
    fmt: str = "pdf"
    format_options: list[list[str]] = []
    job: dict[str, str] = {}  # the job being followed (or the latest)
    percent: int = 0
    rows: list[dict[str, str]] = []
    form_key: int = 0
    _following: int = 0  # id of the job the background event follows

    def _fetch(self) -> Outcome:
        lang = self.lang_pref
        found = self._call(jobs.list_jobs, jobs.batch_print.KIND, self.page, PAGE_SIZE)
        if not found.ok:
            self.rows = []
            return found
        self.rows = [job_dict(v, lang) for v in found.value.rows]
        self._set_pager(found.value)
        return found

    def _show_job(self, view: jobs.JobView | None) -> None:
        if view is None:
            self.job, self.percent = {}, 0
            return
        self.job = job_dict(view, self.lang_pref)
        self.percent = int(self.job["percent"])

    def _options(self) -> None:
        self.format_options = [
            ["pdf", self._text("jobs.format_pdf")],
            ["zip", self._text("jobs.format_zip")],
        ]

    @rx.event
    def load(self):
        self._fresh_screen()
        self.day = clock.today().isoformat()
        self._options()
        listed = self._fetch()
        self._report(listed)
        if listed.ok and self.page == 1 and listed.value.rows:
            latest = listed.value.rows[0]
            self._show_job(latest)
            if not latest.finished:  # still working (started before a reload): follow it
                self._following = latest.id
                return BatchPrintState.follow

    @rx.event
    def start(self, form: dict):
        day = str(form.get("day", ""))[:20]
        fmt = "zip" if str(form.get("format", "")) == "zip" else "pdf"
        self.day, self.fmt = day, fmt
        self.page = 1
        started = self._act(
            jobs.start_batch_print,
            day,
            self.lang_pref,
            fmt == "zip",
            then=lambda view: self._fetch(),
            done=lambda view: self._text(
                "jobs.started_msg", day=jobs.day_of(view), count=view.total
            ),
        )
        if not started.ok:
            return None
        self._show_job(started.value)
        self._following = started.value.id
        runner.wake()
        return BatchPrintState.follow

    @rx.event(background=True)
    async def follow(self):
        """Polls the followed job until it is finished, outside the state lock."""
        async with self:
            job_id, token, lang = self._following, self._token(), self.lang_pref
        if not job_id:
            return
        began = time.monotonic()
        while time.monotonic() - began < FOLLOW_AT_MOST_SECONDS:
            seen = await rx.run_in_thread(partial(follow_job, token, lang, job_id))
            async with self:
                if self._following != job_id:  # another job was started meanwhile
                    return
                if not seen.ok:
                    self._following = 0
                    self._report(seen)
                    return
                self._show_job(seen.value)
                if seen.value.finished:
                    self._following = 0
                    self._show_finished(seen.value)
                    return
            await asyncio.sleep(POLL_SECONDS)

    def _show_finished(self, view: jobs.JobView) -> None:
        """The finished job's outcome, and the list with it."""
        listed = self._fetch()
        if view.status == "failed":
            self._report(Outcome(False, error=self.job.get("message", "")))
            return
        note = self.job.get("message", "")
        text = note or self._text("jobs.done_msg", name=view.result_name)
        self._report(listed, done=lambda _: text)
