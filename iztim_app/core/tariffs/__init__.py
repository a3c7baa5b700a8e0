"""The tariff engine: load a tariff folder, price quotes, compute cancellation refunds.

Plain Python (no Reflex, no database): the app stores folder versions and calls these.
"""

from iztim_app.core.tariffs.errors import PricingError, Problem
from iztim_app.core.tariffs.loader import files_from_dir, files_from_zip, load_tariff_set
from iztim_app.core.tariffs.model import LineTariff, TariffSet
from iztim_app.core.tariffs.rating import PriceResult, price
from iztim_app.core.tariffs.refunds import RefundResult, refund

__all__ = [
    "LineTariff",
    "PriceResult",
    "PricingError",
    "Problem",
    "RefundResult",
    "TariffSet",
    "files_from_dir",
    "files_from_zip",
    "load_tariff_set",
    "price",
    "refund",
]
