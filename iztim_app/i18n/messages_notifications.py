"""Notifications in the app: decisions on the user's documents, the approval queue's size."""

MESSAGES = {
    "notifications.title": ("Bildirimler", "Notifications"),
    "notifications.none": ("Yeni bildirim yok.", "No new notifications."),
    "notifications.mark_seen": ("Tümünü okundu say", "Mark all as read"),
    "notifications.more": (
        "ve {count} bildirim daha",
        "and {count} more",
    ),
    "notifications.queue_badge": (
        "Onay kuyruğunda {count} belge",
        "{count} documents in the approval queue",
    ),
    "notifications.quote_approved": (
        "Teklif {label} onaylandı ({by}).",
        "Quote {label} was approved ({by}).",
    ),
    "notifications.quote_rejected": (
        "Teklif {label} reddedildi ({by}): {reason}",
        "Quote {label} was rejected ({by}): {reason}",
    ),
    "notifications.policy_approved": (
        "Poliçe {label} onaylandı ({by}).",
        "Policy {label} was approved ({by}).",
    ),
    "notifications.policy_rejected": (
        "Poliçe {label} reddedildi ({by}): {reason}",
        "Policy {label} was rejected ({by}): {reason}",
    ),
    "notifications.endorsement_approved": (
        "Zeyil {label} onaylandı ({by}).",
        "Endorsement {label} was approved ({by}).",
    ),
    "notifications.endorsement_rejected": (
        "Zeyil {label} reddedildi ({by}): {reason}",
        "Endorsement {label} was rejected ({by}): {reason}",
    ),
}
