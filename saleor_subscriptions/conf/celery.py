"""The Celery app: configured from Django settings (CELERY_*), tasks found in every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")

app = Celery("saleor_subscriptions")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    timezone="UTC",
    enable_utc=True,
    broker_connection_retry_on_startup=True,
)
app.conf.beat_schedule = {
    # What is due is enqueued in batches every minute; workers claim batches with SKIP LOCKED.
    "enqueue-due-renewals": {"task": "renewals.enqueue_due_renewals", "schedule": 60.0},
    "run-dunning": {"task": "renewals.run_dunning", "schedule": 300.0},
    "resume-unfinished-renewals": {"task": "renewals.resume_unfinished", "schedule": 120.0},
    "send-trial-notices": {"task": "renewals.send_trial_notices", "schedule": 600.0},
    "send-renewal-reminders": {"task": "renewals.send_renewal_reminders", "schedule": 600.0},
    "lapse-unpaid-signups": {"task": "renewals.lapse_unpaid_signups", "schedule": 600.0},
    # Emails whose send task was lost (a crash between commit and enqueue) are picked up here.
    "send-due-emails": {"task": "notifications.send_due_emails", "schedule": 300.0},
    # Saleor: webhook deliveries whose processing task was lost are processed here; installations whose
    # token Saleor no longer takes are found out and marked removed; paid invoices recorded on their orders.
    "process-pending-webhooks": {"task": "saleor.process_pending_webhooks", "schedule": 300.0},
    "check-installations": {"task": "saleor.check_installations", "schedule": 3600.0},
    "record-paid-orders": {"task": "saleor.record_paid_orders", "schedule": 60.0},
    # Events out: new events and retries due are sent to the shops' webhook endpoints.
    "deliver-due-events": {"task": "event_delivery.deliver_due", "schedule": 10.0},
    "purge-old-events": {"task": "event_delivery.purge_old_events", "schedule": 3600.0},
    # Background jobs (bulk actions, the test clock) whose worker died are sent again.
    "resume-background-jobs": {"task": "jobs.resume_stalled", "schedule": 120.0},
    # Reports: the MRR change table brought up to the newest events, so that no report builds it.
    "refresh-mrr-changes": {"task": "reports.refresh_mrr_changes", "schedule": 60.0},
    # Stripe: events stored by the webhook view whose processing task was lost.
    "process-pending-stripe-events": {"task": "stripe_webhooks.process_pending", "schedule": 300.0},
    # Portal: one-time links, sessions and guests' sign-in requests past their life (portal/purge.py).
    "purge-old-portal-rows": {"task": "portal.purge_old_rows", "schedule": 3600.0},
}
app.autodiscover_tasks()
