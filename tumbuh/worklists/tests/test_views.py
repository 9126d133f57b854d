"""The worklist pages: each role's list, the item page and its one-tap actions."""

import dataclasses
import uuid

import pytest
from django.urls import reverse

from tumbuh.registry.models import Child
from tumbuh.worklists import config
from tumbuh.worklists.models import Action, FollowUp, Reason
from tumbuh.worklists.tests.conftest import TODAY, months_ago, new_child, weigh

LIST = reverse("worklists:worklist")


def english(client):
    client.cookies["django_language"] = "en"
    return client


def item_url(reason, pk):
    return reverse("worklists:item", args=[reason, pk])


def page(client, user, url=LIST, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response


@pytest.fixture
def bgm_row(cast):
    return weigh(new_child(cast, name="Anak Kurus", age_days=400), months_ago(1), 6.2)


# --- each role's list ----------------------------------------------------------------------------


def test_a_kader_sees_the_children_of_her_posyandu_not_weighed_this_month(client, cast):
    weighed = new_child(cast, name="Anak Sudah")
    weigh(weighed, months_ago(0, 3), 9.0)
    response = page(client, cast.kader_a)
    html = response.content.decode()
    assert [t["code"] for t in response.context["tabs"]] == [Reason.NOT_WEIGHED]
    assert "Anak A1" in html and "Anak A2" not in html and "Anak Sudah" not in html
    assert 'href="tel:0812000000"' in html and "Jl. Uji A1" in html
    assert response.context["tabs"][0]["count"] == 1


def test_a_bidan_sees_every_reason_for_every_posyandu_of_her_puskesmas(client, cast, bgm_row):
    response = page(client, cast.bidan_a)
    assert [t["code"] for t in response.context["tabs"]] == list(
        config.current().reasons_for(cast.bidan_a)
    )
    counts = {t["code"]: t["count"] for t in response.context["tabs"]}
    assert counts[Reason.BGM] == 1 and counts[Reason.NOT_WEIGHED] == 3
    # the first tab with work opens first
    assert response.context["tab"] == Reason.SEVERE_WASTING or counts[Reason.SEVERE_WASTING] == 0
    html = page(client, cast.bidan_a, tab=Reason.NOT_WEIGHED).content.decode()
    assert "Anak A1" in html and "Anak A2" in html and "Anak B1" not in html
    html = page(client, cast.bidan_a, tab=Reason.NOT_WEIGHED,
                posyandu=cast.pos_a2.pk).content.decode()  # fmt: skip
    assert "Anak A2" in html and "Anak A1" not in html
    assert "Anak Kurus" in page(client, cast.bidan_a, tab=Reason.BGM).content.decode()
    assert "Anak Kurus" not in page(client, cast.bidan_b, tab=Reason.BGM).content.decode()


def test_a_tpk_member_sees_the_families_of_her_team(client, cast, bgm_row):
    html = page(client, cast.tpk_a, tab=Reason.NOT_WEIGHED).content.decode()
    assert "Anak A1" in html and "Anak A2" not in html  # household A2 has no team
    assert "Anak Kurus" in page(client, cast.tpk_a, tab=Reason.BGM).content.decode()
    assert "Anak Kurus" not in page(client, cast.tpk_b, tab=Reason.BGM).content.decode()


def test_an_analyst_reads_the_city_without_names_or_addresses(client, cast, bgm_row):
    html = page(client, cast.analyst, tab=Reason.NOT_WEIGHED).content.decode()
    assert "Anak A1" not in html and "Jl. Uji" not in html and "tel:" not in html
    assert "Anak B1" not in html and html.count(reverse("worklists:item", args=[
        Reason.NOT_WEIGHED, cast.child_b1.pk])) == 1  # fmt: skip
    html = page(client, cast.analyst_names, tab=Reason.NOT_WEIGHED).content.decode()
    assert "Anak A1" in html and "Anak B1" in html
    assert page(client, cast.analyst_other_city).context["tabs"][0]["count"] == 0


def test_many_posyandu_are_listed_with_their_counts_first(client, cast, monkeypatch):
    grouped = dataclasses.replace(config.current(), group_over=1)
    monkeypatch.setattr(config, "current", lambda: grouped)
    response = page(client, cast.bidan_a, tab=Reason.NOT_WEIGHED)
    assert [(p.name, n) for p, n in response.context["grouped"]] == [("Mawar", 1), ("Melati", 1)]
    assert response.context["items"] == []
    response = page(client, cast.bidan_a, tab=Reason.NOT_WEIGHED, posyandu=cast.pos_a1.pk)
    assert [i.child for i in response.context["items"]] == [cast.child_a1]


def test_a_long_list_is_paginated(client, cast, monkeypatch):
    small = dataclasses.replace(config.current(), per_page=5)
    monkeypatch.setattr(config, "current", lambda: small)
    for i in range(11):
        new_child(cast, name=f"Anak P{i:02d}")
    response = page(client, cast.kader_a, page=3)
    assert response.context["page"].number == 3 and len(response.context["items"]) == 2
    assert response.context["page"].paginator.num_pages == 3


# --- the item page and its actions ---------------------------------------------------------------


def test_the_item_page_says_why_and_offers_one_tap_actions(client, cast, bgm_row):
    english(client).force_login(cast.bidan_a)
    html = client.get(item_url(Reason.BGM, bgm_row.pk)).content.decode()
    assert "Anak Kurus" in html and "below the red line" in html
    for value, _label in Action.choices:
        assert f'name="action" value="{value}"' in html
    assert 'href="tel:0812000000"' in html


def test_recording_an_action_takes_the_item_off_the_list(client, cast):
    client.force_login(cast.kader_a)
    url = item_url(Reason.NOT_WEIGHED, cast.child_a1.pk)
    response = client.post(url, {"action": Action.VISITED, "note": "Sakit demam",
                                 "id": uuid.uuid4()})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?tab={Reason.NOT_WEIGHED}"
    follow_up = FollowUp.objects.get()
    assert (follow_up.action, follow_up.note, follow_up.created_by) == (
        Action.VISITED, "Sakit demam", cast.kader_a)
    assert follow_up.done_on == TODAY and follow_up.month == TODAY.replace(day=1)
    listing = client.get(LIST)
    assert listing.context["tabs"][0]["count"] == 0
    done = client.get(LIST, {"tab": "done"})
    assert [f.child for f in done.context["follow_ups"]] == [cast.child_a1]
    assert "Sakit demam" in done.content.decode()
    # the item page now shows what was done, and no buttons
    html = client.get(url).content.decode()
    assert 'name="action"' not in html


def test_a_double_tap_saves_once(client, cast):
    client.force_login(cast.kader_a)
    url = item_url(Reason.NOT_WEIGHED, cast.child_a1.pk)
    data = {"action": Action.NOT_FOUND, "id": uuid.uuid4()}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    other_tap = {**data, "id": uuid.uuid4(), "action": Action.VISITED}
    assert client.post(url, other_tap).status_code == 302
    assert FollowUp.objects.count() == 1
    assert FollowUp.objects.get().pk == data["id"] and FollowUp.objects.get().action == "not_found"


def test_the_same_action_closes_the_persons_other_items(client, cast):
    row = weigh(new_child(cast, name="Anak Banyak", age_days=400), months_ago(1), 6.0, 76.0)
    client.force_login(cast.bidan_a)
    url = item_url(Reason.BGM, row.pk)
    response = client.get(url)
    also = [c[0] for c in response.context["form"].fields["also"].choices]
    assert also == [f"{Reason.SEVERE_WASTING}:{row.pk}"]
    assert response.context["form"]["also"].initial == also  # ticked: one tap closes both
    client.post(url, {"action": Action.REFERRED, "also": also})
    assert set(FollowUp.objects.values_list("reason", flat=True)) == {Reason.BGM,
                                                                      Reason.SEVERE_WASTING}
    # unticked: only this item
    other = weigh(new_child(cast, name="Anak Dua", age_days=400), months_ago(1), 6.0, 76.0)
    client.post(item_url(Reason.BGM, other.pk), {"action": Action.REFERRED})
    assert FollowUp.objects.filter(measurement=other).count() == 1


def test_a_bad_action_or_date_comes_back_with_a_message(client, cast):
    english(client).force_login(cast.kader_a)
    url = item_url(Reason.NOT_WEIGHED, cast.child_a1.pk)
    response = client.post(url, {"action": "prayed"})
    assert response.status_code == 200 and "Choose what was done" in response.content.decode()
    response = client.post(url, {"action": Action.VISITED, "done_on": "2099-01-01"})
    assert response.status_code == 200 and "future" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_an_item_no_longer_on_the_list_saves_nothing(client, cast, bgm_row):
    weigh(bgm_row.child, months_ago(0, 4), 8.9)
    english(client).force_login(cast.bidan_a)
    url = item_url(Reason.BGM, bgm_row.pk)
    assert "no longer on the list" in client.get(url).content.decode()
    assert client.post(url, {"action": Action.VISITED}).status_code == 302
    assert not FollowUp.objects.exists()


def test_after_saving_the_list_comes_back_as_it_was_but_never_elsewhere(client, cast):
    client.force_login(cast.bidan_a)
    url = item_url(Reason.NOT_WEIGHED, cast.child_a1.pk)
    back = f"{LIST}?tab=not_weighed&posyandu={cast.pos_a1.pk}&page=1"
    assert client.post(url, {"action": "visited", "next": back})["Location"] == back
    url = item_url(Reason.NOT_WEIGHED, cast.child_a2.pk)
    location = client.post(url, {"action": "visited", "next": "https://evil.example/"})["Location"]
    assert location == f"{LIST}?tab={Reason.NOT_WEIGHED}"


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "get", "post"), [
    ("kader_a", 404, 404),  # BGM is not on a kader's list
    ("bidan_a", 200, 302),
    ("tpk_a", 200, 302),  # her team's family
    ("admin", 200, 302),
    ("analyst", 200, 403),
    ("analyst_names", 200, 403),
    ("bidan_b", 404, 404),
    ("tpk_b", 404, 404),
    ("analyst_other_city", 404, 404),
])  # fmt: skip
def test_who_may_see_and_act_on_an_item(client, cast, bgm_row, who, get, post):
    client.force_login(getattr(cast, who))
    url = item_url(Reason.BGM, bgm_row.pk)
    assert client.get(url).status_code == get
    assert client.post(url, {"action": Action.REFERRED}).status_code == post
    assert FollowUp.objects.count() == (1 if post == 302 else 0)


def test_an_unknown_reason_is_not_found(client, cast):
    client.force_login(cast.admin)
    assert client.get(item_url("flying", cast.child_a1.pk)).status_code == 404


def test_an_analyst_sees_the_item_without_names_or_buttons(client, cast, bgm_row):
    client.force_login(cast.analyst)
    html = client.get(item_url(Reason.BGM, bgm_row.pk)).content.decode()
    assert "Anak Kurus" not in html and "tel:" not in html and 'name="action"' not in html


# --- speed: a fixed number of queries ------------------------------------------------------------


def add_children(cast, n, posyandu_household):
    Child.objects.bulk_create(
        Child(name=f"Anak Q{i:03d}", sex="MF"[i % 2], birth_date=TODAY.replace(day=1)
              .replace(year=TODAY.year - 1), household=posyandu_household,
              posyandu=posyandu_household.posyandu)
        for i in range(n)
    )  # fmt: skip


@pytest.mark.parametrize(("who", "tab", "queries"), [
    # session, user, posyandu of the filter, the snapshot (not weighed by posyandu), done
    # count, the page of children
    ("kader_a", None, 6),
    # ... plus the measurement and the check passes, and the page of measurements
    ("bidan_a", Reason.BGM, 8),
    ("bidan_a", Reason.NOT_WEIGHED, 8),
    ("admin", Reason.BGM, 8),
    ("tpk_a", Reason.NOT_WEIGHED, 7),  # no posyandu filter for a TPK member: no query
    # done tab: the page of follow-ups instead
    ("bidan_a", "done", 8),
])  # fmt: skip
def test_the_list_runs_a_fixed_number_of_queries(client, cast, who, tab, queries,
                                                 django_assert_num_queries):
    def run():
        client.force_login(getattr(cast, who))
        with django_assert_num_queries(queries):
            client.get(LIST, {"tab": tab} if tab else {})

    def add(n, key):
        for i in range(n):
            row = weigh(new_child(cast, name=f"Anak {key}{i}", age_days=420), months_ago(1), 6.1,
                        68.0)  # fmt: skip
            FollowUp.objects.create(reason=Reason.BGM, action=Action.VISITED, child=row.child,
                                    measurement=row, posyandu=cast.pos_a1, household=cast.hh_a1)
            weigh(new_child(cast, name=f"Anak {key}{i}b", age_days=400), months_ago(1), 6.2)

    add(1, "K")
    run()
    add_children(cast, 80, cast.hh_a1)
    add(6, "L")
    run()


def test_the_item_page_runs_a_fixed_number_of_queries(client, cast, bgm_row,
                                                      django_assert_num_queries):
    client.force_login(cast.bidan_a)
    # session, user, the row, its follow-up, still an item, one per other problem found on
    # measurements (3), and whether PMT is offered: the eligibility query, and (the child is
    # not eligible here) whether an enrolment is open, for the message (2)
    with django_assert_num_queries(10):
        client.get(item_url(Reason.BGM, bgm_row.pk))


def test_a_city_wide_list_is_reused_until_something_changes(client, cast, bgm_row,
                                                            django_assert_num_queries):
    client.force_login(cast.admin)
    client.get(LIST, {"tab": Reason.BGM})
    # session, user, posyandu, done count, the page: the three passes are remembered
    with django_assert_num_queries(5):
        response = client.get(LIST, {"tab": Reason.BGM, "page": 1})
    assert {t["code"]: t["count"] for t in response.context["tabs"]}[Reason.BGM] == 1
    client.force_login(cast.bidan_a)
    client.post(item_url(Reason.BGM, bgm_row.pk), {"action": Action.REFERRED})
    client.force_login(cast.admin)
    response = client.get(LIST, {"tab": Reason.BGM})
    assert {t["code"]: t["count"] for t in response.context["tabs"]}[Reason.BGM] == 0
    weigh(new_child(cast, name="Anak Baru", age_days=400), months_ago(0, 2), 6.3)
    response = client.get(LIST, {"tab": Reason.BGM})
    assert {t["code"]: t["count"] for t in response.context["tabs"]}[Reason.BGM] == 1
