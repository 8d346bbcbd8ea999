"""The app's GraphQL API (graphene) at /graphql/, for storefronts (customer JWT) and the dashboard."""
