"""Texts of the health check (`GET /api/v1/health`, read by load balancers and operators)."""

MESSAGES = {
    "health.title": ("Hizmet kullanılamıyor", "Service unavailable"),
    "health.database_unreachable": (
        "Veritabanına ulaşılamıyor.",
        "The database is unreachable.",
    ),
    "health.migrations_behind": (
        "Veritabanı şeması geride: mevcut {current}, gereken {head} (`iztim db upgrade`).",
        "Migrations behind: current {current}, head {head} (`iztim db upgrade`).",
    ),
    "health.migrations_unknown": (
        "Veritabanı bu sürümün tanımadığı bir şemada: mevcut {current}, bu sürüm {head}.",
        "The database is at a revision this code does not know: current {current}, head {head}.",
    ),
    "health.no_revision": ("yok", "none"),
}
