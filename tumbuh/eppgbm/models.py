"""What an e-PPGBM import did: one ImportRun per file, one ImportIssue per refused row and
column, so the report survives the request that made it."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: A run still queued or running whose row has not changed for this long is shown as
#: interrupted: its process died (a chunk of 2,000 rows takes about a second).
INTERRUPTED_AFTER_MINUTES = 10
#: :attr:`ImportRun.state` of such a run (never stored).
INTERRUPTED = "interrupted"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to start")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportRun(models.Model):
    """One import of an e-PPGBM individual-level file, with its counts.

    Small files are imported in the request; large ones in a background thread
    (``services.start_import``), which stores ``rows_done`` with every chunk it saves: the
    counts of a run not yet done are those of the chunks saved so far."""

    #: No ``SCOPE``: the run holds cell values of refused rows (names, NIK), so only whoever ran
    #: it and administrators see it (``services.visible_runs``).

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    file_name = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("imported by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_refused = models.PositiveIntegerField(_("rows refused"), default=0)
    households_created = models.PositiveIntegerField(_("households created"), default=0)
    children_created = models.PositiveIntegerField(_("children created"), default=0)
    children_matched = models.PositiveIntegerField(_("children matched"), default=0)
    measurements_created = models.PositiveIntegerField(_("measurements created"), default=0)
    measurements_updated = models.PositiveIntegerField(_("measurements updated"), default=0)
    measurements_skipped = models.PositiveIntegerField(
        _("measurements unchanged (skipped)"), default=0
    )
    #: Rows saved whose z-scores in the file differ from tumbuh's by more than 0.1 (the file's
    #: values are never stored; see docs/eppgbm.md).
    zscores_differ = models.PositiveIntegerField(_("rows whose file z-scores differ"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    seconds = models.FloatField(_("duration (s)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED)  # fmt: skip
    #: Rows read and saved (or refused) so far, in whole chunks; ``rows`` once done.
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    #: Touched by every save, so by every chunk: a run left running without a change for
    #: ``INTERRUPTED_AFTER_MINUTES`` is interrupted.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-PPGBM import")
        verbose_name_plural = _("e-PPGBM imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d-%m-%Y %H:%M})"

    @property
    def rows_kept(self) -> int:
        return self.rows_done - self.rows_refused

    @property
    def state(self) -> str:
        """``status``, except ``"interrupted"`` for a queued or running run whose process
        died (no change for ``INTERRUPTED_AFTER_MINUTES``)."""
        if self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) and (
            self.updated_at is not None
            and timezone.now() - self.updated_at > dt.timedelta(minutes=INTERRUPTED_AFTER_MINUTES)
        ):
            return INTERRUPTED
        return str(self.status)

    @property
    def state_label(self) -> str:
        if self.state == INTERRUPTED:
            return str(_("interrupted"))
        return str(self.get_status_display())

    @property
    def in_progress(self) -> bool:
        """Queued or running, and not interrupted: the report page shows the progress."""
        return self.state in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent_done(self) -> int:
        return int(100 * self.rows_done / self.rows) if self.rows else 100


class ImportIssue(models.Model):
    """One refused cell (or row) of an import: row number as in the spreadsheet, column header,
    the value found and why it was refused."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=60, blank=True)
    value = models.CharField(_("value"), max_length=255, blank=True)
    message = models.CharField(_("message"), max_length=500)

    class Meta:
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")
        ordering = ["run", "row", "id"]

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.message}"
