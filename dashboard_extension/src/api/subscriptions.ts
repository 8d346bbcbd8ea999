import { graphql } from "../gql";

export const SubscriptionListQuery = graphql(`
  query SubscriptionList(
    $filter: SubscriptionFilterInput
    $search: String
    $sortBy: SubscriptionSortingInput
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    subscriptions(
      filter: $filter
      search: $search
      sortBy: $sortBy
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          id
          number
          status
          customerEmail
          customerName
          amount
          currency
          attention
          plan {
            name
          }
          nextBillingAt
          createdAt
        }
      }
    }
  }
`);

export const SubscriptionCountsQuery = graphql(`
  query SubscriptionCounts($filter: SubscriptionFilterInput, $attentionFilter: SubscriptionFilterInput, $search: String) {
    byStatus: subscriptions(filter: $filter, search: $search, first: 1) {
      statusCounts {
        status
        count
      }
    }
    attention: subscriptions(filter: $attentionFilter, search: $search, first: 1) {
      totalCount
    }
  }
`);

const SubscriptionErrorFields = graphql(`
  fragment SubscriptionErrorFields on SubscriptionError {
    field
    code
    message
  }
`);

export const SubscriptionDetailQuery = graphql(`
  query SubscriptionDetail($id: ID!) {
    subscription(id: $id) {
      id
      number
      status
      channel
      currency
      quantity
      amount
      unitPrice
      customerEmail
      customerName
      customerUserId
      createdAt
      startedAt
      currentPeriodStart
      currentPeriodEnd
      nextBillingAt
      trialEnd
      cancelAt
      cancelledAt
      cancelReason
      pausedAt
      suspendedAt
      endedAt
      attention
      plan {
        id
        name
        productId
        channel
        terms {
          interval
          intervalCount
          price
          version
          priceChangeNoticeDays
        }
      }
      terms {
        version
      }
      paymentMethod {
        type
        brand
        last4
      }
      paymentMethodType
      events {
        at
        actorType
        actorId
        kind
        fromStatus
        toStatus
        reason
      }
      invoiceDetails {
        id
        number
        status
        billingReason
        currency
        total
        amountDue
        dueAt
        paidAt
        periodStart
        periodEnd
        documentUrl
        creditNotes {
          amount
        }
      }
      saleorOrders {
        id
        invoiceNumber
        billingReason
      }
      creditBalance {
        currency
        amount
      }
      pendingChanges {
        plan {
          name
        }
        planFrom
        quantity
        cancelAt
        pausePeriodsRemaining
        skippedPeriods
      }
      dunning {
        pastDueSince
        daysDone
        nextStep {
          day
          action
        }
        nextStepAt
        steps {
          day
          action
        }
      }
    }
  }
`);

export const StaffCancelMutation = graphql(`
  mutation StaffSubscriptionCancel($id: ID!, $effect: PlanCancelEffect, $reason: String) {
    staffSubscriptionCancel(id: $id, effect: $effect, reason: $reason) {
      subscription {
        id
        status
      }
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffCancelUndoMutation = graphql(`
  mutation StaffSubscriptionCancelUndo($id: ID!, $reason: String) {
    staffSubscriptionCancelUndo(id: $id, reason: $reason) {
      subscription {
        id
        status
      }
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffPauseMutation = graphql(`
  mutation StaffSubscriptionPause($id: ID!, $periods: Int, $reason: String) {
    staffSubscriptionPause(id: $id, periods: $periods, reason: $reason) {
      subscription {
        id
        status
      }
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffResumeMutation = graphql(`
  mutation StaffSubscriptionResume($id: ID!, $reason: String) {
    staffSubscriptionResume(id: $id, reason: $reason) {
      subscription {
        id
        status
      }
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffSkipMutation = graphql(`
  mutation StaffSubscriptionSkipNextPeriod($id: ID!, $reason: String) {
    staffSubscriptionSkipNextPeriod(id: $id, reason: $reason) {
      subscription {
        id
        status
      }
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffInvoiceRetryMutation = graphql(`
  mutation StaffInvoiceRetry($id: ID!, $reason: String) {
    staffInvoiceRetry(id: $id, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffInvoiceMarkPaidMutation = graphql(`
  mutation StaffInvoiceMarkPaid($id: ID!, $reference: String!, $paidOn: Date!, $reason: String) {
    staffInvoiceMarkPaid(id: $id, reference: $reference, paidOn: $paidOn, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export const StaffInvoiceVoidMutation = graphql(`
  mutation StaffInvoiceVoid($id: ID!, $reason: String) {
    staffInvoiceVoid(id: $id, reason: $reason) {
      errors {
        ...SubscriptionErrorFields
      }
    }
  }
`);

export { SubscriptionErrorFields };
