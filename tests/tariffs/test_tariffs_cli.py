"""`iztim tariffs check`, `iztim price`, `iztim refund`: output, exit codes, stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from iztim_app.cli import main


@pytest.fixture
def run(monkeypatch):
    """Invoke the CLI in Turkish unless `lang` is given; stdout and stderr kept apart."""
    monkeypatch.delenv("IZTIM_LANG", raising=False)

    def invoke(*args: str, lang: str | None = None):
        env = {"IZTIM_LANG": lang} if lang else {}
        return CliRunner().invoke(main, list(args), env=env)

    return invoke


@pytest.fixture
def folder(write_tariff):
    return str(write_tariff())


def snapshot(path):
    return {p: p.read_bytes() if p.is_file() else None for p in sorted(path.rglob("*"))}


# --------------------------------------------------------------------------- check


def test_check_a_valid_folder_exits_0(run, folder):
    result = run("tariffs", "check", folder)
    assert result.exit_code == 0
    assert result.stdout == "Tarife geçerli: 2 branş.\n"


def test_check_prints_every_problem_and_exits_1(run, write_tariff):
    folder = write_tariff(
        {
            "kasko/rates.csv": (
                "customer_group,usage,rate_per_mille,fixed\n*,*,20,0\nkobi,ticari,18,0\n"
            ),
            "kasko/factors.csv": (
                "factor,field,value,min,max,multiplier\nlpg,lpg,yes,,,1.10\nlpg,lpg,yes,,,1.20\n"
            ),
        }
    )
    result = run("tariffs", "check", str(folder), lang="en")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'kasko/rates.csv:3: Unknown customer group "kobi": not in customer_groups.csv.',
        'kasko/factors.csv:3: In factor "lpg" this row overlaps line 2; exactly one row must '
        "match any value.",
    ]


def test_check_of_a_missing_folder_is_bad_input(run, tmp_path):
    result = run("tariffs", "check", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr == f"Hata: Tarife klasörü bulunamadı: {tmp_path / 'nope'}\n"


# --------------------------------------------------------------------------- price


def test_price_prints_one_json_object_with_amounts_as_strings(run, folder):
    # 100,000 × 15 ‰ = 1,500.00 × 1.10 LPG = 1,650.00; BSMV 82.50
    before = snapshot(Path(folder))
    result = run(*price_args(folder))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert list(data) == ["net_premium", "taxes", "gross_premium", "worksheet"]
    assert (data["net_premium"], data["taxes"], data["gross_premium"]) == (
        "1650.00",
        {"BSMV": "82.50"},
        "1732.50",
    )
    assert [step["kind"] for step in data["worksheet"]] == [
        "rate",
        "factor",
        "factor",
        "factor",
        "net",
        "tax",
        "gross",
    ]
    assert snapshot(Path(folder)) == before  # nothing written


def test_price_with_an_end_date_is_short_term(run, folder):
    # 60 days → 40 %: 1,000,000 × 15 ‰ × 1.10 = 16,500.00 × 40 % = 6,600.00
    result = run(*price_args(folder, sum_insured="1000000", end="2026-03-02"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["net_premium"] == "6600.00"
    assert data["worksheet"][4] == {
        "kind": "short_rate",
        "days": 60,
        "row": 3,
        "up_to_days": 90,
        "earned_percent": "40",
        "amount": "6600.00",
    }


def price_args(folder: str, extra: tuple[str, ...] = (), **changes: str | None) -> list[str]:
    """A valid kasko `price` command line with some options or `--set` fields changed
    (a value of None leaves the option or field out)."""
    options = {
        "--line": "kasko",
        "--group": "bireysel",
        "--sum-insured": "100000",
        "--start": "2026-01-01",
    }
    fields = {"usage": "hususi", "model_year": "2022", "birth_date": "1990-01-01", "lpg": "yes"}
    for name, value in changes.items():
        option = "--" + name.replace("_", "-")
        if option in options or option == "--end":
            options[option] = value
        else:
            fields[name] = value
    args = ["price", "--tariffs", folder]
    args += [
        item for option, value in options.items() if value is not None for item in (option, value)
    ]
    args += [
        item
        for name, value in fields.items()
        if value is not None
        for item in ("--set", f"{name}={value}")
    ]
    return args + list(extra)


@pytest.mark.parametrize(
    ("changes", "extra", "message"),
    [
        ({"line": "dask"}, (), 'Hata: Bilinmeyen branş "dask" (tanımlı: kasko, trafik).'),
        (
            {"group": "kobi"},
            (),
            'Hata: Bilinmeyen müşteri grubu "kobi" (tanımlı: bireysel, kurumsal).',
        ),
        ({"model_year": "1980"}, (), "Hata: Model yılı en az 1990 olmalı: 1980."),
        (
            {"usage": "ozel"},
            (),
            'Hata: "ozel", Kullanım şekli alanının seçeneklerinden biri değil (seçenekler: hususi, '
            "taksi, ticari).",
        ),
        ({"usage": None}, (), "Hata: Zorunlu alan boş: Kullanım şekli."),
        (
            {},
            ("--set", "colour=red"),
            'Hata: Bu branşta "colour" diye bir alan yok (alanlar: usage, model_year, birth_date, '
            "lpg, plate).",
        ),
        ({}, ("--set", "lpg"), 'Hata: --set ALAN=DEĞER biçiminde olmalı: "lpg".'),
        ({}, ("--set", "lpg=no"), 'Hata: "lpg" alanı iki kez verildi.'),
        (
            {"sum_insured": "yüz bin"},
            (),
            "Hata: Sigorta bedeli sıfır ya da pozitif bir tutar olmalı "
            '(ondalık ayırıcı nokta, en çok iki hane): "yüz bin".',
        ),
        (
            {"end": "2027-02-01"},
            (),
            "Hata: Kasko: sigorta süresi 396 gün; en çok 366 gün olabilir.",
        ),
        (
            {"start": "01.01.2026"},
            (),
            'Hata: Başlangıç tarihi YYYY-AA-GG biçiminde bir tarih olmalı: "01.01.2026".',
        ),
        ({"group": None}, (), "Hata: Missing option '--group'."),
    ],
)
def test_price_bad_input_exits_2_with_one_line(run, folder, changes, extra, message):
    result = run(*price_args(folder, extra, **changes))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message + "\n"


def test_price_with_no_rate_row_exits_2_naming_line_and_values(run, write_tariff):
    folder = write_tariff(
        {"kasko/rates.csv": "customer_group,usage,rate_per_mille,fixed\n*,hususi,15,0\n"}
    )
    result = run(*price_args(str(folder), group="kurumsal", usage="ticari"), lang="en")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Motor own damage: no rate row (rates.csv) fits this quote: "
        "customer_group=kurumsal, usage=ticari.\n"
    )


def test_price_with_an_invalid_folder_exits_2(run, write_tariff):
    folder = write_tariff({"taxes.csv": None})
    result = run(*price_args(str(folder)), lang="en")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: The tariff in {folder} is invalid (1 problem(s); the first is "
        f"taxes.csv:1: File is missing.) Details: iztim tariffs check {folder}\n"
    )


# --------------------------------------------------------------------------- refund


def refund_args(folder: str, line: str, cancel: str, reason: str) -> list[str]:
    """A 1,000.00 policy for 2026, cancelled on `cancel` for `reason`."""
    return [
        "refund", "--tariffs", folder, "--line", line, "--premium", "1000.00",
        "--start", "2026-01-01", "--end", "2027-01-01", "--cancel", cancel, "--reason", reason,
    ]  # fmt: skip


def test_refund_prints_method_earned_refund(run, folder):
    # trafik 1,000.00 by the insurer on day 36: pro rata 98.63, raised to the kept 300.00
    result = run(*refund_args(folder, "trafik", "2026-02-06", "sirket"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "method": "pro_rata",
        "earned": "300.00",
        "refund": "700.00",
    }


def test_refund_after_the_end_exits_2(run, folder):
    result = run(*refund_args(folder, "kasko", "2027-01-02", "talep"))
    assert result.exit_code == 2
    assert result.stderr == (
        "Hata: Fesih tarihi (02.01.2027) poliçe süresi içinde olmalı (01.01.2026 – 01.01.2027).\n"
    )


def test_refund_unknown_reason_exits_2(run, folder):
    result = run(*refund_args(folder, "kasko", "2026-06-01", "iade"), lang="en")
    assert result.exit_code == 2
    assert result.stderr == (
        'Error: Unknown cancellation reason "iade" (defined: talep, sirket, tam_hasar, '
        "baslangic).\n"
    )


# --------------------------------------------------------------------------- python -m iztim_app


def test_python_m_iztim_app_price_and_bad_input(folder, tmp_path):
    env = {**os.environ, "IZTIM_LANG": "en"}
    command = [
        sys.executable, "-m", "iztim_app", "price", "--tariffs", folder, "--line", "trafik",
        "--group", "bireysel", "--sum-insured", "0", "--start", "2026-01-01", "--set", "step=0",
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    # fixed 1,000.00 × 1.50 = 1,500.00; THGF 75.00, GHP 30.00, BSMV 75.00
    assert (data["net_premium"], data["taxes"], data["gross_premium"]) == (
        "1500.00",
        {"THGF": "75.00", "GHP": "30.00", "BSMV": "75.00"},
        "1680.00",
    )

    bad = subprocess.run(
        command[:-1] + ["step=9"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.splitlines() == [
        'Error: "9" is not an option of No-claims step (options: 0, 1, 2).'
    ]
    assert list(tmp_path.iterdir()) == [tmp_path / "tariffs"]  # nothing written beside it
