"""The models and their migrations agree: a model change without its migration fails here, not on a shop's
database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        message = f"models changed without a migration (makemigrations exits {exit_.code})"
        pytest.fail(f"{message}:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
