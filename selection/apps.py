from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = _("Comité de sélection")

    def ready(self):
        # A call's grid is fixed once the committee has marked with it (missions cannot import
        # this app, which sits above it).
        from missions import services
        from selection.enums import SessionStatus
        from selection.models import CommitteeSession, Mark

        services.GRID_IN_USE.append(
            lambda call: (
                Mark.objects.filter(member__session__call=call).exists()
                or CommitteeSession.objects.filter(call=call, status=SessionStatus.CLOSED).exists()
            )
        )
