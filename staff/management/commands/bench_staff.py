"""Benchmark of the staff applications list against Django admin's changelist (PRODUCT section 9).

Reuses the eligibility benchmark's call (seeding it when missing), then requests, in one run and
alternately, our filtered list and the admin changelist for the same filters and page size,
through Django's test client, and prints the median latency of each. Last line: JSON.
"""

import json
import statistics
import time

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.admin import ApplicationAdmin
from missions.management.commands.bench_eligibility import BENCH_CALL
from missions.models import Application, Call
from staff.views import PAGE_SIZE

BENCH_MANAGER = "bench-manager@bench.invalid"


class Command(BaseCommand):
    help = "Time the staff applications list against the admin changelist, side by side."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=50_000)
        parser.add_argument("--requests", type=int, default=15)

    def handle(self, *args, applications: int, requests: int, **options):
        call = Call.objects.filter(title=BENCH_CALL).first()
        if call is None or call.applications.count() != applications:
            call_command("bench_eligibility", applications=applications, stdout=self.stdout)
            call = Call.objects.get(title=BENCH_CALL)
        client = Client(SERVER_NAME="localhost")
        client.force_login(self._manager())
        status = Application.objects.filter(call=call).values_list("status", flat=True).first()
        ours = f"{reverse('staff:applications')}?call={call.pk}&status={status}"
        admin = (
            f"{reverse('admin:missions_application_changelist')}"
            f"?call__id__exact={call.pk}&status__exact={status}"
        )
        if ApplicationAdmin.list_per_page != PAGE_SIZE:
            raise RuntimeError("The admin and our list must show the same page size.")
        for url in (ours, admin):  # warm caches and connections
            self._get(client, url)
        timings = {"ours": [], "admin": []}
        queries = {}
        for _ in range(requests):
            for name, url in (("ours", ours), ("admin", admin)):
                seconds, count = self._get(client, url)
                timings[name].append(seconds)
                queries[name] = count
        ours_ms = statistics.median(timings["ours"]) * 1000
        admin_ms = statistics.median(timings["admin"]) * 1000
        result = {
            "benchmark": "staff_list_vs_admin",
            "database": connection.vendor,
            "applications": call.applications.count(),
            "page_size": PAGE_SIZE,
            "requests": requests,
            "ours_ms": round(ours_ms, 1),
            "admin_ms": round(admin_ms, 1),
            "ratio": round(admin_ms / ours_ms, 2),
            "ours_queries": queries["ours"],
            "admin_queries": queries["admin"],
        }
        self.stdout.write(
            f"Staff list: {result['ours_ms']} ms median ({result['ours_queries']} queries); "
            f"admin changelist: {result['admin_ms']} ms ({result['admin_queries']} queries); "
            f"ratio admin/ours = {result['ratio']}."
        )
        self.stdout.write(json.dumps(result))

    def _get(self, client, url):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return seconds, len(captured)

    def _manager(self):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            email=BENCH_MANAGER, defaults={"is_staff": True, "is_superuser": True}
        )
        user.groups.add(Group.objects.get_or_create(name="programme_managers")[0])
        if created:
            TOTP.activate(user, generate_totp_secret())
        return user
