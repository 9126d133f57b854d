"""Benchmark of prevalence by group from stored counts (tumbuh.growth.grouped_prevalence).

Run from the repository root:

    python bench/prevalence.py [--cases small,big] [--repeat 5] [--peer-groups 40]

For each case, in one process:

1. builds deterministic synthetic child measurements (seeded numpy Generator), spread over the
   groups of the case, and their z-scores with ``tumbuh.growth.anthro_zscores``;
2. aggregates them per group with ``count_table`` (the reference for the stored summary);
3. times ``grouped_prevalence`` on those counts, every indicator (134 columns): the first call
   (Student t quantiles not yet cached) and the best of --repeat;
4. times the peer, ``anthro_prevalence`` called on each group's rows, on --peer-groups groups
   spread over the case, extrapolates to all groups, and checks that both agree.

Cases: "small" = 34 kelurahan x 24 months (816 groups, ~1.1 million measurements, the size of
the demo city); "big" = 500 posyandu x 60 months x 2 sexes x 6 age groups (360,000 groups).
See bench/README.md for how to read the output.
"""

from __future__ import annotations

import os

# Single core: pin the thread pools before numpy is imported.
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tumbuh import growth  # noqa: E402
from tumbuh.growth import grouped  # noqa: E402

TARGET_SMALL_S = 1.0  # "prevalence for all kelurahan over 24 months well under a second"
DAYS_PER_MONTH = 30.4375


@dataclass
class Case:
    name: str
    label: str
    shape: tuple[int, ...]  # the groups, e.g. (kelurahan, month)
    rows_per_unit: float  # mean rows per (area, month)
    by_sex_age: bool  # the last two axes are sex (2) and age group (6)


CASES = {
    "small": Case("small", "34 kelurahan x 24 months", (34, 24), 1350.0, False),
    "big": Case("big", "500 posyandu x 60 months x 2 sexes x 6 age groups",
                (500, 60, 2, 6), 90.0, True),  # fmt: skip
}


# --------------------------------------------------------------------------------------------
# Synthetic rows
# --------------------------------------------------------------------------------------------
def make_rows(case: Case, seed: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Measurements of children under five and the (flat) group of each row.

    Length and weight are drawn around rough growth curves (z-scores mostly between -3 and
    +2, ~25 % stunted), 3 % extreme weights (flagged), 2 % oedema, 3 % of lengths and weights
    missing, 2 % of ages above 1826 days (not analysed), 1 % sex unknown.
    """
    rng = np.random.default_rng(seed)
    units = int(np.prod(case.shape[:2]))
    per_unit = rng.poisson(case.rows_per_unit * rng.uniform(0.5, 1.5, units))
    unit = np.repeat(np.arange(units), per_unit)
    n = unit.size
    age = rng.integers(0, 1900, n).astype(np.float64)
    months = age / DAYS_PER_MONTH
    sex = rng.choice([1.0, 2.0, np.nan], n, p=[0.495, 0.495, 0.01])
    length = 50 + 25 * (1 - np.exp(-months / 12)) + 0.3 * months + rng.normal(-1.5, 3.5, n)
    weight = 3.3 + 9 * (1 - np.exp(-months / 14)) + 0.17 * months + rng.normal(-0.3, 1.3, n)
    weight = np.round(np.clip(weight, 1.0, None), 2)
    length = np.round(length, 1)
    extreme = rng.random(n) < 0.03
    weight[extreme] *= rng.choice([0.4, 2.5], int(extreme.sum()))
    length[rng.random(n) < 0.03] = np.nan
    weight[rng.random(n) < 0.03] = np.nan
    rows = {
        "sex": sex, "age": age, "weight_kg": weight, "lenhei_cm": length,
        "measure": np.where(age < 731, "l", "h"),
        "oedema": np.where(rng.random(n) < 0.02, "y", "n"),
    }  # fmt: skip
    if case.by_sex_age:
        sex_code = np.where(sex == 2, 0, np.where(sex == 1, 1, -1))
        age_code = np.searchsorted([0, 6, 12, 24, 36, 48, 60], months, side="right") - 1
        age_code = np.where(months >= 60, -1, age_code)
        ok = (sex_code >= 0) & (age_code >= 0)
        group = np.where(ok, (unit * 2 + sex_code) * 6 + age_code, -1)
    else:
        group = unit
    return group.astype(np.int64), rows


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def pin_one_cpu() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})
    return f"pinned to CPU {cpus[-1]} of {len(cpus)} available"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def best_of(fn, repeat: int) -> float:
    return min(timed(fn)[0] for _ in range(max(1, repeat)))


def fmt_s(s: float) -> str:
    return f"{s * 1e3:,.1f} ms" if s < 1 else f"{s:,.2f} s"


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def max_rel_diff(got: float, exp: float) -> float:
    if math.isnan(exp) or math.isnan(got):
        return 0.0 if math.isnan(exp) and math.isnan(got) else math.inf
    if exp == got:
        return 0.0
    return abs(got - exp) / max(abs(exp), 1e-300)


# --------------------------------------------------------------------------------------------
# One case
# --------------------------------------------------------------------------------------------
def run_case(case: Case, args) -> dict:
    n_groups = int(np.prod(case.shape))
    secs, (group, rows) = timed(lambda: make_rows(case, args.seed))
    n_rows = group.size
    print(f"\n[{case.name}] {case.label}: {n_groups:,} groups, {n_rows:,} synthetic rows "
          f"({secs:.1f} s to generate)")  # fmt: skip
    zsecs, z = timed(lambda: growth.anthro_zscores(**rows))
    csecs, counts = timed(
        lambda: grouped.count_table(
            group, z, oedema=rows["oedema"], age_days=rows["age"], n_groups=case.shape
        )
    )
    grouped._T975_CACHE.clear()
    cold, out = timed(lambda: grouped.grouped_prevalence(counts, decimals=2))
    warm = best_of(lambda: grouped.grouped_prevalence(counts, decimals=2), args.repeat)
    warm_floats = best_of(lambda: grouped.grouped_prevalence(counts), args.repeat)
    n_cols = len(out)
    out_mib = sum(a.nbytes for a in out.values()) / 2**20

    # Peer: anthro_prevalence on each sampled group's rows (its "All" row).
    sizes = counts["n_rows"].ravel()
    candidates = np.flatnonzero(sizes >= 1)
    pick = candidates[np.linspace(0, candidates.size - 1, args.peer_groups).astype(int)]
    pick = np.unique(pick)
    order = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[order], pick)
    ends = np.searchsorted(group[order], pick, side="right")
    flat = {k: v.reshape(n_groups) for k, v in out.items()}
    peer_secs, worst, cells = 0.0, 0.0, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anthro's warning for ages above 1826 days
        for g, a, b in zip(pick.tolist(), starts.tolist(), ends.tolist(), strict=True):
            idx = order[a:b]
            sub = {k: v[idx] for k, v in rows.items()}
            s, ref = timed(lambda sub=sub: growth.anthro_prevalence(**sub))
            peer_secs += s
            for col in flat:
                worst = max(worst, max_rel_diff(float(flat[col][g]), float(ref[col][0])))
                cells += 1
    peer_per_group = peer_secs / max(1, pick.size)
    peer_total = peer_per_group * n_groups
    verdict = ""
    if case.name == "small":
        verdict = "PASS" if warm < TARGET_SMALL_S and cold < TARGET_SMALL_S else "FAIL"
    table = [
        ["rows -> z-scores (anthro_zscores, all rows)", fmt_s(zsecs), "", ""],
        ["rows -> counts (count_table, np.bincount)", fmt_s(csecs), "", ""],
        ["counts -> prevalence, first call (t quantiles computed)", fmt_s(cold),
         f"{cold / n_groups * 1e6:,.2f}", verdict],
        [f"counts -> prevalence, best of {args.repeat} (decimals=2)", fmt_s(warm),
         f"{warm / n_groups * 1e6:,.2f}", verdict],
        [f"counts -> prevalence, best of {args.repeat} (float sums)", fmt_s(warm_floats),
         f"{warm_floats / n_groups * 1e6:,.2f}", ""],
        [f"peer: anthro_prevalence per group ({pick.size} groups timed, extrapolated)",
         fmt_s(peer_total), f"{peer_per_group * 1e6:,.0f}", ""],
    ]  # fmt: skip
    print_table(["step", "time", "us/group", "target"], table)
    print(f"ratio (peer / grouped, best of {args.repeat}): {peer_total / warm:,.0f}x; "
          f"output {n_cols} columns x {n_groups:,} groups = {out_mib:,.0f} MiB")  # fmt: skip
    print(f"agreement with the peer on {pick.size} groups ({cells:,} cells): largest relative "
          f"difference {worst:.1e}")  # fmt: skip
    return {
        "case": case.name, "label": case.label, "groups": n_groups, "rows": n_rows,
        "zscores_s": zsecs, "count_table_s": csecs, "grouped_first_s": cold,
        "grouped_best_s": warm, "grouped_float_sums_best_s": warm_floats,
        "peer_groups_timed": int(pick.size), "peer_s_per_group": peer_per_group,
        "peer_extrapolated_s": peer_total, "ratio": peer_total / warm,
        "max_rel_diff": worst, "output_mib": out_mib, "verdict": verdict,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="small,big", help="comma-separated: small, big")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-groups", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    wanted = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}; choose from {', '.join(CASES)}")

    pinned = "not pinned (--no-pin)" if args.no_pin else pin_one_cpu()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {cpu_model()}, {pinned}")
    print(f"tumbuh.growth METHOD_VERSION={growth.METHOD_VERSION}")
    if load is not None:
        busy = " - other processes compete for the CPUs, timings may be high" if load > 0.5 else ""
        print(f"load average (1 min) before the run: {load:.2f}{busy}")
    results = [run_case(CASES[name], args) for name in wanted]
    if args.json:
        Path(args.json).write_text(json.dumps({"load_average_1min": load, "cases": results},
                                              indent=2))  # fmt: skip
    failed = any(r["verdict"] == "FAIL" for r in results)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
