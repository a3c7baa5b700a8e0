"""Installments, payments and refunds owed back to customers."""

MESSAGES = {
    # labels (screens, documents)
    "installment.title": ("Taksitler", "Installments"),
    "installment.seq": ("Taksit", "Installment"),
    "installment.due_date": ("Vade tarihi", "Due date"),
    "installment.amount": ("Taksit tutarı", "Amount"),
    "installment.paid": ("Ödenen", "Paid"),
    "installment.open_amount": ("Kalan", "Still due"),
    "installment.total": ("Toplam", "Total"),
    "installment.status": ("Durum", "Status"),
    "installment.status_open": ("Ödenmedi", "Unpaid"),
    "installment.status_partly_paid": ("Kısmen ödendi", "Partly paid"),
    "installment.status_paid": ("Ödendi", "Paid"),
    "installment.status_overdue": ("Vadesi geçti", "Overdue"),
    "installment.count": ("Taksit sayısı", "Number of installments"),
    "payment.title": ("Tahsilatlar", "Payments"),
    "payment.record": ("Tahsilat kaydet", "Record payment"),
    "payment.amount": ("Tahsilat tutarı", "Amount paid"),
    "payment.method": ("Ödeme şekli", "Payment method"),
    "payment.method_cash": ("Nakit", "Cash"),
    "payment.method_transfer": ("Havale/EFT", "Bank transfer"),
    "payment.method_card": ("Kredi kartı", "Card"),
    "payment.reference": ("Açıklama / dekont no", "Reference / receipt no"),
    "payment.recorded_by": ("Kaydeden", "Recorded by"),
    "payment.recorded_at": ("Kayıt zamanı", "Recorded at"),
    "payment.recorded": (
        "{policy}/{seq} taksitine {amount} tahsilat kaydedildi.",
        "A payment of {amount} was recorded against installment {seq} of {policy}.",
    ),
    "refund.title": ("Müşteriye iade borcu", "Refunds owed to customers"),
    "refund.amount": ("İade tutarı", "Refund owed"),
    "refund.open": ("Ödenecek", "To be paid out"),
    "refund.paid_out": ("Ödendi", "Paid out"),
    "refund.paid_out_at": ("Ödeme zamanı", "Paid out at"),
    "refund.paid_out_by": ("Ödeyen", "Paid out by"),
    "refund.record_paid": ("İade ödendi olarak kaydet", "Record refund as paid out"),
    "refund.none_open": ("Ödenecek iade yok.", "No refunds are owed."),
    # refusals
    "installment.count_out_of_range": (
        'Taksit sayısı 1 ile bu branşta izin verilen {max} arasında olmalı: "{count}".',
        'The number of installments must be between 1 and {max}, the most this line allows: "{count}".',
    ),
    "installment.refund_over_charged": (
        "İade ({refund}) yürürlükteki brüt primi ({charged}) aşamaz.",
        "A refund ({refund}) cannot exceed the gross premium in force ({charged}).",
    ),
    "installment.no_plan": (
        "{number} numaralı poliçenin taksit planı yok.",
        "Policy {number} has no installment plan.",
    ),
    "installment.changed_meanwhile": (
        "{number} numaralı poliçenin taksitleri bu arada değişti; sayfayı yenileyip tekrar deneyin.",
        "The installments of policy {number} changed meanwhile; reload and try again.",
    ),
    "payment.amount_invalid": (
        'Sıfırdan büyük bir tahsilat tutarı girin, örneğin 1.250,50: "{value}".',
        'Enter a payment amount greater than zero, e.g. 1.250,50: "{value}".',
    ),
    "payment.amount_over_due": (
        "Tahsilat tutarı ({amount}) bu taksitte kalan tutarı ({due}) aşıyor.",
        "The payment ({amount}) is more than is still due on this installment ({due}).",
    ),
    "payment.installment_paid": (
        "{seq}. taksit zaten ödenmiş; yeni tahsilat kaydedilemez.",
        "Installment {seq} is already paid; no further payment can be recorded.",
    ),
    "payment.method_invalid": (
        'Ödeme şeklini seçin: nakit ya da havale/EFT ("{value}").',
        'Choose the payment method: cash or bank transfer ("{value}").',
    ),
    "payment.reference_too_long": (
        "Açıklama en çok {max} karakter olabilir.",
        "The reference has at most {max} characters.",
    ),
    "refund.already_paid_out": (
        "Bu iade zaten ödendi olarak kayıtlı.",
        "This refund is already recorded as paid out.",
    ),
}
