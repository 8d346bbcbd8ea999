"""Every refusal of the domain has the one shape (`billing.errors.CodedError`): a stable code, a message for
people and the field at fault, and reads as its message."""

from __future__ import annotations

import pytest

from saleor_subscriptions.billing.dunning import DunningPolicyCode, DunningPolicyError
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.plans import PlanTermsCode, PlanTermsError
from saleor_subscriptions.billing.states import RefusalCode, TransitionRefused
from saleor_subscriptions.catalog.terms import FieldError, PlanErrorCode, PlanRefused
from saleor_subscriptions.lifecycle.self_service import CustomerRequestCode, CustomerRequestRefused
from saleor_subscriptions.renewals.clock import ClockError, ClockErrorCode
from saleor_subscriptions.renewals.errors import PortsMisconfigured, PortsRefused, WiringErrorCode
from saleor_subscriptions.renewals.usage import UsageErrorCode, UsageRefused
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode


@pytest.mark.parametrize(
    ("error", "code", "message", "field"),
    [
        (TransitionRefused(RefusalCode.MINIMUM_TERM, "not yet"), RefusalCode.MINIMUM_TERM, "not yet", None),
        (
            LifecycleError(LifecycleErrorCode.INVALID_QUANTITY, "too many", "quantity"),
            LifecycleErrorCode.INVALID_QUANTITY,
            "too many",
            "quantity",
        ),
        (PlanTermsError("price", "negative"), PlanTermsCode.INVALID, "price: negative", "price"),
        (
            DunningPolicyError("cancel_day", "too soon"),
            DunningPolicyCode.INVALID,
            "cancel_day: too soon",
            "cancel_day",
        ),
        (
            UsageRefused(UsageErrorCode.UNKNOWN_METRIC, "no such metric", "metric"),
            UsageErrorCode.UNKNOWN_METRIC,
            "no such metric",
            "metric",
        ),
        (
            ClockError(ClockErrorCode.BACKWARDS, "only forward", "to"),
            ClockErrorCode.BACKWARDS,
            "only forward",
            "to",
        ),
        (
            CustomerRequestRefused("reason", CustomerRequestCode.INVALID_REASON, "too long"),
            CustomerRequestCode.INVALID_REASON,
            "too long",
            "reason",
        ),
        (
            PortsMisconfigured(WiringErrorCode.NOT_A_FACTORY, "'x:y' is not a function"),
            WiringErrorCode.NOT_A_FACTORY,
            "RENEWAL_PORTS: 'x:y' is not a function",
            "RENEWAL_PORTS",
        ),
        (PortsRefused("never live"), WiringErrorCode.IN_MEMORY_FOR_LIVE, "never live", "RENEWAL_PORTS"),
    ],
)
def test_a_refusal_carries_code_message_and_field(error, code, message, field):
    assert isinstance(error, CodedError)
    assert (error.code, error.message, error.field, str(error)) == (code, message, field, message)


def test_a_plan_refusal_keeps_every_field_and_leads_with_the_first():
    refused = PlanRefused(
        [
            FieldError("name", PlanErrorCode.REQUIRED, "a plan has a name"),
            FieldError("price", PlanErrorCode.INVALID, "x"),
        ]
    )
    assert isinstance(refused, CodedError)
    assert [e.field for e in refused.errors] == ["name", "price"]
    assert (refused.code, refused.field) == (PlanErrorCode.REQUIRED, "name")
    assert str(refused) == "name: a plan has a name; price: x"


def test_the_engine_refusals_stay_value_errors():
    assert isinstance(PlanTermsError("price", "negative"), ValueError)
    assert isinstance(DunningPolicyError("cancel_day", "too soon"), ValueError)
