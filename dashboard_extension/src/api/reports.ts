import { graphql } from "../gql";

export const SubscriptionReportQuery = graphql(`
  query SubscriptionReport($channel: String, $currency: String, $from: Date!, $to: Date!, $granularity: ReportGranularity) {
    subscriptionReport(channel: $channel, currency: $currency, from: $from, to: $to, granularity: $granularity) {
      errors {
        field
        code
        message
      }
      report {
        currency
        channel
        from
        to
        granularity
        timeZone
        buckets {
          start
          end
          mrr
          arr
          openingMrr
          activeSubscriptions
          newSubscriptions
          reactivatedSubscriptions
          movements {
            new
            expansion
            contraction
            churn
            churnVoluntary
            churnNonpayment
            reactivation
            net
          }
          churnedSubscriptions {
            voluntary
            nonpayment
            rate
          }
          trials {
            trialing
            started
            ended
            converted
            conversionRate
          }
          paymentRecovery {
            failedInvoices
            failedAmount
            recoveredInvoices
            recoveredAmount
            rate
          }
        }
        upcomingRevenue {
          days
          openInvoices
          renewals
          total
        }
        revenueByPlan {
          planId
          planName
          invoices
          amount
        }
      }
    }
  }
`);
