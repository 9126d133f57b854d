"""round_z: R's round(x, 2), used by both engines of anthro_zscores and by the batch writers."""

import numpy as np
from numpy.testing import assert_array_equal

from tumbuh import growth

NAN = float("nan")


def test_round_z_behaves_like_r_round():
    x = np.array([2.675, -4.7865, 0.125, 0.375, 1.005, -0.001, NAN, np.inf, -np.inf, 0.0])
    out = growth.round_z(x)
    assert_array_equal(out[:6], [2.67, -4.79, 0.12, 0.38, 1.0, 0.0])
    assert np.isnan(out[6]) and out[7] == np.inf and out[8] == -np.inf and out[9] == 0.0
    assert not np.signbit(out[5])  # no negative zero


def test_round_z_equals_python_round_away_from_exact_ties():
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(0, 3, 200_000), rng.uniform(-7, 7, 100_000)])
    assert_array_equal(growth.round_z(x), [round(v, 2) for v in x])
