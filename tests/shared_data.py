"""The Saleor reference data beside the project (../shared/saleor): captures of real requests, JSON Schemas
and Saleor's full schemas. Tests that need it skip without it; the summary says so in one line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SHARED_SALEOR = Path(__file__).resolve().parents[1].parent / "shared" / "saleor"


def missing_shared_line(skip_reasons: Iterable[str], shared: Path = SHARED_SALEOR) -> str | None:
    """The summary's line when `shared` is missing: how many tests skipped for it, and how many test
    functions parametrized over its files collected no case (pytest skips those as an empty parameter set)."""
    if shared.is_dir():
        return None
    reasons = list(skip_reasons)
    skipped = sum(1 for reason in reasons if str(shared) in reason)
    empty = sum(1 for reason in reasons if "got empty parameter set" in reason)
    return (
        f"{shared} is missing: {skipped} tests that need it skipped and {empty} test functions parametrized "
        "over its files ran no case; put the Saleor reference data there to run them"
    )
