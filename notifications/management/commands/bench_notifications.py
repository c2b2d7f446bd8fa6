"""Benchmark of the outbox drain (PRODUCT section 6): create N pending e-mails, queue them as the
application does, and time a real Celery worker (in this process, over the configured broker)
until every one is sent through the local-memory e-mail backend. The SQL queries per
notification are counted on a separate sample delivered in this thread by the same function the
task runs (`notifications.services.deliver`). Last line: JSON."""

import json
import time

from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from anvt.celery import app
from notifications.models import Channel, Notification, State
from notifications.services import BATCH_SIZE, Message, deliver, dispatch, render

BENCH_DOMAIN = "bench-notifications.invalid"


class Command(BaseCommand):
    help = "Time the delivery of N pending e-mail notifications by a real worker."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--timeout", type=int, default=600)

    def handle(self, *args, count: int, timeout: int, **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0): a worker is timed."
            )
        ids = self._pending(count)
        self.stdout.write(f"{count} pending e-mails created; starting the worker…")
        mailers = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        app.conf.task_always_eager = False
        with override_settings(MAILERS=mailers):
            with start_worker(
                app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"
            ):
                started = time.perf_counter()
                dispatch(ids)
                while Notification.objects.filter(pk__in=ids).exclude(state=State.SENT).exists():
                    if time.perf_counter() - started > timeout:
                        raise CommandError(f"not drained within {timeout} s")
                    time.sleep(0.05)
                seconds = time.perf_counter() - started
            sample = self._pending(min(count, 1000))
            with CaptureQueriesContext(connection) as queries:
                for start in range(0, len(sample), BATCH_SIZE):
                    deliver(sample[start : start + BATCH_SIZE])
            Notification.objects.filter(pk__in=sample).delete()
        sent = Notification.objects.filter(pk__in=ids, state=State.SENT).count()
        twice = Notification.objects.filter(pk__in=ids, attempts__gt=1).count()
        Notification.objects.filter(pk__in=ids).delete()
        result = {
            "benchmark": "notification_drain",
            "database": connection.vendor,
            "broker": settings.CELERY_BROKER_URL.split("://", 1)[0],
            "count": count,
            "sent": sent,
            "retried": twice,
            "seconds": round(seconds, 3),
            "per_second": round(count / seconds, 1),
            "queries_per_notification": round(len(queries) / len(sample), 3),
        }
        self.stdout.write(
            f"{sent} e-mails sent in {result['seconds']} s: {result['per_second']} per second, "
            f"{result['queries_per_notification']} SQL queries per notification."
        )
        self.stdout.write(json.dumps(result))

    def _pending(self, count: int) -> list[int]:
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            email=f"reader@{BENCH_DOMAIN}", defaults={"password": "!"}
        )
        template = render(Message(user=user, event="account_created"), Channel.EMAIL)
        rows = []
        for start in range(0, count, 5000):
            rows += Notification.objects.bulk_create(
                Notification(
                    user=user,
                    event=template.event,
                    channel=Channel.EMAIL,
                    language=template.language,
                    subject=template.subject,
                    body=template.body,
                    body_html=template.body_html,
                )
                for _ in range(min(5000, count - start))
            )
        return [row.pk for row in rows]
