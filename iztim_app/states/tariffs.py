"""Tarifeler: versions, upload with validation, activation, download, compare, try a price."""

from __future__ import annotations

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import format_number, format_try, parse_amount
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.rating import price
from iztim_app.states.form_dates import form_date
from iztim_app.states.session import AppState

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
    today_iso: str = ""

    def _refresh(self) -> None:
        def _read(db, actor):  # noqa: ANN001
            rows = versions.list_versions(db, actor)
            current = versions.version_in_force(db)
            tariff = versions.tariff_set_of(current) if current else None
            return rows, current, tariff

        ok, found = self._call(_read)
        if not ok:
            return
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
        self._refresh()

    @rx.event
    def set_target_path(self, value: str):
        self.target_path = str(value)[:120]

    @rx.event
    def set_note(self, value: str):
        self.note = str(value)[:400]

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        self.problems = []
        if not files:
            self._clear_messages()
            self.error = self._text("tariff.upload_empty")
            return
        file = files[0]
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        filename = file.name or ""

        problems: list[str] = []

        def _upload(db, actor):  # noqa: ANN001
            try:
                return versions.upload(
                    db,
                    actor,
                    filename=filename,
                    data=data,
                    target_path=self.target_path,
                    note=self.note,
                )
            except versions.TariffProblems as exc:
                problems.extend(p.format(self.lang_pref) for p in exc.problems)
                raise

        ok, row = self._call(_upload)
        self.problems = problems
        if ok:
            self._refresh()
            self.message = self._text("tariffv.draft_created", number=row.number)
        return rx.clear_selected_files("tariff-upload")

    @rx.event
    def activate(self, form: dict):
        version_id = str(form.get("version_id", ""))
        ok, row = self._call(
            lambda db, actor: versions.activate(
                db,
                actor,
                version_id,
                form_date(form.get("effective_from"), "effective_from", required=True),
            )
        )
        if ok:
            self._refresh()
            self.message = self._text(
                "tariffv.activated", number=row.number, date=clock.format_date(row.effective_from)
            )

    @rx.event
    def discard(self, version_id: str):
        ok, _ = self._call(versions.discard, str(version_id))
        if ok:
            self._refresh()
            self.message = self._text("common.saved")

    @rx.event
    def download(self, version_id: str):
        ok, found = self._call(versions.download, str(version_id))
        if ok:
            filename, data = found
            return rx.download(data=bytes(data), filename=filename, mime_type="application/zip")

    @rx.event
    def download_file(self, form: dict):
        """One CSV of a version (by its path in the folder), or the whole folder as a zip."""
        path = str(form.get("path", "")).strip()[:120]
        ok, found = self._call(versions.download, str(form.get("version_id", "")), path or None)
        if ok:
            filename, data = found
            mime = "text/csv" if filename.endswith(".csv") else "application/zip"
            return rx.download(data=bytes(data), filename=filename, mime_type=mime)

    @rx.event
    def compare(self, form: dict):
        ok, changes = self._call(
            versions.compare, str(form.get("older", "")), str(form.get("newer", ""))
        )
        if ok:
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
            try:
                sum_insured = parse_amount(str(form.get("sum_insured", "")))
            except ValueError:
                raise ValidationFailed("error.invalid", field="sum_insured") from None
            start = form_date(form.get("start"), "start", required=True)
            end = form_date(form.get("end"), "end")
            if end is not None and end < start:
                raise ValidationFailed("error.date_range", field="end")
            return price(
                tariff,
                str(form.get("line", "")),
                str(form.get("group", "")),
                sum_insured,
                start,
                end,
                _parse_values(str(form.get("values", ""))),
            )

        ok, result = self._call(_price)
        if not ok:
            return
        self.price_rows = [
            {"label": self._text("tariffv.net"), "amount": format_try(result.net_premium)}
        ]
        self.price_rows += [
            {"label": code, "amount": format_try(amount)} for code, amount in result.taxes.items()
        ]
        self.price_rows.append(
            {"label": self._text("tariffv.gross"), "amount": format_try(result.gross_premium)}
        )
        self.worksheet = explain([step.to_json_dict() for step in result.worksheet], self.lang_pref)
