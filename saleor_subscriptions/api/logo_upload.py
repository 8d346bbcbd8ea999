"""The shop's logo: `PUT /api/shop/logo` with the image as the body (`Content-Type: image/png` or
`image/jpeg`, at most 512 KB), `DELETE /api/shop/logo` to remove it. Authenticated as the API is: the
dashboard's token with MANAGE_SETTINGS, as `installationSettingsUpdate` (no API key may change settings).

The image is checked and redrawn by `tenants.branding.check_logo`; the answer is `{"logoUrl": …}` (null once
removed). A refusal is JSON in the API's shape: 400 `BAD_USER_INPUT` with `extensions.field` "logo" and
`extensions.reason` (`INVALID`, `TOO_LARGE`), 413 `REQUEST_TOO_LARGE` for a body over the limit (refused
unread when its Content-Length says so), 401/403 as the API answers, 405 for another method.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLError

from saleor_subscriptions.api.auth import authenticate
from saleor_subscriptions.api.errors import ApiErrorCode, RequestRefused, refusal_response
from saleor_subscriptions.api.staff.access import require_any
from saleor_subscriptions.api.types.installation_settings import SETTINGS_PERMISSION
from saleor_subscriptions.tenants.branding import LOGO_MAX_BYTES, BrandingRefused, check_logo

BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, TOO_LARGE = 400, 401, 403, 413
METHODS = ("PUT", "DELETE")



def _body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is over LOGO_MAX_BYTES (unread when Content-Length says so)."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > LOGO_MAX_BYTES:
        return None
    body = request.read(LOGO_MAX_BYTES + 1)
    return None if len(body) > LOGO_MAX_BYTES else body


@csrf_exempt
def shop_logo(request: HttpRequest) -> JsonResponse:
    if request.method not in METHODS:
        message = "use PUT (the image as the body) or DELETE"
        response = refusal_response(405, ApiErrorCode.INVALID_REQUEST, message)
        response["Allow"] = ", ".join(METHODS)
        return response
    try:
        principal = authenticate(request)
    except RequestRefused as refused:
        return JsonResponse(refused.as_json(), status=refused.status)
    if principal.api_key is not None:
        message = "an API key cannot change the shop's settings: use the dashboard's token (MANAGE_SETTINGS)"
        return refusal_response(FORBIDDEN, ApiErrorCode.PERMISSION_DENIED, message)
    try:
        require_any(principal, (SETTINGS_PERMISSION,))
    except GraphQLError as error:
        extensions = dict(error.extensions or {})
        code = ApiErrorCode(extensions.pop("code", ApiErrorCode.PERMISSION_DENIED.value))
        status = UNAUTHORIZED if code == ApiErrorCode.AUTHENTICATION_REQUIRED else FORBIDDEN
        return refusal_response(status, code, error.message, **extensions)
    installation = principal.shop()
    if request.method == "DELETE":
        with transaction.atomic():
            installation.set_logo(None)
        return JsonResponse({"logoUrl": None})
    body = _body(request)
    if body is None:
        message = f"logo: at most {LOGO_MAX_BYTES // 1024} KB"
        return refusal_response(TOO_LARGE, ApiErrorCode.REQUEST_TOO_LARGE, message, field="logo")
    try:
        logo = check_logo(body, request.headers.get("Content-Type", ""))
    except BrandingRefused as refused:
        return refusal_response(
            BAD_REQUEST,
            ApiErrorCode.BAD_USER_INPUT,
            f"logo: {refused.message}",
            field="logo",
            reason=refused.code.value.upper(),
        )
    with transaction.atomic():
        installation.set_logo(logo)
    return JsonResponse({"logoUrl": installation.logo_url()})
