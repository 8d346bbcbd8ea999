"""`installationSettings`: the shop's settings (staff with MANAGE_SETTINGS, or an API key with `read`)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Scope
from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.types.installation_settings import SETTINGS_PERMISSION, InstallationSettings
from saleor_subscriptions.tenants.models import Installation


class InstallationSettingsQueries(graphene.ObjectType):
    installation_settings = graphene.Field(
        InstallationSettings,
        description="The shop's settings. Staff with MANAGE_SETTINGS, or an API key with the read scope.",
    )

    @staticmethod
    def resolve_installation_settings(_root: Any, info: Any) -> Installation:
        principal = context_of(info).principal
        principal.require_permissions((SETTINGS_PERMISSION,), scope=Scope.READ)
        return principal.shop()
