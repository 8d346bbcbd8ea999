"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from saleor_subscriptions.conf.warm import load_and_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
application = get_asgi_application()
load_and_freeze()
