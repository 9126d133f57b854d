"""Helpers that build objects for the areas tests (in code, no fixtures files)."""

from tumbuh.areas.models import Area, Posyandu, Puskesmas


def make_posyandu(kelurahan_code: str, name: str, *, is_active: bool = True) -> Posyandu:
    kelurahan = Area.objects.get(code=kelurahan_code)
    puskesmas, _ = Puskesmas.objects.get_or_create(
        kecamatan=kelurahan.parent, name=f"Puskesmas {kelurahan.name}"
    )
    return Posyandu.objects.create(
        name=name, puskesmas=puskesmas, kelurahan=kelurahan, is_active=is_active
    )
