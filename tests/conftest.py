"""Shared test set-up: the suite runs on a real PostgreSQL (`make test` provides one), with the test hooks
on and VAR_DIR in a temporary folder; it never writes into the checkout's ./var."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import django
import pytest
from django.conf import settings

from tests.shared_data import missing_shared_line

REPO = Path(__file__).resolve().parent.parent
CHECKOUT_VAR = REPO / "var"

# The settings are loaded here, not named in pytest's ini (pytest-django would load them before this file),
# after what they read: the test hooks (crash injection, in-memory ports for live installations;
# conf/deployment.py) and a VAR_DIR of the run's own (inherited by every process a test starts), so the
# embedded default's key and broker folders never land in ./var.
os.environ.setdefault("SALEOR_SUBSCRIPTIONS_TEST_HOOKS", "true")
_RUN_VAR_DIR = tempfile.mkdtemp(prefix="saleor-subscriptions-tests-")
os.environ["VAR_DIR"] = _RUN_VAR_DIR
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
django.setup()


def _snapshot(folder: Path) -> dict[str, int] | None:
    """Every path under `folder` with its modification time; None when it does not exist."""
    if not folder.exists():
        return None
    return {str(path.relative_to(folder)): path.lstat().st_mtime_ns for path in folder.rglob("*")}


_CHECKOUT_VAR_BEFORE = _snapshot(CHECKOUT_VAR)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_RUN_VAR_DIR, ignore_errors=True)
    if _snapshot(CHECKOUT_VAR) != _CHECKOUT_VAR_BEFORE:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(f"error: the tests wrote into {CHECKOUT_VAR}: give VAR_DIR a tmp_path")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reasons = [str(report.longrepr) for report in terminalreporter.stats.get("skipped", [])]
    line = missing_shared_line(reasons)
    if line is not None:
        terminalreporter.write_line(line, yellow=True)


@pytest.fixture(scope="session", autouse=True)
def _require_postgresql() -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            "the tests run on PostgreSQL: use `make test`, or set DATABASE_URL=postgres://… "
            f"(the settings point at {engine})",
            returncode=4,
        )


@pytest.fixture(scope="session", autouse=True)
def _saleor_on_private_networks() -> None:
    """The fake Saleor serves on 127.0.0.1: the tests allow private networks (production refuses them unless
    SALEOR_ALLOW_PRIVATE_NETWORKS is on); tests of the refusal turn it off with the `settings` fixture."""
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = True
