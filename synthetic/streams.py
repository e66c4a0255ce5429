"""Named random streams and the generation window.

Each stage draws from its own stream seeded by (seed, stage name), so adding or
changing one stage never shifts the draws of another. Nothing here depends on
the release: a release only filters what was generated.
"""

from __future__ import annotations

import zlib

import numpy as np

# Events happen in this window; a release's snapshot keeps those up to its date.
WINDOW_START = np.datetime64("2013-01-01")
WINDOW_END = np.datetime64("2026-12-31")
DAY = np.timedelta64(1, "D")


def stream(seed: int, name: str) -> np.random.Generator:
    """A generator for one stage, stable across Python runs (crc32, not hash())."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


def days(values) -> np.ndarray:
    """Whole days as timedelta64[D] (for date arithmetic on datetime64[D] arrays)."""
    return np.asarray(np.rint(values), dtype=np.int64).astype("timedelta64[D]")


def uniform_dates(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One uniform date in [lo, hi] per element (hi < lo gives lo)."""
    lo = np.asarray(lo, dtype="datetime64[D]")
    hi = np.asarray(hi, dtype="datetime64[D]")
    lo, hi = np.broadcast_arrays(lo, hi)
    span = np.maximum((hi - lo).astype(np.int64), 0)
    return lo + (rng.random(lo.shape) * (span + 1)).astype(np.int64).astype("timedelta64[D]")
