"""Real servers for tests that need them: a private PostgreSQL in a temporary folder (never the
machine's own service), gunicorn with the shipped configuration, and respondents over HTTP."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.pwe.visitor import read_form

ROOT = Path(__file__).resolve().parents[2]
# parallel test workers (pytest -n) each probe their own range, so two never pick one port
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
PORTS = range(18100 + 100 * _WORKER, 18200 + 100 * _WORKER)
POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not within {seconds} s")
        time.sleep(0.05)


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of the test's own, on a free loopback port."""

    folder: Path
    port: int
    binaries: Path
    run_as: list[str] = field(default_factory=list)

    @property
    def database(self) -> str:
        # named after the folder: a later cluster on the same port is a different database
        return "pwe_" + self.folder.name.rsplit("-", 1)[-1].lower()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            self.run_as + [str(self.binaries / "pg_ctl"), "-D", str(self.folder / "data"), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=60"
        )
        self._pg_ctl("-l", str(self.folder / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")


@contextmanager
def private_postgres():
    if not POSTGRES_BINARIES:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    binaries = POSTGRES_BINARIES[-1].parent
    # not under pytest's tmp_path: the postgres user must be able to reach the folder
    folder = Path(tempfile.mkdtemp(prefix="pwe-postgres-"))
    run_as = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(folder, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    server = PrivatePostgres(folder, free_port(), binaries, run_as)
    subprocess.run(
        run_as
        + [
            str(binaries / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    server.start()
    try:
        subprocess.run(
            [
                str(binaries / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(server.port),
                "-U",
                "postgres",
                server.database,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def ready(self) -> bool:
        try:
            return requests.get(self.url + "/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False


@contextmanager
def gunicorn(environment: dict[str, str], folder: Path, workers: int = 2, app: str = "wsgi:app"):
    """gunicorn with the repository's gunicorn.conf.py on a free loopback port, stopped afterwards;
    its log, metrics and instance files go into `folder`."""
    port = free_port()
    log = folder / "gunicorn.log"
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        "PWE_RATE_LIMIT": "off",
        "SECRET_KEY": "k" * 48,
        "PWE_INSTANCE_PATH": str(folder / "instance"),
        **environment,
    }
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
                "-w",
                str(workers),
                app,
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Gunicorn(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until(lambda: process.poll() is not None or server.ready(), 30, "gunicorn ready")
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped at start:\n" + log.read_text()[-3000:])
        yield server
    except BaseException:
        lines = [
            line for line in log.read_text(errors="replace").splitlines() if "gunicorn.access" not in line
        ]
        sys.stderr.write("gunicorn's log without the access lines:\n" + "\n".join(lines[-60:]) + "\n")
        raise
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class HttpRespondent:
    """A respondent with their own cookies who reads each form like a browser before sending it."""

    def __init__(self, base_url: str, slug: str, timeout: float = 10):
        self.base, self.slug, self.timeout = base_url, slug, timeout
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base + path, timeout=self.timeout, allow_redirects=False)

    def send(self, path: str, pairs: list[tuple[str, str]]) -> requests.Response:
        """Open the page, check it offers every field, and post the answers with its CSRF token."""
        page = self.get(path)
        token, names = read_form(page.text)
        missing = {name for name, _ in pairs} - names
        assert not missing, f"{path} has no field {sorted(missing)} (status {page.status_code})"
        return self.post(path, [("csrf_token", token)] + pairs)

    def post(self, path: str, pairs: list[tuple[str, str]]) -> requests.Response:
        return self.session.post(self.base + path, data=pairs, timeout=self.timeout, allow_redirects=False)

    def start(self) -> requests.Response:
        return self.send(f"/c/{self.slug}", [("consent", "yes"), ("age_ok", "yes")])
