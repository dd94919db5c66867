"""Where a citizen request spends its time: queries and CPU per page, and the CPU by package.

    python benchmarks/load/profile_pages.py [--database-url URL] [--repeat 100]

Without --database-url a temporary SQLite database is used. One respondent walks through the
lelylijn demo; every step page is then opened --repeat times (CPU time, not wall time, so other
work on the machine does not count) and profiled once more with cProfile.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from pwe import create_app  # noqa: E402
from pwe.config import normalise_database_url  # noqa: E402
from pwe.database import upgrade  # noqa: E402
from pwe.extensions import db  # noqa: E402
from pwe.services.consultations import import_definition  # noqa: E402
from surveys.load import load  # noqa: E402
from tests.pwe.visitor import forms_for_any_version, read_form  # noqa: E402

SLUG = "lelylijn"


def package(filename: str) -> str:
    if "/templates/" in filename or filename.startswith("<template>"):
        return "templates (compiled Jinja)"
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if str(ROOT) in filename:
        return "pwe, surveys"
    return "standard library"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pwe-profile-") as folder:
        profile_pages(args.database_url or f"sqlite:///{folder}/pwe.sqlite3", args.repeat)


def profile_pages(url: str, repeat: int) -> None:
    app = create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": normalise_database_url(url)})
    queries: list[str] = []
    with app.app_context():
        upgrade()
        import_definition(
            (ROOT / "surveys" / "examples" / f"{SLUG}.yaml").read_text(encoding="utf-8"), open_now=True
        )
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    journey = forms_for_any_version(load(ROOT / "surveys" / "examples" / f"{SLUG}.yaml"))
    client = app.test_client()

    def submit(path, pairs):
        token, _ = read_form(client.get(path).get_data(as_text=True))
        return client.post(path, data=MultiDict([("csrf_token", token)] + pairs))

    submit(f"/c/{SLUG}", [("consent", "yes"), ("age_ok", "yes")])
    print("| step | queries (GET) | queries (POST) | CPU ms (GET) |")
    print("| --- | ---: | ---: | ---: |")
    paths = []
    for step, form in journey[:-1]:
        path = f"/c/{SLUG}/{step.id}"
        before = len(queries)
        client.get(path)
        got = len(queries) - before
        before = len(queries)
        submit(path, form)
        posted = len(queries) - before - got  # submit opens the page once more
        started = time.process_time()
        for _ in range(repeat):
            client.get(path)
        cpu = (time.process_time() - started) / repeat * 1000
        print(f"| {step.id} | {got} | {posted} | {cpu:.1f} |")
        paths.append(path)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(max(1, repeat // 5)):
        for path in paths:
            client.get(path)
    profile.disable()
    shares: collections.Counter = collections.Counter()
    for (filename, _, _), (_, _, own, _, _) in pstats.Stats(profile).stats.items():
        shares[package(filename)] += own
    with app.app_context():
        db.engine.dispose()
    total = sum(shares.values())
    print("\n| package | share of CPU (GET of a step page) |\n| --- | ---: |")
    for name, own in shares.most_common(10):
        print(f"| {name} | {own / total:.0%} |")


if __name__ == "__main__":
    main()
