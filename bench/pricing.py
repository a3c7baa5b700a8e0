"""Pricing throughput: the tariff engine against a hand-written Decimal formula.

    .venv/bin/python bench/pricing.py [--quotes N] [--tariffs DIR]

Uses the kasko line of the shipped `tariffs/` folder when it is present, valid and shaped
as the hand-written formula expects; otherwise a kasko-like tariff defined below. Both
sides price the same generated quotes (text input, as a form or the CLI gives it) in the
same process, and every gross premium is compared. Targets: ≥10,000 quotes/s on one core
and the engine within 5× of the hand-written formula.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from bisect import bisect_left
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from textwrap import dedent

from iztim_app.core.tariffs.loader import load_tariff_set
from iztim_app.core.tariffs.model import LineTariff, TariffSet
from iztim_app.core.tariffs.rating import price

LINE = "kasko"
# The structure the hand-written formula is written for: factor -> field, in file order.
FACTOR_FIELDS = {
    "province_group": "province_group",
    "no_claims": "no_claims_step",
    "driver_age": "age",
    "vehicle_age": "vehicle_age",
    "sum_insured_band": "sum_insured",
    "deductible": "deductible",
    "lpg": "lpg",
}
RATE_KEYS = ("vehicle_type", "usage")

BUILTIN = {
    "lines.csv": """
        code,name_tr,name_en,min_premium,quote_valid_days,max_installments,min_retained
        kasko,Kasko,Motor own damage,1500.00,15,9,0
    """,
    "customer_groups.csv": """
        code,name_tr,name_en,kind
        bireysel,Bireysel,Individual,individual
        kamu_personeli,Kamu Personeli,Public sector,individual
        kobi,KOBİ,SME,corporate
        kurumsal,Kurumsal,Corporate,corporate
    """,
    "taxes.csv": """
        line,code,name_tr,name_en,rate
        kasko,BSMV,BSMV,BSMV,0.05
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
        talep,Sigortalı talebi,Insured's request,short_rate
    """,
    "kasko/fields.csv": """
        name,label_tr,label_en,type,required,min,max,help_tr,help_en
        vehicle_type,Araç türü,Vehicle type,choice,yes,,,,
        usage,Kullanım,Usage,choice,yes,,,,
        model_year,Model yılı,Model year,integer,yes,1990,2027,,
        province_group,İl grubu,Province group,choice,yes,,,,
        no_claims_step,Hasarsızlık,No-claims step,choice,yes,,,,
        deductible,Muafiyet,Deductible,choice,yes,,,,
        lpg,LPG,LPG,boolean,yes,,,,
        birth_date,Doğum tarihi,Date of birth,date,yes,,,,
    """,
    "kasko/choices.csv": """
        field,value,label_tr,label_en
        vehicle_type,otomobil,Otomobil,Car
        vehicle_type,kamyonet,Kamyonet,Van
        vehicle_type,motosiklet,Motosiklet,Motorcycle
        usage,hususi,Hususi,Private
        usage,ticari,Ticari,Commercial
        usage,taksi,Taksi,Taxi
        province_group,1,1,1
        province_group,2,2,2
        province_group,3,3,3
        no_claims_step,0,0,0
        no_claims_step,1,1,1
        no_claims_step,2,2,2
        deductible,yok,Yok,None
        deductible,yuzde_2,%2,2%
    """,
    "kasko/rates.csv": """
        customer_group,vehicle_type,usage,rate_per_mille,fixed
        *,otomobil,*,34.00,0
        *,kamyonet,*,34.00,0
        *,motosiklet,*,55.00,0
        *,otomobil,hususi,28.00,0
        *,otomobil,taksi,48.00,0
        kamu_personeli,otomobil,hususi,25.20,0
        kurumsal,kamyonet,ticari,30.60,0
    """,
    "kasko/factors.csv": """
        factor,field,value,min,max,multiplier
        province_group,province_group,1,,,1.15
        province_group,province_group,2,,,1.00
        province_group,province_group,3,,,0.92
        no_claims,no_claims_step,0,,,1.00
        no_claims,no_claims_step,1,,,0.80
        no_claims,no_claims_step,2,,,0.70
        driver_age,age,,,25,1.25
        driver_age,age,,25,60,1.00
        driver_age,age,,60,,1.10
        vehicle_age,vehicle_age,,,3,1.00
        vehicle_age,vehicle_age,,3,10,1.08
        vehicle_age,vehicle_age,,10,,1.25
        sum_insured_band,sum_insured,,,500000,1.15
        sum_insured_band,sum_insured,,500000,2000000,1.00
        sum_insured_band,sum_insured,,2000000,,0.85
        deductible,deductible,yok,,,1.00
        deductible,deductible,yuzde_2,,,0.95
        lpg,lpg,yes,,,1.05
        lpg,lpg,no,,,1.00
    """,
}


def fits_hand_formula(tariff_set: TariffSet | None) -> bool:
    if tariff_set is None or LINE not in tariff_set.lines:
        return False
    tariff = tariff_set.lines[LINE]
    factors = {f.name: f.field for f in tariff.index.factors}
    names = {f.name for f in tariff.fields}
    return (
        factors == FACTOR_FIELDS
        and tariff.rate_keys == RATE_KEYS
        and {"model_year", "birth_date", "province_group", "no_claims_step", "deductible"} <= names
    )


def load(folder: Path) -> tuple[TariffSet, str]:
    if (folder / "lines.csv").exists():
        tariff_set, _problems = load_tariff_set(folder)
        if fits_hand_formula(tariff_set):
            return tariff_set, f"{folder}/{LINE}"  # type: ignore[return-value]
    files = {name: dedent(text).strip().encode() + b"\n" for name, text in BUILTIN.items()}
    tariff_set, problems = load_tariff_set(files)
    assert tariff_set is not None, [str(p) for p in problems]
    return tariff_set, "built-in kasko-like tariff"


class HandFormula:
    """The same tariff priced by plain code: no engine, tables copied once."""

    def __init__(self, tariff_set: TariffSet, tariff: LineTariff) -> None:
        self.rates = {
            (r.customer_group, *r.keys): (r.rate_per_mille, r.fixed) for r in tariff.rates
        }
        rows = {name: [r for r in tariff.factors if r.factor == name] for name in FACTOR_FIELDS}
        self.province = {r.value: r.multiplier for r in rows["province_group"]}
        self.no_claims = {r.value: r.multiplier for r in rows["no_claims"]}
        self.deductible = {r.value: r.multiplier for r in rows["deductible"]}
        self.lpg = {r.value: r.multiplier for r in rows["lpg"]}
        self.ages = [(r.min, r.max, r.multiplier) for r in rows["driver_age"]]
        self.vehicle_ages = [(r.min, r.max, r.multiplier) for r in rows["vehicle_age"]]
        self.sums = [(r.min, r.max, r.multiplier) for r in rows["sum_insured_band"]]
        self.short_days = [r.up_to_days for r in tariff_set.short_rate]
        self.short_percent = [r.earned_percent for r in tariff_set.short_rate]
        self.min_premium = tariff.line.min_premium
        self.taxes = [(t.code, t.rate) for t in tariff.taxes]

    @staticmethod
    def band(bands: list, x: object) -> Decimal:
        for low, high, multiplier in bands:
            if (low is None or x >= low) and (high is None or x < high):
                return multiplier
        raise LookupError(x)

    def price(self, group: str, sum_insured: str, start: str, end: str | None, v: dict) -> Decimal:
        si = Decimal(sum_insured)
        begin = date.fromisoformat(start)
        finish = begin.replace(year=begin.year + 1) if end is None else date.fromisoformat(end)
        days = (finish - begin).days
        vt, usage, rates = v["vehicle_type"], v["usage"], self.rates
        rate, fixed = (
            rates.get((group, vt, usage))
            or rates.get(("*", vt, usage))
            or rates.get((group, vt, "*"))
            or rates.get((group, "*", usage))
            or rates.get(("*", vt, "*"))
            or rates.get(("*", "*", usage))
            or rates.get((group, "*", "*"))
            or rates[("*", "*", "*")]
        )
        x = si * rate / 1000 + fixed
        x *= self.province[v["province_group"]]
        x *= self.no_claims[v["no_claims_step"]]
        born = date.fromisoformat(v["birth_date"])
        age = begin.year - born.year - ((begin.month, begin.day) < (born.month, born.day))
        x *= self.band(self.ages, age)
        x *= self.band(self.vehicle_ages, begin.year - int(v["model_year"]))
        x *= self.band(self.sums, si)
        x *= self.deductible[v["deductible"]]
        x *= self.lpg[v["lpg"]]
        if days < 365:
            x = x * self.short_percent[bisect_left(self.short_days, days)] / 100
        net = max(x.quantize(Decimal("0.01"), ROUND_HALF_UP), self.min_premium)
        gross = net
        for _code, tax_rate in self.taxes:
            gross += (net * tax_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return gross


def quotes(tariff_set: TariffSet, tariff: LineTariff, n: int) -> list[tuple]:
    """Varied text input: every choice, ages, model years, sums, short and annual terms."""
    rng = random.Random(20260115)
    options: dict[str, list[str]] = {}
    for choice in tariff.choices:
        options.setdefault(choice.field, []).append(choice.value)
    groups = list(tariff_set.customer_groups)
    first = date(2026, 1, 1)
    made = []
    for _ in range(n):
        start = first + timedelta(days=rng.randrange(365))
        end = (
            None
            if rng.random() < 0.8
            else (start + timedelta(days=rng.randrange(10, 364))).isoformat()
        )
        values = {name: rng.choice(values) for name, values in options.items()}
        values["lpg"] = rng.choice(("yes", "no"))
        values["model_year"] = str(rng.randrange(1995, 2027))
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
        values["birth_date"] = born.isoformat()
        sum_insured = f"{rng.randrange(100_000, 5_000_000, 500)}.{rng.randrange(100):02d}"
        made.append((rng.choice(groups), sum_insured, start.isoformat(), end, values))
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument(
        "--tariffs", type=Path, default=Path(__file__).resolve().parent.parent / "tariffs"
    )
    args = parser.parse_args()

    tariff_set, source = load(args.tariffs)
    tariff = tariff_set.lines[LINE]
    hand = HandFormula(tariff_set, tariff)
    inputs = quotes(tariff_set, tariff, args.quotes)

    started = time.perf_counter()
    engine_gross = [
        price(tariff_set, LINE, group, si, start, end, values).gross_premium
        for group, si, start, end, values in inputs
    ]
    engine_seconds = time.perf_counter() - started

    with localcontext(prec=60):  # the hand formula must be exact too, or results may differ
        started = time.perf_counter()
        hand_gross = [
            hand.price(group, si, start, end, values) for group, si, start, end, values in inputs
        ]
        hand_seconds = time.perf_counter() - started

    mismatches = sum(a != b for a, b in zip(engine_gross, hand_gross, strict=True))
    engine_rate = len(inputs) / engine_seconds
    hand_rate = len(inputs) / hand_seconds
    ratio = engine_seconds / hand_seconds
    out = sys.stdout
    out.write(f"tariff: {source}\n")
    out.write(f"quotes: {len(inputs)}\n")
    out.write(
        f"engine: {engine_rate:,.0f} quotes/s ({engine_seconds * 1e6 / len(inputs):.1f} µs each)\n"
    )
    out.write(
        f"hand-written formula: {hand_rate:,.0f} quotes/s ({hand_seconds * 1e6 / len(inputs):.1f} "
        f"µs each)\n"
    )
    out.write(f"ratio engine/hand: {ratio:.2f}x\n")
    out.write(f"mismatched gross premiums: {mismatches}\n")
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
