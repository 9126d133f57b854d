"""Posyandu days: who may see and open them, and what the day's page lists."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from tumbuh.monitoring.models import PosyanduSession
from tumbuh.monitoring.services import MeasurementInput, record_measurement, record_pregnancy_check
from tumbuh.monitoring.tests.conftest import NOW, TODAY  # noqa: F401
from tumbuh.registry.models import Child

pytestmark = pytest.mark.usefixtures("frozen_now")




@pytest.fixture
def day_a1(cast):
    return PosyanduSession.objects.create(posyandu=cast.pos_a1, date=TODAY)


@pytest.fixture
def day_b1(cast):
    return PosyanduSession.objects.create(posyandu=cast.pos_b1, date=TODAY)


def login(client, user):
    client.force_login(user)
    return client


def weigh(child, weight_kg, *, on=TODAY, session=None, **kw):
    return record_measurement(
        child=child,
        session=session,
        confirm=True,
        data=MeasurementInput(measured_on=on, weight_kg=weight_kg, **kw),
    )


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("kader_a", 200),
        ("bidan_a", 200),
        ("admin", 200),
        ("analyst", 200),
        ("analyst_names", 200),
        ("kader_a2", 404),
        ("kader_b", 404),
        ("bidan_b", 404),
        ("tpk_a", 404),
        ("analyst_other_city", 404),
    ],
)
def test_the_day_page_is_found_only_inside_the_users_scope(client, cast, day_a1, who, status):
    response = login(client, getattr(cast, who)).get(
        reverse("monitoring:session-detail", args=[day_a1.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "name",
    [
        "session-list",
        "session-detail",
        "measure",
        "measurement-result",
        "pregnancy-check",
        "pregnancy-check-result",
        "child-detail",
    ],
)
def test_every_page_sends_an_anonymous_visitor_to_the_login_page(client, cast, day_a1, name):
    m = weigh(cast.child_a1, 9.0, session=day_a1)
    check = record_pregnancy_check(pregnancy=cast.pregnancy_a1, checked_on=TODAY, muac_cm=24.0)
    args = {
        "session-list": [],
        "session-detail": [day_a1.pk],
        "measure": [day_a1.pk, cast.child_a1.pk],
        "measurement-result": [m.pk],
        "pregnancy-check": [day_a1.pk, cast.pregnancy_a1.pk],
        "pregnancy-check-result": [check.pk],
        "child-detail": [cast.child_a1.pk],
    }[name]
    url = reverse(f"monitoring:{name}", args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={quote(url)}"


def test_the_list_shows_only_the_days_of_the_users_posyandu_newest_first(
    client, cast, day_a1, day_b1
):
    older = PosyanduSession.objects.create(posyandu=cast.pos_a1, date=TODAY - dt.timedelta(30))
    PosyanduSession.objects.create(posyandu=cast.pos_a2, date=TODAY)
    page = login(client, cast.kader_a).get(reverse("monitoring:session-list")).content.decode()
    assert reverse("monitoring:session-detail", args=[day_a1.pk]) in page
    assert reverse("monitoring:session-detail", args=[older.pk]) in page
    assert page.index(str(day_a1.pk)) < page.index(str(older.pk))
    assert str(day_b1.pk) not in page and "Mawar" not in page and "Kenanga" not in page


def test_a_bidan_sees_every_posyandu_of_her_puskesmas(client, cast, day_a1):
    other = PosyanduSession.objects.create(posyandu=cast.pos_a2, date=TODAY)
    page = login(client, cast.bidan_a).get(reverse("monitoring:session-list")).content.decode()
    assert str(day_a1.pk) in page and str(other.pk) in page
    assert "Kenanga" not in page


def test_the_list_counts_weighed_and_registered_under_fives(client, cast, day_a1):
    Child.objects.create(
        name="Anak Besar",
        sex="F",
        birth_date=TODAY - dt.timedelta(days=1900),
        household=cast.hh_a1,
        posyandu=cast.pos_a1,
    )
    Child.objects.create(
        name="Anak Kedua",
        sex="F",
        birth_date=TODAY - dt.timedelta(days=100),
        household=cast.hh_a1,
        posyandu=cast.pos_a1,
    )
    weigh(cast.child_a1, 9.0, session=day_a1)
    weigh(cast.child_b1, 9.0)  # another posyandu: not counted
    response = login(client, cast.kader_a).get(reverse("monitoring:session-list"))
    (row,) = response.context["sessions"]
    assert (row.weighed, row.registered) == (1, 2)  # the 1900-day-old child is not under five
    assert "1 / 2" in response.content.decode()


def test_a_tpk_member_sees_no_posyandu_day(client, cast, day_a1):
    response = login(client, cast.tpk_a).get(reverse("monitoring:session-list"))
    assert response.status_code == 200
    assert list(response.context["sessions"]) == []
    assert "session-open" not in response.content.decode()


# --- opening a day ------------------------------------------------------------------------------


def test_a_cadre_opens_todays_day_and_lands_on_it(client, cast):
    url = reverse("monitoring:session-open")
    response = login(client, cast.kader_a).post(url, {"posyandu": cast.pos_a1.pk})
    session = PosyanduSession.objects.get()
    assert (session.posyandu, session.date, session.created_by) == (
        cast.pos_a1,
        TODAY,
        cast.kader_a,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:session-detail", args=[session.pk])
    again = client.post(url, {"posyandu": cast.pos_a1.pk})
    assert again["Location"] == response["Location"]
    assert PosyanduSession.objects.count() == 1


def test_an_earlier_day_can_be_opened_but_not_a_future_one(client, cast):
    login(client, cast.kader_a)
    url = reverse("monitoring:session-open")
    client.post(url, {"posyandu": cast.pos_a1.pk, "date": "2025-06-02"})
    assert PosyanduSession.objects.get().date == dt.date(2025, 6, 2)
    response = client.post(url, {"posyandu": cast.pos_a1.pk, "date": "2025-06-17"}, follow=True)
    assert PosyanduSession.objects.count() == 1
    assert len(list(response.context["messages"])) == 1  # the date is in the future


@pytest.mark.parametrize(
    ("who", "status"), [("kader_b", 404), ("kader_a2", 404), ("tpk_a", 403), ("analyst", 403)]
)
def test_a_day_cannot_be_opened_outside_the_scope_or_without_the_right_to_record(
    client, cast, who, status
):
    response = login(client, getattr(cast, who)).post(
        reverse("monitoring:session-open"), {"posyandu": cast.pos_a1.pk}
    )
    assert response.status_code == status
    assert not PosyanduSession.objects.exists()


def test_opening_a_day_needs_a_post(client, cast):
    response = login(client, cast.kader_a).get(reverse("monitoring:session-open"))
    assert response.status_code == 405


def test_the_list_offers_to_open_or_continue_todays_day(client, cast):
    login(client, cast.kader_a)
    page = client.get(reverse("monitoring:session-list")).content.decode()
    assert f'name="posyandu" value="{cast.pos_a1.pk}"' in page
    day = PosyanduSession.objects.create(posyandu=cast.pos_a1, date=TODAY)
    page = client.get(reverse("monitoring:session-list")).content.decode()
    assert (
        f'class="button-primary" href="{reverse("monitoring:session-detail", args=[day.pk])}"'
        in page
    )


# --- the day's page -----------------------------------------------------------------------------


def test_the_day_splits_children_into_not_yet_weighed_and_weighed(client, cast, day_a1):
    second = Child.objects.create(
        name="Budi Santoso",
        sex="M",
        birth_date=TODAY - dt.timedelta(days=200),
        household=cast.hh_a1,
        posyandu=cast.pos_a1,
    )
    weigh(cast.child_a1, 9.0, session=day_a1)
    response = login(client, cast.kader_a).get(
        reverse("monitoring:session-detail", args=[day_a1.pk])
    )
    roster = response.context["roster"]
    assert [c.name for c in roster.not_weighed] == ["Budi Santoso"]
    assert [c.name for c in roster.weighed] == ["Anak A1"]
    page = response.content.decode()
    assert reverse("monitoring:measure", args=[day_a1.pk, second.pk]) in page
    assert "9 kg" in page and "badge--" in page


def test_the_day_leaves_out_children_over_five_merged_or_of_another_posyandu(client, cast, day_a1):
    Child.objects.create(
        name="Sudah Enam Tahun",
        sex="M",
        birth_date=TODAY - dt.timedelta(1827),
        household=cast.hh_a1,
        posyandu=cast.pos_a1,
    )
    Child.objects.create(
        name="Belum Lahir",
        sex="M",
        birth_date=TODAY + dt.timedelta(1),
        household=cast.hh_a1,
        posyandu=cast.pos_a1,
    )
    Child.objects.create(
        name="Kembar Tergabung",
        sex="M",
        birth_date=TODAY - dt.timedelta(300),
        household=cast.hh_a1,
        posyandu=cast.pos_a1,
        merged_into=cast.child_a1,
    )
    page = (
        login(client, cast.bidan_a)
        .get(reverse("monitoring:session-detail", args=[day_a1.pk]))
        .content.decode()
    )
    assert "Anak A1" in page
    for name in ("Sudah Enam Tahun", "Belum Lahir", "Kembar Tergabung", "Anak A2", "Anak B1"):
        assert name not in page


def test_the_day_filters_by_name_without_javascript(client, cast, day_a1):
    Child.objects.create(
        name="Budi Santoso",
        sex="M",
        birth_date=TODAY - dt.timedelta(200),
        household=cast.hh_a1,
        posyandu=cast.pos_a1,
    )
    url = reverse("monitoring:session-detail", args=[day_a1.pk])
    page = login(client, cast.kader_a).get(url, {"q": "santo"}).content.decode()
    assert "Budi Santoso" in page and "Anak A1" not in page
    assert "roster-filter.js" in page  # the instant filter is served locally, no CDN
    assert "https://" not in page.split("<main", 1)[1]


def test_the_day_lists_pregnant_women_and_whether_they_were_checked(client, cast, day_a1):
    url = reverse("monitoring:session-detail", args=[day_a1.pk])
    login(client, cast.kader_a)
    roster = client.get(url).context["roster"]
    assert [p.woman.name for p in roster.pregnancies] == ["Ibu A1"]
    assert roster.pregnancies[0].check is None
    record_pregnancy_check(pregnancy=cast.pregnancy_a1, checked_on=TODAY, muac_cm=22.0)
    response = client.get(url)
    assert response.context["roster"].pregnancies[0].check is not None
    assert "badge--red" in response.content.decode()  # LiLA 22 cm: risk of KEK


def test_an_ended_pregnancy_is_not_listed(client, cast, day_a1):
    cast.pregnancy_a1.ended_on = TODAY - dt.timedelta(days=1)
    cast.pregnancy_a1.save()
    response = login(client, cast.kader_a).get(
        reverse("monitoring:session-detail", args=[day_a1.pk])
    )
    assert response.context["roster"].pregnancies == []


def test_an_analyst_without_the_identity_permission_sees_no_names(client, cast, day_a1):
    url = reverse("monitoring:session-detail", args=[day_a1.pk])
    page = login(client, cast.analyst).get(url).content.decode()
    assert "Anak A1" not in page and "Ibu A1" not in page
    assert reverse("monitoring:measure", args=[day_a1.pk, cast.child_a1.pk]) not in page
    client.logout()
    page = login(client, cast.analyst_names).get(url).content.decode()
    assert "Anak A1" in page


def test_the_day_page_runs_a_fixed_number_of_queries_for_300_children(
    client, cast, day_a1, django_assert_max_num_queries
):
    children = Child.objects.bulk_create(
        Child(
            name=f"Anak {i:03d}",
            sex="MF"[i % 2],
            birth_date=TODAY - dt.timedelta(30 + i * 5),
            household=cast.hh_a1,
            mother=cast.mother_a1,
            posyandu=cast.pos_a1,
        )
        for i in range(300)
    )
    for child in children[:20]:
        weigh(child, 9.0, session=day_a1, lenhei_cm=75.0, measure="l")
    login(client, cast.kader_a)
    url = reverse("monitoring:session-detail", args=[day_a1.pk])
    # login session, user, the day, children, measurements, pregnancies, checks
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert len(response.context["roster"].weighed) == 20
    assert len(response.context["roster"].not_weighed) == 281
