"""E-mailing documents."""

MESSAGES = {
    "outbox.email": ("E-posta adresi", "E-mail address"),
    "outbox.send": ("E-posta gönder", "Send e-mail"),
    "outbox.email_invalid": ("Geçerli bir e-posta adresi yazın.", "Enter a valid e-mail address."),
    "outbox.quote_subject": ("Sigorta teklifiniz: {number}", "Your insurance quote: {number}"),
    "outbox.quote_body": (
        "Sayın {customer},\n\n{number} numaralı sigorta teklifimiz ektedir.\n\nSaygılarımızla",
        "Dear {customer},\n\nPlease find our insurance quote {number} attached.\n\nKind regards",
    ),
    "outbox.sent": (
        "Teklif {number}, {email} adresine gönderildi.",
        "Quote {number} was sent to {email}.",
    ),
    "outbox.queued": (
        "Teklif {number} gönderim kuyruğuna alındı; e-posta sunucusu tanımlanınca gönderilecek.",
        "Quote {number} is queued; it will be sent once a mail server is configured.",
    ),
    "outbox.sending": (
        "Teklif {number}, {email} adresine gönderiliyor…",
        "Quote {number} is being sent to {email}…",
    ),
    "outbox.failed": (
        "Teklif {number} gönderilemedi: e-posta sunucusu yanıt vermedi. Kayıt kuyrukta tutuldu; yeniden denenecek.",
        "Quote {number} could not be sent: the mail server did not answer. It is kept in the outbox and will be tried again.",
    ),
}
