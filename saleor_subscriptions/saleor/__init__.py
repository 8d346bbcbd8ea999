"""The Saleor adapter: GraphQL documents, webhook signature checks and JWT verification (more to come)."""
