"""Gunicorn's access log without the tokens of pay links (`paypage.log_redaction`): `serve` runs gunicorn
with `--logger-class=saleor_subscriptions.cli.access_log.RedactingAccessLog`."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from saleor_subscriptions.paypage.log_redaction import redact_links


class RedactingAccessLog(Logger):  # type: ignore[misc]
    """Gunicorn's logger whose access-log atoms (request line, path, query, referer, headers) are redacted."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact_links(value) if isinstance(value, str) else value for key, value in atoms.items()}
