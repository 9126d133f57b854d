"""``tumbuh refreshscorecard``: drop the stored cells, optionally count them again."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tumbuh.quality import services
from tumbuh.quality.models import ScorecardCell, ScorecardMonth

from .dataset import build
from .test_services import PERIOD


def run(*args) -> str:
    out = io.StringIO()
    call_command("refreshscorecard", *args, stdout=out)
    return out.getvalue()


def test_it_drops_the_stored_cells_and_builds_them_again_on_request(cast):
    build(cast)
    services.scorecard(cast.admin, level="posyandu", period=PERIOD)
    assert ScorecardMonth.objects.count() == 6
    assert "Dropped 6 stored posyandu months." in run()
    assert not ScorecardMonth.objects.exists() and not ScorecardCell.objects.exists()
    text = run("--build")
    assert "Counted" in text and "for 2 months" in text
    assert ScorecardMonth.objects.count() == 6
    before = {r.key: r.values for r in services.scorecard(cast.admin, level="posyandu",
                                                         period=PERIOD).rows}  # fmt: skip
    run("--build", "--from", "2025-09")
    after = {r.key: r.values for r in services.scorecard(cast.admin, level="posyandu",
                                                        period=PERIOD).rows}  # fmt: skip
    assert before.keys() == after.keys()
    for key in before:
        assert before[key] == pytest.approx(after[key], nan_ok=True)


def test_it_refuses_a_bad_month(db):
    with translation.override("en"), pytest.raises(CommandError, match="is not a month"):
        run("--from", "September")
