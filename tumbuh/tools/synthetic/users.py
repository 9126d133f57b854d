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
