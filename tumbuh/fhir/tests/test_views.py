"""The downloads by role, their formats and paging, and the management command."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tumbuh.fhir import services

from .conftest import measure, new_child, validate, validate_bundle


def child_url(child):
    return reverse("fhir:bundle", args=[child.pk])


def posyandu_url(posyandu):
    return reverse("fhir:posyandu_export", args=[posyandu.pk])


def test_one_childs_bundle_is_a_fhir_json_download(client, measured, cast):
    child, rows = measured
    client.force_login(cast.kader_a)
    response = client.get(child_url(child))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert f'filename="fhir-{child.pk}.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    validate_bundle(data)
    assert data["type"] == "transaction"
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds[:2] == ["Patient", "RelatedPerson"]
    dates = {e["resource"].get("effectiveDateTime") for e in data["entry"]} - {None}
    assert dates == {r.measured_on.isoformat() for r in rows}


def test_period_type_and_zscore_options(client, measured, cast):
    child, rows = measured
    client.force_login(cast.bidan_a)
    response = client.get(child_url(child), {"dari": rows[1].measured_on.isoformat(),
                                             "jenis": "collection", "zskor": "0"})
    data = json.loads(response.content)
    assert data["type"] == "collection"
    observations = [e["resource"] for e in data["entry"]
                    if e["resource"]["resourceType"] == "Observation"]  # fmt: skip
    assert {o["effectiveDateTime"] for o in observations} == {rows[1].measured_on.isoformat()}
    assert {o["code"]["coding"][0]["system"] for o in observations} == {"http://loinc.org"}
    validate_bundle(data)


@pytest.mark.parametrize("params", [{"dari": "16-06-2025"}, {"jenis": "searchset"},
                                    {"halaman": "0"}, {"halaman": "dua"},
                                    {"sampai": "kemarin"}])
def test_bad_options_are_a_clear_400(client, cast, params):
    client.force_login(cast.admin)
    response = client.get(posyandu_url(cast.pos_a1), params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")  # echoes input: never HTML
    name, value = next(iter(params.items()))
    assert name in response.content.decode() and value in response.content.decode()


def test_analyst_without_identity_permission_is_refused(client, measured, cast):
    child, _rows = measured
    client.force_login(cast.analyst)
    assert client.get(child_url(child)).status_code == 403
    assert client.get(posyandu_url(cast.pos_a1)).status_code == 403
    client.force_login(cast.analyst_names)
    assert client.get(child_url(child)).status_code == 200
    assert client.get(posyandu_url(cast.pos_a1)).status_code == 200


def test_out_of_scope_is_404(client, measured, cast):
    child, _rows = measured
    for user in (cast.kader_b, cast.kader_a2, cast.bidan_b, cast.tpk_b):
        client.force_login(user)
        assert client.get(child_url(child)).status_code == 404
    client.force_login(cast.tpk_a)  # the TPK team of the child's household
    assert client.get(child_url(child)).status_code == 200
    assert client.get(posyandu_url(cast.pos_a1)).status_code == 404  # TPK teams: no posyandu
    client.force_login(cast.kader_a)
    assert client.get(posyandu_url(cast.pos_b1)).status_code == 404


def test_posyandu_export_holds_only_that_posyandus_children(client, measured, cast):
    child, _rows = measured
    client.force_login(cast.bidan_a)
    data = json.loads(client.get(posyandu_url(cast.pos_a1)).content)
    validate_bundle(data)
    patients = {e["resource"]["id"] for e in data["entry"]
                if e["resource"]["resourceType"] == "Patient"}  # fmt: skip
    assert patients == {str(child.pk), str(cast.child_a1.pk)}
    assert [link["relation"] for link in data["link"]] == ["self"]


def test_posyandu_export_in_the_period_only_has_children_measured_then(client, measured, cast):
    child, rows = measured
    client.force_login(cast.kader_a)
    response = client.get(posyandu_url(cast.pos_a1), {"dari": rows[0].measured_on.isoformat(),
                                                      "sampai": rows[0].measured_on.isoformat()})
    data = json.loads(response.content)
    patients = [e["resource"]["id"] for e in data["entry"]
                if e["resource"]["resourceType"] == "Patient"]  # fmt: skip
    assert patients == [str(child.pk)]  # child_a1 was never measured
    dates = {e["resource"].get("effectiveDateTime") for e in data["entry"]} - {None}
    assert dates == {rows[0].measured_on.isoformat()}


def test_paging_links_and_constant_queries(client, cast, monkeypatch,
                                           django_assert_max_num_queries):  # fmt: skip
    for i in range(5):
        kid = new_child(cast, name=f"Anak {i}", age_days=300 + i)
        measure(kid, cast.today, weight=8.0 + i / 10, length=70.0, position="l")
    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    client.force_login(cast.admin)
    seen = []
    url = posyandu_url(cast.pos_a1)
    page = 1
    while True:
        with django_assert_max_num_queries(9):
            response = client.get(url, {"halaman": page, "jenis": "collection"})
        data = json.loads(response.content)
        validate_bundle(data)
        seen += [e["resource"]["id"] for e in data["entry"]
                 if e["resource"]["resourceType"] == "Patient"]  # fmt: skip
        links = {link["relation"]: link["url"] for link in data["link"]}
        assert "jenis=collection" in links["self"]
        if "next" not in links:
            break
        assert f"halaman={page + 1}" in links["next"]
        page += 1
    assert page == 3
    assert len(seen) == len(set(seen)) == 6  # 5 new children + child_a1
    monkeypatch.setattr(services, "PAGE_SIZE", 100)  # one page of 6: still the same queries
    with django_assert_max_num_queries(9):
        data = json.loads(client.get(url).content)
    assert sum(e["resource"]["resourceType"] == "Patient" for e in data["entry"]) == 6
    # six children of one mother: six RelatedPersons, every fullUrl unique (FHIR bdl-7)
    full_urls = [e["fullUrl"] for e in data["entry"]]
    assert sum(e["resource"]["resourceType"] == "RelatedPerson" for e in data["entry"]) == 6
    assert len(full_urls) == len(set(full_urls))


def test_ndjson_stream(client, measured, cast):
    child, _rows = measured
    client.force_login(cast.admin)
    response = client.get(posyandu_url(cast.pos_a1), {"format": "ndjson"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    resources = [json.loads(line) for line in lines]
    for resource in resources:
        validate(resource)
    assert sum(r["resourceType"] == "Patient" for r in resources) == 2


def test_exportfhir_command_writes_a_valid_bundle(measured, cast, tmp_path):
    child, rows = measured
    out = tmp_path / "melati.json"
    call_command("exportfhir", "--posyandu", str(cast.pos_a1.pk),
                 "--since", rows[1].measured_on.isoformat(), "-o", str(out))  # fmt: skip
    data = json.loads(out.read_text())
    validate_bundle(data)
    patients = [e["resource"]["id"] for e in data["entry"]
                if e["resource"]["resourceType"] == "Patient"]  # fmt: skip
    assert patients == [str(child.pk)]
    ndjson = tmp_path / "all.ndjson"
    call_command("exportfhir", "--format", "ndjson", "--no-zscores", "-o", str(ndjson))
    resources = [json.loads(line) for line in ndjson.read_text().splitlines()]
    assert sum(r["resourceType"] == "Patient" for r in resources) == 4  # 3 cast + Siti
    assert all(r["code"]["coding"][0]["system"] == "http://loinc.org"
               for r in resources if r["resourceType"] == "Observation")  # fmt: skip


def test_exportfhir_command_errors_name_the_option(cast):
    with pytest.raises(CommandError, match="--posyandu"):
        call_command("exportfhir", "--posyandu", "not-a-uuid")
    with pytest.raises(CommandError, match="--since"):
        call_command("exportfhir", "--since", "2025-02-30")


def test_merged_children_are_not_exported(client, measured, cast):
    child, _rows = measured
    twin = new_child(cast, name="Siti Ganda")
    twin.merged_into = child
    twin.save()
    client.force_login(cast.admin)
    assert client.get(child_url(twin)).status_code == 404
    data = json.loads(client.get(posyandu_url(cast.pos_a1)).content)
    assert str(twin.pk) not in {e["resource"]["id"] for e in data["entry"]}


def test_the_export_form_sends_on_to_the_posyandus_export(client, cast):
    client.force_login(cast.bidan_a)
    page = client.get(reverse("fhir:export"))
    assert page.status_code == 200
    names = [p.name for p in page.context["form"].fields["posyandu"].queryset]
    assert cast.pos_a1.name in names and cast.pos_b1.name not in names  # her puskesmas only
    response = client.get(reverse("fhir:export"), {
        "posyandu": cast.pos_a1.pk, "dari": "2026-01-01", "sampai": "2026-06-30",
        "jenis": "collection", "zskor": "0", "format": "ndjson",
    })  # fmt: skip
    assert response.status_code == 302
    target = reverse("fhir:posyandu_export", args=[cast.pos_a1.pk])
    assert response["Location"] == (f"{target}?dari=2026-01-01&sampai=2026-06-30"
                                    "&jenis=collection&zskor=0&format=ndjson")  # fmt: skip
    # the defaults leave the query empty
    plain = client.get(reverse("fhir:export"), {"posyandu": cast.pos_a1.pk, "jenis": "transaction",
                                                "zskor": "1", "format": "json"})  # fmt: skip
    assert plain["Location"] == target


def test_the_export_form_refuses_a_bad_period_and_another_puskesmas(client, cast, english):
    client.force_login(cast.bidan_a)
    back = client.get(reverse("fhir:export"), {"posyandu": cast.pos_a1.pk, "dari": "2026-06-30",
                                               "sampai": "2026-01-01"})  # fmt: skip
    assert back.status_code == 200
    assert "before its start" in back.content.decode()
    other = client.get(reverse("fhir:export"), {"posyandu": cast.pos_b1.pk})
    assert other.status_code == 200 and other.context["form"].errors["posyandu"]


def test_the_export_form_is_refused_without_names_or_posyandu(client, cast):
    client.force_login(cast.analyst)
    assert client.get(reverse("fhir:export")).status_code == 403
    client.force_login(cast.tpk_a)
    assert client.get(reverse("fhir:export")).status_code == 403
