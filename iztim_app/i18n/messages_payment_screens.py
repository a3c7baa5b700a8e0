"""Staff → Ödemeler: every card payment attempt and the failed 3D Secure attempts."""

MESSAGES = {
    "nav.payments": ("Ödemeler", "Payments"),
    "pscr.title": ("Ödemeler", "Payments"),
    "pscr.intro": (
        "Müşterilerin portalda kartla yaptığı her ödeme denemesi ve sonucu. Kart numarası "
        "saklanmaz: yalnızca son dört hane ve bankanın işlem numarası görünür.",
        "Every card payment customers tried in the portal, with its result. Card numbers are "
        "never kept: only the last four digits and the bank's transaction id are shown.",
    ),
    "pscr.all_title": ("Tüm ödeme denemeleri", "All payment attempts"),
    "pscr.failed_title": ("Başarısız 3D denemeleri", "Failed 3D attempts"),
    "pscr.failed_intro": (
        "3D Secure doğrulaması geçmeyen, bankanın reddettiği veya başlatılamayan denemeler, "
        "bankanın gerekçesiyle: müşteri aradığında buradan yanıtlayın.",
        "Attempts that failed 3D Secure, that the bank declined or that could not start, with "
        "the bank's reason: answer a customer's call from here.",
    ),
    "pscr.filter_status": ("Sonuç", "Result"),
    "pscr.filter_policy": ("Poliçe no", "Policy no"),
    "pscr.col_at": ("Zaman", "Time"),
    "pscr.col_order": ("Sipariş no", "Order no"),
    "pscr.col_customer": ("Müşteri", "Customer"),
    "pscr.col_policy": ("Poliçe", "Policy"),
    "pscr.installments": ("Taksit", "Installment"),
    "pscr.col_amount": ("Tutar / kart", "Amount / card"),
    "pscr.col_status": ("Sonuç", "Result"),
    "pscr.col_reason": ("Bankanın gerekçesi", "Bank's reason"),
    "pscr.col_md_status": ("mdStatus", "mdStatus"),
    "pscr.col_transaction": ("Banka işlem no", "Bank transaction id"),
    "pscr.none": ("Kayıt yok.", "Nothing to show."),
    "pscr.none_failed": ("Başarısız 3D denemesi yok.", "No failed 3D attempts."),
    "pscr.status.started": ("Bankada bekliyor", "At the bank"),
    "pscr.status.abandoned": ("Yarıda bırakıldı", "Abandoned"),
    "pscr.status.approved": ("Onaylandı", "Approved"),
    "pscr.status.declined": ("Banka reddetti", "Declined by the bank"),
    "pscr.status.auth_failed": ("3D doğrulama başarısız", "3D authentication failed"),
    "pscr.status.failed": ("Başlatılamadı", "Could not start"),
    "pscr.status.review": ("İnceleme: iade gerekli", "Review: refund needed"),
    "pscr.failed_pager": ("Başarısız 3D denemeleri sayfaları", "Failed 3D attempts pages"),
    "pscr.all_pager": ("Ödeme denemeleri sayfaları", "Payment attempts pages"),
}
