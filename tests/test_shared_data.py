"""Without ../shared/saleor the summary says in one line how many tests it cost."""

from __future__ import annotations

from pathlib import Path

from tests.shared_data import SHARED_SALEOR, missing_shared_line


def test_the_line_counts_the_skipped_tests_and_the_parametrizations_with_no_case(tmp_path: Path):
    shared = tmp_path / "shared" / "saleor"
    needs = f"Skipped: {shared} does not exist (the Saleor reference data sits beside the project)"
    reasons = [
        str(("tests/saleor/test_jwt.py", 30, needs)),
        str(("tests/saleor/test_install.py", 55, needs)),
        str(("tests/saleor/test_signatures.py", 250, "Skipped: got empty parameter set ['name']")),
        str(("tests/billing/test_money.py", 3, "Skipped: something else")),
    ]
    assert missing_shared_line(reasons, shared) == (
        f"{shared} is missing: 2 tests that need it skipped and 1 test functions parametrized over its files "
        "ran no case; put the Saleor reference data there to run them"
    )


def test_no_line_when_the_data_is_there(tmp_path: Path):
    (tmp_path / "saleor").mkdir()
    assert missing_shared_line(["anything"], tmp_path / "saleor") is None


def test_it_is_the_folder_the_saleor_tests_read():
    from tests.saleor.helpers import SHARED_SALEOR as READ_BY_THE_TESTS

    assert SHARED_SALEOR == READ_BY_THE_TESTS
