"""PMT pages by role: one-tap enrolment, closing, the daily log, the lists and the report."""

import datetime as dt

import pytest
from django.urls import reverse

from tumbuh.pmt import services
from tumbuh.pmt.models import Delivery, Enrolment, Funding
from tumbuh.worklists.models import FollowUp

from .helpers import GIZI_BURUK, GIZI_KURANG, measure

D = dt.timedelta


@pytest.fixture
def wasted(cast):
    return measure(cast.child_a1, cast.today, GIZI_KURANG)


def _enrolled(cast, days_ago=3, child=None):
    child = child or cast.child_a1
    day = cast.today - D(days=days_ago)
    measure(child, day, GIZI_KURANG)
    c = services.candidate_for(cast.admin, child=child, today=day)
    return services.enrol(c, user=cast.admin, started_on=day, funding=Funding.APBD)


def test_eligible_page_shows_the_child_and_the_button_to_health_workers(cast, client, wasted):
    url = reverse("pmt:eligible")
    client.force_login(cast.bidan_a)
    page = client.get(url).content.decode()
    assert "Anak A1" in page and 'action="/pmt/daftar/"' in page
    client.force_login(cast.kader_a)
    page = client.get(url).content.decode()
    assert "Anak A1" in page and 'action="/pmt/daftar/"' not in page
    client.force_login(cast.kader_b)
    assert "Anak A1" not in client.get(url).content.decode()
    client.force_login(cast.analyst)
    page = client.get(url).content.decode()
    assert "Anak A1" not in page and "Jl. Uji" not in page


def test_enrol_by_role_and_scope(cast, client, wasted):
    url = reverse("pmt:enrol")
    data = {"child": cast.child_a1.pk, "funding": "apbd", "next": "/pmt/sasaran/"}
    for user in (cast.kader_a, cast.tpk_a, cast.analyst):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
    client.force_login(cast.bidan_b)
    assert client.post(url, data).status_code == 404  # not in her puskesmas
    assert not Enrolment.objects.exists()
    client.force_login(cast.bidan_a)
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == "/pmt/sasaran/"
    e = Enrolment.objects.get()
    assert (e.child, e.reason, e.funding, e.enrolled_by) == (cast.child_a1, "gizi_kurang", "apbd",
                                                              cast.bidan_a)  # fmt: skip
    assert "56" in response.content.decode()
    # a second tap: a clear message, nothing more saved
    response = client.post(url, data, follow=True)
    assert Enrolment.objects.count() == 1
    assert "sudah" in response.content.decode() or "already" in response.content.decode()


def test_enrol_refuses_an_ineligible_child_with_a_message(cast, client):
    measure(cast.child_a1, cast.today, GIZI_BURUK)
    client.force_login(cast.bidan_a)
    response = client.post(reverse("pmt:enrol"), {"child": cast.child_a1.pk, "funding": "apbd"},
                           follow=True)  # fmt: skip
    assert not Enrolment.objects.exists()
    assert "Anak A1" in response.content.decode()


def test_enrolling_from_a_worklist_item_takes_it_off_the_list(cast, client):
    m = measure(cast.child_a1, cast.today, (7.0, 70.0))  # BGM (WAZ -3.13), gizi kurang (WHZ -2.32)
    assert m.is_bgm and m.status_bbtb == "gizi_kurang", (m.zwei, m.zwfl)
    client.force_login(cast.bidan_a)
    item_url = reverse("worklists:item", args=["bgm", m.pk])
    page = client.get(item_url).content.decode()
    assert 'action="/pmt/daftar/"' in page
    client.post(reverse("pmt:enrol"), {
        "child": cast.child_a1.pk, "funding": "apbd", "worklist_reason": "bgm",
        "worklist_item": str(m.pk), "next": item_url,
    })  # fmt: skip
    assert Enrolment.objects.count() == 1
    f = FollowUp.objects.get()
    assert (f.reason, f.action, f.measurement) == ("bgm", "enrolled", m)


def test_close_by_role_and_scope(cast, client):
    e = _enrolled(cast)
    url = reverse("pmt:close", args=[e.pk])
    data = {"outcome": "moved", "closed_on": cast.today.isoformat(), "note": ""}
    client.force_login(cast.kader_a)
    assert client.post(url, data).status_code == 403
    client.force_login(cast.bidan_b)
    assert client.post(url, data).status_code == 404
    client.force_login(cast.bidan_a)
    assert client.post(url, {**data, "outcome": "judge"}).status_code == 302
    e.refresh_from_db()
    assert e.is_open  # "judge" is not offered before the last day
    assert client.post(url, data).status_code == 302
    e.refresh_from_db()
    assert (e.outcome, e.closed_by) == ("moved", cast.bidan_a)


def test_daily_log_for_a_posyandu(cast, client):
    e = _enrolled(cast)
    url = reverse("pmt:deliveries")
    client.force_login(cast.kader_a)  # one posyandu: chosen by itself
    page = client.get(url).content.decode()
    assert "Anak A1" in page and f'name="status-{e.pk}"' in page
    day = cast.today.isoformat()
    response = client.post(url, {"posyandu": cast.pos_a1.pk, "day": day,
                                 f"status-{e.pk}": "missed", f"reason-{e.pk}": "sick"})  # fmt: skip
    assert response.status_code == 302
    d = Delivery.objects.get()
    assert (d.day, d.status, d.missed_reason) == (cast.today, "missed", "sick")
    # "everyone not marked: snack" fills the days not recorded, never overwrites one
    yesterday = (cast.today - D(days=1)).isoformat()
    client.post(url, {"posyandu": cast.pos_a1.pk, "day": yesterday, "all": "snack"})
    client.post(url, {"posyandu": cast.pos_a1.pk, "day": day, "all": "snack"})
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["missed", "snack"]
    client.force_login(cast.tpk_a)
    assert client.post(url, {"posyandu": cast.pos_a1.pk, "day": day}).status_code == 403
    client.force_login(cast.kader_b)
    assert "Anak A1" not in client.get(url, {"posyandu": cast.pos_a1.pk}).content.decode()


def test_enrolment_page_and_list(cast, client, django_assert_max_num_queries):
    e = _enrolled(cast, days_ago=3)
    Delivery.objects.create(enrolment=e, day=e.started_on, status="meal")
    _enrolled(cast, days_ago=2, child=cast.child_a2)
    client.force_login(cast.bidan_a)
    page = client.get(reverse("pmt:enrolment", args=[e.pk])).content.decode()
    assert "pmt-day--meal" in page and "pmt-day--none" in page and "pmt-day--future" in page
    with django_assert_max_num_queries(12):
        page = client.get(reverse("pmt:enrolments")).content.decode()
    assert "Anak A1" in page and "Anak A2" in page


def test_report_and_csv(cast, client):
    e = _enrolled(cast)
    Delivery.objects.create(enrolment=e, day=e.started_on, status="meal")
    client.force_login(cast.analyst)
    page = client.get(reverse("pmt:report")).content.decode()
    assert "Manggar" in page and "Anak A1" not in page
    csv_text = client.get(reverse("pmt:report"), {"format": "csv"}).content.decode()
    assert "Manggar,1,0,1,0,1" in csv_text.replace("\r", "")
    client.force_login(cast.analyst_other_city)
    assert "Manggar" not in client.get(reverse("pmt:report")).content.decode()
