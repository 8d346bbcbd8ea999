"""The HTTP endpoints Saleor calls (mounted at /api/): the token registration and the webhooks (the manifest
is the composition root's, `conf.manifest`)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_subscriptions import json_body
from saleor_subscriptions.saleor.install import Registration, RegistrationRefused, register_installation
from saleor_subscriptions.saleor.webhooks.intake import receive


@csrf_exempt
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    """Saleor's token POST at install: `{"auth_token"}` with `Saleor-Api-Url`; 200 `{"success": true}`, or
    4xx/5xx with `{"success": false, "error": {field, code, message}}` (Saleor then deletes the app)."""
    try:
        body = json_body.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    registration = Registration(
        api_url=request.headers.get("Saleor-Api-Url"),
        domain=request.headers.get("Saleor-Domain") or "",
        schema_version=request.headers.get("Saleor-Schema-Version") or "",
        auth_token=body.get("auth_token") if isinstance(body, dict) else None,
    )
    try:
        register_installation(registration)
    except RegistrationRefused as refused:
        return JsonResponse(refused.as_json(), status=refused.status)
    return JsonResponse({"success": True})


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, name: str) -> JsonResponse:
    """A Saleor webhook: stored, verified, queued (see `webhooks.intake`)."""
    return receive(request, name)
