"""The exported schema (graphql/schema.graphql) is the schema the app serves, and the storefront examples
(graphql/examples/) run against it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from saleor_subscriptions.api.schema import SCHEMA_PATH, schema, schema_sdl

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "graphql" / "examples").glob("*.graphql"))


def test_the_exported_schema_is_up_to_date():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_sdl(), (
        "graphql/schema.graphql is stale: run .venv/bin/python scripts/export-api-schema"
    )


def test_the_export_is_sorted_so_it_prints_the_same_every_time():
    types = [name for name in schema.graphql_schema.type_map if not name.startswith("__")]
    printed = [
        line.split()[1]
        for line in schema_sdl().splitlines()
        if line.split()[:1] in (["type"], ["enum"], ["input"], ["scalar"])
    ]

    assert printed == sorted(printed)
    assert set(printed) == set(types) - {"Boolean", "Float", "ID", "Int", "String"}


def test_the_export_scripts_check_fails_on_a_stale_file_and_passes_on_a_fresh_one(tmp_path):
    stale = tmp_path / "schema.graphql"
    stale.write_text(schema_sdl().replace("planCreate", "planMake"), encoding="utf-8")
    script = [sys.executable, str(ROOT / "scripts" / "export-api-schema"), "--output", str(stale)]

    failed = subprocess.run([*script, "--check"], capture_output=True, text=True, check=False)
    written = subprocess.run(script, capture_output=True, text=True, check=False)
    passed = subprocess.run([*script, "--check"], capture_output=True, text=True, check=False)

    assert failed.returncode == 1 and "out of date" in failed.stderr
    assert written.returncode == 0 and stale.read_text(encoding="utf-8") == schema_sdl()
    assert passed.returncode == 0


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_storefront_example_validates_against_the_exported_schema(path):
    exported = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))

    assert validate(exported, parse(path.read_text(encoding="utf-8"))) == []


def test_there_are_examples():
    assert {p.name for p in EXAMPLES} >= {"plans.graphql", "subscription_checkout_lines_add.graphql"}
