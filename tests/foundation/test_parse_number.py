"""Numbers typed or passed by a browser or an API client: anything that cannot be a stored
number is simply unknown, never a database error."""

import pytest

from iztim_app.core.errors import NotFound
from iztim_app.core.numbering import MAX_NUMBER, parse_number


@pytest.mark.parametrize("raw", ["5000003", " 5000003 ", 5000003])
def test_a_whole_number_is_read(raw):
    assert parse_number(raw) == 5000003


@pytest.mark.parametrize(
    "raw", ["", "12a", "1.5", None, "0", "-1", str(MAX_NUMBER + 1), "9" * 30, [], {}]
)
def test_anything_else_is_not_found(raw):
    with pytest.raises(NotFound):
        parse_number(raw)


def test_the_largest_database_integer_is_still_a_number():
    assert parse_number(str(MAX_NUMBER)) == MAX_NUMBER
