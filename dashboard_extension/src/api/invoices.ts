import { graphql } from "../gql";

export const InvoiceListQuery = graphql(`
  query InvoiceList(
    $filter: InvoiceFilterInput
    $search: String
    $sortBy: InvoiceSortingInput
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    invoices(
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
          currency
          total
          amountDue
          dueAt
          channel
          customerEmail
          customerName
          subscriptionId
          subscriptionNumber
          orderProblem
          payments {
            status
            declineCode
          }
        }
      }
    }
  }
`);

export const InvoiceDetailQuery = graphql(`
  query InvoiceDetail($id: ID!) {
    invoice(id: $id) {
      id
      number
      status
      billingReason
      currency
      channel
      subscriptionId
      subscriptionNumber
      customerEmail
      customerName
      periodStart
      periodEnd
      subtotal
      tax
      total
      creditApplied
      amountDue
      amountPaid
      refundable
      dueAt
      issuedAt
      paidAt
      closedAt
      saleorOrderId
      orderProblem
      documentUrl
      lines {
        position
        kind
        description
        formula
        quantity
        unitAmount
        amount
        taxAmount
      }
      payments {
        number
        status
        amount
        currency
        stripeReference
        declineCode
        createdAt
        completedAt
      }
      refunds {
        amount
        stripePaymentIntent
        reason
        createdAt
        doneAt
        lastError
      }
      creditNotes {
        id
        number
        amount
        reason
        createdAt
        stripeRefund
      }
    }
  }
`);

export const StaffInvoiceRefundMutation = graphql(`
  mutation StaffInvoiceRefund($id: ID!, $amount: Decimal, $as: InvoiceRefundAs!, $reason: String, $idempotencyKey: String) {
    staffInvoiceRefund(id: $id, amount: $amount, as: $as, reason: $reason, idempotencyKey: $idempotencyKey) {
      refundedAmount
      stripeRefund
      creditNote {
        number
      }
      errors {
        field
        code
        message
      }
    }
  }
`);
