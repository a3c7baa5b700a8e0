"""Foundation fixtures (one module per entity) made visible to the tests here."""

from tests.foundation.fixtures_db import (  # noqa: F401
    demo_db,
    demo_template,
    demo_url,
    lines_dir,
    matrix_template,
    matrix_url,
)
from tests.foundation.fixtures_users import admin, target  # noqa: F401
