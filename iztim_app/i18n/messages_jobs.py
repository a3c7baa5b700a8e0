"""Background jobs and batch printing of a day's approved policies."""

MESSAGES = {
    # refusals and outcomes of the services and the runner
    "jobs.nothing_to_print": (
        "{day} günü onaylanmış, basılacak poliçe yok.",
        "There are no policies approved on {day} to print.",
    ),
    "jobs.too_many": (
        "{day} günü {count} poliçe onaylanmış; bir seferde en çok {limit} poliçe basılabilir.",
        "{count} policies were approved on {day}; at most {limit} can be printed at once.",
    ),
    "jobs.nothing_left": (
        "{day} gününün poliçelerinden basılabilecek olan kalmadı.",
        "None of the policies of {day} can be printed any more.",
    ),
    "jobs.some_skipped": (
        "{count} poliçe basıldı; {skipped} poliçe artık basılamadığı için atlandı.",
        "{count} policies were printed; {skipped} could no longer be printed and were skipped.",
    ),
    "jobs.worker_lost": (
        "İşi yürüten sunucu defalarca durduğu için iş tamamlanamadı. Lütfen yeniden başlatın.",
        "The job could not be finished because the server running it stopped repeatedly. Please start it again.",
    ),
    "jobs.unknown_kind": (
        "Bu iş türü artık desteklenmiyor.",
        "This kind of job is no longer supported.",
    ),
    "jobs.owner_inactive": (
        "İşi başlatan kullanıcı artık etkin olmadığı için iş durduruldu.",
        "The job was stopped because the user who started it is no longer active.",
    ),
    "jobs.failed_internal": (
        "İş beklenmeyen bir hata nedeniyle tamamlanamadı.",
        "The job could not be finished because of an unexpected error.",
    ),
    "jobs.not_found": ("Dosya bulunamadı.", "File not found."),
    # statuses
    "jobs.status.queued": ("Sırada", "Queued"),
    "jobs.status.running": ("Hazırlanıyor", "In progress"),
    "jobs.status.done": ("Hazır", "Ready"),
    "jobs.status.failed": ("Başarısız", "Failed"),
    "jobs.status.expired": ("Süresi doldu", "Expired"),
    # the batch printing screen
    "jobs.batch_link": ("Toplu baskı", "Batch print"),
    "jobs.batch_title": ("Toplu poliçe baskısı", "Batch printing of policies"),
    "jobs.batch_intro": (
        "Seçtiğiniz gün onaylanan ve görebildiğiniz poliçeler tek bir PDF dosyasında ya da ayrı PDF'lerden oluşan bir ZIP dosyasında hazırlanır. Dosya 24 saat indirilebilir.",
        "The policies approved on the day you choose that you may see are prepared as one PDF file or as a ZIP of separate PDFs. The file can be downloaded for 24 hours.",
    ),
    "jobs.day": ("Onay günü", "Approval day"),
    "jobs.format": ("Dosya biçimi", "File format"),
    "jobs.format_pdf": ("Tek PDF", "One PDF"),
    "jobs.format_zip": ("ZIP (ayrı PDF'ler)", "ZIP (separate PDFs)"),
    "jobs.start": ("Başlat", "Start"),
    "jobs.started_msg": (
        "{day} günü onaylanan {count} poliçenin baskısı hazırlanıyor.",
        "Printing the {count} policies approved on {day} has started.",
    ),
    "jobs.done_msg": ("Dosya hazır: {name}", "The file is ready: {name}"),
    "jobs.current": ("Son başlatılan iş", "Latest job"),
    "jobs.progress": ("İlerleme", "Progress"),
    "jobs.progress_text": ("{done} / {total}", "{done} / {total}"),
    "jobs.download": ("İndir", "Download"),
    "jobs.download_label": ("{name} dosyasını indir", "Download {name}"),
    "jobs.recent": ("Son işlerim", "My recent jobs"),
    "jobs.col_created": ("Başlatıldı", "Started"),
    "jobs.col_day": ("Gün", "Day"),
    "jobs.col_format": ("Biçim", "Format"),
    "jobs.col_status": ("Durum", "Status"),
    "jobs.col_progress": ("İlerleme", "Progress"),
    "jobs.col_file": ("Dosya", "File"),
}
