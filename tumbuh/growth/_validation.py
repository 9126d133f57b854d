"""Edge checks: turn caller input into clean NumPy arrays, once, before any arithmetic.

Everything after this module trusts its input (house rule 2 in docs/style-anchors).
"""

from __future__ import annotations

import numpy as np

_SEX_CODES = {"1": 1.0, "m": 1.0, "2": 2.0, "f": 2.0}
_MEASURE_CODES = {"l": 1, "h": 2}
_OEDEMA_CODES = {"y": True, "1": True, "n": False, "2": False}
_MISSING_TEXT = {"", "nan", "na", "none", "<na>"}


def as_float_array(values, name: str, n: int) -> np.ndarray:
    """Return ``values`` as a float64 array of length ``n`` (scalars are broadcast).

    ``None`` means "all missing". Raises ``ValueError`` naming the input and the first bad
    element when something is not a number.
    """
    if values is None:
        return np.full(n, np.nan)
    arr = np.asarray(values)
    if arr.dtype.kind in "fiub":
        out = arr.astype(np.float64, copy=False)
    else:
        obj = arr.astype(object).ravel()
        missing = np.array([v is None or (isinstance(v, float) and v != v) for v in obj], bool)
        out = np.full(obj.shape, np.nan)
        for i in np.flatnonzero(~missing):
            try:
                out[i] = float(obj[i])
            except (TypeError, ValueError):
                raise ValueError(
                    f"{name} must be numeric; got {obj[i]!r} at index {i}"
                ) from None
        out = out.reshape(arr.shape)
    if out.ndim == 0:
        return np.full(n, float(out))
    if out.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {out.shape}")
    if out.shape[0] != n:
        raise ValueError(f"{name} has length {out.shape[0]}, expected {n}")
    return out


def _code_array(values, n: int, name: str):
    """Shared path for coded text inputs: returns (unique keys, inverse index, is_numeric)."""
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = np.full(n, arr.item(), dtype=object if arr.dtype.kind == "O" else arr.dtype)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{name} has length {arr.shape[0]}, expected {n}")
    return arr


def _map_key(raw: str, mapping: dict, missing_value):
    """(value, is_invalid) of one text code, after trimming and lower-casing."""
    key = raw.strip().lower()
    if key not in mapping:
        key = _as_number_text(key)
    if key in mapping:
        return mapping[key], False
    return missing_value, key not in _MISSING_TEXT


_ASCII_TABLES: dict = {}


def _ascii_table(mapping: dict, missing_value, dtype):
    """Lookup tables by code point for one-character codes (built once per mapping)."""
    key = (id(mapping), np.dtype(dtype).str)
    if key not in _ASCII_TABLES:
        values = np.empty(128, dtype=dtype)
        bad = np.zeros(128, dtype=bool)
        for cp in range(128):
            values[cp], bad[cp] = _map_key(chr(cp) if cp else "", mapping, missing_value)
        _ASCII_TABLES[key] = (values, bad)
    return _ASCII_TABLES[key]


def _map_text(arr: np.ndarray, mapping: dict, missing_value, dtype):
    """Map a text/object array through ``mapping`` after trimming and lower-casing.

    One-character text (the usual "l", "h", "y", "n", "1", "2") goes through a code-point lookup
    table; anything else through its unique values, so it costs one sort, not one Python call
    per row. Returns (mapped values, invalid mask).
    """
    if arr.dtype.kind == "U" and arr.dtype.itemsize == 4:
        cp = arr.view(np.uint32)
        ascii_ = cp < 128
        values, bad = _ascii_table(mapping, missing_value, dtype)
        idx = np.where(ascii_, cp, 0)
        out, invalid = values[idx], bad[idx]
        if not ascii_.all():
            out[~ascii_] = missing_value
            invalid |= ~ascii_
        return out, invalid
    # str() of None and NaN is "None" and "nan": both land in _MISSING_TEXT.
    keys = arr.astype(str)
    if keys.dtype.itemsize == 4:  # every value is one character (or empty) after all
        return _map_text(keys, mapping, missing_value, dtype)
    uniq, inverse = np.unique(keys, return_inverse=True)
    mapped = np.empty(len(uniq), dtype=dtype)
    bad = np.zeros(len(uniq), dtype=bool)
    for j, raw in enumerate(uniq):
        mapped[j], bad[j] = _map_key(str(raw), mapping, missing_value)
    return mapped[inverse], bad[inverse]


def _as_number_text(key: str) -> str:
    """'2.0' -> '2' so a number that went through text still matches its code."""
    try:
        return _num_text(float(key))
    except ValueError:
        return key


def _num_text(v) -> str:
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def standardize_sex(values, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Clean sex codes as WHO anthro does.

    Accepts 1/2 (numbers or text) and m/f/M/F; whitespace is ignored. Missing (None, NaN,
    empty text) stays missing.

    Returns
    -------
    codes : float64 array, 1.0 = male, 2.0 = female, NaN = missing or invalid
    invalid : bool array, True where a value was present but is not a known code
    """
    arr = np.asarray(values)
    if n is None:
        n = arr.shape[0] if arr.ndim else 1
    arr = _code_array(values, n, "sex")
    if arr.dtype.kind in "fiub":
        v = arr.astype(np.float64, copy=False)
        with np.errstate(invalid="ignore"):
            invalid = np.abs(v - 1.5) != 0.5  # True for anything but 1, 2 (and for NaN)
        invalid &= ~np.isnan(v)
        if invalid.any():
            v = v.copy()
            v[invalid] = np.nan
        return v, invalid
    return _map_text(arr, _SEX_CODES, np.nan, np.float64)


def standardize_measure(values, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Clean the measurement position: ``l``/``L`` recumbent length, ``h``/``H`` standing height.

    Returns (codes int8: 0 = missing, 1 = length, 2 = height; invalid bool array).
    """
    if values is None:
        return np.zeros(n or 0, np.int8), np.zeros(n or 0, bool)
    arr = np.asarray(values)
    if n is None:
        n = arr.shape[0] if arr.ndim else 1
    arr = _code_array(values, n, "measure")
    if arr.dtype.kind in "fiub":
        v = arr.astype(np.float64)
        if arr.dtype.kind in "iu" and arr.size and 0 <= arr.min() and arr.max() <= 2:
            return arr.astype(np.int8), np.zeros(n, bool)  # already-clean codes
        return np.zeros(n, np.int8), ~np.isnan(v)
    return _map_text(arr, _MEASURE_CODES, 0, np.int8)


def standardize_oedema(values, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Clean the oedema input: y/Y/1 = oedema; n/N/2 and missing = no oedema.

    Returns (is_oedema bool array, invalid bool array).
    """
    if values is None:
        return np.zeros(n or 0, bool), np.zeros(n or 0, bool)
    arr = np.asarray(values)
    if n is None:
        n = arr.shape[0] if arr.ndim else 1
    arr = _code_array(values, n, "oedema")
    if arr.dtype.kind == "b":
        return arr.copy(), np.zeros(n, bool)
    if arr.dtype.kind in "fiu":
        v = arr.astype(np.float64)
        return v == 1, ~np.isnan(v) & (v != 1) & (v != 2)
    return _map_text(arr, _OEDEMA_CODES, False, bool)


def first_bad(name: str, values, invalid: np.ndarray) -> ValueError:
    i = int(np.flatnonzero(invalid)[0])
    v = np.asarray(values)
    shown = v.item() if v.ndim == 0 else v[i]
    shown = shown.item() if isinstance(shown, np.generic) else shown
    count = int(invalid.sum())
    more = f" ({count - 1} more)" if count > 1 else ""
    return ValueError(f"{name}: unrecognised code {shown!r} at index {i}{more}")


def common_length(**inputs) -> int:
    """The common length of the one-dimensional inputs; scalars and None broadcast to it."""
    n, first = None, None
    for name, value in inputs.items():
        if value is None:
            continue
        a = np.asarray(value)
        if a.ndim > 1:
            raise ValueError(f"{name} must be one-dimensional; got shape {a.shape}")
        if a.ndim == 1:
            if n is None:
                n, first = a.shape[0], name
            elif a.shape[0] != n:
                raise ValueError(
                    f"inputs have different lengths: {first} has {n}, {name} has {a.shape[0]}"
                )
    return 1 if n is None else n
