"""Typed amounts and dates, as the one amount parser (money.py) and date parser (dates.py)
refuse them; the message sits beside the field it names."""

MESSAGES = {
    "amount.invalid": (
        'Sıfır ya da pozitif bir tutar girin, örneğin 1.250.000,50: "{value}".',
        'Enter an amount of zero or more, e.g. 1.250.000,50: "{value}".',
    ),
    "amount.too_many_decimals": (
        'Tutar en çok iki ondalık hane (kuruş) alabilir; yuvarlanmaz: "{value}".',
        'An amount has at most two decimal places (kuruş); it is not rounded: "{value}".',
    ),
    "date.invalid": (
        'Geçerli bir tarih girin (GG.AA.YYYY ya da YYYY-AA-GG): "{value}".',
        'Enter a valid date (DD.MM.YYYY or YYYY-MM-DD): "{value}".',
    ),
}
