"""The synthetic city written to the database (size ``tiny``, generated once for this module).

The module fixture generates the city inside a transaction that is rolled back at the end;
each test runs in a savepoint inside it, so tests may change rows freely.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import override_settings

from tumbuh import growth
from tumbuh.accounts.models import Role, User
from tumbuh.accounts.scope import visible
from tumbuh.areas.models import Area, Posyandu, Puskesmas
from tumbuh.monitoring.models import ChildMeasurement, PosyanduSession, PregnancyCheck
from tumbuh.monitoring.services import (
    DERIVED_FIELDS,
    MeasurementInput,
    record_measurement,
    record_pregnancy_check,
)
from tumbuh.registry import nik as nik_rules
from tumbuh.registry.models import Child, Household, Person, Pregnancy
from tumbuh.tools.synthetic import DEMO_PASSWORD, generate_city, places

SEED = 11
AS_OF = dt.date(2025, 6, 15)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with (
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield generate_city("tiny", seed=SEED, as_of=AS_OF)
        transaction.set_rollback(True)


@pytest.fixture
def in_city(city, db):
    return city


def last_length_rows():
    """Each child's last measurement with a plausible length/height-for-age z."""
    rows = (
        ChildMeasurement.objects.filter(zlen__isnull=False, flen=False)
        .order_by("child_id", "measured_on")
        .values_list("child_id", "status_tbu", "child__posyandu__kelurahan_id")
    )
    return {child: (status, kel) for child, status, kel in rows}


def test_it_loads_balikpapan_and_serves_every_kelurahan(in_city):
    kelurahan = Area.objects.filter(level=Area.Level.VILLAGE, code__startswith="64.71.")
    assert kelurahan.count() == 34
    assert all(area.boundary for area in kelurahan)
    for area in kelurahan:
        assert Posyandu.objects.filter(kelurahan=area).exists(), area
        assert Child.objects.filter(posyandu__kelurahan=area).exists(), area
        assert area.serving_puskesmas.count() == 1, area
    assert Puskesmas.objects.count() == len(places.PUSKESMAS) == 25
    for posyandu in Posyandu.objects.select_related("puskesmas"):
        assert posyandu.puskesmas.catchment.filter(code=posyandu.kelurahan_id).exists()


def test_sungai_nangka_and_damai_bahagia_get_a_neighbours_puskesmas(in_city):
    for code in ("64.71.05.1010", "64.71.05.1012"):  # Sungai Nangka, Damai Bahagia
        serving = Area.objects.get(code=code).serving_puskesmas.get()
        assert serving.name == "Gunung Bahagia"


def test_about_a_fifth_of_children_are_stunted_at_their_last_length(in_city):
    last = last_length_rows()
    stunted = [status in ("pendek", "sangat_pendek") for status, _ in last.values()]
    assert len(last) > 150
    # ~20% expected; tiny has ~200 children measured (binomial SD ~3 points).
    assert 0.1 <= sum(stunted) / len(stunted) <= 0.32
    assert in_city.stunting_share == pytest.approx(sum(stunted) / len(stunted))


def test_stunting_clusters_by_kelurahan(in_city):
    by_kel: dict[str, list[bool]] = {}
    for status, kel in last_length_rows().values():
        by_kel.setdefault(kel, []).append(status in ("pendek", "sangat_pendek"))
    profile = {k.code: k.disadvantage for k in places.KELURAHAN}
    worst = [v for kel, rows in by_kel.items() if profile[kel] >= 0.7 for v in rows]
    best = [v for kel, rows in by_kel.items() if profile[kel] <= 0.3 for v in rows]
    assert sum(worst) / len(worst) > sum(best) / len(best) + 0.08


def test_every_measurement_is_stored_with_the_current_method_on_its_posyandu_day(in_city):
    assert ChildMeasurement.objects.count() == in_city.counts["measurements"] > 3000
    assert set(ChildMeasurement.objects.values_list("method_version", flat=True)) == {
        growth.METHOD_VERSION
    }
    mismatched = ChildMeasurement.objects.exclude(session__date=models_f("measured_on"))
    assert not mismatched.exists()
    assert not ChildMeasurement.objects.exclude(
        session__posyandu=models_f("child__posyandu")
    ).exists()
    assert not ChildMeasurement.objects.filter(measured_on__gt=AS_OF).exists()
    assert not ChildMeasurement.objects.filter(age_days__gt=1826).exists()


def models_f(name):
    from django.db.models import F

    return F(name)


def stored(row: ChildMeasurement) -> dict:
    return {name: getattr(row, name) for name in (*DERIVED_FIELDS, "warnings_confirmed")}


def test_stored_values_are_what_record_measurement_stores(in_city):
    """Re-enter two children's histories through the service and compare every derived field:
    one child with a typing slip (WHO flag, confirmed warning), one with at least 12 visits."""
    flagged = ChildMeasurement.objects.filter(fwei=True).values_list("child_id", flat=True)
    busy = Counter(ChildMeasurement.objects.values_list("child_id", flat=True)).most_common(1)
    children = Child.objects.filter(pk__in=[flagged.first(), busy[0][0]])
    assert children.count() == 2
    warnings_seen = []
    for child in children:
        generated = list(child.measurements.order_by("measured_on"))
        expected = {row.measured_on: stored(row) for row in generated}
        child.measurements.all().delete()
        for row in generated:
            data = MeasurementInput(
                measured_on=row.measured_on, weight_kg=row.weight_kg, lenhei_cm=row.lenhei_cm,
                measure=row.measure, headc_cm=row.headc_cm, armc_cm=row.armc_cm,
                oedema=row.oedema,
            )  # fmt: skip
            record_measurement(child=child, data=data, session=row.session, confirm=True)
        again = {row.measured_on: stored(row) for row in child.measurements.all()}
        assert again == expected
        warnings_seen += [value["warnings"] for value in expected.values() if value["warnings"]]
    assert warnings_seen  # the slip was re-entered, warned about and confirmed


def test_pregnancy_checks_are_what_record_pregnancy_check_stores(in_city):
    checks = list(PregnancyCheck.objects.select_related("pregnancy").order_by("id")[:15])
    assert checks
    fields = ("gestational_weeks", "bmi", "risiko_kek", "kek", "anemia", "method_version")
    for check in checks:
        before = {name: getattr(check, name) for name in fields}
        again = record_pregnancy_check(
            pregnancy=check.pregnancy, checked_on=check.checked_on, weight_kg=check.weight_kg,
            height_cm=check.height_cm, muac_cm=check.muac_cm, hb_g_dl=check.hb_g_dl,
            session=check.session,
        )  # fmt: skip
        assert {name: getattr(again, name) for name in fields} == before


def test_children_are_measured_with_missed_months_and_a_few_implausible_entries(in_city):
    measured = ChildMeasurement.objects.count()
    flagged = ChildMeasurement.objects.filter(warnings__icontains="implausible").count()
    assert 0 < flagged / measured < 0.015
    assert ChildMeasurement.objects.filter(growth_status="O").exists()  # skipped a month
    assert set(ChildMeasurement.objects.values_list("measure", flat=True)) == {"", "l", "h"}
    assert ChildMeasurement.objects.filter(headc_cm__isnull=False, age_days__lt=731).exists()
    assert ChildMeasurement.objects.filter(armc_cm__isnull=False).exists()
    # Participation: fewer rows than children-months at posyandu days.
    sessions = PosyanduSession.objects.count()
    assert sessions < 34 * 24  # a few posyandu days are cancelled, some still to come


def test_people_have_valid_nik_matching_their_birth_date_and_sex(in_city):
    regions = {f"64.71.0{k}" for k in range(1, 7)}
    people = list(Person.objects.exclude(nik=""))
    children = list(Child.objects.exclude(nik=""))
    assert len(people) > 0.9 * Person.objects.count()
    assert 0.45 < len(children) / Child.objects.count() < 0.75
    for record in people + children:
        assert nik_rules.format_errors(record.nik) == [], record.nik
        warnings = nik_rules.consistency_warnings(
            record.nik, birth_date=record.birth_date, sex=record.sex,
            known_region_codes=regions,
        )  # fmt: skip
        assert warnings == [], (record.nik, warnings)
    niks = [record.nik for record in people + children]
    assert len(set(niks)) == len(niks)
    kk = [hh.kk_number for hh in Household.objects.exclude(kk_number="")]
    assert all(len(number) == 16 and number.startswith("6471") for number in kk)


def test_mothers_and_households_look_real(in_city):
    child = Child.objects.select_related("mother", "household").first()
    assert child.mother.sex == "F"
    assert child.mother.household_id == child.household_id
    assert child.household.address.startswith(("Jl. ",))
    assert " No. " in child.household.address
    waters = Counter(Household.objects.values_list("water_source", flat=True))
    sanitation = Counter(Household.objects.values_list("sanitation", flat=True))
    assert len(waters) >= 5 and len(sanitation) >= 4
    assert Household.objects.filter(tpk_team__isnull=False).exists()
    weights = list(Child.objects.filter(birth_weight_kg__isnull=False).values_list(
        "birth_weight_kg", flat=True))  # fmt: skip
    assert 0.02 <= sum(w < 2.5 for w in weights) / len(weights) <= 0.15


def test_pregnant_women_are_followed_with_checks(in_city):
    pregnancies = list(Pregnancy.objects.select_related("woman"))
    assert pregnancies
    for pregnancy in pregnancies:
        assert pregnancy.woman.sex == "F"
        assert pregnancy.hpl == pregnancy.hpht + dt.timedelta(days=280)
        assert pregnancy.ended_on is None
        assert 6 * 7 <= (AS_OF - pregnancy.hpht).days <= 41 * 7
    assert PregnancyCheck.objects.filter(muac_cm__isnull=False, hb_g_dl__isnull=False).exists()


def test_there_is_one_demo_account_per_role_with_the_demo_password(in_city):
    expected = {
        "admin": Role.ADMIN, "kader_melati": Role.KADER, "bidan": Role.BIDAN, "tpk": Role.TPK,
        "analis": Role.ANALYST, "analis_nama": Role.ANALYST,
    }  # fmt: skip
    for username, role in expected.items():
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None and user.role == role, username
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="analis").may_see_identity()
    assert User.objects.get(username="analis_nama").may_see_identity()


def test_each_demo_account_sees_its_own_part_of_the_city(in_city):
    kader = User.objects.get(username="kader_melati")
    melati = kader.posyandu.get()
    assert (melati.name, melati.kelurahan_id) == ("Melati 1", "64.71.01.1001")
    seen = visible(Child.objects.all(), kader)
    assert seen.exists()
    assert set(seen) == set(Child.objects.filter(posyandu=melati))
    assert Child.objects.exclude(posyandu=melati).exists()

    bidan = User.objects.get(username="bidan")
    assert bidan.puskesmas == melati.puskesmas
    assert set(visible(Child.objects.all(), bidan)) == set(
        Child.objects.filter(posyandu__puskesmas=bidan.puskesmas)
    )

    tpk = User.objects.get(username="tpk")
    households = visible(Household.objects.all(), tpk)
    assert households.exists()
    assert set(households) == set(Household.objects.filter(tpk_team=tpk.tpk_team))
    assert visible(Household.objects.all(), tpk).count() < Household.objects.count()

    analyst = User.objects.get(username="analis")
    assert visible(Child.objects.all(), analyst).count() == Child.objects.count()


# --- Cadres (#4): who entered each measurement ---------------------------------------------------


def test_each_posyandu_has_two_or_three_cadres_and_the_demo_kader_is_one_of_melatis(in_city):
    from django.db.models import Count

    counts = Posyandu.objects.annotate(n=Count("cadres")).values_list("name", "kelurahan_id", "n")
    assert {n for _, _, n in counts} <= {2, 3}
    melati = Posyandu.objects.get(name="Melati 1", kelurahan_id="64.71.01.1001")
    cadres = set(melati.cadres.values_list("username", flat=True))
    assert len(cadres) == 3 and "kader_melati" in cadres
    assert authenticate(username="kader_melati", password=DEMO_PASSWORD) is not None
    others = User.objects.filter(role=Role.KADER).exclude(username="kader_melati")
    assert others.count() == sum(n for _, _, n in counts) - 1
    assert not any(user.has_usable_password() for user in others)


def test_every_measurement_was_entered_by_a_cadre_of_the_childs_posyandu(in_city):
    from tumbuh.accounts.models import User as Account

    assert not ChildMeasurement.objects.filter(created_by__isnull=True).exists()
    links = set(Account.posyandu.through.objects.values_list("user_id", "posyandu_id"))
    rows = ChildMeasurement.objects.values_list("created_by_id", "child__posyandu_id").distinct()
    assert set(rows) <= links


def test_the_scorecard_cells_stored_by_the_generator_are_those_read_from_the_rows(in_city):
    """The generator stores the scorecard's cells from its arrays; reading the rows back
    gives the same cells (tumbuh.quality.summary.cells_from)."""
    from tumbuh.analytics.grouping import Period
    from tumbuh.quality import summary
    from tumbuh.quality.models import ScorecardCell, ScorecardMonth

    stored = summary.stored_cells(ScorecardCell.objects.all())
    months = sorted(set(ScorecardMonth.objects.values_list("month", flat=True)))
    assert len(months) == 24
    assert ScorecardMonth.objects.count() == 24 * Posyandu.objects.count()
    direct = summary.cells_from(ChildMeasurement.objects.all(), Period(months[0], months[-1]))

    def keyed(cells):
        return {(cells.posyandu[i], int(cells.cadre[i]), str(cells.month[i])):
                [cells.values[name][i] for name in sorted(cells.values)]
                for i in range(len(cells))}  # fmt: skip

    expected = keyed(direct)
    got = keyed(stored)
    assert got.keys() == expected.keys()
    for key, values in expected.items():
        assert got[key] == pytest.approx(values), key


def test_the_scorecard_finds_the_melati_cadre_who_rounds_weights(in_city):
    from tumbuh.analytics.grouping import Period
    from tumbuh.quality import services

    bidan = User.objects.get(username="bidan")
    months = Period(dt.date(2023, 7, 1), AS_OF.replace(day=1))
    rows = services.scorecard(bidan, level="cadre", period=months).rows
    melati = Posyandu.objects.get(name="Melati 1", kelurahan_id="64.71.01.1001")
    colleagues = {str(u.pk): u for u in melati.cadres.all()}
    shares = {colleagues[r.key].username: r.values["dps_weight_05"]
              for r in rows if r.key in colleagues}  # fmt: skip
    rounder = next(name for name in shares if name != "kader_melati" and shares[name] > 80)
    assert shares["kader_melati"] < 40  # about 20% of digits are .0 or .5 by chance
    assert rounder
