import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from kombu import Connection

from anvt.public_cache import public_page

logger = logging.getLogger(__name__)


def bare(request):
    """The HTTP benchmark's baseline: Django's own cost, with no query and no template."""
    return HttpResponse("ok", content_type="text/plain")


@public_page
def home(request):
    return render(request, "home.html")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _broker_ok() -> bool:
    """The broker answers within two seconds (a broker that accepts connections but never
    answers counts as down, instead of hanging the check)."""
    options = {"socket_timeout": 2, "socket_connect_timeout": 2}
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            if conn.transport_cls in ("redis", "rediss"):
                conn.default_channel.client.ping()
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


@never_cache
def healthz(request):
    """200 when every configured service answers, 503 naming the failing ones otherwise."""
    checks = {"database": "ok" if _database_ok() else "error"}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = "ok" if _broker_ok() else "error"
    else:
        checks["broker"] = "eager"
    healthy = "error" not in checks.values()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
