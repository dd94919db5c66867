"""The load benchmark of docs/performance.md: the platform under gunicorn.conf.py on PostgreSQL,
driven by locust respondents (benchmarks/load/locustfile.py) on loopback, bounded in time.

    python benchmarks/load/run.py --database-url postgresql://postgres@127.0.0.1:5432/pwe_load

capacity:  200 respondents without think time for DURATION s, and the same against a bare Flask
           endpoint on the same gunicorn settings; the citizen pages must reach 20% of its rate.
realistic: 1,000 respondents thinking 5-7.5 s per page for DURATION s; p99 under 200 ms.
Both: zero failed requests, and completed journeys equal the new response rows.
The database must be one of its own: its schema is upgraded and the demo consultations imported.
Needs `pip install -e '.[load]'`. Prints a Markdown table; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SCENARIOS = {
    # name: (users, spawn rate per s, think "low,high" or "")
    "capacity": (200, 100, ""),
    "realistic": (1000, 100, "5,7.5"),
}
CAPACITY_SHARE = 0.20
P99_LIMIT_MS = 200


def prepare(database_url: str) -> None:
    from sqlalchemy import text

    from pwe import create_app
    from pwe.config import normalise_database_url
    from pwe.database import upgrade
    from pwe.extensions import db
    from pwe.services.consultations import import_definition

    app = create_app(
        {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url)}
    )
    with app.app_context():
        upgrade()
        for path in sorted((ROOT / "surveys" / "examples").glob("*.yaml")):
            import_definition(path.read_text(encoding="utf-8"), open_now=True)
        db.session.execute(text("SELECT 1"))
        db.engine.dispose()


def response_rows(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    from pwe.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM response")).scalar_one()
    engine.dispose()
    return count


@contextmanager
def gunicorn(app: str, port: int, env: dict[str, str], folder: Path):
    log = folder / f"gunicorn-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "-b",
                f"127.0.0.1:{port}",
                app,
            ],
            cwd=ROOT,
            env={**os.environ, **env, "PROMETHEUS_MULTIPROC_DIR": str(folder / f"metrics-{port}")},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn for {app} did not start; see {log}")
                time.sleep(0.2)
        yield url, lambda: cpu_seconds(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def cpu_seconds(master: int) -> float:
    """CPU time used so far by gunicorn's master and its workers (Linux /proc): unlike wall
    time, it hardly depends on what else the machine is doing."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return _process_seconds([master, *map(int, children)])


def postgres_seconds() -> float:
    """CPU time used so far by the machine's PostgreSQL processes: the server and the backends
    serving the platform (ended backends count in the server's children's time)."""
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _command(p) == "postgres"]
    return _process_seconds(pids)


def _command(process: Path) -> str:
    try:
        return (process / "comm").read_text().strip()
    except OSError:
        return ""


def _process_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        # utime, stime, and those of its ended children (workers recycled after max_requests)
        total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle and waiting for I/O
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values[:8]) - idle) / ticks, sum(values[:8]) / ticks


def locust(user_class: str, url: str, users: int, rate: int, think: str, duration: int, folder: Path) -> dict:
    prefix = folder / f"{user_class}-{users}"
    result = folder / f"{user_class}-{users}.json"
    env = {**os.environ, "LOAD_THINK": think, "LOAD_RESULT": str(result), "PYTHONPATH": str(ROOT)}
    load_before = os.getloadavg()[0]
    own_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    postgres_before, machine_before = postgres_seconds(), machine_busy()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "benchmarks" / "load" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "-u",
            str(users),
            "-r",
            str(rate),
            "-t",
            f"{duration}s",
            "--stop-timeout",
            "90",
            "--host",
            url,
            "--csv",
            str(prefix),
            user_class,
        ],
        cwd=ROOT,
        env=env,
        check=False,
        timeout=duration + 300,
    )
    own_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    postgres_used, machine_after = postgres_seconds() - postgres_before, machine_busy()
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    journeys = json.loads(result.read_text())["completed"] if result.exists() else {}
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "median_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "journeys": sum(journeys.values()),
        "load": (load_before, os.getloadavg()[0]),
        # the load generator is a child this process waited for: its CPU time is exact
        "locust_s": (own_after.ru_utime + own_after.ru_stime) - (own_before.ru_utime + own_before.ru_stime),
        "postgres_s": postgres_used,
        # cores in use over the run, whatever used them: 2.0 on 2 cores is a saturated machine
        "cores_busy": (machine_after[0] - machine_before[0])
        / max(1e-9, machine_after[1] - machine_before[1])
        * (os.cpu_count() or 1),
        "pages": {name: row for name, row in rows.items() if name != "Aggregated"},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", required=True, help="postgresql://... a database of the benchmark's own"
    )
    parser.add_argument("--scenario", choices=["capacity", "realistic", "all"], default="all")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per run (default 60)")
    parser.add_argument(
        "--port", type=int, default=18150, help="the platform's port; the bare endpoint uses the next"
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgresql://", "postgres://")):
        parser.error("--database-url: the benchmark runs on PostgreSQL (postgresql://...)")

    prepare(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="pwe-load-"))
    env = {
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "PWE_RATE_LIMIT": "off",
        "PWE_INSTANCE_PATH": str(folder / "instance"),
    }
    results, verdicts = {}, []
    chosen = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    if "capacity" in chosen:
        with gunicorn("benchmarks.load.bare:app", args.port + 1, {}, folder) as (url, cpu):
            used = cpu()
            results["bare endpoint"] = locust("BareVisitor", url, 200, 100, "", args.duration, folder)
            results["bare endpoint"]["cpu_ms"] = (cpu() - used) * 1000 / results["bare endpoint"]["requests"]
    with gunicorn("wsgi:app", args.port, env, folder) as (url, cpu):
        for name in chosen:
            users, rate, think = SCENARIOS[name]
            before, used = response_rows(args.database_url), cpu()
            result = locust("Respondent", url, users, rate, think, args.duration, folder)
            result["cpu_ms"] = (cpu() - used) * 1000 / max(1, result["requests"])
            result["new_responses"] = response_rows(args.database_url) - before
            results[name] = result
            verdicts.append((f"{name}: no failed request", result["failures"] == 0))
            verdicts.append(
                (
                    f"{name}: completed journeys ({result['journeys']}) = new response rows "
                    f"({result['new_responses']}), and some journeys completed",
                    result["journeys"] == result["new_responses"] > 0,
                )
            )
    if "capacity" in results:
        share = results["capacity"]["rps"] / results["bare endpoint"]["rps"]
        verdicts.append(
            (
                f"capacity: citizen pages at {share:.1%} of the bare endpoint's requests/s "
                f"(target >= {CAPACITY_SHARE:.0%})",
                share >= CAPACITY_SHARE,
            )
        )
    if "realistic" in results:
        p99 = results["realistic"]["p99_ms"]
        verdicts.append((f"realistic: p99 {p99:.0f} ms (target < {P99_LIMIT_MS} ms)", p99 < P99_LIMIT_MS))

    print(f"{os.cpu_count()} cores; load average before and after each run as measured\n")
    print(
        "| run | requests | failed | requests/s | median ms | p95 ms | p99 ms | journeys | new responses "
        "| gunicorn CPU ms per request | load average |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, r in results.items():
        print(
            f"| {name} | {r['requests']} | {r['failures']} | {r['rps']:.1f} | {r['median_ms']:.0f} | "
            f"{r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['journeys'] if 'new_responses' in r else '-'} | "
            f"{r.get('new_responses', '-')} | {r['cpu_ms']:.1f} | {r['load'][0]:.1f} / {r['load'][1]:.1f} |"
        )
    print(
        "\n| run | requests/s | gunicorn | PostgreSQL | locust | all three | cores busy |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    for name, r in results.items():
        per_request = {
            part: seconds * 1000 / max(1, r["requests"])
            for part, seconds in (("locust", r["locust_s"]), ("postgres", r["postgres_s"]))
        }
        together = r["cpu_ms"] + per_request["postgres"] + per_request["locust"]
        r["all_ms"] = together
        print(
            f"| {name} | {r['rps']:.1f} | {r['cpu_ms']:.1f} | {per_request['postgres']:.1f} | "
            f"{per_request['locust']:.1f} | {together:.1f} | {r['cores_busy']:.2f} |"
        )
    print("\n(CPU ms per request; cores busy: the whole machine's average over the run)")
    if "realistic" in results:
        users, _, think = SCENARIOS["realistic"]
        low, high = (float(part) for part in think.split(","))
        # each page is opened (GET) and, after the thinking, sent (POST)
        offered = users * 2 / ((low + high) / 2)
        needed = offered * results["realistic"]["all_ms"] / 1000
        print(
            f"\nrealistic: {users} respondents offer about {offered:.0f} requests/s; at the CPU per "
            f"request measured above that needs {needed:.1f} cores of the machine's {os.cpu_count()}"
        )
    print()
    for text, ok in verdicts:
        print(f"- {'met' if ok else 'MISSED'}: {text}")
    print(f"\nlocust's CSV files and the gunicorn logs: {folder}")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
