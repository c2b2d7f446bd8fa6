"""Benchmark of the whole-call eligibility re-check (PRODUCT section 9).

Seeds (or reuses) a call with N applications of N volunteers, then times `checking.run_batch`
twice: from scratch (every report computed and written) and again on unchanged data (every
fingerprint matches, nothing is written). The last line printed is a JSON object.
"""

import json
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from anvt.celery import app
from missions import checking
from missions.enums import ApplicationStatus, Direction, MissionStatus
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    EligibilityBatch,
    EligibilityReport,
    Mission,
    Theme,
)
from notifications.models import Notification
from partners.enums import OrganisationKind
from partners.models import PartnerOrganisation
from volunteers.models import Document, Experience, VolunteerProfile

BENCH_CALL = "Banc d'essai — éligibilité"
PARTNERS = 20
MISSIONS = 200
BATCH = 5000


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Command(BaseCommand):
    help = "Time the bulk eligibility re-check of a call with many applications."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=50_000)
        parser.add_argument("--chunk-size", type=int, default=checking.CHUNK_SIZE)

    def handle(self, *args, applications: int, chunk_size: int, **options):
        # Notifications the run writes are queued to an in-memory broker that nobody consumes, so
        # that no worker e-mails the bench's fake volunteers and sending is not timed here
        # (bench_notifications measures it); their rows are deleted at the end.
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"
        call = self._bench_call(applications)
        batch = EligibilityBatch.objects.create(call=call)

        EligibilityReport.objects.filter(application__call=call).delete()
        fresh = self._timed_run(batch, chunk_size)
        again = self._timed_run(EligibilityBatch.objects.create(call=call), chunk_size)

        chunks = -(-applications // chunk_size)
        result = {
            "benchmark": "eligibility_batch",
            "database": connection.vendor,
            "applications": applications,
            "chunk_size": chunk_size,
            "seconds": round(fresh["seconds"], 3),
            "applications_per_second": round(applications / fresh["seconds"], 1),
            "queries_per_chunk": round(fresh["queries"] / chunks, 1),
            "reports_written": fresh["outcome"].reports_changed,
            "unchanged_seconds": round(again["seconds"], 3),
            "unchanged_applications_per_second": round(applications / again["seconds"], 1),
            "unchanged_reports_written": again["outcome"].reports_changed,
        }
        self.stdout.write(
            f"{applications} applications in {result['seconds']} s: "
            f"{result['applications_per_second']} applications/s, "
            f"{result['queries_per_chunk']} queries per chunk of {chunk_size} "
            f"({connection.vendor})."
        )
        self.stdout.write(
            f"Again on unchanged data: {result['unchanged_seconds']} s, "
            f"{result['unchanged_reports_written']} reports written."
        )
        Notification.objects.filter(user__applications__call=call).delete()
        self.stdout.write(json.dumps(result))

    def _timed_run(self, batch, chunk_size):
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            outcome = checking.run_batch(batch, chunk_size=chunk_size)
        return {
            "seconds": time.perf_counter() - started,
            "queries": counter.count,
            "outcome": outcome,
        }

    def _bench_call(self, size: int) -> Call:
        call = Call.objects.filter(title=BENCH_CALL).first()
        if call and call.applications.count() == size:
            self.stdout.write(f"Reusing the bench call with {size} applications.")
            return call
        self.stdout.write(f"Seeding a bench call with {size} applications…")
        started = time.perf_counter()
        with transaction.atomic():
            if call:
                self._delete(call)
            call = self._seed(size)
        self.stdout.write(f"Seeded in {time.perf_counter() - started:.1f} s.")
        if connection.vendor == "postgresql":
            # What autovacuum does for a live database soon after such an import: without
            # statistics, the planner scans whole tables for a chunk's 500 volunteers.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return call

    def _delete(self, call):
        volunteers = get_user_model().objects.filter(applications__call=call)
        ids = list(volunteers.values_list("pk", flat=True))
        EligibilityBatch.objects.filter(call=call).delete()
        for chunk in _chunks(ids):
            Application.objects.filter(volunteer_id__in=chunk).delete()
            get_user_model().objects.filter(pk__in=chunk).delete()
        call.delete()
        Mission.objects.filter(title__startswith="Mission de banc d'essai").delete()

    def _seed(self, size: int) -> Call:
        now = timezone.now()
        theme = Theme.objects.order_by("pk").first() or Theme.objects.create(
            slug="bench", name_fr="Banc d'essai", name_en="Bench"
        )
        # The programme around the call: 20 partners offering 200 published missions.
        partners = [
            PartnerOrganisation.objects.get_or_create(
                name=f"Partenaire du banc d'essai {n:02d}",
                defaults={"kind": OrganisationKind.HOST_STRUCTURE, "country": "FR"},
            )[0]
            for n in range(PARTNERS)
        ]
        countries = ["FR", "BE", "SN", "CA", "TG"]
        missions = Mission.objects.bulk_create(
            Mission(
                title=f"Mission de banc d'essai {n:03d}",
                description="Actions de proximité au contact des habitants. " * 8,
                theme=theme,
                direction=Direction.OUTGOING if n % 5 else Direction.INCOMING,
                partner=partners[n % PARTNERS],
                country=countries[n % len(countries)],
                city="Lyon",
                start_date=date(2026, 10, 1) + timedelta(days=n),
                end_date=date(2027, 6, 30) + timedelta(days=n),
                status=MissionStatus.PUBLISHED,
            )
            for n in range(MISSIONS)
        )
        call = Call.objects.create(
            title=BENCH_CALL,
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=30),
            reference_date=date(2026, 2, 28),
        )
        call.missions.set(missions[:3])

        User = get_user_model()
        stamp = int(now.timestamp())
        unusable = "!"  # no password: bench volunteers never log in
        users = []
        for chunk in _chunks(range(size)):
            users += User.objects.bulk_create(
                User(email=f"bench-{stamp}-{n}@bench.invalid", password=unusable) for n in chunk
            )
        for chunk in _chunks(users):
            VolunteerProfile.objects.bulk_create(
                VolunteerProfile(
                    user=user,
                    first_name="Banc",
                    last_name=str(user.pk),
                    # One in five is 26 at the reference date: a realistic mix of outcomes.
                    birth_date=date(1999 if user.pk % 5 == 0 else 2002, 1 + user.pk % 12, 1),
                    gender="female" if user.pk % 2 else "male",
                    nationality_status="togolese_resident",
                    country_of_residence="TG",
                    region="grand_lome",
                )
                for user in chunk
            )
            Experience.objects.bulk_create(
                Experience(
                    volunteer=user,
                    organisation="ANVT",
                    start_date=date(2022, 1, 1) + timedelta(days=offset),
                    end_date=date(2023, 6, 30) + timedelta(days=offset),
                )
                for user in chunk
                for offset in (0, 400)
            )
            Document.objects.bulk_create(
                Document(
                    volunteer=user,
                    kind=kind,
                    file=f"bench/{user.pk}-{kind}.pdf",
                    original_name=f"{kind}.pdf",
                    content_type="application/pdf",
                    size=1000,
                    expiry_date=date(2030, 1, 1) if kind == "passport" else None,
                )
                for user in chunk
                for kind in ("passport", "cv", "motivation_letter", "experience_certificate")
            )
            created = Application.objects.bulk_create(
                Application(
                    volunteer=user,
                    call=call,
                    motivation="Banc d'essai",
                    # Checked once already: the timed runs re-check, as after a change of rules.
                    status=ApplicationStatus.ELIGIBLE,
                    submitted_at=now,
                )
                for user in chunk
            )
            ApplicationChoice.objects.bulk_create(
                ApplicationChoice(application=application, mission=missions[i % 3], rank=1)
                for i, application in enumerate(created)
            )
        return call
