"""Operations on a whole installation: `iztim backup`, `iztim restore`, `iztim db copy`."""

MESSAGES = {
    "ops.failed": ("İşlem yapılamadı.", "The operation failed."),
    "ops.bad_url": ("Geçersiz veritabanı adresi: {url}", "Not a database URL: {url}"),
    "ops.not_sqlite": (
        "Bu işlem gömülü SQLite veritabanı içindir; adres bir SQLite dosyası değil: {url}",
        "This works on the embedded SQLite database; the URL is not an SQLite file: {url}",
    ),
    "ops.no_database": (
        "Veritabanı dosyası yok: {file}",
        "No database file at {file}",
    ),
    "ops.no_file": ("Dosya yok: {file}", "No such file: {file}"),
    "ops.no_folder": ("Klasör yok: {folder}", "No such folder: {folder}"),
    "ops.target_exists": (
        "{file} zaten var: üzerine yazmak için --force verin.",
        "{file} already exists: give --force to overwrite it.",
    ),
    "ops.target_is_folder": (
        "{file} bir klasör: yedek için bir dosya adı verin.",
        "{file} is a folder: give a file name for the backup.",
    ),
    "ops.not_a_database": (
        "{file} bir SQLite veritabanı değil.",
        "{file} is not an SQLite database.",
    ),
    "ops.integrity_failed": (
        "{file} bütünlük denetiminden geçmedi: {detail}",
        "{file} failed the integrity check: {detail}",
    ),
    "ops.not_iztim": (
        "{file} bir İztim veritabanı değil (şema sürümü, alembic_version, yok).",
        "{file} is not an İztim database (it has no schema revision, alembic_version).",
    ),
    "ops.newer_revision": (
        "{file} bu İztim sürümünün bilmediği bir şemada ({revision}): daha yeni bir sürümün "
        "veritabanı. Önce İztim'i güncelleyin.",
        "{file} is at a schema revision this İztim does not know ({revision}): a newer "
        "release's database. Upgrade İztim first.",
    ),
    "ops.pg_dump_missing": (
        "PostgreSQL yedeği pg_dump ile alınır, ama pg_dump PATH üzerinde yok. PostgreSQL "
        "istemci araçlarını kurun (Debian: postgresql-client) ya da doğrudan çalıştırın: "
        'pg_dump -Fc -f DOSYA "$DATABASE_URL".',
        "A PostgreSQL backup is made with pg_dump, but pg_dump is not on PATH. Install the "
        "PostgreSQL client tools (Debian: postgresql-client) or run it yourself: "
        'pg_dump -Fc -f FILE "$DATABASE_URL".',
    ),
    "ops.pg_dump_failed": ("pg_dump başarısız oldu: {detail}", "pg_dump failed: {detail}"),
    "ops.pg_restore_here": (
        "PostgreSQL veritabanı pg_restore ile geri yüklenir (uygulama durmuşken): "
        "pg_restore --clean --if-exists --single-transaction -d VERITABANI DOSYA.",
        "A PostgreSQL database is restored with pg_restore (with the app stopped): "
        "pg_restore --clean --if-exists --single-transaction -d DATABASE FILE.",
    ),
    "ops.restore_onto_itself": (
        "{file} zaten DATABASE_URL'in dosyası: kendi üzerine geri yüklenmez.",
        "{file} is DATABASE_URL's own file: it cannot be restored onto itself.",
    ),
    "ops.restore_failed": ("Geri yükleme başarısız oldu: {detail}", "The restore failed: {detail}"),
    "ops.backup_done": (
        "Yedek yazıldı: {file} ({size} bayt; şema {revision}; {policies} poliçe, {quotes} "
        "teklif, {customers} müşteri; bütünlük denetimi: ok)",
        "backup written: {file} ({size} bytes; schema {revision}; {policies} policies, "
        "{quotes} quotes, {customers} customers; integrity check: ok)",
    ),
    "ops.pg_backup_done": (
        "PostgreSQL yedeği yazıldı (pg_dump -Fc): {file} ({size} bayt)",
        "PostgreSQL backup written (pg_dump -Fc): {file} ({size} bytes)",
    ),
    "ops.restore_confirm": (
        "{target} yerine {file} geri yüklenecek (şema {revision}; {policies} poliçe, {quotes} "
        "teklif, {customers} müşteri). Şimdiki verilerin yerini alır. Devam edilsin mi?",
        "{file} will replace {target} (schema {revision}; {policies} policies, {quotes} "
        "quotes, {customers} customers). The current data is replaced. Continue?",
    ),
    "ops.restore_done": (
        "Geri yüklendi: {file} → {target} (şema {revision}; {policies} poliçe, {quotes} "
        "teklif, {customers} müşteri); denetim kaydına yazıldı.",
        "restored: {file} → {target} (schema {revision}; {policies} policies, {quotes} quotes, "
        "{customers} customers); recorded in the audit trail.",
    ),
    "ops.restore_older": (
        "Yedeğin şeması bu sürümden eski: uygulamayı başlatmadan önce `iztim db upgrade` "
        "çalıştırın.",
        "The backup's schema is older than this release: run `iztim db upgrade` before "
        "starting the app.",
    ),
    "ops.copy_target_foreign": (
        "Hedef boş bir veritabanı değil: İztim'e ait olmayan tablolar var ({table}): {url}",
        "The target is not an empty database: it holds tables that are not İztim's ({table}): {url}",
    ),
    "ops.copy_target_not_empty": (
        "Hedef veritabanı boş değil: {table} tablosunda kayıt var. Boş bir veritabanına "
        "kopyalayın: {url}",
        "The target database is not empty: table {table} has rows. Copy into an empty "
        "database: {url}",
    ),
    "ops.copy_target_newer": (
        "Hedef veritabanının şeması ({revision}) kaynağınkinden yeni ya da bilinmiyor: {url}",
        "The target's schema ({revision}) is newer than the source's, or unknown: {url}",
    ),
    "ops.cannot_connect": (
        "Hedef veritabanına bağlanılamadı ({detail}): {url}",
        "Cannot connect to the target database ({detail}): {url}",
    ),
    "ops.copy_onto_itself": (
        "Kaynak ve hedef aynı veritabanı: {url}",
        "Source and target are the same database: {url}",
    ),
    "ops.copy_schema_differs": (
        "Hedefin şeması kaynakla aynı değil ({table}): hiçbir şey kopyalanmadı.",
        "The target's schema differs from the source's ({table}): nothing was copied.",
    ),
    "ops.copy_table": ("  {table}: {rows} satır", "  {table}: {rows} rows"),
    "ops.copy_done": (
        "Kopyalandı: {source} → {target}; şema {revision}; {tables} tablo, {rows} satır, "
        "{sequences} sıra sayacı ayarlandı.",
        "copied: {source} → {target}; schema {revision}; {tables} tables, {rows} rows, "
        "{sequences} sequences set.",
    ),
}
