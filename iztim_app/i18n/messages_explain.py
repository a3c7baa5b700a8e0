"""Rating worksheet (hesap dökümü) in words."""

MESSAGES = {
    "explain.step.rate": ("Baz prim", "Base premium"),
    "explain.step.factor": ("Çarpan", "Factor"),
    "explain.step.short_rate": ("Kısa süre", "Short term"),
    "explain.step.net": ("Net prim", "Net premium"),
    "explain.step.tax": ("Vergi", "Tax"),
    "explain.step.gross": ("Brüt prim", "Gross premium"),
    "explain.rate": (
        "Oran tablosu satır {row} ({keys}): {sum_insured} × ‰{rate} + {fixed} sabit",
        "Rate table row {row} ({keys}): {sum_insured} × {rate}‰ + {fixed} fixed",
    ),
    "explain.factor": (
        "{field}: {value} → satır {row} {band} × {multiplier}",
        "{field}: {value} → row {row} {band} × {multiplier}",
    ),
    "explain.factor_value": (
        "{field}: {value} → satır {row} × {multiplier}",
        "{field}: {value} → row {row} × {multiplier}",
    ),
    "explain.factor_any": (
        "{field}: {value} → satır {row} (her değer) × {multiplier}",
        "{field}: {value} → row {row} (any value) × {multiplier}",
    ),
    "explain.any": ("tümü", "any"),
    "explain.short_rate": (
        "{days} günlük süre: yıllık primin %{percent}'i",
        "{days}-day term: {percent}% of the annual premium",
    ),
    "explain.net": ("Yuvarlanmış net prim ({raw})", "Rounded net premium ({raw})"),
    "explain.net_min": (
        "Hesaplanan {raw} asgari primin altında: asgari prim {min} uygulandı",
        "Computed {raw} is below the minimum: minimum premium {min} applied",
    ),
    "explain.gross": ("Net prim {net} + vergiler {taxes}", "Net premium {net} + taxes {taxes}"),
}
