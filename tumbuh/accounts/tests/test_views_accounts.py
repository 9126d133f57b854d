"""Sign in and out, change the password, the menu, and the admin's user form."""

import pytest
from django.urls import reverse

from tumbuh.accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from tumbuh.accounts.models import Role, User
from tumbuh.testcast import PASSWORD

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_sign_in_page_is_indonesian_first(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="id"' in page
    assert 'name="username"' in page and 'name="password"' in page


def test_a_user_signs_in_and_lands_on_the_start_page(cast, client):
    response = client.post(LOGIN, {"username": "kader_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(cast, client):
    response = client.post(LOGIN, {"username": "kader_a", "password": "salah"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_signing_in_returns_to_the_page_asked_for(cast, client):
    target = reverse("registry:household-list")
    response = client.get(target)
    assert response.url == f"{LOGIN}?next={target}"
    response = client.post(LOGIN, {"username": "kader_a", "password": PASSWORD, "next": target})
    assert response.url == target


def test_logging_out_takes_a_post_and_returns_to_the_sign_in_page(cast, client):
    client.force_login(cast.kader_a)
    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT)
    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_user_changes_the_password(cast, client):
    client.force_login(cast.kader_a)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "posyandu-melati-2025",
         "new_password2": "posyandu-melati-2025"},
    )  # fmt: skip
    assert response.url == reverse("accounts:password-change-done")
    cast.kader_a.refresh_from_db()
    assert cast.kader_a.check_password("posyandu-melati-2025")
    assert client.get(response.url).status_code == 200


def test_the_password_page_needs_sign_in(client):
    assert client.get(reverse("accounts:password-change")).status_code == 302


# --- the menu --------------------------------------------------------------------------------


def nav_of(client, user):
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    return page[page.index('id="site-nav"') : page.index("</nav>", page.index('id="site-nav"'))]


def test_the_menu_shows_each_role_its_links(cast, client):
    registry = reverse("registry:household-list")
    duplicates = reverse("registry:duplicates")
    kader = nav_of(client, cast.kader_a)
    assert registry in kader and duplicates not in kader
    assert reverse("tools:zscore-calculator") in kader
    assert LOGOUT in kader
    assert duplicates in nav_of(client, cast.bidan_a)
    admin_nav = nav_of(client, cast.admin)
    assert duplicates in admin_nav and reverse("admin:index") in admin_nav
    assert duplicates not in nav_of(client, cast.analyst)


def test_the_menu_marks_the_current_page(cast, client):
    client.force_login(cast.kader_a)
    page = client.get(reverse("registry:household-list")).content.decode()
    assert f'<a href="{reverse("registry:household-list")}" aria-current="page">' in page


def test_signed_out_visitors_see_sign_in_and_the_calculator(client):
    page = client.get(LOGIN).content.decode()
    assert reverse("tools:zscore-calculator") in page
    assert 'id="site-nav"' not in page


# --- the admin's user form -------------------------------------------------------------------


def change_form(user, **changes):
    form = UserAdminChangeForm(instance=user)
    data = {name: form[name].value() for name in form.fields if name != "password"}
    data = {k: v for k, v in data.items() if v is not None}
    data.update(changes)
    return UserAdminChangeForm(data, instance=user)


@pytest.mark.parametrize(
    ("role", "field"),
    [
        (Role.KADER, "posyandu"),
        (Role.BIDAN, "puskesmas"),
        (Role.TPK, "tpk_team"),
        (Role.ANALYST, "city"),
    ],
)
def test_a_role_needs_its_assignment(cast, role, field):
    user = User.objects.create_user("baru", password=PASSWORD, role=Role.ADMIN)
    form = change_form(user, role=role)
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_a_role_with_its_assignment_is_accepted(cast):
    user = User.objects.create_user("baru", password=PASSWORD, role=Role.ADMIN)
    assert change_form(user, role=Role.KADER, posyandu=[cast.pos_a1.pk]).is_valid()
    assert change_form(user, role=Role.BIDAN, puskesmas=cast.pkm_a.pk).is_valid()
    assert change_form(user, role=Role.ANALYST, city=cast.city.pk).is_valid()
    assert change_form(user, role=Role.ADMIN).is_valid()


def test_a_superuser_needs_no_assignment(cast):
    user = User.objects.create_user("baru", password=PASSWORD)
    assert change_form(user, role=Role.BIDAN, is_superuser="on").is_valid()


def test_the_add_form_checks_the_assignment_too(cast):
    data = {"username": "kader_baru", "usable_password": "false", "role": Role.KADER}
    form = UserAdminCreationForm(data)
    assert not form.is_valid()
    assert "posyandu" in form.errors
    form = UserAdminCreationForm({**data, "posyandu": [cast.pos_a1.pk]})
    assert form.is_valid(), form.errors
    user = form.save()
    assert list(user.posyandu.all()) == [cast.pos_a1]


def test_the_admin_pages_for_users_and_teams_open(cast, client):
    admin = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(admin)
    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[cast.kader_a.pk]),
        reverse("admin:accounts_tpkteam_changelist"),
        reverse("admin:registry_child_changelist"),
        reverse("admin:registry_household_change", args=[cast.hh_a1.pk]),
        reverse("admin:registry_mergerecord_changelist"),
    ):
        assert client.get(url).status_code == 200, url
