from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlumniConfig(AppConfig):
    name = "alumni"
    verbose_name = _("Après la mission")

    def ready(self):
        # A completed mission issues its certificate (missions cannot import this app, which
        # sits above it: the programme tells, the certificate listens).
        from alumni import certificates
        from missions.signals import placement_completed, placement_dates_corrected

        placement_completed.connect(certificates.issue_on_completion, weak=False)
        placement_dates_corrected.connect(certificates.refresh_dates, weak=False)
