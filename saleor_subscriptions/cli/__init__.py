"""The `saleor-subscriptions` command line."""
