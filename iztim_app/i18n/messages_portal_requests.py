"""Customer portal: asking for a quote, asking for a policy by quote number, the staff queue
of those requests."""

MESSAGES = {
    # ------------------------------------------------------------ the portal page
    "portal_quote.page_title": ("Teklif ve poliçe talebi", "Quotes and policy requests"),
    "portal_quote.title": ("Teklif al", "Get a quote"),
    "portal_quote.intro": (
        "Branşı seçin, formu doldurun: fiyat, acentenizin kullandığı tarife ile hesaplanır. "
        "Teklifi kaydettiğinizde bir teklif numarası alırsınız.",
        "Choose the line and fill in the form: the price comes from the tariff your agency "
        "uses. Saving the quote gives you a quote number.",
    ),
    "portal_quote.for_customer": ("Teklif sahibi", "Quote for"),
    "portal_quote.save": ("Teklifi kaydet", "Save the quote"),
    "portal_quote.saved": (
        "Teklifiniz kaydedildi: teklif no {number}, {date} tarihine kadar geçerli.",
        "Your quote is saved: quote number {number}, valid until {date}.",
    ),
    "portal_quote.saved_awaiting": (
        "Teklifiniz kaydedildi: teklif no {number}. Sigorta bedeli nedeniyle acentenizin "
        "onayını bekliyor; {date} tarihine kadar geçerli.",
        "Your quote is saved: quote number {number}. Because of the sum insured it awaits "
        "your agency's approval; valid until {date}.",
    ),
    "portal_quote.needs_approval_note": (
        "Bu sigorta bedeli için teklif, kaydedildikten sonra acentenizin onayını bekler.",
        "For this sum insured the quote awaits your agency's approval once saved.",
    ),
    "portal_quote.unavailable": (
        "Şu anda portaldan teklif alınamıyor; lütfen acentenizle görüşün.",
        "Quotes cannot be asked for on the portal at the moment; please contact your agency.",
    ),
    "portal_quote.my_quotes": ("Tekliflerim", "My quotes"),
    "portal_quote.no_quotes": ("Henüz portaldan teklif almadınız.", "No portal quotes yet."),
    "portal_quote.col_number": ("Teklif no", "Quote no"),
    "portal_quote.col_date": ("Tarih", "Date"),
    "portal_quote.col_valid_until": ("Geçerlilik", "Valid until"),
    "portal_quote.col_line": ("Branş", "Line"),
    "portal_quote.col_premium": ("Brüt prim", "Gross premium"),
    "portal_quote.col_status": ("Durum", "Status"),
    "portal_quote.status.approved": ("Geçerli", "Valid"),
    "portal_quote.status.awaiting_approval": ("Onay bekliyor", "Awaiting approval"),
    "portal_quote.status.rejected": ("Reddedildi", "Rejected"),
    "portal_quote.status.superseded": ("Yenisiyle değiştirildi", "Superseded"),
    "portal_quote.status.expired": ("Süresi doldu", "Expired"),
    "portal_quote.status.policy": ("Poliçe {policy}", "Policy {policy}"),
    "portal_quote.sign_in_first": (
        "Bu sayfa için portala giriş yapın.",
        "Sign in to the portal for this page.",
    ),
    # ------------------------------------------------------------ asking for a policy
    "portal_request.title": ("Poliçe talebi", "Ask for a policy"),
    "portal_request.law_note": (
        "Poliçe, her iki tarafın imzası ve primin ödenmesiyle yürürlüğe girer. Talebiniz "
        "acentenize iletilir; poliçe internetten satılmaz.",
        "A policy takes effect only once both sides have signed and the premium is paid. "
        "Your request goes to your agency; policies are not sold online.",
    ),
    "portal_request.quote_number": ("Teklif no", "Quote number"),
    "portal_request.ask": ("Poliçe talep et", "Ask for a policy"),
    "portal_request.asked": (
        "Talebiniz alındı (talep no {request}): teklif no {number} acentenize iletildi.",
        "Your request is received (request no {request}): quote {number} went to your agency.",
    ),
    "portal_request.quote_number_required": (
        "Teklif no: teklifinizin numarasını yazın.",
        "Quote number: type the number of your quote.",
    ),
    "portal_request.unknown_quote": (
        "Teklif no: {number} numaralı, size ait bir teklif bulunamadı.",
        "Quote number: no quote of yours has the number {number}.",
    ),
    "portal_request.already_policy": (
        "Teklif no: {number} numaralı teklif zaten poliçe oldu (poliçe no {policy}).",
        "Quote number: quote {number} is already a policy (policy no {policy}).",
    ),
    "portal_request.quote_closed": (
        "Teklif no: {number} numaralı teklif artık geçerli değil (reddedildi ya da yenisiyle "
        "değiştirildi).",
        "Quote number: quote {number} is no longer valid (rejected or superseded).",
    ),
    "portal_request.quote_expired": (
        "Teklif no: {number} numaralı teklifin geçerliliği {date} tarihinde sona erdi; yeni "
        "bir teklif alın.",
        "Quote number: quote {number} was valid until {date}; please get a new quote.",
    ),
    "portal_request.already_requested": (
        "Teklif no: {number} numaralı teklif için açık bir talebiniz zaten var (talep no "
        "{request}).",
        "Quote number: you already have an open request for quote {number} (request no {request}).",
    ),
    "portal_request.my_requests": ("Taleplerim", "My requests"),
    "portal_request.no_requests": ("Henüz poliçe talebiniz yok.", "No policy requests yet."),
    "portal_request.col_request": ("Talep no", "Request no"),
    "portal_request.col_date": ("Talep tarihi", "Requested on"),
    "portal_request.col_status": ("Durum", "Status"),
    "portal_request.col_note": ("Açıklama", "Note"),
    "portal_request.status.open": ("Acentede", "With your agency"),
    "portal_request.status.done": ("Poliçe düzenlendi", "Policy issued"),
    "portal_request.status.rejected": ("Reddedildi", "Rejected"),
    "portal_request.policy_note": ("Poliçe no {policy}", "Policy no {policy}"),
    # ------------------------------------------------------------ the staff queue
    "portal_requests.title": ("Portal talepleri", "Portal requests"),
    "portal_requests.intro": (
        "Müşterilerin portaldan, teklif numarasıyla istedikleri poliçeler. Poliçe olağan akışla "
        "düzenlenir; düzenlenince talep kendiliğinden kapanır.",
        "Policies customers asked for on the portal by quote number. The policy is issued "
        "through the normal flow; the request then closes by itself.",
    ),
    "portal_requests.filter_status": ("Talep durumu", "Request status"),
    "portal_requests.all": ("Tümü", "All"),
    "portal_requests.col_customer": ("Müşteri", "Customer"),
    "portal_requests.col_sum_insured": ("Sigorta bedeli", "Sum insured"),
    "portal_requests.col_quote_status": ("Teklif durumu", "Quote status"),
    "portal_requests.col_actions": ("İşlem", "Action"),
    "portal_requests.convert": ("Poliçeye dönüştür", "Turn into a policy"),
    "portal_requests.reject": ("Reddet", "Reject"),
    "portal_requests.reason": ("Ret nedeni", "Reason for rejecting"),
    "portal_requests.reject_confirm": ("Talebi reddet", "Reject the request"),
    "portal_requests.cancel": ("Vazgeç", "Cancel"),
    "portal_requests.rejected": (
        "Talep {request} reddedildi.",
        "Request {request} is rejected.",
    ),
    "portal_request.reason_required": (
        "Ret nedeni: müşterinin göreceği bir neden yazın.",
        "Reason for rejecting: write a reason the customer will see.",
    ),
    "portal_request.reason_too_long": (
        "Ret nedeni: en çok {max} karakter olabilir.",
        "Reason for rejecting: at most {max} characters.",
    ),
    "portal_request.already_decided": (
        "Talep {request} bu arada sonuçlandırıldı.",
        "Request {request} was decided meanwhile.",
    ),
    "portal_requests.nav": ("Portal talepleri", "Portal requests"),
}
