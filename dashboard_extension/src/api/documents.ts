import { graphql } from "../gql";

export const PlanFields = graphql(`
  fragment PlanFields on Plan {
    id
    name
    variantId
    channel
    currency
    isDefault
    status
    terms {
      version
      interval
      intervalCount
      price
      setupFee
      trialDays
      trialIntervals
      billingCycles
      anchorMode
      anchorDay
      shortMonthRule
      invoiceLeadDays
      renewalReminderDays
      customerCanCancel
      customerCanPause
      minimumCycles
      cancelNoticeDays
      cancelEffect
      cancelCredit
      priceChangeNoticeDays
      usagePrices {
        metric
        price
      }
    }
  }
`);

export const ProductPlansQuery = graphql(`
  query ProductPlans($product: ID!, $channel: String!) {
    plans(product: $product, channel: $channel) {
      ...PlanFields
    }
  }
`);

export const PlanCreateMutation = graphql(`
  mutation PlanCreate($input: PlanCreateInput!) {
    planCreate(input: $input) {
      plan {
        ...PlanFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const PlanUpdateMutation = graphql(`
  mutation PlanUpdate($id: ID!, $input: PlanUpdateInput!) {
    planUpdate(id: $id, input: $input) {
      plan {
        ...PlanFields
      }
      newVersion
      scheduledSubscriptions
      errors {
        field
        code
        message
      }
    }
  }
`);

export const PlanArchiveMutation = graphql(`
  mutation PlanArchive($id: ID!) {
    planArchive(id: $id) {
      plan {
        id
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const SchedulePreviewQuery = graphql(`
  query SchedulePreview(
    $terms: PlanTermsInput
    $planId: ID
    $currency: String
    $channelPrice: Decimal
    $periods: Int
  ) {
    schedulePreview(
      terms: $terms
      planId: $planId
      currency: $currency
      channelPrice: $channelPrice
      periods: $periods
    ) {
      currency
      timeZone
      charges {
        dueDate
        periodStart
        periodEnd
        amount
        lines {
          kind
          description
          amount
        }
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const StripeSettingsQuery = graphql(`
  query StripeSettings($channel: String) {
    stripeSettings(channel: $channel) {
      channel
      mode
      publishableKey
      hasWebhookSecret
      webhookUrl
      webhookEvents
      verifiedAt
    }
  }
`);

export const StripeSettingsUpdateMutation = graphql(`
  mutation StripeSettingsUpdate(
    $channel: String
    $secretKey: String!
    $publishableKey: String!
    $webhookSecret: String
  ) {
    stripeSettingsUpdate(
      channel: $channel
      secretKey: $secretKey
      publishableKey: $publishableKey
      webhookSecret: $webhookSecret
    ) {
      stripeSettings {
        channel
        mode
        publishableKey
        hasWebhookSecret
        webhookUrl
        webhookEvents
        verifiedAt
      }
      errors {
        field
        code
        message
      }
    }
  }
`);
