"""The shared cast of the test suite: two kecamatan of one city, their puskesmas and posyandu,
one user per role on each side, and a household with a child under each posyandu.

``build_cast()`` creates everything in the test database and returns a namespace, so an access
test reads ``cast.kader_a``, ``cast.child_b1``. Side A: kecamatan Balikpapan Timur (kelurahan
Manggar), puskesmas Manggar, posyandu Melati (A1) and Mawar (A2). Side B: Balikpapan Barat
(kelurahan Baru Ilir), puskesmas Baru Ilir, posyandu Kenanga (B1).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

PASSWORD = "rahasia-uji-123"


def _area(code, name, level, parent=None):
    from tumbuh.areas.models import Area

    return Area.objects.create(code=code, name=name, level=level, parent=parent)


def build_cast(today: dt.date | None = None) -> SimpleNamespace:
    from django.contrib.auth.models import Permission

    from tumbuh.accounts.models import Role, TpkTeam, User
    from tumbuh.areas.models import Posyandu, Puskesmas
    from tumbuh.registry.models import Child, Household, Person, Pregnancy

    today = today or dt.date.today()
    c = SimpleNamespace()
    c.province = _area("64", "Kalimantan Timur", 1)
    c.city = _area("64.71", "Kota Balikpapan", 2, c.province)
    c.kec_a = _area("64.71.01", "Balikpapan Timur", 3, c.city)
    c.kec_b = _area("64.71.02", "Balikpapan Barat", 3, c.city)
    c.kel_a = _area("64.71.01.1001", "Manggar", 4, c.kec_a)
    c.kel_b = _area("64.71.02.1001", "Baru Ilir", 4, c.kec_b)
    c.other_city = _area("64.72", "Kota Samarinda", 2, c.province)
    c.pkm_a = Puskesmas.objects.create(name="Manggar", kecamatan=c.kec_a)
    c.pkm_a.catchment.add(c.kel_a)
    c.pkm_b = Puskesmas.objects.create(name="Baru Ilir", kecamatan=c.kec_b)
    c.pkm_b.catchment.add(c.kel_b)
    c.pos_a1 = Posyandu.objects.create(name="Melati", puskesmas=c.pkm_a, kelurahan=c.kel_a)
    c.pos_a2 = Posyandu.objects.create(name="Mawar", puskesmas=c.pkm_a, kelurahan=c.kel_a)
    c.pos_b1 = Posyandu.objects.create(name="Kenanga", puskesmas=c.pkm_b, kelurahan=c.kel_b)
    c.team_a = TpkTeam.objects.create(name="TPK Manggar 1", kelurahan=c.kel_a)
    c.team_b = TpkTeam.objects.create(name="TPK Baru Ilir 1", kelurahan=c.kel_b)

    def user(username, role, **kw):
        posyandu = kw.pop("posyandu", [])
        u = User.objects.create_user(username=username, password=PASSWORD, role=role,
                                     first_name=username.replace("_", " ").title(), **kw)
        if posyandu:
            u.posyandu.set(posyandu)
        return u

    c.kader_a = user("kader_a", Role.KADER, posyandu=[c.pos_a1])
    c.kader_a2 = user("kader_a2", Role.KADER, posyandu=[c.pos_a2])
    c.kader_b = user("kader_b", Role.KADER, posyandu=[c.pos_b1])
    c.bidan_a = user("bidan_a", Role.BIDAN, puskesmas=c.pkm_a)
    c.bidan_b = user("bidan_b", Role.BIDAN, puskesmas=c.pkm_b)
    c.tpk_a = user("tpk_a", Role.TPK, tpk_team=c.team_a)
    c.tpk_b = user("tpk_b", Role.TPK, tpk_team=c.team_b)
    c.analyst = user("analyst", Role.ANALYST, city=c.city)
    c.analyst_names = user("analyst_names", Role.ANALYST, city=c.city)
    c.analyst_names.user_permissions.add(Permission.objects.get(codename="view_identity"))
    c.analyst_other_city = user("analyst_samarinda", Role.ANALYST, city=c.other_city)
    c.admin = user("admin", Role.ADMIN, is_staff=True)

    def household(key, posyandu, kel, team=None):
        hh = Household.objects.create(
            head_name=f"Kepala {key}", address=f"Jl. Uji {key}", rt="001", rw="002",
            kelurahan=kel, posyandu=posyandu, tpk_team=team, phone="0812000000",
        )  # fmt: skip
        mother = Person.objects.create(household=hh, name=f"Ibu {key}", sex="F",
                                       birth_date=dt.date(1995, 5, 5))  # fmt: skip
        child = Child.objects.create(
            name=f"Anak {key}", sex="M", birth_date=today - dt.timedelta(days=400),
            household=hh, mother=mother, posyandu=posyandu, birth_weight_kg=3.1,
        )  # fmt: skip
        pregnancy = Pregnancy.objects.create(
            woman=mother, posyandu=posyandu, hpht=today - dt.timedelta(days=70), gravida=2, para=1
        )
        return hh, mother, child, pregnancy

    c.hh_a1, c.mother_a1, c.child_a1, c.pregnancy_a1 = household("A1", c.pos_a1, c.kel_a, c.team_a)
    c.hh_a2, c.mother_a2, c.child_a2, c.pregnancy_a2 = household("A2", c.pos_a2, c.kel_a)
    c.hh_b1, c.mother_b1, c.child_b1, c.pregnancy_b1 = household("B1", c.pos_b1, c.kel_b, c.team_b)
    c.today = today
    return c
