import { graphql } from "../gql";

// The settings page's documents (src/pages/settings/; docs/dashboard.md "Settings").

export const InstallationSettingsFields = graphql(`
  fragment InstallationSettingsFields on InstallationSettings {
    shopName
    emailSender
    timeZone
    language
    dueHour
    invoicePrefix
    sandbox
    dunningPolicy {
      onFirstFailure
      retryDays
      suspendDay
      terminationWarningDay
      cancelDay
      reactivationWindowDays
    }
    selfService {
      cancel
      pause
      switch
      quantity
      address
      contacts
    }
  }
`);

export const InstallationSettingsQuery = graphql(`
  query InstallationSettings {
    installationSettings {
      ...InstallationSettingsFields
    }
  }
`);

export const InstallationSettingsUpdateMutation = graphql(`
  mutation InstallationSettingsUpdate(
    $shopName: String
    $emailSender: String
    $timeZone: String
    $language: ShopLanguage
    $dueHour: Int
    $invoicePrefix: String
    $sandbox: Boolean
    $dunningPolicy: DunningPolicyInput
    $selfServiceCancel: SelfServiceCancel
    $selfServicePause: Boolean
    $selfServiceSwitch: Boolean
    $selfServiceQuantity: Boolean
    $selfServiceAddress: Boolean
    $selfServiceContacts: Boolean
  ) {
    installationSettingsUpdate(
      shopName: $shopName
      emailSender: $emailSender
      timeZone: $timeZone
      language: $language
      dueHour: $dueHour
      invoicePrefix: $invoicePrefix
      sandbox: $sandbox
      dunningPolicy: $dunningPolicy
      selfServiceCancel: $selfServiceCancel
      selfServicePause: $selfServicePause
      selfServiceSwitch: $selfServiceSwitch
      selfServiceQuantity: $selfServiceQuantity
      selfServiceAddress: $selfServiceAddress
      selfServiceContacts: $selfServiceContacts
    ) {
      installationSettings {
        ...InstallationSettingsFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      id
      name
      prefix
      scopes
      createdAt
      createdBy
      lastUsedAt
      revokedAt
    }
  }
`);

export const ApiKeyCreateMutation = graphql(`
  mutation ApiKeyCreate($name: String!, $scopes: [ApiKeyScope!]!) {
    apiKeyCreate(name: $name, scopes: $scopes) {
      secret
      apiKey {
        id
        name
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ApiKeyRevokeMutation = graphql(`
  mutation ApiKeyRevoke($id: ID!) {
    apiKeyRevoke(id: $id) {
      apiKey {
        id
        revokedAt
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints($deliveries: Int) {
    webhookEndpoints {
      id
      url
      description
      eventTypes
      isActive
      createdAt
      recentDeliveries(first: $deliveries) {
        id
        eventId
        eventType
        status
        attempts
        createdAt
        completedAt
        nextAttemptAt
        log {
          number
          at
          statusCode
          durationMs
          error
        }
      }
    }
  }
`);

export const WebhookEndpointCreateMutation = graphql(`
  mutation WebhookEndpointCreate(
    $url: String!
    $description: String
    $eventTypes: [WebhookEventType!]
    $isActive: Boolean
  ) {
    webhookEndpointCreate(url: $url, description: $description, eventTypes: $eventTypes, isActive: $isActive) {
      secret
      webhookEndpoint {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const WebhookEndpointUpdateMutation = graphql(`
  mutation WebhookEndpointUpdate(
    $id: ID!
    $url: String
    $description: String
    $eventTypes: [WebhookEventType!]
    $isActive: Boolean
    $rotateSecret: Boolean
  ) {
    webhookEndpointUpdate(
      id: $id
      url: $url
      description: $description
      eventTypes: $eventTypes
      isActive: $isActive
      rotateSecret: $rotateSecret
    ) {
      secret
      webhookEndpoint {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const WebhookEndpointDeleteMutation = graphql(`
  mutation WebhookEndpointDelete($id: ID!) {
    webhookEndpointDelete(id: $id) {
      deletedId
      errors {
        field
        code
        message
      }
    }
  }
`);

export const DiscountCodeFields = graphql(`
  fragment DiscountCodeFields on DiscountCode {
    id
    code
    active
    kind
    percent
    amountOff
    currency
    duration
    durationPeriods
    appliesTo
    plans
    maxRedemptions
    maxPerCustomer
    validFrom
    validUntil
    redemptionCount
    createdAt
  }
`);

export const DiscountCodesQuery = graphql(`
  query DiscountCodes($search: String, $active: Boolean, $first: Int, $after: String) {
    discountCodes(search: $search, active: $active, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...DiscountCodeFields
        }
      }
    }
  }
`);

export const DiscountCodeCreateMutation = graphql(`
  mutation DiscountCodeCreate($input: DiscountCodeCreateInput!, $reason: String) {
    staffDiscountCodeCreate(input: $input, reason: $reason) {
      discountCode {
        ...DiscountCodeFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const DiscountCodeUpdateMutation = graphql(`
  mutation DiscountCodeUpdate($id: ID!, $input: DiscountCodeUpdateInput!, $reason: String) {
    staffDiscountCodeUpdate(id: $id, input: $input, reason: $reason) {
      discountCode {
        ...DiscountCodeFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const DiscountCodeDeactivateMutation = graphql(`
  mutation DiscountCodeDeactivate($id: ID!, $reason: String) {
    staffDiscountCodeDeactivate(id: $id, reason: $reason) {
      discountCode {
        ...DiscountCodeFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const BillingIntegrityQuery = graphql(`
  query BillingIntegrity($limit: Int) {
    billingIntegrity(limit: $limit) {
      truncated
      findings {
        rule
        expected
        found
        subscriptionId
        invoiceId
        invoiceNumber
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

// The Documents section: the seller's details on invoices, the accent colour and the logo (its upload is
// `PUT /api/shop/logo`, not GraphQL: src/pages/settings/DocumentsSectionLogo.tsx).

export const DocumentSettingsFields = graphql(`
  fragment DocumentSettingsFields on InstallationSettings {
    seller {
      name
      address
      vatNumber
      registrationNumber
      missing
    }
    accentColour
    logoUrl
  }
`);

export const DocumentSettingsQuery = graphql(`
  query DocumentSettings {
    installationSettings {
      ...DocumentSettingsFields
    }
  }
`);

export const DocumentSettingsUpdateMutation = graphql(`
  mutation DocumentSettingsUpdate($seller: SellerDetailsInput, $accentColour: String) {
    installationSettingsUpdate(seller: $seller, accentColour: $accentColour) {
      installationSettings {
        ...DocumentSettingsFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

/** Every plan of the shop (archived too) for a discount code's plan picker; MANAGE_ORDERS or MANAGE_PRODUCTS. */
export const DiscountPlanChoicesQuery = graphql(`
  query DiscountPlanChoices {
    planChoices {
      id
      name
      currency
      channel
      archivedAt
    }
  }
`);
