"""Big files stream through in bounded memory.

Each check runs the command in a fresh Python process that first converts a tiny file (so
every module and table is loaded), then notes its peak resident memory (``ru_maxrss``), then
converts the big file(s) and reports how much the peak grew. A command that held the whole
file would grow by about the size of the file (much more, as Python objects); a streaming one
grows by about one chunk, whatever the file size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tumbuh.batch.tests.conftest import REPO_ROOT, SAMPLE

PROBE = r"""
import json, resource, sys
from tumbuh.batch.zscore import main

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

tiny, out, chunk, *bigs = sys.argv[1:]
args = ["-o", out, "-q", "--show-errors", "0", "--chunk-size", chunk]
assert main([tiny, *args]) == 0
peaks = [peak_mb()]
for big in bigs:
    assert main([big, *args]) == 0
    peaks.append(peak_mb())
print(json.dumps(peaks))
"""


def _repeat_sample(path, rows: int) -> int:
    """Write the sample's data rows over and over into ``path``; return the file size."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], "".join(lines[1:])
    per = len(lines) - 1
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header)
        for _ in range(rows // per):
            fh.write(body)
        fh.write("".join(lines[1 : 1 + rows % per]))
    return path.stat().st_size


def _peaks(tmp_path, chunk: int, *bigs) -> list[float]:
    tiny = tmp_path / "tiny.csv"
    _repeat_sample(tiny, 50)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            str(tiny),
            str(tmp_path / "out.csv"),
            str(chunk),
            *map(str, bigs),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_memory_does_not_grow_with_the_size_of_the_file(tmp_path):
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    _repeat_sample(small, 40_000)
    big_mb = _repeat_sample(big, 200_000) / 2**20  # about 11 MB in, 33 MB out
    base, after_small, after_big = _peaks(tmp_path, 2000, small, big)
    assert after_big - base < big_mb / 2
    # five times the rows, the same chunk size: (almost) no more memory
    assert after_big - after_small < big_mb / 5


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_a_million_row_csv_streams_in_memory_well_below_its_size(tmp_path):
    big = tmp_path / "big.csv"
    big_mb = _repeat_sample(big, 1_000_000) / 2**20  # about 53 MB in, 156 MB out
    base, after = _peaks(tmp_path, 5000, big)
    assert after - base < big_mb / 4
    with open(tmp_path / "out.csv", "rb") as fh:
        assert sum(1 for _ in fh) == 1_000_001
