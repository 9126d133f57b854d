import datetime as dt

from tumbuh.lib.dates import add_months, month_end, months_before


def test_months_keep_the_day_or_take_the_month_end():
    assert months_before(dt.date(2026, 12, 1), 6) == dt.date(2026, 6, 1)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 60) == dt.date(2021, 1, 15)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 1, 31), -13) == dt.date(2024, 12, 31)
    assert month_end(dt.date(2026, 2, 3)) == dt.date(2026, 2, 28)
