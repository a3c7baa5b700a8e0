"""The OpenAPI document validates and says what every operation shares; the docs page is
served from this app's own files (no other site), without a token."""

from __future__ import annotations

import re
from pathlib import Path

from openapi_spec_validator import validate
from swagger_ui_bundle import swagger_ui_path

from iztim_app.api.docs import ASSETS, PUBLIC_DOCUMENTED, PUBLIC_PATHS


def test_the_document_validates_and_describes_tokens_problems_and_idempotency(client) -> None:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    assert document["servers"] == [{"url": "/api/v1"}]
    assert document["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "İztim API token (`iztim tokens create`)",
    }
    assert set(document["components"]["schemas"]["Problem"]["required"]) == {
        "type",
        "title",
        "status",
        "code",
        "detail",
        "errors",
    }
    operations = [
        (path, method, op)
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    ]
    assert {("/me", "get"), ("/lines", "get")} <= {(p, m) for p, m, _ in operations}
    for path, method, op in operations:
        if path in PUBLIC_DOCUMENTED:  # the health check: no token, its own answers only
            assert "security" not in op and sorted(op["responses"]) == ["200", "503"]
            continue
        assert op["security"] == [{"HTTPBearer": []}], (path, method)
        for status in ("400", "401", "403", "404", "409", "422", "429"):
            content = op["responses"][status]["content"]
            assert list(content) == ["application/problem+json"], (path, method, status)
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        assert names.count("Idempotency-Key") == (1 if method == "post" else 0), (path, method)
    assert not set(PUBLIC_PATHS) & set(document["paths"])


def test_the_docs_page_loads_only_local_files(client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    html = page.text
    assert "'/api/v1/openapi.json'" in html or '"/api/v1/openapi.json"' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(sources) == [
        "/api/v1/docs/assets/favicon-32x32.png",
        "/api/v1/docs/assets/swagger-ui-bundle.js",
        "/api/v1/docs/assets/swagger-ui.css",
    ]
    for name, media_type in ASSETS.items():
        asset = client.get(f"/api/v1/docs/assets/{name}")
        assert asset.status_code == 200, name
        assert asset.headers["content-type"].startswith(media_type)
        assert asset.content == (Path(swagger_ui_path) / name).read_bytes()
    missing = client.get("/api/v1/docs/assets/..%2F..%2Findex.html")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404
