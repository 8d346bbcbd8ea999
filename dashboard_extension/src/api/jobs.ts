import { graphql } from "../gql";

export const BackgroundJobFields = graphql(`
  fragment BackgroundJobFields on BackgroundJob {
    id
    kind
    status
    total
    done
    failed
    message
    createdAt
    finishedAt
  }
`);

export const SubscriptionsBulkActionMutation = graphql(`
  mutation SubscriptionsBulkAction(
    $action: SubscriptionBulkAction!
    $ids: [ID!]
    $filter: SubscriptionFilterInput
    $search: String
    $periods: Int
    $effect: PlanCancelEffect
    $credit: Boolean
    $version: Int
    $effectiveOn: Date
    $reason: String
  ) {
    staffSubscriptionsBulkAction(
      action: $action
      ids: $ids
      filter: $filter
      search: $search
      periods: $periods
      effect: $effect
      credit: $credit
      version: $version
      effectiveOn: $effectiveOn
      reason: $reason
    ) {
      job {
        ...BackgroundJobFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const BackgroundJobQuery = graphql(`
  query BackgroundJob($id: ID!) {
    backgroundJob(id: $id) {
      ...BackgroundJobFields
      failures: results(outcome: FAILED, first: 200) {
        subscriptionId
        number
        code
        message
      }
    }
  }
`);

export const TestClockQuery = graphql(`
  query TestClock {
    testClock {
      now
      sandbox
      job {
        ...BackgroundJobFields
      }
    }
  }
`);

export const TestClockAdvanceMutation = graphql(`
  mutation TestClockAdvance($to: DateTime!) {
    testClockAdvance(to: $to) {
      job {
        ...BackgroundJobFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const PlanChoicesQuery = graphql(`
  query PlanChoices {
    planChoices {
      id
      name
      productId
      channel
      currency
      archivedAt
      terms {
        version
      }
    }
  }
`);
