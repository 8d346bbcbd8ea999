"""The shop owner's figures: MRR and its movements, subscriber counts, churn, recovery, upcoming and collected
revenue (`subscription_report`), and the billing integrity checks (`integrity`). Read-only over the domain's
tables, set-based SQL; see docs/reports.md for what each figure is."""
