"""What the customer's and the staff's actions on one subscription answer alike: `{subscription, errors}`,
one lifecycle call (`action`), a lifecycle refusal naming the argument its field is, and the subscription
read again after the change. The callers differ in who may act and how the subscription is found
(`subscription_actions.CustomerSubscriptionMutation`, `staff_subscription_base.StaffSubscriptionMutation`)."""

from __future__ import annotations

from typing import Any, ClassVar

import graphene

from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.types.errors import SubscriptionError
from saleor_subscriptions.api.types.subscriptions import SubscriptionType
from saleor_subscriptions.lifecycle.self_service import Action
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription


class SubscriptionMutation(ApiMutation):
    """One lifecycle action on one subscription, and the answer."""

    class Meta:
        abstract = True

    subscription = graphene.Field(SubscriptionType, description="The subscription after the change.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(SubscriptionError)))

    fields: ClassVar[dict[str, str]] = {}
    """The argument a lifecycle refusal's field names, where its name is not the field's own."""

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        """The lifecycle call, taking the subscription and `actor`, `actor_id`, `reason` as keywords."""
        raise NotImplementedError

    @classmethod
    def lifecycle_refused(cls, refused: LifecycleError) -> Any:
        """The payload of a lifecycle refusal, naming the argument its field is (none: the action)."""
        argument = cls.fields.get(refused.field or "", refused.field)
        field = input_name(argument) if argument in cls._meta.arguments else None
        return cls.refused(field, refused.code.value, refused.message)

    @classmethod
    def refused(cls, field: str | None, code: str, message: str) -> Any:
        return cls(subscription=None, errors=[SubscriptionError(field=field, code=code, message=message)])


def reloaded(subscription: Subscription) -> Subscription:
    """The subscription as the answer shows it, read again after the change."""
    return Subscription.objects.select_related("plan_version__plan").get(pk=subscription.pk)
