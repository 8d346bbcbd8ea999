"""Shared test set-up: the suite runs on a real PostgreSQL (`make test` provides one)."""

from __future__ import annotations

import pytest
from django.conf import settings


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
