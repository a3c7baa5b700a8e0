"""Policies: issuing, approval, un-approval, versions."""

MESSAGES = {
    "policy_status.draft": ("Taslak", "Draft"),
    "policy_status.awaiting_approval": ("Onay bekliyor", "Awaiting approval"),
    "policy_status.approved": ("Onaylı", "Approved"),
    "policy_status.rejected": ("Reddedildi", "Rejected"),
    "policy_status.unapproved": ("Onayı kaldırıldı", "Approval removed"),
    "policy_status.cancelled": ("Feshedildi", "Cancelled"),
    "policy.confirm_question": ("Onaylamak istiyor musunuz?", "Do you want to confirm?"),
    "policy.issued_approved": (
        "Poliçe {number} kaydedildi ve onaylandı.",
        "Policy {number} saved and approved.",
    ),
    "policy.issued_awaiting": (
        "Poliçe {number} kaydedildi. Sigorta bedeli bu branştaki poliçe yetki limitinizi aştığı için onay bekliyor: bu branşta yetkili bir genel müdürlük onaycısının onaylaması gerekir.",
        "Policy {number} saved. The sum insured exceeds your policy authority limit for this line, so it awaits approval: a head-office approver of this line must approve it.",
    ),
    "policy.needs_approval_note": (
        "Bu poliçe yetki limitinizi aşıyor; kaydedilince genel müdürlük onayı bekleyecek.",
        "This policy exceeds your authority limit; once saved it will await head-office approval.",
    ),
    "policy.quote_unusable": (
        "Bu numarayla poliçeye dönüştürülebilecek onaylı ve süresi dolmamış bir teklif bulunamadı.",
        "No approved, unexpired quote that can become a policy was found with this number.",
    ),
    # no such quote or one outside the caller's scope: the same words, revealing nothing
    "policy.quote_unknown": (
        "Bu numarayla poliçeye dönüştürülebilecek onaylı ve süresi dolmamış bir teklif bulunamadı.",
        "No approved, unexpired quote that can become a policy was found with this number.",
    ),
    "policy.quote_mismatch": (
        "Teklifteki branş ve müşteri değiştirilemez.",
        "The line and customer of the quote cannot be changed.",
    ),
    "policy.fixed_on_draft": (
        "Poliçenin branşı ve müşterisi değiştirilemez.",
        "The line and customer of a policy cannot be changed.",
    ),
    "policy.already_decided": (
        "Poliçe {number} artık onay beklemiyor (durum: {status}).",
        "Policy {number} no longer awaits a decision (status: {status}).",
    ),
    "policy.over_approver_limit": (
        "Bu poliçenin sigorta bedeli onay limitinizi aşıyor.",
        "The sum insured of this policy exceeds your approval limit.",
    ),
    "policy.head_office_only": (
        "Bu işlemi yalnızca yetkili genel müdürlük kullanıcıları yapabilir.",
        "Only authorised head-office users can do this.",
    ),
    "policy.agency_never_changes": (
        "Acenteler onaylanmış poliçeleri değiştiremez.",
        "Agencies cannot change approved policies.",
    ),
    "policy.reason_required": ("Bir neden yazın.", "Give a reason."),
    "policy.not_approved": (
        "Poliçe {number} onaylı değil (durum: {status}).",
        "Policy {number} is not approved (status: {status}).",
    ),
    "policy.has_endorsements": (
        "Poliçe {number} için zeyil var; onayı kaldırılamaz.",
        "Policy {number} has endorsements; its approval cannot be removed.",
    ),
    "policy.not_draft": (
        "Poliçe {number} düzenlenebilir bir taslak değil.",
        "Policy {number} is not an editable draft.",
    ),
}
