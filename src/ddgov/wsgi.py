"""WSGI entry point for production servers (gunicorn ``ddgov.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
application = get_wsgi_application()
