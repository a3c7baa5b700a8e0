"""`GET /me`, `GET /lines`, and the problem+json errors every endpoint shares (RFC 9457,
Turkish by default, English with Accept-Language: en)."""

from __future__ import annotations

from sqlmodel import Session, select

from iztim_app.core.customers.models import Customer

PROBLEM = "application/problem+json"
LIMITS_500K = {"quote": "500000.00", "policy": "500000.00"}
SIX_LINES = ["kasko", "trafik", "konut", "isyeri", "ferdi_kaza", "nakliyat"]
CUSTOMER = {
    "kind": "individual",
    "national_id": "17291716060",
    "name": "Ayşe Şahin",
    "customer_group": "bireysel",
}


def customers_in(db: Session) -> list[int]:
    db.expire_all()
    return list(db.exec(select(Customer.number).order_by(Customer.number)).all())


def test_me_is_the_tokens_user_with_permissions_and_limits(client, auth) -> None:
    answer = client.get("/api/v1/me", headers=auth("acente.a1"))
    assert answer.status_code == 200
    assert answer.json() == {
        "user_code": "acente.a1",
        "name": "Acente A Kullanıcı 1",
        "office_code": "A-ACENTE-A",
        "permissions": [
            "payment.record",
            "policy.issue",
            "policy.view",
            "quote.create",
            "quote.view",
            "report.view",
        ],
        "limits": {line: LIMITS_500K for line in sorted(SIX_LINES)},
    }
    head_office = client.get("/api/v1/me", headers=auth("gm.onay")).json()
    assert (head_office["office_code"], head_office["limits"]["kasko"]) == (
        "GM",
        {"quote": "100000000.00", "policy": "100000000.00"},
    )
    assert "policy.unapprove" in head_office["permissions"]
    assert client.get("/api/v1/me", headers=auth("bt.admin")).json()["limits"] == {}


def test_lines_are_those_of_the_tariff_in_force_with_their_forms(client, auth) -> None:
    answer = client.get("/api/v1/lines", headers=auth("acente.b1"))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["page"], body["size"], body["total"]) == (1, 20, 6)
    assert [line["code"] for line in body["items"]] == SIX_LINES
    kasko = body["items"][0]
    assert {k: v for k, v in kasko.items() if k != "fields"} == {
        "code": "kasko",
        "name_tr": "Kasko Sigortası",
        "name_en": "Motor Own Damage (Kasko)",
        "quote_valid_days": 15,
        "max_installments": 9,
    }
    fields = {f["name"]: f for f in kasko["fields"]}
    assert fields["model_year"] == {
        "name": "model_year",
        "label_tr": "Model yılı",
        "label_en": "Model year",
        "type": "integer",
        "required": True,
        "min": "1990",
        "max": "2027",
        "choices": [],
    }
    assert fields["vehicle_type"]["choices"][0] == {
        "value": "otomobil",
        "label_tr": "Otomobil",
        "label_en": "Passenger car",
    }
    assert [(line["code"], line["max_installments"]) for line in body["items"]] == [
        ("kasko", 9),
        ("trafik", 4),
        ("konut", 6),
        ("isyeri", 6),
        ("ferdi_kaza", 4),
        ("nakliyat", 1),
    ]


def test_lists_take_page_and_size(client, auth) -> None:
    page = client.get("/api/v1/lines?page=2&size=4", headers=auth("acente.a1")).json()
    assert ([line["code"] for line in page["items"]], page["total"], page["page"]) == (
        ["ferdi_kaza", "nakliyat"],
        6,
        2,
    )
    too_big = client.get("/api/v1/lines?size=101", headers=auth("acente.a1"))
    assert (too_big.status_code, too_big.json()["code"]) == (422, "validation_failed")
    assert [e["field"] for e in too_big.json()["errors"]] == ["size"]
    wrong_type = client.get("/api/v1/lines?page=birinci", headers=auth("acente.a1"))
    assert (wrong_type.status_code, wrong_type.json()["code"]) == (400, "bad_request")
    assert [e["field"] for e in wrong_type.json()["errors"]] == ["page"]


def test_a_refusal_is_a_problem_in_turkish_or_english(client) -> None:
    turkish = client.get("/api/v1/me", headers={"Authorization": "Bearer iztim_yok"})
    assert turkish.status_code == 401
    assert turkish.headers["content-type"] == PROBLEM
    assert turkish.headers["www-authenticate"] == "Bearer"
    assert turkish.json() == {
        "type": "urn:iztim:problem:unauthenticated",
        "title": "Kimlik doğrulanamadı",
        "status": 401,
        "code": "unauthenticated",
        "detail": "Geçerli bir erişim anahtarı gerekli (Authorization: Bearer …).",
        "errors": [],
    }
    english = client.get("/api/v1/me", headers={"Accept-Language": "en-GB,en;q=0.9,tr;q=0.5"})
    assert (english.json()["title"], english.json()["detail"]) == (
        "Not authenticated",
        "A valid token is required (Authorization: Bearer …).",
    )
    prefers_turkish = client.get("/api/v1/me", headers={"Accept-Language": "tr, en;q=0.8"})
    assert prefers_turkish.json()["title"] == "Kimlik doğrulanamadı"
    unknown = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert (unknown.status_code, unknown.headers["content-type"], unknown.json()["code"]) == (
        404,
        PROBLEM,
        "not_found",
    )


def test_malformed_json_is_a_bad_request_and_changes_nothing(client, auth, db: Session) -> None:
    answer = client.post(
        "/api/v1/customers",
        content=b'{"kind": "individual", ',
        headers={**auth("acente.a1"), "content-type": "application/json"},
    )
    assert (answer.status_code, answer.headers["content-type"]) == (400, PROBLEM)
    assert (answer.json()["code"], answer.json()["detail"]) == (
        "bad_request",
        "İstek gövdesi geçerli bir JSON değil.",
    )
    assert customers_in(db) == []


def test_missing_fields_are_listed_each_with_its_field(client, auth, db: Session) -> None:
    answer = client.post(
        "/api/v1/customers", json={"kind": "individual"}, headers=auth("acente.a1", "en")
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "validation_failed")
    assert answer.json()["errors"] == [
        {"field": "national_id", "message": "Required field."},
        {"field": "name", "message": "Required field."},
        {"field": "customer_group", "message": "Required field."},
    ]
    assert customers_in(db) == []


def test_a_services_problems_are_all_listed_with_their_fields(client, auth, db: Session) -> None:
    answer = client.post(
        "/api/v1/customers",
        json={**CUSTOMER, "national_id": "12345678901", "name": " ", "email": "yok"},
        headers=auth("acente.a1"),
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "validation_failed")
    fields = [e["field"] for e in answer.json()["errors"]]
    assert len(fields) >= 3 and {"national_id", "name", "email"} <= set(fields)
    assert all(e["message"] for e in answer.json()["errors"])
    assert customers_in(db) == []


def test_a_missing_permission_is_forbidden_and_changes_nothing(client, auth, db: Session) -> None:
    answer = client.post("/api/v1/customers", json=CUSTOMER, headers=auth("bt.admin"))
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
    assert answer.json()["detail"] == "Bu işlem için yetkiniz yok."
    assert customers_in(db) == []
