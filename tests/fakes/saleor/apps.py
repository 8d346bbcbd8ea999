"""Apps: `install_app` as Saleor's `appInstall` does it, `delete_app`, and the JWTs Saleor issues.

Install: GET the manifest (headers as in `install_manifest_get.json`), check it (required `id`, `version`,
`name`, `tokenTargetUrl`; known permissions; `requiredSaleorVersion` met; each webhook's `name`,
`targetUrl`, `query`, the query valid against the schema and naming events; no installed app with the same
`id`), make the app and its webhooks, then POST `{"auth_token": …}` to `tokenTargetUrl` (headers as in
`install_register_post.json`). If the app does not answer 2xx, the app is deleted and `InstallFailed` raised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from . import outbound
from .shop import PERMISSIONS
from .state import App, User, Webhook
from .tokens import access_claims, new_app_token, new_token_key, thirdparty_claims
from .webhooks import SYNC_EVENTS, InvalidSubscription, subscription_events

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from graphql import GraphQLSchema

    from .state import Store
    from .tokens import KeyRing

MANIFEST_TIMEOUT = 15.0


class InstallFailed(Exception):
    """The installation did not happen (and left no app behind)."""


@dataclass(frozen=True)
class InstalledApp:
    id: str
    token: str
    permissions: list[str]
    identifier: str = ""
    name: str = ""
    webhooks: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def _check_manifest(manifest: Any, saleor_version: str) -> dict[str, Any]:
    if not isinstance(manifest, dict):
        raise InstallFailed("the manifest is not a JSON object")
    missing = [key for key in ("id", "version", "name", "tokenTargetUrl") if not manifest.get(key)]
    if missing:
        raise InstallFailed(f"the manifest lacks {', '.join(missing)}")
    unknown = [p for p in manifest.get("permissions") or [] if p not in PERMISSIONS]
    if unknown:
        raise InstallFailed(f"unknown permissions in the manifest: {', '.join(unknown)}")
    required = manifest.get("requiredSaleorVersion")
    if required:
        try:
            accepted = SpecifierSet(str(required).replace(" ", ","))
        except InvalidSpecifier:
            raise InstallFailed(f"requiredSaleorVersion {required!r} is not a version range") from None
        if saleor_version not in accepted:
            raise InstallFailed(f"the app requires Saleor {required}, this is {saleor_version}")
    return manifest


class AppControls:
    store: Store
    keys: KeyRing
    schema: GraphQLSchema
    saleor_version: str
    schema_version: str

    def _acting(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _ref(self, cls: type[Any], value: Any) -> Any:
        raise NotImplementedError

    def user_agent(self) -> str:
        raise NotImplementedError

    @property
    def api_url(self) -> str:
        raise NotImplementedError

    @property
    def domain(self) -> str:
        raise NotImplementedError

    def staff_user(self, email: str = "owner@example.com") -> User:
        raise NotImplementedError

    def _fetch_manifest(self, manifest_url: str) -> dict[str, Any]:
        headers = [
            ("User-Agent", self.user_agent()),
            ("Accept-Encoding", "gzip, deflate"),
            ("Accept", "*/*"),
            ("Connection", "keep-alive"),
            ("Saleor-Schema-Version", self.schema_version),
        ]
        try:
            answer = outbound.request("GET", manifest_url, headers, None, MANIFEST_TIMEOUT)
        except OSError as exc:
            raise InstallFailed(f"the manifest could not be fetched: {exc}") from exc
        if not 200 <= answer.status < 300:
            raise InstallFailed(f"the manifest URL answered {answer.status}")
        try:
            manifest = json.loads(answer.body)
        except ValueError:
            raise InstallFailed("the manifest is not JSON") from None
        return _check_manifest(manifest, self.saleor_version)

    def _webhooks(self, app: App, manifest: Mapping[str, Any]) -> list[Webhook]:
        webhooks = []
        for entry in manifest.get("webhooks") or []:
            missing = [key for key in ("name", "targetUrl", "query") if not entry.get(key)]
            if missing:
                raise InstallFailed(f"a webhook of the manifest lacks {', '.join(missing)}")
            try:
                inferred = subscription_events(self.schema, entry["query"])
            except InvalidSubscription as exc:
                raise InstallFailed(f"webhook {entry['name']!r}: {exc}") from exc
            if "asyncEvents" in entry or "syncEvents" in entry:
                async_events = list(entry.get("asyncEvents") or [])
                sync_events = list(entry.get("syncEvents") or [])
            else:
                async_events = [e for e in inferred if e not in SYNC_EVENTS]
                sync_events = [e for e in inferred if e in SYNC_EVENTS]
            webhooks.append(
                Webhook(
                    app=app,
                    name=str(entry["name"]),
                    target_url=str(entry["targetUrl"]),
                    query=str(entry["query"]),
                    async_events=async_events,
                    sync_events=sync_events,
                    is_active=bool(entry.get("isActive", True)),
                )
            )
        return webhooks

    def _send_token(self, target_url: str, token: str) -> None:
        body = json.dumps({"auth_token": token}).encode()
        headers = [
            ("User-Agent", self.user_agent()),
            ("Accept-Encoding", "gzip, deflate"),
            ("Accept", "*/*"),
            ("Connection", "keep-alive"),
            ("Content-Type", "application/json"),
            ("X-Saleor-Domain", self.domain),
            ("Saleor-Domain", self.domain),
            ("Saleor-Api-Url", self.api_url),
            ("Saleor-Schema-Version", self.schema_version),
            ("Content-Length", str(len(body))),
        ]
        try:
            answer = outbound.request("POST", target_url, headers, body, MANIFEST_TIMEOUT)
        except OSError as exc:
            raise InstallFailed(f"the token could not be sent: {exc}") from exc
        if not 200 <= answer.status < 300:
            raise InstallFailed(f"the app answered {answer.status} to the token POST")

    def install_app(
        self, manifest_url: str, permissions: Iterable[str] | None = None, *, fetch_twice: bool = False
    ) -> InstalledApp:
        """Saleor's `appInstall(manifestUrl)` (`fetch_twice`: the dashboard's `appFetchManifest` first);
        `permissions` default to the manifest's."""
        if fetch_twice:
            self._fetch_manifest(manifest_url)
        manifest = self._fetch_manifest(manifest_url)
        granted = list(permissions) if permissions is not None else list(manifest.get("permissions") or [])
        token = new_app_token()
        with self.store.lock:
            taken = any(a.identifier == manifest["id"] and not a.removed for a in self.store.all(App))
            if taken:
                raise InstallFailed(f"an app with identifier {manifest['id']!r} is already installed")
            app = App(
                identifier=str(manifest["id"]),
                name=str(manifest["name"]),
                permissions=granted,
                tokens={token},
                manifest=manifest,
                manifest_url=manifest_url,
            )
            app.webhooks = self._webhooks(app, manifest)
            self.store.add(app)
            for webhook in app.webhooks:
                self.store.add(webhook)
        try:
            self._send_token(str(manifest["tokenTargetUrl"]), token)
        except InstallFailed:
            with self.store.lock:
                app.is_active, app.removed, app.tokens = False, True, set()
                self.store.remove(app)
            raise
        return InstalledApp(
            id=app.id,
            token=token,
            permissions=granted,
            identifier=app.identifier,
            name=app.name,
            webhooks=[w.name for w in app.webhooks],
            manifest=manifest,
        )

    def delete_app(self, app_id: str) -> None:
        """`appDelete`: the app is made inactive and removed, its tokens stop working, and (as in Saleor) it
        gets no APP_DELETED itself."""
        with self._acting():
            app: App = self._ref(App, app_id)
            app.is_active, app.removed, app.tokens = False, True, set()
            self.store.emit("APP_DELETED", "AppDeleted", app=app)

    def add_app_token(self, app_id: str) -> str:
        """Another token for the app (`appTokenCreate`)."""
        with self.store.lock:
            app: App = self._ref(App, app_id)
            token = new_app_token()
            app.tokens.add(token)
            return token

    def dashboard_token(
        self,
        app_id: str,
        permissions: Iterable[str] | None = None,
        email: str = "owner@example.com",
        expires_in: int = 300,
    ) -> str:
        """The dashboard's JWT for the app's pages (`type: thirdparty`, `app`, `permissions`: the app's unless
        given) for the staff user with this email (made on first use)."""
        with self.store.lock:
            app: App = self._ref(App, app_id)
            user = self.staff_user(email)
            granted = list(permissions) if permissions is not None else list(app.permissions)
            return self.keys.issue(thirdparty_claims(self.api_url, user, app, granted, expires_in))

    def customer_token(self, user_id: User | str, expires_in: int = 300) -> str:
        """A user's access JWT (`type: access`, `user_id`, `email`, `is_staff`) as `tokenCreate` gives it."""
        with self.store.lock:
            user: User = self._ref(User, user_id)
            return self.keys.issue(access_claims(self.api_url, user, expires_in))

    def logout_everywhere(self, user_id: User | str) -> None:
        """The user's tokens stop working (`tokensDeactivateAll`)."""
        with self.store.lock:
            user: User = self._ref(User, user_id)
            user.jwt_token_key = new_token_key()
