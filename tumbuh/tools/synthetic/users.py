"""One demo account per role, all with the same published password (demo only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from tumbuh.accounts.models import Role, User

from . import DEMO_PASSWORD


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    #: What this account sees, for the printed table (English, like the command's output).
    sees: str
    #: False when an account of that name already existed and was left as it was.
    created: bool = True


def create_demo_users(*, kader_posyandu, tpk_team, city) -> list[DemoUser]:
    """Create the six demo accounts; an existing account of the same name is left alone."""
    puskesmas = kader_posyandu.puskesmas
    specs = [
        ("admin", "Admin", "Demo", Role.ADMIN, {"is_staff": True, "is_superuser": True},
         "everything, and the Django admin at /admin/"),
        ("kader_melati", "Sri", "Wahyuni", Role.KADER, {},
         f"posyandu {kader_posyandu.name} ({kader_posyandu.kelurahan.name}): its children, "
         "families and pregnant women; records measurements"),
        ("bidan", "Rina", "Marlina", Role.BIDAN, {"puskesmas": puskesmas},
         f"puskesmas {puskesmas.name}: every posyandu of its catchment"),
        ("tpk", "Hasnah", "Rahmawati", Role.TPK, {"tpk_team": tpk_team},
         f"{tpk_team.name}: the families assigned to the team"),
        ("analis", "Dimas", "Prasetyo", Role.ANALYST, {"city": city},
         f"all of {city.name}, figures without names, NIK or addresses"),
        ("analis_nama", "Maya", "Anggraini", Role.ANALYST, {"city": city},
         f"all of {city.name}, with names (permission registry.view_identity)"),
    ]  # fmt: skip
    view_identity = Permission.objects.get(
        content_type__app_label="registry", codename="view_identity"
    )
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    result = []
    for username, first, last, role, extra, sees in specs:
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User.objects.create(
                username=username, password=password, first_name=first, last_name=last,
                role=role, **extra,
            )  # fmt: skip
            if role == Role.KADER:
                user.posyandu.set([kader_posyandu])
            if username == "analis_nama":
                user.user_permissions.add(view_identity)
        result.append(DemoUser(username, f"{first} {last}", role, sees, created))
    return result


def create_cadres(plan, pos_ids) -> list[int]:
    """Create the plan's cadre accounts (role kader, assigned to their posyandu, no usable
    password), and return the user pk of each cadre. The demo kader's slot is the account
    ``kader_melati`` made by :func:`create_demo_users`; an account whose username exists already
    is used as it is."""
    usernames = plan.cadre_username
    existing = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    new = [
        User(
            username=name, password=make_password(None), role=Role.KADER,
            first_name=plan.cadre_first_name[c], last_name=plan.cadre_last_name[c],
            phone=plan.cadre_phone[c],
        )
        for c, name in enumerate(usernames) if name not in existing
    ]  # fmt: skip
    User.objects.bulk_create(new, batch_size=500)
    pks = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    through = User.posyandu.through
    assigned = set(
        through.objects.filter(user_id__in=pks.values()).values_list("user_id", "posyandu_id")
    )
    links = []
    for c, name in enumerate(usernames):
        pair = (pks[name], pos_ids[plan.cadre_pos[c]])
        if pair not in assigned and name not in existing:
            links.append(through(user_id=pair[0], posyandu_id=pair[1]))
    through.objects.bulk_create(links, batch_size=2000)
    return [pks[name] for name in usernames]
