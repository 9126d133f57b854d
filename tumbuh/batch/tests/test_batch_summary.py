"""The summary at the end of a run, checked against a recount of the output file."""

from __future__ import annotations

import io
import math

from tumbuh.batch.tests.conftest import SAMPLE, read_csv, run_with_summary, write_csv
from tumbuh.batch.zscore import FLAG_COLUMNS, Progress


def _recount(path):
    """Recount everything the summary says, straight from the output CSV."""
    header, rows = read_csv(path)
    col = {name: [r[header.index(name)] for r in rows] for name in header}
    n = len(rows)
    flagged = {f: sum(v == "1" for v in col[f]) for f in FLAG_COLUMNS}
    any_flag = sum(any(col[f][i] == "1" for f in FLAG_COLUMNS) for i in range(n))
    oedema = [v.strip().lower() in ("y", "1") for v in col["oedema"]]
    ages = []
    for v in col["age_days"]:
        try:
            ages.append(float(v))
        except ValueError:
            ages.append(math.nan)

    def prevalence(z, f, oedema_counts):
        cases = valid = 0
        for i in range(n):
            if not (math.isnan(ages[i]) or ages[i] <= 1826):
                continue
            if oedema_counts and oedema[i]:
                valid += 1
                cases += 1
                continue
            if col[z][i] == "" or col[f][i] == "1":
                continue
            valid += 1
            cases += float(col[z][i]) < -2
        return [cases, valid]

    return {
        "rows": n,
        "flagged": flagged,
        "any_flag": any_flag,
        "prevalence": {
            "stunting": prevalence("zlen", "flen", False),
            "wasting": prevalence("zwfl", "fwfl", True),
            "underweight": prevalence("zwei", "fwei", True),
        },
    }


def test_the_summary_numbers_match_a_recount_of_the_output(tmp_path):
    out = tmp_path / "out.csv"
    outcome, err = run_with_summary(SAMPLE, "-o", out, "--chunk-size", "37")
    assert outcome.code == 0
    s = outcome.summary
    want = _recount(out)
    assert s.rows_read == s.rows_written == want["rows"] == 200
    assert s.rows_with_errors == 5 and s.bad_cells == 5
    assert s.flagged == want["flagged"]
    assert s.rows_flagged == want["any_flag"]
    assert s.rows_flagged >= 2  # the sample has two implausible measurements
    assert s.prevalence == want["prevalence"]
    assert all(n > 150 for _cases, n in s.prevalence.values())
    # the printed text carries the same numbers
    cases, n = s.prevalence["stunting"]
    assert f"stunting    (zlen < -2): {100 * cases / n:.1f}% ({cases} of n = {n})" in err
    assert "rows read:              200" in err
    assert f"rows with a flag:       {s.rows_flagged} ({100 * s.rows_flagged / 200:.1f}%" in err


def test_children_with_oedema_count_as_wasted_and_underweight_like_anthro(tmp_path):
    src = write_csv(
        tmp_path / "in.csv",
        ["sex", "age", "weight", "lenhei", "oedema"],
        [
            ["1", "400", "9", "75", "n"],  # normal
            ["1", "400", "", "75", "y"],  # oedema, no weight: still counted as < -2
            ["2", "400", "9", "75", "y"],  # oedema with weight: counted as < -2
            ["2", "2000", "9", "75", "y"],  # older than 1826 days: not counted at all
        ],
    )
    outcome, _err = run_with_summary(src, "-o", tmp_path / "out.csv")
    assert outcome.summary.prevalence["wasting"] == [2, 3]
    assert outcome.summary.prevalence["underweight"] == [2, 3]
    assert outcome.summary.prevalence["stunting"][1] == 3


def test_flagged_z_scores_are_left_out_of_the_prevalences(tmp_path):
    src = write_csv(
        tmp_path / "in.csv",
        ["sex", "age", "lenhei"],
        [
            ["1", "400", "75"],
            ["1", "400", "40"],  # far too short: flagged, not counted as stunted
        ],
    )
    outcome, _err = run_with_summary(src, "-o", tmp_path / "out.csv")
    assert outcome.summary.flagged["flen"] == 1
    assert outcome.summary.prevalence["stunting"] == [0, 1]


def test_quiet_hides_the_summary_but_not_the_bad_cells(tmp_path):
    _outcome, err = run_with_summary(SAMPLE, "-o", tmp_path / "out.csv", "--quiet")
    assert "Summary" not in err
    assert 'row 42, column "sex"' in err


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_shown_only_on_a_terminal():
    quiet = Progress(io.StringIO(), enabled=True)
    quiet.update(100, 0.5, force=True)
    assert quiet.stream.getvalue() == ""
    tty = Progress(_Tty(), enabled=True)
    tty.update(100_000, 0.5, force=True)
    assert "100,000 rows (50%)" in tty.stream.getvalue()
    tty.clear()
    assert tty.stream.getvalue().endswith("\r\033[K")
    off = Progress(_Tty(), enabled=False)  # --quiet
    off.update(1, None, force=True)
    assert off.stream.getvalue() == ""
