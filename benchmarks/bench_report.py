"""Time and memory of `pwe report` for 30,000 simulated Lelylijn respondents, without segments,
with --classes auto (K by BIC from 1 to 4), with groups and the PDF, and with the motivations
coded by the example codebook, on the export files (`--from`).

Simulated from surveys/examples/value-weights/lelylijn-classes.yaml (two latent classes on the
portfolio page, so there are segments to find) unless --value-weights says otherwise.

Targets (issue 9): under 20 s without segments, under 3 minutes with --classes auto, memory
under 2 GB. Each report runs as its own process; its wall time, CPU time (user + system) and
peak resident memory come from that process (os.wait4). The machine's load average before each
run is printed too: with other jobs on the two cores, wall time exceeds CPU time.

    python benchmarks/bench_report.py [--respondents 30000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.simulation import load_value_weights, simulate_responses
from pwe.services.export import write_tables
from surveys.load import load

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "surveys" / "examples"
PWE = Path(sys.executable).with_name("pwe")


def run(arguments: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak resident memory in MB and exit status of
    one `pwe report`."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([str(PWE), "report", *arguments], stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        if status:
            errors.seek(0)
            print(errors.read().decode(errors="replace")[-800:], file=sys.stderr)
    return (
        time.perf_counter() - started,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=30_000)
    parser.add_argument(
        "--value-weights",
        default="lelylijn-classes.yaml",
        help="file in surveys/examples/value-weights/ to simulate from (the "
        "default has two latent classes on the portfolio page)",
    )
    parser.add_argument(
        "--keep", default=None, help="keep the export and reports here (an export already there is reused)"
    )
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-report-"))
    consultation = load(EXAMPLES / "lelylijn.yaml")
    weights = load_value_weights(EXAMPLES / "value-weights" / args.value_weights, consultation)
    started = time.perf_counter()
    if not (work / "export" / "choices.csv").is_file():
        records = simulate_responses(consultation, weights, args.respondents, seed=11)
        write_tables(consultation, records, work / "export")
        shutil.copy(EXAMPLES / "lelylijn.yaml", work / "export" / "definition.yaml")
        print(
            f"simulated {args.respondents:,} respondents ({args.value_weights}) in "
            f"{time.perf_counter() - started:.1f} s"
        )
    cases = [
        ("without segments", "plain", []),
        ("--classes auto", "classes", ["--classes", "auto"]),
        ("--by lives_north,age --pdf", "groups-pdf", ["--by", "lives_north,age", "--pdf"]),
        (
            "--codebook (lelylijn's example)",
            "codebook",
            ["--codebook", str(EXAMPLES / "codebooks" / "lelylijn.yaml")],
        ),
    ]
    print(f"\n{'case':<30}{'wall (s)':>10}{'CPU (s)':>10}{'peak memory (MB)':>18}{'load':>7}{'exit':>6}")
    for name, folder, extra in cases:
        busy = os.getloadavg()[0]
        wall, cpu, megabytes, status = run(
            ["lelylijn", "--from", str(work / "export"), *extra, "--out", str(work / folder)]
        )
        print(f"{name:<30}{wall:>10.1f}{cpu:>10.1f}{megabytes:>18.0f}{busy:>7.1f}{status:>6}", flush=True)
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
