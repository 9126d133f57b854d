"""pytest plugin for the whole test suite, loaded with ``-p tumbuh.testing`` (pyproject.toml).

pytest-django imports the settings before any ``conftest.py`` is read, and the settings
require a secret key when TUMBUH_DEBUG is off (as it is by default). A ``-p`` plugin is
imported before that, so this is where the suite's environment is set. Values already in the
environment win, so ``DATABASE_URL=postgres://... python3 dev.py test`` works as expected.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TUMBUH_SECRET_KEY", "tumbuh-test-suite-only-not-a-secret")


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files_storage(tmp_path_factory):
    """Serve static files without the manifest, so tests need no ``collectstatic`` first.

    Production uses WhiteNoise's manifest storage, which can only name files that
    ``collectstatic`` has hashed; ``tumbuh/tools/tests/test_demo.py`` covers that path.
    """
    from django.test.utils import override_settings

    with override_settings(
        STATIC_ROOT=tmp_path_factory.mktemp("static_root"),
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture
def english(client):
    """Messages in English (their source text), for tests that read them, whatever the
    catalogue says: the active language and the test client's Accept-Language. An app's
    conftest makes it automatic with a three-line autouse fixture that asks for it."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


# --- downloads ---------------------------------------------------------------------------------


def same_cell(value, text: str) -> bool:
    """An XLSX cell against a CSV one: None is empty, a number equals the text's number (the
    XLSX file keeps 50.0 as 50)."""
    if value is None:
        return text == ""
    if isinstance(value, int | float):
        return text != "" and float(text) == value
    return str(value) == text


def assert_xlsx_holds_the_csv(csv_response, xlsx_response, *, numbers=()):
    """The XLSX download holds the CSV's header and values under the same file name: each cell
    reads as the CSV's text, the ``numbers`` columns are numbers (or empty), the notes (the CSV's
    lines after an empty row) are on the last sheet. Returns the first sheet's rows."""
    import csv
    import io

    from openpyxl import load_workbook

    from tumbuh.lib import downloads

    assert csv_response.status_code == xlsx_response.status_code == 200
    assert xlsx_response["Content-Type"] == downloads.XLSX_TYPE
    assert xlsx_response["Content-Disposition"] == (
        csv_response["Content-Disposition"].replace('.csv"', '.xlsx"'))
    csv_rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    table = csv_rows[:csv_rows.index([])] if [] in csv_rows else csv_rows
    book = load_workbook(io.BytesIO(xlsx_response.content))
    sheet = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert len(table) > 1
    assert [len(row) for row in sheet] == [len(row) for row in table]
    for row, line in zip(sheet, table, strict=True):
        assert all(same_cell(v, text) for v, text in zip(row, line, strict=True)), (row, line)
    for name in numbers:
        k = sheet[0].index(name)
        assert all(row[k] is None or isinstance(row[k], int | float) for row in sheet[1:]), name
        assert any(row[k] is not None for row in sheet[1:]), name
    notes = csv_rows[len(table) + 1:]
    if notes:
        assert [[v] for (v,) in book.worksheets[-1].iter_rows(values_only=True)] == notes
    return sheet
