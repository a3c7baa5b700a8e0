"""Blocks every printed document shares: the customer, the insured object, the premium with
each tax, the installment plan, the approval and the verification box (QR code, address,
code). Pure layout: the data comes in (see `render`), nothing is read here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from iztim_app.core import clock
from iztim_app.core.documents import qr
from iztim_app.core.money import ZERO, format_try
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.i18n import translate

if TYPE_CHECKING:  # fpdf (with PIL, numpy) loads when a document is first laid out
    from iztim_app.core.documents.pdf import Document

Translate = Callable[..., str]


def translator(lang: str) -> Translate:
    return lambda key, **p: translate(key, lang, **p)


@dataclass(frozen=True)
class Party:
    """The customer as a document prints them: the national id masked (the document may
    be e-mailed or handed on; the full TCKN/VKN is never printed)."""

    name: str
    number: int
    kind: str  # individual | corporate
    masked_id: str
    address: str


@dataclass(frozen=True)
class Verification:
    url: str
    code: str  # formatted, e.g. ABCDE-FGHJK


@dataclass(frozen=True)
class Facts:
    """What every document prints besides its own figures, gathered by `render`."""

    lang: str
    line_name: str
    party: Party
    insured: list[tuple[str, str]]  # the line's fields, label → readable value
    tax_names: dict[str, str]
    labels: LineLabels | None
    verification: Verification


@dataclass(frozen=True)
class PlanRow:
    seq: int
    due_date: date
    amount: Decimal
    paid: Decimal


# ------------------------------------------------------------------ data helpers


def tax_names(line_tariff: Any, lang: str) -> dict[str, str]:
    """Tax code → the name the taxes file gives it, in `lang` (a missing line: no names)."""
    if line_tariff is None:
        return {}
    return {t.code: (t.name_tr if lang == "tr" else t.name_en) for t in line_tariff.taxes}


def insured_rows(line_tariff: Any, values: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """A document's line fields as label → readable value, in form order (the db-free
    twin of quotes.services.field_rows)."""
    if line_tariff is None:
        return [(str(k), str(v)) for k, v in values.items()]
    rows: list[tuple[str, str]] = []
    for f in line_tariff.fields:
        if f.name not in values:
            continue
        rows.append((f.label(lang), readable(line_tariff, f, values[f.name], lang)))
    return rows


def readable(line_tariff: Any, field: Any, value: Any, lang: str) -> str:
    raw = str(value)
    choice = next((c for c in line_tariff.choices_for(field.name) if c.value == raw), None)
    if choice is not None:
        return choice.label(lang)
    if field.type == "boolean":
        return translate("common.yes" if raw == "yes" else "common.no", lang)
    if field.type == "date":
        try:
            return clock.format_date(date.fromisoformat(raw))
        except ValueError:
            return raw
    return raw


def tax_label(code: str, names: dict[str, str]) -> str:
    return f"{names[code]} ({code})" if code in names else code


def term_text(start: date, end: date) -> str:
    return f"{clock.format_date(start)} 12:00 – {clock.format_date(end)} 12:00"


def when(value: Any) -> str:
    return clock.format_date(value) if value else ""


# ------------------------------------------------------------------ layout blocks


def new_document(
    t: Translate, lang: str, title: str, number: str, date_label: str, day: str, footer: str
) -> Document:
    from iztim_app.core.documents.pdf import Document

    return Document(
        title,
        footer,
        number=number,
        date=day,
        number_label=t("doc.number_short"),
        date_label=date_label,
        tagline=t("doc.tagline"),
        lang=lang,
    )


def customer_block(doc: Document, t: Translate, party: Party) -> None:
    doc.section(t("doc.section_customer"))
    id_label = t("doc.vkn") if party.kind == "corporate" else t("doc.tckn")
    rows = [
        (t("doc.customer_name"), party.name),
        (t("doc.customer_number"), str(party.number)),
        (id_label, party.masked_id),
    ]
    if party.address:
        rows.append((t("doc.address"), party.address))
    doc.pairs2(rows)


def insured_block(
    doc: Document,
    t: Translate,
    line_name: str,
    rows: list[tuple[str, str]],
    sum_insured: Decimal,
    title_key: str = "doc.section_insured",
) -> None:
    doc.section(t(title_key))
    doc.pairs2([(t("doc.line"), line_name), (t("doc.sum_insured"), format_try(sum_insured)), *rows])


def premium_rows(
    t: Translate,
    net: Decimal,
    taxes: dict[str, Decimal],
    gross: Decimal,
    names: dict[str, str],
    net_key: str = "doc.net_premium",
    gross_key: str = "doc.gross_premium",
) -> list[list[str]]:
    rows = [[t(net_key), format_try(net)]]
    rows += [[tax_label(code, names), format_try(amount)] for code, amount in taxes.items()]
    rows.append([t(gross_key), format_try(gross)])
    return rows


def premium_block(
    doc: Document,
    t: Translate,
    net: Decimal,
    taxes: dict[str, Decimal],
    gross: Decimal,
    names: dict[str, str],
    title_key: str = "doc.section_premium",
) -> None:
    doc.section(t(title_key))
    doc.grid(
        [t("pdf.item"), t("pdf.amount")],
        premium_rows(t, net, taxes, gross, names),
        [130, 50],
        right=frozenset({1}),
        bold_last=True,
    )


def plan_block(doc: Document, t: Translate, plan: list[PlanRow], title_key: str) -> None:
    doc.section(t(title_key))
    if not plan:
        doc.pairs([(t("doc.plan_none"), "")])
        return
    rows = [
        [str(p.seq), clock.format_date(p.due_date), format_try(p.amount), format_try(p.paid)]
        for p in plan
    ]
    rows.append(
        [
            t("doc.total"),
            "",
            format_try(sum((p.amount for p in plan), ZERO)),
            format_try(sum((p.paid for p in plan), ZERO)),
        ]
    )
    doc.grid(
        [t("pdf.policy_seq"), t("pdf.policy_due"), t("pdf.amount"), t("doc.paid")],
        rows,
        [25, 55, 50, 50],
        right=frozenset({2, 3}),
        bold_last=True,
    )


def approval_block(doc: Document, t: Translate, rows: list[tuple[str, str]]) -> None:
    doc.section(t("doc.section_approval"))
    doc.pairs2(rows)


def access_code_box(doc: Document, t: Translate, code: str) -> None:
    """The portal access code, boxed so the customer finds it."""
    from iztim_app.core.documents.pdf import FAMILY, GREY, LIGHT, NAVY, TEAL

    if doc.will_page_break(16):
        doc.add_page()
    doc.ln(1)
    y = doc.get_y()
    doc.set_draw_color(*TEAL)
    doc.set_fill_color(*LIGHT)
    doc.rect(doc.l_margin, y, doc.epw, 13, style="DF")
    doc.set_xy(doc.l_margin + 3, y + 1.5)
    doc.set_font(FAMILY, "B", 8.5)
    doc.set_text_color(*NAVY)
    doc.cell(60, 5, t("doc.access_code"))
    doc.set_font(FAMILY, "B", 12)
    doc.cell(50, 5, code)
    doc.set_xy(doc.l_margin + 3, y + 7)
    doc.set_font(FAMILY, "", 7.5)
    doc.set_text_color(*GREY)
    doc.cell(doc.epw - 6, 4, t("doc.access_code_note"))
    doc.set_text_color(0, 0, 0)
    doc.set_xy(doc.l_margin, y + 15)


QR_SIZE = 30


def verification_block(doc: Document, t: Translate, verification: Verification) -> None:
    """QR code opening the verification page, with the address and code printed beside it
    for those who type instead of scanning."""
    from iztim_app.core.documents.pdf import FAMILY, NAVY, RULE

    if doc.will_page_break(QR_SIZE + 4):
        doc.add_page()
    doc.ln(2)
    y = doc.get_y()
    doc.set_draw_color(*RULE)
    doc.rect(doc.l_margin, y, doc.epw, QR_SIZE + 2)
    qr.draw(doc, verification.url, doc.l_margin + 1, y + 1, QR_SIZE)
    x = doc.l_margin + QR_SIZE + 5
    width = doc.epw - QR_SIZE - 8
    doc.set_xy(x, y + 3)
    doc.set_font(FAMILY, "B", 9)
    doc.set_text_color(*NAVY)
    doc.cell(width, 5, t("doc.verify_title"), new_x="LEFT", new_y="NEXT")
    doc.set_text_color(0, 0, 0)
    doc.set_font(FAMILY, "", 7.5)
    doc.text_lines(t("doc.verify_note"), width, 3.8)
    doc.set_x(x)
    doc.set_font(FAMILY, "", 7)
    doc.text_lines(verification.url, width, 3.6)
    doc.set_x(x)
    doc.set_font(FAMILY, "B", 9)
    doc.cell(width, 6, f"{t('doc.verify_code')}: {verification.code}")
    doc.set_xy(doc.l_margin, y + QR_SIZE + 4)


# ------------------------------------------------------------------ kept for old callers


def price_block(
    doc: Document,
    t: Translate,
    net: Decimal,
    taxes: dict[str, Decimal],
    gross: Decimal,
    names: dict[str, str] | None = None,
) -> None:
    """Net premium, each tax by its name, gross premium."""
    names = names or {}
    rows = [[t("quote.net"), format_try(net)]]
    rows += [[tax_label(code, names), format_try(amount)] for code, amount in taxes.items()]
    rows.append([t("quote.gross"), format_try(gross)])
    doc.grid([t("pdf.item"), t("pdf.amount")], rows, [120, 60], right=frozenset({1}))


def worksheet_block(
    doc: Document, t: Translate, worksheet: list[dict], lang: str, labels: LineLabels | None
) -> None:
    """How the premium was computed, in the tariff's words."""
    steps = explain(worksheet, lang, labels)
    doc.grid(
        [t("pdf.step"), t("pdf.detail"), t("pdf.amount")],
        [[s["step"], s["detail"], s["amount"]] for s in steps],
        [28, 122, 30],
        right=frozenset({2}),
    )
