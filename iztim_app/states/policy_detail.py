"""One policy by number (and version): data, worksheet, versions, decisions, un-approval,
installments and payments, endorsements and cancellation, audit trail.

Each action runs one service, which re-checks permission and scope; the screen then shows
the policy as it now is."""

from __future__ import annotations

from typing import Any

import reflex as rx

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.audit import services as audit
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.installments import services as installments
from iztim_app.core.lines import known_lines
from iztim_app.core.money import format_number, format_try
from iztim_app.core.policies import rules as policy_rules
from iztim_app.core.policies import services as policies
from iztim_app.core.quotes import services as quotes
from iztim_app.core.renewals import services as renewals
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.states.document_actions import DocumentActions, document_text
from iztim_app.states.policy_views import STATUS_COLORS, status_text, view_dict
from iztim_app.states.quote_views import worksheet_rows
from iztim_app.states.session import AppState, Outcome, reset_keeping_form_keys

MAX_NUMBER = 20
ENDORSEMENT_KINDS = ("increase", "decrease", "information")
ENDORSEMENT_COLORS = {"awaiting_approval": "amber", "approved": "green", "rejected": "red"}


def _money_rows(taxes: dict[str, Any]) -> list[dict[str, str]]:
    return [{"code": code, "amount": format_try(amount)} for code, amount in taxes.items()]


class PolicyDetailState(DocumentActions, AppState):
    policy: dict[str, str] = {}
    values: list[dict[str, str]] = []
    taxes: list[dict[str, str]] = []
    worksheet: list[dict[str, str]] = []
    versions: list[dict[str, str]] = []
    decisions: list[dict[str, str]] = []
    audit_rows: list[dict[str, str]] = []
    can_decide: bool = False
    can_unapprove: bool = False
    can_edit: bool = False
    can_print: bool = False

    plan: dict[str, str] = {}
    installments: list[dict[str, str]] = []
    payments: list[dict[str, str]] = []
    refunds: list[dict[str, str]] = []
    can_pay: bool = False
    can_pay_out: bool = False
    pay_key: int = 0

    endorsements: list[dict[str, str]] = []
    can_endorse: bool = False
    can_cancel: bool = False
    can_decide_endorsements: bool = False
    endorsement_awaiting: bool = False
    endorse_fields: list[dict[str, str]] = []
    endorse_choices: dict[str, list[list[str]]] = {}
    endorse_values: dict[str, str] = {}
    endorse_sum_insured: str = ""
    reason_options: list[list[str]] = []
    endorse_preview: dict[str, str] = {}
    endorse_taxes: list[dict[str, str]] = []
    cancel_preview: dict[str, str] = {}
    cancel_taxes: list[dict[str, str]] = []
    endorse_key: int = 0

    renewal: dict[str, str] = {}
    renewal_claim_free: bool = True
    # What the user asked to preview, saved as it is when they confirm (server only).
    _pending: dict[str, Any] = {}

    # ------------------------------------------------------------ helpers

    def _clear(self) -> None:
        """Nothing of a policy shown before may stay when this one cannot be shown."""
        reset_keeping_form_keys(self)
        self._pending = {}

    def _show(self, number: str, version: str = "") -> Outcome:
        """Shows the policy as it is now (or nothing) and returns how reading it went."""
        lang = self.lang_pref

        def _get(db, actor):  # noqa: ANN001
            view = policies.get_policy(db, actor, number, version or None)
            current = view if view.is_current else policies.get_policy(db, actor, number)
            tariff = versions.tariff_set_of(db.get(versions.TariffVersion, view.tariff_version_id))
            head_office = policy_rules.is_head_office(actor.office_kind, actor.is_agency)
            changes = endorsements.list_endorsements(db, actor, number)
            data: dict[str, Any] = {
                "view": view,
                "lines": {c: li.name(lang) for c, li in known_lines(db).items()},
                "labels": LineLabels.of(tariff, view.line_code, lang),
                "rows": quotes.field_rows(db, view, lang),
                "history": policies.history(db, actor, number),
                "plan": installments.plan_of(db, actor, number),
                "endorsements": changes,
                "tariff": tariff,
                "current": current,
                "can_decide": view.is_current
                and view.status == "awaiting_approval"
                and policy_rules.may_decide(
                    actor.office_kind,
                    actor.is_agency,
                    actor.policy_limit(view.line_code),
                    view.sum_insured,
                ),
                "can_unapprove": view.is_current
                and view.status == "approved"
                and head_office
                and all(e.status == "rejected" for e in changes)
                and actor.can("policy.unapprove"),
                "can_edit": view.is_current
                and view.status == "draft"
                and actor.can("policy.issue")
                and not actor.is_agency,
                "can_endorse": actor.can("endorsement.create") and not actor.is_agency,
                "can_cancel": actor.can("cancellation.create") and not actor.is_agency,
                "can_decide_endorsements": actor.can("policy.approve") and head_office,
                "can_pay_out": actor.can("payment.record"),
                "in_force": endorsements.figures_in_force(db, view.number),
                "renewal": renewals.renewal_of(db, actor, number),
                "audit": (
                    audit.list_events(
                        db,
                        actor,
                        audit.AuditFilter(entity_type="policy", entity_id=str(view.number)),
                        1,
                        50,
                    ).rows
                    if actor.can("audit.view")
                    else []
                ),
            }
            return data

        self._clear()
        found = self._call(_get)
        if not found.ok:
            return found
        d = found.value
        view: policies.PolicyView = d["view"]
        labels: LineLabels = d["labels"]
        self.policy = view_dict(view, lang, d["lines"], labels.data["groups"])
        self.values = [{"label": label, "value": value} for label, value in d["rows"]]
        self.taxes = _money_rows(view.taxes)
        self.worksheet = worksheet_rows(view.worksheet, lang, labels)
        self.versions = [self._version_dict(v) for v in d["history"]]
        self.decisions = self._decisions(d["history"])
        self.audit_rows = [
            {
                "at": clock.format_date(e.at),
                "actor": e.actor_code,
                "action": e.action,
                "via": e.via,
            }
            for e in d["audit"]
        ]
        self.can_decide, self.can_unapprove, self.can_edit = (
            d["can_decide"],
            d["can_unapprove"],
            d["can_edit"],
        )
        self.can_print = view.can_print
        self._customer_email = view.customer_email
        self._show_plan(d["plan"])
        self.can_pay_out = d["can_pay_out"]
        self._show_renewal(d["renewal"])
        self._show_endorsements(d["endorsements"])
        self.can_decide_endorsements = d["can_decide_endorsements"]
        current: policies.PolicyView = d["current"]
        open_for_change = current.status == "approved" and not any(
            e.status == "awaiting_approval" for e in d["endorsements"]
        )
        self.can_endorse = d["can_endorse"] and open_for_change
        self.can_cancel = d["can_cancel"] and open_for_change
        if self.can_endorse or self.can_cancel:
            self._endorse_form(d["tariff"], view.line_code, d["in_force"])
        return found

    def _version_dict(self, v: policies.VersionRow) -> dict[str, str]:
        return {
            "version": str(v.version),
            "status_text": status_text(v.status, self.lang_pref),
            "color": STATUS_COLORS.get(v.status, "gray"),
            "created_at": clock.format_date(v.created_at),
            "sum_insured": format_try(v.sum_insured),
            "gross": format_try(v.gross_premium),
            "prepared_by": v.prepared_by,
            "shown": "1" if self.policy.get("version") == str(v.version) else "",
        }

    def _decisions(self, history: list[policies.VersionRow]) -> list[dict[str, str]]:
        """The approval trail, oldest first: who approved, rejected or un-approved, when."""
        out: list[dict[str, str]] = []
        for v in reversed(history):
            if v.approved_by:
                out.append(
                    self._decision(
                        v.version, "pol.decision_approved", v.approved_by, v.approved_at, ""
                    )
                )
            if v.rejected_by:
                out.append(
                    self._decision(
                        v.version,
                        "pol.decision_rejected",
                        v.rejected_by,
                        None,
                        v.rejection_reason or "",
                    )
                )
            if v.unapproved_by:
                out.append(
                    self._decision(
                        v.version,
                        "pol.decision_unapproved",
                        v.unapproved_by,
                        v.unapproved_at,
                        v.unapproval_reason or "",
                    )
                )
        return out

    def _decision(self, version: int, key: str, who: str, at, reason: str) -> dict[str, str]:  # noqa: ANN001
        return {
            "version": str(version),
            "what": self._text(key),
            "who": who,
            "at": clock.format_date(at) if at else "",
            "reason": reason,
        }

    def _show_plan(self, plan: installments.PlanView) -> None:
        lang = self.lang_pref
        self.plan = {
            "total": format_try(plan.total),
            "paid": format_try(plan.paid),
            "open": format_try(plan.open_amount),
            "refund_due": format_try(plan.refund_due),
            "has_refund_due": "1" if plan.refund_due > 0 else "",
        }
        self.installments = [
            {
                "id": str(i.id),
                "seq": str(i.seq),
                "due_date": clock.format_date(i.due_date),
                "amount": format_try(i.amount),
                "paid": format_try(i.paid),
                "open": format_try(i.open_amount),
                "is_open": "1" if i.is_open else "",
                "status_text": self._text(_installment_status(i)),
                "color": "red" if i.overdue else ("green" if not i.is_open else "amber"),
            }
            for i in plan.installments
        ]
        self.payments = [
            {
                "seq": str(p.installment_seq),
                "amount": format_try(p.amount),
                "method": i18n.translate(f"payment.method_{p.method}", lang),
                "reference": p.reference,
                "recorded_by": p.recorded_by,
                "recorded_at": clock.format_date(p.recorded_at),
            }
            for p in plan.payments
        ]
        self.refunds = [
            {
                "id": str(r.id),
                "is_open": "1" if r.is_open else "",
                "amount": format_try(r.amount),
                "created_at": clock.format_date(r.created_at),
                "state": self._text("refund.open" if r.is_open else "refund.paid_out"),
                "paid_out": (r.paid_out_by or "") + " " + clock.format_date(r.paid_out_at),
            }
            for r in plan.refunds
        ]
        self.can_pay = plan.can_record_payment

    def _show_renewal(self, r: renewals.PolicyRenewal) -> None:
        self.renewal = {
            "state": r.state,
            "state_text": self._text(f"renewal_state.{r.state}"),
            "quote": str(r.renewal_quote_number or ""),
            "renewal": str(r.renewal_policy_number or ""),
            "opens": clock.format_date(r.window_opens),
            "can_renew": "1" if r.can_renew else "",
        }

    def _show_endorsements(self, rows: list[endorsements.EndorsementView]) -> None:
        self.endorsement_awaiting = any(e.status == "awaiting_approval" for e in rows)
        self.endorsements = [
            {
                "label": e.label,
                "seq": str(e.seq),
                "kind": self._text(f"endorsement.kind.{e.kind}"),
                "description": e.description,
                "effective_date": clock.format_date(e.effective_date),
                "sum_insured_after": format_try(e.sum_insured_after),
                "gross_change": format_try(e.gross_change),
                "gross_refund": format_try(e.gross_refund) if e.gross_refund is not None else "",
                "gross_in_force_after": format_try(e.gross_in_force_after),
                "status_text": self._text(f"endorsement.status.{e.status}"),
                "color": ENDORSEMENT_COLORS.get(e.status, "gray"),
                "awaiting": "1" if e.status == "awaiting_approval" else "",
                "printable": "1" if e.status == "approved" else "",
                "cancellation": "1" if e.kind == "cancellation" else "",
                "print_label": self._text("print.print_label", document=self._document_text(e)),
                "email_label": self._text("print.email_label", document=self._document_text(e)),
                "prepared_by": e.prepared_by,
                "decided": " · ".join(
                    x
                    for x in (
                        e.approved_by or e.rejected_by or "",
                        clock.format_date(e.approved_at or e.rejected_at),
                        e.rejection_reason or "",
                    )
                    if x
                ),
            }
            for e in rows
        ]

    def _document_text(self, e: endorsements.EndorsementView) -> str:
        return document_text("endorsement", e.label, self.lang_pref, e.kind == "cancellation")

    def _endorse_form(self, tariff, code: str, in_force) -> None:  # noqa: ANN001
        """The policy's own form for an endorsement, filled with the values in force."""
        lang = self.lang_pref
        line = tariff.lines[code]
        self.endorse_fields = [
            {"name": f.name, "label": f.label(lang), "type": f.type} for f in line.fields
        ]
        self.endorse_choices = {
            f.name: [[c.value, c.label(lang)] for c in line.choices_for(f.name)]
            for f in line.fields
            if f.type == "choice"
        }
        self.endorse_values = {f.name: str(in_force.values.get(f.name, "")) for f in line.fields}
        self.endorse_sum_insured = format_number(in_force.sum_insured)
        self.reason_options = [[r.code, r.name(lang)] for r in tariff.cancellation_reasons.values()]

    def _reload(self, _: Any = None) -> Outcome:
        return self._show(self.policy.get("number", ""))

    def _number(self) -> str:
        return self.policy.get("number", "")

    # ------------------------------------------------------------ events

    @rx.event
    def load(self):
        self._fresh_screen()
        params = self.router.url.query_parameters
        number = str(params.get("no", ""))[:MAX_NUMBER]
        version = str(params.get("v", ""))[:MAX_NUMBER]
        done = None
        if params.get("kaydedildi"):
            done = self._saved_text
        elif params.get("taslak"):
            done = lambda _: self._text("pol.draft_saved", number=number)  # noqa: E731
        self._report(self._show(number, version), done=done)

    def _saved_text(self, _) -> str:  # noqa: ANN001
        key = "policy.issued_awaiting" if self.policy.get("awaiting") else "policy.issued_approved"
        return self._text(key, number=self.policy.get("number", ""))

    @rx.event
    def approve(self):
        self._act(
            policies.approve,
            self._number(),
            then=self._reload,
            then_after_refusal=True,
            done=lambda v: self._text("pol.approved_msg", number=v.number),
        )

    @rx.event
    def reject(self, form: dict):
        self._act(
            policies.reject,
            self._number(),
            str(form.get("reason", ""))[:400],
            then=self._reload,
            done=lambda v: self._text("pol.rejected_msg", number=v.number),
        )

    @rx.event
    def unapprove(self, form: dict):
        self._act(
            policies.unapprove,
            self._number(),
            str(form.get("reason", ""))[:400],
            then=self._reload,
            done=lambda v: self._text("pol.unapproved_msg", number=v.number, version=v.version),
        )

    @rx.event
    def print_pdf(self):
        return self._print("policy")

    def _document_ref(self, kind: str, seq: str) -> str | None:
        number = self._number()
        if not number:
            return None
        if kind == "policy":
            return number
        if kind == "endorsement" and seq.isdigit():
            return f"{seq}/{number}"
        return None

    def _main_kind(self) -> str:
        return "policy"

    def _cancellation(self, seq: str) -> bool:
        return any(e["seq"] == seq and e["cancellation"] for e in self.endorsements)

    def _on_screen(self, email: dict[str, str]) -> bool:
        number = email.get("label", "").rpartition("/")[2]
        return email.get("kind") != "quote" and self._number() == number

    @rx.event
    def edit_draft(self):
        return rx.redirect(f"/policeler/yeni?duzenle={self._number()}")

    @rx.event
    def submit_draft(self):
        self._act(
            policies.submit_draft,
            self._number(),
            then=self._reload,
            done=lambda r: self._text(r.message, number=r.policy.number),
        )

    @rx.event
    def set_renewal_claim_free(self, value):  # noqa: ANN001
        self.renewal_claim_free = value is True or str(value).lower() in {"true", "on", "1"}

    @rx.event
    def renew(self):
        """A renewal quote for this policy (the service re-checks window, state and scope);
        the user then sees the new quote."""
        made = self._act(
            renewals.renew,
            self._number(),
            claim_free=bool(self.renewal_claim_free),
            then=self._reload,
            then_after_refusal=True,
            done=lambda quote: self._text("renewal.offered", quote=quote.number),
        )
        if made.ok:
            return rx.redirect(f"/teklifler/detay?no={made.value.number}&kaydedildi=1")

    @rx.event
    def record_payment(self, form: dict):
        installment_id = str(form.get("installment_id", ""))[:20]
        paid = self._act(
            installments.record_payment,
            installment_id,
            str(form.get("amount", ""))[:30],
            str(form.get("method", ""))[:20],
            str(form.get("reference", ""))[:100],
            then=self._reload,
            done=lambda p: self._text(
                "pol.payment_recorded", amount=format_try(p.amount), seq=p.installment_seq
            ),
        )
        if paid.ok:
            self.pay_key += 1

    @rx.event
    def pay_out_refund(self, refund_id: str):
        self._act(
            installments.record_refund_paid,
            str(refund_id)[:20],
            then=self._reload,
            done=lambda r: self._text("pol.refund_paid_out", amount=format_try(r.amount)),
        )

    # Endorsements: preview (nothing stored), then confirm saves exactly what was previewed.

    @rx.event
    def preview_endorsement(self, form: dict):
        kind = str(form.get("kind", ""))[:20]
        given = {f["name"]: str(form.get("v_" + f["name"], ""))[:200] for f in self.endorse_fields}
        pending = {
            "kind": kind,
            "effective_date": str(form.get("effective_date", ""))[:10],
            "values": given,
            "sum_insured": str(form.get("sum_insured", ""))[:30],
            "description": str(form.get("description", ""))[:400],
        }
        self.cancel_preview, self.cancel_taxes = {}, []
        found = self._call(endorsements.preview_endorsement, self._number(), **pending)
        self.endorse_preview, self.endorse_taxes = {}, []
        if found.ok:
            p = found.value
            self._pending = {"what": "endorsement", **pending}
            self.endorse_values = given
            self.endorse_preview = {
                "kind": self._text(f"endorsement.kind.{p.kind}"),
                "effective_date": clock.format_date(p.effective_date),
                "sum_insured_after": format_try(p.sum_insured_after),
                "net_change": format_try(p.net_change),
                "gross_change": format_try(p.gross_change),
                "gross_in_force_after": format_try(p.gross_in_force_after),
                "days": f"{p.remaining_days} / {p.term_days}",
                "needs_approval": "1" if p.needs_approval else "",
            }
            self.endorse_taxes = _money_rows(p.taxes_change)
        self._report(found)

    @rx.event
    def preview_cancellation(self, form: dict):
        pending = {
            "cancel_date": str(form.get("cancel_date", ""))[:10],
            "reason_code": str(form.get("reason_code", ""))[:40],
            "description": str(form.get("description", ""))[:400],
        }
        self.endorse_preview, self.endorse_taxes = {}, []
        found = self._call(endorsements.preview_cancellation, self._number(), **pending)
        self.cancel_preview, self.cancel_taxes = {}, []
        if found.ok:
            p = found.value
            self._pending = {"what": "cancellation", **pending}
            self.cancel_preview = {
                "cancel_date": clock.format_date(p.cancel_date),
                "reason": p.reason_name,
                "method": self._text(f"endorsement.method.{p.method}"),
                "days": f"{p.elapsed} / {p.days}",
                "gross_in_force": format_try(p.gross_in_force),
                "earned": format_try(p.earned),
                "refund": format_try(p.refund),
                "gross_refund": format_try(p.gross_refund),
                "min_retained": "1" if p.min_retained_applied else "",
                "needs_approval": "1" if p.needs_approval else "",
            }
            self.cancel_taxes = _money_rows(p.tax_refunds)
        self._report(found)

    @rx.event
    def cancel_pending(self):
        self._pending = {}
        self.endorse_preview, self.endorse_taxes = {}, []
        self.cancel_preview, self.cancel_taxes = {}, []
        self._clear_messages()

    @rx.event
    def confirm_pending(self):
        """Evet: saves the endorsement or cancellation exactly as previewed."""
        pending, self._pending = dict(self._pending), {}
        what = pending.pop("what", "")
        if what == "endorsement":
            service = endorsements.create_endorsement
        elif what == "cancellation":
            service = endorsements.create_cancellation
        else:
            return
        saved = self._act(
            service,
            self._number(),
            **pending,
            then=self._reload,
            done=self._endorsement_text,
        )
        if saved.ok:
            self.endorse_key += 1

    def _endorsement_text(self, e: endorsements.EndorsementView) -> str:
        key = (
            "endorsement.saved_approved" if e.status == "approved" else "endorsement.saved_awaiting"
        )
        return self._text(key, label=e.label, number=e.policy_number)

    @rx.event
    def approve_endorsement(self, seq: str):
        self._act(
            endorsements.approve_endorsement,
            self._number(),
            str(seq)[:10],
            then=self._reload,
            then_after_refusal=True,
            done=lambda e: self._text("pol.endorsement_approved", label=e.label),
        )

    @rx.event
    def reject_endorsement(self, form: dict):
        self._act(
            endorsements.reject_endorsement,
            self._number(),
            str(form.get("seq", ""))[:10],
            str(form.get("reason", ""))[:400],
            then=self._reload,
            done=lambda e: self._text("pol.endorsement_rejected", label=e.label),
        )


def _installment_status(i: installments.InstallmentRow) -> str:
    if i.overdue:
        return "installment.status_overdue"
    if not i.is_open:
        return "installment.status_paid"
    if i.paid > 0:
        return "installment.status_partly_paid"
    return "installment.status_open"
