"""Demo data for the food reserve: the city's CPPD store, chicken and eggs, three monthly
protein-package rounds (the reference month and the two before it; 1 whole chicken + 10 eggs per
family, the national scheme of domain §5.5), receipts before each round, a few broken eggs, and
packages handed to most eligible families (fewer in the current month, still running).

Recipients are the families eligible on the round's days by the families app's screenings
(:func:`tumbuh.foodreserve.services.eligible_households`). When no screening exists (the families
demo did not run), families with a child under five and unsafe water or an improper latrine are
taken instead (docs/foodreserve.md). Rows are written in bulk; the balance equals the ledger and
never goes negative (receipts cover the month's packages before they are handed out).

Called once on a fresh demo city (``tumbuh demo``); deterministic for a seed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal

import numpy as np
from django.db import transaction

#: Added to the demo seed so this app's draws do not follow another app's.
SEED_OFFSET = 5050
ROUNDS = 3
#: Share of eligible families who collect their package in a finished round.
COVERAGE = (0.80, 0.95)
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")  # fmt: skip
NOT_LAYAK_WATER = ("unprotected_well", "unprotected_spring", "surface", "other")
NOT_LAYAK_SANITATION = ("own_no_septic", "public", "open")
CHUNK = 2000
#: Keys of the counts returned (merged with the other programmes' counts by ``tumbuh demo``).
STORES, ITEMS, ROUNDS_KEY = "food reserve stores", "food items", "protein-package rounds"
ISSUES, MOVEMENTS = "protein packages handed over", "food stock movements"


def _month(as_of: dt.date, back: int) -> tuple[dt.date, dt.date]:
    index = as_of.year * 12 + as_of.month - 1 - back
    year, month = divmod(index, 12)
    first = dt.date(year, month + 1, 1)
    return first, first.replace(day=calendar.monthrange(year, month + 1)[1])


def _fallback_households(on: dt.date) -> list:
    """Families with a child under five and unsafe water or latrine (no screenings yet)."""
    from django.db.models import Exists, OuterRef, Q

    from tumbuh.registry.models import Child, Household

    young = Child.objects.filter(household=OuterRef("pk"), merged_into__isnull=True,
                                 birth_date__lte=on,
                                 birth_date__gt=on - dt.timedelta(days=1826))  # fmt: skip
    return list(
        Household.objects.filter(Exists(young))
        .filter(Q(water_source__in=NOT_LAYAK_WATER) | Q(sanitation__in=NOT_LAYAK_SANITATION))
        .order_by("pk").values_list("pk", "posyandu_id")
    )


def populate(*, seed: int, as_of: dt.date, progress=lambda msg: None) -> dict[str, int]:
    from tumbuh.accounts.models import Role, User
    from tumbuh.areas.models import Area, Posyandu
    from tumbuh.families.models import Screening

    from . import config as fr_config
    from . import services
    from .models import (
        Eligibility,
        Issue,
        Item,
        MovementKind,
        Round,
        RoundItem,
        StockBalance,
        StockMovement,
        Store,
    )

    counts = dict.fromkeys((STORES, ITEMS, ROUNDS_KEY, ISSUES, MOVEMENTS), 0)
    first_posyandu = Posyandu.objects.order_by("pk").values_list("kelurahan_id", flat=True).first()
    if first_posyandu is None or Round.objects.exists():
        return counts  # no city, or the food reserve already has data: leave it alone
    rng = np.random.default_rng(seed + SEED_OFFSET)
    city = Area.objects.get(pk=".".join(first_posyandu.split(".")[:2]))
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    # one cadre per posyandu hands the packages out
    cadre = {}
    through = User.posyandu.through
    for pos_id, user_id in (through.objects.filter(user__role=Role.KADER)
                            .order_by("posyandu_id", "user_id")
                            .values_list("posyandu_id", "user_id")):  # fmt: skip
        cadre.setdefault(pos_id, user_id)
    screened = Screening.objects.exists()
    version = fr_config.current().version

    with transaction.atomic():
        store = Store.objects.create(name=f"Gudang CPPD {city.name}", city=city,
                                     address="Jl. Jend. Sudirman (demo)")  # fmt: skip
        chicken = Item.objects.create(name="Ayam utuh", unit="ekor",
                                      note="karkas ayam utuh 0,9–1,1 kg")  # fmt: skip
        eggs = Item.objects.create(name="Telur ayam", unit="butir")
        Item.objects.create(name="Ikan segar", unit="kg", is_active=False,
                            note="belum dipakai dalam paket")  # fmt: skip
        counts.update({STORES: 1, ITEMS: 3})
        package = {chicken: Decimal(1), eggs: Decimal(10)}
        movements: list[StockMovement] = []
        issues: list[Issue] = []
        balance = defaultdict(Decimal)
        for back in range(ROUNDS - 1, -1, -1):
            first, last = _month(as_of, back)
            current = back == 0
            round_ = Round.objects.create(
                name=f"Paket protein {MONTHS_ID[first.month - 1]} {first.year}", store=store,
                starts_on=first, ends_on=last, eligibility=Eligibility.AT_RISK,
                rule_version=version, is_open=current, created_by=admin,
            )  # fmt: skip
            RoundItem.objects.bulk_create(RoundItem(round=round_, item=i, quantity=q)
                                          for i, q in package.items())  # fmt: skip
            counts[ROUNDS_KEY] += 1
            day_last = min(last, as_of)
            if screened:
                eligible = list(services.eligible_households(round_, day_last).order_by("pk")
                                .values_list("pk", "posyandu_id"))  # fmt: skip
            else:
                eligible = _fallback_households(day_last)
            if current:
                share = min(0.9, (as_of - first).days / max((last - first).days, 1) + 0.1)
            else:
                share = rng.uniform(*COVERAGE)
            chosen = [e for e, r in zip(eligible, rng.random(len(eligible)), strict=True)
                      if r < share]  # fmt: skip
            # the month's delivery: the packages planned plus a few percent, before day one
            received_on = first - dt.timedelta(days=int(rng.integers(1, 4)))
            for item, q in package.items():
                planned = q * len(eligible)
                extra = (planned * Decimal(rng.uniform(0.02, 0.06))).quantize(Decimal(1))
                amount = planned + extra - balance[item.pk] if planned else Decimal(0)
                if amount > 0:
                    movements.append(StockMovement(
                        store=store, item=item, kind=MovementKind.RECEIPT, quantity=amount,
                        occurred_on=received_on, reference=f"ID FOOD SJ-{first:%Y%m}-{item.pk}",
                        created_by=admin,
                    ))  # fmt: skip
                    balance[item.pk] += amount
            span = (day_last - first).days
            for hh_id, pos_id in chosen:
                day = first + dt.timedelta(days=int(rng.integers(0, span + 1)))
                issue = Issue(id=uuid.UUID(bytes=rng.bytes(16), version=4), round=round_,
                              household_id=hh_id, issued_on=day, rule_version=version,
                              issued_by_id=cadre.get(pos_id))  # fmt: skip
                issues.append(issue)
                for item, q in package.items():
                    movements.append(StockMovement(
                        store=store, item=item, kind=MovementKind.ISSUE, quantity=-q,
                        occurred_on=day, issue=issue, created_by_id=cadre.get(pos_id),
                    ))  # fmt: skip
                    balance[item.pk] -= q
            # a few broken eggs at the end of the month (never more than what is left)
            broken = min(balance[eggs.pk], Decimal(int(rng.integers(0, 30))))
            if broken > 0:
                movements.append(StockMovement(
                    store=store, item=eggs, kind=MovementKind.ADJUSTMENT, quantity=-broken,
                    occurred_on=day_last, reason="telur pecah / busuk", created_by=admin,
                ))  # fmt: skip
                balance[eggs.pk] -= broken
            progress(f"foodreserve: {round_.name}: {len(chosen)} of {len(eligible)} families"
                     + ("" if eligible else f" (nobody screened at risk by {day_last})"))
        assert all(v >= 0 for v in balance.values()), "demo stock went negative"
        Issue.objects.bulk_create(issues, batch_size=CHUNK)
        StockMovement.objects.bulk_create(movements, batch_size=CHUNK)
        StockBalance.objects.bulk_create(
            StockBalance(store=store, item_id=item_id, quantity=q) for item_id, q in balance.items()
        )
    counts[ISSUES], counts[MOVEMENTS] = len(issues), len(movements)
    return counts
