"""Texts of customers: form labels, list headings and every customer error."""

MESSAGES = {
    # screens and form labels
    "customer.title": ("Müşteriler", "Customers"),
    "customer.new": ("Yeni müşteri", "New customer"),
    "customer.search": ("Müşteri ara", "Search customers"),
    "customer.search_hint": (
        "Müşteri no, TCKN/VKN veya ad soyad / unvan",
        "Customer no, TCKN/VKN or name",
    ),
    "customer.number": ("Müşteri no", "Customer no"),
    "customer.kind": ("Müşteri türü", "Customer type"),
    "customer.kind.individual": ("Bireysel", "Individual"),
    "customer.kind.corporate": ("Kurumsal", "Corporate"),
    "customer.national_id": ("TCKN / VKN", "TCKN / VKN"),
    "customer.tckn": ("TCKN", "TCKN (Turkish ID no)"),
    "customer.vkn": ("VKN", "VKN (tax ID no)"),
    "customer.name": ("Ad soyad / Unvan", "Name / Company name"),
    "customer.name.individual": ("Ad soyad", "Full name"),
    "customer.name.corporate": ("Unvan", "Company name"),
    "customer.tax_office": ("Vergi dairesi", "Tax office"),
    "customer.group": ("Müşteri grubu", "Customer group"),
    "customer.address": ("Adres", "Address"),
    "customer.phone": ("Telefon", "Phone"),
    "customer.email": ("E-posta", "E-mail"),
    "customer.created_by": ("Kaydeden", "Created by"),
    "customer.office": ("Birim", "Office"),
    "customer.created_at": ("Kayıt zamanı", "Created at"),
    "customer.created": (
        "Müşteri kaydedildi: müşteri no {number}.",
        "Customer saved: customer no {number}.",
    ),
    "customer.none_found": ("Aramaya uyan müşteri yok.", "No customer matches the search."),
    # customers list and customer page
    "customer.list_title": ("Müşteri listesi", "Customer list"),
    "customer.detail_title": ("Müşteri", "Customer"),
    "customer.open": ("Müşteriyi aç", "Open customer"),
    "customer.contact": ("İletişim bilgileri", "Contact details"),
    "customer.identity": ("Kimlik bilgileri", "Identity"),
    "customer.edit_contact": ("İletişim bilgilerini değiştir", "Change contact details"),
    "customer.updated": (
        "Müşteri {number} iletişim bilgileri kaydedildi.",
        "Contact details of customer {number} saved.",
    ),
    "customer.portfolio": ("Portföy", "Portfolio"),
    "customer.same_person": (
        "Aynı kişi başka portföylerde",
        "Same person in other portfolios",
    ),
    "customer.same_person_note": (
        "Bu kimlik numarasıyla görebildiğiniz diğer müşteri kayıtları; teklifleri aşağıda"
        " birlikte listelenir.",
        "Other customer records with this ID number that you can see; their quotes are"
        " listed together below.",
    ),
    "customer.quotes": ("Teklifleri", "Quotes"),
    "customer.no_quotes": ("Bu müşterinin teklifi yok.", "This customer has no quotes."),
    "customer.policies": ("Poliçeleri", "Policies"),
    # errors
    "customer.kind_invalid": (
        "Müşteri türü seçilmeli: Bireysel veya Kurumsal.",
        "Choose the customer type: individual or corporate.",
    ),
    "customer.national_id_required": (
        "Kimlik numarası (TCKN / VKN) girilmeli.",
        "Enter the ID number (TCKN / VKN).",
    ),
    "customer.tckn_invalid": (
        "Geçersiz T.C. kimlik numarası.",
        "Invalid Turkish ID number (TCKN).",
    ),
    "customer.vkn_invalid": ("Geçersiz vergi kimlik numarası.", "Invalid tax ID number (VKN)."),
    "customer.name_required": ("Ad soyad / unvan girilmeli.", "Enter the name or company name."),
    "customer.tax_office_required": (
        "Kurumsal müşteride vergi dairesi zorunludur.",
        "The tax office is required for a corporate customer.",
    ),
    "customer.group_invalid": (
        "Müşteri grubu geçersiz ya da müşteri türüne uymuyor.",
        "The customer group is invalid or does not match the customer type.",
    ),
    "customer.no_tariff": (
        "Yürürlükte tarife yok; müşteri grubu seçilemiyor.",
        "No tariff is in force; no customer group can be chosen.",
    ),
    "customer.phone_invalid": (
        "Geçersiz telefon numarası: 10–15 rakam; yalnızca rakam, boşluk ve baştaki +"
        " kullanılabilir.",
        "Invalid phone number: 10–15 digits; only digits, spaces and a leading + are allowed.",
    ),
    "customer.email_invalid": ("Geçersiz e-posta adresi.", "Invalid e-mail address."),
    "customer.too_long": (
        "En fazla {max} karakter girilebilir.",
        "At most {max} characters are allowed.",
    ),
    "customer.duplicate": (
        "Bu kimlik numarasıyla kayıtlı müşteri var: müşteri no {number}.",
        "A customer with this ID number already exists: customer no {number}.",
    ),
}
