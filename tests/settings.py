"""Test settings: the real settings, with only what must differ for speed and isolation."""

import os

# Development defaults (embedded secret key, plain HTTP); pytest-django still runs with DEBUG off.
os.environ.setdefault("DJANGO_DEBUG", "1")

# `make test` runs the suite in two processes (pytest-xdist): each has its own test database
# (pytest-django) and its own Redis databases, REDIS_DB_STRIDE apart (its broker, its cache, the
# fault tests' queues: tests.conftest.own_redis_url), so that no worker takes another's task.
# Set before the project's settings are read: Celery reads CELERY_BROKER_URL from the
# environment, and the environment wins.
REDIS_DB_STRIDE = 8
XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def shifted(url: str) -> str:
    base, _slash, db = url.rpartition("/")
    return f"{base}/{int(db or 0) + REDIS_DB_STRIDE * XDIST_WORKER}"


for _name in ("CELERY_BROKER_URL", "REDIS_URL"):
    if os.environ.get(_name, "").startswith("redis://") and XDIST_WORKER:
        os.environ[_name] = shifted(os.environ[_name])

from anvt.settings import *  # noqa: E402, F403 (after the environment above)

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
