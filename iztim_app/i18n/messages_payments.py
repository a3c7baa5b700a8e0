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
}
