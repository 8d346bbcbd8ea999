"""The errors of the subscription lifecycle, with stable codes that the API maps to its error enum."""

from __future__ import annotations

from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.states import RefusalCode, TransitionRefused


class LifecycleErrorCode(StrEnum):
    """Every reason a lifecycle action can be refused; the values never change once released."""

    # The transition table and the plan's guards (billing.states.RefusalCode), same values.
    NOT_ALLOWED_IN_STATE = RefusalCode.NOT_ALLOWED_IN_STATE.value
    ACTOR_NOT_ALLOWED = RefusalCode.ACTOR_NOT_ALLOWED.value
    CUSTOMER_CANNOT_CANCEL = RefusalCode.CUSTOMER_CANNOT_CANCEL.value
    CUSTOMER_CANNOT_PAUSE = RefusalCode.CUSTOMER_CANNOT_PAUSE.value
    CUSTOMER_CANNOT_SWITCH = RefusalCode.CUSTOMER_CANNOT_SWITCH.value
    CUSTOMER_CANNOT_CHANGE_QUANTITY = RefusalCode.CUSTOMER_CANNOT_CHANGE_QUANTITY.value
    IMMEDIATE_CANCEL_NOT_ALLOWED = RefusalCode.IMMEDIATE_CANCEL_NOT_ALLOWED.value
    MINIMUM_TERM = RefusalCode.MINIMUM_TERM.value
    NOTICE_PERIOD = RefusalCode.NOTICE_PERIOD.value
    ALREADY_CANCELLING = RefusalCode.ALREADY_CANCELLING.value
    NOTHING_TO_UNDO = RefusalCode.NOTHING_TO_UNDO.value
    NO_PENDING_CANCELLATION = RefusalCode.NO_PENDING_CANCELLATION.value
    REACTIVATION_WINDOW_CLOSED = RefusalCode.REACTIVATION_WINDOW_CLOSED.value
    # The arguments of an action.
    INVALID_QUANTITY = "invalid_quantity"
    SAME_QUANTITY = "same_quantity"
    INVALID_PAUSE_PERIODS = "invalid_pause_periods"
    INVALID_CANCEL_EFFECT = "invalid_cancel_effect"
    INVALID_TIMING = "invalid_timing"
    SAME_PLAN_VERSION = "same_plan_version"
    PLAN_OF_ANOTHER_INSTALLATION = "plan_of_another_installation"
    CURRENCY_MISMATCH = "currency_mismatch"
    CHANNEL_MISMATCH = "channel_mismatch"
    PLAN_ARCHIVED = "plan_archived"
    PRICE_UNKNOWN = "price_unknown"
    START_IN_PAST = "start_in_past"
    NO_SAVED_METHOD = "no_saved_method"
    ALREADY_SKIPPED = "already_skipped"
    DISCOUNT_CODE_INVALID = "discount_code_invalid"
    NOT_DUE = "not_due"
    INVALID_USAGE = "invalid_usage"
    PRICE_CHANGE_OTHER_PLAN = "price_change_other_plan"
    PRICE_CHANGE_OTHER_CALENDAR = "price_change_other_calendar"
    PRICE_CHANGE_TOO_SOON = "price_change_too_soon"
    NOTHING_OWED = "nothing_owed"
    INVALID_FREE_PERIODS = "invalid_free_periods"
    INVALID_ADDRESS = "invalid_address"
    NOT_SHIPPED = "not_shipped"
    CUSTOMER_CANNOT_CHANGE_ADDRESS = "customer_cannot_change_address"
    INVALID_PAYMENT_REFERENCE = "invalid_payment_reference"
    PAID_DATE_IN_FUTURE = "paid_date_in_future"
    INVALID_CREDIT_AMOUNT = "invalid_credit_amount"
    # Moving the next billing date (lifecycle.billing_dates).
    BILLING_DATE_NOT_IN_FUTURE = "billing_date_not_in_future"
    SAME_BILLING_DATE = "same_billing_date"
    BILLING_DATE_TOO_FAR = "billing_date_too_far"
    BILLING_DATE_OFF_ANCHOR = "billing_date_off_anchor"
    FIXED_TERM = "fixed_term"
    RENEWAL_ALREADY_INVOICED = "renewal_already_invoiced"
    OPEN_INVOICE = "open_invoice"
    CANCELLATION_PENDING = "cancellation_pending"
    # Voiding an invoice (renewals.voiding).
    INVOICE_NOT_OPEN = "invoice_not_open"
    INVOICE_PAID = "invoice_paid"
    PAYMENT_IN_FLIGHT = "payment_in_flight"
    CREDIT_APPLIED = "credit_applied"
    # Refunding a paid invoice (payments.staff_refunds).
    INVOICE_NOT_PAID = "invoice_not_paid"
    INVALID_REFUND_AMOUNT = "invalid_refund_amount"
    REFUND_TOO_LARGE = "refund_too_large"
    NOTHING_TO_REFUND = "nothing_to_refund"
    GATEWAY_UNAVAILABLE = "gateway_unavailable"
    REFUND_REFUSED = "refund_refused"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"


class LifecycleError(CodedError):
    """A lifecycle action that was refused: `code` for programs, `message` for people, `field` for forms."""

    code: LifecycleErrorCode

    def __init__(self, code: LifecycleErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(code, message, field)

    def __repr__(self) -> str:
        return f"LifecycleError({self.code.value!r}, {self.message!r}, field={self.field!r})"

    @classmethod
    def from_refusal(cls, refusal: TransitionRefused) -> LifecycleError:
        return cls(LifecycleErrorCode(refusal.code.value), refusal.message)
