"""Endorsements (zeyil) and cancellations (fesih): labels and refusals."""

MESSAGES = {
    # ---------------------------------------------------------------- labels
    "endorsement.title": ("Zeyiller", "Endorsements"),
    "endorsement.new": ("Yeni zeyil", "New endorsement"),
    "endorsement.number": ("Zeyil no", "Endorsement number"),
    "endorsement.kind": ("Zeyil türü", "Endorsement type"),
    "endorsement.kind.increase": ("Prim artışı", "Premium increase"),
    "endorsement.kind.decrease": ("Prim iadesi", "Premium decrease"),
    "endorsement.kind.information": ("Bilgi değişikliği", "Information change"),
    "endorsement.kind.cancellation": ("Fesih", "Cancellation"),
    "endorsement.status.awaiting_approval": ("Onay bekliyor", "Awaiting approval"),
    "endorsement.status.approved": ("Onaylı", "Approved"),
    "endorsement.status.rejected": ("Reddedildi", "Rejected"),
    "endorsement.description": ("Açıklama", "Description"),
    "endorsement.effective_date": ("Yürürlük tarihi", "Effective date"),
    "endorsement.cancel_date": ("Fesih tarihi", "Cancellation date"),
    "endorsement.reason_code": ("Fesih nedeni", "Cancellation reason"),
    "endorsement.method": ("İade yöntemi", "Refund method"),
    "endorsement.method.pro_rata": ("Gün esası", "Pro rata"),
    "endorsement.method.short_rate": ("Kısa süre esası", "Short rate"),
    "endorsement.method.none": ("İade yok", "No refund"),
    "endorsement.method.full": ("Tam iade", "Full refund"),
    "endorsement.sum_insured_after": ("Yeni sigorta bedeli", "New sum insured"),
    "endorsement.net_change": ("Net prim farkı", "Net premium change"),
    "endorsement.gross_change": ("Brüt prim farkı", "Gross premium change"),
    "endorsement.taxes_change": ("Vergi farkları", "Tax changes"),
    "endorsement.in_force": ("Yürürlükteki prim", "Premium in force"),
    "endorsement.earned": ("Kazanılmış prim", "Earned premium"),
    "endorsement.refund": ("İade edilecek net prim", "Net premium refunded"),
    "endorsement.tax_refunds": ("Vergi iadeleri", "Tax refunds"),
    "endorsement.gross_refund": ("Toplam iade", "Total refund"),
    "endorsement.min_retained_applied": (
        "Asgari alıkonan prim uygulandı",
        "Minimum retained premium applied",
    ),
    "endorsement.queue": ("Zeyil onay kuyruğu", "Endorsement approval queue"),
    "endorsement.approve": ("Zeyili onayla", "Approve endorsement"),
    "endorsement.reject": ("Zeyili reddet", "Reject endorsement"),
    "endorsement.rejection_reason": ("Red nedeni", "Reason for rejection"),
    "endorsement.saved_approved": (
        "{label} numaralı zeyil kaydedildi ve onaylandı.",
        "Endorsement {label} was saved and approved.",
    ),
    "endorsement.saved_awaiting": (
        "{label} numaralı zeyil kaydedildi; yetki limitiniz aşıldığı için bu branşta yetkili "
        "bir genel müdürlük onaycısının onayını bekliyor.",
        "Endorsement {label} was saved; it exceeds your authority limit and awaits a "
        "head-office approver of this line.",
    ),
    "endorsement.policy_cancelled_note": (
        "Poliçe {date} tarihinden itibaren feshedildi.",
        "The policy is cancelled from {date}.",
    ),
    # ---------------------------------------------------------------- refusals
    "endorsement.effective_outside_term": (
        "Yürürlük tarihi poliçe süresi içinde olmalı: {start} ile {end} arası (bitiş günü hariç).",
        "Effective date must be within the policy term: from {start} to before {end}.",
    ),
    "endorsement.cancel_outside_term": (
        "Fesih tarihi poliçe süresi içinde olmalı: {start} ile {end} arası.",
        "Cancellation date must be within the policy term: {start} to {end}.",
    ),
    "endorsement.before_last_endorsement": (
        "Tarih, son onaylı zeyilin yürürlük tarihinden ({last}) önce olamaz.",
        "The date cannot be before the last approved endorsement's effective date ({last}).",
    ),
    "endorsement.kind_unknown": (
        "Zeyil türü seçilmeli: prim artışı, prim iadesi veya bilgi değişikliği.",
        "Endorsement type must be a premium increase, decrease or information change.",
    ),
    "endorsement.kind_mismatch": (
        "Zeyil türü hesaplanan prim farkına ({change} ₺) uymuyor; doğru tür: {expected_name}.",
        "Endorsement type does not match the computed premium change ({change} TRY); "
        "the right type is: {expected_name}.",
    ),
    "endorsement.sum_insured_not_positive": (
        "Sigorta bedeli sıfır veya daha az olamaz (tamamen sona erdirmek için fesih yapın).",
        "Sum insured cannot be zero or less (cancel the policy to end it).",
    ),
    "endorsement.sum_insured_invalid": (
        "Sigorta bedeli geçerli bir tutar olmalı ({value}).",
        "Sum insured must be a valid amount ({value}).",
    ),
    "endorsement.description_required": (
        "Açıklama zorunlu: neyin değiştiğini yazın.",
        "Description is required: say what changed.",
    ),
    "endorsement.reason_required": ("Red nedeni zorunlu.", "A reason for rejection is required."),
    "endorsement.text_too_long": (
        "Metin en fazla {max} karakter olabilir.",
        "The text may be at most {max} characters.",
    ),
    "endorsement.reason_unknown": (
        "Fesih nedeni listeden seçilmeli.",
        "Cancellation reason must be chosen from the list.",
    ),
    "endorsement.agency_refused": (
        "Acenteler zeyil veya fesih düzenleyemez.",
        "Agencies cannot create endorsements or cancellations.",
    ),
    "endorsement.policy_not_approved": (
        "Poliçe {number} onaylı değil; zeyil yalnızca onaylı poliçeye yapılır.",
        "Policy {number} is not approved; only approved policies take endorsements.",
    ),
    "endorsement.policy_cancelled": (
        "Poliçe {number} feshedilmiş; zeyil yapılamaz.",
        "Policy {number} is cancelled; no endorsement is possible.",
    ),
    "endorsement.already_cancelled": (
        "Poliçe {number} zaten feshedilmiş; ikinci fesih yapılamaz.",
        "Policy {number} is already cancelled; it cannot be cancelled twice.",
    ),
    "endorsement.cancellation_waiting": (
        "Poliçenin {label} numaralı fesih zeyili onay bekliyor; önce o sonuçlanmalı.",
        "Cancellation {label} of this policy awaits approval; it must be decided first.",
    ),
    "endorsement.one_waiting": (
        "Poliçenin {label} numaralı zeyili onay bekliyor; önce o sonuçlanmalı.",
        "Endorsement {label} of this policy awaits approval; it must be decided first.",
    ),
    "endorsement.policy_changed": (
        "Poliçe {number} bu arada değişti (onayı kaldırıldı veya feshedildi); zeyil işlenemedi.",
        "Policy {number} changed meanwhile (un-approved or cancelled); the endorsement was "
        "not applied.",
    ),
    "endorsement.over_approver_limit": (
        "Bu zeyilin sigorta bedeli bu branştaki poliçe onay limitinizi aşıyor.",
        "This endorsement's sum insured exceeds your policy approval limit on this line.",
    ),
    "endorsement.already_decided": (
        "{label} numaralı zeyil zaten sonuçlandı ({status}).",
        "Endorsement {label} has already been decided ({status}).",
    ),
}
