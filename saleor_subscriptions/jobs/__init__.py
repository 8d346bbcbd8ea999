"""Background jobs the shop owner starts and watches: bulk actions on subscriptions and the sandbox's test
clock. A job is a row with its progress and one result row per subscription, run in chunks by a Celery task
that can be run again after a crash without doing anything twice (docs/api.md "Background jobs")."""
