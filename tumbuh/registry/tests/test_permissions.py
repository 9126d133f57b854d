"""The permission table: every registry URL, for every role, gets exactly its expected answer.

200: the user's own record; 404: a record outside the user's scope (never a hint that it
exists); 403: inside the scope, but the role may only read (TPK, analysts) or may not see names
(analysts without the identity permission) or may not merge (cadres); 302: anonymous, to the
sign-in page. One row per URL; each row checks every user of the shared cast.
"""

import pytest
from django.urls import reverse

USERS = [
    "anonymous", "kader_a", "kader_a2", "kader_b", "bidan_a", "bidan_b", "tpk_a", "tpk_b",
    "analyst", "analyst_names", "analyst_other_city", "admin",
]  # fmt: skip

# Answers for a side-A record of posyandu A1 (household hh_a1, TPK team A).
READ_A1 = {
    "anonymous": 302, "kader_a": 200, "kader_a2": 404, "kader_b": 404, "bidan_a": 200,
    "bidan_b": 404, "tpk_a": 200, "tpk_b": 404, "analyst": 403, "analyst_names": 200,
    "analyst_other_city": 404, "admin": 200,
}  # fmt: skip
WRITE_A1 = {**READ_A1, "tpk_a": 403, "analyst_names": 403}
# Side B (household hh_b1 at posyandu B1, TPK team B), the mirror image.
READ_B1 = {
    "anonymous": 302, "kader_a": 404, "kader_a2": 404, "kader_b": 200, "bidan_a": 404,
    "bidan_b": 200, "tpk_a": 404, "tpk_b": 200, "analyst": 403, "analyst_names": 200,
    "analyst_other_city": 404, "admin": 200,
}  # fmt: skip
WRITE_B1 = {**READ_B1, "tpk_b": 403, "analyst_names": 403}
EVERYONE = {user: 200 for user in USERS} | {"anonymous": 302}
EDITORS = {
    **EVERYONE, "tpk_a": 403, "tpk_b": 403, "analyst": 403, "analyst_names": 403,
    "analyst_other_city": 403,
}  # fmt: skip
DATA_MANAGERS = {user: 403 for user in USERS} | {
    "anonymous": 302, "bidan_a": 200, "bidan_b": 200, "admin": 200,
}
# Merging two side-A children: a data manager who cannot see them gets 404.
MERGE_A = {**DATA_MANAGERS, "bidan_b": 404}

PERMISSION_TABLE = [
    ("registry:household-list", {}, EVERYONE),
    ("registry:household-create", {}, EDITORS),
    ("registry:household-detail", {"pk": "hh_a1"}, READ_A1),
    ("registry:household-detail", {"pk": "hh_b1"}, READ_B1),
    ("registry:household-edit", {"pk": "hh_a1"}, WRITE_A1),
    ("registry:household-edit", {"pk": "hh_b1"}, WRITE_B1),
    ("registry:person-create", {"pk": "hh_a1"}, WRITE_A1),
    ("registry:person-edit", {"pk": "mother_a1"}, WRITE_A1),
    ("registry:person-edit", {"pk": "mother_b1"}, WRITE_B1),
    ("registry:child-create", {"pk": "hh_a1"}, WRITE_A1),
    ("registry:child-create", {"pk": "hh_b1"}, WRITE_B1),
    ("registry:child-edit", {"pk": "child_a1"}, WRITE_A1),
    ("registry:child-edit", {"pk": "child_b1"}, WRITE_B1),
    ("registry:pregnancy-create", {"pk": "hh_a1"}, WRITE_A1),
    ("registry:pregnancy-create", {"pk": "hh_b1"}, WRITE_B1),
    ("registry:duplicates", {}, DATA_MANAGERS),
    ("registry:merge", {"first": "child_a1", "second": "child_a2"}, MERGE_A),
]


def _row_id(row):
    name, kwargs, _ = row
    return name.split(":")[1] + "".join(f"[{v}]" for v in kwargs.values())


@pytest.mark.parametrize("row", PERMISSION_TABLE, ids=[_row_id(r) for r in PERMISSION_TABLE])
def test_each_role_gets_exactly_its_expected_answer(cast, client, row):
    name, kwargs, expected = row
    url = reverse(name, kwargs={key: getattr(cast, attr).pk for key, attr in kwargs.items()})
    answers = {}
    for username in USERS:
        client.logout()
        if username != "anonymous":
            client.force_login(getattr(cast, username))
        response = client.get(url)
        answers[username] = response.status_code
        if response.status_code == 302:
            assert response.url.startswith(reverse("accounts:login")), response.url
    assert answers == expected


def test_the_table_covers_every_registry_url():
    from tumbuh.registry.urls import urlpatterns

    assert {f"registry:{p.name}" for p in urlpatterns} == {row[0] for row in PERMISSION_TABLE}


def test_posting_to_another_sides_household_creates_nothing(cast, client):
    from tumbuh.registry.models import Child, Person

    client.force_login(cast.kader_a)
    data = {"name": "Anak Baru", "sex": "M", "birth_date": "01-01-2024"}
    for name in ("registry:child-create", "registry:person-create"):
        response = client.post(reverse(name, kwargs={"pk": cast.hh_b1.pk}), data)
        assert response.status_code == 404
    assert not Child.objects.filter(name="Anak Baru").exists()
    assert not Person.objects.filter(name="Anak Baru").exists()


def test_a_merged_child_is_gone_from_every_url(cast, client):
    from tumbuh.registry.services import merge_children

    merge_children(keep=cast.child_a1, remove=cast.child_a2, user=cast.admin)
    client.force_login(cast.admin)
    assert client.get(reverse("registry:child-edit", args=[cast.child_a2.pk])).status_code == 404
    merge_url = reverse("registry:merge", args=[cast.child_a1.pk, cast.child_a2.pk])
    assert client.get(merge_url).status_code == 404
