"""The catalogue and the rules on one record: places, dates, scores (docs/training.md)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tumbuh.training import config
from tumbuh.training.models import Attendance, Cadre, CadreRole, Module
from tumbuh.training.services import ensure_modules, sync_modules

GOOD = """
version = "t1"
[scores]
pass_mark = 70
[coverage]
months = 24
[[module]]
code = "ANT-1"
title = "Measuring"
core = true
anthropometry = true
"""


def test_the_shipped_catalogue_loads():
    cat = config.load()
    assert cat.version == "2026.1"
    assert 1 <= cat.pass_mark <= 100
    assert {"ANT-1", "ANT-2", "KMS-1", "PMBA-1"} <= set(cat.core_codes)
    assert {"ANT-1", "ANT-2"} <= set(cat.anthropometry_codes)


@pytest.mark.parametrize("change, message", [
    (("pass_mark = 70", "pass_mark = 120"), "scores.pass_mark must be a whole number from 1"),
    (("months = 24", "months = 0"), "coverage.months must be a whole number"),
    (('code = "ANT-1"', 'code = "ant 1"'), "module[0].code must be capitals"),
    (("core = true", 'core = "yes"'), "module[0].core must be true or false"),
    (("core = true", "core = false"), "at least one module must have core = true"),
    (('title = "Measuring"', 'title = ""'), "module[0].title must be a non-empty string"),
    (('version = "t1"', ""), "version must be a non-empty string"),
])  # fmt: skip
def test_a_bad_catalogue_names_the_key(tmp_path, change, message):
    path = tmp_path / "modules.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config.load(path)


def test_a_module_twice_is_refused(tmp_path):
    path = tmp_path / "modules.toml"
    path.write_text(GOOD + GOOD[GOOD.index("[[module]]"):])
    with pytest.raises(ValueError, match="'ANT-1' appears twice"):
        config.load(path)


def test_syncing_the_catalogue_is_idempotent_and_keeps_dropped_modules(db, tmp_path):
    sync_modules()
    n = Module.objects.count()
    assert n == len(config.current().modules)
    sync_modules()
    assert Module.objects.count() == n
    path = tmp_path / "modules.toml"
    path.write_text(GOOD)
    sync_modules(config.load(path))
    assert Module.objects.count() == n  # nothing deleted: old sessions keep their modules
    assert list(Module.objects.filter(in_catalogue=True).values_list("code", flat=True)) == [
        "ANT-1"]
    assert Module.objects.get(code="ANT-1").label == "Measuring"
    ensure_modules()  # back to the shipped catalogue
    assert Module.objects.filter(in_catalogue=True).count() == n


def test_a_cadre_takes_the_kelurahan_of_their_posyandu_or_team(cast):
    c = Cadre.objects.create(name="A", posyandu=cast.pos_b1, active_since=dt.date(2021, 1, 1))
    assert c.kelurahan == cast.kel_b
    t = Cadre.objects.create(name="T", role=CadreRole.KB, tpk_team=cast.team_a,
                             active_since=dt.date(2021, 1, 1))
    assert t.kelurahan == cast.kel_a


@pytest.mark.parametrize("fields, field, message", [
    ({}, "posyandu", "Choose the cadre's main posyandu or their team."),
    ({"role": CadreRole.KB, "posyandu": "a1"}, "tpk_team", "needs the team"),
    ({"role": CadreRole.POSYANDU, "tpk_team": "a"}, "posyandu", "needs their main posyandu"),
    ({"posyandu": "a1", "left_on": dt.date(2019, 1, 1), "is_active": False}, "left_on",
     "cannot leave before they started (01-01-2020)"),
    ({"posyandu": "a1", "left_on": dt.date(2023, 1, 1)}, "is_active", "untick"),
])  # fmt: skip
def test_cadre_rules_give_clear_errors(cast, fields, field, message):
    fields = dict(fields)
    if fields.get("posyandu") == "a1":
        fields["posyandu"] = cast.pos_a1
    if fields.get("tpk_team") == "a":
        fields["tpk_team"] = cast.team_a
    c = Cadre(name="X", active_since=dt.date(2020, 1, 1), **fields)
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert any(message in m for m in exc.value.message_dict[field])


def test_the_database_refuses_a_cadre_without_a_place(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cadre.objects.bulk_create([Cadre(name="X", kelurahan=cast.kel_a,
                                         active_since=dt.date(2020, 1, 1))])


def test_scores_are_0_to_100_and_only_for_attendees(people, make_session):
    session = make_session()
    row = Attendance(session=session, cadre=people["a"], pre_score=101, post_score=-1)
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert set(exc.value.message_dict) == {"pre_score", "post_score"}
    absent = Attendance(session=session, cadre=people["a"], attended=False, post_score=80)
    with pytest.raises(ValidationError, match="Sri Melati did not attend"):
        absent.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=session, cadre=people["a"], pre_score=150)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=session, cadre=people["a"], attended=False,
                                  pre_score=50)


def test_passed_follows_the_pass_mark_and_stores_it(people, make_session):
    cat = config.current()
    row = Attendance(session=make_session(), cadre=people["a"], pre_score=40,
                     post_score=cat.pass_mark)
    row.decide(cat)
    assert (row.passed, row.pass_mark, row.rules_version) == (True, cat.pass_mark, "2026.1")
    row.post_score = cat.pass_mark - 1
    row.decide(cat)
    assert row.passed is False
    assert row.gain == cat.pass_mark - 41
    row.post_score = None
    row.decide(cat)
    assert (row.passed, row.pass_mark, row.rules_version) == (None, None, "")


def test_a_session_cannot_end_before_it_starts(make_session):
    s = make_session(day=dt.date(2025, 3, 10))
    s.end_date = dt.date(2025, 3, 9)
    with pytest.raises(ValidationError, match="before the first day"):
        s.full_clean()


def test_a_module_shows_its_title_in_the_active_language(modules):
    from django.utils import translation

    ant = modules["ANT-1"]
    with translation.override("id"):
        assert ant.label == "Pengukuran panjang dan tinggi badan"
    with translation.override("en"):
        assert ant.label == "Measuring length and height"
