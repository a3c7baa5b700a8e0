"""Choosing the payment gateway by configuration: the test bank, iyzico, and clear errors."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlmodel import Session

from iztim_app.core import settings as settings_module
from iztim_app.core.payments import providers
from iztim_app.core.payments.gateway import CardInput, PaymentOrder
from iztim_app.core.payments.providers import GatewayNotConfigured
from iztim_app.core.payments.test_gateway import ACS_STATE_FIELD, SECRET_NAME, TestGateway
from iztim_app.core.secrets import installation_secret
from iztim_app.core.settings import Settings

BASE = Settings.from_env({})
IYZICO_ENV = {
    "IZTIM_PAYMENT_GATEWAY": "iyzico",
    "IZTIM_IYZICO_API_KEY": "sandbox-api-key",
    "IZTIM_IYZICO_SECRET_KEY": "sandbox-secret-key",
    "IZTIM_IYZICO_BASE_URL": "https://sandbox-api.iyzipay.com/",
    "IZTIM_PUBLIC_URL": "https://portal.example.com.tr/",
}


def order(return_url: str = "/portal/odeme/donus") -> PaymentOrder:
    return PaymentOrder("PA0001", Decimal("100.00"), ("5000001/1",), return_url)


def test_the_settings_read_the_gateway_and_the_iyzico_keys():
    assert (BASE.payment_gateway, BASE.iyzico_api_key, BASE.iyzico_secret_key) == ("test", "", "")
    assert BASE.iyzico_base_url == "https://sandbox-api.iyzipay.com"
    config = Settings.from_env(IYZICO_ENV)
    assert config.payment_gateway == "iyzico"
    assert config.iyzico_api_key == "sandbox-api-key"
    assert config.iyzico_secret_key == "sandbox-secret-key"
    assert config.iyzico_base_url == "https://sandbox-api.iyzipay.com"
    assert Settings.from_env({"IZTIM_PAYMENT_GATEWAY": " IYZICO "}).payment_gateway == "iyzico"


def test_the_default_is_the_test_bank_signing_with_the_installation_secret(db: Session):
    gw = providers.gateway(db, config=BASE)
    assert isinstance(gw, TestGateway)
    assert (gw.name, gw.acs_url) == ("test", "/portal/acs")
    # The same key in every process: a callback signed by one gateway verifies in another.
    started = gw.start(order(), CardInput("4111111111111111", "A B", "12", "40", "123"))
    fields = gw.acs_submit(started.form_fields[ACS_STATE_FIELD], "123456")
    again = providers.gateway(db, "test", config=BASE)
    assert again.verify_callback(fields, order()).status == "approved"
    assert installation_secret(db, SECRET_NAME) == gw._secret


def test_without_a_config_the_module_settings_are_used(db: Session, monkeypatch):
    monkeypatch.setattr(
        settings_module, "settings", dataclasses.replace(BASE, payment_gateway="nope")
    )
    with pytest.raises(GatewayNotConfigured, match="IZTIM_PAYMENT_GATEWAY"):
        providers.gateway(db)
    monkeypatch.setattr(settings_module, "settings", BASE)
    assert providers.gateway(db).name == "test"


def test_the_return_url_is_relative_for_the_test_bank_absolute_for_a_real_one(db: Session):
    config = Settings.from_env(IYZICO_ENV)
    test_bank = providers.gateway(db, "test", config=config)
    assert providers.return_url(test_bank, config=config) == "/portal/odeme/donus"

    class Real:
        name = "iyzico"

    assert (
        providers.return_url(Real(), config=config)
        == "https://portal.example.com.tr/portal/odeme/donus"
    )


def test_an_unknown_gateway_is_a_clear_error(db: Session):
    with pytest.raises(GatewayNotConfigured, match="one of test, iyzico, not 'paypal'"):
        providers.gateway(db, config=dataclasses.replace(BASE, payment_gateway="paypal"))
    with pytest.raises(GatewayNotConfigured, match="unknown payment gateway 'other'"):
        providers.gateway(db, "other", config=BASE)
    with pytest.raises(GatewayNotConfigured):
        providers.check_configuration(dataclasses.replace(BASE, payment_gateway="paypal"))


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        (("IZTIM_IYZICO_API_KEY",), "IZTIM_IYZICO_API_KEY"),
        (("IZTIM_IYZICO_SECRET_KEY",), "IZTIM_IYZICO_SECRET_KEY"),
        (("IZTIM_IYZICO_API_KEY", "IZTIM_IYZICO_SECRET_KEY"), "IZTIM_IYZICO_API_KEY, IZTIM_"),
    ],
)
def test_iyzico_without_its_keys_fails_at_start_up_naming_them(db: Session, missing, named):
    env = {k: v for k, v in IYZICO_ENV.items() if k not in missing}
    config = Settings.from_env(env)
    with pytest.raises(GatewayNotConfigured, match=named) as raised:
        providers.check_configuration(config)
    assert "sandbox-secret-key" not in str(raised.value)
    assert "sandbox-api-key" not in str(raised.value)
    with pytest.raises(GatewayNotConfigured, match=named):
        providers.gateway(db, config=config)
    # A stored iyzico attempt completing under a test-bank configuration needs the keys too.
    with pytest.raises(GatewayNotConfigured, match=named):
        providers.gateway(db, "iyzico", config=dataclasses.replace(config, payment_gateway="test"))


def test_the_test_bank_configuration_checks_clean():
    providers.check_configuration(BASE)  # nothing to check, no database needed
