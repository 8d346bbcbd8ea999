"""Stripe's error responses: `{"error": {type, code, message, param, decline_code, …}}` with its HTTP status.

The stripe library picks its exception class from the status and `type` (400/404 → InvalidRequestError, or
IdempotencyError for `idempotency_error`; 401 → AuthenticationError; 402 → CardError; 5xx → APIError), so
the fake only has to answer with the same status and shape.
"""

from __future__ import annotations

from typing import Any


class StripeError(Exception):
    """An API error the fake answers with. `saved` says whether an idempotency key keeps it for replay.

    Stripe keeps the response of a request once the endpoint began executing (card declines, 500s), but not
    of one refused while its parameters were validated: a retry with the same key then runs afresh.
    """

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
        saved: bool | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.extra = extra or {}
        self.saved = status not in (400, 401, 404, 409) if saved is None else saved
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://docs.stripe.com/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            error["param"] = self.param
        if self.decline_code is not None:
            error["decline_code"] = self.decline_code
        error.update(self.extra)
        return {"error": error}


def invalid_request(
    message: str, *, param: str | None = None, code: str | None = None, status: int = 400
) -> StripeError:
    return StripeError(status, "invalid_request_error", message, code=code, param=param)


def resource_missing(kind: str, object_id: str, param: str = "id") -> StripeError:
    return invalid_request(f"No such {kind}: '{object_id}'", param=param, code="resource_missing", status=404)


def parameter_missing(param: str) -> StripeError:
    return invalid_request(f"Missing required param: {param}.", param=param, code="parameter_missing")


def parameter_unknown(param: str) -> StripeError:
    return invalid_request(f"Received unknown parameter: {param}", param=param, code="parameter_unknown")


def parameter_invalid(param: str, message: str, code: str = "parameter_invalid_string") -> StripeError:
    return invalid_request(message, param=param, code=code)


def unexpected_state(kind: str, message: str, code: str | None = None) -> StripeError:
    return invalid_request(message, code=code or f"{kind}_unexpected_state")


def authentication(message: str) -> StripeError:
    return StripeError(401, "invalid_request_error", message)


def idempotency_mismatch(key: str) -> StripeError:
    return StripeError(
        400,
        "idempotency_error",
        f"The idempotency key '{key}' was first used with other parameters or another endpoint; "
        "use a new key for a different request.",
    )


def api_error(message: str = "An error occurred inside the (fake) Stripe API.") -> StripeError:
    return StripeError(500, "api_error", message, saved=True)
