"""Loading a tariff folder: what a valid folder becomes, and every mistake it can hold.

Each validation case changes BASE in one place and names the exact `FILE:LINE: code`
problems expected; a folder with any problem must yield no TariffSet.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.tariffs.errors import Problem
from iztim_app.core.tariffs.loader import files_from_dir, files_from_zip, load_tariff_set
from iztim_app.i18n import CATALOGUE, translate

from .conftest import render

# --------------------------------------------------------------------------- a valid folder


def test_valid_folder_becomes_a_tariff_set_with_decimals_in_file_order(base_tariff):
    ts = base_tariff
    assert list(ts.lines) == ["kasko", "trafik"]
    kasko = ts.lines["kasko"]
    assert kasko.line.min_premium == Decimal("1000.00")
    assert (kasko.line.quote_valid_days, kasko.line.max_installments) == (15, 9)
    assert ts.lines["trafik"].line.min_retained == Decimal("300.00")
    assert [(g.code, g.kind) for g in ts.customer_groups.values()] == [
        ("bireysel", "individual"),
        ("kurumsal", "corporate"),
    ]
    assert [(t.code, t.rate) for t in ts.lines["trafik"].taxes] == [
        ("THGF", Decimal("0.05")),
        ("GHP", Decimal("0.02")),
        ("BSMV", Decimal("0.05")),
    ]
    assert [(r.up_to_days, r.earned_percent) for r in ts.short_rate][:2] == [
        (30, Decimal("20")),
        (90, Decimal("40")),
    ]
    assert {c.code: c.method for c in ts.cancellation_reasons.values()} == {
        "talep": "short_rate",
        "sirket": "pro_rata",
        "tam_hasar": "none",
        "baslangic": "full",
    }
    model_year = kasko.get_field("model_year")
    assert (model_year.type, model_year.required, model_year.min, model_year.max) == (
        "integer",
        True,
        Decimal("1990"),
        Decimal("2027"),
    )
    assert kasko.get_field("plate").help_en == "Example: 34 ABC 123"
    assert [c.value for c in kasko.choices_for("usage")] == ["hususi", "ticari", "taksi"]
    assert kasko.rate_keys == ("usage",)
    assert [(r.customer_group, r.keys, r.fixed, r.line_no) for r in kasko.rates][2] == (
        "kurumsal",
        ("ticari",),
        Decimal("100.00"),
        4,
    )
    assert [f.factor for f in kasko.factors] == [
        "driver_age",
        "driver_age",
        "vehicle_age",
        "vehicle_age",
        "lpg",
        "lpg",
    ]
    assert all(isinstance(r.multiplier, Decimal) for r in kasko.factors)


def test_optional_columns_of_fields_csv_may_be_left_out(base_tariff):
    step = base_tariff.lines["trafik"].get_field("step")
    assert (step.min, step.max, step.help_tr, step.help_en) == (None, None, "", "")


def test_a_line_without_choices_and_factors_files_is_valid(tariff):
    ts = tariff(
        {
            "trafik/fields.csv": "name,label_tr,label_en,type,required",
            "trafik/rates.csv": """
                customer_group,rate_per_mille,fixed
                *,0,1000.00
            """,
            "trafik/choices.csv": None,
            "trafik/factors.csv": None,
        }
    )
    assert ts.lines["trafik"].factors == ()


def test_folder_zip_and_memory_load_the_same_set(write_tariff):
    folder = write_tariff({"README.md": "# notes beside the tariff are ignored"})
    from_dir, problems = load_tariff_set(folder)
    assert problems == []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in files_from_dir(folder).items():
            archive.writestr(f"tariffs/{name}", body)  # zipped with its folder
    files = files_from_zip(buffer.getvalue())
    assert "lines.csv" in files and "kasko/rates.csv" in files
    from_zip, problems = load_tariff_set(files)
    assert problems == []
    assert from_zip == from_dir


def test_hidden_files_are_not_read_from_a_folder(write_tariff):
    folder = write_tariff({".~lock.lines.csv#": b"\xff\xfe", "kasko/.DS_Store": b"\x00\x01"})
    assert set(files_from_dir(folder)) == set(render())


def test_a_path_that_is_not_a_folder_is_bad_input(tmp_path):
    with pytest.raises(ValidationFailed) as caught:
        load_tariff_set(tmp_path / "missing")
    assert caught.value.code == "tariff.dir_not_found"


def test_a_broken_zip_is_bad_input():
    with pytest.raises(ValidationFailed) as caught:
        files_from_zip(b"PK not really a zip")
    assert caught.value.code == "tariff.zip_invalid"


def test_a_bom_is_accepted(tariff):
    ts = tariff({"lines.csv": b"\xef\xbb\xbf" + render()["lines.csv"]})
    assert list(ts.lines) == ["kasko", "trafik"]


def test_blank_lines_are_ignored_but_counted(load_files, locate):
    ts, problems = load_files(
        {
            "customer_groups.csv": (
                b"code,name_tr,name_en,kind\n\n"
                b"bireysel,Bireysel,Individual,individual\n"
                b"   \r\n,,,\nkurumsal,Kurumsal,,corporate\n"
            ),
        }
    )
    assert ts is None
    assert locate(problems) == ["customer_groups.csv:6: tariff.required_value"]


def test_windows_line_endings_count_one_line_each(load_files, locate):
    ts, problems = load_files(
        {
            "customer_groups.csv": (
                b"code,name_tr,name_en,kind\r\nbireysel,B,I,individual\r\nkurumsal,K,C,firma\r\n"
            )
        }
    )
    assert ts is None
    assert locate(problems) == ["customer_groups.csv:3: tariff.bad_kind"]


def test_a_quoted_cell_over_two_lines_keeps_later_line_numbers(load_files, locate):
    ts, problems = load_files(
        {
            "kasko/fields.csv": """
                name,label_tr,label_en,type,required,min,max,help_tr,help_en
                usage,Kullanım şekli,Usage,choice,yes,,,"İki
                satırlık yardım",Help
                model_year,Model yılı,Model year,integer,yes,1990,2027,,
                birth_date,Doğum tarihi,Date of birth,date,yes,,,,
                lpg,LPG'li,LPG,boolean,yes,,,,
                plate,Plaka,Plate,txt,no,,,,
            """
        }
    )
    assert ts is None
    assert locate(problems) == ["kasko/fields.csv:7: tariff.field.bad_type"]


# --------------------------------------------------------------------------- problems

LINE_ROW = "kasko,Kasko,Motor own damage,1000.00,15,9,0"
LINES_HEADER = "code,name_tr,name_en,min_premium,quote_valid_days,max_installments,min_retained"
TRAFIK_ROW = "trafik,Trafik,Motor third-party liability,500.00,15,4,300.00"


def lines_csv(*rows: str) -> str:
    return "\n".join((LINES_HEADER, *rows))


def kasko_rates(*rows: str, header: str = "customer_group,usage,rate_per_mille,fixed") -> str:
    return "\n".join((header, *rows))


def kasko_factors(*extra: str) -> str:
    return "\n".join(
        (
            "factor,field,value,min,max,multiplier",
            "driver_age,age,,,25,1.25",
            "driver_age,age,,25,,1.00",
            "vehicle_age,vehicle_age,,,5,1.00",
            "vehicle_age,vehicle_age,,5,,1.20",
            "lpg,lpg,yes,,,1.10",
            "lpg,lpg,no,,,1.00",
            *extra,
        )
    )


def kasko_fields(*extra: str, plate: str = "plate,Plaka,Plate,text,no,,,,") -> str:
    return "\n".join(
        (
            "name,label_tr,label_en,type,required,min,max,help_tr,help_en",
            "usage,Kullanım şekli,Usage,choice,yes,,,,",
            "model_year,Model yılı,Model year,integer,yes,1990,2027,,",
            "birth_date,Doğum tarihi,Date of birth,date,yes,,,,",
            "lpg,LPG'li,LPG,boolean,yes,,,,",
            plate,
            *extra,
        )
    )


USAGE_OPTIONS = "field,value,label_tr,label_en\nusage,hususi,H,P\nusage,ticari,T,C\nusage,taksi,T,T"


def short_rate(*rows: str) -> str:
    return "\n".join(("up_to_days,earned_percent", *rows))


CASES = {
    # ---- files
    "missing top file": ({"lines.csv": None}, ["lines.csv:1: tariff.missing_file"]),
    "missing groups": (
        {"customer_groups.csv": None},
        ["customer_groups.csv:1: tariff.missing_file"],
    ),
    "missing taxes": ({"taxes.csv": None}, ["taxes.csv:1: tariff.missing_file"]),
    "missing short rate": ({"short_rate.csv": None}, ["short_rate.csv:1: tariff.missing_file"]),
    "missing reasons": (
        {"cancellation_reasons.csv": None},
        ["cancellation_reasons.csv:1: tariff.missing_file"],
    ),
    "missing fields.csv": ({"kasko/fields.csv": None}, ["kasko/fields.csv:1: tariff.missing_file"]),
    "missing rates.csv": ({"kasko/rates.csv": None}, ["kasko/rates.csv:1: tariff.missing_file"]),
    "line without folder": (
        {
            f"trafik/{name}": None
            for name in ("fields.csv", "choices.csv", "rates.csv", "factors.csv")
        },
        ["lines.csv:3: tariff.line_without_folder"],
    ),
    "folder without line": (
        {"dask/fields.csv": "name,label_tr,label_en,type,required"},
        ["dask/fields.csv:1: tariff.folder_without_line"],
    ),
    "misspelt line file": ({"kasko/factor.csv": "x"}, ["kasko/factor.csv:1: tariff.unknown_file"]),
    "misspelt top file": ({"tax.csv": "x"}, ["tax.csv:1: tariff.unknown_file"]),
    "csv nested too deep": (
        {"kasko/old/rates.csv": "x"},
        ["kasko/old/rates.csv:1: tariff.unknown_file"],
    ),
    "not utf-8": (
        {
            "customer_groups.csv": (
                "code,name_tr,name_en,kind\n"
                "bireysel,Bireysel,Individual,individual\n"
                "kurumsal,Kurumsal,Corporate,corporate\n"
                "kobi,KOB\u0130,SME,corporate\n"
            ).encode("cp1254")
        },
        ["customer_groups.csv:4: tariff.not_utf8"],
    ),
    "empty file": ({"taxes.csv": ""}, ["taxes.csv:1: tariff.empty_file"]),
    "bad quoting": (
        {
            "cancellation_reasons.csv": (
                'code,name_tr,name_en,method\ntalep,"Sigortalı" talebi,Request,short_rate'
            )
        },
        ["cancellation_reasons.csv:2: tariff.csv_error"],
    ),
    # ---- columns
    "misspelt column is unknown and the real one missing": (
        {
            "lines.csv": lines_csv().replace("min_premium", "min_premum")
            + f"\n{LINE_ROW}\n{TRAFIK_ROW}"
        },
        ["lines.csv:1: tariff.unknown_column", "lines.csv:1: tariff.missing_column"],
    ),
    "extra column": (
        {
            "customer_groups.csv": """
                code,name_tr,name_en,kind,note
                bireysel,Bireysel,Individual,individual,
                kurumsal,Kurumsal,Corporate,corporate,
            """
        },
        ["customer_groups.csv:1: tariff.unknown_column"],
    ),
    "duplicate column": (
        {
            "kasko/choices.csv": """
                field,value,label_tr,label_en,label_en
                usage,hususi,Hususi,Private,Private
                usage,ticari,Ticari,Commercial,Commercial
                usage,taksi,Taksi,Taxi,Taxi
            """
        },
        ["kasko/choices.csv:1: tariff.duplicate_column"],
    ),
    "row with an extra cell": (
        {
            "cancellation_reasons.csv": """
                code,name_tr,name_en,method
                talep,Sigortalı talebi,At the insured's request,short_rate
                sirket,Şirket feshi,By the insurer,pro_rata,extra
            """
        },
        ["cancellation_reasons.csv:3: tariff.cell_count"],
    ),
    # ---- lines.csv
    "blank name": (
        {"lines.csv": lines_csv("kasko,,Motor,1000,15,9,0", TRAFIK_ROW)},
        ["lines.csv:2: tariff.required_value"],
    ),
    "non-numeric min premium": (
        {"lines.csv": lines_csv('kasko,Kasko,Motor,"1.000,00",15,9,0', TRAFIK_ROW)},
        ["lines.csv:2: tariff.not_number"],
    ),
    "negative min retained": (
        {"lines.csv": lines_csv(LINE_ROW, "trafik,Trafik,Motor,500.00,15,4,-300")},
        ["lines.csv:3: tariff.negative"],
    ),
    "fractional validity days": (
        {"lines.csv": lines_csv("kasko,Kasko,Motor,1000,15.5,9,0", TRAFIK_ROW)},
        ["lines.csv:2: tariff.not_integer"],
    ),
    "zero installments": (
        {"lines.csv": lines_csv("kasko,Kasko,Motor,1000,15,0,0", TRAFIK_ROW)},
        ["lines.csv:2: tariff.too_small"],
    ),
    "duplicate line code": (
        {"lines.csv": lines_csv(LINE_ROW, TRAFIK_ROW, LINE_ROW)},
        ["lines.csv:4: tariff.duplicate"],
    ),
    "line code not an identifier (its folder and taxes lose their line)": (
        {"lines.csv": lines_csv(LINE_ROW.replace("kasko", "Kasko", 1), TRAFIK_ROW)},
        [
            "lines.csv:2: tariff.bad_line_code",
            "taxes.csv:2: tariff.unknown_line",
            "kasko/fields.csv:1: tariff.folder_without_line",
        ],
    ),
    # ---- customer_groups.csv
    "bad kind": (
        {
            "customer_groups.csv": (
                "code,name_tr,name_en,kind\n"
                "bireysel,Bireysel,Individual,bireysel\nkurumsal,K,C,corporate"
            )
        },
        ["customer_groups.csv:2: tariff.bad_kind"],
    ),
    "code with a space": (
        {
            "customer_groups.csv": (
                "code,name_tr,name_en,kind\nbireysel,B,I,individual\n"
                "kurumsal,K,C,corporate\nkamu personeli,K,P,individual"
            )
        },
        ["customer_groups.csv:4: tariff.bad_code"],
    ),
    "duplicate group": (
        {
            "customer_groups.csv": (
                "code,name_tr,name_en,kind\nbireysel,B,I,individual\n"
                "kurumsal,K,C,corporate\nbireysel,B,I,individual"
            )
        },
        ["customer_groups.csv:4: tariff.duplicate"],
    ),
    # ---- taxes.csv
    "tax of an unknown line": (
        {"taxes.csv": "line,code,name_tr,name_en,rate\nkasko,BSMV,B,B,0.05\ndask,BSMV,B,B,0.05"},
        ["taxes.csv:3: tariff.unknown_line"],
    ),
    "tax rate given as percent": (
        {"taxes.csv": "line,code,name_tr,name_en,rate\nkasko,BSMV,B,B,5"},
        ["taxes.csv:2: tariff.too_large"],
    ),
    "duplicate tax of a line": (
        {
            "taxes.csv": (
                "line,code,name_tr,name_en,rate\nkasko,BSMV,B,B,0.05\n"
                "trafik,BSMV,B,B,0.05\nkasko,BSMV,B,B,0.05"
            )
        },
        ["taxes.csv:4: tariff.duplicate"],
    ),
    # ---- short_rate.csv
    "short rate not ascending": (
        {"short_rate.csv": short_rate("30,20", "90,40", "60,50", "180,70", "366,100")},
        ["short_rate.csv:4: tariff.short_rate.not_ascending"],
    ),
    "short rate percent decreasing": (
        {"short_rate.csv": short_rate("30,20", "90,15", "366,100")},
        ["short_rate.csv:3: tariff.short_rate.decreasing"],
    ),
    "short rate over 100": (
        {"short_rate.csv": short_rate("30,20", "366,105")},
        ["short_rate.csv:3: tariff.too_large"],
    ),
    "short rate not reaching 366": (
        {"short_rate.csv": short_rate("30,20", "365,100")},
        ["short_rate.csv:3: tariff.short_rate.too_short"],
    ),
    "short rate without rows": (
        {"short_rate.csv": short_rate()},
        ["short_rate.csv:1: tariff.short_rate.empty"],
    ),
    "non-numeric days": (
        {"short_rate.csv": short_rate("thirty,20", "366,100")},
        ["short_rate.csv:2: tariff.not_integer"],
    ),
    # ---- cancellation_reasons.csv
    "unknown method": (
        {"cancellation_reasons.csv": "code,name_tr,name_en,method\niade,İade,Refund,gun_esasi"},
        ["cancellation_reasons.csv:2: tariff.bad_method"],
    ),
    "duplicate reason": (
        {"cancellation_reasons.csv": "code,name_tr,name_en,method\nx,X,X,full\nx,X,X,none"},
        ["cancellation_reasons.csv:3: tariff.duplicate"],
    ),
    # ---- fields.csv
    "field name not an identifier": (
        {"kasko/fields.csv": kasko_fields(plate="Plate,Plaka,Plate,text,no,,,,")},
        ["kasko/fields.csv:6: tariff.field.bad_name"],
    ),
    "field named like a derived value": (
        {"kasko/fields.csv": kasko_fields(plate="age,Yaş,Age,integer,no,,,,")},
        ["kasko/fields.csv:6: tariff.field.reserved"],
    ),
    "unknown field type": (
        {"kasko/fields.csv": kasko_fields(plate="plate,Plaka,Plate,string,no,,,,")},
        ["kasko/fields.csv:6: tariff.field.bad_type"],
    ),
    "required not yes/no": (
        {"kasko/fields.csv": kasko_fields(plate="plate,Plaka,Plate,text,evet,,,,")},
        ["kasko/fields.csv:6: tariff.not_boolean"],
    ),
    "bounds on a text field": (
        {"kasko/fields.csv": kasko_fields(plate="plate,Plaka,Plate,text,no,1,,,")},
        ["kasko/fields.csv:6: tariff.field.bounds_not_numeric"],
    ),
    "min above max": (
        {"kasko/fields.csv": kasko_fields(plate="seats,Koltuk,Seats,integer,no,9,2,,")},
        ["kasko/fields.csv:6: tariff.min_over_max"],
    ),
    "non-numeric bound": (
        {"kasko/fields.csv": kasko_fields(plate="seats,Koltuk,Seats,integer,no,iki,,,")},
        ["kasko/fields.csv:6: tariff.not_number"],
    ),
    "duplicate field": (
        {"kasko/fields.csv": kasko_fields("plate,Plaka,Plate,text,no,,,,")},
        ["kasko/fields.csv:7: tariff.duplicate"],
    ),
    "choice field without options": (
        {"kasko/fields.csv": kasko_fields("colour,Renk,Colour,choice,no,,,,")},
        ["kasko/fields.csv:7: tariff.field.no_choices"],
    ),
    # ---- choices.csv
    "option of an unknown field": (
        {"kasko/choices.csv": f"{USAGE_OPTIONS}\ncolour,red,Kırmızı,Red"},
        ["kasko/choices.csv:5: tariff.unknown_field"],
    ),
    "option of a non-choice field": (
        {"kasko/choices.csv": f"{USAGE_OPTIONS}\nlpg,maybe,Belki,Maybe"},
        ["kasko/choices.csv:5: tariff.choice.not_choice_field"],
    ),
    "wildcard as an option": (
        {"kasko/choices.csv": f"{USAGE_OPTIONS}\nusage,*,Hepsi,All"},
        ["kasko/choices.csv:5: tariff.choice.wildcard"],
    ),
    "duplicate option": (
        {
            "kasko/choices.csv": (
                "field,value,label_tr,label_en\nusage,hususi,H,P\n"
                "usage,ticari,T,C\nusage,hususi,H,P"
            )
        },
        ["kasko/choices.csv:4: tariff.duplicate"],
    ),
    # ---- rates.csv
    "misspelt key column": (
        {
            "kasko/rates.csv": kasko_rates(
                "*,*,20,0", "*,hususi,15,0", header="customer_group,usag,rate_per_mille,fixed"
            )
        },
        ["kasko/rates.csv:1: tariff.rates.unknown_column"],
    ),
    "key column on a number field": (
        {
            "kasko/rates.csv": kasko_rates(
                "*,*,20,0", header="customer_group,model_year,rate_per_mille,fixed"
            )
        },
        ["kasko/rates.csv:1: tariff.rates.key_not_choice"],
    ),
    "rates without fixed": (
        {"kasko/rates.csv": kasko_rates("*,*,20", header="customer_group,usage,rate_per_mille")},
        ["kasko/rates.csv:1: tariff.missing_column"],
    ),
    "unknown group in rates": (
        {"kasko/rates.csv": kasko_rates("*,*,20,0", "kobi,ticari,18,0")},
        ["kasko/rates.csv:3: tariff.unknown_group"],
    ),
    "unknown option in rates": (
        {"kasko/rates.csv": kasko_rates("*,*,20,0", "*,ozel,18,0")},
        ["kasko/rates.csv:3: tariff.unknown_choice"],
    ),
    "boolean key not yes/no": (
        {
            "kasko/rates.csv": kasko_rates(
                "*,*,20,0", "*,evet,21,0", header="customer_group,lpg,rate_per_mille,fixed"
            )
        },
        ["kasko/rates.csv:3: tariff.not_boolean"],
    ),
    "blank key cell": (
        {"kasko/rates.csv": kasko_rates("*,*,20,0", "bireysel,,18,0")},
        ["kasko/rates.csv:3: tariff.required_value"],
    ),
    "non-numeric rate": (
        {"kasko/rates.csv": kasko_rates("*,*,yirmi,0")},
        ["kasko/rates.csv:2: tariff.not_number"],
    ),
    "blank fixed": (
        {"kasko/rates.csv": kasko_rates("*,*,20,")},
        ["kasko/rates.csv:2: tariff.required_value"],
    ),
    "negative rate": (
        {"kasko/rates.csv": kasko_rates("*,*,-20,0")},
        ["kasko/rates.csv:2: tariff.negative"],
    ),
    "no rate rows": ({"kasko/rates.csv": kasko_rates()}, ["kasko/rates.csv:1: tariff.rates.empty"]),
    "same keys twice": (
        {"kasko/rates.csv": kasko_rates("*,*,20,0", "*,hususi,15,0", "*,hususi,16,0")},
        ["kasko/rates.csv:4: tariff.rates.duplicate"],
    ),
    "two rows with one * each can match the same quote": (
        {
            "kasko/rates.csv": kasko_rates(
                "*,*,*,20,0",
                "*,hususi,*,15,0",
                "*,*,yes,17,0",
                header="customer_group,usage,lpg,rate_per_mille,fixed",
            )
        },
        ["kasko/rates.csv:4: tariff.rates.ambiguous"],
    ),
    "group row and key row tie": (
        {"kasko/rates.csv": kasko_rates("*,*,20,0", "kurumsal,*,18,0", "*,ticari,19,0")},
        ["kasko/rates.csv:4: tariff.rates.ambiguous"],
    ),
    # ---- factors.csv
    "factor on an unknown field": (
        {"kasko/factors.csv": kasko_factors("colour,colour,red,,,1.10")},
        ["kasko/factors.csv:8: tariff.unknown_field"],
    ),
    "factor on a date field": (
        {"kasko/factors.csv": kasko_factors("born,birth_date,,,,1.10")},
        ["kasko/factors.csv:8: tariff.factors.date_field"],
    ),
    "age without birth_date": (
        {"trafik/factors.csv": "factor,field,value,min,max,multiplier\nage,age,,,,1.00"},
        ["trafik/factors.csv:2: tariff.factors.needs_birth_date"],
    ),
    "vehicle_age without model_year": (
        {"trafik/factors.csv": "factor,field,value,min,max,multiplier\nva,vehicle_age,,,,1.00"},
        ["trafik/factors.csv:2: tariff.factors.needs_model_year"],
    ),
    "one factor on two fields": (
        {"kasko/factors.csv": kasko_factors("lpg,usage,taksi,,,1.10")},
        ["kasko/factors.csv:8: tariff.factors.mixed_fields"],
    ),
    "bounds on a value factor": (
        {"kasko/factors.csv": kasko_factors("usage,usage,taksi,1,,1.10")},
        ["kasko/factors.csv:8: tariff.factors.bounds_not_allowed"],
    ),
    "value on a band factor": (
        {"kasko/factors.csv": kasko_factors("si,sum_insured,100000,,,1.10")},
        ["kasko/factors.csv:8: tariff.factors.value_not_allowed"],
    ),
    "empty band": (
        {"kasko/factors.csv": kasko_factors("si,sum_insured,,500000,100000,1.10")},
        ["kasko/factors.csv:8: tariff.factors.band_empty"],
    ),
    "non-numeric bound in a band": (
        {"kasko/factors.csv": kasko_factors("si,sum_insured,,yüz bin,,1.10")},
        ["kasko/factors.csv:8: tariff.not_number"],
    ),
    "non-numeric multiplier": (
        {"kasko/factors.csv": kasko_factors("usage,usage,taksi,,,%10")},
        ["kasko/factors.csv:8: tariff.not_number"],
    ),
    "zero multiplier": (
        {"kasko/factors.csv": kasko_factors("usage,usage,taksi,,,0")},
        ["kasko/factors.csv:8: tariff.not_positive"],
    ),
    "unknown option in a factor": (
        {"kasko/factors.csv": kasko_factors("usage,usage,ozel,,,1.10")},
        ["kasko/factors.csv:8: tariff.unknown_choice"],
    ),
    "boolean factor not yes/no": (
        {"kasko/factors.csv": kasko_factors().replace("lpg,lpg,no", "lpg,lpg,hayır")},
        ["kasko/factors.csv:7: tariff.not_boolean"],
    ),
    "value factor without value": (
        {"kasko/factors.csv": kasko_factors("usage,usage,,,,1.10")},
        ["kasko/factors.csv:8: tariff.required_value"],
    ),
    "overlapping bands": (
        {
            "kasko/factors.csv": kasko_factors().replace(
                "driver_age,age,,25,,1.00", "driver_age,age,,24,,1.00"
            )
        },
        ["kasko/factors.csv:3: tariff.factors.overlap"],
    ),
    "two open-ended bands": (
        {"kasko/factors.csv": kasko_factors("driver_age,age,,70,,1.30")},
        ["kasko/factors.csv:8: tariff.factors.overlap"],
    ),
    "same value twice": (
        {"kasko/factors.csv": kasko_factors("lpg,lpg,yes,,,1.20")},
        ["kasko/factors.csv:8: tariff.factors.overlap"],
    ),
    "wildcard beside values": (
        {"kasko/factors.csv": kasko_factors("lpg,lpg,*,,,1.20")},
        ["kasko/factors.csv:8: tariff.factors.overlap"],
    ),
    "factors without multiplier column": (
        {"kasko/factors.csv": "factor,field,value,min,max\nlpg,lpg,yes,,"},
        ["kasko/factors.csv:1: tariff.missing_column"],
    ),
}


@pytest.mark.parametrize(("overrides", "expected"), list(CASES.values()), ids=list(CASES))
def test_each_mistake_is_reported_at_its_file_and_line(load_files, locate, overrides, expected):
    tariff_set, problems = load_files(overrides)
    assert locate(problems) == expected
    assert tariff_set is None


def test_a_more_specific_row_resolves_a_tie(tariff):
    ts = tariff(
        {
            "kasko/rates.csv": kasko_rates(
                "*,*,*,20,0",
                "*,hususi,*,15,0",
                "*,*,yes,17,0",
                "*,hususi,yes,16,0",
                header="customer_group,usage,lpg,rate_per_mille,fixed",
            )
        }
    )
    assert len(ts.lines["kasko"].rates) == 4


def test_a_folder_with_several_mistakes_reports_all_of_them_in_file_order(load_files):
    tariff_set, problems = load_files(
        {
            "customer_groups.csv": (
                "code,name_tr,name_en,kind\nbireysel,B,I,individual\nkurumsal,K,C,kurumsal"
            ),
            "short_rate.csv": short_rate("30,20", "366,105"),
            "kasko/rates.csv": kasko_rates("*,*,20,0", "kobi,ticari,18,0"),
            "kasko/factors.csv": kasko_factors("lpg,lpg,yes,,,1.20"),
            "trafik/factors.csv": "factor,field,value,min,max,multiplier\nbasamak,step,9,,,1.50",
        }
    )
    assert tariff_set is None
    assert [str(p) for p in problems] == [
        'customer_groups.csv:3: Geçersiz müşteri türü "kurumsal" (geçerli: individual, corporate).',
        'short_rate.csv:3: "earned_percent" en çok 100 olabilir: 105.',
        'kasko/rates.csv:3: Bilinmeyen müşteri grubu "kobi": customer_groups.csv içinde yok.',
        'kasko/factors.csv:8: "lpg" çarpanında bu satır 6. satırla çakışıyor; her değere tek bir '
        "satır uymalı.",
        'trafik/factors.csv:2: "9", "step" alanının choices.csv içindeki seçeneklerinden biri '
        "değil.",
    ]
    assert problems[0].format("en") == (
        'customer_groups.csv:3: Invalid customer kind "kurumsal" (valid: individual, corporate).'
    )


def test_every_problem_code_has_both_texts_and_fills_its_params():
    """Each code a case above produces is in the catalogue; no `{param}` is left unfilled."""
    for overrides, _expected in CASES.values():
        _ts, problems = load_tariff_set(render(overrides))
        for problem in problems:
            assert problem.code in CATALOGUE, problem.code
            for lang in ("tr", "en"):
                text = translate(problem.code, lang, **problem.params)
                assert not re.search(r"\{\w+\}", text), (problem.code, lang, text)


def test_problem_prints_as_file_line_message():
    problem = Problem("kasko/rates.csv", 7, "tariff.unknown_group", {"value": "kobi"})
    assert (
        str(problem)
        == 'kasko/rates.csv:7: Bilinmeyen müşteri grubu "kobi": customer_groups.csv içinde yok.'
    )
    assert (
        problem.format("en")
        == 'kasko/rates.csv:7: Unknown customer group "kobi": not in customer_groups.csv.'
    )
