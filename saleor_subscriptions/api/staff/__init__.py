"""The shop owner's read side of the API: staff queries of subscriptions, invoices, credit notes, customers'
billing and discount codes, and the CSV exports."""
