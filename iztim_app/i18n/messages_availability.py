"""Texts shown while the database cannot be reached (restart, outage): the API's 503
problem and the screens' message. They say it is temporary and what to do."""

MESSAGES = {
    "api.title.service_unavailable": ("Hizmet geçici olarak kullanılamıyor", "Service unavailable"),
    "availability.database_unavailable": (
        "Veritabanına şu anda ulaşılamıyor. Lütfen birkaç saniye sonra yeniden deneyin.",
        "The database cannot be reached right now. Please try again in a few seconds.",
    ),
    "availability.unexpected_error": (
        "Beklenmeyen bir hata oluştu; işleminiz kaydedilmemiş olabilir. Sorun sürerse sistem"
        " yöneticisine başvurun.",
        "An unexpected error occurred; your action may not have been saved. If it persists,"
        " contact the system administrator.",
    ),
}
