"""Read-only queries behind the area pages: the area tree and the kelurahan GeoJSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr

from tumbuh.areas.models import Area

#: A tree with at most this many villages shows every kecamatan opened.
OPEN_ALL_MAX_VILLAGES = 60


@dataclass
class KecamatanNode:
    area: Area
    villages: list[Area] = field(default_factory=list)

    @property
    def posyandu_count(self) -> int:
        return sum(village.posyandu_count for village in self.villages)


@dataclass
class AreaTree:
    """One kabupaten/kota (or one kecamatan) with its kecamatan and villages.

    Each village carries ``posyandu_count``, its number of active posyandu.
    """

    root: Area
    ancestors: list[Area]
    kecamatan: list[KecamatanNode]

    @property
    def village_count(self) -> int:
        return sum(len(node.villages) for node in self.kecamatan)

    @property
    def posyandu_count(self) -> int:
        return sum(node.posyandu_count for node in self.kecamatan)

    @property
    def open_all(self) -> bool:
        return self.village_count <= OPEN_ALL_MAX_VILLAGES


def loaded_regencies() -> list[Area]:
    """The loaded kabupaten/kota, with ``village_count`` (desa/kelurahan loaded under each)."""
    regencies = list(Area.objects.filter(level=Area.Level.REGENCY).order_by("code"))
    # "PP.KK" is the first 5 characters of every code under a kabupaten/kota.
    counts = dict(
        Area.objects.filter(level=Area.Level.VILLAGE)
        .annotate(regency_code=Substr("code", 1, 5))
        .values("regency_code")
        .annotate(village_count=Count("code"))
        .values_list("regency_code", "village_count")
        .order_by()
    )
    for regency in regencies:
        regency.village_count = counts.get(regency.code, 0)
    return regencies


def area_tree(root: Area) -> AreaTree:
    """The tree under a kabupaten/kota or kecamatan (a village shows its kecamatan)."""
    if root.level == Area.Level.VILLAGE:
        root = root.parent
    if root.level == Area.Level.DISTRICT:
        kecamatan = [root]
    else:
        kecamatan = list(root.descendants().filter(level=Area.Level.DISTRICT).order_by("code"))
    nodes = {area.code: KecamatanNode(area) for area in kecamatan}
    villages = (
        Area.objects.filter(level=Area.Level.VILLAGE, parent__in=list(nodes))
        .annotate(posyandu_count=Count("posyandu", filter=Q(posyandu__is_active=True)))
        .order_by("code")
    )
    for village in villages:
        nodes[village.parent_id].villages.append(village)
    return AreaTree(root=root, ancestors=list(root.ancestors()), kecamatan=list(nodes.values()))


def kelurahan_feature_collection(parent: Area | None = None) -> dict:
    """A GeoJSON FeatureCollection of the desa/kelurahan boundaries under ``parent`` (or all).

    Each feature has the area code as ``id`` and the properties ``code``, ``name`` and
    ``kecamatan_code``. Villages without a boundary are left out.
    """
    villages = Area.objects.filter(level=Area.Level.VILLAGE, boundary__isnull=False)
    if parent is not None:
        villages = villages.filter(Q(code=parent.code) | Q(code__startswith=parent.code + "."))
    features = [
        {
            "type": "Feature",
            "id": code,
            "geometry": boundary,
            "properties": {"code": code, "name": name, "kecamatan_code": kecamatan_code},
        }
        for code, name, kecamatan_code, boundary in villages.order_by("code").values_list(
            "code", "name", "parent_id", "boundary"
        )
    ]
    return {"type": "FeatureCollection", "features": features}
