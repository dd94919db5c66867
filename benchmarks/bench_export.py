"""Speed and peak memory of `pwe export` at national scale: both demos with 30,000 simulated
completed responses each in SQLite, exported as CSV, XLSX and Parquet, each in a fresh process.

Run: .venv/bin/python benchmarks/bench_export.py [--responses N] [--instance DIR] [--formats csv,parquet]
(--instance keeps the database between runs; filling it takes a minute or two.)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs one export in this process and reports its own peak memory and CPU time.
_EXPORT = """
import resource, sys
from pwe.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"RUSAGE {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}", file=sys.stderr)
"""


def fill(instance: Path, responses: int) -> None:
    env = {**os.environ, "PWE_INSTANCE_PATH": str(instance)}
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from pwe.cli import main; main()",
            "demo",
            "--no-serve",
            "--responses",
            str(responses),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def export(instance: Path, slug: str, file_format: str, out: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MB) of one `pwe export`."""
    env = {**os.environ, "PWE_INSTANCE_PATH": str(instance)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _EXPORT, "export", slug, "--out", str(out), "--format", file_format],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    line = next(line for line in done.stderr.splitlines() if line.startswith("RUSAGE"))
    _, peak_kb, cpu = line.split()
    return wall, float(cpu), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=30_000)
    parser.add_argument("--instance", type=Path, default=None)
    parser.add_argument(
        "--formats", default="csv,xlsx,parquet", help="comma-separated; xlsx of lelylijn takes minutes"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        instance = args.instance or Path(scratch) / "instance"
        start = time.perf_counter()
        fill(instance, args.responses)
        print(
            f"database: {args.responses:,} completed responses per demo "
            f"(ready in {time.perf_counter() - start:.0f} s)\n"
        )
        print(f"{'consultation':<14}{'format':<9}{'wall (s)':>10}{'cpu (s)':>9}{'peak MB':>9}{'size MB':>9}")
        for slug in ("lelylijn", "ruimte-2050"):
            for file_format in args.formats.split(","):
                out = Path(scratch) / f"{slug}-{file_format}"
                wall, cpu, peak = export(instance, slug, file_format, out)
                size = sum(path.stat().st_size for path in out.iterdir()) / 1e6
                print(f"{slug:<14}{file_format:<9}{wall:>10.1f}{cpu:>9.1f}{peak:>9.0f}{size:>9.1f}")


if __name__ == "__main__":
    main()
