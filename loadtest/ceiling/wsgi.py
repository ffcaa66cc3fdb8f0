"""WSGI entry point of the ceiling project (``gunicorn -c gunicorn.conf.py loadtest.ceiling.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.ceiling.settings")

application = get_wsgi_application()
