"""What ``tumbuh demo`` remembers about the demo city it generated, so a second run starts at once.

The marker is a small JSON file in ``TUMBUH_DATA_DIR`` (``demo-city.json``) naming the database,
the size, seed and reference date, and the primary keys of a few rows the generator made. Those
keys are drawn from the seed, so they exist in no other database: the database "holds the demo
city" while they are there, however much someone has recorded, changed or deleted since while
trying the demo; a deleted or replaced database file is never mistaken for it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

MARKER_FILE_NAME = "demo-city.json"


@dataclass
class DemoMarker:
    database: str
    size: str
    seed: int
    as_of: str  # ISO date
    generator: int
    children: int
    measurements: int
    generated_at: str
    #: Primary keys of generated rows, by model label ("areas.Puskesmas": "0197...").
    keys: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    #: Rows of the log-in table: username, role, full name, what the account sees.
    accounts: list[dict] = field(default_factory=list)

    @property
    def as_of_date(self) -> dt.date:
        return dt.date.fromisoformat(self.as_of)


def marker_path() -> Path:
    return Path(settings.DATA_DIR) / MARKER_FILE_NAME


def read_marker(path: Path | None = None) -> DemoMarker | None:
    path = path or marker_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DemoMarker(**data)
    except (OSError, ValueError, TypeError):
        return None  # missing, unreadable or from another version: no demo known


def write_marker(marker: DemoMarker, path: Path | None = None) -> None:
    path = path or marker_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(marker), indent=2, ensure_ascii=False) + "\n", "utf-8")


def remove_marker(path: Path | None = None) -> None:
    (path or marker_path()).unlink(missing_ok=True)


def database_identity() -> str:
    """Engine, host and name of the default database (never its password)."""
    s = connections[DEFAULT_DB_ALIAS].settings_dict
    return f"{s['ENGINE']}|{s.get('HOST') or ''}|{s.get('PORT') or ''}|{s['NAME']}"


def registry_tables_exist() -> bool:
    from tumbuh.registry.models import Child

    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        return Child._meta.db_table in connection.introspection.table_names(cursor)


def row_counts() -> dict[str, int]:
    """Rows that only the demo (or real use) creates; all zero on a fresh database."""
    from tumbuh.areas.models import Posyandu, Puskesmas
    from tumbuh.monitoring.models import ChildMeasurement
    from tumbuh.registry.models import Child, Household

    if not registry_tables_exist():
        return {"children": 0, "measurements": 0, "households": 0, "posyandu": 0, "puskesmas": 0}
    return {
        "children": Child.objects.count(),
        "measurements": ChildMeasurement.objects.count(),
        "households": Household.objects.count(),
        "posyandu": Posyandu.objects.count(),
        "puskesmas": Puskesmas.objects.count(),
    }


def record_generated_city(*, size: str, seed: int, as_of: dt.date, result) -> DemoMarker:
    """Write the marker for a city just generated (``result``: a ``build.BuildResult``)."""
    from django.utils import timezone

    from . import GENERATOR_VERSION

    counts = result.counts
    marker = DemoMarker(
        database=database_identity(),
        size=size,
        seed=seed,
        as_of=as_of.isoformat(),
        generator=GENERATOR_VERSION,
        children=counts["children"],
        measurements=counts["measurements"],
        generated_at=timezone.now().isoformat(timespec="seconds"),
        summary=(
            f"size {size}, seed {seed}, as of {as_of:%d-%m-%Y}: "
            f"{counts['children']:,} children ({result.under_fives:,} under five), "
            f"{counts['measurements']:,} measurements, {counts['pregnancies']:,} pregnancies"
        ),
        accounts=[
            {
                "username": u.username,
                "role": u.role,
                "name": u.full_name,
                "sees": u.sees,
                "created": u.created,
            }
            for u in result.users
        ],  # fmt: skip
        keys=generated_keys(),
    )
    write_marker(marker)
    return marker


def generated_keys() -> dict[str, str]:
    """The keys that identify a freshly generated city: its first puskesmas and posyandu."""
    from tumbuh.areas.models import Posyandu, Puskesmas

    return {
        model._meta.label: str(model.objects.order_by("pk").values_list("pk", flat=True)[0])
        for model in (Puskesmas, Posyandu)
    }


def demo_in_database(marker: DemoMarker | None) -> DemoMarker | None:
    """The marker, if the database still holds the demo city it describes."""
    from django.apps import apps

    if marker is None or marker.database != database_identity() or not marker.keys:
        return None
    if not registry_tables_exist():
        return None
    for label, pk in marker.keys.items():
        try:
            if not apps.get_model(label).objects.filter(pk=pk).exists():
                return None
        except (LookupError, ValueError):
            return None
    return marker
