"""Issue the certificates of missions completed before certificates existed (run once after the
deployment that brought them; safe to run again: it issues only the missing ones)."""

from django.core.management.base import BaseCommand

from alumni import certificates
from missions.enums import PlacementStatus
from missions.models import Placement


class Command(BaseCommand):
    help = "Issue the missing certificates of completed missions."

    def handle(self, *args, **options):
        missing = Placement.objects.filter(
            status=PlacementStatus.COMPLETED, certificate__isnull=True
        ).select_related("volunteer__volunteer_profile", "mission__theme", "host", "contingent")
        count = 0
        for placement in missing.iterator(chunk_size=200):
            certificates.issue(placement)
            count += 1
        self.stdout.write(f"{count} certificat(s) délivré(s).")
