"""A small, readable tariff folder for tests; each test overrides only what it is about.

`BASE` is valid. Overrides map a relative path to CSV text (dedented, so it can be
indented in the test), to raw bytes, or to None to leave the file out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from iztim_app.core.tariffs.errors import Problem
from iztim_app.core.tariffs.loader import load_tariff_set
from iztim_app.core.tariffs.model import TariffSet

Files = dict[str, str | bytes | None]

BASE: dict[str, str] = {
    "lines.csv": """
        code,name_tr,name_en,min_premium,quote_valid_days,max_installments,min_retained
        kasko,Kasko,Motor own damage,1000.00,15,9,0
        trafik,Trafik,Motor third-party liability,500.00,15,4,300.00
    """,
    "customer_groups.csv": """
        code,name_tr,name_en,kind
        bireysel,Bireysel,Individual,individual
        kurumsal,Kurumsal,Corporate,corporate
    """,
    "taxes.csv": """
        line,code,name_tr,name_en,rate
        kasko,BSMV,Banka ve Sigorta Muameleleri Vergisi,Banking and insurance transactions tax,0.05
        trafik,THGF,Trafik Hizmetleri Geliştirme Fonu,Traffic services fund,0.05
        trafik,GHP,Güvence Hesabı Payı,Guarantee account share,0.02
        trafik,BSMV,Banka ve Sigorta Muameleleri Vergisi,Banking and insurance transactions tax,0.05
    """,
    "short_rate.csv": """
        up_to_days,earned_percent
        30,20
        90,40
        180,70
        270,85
        366,100
    """,
    "cancellation_reasons.csv": """
        code,name_tr,name_en,method
        talep,Sigortalı talebi,At the insured's request,short_rate
        sirket,Şirket feshi,By the insurer,pro_rata
        tam_hasar,Tam hasar,Total loss,none
        baslangic,Başlangıçtan iptal,From inception,full
    """,
    "kasko/fields.csv": """
        name,label_tr,label_en,type,required,min,max,help_tr,help_en
        usage,Kullanım şekli,Usage,choice,yes,,,,
        model_year,Model yılı,Model year,integer,yes,1990,2027,,
        birth_date,Doğum tarihi,Date of birth,date,yes,,,,
        lpg,LPG'li,LPG,boolean,yes,,,,
        plate,Plaka,Plate,text,no,,,Örnek: 34 ABC 123,Example: 34 ABC 123
    """,
    "kasko/choices.csv": """
        field,value,label_tr,label_en
        usage,hususi,Hususi,Private
        usage,ticari,Ticari,Commercial
        usage,taksi,Taksi,Taxi
    """,
    "kasko/rates.csv": """
        customer_group,usage,rate_per_mille,fixed
        *,*,20.00,0
        *,hususi,15.00,0
        kurumsal,ticari,18.00,100.00
    """,
    "kasko/factors.csv": """
        factor,field,value,min,max,multiplier
        driver_age,age,,,25,1.25
        driver_age,age,,25,,1.00
        vehicle_age,vehicle_age,,,5,1.00
        vehicle_age,vehicle_age,,5,,1.20
        lpg,lpg,yes,,,1.10
        lpg,lpg,no,,,1.00
    """,
    "trafik/fields.csv": """
        name,label_tr,label_en,type,required
        step,Basamak,No-claims step,choice,yes
    """,
    "trafik/choices.csv": """
        field,value,label_tr,label_en
        step,0,0. basamak,Step 0
        step,1,1. basamak,Step 1
        step,2,2. basamak,Step 2
    """,
    "trafik/rates.csv": """
        customer_group,step,rate_per_mille,fixed
        *,*,0,1000.00
    """,
    "trafik/factors.csv": """
        factor,field,value,min,max,multiplier
        basamak,step,0,,,1.50
        basamak,step,1,,,1.00
        basamak,step,2,,,0.80
    """,
}

# A kasko quote every factor of BASE prices at 1.00: age 36, vehicle 4 years old, no LPG.
KASKO_VALUES = {"usage": "hususi", "model_year": "2022", "birth_date": "1990-01-01", "lpg": "no"}


def render(overrides: Files | None = None, base: Files | None = None) -> dict[str, bytes]:
    """BASE with overrides applied, as the `{path: bytes}` mapping the loader takes."""
    merged = {**(BASE if base is None else base), **(overrides or {})}
    files = {}
    for name, content in merged.items():
        if content is None:
            continue
        if isinstance(content, str):
            content = (dedent(content).strip() + "\n").encode()
        files[name] = content
    return files


@pytest.fixture
def load_files() -> Callable[..., tuple[TariffSet | None, list[Problem]]]:
    """Load BASE + overrides from memory: `ts, problems = load_files({...})`."""

    def load(overrides: Files | None = None, base: Files | None = None):
        return load_tariff_set(render(overrides, base))

    return load


@pytest.fixture
def tariff(load_files) -> Callable[..., TariffSet]:
    """A valid TariffSet from BASE + overrides (fails the test if the folder is invalid)."""

    def make(overrides: Files | None = None, base: Files | None = None) -> TariffSet:
        tariff_set, problems = load_files(overrides, base)
        assert [str(p) for p in problems] == []
        assert tariff_set is not None
        return tariff_set

    return make


@pytest.fixture
def kasko_values() -> dict[str, str]:
    return dict(KASKO_VALUES)


@pytest.fixture
def base_tariff(tariff) -> TariffSet:
    return tariff()


@pytest.fixture
def write_tariff(tmp_path: Path) -> Callable[..., Path]:
    """Write BASE + overrides as a real folder under tmp_path and return its path."""

    def write(overrides: Files | None = None, base: Files | None = None) -> Path:
        root = tmp_path / "tariffs"
        for name, content in render(overrides, base).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return root

    return write


def located(problems: list[Problem]) -> list[str]:
    """`FILE:LINE: code` for each problem: what validation tests compare."""
    return [f"{p.file}:{p.line}: {p.code}" for p in problems]


@pytest.fixture
def locate() -> Callable[[list[Problem]], list[str]]:
    return located
