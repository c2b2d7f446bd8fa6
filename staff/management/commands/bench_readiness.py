"""Benchmark of a contingent's readiness board (issue 15): 40 volunteers, 12 checklist items
each, the median of 20 requests, printed beside the staff application list's (the same call of
the large data set, requested alternately in the same run). Last line: JSON."""

import json
import statistics
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from missions.enums import PlacementStatus
from missions.management.commands.bench_eligibility import BENCH_CALL
from missions.models import Call, Contingent, Placement
from mobility.enums import ItemOwner
from mobility.models import ChecklistItem
from mobility.services import open_file
from partners.models import PartnerOrganisation
from staff.management.commands.bench_staff import Command as StaffBench

BENCH_CONTINGENT = "Bench — préparation au départ"


class Command(BaseCommand):
    help = "Time the readiness board of 40 volunteers x 12 items beside the staff list."

    def add_arguments(self, parser):
        parser.add_argument("--volunteers", type=int, default=40)
        parser.add_argument("--items", type=int, default=12)
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument("--applications", type=int, default=50_000)

    def handle(self, *args, volunteers, items, requests, applications, **options):
        call = Call.objects.filter(title=BENCH_CALL).first()
        if call is None:
            call_command("bench_eligibility", applications=applications, stdout=self.stdout)
            call = Call.objects.get(title=BENCH_CALL)
        contingent = self._contingent(call, volunteers, items)
        client = Client(SERVER_NAME="localhost")
        client.force_login(StaffBench()._manager())
        board = reverse("staff:readiness", args=[contingent.pk])
        staff_list = f"{reverse('staff:applications')}?call={call.pk}"
        for url in (board, staff_list):  # warm caches and connections
            self._get(client, url)
        timings = {"board": [], "list": []}
        queries = {}
        for _ in range(requests):
            for name, url in (("board", board), ("list", staff_list)):
                seconds, count = self._get(client, url)
                timings[name].append(seconds)
                queries[name] = count
        result = {
            "benchmark": "readiness_board",
            "database": connection.vendor,
            "volunteers": contingent.placements.count(),
            "items_per_volunteer": items,
            "requests": requests,
            "board_ms": round(statistics.median(timings["board"]) * 1000, 1),
            "board_queries": queries["board"],
            "staff_list_ms": round(statistics.median(timings["list"]) * 1000, 1),
            "staff_list_queries": queries["list"],
        }
        self.stdout.write(
            f"Readiness board ({result['volunteers']} x {items}): {result['board_ms']} ms median "
            f"({result['board_queries']} queries); staff list: {result['staff_list_ms']} ms "
            f"({result['staff_list_queries']} queries)."
        )
        self.stdout.write(json.dumps(result))

    def _get(self, client, url) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return seconds, len(captured)

    @transaction.atomic
    def _contingent(self, call, volunteers: int, items: int) -> Contingent:
        contingent = Contingent.objects.filter(name=BENCH_CONTINGENT).first()
        if contingent is not None and contingent.placements.count() == volunteers:
            return contingent
        mission = call.missions.order_by("pk").first()
        partner = mission.partner or PartnerOrganisation.objects.first()
        contingent = contingent or Contingent.objects.create(
            call=call,
            partner=partner,
            name=BENCH_CONTINGENT,
            capacity=volunteers,
            planned_departure=timezone.localdate() + timedelta(days=40),
        )
        for position in range(items):
            ChecklistItem.objects.get_or_create(
                country=mission.country,
                label_fr=f"Bench — élément {position + 1}",
                defaults={
                    "label_en": f"Bench — item {position + 1}",
                    "position": 100 + position,
                    "owner": ItemOwner.VOLUNTEER,
                    "days_before_departure": 5 * position,
                },
            )
        taken = Placement.objects.filter(
            status__in=[PlacementStatus.CONFIRMED, PlacementStatus.DEPARTED]
        ).values("volunteer_id")
        chosen = list(
            call.applications.exclude(volunteer_id__in=taken)
            .exclude(placements__isnull=False)
            .order_by("pk")[: volunteers - contingent.placements.count()]
        )
        placements = Placement.objects.bulk_create(
            Placement(
                contingent=contingent,
                application=application,
                volunteer_id=application.volunteer_id,
                mission=mission,
                status=PlacementStatus.CONFIRMED,
            )
            for application in chosen
        )
        Contingent.objects.filter(pk=contingent.pk).update(seats_taken=volunteers)
        for placement in placements:
            placement.contingent = contingent
            open_file(placement)
        return contingent
