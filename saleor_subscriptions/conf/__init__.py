"""The Django project: settings from the environment, urls, wsgi/asgi, and the Celery app."""
