"""The commission statement as a printed document (house style: `documents.pdf.Document`)."""

from __future__ import annotations

from typing import Any

from iztim_app.core import clock
from iztim_app.core.documents.pdf import FAMILY, Document
from iztim_app.core.money import format_number, format_try
from iztim_app.i18n import translate

# Column widths as proportions of the page width (A4 portrait).
WIDTHS = [22, 22, 19, 24, 37, 20, 13, 23]  # float-ok: mm
TOTAL_WIDTHS = [60, 30, 45, 45]  # float-ok: mm


def render(head: Any, entries: list[Any], line_names: dict[str, str], lang: str) -> bytes:
    """`head`: the Statement (agency, period, totals); `entries`: every StatementEntry."""

    def t(key: str, **params: Any) -> str:
        return translate(key, lang, **params)

    pdf = Document(
        t("commission.statement_title"),
        footer_note=t("commission.pdf_footer", at=clock.format_date(clock.utcnow())),
        number=head.office_code,
        number_label=t("commission.agency_code"),
        date=clock.format_date(clock.today()),
        date_label=t("commission.day"),
        lang=lang,
    )
    pdf.pairs(
        [
            (t("commission.agency"), f"{head.office_name} ({head.office_code})"),
            (
                t("commission.period"),
                f"{clock.format_date(head.date_from)} – {clock.format_date(head.date_to)}",
            ),
            (t("commission.entry_count"), str(head.count)),
            (t("commission.base_net_total"), format_try(head.base_net)),
            (t("commission.total"), format_try(head.total)),
        ]
    )
    pdf.section(t("commission.entries"))
    if entries:
        pdf.grid(
            [
                t("commission.document"),
                t("commission.kind"),
                t("commission.day"),
                t("commission.line"),
                t("commission.customer"),
                t("commission.base_net"),
                t("commission.rate"),
                t("commission.amount"),
            ],
            [
                [
                    e.label,
                    t(f"commission.doc_{e.document}"),
                    clock.format_date(e.day),
                    line_names.get(e.line_code, e.line_code),
                    e.customer_name,
                    format_try(e.base_net),
                    "%" + format_number(e.rate),
                    format_try(e.amount),
                ]
                for e in entries
            ],
            WIDTHS,
            right=frozenset({5, 6, 7}),
        )
    else:
        pdf.set_font(FAMILY, "", 9)
        pdf.cell(0, 6, t("commission.no_entries"), new_x="LMARGIN", new_y="NEXT")
    pdf.section(t("commission.by_line"))
    pdf.grid(
        [
            t("commission.line"),
            t("commission.entry_count"),
            t("commission.base_net"),
            t("commission.amount"),
        ],
        [
            [
                line_names.get(r.line_code, r.line_code),
                str(r.count),
                format_try(r.base_net),
                format_try(r.amount),
            ]
            for r in head.by_line
        ]
        + [
            [
                t("commission.total"),
                str(head.count),
                format_try(head.base_net),
                format_try(head.total),
            ]
        ],
        TOTAL_WIDTHS,
        right=frozenset({1, 2, 3}),
        bold_last=True,
    )
    return pdf.output_bytes()
