#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anvt.settings")
    if not any(
        name in os.environ
        for name in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE")
    ):
        # A checkout with no configuration at all is a developer's: manage.py then uses the
        # development defaults. Servers (gunicorn, Celery) keep DEBUG off and require the key.
        os.environ["DJANGO_DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
