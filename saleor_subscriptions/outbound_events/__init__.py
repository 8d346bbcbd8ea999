"""Events out: what happens to subscriptions, invoices and credit notes, recorded for the shop's webhook
endpoints in the same transaction as the change (docs/events.md). `event_delivery` sends them."""
