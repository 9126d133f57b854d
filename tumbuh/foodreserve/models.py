"""The city food reserve: items, stores, the stock ledger, distribution rounds and issues.

- :class:`Item`: a food item handed out (whole chicken, eggs, fish), counted in one unit.
- :class:`Store`: a reserve's store (gudang) in a city; stock is kept per store and item.
- :class:`StockBalance`: the quantity on hand of one item in one store. The database refuses a
  negative quantity (``CheckConstraint``); the services decrement it with one conditional
  ``UPDATE`` so two people issuing at once cannot both take the last package.
- :class:`StockMovement`: the ledger, one signed row per change (receipt +, issue −,
  adjustment ±, with a reason). The sum of a store's movements of an item is its balance.
- :class:`Round`: a distribution round (e.g. "Paket protein April 2026") of one store, with its
  package (:class:`RoundItem`: quantity of each item per family) and its eligibility rule.
- :class:`Issue`: one package handed to one household in one round; a household receives at
  most one package per round (``UniqueConstraint``).

Every change of stock goes through :mod:`tumbuh.foodreserve.services`, in one transaction.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: Quantities carry two decimals (kilograms of fish); eggs and chickens are whole numbers.
QUANTITY = {"max_digits": 12, "decimal_places": 2}


class Item(models.Model):
    """A food item of the protein packages, counted in one unit (butir, ekor, kg)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    unit = models.CharField(
        _("unit"), max_length=20,
        help_text=_("How the item is counted, e.g. butir (eggs), ekor (whole chickens), kg."),
    )  # fmt: skip
    note = models.CharField(
        _("note"), max_length=200, blank=True,
        help_text=_("E.g. whole chicken carcass 0.9–1.1 kg."),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("food item")
        verbose_name_plural = _("food items")
        ordering = ["name"]
        permissions = [
            ("manage_stock", _("Can manage the food reserve's stock and distribution rounds")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Store(models.Model):
    """A store (gudang) of a city's food reserve."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    city = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("city or regency"), limit_choices_to={"level": 2},
    )  # fmt: skip
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("food reserve store")
        verbose_name_plural = _("food reserve stores")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StockBalance(models.Model):
    """The quantity on hand of one item in one store; never negative (database constraint)."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    quantity = models.DecimalField(_("quantity on hand"), default=0, **QUANTITY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["store__name", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "item"], name="foodreserve_one_balance"),
            models.CheckConstraint(condition=Q(quantity__gte=0),
                                   name="foodreserve_balance_not_negative"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.store} · {self.item}: {self.quantity}"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    ISSUE = "issue", _("issue to a family")
    CANCELLATION = "cancellation", _("hand-over cancelled")
    ADJUSTMENT = "adjustment", _("adjustment")


class StockMovement(models.Model):
    """One ledger row: a signed change of one item's stock in one store.

    Receipts are positive, issues negative, adjustments either (with a reason: spoiled, counted,
    lost). An issue row points to the :class:`Issue` it belongs to; when a hand-over is cancelled
    (a mistap), a positive cancellation row for the same issue puts the stock back.
    """

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="movements",
                              verbose_name=_("store"))  # fmt: skip
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements",
                             verbose_name=_("item"))  # fmt: skip
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    occurred_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reference = models.CharField(
        _("reference"), max_length=120, blank=True,
        help_text=_("E.g. the delivery note or the supplier."),
    )  # fmt: skip
    issue = models.ForeignKey("Issue", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="movements", verbose_name=_("issue"))  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recorded by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-occurred_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["store", "item", "occurred_on"],
                                name="foodreserve_movement_period")]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="receipt", quantity__gt=0, issue__isnull=True)
                           | Q(kind="issue", quantity__lt=0, issue__isnull=False)
                           | Q(kind="cancellation", quantity__gt=0, issue__isnull=False)
                           | (Q(kind="adjustment", issue__isnull=True) & ~Q(quantity=0)
                              & ~Q(reason=""))),
                name="foodreserve_movement_kind_sign",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.kind} {self.item_id} {self.quantity}"


class Eligibility(models.TextChoices):
    """Who may receive a round's package (parameters in data/foodreserve-*.toml)."""

    AT_RISK = "at_risk", _("families at risk of stunting")
    AT_RISK_YOUNG_CHILD_OR_PREGNANT = (
        "at_risk_young_child_or_pregnant",
        _("families at risk of stunting with a young child or a pregnant woman"),
    )


class Round(models.Model):
    """A distribution round: one package per eligible family, from one store, in a period."""

    name = models.CharField(_("name"), max_length=120)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="rounds",
                              verbose_name=_("store"))  # fmt: skip
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    eligibility = models.CharField(_("who receives"), max_length=40, choices=Eligibility.choices,
                                   default=Eligibility.AT_RISK)  # fmt: skip
    rule_version = models.CharField(_("rule version"), max_length=16)
    is_open = models.BooleanField(
        _("open"), default=True, help_text=_("Packages are handed out only while a round is open.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("distribution round")
        verbose_name_plural = _("distribution rounds")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="foodreserve_round_name"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="foodreserve_round_period"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def runs_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class RoundItem(models.Model):
    """One line of a round's package: this much of an item per family."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="package")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("item"))  # fmt: skip
    quantity = models.DecimalField(_("quantity per family"), **QUANTITY)

    class Meta:
        verbose_name = _("package item")
        verbose_name_plural = _("package items")
        ordering = ["item__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="foodreserve_round_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0),
                                   name="foodreserve_round_item_positive"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.item}: {self.quantity}"


class IssueQuerySet(models.QuerySet):
    def active(self):
        """Hand-overs that count (not cancelled)."""
        return self.filter(cancelled_at__isnull=True)


class Issue(models.Model):
    """One package handed to one household in one round (at most one per household and round,
    not counting cancelled hand-overs)."""

    SCOPE = {"posyandu": "household__posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="issues",
                              verbose_name=_("round"))  # fmt: skip
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="food_issues", verbose_name=_("household"))
    issued_on = models.DateField(_("handed over on"))
    #: The eligibility rule version that admitted the household (the round's, at the time).
    rule_version = models.CharField(_("rule version"), max_length=16)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("handed over by"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("cancelled by"),
    )  # fmt: skip

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("package issue")
        verbose_name_plural = _("package issues")
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "household"],
                                    condition=Q(cancelled_at__isnull=True),
                                    name="foodreserve_one_issue_per_round"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.round} · {self.household_id}"
