from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "mobility"
    verbose_name = _("Dossiers de départ")

    def ready(self):
        # A placement confirmed by every party opens its mobility file (missions cannot import
        # this app, which sits above it: the programme tells, the file listens).
        from missions.signals import placement_confirmed
        from mobility import services

        placement_confirmed.connect(services.open_file_on_confirmation, weak=False)
