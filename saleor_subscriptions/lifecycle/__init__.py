"""The subscription lifecycle: one function per transition (BILLING_RULES §5, §7).

Every function locks its subscription, asks `billing.states` whether the actor may make the transition from
the current state under the plan's rules, changes the row and writes one `SubscriptionEvent`; a refusal is a
`LifecycleError` with a stable code.
"""

from saleor_subscriptions.lifecycle.added_discounts import add_discount_code
from saleor_subscriptions.lifecycle.addresses import change_shipping_address
from saleor_subscriptions.lifecycle.billing_dates import (
    BillingDateChange,
    change_billing_date,
    preview_billing_date_change,
)
from saleor_subscriptions.lifecycle.cancellation import (
    cancel_subscription,
    expire_subscription,
    finish_cancellation,
    reactivate_subscription,
    undo_cancel,
)
from saleor_subscriptions.lifecycle.changes import (
    SwitchPreview,
    change_quantity,
    preview_switch,
    switch_plan,
)
from saleor_subscriptions.lifecycle.credit_grants import grant_credit
from saleor_subscriptions.lifecycle.free_periods import grant_free_periods
from saleor_subscriptions.lifecycle.nonpayment import (
    cancel_for_nonpayment,
    mark_past_due,
    settle_subscription,
    suspend_subscription,
)
from saleor_subscriptions.lifecycle.pausing import (
    pause_subscription,
    resume_subscription,
    skip_next_period,
)
from saleor_subscriptions.lifecycle.price_changes import move_to_version, schedule_price_change
from saleor_subscriptions.lifecycle.signup import (
    activate_subscription,
    lapse_incomplete,
    start_subscription,
)

__all__ = [
    "BillingDateChange",
    "SwitchPreview",
    "activate_subscription",
    "add_discount_code",
    "cancel_for_nonpayment",
    "cancel_subscription",
    "change_billing_date",
    "change_quantity",
    "change_shipping_address",
    "expire_subscription",
    "finish_cancellation",
    "grant_credit",
    "grant_free_periods",
    "lapse_incomplete",
    "mark_past_due",
    "move_to_version",
    "pause_subscription",
    "preview_billing_date_change",
    "preview_switch",
    "reactivate_subscription",
    "resume_subscription",
    "schedule_price_change",
    "settle_subscription",
    "skip_next_period",
    "start_subscription",
    "suspend_subscription",
    "switch_plan",
    "undo_cancel",
]
