"""Sign-in, session and password texts."""

MESSAGES = {
    "auth.title": ("İztim Poliçe Yönetimi", "İztim Policy Administration"),
    "auth.user_code": ("Kullanıcı kodu", "User code"),
    "auth.password": ("Şifre", "Password"),
    "auth.sign_in": ("Giriş", "Sign in"),
    "auth.sign_out": ("Çıkış", "Sign out"),
    # One text for a wrong password, an unknown code and a locked one: it tells none apart.
    "auth.failed": (
        "Kullanıcı kodu veya şifre hatalı (ya da hatalı denemeler nedeniyle hesap geçici "
        "olarak kilitli).",
        "Wrong user code or password (or the account is temporarily locked after failed attempts).",
    ),
    "auth.throttled": (
        "Çok fazla hatalı deneme. {seconds} saniye sonra tekrar deneyin.",
        "Too many failed attempts. Try again in {seconds} seconds.",
    ),
    "auth.password_change_required": (
        "Önce geçici şifrenizi değiştirmeniz gerekiyor.",
        "You must change your temporary password first.",
    ),
    "auth.disabled": (
        "Kullanıcınız pasif durumda. Bilgi işlem biriminize başvurun.",
        "Your user is disabled. Contact your IT staff.",
    ),
    "auth.session_ended": (
        "Oturumunuz sona erdi. Lütfen tekrar giriş yapın.",
        "Your session has ended. Please sign in again.",
    ),
    "auth.demo_sign_ins": (
        "Demo girişleri (şifre: {password})",
        "Demo sign-ins (password: {password})",
    ),
    "auth.must_change_password": (
        "Geçici şifrenizi değiştirmeniz gerekiyor.",
        "You must change your temporary password.",
    ),
    "password.change": ("Şifre değiştir", "Change password"),
    "password.current": ("Mevcut şifre", "Current password"),
    "password.new": ("Yeni şifre", "New password"),
    "password.repeat": ("Yeni şifre (tekrar)", "New password (again)"),
    "password.changed": ("Şifreniz değiştirildi.", "Your password was changed."),
    "password.too_short": (
        "Şifre en az {min} karakter olmalı.",
        "The password must have at least {min} characters.",
    ),
    "password.needs_letters_digits": (
        "Şifre harf ve rakam içermeli.",
        "The password must contain letters and digits.",
    ),
    "password.current_wrong": ("Mevcut şifre hatalı.", "The current password is wrong."),
    "password.mismatch": ("Yeni şifreler aynı değil.", "The new passwords do not match."),
    "password.same_as_old": (
        "Yeni şifre eskisiyle aynı olamaz.",
        "The new password must differ from the old one.",
    ),
}
