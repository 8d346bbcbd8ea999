"""The test dashboard for the dashboard pages (README.md here): `dashboard_host.html`, served by the fake
Saleor at its own origin (as Saleor serves its dashboard), iframes an app page with the query parameters the
Saleor dashboard adds, performs App Bridge's handshake with a token the fake Saleor signed, and records the
page's actions."""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HOST_HTML = Path(__file__).with_name("dashboard_host.html")
ARTIFACTS = Path(__file__).with_name("artifacts")
HOST_PATH = "/dashboard-host/"


@dataclass
class Opened:
    """A page opened in the test dashboard: its frame, and what was measured on the way."""

    page: Any
    frame: Any
    started: float
    js_bytes_gzipped: list[int] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def actions(self, kind: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.page.evaluate("window.dashboardActions")
        return [a for a in found if kind is None or a["type"] == kind]

    def interactive_ms(self) -> float:
        """When the page first showed its data, in ms from the frame's navigation (the page's own mark)."""
        frame = next(f for f in self.page.frames if "/dashboard/" in f.url)
        return float(frame.evaluate("performance.getEntriesByName('subscriptions:interactive')[0].startTime"))

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def open_page(
    page: Any,
    *,
    fake: Any,
    app_url: str,
    saleor_api_url: str | None = None,
    app_id: str,
    path: str,
    tokens: list[str],
    theme: str = "light",
    locale: str = "en",
    params: dict[str, str] | None = None,
    dashboard_version: str = "3.21.0",
) -> Opened:
    """Open `path` of the app inside the test dashboard at the Saleor's origin."""
    saleor_api_url = saleor_api_url or fake.api_url
    query = {
        "domain": urlsplit(saleor_api_url).netloc,
        "saleorApiUrl": saleor_api_url,
        "id": app_id,
        "theme": theme,
        "locale": locale,
        **(params or {}),
    }
    src = f"{app_url}{path}?{urlencode(query)}"
    settings = {"tokens": tokens, "dashboardVersion": dashboard_version}
    html = (
        HOST_HTML.read_text(encoding="utf-8")
        .replace("__APP_SRC__", src.replace("&", "&amp;"))
        .replace("__SETTINGS__", json.dumps(settings))
    )
    parts = urlsplit(saleor_api_url)
    host_url = f"{parts.scheme}://{parts.netloc}{HOST_PATH}"
    fake.pages[HOST_PATH] = html
    opened = Opened(page=page, frame=page.frame_locator("#app"), started=time.perf_counter())

    def count_js(response: Any) -> None:
        if "/dashboard/assets/" in response.url and response.url.endswith(".js") and response.ok:
            opened.js_bytes_gzipped.append(len(gzip.compress(response.body(), compresslevel=9)))

    page.on("response", count_js)
    page.on("console", lambda message: opened.console.append(f"{message.type}: {message.text}"))
    page.on("requestfailed", lambda request: opened.console.append(f"failed {request.url} {request.failure}"))
    page.goto(host_url)
    return opened
