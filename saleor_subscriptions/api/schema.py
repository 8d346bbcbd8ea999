"""The app's GraphQL schema, and its SDL as exported to `graphql/schema.graphql`."""

from __future__ import annotations

from pathlib import Path

import graphene
from graphql import lexicographic_sort_schema, print_schema

from saleor_subscriptions.api.enums import ApiErrorCodeEnum
from saleor_subscriptions.api.mutations.api_key_create import ApiKeyCreate
from saleor_subscriptions.api.mutations.api_key_revoke import ApiKeyRevoke
from saleor_subscriptions.api.mutations.customer_portal_session import CustomerPortalSessionCreate
from saleor_subscriptions.api.mutations.installation_settings_update import InstallationSettingsUpdate
from saleor_subscriptions.api.mutations.plan_archive import PlanArchive
from saleor_subscriptions.api.mutations.plan_create import PlanCreate
from saleor_subscriptions.api.mutations.plan_update import PlanUpdate
from saleor_subscriptions.api.mutations.staff_discount_code_create import StaffDiscountCodeCreate
from saleor_subscriptions.api.mutations.staff_discount_code_deactivate import StaffDiscountCodeDeactivate
from saleor_subscriptions.api.mutations.staff_discount_code_update import StaffDiscountCodeUpdate
from saleor_subscriptions.api.mutations.staff_invoice_mark_paid import StaffInvoiceMarkPaid
from saleor_subscriptions.api.mutations.staff_invoice_refund import StaffInvoiceRefund
from saleor_subscriptions.api.mutations.staff_invoice_retry import StaffInvoiceRetry
from saleor_subscriptions.api.mutations.staff_invoice_void import StaffInvoiceVoid
from saleor_subscriptions.api.mutations.staff_plan_price_change_schedule import StaffPlanPriceChangeSchedule
from saleor_subscriptions.api.mutations.staff_subscription_cancel import StaffSubscriptionCancel
from saleor_subscriptions.api.mutations.staff_subscription_cancel_undo import StaffSubscriptionCancelUndo
from saleor_subscriptions.api.mutations.staff_subscription_create import StaffSubscriptionCreate
from saleor_subscriptions.api.mutations.staff_subscription_credit_grant import StaffSubscriptionCreditGrant
from saleor_subscriptions.api.mutations.staff_subscription_discount_code_add import (
    StaffSubscriptionDiscountCodeAdd,
)
from saleor_subscriptions.api.mutations.staff_subscription_free_periods_grant import (
    StaffSubscriptionFreePeriodsGrant,
)
from saleor_subscriptions.api.mutations.staff_subscription_next_billing_date_change import (
    StaffSubscriptionNextBillingDateChange,
)
from saleor_subscriptions.api.mutations.staff_subscription_pause import StaffSubscriptionPause
from saleor_subscriptions.api.mutations.staff_subscription_price_change import StaffSubscriptionPriceChange
from saleor_subscriptions.api.mutations.staff_subscription_quantity_change import (
    StaffSubscriptionQuantityChange,
)
from saleor_subscriptions.api.mutations.staff_subscription_reactivate import StaffSubscriptionReactivate
from saleor_subscriptions.api.mutations.staff_subscription_resume import StaffSubscriptionResume
from saleor_subscriptions.api.mutations.staff_subscription_shipping_address_update import (
    StaffSubscriptionShippingAddressUpdate,
)
from saleor_subscriptions.api.mutations.staff_subscription_skip_next_period import (
    StaffSubscriptionSkipNextPeriod,
)
from saleor_subscriptions.api.mutations.staff_subscription_switch import StaffSubscriptionSwitch
from saleor_subscriptions.api.mutations.staff_subscriptions_bulk_action import StaffSubscriptionsBulkAction
from saleor_subscriptions.api.mutations.stripe_settings import StripeSettingsQueries, StripeSettingsUpdate
from saleor_subscriptions.api.mutations.subscription_actions import (
    SubscriptionCancel,
    SubscriptionCancelUndo,
    SubscriptionPause,
    SubscriptionResume,
    SubscriptionSkipNextPeriod,
)
from saleor_subscriptions.api.mutations.subscription_changes import (
    SubscriptionQuantityChange,
    SubscriptionSwitch,
    SubscriptionSwitchQueries,
)
from saleor_subscriptions.api.mutations.subscription_checkout_lines_add import SubscriptionCheckoutLinesAdd
from saleor_subscriptions.api.mutations.subscription_payment_method_remove import (
    SubscriptionPaymentMethodRemove,
)
from saleor_subscriptions.api.mutations.subscription_payment_method_set_default import (
    SubscriptionPaymentMethodSetDefault,
)
from saleor_subscriptions.api.mutations.subscription_usage import (
    SubscriptionUsageRecord,
    SubscriptionUsageRecordBulk,
)
from saleor_subscriptions.api.mutations.test_clock_advance import TestClockAdvance
from saleor_subscriptions.api.mutations.webhook_endpoint_create import WebhookEndpointCreate
from saleor_subscriptions.api.mutations.webhook_endpoint_delete import WebhookEndpointDelete
from saleor_subscriptions.api.mutations.webhook_endpoint_update import WebhookEndpointUpdate
from saleor_subscriptions.api.queries.api_keys import ApiKeyQueries
from saleor_subscriptions.api.queries.background_jobs import BackgroundJobQueries
from saleor_subscriptions.api.queries.installation_settings import InstallationSettingsQueries
from saleor_subscriptions.api.queries.plan_choices import PlanChoiceQueries
from saleor_subscriptions.api.queries.plans import PlanQueries
from saleor_subscriptions.api.queries.schedule_preview import SchedulePreviewQueries
from saleor_subscriptions.api.queries.staff_reports import StaffReportQueries
from saleor_subscriptions.api.queries.subscriptions import SubscriptionQueries
from saleor_subscriptions.api.queries.webhook_endpoints import WebhookEndpointQueries
from saleor_subscriptions.api.staff.billing_queries import StaffBillingQueries
from saleor_subscriptions.api.staff.queries import StaffSubscriptionQueries

#: graphql/schema.graphql at the project's root (the package is installed editable).
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"


class Query(
    PlanQueries,
    SubscriptionQueries,
    SubscriptionSwitchQueries,
    StripeSettingsQueries,
    SchedulePreviewQueries,
    StaffReportQueries,
    StaffSubscriptionQueries,
    StaffBillingQueries,
    ApiKeyQueries,
    WebhookEndpointQueries,
    InstallationSettingsQueries,
    BackgroundJobQueries,
    PlanChoiceQueries,
    graphene.ObjectType,
):
    pass


class Mutation(graphene.ObjectType):
    plan_create = PlanCreate.Field()
    plan_update = PlanUpdate.Field()
    plan_archive = PlanArchive.Field()
    subscription_checkout_lines_add = SubscriptionCheckoutLinesAdd.Field()
    stripe_settings_update = StripeSettingsUpdate.Field()
    subscription_cancel = SubscriptionCancel.Field()
    subscription_cancel_undo = SubscriptionCancelUndo.Field()
    subscription_pause = SubscriptionPause.Field()
    subscription_resume = SubscriptionResume.Field()
    subscription_skip_next_period = SubscriptionSkipNextPeriod.Field()
    subscription_switch = SubscriptionSwitch.Field()
    subscription_quantity_change = SubscriptionQuantityChange.Field()
    subscription_usage_record = SubscriptionUsageRecord.Field()
    subscription_usage_record_bulk = SubscriptionUsageRecordBulk.Field()
    customer_portal_session_create = CustomerPortalSessionCreate.Field()
    subscription_payment_method_set_default = SubscriptionPaymentMethodSetDefault.Field()
    subscription_payment_method_remove = SubscriptionPaymentMethodRemove.Field()
    api_key_create = ApiKeyCreate.Field()
    api_key_revoke = ApiKeyRevoke.Field()
    webhook_endpoint_create = WebhookEndpointCreate.Field()
    webhook_endpoint_update = WebhookEndpointUpdate.Field()
    webhook_endpoint_delete = WebhookEndpointDelete.Field()
    installation_settings_update = InstallationSettingsUpdate.Field()
    # Staff actions on the shop's subscriptions and invoices (dashboard token, MANAGE_ORDERS).
    staff_subscription_cancel = StaffSubscriptionCancel.Field()
    staff_subscription_cancel_undo = StaffSubscriptionCancelUndo.Field()
    staff_subscription_pause = StaffSubscriptionPause.Field()
    staff_subscription_resume = StaffSubscriptionResume.Field()
    staff_subscription_skip_next_period = StaffSubscriptionSkipNextPeriod.Field()
    staff_subscription_reactivate = StaffSubscriptionReactivate.Field()
    staff_subscription_create = StaffSubscriptionCreate.Field()
    staff_subscription_switch = StaffSubscriptionSwitch.Field()
    staff_subscription_quantity_change = StaffSubscriptionQuantityChange.Field()
    staff_subscription_price_change = StaffSubscriptionPriceChange.Field()
    staff_subscription_free_periods_grant = StaffSubscriptionFreePeriodsGrant.Field()
    staff_subscription_next_billing_date_change = StaffSubscriptionNextBillingDateChange.Field()
    staff_plan_price_change_schedule = StaffPlanPriceChangeSchedule.Field()
    staff_subscription_credit_grant = StaffSubscriptionCreditGrant.Field()
    staff_subscription_discount_code_add = StaffSubscriptionDiscountCodeAdd.Field()
    staff_subscription_shipping_address_update = StaffSubscriptionShippingAddressUpdate.Field()
    staff_subscriptions_bulk_action = StaffSubscriptionsBulkAction.Field()
    test_clock_advance = TestClockAdvance.Field()
    staff_invoice_void = StaffInvoiceVoid.Field()
    staff_invoice_retry = StaffInvoiceRetry.Field()
    staff_invoice_mark_paid = StaffInvoiceMarkPaid.Field()
    staff_invoice_refund = StaffInvoiceRefund.Field()
    # Discount codes (MANAGE_ORDERS or MANAGE_DISCOUNTS).
    staff_discount_code_create = StaffDiscountCodeCreate.Field()
    staff_discount_code_update = StaffDiscountCodeUpdate.Field()
    staff_discount_code_deactivate = StaffDiscountCodeDeactivate.Field()


# ApiErrorCode is named so that clients see the codes of top-level errors (`extensions.code`).
schema = graphene.Schema(query=Query, mutation=Mutation, types=[ApiErrorCodeEnum])


def schema_sdl() -> str:
    """The schema as SDL, sorted, so that the same schema always prints the same bytes."""
    return print_schema(lexicographic_sort_schema(schema.graphql_schema)) + "\n"
