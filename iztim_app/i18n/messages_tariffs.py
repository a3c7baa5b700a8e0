"""Texts of the tariff engine: folder problems (`tariff.*`), pricing and refund errors."""

MESSAGES = {
    # ---- the folder and its files
    "tariff.dir_not_found": ("Tarife klasörü bulunamadı: {dir}", "Tariff folder not found: {dir}"),
    "tariff.zip_invalid": (
        "Yüklenen dosya geçerli bir zip değil ({error}).",
        "The uploaded file is not a valid zip ({error}).",
    ),
    "tariff.zip_too_large": (
        "Zip içeriği çok büyük (en çok {limit} bayt).",
        "The zip content is too large (at most {limit} bytes).",
    ),
    "tariff.missing_file": ("Dosya eksik.", "File is missing."),
    "tariff.unknown_file": (
        "Tanınmayan dosya; adı yanlış yazılmış olabilir.",
        "Unknown file; its name may be misspelt.",
    ),
    "tariff.line_without_folder": (
        '"{line}" branşının klasörü ({line}/) yok.',
        'Line "{line}" has no folder ({line}/).',
    ),
    "tariff.folder_without_line": (
        '"{folder}" klasörünün lines.csv içinde satırı yok.',
        'Folder "{folder}" has no row in lines.csv.',
    ),
    "tariff.not_utf8": (
        "Dosya UTF-8 değil (geçersiz bayt {byte}); dosyayı UTF-8 olarak kaydedin.",
        "The file is not UTF-8 (invalid byte {byte}); save it as UTF-8.",
    ),
    "tariff.csv_error": ("CSV okunamadı: {error}", "Cannot read the CSV: {error}"),
    "tariff.empty_file": (
        "Dosya boş; başlık satırı bekleniyor.",
        "The file is empty; a header row is expected.",
    ),
    "tariff.cell_count": (
        "Satırda {found} hücre var, başlıkta {expected} sütun var.",
        "The row has {found} cells but the header has {expected} columns.",
    ),
    # ---- columns
    "tariff.unknown_column": (
        'Tanınmayan sütun "{column}" (beklenen: {expected}).',
        'Unknown column "{column}" (expected: {expected}).',
    ),
    "tariff.missing_column": ('"{column}" sütunu eksik.', 'Column "{column}" is missing.'),
    "tariff.duplicate_column": (
        '"{column}" sütunu iki kez var.',
        'Column "{column}" appears twice.',
    ),
    # ---- cells
    "tariff.required_value": ('"{column}" boş olamaz.', '"{column}" must not be blank.'),
    "tariff.not_number": (
        '"{column}" bir sayı olmalı (ondalık ayırıcı nokta): "{value}".',
        '"{column}" must be a number (with a decimal point): "{value}".',
    ),
    "tariff.not_integer": (
        '"{column}" bir tam sayı olmalı: "{value}".',
        '"{column}" must be a whole number: "{value}".',
    ),
    "tariff.not_boolean": (
        '"{column}" yes ya da no olmalı: "{value}".',
        '"{column}" must be yes or no: "{value}".',
    ),
    "tariff.negative": (
        '"{column}" negatif olamaz: {value}.',
        '"{column}" cannot be negative: {value}.',
    ),
    "tariff.not_positive": (
        '"{column}" sıfırdan büyük olmalı: {value}.',
        '"{column}" must be greater than zero: {value}.',
    ),
    "tariff.too_large": (
        '"{column}" en çok {max} olabilir: {value}.',
        '"{column}" can be at most {max}: {value}.',
    ),
    "tariff.too_small": (
        '"{column}" en az {min} olmalı: {value}.',
        '"{column}" must be at least {min}: {value}.',
    ),
    "tariff.min_over_max": (
        "min ({min}) max değerinden ({max}) büyük.",
        "min ({min}) is greater than max ({max}).",
    ),
    "tariff.bad_code": (
        'Geçersiz kod "{value}" ({column}): boşluk ve * içeremez.',
        'Invalid code "{value}" ({column}): no spaces and no *.',
    ),
    "tariff.bad_line_code": (
        'Geçersiz branş kodu "{value}": küçük harfle başlamalı; yalnız a-z, 0-9 ve _ içerebilir.',
        'Invalid line code "{value}": must start with a lowercase letter; only a-z, 0-9 and _.',
    ),
    "tariff.duplicate": (
        '{column} "{value}" {other_line}. satırda zaten tanımlı.',
        '{column} "{value}" is already defined on line {other_line}.',
    ),
    "tariff.bad_kind": (
        'Geçersiz müşteri türü "{value}" (geçerli: {allowed}).',
        'Invalid customer kind "{value}" (valid: {allowed}).',
    ),
    "tariff.bad_method": (
        'Geçersiz iptal yöntemi "{value}" (geçerli: {allowed}).',
        'Invalid cancellation method "{value}" (valid: {allowed}).',
    ),
    "tariff.unknown_line": (
        'Bilinmeyen branş "{value}": lines.csv içinde yok.',
        'Unknown line "{value}": not in lines.csv.',
    ),
    "tariff.unknown_group": (
        'Bilinmeyen müşteri grubu "{value}": customer_groups.csv içinde yok.',
        'Unknown customer group "{value}": not in customer_groups.csv.',
    ),
    "tariff.unknown_field": (
        'Bilinmeyen alan "{value}": fields.csv içinde yok.',
        'Unknown field "{value}": not in fields.csv.',
    ),
    "tariff.unknown_choice": (
        '"{value}", "{field}" alanının choices.csv içindeki seçeneklerinden biri değil.',
        '"{value}" is not one of the options of field "{field}" in choices.csv.',
    ),
    # ---- short_rate.csv
    "tariff.short_rate.not_ascending": (
        "up_to_days artan sırada olmalı: {value}, {other_line}. satırdaki {previous} değerinden "
        "büyük değil.",
        "up_to_days must ascend: {value} is not greater than {previous} on line {other_line}.",
    ),
    "tariff.short_rate.decreasing": (
        "earned_percent azalamaz: {value}, {other_line}. satırdaki {previous} değerinden küçük.",
        "earned_percent must not decrease: {value} is below {previous} on line {other_line}.",
    ),
    "tariff.short_rate.empty": (
        "Kısa süre esası tablosu boş; son satır en az {min} güne ulaşmalı.",
        "The short-rate scale is empty; its last row must reach at least {min} days.",
    ),
    "tariff.short_rate.too_short": (
        "Kısa süre esası tablosunun son satırı en az {min} güne ulaşmalı (şu an {value}).",
        "The last row of the short-rate scale must reach at least {min} days (it is {value}).",
    ),
    # ---- fields.csv and choices.csv
    "tariff.field.bad_name": (
        'Geçersiz alan adı "{value}": küçük harfle başlamalı; yalnız a-z, 0-9 ve _ içerebilir.',
        'Invalid field name "{value}": must start with a lowercase letter; only a-z, 0-9 and _.',
    ),
    "tariff.field.reserved": (
        '"{value}" standart bir alanın ya da türetilmiş bir değerin adı; başka bir ad seçin.',
        '"{value}" is the name of a standard field or derived value; choose another name.',
    ),
    "tariff.field.bad_type": (
        'Geçersiz alan türü "{value}" (geçerli: {allowed}).',
        'Invalid field type "{value}" (valid: {allowed}).',
    ),
    "tariff.field.bounds_not_numeric": (
        "min ve max yalnız integer ve decimal alanlarda kullanılabilir ({type} alan).",
        "min and max are only for integer and decimal fields (this is a {type} field).",
    ),
    "tariff.field.no_choices": (
        'choice alanı "{value}" için choices.csv içinde seçenek yok.',
        'Choice field "{value}" has no options in choices.csv.',
    ),
    "tariff.choice.not_choice_field": (
        '"{value}" alanı choice türünde değil ({type}); seçenek tanımlanamaz.',
        'Field "{value}" is not a choice field ({type}); it cannot have options.',
    ),
    "tariff.choice.wildcard": ("* bir seçenek değeri olamaz.", "* cannot be an option value."),
    # ---- rates.csv
    "tariff.rates.unknown_column": (
        'Tanınmayan sütun "{column}": fields.csv içinde böyle bir alan yok.',
        'Unknown column "{column}": fields.csv has no such field.',
    ),
    "tariff.rates.key_not_choice": (
        '"{column}" sütunu anahtar olamaz: alan choice ya da boolean olmalı ({type}).',
        'Column "{column}" cannot be a key: the field must be choice or boolean (it is {type}).',
    ),
    "tariff.rates.empty": (
        "rates.csv içinde hiç tarife satırı yok.",
        "rates.csv has no rate rows.",
    ),
    "tariff.rates.duplicate": (
        "Bu satırın anahtarları {other_line}. satırla aynı.",
        "This row has the same keys as line {other_line}.",
    ),
    "tariff.rates.ambiguous": (
        "Bu satır ile {other_line}. satır aynı teklife uyabiliyor ve ikisinde de {stars} adet * "
        "var; hangisinin geçerli olduğu belirsiz.",
        "This row and line {other_line} can match the same quote with {stars} * each; which one "
        "applies is ambiguous.",
    ),
    # ---- factors.csv
    "tariff.factors.mixed_fields": (
        '"{factor}" çarpanı {other_line}. satırda "{other}" alanını kullanıyor; bir çarpan '
        "tek bir alana dayanmalı.",
        'Factor "{factor}" uses field "{other}" on line {other_line}; a factor must rest on '
        "one field.",
    ),
    "tariff.factors.bounds_not_allowed": (
        '"{field}" değerle eşleşir; min ve max boş olmalı.',
        '"{field}" matches on value; min and max must be blank.',
    ),
    "tariff.factors.value_not_allowed": (
        '"{field}" sayısal; value boş olmalı, aralık için min ve max kullanın.',
        '"{field}" is numeric; value must be blank, use min and max for the band.',
    ),
    "tariff.factors.band_empty": (
        "Aralık boş: min ({min}) max değerinden ({max}) küçük olmalı.",
        "Empty band: min ({min}) must be less than max ({max}).",
    ),
    "tariff.factors.needs_birth_date": (
        "age için branşın fields.csv dosyasında date türünde birth_date alanı olmalı.",
        "age needs a date field named birth_date in the line's fields.csv.",
    ),
    "tariff.factors.needs_model_year": (
        "vehicle_age için branşın fields.csv dosyasında integer türünde model_year alanı olmalı.",
        "vehicle_age needs an integer field named model_year in the line's fields.csv.",
    ),
    "tariff.factors.date_field": (
        'Tarih alanı "{value}" doğrudan çarpan olamaz; age gibi türetilmiş bir değer kullanın.',
        'Date field "{value}" cannot be a factor itself; use a derived value such as age.',
    ),
    "tariff.factors.overlap": (
        '"{factor}" çarpanında bu satır {other_line}. satırla çakışıyor; her değere tek bir '
        "satır uymalı.",
        'In factor "{factor}" this row overlaps line {other_line}; exactly one row must match '
        "any value.",
    ),
    # ---- command line
    "tariff.cli.error": ("Hata: {message}", "Error: {message}"),
    "tariff.valid": ("Tarife geçerli: {count} branş.", "The tariff is valid: {count} lines."),
    "tariff.invalid": (
        "{dir} klasöründeki tarife geçersiz ({count} sorun; ilki {first}) "
        "Ayrıntı: iztim tariffs check {dir}",
        "The tariff in {dir} is invalid ({count} problem(s); the first is {first}) "
        "Details: iztim tariffs check {dir}",
    ),
    "pricing.bad_set": (
        '--set ALAN=DEĞER biçiminde olmalı: "{value}".',
        '--set must be FIELD=VALUE: "{value}".',
    ),
    "pricing.set_twice": ('"{name}" alanı iki kez verildi.', 'Field "{name}" is given twice.'),
    # ---- pricing: what messages call the standard fields and derived values
    "field.sum_insured": ("Sigorta bedeli", "Sum insured"),
    "field.start_date": ("Başlangıç tarihi", "Start date"),
    "field.end_date": ("Bitiş tarihi", "End date"),
    "field.cancel_date": ("Fesih tarihi", "Cancellation date"),
    "field.premium": ("Net prim", "Net premium"),
    "field.customer_group": ("Müşteri grubu", "Customer group"),
    "field.age": ("Yaş", "Age"),
    "field.vehicle_age": ("Araç yaşı", "Vehicle age"),
    # ---- pricing
    "pricing.error": ("Fiyatlama yapılamadı.", "The quote cannot be priced."),
    "pricing.unknown_line": (
        'Bilinmeyen branş "{line}" (tanımlı: {known}).',
        'Unknown line "{line}" (defined: {known}).',
    ),
    "pricing.unknown_group": (
        'Bilinmeyen müşteri grubu "{group}" (tanımlı: {known}).',
        'Unknown customer group "{group}" (defined: {known}).',
    ),
    "pricing.unknown_field": (
        'Bu branşta "{name}" diye bir alan yok (alanlar: {known}).',
        'This line has no field "{name}" (fields: {known}).',
    ),
    "pricing.required": ("Zorunlu alan boş: {name}.", "Required field is empty: {name}."),
    "pricing.not_integer": (
        '{name} bir tam sayı olmalı: "{value}".',
        '{name} must be a whole number: "{value}".',
    ),
    "pricing.not_number": (
        '{name} bir sayı olmalı (ondalık ayırıcı nokta): "{value}".',
        '{name} must be a number (with a decimal point): "{value}".',
    ),
    "pricing.not_date": (
        '{name} YYYY-AA-GG biçiminde bir tarih olmalı: "{value}".',
        '{name} must be a date as YYYY-MM-DD: "{value}".',
    ),
    "pricing.not_boolean": (
        '{name} yes ya da no olmalı: "{value}".',
        '{name} must be yes or no: "{value}".',
    ),
    "pricing.not_text": (
        '{name} bir metin olmalı: "{value}".',
        '{name} must be text: "{value}".',
    ),
    "pricing.unknown_choice": (
        '"{value}", {name} alanının seçeneklerinden biri değil (seçenekler: {choices}).',
        '"{value}" is not an option of {name} (options: {choices}).',
    ),
    "pricing.below_min": (
        "{name} en az {min} olmalı: {value}.",
        "{name} must be at least {min}: {value}.",
    ),
    "pricing.above_max": (
        "{name} en çok {max} olabilir: {value}.",
        "{name} can be at most {max}: {value}.",
    ),
    "pricing.bad_amount": (
        "{name} sıfır ya da pozitif bir tutar olmalı (ondalık ayırıcı nokta, en çok iki hane): "
        '"{value}".',
        '{name} must be zero or a positive amount (decimal point, at most two places): "{value}".',
    ),
    "pricing.end_before_start": (
        "Bitiş tarihi ({end}) başlangıç tarihinden ({start}) sonra olmalı.",
        "The end date ({end}) must be after the start date ({start}).",
    ),
    "pricing.birth_after_start": (
        "{name} ({value}) poliçe başlangıcından sonra olamaz.",
        "{name} ({value}) cannot be after the policy start.",
    ),
    "pricing.term_too_long": (
        "{line}: sigorta süresi {days} gün; en çok {max} gün olabilir.",
        "{line}: the term is {days} days; it can be at most {max} days.",
    ),
    "pricing.no_rate": (
        "{line}: bu teklife uyan tarife satırı (rates.csv) yok: {values}.",
        "{line}: no rate row (rates.csv) fits this quote: {values}.",
    ),
    "pricing.no_factor_row": (
        '{line}: "{factor}" çarpanında {field} = {value} değerine uyan satır yok.',
        '{line}: factor "{factor}" has no row for {field} = {value}.',
    ),
    # ---- refunds
    "refund.unknown_reason": (
        'Bilinmeyen fesih nedeni "{reason}" (tanımlı: {known}).',
        'Unknown cancellation reason "{reason}" (defined: {known}).',
    ),
    "refund.cancel_outside_term": (
        "Fesih tarihi ({cancel}) poliçe süresi içinde olmalı ({start} – {end}).",
        "The cancellation date ({cancel}) must be within the policy term ({start} – {end}).",
    ),
    "refund.term_too_long": (
        "Poliçe süresi {days} gün; en çok {max} gün olabilir.",
        "The policy term is {days} days; it can be at most {max} days.",
    ),
}
