import { graphql } from "../gql";

// The staff actions of a subscription's page beyond the main ones (docs/dashboard.md), the installation's time
// zone, and the order and customer popups. Each mutation answers SubscriptionError (field, code, message).

export const TimeZoneQuery = graphql(`
  query InstallationTimeZone {
    installationSettings {
      timeZone
    }
  }
`);

export const SwitchPlansQuery = graphql(`
  query SwitchPlans($channel: String!, $product: ID!) {
    plans(channel: $channel, product: $product) {
      id
      name
      currency
      terms {
        interval
        intervalCount
        price
      }
    }
  }
`);

export const StaffSwitchMutation = graphql(`
  mutation StaffSubscriptionSwitch(
    $id: ID!
    $planId: ID!
    $timing: SwitchTiming
    $discountCode: String
    $preview: Boolean
    $reason: String
  ) {
    staffSubscriptionSwitch(
      id: $id
      planId: $planId
      timing: $timing
      discountCode: $discountCode
      preview: $preview
      reason: $reason
    ) {
      preview {
        amountDueNow
        creditNow
        currency
        direction
        effectiveOn
        timing
        nextPeriodTotal
        lines {
          amount
          description
          kind
        }
      }
      changeInvoice
      creditNote
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffQuantityMutation = graphql(`
  mutation StaffSubscriptionQuantityChange($id: ID!, $quantity: Int!, $reason: String) {
    staffSubscriptionQuantityChange(id: $id, quantity: $quantity, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffPriceChangeMutation = graphql(`
  mutation StaffSubscriptionPriceChange($id: ID!, $version: Int!, $effectiveOn: Date, $reason: String) {
    staffSubscriptionPriceChange(id: $id, version: $version, effectiveOn: $effectiveOn, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffFreePeriodsMutation = graphql(`
  mutation StaffSubscriptionFreePeriodsGrant($id: ID!, $periods: Int!, $reason: String) {
    staffSubscriptionFreePeriodsGrant(id: $id, periods: $periods, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffCreditGrantMutation = graphql(`
  mutation StaffSubscriptionCreditGrant($id: ID!, $amount: Decimal!, $reason: String) {
    staffSubscriptionCreditGrant(id: $id, amount: $amount, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffDiscountCodeMutation = graphql(`
  mutation StaffSubscriptionDiscountCodeAdd($id: ID!, $discountCode: String!, $reason: String) {
    staffSubscriptionDiscountCodeAdd(id: $id, discountCode: $discountCode, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffShippingAddressMutation = graphql(`
  mutation StaffSubscriptionShippingAddressUpdate($id: ID!, $address: SubscriptionAddressInput!, $reason: String) {
    staffSubscriptionShippingAddressUpdate(id: $id, address: $address, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffReactivateMutation = graphql(`
  mutation StaffSubscriptionReactivate($id: ID!, $reason: String) {
    staffSubscriptionReactivate(id: $id, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffInvoiceRefundMutation = graphql(`
  mutation SubscriptionInvoiceRefund(
    $id: ID!
    $amount: Decimal
    $as: InvoiceRefundAs!
    $idempotencyKey: String
    $reason: String
  ) {
    staffInvoiceRefund(id: $id, amount: $amount, as: $as, idempotencyKey: $idempotencyKey, reason: $reason) {
      refundedAmount
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const OrderSubscriptionsQuery = graphql(`
  query OrderSubscriptions($order: ID!) {
    subscriptions(filter: { saleorOrder: $order, status: [TRIALING, ACTIVE, PAST_DUE, SUSPENDED, PAUSED, CANCELLED, EXPIRED, INCOMPLETE] }, first: 20) {
      edges {
        node {
          id
          number
          status
          customerEmail
          amount
          currency
          plan {
            name
          }
          nextBillingAt
          saleorOrders {
            id
            invoiceNumber
            billingReason
          }
        }
      }
    }
  }
`);

export const CustomerBillingQuery = graphql(`
  query CustomerBillingPopup($customer: String!) {
    customerBilling(customer: $customer) {
      customer
      creditBalance {
        amount
        currency
      }
      subscriptions {
        id
        number
        status
        amount
        currency
        plan {
          name
        }
        nextBillingAt
      }
      invoices {
        id
        number
        status
        total
        currency
        dueAt
        documentUrl
        subscriptionId
      }
    }
  }
`);
