"""Customer portal: sign-in, the customer's own policies, paying installments by card."""

MESSAGES = {
    "portal.number": ("Poliçe no veya müşteri no", "Policy number or customer number"),
    "portal.access_code": ("Erişim kodu", "Access code"),
    "portal.sign_in": ("Giriş", "Sign in"),
    "portal.sign_out": ("Çıkış", "Sign out"),
    "portal.sign_in_failed": (
        "Numara veya erişim kodu hatalı.",
        "Wrong number or access code.",
    ),
    "portal.wait": (
        "Çok fazla hatalı deneme. Lütfen {seconds} saniye sonra tekrar deneyin.",
        "Too many failed attempts. Please try again in {seconds} seconds.",
    ),
    "portal.my_policies": ("Poliçelerim", "My policies"),
    "portal.nav_quote": ("Teklif al", "Get a quote"),
    "portal.nav": ("Portal menüsü", "Portal menu"),
    # shell and sign-in
    "portal.brand": ("İztim Sigorta", "İztim Insurance"),
    "portal.sign_in_title": ("Müşteri girişi", "Customer sign-in"),
    "portal.sign_in_intro": (
        "Poliçenizde yazan poliçe numarası (veya müşteri numaranız) ve erişim kodu ile "
        "giriş yapın.",
        "Sign in with the policy number printed on your policy (or your customer number) "
        "and its access code.",
    ),
    "portal.code_hint": (
        "Erişim kodu poliçenizin ilk sayfasında yazar.",
        "The access code is printed on the first page of your policy.",
    ),
    "portal.session_ended": (
        "Oturumunuz sona erdi. Lütfen yeniden giriş yapın.",
        "Your session has ended. Please sign in again.",
    ),
    "portal.privacy": (
        "Kart numaranız ve güvenlik kodunuz saklanmaz; yalnızca son dört hane kaydedilir.",
        "Your card number and security code are never stored; only the last four digits are kept.",
    ),
    "portal.document_not_found": ("Belge bulunamadı.", "Document not found."),
    # my policies
    "portal.no_policies": ("Görüntülenecek poliçeniz yok.", "You have no policies to show."),
    "portal.col.number": ("Poliçe no", "Policy no"),
    "portal.col.line": ("Branş", "Line"),
    "portal.col.term": ("Süre", "Term"),
    "portal.col.status": ("Durum", "Status"),
    "portal.col.premium": ("Brüt prim", "Gross premium"),
    "portal.col.unpaid": ("Ödenmemiş", "Unpaid"),
    "portal.open": ("Görüntüle", "View"),
    # one policy
    "portal.policy": ("Poliçe", "Policy"),
    "portal.not_found": ("Poliçe bulunamadı.", "Policy not found."),
    "portal.installments": ("Taksitler", "Installments"),
    "portal.col.choose": ("Seç", "Choose"),
    "portal.col.seq": ("Taksit", "Installment"),
    "portal.col.due": ("Vade tarihi", "Due date"),
    "portal.col.amount": ("Tutar", "Amount"),
    "portal.col.paid": ("Ödenen", "Paid"),
    "portal.col.remaining": ("Kalan", "Remaining"),
    "portal.col.state": ("Durum", "State"),
    "portal.paid": ("Ödendi", "Paid"),
    "portal.unpaid": ("Ödenmedi", "Unpaid"),
    "portal.overdue": ("Vadesi geçti", "Overdue"),
    "portal.choose_installment": ("{seq}. taksidi seç", "Choose installment {seq}"),
    "portal.all_paid": ("Tüm taksitler ödendi.", "Every installment is paid."),
    "portal.endorsements": ("Zeyiller", "Endorsements"),
    "portal.no_endorsements": ("Bu poliçede zeyil yok.", "This policy has no endorsements."),
    "portal.col.endorsement": ("Zeyil no", "Endorsement no"),
    "portal.col.kind": ("Türü", "Kind"),
    "portal.col.effective": ("Geçerlilik tarihi", "Effective date"),
    "portal.col.change": ("Prim değişikliği", "Premium change"),
    "portal.documents": ("Belgeler", "Documents"),
    "portal.document": ("{name} (PDF)", "{name} (PDF)"),
    # paying
    "portal.pay": ("Öde", "Pay"),
    "portal.choose_hint": (
        "Ödemek istediğiniz taksitleri seçip «Öde»ye basın.",
        "Choose the installments you want to pay and press «Pay».",
    ),
    "portal.choose_none": (
        "En az bir ödenmemiş taksit seçin.",
        "Choose at least one unpaid installment.",
    ),
    "portal.pay_title": ("Kartla ödeme (3D Secure)", "Card payment (3D Secure)"),
    "portal.pay_for": ("Ödenecek taksitler: {seqs}", "Installments to pay: {seqs}"),
    "portal.pay_total": ("Ödenecek tutar: {amount}", "Amount to pay: {amount}"),
    "portal.pay_submit": ("Ödemeye geç", "Continue to payment"),
    "portal.pay_cancel": ("Vazgeç", "Cancel"),
    "portal.pay_note": (
        "«Ödemeye geç»e bastığınızda bankanızın 3D Secure sayfasına yönlendirilirsiniz; "
        "orada telefonunuza gelen tek kullanımlık kodu girin.",
        "When you press «Continue to payment» you are taken to your bank's 3D Secure page; "
        "enter the one-time code sent to your phone there.",
    ),
    "portal.redirecting": (
        "Bankanızın sayfasına yönlendiriliyorsunuz…",
        "Taking you to your bank's page…",
    ),
    # result
    "portal.result_title": ("Ödeme sonucu", "Payment result"),
    "portal.result_missing": ("Ödeme bulunamadı.", "Payment not found."),
    "portal.order": ("Sipariş no", "Order no"),
    "portal.result_amount": ("Tutar", "Amount"),
    "portal.result_card": ("Kart", "Card"),
    "portal.receipt": ("Makbuzu indir", "Download the receipt"),
    "portal.back_to_policy": ("Poliçeye dön", "Back to the policy"),
}
