"""Saleor's webhooks: the intake (store, verify, refuse), the task that applies a delivery, and one module per
event the app subscribes to (`registry.WEBHOOKS` lists them; the manifest registers exactly those)."""
