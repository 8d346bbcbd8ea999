"""Who calls the fake Saleor, what they may do, and the errors Saleor answers with.

`Authorization: Bearer <token>` is read as Saleor reads it: a 30-character token is an app token (an unknown
or revoked one leaves the request anonymous: Saleor then refuses what needs a permission with
`PermissionDenied`, it does not answer 401); a JWT with `owner: "saleor"` is a user's token (`access`) or a
dashboard app token (`thirdparty`, with its `permissions`), and a bad one fails the field that needs the user
with PyJWT's exception name (`ExpiredSignatureError`, `InvalidSignatureError`, `DecodeError`,
`InvalidTokenError`); anything else is anonymous.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError

from .state import App, Store, User
from .tokens import KeyRing, TokenProblem

AUTHENTICATED_APP = "AUTHENTICATED_APP"
AUTHENTICATED_STAFF_USER = "AUTHENTICATED_STAFF_USER"


def saleor_error(message: str, code: str = "GraphQLError") -> GraphQLError:
    """A top-level error as Saleor formats it: `extensions.exception.code` names the exception."""
    return GraphQLError(message, extensions={"exception": {"code": code}})


def permission_denied(permissions: list[str]) -> GraphQLError:
    return saleor_error(
        f"You need one of the following permissions: {', '.join(permissions)}", "PermissionDenied"
    )


@dataclass(frozen=True)
class Principal:
    app: App | None = None
    user: User | None = None
    permissions: frozenset[str] = frozenset()
    is_staff: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.app is None and self.user is None


ANONYMOUS = Principal()


@dataclass
class Env:
    """What resolvers need of the fake besides its data."""

    store: Store
    keys: KeyRing
    api_url: str
    saleor_version: str


def resolve_principal(env: Env, token: str | None) -> Principal:
    """The caller a bearer token names (see the module docstring); raises GraphQLError for a bad JWT."""
    if not token:
        return ANONYMOUS
    if len(token) == 30:
        app = env.store.app_by_token(token)
        return Principal(app=app, permissions=frozenset(app.permissions)) if app else ANONYMOUS
    if not env.keys.is_saleor_token(token):
        return ANONYMOUS
    try:
        claims = env.keys.decode(token)
    except TokenProblem as problem:
        raise saleor_error(problem.message, problem.code) from None
    invalid = "Invalid token. Create new one by using tokenCreate mutation."
    if claims.get("type") not in ("access", "thirdparty") or not claims.get("token"):
        raise saleor_error(invalid, "InvalidTokenError")
    user = env.store.user_by_email(claims.get("email"))
    if user is None or not user.is_active:
        raise saleor_error("Invalid token. User does not exist or is inactive.", "InvalidTokenError")
    if user.jwt_token_key != claims["token"]:
        raise saleor_error(invalid, "InvalidTokenError")
    if "permissions" in claims:
        permissions = frozenset(str(p) for p in claims["permissions"])
        return Principal(user=user, permissions=permissions, is_staff=bool(permissions) or user.is_staff)
    return Principal(user=user, permissions=user.permissions, is_staff=user.is_staff)


@dataclass
class Context:
    """One GraphQL execution: the fake's data and who is asking (resolved lazily, as Saleor does)."""

    env: Env
    token: str | None = None
    fixed_principal: Principal | None = None
    _resolved: Principal | None = field(default=None, init=False)

    @property
    def store(self) -> Store:
        return self.env.store

    @property
    def principal(self) -> Principal:
        if self.fixed_principal is not None:
            return self.fixed_principal
        if self._resolved is None:
            self._resolved = resolve_principal(self.env, self.token)
        return self._resolved

    def has(self, permission: str) -> bool:
        principal = self.principal
        if permission == AUTHENTICATED_APP:
            return principal.app is not None
        if permission == AUTHENTICATED_STAFF_USER:
            return principal.user is not None and principal.is_staff
        return permission in principal.permissions

    def require(self, *permissions: str) -> None:
        """Raises PermissionDenied unless the caller holds one of these permissions."""
        if not any(self.has(p) for p in permissions):
            raise permission_denied(list(permissions))


class MutationError(Exception):
    """One entry of a mutation's `errors { field code message … }` list."""

    def __init__(self, field: str | None, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.entry: dict[str, Any] = {"field": field, "code": code, "message": message, **extra}


class MutationErrors(Exception):
    def __init__(self, errors: list[MutationError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


Resolver = Callable[..., Any]


def mutation(payload: str, *permissions: str) -> Callable[[Resolver], Resolver]:
    """A mutation resolver: checks `permissions` (one of them) first, then runs; a raised MutationError(s)
    becomes `{"errors": [...], payload: None}`, a returned object `{"errors": [], payload: object}`."""

    def decorate(resolve: Resolver) -> Resolver:
        def run(root: Any, info: Any, **args: Any) -> Mapping[str, Any]:
            if permissions:
                info.context.require(*permissions)
            try:
                result = resolve(info.context, **args)
            except MutationError as error:
                return {"errors": [error.entry], payload: None}
            except MutationErrors as errors:
                return {"errors": [e.entry for e in errors.errors], payload: None}
            if isinstance(result, dict) and "errors" in result:
                return result
            return {"errors": [], payload: result}

        return run

    return decorate
