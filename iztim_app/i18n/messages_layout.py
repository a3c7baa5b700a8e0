"""Menu, header and page titles."""

MESSAGES = {
    "nav.home": ("Ana sayfa", "Home"),
    "nav.quotes": ("Teklifler", "Quotes"),
    "nav.policies": ("Poliçeler", "Policies"),
    "nav.approvals": ("Onay Kuyruğu", "Approval queue"),
    "nav.reports": ("Raporlar", "Reports"),
    "nav.tariffs": ("Tarifeler", "Tariffs"),
    "nav.admin": ("Yönetim", "Administration"),
    "nav.portal": ("Müşteri portalı", "Customer portal"),
    "nav.language": ("Dil", "Language"),
    "home.welcome": ("Hoş geldiniz, {name}", "Welcome, {name}"),
    "home.office": ("Ofis: {office}", "Office: {office}"),
    "home.permissions": ("Yetkileriniz", "Your permissions"),
    "home.limits": ("Yetki limitleriniz", "Your authority limits"),
    "home.awaiting": ("Onay bekleyen teklifler", "Quotes awaiting approval"),
    "home.approved": ("Onaylı, geçerli teklifler", "Approved quotes still valid"),
    "home.queue": ("Onayınızı bekleyenler", "Waiting for your approval"),
    "page.coming": (
        "Bu bölüm hazırlanıyor; yetkiniz olan işlemler burada yer alacak.",
        "This section is being prepared; the actions you may take will appear here.",
    ),
    "portal.title": ("Müşteri portalı", "Customer portal"),
    "portal.coming": (
        "Poliçe numaranız ve erişim kodunuzla poliçelerinizi görebileceğiniz portal hazırlanıyor.",
        "The portal where you see your policies with your policy number and access code is being prepared.",
    ),
    "lang.tr": ("Türkçe", "Türkçe"),
    "lang.en": ("English", "English"),
}
