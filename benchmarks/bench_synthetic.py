"""Benchmark the synthetic generator: landing records per second and peak memory.

`python -m benchmarks.bench_synthetic` measures one drop of about 1M landing
records; `--10m` adds about 10M. Each size runs in its own subprocess so its
peak RSS (resource.getrusage) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RECORDS_PER_PERSON = 4.5  # landing rows per person of the population (seed 42, 2024-12)
RELEASE = "2024-12"


def measure(people: int, seed: int) -> dict:
    """Generate one drop in this process and report time, rows and peak RSS."""
    from synthetic import generate_drop

    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        started = time.perf_counter()
        summary = generate_drop(Path(tmp), RELEASE, people=people, seed=seed)
        seconds = time.perf_counter() - started
    records = sum(summary.rows.values())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "people": people,
        "records": records,
        "seconds": round(seconds, 2),
        "records_per_second": round(records / seconds),
        "peak_rss_mib": round(peak_kib / 1024),
    }


def run_size(records: int, seed: int) -> dict:
    people = int(records / RECORDS_PER_PERSON)
    code = (
        "import json, sys; from benchmarks.bench_synthetic import measure; "
        f"print(json.dumps(measure({people}, {seed})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--10m", dest="ten_million", action="store_true", help="also ~10M")
    parser.add_argument("--records", type=int, default=1_000_000, help="first size")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    sizes = [args.records] + ([10_000_000] if args.ten_million else [])
    print(
        "{:>12} {:>10} {:>12} {:>8} {:>10} {:>9}".format(
            "target", "people", "records", "seconds", "rec/s", "peak MiB"
        )
    )
    for size in sizes:
        r = run_size(size, args.seed)
        print(
            f"{size:>12,} {r['people']:>10,} {r['records']:>12,} {r['seconds']:>8.1f} "
            f"{r['records_per_second']:>10,} {r['peak_rss_mib']:>9,}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
