"""Settings are declared once: every one is documented, every variable the code reads is one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pwe import config
from pwe.settings import SETTINGS, SettingError, from_environment

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented():
    documented = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in documented]
    assert missing == []


def test_the_code_reads_no_environment_variable_that_is_not_a_setting():
    read = set()
    for path in (ROOT / "pwe").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"""(?:environ\.get|environ\[|getenv)\(?\s*["']([A-Z_]+)["']""", text))
    assert read <= {s.name for s in SETTINGS}


def test_defaults_when_nothing_is_set():
    values = from_environment({})
    assert values["PWE_ENV"] == "development"
    assert values["PWE_SECURE_COOKIES"] is False


@pytest.mark.parametrize("name, text", [("PWE_ENV", "prod"), ("PWE_SECURE_COOKIES", "maybe")])
def test_a_value_that_cannot_be_read_names_the_setting(name, text):
    with pytest.raises(SettingError, match=name):
        from_environment({name: text})


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(SettingError, match="SECRET_KEY"):
        config.from_environment(str(tmp_path), {"PWE_ENV": "production"})


def test_a_demo_keeps_its_generated_key(tmp_path):
    first = config.from_environment(str(tmp_path), {})["SECRET_KEY"]
    assert len(first) >= 32
    assert config.from_environment(str(tmp_path), {})["SECRET_KEY"] == first


def test_production_cookies_are_secure(tmp_path):
    values = config.from_environment(str(tmp_path), {"PWE_ENV": "production", "SECRET_KEY": "k" * 40})
    assert values["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("key", ["x", "k" * 31])
def test_production_refuses_a_short_secret_key_and_says_how_to_make_one(tmp_path, key):
    with pytest.raises(SettingError, match="at least 32") as refused:
        config.from_environment(str(tmp_path), {"PWE_ENV": "production", "SECRET_KEY": key})
    assert "secrets.token_hex(32)" in str(refused.value)


def test_a_short_secret_key_is_accepted_for_a_demo(tmp_path):
    assert config.from_environment(str(tmp_path), {"SECRET_KEY": "x"})["SECRET_KEY"] == "x"


@pytest.mark.parametrize("name, text", [("PWE_PRUNE_AFTER", "7 days"), ("PWE_PRUNE_EVERY", "0d")])
def test_a_duration_that_cannot_be_read_names_the_setting_and_the_form(name, text):
    with pytest.raises(SettingError, match=f"{name}.*7d"):
        from_environment({name: text})
