"""Test settings: the real settings, with only what must differ for speed and isolation."""

import os

# Development defaults (embedded secret key, plain HTTP); pytest-django still runs with DEBUG off.
os.environ.setdefault("DJANGO_DEBUG", "1")

from anvt.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / "test-private"), "base_url": None},  # noqa: F405
    },
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
