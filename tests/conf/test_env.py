"""Settings come from the environment; a wrong value is one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from saleor_subscriptions.conf.env import ConfigError, Env


def test_unset_and_blank_variables_take_the_default():
    env = Env({"BLANK": "  "})
    assert env.string("MISSING", "fallback") == "fallback"
    assert env.integer("BLANK", 6, minimum=0, maximum=23) == 6


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("1", True), ("yes", True), ("off", False), ("0", False)]
)
def test_booleans_accept_the_usual_spellings(value, expected):
    assert Env({"DEBUG": value}).boolean("DEBUG", not expected) is expected


def test_a_boolean_that_is_neither_names_the_variable():
    with pytest.raises(ConfigError, match=r"^DEBUG: expected true or false, got 'maybe'$"):
        Env({"DEBUG": "maybe"}).boolean("DEBUG", False)


def test_an_hour_out_of_range_names_the_bounds():
    with pytest.raises(ConfigError, match=r"^BILLING_DUE_HOUR: must be between 0 and 23, got 24$"):
        Env({"BILLING_DUE_HOUR": "24"}).integer("BILLING_DUE_HOUR", 6, minimum=0, maximum=23)


def test_a_time_zone_must_be_an_iana_name():
    assert Env({"TZ_VAR": "Europe/Amsterdam"}).time_zone("TZ_VAR", "UTC") == "Europe/Amsterdam"
    with pytest.raises(ConfigError, match=r"^TZ_VAR: unknown time zone 'Mars/Olympus'"):
        Env({"TZ_VAR": "Mars/Olympus"}).time_zone("TZ_VAR", "UTC")


def test_an_url_needs_a_known_scheme_and_a_host():
    env = Env({"APP_URL": "https://subs.example.com/", "BAD": "ftp://x", "NOHOST": "http://"})
    assert env.url("APP_URL", "", schemes=("http", "https")) == "https://subs.example.com"
    with pytest.raises(ConfigError, match=r"^BAD: scheme must be one of http, https"):
        env.url("BAD", "", schemes=("http", "https"))
    with pytest.raises(ConfigError, match=r"^NOHOST: has no host"):
        env.url("NOHOST", "", schemes=("http", "https"))


def test_a_choice_lists_what_is_allowed():
    with pytest.raises(ConfigError, match=r"^DEFAULT_LANGUAGE: must be one of en, nl, got 'fr'$"):
        Env({"DEFAULT_LANGUAGE": "fr"}).choice("DEFAULT_LANGUAGE", "en", ("en", "nl"))


def test_a_comma_separated_list_drops_blanks():
    assert Env({"ALLOWED_HOSTS": "a.example, ,b.example"}).csv("ALLOWED_HOSTS", []) == [
        "a.example",
        "b.example",
    ]


BAD_SETTINGS = [
    ("DATABASE_URL", "mysql://root@localhost/db", "scheme must be postgres:// or sqlite://"),
    ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432", "names no database"),
    ("SECRET_KEY", "short", "at least 32 characters"),
    ("APP_URL", "subs.example.com", "scheme must be one of http, https"),
    ("CELERY_BROKER_URL", "kafka://broker:9092", "scheme must be one of"),
    ("DEFAULT_TIME_ZONE", "Europe/Atlantis", "unknown time zone"),
    ("DEFAULT_LANGUAGE", "de", "must be one of en, nl"),
    ("BILLING_DUE_HOUR", "noon", "expected a whole number"),
    ("DEBUG", "sometimes", "expected true or false"),
    ("LOG_LEVEL", "LOUD", "must be one of"),
    ("STRIPE_TIMEOUT_S", "0", "must be between 1 and 120, got 0"),
    ("STRIPE_WEBHOOK_TOLERANCE_S", "5000", "must be between 30 and 3600, got 5000"),
    ("PAY_LINK_MAX_AGE_DAYS", "a month", "expected a whole number"),
]


@pytest.mark.parametrize(("variable", "value", "reason"), BAD_SETTINGS)
def test_a_wrong_setting_stops_start_up_with_one_line_naming_it(tmp_path: Path, variable, value, reason):
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    environ.update({"VAR_DIR": str(tmp_path), variable: value})
    result = subprocess.run(
        [sys.executable, "-m", "saleor_subscriptions", "migrate", "--check"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"saleor-subscriptions: configuration error: {variable}: ")
    assert reason in lines[0]
    assert result.stdout == ""
