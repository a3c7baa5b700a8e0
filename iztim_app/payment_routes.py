"""HTTP routes of card payments: the test bank's ACS page, the bank's callback, receipts.
Owned by helper A.

- `POST /portal/acs` — the built-in test bank's 3D page ("Test Bankası · 3D Secure"): reads
  the signed `acs_state` the card form posted and asks the one-time code. It shows the
  order, the amount and the masked card only (the state carries no card digits).
- `POST /portal/acs/onay` — the bank decides and answers with a page that posts the signed
  callback fields to the order's return url at once (a button without JavaScript).
- `POST /portal/odeme/donus` — the callback (the return url): `complete_payment`, then 303
  to the result page `/portal/odeme/sonuc?siparis=ORDER` (`&yanit=replay|invalid|unknown`
  when this callback changed nothing). No cookie is needed or read: the
  signed fields decide, and the attempt is found by its order id.
- `GET /portal/makbuz/{order_id}` — the receipt PDF of the signed-in customer's approved
  payment (portal cookie); anything else is the same 404.

Plain server HTML, every text from the catalogue, a label on every control, and headers
that keep the pages out of caches, frames and referrers.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from iztim_app.client_address import client_address
from iztim_app.core.db import session_scope
from iztim_app.core.errors import DomainError
from iztim_app.core.money import format_try
from iztim_app.core.payments import providers
from iztim_app.core.payments import services as payments
from iztim_app.core.payments.test_gateway import ACS_STATE_FIELD, AcsStateInvalid
from iztim_app.core.portal import services as portal_services
from iztim_app.i18n import normalize_language, translate
from iztim_app.portal_routes import portal_token_from_cookie_header

ACS_ROUTE = providers.ACS_URL  # /portal/acs
ACS_SUBMIT_ROUTE = "/portal/acs/onay"
CALLBACK_ROUTE = providers.RETURN_PATH  # /portal/odeme/donus
RESULT_PAGE = "/portal/odeme/sonuc"
RECEIPT_ROUTE = "/portal/makbuz/{order_id}"
OTP_FIELD = "otp"
MERCHANT = "İztim Sigorta"
MAX_FIELDS = 60

HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_STYLE = """
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#eef1f5;
color:#1c2430}
.bank{background:#0b3d63;color:#fff;padding:14px 24px;font-weight:600;letter-spacing:.02em}
main{max-width:440px;margin:32px auto;background:#fff;border:1px solid #d5dbe3;
border-radius:8px;padding:24px}
h1{font-size:1.2rem;margin:0 0 12px}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:16px 0}
dt{color:#5a6675}dd{margin:0;font-weight:600}
label{display:block;font-weight:600;margin:16px 0 6px}
input[type=text]{font-size:1.3rem;letter-spacing:.2em;padding:8px 10px;width:10em;
border:1px solid #9aa6b4;border-radius:6px}
button{margin-top:16px;font-size:1rem;padding:9px 22px;border:0;border-radius:6px;
background:#0b3d63;color:#fff;cursor:pointer}
.hint{color:#5a6675;font-size:.85rem}.error{color:#a4161a;font-weight:600}
a{color:#0b3d63}
"""


def _t(key: str, **params: object) -> str:
    return translate(key, "tr", **params)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    document = (
        '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>"
        f'<div class="bank" role="banner">{_e(_t("payment.acs_bank"))}</div>'
        f"<main>{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status_code, headers=HEADERS)


def _problem(code: str) -> HTMLResponse:
    body = (
        f"<h1>{_e(_t('payment.acs_title'))}</h1>"
        f'<p class="error" role="alert">{_e(_t(code))}</p>'
        f'<p><a href="/portal">{_e(_t("payment.acs_back"))}</a></p>'
    )
    return _page(_t("payment.acs_title"), body, status_code=400)


async def _form(request: Request) -> dict[str, str]:
    """The posted form's text fields (first value of each name; files refused)."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=16 * 1024)
    except Exception:  # noqa: BLE001 - a malformed body is simply no fields
        return {}
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str) and key not in fields:
            fields[key] = value
    return fields


def _source(request: Request) -> str:
    return client_address(request)


def _test_gateway(db):  # noqa: ANN001, ANN202
    return providers.gateway(db, providers.TEST)


def _acs_view(state: str):  # noqa: ANN202
    with session_scope() as db:
        return _test_gateway(db).acs_view(state)


def _safe_return_url(url: str) -> bool:
    return url.startswith("/") and not url.startswith(("//", "/\\"))


async def acs_page(request: Request) -> Response:
    """The test bank's page asking the one-time code."""
    fields = await _form(request)
    state = fields.get(ACS_STATE_FIELD, "")
    try:
        view = await run_in_threadpool(_acs_view, state)
    except AcsStateInvalid as exc:
        return _problem(exc.code)
    body = (
        f"<h1>{_e(_t('payment.acs_title'))}</h1>"
        f"<p>{_e(_t('payment.acs_intro'))}</p>"
        "<dl>"
        f"<dt>{_e(_t('payment.acs_merchant'))}</dt><dd>{_e(MERCHANT)}</dd>"
        f"<dt>{_e(_t('payment.acs_order'))}</dt><dd>{_e(view.order_id)}</dd>"
        f"<dt>{_e(_t('payment.acs_amount'))}</dt><dd>{_e(format_try(view.amount))}</dd>"
        f"<dt>{_e(_t('payment.acs_card'))}</dt><dd>{_e(view.masked_card)}</dd>"
        "</dl>"
        f'<form method="post" action="{_e(ACS_SUBMIT_ROUTE)}">'
        f'<input type="hidden" name="{ACS_STATE_FIELD}" value="{_e(state)}">'
        f'<label for="otp">{_e(_t("payment.acs_otp"))}</label>'
        f'<input type="text" id="otp" name="{OTP_FIELD}" inputmode="numeric" '
        'autocomplete="one-time-code" maxlength="8" required autofocus>'
        f'<p class="hint">{_e(_t("payment.acs_test_hint"))}</p>'
        f'<button type="submit">{_e(_t("payment.acs_submit"))}</button>'
        "</form>"
        f'<p><a href="/portal">{_e(_t("payment.acs_cancel"))}</a></p>'
    )
    return _page(_t("payment.acs_title"), body)


def _acs_decide(state: str, otp: str) -> tuple[str, dict[str, str]]:
    with session_scope() as db:
        gateway = _test_gateway(db)
        return_url = gateway.acs_view(state).return_url
        return return_url, gateway.acs_submit(state, otp)


def autopost_page(action: str, fields: Mapping[str, str]) -> HTMLResponse:
    """A page that posts `fields` to `action` at once; a button when scripts are off."""
    hidden = "".join(
        f'<input type="hidden" name="{_e(name)}" value="{_e(value)}">'
        for name, value in fields.items()
    )
    body = (
        f'<form id="bank-return" method="post" action="{_e(action)}">{hidden}'
        f"<p>{_e(_t('payment.acs_returning'))}</p>"
        f'<noscript><button type="submit">{_e(_t("payment.acs_continue"))}</button></noscript>'
        "</form>"
        '<script>document.getElementById("bank-return").submit();</script>'
    )
    return _page(_t("payment.acs_returning"), body)


async def acs_submit(request: Request) -> Response:
    """The bank checks the code and sends the browser back with the signed answer."""
    fields = await _form(request)
    try:
        return_url, answer = await run_in_threadpool(
            _acs_decide, fields.get(ACS_STATE_FIELD, ""), fields.get(OTP_FIELD, "")
        )
    except AcsStateInvalid as exc:
        return _problem(exc.code)
    if not _safe_return_url(return_url):
        return _problem("payment.acs_state_invalid")
    return autopost_page(return_url, answer)


def _complete(fields: dict[str, str], source: str) -> payments.PaymentOutcome:
    with session_scope() as db:
        return payments.complete_payment(db, fields, source=source)


NOTED_OUTCOMES = ("replay", "invalid", "unknown")  # told to the result page as `yanit`


def result_url(order_id: str, outcome: str = "") -> str:
    """The result page of the order; `yanit` names what this one callback did when it
    changed nothing (the page picks a fixed note; the status always comes from the database)."""
    params = {}
    if payments.is_order_id(order_id):
        params["siparis"] = order_id
    if outcome in NOTED_OUTCOMES:
        params["yanit"] = outcome
    return f"{RESULT_PAGE}?{urlencode(params)}" if params else RESULT_PAGE


async def payment_callback(request: Request) -> Response:
    """The return url: the bank's answer, through the customer's browser."""
    fields = await _form(request)
    outcome = await run_in_threadpool(_complete, fields, _source(request))
    response = RedirectResponse(result_url(outcome.order_id, outcome.outcome), status_code=303)
    response.headers.update(HEADERS)
    return response


def _not_found() -> Response:
    return Response(
        translate("error.not_found", "tr"),
        status_code=404,
        media_type="text/plain",
        headers=HEADERS,
    )


def _receipt(token: str, order_id: str, lang: str) -> bytes | None:
    with session_scope() as db:
        portal = portal_services.resolve(db, token)
        if portal is None:
            return None
        try:
            return payments.receipt_pdf(db, portal, order_id, lang)
        except DomainError:
            return None


async def receipt(request: Request) -> Response:
    """The signed-in customer's receipt; the same 404 for anything else."""
    token = portal_token_from_cookie_header(request.headers.get("cookie"))
    order_id = request.path_params.get("order_id", "")
    if not token or not payments.is_order_id(order_id):
        return _not_found()
    lang = normalize_language(request.query_params.get("lang"))
    content = await run_in_threadpool(_receipt, token, order_id, lang)
    if content is None:
        return _not_found()
    return Response(
        content,
        media_type="application/pdf",
        headers={
            **HEADERS,
            "Content-Disposition": f'inline; filename="makbuz-{order_id}.pdf"',
        },
    )


ROUTES: list[Route] = [
    Route(ACS_ROUTE, acs_page, methods=["POST"]),
    Route(ACS_SUBMIT_ROUTE, acs_submit, methods=["POST"]),
    Route(CALLBACK_ROUTE, payment_callback, methods=["POST"]),
    Route(RECEIPT_ROUTE, receipt, methods=["GET"]),
]
