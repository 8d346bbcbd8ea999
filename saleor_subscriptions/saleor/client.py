"""The one client the app talks to Saleor's GraphQL API with: a document by name, typed errors, retries.

Every request sends a document of `graphql/saleor/` by its file name (`execute("draft_order_create", …)`), so
nothing reaches Saleor that the document tests did not validate. Errors:

- `SaleorUnavailable` (a `GatewayUnavailable`: the renewal step is retried later): the network failed, Saleor
  timed out or answered 5xx or 429, after `retries` attempts with exponential backoff. A 429 (too many
  requests: refused before anything ran) is retried for mutations too, after its `Retry-After` if longer.
- `TokenRejectedError`: Saleor answered 401, or refused the app's token as invalid (the app was removed or the
  token revoked: see `saleor.install` for what happens to the installation).
- `SaleorRequestError`: the response holds top-level GraphQL `errors` (a validation error, PermissionDenied
  for a permission the app lacks, …); `.codes` holds each error's `extensions.exception.code`.
- `SaleorMutationError`: a mutation answered with its own `errors { field code message }` list.

Queries are retried on every transient failure. A mutation is retried only when the request cannot have
reached Saleor (connect errors), unless the caller says it is idempotent (`idempotent=True`): a retried
`draftOrderCreate` would make a second order, so the order adapter looks its order up first instead.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from saleor_subscriptions import __version__
from saleor_subscriptions.renewals.ports import GatewayUnavailable
from saleor_subscriptions.saleor import aliases
from saleor_subscriptions.saleor.documents import document
from saleor_subscriptions.saleor.outbound import saleor_http_client

USER_AGENT = f"saleor-subscriptions/{__version__}"


class SaleorError(Exception):
    """Base of every failure talking to Saleor."""


class SaleorUnavailable(SaleorError, GatewayUnavailable):
    """Saleor could not be reached, timed out, or answered 5xx (after the retries)."""


class SaleorRequestError(SaleorError):
    """Saleor answered with top-level GraphQL errors."""

    def __init__(self, operation: str, errors: Sequence[Mapping[str, Any]]) -> None:
        self.operation = operation
        self.errors = list(errors)
        self.codes = [_error_code(error) for error in self.errors]
        messages = "; ".join(str(error.get("message", "")) for error in self.errors)
        super().__init__(f"{operation}: {messages}")


class TokenRejectedError(SaleorRequestError):
    """Saleor does not accept the app's token: the app was removed from the shop or its token revoked."""


@dataclass(frozen=True)
class MutationErrorDetail:
    field: str | None
    code: str
    message: str
    extra: Mapping[str, Any]


class SaleorMutationError(SaleorError):
    """A mutation's own `errors` list was not empty."""

    def __init__(self, operation: str, errors: Sequence[Mapping[str, Any]]) -> None:
        self.operation = operation
        self.details = [
            MutationErrorDetail(
                field=error.get("field"),
                code=str(error.get("code") or ""),
                message=str(error.get("message") or ""),
                extra={k: v for k, v in error.items() if k not in ("field", "code", "message")},
            )
            for error in errors
        ]
        described = "; ".join(f"{d.field or '-'}: {d.code} {d.message}".strip() for d in self.details)
        super().__init__(f"{operation} refused: {described}")

    @property
    def codes(self) -> list[str]:
        return [detail.code for detail in self.details]


#: `extensions.exception.code` values with which Saleor refuses the token itself (not a missing permission).
_TOKEN_REFUSALS = frozenset(
    {"InvalidTokenError", "ExpiredSignatureError", "DecodeError", "JSONWebTokenError"}
)


def _retry_after(response: httpx.Response) -> float:
    """The seconds a 429 asks to wait (`Retry-After` in seconds; at most a minute), else 0."""
    try:
        return min(max(float(response.headers.get("Retry-After", "0")), 0.0), 60.0)
    except ValueError:
        return 0.0


def _error_code(error: Mapping[str, Any]) -> str:
    extensions = error.get("extensions") or {}
    exception = extensions.get("exception") or {}
    return str(exception.get("code") or extensions.get("code") or "")


class SaleorClient:
    """A GraphQL client for one Saleor, authenticated with the app's token (None: anonymous)."""

    def __init__(
        self,
        api_url: str,
        token: str | None,
        *,
        timeout: float = 15.0,
        retries: int = 3,
        backoff: float = 0.25,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.api_url = api_url
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._http = saleor_http_client(transport, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SaleorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(
        self, name: str, variables: Mapping[str, Any] | None = None, *, idempotent: bool | None = None
    ) -> dict[str, Any]:
        """Runs the document `graphql/saleor/<name>.graphql` and returns its `data`."""
        source = document(name)
        is_query = source.lstrip().startswith(("query", "{")) or "\nquery " in f"\n{source}"
        retry_all = is_query if idempotent is None else idempotent
        return self._data(name, self._post(name, source, variables or {}, retry_all))

    def execute_aliased(
        self, name: str, variables: Sequence[Mapping[str, Any]], *, idempotent: bool | None = None
    ) -> list[dict[str, Any] | SaleorRequestError]:
        """Runs `graphql/saleor/<name>.graphql` once per item of `variables`, in one request (its root field
        under aliases, see `aliases`), and returns each alias's `data` in a dict under the field's own name,
        as `execute` would, or the SaleorRequestError of the top-level errors whose path names that alias.
        Errors that name no alias, a 401, a timeout or a 5xx fail the whole request as they fail `execute`.
        Retried as `execute` retries the document alone."""
        return self.execute_combined([(name, item) for item in variables], idempotent=idempotent)

    def execute_combined(
        self, calls: Sequence[tuple[str, Mapping[str, Any]]], *, idempotent: bool | None = None
    ) -> list[dict[str, Any] | SaleorRequestError]:
        """`execute_aliased` for different documents (`aliases.combined`), run in this order in one request
        (Saleor runs a request's mutations one after the other): each answer in a dict under its field's
        name, or its alias's SaleorRequestError."""
        if not calls:
            return []
        names = tuple(name for name, _variables in calls)
        name = names[-1]
        single = document(name)
        is_query = single.lstrip().startswith(("query", "{")) or "\nquery " in f"\n{single}"
        retry_all = is_query if idempotent is None else idempotent
        source = aliases.combined(names)
        payload = aliases.aliased_variables([dict(variables) for _name, variables in calls])
        response = self._post(name, source, payload, retry_all)
        body = self._body(name, response)
        by_alias: dict[str, list[Mapping[str, Any]]] = {}
        unplaced = []
        for error in body.get("errors") or []:
            path = error.get("path") if isinstance(error, dict) else None
            if isinstance(path, list) and path and isinstance(path[0], str):
                by_alias.setdefault(path[0], []).append(error)
            else:
                unplaced.append(error)
        if unplaced:
            self._raise_errors(name, unplaced)
        if response.status_code >= 400:
            raise SaleorRequestError(name, [{"message": f"Saleor answered {response.status_code}"}])
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        answers: list[dict[str, Any] | SaleorRequestError] = []
        for index, field in enumerate(aliases.root_field(n) for n in names):
            key = aliases.alias(index)
            if key in by_alias:
                errors = by_alias[key]
                if any(_error_code(error) in _TOKEN_REFUSALS for error in errors):
                    raise TokenRejectedError(name, errors)
                answers.append(SaleorRequestError(name, errors))
            else:
                answers.append({field: (data or {}).get(key)})
        return answers

    def mutate_aliased(
        self, name: str, variables: Sequence[Mapping[str, Any]], field: str, *, idempotent: bool = False
    ) -> list[Any]:
        """`mutate` for each item of `variables` in one request (`execute_aliased`): each answer is the
        alias's `data[field]`, or the SaleorMutationError or SaleorRequestError its single call would
        raise."""
        return self.mutate_combined([(name, item, field) for item in variables], idempotent=idempotent)

    def mutate_combined(
        self, calls: Sequence[tuple[str, Mapping[str, Any], str]], *, idempotent: bool = False
    ) -> list[Any]:
        """`mutate_aliased` for different mutations, in this order in one request (`execute_combined`)."""
        answers: list[Any] = []
        sent = [(name, variables) for name, variables, _field in calls]
        executed = self.execute_combined(sent, idempotent=idempotent)
        for (name, _variables, field), answer in zip(calls, executed, strict=True):
            if isinstance(answer, SaleorError):
                answers.append(answer)
                continue
            result = answer.get(field)
            if result is None:
                answers.append(SaleorRequestError(name, [{"message": f"no {field} in the response"}]))
            elif result.get("errors"):
                answers.append(SaleorMutationError(name, result["errors"]))
            else:
                answers.append(result)
        return answers

    def _post(self, name: str, source: str, variables: Mapping[str, Any], retry_all: bool) -> httpx.Response:
        payload = {"query": source, "variables": dict(variables)}
        attempt = 0
        while True:
            try:
                response = self._http.post(self.api_url, json=payload)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                failure: Exception = exc
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if not retry_all:
                    raise SaleorUnavailable(f"{name}: {type(exc).__name__}: {exc} (not retried)") from exc
                failure = exc
            else:
                if response.status_code == 429:
                    # Too many requests: refused before anything ran, so a mutation may be sent again too.
                    failure = SaleorUnavailable(f"{name}: Saleor answered 429 Too Many Requests")
                    attempt += 1
                    if attempt > self.retries:
                        raise SaleorUnavailable(f"{name}: {failure} after {attempt} attempts") from failure
                    self._sleep(max(_retry_after(response), self.backoff * (2 ** (attempt - 1))))
                    continue
                if response.status_code < 500:
                    return response
                if not retry_all:
                    raise SaleorUnavailable(f"{name}: Saleor answered {response.status_code} (not retried)")
                failure = SaleorUnavailable(f"{name}: Saleor answered {response.status_code}")
            attempt += 1
            if attempt > self.retries:
                raise SaleorUnavailable(f"{name}: {failure} after {attempt} attempts") from failure
            self._sleep(self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random()))

    def mutate(self, name: str, variables: Mapping[str, Any], field: str, *, idempotent: bool = False) -> Any:
        """Runs a mutation and returns `data[field]`, raising SaleorMutationError on a non-empty `errors`."""
        result = self.execute(name, variables, idempotent=idempotent).get(field)
        if result is None:
            raise SaleorRequestError(name, [{"message": f"no {field} in the response"}])
        errors = result.get("errors") or []
        if errors:
            raise SaleorMutationError(name, errors)
        return result

    @staticmethod
    def _body(name: str, response: httpx.Response) -> dict[str, Any]:
        if response.status_code == 401:
            raise TokenRejectedError(name, [{"message": "Saleor answered 401 Unauthorized"}])
        try:
            body = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise SaleorRequestError(
                name, [{"message": f"Saleor answered {response.status_code} with a body that is not JSON"}]
            ) from None
        if not isinstance(body, dict):
            raise SaleorRequestError(name, [{"message": "Saleor answered JSON that is not an object"}])
        return body

    @staticmethod
    def _raise_errors(name: str, errors: Sequence[Mapping[str, Any]]) -> None:
        if any(_error_code(error) in _TOKEN_REFUSALS for error in errors):
            raise TokenRejectedError(name, errors)
        raise SaleorRequestError(name, errors)

    @classmethod
    def _data(cls, name: str, response: httpx.Response) -> dict[str, Any]:
        body = cls._body(name, response)
        errors = body.get("errors") or []
        if errors:
            cls._raise_errors(name, errors)
        if response.status_code >= 400:
            raise SaleorRequestError(name, [{"message": f"Saleor answered {response.status_code}"}])
        data = body.get("data")
        return data if isinstance(data, dict) else {}
