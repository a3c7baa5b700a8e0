"""Toplu baskı: the day's approved policies as one PDF or a zip, with a progress bar."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import (
    T,
    data_table,
    field,
    messages,
    page_title,
    pager,
    select_field,
)
from iztim_app.pages.policy_parts import policy_tabs
from iztim_app.states.batch_print import BatchPrintState as S

JOB_COLUMNS = [
    "jobs.col_created",
    "jobs.col_day",
    "jobs.col_format",
    "jobs.col_status",
    "jobs.col_progress",
    "jobs.col_file",
]


def _download(job, class_name: str = "iz-link") -> rx.Component:  # noqa: ANN001
    """A document navigation (not client-side routing): the route answers with the file."""
    return rx.el.a(
        T["jobs.download"],
        href=job["download_url"],
        aria_label=job["download_label"],
        reload_document=True,
        class_name=class_name,
    )


def _file_cell(job) -> rx.Component:  # noqa: ANN001
    return rx.cond(job["download_url"] != "", _download(job), rx.text("—", color_scheme="gray"))


def _job_row(job) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(job["created"]),
        rx.table.cell(job["day"]),
        rx.table.cell(job["format"]),
        rx.table.cell(
            rx.badge(job["status_text"], color_scheme=job["color"]),
            rx.cond(
                job["message"] != "",
                rx.text(job["message"], size="1", color_scheme="gray"),
                rx.fragment(),
            ),
        ),
        rx.table.cell(job["progress_text"]),
        rx.table.cell(_file_cell(job)),
    )


def _current() -> rx.Component:
    """The latest job: its progress while it runs, its download link when ready."""
    job = S.job
    return rx.cond(
        job.contains("id"),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(T["jobs.current"], weight="bold"),
                    rx.badge(job["status_text"], color_scheme=job["color"]),
                    rx.text(job["day"], color_scheme="gray"),
                    rx.text(job["format"], color_scheme="gray"),
                    spacing="3",
                    align="center",
                ),
                rx.el.div(
                    rx.el.div(T["jobs.progress"], id="bp-progress-label", class_name="iz-label"),
                    rx.progress(
                        value=S.percent,
                        max=100,
                        width="100%",
                        aria_labelledby="bp-progress-label",
                        aria_valuetext=job["progress_text"],
                        data_testid="job-progress",
                    ),
                    rx.text(
                        job["progress_text"],
                        size="2",
                        data_testid="job-progress-text",
                        aria_live="polite",
                    ),
                    width="100%",
                ),
                rx.cond(
                    job["download_url"] != "",
                    rx.button(_download(job, ""), as_child=True, data_testid="job-download"),
                    rx.fragment(),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.fragment(),
    )


def batch_print_page() -> rx.Component:
    fe = S.field_errors
    return rx.vstack(
        page_title("jobs.batch_title"),
        policy_tabs("batch"),
        rx.text(T["jobs.batch_intro"], size="2", color_scheme="gray"),
        messages(S),
        rx.el.form(
            rx.grid(
                field(
                    "jobs.day",
                    "day",
                    type="date",
                    required=True,
                    default_value=S.day,
                    error=fe.get("day", ""),
                    id_prefix="bp",
                ),
                select_field(
                    "jobs.format", "format", S.format_options, default_value=S.fmt, id_prefix="bp"
                ),
                columns=rx.breakpoints(initial="1", md="3"),
                spacing="3",
            ),
            rx.button(T["jobs.start"], type="submit", data_testid="batch-start"),
            on_submit=S.start,
            key=S.day + S.fmt + S.form_key.to_string(),
            class_name="iz-form",
        ),
        _current(),
        rx.heading(T["jobs.recent"], size="4", as_="h2"),
        rx.cond(
            S.rows.length() > 0,
            data_table(JOB_COLUMNS, S.rows, _job_row, data_testid="jobs"),
            rx.text(T["common.no_rows"], color_scheme="gray", size="2"),
        ),
        pager(S, S.prev_page, S.next_page),
        spacing="4",
        width="100%",
    )
