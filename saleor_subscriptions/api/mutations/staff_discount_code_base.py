"""What the staff mutations on discount codes share: the dashboard's token with `MANAGE_ORDERS` or
`MANAGE_DISCOUNTS` (as the `discountCodes` query; Saleor's permission for vouchers), or an API key with the
`write` scope; the input in the domain's names; the answer `{discountCode, errors}`."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Scope, Staff
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.enums import enum_value
from saleor_subscriptions.api.ids import global_id, parse_global_id
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.staff.access import READ_DISCOUNTS, require_any
from saleor_subscriptions.api.staff.billing_queries import DiscountCodeType
from saleor_subscriptions.api.types.discount_codes import DiscountCodeError
from saleor_subscriptions.discounts.editing import DiscountCodeErrorCode, DiscountCodeRefused
from saleor_subscriptions.discounts.models import DiscountCode

DISCOUNT_CODE_TYPE = "DiscountCode"
PLAN_TYPE = "Plan"
_ENUMS = ("kind", "duration", "applies_to")


class PlanIdRefused(Exception):
    pass


def domain_values(given: Any) -> dict[str, Any]:
    """The input as the domain takes it: enum values, plan ids as row ids (`PlanIdRefused`: one is not)."""
    values = {key: (enum_value(value) if key in _ENUMS else value) for key, value in dict(given).items()}
    if values.get("plans") is not None:
        pks = [parse_global_id(shown, PLAN_TYPE) for shown in values["plans"]]
        if None in pks:
            raise PlanIdRefused
        values["plans"] = pks
    if values.get("clear") is not None:
        values["clear"] = [enum_value(field) for field in values["clear"]]
    return values


def shop_code(context: ApiContext, shown_id: str) -> DiscountCode | None:
    pk = parse_global_id(shown_id, DISCOUNT_CODE_TYPE)
    if pk is None:
        return None
    return DiscountCode.objects.filter(installation=context.principal.shop(), pk=pk).first()


def answer_code(code: DiscountCode) -> DiscountCode:
    """The code as `discountCodes` shows it, with its redemption count."""
    found = DiscountCode.objects.select_related("installation").get(pk=code.pk)
    found.redemption_count = found.redemptions.count()  # type: ignore[attr-defined]
    return found


class StaffDiscountCodeMutation(ApiMutation):
    """Checks who asks, runs `act`, and answers the code or the refusal naming its input field."""

    class Meta:
        abstract = True

    discount_code = graphene.Field(DiscountCodeType, description="The code after the change.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(DiscountCodeError)))

    scope = Scope.WRITE
    input_prefix = ""
    """The name of the input argument, before the field's name in `errors` (`input.percent`)."""

    @classmethod
    def act(cls, context: ApiContext, staff: Staff, data: dict[str, Any]) -> DiscountCode:
        raise NotImplementedError

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        staff = require_any(context.principal, READ_DISCOUNTS, scope=Scope.WRITE)
        try:
            code = cls.act(context, staff, data)
        except PlanIdRefused:
            return cls.refused(f"{cls.input_prefix}plans", DiscountCodeErrorCode.INVALID, "not plan ids")
        except DiscountCodeRefused as refused:
            field = input_name(refused.field)
            if field not in (None, "id", "reason"):
                field = f"{cls.input_prefix}{field}"
            return cls.refused(field, DiscountCodeErrorCode(refused.code), refused.message)
        return cls(discount_code=answer_code(code), errors=[])

    @classmethod
    def refused(cls, field: str | None, code: DiscountCodeErrorCode, message: str) -> Any:
        return cls(discount_code=None, errors=[DiscountCodeError(field=field, code=code, message=message)])

    @classmethod
    def not_found(cls, shown_id: str) -> DiscountCodeRefused:
        return DiscountCodeRefused(
            DiscountCodeErrorCode.NOT_FOUND, f"no discount code of this shop has the id {shown_id!r}", "id"
        )


def code_global_id(code: DiscountCode) -> str:
    return global_id(DISCOUNT_CODE_TYPE, code.pk)
