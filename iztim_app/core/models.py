"""Imports every table so Alembic and create_all see the whole schema."""

from iztim_app.core.api_tokens.models import ApiIdempotency, ApiToken  # noqa: F401
from iztim_app.core.audit.models import AuditEvent  # noqa: F401
from iztim_app.core.auth.models import SignInThrottle  # noqa: F401
from iztim_app.core.commissions.models import CommissionEntry, CommissionRate  # noqa: F401
from iztim_app.core.customers.models import Customer  # noqa: F401
from iztim_app.core.endorsements.models import Endorsement  # noqa: F401
from iztim_app.core.installments.models import Installment, Payment, RefundDue  # noqa: F401
from iztim_app.core.jobs.models import BackgroundJob  # noqa: F401
from iztim_app.core.notifications.models import NotificationSeen  # noqa: F401
from iztim_app.core.numbering import NumberSequence  # noqa: F401
from iztim_app.core.organisation.models import Office  # noqa: F401
from iztim_app.core.outbox.models import OutboxMessage  # noqa: F401
from iztim_app.core.payments.models import PaymentAttempt, PaymentCallback  # noqa: F401
from iztim_app.core.policies.access_codes import PolicyAccessCode  # noqa: F401
from iztim_app.core.policies.models import Policy  # noqa: F401
from iztim_app.core.portal.models import PortalSession  # noqa: F401
from iztim_app.core.portal.request_models import PortalRequest  # noqa: F401
from iztim_app.core.quotes.models import Quote  # noqa: F401
from iztim_app.core.reports.models import (  # noqa: F401
    ProductionDaily,
    ProductionDailyTax,
    ProductionMonthly,
    ProductionMonthlyTax,
    ReportFormat,
)
from iztim_app.core.secrets import AppSecret  # noqa: F401
from iztim_app.core.sessions.models import UserSession  # noqa: F401
from iztim_app.core.tariffs.tables import TariffVersion  # noqa: F401
from iztim_app.core.users.models import AuthorityLimit, User, UserPermission  # noqa: F401
