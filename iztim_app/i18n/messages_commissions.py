"""Agency commissions: rates, statement, their screens and refusals."""

MESSAGES = {
    # permission and menu
    "perm.commission.manage": (
        "Acente komisyon oranlarını belirleme",
        "Set agency commission rates",
    ),
    "nav.commission_rates": ("Komisyon oranları", "Commission rates"),
    "nav.commission_statement": ("Komisyon ekstresi", "Commission statement"),
    # rates screen
    "commission.rates_title": ("Acente komisyon oranları", "Agency commission rates"),
    "commission.rates_intro": (
        "Oran, poliçenin ilk onaylandığı gün yürürlükte olan orandır; zeyil ve fesihler "
        "poliçenin oranıyla hesaplanır.",
        "A policy earns the rate in force on the day it is first approved; its endorsements "
        "and cancellation use the policy's rate.",
    ),
    "commission.new_rate": ("Yeni oran", "New rate"),
    "commission.agency": ("Acente", "Agency"),
    "commission.agency_code": ("Acente kodu", "Agency code"),
    "commission.all_agencies": ("Tüm acenteler", "All agencies"),
    "commission.choose_agency": ("Acente seçin", "Choose an agency"),
    "commission.line": ("Branş", "Line"),
    "commission.rate": ("Oran", "Rate"),
    "commission.rate_hint": (
        "Yüzde, en çok iki ondalık: örneğin 12,50",
        "Percent, at most two decimals: e.g. 12.50",
    ),
    "commission.valid_from": ("Geçerlilik başlangıcı", "Valid from"),
    "commission.valid_to": ("Geçerlilik bitişi", "Valid until"),
    "commission.open_ended": ("Süresiz", "Open-ended"),
    "commission.in_force": ("Yürürlükte", "In force"),
    "commission.upcoming": ("İleri tarihli", "Upcoming"),
    "commission.expired": ("Geçmiş", "Past"),
    "commission.status": ("Durum", "Status"),
    "commission.set_by": ("Belirleyen", "Set by"),
    "commission.save_rate": ("Oranı kaydet", "Save rate"),
    "commission.filter": ("Göster", "Show"),
    "commission.no_rates": ("Kayıtlı oran yok.", "No rates on record."),
    "commission.rate_saved": (
        "{agency} için {line} oranı {from_day} tarihinden itibaren {rate} olarak kaydedildi.",
        "The {line} rate of {agency} from {from_day} was saved as {rate}.",
    ),
    # statement screen and document
    "commission.statement_title": ("Komisyon ekstresi", "Commission statement"),
    "commission.period": ("Dönem", "Period"),
    "commission.show": ("Ekstreyi göster", "Show statement"),
    "commission.last_month": ("Geçen ay", "Last month"),
    "commission.download_pdf": ("PDF indir", "Download PDF"),
    "commission.download_csv": ("CSV indir", "Download CSV"),
    "commission.download_xlsx": ("Excel indir", "Download Excel"),
    "commission.entries": ("Hareketler", "Entries"),
    "commission.document": ("Belge no", "Document no"),
    "commission.kind": ("Belge türü", "Document"),
    "commission.day": ("Tarih", "Date"),
    "commission.customer": ("Müşteri", "Customer"),
    "commission.customer_id": ("TCKN/VKN", "ID number"),
    "commission.base_net": ("Net prim", "Net premium"),
    "commission.amount": ("Komisyon", "Commission"),
    "commission.by_line": ("Branş toplamları", "Totals by line"),
    "commission.entry_count": ("Hareket sayısı", "Entries"),
    "commission.base_net_total": ("Net prim toplamı", "Net premium total"),
    "commission.total": ("Toplam komisyon", "Total commission"),
    "commission.no_entries": (
        "Bu dönemde komisyon hareketi yok.",
        "No commission entries in this period.",
    ),
    "commission.pdf_footer": ("Düzenlenme: {at}", "Printed: {at}"),
    "commission.doc_policy": ("Poliçe", "Policy"),
    "commission.doc_endorsement": ("Zeyil", "Endorsement"),
    "commission.doc_cancellation": ("Fesih", "Cancellation"),
    "commission.doc_reversal": ("Onay kaldırma", "Approval removed"),
    # refusals
    "commission.agency_required": ("Bir acente seçin.", "Choose an agency."),
    "commission.not_an_agency": (
        "Komisyon oranı yalnızca bir acente için belirlenir.",
        "Commission rates are set for agencies only.",
    ),
    "commission.line_unknown": (
        'Tarifede böyle bir branş yok: "{line}".',
        'The tariff has no such line: "{line}".',
    ),
    "commission.rate_invalid": (
        '0 ile 100 arasında bir oran girin, örneğin 12,50: "{value}".',
        'Enter a rate between 0 and 100, e.g. 12.50: "{value}".',
    ),
    "commission.rate_decimals": (
        'Oran en çok iki ondalık basamak alır: "{value}".',
        'A rate takes at most two decimals: "{value}".',
    ),
    "commission.rate_range": (
        'Oran 0 ile 100 arasında olmalı: "{value}".',
        'The rate must be between 0 and 100: "{value}".',
    ),
    "commission.valid_from_past": (
        "Geçerlilik başlangıcı bugünden ({today}) önce olamaz.",
        "The rate cannot start before today ({today}).",
    ),
    "commission.rate_in_force": (
        "{day} tarihli oran yürürlüğe girdi, değiştirilemez; yarından geçerli yeni bir oran girin.",
        "The rate from {day} is already in force and cannot change; enter a new rate from tomorrow.",
    ),
    "commission.rate_changed_meanwhile": (
        "Bu acente ve branş için {day} tarihli oran bu arada kaydedildi; sayfayı yenileyin.",
        "A rate from {day} for this agency and line was saved meanwhile; reload the page.",
    ),
    "commission.head_office_only": (
        "Komisyon oranlarını yalnızca genel müdürlük belirler.",
        "Only the head office sets commission rates.",
    ),
    "commission.export_format": ("Bilinmeyen dışa aktarma biçimi.", "Unknown export format."),
}
