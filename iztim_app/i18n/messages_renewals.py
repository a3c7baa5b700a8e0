"""Renewals: the renewal action and the renewals list."""

MESSAGES = {
    "renewal.policy_cancelled": (
        "Poliçe {number} feshedilmiş; yenilenemez.",
        "Policy {number} is cancelled; it cannot be renewed.",
    ),
    "renewal.policy_not_approved": (
        "Poliçe {number} onaylı değil; yalnızca onaylı poliçeler yenilenir.",
        "Policy {number} is not approved; only approved policies are renewed.",
    ),
    "renewal.too_early": (
        "Poliçe {number} için yenileme {opens} tarihinde açılır (bitişten 60 gün önce).",
        "Renewal of policy {number} opens on {opens} (60 days before the end).",
    ),
    "renewal.lapsed": (
        "Poliçe {number} {end} tarihinde sona erdi; süresi geçmiş bir poliçe yenilenemez.",
        "Policy {number} ended on {end}; a lapsed policy cannot be renewed.",
    ),
    "renewal.already_renewed": (
        "Poliçe {number} zaten {renewal} numaralı poliçe ile yenilendi.",
        "Policy {number} has already been renewed by policy {renewal}.",
    ),
    "renewal.quote_exists": (
        "Poliçe {number} için {quote} numaralı yenileme teklifi zaten var; yeni teklif yerine onu revize edin.",
        "Policy {number} already has renewal quote {quote}; revise that one instead of making another.",
    ),
    "renewal.offered": (
        "Yenileme teklifi {quote} hazırlandı.",
        "Renewal quote {quote} prepared.",
    ),
    "renewal.action": ("Yenile", "Renew"),
    "renewal.claim_free": ("Bu yıl hasarsız", "Claim-free this year"),
    "renewal.list_title": ("Yenilemeler", "Renewals"),
    "renewal.end_date": ("Bitiş", "Ends"),
    "renewal.state": ("Yenileme durumu", "Renewal state"),
    "renewal.ending_from": ("Bitiş tarihi (başlangıç)", "Ending from"),
    "renewal.ending_to": ("Bitiş tarihi (son)", "Ending until"),
    "renewal.renews": ("Yenilediği poliçe", "Renews policy"),
    "renewal.renewal_quote": ("Yenileme teklifi", "Renewal quote"),
    "renewal.renewal_policy": ("Yenileme poliçesi", "Renewal policy"),
    "renewal.title": ("Yenileme", "Renewal"),
    "renewal.window_opens": ("Yenileme açılışı", "Renewal opens"),
    "renewal.claim_free_year": ("Hasarsız yıl", "Claim-free year"),
    "renewal_state.not_offered": ("Teklif verilmedi", "Not offered"),
    "renewal_state.quote_given": ("Teklif verildi", "Quote given"),
    "renewal_state.renewed": ("Yenilendi", "Renewed"),
    "renewal_state.lapsed": ("Süresi doldu", "Lapsed"),
}
