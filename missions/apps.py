from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missions")

    def ready(self):
        # Public pages kept in the cache are dropped when what they show changes.
        from missions import public_pages

        public_pages.connect()
