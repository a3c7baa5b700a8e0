"""Demo data for the embedded default installation; not part of the domain.

This package may import `iztim_app.core`; core never imports it (a house test checks).
"""

from iztim_app.demo.organisation import DEMO_PASSWORD, DEMO_SIGN_INS, is_loaded, load

__all__ = ["DEMO_PASSWORD", "DEMO_SIGN_INS", "is_loaded", "load"]
