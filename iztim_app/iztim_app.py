"""The Reflex app: routes, each page guarded and loading its data on the server."""

import reflex as rx
from reflex.app import default_backend_exception_handler
from starlette.applications import Starlette
from starlette.routing import Mount

from iztim_app import download_routes, payment_routes, portal_routes, session_routes
from iztim_app.api.app import api as json_api
from iztim_app.core.db import database_unavailable
from iztim_app.core.jobs.runner import runner as job_runner
from iztim_app.core.outbox.sender import sender as outbox_sender
from iztim_app.i18n import translate
from iztim_app.pages.admin_offices import offices_page
from iztim_app.pages.admin_users import users_page
from iztim_app.pages.approvals import approvals_page
from iztim_app.pages.audit import audit_page
from iztim_app.pages.batch_print import batch_print_page
from iztim_app.pages.commission_rates import commission_rates_page
from iztim_app.pages.commission_statement import commission_statement_page
from iztim_app.pages.customer_detail import customer_detail_page
from iztim_app.pages.customer_list import customer_list_page
from iztim_app.pages.home import home_page
from iztim_app.pages.layout import guarded
from iztim_app.pages.password import password_page
from iztim_app.pages.policy_detail import policy_detail_page
from iztim_app.pages.policy_form import policy_form_page
from iztim_app.pages.policy_list import policy_list_page
from iztim_app.pages.quote_detail import quote_detail_page
from iztim_app.pages.quote_form import quote_form_page
from iztim_app.pages.quote_list import quote_list_page
from iztim_app.pages.quote_stats import quote_stats_page
from iztim_app.pages.renewals import renewals_page
from iztim_app.pages.reports import reports_page
from iztim_app.pages.tariffs import tariffs_page
from iztim_app.security_headers import SecuredApp
from iztim_app.states.admin_offices import OfficesState
from iztim_app.states.admin_users import UsersState
from iztim_app.states.approvals import ApprovalState
from iztim_app.states.audit import AuditState
from iztim_app.states.batch_print import BatchPrintState
from iztim_app.states.commission_rates import CommissionRatesState
from iztim_app.states.commission_statement import CommissionStatementState
from iztim_app.states.customer_detail import CustomerDetailState
from iztim_app.states.customer_list import CustomerListState
from iztim_app.states.home import HomeState
from iztim_app.states.notifications import NotificationsState
from iztim_app.states.policy_detail import PolicyDetailState
from iztim_app.states.policy_form import PolicyFormState
from iztim_app.states.policy_list import PolicyListState
from iztim_app.states.quote_detail import QuoteDetailState
from iztim_app.states.quote_form import QuoteFormState
from iztim_app.states.quote_list import QuoteListState
from iztim_app.states.quote_stats import QuoteStatsState
from iztim_app.states.renewals import RenewalsState
from iztim_app.states.reports import ReportsState
from iztim_app.states.session import SessionState
from iztim_app.states.tariffs import TariffState


def on_backend_error(exception: Exception) -> rx.event.EventSpec:
    """An event that failed outside the states' service calls (their `run_as` already turns
    an outage into the screen's message): a plain message in both languages, never a trace
    (logged by Reflex's handler); a database outage says so and that it is temporary."""
    default_backend_exception_handler(exception)  # logs the traceback on the server
    key = (
        "availability.database_unavailable"
        if database_unavailable(exception)
        else "availability.unexpected_error"
    )
    return rx.toast.error(
        translate(key, "tr"),
        description=translate(key, "en"),
        position="top-center",
        id="backend_error",
        fallback_to_alert=True,
    )


# SecuredApp: security headers on every response, also Reflex's own preflights and 500s.
app = SecuredApp(
    backend_exception_handler=on_backend_error,
    stylesheets=["/iztim.css", "/portal.css"],
    # Turkish until the page starts: each layout's root then carries the tab's language
    # (`components.language_root`), which also keeps <html lang> on it.
    html_lang="tr",
    # HTTP routes beside the pages: the session cookie is set and cleared only there, and
    # files made in the background are handed out to their owner.
    api_transformer=[
        Starlette(
            routes=[
                *session_routes.ROUTES,
                *download_routes.ROUTES,
                *portal_routes.ROUTES,
                *payment_routes.ROUTES,
                # The JSON API v1 for integrations (specs/api.md), on the same port.
                Mount("/api/v1", app=json_api),
            ]
        ),
    ],
)
# With a mail server configured, this process's outbox sender starts with the app: it sends
# what waited meanwhile, then tries failed e-mails again every few minutes.
app.register_lifespan_task(outbox_sender.wake)
# This process's job runner: works on queued background jobs (batch printing), also those
# other processes queued or left behind.
app.register_lifespan_task(job_runner.wake)


def _add(content, route: str, title: str, load=None) -> None:  # noqa: ANN001
    on_load = [SessionState.check_session, NotificationsState.load]
    on_load += [load] if load is not None else []
    app.add_page(guarded(content), route=route, title=f"{title} · İztim", on_load=on_load)


_add(home_page, "/", "Ana sayfa", HomeState.load)
_add(quote_list_page, "/teklifler", "Teklifler", QuoteListState.load)
_add(quote_form_page, "/teklifler/yeni", "Yeni teklif", QuoteFormState.load)
_add(quote_detail_page, "/teklifler/detay", "Teklif", QuoteDetailState.load)
_add(quote_stats_page, "/teklifler/istatistik", "Teklif istatistikleri", QuoteStatsState.load)
_add(customer_list_page, "/musteriler", "Müşteriler", CustomerListState.load)
_add(customer_detail_page, "/musteriler/detay", "Müşteri", CustomerDetailState.load)
_add(policy_list_page, "/policeler", "Poliçeler", PolicyListState.load)
_add(policy_form_page, "/policeler/yeni", "Yeni poliçe", PolicyFormState.load)
_add(policy_detail_page, "/policeler/detay", "Poliçe", PolicyDetailState.load)
_add(batch_print_page, "/policeler/toplu-baski", "Toplu baskı", BatchPrintState.load)
_add(approvals_page, "/onay", "Onay Kuyruğu", ApprovalState.load)
_add(renewals_page, "/yenilemeler", "Yenilemeler", RenewalsState.load)
_add(reports_page, "/raporlar", "Raporlar", ReportsState.load)
_add(
    commission_statement_page,
    "/raporlar/komisyon",
    "Komisyon ekstresi",
    CommissionStatementState.load,
)
_add(tariffs_page, "/tarifeler", "Tarifeler", TariffState.load)
_add(users_page, "/yonetim", "Yönetim", UsersState.load)
_add(offices_page, "/yonetim/ofisler", "Ofisler", OfficesState.load)
_add(audit_page, "/yonetim/denetim", "Denetim kaydı", AuditState.load)
_add(commission_rates_page, "/yonetim/komisyon", "Komisyon oranları", CommissionRatesState.load)
_add(password_page, "/sifre", "Şifre değiştir")


# -- portal pages (helper B): replace from here to "end portal pages"
# The customer portal: its own look and session (portal cookie), not behind staff sign-in.
from iztim_app.pages.portal import portal_page, portal_policy_page  # noqa: E402
from iztim_app.pages.portal_pay import portal_result_page  # noqa: E402
from iztim_app.states.portal import PortalHomeState  # noqa: E402
from iztim_app.states.portal_pay import PortalPolicyState, PortalResultState  # noqa: E402

app.add_page(
    portal_page, route="/portal", title="Müşteri portalı · İztim", on_load=PortalHomeState.load
)
app.add_page(
    portal_policy_page,
    route="/portal/police",
    title="Poliçe · Müşteri portalı · İztim",
    on_load=PortalPolicyState.load,
)
app.add_page(
    portal_result_page,
    route="/portal/odeme/sonuc",
    title="Ödeme sonucu · Müşteri portalı · İztim",
    on_load=PortalResultState.load,
)
# -- end portal pages
# -- portal requests (helper C): portal quote page and the staff requests queue
from iztim_app.pages.portal_quote import portal_quote_page  # noqa: E402
from iztim_app.pages.portal_requests import portal_requests_page  # noqa: E402
from iztim_app.states.portal_quote import PortalQuoteState  # noqa: E402
from iztim_app.states.portal_requests import PortalRequestsState  # noqa: E402

app.add_page(
    portal_quote_page,
    route="/portal/teklif",
    title="Teklif · Müşteri portalı · İztim",
    on_load=PortalQuoteState.load,
)
_add(portal_requests_page, "/portal-talepleri", "Portal talepleri", PortalRequestsState.load)
# -- payments staff (helper D): the payment attempts screen
from iztim_app.pages.payment_attempts import payment_attempts_page  # noqa: E402
from iztim_app.states.payment_attempts import PaymentAttemptsState  # noqa: E402

_add(payment_attempts_page, "/odemeler", "Ödemeler", PaymentAttemptsState.load)

# Printed documents' QR codes open this public page: not guarded, no sign-in.
from iztim_app.pages.verify import verify_page  # noqa: E402
from iztim_app.states.verify import VerifyState  # noqa: E402

app.add_page(
    verify_page, route="/dogrula", title="Belge doğrulama · İztim", on_load=VerifyState.load
)
