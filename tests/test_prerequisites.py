"""`make test` on a machine that lacks something it needs stops at once with the exact command to run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "test-prerequisites"


def _run(*prefix: str, **variables: str) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": os.environ["PATH"], **variables}
    return subprocess.run(
        [*prefix, str(SCRIPT)], env=environ, capture_output=True, text=True, timeout=30, check=False
    )


def test_what_the_machine_has_passes():
    result = _run(DATABASE_URL="postgres://x@127.0.0.1/x", TEST_REDIS_URL="redis://127.0.0.1:6379/1")
    assert (result.returncode, result.stderr) == (0, "")


def test_without_chromium_and_without_installing_it_stops_at_once_with_the_exact_command():
    result = _run(
        CHROMIUM="/nonexistent/chromium",
        DATABASE_URL="postgres://x@127.0.0.1/x",
        TEST_REDIS_URL="redis://127.0.0.1:6379/1",
        NO_APT_INSTALL="1",  # as a user who is not root
    )
    sudo = "" if os.geteuid() == 0 else "sudo "
    assert result.returncode == 1
    assert result.stderr == (
        f"make test: missing chromium; install them with: {sudo}apt-get install -y --no-install-recommends "
        "chromium\n"
    )
