"""Customer portal: sign-in and the customer's own policies."""

MESSAGES = {
    "portal.number": ("Poliçe no veya müşteri no", "Policy number or customer number"),
    "portal.access_code": ("Erişim kodu", "Access code"),
    "portal.sign_in": ("Giriş", "Sign in"),
    "portal.sign_out": ("Çıkış", "Sign out"),
    "portal.sign_in_failed": (
        "Numara veya erişim kodu hatalı.",
        "Wrong number or access code.",
    ),
    "portal.wait": (
        "Çok fazla hatalı deneme. Lütfen {seconds} saniye sonra tekrar deneyin.",
        "Too many failed attempts. Please try again in {seconds} seconds.",
    ),
    "portal.my_policies": ("Poliçelerim", "My policies"),
}
