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
    "outbox.policy_subject": ("Sigorta poliçeniz: {number}", "Your insurance policy: {number}"),
    "outbox.policy_body": (
        "Sayın {customer},\n\n{number} numaralı sigorta poliçeniz ektedir.\n\nSaygılarımızla",
        "Dear {customer},\n\nPlease find your insurance policy {number} attached.\n\nKind regards",
    ),
    "outbox.endorsement_subject": (
        "Poliçe zeyilnameniz: {number}",
        "Your policy endorsement: {number}",
    ),
    "outbox.endorsement_body": (
        "Sayın {customer},\n\n{number} numaralı zeyilnameniz ektedir.\n\nSaygılarımızla",
        "Dear {customer},\n\nPlease find your endorsement {number} attached.\n\nKind regards",
    ),
    "outbox.sent": (
        "{document}, {email} adresine gönderildi.",
        "{document} was sent to {email}.",
    ),
    "outbox.queued": (
        "{document} gönderim kuyruğuna alındı; e-posta sunucusu tanımlanınca gönderilecek.",
        "{document} is queued; it will be sent once a mail server is configured.",
    ),
    "outbox.sending": (
        "{document}, {email} adresine gönderiliyor…",
        "{document} is being sent to {email}…",
    ),
    "outbox.failed": (
        "{document} gönderilemedi: e-posta sunucusu yanıt vermedi. Kayıt kuyrukta tutuldu; yeniden denenecek.",
        "{document} could not be sent: the mail server did not answer. It is kept in the outbox and will be tried again.",
    ),
}
