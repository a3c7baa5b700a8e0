"""The printed policy and the links between quotes and policies."""

MESSAGES = {
    "pdf.policy_title": ("POLİÇE", "POLICY"),
    "pdf.policy_footer": (
        "Poliçe {number}, sürüm {version}. Sigorta, primin ödenmesiyle yürürlüğe girer.",
        "Policy {number}, version {version}. The cover takes effect once the premium is paid.",
    ),
    "pdf.policy_insured": ("Sigorta konusu", "Insured object"),
    "pdf.policy_plan": ("Taksit planı", "Installment plan"),
    "pdf.policy_seq": ("Taksit", "Installment"),
    "pdf.policy_due": ("Vade tarihi", "Due date"),
    "pdf.policy_cancelled_from": ("Fesih tarihi", "Cancelled from"),
    "pol.print": ("Yazdır (PDF)", "Print (PDF)"),
    "policy.not_printable": (
        "Yalnız onaylı ya da feshedilmiş poliçeler yazdırılabilir.",
        "Only approved or cancelled policies can be printed.",
    ),
    "policy.already_renewed": (
        "Poliçe {policy} zaten {renewal} numaralı poliçeyle yenilendi; bu yenileme teklifi poliçeye dönüştürülemez.",
        "Policy {policy} has already been renewed by policy {renewal}; this renewal quote cannot become a policy.",
    ),
    "quote.to_policy": ("Poliçeye dönüştür", "Convert to policy"),
    "quote.its_policy": ("Poliçesi", "Its policy"),
    "quote.renews": ("Yenilediği poliçe", "Renews policy"),
}
