"""The Saleor adapter: the app's install, the client and its GraphQL documents, webhook intake and signatures,
the checkout hook, activation from orders, and renewal orders in Saleor (docs/saleor.md)."""
