"""Tarifeler: versions, upload with validation, activation, download, compare, try a price."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.dates import check_order, parse_date
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import format_number, format_try, parse_amount
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.core.tariffs.rating import price
from iztim_app.states.session import AppState, Outcome, run_as

MAX_UPLOAD_BYTES = versions.MAX_UPLOAD_BYTES


def _parse_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in str(text or "").splitlines():
        if raw.strip():
            if "=" not in raw:
                raise ValidationFailed("error.invalid", field="values")
            name, value = raw.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def _read_versions(db, actor):  # noqa: ANN001, ANN202
    rows = versions.list_versions(db, actor)
    current = versions.version_in_force(db)
    tariff = versions.tariff_set_of(current) if current else None
    return rows, current, tariff


@dataclass(frozen=True)
class UploadJob:
    """What the background check needs, copied out of the state: it runs without the lock."""

    token: str
    lang: str
    filename: str
    data: bytes
    target_path: str
    note: str


@dataclass(frozen=True)
class UploadChecked:
    outcome: Outcome
    problems: list[str]


def check_and_store_upload(job: UploadJob) -> UploadChecked:
    """Validates the whole upload (reading only), then stores a valid one as a draft in one
    short transaction (`versions.upload`). Plain code for a worker thread: no state."""
    problems: list[str] = []

    def _upload(db, actor):  # noqa: ANN001
        try:
            return versions.upload(
                db,
                actor,
                filename=job.filename,
                data=job.data,
                target_path=job.target_path,
                note=job.note,
            )
        except versions.TariffProblems as exc:
            problems.extend(p.format(job.lang) for p in exc.problems)
            raise

    return UploadChecked(run_as(job.token, job.lang, _upload), problems)


class TariffState(AppState):
    in_force_text: str = ""
    lines: list[dict[str, str]] = []
    versions_rows: list[dict[str, str]] = []
    version_options: list[list[str]] = []
    line_options: list[list[str]] = []
    group_options: list[list[str]] = []
    problems: list[str] = []
    target_path: str = ""
    note: str = ""
    changes: list[dict[str, str]] = []
    compared: bool = False
    price_rows: list[dict[str, str]] = []
    worksheet: list[dict[str, str]] = []
    uploading: bool = False
    upload_progress: int = 0
    upload_step: str = ""
    _upload_name: str = ""
    _upload_data: bytes = b""
    today_iso: str = ""

    def _refresh(self) -> Outcome:
        """Shows the versions and what is in force; returns how reading them went."""
        found = self._call(_read_versions)
        if found.ok:
            self._show_versions(found.value)
        return found

    def _show_versions(self, found) -> None:  # noqa: ANN001
        rows, current, tariff = found
        lang = self.lang_pref
        self.today_iso = clock.today().isoformat()
        self.in_force_text = (
            self._text(
                "tariffv.in_force",
                number=current.number,
                date=clock.format_date(current.effective_from),
            )
            if current
            else self._text("tariffv.none")
        )
        self.versions_rows = [
            {
                "id": str(v.id),
                "number": str(v.number),
                "status": self._text("tariffv.status.in_force")
                if v.in_force
                else self._text(f"tariffv.status.{v.status}"),
                "is_draft": "1" if v.status == versions.DRAFT else "",
                "effective_from": clock.format_date(v.effective_from),
                "uploaded": f"{v.uploaded_by} · {clock.format_date(v.uploaded_at)}",
                "note": v.note,
            }
            for v in rows
        ]
        self.version_options = [
            [str(v.id), f"{v.number} · {self._text(f'tariffv.status.{v.status}')}"]
            for v in rows
            if v.status != versions.DISCARDED
        ]
        if tariff is not None:
            self.lines = [
                {
                    "code": code,
                    "name": lt.line.name(lang),
                    "min_premium": format_try(lt.line.min_premium),
                    "valid_days": str(lt.line.quote_valid_days),
                    "installments": str(lt.line.max_installments),
                    "taxes": ", ".join(
                        f"{t.code} %{format_number(t.rate * 100, 0)}" for t in lt.taxes
                    ),
                }
                for code, lt in tariff.lines.items()
            ]
            self.line_options = [[code, lt.line.name(lang)] for code, lt in tariff.lines.items()]
            self.group_options = [
                [code, g.name(lang)] for code, g in tariff.customer_groups.items()
            ]

    @rx.event
    def load(self):
        self._fresh_screen()
        self._report(self._refresh())

    @rx.event
    def set_target_path(self, value: str):
        self.target_path = str(value)[:120]

    @rx.event
    def set_note(self, value: str):
        self.note = str(value)[:400]

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Only takes the bytes (at most the limit + 1, so too large is still told) and
        returns; validating and storing are the background `check_upload`'s."""
        if self.uploading:
            self._report(Outcome(False, error=self._text("tariffv.upload_busy")))
            return
        self.problems = []
        if not files:
            self._report(Outcome(False, error=self._text("tariff.upload_empty")))
            return
        file = files[0]
        self._upload_data = await file.read(MAX_UPLOAD_BYTES + 1)
        self._upload_name = file.name or ""
        self._clear_messages()
        self._upload_started()
        return [rx.clear_selected_files("tariff-upload"), TariffState.check_upload]

    def _upload_started(self) -> None:
        self.uploading = True
        self.upload_progress = 10
        self.upload_step = self._text("tariffv.step_received", name=self._upload_name or "?")

    @rx.event(background=True)
    async def check_upload(self):
        """Validates the upload and stores a valid one as a draft, off the event handler and
        outside the state lock; the screen follows the steps, then shows every file:line."""
        async with self:
            job = UploadJob(
                token=self._token(),
                lang=self.lang_pref,
                filename=self._upload_name,
                data=self._upload_data,
                target_path=self.target_path,
                note=self.note,
            )
            self._upload_data, self._upload_name = b"", ""
            if not self.uploading:
                return
            self.upload_progress = 40
            self.upload_step = self._text("tariffv.step_validating")
        try:
            checked = await rx.run_in_thread(partial(check_and_store_upload, job))
            async with self:
                self.upload_progress = 85
                self.upload_step = self._text("tariffv.step_listing")
            listed = await rx.run_in_thread(partial(run_as, job.token, job.lang, _read_versions))
        except BaseException:
            async with self:  # a crash must not leave the upload button spinning
                self.uploading, self.upload_progress, self.upload_step = False, 0, ""
            raise
        async with self:
            self._upload_finished(checked, listed)

    def _upload_finished(self, checked: UploadChecked, listed: Outcome | None) -> None:
        """The upload's end on screen: every problem, the versions, one message."""
        self.uploading = False
        self.upload_progress = 0
        self.upload_step = ""
        self.problems = checked.problems
        if listed is not None and listed.ok:
            self._show_versions(listed.value)
        self._report(
            checked.outcome,
            listed,
            done=lambda row: self._text("tariffv.draft_created", number=row.number),
        )

    @rx.event
    def activate(self, form: dict):
        version_id = str(form.get("version_id", ""))
        self._act(
            lambda db, actor: versions.activate(
                db,
                actor,
                version_id,
                parse_date(form.get("effective_from"), "effective_from"),
            ),
            then=lambda _: self._refresh(),
            done=lambda row: self._text(
                "tariffv.activated", number=row.number, date=clock.format_date(row.effective_from)
            ),
        )

    @rx.event
    def discard(self, version_id: str):
        self._act(
            versions.discard,
            str(version_id),
            then=lambda _: self._refresh(),
            done="common.saved",
        )

    @rx.event
    def download(self, version_id: str):
        found = self._act(versions.download, str(version_id))
        if found.ok:
            filename, data = found.value
            return rx.download(data=bytes(data), filename=filename, mime_type="application/zip")

    @rx.event
    def download_file(self, form: dict):
        """One CSV of a version (by its path in the folder), or the whole folder as a zip."""
        path = str(form.get("path", "")).strip()[:120]
        found = self._act(versions.download, str(form.get("version_id", "")), path or None)
        if found.ok:
            filename, data = found.value
            mime = "text/csv" if filename.endswith(".csv") else "application/zip"
            return rx.download(data=bytes(data), filename=filename, mime_type=mime)

    @rx.event
    def compare(self, form: dict):
        self._act(
            versions.compare,
            str(form.get("older", "")),
            str(form.get("newer", "")),
            then=self._show_changes,
        )

    def _show_changes(self, changes) -> None:  # noqa: ANN001
        self.compared = True
        self.changes = [
            {"file": c.file, "change": c.change, "line": str(c.line), "text": c.text}
            for c in changes[:500]
        ]

    @rx.event
    def try_price(self, form: dict):
        self.price_rows = []
        self.worksheet = []

        def _price(db, actor):  # noqa: ANN001
            tariff = versions.get_tariff_set(db, actor, str(form.get("version_id", "")))
            sum_insured = parse_amount(form.get("sum_insured", ""), "sum_insured")
            start = parse_date(form.get("start"), "start")
            end = parse_date(form.get("end"), "end", required=False)
            check_order(start, end, "end")
            return price(
                tariff,
                str(form.get("line", "")),
                str(form.get("group", "")),
                sum_insured,
                start,
                end,
                _parse_values(str(form.get("values", ""))),
            )

        self._act(_price, then=self._show_price)

    def _show_price(self, result) -> None:  # noqa: ANN001
        self.price_rows = [
            {"label": self._text("tariffv.net"), "amount": format_try(result.net_premium)}
        ]
        self.price_rows += [
            {"label": code, "amount": format_try(amount)} for code, amount in result.taxes.items()
        ]
        self.price_rows.append(
            {"label": self._text("tariffv.gross"), "amount": format_try(result.gross_premium)}
        )
        names = LineLabels.of_line(result.tariff, self.lang_pref, dict(self.group_options))
        steps = [step.to_json_dict() for step in result.worksheet]
        self.worksheet = explain(steps, self.lang_pref, names)
