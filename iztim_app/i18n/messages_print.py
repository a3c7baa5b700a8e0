"""Printing and e-mailing documents: the rule, the actions, the command line."""

MESSAGES = {
    "document.not_printable": (
        "{document} yazdırılamaz ve e-postayla gönderilemez: durumu “{status}”. Yalnız onaylı belgeler (teklifte süresi dolmamış, poliçede güncel sürüm) yazdırılır.",
        "{document} cannot be printed or e-mailed: its status is “{status}”. Only approved documents (quotes within their validity, a policy's current version) are printed.",
    ),
    "print.document_quote": ("Teklif {label}", "Quote {label}"),
    "print.document_policy": ("Poliçe {label}", "Policy {label}"),
    "print.document_endorsement": ("Zeyil {label}", "Endorsement {label}"),
    "print.document_cancellation": ("Fesih zeyili {label}", "Cancellation {label}"),
    "print.no_email": (
        "Müşterinin kayıtlı e-posta adresi yok; gönderilecek adresi yazın.",
        "The customer has no e-mail address on file; type the address to send to.",
    ),
    "print.print": ("Yazdır", "Print"),
    "print.print_label": ("{document} yazdır (PDF indir)", "Print {document} (download PDF)"),
    "print.email": ("E-posta gönder", "Send e-mail"),
    "print.email_label": ("{document} e-postayla gönder", "E-mail {document}"),
    "print.email_title": ("Belgeyi e-postayla gönder", "E-mail the document"),
    "print.email_note": (
        "Belge PDF olarak eklenir. Adres müşterinin kayıtlı adresidir; değiştirebilirsiniz.",
        "The document is attached as a PDF. The address is the customer's on file; you may change it.",
    ),
    "print.send": ("Gönder", "Send"),
    "print.document_column": ("Belge", "Document"),
    "print.cancel": ("Vazgeç", "Cancel"),
    "print.cli_not_found": ("{document} bulunamadı.", "{document} not found."),
    "print.cli_unknown_user": (
        "Kullanıcı bulunamadı ya da etkin değil: {code}",
        "User not found or not active: {code}",
    ),
    "print.cli_written": ("{document} yazıldı: {path}", "{document} written: {path}"),
    "print.cli_refused": ("{document}: {reason}", "{document}: {reason}"),
}
