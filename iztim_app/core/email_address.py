"""The one rule for an e-mail address typed into any form: one address, no lists."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
MAX_LENGTH = 200


def is_email(text: str) -> bool:
    return len(text) <= MAX_LENGTH and _EMAIL.match(text) is not None
