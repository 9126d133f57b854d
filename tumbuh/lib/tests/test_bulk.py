"""tumbuh.lib.bulk: what insert_columns and update_rows write reads back as Django would have
written it (UUIDs, dates and times, JSON, defaults, foreign keys), on SQLite through
executemany and on PostgreSQL through COPY."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from tumbuh.eppgbm.models import ImportIssue, ImportRun
from tumbuh.lib import bulk

pytestmark = pytest.mark.django_db

#: Quotes, a tab, a backslash, a separator: what COPY's text format must escape.
AWKWARD = 'b; \'quoted\', "tab\there" back\\slash.csv'


def test_insert_columns_writes_what_django_reads_back():
    ids = [uuid.uuid4() for _ in range(3)]
    finished = timezone.now().replace(microsecond=0)
    before = timezone.now()
    bulk.insert_columns(ImportRun, 3, {
        "id": ids,
        "file_name": ["a.xlsx", AWKWARD, "c — ü.csv"],
        "mapping": [{"Nama Balita": "B"}, {}, {"Berat": "nested", "x": [1, 2.5, None]}],
        "finished_at": [finished, None, finished],
        "rows": [10, 0, 2**31 - 1],
        "seconds": [1.25, 0.0, 3.5],
    })  # fmt: skip
    runs = {r.pk: r for r in ImportRun.objects.all()}
    assert set(runs) == set(ids)
    a, b, c = (runs[i] for i in ids)
    assert b.file_name == AWKWARD and c.file_name == "c — ü.csv"
    assert a.mapping == {"Nama Balita": "B"} and b.mapping == {}
    assert c.mapping == {"Berat": "nested", "x": [1, 2.5, None]}
    assert a.finished_at == finished and b.finished_at is None
    assert c.rows == 2**31 - 1 and a.seconds == 1.25
    assert a.status == "queued" and a.failure == "" and a.errors == 0  # the fields' defaults
    assert before - dt.timedelta(seconds=1) <= a.created_at <= timezone.now()

    bulk.insert_columns(ImportIssue, 2, {
        "run_id": [ids[0], ids[0]], "row": [2, 3], "column": ["NIK", ""],
        "value": ["123", ""], "message": ["NIK must have 16 digits.", "empty row"],
    })  # fmt: skip
    assert list(a.issues.order_by("row").values_list("row", "column", "message")) == [
        (2, "NIK", "NIK must have 16 digits."), (3, "", "empty row")]


def test_insert_columns_of_nothing_writes_nothing():
    bulk.insert_columns(ImportIssue, 0, {"run_id": [], "row": [], "message": []})
    assert ImportIssue.objects.count() == 0


def test_update_rows_sets_the_fields_of_each_object():
    runs = [ImportRun.objects.create(file_name=f"{i}.csv") for i in range(3)]
    for i, run in enumerate(runs):
        run.rows, run.mapping = 100 + i, {"i": i}
    assert bulk.update_rows(runs[:2], ["rows", "mapping"]) == 2
    got = {r.file_name: (r.rows, r.mapping) for r in ImportRun.objects.all()}
    assert got == {"0.csv": (100, {"i": 0}), "1.csv": (101, {"i": 1}), "2.csv": (0, {})}
