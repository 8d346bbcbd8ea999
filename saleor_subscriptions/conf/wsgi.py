"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application

from saleor_subscriptions.conf.warm import load_and_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
application = get_wsgi_application()
load_and_freeze()
