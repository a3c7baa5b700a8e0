"""Raporlar: run a saved report format between two dates (in the background, with progress),
its table, chart and exports; and, with `report.define`, the format editor.

Everything the browser sees is strings (and whole numbers for the chart); the report's
figures are made into display text in the worker thread, never under the state lock."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

import reflex as rx

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.dates import parse_date
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.lines import known_lines
from iztim_app.core.money import format_number, format_try
from iztim_app.core.reports import definition as defs
from iztim_app.core.reports import services as reports
from iztim_app.core.tariffs.versions import tariff_set_of, version_in_force
from iztim_app.states.session import AppState, Outcome, PagedList, run_as

PAGE_SIZE = 50
MAX_DIMENSIONS = 3
EXPORTS = ("csv", "xlsx", "pdf")
EXPORT_NAMES = {"csv": "rs.export_csv", "xlsx": "rs.export_xlsx", "pdf": "rs.export_pdf"}
SORT_KEYS = 2
EDITED_FILTERS = ("line", "channel")
PALETTE = ("#4455cc", "#e8a33d", "#2f9e6e", "#c2410c", "#7c3aed", "#0891b2", "#be185d", "#65a30d")
_ID = re.compile(r"[0-9]{1,9}")
# The editor's form fields a refusal may name; anything else is shown at the top.
EDITOR_FIELDS = (
    "name",
    "description",
    "dimensions",
    "measures",
    "filters",
    "sort",
    "chart",
    "chart_measure",
    "period",
)


# ====================================================================== plain helpers


def format_id_of(raw: object) -> int | None:
    """A format id from the browser: digits only, else None (never trusted further)."""
    text = str(raw if raw is not None else "").strip()
    return int(text) if _ID.fullmatch(text) else None


def default_dates(period: str, today: date) -> tuple[date, date]:
    """The dates the run form starts with: the format's period (the service's reading of
    it); `custom` leaves the user to choose, starting from this month up to today."""
    return reports.period_dates(period, today) or (today.replace(day=1), today)


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return format_try(Decimal(value))
    if kind == "count":
        return format_number(Decimal(value), 0)
    return str(value)


def _whole(value: Any) -> int:
    """A chart bar's height: whole liras (or the count) are enough to draw it."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ReportTable:
    """A report's figures as display text, made in the worker thread."""

    title: str
    columns: list[dict[str, str]]
    rows: list[dict[str, str]]
    totals: dict[str, str]
    chart_kind: str
    chart_title: str
    chart: list[dict[str, str | int]]


def table_of(result: Any, name: str, lang: str) -> ReportTable:
    """`ReportResult` → display text: money `1.234,56 ₺`, counts `1.234`, a totals row."""
    columns = [{"key": c.key, "label": c.label, "kind": c.kind} for c in result.columns]
    rows = [{c["key"]: _cell(r.get(c["key"]), c["kind"]) for c in columns} for r in result.rows]
    totals = {
        c["key"]: _cell(result.totals.get(c["key"]), c["kind"])
        for c in columns
        if c["kind"] != "text"
    }
    text_keys = [c["key"] for c in columns if c["kind"] == "text"]
    if text_keys:
        totals[text_keys[0]] = i18n.translate("rs.total", lang)
    d = result.definition
    chart_kind = d.chart if d.chart in defs.CHARTS else "none"
    measure_label = next((c["label"] for c in columns if c["key"] == d.chart_measure), "")
    chart = [
        {"label": str(p.label), "value": _whole(p.value), "fill": PALETTE[i % len(PALETTE)]}
        for i, p in enumerate(result.chart)
    ]
    whole = sum(abs(int(p["value"])) for p in chart)
    for point in chart:  # a pie slice's label: its share, the Turkish way ("%42")
        share = round(100 * abs(int(point["value"])) / whole) if whole else 0
        point["share"] = f"%{share}"
    if not chart:
        chart_kind = "none"
    title = i18n.translate(
        "rs.result_title",
        lang,
        name=name,
        date_from=result.date_from,
        date_to=result.date_to,
        count=len(rows),
    )
    return ReportTable(
        title=title,
        columns=columns,
        rows=rows,
        totals=totals,
        chart_kind=chart_kind,
        chart_title=i18n.translate("rs.chart_title", lang, measure=measure_label),
        chart=chart,
    )


@dataclass(frozen=True)
class RunJob:
    """What a background run needs, taken from the state under its lock."""

    token: str
    lang: str
    format_id: int
    name: str
    date_from: date
    date_to: date
    run_id: str  # which click this is: a newer run (or a reload) drops an older one
    export: str = ""  # "" runs the report; csv/xlsx/pdf exports it


def run_report_job(job: RunJob) -> Outcome:
    """Runs the format as the user and makes the table's text. Plain code for a worker
    thread: no state, no lock."""

    def _run(db, actor):  # noqa: ANN001
        result = reports.run_format(
            db, actor, job.format_id, job.date_from, job.date_to, lang=job.lang
        )
        return table_of(result, job.name, job.lang)

    return run_as(job.token, job.lang, _run)


def export_report_job(job: RunJob) -> Outcome:
    """Runs the format again (scope and figures as of now) and exports it: the file's
    bytes come back; the export is audited by the service."""

    def _export(db, actor):  # noqa: ANN001
        result = reports.run_format(
            db, actor, job.format_id, job.date_from, job.date_to, lang=job.lang
        )
        return reports.export_report(db, actor, result, job.export, job.lang)

    return run_as(job.token, job.lang, _export)


@dataclass
class _Problems:
    """Every problem of a refused save, by the editor field it belongs to."""

    by_field: dict[str, str] = field(default_factory=dict)


def _editor_field(name: str) -> str:
    """`dimensions[1]`, `sort.0.column`, `filters.line` → the editor field showing them."""
    head = re.split(r"[.\[:]", name or "", maxsplit=1)[0]
    return head if head in EDITOR_FIELDS else ""


# ====================================================================== the state


class ReportsState(PagedList, AppState):
    # formats
    formats: list[dict[str, str]] = []
    format_options: list[list[str]] = []
    selected_id: str = ""
    date_from: str = ""
    date_to: str = ""
    run_key: int = 0
    # the run in the background
    running: bool = False
    progress: int = 0
    step: str = ""
    exporting: str = ""
    # the result shown
    result_title: str = ""
    columns: list[dict[str, str]] = []
    rows: list[dict[str, str]] = []
    totals: dict[str, str] = {}
    chart_kind: str = "none"
    chart_title: str = ""
    chart: list[dict[str, str | int]] = []
    has_result: bool = False
    # the editor (report.define)
    editor_open: bool = False
    editor_id: str = ""
    editor_title: str = ""
    editor: dict[str, str] = {}
    editor_measures: list[str] = []
    editor_lines: list[str] = []
    editor_channels: list[str] = []
    editor_key: int = 0
    dimension_options: list[list[str]] = []
    measure_options: list[list[str]] = []
    line_options: list[list[str]] = []
    channel_options: list[list[str]] = []
    sort_options: list[list[str]] = []
    chart_options: list[list[str]] = []
    period_options: list[list[str]] = []
    direction_options: list[list[str]] = []
    deleting_id: str = ""
    delete_question: str = ""

    _all_rows: list[dict[str, str]] = []
    _shown: dict[str, str] = {}  # format id, name, dates of the result shown
    _pending: dict[str, str] = {}  # the run or export a background event is to do
    _run_id: str = ""
    _periods: dict[str, str] = {}  # format id → its default period
    _kept_filters: dict[str, list[str]] = {}

    # ------------------------------------------------------------ reading

    def _can_define(self) -> bool:
        return "report.define" in self.perms

    def _load_formats(self) -> Outcome:
        """The formats the user may run, and the editor's choices (lines, taxes)."""
        lang = self.lang_pref

        def _list(db, actor):  # noqa: ANN001
            rows = reports.list_formats(db, actor)
            # The run form starts with each format's default period (a few small formats).
            periods = {r.id: reports.get_format(db, actor, r.id).definition.period for r in rows}
            return rows, periods, known_lines(db), _tax_names(db, lang)

        found = self._call(_list)
        if not found.ok:
            self.formats, self.format_options = [], []
            return found
        rows, periods, lines, taxes = found.value
        self.formats = [
            {
                "id": str(r.id),
                "name": r.name,
                "description": r.description or "",
                "predefined": "1" if r.predefined else "",
                "kind": self._text("rs.predefined" if r.predefined else "rs.user_defined"),
                "updated": " ".join(  # shipped formats: no user made them, only the date
                    x
                    for x in (
                        "" if r.predefined else (r.updated_by or ""),
                        clock.format_date(r.updated_at),
                    )
                    if x
                ),
            }
            for r in rows
        ]
        self.format_options = [[f["id"], f["name"]] for f in self.formats]
        self._periods = {str(k): v for k, v in periods.items()}
        self._set_choices(lines, taxes)
        return found

    def _set_choices(self, lines: dict[str, Any], taxes: dict[str, str]) -> None:
        lang = self.lang_pref
        none = [["", self._text("rs.none")]]
        self.dimension_options = none + [
            [d, self._text(f"report.dim.{d}")] for d in defs.DIMENSIONS
        ]
        measures = [[m, self._text(f"report.measure.{m}")] for m in defs.MEASURES]
        measures += [
            [f"tax:{code}", i18n.translate("report.measure.tax", lang, name=name)]
            for code, name in taxes.items()
        ]
        self.measure_options = measures
        self.line_options = [[code, line.name(lang)] for code, line in lines.items()]
        self.channel_options = [[c, self._text(f"channel.{c}")] for c in defs.CHANNELS]
        self.sort_options = (
            [["", self._text("rs.sort_default")]] + self.dimension_options[1:] + measures
        )
        self.chart_options = [[c, self._text(f"report.chart.{c}")] for c in defs.CHARTS]
        self.period_options = [[p, self._text(f"report.period.{p}")] for p in defs.PERIODS]
        self.direction_options = [[d, self._text(f"rs.{d}")] for d in defs.DIRECTIONS]

    def _select(self, format_id: str) -> None:
        """The run form shows this format with the dates of its default period."""
        if format_id not in self._periods:
            format_id = self.format_options[0][0] if self.format_options else ""
        self.selected_id = format_id
        start, end = default_dates(self._periods.get(format_id, "custom"), clock.today())
        self.date_from, self.date_to = start.isoformat(), end.isoformat()
        self.run_key += 1

    def _fetch(self) -> Outcome:
        """The current page of the result shown (kept on the server)."""
        self.pages = max(1, -(-len(self._all_rows) // PAGE_SIZE))
        self.page = min(max(1, self.page), self.pages)
        self.total = len(self._all_rows)
        start = (self.page - 1) * PAGE_SIZE
        self.rows = self._all_rows[start : start + PAGE_SIZE]
        return Outcome(True)

    def _clear_result(self) -> None:
        self.has_result = False
        self.result_title = ""
        self.columns, self.rows, self.totals, self.chart = [], [], {}, []
        self.chart_kind, self.chart_title = "none", ""
        self._all_rows, self._shown = [], {}
        self.page = self.pages = 1
        self.total = 0

    # ------------------------------------------------------------ page events

    @rx.event
    def load(self):
        self._fresh_screen()
        loaded = self._load_formats()
        if loaded.ok:
            wanted = str(self.router.url.query_parameters.get("format", ""))[:12]
            self._select(wanted)
        self._report(loaded)

    @rx.event
    def choose_format(self, format_id: str):
        """The format select changed: its default period's dates come into the date fields."""
        self._clear_messages()
        self._select(str(format_id)[:12])

    # ------------------------------------------------------------ running

    def _checked_run(self, form: dict) -> RunJob | None:
        """The run form read and checked; every problem beside its field, nothing run."""
        format_id = str(form.get("format_id", self.selected_id))[:12]
        raw_from = str(form.get("date_from", ""))[:10]
        raw_to = str(form.get("date_to", ""))[:10]
        self.selected_id, self.date_from, self.date_to = format_id, raw_from, raw_to
        problems: dict[str, str] = {}
        number = format_id_of(format_id)
        if number is None or format_id not in self._periods:
            problems["format_id"] = self._text("rs.choose_format")
        dates: dict[str, date | None] = {}
        for name, raw in (("date_from", raw_from), ("date_to", raw_to)):
            try:
                dates[name] = parse_date(raw, name, name=i18n.Label.of(f"common.{name}"))
            except ValidationFailed as exc:
                problems[name] = i18n.error_text(exc, self.lang_pref)
                dates[name] = None
        start, end = dates["date_from"], dates["date_to"]
        if start and end and end < start:
            problems["date_to"] = self._text("rs.dates_backwards")
        if problems:
            self._clear_messages()
            self.field_errors = problems
            return None
        self._run_id = secrets.token_hex(8)
        name = next((f["name"] for f in self.formats if f["id"] == format_id), "")
        return RunJob(self._token(), self.lang_pref, number, name, start, end, self._run_id)

    @rx.event
    def run(self, form: dict):
        """Checks the form and hands the run to the background event; returns at once."""
        if not isinstance(form, dict):
            return
        if self.running or self.exporting:
            self._report(Outcome(False, error=self._text("rs.busy")))
            return
        job = self._checked_run(form)
        if job is None:
            return
        self._clear_messages()
        self._run_started(job)
        return ReportsState.run_in_background

    def _run_started(self, job: RunJob) -> None:
        self._pending = {
            "format_id": str(job.format_id),
            "name": job.name,
            "date_from": job.date_from.isoformat(),
            "date_to": job.date_to.isoformat(),
            "run_id": job.run_id,
        }
        self.running = True
        self.progress = 10
        self.step = self._text("rs.preparing")

    def _pending_job(self, export: str = "") -> RunJob | None:
        p = self._pending
        if not p:
            return None
        return RunJob(
            token=self._token(),
            lang=self.lang_pref,
            format_id=int(p["format_id"]),
            name=p["name"],
            date_from=date.fromisoformat(p["date_from"]),
            date_to=date.fromisoformat(p["date_to"]),
            run_id=p["run_id"],
            export=export,
        )

    @rx.event(background=True)
    async def run_in_background(self):
        """Runs the report outside the state lock and any open transaction: the tab stays
        usable while a large report adds up; the screen follows the steps, then shows it."""
        async with self:
            job = self._pending_job()
            self._pending = {}
            if job is None or not self.running:
                return
            self.progress = 40
            self.step = self._text("rs.step_querying")
        try:
            outcome = await rx.run_in_thread(partial(run_report_job, job))
        except BaseException:
            async with self:  # a crash must not leave the spinner turning
                self.running, self.progress, self.step = False, 0, ""
            raise
        async with self:
            self._run_finished(job, outcome)

    def _run_finished(self, job: RunJob, outcome: Outcome) -> None:
        """The run's end on screen: the table, chart and totals, or why it was refused
        (the result shown before stays on a refusal). A run overtaken by a newer one is
        dropped."""
        if job.run_id != self._run_id:
            return
        self.running, self.progress, self.step = False, 0, ""
        if outcome.ok:
            table: ReportTable = outcome.value
            self.has_result = True
            self.result_title = table.title
            self.columns, self.totals = table.columns, table.totals
            self.chart_kind, self.chart_title, self.chart = (
                table.chart_kind,
                table.chart_title,
                table.chart,
            )
            self._all_rows = table.rows
            self._shown = {
                "format_id": str(job.format_id),
                "name": job.name,
                "date_from": job.date_from.isoformat(),
                "date_to": job.date_to.isoformat(),
            }
            self.page = 1
            self._fetch()
        elif outcome.field in ("date_from", "date_to"):
            outcome = outcome.quietly()
        self._report(outcome)

    # ------------------------------------------------------------ exports

    @rx.event
    def export(self, fmt: str):
        """CSV / Excel / PDF of the report shown; the file is made in the background."""
        fmt = str(fmt)
        if fmt not in EXPORTS:
            return
        if self.running or self.exporting:
            self._report(Outcome(False, error=self._text("rs.busy")))
            return
        if not self._shown:
            self._report(Outcome(False, error=self._text("rs.run_first")))
            return
        self._clear_messages()
        self._export_started(fmt)
        return ReportsState.export_in_background

    def _export_started(self, fmt: str) -> None:
        self._run_id = secrets.token_hex(8)
        self._pending = {**self._shown, "run_id": self._run_id, "export": fmt}
        self.exporting = fmt
        self.step = self._text("rs.exporting", format=self._text(EXPORT_NAMES[fmt]))

    @rx.event(background=True)
    async def export_in_background(self):
        """Makes the file outside the lock, then hands it to the browser as a download."""
        async with self:
            fmt = self._pending.get("export", "")
            job = self._pending_job(export=fmt) if fmt in EXPORTS else None
            self._pending = {}
            if job is None or not self.exporting:
                self.exporting = ""
                return
        try:
            outcome = await rx.run_in_thread(partial(export_report_job, job))
        except BaseException:
            async with self:
                self.exporting, self.step = "", ""
            raise
        async with self:
            return self._export_finished(outcome)

    def _export_finished(self, outcome: Outcome):  # noqa: ANN202
        """The export's end: the download, or why it was refused."""
        self.exporting, self.step = "", ""
        self._report(
            outcome, done=lambda f: self._text("rs.exported", filename=f.filename) if f else ""
        )
        if outcome.ok:
            made = outcome.value
            return rx.download(
                data=bytes(made.content), filename=made.filename, mime_type=made.mime
            )
        return None

    # ------------------------------------------------------------ the editor

    def _open_editor(self, format_id: str, name: str, d: dict[str, Any]) -> None:
        dims = [str(x) for x in d.get("dimensions") or []][:MAX_DIMENSIONS]
        dims += [""] * (MAX_DIMENSIONS - len(dims))
        sort = [(str(k), str(v)) for k, v in d.get("sort") or []][:SORT_KEYS]
        sort += [("", "asc")] * (SORT_KEYS - len(sort))
        filters = d.get("filters") or {}
        self.editor_id = format_id
        self.editor = {
            "name": name,
            "description": str(d.get("description", "")),
            **{f"dim{i + 1}": dim for i, dim in enumerate(dims)},
            **{f"sort_col{i + 1}": col for i, (col, _) in enumerate(sort)},
            **{f"sort_dir{i + 1}": way for i, (_, way) in enumerate(sort)},
            "chart": str(d.get("chart", "bar")),
            "chart_measure": str(d.get("chart_measure", "")),
            "period": str(d.get("period", "this_month")),
        }
        self.editor_measures = [str(m) for m in d.get("measures") or []]
        self.editor_lines = [str(x) for x in filters.get("line") or []]
        self.editor_channels = [str(x) for x in filters.get("channel") or []]
        # Filters the editor has no control for (office, agency, …) are kept as they were.
        self._kept_filters = {
            str(k): [str(x) for x in v] for k, v in filters.items() if k not in EDITED_FILTERS
        }
        self.editor_title = (
            self._text("rs.editor_change", name=name) if format_id else self._text("rs.editor_new")
        )
        self.editor_open = True
        self.editor_key += 1

    @rx.event
    def new_format(self):
        self._clear_messages()
        self.deleting_id = ""
        if not self._can_define():
            return
        self._open_editor(
            "",
            "",
            {
                "dimensions": ["line"],
                "measures": ["policies", "net_premium", "gross_premium"],
                "chart": "bar",
                "chart_measure": "net_premium",
                "period": "this_month",
            },
        )

    def _open_existing(self, format_id: str, copy: bool) -> None:
        number = format_id_of(format_id)
        if not self._can_define() or number is None:
            return
        found = self._call(reports.get_format, number)
        if found.ok:
            view = found.value
            raw = defs.to_json(view.definition)
            raw["description"] = view.description or ""
            if copy:
                self._open_editor("", self._text("rs.copy_name", name=view.name), raw)
            elif view.predefined:  # a shipped format is copied, not changed
                found = Outcome(False, error=self._text("report.format_predefined"))
            else:
                self._open_editor(str(view.id), view.name, raw)
        self.deleting_id = ""
        self._report(found)

    @rx.event
    def edit_format(self, format_id: str):
        self._open_existing(str(format_id)[:12], copy=False)

    @rx.event
    def copy_format(self, format_id: str):
        self._open_existing(str(format_id)[:12], copy=True)

    @rx.event
    def close_editor(self):
        self.editor_open = False
        self.editor_id = ""
        self._clear_messages()

    def _definition_from(self, form: dict) -> tuple[str, str, dict[str, Any]]:
        """The editor's form as the raw definition the service checks (every value from
        the browser is a string of bounded length; unknown names are simply not read)."""

        def text(name: str, limit: int = 60) -> str:
            return str(form.get(name, "") or "")[:limit].strip()

        ticked = {str(k)[:80] for k, v in form.items() if v in ("on", True, "true")}
        dims = [text(f"dim{i}") for i in range(1, MAX_DIMENSIONS + 1)]
        measures = [m for m, _ in self.measure_options if f"measure:{m}" in ticked]
        lines = [c for c, _ in self.line_options if f"line:{c}" in ticked]
        channels = [c for c, _ in self.channel_options if f"channel:{c}" in ticked]
        filters: dict[str, list[str]] = dict(self._kept_filters)
        if lines:
            filters["line"] = lines
        if channels:
            filters["channel"] = channels
        sort = [
            [text(f"sort_col{i}"), text(f"sort_dir{i}") or "asc"]
            for i in range(1, SORT_KEYS + 1)
            if text(f"sort_col{i}")
        ]
        raw = {
            "dimensions": [d for d in dims if d],
            "measures": measures,
            "filters": filters,
            "sort": sort,
            "chart": text("chart"),
            "chart_measure": text("chart_measure"),
            "period": text("period"),
        }
        return text("name", 120), text("description", 400), raw

    @rx.event
    def save_format(self, form: dict):
        """Creates or changes a format; every problem is shown beside its field."""
        if not isinstance(form, dict):
            return
        name, description, raw = self._definition_from(form)
        editing = self.editor_id
        format_id = format_id_of(editing) if editing else None
        # What the user typed stays in the form after a refusal.
        self.editor = {
            **self.editor,
            **{k: str(form.get(k, "") or "")[:400] for k in self.editor if k in form},
        }
        self.editor_measures = list(raw["measures"])
        self.editor_lines = list(raw["filters"].get("line", []))
        self.editor_channels = list(raw["filters"].get("channel", []))
        problems = _Problems()
        lang = self.lang_pref

        def _save(db, actor):  # noqa: ANN001
            try:
                return reports.save_format(db, actor, name, description, raw, format_id=format_id)
            except ValidationFailed as exc:
                for p in getattr(exc, "problems", None) or (exc,):
                    where = _editor_field(p.field or "")
                    text = i18n.error_text(p, lang)
                    if where and where not in problems.by_field:
                        problems.by_field[where] = text
                raise

        saved = self._call(_save)
        if saved.ok:
            view = saved.value
            listed = self._load_formats()
            self.editor_open = False
            self.editor_id = ""
            self._select(str(view.id))
            self._report(saved, listed, done=lambda v: self._text("rs.saved", name=v.name))
            return
        self._report(saved)
        if problems.by_field:
            self.field_errors = dict(problems.by_field)

    # ------------------------------------------------------------ delete

    @rx.event
    def ask_delete(self, format_id: str):
        format_id = str(format_id)[:12]
        row = next((f for f in self.formats if f["id"] == format_id and not f["predefined"]), None)
        self._clear_messages()
        if row is None or not self._can_define():
            self.deleting_id = ""
            return
        self.deleting_id = format_id
        self.delete_question = self._text("rs.delete_question", name=row["name"])

    @rx.event
    def cancel_delete(self):
        self.deleting_id = ""
        self.delete_question = ""

    @rx.event
    def confirm_delete(self):
        number = format_id_of(self.deleting_id)
        self.deleting_id, self.delete_question = "", ""
        if number is None:
            return
        name = next((f["name"] for f in self.formats if f["id"] == str(number)), "")
        was_selected = self.selected_id == str(number)
        done = self._act(
            reports.delete_format,
            number,
            then=lambda _: self._load_formats(),
            done=lambda _: self._text("rs.deleted", name=name),
        )
        if done.ok:
            if self.editor_id == str(number):
                self.editor_open, self.editor_id = False, ""
            if self._shown.get("format_id") == str(number):
                self._clear_result()
            if was_selected:
                self._select("")


def _tax_names(db: Any, lang: str) -> dict[str, str]:
    """Every tax of the lines in force, by code, for the editor's `tax:<CODE>` measures."""
    version = version_in_force(db)
    if version is None:
        return {}
    names: dict[str, str] = {}
    for lt in tariff_set_of(version).lines.values():
        for tax in lt.taxes:
            names.setdefault(tax.code, tax.name_en if lang == "en" else tax.name_tr)
    return names
