"""Demo data (`iztim demo load`)."""

MESSAGES = {
    "demo.loaded": ("Demo verileri yüklendi.", "demo data loaded"),
    "demo.already_loaded": (
        "Demo verileri zaten var: hiçbir şey yüklenmedi.",
        "demo data already present: nothing loaded",
    ),
    "demo.not_demo_installation": (
        "Bu bir demo kurulumu değil (DATABASE_URL tanımlı ya da IZTIM_DEMO=0): demo verileri yüklenmez. "
        "Yine de yüklemek için IZTIM_DEMO=1 ayarlayın; ilk BT kullanıcısını "
        "`iztim users create` ile oluşturun.",
        "This is not a demo installation (DATABASE_URL is set, or IZTIM_DEMO=0): demo data is not loaded. "
        "Set IZTIM_DEMO=1 to load it anyway; create the first IT user with "
        "`iztim users create`.",
    ),
    "demo.skipped": (
        "Demo kurulumu değil: demo verileri yüklenmedi.",
        "not a demo installation: no demo data loaded",
    ),
}
