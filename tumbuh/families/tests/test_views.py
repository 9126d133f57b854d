"""The families pages by role: worklist, family page, screening, visits, referrals, teams,
summary."""

import csv
import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse

from tumbuh.accounts.models import TpkTeam
from tumbuh.families.models import Referral, Screening, Status, TeamMember, Visit
from tumbuh.families.services import screen_households
from tumbuh.registry.models import Household

WORKLIST = reverse("families:worklist")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def screened(cast):
    """Family A1 at risk (unsafe water, births too close), A2 and B1 screened as well."""
    cast.hh_a1.water_source = "surface"
    cast.hh_a1.save()
    screen_households(Household.objects.all(), cast.today)
    return cast


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_a_tpk_member_sees_the_team_families_at_risk_with_factors(english, screened):
    r = get(english, screened.tpk_a, WORKLIST)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Kepala A1" in html and "Kepala A2" not in html and "Kepala B1" not in html
    assert "drinking water not layak" in html and "births too close" in html
    assert "Never visited" in html and "visit due" in html


def test_the_worklist_puts_families_at_risk_first_and_shows_the_next_visit(english, screened):
    c = screened
    # A2: a target family without a factor (the cast's pregnancy makes births too close: end it)
    c.pregnancy_a2.ended_on = c.today - dt.timedelta(days=100)
    c.pregnancy_a2.save()
    screen_households(Household.objects.filter(pk=c.hh_a2.pk), c.today)
    Visit.objects.create(household=c.hh_a1, visited_on=c.today - dt.timedelta(days=3),
                         visited_by=c.tpk_a)  # fmt: skip
    r = get(english, c.bidan_a, WORKLIST, tampil="sasaran")
    names = [h.head_name for h in r.context["rows"]]
    assert names == ["Kepala A1", "Kepala A2"]
    a1 = r.context["rows"][0]
    # a pregnant woman in the family: visits every 30 days
    assert a1.krs_last_visit == c.today - dt.timedelta(days=3)
    assert a1.krs_due == c.today + dt.timedelta(days=27) and not a1.krs_is_due
    assert get(english, c.bidan_a, WORKLIST).context["page"].paginator.count == 1  # at risk


def test_the_worklist_queries_do_not_grow_with_families(client, screened,
                                                        django_assert_max_num_queries):
    c = screened
    client.force_login(c.bidan_a)
    with django_assert_max_num_queries(14) as ctx:
        client.get(WORKLIST, {"tampil": "semua"})
    few = len(ctx.captured_queries)
    for i in range(15):
        Household.objects.create(head_name=f"Tambahan {i}", address="Jl.", kelurahan=c.kel_a,
                                 posyandu=c.pos_a1, water_source="surface")  # fmt: skip
    screen_households(Household.objects.all(), c.today)
    with django_assert_max_num_queries(few):
        r = client.get(WORKLIST, {"tampil": "semua"})
    assert r.context["page"].paginator.count == 17


def test_analysts_without_names_get_the_summary_only(client, screened):
    assert get(client, screened.analyst, WORKLIST).status_code == 403
    assert get(client, screened.analyst, reverse("families:summary")).status_code == 200
    assert get(client, screened.analyst_names, WORKLIST).status_code == 200


def test_the_family_page_explains_the_factors(english, screened):
    r = get(english, screened.tpk_a, reverse("families:family", args=[screened.hh_a1.pk]))
    html = r.content.decode()
    assert "at risk of stunting" in html and "unprotected well or spring" in html
    assert "less than 24 months apart" in html and "Record a visit" in html
    # a kader reads and refers, no visit button
    r = get(english, screened.kader_a, reverse("families:family", args=[screened.hh_a1.pk]))
    assert "Record a visit" not in r.content.decode() and "Refer" in r.content.decode()


@pytest.mark.parametrize(("who", "status"), [
    ("tpk_a", 302), ("bidan_a", 302), ("admin", 302), ("kader_a", 403), ("analyst_names", 403),
    ("tpk_b", 404), ("bidan_b", 404), ("kader_b", 404),
])  # fmt: skip
def test_rescreen_by_role(client, cast, who, status):
    client.force_login(getattr(cast, who))
    r = client.post(reverse("families:screen", args=[cast.hh_a1.pk]))
    assert r.status_code == status
    assert Screening.objects.filter(household=cast.hh_a1).count() == (status == 302)
    assert client.get(reverse("families:screen", args=[cast.hh_a1.pk])).status_code == 405


def test_screen_all(client, cast):
    client.force_login(cast.tpk_a)
    assert client.post(reverse("families:screen-all")).status_code == 302
    assert list(Screening.objects.values_list("household", flat=True)) == [cast.hh_a1.pk]
    client.force_login(cast.kader_a)
    assert client.post(reverse("families:screen-all")).status_code == 403
    client.force_login(cast.bidan_b)
    client.post(reverse("families:screen-all"))
    assert Screening.objects.filter(household=cast.hh_b1).count() == 1
    assert Screening.objects.count() == 2


# --- visits -------------------------------------------------------------------------------------


def test_a_tpk_member_records_a_visit_once_and_goes_on_to_the_referral(client, cast):
    client.force_login(cast.tpk_a)
    url = reverse("families:visit", args=[cast.hh_a1.pk])
    form = client.get(url).context["form"]
    visit_id = form.initial["id"]
    data = {"id": visit_id, "visited_on": cast.today.isoformat(), "topics": ["feeding", "anc"],
            "findings": "Anak batuk, makan sedikit", "referral": "on"}  # fmt: skip
    r = client.post(url, data)
    assert r.status_code == 302 and r["Location"].startswith(
        reverse("families:refer", args=[cast.hh_a1.pk]))
    client.post(url, data)  # sent twice
    v = Visit.objects.get()
    assert v.pk == visit_id and v.topics == ["feeding", "anc"] and v.referral
    assert v.team == cast.team_a and v.visited_by == cast.tpk_a
    # the referral form knows the visit
    r = client.post(r["Location"], {"subject": f"child:{cast.child_a1.pk}", "visit": v.pk,
                                    "referred_on": cast.today.isoformat(),
                                    "destination": "puskesmas", "reason": "Batuk 2 minggu"})
    assert r.status_code == 302
    ref = Referral.objects.get()
    assert ref.visit == v and ref.child == cast.child_a1 and ref.status == Status.SENT


def test_a_visit_in_the_future_or_with_an_unknown_topic_is_refused(client, cast):
    client.force_login(cast.tpk_a)
    url = reverse("families:visit", args=[cast.hh_a1.pk])
    r = client.post(url, {"visited_on": (cast.today + dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 200 and "visited_on" in r.context["form"].errors
    r = client.post(url, {"visited_on": cast.today.isoformat(), "topics": ["smoking"]})
    assert "topics" in r.context["form"].errors
    assert not Visit.objects.exists()


def test_kader_and_analysts_do_not_record_visits(client, cast):
    url = reverse("families:visit", args=[cast.hh_a1.pk])
    for user in (cast.kader_a, cast.analyst_names):
        client.force_login(user)
        assert client.post(url, {"visited_on": cast.today.isoformat()}).status_code == 403
    assert not Visit.objects.exists()


# --- referrals ----------------------------------------------------------------------------------


def test_a_referral_goes_from_sent_to_attended_to_outcome(client, cast):
    client.force_login(cast.kader_a)
    r = client.post(reverse("families:refer", args=[cast.hh_a1.pk]), {
        "subject": f"pregnancy:{cast.pregnancy_a1.pk}", "destination": "puskesmas",
        "referred_on": (cast.today - dt.timedelta(days=5)).isoformat(), "reason": "LiLA 22"})
    assert r.status_code == 302
    ref = Referral.objects.get()
    assert ref.pregnancy == cast.pregnancy_a1 and ref.created_by == cast.kader_a
    client.force_login(cast.tpk_a)
    assert ref in get(client, cast.tpk_a, reverse("families:referrals")).context["page"]
    url = reverse("families:referral", args=[ref.pk])
    # attended before it was sent: refused with the field named
    r = client.post(url, {"status": "attended",
                          "attended_on": (cast.today - dt.timedelta(days=9)).isoformat()})
    assert "attended_on" in r.context["form"].errors
    r = client.post(url, {"status": "attended",
                          "attended_on": (cast.today - dt.timedelta(days=2)).isoformat()})
    assert r.status_code == 302
    ref.refresh_from_db()
    assert ref.status == Status.ATTENDED and ref.updated_by == cast.tpk_a
    # an outcome needs its text
    r = client.post(url, {"status": "done", "attended_on": ref.attended_on.isoformat(),
                          "outcome_on": cast.today.isoformat()})
    assert "outcome" in r.context["form"].errors
    client.post(url, {"status": "done", "attended_on": ref.attended_on.isoformat(),
                      "outcome_on": cast.today.isoformat(), "outcome": "PMT ibu hamil 90 hari"})
    ref.refresh_from_db()
    assert ref.status == Status.DONE and ref.outcome == "PMT ibu hamil 90 hari"
    r = get(client, cast.tpk_a, reverse("families:referrals"))
    assert ref not in r.context["page"]
    assert ref in get(client, cast.tpk_a, reverse("families:referrals"),
                      status="selesai").context["page"]


def test_a_referral_cannot_name_a_member_of_another_family(client, cast):
    client.force_login(cast.bidan_a)
    r = client.post(reverse("families:refer", args=[cast.hh_a1.pk]), {
        "subject": f"child:{cast.child_a2.pk}", "destination": "puskesmas",
        "referred_on": cast.today.isoformat(), "reason": "x"})
    assert r.status_code == 200 and "subject" in r.context["form"].errors
    assert not Referral.objects.exists()


def test_analysts_read_referrals_but_do_not_update_them(client, cast):
    ref = Referral.objects.create(household=cast.hh_a1, referred_on=cast.today,
                                  destination="hospital", reason="x")  # fmt: skip
    client.force_login(cast.analyst_names)
    url = reverse("families:referral", args=[ref.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "not_attended",
                             "outcome_on": cast.today.isoformat()}).status_code == 403


# --- teams --------------------------------------------------------------------------------------


def test_a_bidan_assigns_the_families_at_risk_of_an_rw_to_a_team(english, screened):
    c = screened
    team2 = TpkTeam.objects.create(name="TPK Manggar 2", kelurahan=c.kel_a)
    TeamMember.objects.create(user=c.tpk_a, function="pkk")
    r = get(english, c.bidan_a, reverse("families:teams"))
    html = r.content.decode()
    assert "TPK Manggar 2" in html and "TPK Baru Ilir 1" not in html and "(PKK cadre)" in html
    r = english.post(reverse("families:teams"), {
        "kelurahan": c.kel_a.pk, "rw": "002", "only_at_risk": "on", "team": team2.pk})
    assert r.status_code == 302
    c.hh_a1.refresh_from_db()
    c.hh_a2.refresh_from_db()
    assert c.hh_a1.tpk_team == team2  # at risk, RW 002
    assert c.hh_a2.tpk_team == team2  # at risk too (births too close), same RW
    c.hh_b1.refresh_from_db()
    assert c.hh_b1.tpk_team == c.team_b
    # a team of another kelurahan is refused
    r = english.post(reverse("families:teams"), {"kelurahan": c.kel_a.pk, "team": c.team_b.pk})
    assert r.status_code == 200 and "team" in r.context["form"].errors
    # TPK members see their team but do not assign
    english.force_login(c.tpk_a)
    assert english.post(reverse("families:teams"), {"kelurahan": c.kel_a.pk,
                                                    "team": team2.pk}).status_code == 403


# --- summary ------------------------------------------------------------------------------------


def test_the_summary_counts_by_kelurahan_without_names(client, screened):
    c = screened
    Visit.objects.create(household=c.hh_a1, visited_on=c.today - dt.timedelta(days=10))
    r = get(client, c.analyst, reverse("families:summary"))
    rows = {row.kelurahan: row for row in r.context["rows"]}
    assert set(rows) == {"Manggar", "Baru Ilir"}
    m = rows["Manggar"]
    assert (m.screened, m.targets, m.at_risk, m.visited) == (2, 2, 2, 1)
    assert m.at_risk_pct == 100 and m.visited_pct == 50
    assert "Kepala" not in r.content.decode()
    # a bidan: her puskesmas only
    r = get(client, c.bidan_a, reverse("families:summary"))
    assert [row.kelurahan for row in r.context["rows"]] == ["Manggar"]
    r = get(client, c.analyst, reverse("families:summary-csv"))
    table = list(csv.reader(io.StringIO(r.content.decode())))
    assert table[0][:5] == ["kelurahan_code", "kelurahan", "screened", "target_families",
                            "at_risk"]
    assert table[2][:8] == ["64.71.01.1001", "Manggar", "2", "2", "2", "100.0", "1", "50.0"]
    assert get(client, c.analyst_other_city, reverse("families:summary")).context["rows"] == []


def test_unused_uuid_is_404(client, cast):
    client.force_login(cast.admin)
    assert client.get(reverse("families:family", args=[uuid.uuid4()])).status_code == 404


def test_referral_list_and_family_page_queries_do_not_grow(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            v = Visit.objects.create(household=cast.hh_a1, visited_on=cast.today,
                                     visited_by=cast.tpk_a, team=cast.team_a, topics=["anc"])
            Referral.objects.create(household=cast.hh_a1, visit=v, referred_on=cast.today,
                                    destination="puskesmas", reason=f"r{i}",
                                    child=cast.child_a1 if i % 2 else None,
                                    pregnancy=None if i % 2 else cast.pregnancy_a1)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(cast.bidan_a)
    urls = [reverse("families:referrals"), reverse("families:family", args=[cast.hh_a1.pk])]
    add(2)
    before = [count(u) for u in urls]
    add(8)
    assert [count(u) for u in urls] == before


def test_the_worklist_filters_by_kelurahan_and_rw(client, screened):
    c = screened
    other = Household.objects.create(head_name="Kepala RW9", address="Jl.", rt="001", rw="009",
                                     kelurahan=c.kel_a, posyandu=c.pos_a1)  # fmt: skip
    screen_households(Household.objects.filter(pk=other.pk), c.today)
    client.force_login(c.admin)
    r = client.get(WORKLIST, {"tampil": "semua", "kelurahan": c.kel_a.pk, "rw": "002"})
    assert {h.head_name for h in r.context["rows"]} == {"Kepala A1", "Kepala A2"}
    r = client.get(WORKLIST, {"tampil": "semua", "kelurahan": c.kel_b.pk})
    assert [h.head_name for h in r.context["rows"]] == ["Kepala B1"]
    # a kelurahan outside the scope is ignored (the whole scope is listed)
    client.force_login(c.bidan_a)
    r = client.get(WORKLIST, {"tampil": "semua", "kelurahan": c.kel_b.pk})
    assert r.context["kelurahan"] == "" and len(r.context["rows"]) == 3
