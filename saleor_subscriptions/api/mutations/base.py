"""The base of every mutation: permissions checked first, then `perform_mutation` (validate, call an action).

As in Saleor, a mutation's refusals of its input come back in its payload's `errors`; a missing permission
is a top-level error (`ApiErrorCode.PERMISSION_DENIED`) and the payload is null.
"""

from __future__ import annotations

from typing import Any, ClassVar

import graphene
from graphene.utils.str_converters import to_camel_case

from saleor_subscriptions.api.auth import Scope
from saleor_subscriptions.api.context import ApiContext, context_of
from saleor_subscriptions.api.types.errors import PlanError
from saleor_subscriptions.catalog.actions import PlanRefused


class ApiMutation(graphene.Mutation):
    class Meta:
        abstract = True

    permissions: ClassVar[tuple[str, ...]] = ()
    """Every one of these must be on the staff token; empty: anyone who names the shop."""
    scope: ClassVar[Scope | None] = None
    """The API key scope that lets a key call it instead (`api.auth` "Scopes"); None: no key may."""

    @classmethod
    def mutate(cls, _root: Any, info: Any, **data: Any) -> Any:
        context = context_of(info)
        if cls.permissions:
            context.principal.require_permissions(cls.permissions, cls.scope)
        return cls.perform_mutation(context, **data)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        raise NotImplementedError


def input_name(field: str | None) -> str | None:
    """The API's name of a domain field: `setup_fee` is `setupFee`."""
    return None if field is None else to_camel_case(field)


def plan_errors(refused: PlanRefused) -> list[PlanError]:
    return [PlanError(field=input_name(e.field), code=e.code, message=e.message) for e in refused.errors]
