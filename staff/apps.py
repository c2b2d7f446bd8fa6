from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The ANVT staff back office: review, selection, contingents, calls and the dashboard."""

    name = "staff"
    verbose_name = _("Équipe de l'ANVT")
