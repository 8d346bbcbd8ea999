"""SQL that only PostgreSQL speaks, for migrations: triggers in PL/pgSQL, GIN and trigram indexes, partial
indexes the reports and staff lists read. The embedded SQLite default of `make run` (a trial, not a shop)
skips them: it has the tables but not these indexes, and records no events out (docs/events.md)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def postgres_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """`RunSQL(sql, reverse_sql)` on PostgreSQL; nothing on any other database."""

    def forward(_apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    def backward(_apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql, params=None)

    return migrations.RunPython(forward, backward)
