from django.apps import AppConfig


class VolunteerSpaceConfig(AppConfig):
    """The volunteer's side of the portal: pages and the use cases behind them (no models)."""

    name = "volunteer_space"
