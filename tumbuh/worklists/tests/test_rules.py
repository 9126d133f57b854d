"""Each reason on small hand-built cases: who is on the list, who leaves it and why, and what a
follow-up does."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tumbuh.monitoring.services import record_pregnancy_check
from tumbuh.worklists import config, services
from tumbuh.worklists.models import Action, FollowUp, Reason
from tumbuh.worklists.tests.conftest import TODAY, months_ago, new_child, weigh

CFG = config.current()


def q_for(user, today=TODAY):
    return services.Query(user=user, today=today, config=CFG)


def open_pks(user, reason, today=TODAY):
    return set(services.open_rows(q_for(user, today), reason).values_list("pk", flat=True))


# --- not weighed ---------------------------------------------------------------------------------


def test_not_weighed_lists_under_fives_without_a_weighing_this_month(cast):
    last_month = new_child(cast, name="Last month")
    weigh(last_month, months_ago(1), 9.0)
    this_month = new_child(cast, name="This month")
    weigh(this_month, months_ago(0, 2), 9.0)
    length_only = new_child(cast, name="Length only")
    weigh(length_only, months_ago(0, 3), None, 75.0)
    over_five = new_child(cast, name="Over five", age_days=1827)
    merged = new_child(cast, name="Merged")
    merged.merged_into = last_month
    merged.save()
    got = open_pks(cast.kader_a, Reason.NOT_WEIGHED)
    assert got == {cast.child_a1.pk, last_month.pk, length_only.pk}
    assert this_month.pk not in got and over_five.pk not in got and merged.pk not in got
    # a bidan sees both posyandu of her puskesmas, the other kader the other one
    assert cast.child_a2.pk in open_pks(cast.bidan_a, Reason.NOT_WEIGHED)
    assert open_pks(cast.kader_a2, Reason.NOT_WEIGHED) == {cast.child_a2.pk}
    assert open_pks(cast.tpk_a, Reason.NOT_WEIGHED) == got  # every family here is team A's
    assert open_pks(cast.tpk_b, Reason.NOT_WEIGHED) == {cast.child_b1.pk}


def test_a_not_weighed_item_is_the_child_and_the_month(cast):
    q = q_for(cast.kader_a)
    item = services.find_item(q, Reason.NOT_WEIGHED, cast.child_a1.pk)
    assert item.state == "open" and item.month == TODAY.replace(day=1)
    follow_up, created = services.record_follow_up(q, item, action=Action.VISITED, note=" x ")
    assert created and follow_up.month == TODAY.replace(day=1) and follow_up.note == "x"
    assert follow_up.posyandu == cast.pos_a1 and follow_up.household == cast.hh_a1
    assert cast.child_a1.pk not in open_pks(cast.kader_a, Reason.NOT_WEIGHED)
    # next month the child is on the list again: a new month is a new item
    next_month = (TODAY.replace(day=1) + dt.timedelta(days=40)).replace(day=3)
    assert cast.child_a1.pk in open_pks(cast.kader_a, Reason.NOT_WEIGHED, today=next_month)


# --- measurements --------------------------------------------------------------------------------


def bgm_child(cast, name="Kurus"):
    child = new_child(cast, name=name, age_days=400)
    return child


def test_bgm_is_the_latest_weighing_in_the_window(cast):
    child = bgm_child(cast)
    old = weigh(child, months_ago(2), 6.0)  # BGM, but before the window
    assert old.is_bgm and old.pk not in open_pks(cast.bidan_a, Reason.BGM)
    last = weigh(child, months_ago(1), 6.2)
    assert last.is_bgm and open_pks(cast.bidan_a, Reason.BGM) == {last.pk}
    # not weighed this month yet: still on the list; weighed well this month: off it
    item = services.find_item(q_for(cast.bidan_a), Reason.BGM, last.pk)
    assert item.state == "open"
    now = weigh(child, months_ago(0, 5), 8.8)
    assert not now.is_bgm and open_pks(cast.bidan_a, Reason.BGM) == set()
    assert services.find_item(q_for(cast.bidan_a), Reason.BGM, last.pk).state == "closed"


def test_an_action_removes_the_item_and_a_new_trigger_is_a_new_item(cast):
    child = bgm_child(cast)
    last = weigh(child, months_ago(1), 6.2)
    q = q_for(cast.bidan_a)
    item = services.find_item(q, Reason.BGM, last.pk)
    services.record_follow_up(q, item, action=Action.REFERRED)
    assert open_pks(cast.bidan_a, Reason.BGM) == set()
    assert services.find_item(q, Reason.BGM, last.pk).state == "done"
    now = weigh(child, months_ago(0, 5), 6.3)  # BGM again this month: a new item
    assert now.is_bgm and open_pks(cast.bidan_a, Reason.BGM) == {now.pk}
    assert FollowUp.objects.get().measurement == last


def test_2t_is_the_latest_weighing_in_the_window(cast):
    child = new_child(cast, name="Datar", age_days=400)
    for ago in (3, 2, 1):
        row = weigh(child, months_ago(ago), 9.0)
    assert row.is_2t and open_pks(cast.bidan_a, Reason.FALTERING_2T) == {row.pk}
    weigh(child, months_ago(0, 4), 9.6)  # gained: N
    assert open_pks(cast.bidan_a, Reason.FALTERING_2T) == set()


def test_severe_wasting_by_weight_for_length_or_oedema(cast):
    thin = new_child(cast, name="Sangat kurus", age_days=400)
    row = weigh(thin, months_ago(1), 6.6, 76.0)
    assert row.status_bbtb == "gizi_buruk"
    swollen = new_child(cast, name="Bengkak", age_days=500)
    oedema = weigh(swollen, months_ago(0, 2), 9.5, oedema=True)
    assert open_pks(cast.bidan_a, Reason.SEVERE_WASTING) == {row.pk, oedema.pk}
    # a later weighing without a length says nothing about wasting: the item stays
    weigh(thin, months_ago(0, 3), 7.0)
    assert row.pk in open_pks(cast.bidan_a, Reason.SEVERE_WASTING)
    # a later measurement with a normal weight-for-length takes the child off
    weigh(thin, months_ago(0, 6), 9.8, 76.5)
    assert row.pk not in open_pks(cast.bidan_a, Reason.SEVERE_WASTING)


def test_newly_stunted_is_the_first_stunted_measurement_while_still_stunted(cast):
    child = new_child(cast, name="Pendek", age_days=420)
    weigh(child, months_ago(3), 8.5, 72.0)  # normal length
    first = weigh(child, months_ago(1), 8.8, 68.0)
    assert first.status_tbu in ("pendek", "sangat_pendek")
    assert open_pks(cast.bidan_a, Reason.NEW_STUNTING) == {first.pk}
    again = weigh(child, months_ago(0, 4), 9.0, 68.5)  # still stunted: the same item
    assert again.status_tbu in ("pendek", "sangat_pendek")
    assert open_pks(cast.bidan_a, Reason.NEW_STUNTING) == {first.pk}
    # stunted long ago is not new
    long_ago = new_child(cast, name="Lama pendek", age_days=500)
    weigh(long_ago, months_ago(4), 7.5, 66.0)
    weigh(long_ago, months_ago(0, 2), 8.5, 69.0)
    assert open_pks(cast.bidan_a, Reason.NEW_STUNTING) == {first.pk}
    # measured normal again: off the list
    weigh(child, months_ago(0, 9), 9.1, 74.0)
    assert open_pks(cast.bidan_a, Reason.NEW_STUNTING) == set()


def test_a_kader_has_only_not_weighed_and_analysts_read_everything(cast):
    assert CFG.reasons_for(cast.kader_a) == (Reason.NOT_WEIGHED,)
    assert set(CFG.reasons_for(cast.bidan_a)) == set(Reason.values)
    assert set(CFG.reasons_for(cast.analyst)) == set(Reason.values)
    assert not services.may_act(cast.analyst) and not services.may_act(cast.analyst_names)
    assert all(services.may_act(getattr(cast, u)) for u in ("kader_a", "bidan_a", "tpk_a",
                                                            "admin"))  # fmt: skip


# --- pregnant women ------------------------------------------------------------------------------


def test_kek_and_anaemia_come_from_the_latest_check_of_an_ongoing_pregnancy(cast):
    p = cast.pregnancy_a1
    first = record_pregnancy_check(pregnancy=p, checked_on=months_ago(1), muac_cm=22.0,
                                   hb_g_dl=10.0)  # fmt: skip
    assert first.risiko_kek and first.anemia
    assert open_pks(cast.bidan_a, Reason.KEK) == {first.pk}
    assert open_pks(cast.bidan_a, Reason.ANAEMIA) == {first.pk}
    # a later check with only Hb: LiLA still unknown since, KEK stays; anaemia gone
    later = record_pregnancy_check(pregnancy=p, checked_on=months_ago(0, 3), hb_g_dl=12.0)
    assert open_pks(cast.bidan_a, Reason.KEK) == {first.pk}
    assert open_pks(cast.bidan_a, Reason.ANAEMIA) == set()
    assert later.anemia is False
    # an ended pregnancy is not on the list
    p.ended_on = TODAY
    p.save()
    assert open_pks(cast.bidan_a, Reason.KEK) == set()


def test_every_item_of_a_person_can_be_closed_at_once(cast):
    child = new_child(cast, name="Banyak", age_days=400)
    row = weigh(child, months_ago(1), 6.0, 76.0)  # BGM and severely wasted
    q = q_for(cast.bidan_a)
    item = services.find_item(q, Reason.BGM, row.pk)
    others = services.other_open_items(q, item, CFG.reasons_for(cast.bidan_a))
    assert {o.reason for o in others} == {Reason.SEVERE_WASTING}  # not "not weighed"
    not_weighed = services.find_item(q, Reason.NOT_WEIGHED, child.pk)
    assert services.other_open_items(q, not_weighed, CFG.reasons_for(cast.bidan_a)) == []
    for it in (item, *others):
        services.record_follow_up(q, it, action=Action.REFERRED)
    assert FollowUp.objects.count() == 2
    assert services.other_open_items(q, item, CFG.reasons_for(cast.bidan_a)) == []
    assert child.pk in open_pks(cast.bidan_a, Reason.NOT_WEIGHED)


def test_a_follow_up_is_saved_once_and_dates_are_checked(cast):
    child = bgm_child(cast)
    row = weigh(child, months_ago(1), 6.2)
    q = q_for(cast.bidan_a)
    item = services.find_item(q, Reason.BGM, row.pk)
    with pytest.raises(ValidationError):
        services.record_follow_up(q, item, action="prayed")
    with pytest.raises(ValidationError):
        services.record_follow_up(q, item, action=Action.VISITED,
                                  done_on=TODAY + dt.timedelta(days=1))  # fmt: skip
    with pytest.raises(ValidationError):
        services.record_follow_up(q, item, action=Action.VISITED,
                                  done_on=row.measured_on - dt.timedelta(days=1))  # fmt: skip
    first, created = services.record_follow_up(q, item, action=Action.VISITED)
    assert created
    # the same item again (a second tap, or another user with a stale page): nothing new
    again, created = services.record_follow_up(q, item, action=Action.REFERRED)
    assert not created and again == first and again.action == Action.VISITED
    assert FollowUp.objects.count() == 1


def test_items_outside_the_scope_are_not_found(cast):
    row = weigh(bgm_child(cast), months_ago(1), 6.2)
    with pytest.raises(services.ItemNotFound):
        services.find_item(q_for(cast.bidan_b), Reason.BGM, row.pk)
    with pytest.raises(services.ItemNotFound):
        services.find_item(q_for(cast.kader_b), Reason.NOT_WEIGHED, cast.child_a1.pk)


# --- configuration -------------------------------------------------------------------------------


def test_the_shipped_configuration_is_valid_and_versioned():
    cfg = config.load()
    assert cfg.version and cfg.window_months[Reason.NOT_WEIGHED] == 1
    assert set(cfg.window_months) == set(Reason.values)


@pytest.mark.parametrize(("text", "message"), [
    ('version = ""', "version"),
    ('version = "x"\n[reasons.flying]\nwindow_months = 1', "unknown reasons"),
    ('version = "x"\n[reasons.bgm]\nwindow_months = 0', "window_months"),
    ('version = "x"\n[reasons.not_weighed]\nwindow_months = 2', "current month"),
    ('version = "x"\n[roles]\nnurse = []', "unknown role"),
    ('version = "x"\n[roles]\nkader = ["bgm"]', "without a"),
    ('version = "x"\n[lists]\nper_page = 1', "per_page"),
    ("version = ", "worklists.toml"),
])  # fmt: skip
def test_a_bad_configuration_names_the_problem(tmp_path, text, message):
    path = tmp_path / "worklists.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        config.load(path)
