"""Texts of the JSON API v1 (problem titles and details) and of API tokens."""

MESSAGES = {
    # problem titles, one per code of the errors table (specs/api.md)
    "api.title.bad_request": ("Hatalı istek", "Bad request"),
    "api.title.unauthenticated": ("Kimlik doğrulanamadı", "Not authenticated"),
    "api.title.forbidden": ("Yetki yok", "Forbidden"),
    "api.title.not_found": ("Bulunamadı", "Not found"),
    "api.title.method_not_allowed": ("Yöntem desteklenmiyor", "Method not allowed"),
    "api.title.conflict": ("Çakışma", "Conflict"),
    "api.title.validation_failed": ("Geçersiz veri", "Validation failed"),
    "api.title.too_many_requests": ("Çok fazla istek", "Too many requests"),
    "api.title.internal_error": ("Sunucu hatası", "Server error"),
    # details
    "api.unauthenticated": (
        "Geçerli bir erişim anahtarı gerekli (Authorization: Bearer …).",
        "A valid token is required (Authorization: Bearer …).",
    ),
    "api.bad_json": (
        "İstek gövdesi geçerli bir JSON değil.",
        "The request body is not valid JSON.",
    ),
    "api.bad_request": (
        "İstekteki bir değerin türü yanlış.",
        "A value of the request has the wrong type.",
    ),
    "api.validation_failed": ("İstekte hatalı alanlar var.", "The request has invalid fields."),
    "api.route_not_found": ("Böyle bir adres yok.", "There is no such address."),
    "api.method_not_allowed": (
        "Bu adres bu yöntemi desteklemiyor.",
        "This address does not support this method.",
    ),
    "api.internal_error": (
        "Beklenmeyen bir hata oluştu; işlem yapılmadı.",
        "An unexpected error occurred; nothing was done.",
    ),
    "api.field_required": ("Zorunlu alan.", "Required field."),
    "api.field_wrong_type": ("Değerin türü yanlış.", "The value has the wrong type."),
    "api.field_invalid": ("Geçersiz değer: {reason}", "Invalid value: {reason}"),
    "api.unknown_field": ("Bilinmeyen alan.", "Unknown field."),
    "api.idempotency_key_invalid": (
        "Idempotency-Key 1 ile 80 karakter arasında olmalı.",
        "Idempotency-Key must be 1 to 80 characters long.",
    ),
    "api.idempotency_key_reused": (
        "Bu Idempotency-Key başka bir istekle kullanıldı.",
        "This Idempotency-Key was used with another request.",
    ),
    "api.idempotency_in_progress": (
        "Bu Idempotency-Key ile gönderilen istek hâlâ işleniyor.",
        "The request sent with this Idempotency-Key is still being processed.",
    ),
    "api.idempotency_answer_lost": (
        "Bu Idempotency-Key ile gönderilen önceki istek gerçekleştirildi, ancak yanıtı"
        " kaydedilemedi; tekrar göndermeyin, kaydı sorgulayın (GET).",
        "The earlier request with this Idempotency-Key was carried out, but its answer was"
        " lost; do not send it again, look the record up (GET).",
    ),
    # tokens (admin screen, CLI)
    "api_token.name_required": ("Anahtar adı zorunlu.", "The token name is required."),
    "api_token.name_too_long": (
        "Anahtar adı en fazla {max} karakter olabilir.",
        "The token name may have at most {max} characters.",
    ),
    "api_token.expires_invalid": (
        "Son geçerlilik tarihi YYYY-AA-GG biçiminde olmalı.",
        "The expiry date must be given as YYYY-MM-DD.",
    ),
    "api_token.expires_past": (
        "Son geçerlilik tarihi geçmişte olamaz.",
        "The expiry date cannot be in the past.",
    ),
    "api_token.already_revoked": (
        "Bu anahtar zaten iptal edilmiş.",
        "This token is already revoked.",
    ),
    "api_token.section": ("API erişim anahtarları", "API tokens"),
    "api_token.name": ("Ad", "Name"),
    "api_token.created": ("Oluşturuldu", "Created"),
    "api_token.created_by": ("Oluşturan", "Created by"),
    "api_token.last_used": ("Son kullanım", "Last used"),
    "api_token.expires": ("Son geçerlilik", "Expires"),
    "api_token.status": ("Durum", "Status"),
    "api_token.status.active": ("Geçerli", "Active"),
    "api_token.status.expired": ("Süresi doldu", "Expired"),
    "api_token.status.revoked": ("İptal edildi", "Revoked"),
    "api_token.never": ("Hiç", "Never"),
    "api_token.no_expiry": ("Süresiz", "No expiry"),
    "api_token.none": ("Bu kullanıcının API anahtarı yok.", "This user has no API tokens."),
    "api_token.create": ("Anahtar oluştur", "Create token"),
    "api_token.revoke": ("İptal et", "Revoke"),
    "api_token.shown_once": (
        "Anahtar yalnızca şimdi gösterilir; kopyalayıp güvenli bir yerde saklayın:",
        "The token is shown only now; copy it and keep it somewhere safe:",
    ),
    "api_token.created_ok": ("Anahtar oluşturuldu.", "Token created."),
    "api_token.revoked_ok": ("Anahtar iptal edildi.", "Token revoked."),
    "api_token.cli_user_not_found": ("Kullanıcı bulunamadı: {code}", "No such user: {code}"),
}
