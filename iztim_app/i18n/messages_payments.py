"""Card payments by 3D Secure: card form problems, gateway results, the test bank's ACS page."""

MESSAGES = {
    # card form
    "payment.card_number": ("Kart numarası", "Card number"),
    "payment.card_holder": ("Kart üzerindeki isim", "Name on card"),
    "payment.expiry": ("Son kullanma tarihi (AA/YY)", "Expiry date (MM/YY)"),
    "payment.cvv": ("Güvenlik kodu (CVV)", "Security code (CVV)"),
    "payment.card_number_invalid": (
        "Kart numarası geçerli değil; lütfen kontrol edin.",
        "The card number is not valid; please check it.",
    ),
    "payment.expiry_invalid": (
        "Son kullanma tarihini ay ve yıl olarak girin (ör. 08/29).",
        "Enter the expiry date as month and year (e.g. 08/29).",
    ),
    "payment.expiry_past": (
        "Kartın son kullanma tarihi geçmiş veya geçersiz.",
        "The card has expired or its expiry date is not valid.",
    ),
    "payment.cvv_invalid": (
        "Güvenlik kodu kartın arkasındaki 3 hanedir.",
        "The security code is the 3 digits on the back of the card.",
    ),
    "payment.holder_missing": (
        "Kart üzerindeki ismi girin.",
        "Enter the name on the card.",
    ),
    "payment.order_invalid": (
        "Ödeme bilgileri eksik veya hatalı.",
        "The payment details are incomplete or wrong.",
    ),
    # gateway results
    "payment.result_approved": ("Ödemeniz onaylandı.", "Your payment was approved."),
    "payment.result_declined": (
        "Bankanız ödemeyi onaylamadı. Başka bir kart deneyebilir veya bankanızla görüşebilirsiniz.",
        "Your bank declined the payment. You can try another card or contact your bank.",
    ),
    "payment.result_auth_failed": (
        "3D Secure doğrulaması başarısız oldu: tek kullanımlık kod yanlış. Ödeme alınmadı.",
        "3D Secure authentication failed: the one-time code was wrong. Nothing was charged.",
    ),
    "payment.callback_invalid": (
        "Bankadan gelen yanıt doğrulanamadı; ödeme alınmadı.",
        "The bank's answer could not be verified; nothing was charged.",
    ),
    "payment.start_failed": (
        "Ödeme başlatılamadı. Lütfen daha sonra tekrar deneyin.",
        "The payment could not be started. Please try again later.",
    ),
    # the test bank's ACS page
    "payment.acs_title": ("3D Secure doğrulama (test bankası)", "3D Secure check (test bank)"),
    "payment.acs_otp": ("Tek kullanımlık kod", "One-time code"),
    "payment.acs_submit": ("Onayla", "Confirm"),
    "payment.acs_state_invalid": (
        "Doğrulama sayfası geçersiz. Lütfen ödemeye baştan başlayın.",
        "The verification page is not valid. Please start the payment again.",
    ),
    "payment.acs_state_expired": (
        "Doğrulama süresi doldu. Lütfen ödemeye baştan başlayın.",
        "The verification time ran out. Please start the payment again.",
    ),
    # payment attempts and callbacks (services)
    "payment.no_installments": (
        "Ödemek için en az bir taksit seçin.",
        "Choose at least one installment to pay.",
    ),
    "payment.already_paid": (
        "{seq}. taksit zaten ödenmiş; sayfayı yenileyip tekrar seçin.",
        "Installment {seq} is already paid; reload the page and choose again.",
    ),
    "payment.pending": (
        "Ödeme henüz tamamlanmadı: bankanın doğrulama sayfası bekleniyor.",
        "The payment is not complete yet: the bank's verification page is waiting.",
    ),
    "payment.abandoned": (
        "Doğrulama sayfası tamamlanmadan kapatıldı; ödeme alınmadı. Tekrar deneyebilirsiniz.",
        "The verification page was left unfinished; nothing was charged. You can try again.",
    ),
    "payment.result_review": (
        "Ödemeniz alındı ancak seçtiğiniz taksit bu arada ödenmiş. Fazla ödenen tutar için ekibimiz sizinle iletişime geçecek.",
        "Your payment was taken, but the installment had been paid meanwhile. Our team will contact you about the amount paid twice.",
    ),
    "payment.callback_unknown": (
        "Bu ödeme bulunamadı; hesabınızdan tutar alınmadı.",
        "This payment was not found; nothing was charged.",
    ),
    "payment.callback_replay": (
        "Bu banka yanıtı daha önce işlendi; hiçbir şey değişmedi.",
        "This answer from the bank was already processed; nothing changed.",
    ),
    "payment.status_invalid": ("Geçersiz ödeme durumu.", "Not a payment status."),
    "payment.policy_number_invalid": (
        "Poliçe numarası yalnızca rakamlardan oluşur.",
        "A policy number has digits only.",
    ),
    # the test bank's pages (payment_routes.py)
    "payment.acs_bank": ("Test Bankası · 3D Secure", "Test Bank · 3D Secure"),
    "payment.acs_intro": (
        "Kartınıza tanımlı cep telefonunuza gönderilen tek kullanımlık kodu girin.",
        "Enter the one-time code sent to the mobile phone registered for your card.",
    ),
    "payment.acs_test_hint": (
        "Test bankası: doğru kod 123456'dır; başka her kod doğrulamayı başarısız yapar.",
        "Test bank: the right code is 123456; any other code fails the check.",
    ),
    "payment.acs_merchant": ("İşyeri", "Merchant"),
    "payment.acs_order": ("Sipariş no", "Order number"),
    "payment.acs_amount": ("Tutar", "Amount"),
    "payment.acs_card": ("Kart", "Card"),
    "payment.acs_cancel": ("İptal et, portala dön", "Cancel and go back to the portal"),
    "payment.acs_back": ("Portala dön", "Back to the portal"),
    "payment.acs_returning": (
        "Bankadan mağazaya dönülüyor…",
        "Returning from the bank to the shop…",
    ),
    "payment.acs_continue": ("Devam", "Continue"),
    # the receipt
    "receipt.title": ("Tahsilat makbuzu", "Payment receipt"),
    "receipt.number": ("Makbuz no", "Receipt number"),
    "receipt.paid_at": ("Ödeme tarihi", "Paid on"),
    "receipt.customer": ("Müşteri", "Customer"),
    "receipt.customer_number": ("Müşteri no", "Customer number"),
    "receipt.method": ("Ödeme şekli", "Paid by"),
    "receipt.method_card": ("Kredi kartı (3D Secure)", "Card (3D Secure)"),
    "receipt.card": ("Kart", "Card"),
    "receipt.transaction_id": ("İşlem no", "Transaction id"),
    "receipt.section_payment": ("Tahsilat", "Payment"),
    "receipt.section_installments": ("Ödenen taksitler", "Installments paid"),
    "receipt.footer": (
        "Bu makbuz kart ile 3D Secure üzerinden alınan ödemenin kaydıdır.",
        "This receipt records a card payment taken by 3D Secure.",
    ),
}
