"""WSGI entry point: ``waitress-serve tumbuh.wsgi:application`` (or any WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumbuh.settings")

application = get_wsgi_application()
