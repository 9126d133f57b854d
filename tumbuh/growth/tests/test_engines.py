"""The compiled engine gives the NumPy engine's results bit for bit; engine selection.

The NumPy engine is the reference (it reproduces WHO anthro cell for cell, test_golden.py);
here both run on large random inputs that hit every rule and edge of
docs/who-zscore-method.md, and every output double must have the same bits (so -0.0 is not
0.0). NaN only has to be NaN: which NaN bit pattern an operation on NaN or infinity yields
depends on the operand order inside NumPy's SIMD loops, which changes between NumPy releases.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from tumbuh import growth
from tumbuh.growth import zscores

from .conftest import compiled_only

NUMERIC = [c for c in growth.ANTHRO_COLUMNS if c != "cmeasure"]
MEASUREMENTS = ("weight_kg", "lenhei_cm", "headc_cm", "armc_cm", "triskin_mm", "subskin_mm")


def assert_bit_identical(a, b):
    assert tuple(a) == tuple(b) == growth.ANTHRO_COLUMNS
    for col in growth.ANTHRO_COLUMNS:
        x, y = a[col], b[col]
        assert x.dtype == y.dtype and x.shape == y.shape, col
        if col == "cmeasure":
            assert_array_equal(x, y, err_msg=col)
        else:
            nan = np.isnan(x)
            differ = np.flatnonzero((x.view(np.uint64) != y.view(np.uint64)) & ~(nan & np.isnan(y)))
            assert not differ.size, (
                f"{col}: {differ.size} values differ, first rows {differ[:5].tolist()}: "
                f"numpy {x[differ[:5]].tolist()} compiled {y[differ[:5]].tolist()}"
            )


def both(**kwargs):
    numpy_result = growth.anthro_zscores(engine="numpy", **kwargs)
    compiled_result = growth.anthro_zscores(engine="compiled", **kwargs)
    assert_bit_identical(numpy_result, compiled_result)
    return numpy_result


def _sprinkle(rng, values, share, special):
    """Replace a share of the values with picks from ``special``."""
    hit = rng.random(values.shape[0]) < share
    values[hit] = rng.choice(np.asarray(special, dtype=float), int(hit.sum()))
    return values


def random_children(n, seed, age_in_months=False):
    """Children spread over (and beyond) every table, with the edges of every rule."""
    rng = np.random.default_rng(seed)
    nan, inf = float("nan"), float("inf")
    if age_in_months:
        age = rng.uniform(0, 62, n)
        edges = [0, 8.99, 9, 9.0001, 23.99, 24, 24.01, 59.99, 59.999, 60, 60.5, nan]
    else:
        age = rng.uniform(0, 1900, n)
        age = np.where(rng.random(n) < 0.3, np.floor(age), age)  # whole days
        edges = [0, 0.5, 90, 91, 273, 273.5, 274, 730, 730.49, 730.5, 731, 1826, 1826.2,
                 1826.3, 1826.5, 1827, 1900, nan]  # fmt: skip
    age = _sprinkle(rng, age, 0.08, edges)
    # Lengths: continuous, on the 0.1 cm grid, at the table ranges and the 87 cm rule, and
    # near grid points from below (the interpolation's float corner cases).
    lenhei = rng.uniform(38, 128, n)
    grid = rng.random(n) < 0.3
    lenhei[grid] = np.round(lenhei[grid], 1)
    below = rng.random(n) < 0.05
    lenhei[below] = np.nextafter(np.round(lenhei[below], 1), 0)
    lenhei = _sprinkle(rng, lenhei, 0.06, [45, 44.9, 45.7, 110, 110.1, 109.3, 110.7, 65, 64.9,
                                            65.7, 120, 120.1, 119.3, 86.9, 87, 87.7, 0, -1,
                                            nan, inf])  # fmt: skip
    weight = np.exp(rng.normal(2.2, 0.6, n))  # ~2-40 kg, with far tails (restricted LMS)
    weight = _sprinkle(rng, weight, 0.05, [0, -2, 0.01, 80, 150, nan, inf])

    def around(mean, sd, special):
        return _sprinkle(rng, rng.normal(mean, sd, n), 0.05, special)

    return dict(
        sex=_sprinkle(rng, rng.integers(1, 3, n).astype(float), 0.03, [nan]),
        age=age,
        age_in_months=age_in_months,
        weight_kg=weight,
        lenhei_cm=lenhei,
        measure=rng.choice(np.array(["l", "h", "L", "H", ""]), n, p=[0.4, 0.4, 0.05, 0.05, 0.1]),
        oedema=rng.choice(np.array(["n", "y", "N", "Y", "1", "2", ""]), n,
                          p=[0.6, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1]),  # fmt: skip
        headc_cm=around(44, 5, [0, -3, 20, 70, nan]),
        armc_cm=around(14, 3, [0, 5, 30, nan]),
        triskin_mm=around(9, 4, [0, 1, 40, nan]),
        subskin_mm=around(7, 3.5, [0, 1, 40, nan]),
    )


@compiled_only
@pytest.mark.parametrize("age_in_months", [False, True])
@pytest.mark.parametrize("rounded", [True, False])
def test_the_engines_agree_bit_for_bit_on_random_children(age_in_months, rounded):
    kwargs = random_children(60_000, seed=11 + age_in_months, age_in_months=age_in_months)
    r = both(rounded=rounded, **kwargs)
    # The inputs reach every branch: restricted LMS both ways, flags, ties, missing values.
    assert (r["zwei"] > 3).sum() > 100 and (r["zwei"] < -3).sum() > 100
    assert (r["zwfl"] > 3).sum() > 100 and (r["zwfl"] < -3).sum() > 100
    for col in ("flen", "fwei", "fwfl", "fbmi", "fhc", "fac", "fts", "fss"):
        assert np.nansum(r[col]) > 10, col
    assert np.isinf(r["zbmi"]).any() and np.nansum(r["c9mo_flag"]) > 100
    assert (r["cmeasure"] == "").sum() > 1000


@compiled_only
def test_the_engines_agree_near_rounding_ties():
    """z-scores within 1e-6 of x.xx5 take R's exact rounding rule in both engines."""
    t = growth.tables.age_table(growth.tables.AGE_TABLE_FILES["hcfa"])
    rows = np.arange(0, 1827, 3)
    target = np.round(np.linspace(-4, 4, rows.size), 2) + 0.005  # on a tie (L = 1: linear)
    hc = t.m[rows] * (1 + t.s[rows] * target)
    hc = np.concatenate([hc, np.nextafter(hc, 0), np.nextafter(hc, 100)])
    age = np.tile(rows, 3)
    for rounded in (True, False):
        both(sex=1, age=age, headc_cm=hc, rounded=rounded)
    t = growth.tables.age_table(growth.tables.AGE_TABLE_FILES["wfa"])
    z = np.round(np.linspace(-2.9, 2.9, rows.size), 2) + 0.005
    w = growth.tables.calc_sd(t.l[rows], t.m[rows], t.s[rows], z)
    both(sex=1, age=np.tile(rows, 2), weight_kg=np.concatenate([w, w * (1 + 1e-15)]))


@compiled_only
@pytest.mark.parametrize(
    "given",
    [(), ("weight_kg",), ("lenhei_cm",), ("headc_cm",), ("armc_cm", "subskin_mm"),
     ("triskin_mm",), ("weight_kg", "lenhei_cm"), MEASUREMENTS],
)  # fmt: skip
def test_the_engines_agree_with_any_subset_of_measurements(given):
    kwargs = random_children(5_000, seed=len(given))
    for name in MEASUREMENTS:
        if name not in given:
            del kwargs[name]
    both(**kwargs)


@compiled_only
@pytest.mark.parametrize(
    "n", [0, 1, 2, 2047, 2048, 2049, 3 * 2048 + 5],
)
def test_the_engines_agree_at_block_edges(n):
    assert zscores.compiled_engine().BLOCK_ROWS == 2048
    both(**random_children(n, seed=n))


@compiled_only
def test_the_engines_agree_on_other_input_types():
    """Text and object codes, integer and boolean arrays, lists, scalars, strided and read-only
    arrays: the compiled engine cleans them through _validation, as the NumPy engine does."""
    kwargs = random_children(7_000, seed=5)
    rng = np.random.default_rng(5)
    n = 7_000
    sex = kwargs.pop("sex")
    sex = np.where(np.isnan(sex), 1, sex)
    text_sex = rng.choice(np.array(["1", "2", "m", "f", "M", " F ", None], dtype=object), n)
    both(sex=text_sex, **{**kwargs, "measure": kwargs["measure"].astype(object),
                          "oedema": kwargs["oedema"].astype(object)})  # fmt: skip
    both(sex=sex.astype(np.int64), **{**kwargs, "oedema": kwargs["oedema"] == "y"})
    both(sex=sex.tolist(), **{**kwargs, "measure": kwargs["measure"].tolist(),
                              "oedema": np.where(kwargs["oedema"] == "y", 1, 2)})  # fmt: skip
    strided = np.stack([sex, sex], axis=1)[:, 0]
    assert not strided.flags.c_contiguous
    read_only = {k: v.copy() for k, v in kwargs.items() if isinstance(v, np.ndarray)}
    for v in read_only.values():
        v.flags.writeable = False
    both(sex=strided, **{**kwargs, **read_only})
    both(sex=2, age=400, weight_kg=9.0, lenhei_cm=74.5, measure="l", headc_cm=45.0)


@compiled_only
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sex": np.array([1.0, 3.0])}, r"sex: unrecognised code 3.0 at index 1"),
        ({"sex": np.array([1.0, 2.0]), "measure": np.array(["l", "s"])},
         r"measure: unrecognised code 's' at index 1"),
        ({"sex": np.array([1.0, 2.0]), "oedema": np.array(["n", "é"])},
         r"oedema: unrecognised code 'é' at index 1"),
        ({"sex": np.array([1.0, 2.0]), "age": np.array([3.0, -1.0])},
         r"age must be >= 0; got -1.0 at index 1"),
    ],
)  # fmt: skip
def test_the_compiled_engine_refuses_bad_input_with_the_same_message(kwargs, message):
    for engine in ("numpy", "compiled"):
        with pytest.raises(ValueError, match=message):
            growth.anthro_zscores(engine=engine, **kwargs)


# --- choosing the engine ------------------------------------------------------------------


def test_numpy_is_chosen_when_asked_for(monkeypatch):
    monkeypatch.setenv(zscores.ENGINE_ENV, "compiled")
    assert zscores.resolve_engine("numpy", 10**6) == "numpy"
    monkeypatch.setenv(zscores.ENGINE_ENV, " NumPy ")
    assert zscores.resolve_engine(None, 10**6) == "numpy"


@compiled_only
def test_auto_takes_the_compiled_engine_for_large_calls_or_once_loaded(monkeypatch):
    monkeypatch.delenv(zscores.ENGINE_ENV, raising=False)
    big = zscores.AUTO_MIN_ROWS
    monkeypatch.setattr(zscores, "_compiled_module", None)  # as in a fresh process
    assert zscores.resolve_engine(None, big - 1) == "numpy"
    assert zscores._compiled_module is None  # numba was not even imported
    monkeypatch.setenv(zscores.ENGINE_ENV, "")  # empty = unset
    assert zscores.resolve_engine(None, big) == "compiled"
    assert zscores.resolve_engine("auto", 1) == "compiled"  # now loaded


def test_small_calls_do_not_load_numba():
    """A web process scoring a few children keeps the NumPy engine and no LLVM in memory."""
    code = (
        "import sys, tumbuh.growth as g; "
        "g.anthro_zscores([1, 2], [100, 900], weight_kg=[6.0, 12.0], lenhei_cm=[60, 85]); "
        "sys.exit(1 if 'numba' in sys.modules else 0)"
    )
    env = {k: v for k, v in os.environ.items() if k != zscores.ENGINE_ENV}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_an_unknown_engine_is_refused(monkeypatch):
    with pytest.raises(ValueError, match=r"engine must be one of auto, numpy, compiled; got 'c'"):
        growth.anthro_zscores(1, 100, weight_kg=6.0, engine="c")
    monkeypatch.setenv(zscores.ENGINE_ENV, "fast")
    with pytest.raises(ValueError, match=r"TUMBUH_GROWTH_ENGINE must be one of .*'fast'"):
        growth.anthro_zscores(1, 100, weight_kg=6.0)


def test_without_numba_auto_falls_back_and_compiled_says_what_to_install(monkeypatch):
    monkeypatch.setattr(zscores, "_compiled_module", None)
    monkeypatch.setattr(zscores, "_compiled_error", ImportError("No module named 'numba'"))
    assert zscores.resolve_engine("auto", 10**7) == "numpy"
    with pytest.raises(ImportError, match=r"pip install 'tumbuh\[fast\]'.*numba"):
        growth.anthro_zscores(1, 100, weight_kg=6.0, engine="compiled")
    r = growth.anthro_zscores(1, 500, weight_kg=[6.0, 15.5])  # auto: the NumPy engine
    assert r["zwei"].tolist() == [-4.79, 3.48]
