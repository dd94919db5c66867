"""The wheel holds everything the demo needs: built from the sources, installed in a fresh virtual
environment, it validates its own examples and runs the demo with simulated responses.

The new environment gets the wheel alone (--no-deps); its dependencies are borrowed from the
environment running the tests through a .pth file, which adds those folders to sys.path without
running their .pth files, so an editable install of the sources stays out of sight.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "setup.py", "README.md", "LICENSE", "pwe", "surveys", "analysis"]

pytestmark = pytest.mark.wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            # compiled catalogs stay behind: the build must make its own
            shutil.copytree(
                source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
            )
        else:
            shutil.copy2(source, tree / name)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(tree)])
    return next(out.glob("pwe-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin folder."""
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ]
    )
    packages = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip()
    )
    borrowed = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"]])
    (packages / "borrowed-dependencies.pth").write_text("\n".join(borrowed) + "\n")
    return env / "bin"


def _run(command: list[str], **options) -> str:
    done = subprocess.run(command, capture_output=True, text=True, **options)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _environment(instance: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "DATABASE_URL", "SECRET_KEY", "PWE_ENV")
    }
    return env | {"PWE_INSTANCE_PATH": str(instance)}


def test_the_wheel_carries_the_licence_the_examples_and_their_value_weights(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "surveys/examples/value-weights/lelylijn.yaml" in names
    assert "surveys/examples/margins/lelylijn.yaml" in names
    assert "surveys/examples/codebooks/lelylijn.yaml" in names
    assert "surveys/examples/lelylijn.yaml" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    metadata = (
        zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    )
    assert "Requires-Dist: click" in metadata
    assert "License-Expression: EUPL-1.2" in metadata
    for lang in ("nl", "en", "fy"):
        assert f"pwe/translations/{lang}/LC_MESSAGES/messages.mo" in names
        assert f"surveys/translations/{lang}/LC_MESSAGES/surveys.mo" in names
        assert f"pwe/translations/{lang}/LC_MESSAGES/messages.po" in names


def test_the_installed_wheel_validates_its_examples_and_runs_the_demo(installed, tmp_path):
    env = _environment(tmp_path / "instance")
    where = _run(
        [
            str(installed / "python"),
            "-c",
            "import analysis, pwe, surveys; from surveys import examples; "
            "print(pwe.__file__, surveys.__file__, analysis.__file__); "
            "print(*examples.definitions())",
        ],
        env=env,
        cwd=tmp_path,
    )
    modules, definitions = where.strip().split("\n")
    assert all(Path(path).is_relative_to(installed.parent) for path in modules.split())
    definitions = definitions.split()
    assert len(definitions) >= 2

    validated = _run([str(installed / "pwe"), "validate", *definitions], env=env, cwd=tmp_path)
    assert validated.count(": valid") == len(definitions)

    demo = _run([str(installed / "pwe"), "demo", "--no-serve", "--responses", "5"], env=env, cwd=tmp_path)
    assert demo.count("simulated responses added") == len(definitions)
    assert "http://127.0.0.1:5000/c/" in demo


def test_the_installed_wheel_speaks_dutch_and_frisian(installed, tmp_path):
    """The compiled catalogs in the wheel are found: a page and a message in Dutch and Frisian."""
    env = _environment(tmp_path / "instance")
    script = (
        "from pwe import create_app\n"
        "from surveys.messages import describe\n"
        "from surveys.answers import FieldError\n"
        "from surveys import examples\n"
        "from surveys.load import load\n"
        "app = create_app({'TESTING': True, 'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "client = app.test_client()\n"
        "for lang in ('nl', 'fy'):\n"
        "    print(client.get('/no-such-page?lang=' + lang).get_data(as_text=True))\n"
        "c = load(examples.definitions()[0])\n"
        "error = FieldError('x', 'too_long', {'length': 2001, 'max': 2000})\n"
        "print(describe(error, 'fy', c, c.pages[0], with_label=False))\n"
    )
    out = _run([str(installed / "python"), "-c", script], env=env, cwd=tmp_path)
    assert "Pagina niet gevonden" in out
    assert "Side net fûn" in out
    assert "Jo tekst hat 2.001 tekens. Meitsje him koarter: heechstens 2.000 tekens." in out
