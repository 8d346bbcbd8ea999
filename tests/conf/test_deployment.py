"""Settings that cannot work stop start-up with one line naming them: the renewal ports and the test hooks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HOOKS = "SALEOR_SUBSCRIPTIONS_TEST_HOOKS"


def _start(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """`migrate --check` (which loads the settings and the apps, as every command does) with these variables
    and without the test hooks the suite runs with."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", HOOKS}}
    environ.update({"VAR_DIR": str(tmp_path), **variables})
    return subprocess.run(
        [sys.executable, "-m", "saleor_subscriptions", "migrate", "--check"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        (
            {"RENEWAL_PORTS": "journal_ports"},
            "RENEWAL_PORTS: must be module.path:function, got 'journal_ports'",
        ),
        (
            {"RENEWAL_PORTS": "saleor_subscriptions.nowhere:ports"},
            "RENEWAL_PORTS: cannot load 'saleor_subscriptions.nowhere:ports': No module named "
            "'saleor_subscriptions.nowhere'",
        ),
        (
            {"RENEWAL_PORTS": "saleor_subscriptions.conf.ports:no_such_ports"},
            "RENEWAL_PORTS: cannot load 'saleor_subscriptions.conf.ports:no_such_ports'",
        ),
        (
            {"SALEOR_SUBSCRIPTIONS_CRASH_AT": "after_invoices:1"},
            "SALEOR_SUBSCRIPTIONS_CRASH_AT: crash injection needs SALEOR_SUBSCRIPTIONS_TEST_HOOKS=true "
            "(tests only); unset it",
        ),
        (
            {HOOKS: "true", "APP_URL": "https://subs.example.com"},
            "SALEOR_SUBSCRIPTIONS_TEST_HOOKS: test hooks are for tests and benchmarks, never for a "
            "deployment with an https APP_URL (https://subs.example.com)",
        ),
    ],
)
def test_a_setting_that_cannot_work_stops_start_up_naming_it(tmp_path: Path, variables, expected):
    result = _start(tmp_path, **variables)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"saleor-subscriptions: configuration error: {expected}")
    assert result.stdout == ""


def test_a_crash_plan_with_the_test_hooks_starts(tmp_path: Path):
    result = _start(tmp_path, **{"SALEOR_SUBSCRIPTIONS_CRASH_AT": "after_invoices:1", HOOKS: "true"})
    assert "configuration error" not in result.stderr
