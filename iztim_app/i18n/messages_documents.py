"""Printed documents."""

MESSAGES = {
    "pdf.quote_title": ("TEKLİF", "QUOTE"),
    "pdf.quote_valid": (
        "Bu teklif {date} tarihine kadar geçerlidir. Poliçe, tarafların imzası ve primin ödenmesiyle yürürlüğe girer.",
        "This quote is valid until {date}. A policy takes effect once both parties sign and the premium is paid.",
    ),
    "pdf.item": ("Kalem", "Item"),
    "pdf.amount": ("Tutar", "Amount"),
    "pdf.step": ("Adım", "Step"),
    "pdf.detail": ("Açıklama", "Detail"),
    "quote.not_printable": (
        "Yalnız onaylı ve süresi dolmamış teklifler yazdırılabilir.",
        "Only approved quotes within their validity can be printed.",
    ),
}
