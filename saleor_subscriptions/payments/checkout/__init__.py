"""The app as Saleor's payment gateway for checkouts (Saleor's sync HANDLE_PAYMENTS webhooks) on Stripe.

`webhooks` lists the six sync webhooks (manifest and routes), `views` receives them (stored and verified like
the async ones, answered inline), `payloads` reads what Saleor sent, `sessions` and `actions` handle them,
`intents` talks to Stripe, `results` turns Stripe's objects into Saleor's response shapes, `methods` keeps the
payment method renewals are charged to. See docs/payments-checkout.md.
"""
