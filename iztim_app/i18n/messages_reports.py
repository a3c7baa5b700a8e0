"""Reports: dimension, measure, chart and period labels; report format and export errors."""

MESSAGES = {
    # dimensions
    "report.dim.line": ("Branş", "Line"),
    "report.dim.channel": ("Satış kanalı", "Sales channel"),
    "report.dim.office": ("Birim", "Office"),
    "report.dim.agency": ("Acente", "Agency"),
    "report.dim.month": ("Ay", "Month"),
    "report.dim.day": ("Gün", "Day"),
    "report.dim.year": ("Yıl", "Year"),
    "report.dim.customer_kind": ("Müşteri türü", "Customer type"),
    "report.dim.preparer": ("Hazırlayan", "Prepared by"),
    # measures
    "report.measure.policies": ("Poliçe adedi (net)", "Policies (net)"),
    "report.measure.issued": ("Tanzim edilen", "Issued"),
    "report.measure.cancelled": ("İptal edilen", "Cancelled"),
    "report.measure.endorsements": ("Zeyil adedi", "Endorsements"),
    "report.measure.sum_insured": ("Sigorta bedeli", "Sum insured"),
    "report.measure.net_premium": ("Net prim", "Net premium"),
    "report.measure.taxes": ("Vergiler", "Taxes"),
    "report.measure.gross_premium": ("Brüt prim", "Gross premium"),
    "report.measure.commission": ("Komisyon", "Commission"),
    "report.measure.tax": ("Vergi: {name}", "Tax: {name}"),
    # charts
    "report.chart.bar": ("Sütun grafik", "Bar chart"),
    "report.chart.line": ("Çizgi grafik", "Line chart"),
    "report.chart.pie": ("Pasta grafik", "Pie chart"),
    "report.chart.none": ("Grafik yok", "No chart"),
    # periods
    "report.period.custom": ("Tarih aralığı seçilir", "Dates chosen when run"),
    "report.period.this_month": ("Bu ay", "This month"),
    "report.period.last_month": ("Geçen ay", "Last month"),
    "report.period.this_year": ("Bu yıl", "This year"),
    "report.period.last_year": ("Geçen yıl", "Last year"),
    # values and words
    "report.no_agency": ("—", "—"),
    "report.no_preparer": ("—", "—"),
    "report.total": ("Toplam", "Total"),
    "report.title": ("Üretim raporu", "Production report"),
    "report.period_line": ("Dönem: {date_from} – {date_to}", "Period: {date_from} – {date_to}"),
    "report.rows_line": ("{count} satır", "{count} rows"),
    "report.printed_by": ("Hazırlayan: {user}", "Prepared by: {user}"),
    "report.format_name": ("Format adı", "Format name"),
    "report.format_description": ("Açıklama", "Description"),
    "report.predefined": ("Hazır format", "Predefined format"),
    "report.date_from": ("Başlangıç tarihi", "From"),
    "report.date_to": ("Bitiş tarihi", "To"),
    # definition problems
    "report.definition_invalid": (
        "Rapor tanımı okunamadı.",
        "The report definition cannot be read.",
    ),
    "report.dimensions_invalid": (
        "Gruplama alanları okunamadı.",
        "The grouping fields cannot be read.",
    ),
    "report.unknown_dimension": (
        "Bilinmeyen gruplama alanı: {value}.",
        "Unknown grouping field: {value}.",
    ),
    "report.duplicate_dimension": (
        "Gruplama alanı iki kez seçilmiş: {value}.",
        "Grouping field chosen twice: {value}.",
    ),
    "report.too_many_dimensions": (
        "En fazla {max} gruplama alanı seçilebilir.",
        "At most {max} grouping fields can be chosen.",
    ),
    "report.measures_invalid": ("Değerler okunamadı.", "The measures cannot be read."),
    "report.measures_required": (
        "En az bir değer (ör. net prim) seçin.",
        "Choose at least one measure (e.g. net premium).",
    ),
    "report.too_many_measures": (
        "En fazla {max} değer seçilebilir.",
        "At most {max} measures can be chosen.",
    ),
    "report.unknown_measure": ("Bilinmeyen değer: {value}.", "Unknown measure: {value}."),
    "report.duplicate_measure": (
        "Değer iki kez seçilmiş: {value}.",
        "Measure chosen twice: {value}.",
    ),
    "report.filters_invalid": ("Filtreler okunamadı.", "The filters cannot be read."),
    "report.unknown_filter_dimension": (
        "Bilinmeyen filtre alanı: {value}.",
        "Unknown filter field: {value}.",
    ),
    "report.filter_values_required": (
        "Filtre için en az bir değer girin.",
        "Give at least one value for the filter.",
    ),
    "report.bad_filter_value": (
        "Geçersiz filtre değeri: {value}.",
        "Invalid filter value: {value}.",
    ),
    "report.sort_invalid": ("Sıralama okunamadı.", "The sort order cannot be read."),
    "report.bad_sort_key": (
        "Sıralama yalnızca seçilen alan ve değerlere göre yapılabilir: {value}.",
        "Sort only by a chosen field or measure: {value}.",
    ),
    "report.bad_sort_direction": (
        "Geçersiz sıralama yönü: {value}.",
        "Invalid sort direction: {value}.",
    ),
    "report.unknown_chart": ("Bilinmeyen grafik türü: {value}.", "Unknown chart type: {value}."),
    "report.chart_measure_invalid": (
        "Grafik değeri seçilen değerlerden biri olmalı: {value}.",
        "The chart measure must be one of the chosen measures: {value}.",
    ),
    "report.unknown_period": ("Bilinmeyen dönem: {value}.", "Unknown period: {value}."),
    "report.unknown_by": ("Bilinmeyen gruplama: {value}.", "Unknown grouping: {value}."),
    # formats
    "report.name_required": ("Format adı zorunludur.", "The format name is required."),
    "report.name_too_long": (
        "Format adı en fazla {max} karakter olabilir.",
        "The format name can be at most {max} characters.",
    ),
    "report.description_too_long": (
        "Açıklama en fazla {max} karakter olabilir.",
        "The description can be at most {max} characters.",
    ),
    "report.duplicate_name": (
        "Bu adla bir rapor formatı zaten var: {name}.",
        "A report format with this name already exists: {name}.",
    ),
    "report.format_predefined": (
        "Hazır formatlar değiştirilemez veya silinemez; farklı bir adla kaydedin.",
        "Predefined formats cannot be changed or deleted; save it under another name.",
    ),
    "report.format_saved": ("Rapor formatı kaydedildi.", "Report format saved."),
    "report.format_deleted": ("Rapor formatı silindi.", "Report format deleted."),
    # exports
    "report.export_format_invalid": (
        "Dışa aktarma türü CSV, Excel veya PDF olmalı.",
        "Export as CSV, Excel or PDF.",
    ),
    "report.export.csv": ("CSV", "CSV"),
    "report.export.xlsx": ("Excel", "Excel"),
    "report.export.pdf": ("PDF", "PDF"),
    "report.rebuilt": (
        "Üretim özeti yeniden hesaplandı: {rows} satır.",
        "Production summary rebuilt: {rows} rows.",
    ),
}
