"""The composition root: settings from the environment, urls, the manifest, the renewals' production ports,
wsgi/asgi, and the Celery app.

The Celery app is loaded with the settings, so every process (web server, worker, command line) sends its
tasks to CELERY_BROKER_URL and honours CELERY_TASK_ALWAYS_EAGER, not Celery's default broker.
"""

from saleor_subscriptions.conf.celery import app as celery_app

__all__ = ["celery_app"]
