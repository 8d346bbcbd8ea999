"""The house's picture (docs/architecture.md) is drawn from the code and the layers contract, so it is
current; the contracts themselves run in `make lint` (lint-imports)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_diagram_in_docs_is_the_code_s_own() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "house-diagram"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_contracts_refuse_an_upward_import(tmp_path: Path) -> None:
    """The layers contract is not vacuous: a domain module importing an adapter breaks it."""
    package = tmp_path / "saleor_subscriptions"
    for name in ("saleor", "renewals"):
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "renewals" / "sink.py").write_text("def f():\n    from saleor_subscriptions.saleor import x\n")
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "saleor_subscriptions"\n'
        '[[tool.importlinter.contracts]]\nname = "layers"\ntype = "layers"\n'
        'containers = ["saleor_subscriptions"]\nlayers = ["saleor", "renewals"]\n'
    )
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "saleor_subscriptions.renewals.sink -> saleor_subscriptions.saleor" in done.stdout
