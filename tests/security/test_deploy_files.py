"""The deployment examples in deploy/: nginx accepts nginx.conf (`nginx -t`, with a
self-signed certificate made here), it proxies the event socket as a WebSocket and forwards
the client's address and scheme; the systemd unit restarts always and runs prod on one
port; env.example is a configuration the app reads as a real installation."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from iztim_app.core.settings import PROJECT_ROOT, Settings
from iztim_app.core.tariffs.versions import MAX_UPLOAD_BYTES

DEPLOY = PROJECT_ROOT / "deploy"
NGINX = DEPLOY / "nginx.conf"
UNIT = DEPLOY / "iztim.service"
ENV = DEPLOY / "env.example"
SECURITY_HEADERS = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
    "strict-transport-security",
)


def env_example() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in ENV.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", key), line
            found[key] = value
    return found


def nginx_block(text: str, opening: str) -> str:
    """The text of the `{...}` block that starts with `opening`."""
    start = text.index(opening)
    depth, i = 0, text.index("{", start)
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i : j + 1]
    raise AssertionError(f"unclosed block {opening}")


def server_block(text: str, marker: str) -> str:
    """The `server {...}` block holding `marker`."""
    starts = [m.start() for m in re.finditer(r"\bserver\s*\{", text)]
    blocks = [nginx_block(text[start:], "server") for start in starts]
    [found] = [block for block in blocks if marker in block]
    return found


def without_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


# ---------------------------------------------------------------- nginx


def test_nginx_accepts_the_example(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx (Debian: apt-get install nginx-light) or openssl not installed")
    # given the example with a self-signed certificate and every file path in tmp
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=iztim.example.com", "-keyout", str(tmp_path / "privkey.pem")]
        + ["-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    text = (
        NGINX.read_text()
        .replace("/etc/letsencrypt/live/iztim.example.com/", f"{tmp_path}/")
        .replace("/var/log/nginx/", f"{tmp_path}/")
        .replace("/run/nginx.pid", f"{tmp_path}/nginx.pid")
    )
    assert "/etc/" not in without_comments(text) and "/var/log" not in without_comments(text)
    config = tmp_path / "nginx.conf"
    config.write_text(text)
    # when nginx checks it
    result = subprocess.run(
        [nginx, "-t", "-c", str(config), "-e", str(tmp_path / "early.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # then it is valid
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_the_example_proxies_the_socket_forwards_the_client_and_redirects_to_https() -> None:
    text = without_comments(NGINX.read_text())
    assert text.count("{") == text.count("}")
    plain = server_block(text, "listen 80;")
    assert "return 301 https://$host$request_uri;" in plain
    tls = server_block(text, "listen 443 ssl")
    assert "ssl_certificate " in tls and "ssl_certificate_key " in tls
    assert "TLSv1.2 TLSv1.3" in tls
    # the client's address (the app trusts one hop: REFLEX_TRUSTED_PROXY_HOPS=1) and scheme
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in tls
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in tls
    # the event socket: upgraded to a WebSocket, kept open
    socket = nginx_block(tls, "location /_event")
    assert "proxy_set_header Upgrade $http_upgrade;" in socket
    assert "proxy_set_header Connection $connection_upgrade;" in socket
    assert re.search(r"proxy_read_timeout (\d+)h;", socket)
    assert "proxy_http_version 1.1;" in tls
    # a tariff upload fits
    size = re.search(r"client_max_body_size (\d+)m;", tls)
    assert size and int(size.group(1)) * 1024 * 1024 > MAX_UPLOAD_BYTES
    # the security headers come from the app only (two policies would both be enforced)
    for header in SECURITY_HEADERS:
        assert not re.search(rf"add_header\s+{header}", text, re.I), header
    # the upstream is the app's port
    port = re.search(r"server 127\.0\.0\.1:(\d+);", text)
    assert port and port.group(1) == env_example()["IZTIM_PORT"]


# ---------------------------------------------------------------- systemd


def unit_entries() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def test_the_unit_restarts_always_and_runs_prod_on_one_port() -> None:
    unit = unit_entries()
    assert unit["Restart"] == ["always"]
    assert unit["EnvironmentFile"] == ["/etc/iztim/iztim.env"]
    [command] = unit["ExecStart"]
    assert " run --env prod " in command
    front = re.search(r"--frontend-port (\S+)", command)
    back = re.search(r"--backend-port (\S+)", command)
    assert front and back and front.group(1) == back.group(1) == "${IZTIM_PORT}"
    assert "db upgrade" not in UNIT.read_text().split("[Unit]", 1)[1]  # a deploy step


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    reflex = PROJECT_ROOT / ".venv" / "bin" / "reflex"
    if not reflex.exists():
        pytest.skip("no .venv/bin/reflex to point the unit at")
    env = tmp_path / "iztim.env"
    env.write_text(ENV.read_text())
    unit = tmp_path / "iztim.service"
    unit.write_text(
        UNIT.read_text()
        .replace("/opt/iztim/.venv/bin/reflex", str(reflex))
        .replace("/etc/iztim/iztim.env", str(env))
    )
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    complaints = [line for line in result.stderr.splitlines() if "iztim.service" in line]
    assert result.returncode == 0 and complaints == [], result.stderr


# ---------------------------------------------------------------- env.example


def test_env_example_is_a_real_installation_of_several_workers_behind_one_proxy() -> None:
    env = env_example()
    assert env["GRANIAN_WORKERS"] == "3"
    assert env["REFLEX_REDIS_URL"].startswith("redis://")
    assert env["REFLEX_TRUSTED_PROXY_HOPS"] == "1"
    # the public address is the app's own (only) origin, over HTTPS
    assert env["IZTIM_PUBLIC_URL"].startswith("https://")
    assert env["IZTIM_ALLOWED_ORIGINS"] == env["IZTIM_PUBLIC_URL"]
    # and the app reads it as a real installation on PostgreSQL, no demo
    settings = Settings.from_env(env)
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.demo_mode is False
    assert settings.public_url == env["IZTIM_PUBLIC_URL"]
    assert settings.payment_gateway == "iyzico" and settings.iyzico_base_url.startswith("https:")
    # placeholders only, never a real secret
    for key in ("IZTIM_IYZICO_API_KEY", "IZTIM_IYZICO_SECRET_KEY", "IZTIM_SMTP_PASSWORD"):
        assert env[key] == "CHANGE-ME", key
